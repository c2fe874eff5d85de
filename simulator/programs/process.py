"""What a program sees when it runs: its namespace, its userland, its files.

A program is a generator function ``main(ctx, argv)`` run as a simpy process (or a
plain function returning its status, for one that takes no simulated time): it
may wait (``yield ctx.sim.env.timeout(...)``, ``yield event``) and ends by
returning an exit status; what it prints goes to ``ctx.stdout``/``ctx.stderr``
(through ``ctx.out``/``ctx.err``, which also hand it to a watching terminal).
Ctrl-C arrives as ``simpy.Interrupt("SIGINT")``: a program that catches it prints
what the real tool prints on SIGINT.
Programs that take no time simply return without yielding. ``userland`` is the
profile of the image's tools (``simulator/programs/userland.py``): which iproute2,
net-tools, iputils or BusyBox, C library, curl and dig it has; a program asks it
rather than comparing image names.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.programs.userland import Userland

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.programs.archive import PackageDb
    from simulator.sim.simulation import Simulation


@dataclass
class ProcessContext:
    """The environment of one command: where it runs and what it can see."""

    sim: Simulation
    netns: NetworkNamespace
    userland: Userland
    hostname: str
    pid: int
    uid: int = 0  # who runs it: root, on the host and in a container (Docker's default user)
    files: dict[str, str] = field(default_factory=dict)
    environ: dict[str, str] = field(default_factory=dict)
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    resolve: Callable[[str], Generator[Any, Any, str | None]] | None = None
    reverse: Callable[[str], Generator[Any, Any, str | None]] | None = None
    shell: str = "bash"
    netns_files: dict[str, NetworkNamespace] = field(default_factory=dict)  # /var/run/docker/netns/*: for nsenter --net
    net_admin: bool = False  # CAP_NET_ADMIN: the host's root has it; a container only with --cap-add NET_ADMIN
    detached: bool = False  # nobody waits for it (a container's main process, docker exec -d): it may run until stopped
    terminal: bool = False  # a learner watches in real time and can press Ctrl-C: it may run until stopped
    sink: Callable[[str, str], None] | None = None  # the terminal: shown each piece as it is written
    log: Callable[[str, str], None] | None = None  # a container's main process: its log keeps what it writes (docker logs)
    processes: ProcessTable | None = None  # its PID namespace (ps, netstat -p)
    ns_pid: int = 0  # its own PID in that namespace
    kernel_release: str = ""  # what uname -r says: the host's kernel (containers share it)
    tty: bool = False  # stdout is a terminal (a shell the learner is attached to): apt prints "... Done"
    release: str = ""  # the distribution release whose package archive the image uses ("ubuntu-14.04")
    packages: PackageDb | None = None  # what the container installed (package tools read and fill it)

    def out(self, text: str) -> None:
        """Write ``text`` to stdout (and to a watching terminal at once)."""
        self.stdout.append(text)
        if self.sink is not None:
            self.sink("stdout", text)
        if self.log is not None:
            self.log("stdout", text)

    def err(self, text: str) -> None:
        """Write ``text`` to stderr (and to a watching terminal at once)."""
        self.stderr.append(text)
        if self.sink is not None:
            self.sink("stderr", text)
        if self.log is not None:
            self.log("stderr", text)

    @property
    def streaming(self) -> bool:
        """Someone sees the output as it is written (a terminal, a container's log): print each line when it happens."""
        return self.sink is not None or self.log is not None

    @property
    def busybox(self) -> bool:
        """Whether the tools are BusyBox applets."""
        return self.userland.busybox is not None

    def strerror(self, text: str) -> str:
        """An errno's text (given in glibc's words) in the words of this program's C library.

        Alpine's programs link musl, whose ``strerror`` words a few errors differently.
        """
        if self.userland.musl:
            return MUSL_STRERROR.get(text, text)
        return text


# musl src/errno/__strerror.h, where it differs from glibc
MUSL_STRERROR = {
    "Network is unreachable": "Network unreachable",
    "No route to host": "Host is unreachable",
    "Connection timed out": "Operation timed out",
}


Program = Callable[[ProcessContext, list[str]], Generator[Any, Any, int]]
"""A program as the lab runs it: a generator function, run as a simpy process, returning its exit status."""

ProgramBody = Callable[[ProcessContext, list[str]], Generator[Any, Any, int] | int]
"""What may be registered as a program: a generator function, or a plain function
``def prog(ctx, argv) -> int`` for a program that takes no simulated time."""


def as_program(body: ProgramBody) -> Program:
    """``body`` as a :data:`Program`: a plain function's status is returned when it runs.

    >>> def true(ctx: ProcessContext, argv: list[str]) -> int:
    ...     return 0
    >>> process = as_program(true)(None, ["true"])  # type: ignore[arg-type]
    >>> next(process)
    Traceback (most recent call last):
    ...
    StopIteration: 0
    """

    @functools.wraps(body)
    def program(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
        result = body(ctx, argv)
        if isinstance(result, int):
            return result
        return (yield from result)

    return program


class ProgramTable(Mapping[str, Program]):
    """The programs a machine can run, by name; each is adapted (:func:`as_program`) as it is registered."""

    def __init__(self, programs: Mapping[str, ProgramBody] | None = None) -> None:
        self._programs: dict[str, Program] = {}
        self.update(programs or {})

    def __setitem__(self, name: str, body: ProgramBody) -> None:
        self._programs[name] = as_program(body)

    def update(self, programs: Mapping[str, ProgramBody]) -> None:
        """Register every program of ``programs``."""
        for name, body in programs.items():
            self[name] = body

    def __getitem__(self, name: str) -> Program:
        return self._programs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._programs)

    def __len__(self) -> int:
        return len(self._programs)


@dataclass
class ProcessEntry:
    """One process as ``/proc/PID`` shows it to ``ps``."""

    pid: int
    ppid: int
    argv: tuple[str, ...]
    tty: str | None  # "pts/0", or None ("?"): no controlling terminal
    started_s: float  # simulated time it started
    session_leader: bool = True  # runc and sshd start every process in a session of its own


class ProcessTable:
    """The processes of one PID namespace (a container's, or a machine's), numbered from 1.

    Simplified: PIDs are handed out in order and never reused; a machine's table holds
    its own processes, not those of its containers.
    """

    def __init__(self, key: str, started_s: float) -> None:
        self.key = key  # a container's id, or a machine's name
        self.started_s = started_s
        self.entries: dict[int, ProcessEntry] = {}
        self.last_pid = 0

    def spawn(self, argv: tuple[str, ...], now_s: float, ppid: int = 0, tty: str | None = None, session_leader: bool = True) -> int:
        """A new process; its PID."""
        self.last_pid += 1
        self.entries[self.last_pid] = ProcessEntry(self.last_pid, ppid, argv, tty, now_s, session_leader)
        return self.last_pid

    def exit(self, pid: int) -> None:
        """The process ended (it leaves the table)."""
        self.entries.pop(pid, None)

    def listing(self) -> list[ProcessEntry]:
        """Every process, by PID (the order ``/proc`` lists them)."""
        return [self.entries[pid] for pid in sorted(self.entries)]
