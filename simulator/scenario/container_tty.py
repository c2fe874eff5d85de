"""What a learner's terminal puts in a container's log, and ``docker logs -f`` at that terminal.

A container started with ``-t`` has a terminal as its main process's stdout: the
shell's prompt, the echo of each line typed (the tty's ECHO) and the output, every
``\\n`` as ``\\r\\n`` (ONLCR), all go to the log ``docker logs`` reads. ``docker logs -f``
at the terminal shows what is there, then each new line as the log gets it, until the
container stops or Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from simulator.dockercli import logs as logs_cli

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.programs.process import ProcessContext

FOLLOW_POLL_S = 0.5  # docker logs -f at a terminal looks for new lines this often (simulated seconds)
DETACH_KEYS = ("^p^q", "ctrl-pctrl-q")
EOF_KEYS = ("^d", "ctrl-d")


def shell_prompt(container: Container) -> str:
    """The prompt of a container's shell (BusyBox's ash, or bash's ``root@HOST:/#``)."""
    if container.image.flavour == "busybox":
        return "/ # "
    return f"root@{container.hostname}:/# "


def log_typed_line(container: Container, now_s: float, line: str, output: str, prompt_after: bool) -> None:
    """A line typed at PID 1's shell: the echo, the output and (the shell still there) the next prompt."""
    keys = line.strip().replace(" ", "").lower()
    if keys in DETACH_KEYS:
        return  # the detach keys are read by docker, not echoed
    # Ctrl-D is not echoed: bash, reading end of file, prints "exit" itself
    text = output if keys in EOF_KEYS else line.strip() + "\n" + output
    if prompt_after:
        text += shell_prompt(container)
    container.log.write(now_s, "stdout", text.replace("\n", "\r\n"))


def log_follower(container: Container, timestamps: bool) -> Callable[[ProcessContext, list[str]], Generator[Any, Any, int]]:
    """``docker logs -f``'s wait for new lines, as a program the terminal can stop with Ctrl-C."""
    seen = len(container.log.entries)
    started = container.started_at

    def follow(ctx: ProcessContext, _argv: list[str]) -> Generator[Any, Any, int]:
        nonlocal seen
        while container.running and container.started_at == started:
            yield ctx.sim.env.timeout(FOLLOW_POLL_S)
            new = container.log.entries[seen:]
            seen += len(new)
            out, err = logs_cli.render(new, timestamps, False)
            if out:
                ctx.out(out)
            if err:
                ctx.err(err)
        return 0

    return follow
