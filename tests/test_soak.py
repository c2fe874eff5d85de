"""Soak: one lab pushing a million frame-hops keeps bounded memory and finishes.

A frame-hop is one frame crossing one link (one ``FrameReceived``). The lab runs a
ping between two containers in chunks (``ping -c 2000 -i 0.2``, as a student's loop
would) with its tracer bounded: a window of the last records in memory, and every
older record streamed to a file. Under ``make test`` it pushes 40,000 frame-hops;
``DOCKERSIM_SOAK_HOPS=1000000 pytest tests/test_soak.py`` runs the real soak.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from simulator import Lab
from simulator.trace.records import FrameReceived
from simulator.trace.tracer import read_records

HOPS = int(os.environ.get("DOCKERSIM_SOAK_HOPS", "0") or 0) or 40_000
WINDOW = 20_000
CHUNK = 2_000  # pings per command


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def two_containers(window: int | None, sink: Path | None) -> Lab:
    lab = Lab(seed=1)
    lab.sim.tracer.configure(window=window, sink=sink)
    assert lab.sh("docker run -itd --name c1 alpine").exit_code == 0
    assert lab.sh("docker run -itd --name c2 alpine").exit_code == 0
    return lab


def push(lab: Lab, hops: int) -> int:
    """Ping until ``hops`` frame-hops have been recorded; returns how many were."""
    done = 0
    while done < hops:
        rx_before = _rx(lab)
        r = lab.sh(f"docker exec c1 ping -c {CHUNK} -i 0.2 172.17.0.3")
        assert r.exit_code == 0, r.stderr
        assert f"{CHUNK} packets received" in r.stdout
        done += _rx(lab) - rx_before
    return done


def _rx(lab: Lab) -> int:
    c1 = lab.engine.container("c1").netns
    c2 = lab.engine.container("c2").netns
    host = lab.engine.machine.netns
    assert c1 is not None and c2 is not None
    return sum(d.rx_packets for ns in (c1, c2) for d in ns.devices.values()) + sum(
        d.rx_packets for d in host.devices.values() if d.kind == "veth"
    )


def test_a_million_frame_hops_with_the_trace_streamed_to_disk(tmp_path: Path) -> None:
    sink = tmp_path / "trace.pickle"
    lab = two_containers(WINDOW, sink)
    warm = push(lab, min(HOPS // 10, 20_000))
    gc.collect()
    start_mib = rss_mib()
    done = warm + push(lab, HOPS - warm)
    gc.collect()
    grown_mib = rss_mib() - start_mib
    tracer = lab.sim.tracer
    assert len(tracer.records) < 2 * WINDOW
    assert tracer.dropped > 0
    tracer.close()  # writes what is still only in memory
    on_disk = sum(1 for r in read_records(sink) if type(r) is FrameReceived)
    assert on_disk >= done >= HOPS  # every frame-hop is on disk (and a few from docker run)
    # the trace keeps at most 2 windows of records (a few MiB); the rest of the lab is constant
    assert grown_mib < 64, f"memory grew by {grown_mib:.0f} MiB over {done:,} frame-hops"


def test_a_window_alone_bounds_the_trace() -> None:
    lab = two_containers(5_000, None)
    done = push(lab, max(HOPS // 4, 10_000))
    tracer = lab.sim.tracer
    assert len(tracer.records) < 10_000
    assert tracer.mark() == tracer.dropped + len(tracer.records)
    r = lab.sh("docker exec c1 ping -c 1 172.17.0.3")  # a command's own records survive the window
    assert sum(1 for x in r.trace if type(x) is FrameReceived) == 4
    assert r.trace.initial_topology is not None  # and it still knows the network it ran on
    assert done >= 10_000


def test_an_unbounded_trace_keeps_everything() -> None:
    lab = two_containers(None, None)
    push(lab, 8_000)
    tracer = lab.sim.tracer
    assert tracer.dropped == 0 and tracer.window is None
    received = sum(1 for r in tracer.records if type(r) is FrameReceived)
    assert received >= 8_000


def test_tcpdump_reads_a_bounded_trace() -> None:
    lab = two_containers(200, None)
    assert lab.sh("docker exec -d c1 ping -c 400 -i 0.2 172.17.0.3").exit_code == 0
    lab.sh("sleep 30")  # the window has been cut many times over
    r = lab.sh("tcpdump -i docker0 -n -c 4 icmp")
    assert r.exit_code == 0 and "4 packets captured" in r.stdout
    assert lab.sim.tracer.dropped > 0


def test_a_window_keeps_only_the_topology_it_starts_on() -> None:
    """Topology snapshots before the window go with it, but the last one, which a slice still needs."""
    lab = Lab(seed=1, engine="20.10")
    lab.sim.tracer.configure(window=10)
    for i in range(30):
        lab.sh(f"docker run -itd --name c{i} alpine")
    tracer = lab.sim.tracer
    kept = tracer._topologies
    assert len(kept) <= 2 * 10 + 1 and kept[0][0] < tracer.dropped <= kept[1][0]
    assert tracer.since(0)[0] is tracer.records[0]
    assert tracer.latest_topology() is kept[-1][1]
