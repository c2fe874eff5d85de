"""A simulation: simpy's Environment, one seeded random generator and a tracer.

Every time-aware object takes the simulation as its first argument (no globals).
Randomness Docker and Linux really have (container ids, random MACs, veth names,
DNS answer order, scheduling noise) is drawn from ``rng``, so one seed gives one
trace, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import simpy

from simulator.trace.tracer import Tracer


class Simulation:
    """The shared clock, random source and trace of one lab."""

    def __init__(self, seed: int = 0) -> None:
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.tracer = Tracer()
        self._flow = 0

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
        self.env.run(until=self.env.now + seconds)
