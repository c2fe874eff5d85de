"""The tracer collects records; a :class:`Trace` is a read-only slice of them.

Records are kept compactly (:class:`~simulator.trace.store.RecordStore`: a frame
record as three columns, the rest as objects) and materialised when read. The hot
path builds no record at all: the kernel calls :attr:`Tracer.sent` and
:attr:`Tracer.received` (the store's own methods, rebound whenever the store is
replaced) for the frames a device sends and receives, and :attr:`Tracer.record` for
its other records, after checking :attr:`Tracer.enabled`; everything else calls
:meth:`Tracer.emit`. ``Tracer.enabled = False`` turns it off
(benchmarks measure both); ``Tracer(window=N, sink=PATH)`` bounds the memory a
long run's trace holds (see :class:`Tracer`).
"""

from __future__ import annotations

import os
import pickle
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO, overload

from simulator.trace.records import (
    BridgeForwarded,
    FrameDropped,
    FrameReceived,
    FrameSent,
    Record,
    TopologyChanged,
)
from simulator.trace.store import RecordStore

if TYPE_CHECKING:
    from simulator.packets.ethernet import EthernetFrame


class Tracer:
    """Where records go while a simulation runs.

    By default every record is kept: a lesson's trace is small, and the views and
    captures read all of it. A long run (a soak, a student's loop of a million
    pings) can bound the memory the trace holds:

    * ``window=N`` keeps at least the last ``N`` records (between ``N`` and ``2N``:
      the older half is cut in one go, so recording stays one append);
    * ``sink=PATH`` (or a binary file) streams every record that leaves memory to
      disk, as pickled chunks, and the rest on :meth:`flush` / :meth:`close`;
      :func:`read_records` reads them back, oldest first.

    Positions from :meth:`mark` count every record ever recorded, so
    ``since(mark)`` works across a cut (it returns what is still in memory), and
    the latest ``TopologyChanged`` is kept aside, so a slice still knows the
    network it starts on.

    >>> from simulator.trace.records import CommandRun
    >>> tracer = Tracer(window=2)
    >>> for t in range(5):
    ...     tracer.emit(CommandRun(float(t), "host", "true", 0, float(t)))
    >>> [r.time for r in tracer.records], tracer.dropped, tracer.mark()
    ([2.0, 3.0, 4.0], 2, 5)
    """

    __slots__ = ("records", "record", "sent", "received", "cause", "enabled", "lang", "window", "dropped", "_topologies", "_sink", "_owns_sink", "_written")

    def __init__(self, window: int | None = None, sink: str | os.PathLike[str] | BinaryIO | None = None) -> None:
        self.records: RecordStore = RecordStore()
        self.record: Callable[[Record], int] = self.records.append
        """Keep a record: the hot path's way, for callers that checked ``enabled`` first
        (and never a ``TopologyChanged``, which goes through :meth:`emit`)."""
        self.sent: Callable[[float, str, str, EthernetFrame, int], None] = self.records.sent
        """Keep ``FrameSent(time, node, dev, frame, cause)`` without building it (callers check ``enabled``
        first), given the position of the decision's record (:attr:`cause`, -1 for none)."""
        self.cause = -1
        """While a decision's frames go out (a bridge forwarding, a VXLAN device wrapping), the
        position (:meth:`mark`) of its record; while a stack handles a frame it received, the
        position of that frame's arrival: each ``FrameSent`` meanwhile points back at it (and
        a stack's ``RouteChosen`` and ``NatTranslated``, through :meth:`back`)."""
        self.received: Callable[[float, str, str, EthernetFrame], int] = self.records.received
        """Keep ``FrameReceived(time, node, dev, frame)`` without building it (callers check ``enabled`` first)."""
        self.enabled = True
        self.lang = "en"  # the lab's language: the views and explanations speak it unless told otherwise
        self.window: int | None = None
        self.dropped = 0  # records cut from the front (on disk if there is a sink)
        self._topologies: list[tuple[int, TopologyChanged]] = []  # (position, record), in order
        self._sink: BinaryIO | None = None
        self._owns_sink = False
        self._written = 0  # records before this position are in the sink
        if window is not None or sink is not None:
            self.configure(window=window, sink=sink)

    def configure(self, window: int | None = None, sink: str | os.PathLike[str] | BinaryIO | None = None) -> None:
        """Bound the trace from now on (see the class docstring); records so far stay."""
        if window is not None and window < 1:
            raise ValueError(f"window must be at least 1, not {window}")
        if sink is not None:
            self.close()
            if isinstance(sink, str | os.PathLike):
                self._sink = open(sink, "wb")  # noqa: SIM115
                self._owns_sink = True
            else:
                self._sink = sink
                self._owns_sink = False
            self._written = self.dropped
        self.window = window
        records = _Window(self) if window is not None else RecordStore(first=self.dropped)
        records.extend(self.records)
        self.records = records
        self.record = records.append
        self.sent = records.sent
        self.received = records.received
        if window is not None and len(records) >= 2 * window:
            self._cut()

    def emit(self, record: Record) -> None:
        if self.enabled:
            if type(record) is TopologyChanged:
                self._topologies.append((self.dropped + len(self.records), record))
            self.records.append(record)

    def mark(self) -> int:
        """A position to slice from later (counting every record ever recorded)."""
        return self.dropped + len(self.records)

    def back(self) -> int:
        """How far back :attr:`cause` is from the next record, as ``FrameSent.cause`` counts (0: no cause)."""
        cause = self.cause
        return self.dropped + len(self.records) - cause if cause >= 0 else 0

    def since(self, mark: int) -> Trace:
        return Trace(self.records.copy(max(0, mark - self.dropped)), self.latest_topology(mark), lang=self.lang)

    def latest_topology(self, before: int | None = None) -> TopologyChanged | None:
        """The last ``TopologyChanged`` recorded before position ``before`` (default: now)."""
        end = self.mark() if before is None else before
        index = bisect_left(self._topologies, end, key=lambda item: item[0])
        return self._topologies[index - 1][1] if index else None

    def trace(self) -> Trace:
        return Trace(self.records.copy(), self.latest_topology(self.dropped) if self.dropped else None, lang=self.lang)

    def flush(self) -> None:
        """Write what the sink has not seen yet (the records stay in memory too)."""
        if self._sink is None:
            return
        start = self._written - self.dropped
        if start < len(self.records):
            pickle.dump(list(self.records[start:]), self._sink, protocol=pickle.HIGHEST_PROTOCOL)
        self._written = self.mark()
        self._sink.flush()

    def close(self) -> None:
        """Flush, and close the sink if the tracer opened it."""
        if self._sink is None:
            return
        self.flush()
        if self._owns_sink:
            self._sink.close()
        self._sink = None

    def _cut(self) -> None:
        """Keep the last ``window`` records; the older ones go to the sink, or away."""
        assert self.window is not None
        records = self.records
        cut = len(records) - self.window
        if cut <= 0:
            return
        if self._sink is not None:
            start = max(0, self._written - self.dropped)
            if start < cut:
                pickle.dump(list(records[start:cut]), self._sink, protocol=pickle.HIGHEST_PROTOCOL)
                self._written = self.dropped + cut
        del records[:cut]
        self.dropped += cut
        records.first = self.dropped
        # topologies recorded before the window are not needed, but the last of them (the
        # network the window starts on)
        first = bisect_left(self._topologies, self.dropped, key=lambda item: item[0])
        del self._topologies[:max(0, first - 1)]
        # keep the topology in force at the new start, and every later one
        keep = bisect_left(self._topologies, self.dropped, key=lambda item: item[0])
        if keep > 1:
            del self._topologies[: keep - 1]


