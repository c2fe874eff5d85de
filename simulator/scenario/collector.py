"""The garbage collector and a large lab: what a growing lab keeps is frozen.

CPython's cyclic collector walks every live object that can hold references at each
full collection, and it runs one whenever the objects it tracks have grown by a
quarter. A lab of thousands of containers keeps millions of such objects for its
whole life (namespaces, devices, tables, the trace's records), so the collector
walked them again and again: 40% of the CPU time of building 1,000 containers on
the current engine (``docs/en/performance.md``).

After a command, a large lab (:data:`FREEZE_FROM` containers or more) moves every
live object into the collector's permanent generation (``gc.freeze()``), which no
collection walks; objects no longer referenced are still freed at once by their
reference counts. Only cycles that become garbage while frozen are kept, so a
command that removes something (a container, a network, a device: fewer of them
after it than before) gives everything back to the collector first
(``gc.unfreeze()``), and the cycles of what it removed are collected as usual.

Small labs are left alone: ``gc.freeze()`` is process-wide, and in a notebook the
figures drawn between two commands (full of cycles) would stay until an unfreeze.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.engine.docker_engine import DockerEngine
    from simulator.kernel.host import Machine

FREEZE_FROM = 500  # containers in the lab


class Collector:
    """Freezes a large lab's objects after each command that removed nothing.

    A lab holds cycles (it cannot be freed by its reference count alone), so a lab
    dropped while frozen would stay: making a new lab gives every frozen object back
    to the collector first (a notebook or a benchmark making its next lab).
    """

    __slots__ = ("engines", "machines", "_sizes")
    frozen = False  # by any lab of this process

    def __init__(self, engines: dict[str, DockerEngine], machines: dict[str, Machine]) -> None:
        self.engines = engines
        self.machines = machines
        self._sizes = self.sizes()
        Collector.thaw()

    def sizes(self) -> tuple[int, int, int]:
        """How many containers, networks and host devices the lab has (each count is kept by a dict)."""
        engines = self.engines.values()
        return (sum(len(e.containers) for e in engines), sum(len(e.networks) for e in engines),
                sum(len(m.netns.devices) for m in self.machines.values()))

    def after_command(self) -> None:
        """Freeze, unfreeze or leave the collector alone, by what the command changed."""
        before, now = self._sizes, self.sizes()
        self._sizes = now
        if any(n < b for n, b in zip(now, before, strict=True)):
            Collector.thaw()
        elif now[0] >= FREEZE_FROM:
            gc.freeze()
            Collector.frozen = True

    @staticmethod
    def thaw() -> None:
        """Give what was frozen back to the collector (its next full collection frees the cycles)."""
        if Collector.frozen:
            gc.unfreeze()
            Collector.frozen = False
