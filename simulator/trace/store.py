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

>>> from simulator.trace.records import CommandRun
>>> store = RecordStore()
>>> store.append(CommandRun(0.0, "host", "true", 0, 0.0))
>>> len(store), store[0].command
(1, 'true')
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import overload

from simulator.packets.ethernet import EthernetFrame
from simulator.trace.records import FrameReceived, FrameSent, Record


class RecordStore:
    """A list of records kept compactly (see the module docstring): append, read, cut from the front."""

    __slots__ = ("first", "_times", "_places", "_causes", "_refs", "_sent", "_received", "_where")

    def __init__(self, records: Iterable[Record] = (), first: int = 0) -> None:
        self.first = first  # the position of the first record kept, counting every record ever recorded
        self._times = array("d")
        self._places = array("I")
        self._causes = array("I")  # a FrameSent's ``cause``
        self._refs: list[object] = []  # the frame of a frame record, else the record itself
        self._sent: dict[tuple[str, str], int] = {}  # (node, dev) -> its place number, for FrameSent
        self._received: dict[tuple[str, str], int] = {}  # the same, for FrameReceived
        self._where: list[tuple[type[FrameSent] | type[FrameReceived], str, str]] = [(FrameSent, "", "")]  # place -> what
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
        self._times.append(time)
        self._places.append(place)
        self._causes.append(self.first + len(self._refs) - decided_at if decided_at >= 0 else 0)
        self._refs.append(frame)

    def received(self, time: float, node: str, dev: str, frame: EthernetFrame) -> None:
        """Keep ``FrameReceived(time, node, dev, frame)`` without building it."""
        place = self._received.get((node, dev))
        if place is None:
            place = self._received[(node, dev)] = self._place(FrameReceived, node, dev)
        self._times.append(time)
        self._places.append(place)
        self._causes.append(0)
        self._refs.append(frame)

    def _place(self, kind: type[FrameSent] | type[FrameReceived], node: str, dev: str) -> int:
        self._where.append((kind, node, dev))
        return len(self._where) - 1

    def append(self, record: Record) -> None:
        if type(record) is FrameSent:
            cause = record.cause
            self.sent(record.time, record.node, record.dev, record.frame, self.first + len(self._refs) - cause if cause else -1)
        elif type(record) is FrameReceived:
            self.received(record.time, record.node, record.dev, record.frame)
        else:
            self._times.append(0.0)
            self._places.append(0)
            self._causes.append(0)
            self._refs.append(record)

    def extend(self, records: Iterable[Record]) -> None:
        for record in records:
            self.append(record)

    # --- reading ---------------------------------------------------------------------------------

    def _get(self, i: int) -> Record:
        place = self._places[i]
        if not place:
            return self._refs[i]  # type: ignore[return-value]
        kind, node, dev = self._where[place]
        if kind is FrameSent:
            return FrameSent(self._times[i], node, dev, self._refs[i], self._causes[i])  # type: ignore[arg-type]
        return kind(self._times[i], node, dev, self._refs[i])  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._refs)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self._get(i) for i in range(*index.indices(len(self._refs)))]
        n = len(self._refs)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("list index out of range")
        return self._get(i)

    def __iter__(self) -> Iterator[Record]:
        where, times, refs, causes = self._where, self._times, self._refs, self._causes
        for i, place in enumerate(self._places):
            if place:
                kind, node, dev = where[place]
                if kind is FrameSent:
                    yield FrameSent(times[i], node, dev, refs[i], causes[i])  # type: ignore[arg-type]
                else:
                    yield kind(times[i], node, dev, refs[i])  # type: ignore[arg-type]
            else:
                yield refs[i]  # type: ignore[misc]

    def copy(self, start: int = 0) -> RecordStore:
        """The records from ``start`` on, as a store of their own (the columns copied, the frames shared)."""
        out = RecordStore.__new__(RecordStore)
        out.first = self.first + start
        out._times = self._times[start:]
        out._places = self._places[start:]
        out._causes = self._causes[start:]
        out._refs = self._refs[start:]
        out._sent, out._received, out._where = self._sent, self._received, self._where  # append-only: shared
        return out

    def __bool__(self) -> bool:
        return bool(self._refs)

    def __repr__(self) -> str:
        return f"<RecordStore of {len(self._refs)} records>"

    # --- cutting ---------------------------------------------------------------------------------

    def __delitem__(self, index: int | slice) -> None:
        del self._times[index]
        del self._places[index]
        del self._causes[index]
        del self._refs[index]

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
