"""``docker exec`` and ``docker attach``: a program in a running container, or its terminal.

The CLI only decides where the terminal goes; the lab runs the program (or puts
the terminal in the container's shell) from the :class:`CliOutcome`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dockercli.base import SHELLS, CliOutcome, Command, at_least, exactly
from simulator.dockercli.parser import Flag, Parsed
from simulator.errors import CliError, DockerError

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli

EXEC_FLAGS = (
    Flag("interactive", "i"),
    Flag("tty", "t"),
    Flag("detach", "d"),
    Flag("env", "e", value=True, repeat=True),
    Flag("user", "u", value=True),
    Flag("workdir", "w", value=True),
    Flag("privileged"),
)
ATTACH_FLAGS = (Flag("no-stdin"), Flag("sig-proxy"), Flag("detach-keys", value=True))


def exec_(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker exec [-itd] CONTAINER CMD...``: the program to run, or a shell to enter (``-it``)."""
    container = cli.engine.container(p.args[0])
    if not container.running:
        if cli.style == "see-help":
            raise DockerError(f"Container {container.id} is not running")
        raise DockerError(f"container {container.id} is not running")
    argv = p.args[1:]
    if argv[0].rsplit("/", 1)[-1] in SHELLS and len(argv) == 1:
        if p.flag("interactive") and p.flag("tty"):
            return CliOutcome(attach=container, attach_stops_container=False)
        return CliOutcome()
    return CliOutcome(exec_in=container, exec_argv=argv, detach=p.flag("detach"), tty=p.flag("tty"))


def attach(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker attach CONTAINER``: the terminal goes into the container's main shell."""
    container = cli.engine.container(p.args[0])
    if not container.running:  # the client's own check after inspecting it: no daemon prefix
        raise CliError(cli.engine.profile.cli_messages.attach_stopped + "\n", 1)
    return CliOutcome(attach=container, attach_stops_container=True)


COMMANDS = {
    "exec": Command("exec", exec_, EXEC_FLAGS, at_least(2), interspersed=False),
    "attach": Command("attach", attach, ATTACH_FLAGS, exactly(1)),
}
