"""``docker start|stop|restart|kill|rm``: one action on each container named.

Each name is printed back when its action succeeds; a name the daemon refuses
gets ``Error response from daemon: ...`` on stderr (a CLI <= 22 names a missing
container itself for ``rm``) and the command exits 1, the other names still being
done, as the CLI does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.dockercli.base import CliOutcome, Command, at_least
from simulator.dockercli.parser import Flag, Parsed
from simulator.engine.docker_engine import START_TIME_S
from simulator.errors import DockerError, NoSuchContainer

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli
    from simulator.engine.container import Container

START_FLAGS = (Flag("attach", "a"), Flag("interactive", "i"))
STOP_FLAGS = (Flag("time", "t", value=True), Flag("signal", "s", value=True))
KILL_FLAGS = (Flag("signal", "s", value=True),)
RM_FLAGS = (Flag("force", "f"), Flag("volumes", "v"), Flag("link", "l"))

Action = Callable[["DockerCli", "Container", Parsed], None]


def each(action: Action, command_name: str) -> Callable[[DockerCli, Parsed], CliOutcome]:
    """A command that does ``action`` to every container named, reporting each.

    ``docker rm -f`` of a container that does not exist prints the error and still
    exits 0; ``docker start`` ends with the names it could not start (docker/cli
    ``rm.go``, ``start.go``).
    """

    def command(cli: DockerCli, p: Parsed) -> CliOutcome:
        out, err, failed, code = [], [], [], 0
        for ref in p.args:
            try:
                action(cli, cli.engine.container(ref), p)
                out.append(ref + "\n")
            except DockerError as error:
                err.append(cli.daemon_error(error, command_name).stderr)
                if command_name == "rm" and p.flag("force") and isinstance(error, NoSuchContainer):
                    continue
                failed.append(ref)
                code = 1
        if failed and command_name == "start":
            err.append(cli.engine.profile.cli_messages.start_failed.format(names=", ".join(failed)) + "\n")
        return CliOutcome(stdout="".join(out), stderr="".join(err), exit_code=code, changed=True)

    return command


def _start(cli: DockerCli, c: Container, _p: Parsed) -> None:
    cli.engine.start(c)
    cli.engine.sim.advance(START_TIME_S)


def _stop(cli: DockerCli, c: Container, _p: Parsed) -> None:
    cli.engine.stop(c)


def _kill(cli: DockerCli, c: Container, _p: Parsed) -> None:
    if not c.running:
        raise DockerError(f"cannot kill container: {c.name}: container {c.id} is not running")
    cli.engine.stop(c, kill=True)


def _restart(cli: DockerCli, c: Container, _p: Parsed) -> None:
    cli.engine.stop(c)
    cli.engine.start(c)
    cli.engine.sim.advance(START_TIME_S)


def _rm(cli: DockerCli, c: Container, p: Parsed) -> None:
    cli.engine.remove(c, force=p.flag("force"))


_start_each = each(_start, "start")


def start(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker start``; with ``-ai`` the terminal goes into the (first) container's shell."""
    if p.flag("attach") and p.flag("interactive"):
        try:
            container = cli.engine.container(p.args[0])
            cli.engine.start(container)
        except DockerError as error:
            return cli.daemon_error(error, "start")
        return CliOutcome(attach=container, attach_stops_container=True, changed=True)
    return _start_each(cli, p)


COMMANDS = {
    "start": Command("start", start, START_FLAGS, at_least(1)),
    "stop": Command("stop", each(_stop, "stop"), STOP_FLAGS, at_least(1)),
    "restart": Command("restart", each(_restart, "restart"), STOP_FLAGS, at_least(1)),
    "kill": Command("kill", each(_kill, "kill"), KILL_FLAGS, at_least(1)),
    "rm": Command("rm", each(_rm, "rm"), RM_FLAGS, at_least(1)),
}