class _Window(RecordStore):
    """The record store of a windowed tracer: recording past twice the window cuts it."""

    __slots__ = ("tracer",)

    def __init__(self, tracer: Tracer) -> None:
        super().__init__(first=tracer.dropped)
        self.tracer = tracer
        assert tracer.window is not None
        self.limit = 2 * tracer.window

    def _full(self) -> None:
        self.tracer._cut()

    def sent_flood(self, time: float, frame: EthernetFrame, decided_at: int, ports: list[tuple[str, str]]) -> None:
        room = self.limit - len(self._refs) - self._extra  # cut where recording port by port would
        RecordStore.sent_flood(self, time, frame, decided_at, ports[:room])
        if len(self._refs) + self._extra >= self.limit:
            self.tracer._cut()
        if len(ports) > room:
            self.sent_flood(time, frame, decided_at, ports[room:])

    def received_flood(self, time: float, frame: EthernetFrame, ports: list[tuple[str, str]]) -> None:
        room = self.limit - len(self._refs) - self._extra
        RecordStore.received_flood(self, time, frame, ports[:room])
        if len(self._refs) + self._extra >= self.limit:
            self.tracer._cut()
        if len(ports) > room:
            self.received_flood(time, frame, ports[room:])

    def sent_span(self, time: float, frame: EthernetFrame, decided_at: int, ports: Sequence[tuple[str, str]], start: int, stop: int) -> None:
        while start < stop:  # cut where recording port by port would
            room = self.limit - len(self._refs) - self._extra
            end = min(stop, start + room)
            RecordStore.sent_span(self, time, frame, decided_at, ports, start, end)
            if len(self._refs) + self._extra >= self.limit:
                self.tracer._cut()
            start = end

    def received_span(self, time: float, frame: EthernetFrame, ports: Sequence[tuple[str, str]], start: int, stop: int) -> None:
        while start < stop:
            room = self.limit - len(self._refs) - self._extra
            end = min(stop, start + room)
            RecordStore.received_span(self, time, frame, ports, start, end)
            if len(self._refs) + self._extra >= self.limit:
                self.tracer._cut()
            start = end


