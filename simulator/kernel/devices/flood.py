"""A bridge flooding a broadcast ARP frame to its veth ports, as one step.

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
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

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
                peer.rx_packets += 1
                peer.rx_bytes += length
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
        port.tx_packets += 1
        port.tx_bytes += length
        if tracer.enabled:
            sending.append((port.node, port.name))
        if arrival is None:
            arrival = FloodArrival()
            peers = arrival.peers
            env.hop(latency.VETH_S, arrival, frame)
        peers.append(port.peer)
    if sending:
        tracer.records.sent_flood(now, frame, tracer.cause, sending)
