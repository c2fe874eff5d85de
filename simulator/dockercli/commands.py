"""Every command the real ``docker`` CLI has, per version, and ``docker --help`` as it prints them.

The simulator models some of Docker's commands (:data:`simulator.dockercli.docker.COMMANDS`);
the real CLI has more. A word the real CLI knows but the simulator does not model is
answered honestly (:func:`not_modelled`), and only a word no real CLI of that version
knows gets the CLI's unknown-command message.

Sources: the commands and their one-line descriptions (``Short``) as ``docker --help``
prints them: docker/cli v20.10.24 (``cli/command/commands/commands.go``, the help
template of ``cli/cobra.go``, the global flags of ``cli/flags/common.go``) and v29.2.0
(``internal/commands``, ``cli/cobra.go``: Common/Management/Swarm commands,
``cli/flags/options.go``), checked against the output of the 20.10.24 and 28.2.2
clients. Hidden as a daemon of the lab hides them (``hideUnsupportedFeatures`` in
``cmd/docker/docker.go``): ``checkpoint`` needs an experimental daemon; from CLI 23 the
swarm commands annotated ``"swarm": "manager"`` show only on a swarm manager. No CLI
plugins (the simulator models none), so no ``buildx*``/``compose*`` lines. ``trust``
left the CLI in 29 (docker/cli#5542). Flag help is wrapped at 80 columns as the CLI
wraps it when it cannot ask a terminal for its width (pflag ``FlagUsagesWrapped``).
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIG_DIR = "/root/.docker"  # the lab's user is root
NOT_MODELLED_EXIT = 126  # as a program the simulator does not model: found, but cannot be run here


@dataclass(frozen=True)
class RealCommand:
    """One top-level command of the real CLI: its name, its ``Short`` and where help lists it."""

    name: str
    short: str
    section: str  # "common" (29: Common Commands), "management", "swarm", "commands"; "" never listed


def _rows(section: str, text: str) -> tuple[RealCommand, ...]:
    """``name  short`` lines as they appear in the help, one command a line."""
    out = []
    for line in text.strip().splitlines():
        name, _, short = line.strip().partition(" ")
        out.append(RealCommand(name, short.strip(), section))
    return tuple(out)


_COMMANDS_2010 = _rows("commands", """
attach      Attach local standard input, output, and error streams to a running container
build       Build an image from a Dockerfile
commit      Create a new image from a container's changes
cp          Copy files/folders between a container and the local filesystem
create      Create a new container
diff        Inspect changes to files or directories on a container's filesystem
events      Get real time events from the server
exec        Run a command in a running container
export      Export a container's filesystem as a tar archive
history     Show the history of an image
images      List images
import      Import the contents from a tarball to create a filesystem image
info        Display system-wide information
inspect     Return low-level information on Docker objects
kill        Kill one or more running containers
load        Load an image from a tar archive or STDIN
login       Log in to a Docker registry
logout      Log out from a Docker registry
logs        Fetch the logs of a container
pause       Pause all processes within one or more containers
port        List port mappings or a specific mapping for the container
ps          List containers
pull        Pull an image or a repository from a registry
push        Push an image or a repository to a registry
rename      Rename a container
restart     Restart one or more containers
rm          Remove one or more containers
rmi         Remove one or more images
run         Run a command in a new container
save        Save one or more images to a tar archive (streamed to STDOUT by default)
search      Search the Docker Hub for images
start       Start one or more stopped containers
stats       Display a live stream of container(s) resource usage statistics
stop        Stop one or more running containers
tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
top         Display the running processes of a container
unpause     Unpause all processes within one or more containers
update      Update configuration of one or more containers
version     Show the Docker version information
wait        Block until one or more containers stop, then print their exit codes
""")

_MANAGEMENT_2010 = _rows("management", """
builder     Manage builds
config      Manage Docker configs
container   Manage containers
context     Manage contexts
image       Manage images
manifest    Manage Docker image manifests and manifest lists
network     Manage networks
node        Manage Swarm nodes
plugin      Manage plugins
secret      Manage Docker secrets
service     Manage services
stack       Manage Docker stacks
swarm       Manage Swarm
system      Manage Docker
trust       Manage trust on Docker images
volume      Manage volumes
""")

_COMMON_29 = _rows("common", """
run         Create and run a new container from an image
exec        Execute a command in a running container
ps          List containers
build       Build an image from a Dockerfile
pull        Download an image from a registry
push        Upload an image to a registry
images      List images
login       Authenticate to a registry
logout      Log out from a registry
search      Search Docker Hub for images
version     Show the Docker version information
info        Display system-wide information
""")

_MANAGEMENT_29 = _rows("management", """
builder     Manage builds
container   Manage containers
context     Manage contexts
image       Manage images
manifest    Manage Docker image manifests and manifest lists
network     Manage networks
plugin      Manage plugins
system      Manage Docker
volume      Manage volumes
""")

_SWARM_29 = _rows("swarm", """
config      Manage Swarm configs
node        Manage Swarm nodes
secret      Manage Swarm secrets
service     Manage Swarm services
stack       Manage Swarm stacks
swarm       Manage Swarm
""")

_COMMANDS_29 = _rows("commands", """
attach      Attach local standard input, output, and error streams to a running container
commit      Create a new image from a container's changes
cp          Copy files/folders between a container and the local filesystem
create      Create a new container
diff        Inspect changes to files or directories on a container's filesystem
events      Get real time events from the server
export      Export a container's filesystem as a tar archive
history     Show the history of an image
import      Import the contents from a tarball to create a filesystem image
inspect     Return low-level information on Docker objects
kill        Kill one or more running containers
load        Load an image from a tar archive or STDIN
logs        Fetch the logs of a container
pause       Pause all processes within one or more containers
port        List port mappings or a specific mapping for the container
rename      Rename a container
restart     Restart one or more containers
rm          Remove one or more containers
rmi         Remove one or more images
save        Save one or more images to a tar archive (streamed to STDOUT by default)
start       Start one or more stopped containers
stats       Display a live stream of container(s) resource usage statistics
stop        Stop one or more running containers
tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
top         Display the running processes of a container
unpause     Unpause all processes within one or more containers
update      Update configuration of one or more containers
wait        Block until one or more containers stop, then print their exit codes
""")

#: Commands every version has but ``docker --help`` does not list (experimental daemon only).
_HIDDEN = (RealCommand("checkpoint", "Manage checkpoints", ""),)

#: Subcommands of ``docker container`` (cli/command/container/cmd.go, the same in 20.10.24 and 29.2.0).
CONTAINER_SUBCOMMANDS = frozenset({
    "attach", "commit", "cp", "create", "diff", "exec", "export", "kill", "logs", "pause", "port", "rename", "restart",
    "rm", "run", "start", "stats", "stop", "top", "unpause", "update", "wait", "ls", "inspect", "prune",
})


@dataclass(frozen=True)
class GlobalFlag:
    """A flag of the root command: its left column (``-c, --context string``) and its help."""

    left: str
    usage: str


def _global_flags(version: str) -> tuple[GlobalFlag, ...]:
    """The root command's flags as pflag lists them (sorted by name), with their defaults."""
    level = '("debug"|"info"|"warn"|"error"|"fatal")' if version == "20.10" else '("debug", "info", "warn", "error", "fatal")'
    host = "Daemon socket(s) to connect to" if version == "20.10" else "Daemon socket to connect to"
    return (
        GlobalFlag("      --config string", f'Location of client config files (default "{CONFIG_DIR}")'),
        GlobalFlag("  -c, --context string", 'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var '
                                             'and default context set with "docker context use")'),
        GlobalFlag("  -D, --debug", "Enable debug mode"),
        GlobalFlag("  -H, --host list", host),
        GlobalFlag("  -l, --log-level string", f'Set the logging level {level} (default "info")'),
        GlobalFlag("      --tls", "Use TLS; implied by --tlsverify"),
        GlobalFlag("      --tlscacert string", f'Trust certs signed only by this CA (default "{CONFIG_DIR}/ca.pem")'),
        GlobalFlag("      --tlscert string", f'Path to TLS certificate file (default "{CONFIG_DIR}/cert.pem")'),
        GlobalFlag("      --tlskey string", f'Path to TLS key file (default "{CONFIG_DIR}/key.pem")'),
        GlobalFlag("      --tlsverify", "Use TLS and verify the remote"),
        GlobalFlag("  -v, --version", "Print version information and quit"),
    )