def read_records(source: str | os.PathLike[str] | BinaryIO) -> Iterator[Record]:
    """The records a tracer's sink received, oldest first (chunk by chunk, not all at once)."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as f:
            yield from read_records(f)
        return
    while True:
        try:
            chunk = pickle.load(source)
        except EOFError:
            return
        yield from chunk


def capture_point(record: Record) -> tuple[str, str] | None:
    """The (node, device) whose capture shows this record's frame, if any."""
    if isinstance(record, FrameSent):
        return (record.node, record.dev)
    if isinstance(record, FrameReceived):
        return None if record.dev == "lo" else (record.node, record.dev)
    if isinstance(record, BridgeForwarded):
        return (record.node, record.bridge)
    return None


class Trace(Sequence[Record]):
    """An ordered, read-only sequence of records (all of a lab's, or one command's).

    ``initial_topology`` is the network as it stood when the slice begins, so a view
    of one command can still draw the network the command ran on. ``lang`` is the
    language of the lab that recorded it (``"en"`` or ``"ko"``): the views and
    explanations speak it unless they are given another.
    """

    def __init__(self, records: list[Record] | RecordStore, initial_topology: TopologyChanged | None = None, *, lang: str = "en") -> None:
        self._kept = records  # a tracer's slice stays compact until it is read
        self.initial_topology = initial_topology
        self.lang = lang

    @property
    def _records(self) -> list[Record]:
        """The records as objects, made once, on the first read (so reading twice gives the same objects)."""
        kept = self._kept
        if type(kept) is not list:
            kept = self._kept = list(kept)
        return kept

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> Trace: ...
    def __getitem__(self, index: int | slice) -> Record | Trace:
        if isinstance(index, slice):
            return Trace(self._records[index], self.initial_topology, lang=self.lang)
        return self._records[index]

    def __len__(self) -> int:
        return len(self._kept)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    def __repr__(self) -> str:
        return f"<Trace of {len(self._records)} records>"

    def of_type(self, kind: type[Record]) -> list[Record]:
        return [r for r in self._records if isinstance(r, kind)]

    def drops(self) -> list[FrameDropped]:
        return [r for r in self._records if isinstance(r, FrameDropped)]

    def captured(self, node: str, dev: str) -> list[tuple[float, EthernetFrame]]:
        """What ``tcpdump -i DEV`` (promiscuous) on ``node`` would show, in order.

        A port device shows what it sends and receives. A bridge device shows what
        the host sends through it and, being promiscuous, every frame that enters
        the bridge from a port (Linux passes those up to the bridge device).
        ``lo`` shows each packet once (its transmit and receive are one skb).
        """
        out: list[tuple[float, EthernetFrame]] = []
        for r in self._records:
            if capture_point(r) == (node, dev):
                assert isinstance(r, FrameSent | FrameReceived | BridgeForwarded)
                out.append((r.time, r.frame))
        return out

    def devices(self) -> list[tuple[str, str]]:
        """Every (node, device) that saw a frame, in order of first appearance."""
        seen: dict[tuple[str, str], None] = {}
        for r in self._records:
            where = capture_point(r)
            if where is not None:
                seen.setdefault(where, None)
        return list(seen)

    def to_pcap(self, path: str) -> None:
        """Write a pcapng file with one interface per device (``NODE/IFNAME``)."""
        from simulator.trace.pcap import write_pcapng

        write_pcapng(self, path)
