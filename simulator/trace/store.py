"""Where a tracer keeps its records: frame records as columns, the rest as they are.

Most of a trace is ``FrameSent`` and ``FrameReceived``: every port of a bridge that
floods a frame sends it, every container behind one receives it, and a lab of a
thousand containers holds millions of them. As objects each costs 72 bytes or
more (an object of four or five slots and its list slot); here it costs 24: its time
in an ``array('d')``, where it happened as the number of a ``(kind, node, device)``
place (an ``array('I')``; a lab has a few thousand places), a ``FrameSent``'s
``cause`` (an ``array('I')``), and a pointer to its frame, which records share (a
flooded frame is one object). Every other record is kept as the
object it is (place 0).

Reading materialises: ``store[i]``, a slice (a plain list) and iteration build
each frame record anew from its columns, equal (``==``) to the record that was
stored, with the same frame object. The hot path records through :meth:`sent` and
:meth:`received` without building a record at all.

A flood is kept as one entry (a *run*): a bridge flooding a broadcast to N ports
leaves N ``FrameSent`` of one frame at one instant, then N ``FrameReceived``, and a
lab built one container at a time floods N**2 of them. :meth:`sent_flooded` and
:meth:`received_flooded` add a record to the run the last entry is (the same frame,
instant, kind, and a ``cause`` pointing back at the same decision), which holds only
the frame, the instant, the first cause and its ports in order: a node of a tree of
place numbers that every run shares (a path from the root is a sequence of ports; the
next container's flood goes to the same ports and one more, so it adds one node).
Read, a run expands into exactly the records it stands for.

>>> from simulator.trace.records import CommandRun
>>> store = RecordStore()
>>> store.append(CommandRun(0.0, "host", "true", 0, 0.0))
>>> len(store), store[0].command
(1, 'true')
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from typing import overload

from simulator.packets.ethernet import EthernetFrame
from simulator.trace.records import BridgeForwarded, FrameReceived, FrameSent, Record

_NO_LIMIT = 1 << 62  # a store without a window never reaches it


class _Run:
    """Consecutive frame records of one frame at one instant: their places, the last ``length`` on the path to ``node``."""

    __slots__ = ("frame", "node", "length")

    def __init__(self, frame: EthernetFrame, node: int, length: int) -> None:
        self.frame = frame
        self.node = node
        self.length = length

    def cut(self, offset: int) -> _Run:
        """The run without its first ``offset`` records."""
        return _Run(self.frame, self.node, self.length - offset)


class _Span:
    """Frame records of one frame at one instant, one per place of a lazily read sequence (a flood delivered in aggregate).

    ``ports`` is a sequence of ``(node, device)`` that its owner can make again when read
    (a bridge's membership at an instant: ``kernel/devices/flood.py``); the span stands
    for the records at ``ports[start:start + length]``, all of ``kind``.
    """

    __slots__ = ("frame", "kind", "ports", "start", "length")

    def __init__(self, frame: EthernetFrame, kind: type[FrameSent] | type[FrameReceived], ports: Sequence[tuple[str, str]],
                 start: int, length: int) -> None:
        self.frame = frame
        self.kind = kind
        self.ports = ports
        self.start = start
        self.length = length

    def cut(self, offset: int) -> _Span:
        """The span without its first ``offset`` records."""
        return _Span(self.frame, self.kind, self.ports, self.start + offset, self.length - offset)


class _Paths:
    """The tree of the places of runs: node 0 is the root, every other one a place after its parent's."""

    __slots__ = ("parent", "place", "children", "steps")

    def __init__(self) -> None:
        self.parent = array("I", [0])
        self.place = array("I", [0])
        self.children: dict[int, int] = {}  # parent << 32 | place -> node
        self.steps: dict[tuple[int, tuple[str, str]], int] = {}  # (parent, (node, dev)) -> node: a flood's shortcut

    def child(self, node: int, place: int) -> int:
        """The node for ``place`` after ``node`` (made if new)."""
        key = node << 32 | place
        found = self.children.get(key)
        if found is None:
            found = self.children[key] = len(self.parent)
            self.parent.append(node)
            self.place.append(place)
        return found

    def last(self, node: int, length: int) -> list[int]:
        """The last ``length`` places on the path to ``node``, in order."""
        out = [0] * length
        parent, place = self.parent, self.place
        for k in range(length - 1, -1, -1):
            out[k] = place[node]
            node = parent[node]
        return out


class RecordStore:
    """A list of records kept compactly (see the module docstring): append, read, cut from the front."""

    __slots__ = ("first", "limit", "_times", "_places", "_causes", "_refs", "_sent", "_received", "_where",
                 "_run_rows", "_run_starts", "_extra", "_paths")

    def __init__(self, records: Iterable[Record] = (), first: int = 0) -> None:
        self.first = first  # the position of the first record kept, counting every record ever recorded
        self.limit = _NO_LIMIT  # when the store holds this many records, :meth:`_full` runs (a tracer's window)
        self._times = array("d")
        self._places = array("I")
        self._causes = array("I")  # a FrameSent's ``cause``
        self._refs: list[object] = []  # the frame of a frame record, else the record itself
        self._sent: dict[tuple[str, str], int] = {}  # (node, dev) -> its place number, for FrameSent
        self._received: dict[tuple[str, str], int] = {}  # the same, for FrameReceived
        self._where: list[tuple[type[FrameSent] | type[FrameReceived], str, str]] = [(FrameSent, "", "")]  # place -> what
        # a run is a row whose ref is a _Run (place 0): the rows of runs and the positions of their first records
        self._run_rows = array("q")
        self._run_starts = array("q")
        self._extra = 0  # records beyond one per row (each run of n records counts n - 1)
        self._paths = _Paths()  # the places of runs
        self.extend(records)

    # --- writing ---------------------------------------------------------------------------------

    def sent(self, time: float, node: str, dev: str, frame: EthernetFrame, decided_at: int = -1) -> None:
        """Keep ``FrameSent(time, node, dev, frame, cause)`` without building it.

        ``decided_at`` is the position (as :meth:`Tracer.mark` counts) of the record of the
        decision that sent it (-1: none); the record keeps how far back that is.
        """
        place = self._sent.get((node, dev))
        if place is None:
            place = self._sent[(node, dev)] = self._place(FrameSent, node, dev)
        refs = self._refs
        self._times.append(time)
        self._places.append(place)
        self._causes.append(self.first + len(refs) + self._extra - decided_at if decided_at >= 0 else 0)
        refs.append(frame)
        if len(refs) + self._extra >= self.limit:
            self._full()

    def received(self, time: float, node: str, dev: str, frame: EthernetFrame) -> int:
        """Keep ``FrameReceived(time, node, dev, frame)`` without building it; its position (as :meth:`Tracer.mark` counts)."""
        place = self._received.get((node, dev))
        if place is None:
            place = self._received[(node, dev)] = self._place(FrameReceived, node, dev)
        refs = self._refs
        position = self.first + len(refs) + self._extra
        self._times.append(time)
        self._places.append(place)
        self._causes.append(0)
        refs.append(frame)
        if position + 1 - self.first >= self.limit:
            self._full()
        return position

    def sent_flooded(self, time: float, node: str, dev: str, frame: EthernetFrame, decided_at: int = -1) -> None:
        """:meth:`sent`, for one port's copy of a flooded frame: it joins the run the last entry is, if it continues it."""
        place = self._sent.get((node, dev))
        if place is None:
            place = self._sent[(node, dev)] = self._place(FrameSent, node, dev)
        cause = self.first + len(self._refs) + self._extra - decided_at if decided_at >= 0 else 0
        if not self._continue(time, place, frame, cause):
            self._times.append(time)
            self._places.append(place)
            self._causes.append(cause)
            self._refs.append(frame)
        if len(self._refs) + self._extra >= self.limit:
            self._full()

    def received_flooded(self, time: float, node: str, dev: str, frame: EthernetFrame) -> None:
        """:meth:`received`, for one port's copy of a flooded frame: it joins the run the last entry is, if it continues it."""
        place = self._received.get((node, dev))
        if place is None:
            place = self._received[(node, dev)] = self._place(FrameReceived, node, dev)
        if not self._continue(time, place, frame, 0):
            self._times.append(time)
            self._places.append(place)
            self._causes.append(0)
            self._refs.append(frame)
        if len(self._refs) + self._extra >= self.limit:
            self._full()

    def sent_flood(self, time: float, frame: EthernetFrame, decided_at: int, ports: list[tuple[str, str]]) -> None:
        """:meth:`sent_flooded` for each ``(node, dev)`` of ``ports`` in order, in one call."""
        self.sent_flooded(time, *ports[0], frame, decided_at)
        self._run_on(time, frame, ports, self._sent, FrameSent)

    def received_flood(self, time: float, frame: EthernetFrame, ports: list[tuple[str, str]]) -> None:
        """:meth:`received_flooded` for each ``(node, dev)`` of ``ports`` in order, in one call."""
        self.received_flooded(time, *ports[0], frame)
        self._run_on(time, frame, ports, self._received, FrameReceived)

    def sent_span(self, time: float, frame: EthernetFrame, decided_at: int, ports: Sequence[tuple[str, str]], start: int, stop: int) -> None:
        """``FrameSent`` of ``frame`` at each of ``ports[start:stop]`` in order, kept as one entry without reading ``ports``.

        Their causes all point back at ``decided_at``, as :meth:`sent_flood`'s do.
        """
        if stop - start > 0:
            self._span(time, frame, FrameSent, ports, start, stop, self.first + len(self._refs) + self._extra - decided_at if decided_at >= 0 else 0)

    def received_span(self, time: float, frame: EthernetFrame, ports: Sequence[tuple[str, str]], start: int, stop: int) -> None:
        """``FrameReceived`` of ``frame`` at each of ``ports[start:stop]`` in order, kept as one entry without reading ``ports``."""
        if stop - start > 0:
            self._span(time, frame, FrameReceived, ports, start, stop, 0)

    def _span(self, time: float, frame: EthernetFrame, kind: type[FrameSent] | type[FrameReceived],
              ports: Sequence[tuple[str, str]], start: int, stop: int, cause: int) -> None:
        refs = self._refs
        self._run_rows.append(len(refs))
        self._run_starts.append(len(refs) + self._extra)
        self._times.append(time)
        self._places.append(0)
        self._causes.append(cause)
        refs.append(_Span(frame, kind, ports, start, stop - start))
        self._extra += stop - start - 1

    def _run_on(self, time: float, frame: EthernetFrame, ports: list[tuple[str, str]],
                known: dict[tuple[str, str], int], kind: type[FrameSent] | type[FrameReceived]) -> None:
        """The records after the first of a flood (just kept) at ``ports``: the last entry's run, continued."""
        if len(ports) < 2:
            return
        refs = self._refs
        start = 1
        if type(refs[-1]) is not _Run:
            place = known.get(ports[1])
            if place is None:
                place = known[ports[1]] = self._place(kind, *ports[1])
            first_cause = self._causes[-1]
            self._continue(time, place, frame, first_cause + 1 if first_cause else 0)  # starts the run
            start = 2
        run: _Run = refs[-1]  # type: ignore[assignment]
        paths = self._paths
        steps = paths.steps
        node = run.node
        for key in ports[start:]:
            found = steps.get((node, key))
            if found is None:
                place = known.get(key)
                if place is None:
                    place = known[key] = self._place(kind, *key)
                found = steps[(node, key)] = paths.child(node, place)
            node = found
        run.node = node
        run.length += len(ports) - start
        self._extra += len(ports) - start

    def _continue(self, time: float, place: int, frame: EthernetFrame, cause: int) -> bool:
        """Add the frame record at ``place`` to the last entry, if it continues it (see the module docstring)."""
        refs = self._refs
        if not refs or self._times[-1] != time:
            return False
        last = refs[-1]
        where = self._where
        if type(last) is _Run:
            if last.frame is not frame or where[self._paths.place[last.node]][0] is not where[place][0]:
                return False
            first_cause = self._causes[-1]
            if (first_cause + last.length if first_cause else 0) != cause:
                return False
            last.node = self._paths.child(last.node, place)
            last.length += 1
            self._extra += 1
            return True
        previous = self._places[-1]
        if last is not frame or not previous or where[previous][0] is not where[place][0]:
            return False
        first_cause = self._causes[-1]
        if (first_cause + 1 if first_cause else 0) != cause:
            return False
        paths = self._paths
        self._run_rows.append(len(refs) - 1)
        self._run_starts.append(len(refs) - 1 + self._extra)
        refs[-1] = _Run(frame, paths.child(paths.child(0, previous), place), 2)
        self._places[-1] = 0
        self._extra += 1
        return True

    def _place(self, kind: type[FrameSent] | type[FrameReceived], node: str, dev: str) -> int:
        self._where.append((kind, node, dev))
        return len(self._where) - 1

    def append(self, record: Record) -> int:
        """Keep ``record``; its position (as :meth:`Tracer.mark` counts)."""
        refs = self._refs
        position = self.first + len(refs) + self._extra
        if type(record) is FrameSent:
            cause = record.cause
            self.sent_flooded(record.time, record.node, record.dev, record.frame, position - cause if cause else -1)
        elif type(record) is FrameReceived:
            self.received_flooded(record.time, record.node, record.dev, record.frame)
        else:
            self._times.append(0.0)
            self._places.append(0)
            self._causes.append(0)
            refs.append(record)
            if position + 1 - self.first >= self.limit:
                self._full()
        return position

    def _full(self) -> None:
        """The store reached :attr:`limit` (a tracer's window cuts it here)."""

    def extend(self, records: Iterable[Record]) -> None:
        for record in records:
            self.append(record)

    # --- reading ---------------------------------------------------------------------------------

    def _locate(self, i: int) -> tuple[int, int]:
        """The row of record ``i`` (0 <= i < len), and its offset in that row's run (-1: not in a run)."""
        starts = self._run_starts
        j = bisect_right(starts, i) - 1
        if j < 0:
            return i, -1
        row = self._run_rows[j]
        offset = i - starts[j]
        length = self._refs[row].length  # type: ignore[attr-defined]
        if offset < length:
            return row, offset
        return row + offset - length + 1, -1

    def _expanded(self, row: int, offset: int) -> Record:
        """Record ``offset`` of the run in ``row``."""
        return next(self._run(row, offset))

    def _run(self, row: int, offset: int = 0) -> Iterator[Record]:
        """The records of the run (or span) in ``row``, from ``offset`` on."""
        ref = self._refs[row]
        time, cause = self._times[row], self._causes[row]
        if type(ref) is _Span:
            frame, kind = ref.frame, ref.kind
            ports = ref.ports[ref.start + offset: ref.start + ref.length]
            if kind is FrameSent:
                for k, (node, dev) in enumerate(ports, offset):
                    yield FrameSent(time, node, dev, frame, cause + k if cause else 0)
            else:
                for node, dev in ports:
                    yield kind(time, node, dev, frame)
            return
        run: _Run = ref  # type: ignore[assignment]
        where, frame = self._where, run.frame
        places = self._paths.last(run.node, run.length)
        for k in range(offset, run.length):
            kind, node, dev = where[places[k]]
            if kind is FrameSent:
                yield FrameSent(time, node, dev, frame, cause + k if cause else 0)
            else:
                yield kind(time, node, dev, frame)

    def _get(self, i: int) -> Record:
        row, offset = self._locate(i)
        if offset >= 0:
            return self._expanded(row, offset)
        place = self._places[row]
        if not place:
            return _read(self._refs[row])  # type: ignore[arg-type]
        kind, node, dev = self._where[place]
        if kind is FrameSent:
            return FrameSent(self._times[row], node, dev, self._refs[row], self._causes[row])  # type: ignore[arg-type]
        return kind(self._times[row], node, dev, self._refs[row])  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._refs) + self._extra

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        n = len(self)
        if isinstance(index, slice):
            start, stop, step = index.indices(n)
            if step == 1:
                return list(islice(self._from(start), max(0, stop - start)))
            return [self._get(i) for i in range(start, stop, step)]
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("list index out of range")
        return self._get(i)

    def __iter__(self) -> Iterator[Record]:
        return self._from(0)

    def _from(self, start: int) -> Iterator[Record]:
        """The records from position ``start`` on."""
        if start >= len(self):
            return
        row, offset = self._locate(start)
        where, times, refs, causes = self._where, self._times, self._refs, self._causes
        if offset >= 0:
            yield from self._run(row, offset)
            row += 1
        for i in range(row, len(refs)):
            place = self._places[i]
            if place:
                kind, node, dev = where[place]
                if kind is FrameSent:
                    yield FrameSent(times[i], node, dev, refs[i], causes[i])  # type: ignore[arg-type]
                else:
                    yield kind(times[i], node, dev, refs[i])  # type: ignore[arg-type]
            elif type(refs[i]) is _Run or type(refs[i]) is _Span:
                yield from self._run(i)
            else:
                yield _read(refs[i])  # type: ignore[arg-type]

    def copy(self, start: int = 0) -> RecordStore:
        """The records from ``start`` on, as a store of their own (the columns copied, the frames and paths shared)."""
        out = RecordStore.__new__(RecordStore)
        out.first = self.first + start
        out._sent, out._received, out._where, out._paths = self._sent, self._received, self._where, self._paths  # append-only: shared
        n = len(self)
        row, offset = self._locate(start) if start < n else (len(self._refs), -1)
        out._times = self._times[row:]
        out._places = self._places[row:]
        out._causes = self._causes[row:]
        out._refs = self._refs[row:]
        j = bisect_left(self._run_rows, row)
        out._run_rows = array("q", [r - row for r in self._run_rows[j:]])
        out._run_starts = array("q", [s - start for s in self._run_starts[j:]])
        if offset > 0:  # the first run is cut: the rest of it, as a run of its own
            run: _Run | _Span = self._refs[row]  # type: ignore[assignment]
            out._refs[0] = run.cut(offset)
            if out._causes[0]:
                out._causes[0] += offset
            out._run_starts[0] = 0
        out._extra = n - start - len(out._refs)
        if out._refs and out._refs[-1] is self._refs[-1] and type(out._refs[-1]) is _Run:  # the run still growing: its own
            out._refs[-1] = out._refs[-1].cut(0)
        return out

    def __bool__(self) -> bool:
        return bool(self._refs)

    def __repr__(self) -> str:
        return f"<RecordStore of {len(self)} records>"

    # --- cutting ---------------------------------------------------------------------------------

    def __delitem__(self, index: int | slice) -> None:
        if not self._run_rows:
            del self._times[index]
            del self._places[index]
            del self._causes[index]
            del self._refs[index]
            return
        if isinstance(index, slice) and index.start is None and index.step is None:  # a cut from the front
            kept = self.copy(index.indices(len(self))[1])
            for name in ("_times", "_places", "_causes", "_refs", "_run_rows", "_run_starts", "_extra"):
                setattr(self, name, getattr(kept, name))
            return
        records = list(self)  # anything else is rare (a test's edit): the records written again
        del records[index]
        self._times, self._places, self._causes, self._refs = array("d"), array("I"), array("I"), []
        self._run_rows, self._run_starts, self._extra = array("q"), array("q"), 0
        self.extend(records)

    def pop(self, index: int = -1) -> Record:
        record = self[index]
        del self[index]
        return record

    def remove(self, record: Record) -> None:
        """Delete the first record equal to ``record``."""
        for i, r in enumerate(self):
            if r == record:
                del self[i]
                return
        raise ValueError("record not in the trace")

    def clear(self) -> None:
        del self[:]


def _read(record: Record) -> Record:
    """A record kept as it was, as it is read: a flood's ``BridgeForwarded`` lists its ports as a tuple.

    A bridge that delivers a flood in aggregate names its egress ports by a sequence
    it can make again (its membership at that instant), not a tuple of thousands of
    names per flood.
    """
    if type(record) is BridgeForwarded and type(record.egress) is not tuple:
        return replace(record, egress=tuple(record.egress))
    return record