def _wrap_n(width: int, slop: int, text: str) -> tuple[str, str]:
    """pflag ``wrapN``: the first at most ``width`` characters broken at a space, and the rest."""
    if width + slop > len(text):
        return text, ""
    cut = max(text.rfind(" ", 0, width), text.rfind("\t", 0, width))
    if cut <= 0:
        return text, ""
    return text[:cut], text[cut + 1:]


def _wrap(indent: int, columns: int, text: str) -> str:
    """pflag ``wrap``: ``text`` wrapped to ``columns``, continuation lines indented by ``indent``."""
    slop = 5
    room = columns - indent - slop
    line, rest = _wrap_n(room, slop, text)
    out = line
    while rest:
        line, rest = _wrap_n(room, slop, rest)
        out += "\n" + " " * indent + line
    return out


def flag_usages(flags: tuple[GlobalFlag, ...], columns: int = 80) -> str:
    """pflag ``FlagUsagesWrapped(columns - 1)``: the left column padded, the help wrapped."""
    longest = max(len(flag.left) for flag in flags) + 1
    return "\n".join(f"{flag.left} {' ' * (longest - len(flag.left))} {_wrap(longest + 2, columns - 1, flag.usage)}" for flag in flags)


def real_commands(version: str) -> dict[str, RealCommand]:
    """Every top-level command the real CLI of ``version`` (``"20.10"``, ``"29"``) has, by name."""
    rows = _MANAGEMENT_2010 + _COMMANDS_2010 if version == "20.10" else _COMMON_29 + _MANAGEMENT_29 + _SWARM_29 + _COMMANDS_29
    return {row.name: row for row in rows + _HIDDEN}


