"""A simulation: simpy's Environment, one seeded random generator and a tracer.

Every time-aware object takes the simulation as its first argument (no globals).
Randomness Docker and Linux really have (container ids, random MACs, veth names,
DNS answer order, scheduling noise) is drawn from ``rng``, so one seed gives one
trace, byte for byte.
"""

from __future__ import annotations

import gc
import hashlib
import random
from collections.abc import Callable
from heapq import heappop, heappush
from ipaddress import IPv4Address
from typing import Any, Protocol

import simpy
from simpy.events import NORMAL

from simulator.trace.tracer import Tracer

GC_YOUNG_THRESHOLD = 10_000  # allocations between young collections while the clock runs (CPython: 700)


class Arrival(Protocol):
    """What :meth:`Environment.hop` delivers to: a device's ``arrive(frame)``."""

    def arrive(self, frame: Any) -> None:
        """The frame reached the far end of its link."""


class Environment(simpy.Environment):
    """simpy's Environment plus :meth:`hop` and :meth:`deliver`, the hot path's ways to say "later".

    ``hop(delay_s, device, frame)`` is a frame crossing a link: one heap entry
    ``(time, NORMAL, id, device, frame)``, which :meth:`step` pops and hands straight
    to ``device.arrive(frame)``, with no event, callback or closure in between.

    A hop (a veth, a bridge, a wire) needs "call ``fn(a, b)`` after ``delay_s``" a
    million times a second, and a ``Timeout`` with a closure per frame is most of
    the cost of a hop (and of the memory held while a flood is in flight).
    ``deliver`` keeps the exact semantics of ``env.timeout(delay_s)`` with that
    callback: the call takes the event id such a timeout would have taken, so it
    fires in the same order relative to every other event. Calls scheduled back to
    back for the same instant (a bridge flooding a frame to every port) share one
    heap entry; when it fires, each call still runs in its own turn: if another
    event became due before the next call (an URGENT process resumption, say), the
    rest of the batch goes back on the heap under the next call's own id.
    """

    now: float = 0.0  # simpy's read-only ``now``, as a plain attribute: read a few times per hop
    """The current simulated time (set by :meth:`step` before anything due then runs)."""

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.now = initial_time
        self._open: _Batch | None = None

    def run(self, until: Any = None) -> Any:
        """simpy's ``run``, with the garbage collector's youngest generation collected less often.

        A run allocates a few short-lived objects per hop and keeps one trace record
        per frame and device; with CPython's default threshold (700) the collector
        walks the young records over and over, which cost a third to a half of a
        large lab's run (``docs/en/performance.md``). The threshold is raised to
        ``GC_YOUNG_THRESHOLD`` for the run and restored after it; nothing in the model
        depends on when garbage is collected.
        """
        threshold = gc.get_threshold()
        if threshold[0] >= GC_YOUNG_THRESHOLD or not gc.isenabled():
            return super().run(until)
        gc.set_threshold(GC_YOUNG_THRESHOLD, *threshold[1:])
        try:
            return super().run(until)
        finally:
            if gc.get_threshold()[0] == GC_YOUNG_THRESHOLD:  # unless someone set their own meanwhile
                gc.set_threshold(*threshold)

    def step(self) -> None:
        """simpy's ``step``; a hop or a ``deliver`` batch at the head of the heap is run directly.

        ``now`` is set from the head of the heap before anything runs, for every event
        (simpy's own ``step`` pops that same entry).

        A hop's entry has five items and goes to its device; a ``later`` call's six
        items are its function and two arguments; a batch has exactly one
        callback (``_fire``) and never fails, so the generic path's callback list and
        failure check are skipped; other events take it.
        """
        queue: list[Any] = self._queue
        if queue:
            head = queue[0]
            self.now = self._now = head[0]  # (simpy's step pops this very entry: the heap's smallest)
            n = len(head)
            if n == 5:
                heappop(queue)
                head[3].arrive(head[4])
                return
            if n == 6:
                heappop(queue)
                head[3](head[4], head[5])
                return
            batch = head[3]
            if type(batch) is _Batch:
                heappop(queue)
                calls = batch.calls
                if len(calls) == 4:  # one call (most deliveries): as ``_fire`` would run it, one call less
                    if self._open is batch:
                        self._open = None
                    calls[1](calls[2], calls[3])
                    return
                _fire(batch)
                return
        super().step()

    def hop(self, delay_s: float, device: Arrival, frame: Any) -> None:
        """``device.arrive(frame)`` after ``delay_s`` (in turn, as a timeout made now would fire)."""
        queue: list[Any] = self._queue  # simpy's heap of (time, priority, id, event): a hop adds its frame
        heappush(queue, (self._now + delay_s, NORMAL, next(self._eid), device, frame))

    def later(self, delay_s: float, fn: Callable[[Any, Any], object], a: Any, b: Any) -> None:
        """``fn(a, b)`` after ``delay_s``, in its own heap entry (in turn, as a timeout made now would fire).

        :meth:`deliver` without the batch: for calls that rarely share an instant (a bridge
        forwarding one frame), one tuple on the heap and no other object.
        """
        queue: list[Any] = self._queue
        heappush(queue, (self._now + delay_s, NORMAL, next(self._eid), fn, a, b))

    def deliver(self, delay_s: float, fn: Callable[[Any, Any], object], a: Any, b: Any) -> None:
        """Call ``fn(a, b)`` after ``delay_s`` simulated seconds (like a timeout's callback)."""
        when = self._now + delay_s
        eid = next(self._eid)
        batch = self._open
        if batch is not None and batch.last_eid == eid - 1 and batch.when == when:
            batch.calls += (eid, fn, a, b)
            batch.last_eid = eid
            return
        batch = self._open = _Batch(self, when, eid, [eid, fn, a, b])
        queue: list[Any] = self._queue  # simpy's heap of (time, priority, id, event)
        heappush(queue, (when, NORMAL, eid, batch))


