"""Command lines to values: the docker CLI's flags, parsed like cobra/pflag parses them.

Pure: no side effects. ``parse_flags`` accepts ``--name x``, ``--name=x``, ``-e x``,
``-ex``, combined booleans (``-itd``), stops at the first positional argument when
the command takes a command line of its own (``docker run IMAGE CMD...``), and
raises :class:`~simulator.errors.CliError` with cobra's message and exit status
125 for an unknown flag, per CLI generation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.errors import CliError


@dataclass(frozen=True)
class Flag:
    """One flag of a subcommand."""

    long: str
    short: str | None = None
    value: bool = False  # takes a value
    repeat: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class Parsed:
    """A command line's flags (by long name) and its arguments, in order."""

    values: dict[str, object] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)

    def flag(self, name: str) -> bool:
        """Whether the boolean flag ``--name`` was given (and not as ``--name=false``)."""
        return bool(self.values.get(name, False))

    def value(self, name: str) -> str | None:
        """The value of ``--name``, the last one given, or ``None``."""
        v = self.values.get(name)
        return v if isinstance(v, str) else None

    def values_of(self, name: str) -> list[str]:
        """Every value of a repeatable flag ``--name``, in order."""
        v = self.values.get(name, [])
        return list(v) if isinstance(v, list) else []


USAGE = {
    "run": "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
    "create": "docker create [OPTIONS] IMAGE [COMMAND] [ARG...]",
    "exec": "docker exec [OPTIONS] CONTAINER COMMAND [ARG...]",
    "ps": "docker ps [OPTIONS]",
    "stop": "docker stop [OPTIONS] CONTAINER [CONTAINER...]",
    "start": "docker start [OPTIONS] CONTAINER [CONTAINER...]",
    "restart": "docker restart [OPTIONS] CONTAINER [CONTAINER...]",
    "rm": "docker rm [OPTIONS] CONTAINER [CONTAINER...]",
    "kill": "docker kill [OPTIONS] CONTAINER [CONTAINER...]",
    "network ls": "docker network ls [OPTIONS]",
    "network inspect": "docker network inspect [OPTIONS] NETWORK [NETWORK...]",
    "network create": "docker network create [OPTIONS] NETWORK",
    "network rm": "docker network rm NETWORK [NETWORK...]",
    "network connect": "docker network connect [OPTIONS] NETWORK CONTAINER",
    "network disconnect": "docker network disconnect [OPTIONS] NETWORK CONTAINER",
    "network prune": "docker network prune [OPTIONS]",
    "info": "docker info [OPTIONS]",
    "wait": "docker wait CONTAINER [CONTAINER...]",
    "logs": "docker logs [OPTIONS] CONTAINER",
    "inspect": "docker inspect [OPTIONS] NAME|ID [NAME|ID...]",
    "version": "docker version [OPTIONS]",
    "images": "docker images [OPTIONS] [REPOSITORY[:TAG]]",
    "pull": "docker pull [OPTIONS] NAME[:TAG|@DIGEST]",
    "attach": "docker attach [OPTIONS] CONTAINER",
}
DESCRIPTION = {
    "run": "Create and run a new container from an image",
    "create": "Create a new container",
    "exec": "Execute a command in a running container",
    "ps": "List containers",
    "stop": "Stop one or more running containers",
    "start": "Start one or more stopped containers",
    "restart": "Restart one or more containers",
    "rm": "Remove one or more containers",
    "kill": "Kill one or more running containers",
    "network ls": "List networks",
    "network inspect": "Display detailed information on one or more networks",
    "network create": "Create a network",
    "network rm": "Remove one or more networks",
    "network connect": "Connect a container to a network",
    "network disconnect": "Disconnect a container from a network",
    "network prune": "Remove all unused networks",
    "info": "Display system-wide information",
    "wait": "Block until one or more containers stop, then print their exit codes",
    "inspect": "Return low-level information on Docker objects",
    "version": "Show the Docker version information",
    "images": "List images",
    "pull": "Pull an image or a repository from a registry",
    "attach": "Attach local standard input, output, and error streams to a running container",
    "logs": "Fetch the logs of a container",
}


def flag_error(command: str, message: str, style: str) -> CliError:
    """cobra's FlagErrorFunc: exit status 125 for every command."""
    if style == "see-help":
        return CliError(f"{message}\nSee 'docker {command} --help'.\n", 125)
    return CliError(f"{message}\n\nUsage:  {USAGE.get(command, 'docker ' + command)}\n\nRun 'docker {command} --help' for more information\n", 125)


def args_error(command: str, message: str, style: str) -> CliError:
    """cli.RequiresMinArgs and friends: exit status 1."""
    usage = USAGE.get(command, "docker " + command)
    if style == "see-help":
        return CliError(f'"docker {command}" {message}.\nSee \'docker {command} --help\'.\n\nUsage:  {usage}\n\n{DESCRIPTION.get(command, "")}\n', 1)
    return CliError(f"docker: 'docker {command}' {message}\n\nUsage:  {usage}\n\nSee 'docker {command} --help' for more information\n", 1)


def parse_flags(command: str, argv: list[str], flags: list[Flag], style: str, interspersed: bool = True) -> Parsed:
    """``argv`` read against the flag table of ``command``, as pflag reads it (see the module's docstring)."""
    by_long: dict[str, Flag] = {}
    by_short: dict[str, Flag] = {}
    for f in flags:
        by_long[f.long] = f
        for a in f.aliases:
            by_long[a] = f
        if f.short:
            by_short[f.short] = f
    out = Parsed()

    def store(f: Flag, value: object) -> None:
        if f.repeat:
            existing = out.values.setdefault(f.long, [])
            assert isinstance(existing, list)
            existing.append(value)
        else:
            out.values[f.long] = value

    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            out.args.extend(argv[i + 1:])
            break
        if word.startswith("--") and len(word) > 2:
            name, eq, inline = word[2:].partition("=")
            found = by_long.get(name)
            if found is None:
                raise flag_error(command, f"unknown flag: --{name}", style)
            f = found
            if f.value:
                if eq:
                    store(f, inline)
                elif i + 1 < len(argv):
                    i += 1
                    store(f, argv[i])
                else:
                    raise flag_error(command, f"flag needs an argument: --{name}", style)
            else:
                if eq and inline.lower() in ("false", "0"):
                    out.values[f.long] = False
                else:
                    store(f, True)
        elif word.startswith("-") and len(word) > 1:
            j = 1
            while j < len(word):
                ch = word[j]
                short = by_short.get(ch)
                if short is None:
                    raise flag_error(command, f"unknown shorthand flag: '{ch}' in {word}", style)
                f = short
                if f.value:
                    rest = word[j + 1:]
                    if rest.startswith("="):
                        rest = rest[1:]
                    if rest:
                        store(f, rest)
                    elif i + 1 < len(argv):
                        i += 1
                        store(f, argv[i])
                    else:
                        raise flag_error(command, f"flag needs an argument: '{ch}' in -{ch}", style)
                    break
                store(f, True)
                j += 1
        else:
            if not interspersed:
                out.args.extend(argv[i:])
                break
            out.args.append(word)
        i += 1
    return out


