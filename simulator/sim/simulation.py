"""A simulation: simpy's Environment, one seeded random generator and a tracer.

Every time-aware object takes the simulation as its first argument (no globals).
Randomness Docker and Linux really have (container ids, random MACs, veth names,
DNS answer order, scheduling noise) is drawn from ``rng``, so one seed gives one
trace, byte for byte.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

import simpy

from simulator.trace.tracer import Tracer


class Simulation:
    """The shared clock, random source and trace of one lab."""

    def __init__(self, seed: int = 0) -> None:
        self.env = simpy.Environment()
        self.seed = seed
        self._streams: dict[str, random.Random] = {}
        self.rng = self.stream("misc")
        self.tracer = Tracer()
        self._flow = 0

    def stream(self, purpose: str) -> random.Random:
        """An independent random stream per purpose ("ids", "macs", "ports", "dns", ...).

        Streams keep one purpose's draws from shifting another's: adding a DNS query
        does not change the next container's id. Each is seeded from (seed, purpose).
        """
        rng = self._streams.get(purpose)
        if rng is None:
            digest = hashlib.sha256(f"{self.seed}/{purpose}".encode()).digest()
            rng = self._streams[purpose] = random.Random(int.from_bytes(digest[:8], "big"))
        return rng

    @property
    def now(self) -> float:
        return float(self.env.now)

    def next_flow(self) -> int:
        """A fresh id for a packet that the trace will follow across hops."""
        self._flow += 1
        return self._flow

    def call_later(self, delay_s: float, callback: Callable[[], Any]) -> None:
        """Run ``callback`` after ``delay_s`` simulated seconds (no process, one event)."""
        event = self.env.timeout(delay_s)
        event.callbacks.append(lambda _event: callback())

    def run_until(self, event: simpy.Event) -> None:
        self.env.run(until=event)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass, firing every timer due."""
        if seconds > 0:
            self.env.run(until=self.env.now + seconds)
            return
        while self.env.peek() <= self.env.now:  # no time passes: only what is due now
            self.env.step()
