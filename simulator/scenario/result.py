"""What a command showed (:class:`Result`), and where the terminal is (:class:`Attachment`).

A :class:`Result` is what ``Lab.sh`` returns: the output as the terminal showed it,
the exit status and the trace records of that command. In Jupyter it displays as
that terminal text, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.trace.tracer import Trace

if TYPE_CHECKING:
    from simulator.engine.container import Container


@dataclass
class Result:
    """What one command showed: its output, its exit status, and its trace records."""

    stdout: str
    stderr: str
    exit_code: int
    trace: Trace
    command: str = ""
    prompt: str = ""
    stderr_first: bool = False

    @property
    def output(self) -> str:
        """What the terminal shows: stdout and stderr in the order they were written."""
        return self.stderr + self.stdout if self.stderr_first else self.stdout + self.stderr

    _shown: bool = field(default=False, init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Result(exit_code={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"

    def show(self) -> Result:
        """Print what the terminal showed (the prompt, the command, its output) and return this result.

        In Jupyter a result that was shown is not displayed a second time as a
        cell's value, so ``lab.sh(command).show()`` as the last line of a cell shows
        the terminal once; a result never shown displays as that same terminal text.
        """
        print(self.prompt + self.command)
        print(self.output, end="")
        self._shown = True
        return self

    def _ipython_display_(self) -> None:
        if not self._shown:
            self.show()


@dataclass
class Attachment:
    """The terminal is inside a container's shell."""

    container: Container
    machine: str
    stops_container: bool
    shell_pid: int = 1  # the shell the learner types into (PID 1 after docker run -it / attach)
    tty: str = "pts/0"
