"""The clock's hot path keeps simpy's order of events.

``Environment.deliver`` (simulator/sim/simulation.py) stands for "a Timeout of
``delay_s`` whose one callback is ``fn(a, b)``", batched: calls due at one instant
with consecutive event ids share one heap entry, and ``Environment.step`` runs a
batch without simpy's generic event path. It overrides ``step`` and pushes onto
simpy's heap, so these tests pin down that nothing a model can observe changes:
the same program of deliveries, timeouts and processes fires its callbacks in the
same order, at the same times, on this Environment as on plain simpy with real
Timeouts, including an URGENT event (a process starting, an interrupt) that
becomes due in the middle of a batch. ``Environment.hop`` (a frame crossing a link:
one heap entry handed straight to ``device.arrive(frame)``) is held to the same
promise: a Timeout whose one callback is ``device.arrive(frame)``, and so is
``Environment.later`` (a bridge forwarding one frame: ``fn(a, b)`` in a heap entry of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.sim.simulation import Environment


class Reference(simpy.Environment):
    """Plain simpy: ``deliver`` is a real Timeout with one callback (the semantics it promises)."""

    def deliver(self, delay_s: float, fn: Callable[[Any, Any], object], a: Any, b: Any) -> None:
        self.timeout(delay_s).callbacks.append(lambda _event: fn(a, b))

    def hop(self, delay_s: float, device: Any, frame: Any) -> None:
        self.timeout(delay_s).callbacks.append(lambda _event: device.arrive(frame))

    def later(self, delay_s: float, fn: Callable[[Any, Any], object], a: Any, b: Any) -> None:
        self.timeout(delay_s).callbacks.append(lambda _event: fn(a, b))


class _Device:
    """The receiving end of a hop: ``arrive(frame)`` calls the frame (a test's callback)."""

    def arrive(self, frame: Callable[[], None]) -> None:
        frame()


# An operation: (kind, delay, children). Kinds: "deliver" (the hot path), "timeout" (an
# ordinary event with a callback), "process" (starts with an URGENT Initialize, logs,
# waits ``delay``, logs again), "interrupt" (a process that waits long, interrupted now:
# an URGENT event at the current instant), "hop" and "later" (the other hot paths). Children run when the operation fires.
DELAYS = st.sampled_from([0.0, 0.0, 0.5, 1.0, 1.0, 2.0])
LEAF = st.tuples(st.sampled_from(["deliver", "deliver", "hop", "hop", "later", "timeout", "process", "interrupt"]), DELAYS, st.just(()))
OPS = st.recursive(
    LEAF,
    lambda inner: st.tuples(st.sampled_from(["deliver", "hop", "hop", "later", "timeout", "process"]), DELAYS,
                            st.lists(inner, max_size=4).map(tuple)),
    max_leaves=40,
)


def _play(env: Any, program: list[Any]) -> list[tuple[float, str]]:
    log: list[tuple[float, str]] = []

    def start(op: Any, label: str) -> None:
        kind, delay, children = op

        def fire(*_: Any) -> None:
            log.append((env.now, label))
            for i, child in enumerate(children):
                start(child, f"{label}.{i}")

        if kind == "deliver":
            env.deliver(delay, lambda a, b: fire(), None, None)
        elif kind == "hop":
            env.hop(delay, _Device(), fire)
        elif kind == "later":
            env.later(delay, lambda a, b: fire(), None, None)
        elif kind == "timeout":
            env.timeout(delay).callbacks.append(fire)
        elif kind == "process":
            def proc() -> Any:
                log.append((env.now, label + ":start"))
                yield env.timeout(delay)
                fire()
            env.process(proc())
        else:  # interrupt: a sleeper woken now, before anything else due at this instant
            def sleeper() -> Any:
                try:
                    yield env.timeout(1000.0)
                except simpy.Interrupt:
                    fire()
            env.process(sleeper()).interrupt("now")

    for i, op in enumerate(program):
        start(op, str(i))
    env.run()
    return log


@settings(max_examples=150, deadline=None)
@given(st.lists(OPS, min_size=1, max_size=8))
def test_deliveries_fire_in_the_order_plain_simpy_fires_timeouts(program: list[Any]) -> None:
    expected = _play(Reference(), program)
    actual = _play(Environment(), program)
    assert expected, "the program fires something"
    assert actual == expected


def test_hops_between_batched_deliveries_keep_their_turn() -> None:
    """A hop taken between two deliveries for the same instant fires between them, as a timeout would."""
    for env in (Reference(), Environment()):
        log: list[str] = []
        env.deliver(1.0, lambda a, b, log=log: log.append("deliver 1"), None, None)
        env.hop(1.0, _Device(), lambda log=log: log.append("hop"))
        env.deliver(1.0, lambda a, b, log=log: log.append("deliver 2"), None, None)
        env.hop(0.5, _Device(), lambda log=log, env=env: log.append(f"hop at {env.now}"))
        env.run()
        assert log == ["hop at 0.5", "deliver 1", "hop", "deliver 2"], type(env).__name__


def test_a_flood_batch_yields_to_a_process_started_in_its_middle() -> None:
    """Three calls share one heap entry; the first starts a process: it runs before the second call."""
    for env in (Reference(), Environment()):
        log: list[str] = []

        def starter(_a: Any, _b: Any, env: Any = env, log: list[str] = log) -> None:
            log.append("call 1")

            def proc() -> Any:
                log.append("process starts")
                yield env.timeout(0)
                log.append("process resumes")

            env.process(proc())

        env.deliver(1.0, starter, None, None)
        env.deliver(1.0, lambda a, b, log=log: log.append("call 2"), None, None)
        env.deliver(1.0, lambda a, b, log=log: log.append("call 3"), None, None)
        env.run()
        assert log == ["call 1", "process starts", "call 2", "call 3", "process resumes"], type(env).__name__


def test_a_batch_interleaves_with_a_timeout_scheduled_between_its_calls() -> None:
    """A timeout taken between two deliveries for the same instant splits them: ids decide, as in simpy."""
    for env in (Reference(), Environment()):
        log: list[str] = []
        env.deliver(1.0, lambda a, b, log=log: log.append("deliver 1"), None, None)
        env.timeout(1.0).callbacks.append(lambda _e, log=log: log.append("timeout"))
        env.deliver(1.0, lambda a, b, log=log: log.append("deliver 2"), None, None)
        env.run()
        assert log == ["deliver 1", "timeout", "deliver 2"], type(env).__name__


def test_the_clock_stands_at_the_batch_time_while_its_calls_run() -> None:
    env = Environment()
    seen: list[float] = []
    for _ in range(3):
        env.deliver(2.5, lambda a, b: seen.append(env.now), None, None)
    env.deliver(4.0, lambda a, b: seen.append(env.now), None, None)
    env.run()
    assert seen == [2.5, 2.5, 2.5, 4.0]
