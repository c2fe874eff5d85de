"""The tracer's compact record store: what goes in comes out equal, in order, for less memory."""

from __future__ import annotations

import tracemalloc

import pytest

from simulator import Lab
from simulator.trace.records import CommandRun, FrameReceived, FrameSent
from simulator.trace.store import RecordStore
from simulator.trace.tracer import Tracer


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
    assert list(store) == rest


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