class _Batch:
    """One heap entry for calls due at the same instant with consecutive event ids.

    ``Environment.step`` runs it directly (``_fire``); it is never a simpy event.
    ``calls`` is flat: ``eid, fn, a, b`` for each call, in order.
    """

    __slots__ = ("env", "when", "last_eid", "calls")

    def __init__(self, env: Environment, when: float, eid: int, calls: list[Any]) -> None:
        self.env = env
        self.when = when
        self.last_eid = eid
        self.calls = calls


def _fire(batch: _Batch) -> None:
    """Run a batch's calls in order, each only when nothing else is due before it."""
    env = batch.env
    if env._open is batch:
        env._open = None  # a call made now for this instant gets an entry of its own
    calls = batch.calls
    n = len(calls)
    if n == 4:  # one call (most hops): nothing can come between
        calls[1](calls[2], calls[3])
        return
    queue: list[Any] = env._queue
    when = batch.when
    i = 0
    try:
        while i < n:
            if i and queue:
                head = queue[0]
                # (time, priority, eid) of the next event due; ours is (when, NORMAL, calls[i])
                if head[0] == when and (head[1] < NORMAL or (head[1] == NORMAL and head[2] < calls[i])):
                    break
            fn = calls[i + 1]
            i += 4
            fn(calls[i - 2], calls[i - 1])
    finally:
        if i < n:  # something came due first (or a call raised): the rest waits its turn
            rest = _Batch(env, when, calls[i], calls[i:])
            rest.last_eid = calls[n - 4]
            heappush(queue, (when, NORMAL, calls[i], rest))


def _call(callback: Callable[[], Any], _unused: object) -> None:
    callback()


class Simulation:
    """The shared clock, random source and trace of one lab."""

    def __init__(self, seed: int = 0) -> None:
        self.env = Environment()
        self.seed = seed
        self._streams: dict[str, random.Random] = {}
        self.rng = self.stream("misc")
        self.tracer = Tracer()
        self._flow = 0
        # address -> (id of a namespace's neighbour table, device) for every neighbour entry of the lab:
        # who would act on an ARP from that address (a bridge's aggregate flood asks only them)
        self.neighbour_owners: dict[IPv4Address, set[tuple[int, str]]] = {}

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
        """The simulated time, in seconds."""
        return float(self.env.now)

    def next_flow(self) -> int:
        """A fresh id for a packet that the trace will follow across hops."""
        self._flow += 1
        return self._flow

    def call_later(self, delay_s: float, callback: Callable[[], Any]) -> None:
        """Run ``callback`` after ``delay_s`` simulated seconds (no process, one event)."""
        self.env.deliver(delay_s, _call, callback, None)

    def run_until(self, event: simpy.Event) -> None:
        """Run the clock until ``event`` has happened."""
        self.env.run(until=event)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass, firing every timer due."""
        if seconds > 0:
            self.env.run(until=self.env.now + seconds)
            return
        while self.env.peek() <= self.env.now:  # no time passes: only what is due now
            self.env.step()
