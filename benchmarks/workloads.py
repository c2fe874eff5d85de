"""The workloads: what a class (or a student's loop) asks of the simulator.

Each workload is a generator ``fn(**params)`` that yields one :class:`Measured` per
sample; the worker measures the yardsticks right after each one (a pair). Set-up
(building containers) is never inside a timed region unless the workload *is* the
set-up (``build-N``).

A *frame-hop* is one frame crossing one link: transmitted on a device and received
on its link partner, i.e. one ``FrameReceived`` record (one increment of a device's
rx counter). Bridge decisions, stack processing, ARP, netfilter and the programs
are all inside that cost; a hop of a yardstick is one stage of its chain.

Large labs (``unicast-N``, ``fanin``, ``arp-storm``) are built through the Docker
CLI model (``DockerCli.run``: the same ``docker run`` path as ``lab.sh`` minus the
per-command topology snapshot) on a user-defined bridge created with
``-o com.docker.network.advertise_addr_nmsgs=0`` (Docker >= 28's gratuitous ARPs,
three per container flooded to every port, would make building 10,000 containers
quadratic in frames), and with the engine's iptables refresh deferred to one call
at the end (it re-installs every rule on each ``docker run``: see ``build-N``).
The final state is the one ``lab.sh`` would build.
"""

from __future__ import annotations

import gc
import io
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    """One sample: the figure, and anything worth reporting beside it."""

    value: float
    extra: dict[str, float] = field(default_factory=dict)


# -- helpers ---------------------------------------------------------------------------------


