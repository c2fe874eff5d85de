"""What a program sees when it runs: its namespace, its userland, its files.

A program is a generator function ``main(ctx, argv)`` run as a simpy process: it
may wait (``yield ctx.sim.env.timeout(...)``, ``yield event``) and ends by
returning an exit status; what it prints goes to ``ctx.stdout``/``ctx.stderr``
(through ``ctx.out``/``ctx.err``, which also hand it to a watching terminal).
Ctrl-C arrives as ``simpy.Interrupt("SIGINT")``: a program that catches it prints
what the real tool prints on SIGINT.
Programs that take no time simply return without yielding. ``flavour`` names the
userland whose output format to imitate (``ubuntu-14.04``, ``busybox``, ``host``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation


@dataclass
class ProcessContext:
    """The environment of one command: where it runs and what it can see."""

    sim: Simulation
    netns: NetworkNamespace
    flavour: str
    hostname: str
    pid: int
    files: dict[str, str] = field(default_factory=dict)
    environ: dict[str, str] = field(default_factory=dict)
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    resolve: Callable[[str], Generator[Any, Any, str | None]] | None = None
    reverse: Callable[[str], Generator[Any, Any, str | None]] | None = None
    netns_names: Callable[[NetworkNamespace], str] | None = None
    shell: str = "bash"
    userland: str = ""  # the image (``nicolaka/netshoot``) when version banners differ from the flavour
    netns_files: dict[str, NetworkNamespace] = field(default_factory=dict)  # /var/run/docker/netns/*: for nsenter --net
    net_admin: bool = False  # CAP_NET_ADMIN: the host's root has it; a container only with --cap-add NET_ADMIN
    detached: bool = False  # nobody waits for it (a container's main process, docker exec -d): it may run until stopped
    terminal: bool = False  # a learner watches in real time and can press Ctrl-C: it may run until stopped
    sink: Callable[[str, str], None] | None = None  # the terminal: shown each piece as it is written

    def out(self, text: str) -> None:
        self.stdout.append(text)
        if self.sink is not None:
            self.sink("stdout", text)

    def err(self, text: str) -> None:
        self.stderr.append(text)
        if self.sink is not None:
            self.sink("stderr", text)

    @property
    def streaming(self) -> bool:
        """Someone sees the output as it is written: print each line when it happens."""
        return self.sink is not None

    @property
    def busybox(self) -> bool:
        return self.flavour == "busybox"

    def strerror(self, text: str) -> str:
        """An errno's text (given in glibc's words) in the words of this program's C library.

        Alpine's programs link musl, whose ``strerror`` words a few errors differently.
        """
        if self.userland == "alpine":
            return MUSL_STRERROR.get(text, text)
        return text


# musl src/errno/__strerror.h, where it differs from glibc
MUSL_STRERROR = {
    "Network is unreachable": "Network unreachable",
    "No route to host": "Host is unreachable",
    "Connection timed out": "Operation timed out",
}


Program = Callable[[ProcessContext, list[str]], Generator[Any, Any, int]]
