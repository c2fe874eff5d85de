"""What every ``docker`` subcommand shares: its outcome, and its row in a command table.

A subcommand is a :class:`Command`: its name as cobra prints it in messages
(``"network create"``), its flag table, how many arguments it takes and the
function that does the work once the flags are parsed. A command group
(``docker network``, ``docker swarm``) is a :class:`Group` of such rows. Adding a
flag is adding a row to a table; the parsing, the argument count and their
messages (cobra's words, per CLI generation) are the same for every command.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.dockercli.parser import Flag, Parsed, args_error, parse_flags

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli
    from simulator.engine.container import Container

SHELLS = frozenset({"bash", "sh", "ash"})  # a container whose command is a shell needs a terminal to stay up


@dataclass
class CliOutcome:
    """What a docker command produced, and what should happen next."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    exec_in: Container | None = None  # run this argv inside the container (exec, foreground run)
    exec_argv: list[str] | None = None
    attach: Container | None = None  # enter the container's shell (-it)
    attach_stops_container: bool = False
    foreground_main: bool = False  # the argv is the container's main process: it exits after
    changed: bool = False
    stderr_first: bool = False  # a warning printed before the output
    detach: bool = False  # docker exec -d: the process runs on in the background
    tty: bool = False  # -t: the program's output goes to a terminal (apt-get then says "... Done")
    follow_logs: Container | None = None  # docker logs -f: at a terminal, the log's new lines until the container stops
    follow_timestamps: bool = False  # ... each after its time (-t)


@dataclass(frozen=True)
class Arity:
    """How many arguments a command takes, and cobra's words when it gets another count.

    ``low``/``high`` bound the count (``high=None``: no upper bound); ``None`` for
    both means any count is taken without a word.
    """

    low: int | None = None
    high: int | None = None

    def check(self, command: str, args: list[str], style: str) -> None:
        """Raise cobra's error (exit status 1) when ``args`` is not a count this command takes."""
        if self.low is None:
            return
        count = len(args)
        if self.high == 0 and count:
            raise args_error(command, "accepts no arguments", style)
        plural = "" if self.low == 1 else "s"
        if self.high == self.low and count != self.low:
            raise args_error(command, f"requires exactly {self.low} argument{plural}", style)
        if count < self.low:
            raise args_error(command, f"requires at least {self.low} argument{plural}", style)


ANY = Arity()
NONE = Arity(0, 0)


def at_least(n: int) -> Arity:
    """``cli.RequiresMinArgs(n)``."""
    return Arity(n, None)


def exactly(n: int) -> Arity:
    """``cli.ExactArgs(n)``."""
    return Arity(n, n)


Handler = Callable[["DockerCli", Parsed], CliOutcome]


@dataclass(frozen=True)
class Command:
    """One subcommand: its flag table, its argument count, and what it does.

    ``flags=None``: the command reads its words itself (``docker version``, ``docker
    images`` take them as they come). ``interspersed=False``: flags stop at the first
    argument, the rest is the container's command line (``docker run IMAGE CMD...``).
    """

    name: str
    handler: Handler
    flags: tuple[Flag, ...] | None = ()
    args: Arity = ANY
    interspersed: bool = True

    def parse(self, cli: DockerCli, words: list[str]) -> Parsed:
        """The words as this command's flags and arguments, or cobra's error."""
        if self.flags is None:
            return Parsed(args=list(words))
        parsed = parse_flags(self.name, words, list(self.flags), cli.style, interspersed=self.interspersed)
        self.args.check(self.name, parsed.args, cli.style)
        return parsed

    def __call__(self, cli: DockerCli, words: list[str]) -> CliOutcome:
        """Parse ``words`` and run the command."""
        return self.handler(cli, self.parse(cli, words))


@dataclass(frozen=True)
class Group:
    """A command with subcommands (``docker network``): its usage text and its table."""

    name: str
    usage: str
    subcommands: Mapping[str, Command]
    usage_changes: bool = False  # the usage text counts as a change (kept as ``docker swarm`` had it)

    def __call__(self, cli: DockerCli, words: list[str]) -> CliOutcome:
        """``docker GROUP`` (or ``--help``): the usage; ``docker GROUP SUB ...``: the subcommand."""
        if not words or words[0] in ("--help", "help"):
            return CliOutcome(stdout=self.usage, changed=self.usage_changes)
        sub = self.subcommands.get(words[0])
        if sub is None:
            return unknown(cli, f"{self.name} {words[0]}", f"docker {self.name} --help")
        return sub(cli, words[1:])


def unknown(cli: DockerCli, command: str, help_command: str) -> CliOutcome:
    """``docker COMMAND`` that is not one: the CLI's words per generation, exit status 1."""
    if cli.style == "see-help":
        return CliOutcome(stderr=f"docker: '{command}' is not a docker command.\nSee 'docker --help'\n", exit_code=1)
    return CliOutcome(stderr=f"docker: unknown command: docker {command}\n\nRun '{help_command}' for more information\n", exit_code=1)


Runner = Callable[["DockerCli", list[str]], CliOutcome]
Table = Mapping[str, Runner]
