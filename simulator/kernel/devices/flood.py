"""A bridge flooding a broadcast ARP frame to its veth ports: all at once, or as one step.

A new container on Docker >= 28 sends three gratuitous ARPs (``arping -U``, the
``advertise_addr_nmsgs`` of its network), and the bridge floods each to every port:
on a bridge with N containers that is N frame-hops per ARP, N**2 for a lab built one
container at a time. Almost every receiver ignores them: ``arp_process`` with
``arp_accept = 0`` only updates a neighbour entry the receiver already has for the
sender, and creates none.

Nothing a learner can observe changes when such a flood takes a cheaper path, so it
does: each port still transmits (its TX counters and ``FrameSent`` record at the
same instant as before), but instead of one heap entry per crossing, the frames of
consecutive veth ports share one hop (:class:`FloodArrival`), which takes the event
id the first crossing would have taken. When it arrives, each peer in port order
either counts the frame and records its ``FrameReceived`` (when its stack provably
ignores it: :func:`arp_ignored`), or receives it as any frame (``Veth.arrive``: the
neighbour update, the ARP reply, the drop of a deleted pair). The records, their
order, the counters (``ip -s link``) and the captures (``tcpdump``, pcap) are those
of the per-port path: a capture on any veth still shows the gratuitous ARP. The
tracer keeps the records of consecutive ports as one flood entry
(:meth:`~simulator.trace.store.RecordStore.sent_flood`,
:meth:`~simulator.trace.store.RecordStore.received_flood`), read back as the same
per-port records, so the trace of a lab built to N containers grows with N, not N**2.

Why the order is unchanged: crossings scheduled back to back for the same instant
run in id order, and nothing can come between two of them except an URGENT event
(a process starting or interrupted) made by one of the receivers; ``arp_process``
makes none (a neighbour update schedules timers and frames, at later ids or later
times), so only ARP frames take this path.

**All at once** (:class:`FloodBook`, :func:`send_aggregate`, :class:`AggregateArrival`):
when every port but the ingress is a plain veth member (see :class:`FloodBook`) and
the frame is not a request for someone's address, even the walk over the ports goes.
The ports' TX and their peers' RX counters take the flood from a per-bridge tally
(``Device.rx_packets`` and the rest add a device's share of it when read); the
records name their ports by the bridge's membership at that instant, read back when
needed; and only the peers the lab's neighbour index names (a neighbour entry for
the sender on that device) receive the frame the usual way, in port order. The
records, counters and captures are again those of the per-port path
(``tests/kernel/test_flood.py`` compares the three ways).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, overload

from simulator.kernel.devices.device import Share, Tally
from simulator.kernel.devices.veth import Veth
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.sim import latency

if TYPE_CHECKING:
    from simulator.kernel.devices.device import Device
    from simulator.packets.ethernet import EthernetFrame

UNSPECIFIED = IPv4Address(0)


def floodable(frame: EthernetFrame) -> bool:
    """A frame whose flood may take this path: a broadcast (or multicast) ARP frame, untagged."""
    return type(frame.payload) is ArpPacket and frame.vlan is None and bool(frame.dst[0] & 0x01)


def arp_ignored(dev: Veth, arp: ArpPacket, for_owner: bool) -> bool:
    """``dev``'s namespace would receive this broadcast ARP and change nothing.

    ``arp_process`` (net/ipv4/arp.c, arp_ignore = 0, arp_accept = 0) acts on a
    request for one of its own addresses (it learns the sender and replies) and on
    any ARP from a sender it already has a neighbour entry for (it updates it); a
    broadcast reply is not for this device's MAC. Anything else it drops silently.
    ``for_owner``: the frame is a request that is not gratuitous (its target's owner
    answers it). The device must take the frame the plain way: up, in a namespace
    (not deleted while the frame crossed), no master, nothing stacked on it.
    """
    ns = dev.namespace
    if ns is None or not dev.up or dev.master is not None or dev.upper is not None:
        return False
    if arp.sender_ip == UNSPECIFIED:
        return True
    stack = ns.ipv4
    if for_owner and stack.is_local(arp.target_ip):
        return False
    entries = stack.neighbours.entries
    return not entries or (dev.name, arp.sender_ip) not in entries


class FloodArrival:
    """The crossings of one flooded frame to consecutive veth ports, as one hop."""

    __slots__ = ("peers",)

    def __init__(self) -> None:
        self.peers: list[Veth] = []

    def arrive(self, frame: EthernetFrame) -> None:
        """Each peer in turn, as its own crossing would have arrived (see the module's docstring).

        :func:`arp_ignored`, written out for the common case: a peer with no neighbour
        entries at all (a container that has talked to no one) ignores any broadcast ARP
        that is not a request for its own address.
        """
        arp = frame.payload
        assert isinstance(arp, ArpPacket)
        peers = self.peers
        if not peers:
            return
        sim = peers[0].sim
        now = sim.env.now
        tracer = sim.tracer
        store = tracer.records if tracer.enabled else None
        length = frame.length
        for_owner = arp.op is ArpOp.REQUEST and arp.sender_ip != arp.target_ip
        ignoring: list[tuple[str, str]] = []  # the receivers so far that ignore it, recorded as one flood
        for peer in peers:  # each asked when its turn comes: the one before may have changed things
            ns = peer.namespace
            if (ns is not None and peer.up and peer.master is None and peer.upper is None and not for_owner
                    and not ns.ipv4.neighbours.entries) or arp_ignored(peer, arp, for_owner):
                peer._rx_packets += 1
                peer._rx_bytes += length
                ignoring.append((peer.node, peer.name))
            else:
                if ignoring and store is not None:
                    store.received_flood(now, frame, ignoring)
                ignoring = []
                peer.arrive(frame)
        if ignoring and store is not None:
            store.received_flood(now, frame, ignoring)


def flood(frame: EthernetFrame, ports: list[Device]) -> None:
    """Transmit ``frame`` out of each of ``ports`` in order (``br_flood``), veth crossings shared."""
    if not ports:
        return
    sim = ports[0].sim
    env = sim.env
    tracer = sim.tracer
    now = env.now
    length = frame.length
    arrival: FloodArrival | None = None
    peers: list[Veth] = []
    sending: list[tuple[str, str]] = []  # the veth ports so far, their FrameSent recorded as one flood
    for port in ports:
        if type(port) is not Veth or port.upper is not None or not (port.up and port.peer.up):
            if type(port) is not Veth or port.upper is not None:
                arrival = None  # a crossing of another kind takes its own id in between
            if sending:
                tracer.records.sent_flood(now, frame, tracer.cause, sending)
                sending = []
            port.transmit(frame)  # its own way; a veth pair down drops and counts it there, at once: nothing crosses
            continue
        port._tx_packets += 1
        port._tx_bytes += length
        if tracer.enabled:
            sending.append((port.node, port.name))
        if arrival is None:
            arrival = FloodArrival()
            peers = arrival.peers
            env.hop(latency.VETH_S, arrival, frame)
        peers.append(port.peer)
    if sending:
        tracer.records.sent_flood(now, frame, tracer.cause, sending)


# --- a flood delivered in aggregate -------------------------------------------------------------

Entry = tuple[str, tuple[str, str], tuple[str, str]]  # a port's key in the bridge, (node, name), its peer's (node, name)


class FloodBook:
    """What a bridge needs to deliver a broadcast ARP to all its ports in a time independent of their number.

    The ports that would take the shared crossing as plain veths (up, their peer up in
    a namespace, nothing stacked, the peer no bridge port: *members*) are listed by the
    order they joined (a *seq*); every change to the list is appended to ``log`` (a
    port's entry, or None when it stops being a member), so the list at any instant is
    the log replayed to that instant's length: a flood's ``BridgeForwarded`` and its
    frame records name their ports by that position (:class:`FloodPorts`) instead of
    a tuple of every port's name. A member's counters take the floods from two
    :class:`Tally` (sent, received), less the ones it took no part in. Changes to the
    devices are noted (:func:`note_change`) and taken in before each flood.
    """

    __slots__ = ("bridge", "next_seq", "seq_of", "keys", "entries", "members", "order", "irregular", "dirty",
                 "log", "tx", "rx", "by_neighbour", "neighbour_keys", "inflight", "_cache")

    def __init__(self, bridge: Device) -> None:
        self.bridge = bridge
        self.next_seq = 0
        self.seq_of: dict[Device, int] = {}  # every port -> its seq
        self.keys: dict[int, str] = {}  # seq -> the port's name in the bridge's ports
        self.entries: dict[int, Entry] = {}  # seq -> entry, members only
        self.members: dict[int, Veth] = {}
        self.order: list[int] = []  # the members' seqs, sorted
        self.irregular: set[int] = set()  # the ports that are not members
        self.dirty: set[Device] = set()  # ports whose devices changed since the last flood
        self.log: list[tuple[int, Entry | None]] = []
        self.tx = Tally()
        self.rx = Tally()
        self.by_neighbour: dict[tuple[int, str], Veth] = {}  # (id of the peer's neighbour table, peer's name) -> port
        self.neighbour_keys: dict[int, tuple[int, str]] = {}  # seq -> its key in by_neighbour
        self.inflight: list[AggregateArrival] = []  # floods on their way to the peers, as of the current log
        self._cache: dict[tuple[int, int], list[Entry]] = {}

    def join(self, port: Device, key: str) -> None:
        """``port`` became a port of the bridge, as ``key``."""
        if port in self.seq_of:
            self._leave(port)
        seq = self.seq_of[port] = self.next_seq
        self.next_seq += 1
        self.keys[seq] = key
        self.irregular.add(seq)
        self.dirty.add(port)

    def prepare(self) -> None:
        """Take in the changes noted since the last flood (each port checked again, in the order they joined)."""
        dirty = self.dirty
        if not dirty:
            return
        seq_of = self.seq_of
        for port in sorted(dirty, key=lambda p: seq_of.get(p, -1)):
            if port in seq_of:
                self._recheck(port)
        dirty.clear()

    def _recheck(self, port: Device) -> None:
        seq = self.seq_of[port]
        bridge = self.bridge
        if port.master is not bridge:
            self._leave(port)
            return
        entry: Entry | None = None
        if type(port) is Veth and port.upper is None and port.up and port.namespace is not None:
            peer = port.peer
            if peer is not port and peer.up and peer.namespace is not None and peer.master is None and peer.upper is None:
                entry = (self.keys[seq], (port.node, port.name), (peer.node, peer.name))
        if entry is not None and self.entries.get(seq) == entry:
            return
        self._drop(seq, port)
        if entry is None:
            self.irregular.add(seq)
            return
        assert isinstance(port, Veth)
        self._pin()
        self.irregular.discard(seq)
        self.entries[seq] = entry
        self.members[seq] = port
        insort(self.order, seq)
        port._tx_share = Share(self.tx)
        peer = port.peer
        peer._rx_share = Share(self.rx)
        assert peer.namespace is not None
        key = self.neighbour_keys[seq] = (id(peer.namespace.ipv4.neighbours), peer.name)
        self.by_neighbour[key] = port
        self.log.append((seq, entry))

    def _leave(self, port: Device) -> None:
        seq = self.seq_of.pop(port)
        self._drop(seq, port)
        self.irregular.discard(seq)
        del self.keys[seq]

    def _drop(self, seq: int, port: Device) -> None:
        """``port`` is no longer a member: its counters keep what the floods gave them."""
        if seq not in self.members:
            return
        self._pin()
        del self.members[seq]
        del self.entries[seq]
        self.order.remove(seq)
        del self.by_neighbour[self.neighbour_keys.pop(seq)]
        _settle(port, tx=True)
        assert isinstance(port, Veth)
        _settle(port.peer, tx=False)
        self.log.append((seq, None))

    def _pin(self) -> None:
        """The members are about to change: floods still on their way keep their peers as they were."""
        for arrival in self.inflight:
            arrival.pin()
        self.inflight.clear()

    def ready(self, skip: int) -> bool:
        """Every port but ``skip`` (the ingress's seq, or -1) is a member."""
        self.prepare()
        irregular = self.irregular
        return not irregular or (len(irregular) == 1 and skip in irregular)

    def at(self, position: int, skip: int) -> list[Entry]:
        """The members' entries when the log was ``position`` long, in order, without ``skip``'s."""
        key = (position, skip)
        found = self._cache.get(key)
        if found is None:
            current: dict[int, Entry] = {}
            for seq, entry in self.log[:position]:
                if entry is None:
                    current.pop(seq, None)
                else:
                    current[seq] = entry
            found = [current[seq] for seq in sorted(current) if seq != skip]
            if len(self._cache) >= 8:
                self._cache.clear()
            self._cache[key] = found
        return found


def _settle(dev: Device, tx: bool) -> None:
    """Fold what ``dev``'s share of a tally gave it into its own counters, and leave the tally."""
    if tx:
        share = dev._tx_share
        if share is not None:
            dev._tx_packets += share.tally.packets - share.packets
            dev._tx_bytes += share.tally.bytes - share.bytes
            dev._tx_share = None
    else:
        share = dev._rx_share
        if share is not None:
            dev._rx_packets += share.tally.packets - share.packets
            dev._rx_bytes += share.tally.bytes - share.bytes
            dev._rx_share = None


def note_change(device: Device) -> None:
    """``device`` changed (up, down, moved, renamed, stacked on): the bridge it or its veth peer is a port of looks again."""
    for dev in (device, device.peer) if type(device) is Veth else (device,):
        master = dev.master
        if master is not None:
            master.book.dirty.add(dev)


class FloodPorts(Sequence[str]):
    """The egress ports of a flood delivered in aggregate: a bridge's members at one instant but one, read when needed.

    Its items are the ports' names (``BridgeForwarded.egress``); :meth:`sent` and
    :meth:`received` are the ``(node, device)`` of the ports' and their peers' frame
    records.
    """

    __slots__ = ("book", "position", "skip", "size")

    def __init__(self, book: FloodBook, position: int, skip: int, size: int) -> None:
        self.book = book
        self.position = position
        self.skip = skip
        self.size = size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        names = [entry[0] for entry in self.book.at(self.position, self.skip)]
        return names[index]

    def sent(self) -> _Column:
        """Where the ports' ``FrameSent`` records are: ``(node, port)``, in order."""
        return _Column(self, 1)

    def received(self) -> _Column:
        """Where the peers' ``FrameReceived`` records are: ``(node, peer)``, in order."""
        return _Column(self, 2)


class _Column(Sequence[tuple[str, str]]):
    """One column of a :class:`FloodPorts`' entries: where its ports' (1) or their peers' (2) records are."""

    __slots__ = ("ports", "column")

    def __init__(self, ports: FloodPorts, column: int) -> None:
        self.ports = ports
        self.column = column

    def __len__(self) -> int:
        return self.ports.size

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, str]]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        ports = self.ports
        entries = ports.book.at(ports.position, ports.skip)
        column = self.column
        if isinstance(index, slice):
            return [entry[column] for entry in entries[index]]  # type: ignore[misc]
        return entries[index][column]  # type: ignore[return-value]


def aggregable(frame: EthernetFrame) -> bool:
    """A broadcast ARP only the peers with a neighbour entry for its sender act on: not a request for another's address."""
    arp = frame.payload
    return type(arp) is ArpPacket and (arp.op is not ArpOp.REQUEST or arp.sender_ip == arp.target_ip)


def aggregate_ports(book: FloodBook, ingress: Device) -> FloodPorts | None:
    """The egress of a broadcast ARP entering from ``ingress``, if the bridge can deliver it in aggregate."""
    skip = book.seq_of.get(ingress, -1)
    if not book.ready(skip):
        return None
    size = len(book.order) - (skip in book.members)
    if size < 2:
        return None
    return FloodPorts(book, len(book.log), skip, size)


def send_aggregate(frame: EthernetFrame, ports: FloodPorts) -> bool:
    """Transmit ``frame`` out of every port of ``ports``, all at once (False: the members changed since; flood port by port)."""
    book = ports.book
    if not book.ready(ports.skip) or len(book.log) != ports.position:
        return False
    length = frame.length
    tx = book.tx
    tx.packets += 1
    tx.bytes += length
    ingress = book.members.get(ports.skip)
    if ingress is not None:
        share = ingress._tx_share
        assert share is not None
        share.skip(length)
    sim = book.bridge.sim
    tracer = sim.tracer
    if tracer.enabled:
        tracer.records.sent_span(sim.env.now, frame, tracer.cause, ports.sent(), 0, ports.size)
    arrival = AggregateArrival(ports)
    book.inflight.append(arrival)
    sim.env.hop(latency.VETH_S, arrival, frame)
    return True


class AggregateArrival:
    """A flood sent in aggregate reaching every peer: those that would act on it get it one by one, the rest at once."""

    __slots__ = ("ports", "peers")

    def __init__(self, ports: FloodPorts) -> None:
        self.ports = ports
        self.peers: list[Veth] | None = None  # pinned: the members changed while the frame crossed

    def pin(self) -> None:
        """Keep the peers as they are now (the members are about to change)."""
        book = self.ports.book
        skip = self.ports.skip
        self.peers = [book.members[seq].peer for seq in book.order if seq != skip]

    def arrive(self, frame: EthernetFrame) -> None:
        """Each peer, as its own crossing would have arrived (see the module's docstring)."""
        ports = self.ports
        book = ports.book
        book.prepare()  # a change to the members pins the peers first
        if self.peers is None:
            book.inflight.remove(self)
        else:
            shared = FloodArrival()
            shared.peers = self.peers
            shared.arrive(frame)
            return
        arp = frame.payload
        assert isinstance(arp, ArpPacket)
        length = frame.length
        rx = book.rx
        rx.packets += 1
        rx.bytes += length
        members = book.members
        ingress = members.get(ports.skip)
        if ingress is not None:
            share = ingress.peer._rx_share
            assert share is not None
            share.skip(length)
        acting: list[int] = []
        if arp.sender_ip != UNSPECIFIED:
            sim = book.bridge.sim
            by_neighbour = book.by_neighbour
            for key in sim.neighbour_owners.get(arp.sender_ip, ()):
                port = by_neighbour.get(key)
                if port is not None:
                    seq = book.seq_of[port]
                    if seq != ports.skip:
                        acting.append(seq)
        self._deliver(frame, sorted(acting))

    def _deliver(self, frame: EthernetFrame, acting: list[int]) -> None:
        """The records of the peers that ignore the frame, in runs between those that take it the usual way."""
        ports = self.ports
        book = ports.book
        sim = book.bridge.sim
        tracer = sim.tracer
        store = tracer.records if tracer.enabled else None
        now = sim.env.now
        received = ports.received()
        order = book.order
        skip_at = bisect_left(order, ports.skip) if ports.skip in book.members else ports.size + 1
        start = 0
        for seq in acting:
            index = bisect_left(order, seq)
            if index > skip_at:
                index -= 1
            if store is not None:
                store.received_span(now, frame, received, start, index)
            peer = book.members[seq].peer
            share = peer._rx_share
            assert share is not None
            share.skip(frame.length)
            peer.arrive(frame)
            start = index + 1
        if store is not None:
            store.received_span(now, frame, received, start, ports.size)