def _section(title: str, rows: list[RealCommand]) -> str:
    return f"\n\n{title}:\n" + "\n".join(f"  {row.name:<11} {row.short}" for row in rows)


def help_text(version: str, swarm_manager: bool) -> str:
    """``docker --help`` of the CLI ``version`` on a daemon that is (or is not) a swarm manager."""
    rows = list(real_commands(version).values())
    if version == "20.10":
        return ("\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nOptions:\n"
                + flag_usages(_global_flags(version))
                + _section("Management Commands", [r for r in rows if r.section == "management"])
                + _section("Commands", [r for r in rows if r.section == "commands"])
                + "\n\nRun 'docker COMMAND --help' for more information on a command.\n\n"
                "To get more help with docker, check out our guides at https://docs.docker.com/go/guides/\n")
    swarm = [r for r in rows if r.section == "swarm" and (swarm_manager or r.name == "swarm")]
    return ("Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers"
            + _section("Common Commands", [r for r in rows if r.section == "common"])
            + _section("Management Commands", [r for r in rows if r.section == "management"])
            + _section("Swarm Commands", swarm)
            + _section("Commands", [r for r in rows if r.section == "commands"])
            + "\n\nGlobal Options:\n" + flag_usages(_global_flags(version))
            + "\n\nRun 'docker COMMAND --help' for more information on a command.\n\n"
            "For more help on how to use Docker, head to https://docs.docker.com/go/guides/\n")


def not_modelled(command: str, version: str) -> str:
    """The line a learner gets for a real ``docker`` command the simulator does not model."""
    return f"dockersim: docker {command}: Docker {version} has this command, but the simulator does not model it\n"
