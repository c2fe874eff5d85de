"""What the shells say when a command cannot run: bash, dash, busybox sh and zsh, each in its own words.

The lab's terminal is bash on the Docker host and the image's shell in a
container; a ``sh -c`` line is read by the shell it names. A real program the
simulator does not model gets one line of the simulator's own (status 126,
"found, cannot be run"), never a pretence of running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import image_programs
from simulator.programs import userland
from simulator.programs.tools import PROGRAMS
from simulator.scenario.processes import Processes

if TYPE_CHECKING:
    from simulator.engine.container import Container

NOT_SIMULATED = 126  # a program the image has but the simulator does not model: "found, cannot be run"
SHELL_NAMES = {"sh": "sh", "dash": "sh", "ash": "sh", "bash": "bash", "zsh": "zsh"}  # the name each says errors in
# Where bash finds the tools on a usr-merged Ubuntu host (PATH has /usr/sbin before /usr/bin).
_SBIN = frozenset({"brctl", "bridge", "ifconfig", "ip", "iptables", "iptables-save"})


def path_of(word: str) -> str:
    """Where bash would find the program ``word`` (it names that path when exec fails)."""
    if "/" in word or (word not in PROGRAMS and word != "docker"):
        return word
    return f"/usr/{'sbin' if word in _SBIN else 'bin'}/{word}"


def bash_variables(hostname: str) -> dict[str, str]:
    """What bash sets for itself without exporting (``$HOSTNAME`` on the host's prompt)."""
    return {"HOSTNAME": hostname}


def not_simulated(program: str, where: str) -> str:
    """The one line a learner gets for a real program the simulator does not model."""
    return f"dockersim: {program}: {where} has this program, but the simulator does not model it\n"


def builtin_not_simulated(name: str) -> str:
    """A shell builtin (``cd``, ``export``) the simulator does not model."""
    return f"dockersim: {name}: a shell builtin the simulator does not model\n"


def not_found(shell_name: str | None, land: userland.Userland, name: str) -> str:
    """``command not found`` as the shell words it: at the prompt (``None``) or running a ``-c`` line."""
    if shell_name is None:
        return f"bash: {name}: command not found\n"
    if shell_name == "bash":
        return f"bash: line 1: {name}: command not found\n" if land.bash_line_numbers() else f"bash: {name}: command not found\n"
    if shell_name == "zsh":
        return f"zsh:1: command not found: {name}\n"
    if land.busybox:
        return f"sh: {name}: not found\n"
    return f"sh: 1: {name}: not found\n"


def syntax_error(shell_name: str, message: str) -> str:
    """A syntax error as the shell that read the line words it."""
    if shell_name == "bash":
        return f"bash: {message}\n"
    return f"{shell_name}: {message}\n"


def cannot_open(shell_name: str, script: str, land: userland.Userland) -> tuple[str, int]:
    """``sh FILE``: the file is not there (the lab has no scripts on disk); the message and status."""
    if shell_name == "bash":
        return f"bash: {script}: No such file or directory\n", 127
    if land.busybox:
        return f"sh: can't open '{script}': No such file or directory\n", 2
    return f"sh: 0: Can't open {script}\n", 127


def exec_failed(word: str) -> str:
    """``docker exec CONTAINER PROGRAM`` for a program not in the image: the OCI runtime's words.

    runc >= 1.1 (containerd 1.6, the 20.10 profile's, and every later one) says
    "unable to start container process"; a path is stat'ed, a bare name looked up
    in $PATH. The daemon writes it into the exec's stdout stream, where the CLI
    prints it (moby api/server/router/container/exec.go postContainerExecStart).
    """
    if "/" in word:
        return f'OCI runtime exec failed: exec failed: unable to start container process: exec: "{word}": stat {word}: no such file or directory: unknown\n'
    return f'OCI runtime exec failed: exec failed: unable to start container process: exec: "{word}": executable file not found in $PATH: unknown\n'


def cannot_run_in_container(container: Container, word: str, via_docker: bool, shell_name: str | None) -> tuple[str, int]:
    """Why ``word`` cannot run in the container, as whoever tried says it, and the exit status.

    ``via_docker``: ``docker exec`` asked the runtime; otherwise the container's
    shell (or a ``sh -c`` line, ``shell_name``) looked the program up.
    """
    image = container.image
    base = word.rsplit("/", 1)[-1]
    if base in image_programs.BUILTINS and not via_docker:  # typed into its shell
        return builtin_not_simulated(base), NOT_SIMULATED
    if Processes.ships(container, base) and base not in image_programs.BUILTINS:
        installed = base in container.packages.programs and base not in image.tools
        return not_simulated(base, "this container" if installed else f"the {image.reference} image"), NOT_SIMULATED
    if via_docker:
        return exec_failed(word), 126
    if shell_name is not None:
        return not_found(shell_name, userland.of_image(image.flavour, image.repository), word), 127
    if image.flavour == "busybox":
        return f"/bin/sh: {word}: not found\n", 127
    return f"bash: {word}: command not found\n", 127
