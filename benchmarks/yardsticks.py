"""Yardsticks: the same kind of work done by the simplest simpy programs and by ns.py.

This machine is shared and noisy (absolute rates move by 40% between runs), so every
dockersim figure is divided by a yardstick measured in the same process right after
it (a *pair*); the median of the pair ratios is what the report compares with the
targets. Three yardsticks, each a chain of ``HOPS`` stages carrying ``packets`` items
injected 1 ms apart (so nothing queues), one simulated delay per hop:

* ``simpy-process``: a process per stage, ``Store.get`` -> ``timeout`` -> ``put`` on
  the next stage's store (how a textbook simpy model is written);
* ``simpy-callback``: no processes; each hop is a ``timeout`` whose callback starts
  the next hop (the floor for anything built on simpy events);
* ``ns.py``: ns.py's own components, a ``Port`` (1 Gbit/s) and a ``Wire`` per hop,
  with a ``SimplePacketSwitch`` in the middle, ending in a ``PacketSink`` (about twice
  a pure-delay hop's work: a queueing port, a wire and a switch port);
* ``ns.py-wire``: the like-for-like ns.py chain, a ``Wire`` per hop (a pure delay, as
  the other two yardsticks), ending in a ``PacketSink``.

Speed targets are judged on ``simpy-process``, the only yardstick that is always there
and does a hop's work like for like (a hand-off and a delay).

Each returns hops per second of wall-clock time. ns.py is installed only for the
benchmarks (``make bench`` pip-installs it); without it that column reads ``n/a``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import Any

import simpy

HOPS = 4  # one ping round trip across a bridge crosses four links (veth, veth, veth, veth)
HOP_DELAY_S = 1e-6
GAP_S = 1e-3


def simpy_process(packets: int = 4000, hops: int = HOPS) -> float:
    """Hops per second: a process per stage, Store get / timeout / put."""
    env = simpy.Environment()
    stores = [simpy.Store(env) for _ in range(hops + 1)]

    def stage(i: int) -> Generator[Any, Any, None]:
        inbox, outbox = stores[i], stores[i + 1]
        while True:
            item = yield inbox.get()
            yield env.timeout(HOP_DELAY_S)
            outbox.put(item)

    def sink() -> Generator[Any, Any, None]:
        while True:
            yield stores[hops].get()

    for i in range(hops):
        env.process(stage(i))
    env.process(sink())

    def source() -> Generator[Any, Any, None]:
        for k in range(packets):
            stores[0].put(k)
            yield env.timeout(GAP_S)

    env.process(source())
    start = time.perf_counter()
    env.run()
    return packets * hops / (time.perf_counter() - start)


def simpy_callback(packets: int = 8000, hops: int = HOPS) -> float:
    """Hops per second: each hop a timeout whose callback schedules the next."""
    env = simpy.Environment()
    delivered = [0]

    def hop(i: int, item: int) -> None:
        if i == hops:
            delivered[0] += 1
            return
        event = env.timeout(HOP_DELAY_S)
        event.callbacks.append(lambda _e: hop(i + 1, item))

    def source() -> Generator[Any, Any, None]:
        for k in range(packets):
            hop(0, k)
            yield env.timeout(GAP_S)

    env.process(source())
    start = time.perf_counter()
    env.run()
    assert delivered[0] == packets
    return packets * hops / (time.perf_counter() - start)


def nspy_available() -> bool:
    try:
        import ns.port.port  # noqa: F401
    except ImportError:
        return False
    return True


def nspy(packets: int = 3000, hops: int = HOPS) -> float | None:
    """Hops per second through ns.py's Port -> Wire chain with a switch in the middle."""
    try:
        from ns.packet.packet import Packet
        from ns.packet.sink import PacketSink
        from ns.port.port import Port
        from ns.port.wire import Wire
        from ns.switch.switch import SimplePacketSwitch
    except ImportError:
        return None
    env = simpy.Environment()
    sink = PacketSink(env, rec_arrivals=False, rec_waits=False)
    first: Any = None
    prev: Any = None
    for i in range(hops):
        port = Port(env, rate=1e9)
        wire = Wire(env, lambda: HOP_DELAY_S)
        port.out = wire
        if prev is None:
            first = port
        elif i == hops // 2:
            # a learning-free two-port switch in the middle (ns.py's FIB demux on flow id)
            switch = SimplePacketSwitch(env, nports=1, port_rate=0, buffer_size=1_000_000)
            switch.demux.fib = {0: 0}
            prev.out = switch
            switch.ports[0].out = port
        else:
            prev.out = port
        prev = wire
    prev.out = sink

    def source() -> Generator[Any, Any, None]:
        for k in range(packets):
            first.put(Packet(env.now, 100, k, flow_id=0))
            yield env.timeout(GAP_S)

    env.process(source())
    start = time.perf_counter()
    env.run(until=packets * GAP_S + 1.0)
    elapsed = time.perf_counter() - start
    received = sum(sink.packets_received.values())
    assert received == packets, (received, packets)
    return packets * hops / elapsed


def nspy_wire(packets: int = 4000, hops: int = HOPS) -> float | None:
    """Hops per second through a chain of ns.py ``Wire`` objects only (a delay per hop)."""
    try:
        from ns.packet.packet import Packet
        from ns.packet.sink import PacketSink
        from ns.port.wire import Wire
    except ImportError:
        return None
    env = simpy.Environment()
    sink = PacketSink(env, rec_arrivals=False, rec_waits=False)
    wires = [Wire(env, lambda: HOP_DELAY_S) for _ in range(hops)]
    for a, b in zip(wires, wires[1:], strict=False):
        a.out = b
    wires[-1].out = sink

    def source() -> Generator[Any, Any, None]:
        for k in range(packets):
            wires[0].put(Packet(env.now, 100, k, flow_id=0))
            yield env.timeout(GAP_S)

    env.process(source())
    start = time.perf_counter()
    env.run(until=packets * GAP_S + 1.0)
    elapsed = time.perf_counter() - start
    received = sum(sink.packets_received.values())
    assert received == packets, (received, packets)
    return packets * hops / elapsed


YARDSTICKS: dict[str, Callable[[], float | None]] = {
    "simpy-process": simpy_process,
    "simpy-callback": simpy_callback,
    "ns.py": nspy,
    "ns.py-wire": nspy_wire,
}


def measure_all() -> dict[str, float | None]:
    """One sample of every yardstick (about half a second in all)."""
    return {name: fn() for name, fn in YARDSTICKS.items()}
