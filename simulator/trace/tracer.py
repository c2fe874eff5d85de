"""The tracer collects records; a :class:`Trace` is a read-only slice of them.

Recording is one ``list.append`` of a record built by the caller, so the hot path
pays for a small object and nothing else. ``Tracer.enabled = False`` turns it off
(benchmarks measure both).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

from simulator.trace.records import (
    BridgeForwarded,
    FrameDropped,
    FrameReceived,
    FrameSent,
    Record,
    TopologyChanged,
)

if TYPE_CHECKING:
    from simulator.packets.ethernet import EthernetFrame


class Tracer:
    """Where records go while a simulation runs."""

    __slots__ = ("records", "enabled")

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.enabled = True

    def emit(self, record: Record) -> None:
        if self.enabled:
            self.records.append(record)

    def mark(self) -> int:
        """A position to slice from later."""
        return len(self.records)

    def since(self, mark: int) -> Trace:
        return Trace(self.records[mark:], self.latest_topology(mark))

    def latest_topology(self, before: int | None = None) -> TopologyChanged | None:
        end = len(self.records) if before is None else before
        for record in reversed(self.records[:end]):
            if isinstance(record, TopologyChanged):
                return record
        return None

    def trace(self) -> Trace:
        return Trace(list(self.records), None)


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
    of one command can still draw the network the command ran on.
    """

    def __init__(self, records: list[Record], initial_topology: TopologyChanged | None = None) -> None:
        self._records = records
        self.initial_topology = initial_topology

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> Trace: ...
    def __getitem__(self, index: int | slice) -> Record | Trace:
        if isinstance(index, slice):
            return Trace(self._records[index], self.initial_topology)
        return self._records[index]

    def __len__(self) -> int:
        return len(self._records)

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
            where = capture_point(r)
            if where is not None and where == (node, dev):
                out.append((r.time, r.frame))  # type: ignore[union-attr]
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
