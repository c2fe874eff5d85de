"""The ``docker`` command: flags parsed like the CLI, requests sent to the engine,
answers printed like the CLI prints them.

Each family of subcommands is a module with its flag tables and a ``COMMANDS``
table (:mod:`.run`, :mod:`.lifecycle`, :mod:`.attach`, :mod:`.listing`,
:mod:`.network`, :mod:`.info`, :mod:`.swarm`); :data:`COMMANDS` joins them.

Errors: the CLI's own (unknown flag, missing argument) as cobra words them, exit
125 for flags; the daemon's refusals as ``Error response from daemon: MSG`` (exit
1), or, for ``docker run``/``create``, in the run framing of the CLI generation
(exit 125).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dockercli import (
    attach,
    commands,
    images,
    info,
    lifecycle,
    listing,
    logs,
    network,
    run,
    swarm,
)
from simulator.dockercli.base import CliOutcome, Table, unknown
from simulator.errors import CliError, DockerError, NoSuchContainer

if TYPE_CHECKING:
    from simulator.engine.docker_engine import DockerEngine

#: Every ``docker`` subcommand the simulator knows, by name.
COMMANDS: Table = {
    **run.COMMANDS, **lifecycle.COMMANDS, **attach.COMMANDS, **listing.COMMANDS,
    **network.COMMANDS, **info.COMMANDS, **swarm.COMMANDS, **logs.COMMANDS, **images.COMMANDS,
}
#: Commands whose client inspects (or removes) the container first: a CLI <= 22 names a
#: missing one itself (``Error: No such container: X``, client/errors.go objectNotFoundError).
CLIENT_INSPECTS = frozenset({"exec", "attach", "rm", "logs"})
#: ``docker container SUB`` names that differ from the top-level command's.
CONTAINER_ALIASES = {"ls": "ps"}
#: ``docker image SUB`` that the simulator models, and the top-level command each one is.
IMAGE_COMMANDS = {"ls": "images", "list": "images", "pull": "pull"}

class DockerCli:
    """``docker`` on one Docker host."""

    def __init__(self, engine: DockerEngine) -> None:
        self.engine = engine

    @property
    def style(self) -> str:
        """How this CLI generation words its errors (``"see-help"`` up to CLI 27, ``"run-help"`` from 28)."""
        return self.engine.profile.cli_error_style

    def daemon_error(self, error: DockerError, command: str) -> CliOutcome:
        """A refusal of the daemon as the CLI prints it for ``command``."""
        if command in ("run", "create"):
            return self.run_error(f"Error response from daemon: {error.message}", command)
        not_found = self.engine.profile.cli_messages.no_such_container
        if isinstance(error, NoSuchContainer) and not_found is not None and command in CLIENT_INSPECTS:
            return CliOutcome(stderr=not_found.format(ref=error.name) + "\n", exit_code=1)
        return CliOutcome(stderr=f"Error response from daemon: {error.message}\n", exit_code=error.exit_code)

    def run_error(self, message: str, command: str, help_line: bool = True, exit_code: int = 125) -> CliOutcome:
        """An error of ``docker run``/``create`` in the CLI's framing (reportError / withHelp).

        CLI <= 27 ends the message with one period (``strings.TrimSuffix(str, ".") + "."``)
        and adds ``See 'docker run --help'.`` unless the container failed to start.
        """
        if self.style == "see-help":
            text = f"docker: {message.removesuffix('.')}."
            if help_line:
                text += f"\nSee 'docker {command} --help'."
            return CliOutcome(stderr=text + "\n", exit_code=exit_code)
        if help_line:
            return CliOutcome(stderr=f"docker: {message}\n\nRun 'docker {command} --help' for more information\n", exit_code=exit_code)
        return CliOutcome(stderr=f"docker: {message}\n", exit_code=exit_code)

    def run(self, argv: list[str]) -> CliOutcome:
        """``argv`` (``["docker", ...]``) run as the CLI would: never raises for bad input."""
        args = argv[1:]
        if not args:  # cobra's RunE of the root: command.ShowHelp(dockerCli.Err())
            return CliOutcome(stderr=self.usage(), exit_code=0)
        command = args[0]
        if command in ("--help", "-h", "help") and len(args) == 1:
            return CliOutcome(stdout=self.usage())
        if command == "container" and len(args) > 1:
            if args[1] in commands.CONTAINER_SUBCOMMANDS and args[1] not in COMMANDS and args[1] not in CONTAINER_ALIASES:
                return self.not_modelled(f"container {args[1]}")
            command, args = args[1], args[1:]
            command = CONTAINER_ALIASES.get(command, command)
        if command == "image" and len(args) > 1 and not args[1].startswith("-"):
            if args[1] not in IMAGE_COMMANDS:
                return self.not_modelled(f"image {args[1]}")
            command, args = IMAGE_COMMANDS[args[1]], args[1:]
        if command in ("--version", "-v"):
            build = info.RELEASES[self.engine.profile.version].client_commit
            return CliOutcome(stdout=f"Docker version {self.engine.profile.version}, build {build}\n")
        handler = COMMANDS.get(command)
        if handler is None:
            if command in commands.real_commands(self.cli_version):
                return self.not_modelled(command)
            return unknown(self, command, "docker --help")
        try:
            return handler(self, args[1:])
        except CliError as error:
            return CliOutcome(stderr=error.text, exit_code=error.exit_code)
        except DockerError as error:
            return self.daemon_error(error, command)

    @property
    def cli_version(self) -> str:
        """Which real CLI's command list this one has: ``"20.10"`` or ``"29"``."""
        return "20.10" if self.engine.profile.version.startswith("20.10") else "29"

    def not_modelled(self, command: str) -> CliOutcome:
        """A command the real CLI has and the simulator does not model: said so, not called unknown."""
        return CliOutcome(stderr=commands.not_modelled(command, self.engine.profile.version), exit_code=commands.NOT_MODELLED_EXIT)

    def usage(self) -> str:
        """``docker --help``: the real CLI's help, the commands as this version lists them."""
        swarm = self.engine.swarm
        node = swarm.node(self.engine) if swarm is not None else None
        return commands.help_text(self.cli_version, swarm_manager=node is not None and node.role == "manager")