def rss_kib() -> int:
    """Resident set size of this process now (KiB)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_rss_kib() -> int:
    """Peak resident set size of this process (KiB)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class GcClock:
    """Wall time spent in the cyclic garbage collector while active."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._start = 0.0

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections += 1

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def frame_hops(records: Any) -> int:
    from simulator.trace.records import FrameReceived

    return sum(1 for r in records if type(r) is FrameReceived)


def big_lab(n: int, seed: int = 1, trace: bool = True) -> Any:
    """A lab with ``n`` containers ``c0..c{n-1}`` on one user-defined bridge ``big``."""
    from simulator import Lab
    from simulator.dockercli import DockerCli

    lab = Lab(seed=seed)
    r = lab.sh("docker network create -o com.docker.network.advertise_addr_nmsgs=0 big")
    assert r.exit_code == 0, r
    engine = lab.engine
    lab.sim.tracer.enabled = trace
    cli = DockerCli(engine)
    real_refresh = engine.refresh_firewall
    engine.refresh_firewall = lambda: None  # type: ignore[method-assign]
    try:
        for i in range(n):
            out = cli.run(["docker", "run", "-itd", "--name", f"c{i}", "--net", "big", "alpine"])
            assert out.exit_code == 0, out.stderr
    finally:
        del engine.refresh_firewall
    real_refresh()
    lab.sim.advance(1.0)
    lab.sim.tracer.enabled = True
    return lab


def container_ip(lab: Any, name: str) -> IPv4Address:
    c = lab.engine.container(name)
    ep = next(iter(c.endpoints.values()))
    return IPv4Address(str(ep.ip))


def echo(lab: Any, name: str, dst: IPv4Address, ident: int, seq: int = 1) -> None:
    """An ICMP echo request from ``name``'s kernel (the peer's kernel answers)."""
    send_echo(lab.engine.container(name).netns.ipv4, dst, ident, seq)


def send_echo(stack: Any, dst: IPv4Address, ident: int, seq: int = 1) -> None:
    from simulator.packets.icmp import IcmpMessage, IcmpType
    from simulator.packets.ipv4 import IPProtocol, IPv4Packet

    message = IcmpMessage(IcmpType.ECHO_REQUEST, 0, ident, seq, bytes(range(56)))
    stack.send(IPv4Packet(IPv4Address("0.0.0.0"), dst, IPProtocol.ICMP, message))


def _rx_total(lab: Any) -> int:
    total = 0
    for machine in lab.machines.values():
        total += sum(d.rx_packets for d in machine.netns.devices.values())
    for c in lab.engine.containers.values():
        if c.netns is not None and c.netns is not lab.engine.machine.netns:
            total += sum(d.rx_packets for d in c.netns.devices.values())
    return total


# -- workloads -------------------------------------------------------------------------------


def ping_pair(samples: int, pings: int = 1000, trace: bool = True) -> Iterator[Measured]:
    """2 containers on docker0, ``ping -c 1000 -i 0.2`` through lab.sh; frame-hops per second."""
    from simulator import Lab

    for _ in range(samples):
        lab = Lab(seed=1)
        lab.sh("docker run -itd --name c1 alpine")
        lab.sh("docker run -itd --name c2 alpine")
        lab.sh("docker exec c1 ping -c 1 172.17.0.3")  # warm: ARP and FDB
        lab.sim.tracer.enabled = trace
        gc.collect()
        with GcClock() as gcc:
            start = time.perf_counter()
            r = lab.sh(f"docker exec c1 ping -c {pings} -i 0.2 172.17.0.3")
            elapsed = time.perf_counter() - start
        assert f"{pings} packets received" in r.stdout, r.stdout[-300:]
        hops = 4 * pings  # c1 -> vethA, vethB -> c2 and back: checked below when traced
        if trace:
            assert frame_hops(r.trace) >= hops
            hops = frame_hops(r.trace)
        yield Measured(hops / elapsed, {"seconds": elapsed, "frame_hops": hops, "gc_s": gcc.seconds})


def trace_on_off(samples: int, pings: int = 1000) -> Iterator[Measured]:
    """ping-pair with the trace on, then off, back to back: the speed-up of turning it off."""
    on = ping_pair(samples, pings, trace=True)
    off = ping_pair(samples, pings, trace=False)
    for a, b in zip(on, off, strict=True):
        yield Measured(b.value, {"on_hops_per_s": a.value, "off_over_on": b.value / a.value})


def record_size(samples: int, pings: int = 300) -> Iterator[Measured]:
    """Bytes of memory per trace record, frames they keep alive included (tracemalloc)."""
    import tracemalloc

    from simulator import Lab

    for _ in range(samples):
        used = {}
        count = 0
        for trace in (False, True):
            lab = Lab(seed=1)
            lab.sh("docker run -itd --name c1 alpine")
            lab.sh("docker run -itd --name c2 alpine")
            lab.sh("docker exec c1 ping -c 1 172.17.0.3")
            lab.sim.tracer.enabled = trace
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            mark = lab.sim.tracer.mark()
            r = lab.sh(f"docker exec c1 ping -c {pings} -i 0.2 172.17.0.3")
            del r
            gc.collect()
            used[trace] = tracemalloc.get_traced_memory()[0] - before
            tracemalloc.stop()
            if trace:
                count = lab.sim.tracer.mark() - mark
        yield Measured((used[True] - used[False]) / count, {"records": count})


def fanin(samples: int, senders: int = 100, rounds: int = 10) -> Iterator[Measured]:
    """100 containers each send echo requests to one (kernel-driven, warm); frame-hops per second."""
    lab = big_lab(senders + 1)
    target = container_ip(lab, "c0")

    stacks = [lab.engine.container(f"c{i}").netns.ipv4 for i in range(senders + 1)]

    def burst(k: int) -> None:
        for i in range(1, senders + 1):
            send_echo(stacks[i], target, ident=i, seq=k)
        lab.sim.advance(0.01)

    burst(0)  # warm
    for _ in range(samples):
        gc.collect()
        mark = lab.sim.tracer.mark()
        with GcClock() as gcc:
            start = time.perf_counter()
            for k in range(1, rounds + 1):
                burst(k)
            elapsed = time.perf_counter() - start
        hops = frame_hops(lab.sim.tracer.since(mark))
        assert hops >= senders * rounds * 4, hops
        yield Measured(hops / elapsed, {"seconds": elapsed, "frame_hops": hops, "gc_s": gcc.seconds})


def warm(lab: Any, pairs: list[tuple[int, int]]) -> None:
    """Leave the caches as a first round of traffic would: ARP entries both ways, the FDB learned.

    Warming by sending would be an ARP storm (every request flooded to every port:
    ``n**2`` frame deliveries, which is ``arp-storm``'s job, not this one's).
    """
    from simulator.kernel.devices.bridge import FdbEntry

    engine = lab.engine
    net = engine.network_by_name("big")
    bridge = engine.machine.netns.devices[net.bridge_name]
    now = lab.sim.now
    eth: dict[int, Any] = {}
    for i in {k for pair in pairs for k in pair}:
        c = engine.container(f"c{i}")
        ep = next(iter(c.endpoints.values()))
        dev = c.netns.devices[ep.ifname]
        eth[i] = (c.netns, dev, IPv4Address(str(ep.ip)))
        bridge.fdb[dev.mac] = FdbEntry(ep.host_ifname, now)
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            netns, dev, _ = eth[x]
            netns.ipv4.neighbours.add_permanent(dev.name, eth[y][2], eth[y][1].mac)


def unicast(samples: int, n: int, freeze: bool = False) -> Iterator[Measured]:
    """``n`` containers on one bridge, each sends one echo to a random peer (warm caches).

    ``freeze``: ``gc.freeze()`` once the lab is built and warm (the collector no longer
    walks the lab's objects), to measure what that is worth.
    """
    lab = big_lab(n)
    rng = random.Random(42)
    stacks = [lab.engine.container(f"c{i}").netns.ipv4 for i in range(n)]
    ips = [container_ip(lab, f"c{i}") for i in range(n)]
    peers = []
    for i in range(n):
        j = rng.randrange(n - 1)
        peers.append(j if j < i else j + 1)
    warm(lab, [(i, peers[i]) for i in range(n)])

    def round_(k: int) -> None:
        for i in range(n):
            send_echo(stacks[i], ips[peers[i]], ident=1000 + i, seq=k)
        lab.sim.advance(0.01)

    round_(0)  # conntrack entries, the rest of the first-packet work
    build_rss = rss_kib()
    if freeze:
        gc.collect()
        gc.freeze()
    for k in range(1, samples + 1):
        gc.collect()
        mark = lab.sim.tracer.mark()
        with GcClock() as gcc:
            start = time.perf_counter()
            round_(k)
            elapsed = time.perf_counter() - start
        hops = frame_hops(lab.sim.tracer.since(mark))
        assert hops >= 4 * n, (hops, n)
        yield Measured(elapsed, {"frame_hops": hops, "hops_per_s": hops / elapsed, "gc_s": gcc.seconds,
                                 "gc_collections": gcc.collections, "rss_mib": build_rss / 1024})


def arp_storm(samples: int, n: int = 1000) -> Iterator[Measured]:
    """``n`` containers, cold: each sends one echo to a random peer; every ARP request floods."""
    for s in range(samples):
        lab = big_lab(n, seed=1 + s)
        rng = random.Random(42)
        ips = [container_ip(lab, f"c{i}") for i in range(n)]
        stacks = [lab.engine.container(f"c{i}").netns.ipv4 for i in range(n)]
        gc.collect()
        mark = lab.sim.tracer.mark()
        with GcClock() as gcc:
            start = time.perf_counter()
            for i in range(n):
                j = rng.randrange(n - 1)
                send_echo(stacks[i], ips[j if j < i else j + 1], ident=1000 + i)
            lab.sim.advance(1.0)
            elapsed = time.perf_counter() - start
        hops = frame_hops(lab.sim.tracer.since(mark))
        yield Measured(elapsed, {"frame_hops": hops, "hops_per_s": hops / elapsed, "peak_rss_mib": peak_rss_kib() / 1024,
                                 "gc_s": gcc.seconds})
        del lab
        gc.collect()


def build(samples: int, n: int, window: int | None = None, engine: str | None = None,
          freeze: bool = False) -> Iterator[Measured]:
    """``docker run -itd --name cK alpine`` N times through ``lab.sh``, keeping the whole trace (or ``window`` records).

    ``engine="20.10"``: an engine without Docker >= 28's three gratuitous ARPs per
    container, each flooded to every port (``n**2`` frames in all).

    Memory per container is honest only for the first sample of a process (later ones
    reuse the memory the previous lab freed): ``run.py`` runs each sample of a build in
    a fresh worker (``Spec.fresh``). A one-container lab is built and dropped first, so
    the modules a lab imports on first use are not counted against the N containers.
    ``freeze``: ``gc.freeze()`` after each ``docker run`` (what ``Lab`` could do after
    building), to measure what the collector costs a build.
    """
    from simulator import Lab

    def new_lab() -> Any:
        try:  # the whole trace (a Lab keeps a window of it by default), or ``window`` records
            return Lab(seed=1, engine=engine, trace_window=window)
        except TypeError:  # a checkout from before Lab(trace_window=...): it kept the whole trace
            lab = Lab(seed=1, engine=engine)
            if window is not None:
                lab.sim.tracer.configure(window=window)
            return lab

    warm = new_lab()
    warm.sh("docker run -itd --name w alpine")
    warm.sh("docker ps")
    del warm
    for _ in range(samples):
        gc.collect()
        before = rss_kib()
        lab = new_lab()
        with GcClock() as gcc:
            start = time.perf_counter()
            for i in range(n):
                r = lab.sh(f"docker run -itd --name c{i} alpine")
                assert r.exit_code == 0, r
                if freeze:
                    gc.freeze()
            elapsed = time.perf_counter() - start
        kib = (rss_kib() - before) / n
        yield Measured(elapsed, {"kib_per_container": kib, "records": lab.sim.tracer.mark(), "gc_s": gcc.seconds})
        del lab, r
        gc.unfreeze()
        gc.collect()


def long_ping(samples: int, count: int = 100_000) -> Iterator[Measured]:
    """``docker exec c1 ping -c 100000 8.8.8.8`` through ``lab.sh``: memory kept (MiB) and seconds."""
    from simulator import Lab

    for _ in range(samples):
        lab = Lab(seed=1)
        lab.sh("docker run -itd --name c1 alpine")
        lab.sh("docker exec c1 ping -c 1 8.8.8.8")
        gc.collect()
        before = rss_kib()
        start = time.perf_counter()
        r = lab.sh(f"docker exec c1 ping -c {count} -i 0.2 8.8.8.8")
        elapsed = time.perf_counter() - start
        assert f"{count} packets received" in r.stdout, r.stdout[-300:]
        del r
        gc.collect()
        kept = (rss_kib() - before) / 1024
        yield Measured(kept, {"seconds": elapsed, "records": lab.sim.tracer.mark()})
        del lab
        gc.collect()


def dns_burst(samples: int, lookups: int = 1000) -> Iterator[Measured]:
    """``nslookup web`` 1,000 times in a loop (three containers share the alias); lookups per second."""
    from simulator import Lab

    lab = Lab(seed=1)
    lab.sh("docker network create net1")
    for name in ("w1", "w2", "w3"):
        lab.sh(f"docker run -itd --name {name} --net net1 --net-alias web alpine")
    lab.sh("docker run -itd --name cl --net net1 alpine")
    lab.sh("docker exec cl nslookup web")
    for _ in range(samples):
        gc.collect()
        start = time.perf_counter()
        for _ in range(lookups):
            r = lab.sh("docker exec cl nslookup web")
            assert r.exit_code == 0 and "Address: 172.18.0." in r.stdout, r
        elapsed = time.perf_counter() - start
        yield Measured(lookups / elapsed, {"seconds": elapsed})


def nat_egress(samples: int, flows: int = 1000) -> Iterator[Measured]:
    """1,000 ICMP flows from a container to 8.8.8.8 through MASQUERADE; flows per second."""
    from simulator import Lab

    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 alpine")
    lab.sh("docker exec c1 ping -c 1 8.8.8.8")
    stack = lab.engine.container("c1").netns.ipv4
    target = IPv4Address("8.8.8.8")
    for s in range(samples):
        replies = [0]

        def got(_packet: Any, replies: list[int] = replies) -> None:
            replies[0] += 1

        base = 1000 + s * flows
        for k in range(flows):
            stack.icmp_sockets[base + k] = got
        gc.collect()
        start = time.perf_counter()
        for k in range(flows):
            send_echo(stack, target, ident=base + k)
        lab.sim.advance(1.0)
        elapsed = time.perf_counter() - start
        for k in range(flows):
            del stack.icmp_sockets[base + k]
        assert replies[0] == flows, replies
        yield Measured(flows / elapsed, {"seconds": elapsed})


def draw(samples: int, n: int) -> Iterator[Measured]:
    """Topology and path figures (PNG) for a lab of ``n`` containers; seconds for both."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from simulator import Lab, viz

    lab = Lab(seed=1)
    for i in range(n):
        lab.sh(f"docker run -itd --name c{i} alpine")
    r = lab.sh("docker exec c0 ping -c 1 172.17.0.3")
    for _ in range(samples):
        start = time.perf_counter()
        for fig in (viz.topology(lab.trace), viz.path(r.trace)):
            fig.savefig(io.BytesIO(), format="png")
            plt.close(fig)
        yield Measured(time.perf_counter() - start)


def notebooks(samples: int, lang: str = "en") -> Iterator[Measured]:
    """Every lesson notebook of ``lang`` executed headless (nbclient, Agg); total seconds."""
    import os

    import nbformat
    from nbclient import NotebookClient

    os.environ["MPLBACKEND"] = "Agg"
    paths = sorted((ROOT / "notebooks" / lang).glob("*.ipynb"))
    for _ in range(samples):
        each: dict[str, float] = {}
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
            start = time.perf_counter()
            client.execute()
            each[path.stem] = time.perf_counter() - start
        yield Measured(sum(each.values()), {"max_s": max(each.values(), default=0.0), "count": len(each),
                                            **{f"nb:{k}": v for k, v in each.items()}})


def import_time(samples: int) -> Iterator[Measured]:
    """``import simulator`` in a fresh interpreter; the views must not come with it."""
    import json
    import subprocess
    import sys

    code = (
        "import sys, time, json; t = time.perf_counter(); import simulator; t = time.perf_counter() - t; "
        "heavy = [m for m in ('matplotlib', 'networkx', 'ipywidgets', 'numpy', 'scapy') if m in sys.modules]; "
        "print(json.dumps([t, heavy]))"
    )
    for _ in range(samples):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        seconds, heavy = json.loads(out.stdout)
        yield Measured(seconds, {"heavy_modules": float(len(heavy))})

