"""The tracer's compact record store: what goes in comes out equal, in order, for less memory."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace

import pytest

from simulator import Lab
from simulator.trace.records import BridgeForwarded, CommandRun, FrameReceived, FrameSent
from simulator.trace.store import RecordStore
from simulator.trace.tracer import Tracer, read_records


def frames_of_a_ping() -> list[object]:
    lab = Lab(seed=1, trace_window=None)
    lab.sh("docker run -itd --name c1 alpine")
    return list(lab.sh("docker exec c1 ping -c 2 8.8.8.8").trace)


def test_records_read_back_equal_and_in_order():
    records = frames_of_a_ping()
    kinds = {type(r) for r in records}
    assert FrameSent in kinds and FrameReceived in kinds and len(kinds) > 3
    store = RecordStore(records)  # type: ignore[arg-type]
    assert len(store) == len(records)
    assert list(store) == records and store[:] == records and store[3:9] == records[3:9]
    assert [store[i] for i in range(-len(records), 0)] == records
    sent = next(i for i, r in enumerate(records) if type(r) is FrameSent)
    assert store[sent].frame is records[sent].frame  # type: ignore[union-attr]  # frames are shared, not copied
    with pytest.raises(IndexError):
        store[len(records)]


def test_cutting_removing_and_popping():
    records = frames_of_a_ping()
    store = RecordStore(records)  # type: ignore[arg-type]
    del store[:5]
    assert list(store) == records[5:]
    assert store.pop() == records[-1] and len(store) == len(records) - 6
    target = next(r for r in records[5:] if type(r) is FrameReceived)
    store.remove(target)
    rest = records[5:-1]
    rest.remove(target)
    # written again, a FrameSent whose cause (a count back) reaches before the first record reads as caused by nothing
    assert list(store) == [replace(r, cause=0) if type(r) is FrameSent and r.cause > i else r for i, r in enumerate(rest)]  # type: ignore[type-var]


def test_the_kernel_records_frames_without_building_them():
    tracer = Tracer()
    frame = next(r for r in frames_of_a_ping() if type(r) is FrameSent).frame  # type: ignore[union-attr]
    tracer.sent(1.0, "host", "docker0", frame)
    tracer.emit(CommandRun(2.0, "host", "true", 0, 2.0))
    first, second = tracer.records
    assert type(first) is FrameSent and (first.time, first.node, first.dev) == (1.0, "host", "docker0")
    assert type(second) is CommandRun


def test_a_window_still_cuts_the_oldest_half():
    frame = next(r for r in frames_of_a_ping() if type(r) is FrameSent).frame  # type: ignore[union-attr]
    tracer = Tracer(window=100)
    for k in range(1000):
        tracer.received(float(k), "c1", "eth0", frame)
    assert 100 <= len(tracer.records) < 200 and tracer.mark() == 1000
    assert tracer.records[-1].time == 999.0 and tracer.since(990)[0].time == 990.0


def test_a_frame_record_costs_a_third_of_an_object():
    frame = next(r for r in frames_of_a_ping() if type(r) is FrameSent).frame  # type: ignore[union-attr]
    n = 20_000
    names = [f"veth{k}" for k in range(100)]
    times = [float(k) for k in range(n // 100)]  # the clock's own float: every record of one moment shares it
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    plain = [FrameSent(times[k // 100], "host", names[k % 100], frame) for k in range(n)]
    as_objects = tracemalloc.get_traced_memory()[0] - before
    del plain
    before = tracemalloc.get_traced_memory()[0]
    store = RecordStore()
    for k in range(n):
        store.sent(times[k // 100], "host", names[k % 100], frame)
    compact = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(store) == n
    assert compact * 3 < as_objects, (compact / n, as_objects / n)


def test_a_command_s_trace_stays_compact_until_read():
    lab = Lab(seed=1, trace_window=None)
    lab.sh("docker run -itd --name c1 alpine")
    r = lab.sh("docker exec c1 ping -c 1 8.8.8.8")
    assert isinstance(r.trace._kept, RecordStore) and len(r.trace) > 10
    first = list(r.trace)
    assert not isinstance(r.trace._kept, RecordStore)
    assert all(a is b for a, b in zip(first, r.trace, strict=True))  # read twice: the same objects
    assert first == list(lab.sim.tracer.records)[-len(first):]


def flood_lab(window: int | None, sink: object = None) -> Lab:
    """A docker0 lab built one container at a time (each one's gratuitous ARPs flooded to all the others), then a ping."""
    lab = Lab(seed=3, trace_window=window)
    if sink is not None:
        lab.sim.tracer.configure(window=window, sink=sink)  # type: ignore[arg-type]
    for k in range(12):
        lab.sh(f"docker run -itd --name c{k} alpine")
    lab.sh("docker exec c1 ping -c 1 172.17.0.5")
    lab.sh("sleep 2")
    return lab


def test_a_flood_is_one_entry_read_back_as_every_port_s_record():
    lab = flood_lab(None)
    store = lab.sim.tracer.records
    records = list(store)
    assert store._run_rows and len(store._refs) * 3 < len(records)  # the floods were kept as runs
    flooded = sum(store._refs[row].length for row in store._run_rows)  # type: ignore[attr-defined]
    assert flooded > 500 and len(store._paths.parent) < 12 * 12  # their ports: a dozen nodes per container, not a record per port
    assert len(records) > 600 and records == list(RecordStore(records))  # type: ignore[arg-type]
    assert [store[i] for i in range(len(records))] == records
    assert [store[i] for i in range(-1, -len(records) - 1, -1)] == records[::-1]
    for a in range(0, len(records), 37):
        assert store[a:a + 150] == records[a:a + 150] and store[a::7] == records[a::7]
        assert list(lab.sim.tracer.since(a)) == records[a:] and list(store.copy(a)) == records[a:]
    causes = [r.cause for r in records if type(r) is FrameSent]
    assert causes and all(isinstance(records[i - r.cause], BridgeForwarded | FrameReceived) for i, r in enumerate(records) if type(r) is FrameSent and r.cause)


def test_a_flood_cut_anywhere_keeps_the_rest_of_it():
    full = list(flood_lab(None).sim.tracer.records)
    store = RecordStore(full)  # type: ignore[arg-type]
    assert store._run_rows
    for cut in range(0, len(full), 29):
        copy = store.copy()
        del copy[:cut]
        assert list(copy) == full[cut:] and len(copy) == len(full) - cut
    windowed = flood_lab(60).sim.tracer
    assert windowed.dropped and 60 <= len(windowed.records) < 120
    assert list(windowed.records) == full[windowed.dropped:]


def test_a_flood_cut_to_a_sink_reads_back_whole(tmp_path):
    full = list(flood_lab(None).sim.tracer.records)
    path = tmp_path / "trace.pickle"
    tracer = flood_lab(100, sink=str(path)).sim.tracer
    kept = list(tracer.records)
    tracer.close()
    assert tracer.dropped and list(read_records(path)) == full
    assert kept == full[tracer.dropped:]


def test_a_flood_delivered_all_at_once_names_its_ports_by_the_bridge_s_membership():
    """The records of a flood to every port cost the same whatever the number of ports, and read back as before."""
    lab = Lab(seed=3, trace_window=None)
    for k in range(30):
        lab.sh(f"docker run -itd --name c{k} alpine")
    store = lab.sim.tracer.records
    mark = len(store)
    before = len(store._refs)
    lab.sh("docker run -itd --name c30 alpine")
    lab.sh("sleep 2")
    added = len(store._refs) - before
    kept = [ref for ref in store._refs[before:] if type(ref) is BridgeForwarded and ref.action == "flood"]
    assert kept and all(type(ref.egress) is not tuple for ref in kept)  # not a tuple of 30 names per flood
    records = store[mark:]
    floods = [r for r in records if type(r) is BridgeForwarded and r.action == "flood"]
    bridge = lab.machines["host"].netns.devices["docker0"]
    assert floods and all(type(r.egress) is tuple and len(r.egress) == 30 for r in floods)
    assert all(set(r.egress) == set(bridge.ports) - {r.ingress} for r in floods)
    received = [r for r in records if type(r) is FrameReceived and r.dev == "eth0"]
    assert len(received) >= 30 * len(floods) and added * 5 < len(records)  # dozens of records per entry kept


def test_a_docker_run_costs_the_same_memory_on_a_larger_bridge():
    lab = Lab(seed=3, trace_window=None)

    def one_more(k: int) -> int:
        tracemalloc.start()
        try:
            lab.sh(f"docker run -itd --name c{k} alpine")
            lab.sh("sleep 2")
            return tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

    for k in range(40):
        lab.sh(f"docker run -itd --name c{k} alpine")
    small = min(one_more(k) for k in range(40, 43))
    for k in range(43, 200):
        lab.sh(f"docker run -itd --name c{k} alpine")
    large = min(one_more(k) for k in range(200, 203))
    assert large < 1.5 * small, (small, large)
