"""The clock: a thin wrapper over simpy, one seeded RNG, one tracer."""

from simulator.sim.simulation import Simulation

__all__ = ["Simulation"]
