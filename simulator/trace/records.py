"""The records a simulation leaves behind.

A record is a small frozen value: when (simulated seconds), where (the node, a
host or a container, and the device as ``ip link`` names it) and what, with the
evidence for the decision that was taken. Frames are referenced, never copied.

``node`` is the name a learner knows the namespace by: ``host``, ``host2``,
``laptop``, ``router``, ``internet``, or a container's name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from ipaddress import IPv4Address
from itertools import chain
from typing import Any, Generic, TypeVar, overload

from simulator.packets.ethernet import EthernetFrame
from simulator.packets.frozen import fast_init
from simulator.packets.ipv4 import IPv4Packet
from simulator.trace.topology import Snapshot


class DropReason(Enum):
    """Why the network model discarded a frame or packet (the kernel's words where it has them)."""

    LINK_DOWN = "link-down"
    NOT_FOR_US = "otherhost"  # PACKET_OTHERHOST: unicast to another MAC reached this stack
    SAME_PORT = "bridge-same-port"  # the FDB points back to the ingress port
    NO_ROUTE = "no-route"
    NEIGHBOUR_FAILED = "neigh-failed"
    TTL_EXPIRED = "ttl-expired"
    FORWARDING_DISABLED = "ip-forward-off"
    FILTERED = "netfilter-drop"
    NO_SOCKET = "no-socket"
    MARTIAN = "martian-source"
    MACVLAN_FILTER = "macvlan-filter"
    QUEUE_OVERFLOW = "neigh-queue-full"
    VLAN_UNKNOWN = "vlan-unknown"  # a tagged frame for a VLAN id no device here has (PACKET_OTHERHOST)
    VXLAN_NO_FDB = "vxlan-no-fdb"  # the VXLAN device knows no remote for the destination MAC (l2miss)


@fast_init
@dataclass(frozen=True, slots=True)
class FrameSent:
    """``dev`` put ``frame`` on its link (tcpdump on ``dev`` shows it, outbound).

    ``cause`` says which decision sent this very frame on, as a count of records back
    from this one (so it holds in any slice of the trace): the ``BridgeForwarded`` of a
    bridge or of the LAN switch (a port sending what it was given), the bridge's own
    ``FrameSent`` (its stack sending through one of its ports), the ``MacvlanForwarded``
    of a macvlan or ipvlan parent sending its child's frame to the wire, the
    ``VxlanEncapsulated`` whose outer packet this frame carries, or the arrival of the
    frame that made a stack send this one (the ``FrameReceived``, or the ``BridgeForwarded``
    that passed it up to a bridge's own stack): a packet it forwarded (NATed or not), an
    ARP reply, an ICMP echo reply or error, a TCP or UDP answer. 0 when a stack sent it of
    its own accord (a program, a timer).
    """

    time: float
    node: str
    dev: str
    frame: EthernetFrame
    cause: int = 0


@fast_init
@dataclass(frozen=True, slots=True)
class FrameReceived:
    """``frame`` arrived on ``dev`` from its link (tcpdump on ``dev`` shows it, inbound)."""

    time: float
    node: str
    dev: str
    frame: EthernetFrame


@fast_init
@dataclass(frozen=True, slots=True)
class FrameDropped:
    """A frame (or the packet it carried) went no further; ``detail`` names the evidence."""

    time: float
    node: str
    dev: str
    frame: EthernetFrame | None
    reason: DropReason
    detail: str = ""
    packet: IPv4Packet | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class BridgeForwarded:
    """A bridge decided where a frame received on ``ingress`` goes.

    ``action`` is ``forward`` (FDB hit), ``flood`` (broadcast or unknown unicast),
    ``local`` (for the bridge's own address) or ``drop``. ``fdb_port`` is the port the
    FDB named for the destination, ``learned`` whether the source was (re)learned.
    """

    time: float
    node: str
    bridge: str
    ingress: str
    frame: EthernetFrame
    action: str
    egress: tuple[str, ...]
    fdb_port: str | None
    learned: bool


@fast_init
@dataclass(frozen=True, slots=True)
class RouteChosen:
    """The routing table gave this packet a next hop (``route`` as ``ip route`` prints it).

    ``cause``, as ``FrameSent.cause`` counts, is the arrival of the frame that brought the
    packet (``forwarded``), or that made the stack answer it (0: a program sent it).
    """

    time: float
    node: str
    flow: int
    dst: IPv4Address
    route: str
    dev: str
    gateway: IPv4Address | None
    forwarded: bool
    cause: int = 0


@fast_init
@dataclass(frozen=True, slots=True)
class NeighbourChanged:
    """A neighbour (ARP) entry changed state (``ip neigh`` states)."""

    time: float
    node: str
    dev: str
    ip: IPv4Address
    old: str
    new: str
    mac: str | None
    cause: str


@fast_init
@dataclass(frozen=True, slots=True)
class NatTranslated:
    """netfilter rewrote an address or port (``rule`` as ``iptables -S`` prints it).

    ``cause``, as ``FrameSent.cause`` counts, is the arrival of the frame whose packet it
    rewrote, or that made the stack send it (0: a program sent it).
    """

    time: float
    node: str
    flow: int
    chain: str
    rule: str
    before: str
    after: str
    reply: bool
    cause: int = 0


@fast_init
@dataclass(frozen=True, slots=True)
class FilterVerdict:
    """A filter chain accepted or dropped a packet; ``rule`` is the rule that decided."""

    time: float
    node: str
    flow: int
    chain: str
    rule: str
    verdict: str


@fast_init
@dataclass(frozen=True, slots=True)
class PacketDelivered:
    """A packet reached a local socket or the kernel's own responder (``to``)."""

    time: float
    node: str
    flow: int
    packet: IPv4Packet
    to: str


@fast_init
@dataclass(frozen=True, slots=True)
class TopologyChanged:
    """A snapshot of every namespace, device, address and link after a change.

    ``snapshot`` is a :class:`~simulator.trace.topology.Snapshot`. Its long sequences
    (the namespaces; the devices of a namespace with many) may be :class:`ChunkedTuple`
    values, which read like the flat tuples they stand for.
    """

    time: float
    snapshot: Snapshot
    cause: str


T = TypeVar("T")


class ChunkedTuple(Sequence[T], Generic[T]):
    """An immutable sequence kept as tuples of ``SIZE`` items, read like one flat tuple.

    Two snapshots a command apart differ in a few namespaces: kept in chunks, they
    share every chunk that did not change (``scenario/snapshot.py`` builds them so), so
    a record costs the chunks that changed and one pointer per chunk, not one per
    namespace. ``len``, indexing, slicing (a plain tuple), iteration, ``==`` with
    another one or with a plain tuple, ``hash`` and ``repr`` are those of the flat tuple.
    Every chunk but the last holds exactly ``SIZE`` items.

    >>> ChunkedTuple((tuple(range(64)), tuple(range(64, 100)))) == tuple(range(100))
    True
    """

    __slots__ = ("chunks", "_len")
    SIZE = 64

    def __init__(self, chunks: tuple[tuple[T, ...], ...]) -> None:
        self.chunks = chunks
        self._len = sum(map(len, chunks))

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[T]:
        return chain.from_iterable(self.chunks)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        i = index + self._len if index < 0 else index
        if not 0 <= i < self._len:
            raise IndexError("tuple index out of range")
        return self.chunks[i // self.SIZE][i % self.SIZE]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ChunkedTuple):
            return self._len == other._len and self.chunks == other.chunks
        if isinstance(other, tuple):
            return self._len == len(other) and tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (ChunkedTuple, (self.chunks,))  # chunks shared with other records stay shared in a pickle


@fast_init
@dataclass(frozen=True, slots=True)
class CommandRun:
    """A learner's command line and its exit status."""

    time: float
    node: str
    command: str
    exit_code: int
    end_time: float


@fast_init
@dataclass(frozen=True, slots=True)
class TcpStateChanged:
    """A TCP connection moved between RFC 9293 states (``ss -t`` would show the new one).

    ``local`` and ``remote`` are ``IP:PORT``; ``flow`` is the segment that caused the
    change (0 when a timer or the application did); ``cause`` says why.
    """

    time: float
    node: str
    flow: int
    local: str
    remote: str
    old: str
    new: str
    cause: str = ""


@fast_init
@dataclass(frozen=True, slots=True)
class MacvlanForwarded:
    """A macvlan (or ipvlan) port on ``parent`` decided where a frame goes.

    ``origin`` is the child that sent it, or ``parent`` for a frame that arrived
    from the wire (or that the parent's own stack sent). ``children`` got a copy;
    ``to_wire`` says whether it left through the parent's link, ``to_parent``
    whether the parent's own stack got it too. ``driver`` is ``macvlan`` or
    ``ipvlan``, ``mode`` the child's mode, ``reason`` the rule (ip-link(8)).
    """

    time: float
    node: str
    parent: str
    origin: str
    frame: EthernetFrame
    driver: str
    mode: str
    children: tuple[str, ...]
    to_wire: bool
    to_parent: bool
    reason: str


@fast_init
@dataclass(frozen=True, slots=True)
class VxlanEncapsulated:
    """A VXLAN device wrapped ``inner`` into ``outer`` for the VTEP at ``remote`` (RFC 7348).

    ``fdb`` is the forwarding entry that named the remote (as ``bridge fdb show``
    prints it); ``node`` is where the device lives, ``underlay`` the namespace
    whose stack sends the UDP datagram.
    """

    time: float
    node: str
    dev: str
    vni: int
    inner: EthernetFrame
    outer: IPv4Packet
    remote: IPv4Address
    fdb: str
    underlay: str


@fast_init
@dataclass(frozen=True, slots=True)
class VxlanDecapsulated:
    """A VTEP received ``outer`` on UDP 4789 and handed ``inner`` to the VXLAN device ``dev``.

    ``cause``, as ``FrameSent.cause`` counts, is the arrival of the underlay's frame that carried ``outer``.
    """

    time: float
    node: str
    dev: str
    vni: int
    inner: EthernetFrame
    outer: IPv4Packet
    learned: bool
    cause: int = 0


@fast_init
@dataclass(frozen=True, slots=True)
class ArpProxied:
    """A device answered an ARP request itself from its neighbour table (``proxy``: arp_reduce).

    Docker's overlay does this on ``vxlan0``: the request never crosses the
    tunnel. ``reply`` is None when the table had no entry (an l3miss).
    """

    time: float
    node: str
    dev: str
    request: EthernetFrame
    reply: EthernetFrame | None
    neighbour: str


@fast_init
@dataclass(frozen=True, slots=True)
class ControlPlaneProgrammed:
    """A control plane wrote kernel state directly (no packets): ``entries`` as ``ip``/``bridge`` print them.

    ``note`` says what is abstract about it (Docker's swarm gossip is not simulated
    packet by packet: the entries appear at once on every node).
    """

    time: float
    node: str
    namespace: str
    action: str
    entries: tuple[str, ...]
    note: str


Record = (
    FrameSent
    | FrameReceived
    | FrameDropped
    | BridgeForwarded
    | RouteChosen
    | NeighbourChanged
    | NatTranslated
    | FilterVerdict
    | PacketDelivered
    | TopologyChanged
    | CommandRun
    | TcpStateChanged
    | MacvlanForwarded
    | VxlanEncapsulated
    | VxlanDecapsulated
    | ArpProxied
    | ControlPlaneProgrammed
)

FRAME_RECORDS = (FrameSent, FrameReceived, FrameDropped, BridgeForwarded, MacvlanForwarded)
"""The records about one Ethernet frame (``frame``; a ``FrameDropped`` may have none)."""

FLOW_RECORDS = (RouteChosen, NatTranslated, FilterVerdict, PacketDelivered, TcpStateChanged)
"""The records about one packet, named by its ``flow``."""
