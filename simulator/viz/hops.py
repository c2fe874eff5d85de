"""Following frames through a trace: journeys, segments and the routing between them.

The trace says, device by device, what happened: ``FrameSent`` when a device put
a frame on its link, ``FrameReceived`` when one took it off, ``BridgeForwarded``
when a bridge (``docker0``, or the LAN switch ``lan``) decided where it goes. This
module strings those records together, the way a learner follows a packet with
a finger on the textbook figure:

* a **segment** is one move of one frame between two neighbouring devices:
  over a link (``c1/eth0 -> host/veth1a2b``), into a bridge (``host/veth1a2b ->
  host/docker0``) or out of it (``host/docker0 -> host/veth3c4d``);
* a **journey** is one Ethernet frame from the stack that sent it to the stacks
  that took it (a tree when a bridge floods it): ARP request, ARP reply, the echo
  request as far as the first router, ...;
* a **transition** is what an IP stack did between two journeys of the same
  packet (``flow``): it routed it from one interface to another, maybe with a
  new TTL and a NAT rewrite; or a VXLAN device wrapped it for the underlay
  (``vxlan0 -> eth0``, "VXLAN wrap VNI 4097 (+50 bytes)") or unwrapped it on the
  far side; ``changes`` says what, in a few words.

What the kernel decided is read, not re-derived: a record's ``cause`` names the
record that made it. A port's ``FrameSent`` points at its bridge's (or macvlan
parent's) decision, an underlay's at the VXLAN device's wrapping; what a stack sends,
and the ``RouteChosen`` and ``NatTranslated`` of a packet it forwards, point at the
arrival of the frame that brought it (a ``FrameReceived``, or the ``BridgeForwarded``
that passed it up), and so does a ``VxlanDecapsulated``. A transition is those
records grouped by the arrival they share. Only a link crossing (a frame sent on a
device is next received at its link partner) is matched, by value (frames are
immutable values) and the snapshot's veth peers, LAN cables and bridge ports.
A macvlan/ipvlan child
reaches the wire through its parent (``c1/eth0 -> host/eth0``, as the
``MacvlanForwarded`` record decides), a VLAN device through the device it is
stacked on (the frame gains its 802.1Q tag on the way down, loses it on the way up).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.packets.ethernet import EthernetFrame
from simulator.packets.ipv4 import IPv4Packet
from simulator.trace.frames import shorten as shorten  # re-exported: the views name frames alike
from simulator.trace.frames import vxlan_of as vxlan_of
from simulator.trace.records import (
    FLOW_RECORDS,
    ArpProxied,
    BridgeForwarded,
    CommandRun,
    FrameDropped,
    FrameReceived,
    FrameSent,
    MacvlanForwarded,
    NatTranslated,
    RouteChosen,
    VxlanDecapsulated,
    VxlanEncapsulated,
)
from simulator.viz.frame_kinds import addresses_in as addresses_in  # re-exported: what the views import from here
from simulator.viz.frame_kinds import bare_key, frame_key, ip_of
from simulator.viz.frame_kinds import frame_kind as frame_kind
from simulator.viz.frame_kinds import wrap_note as wrap_note
from simulator.viz.network import STACKED_KINDS, SWITCH, Network, dev_id


@dataclass(frozen=True, slots=True)
class Segment:
    """One move of a frame between two neighbouring devices (graph node names)."""

    src: str
    dst: str
    t0: float
    t1: float
    via: str  # "link", "bridge-in", "bridge-out", "loop" (lo, back to itself)
    index: int  # position of the record that completed it, in the trace


@dataclass(slots=True)
class Journey:
    """One Ethernet frame from the stack that sent it to the stacks that took it."""

    frame: EthernetFrame
    start: str
    t0: float
    index: int
    segments: list[Segment] = field(default_factory=list)
    drops: list[FrameDropped] = field(default_factory=list)
    local: list[str] = field(default_factory=list)  # bridges that passed it up to their own stack
    sent: list[int] = field(default_factory=list)  # positions of its FrameSent records in the trace

    @property
    def flow(self) -> int:
        return self.frame.flow

    @property
    def kind(self) -> str:
        return frame_kind(self.frame)

    @property
    def t1(self) -> float:
        return max([self.t0, *(s.t1 for s in self.segments)])

    @property
    def devices(self) -> list[str]:
        """Every device the frame touched, in order."""
        out = [self.start]
        for s in self.segments:
            for d in (s.src, s.dst):
                if d not in out:
                    out.append(d)
        return out

    @property
    def leaves(self) -> list[str]:
        """Where the frame ended: taken by a stack, or dropped."""
        sources = {s.src for s in self.segments if s.via != "loop"}
        ends = [s.dst for s in self.segments if s.dst not in sources]
        return list(dict.fromkeys(ends)) or [self.start]


@dataclass(slots=True)
class Transition:
    """An IP stack moved a packet from one journey to the next (routing, NAT, TTL)."""

    node: str
    flow: int
    src: str
    dst: str
    t: float
    changes: list[str]
    nat: list[NatTranslated]


@dataclass(frozen=True, slots=True)
class Arrival:
    """A frame a stack took: its journey, the stack's device (a bridge, for what it passed up) and the port it came in on."""

    journey: Journey
    device: str
    port: str
    frame: EthernetFrame


@dataclass(slots=True)
class Hops:
    """Everything :func:`follow` found in a trace."""

    journeys: list[Journey]
    transitions: list[Transition]
    drops: list[FrameDropped]  # drops of no frame (a neighbour that never answered)
    command: str | None
    t0: float


# --- following ---------------------------------------------------------------------------------


def _links(network: Network) -> dict[str, str]:
    peer: dict[str, str] = {}
    for ns in network.namespaces:
        for d in ns.devices:
            if d.peer:
                peer[dev_id(ns.node, d.name)] = dev_id(*d.peer)
    for port, node, dev in network.lan:
        if node:
            peer[dev_id(node, dev)] = dev_id(SWITCH, port)
            peer[dev_id(SWITCH, port)] = dev_id(node, dev)
    return peer


def _bridges(network: Network) -> set[str]:
    return {dev_id(ns.node, d.name) for ns in network.namespaces for d in ns.devices if d.kind == "bridge"}


def _lowers(network: Network) -> dict[str, str]:
    """A macvlan, ipvlan or VLAN device -> the device it is stacked on."""
    return {dev_id(ns.node, d.name): dev_id(*d.peer) for ns in network.namespaces for d in ns.devices
            if d.kind in STACKED_KINDS and d.peer}


def bridge_id(node: str, bridge: str) -> str:
    """The graph node of a bridge named in a ``BridgeForwarded`` (the LAN switch is ``lan``)."""
    return SWITCH if node == SWITCH else dev_id(node, bridge)


class _Follower:
    """One walk over a trace: the frames in flight, and the decisions later records point back at.

    Each record kind has its method (:meth:`sent`, :meth:`received`, ...); :func:`follow` hands
    every record of the trace, in order, to the one for its kind.
    """

    def __init__(self, network: Network) -> None:
        self.peer = _links(network)
        self.bridges = _bridges(network)
        self.lowers = _lowers(network)
        self.uppers_of = set(self.lowers.values())  # devices something is stacked on
        self.journeys: list[Journey] = []
        self.in_flight: list[tuple[Hashable, str, str | None, float, Journey]] = []  # frame, from, expected at, t0, journey
        self.arrived: dict[tuple[str, Hashable], Journey] = {}  # (device, frame) -> journey, awaiting a bridge
        self.arrived_bare: dict[tuple[str, Hashable], Journey] = {}  # the same, by the frame without its VLAN tag
        # the decisions a FrameSent's ``cause`` points back at, by their position in the trace:
        # a bridge's (the bridge, the journey, the frame), a macvlan parent's (the parent, the child's journey, the frame)
        # and a VXLAN device's (the outer packet, the device, the VNI, the inner journey)
        self.bridged: dict[int, tuple[str, Journey, Hashable]] = {}
        self.handed: dict[int, tuple[str, Journey, Hashable]] = {}
        self.wrapped: dict[int, tuple[IPv4Packet, str, int, Journey]] = {}
        self.reflected: dict[tuple[str, Hashable], Journey] = {}  # (macvlan parent, frame) a child sent to a sibling through it
        self.unwraps: dict[tuple[str, Hashable], tuple[str, int, int]] = {}  # (vxlan device, inner) -> (underlay NIC, VNI, bytes)
        # where a stack took a frame, by the position of the record a stack's records point back at (their
        # ``cause``): a FrameReceived, or a BridgeForwarded passing it up to the bridge's own stack
        self.arrivals: dict[int, Arrival] = {}
        self.extra: list[Transition] = []  # VXLAN wraps and unwraps
        self.lone_drops: list[FrameDropped] = []

    def take_in_flight(self, frame: Hashable, at: str) -> tuple[str, float, Journey] | None:
        """The journey of ``frame`` in flight to ``at`` (or to wherever), taken off the wire."""
        best = None
        for i, (f, _src, expected, _t0, _j) in enumerate(self.in_flight):
            if f == frame and expected == at:
                best = i
                break
            if best is None and f == frame and expected is None:
                best = i
        if best is None:
            return None
        _f, src, _e, t0, j = self.in_flight.pop(best)
        return src, t0, j

    def take_from(self, frame: Hashable, src: str) -> Journey | None:
        """The journey of ``frame`` in flight from ``src``, taken off the wire (a VXLAN device swallowed it)."""
        for i, (f, s, _e, _t0, j) in enumerate(self.in_flight):
            if f == frame and s == src:
                self.in_flight.pop(i)
                return j
        return None

    def new_journey(self, frame: EthernetFrame, start: str, t: float, index: int) -> Journey:
        """A frame that continues nothing seen so far: a journey of its own."""
        journey = Journey(frame, start, t, index)
        self.journeys.append(journey)
        return journey

    def sent(self, index: int, r: FrameSent) -> None:
        """A device put a frame on its link: a bridge or a macvlan parent passing it on, or a new journey."""
        key = frame_key(r.frame)
        here = dev_id(r.node, r.dev)
        decided = index - r.cause if r.cause else -1  # the decision that sent it on, if this trace holds it
        cont = self.bridged.get(decided)
        passed = self.handed.get(decided)
        if cont is not None and cont[2] == key:
            bridge, journey, _k = cont
            journey.segments.append(Segment(bridge, here, r.time, r.time, "bridge-out", index))
        elif passed is not None and passed[0] == here and passed[2] == key:
            journey = passed[1]  # a macvlan parent sends on what its child gave it
        else:
            down = None
            if here in self.uppers_of:  # a frame coming down a VLAN device onto the device it sits on
                bare = bare_key(r.frame)
                down = next((i for i, (f, _s, e, _t, _j) in enumerate(self.in_flight) if e == here and f in (key, bare)), None)
            if down is not None:
                _f, src, _e, t0, journey = self.in_flight.pop(down)
                journey.segments.append(Segment(src, here, t0, r.time, "link", index))
            else:
                journey = self.new_journey(r.frame, here, r.time, index)
                self.wrapped_by(index, r, decided, here)
                if here in self.bridges:  # the bridge's own stack sends through one of its ports
                    journey.sent.append(index)
                    self.bridged[index] = (here, journey, key)
                    return
        journey.sent.append(index)
        self.in_flight.append((key, here, self.peer.get(here), r.time, journey))

    def wrapped_by(self, index: int, r: FrameSent, decided: int, here: str) -> None:
        """A new journey on an underlay: the one a VXLAN device wrapped, if it is that (a transition between them)."""
        wrap = self.wrapped.get(decided)
        if wrap is not None and wrap[0] == r.frame.payload:  # the underlay sends what a VXLAN device wrapped (not its ARP request)
            del self.wrapped[decided]
            _o, vtep, vni, inner = wrap
            self.extra.append(Transition(r.node, inner.flow, vtep, here, r.time, [wrap_note(r.frame) or f"VXLAN wrap VNI {vni}"], []))

    def received(self, index: int, r: FrameReceived) -> None:
        """A device took a frame off its link: the end of a link crossing, or of a way up or back."""
        key = frame_key(r.frame)
        here = dev_id(r.node, r.dev)
        back = self.reflected.pop((here, key), None)
        got = self.take_in_flight(key, here) if back is None else None
        lower = self.lowers.get(here)
        up = self.arrived_bare.pop((lower, bare_key(r.frame)), None) if back is None and got is None and lower else None
        if back is not None:
            journey = back  # bridge mode: the parent turns a child's frame round to its sibling
        elif got is not None:
            src, t0, journey = got
            # a loopback frame arrives where it left: a "loop" segment
            journey.segments.append(Segment(src, here, t0, r.time, "link" if src != here else "loop", index))
        elif up is not None and lower is not None:
            journey = up  # up from the device it is stacked on (the VLAN tag taken off)
            journey.segments.append(Segment(lower, here, r.time, r.time, "link", index))
        else:
            journey = self.new_journey(r.frame, here, r.time, index)
            unwrap = self.unwraps.pop((here, key), None)
            if unwrap is not None:  # the frame a VXLAN device took out of the underlay's datagram
                nic, vni, size = unwrap
                self.extra.append(Transition(nic.split("/", 1)[0], r.frame.flow, nic, here, r.time, [f"VXLAN unwrap VNI {vni} (−{size} bytes)"], []))
        self.arrived[(here, key)] = journey
        self.arrived_bare[(here, bare_key(r.frame))] = journey
        self.arrivals[index] = Arrival(journey, here, here, r.frame)

    def macvlan(self, index: int, r: MacvlanForwarded) -> None:
        """A macvlan or ipvlan port decided: up from a child to its parent, or down from the parent to children."""
        key = frame_key(r.frame)
        parent = dev_id(r.node, r.parent)
        origin = r.origin if "/" in r.origin else parent
        found: Journey | None = None
        if origin != parent:  # a child's frame: up to its parent (out to the wire, or to siblings)
            got = self.take_in_flight(key, parent)
            if got is not None:
                src, t0, found = got
                found.segments.append(Segment(origin, parent, t0, r.time, "link", index))
            if r.to_wire and found is not None:
                self.handed[index] = (parent, found, key)
            elif r.children and found is not None:
                self.reflected[(parent, key)] = found
        else:  # from the wire (arrived at the parent) or from the parent's own stack (in flight from it)
            found = self.arrived.get((parent, key))
            if found is None:
                found = next((j for f, s, _e, _t, j in self.in_flight if f == key and s == parent), None)
        if found is None:
            found = self.new_journey(r.frame, origin, r.time, index)
        for child in r.children:
            if not any(f == key and s == parent and e == child and j is found for f, s, e, _t, j in self.in_flight):
                self.in_flight.append((key, parent, child, r.time, found))

    def encapsulated(self, index: int, r: VxlanEncapsulated) -> None:
        """A VXLAN device swallowed a frame: its journey waits for the underlay to send the outer packet."""
        here = dev_id(r.node, r.dev)
        inner_journey = self.take_from(frame_key(r.inner), here)
        if inner_journey is not None:
            self.wrapped[index] = (r.outer, here, r.vni, inner_journey)

    def decapsulated(self, index: int, r: VxlanDecapsulated) -> None:
        """A VTEP unwrapped a datagram: the inner frame's journey starts from the NIC that brought it."""
        here = dev_id(r.node, r.dev)
        came = self.arrivals.get(index - r.cause) if r.cause else None  # the underlay's frame that carried it
        if came is not None:
            self.unwraps[(here, frame_key(r.inner))] = (came.port, r.vni, came.frame.length - r.inner.length)

    def proxied(self, index: int, r: ArpProxied) -> None:
        """A device answered an ARP request itself: the request goes no further."""
        self.take_from(frame_key(r.request), dev_id(r.node, r.dev))

    def bridge(self, index: int, r: BridgeForwarded) -> None:
        """A bridge (or the LAN switch) took a frame in from a port."""
        key = frame_key(r.frame)
        ingress = dev_id(r.node, r.ingress)
        bridge = bridge_id(r.node, r.bridge)
        journey = self.arrived.pop((ingress, key), None)
        if journey is None:
            got = self.take_in_flight(key, ingress)
            if got is not None:
                src, t0, journey = got
                journey.segments.append(Segment(src, ingress, t0, r.time, "link", index))
        if journey is None:
            journey = self.new_journey(r.frame, ingress, r.time, index)
        journey.segments.append(Segment(ingress, bridge, r.time, r.time, "bridge-in", index))
        self.bridged[index] = (bridge, journey, key)
        if r.action == "local":
            journey.local.append(bridge)
            self.arrivals[index] = Arrival(journey, bridge, ingress, r.frame)

    def dropped(self, index: int, r: FrameDropped) -> None:
        """A frame (or a packet) went no further: a drop of its journey, or of no frame at all."""
        here = dev_id(r.node, r.dev)
        key = frame_key(r.frame) if r.frame is not None else None
        owner = self.arrived.get((here, key)) if key is not None else None
        if owner is None and r.frame is not None:
            owner = next((j for j in reversed(self.journeys) if j.frame == r.frame), None)
        if owner is not None:
            owner.drops.append(r)
        else:
            self.lone_drops.append(r)


_FOLLOWED: dict[type, Callable[[_Follower, int, Any], None]] = {
    FrameSent: _Follower.sent,
    FrameReceived: _Follower.received,
    MacvlanForwarded: _Follower.macvlan,
    VxlanEncapsulated: _Follower.encapsulated,
    VxlanDecapsulated: _Follower.decapsulated,
    ArpProxied: _Follower.proxied,
    BridgeForwarded: _Follower.bridge,
    FrameDropped: _Follower.dropped,
}
"""What :func:`follow` does with each kind of record."""


def follow(trace: Sequence[Any], network: Network) -> Hops:
    """String the frame records of ``trace`` into journeys and transitions."""
    walk = _Follower(network)
    command = next((r.command for r in trace if isinstance(r, CommandRun)), None)
    t_first = next((r.time for r in trace if isinstance(r, FrameSent | FrameReceived | BridgeForwarded)), None)
    for index, r in enumerate(trace):
        step = _FOLLOWED.get(type(r))
        if step is not None:
            step(walk, index, r)
    transitions = sorted(_transitions(trace, walk.journeys, walk.arrivals) + walk.extra, key=lambda t: t.t)
    return Hops(walk.journeys, transitions, walk.lone_drops, command, t_first if t_first is not None else 0.0)


def incidental(hops: Hops, column_of: Callable[[str], str] = lambda d: d) -> set[str]:
    """Devices that only ever received a flooded copy and neither answered nor passed it on.

    A third container hearing an ARP broadcast is one; ``column_of`` maps devices
    to what the caller draws (the ladder puts every LAN switch port on one line).
    """
    active: set[str] = set()
    seen: set[str] = set()
    for j in hops.journeys:
        flooded = len(j.leaves) > 1 or _broadcast(j)  # (a bridge that answers a broadcast itself is no leaf of it)
        for s in j.segments:
            seen.update((column_of(s.src), column_of(s.dst)))
        active.add(column_of(j.start))
        for s in j.segments:
            if flooded and s.via == "bridge-out":
                break  # up to the bridge that flooded it (which may have answered itself)
            active.update((column_of(s.src), column_of(s.dst)))
        if not flooded:
            active.update(column_of(x) for s in j.segments for x in (s.src, s.dst))
    for t in hops.transitions:
        active.update((column_of(t.src), column_of(t.dst)))
    # a flooded frame's path to the device that answered it is active too
    for j in hops.journeys:
        if len(j.leaves) > 1 or _broadcast(j):
            parents = {s.dst: s.src for s in j.segments if s.via != "loop"}
            for leaf in j.leaves:
                if column_of(leaf) in active:
                    node, visited = leaf, {leaf}
                    while node in parents and parents[node] not in visited:
                        node = parents[node]
                        visited.add(node)
                        active.add(column_of(node))
    return seen - active


def _broadcast(j: Journey) -> bool:
    """Whether ``j``'s frame went to every port (an ARP request's ``ff:ff:ff:ff:ff:ff``, a multicast)."""
    return j.frame.dst.is_broadcast or j.frame.dst.is_multicast


def _transitions(trace: Sequence[Any], journeys: list[Journey], arrivals: dict[int, Arrival]) -> list[Transition]:
    """Where a stack routed a packet on: the journey that brought it and the one it sent, both pointing back at its arrival.

    A forwarded ``RouteChosen``, the ``NatTranslated`` of the packet and the ``FrameSent``
    that took it on all name, as their ``cause``, the record of the frame's arrival at
    the stack: grouped by it, they are one transition.
    """
    routed: dict[int, RouteChosen] = {}
    nats: dict[int, list[NatTranslated]] = {}
    for index, r in enumerate(trace):
        if isinstance(r, RouteChosen) and r.forwarded and r.cause:
            routed[index - r.cause] = r
        elif isinstance(r, NatTranslated) and r.cause:
            nats.setdefault(index - r.cause, []).append(r)
    out: list[Transition] = []
    for after in journeys:
        sent = trace[after.index]
        at = after.index - sent.cause if isinstance(sent, FrameSent) and sent.cause else -1
        came = arrivals.get(at)
        route = routed.get(at)
        if came is None or route is None or came.journey.flow != after.flow or ip_of(after.frame) is None:
            continue  # not a packet routed on (an ARP request sent for it points back at it too)
        nat = nats.get(at, [])
        out.append(Transition(route.node, after.flow, came.device, after.start, after.t0, describe_changes(came.journey.frame, after.frame, nat), nat))
    out.sort(key=lambda t: t.t)
    return out


def describe_changes(before: EthernetFrame, after: EthernetFrame, nat: Sequence[NatTranslated] = ()) -> list[str]:
    """What a router changed in the IP header: ``TTL 64→63``, ``SNAT a→b``, ``DNAT a→b``.

    On a reply, conntrack undoes the connection's NAT (the destination of a
    MASQUERADEd ping's reply, the source of a published port's answer): those say
    ``dst a→b (reply)`` / ``src a→b (reply)``, since calling them SNAT or DNAT
    would teach the wrong rule.
    """
    a, b = ip_of(before), ip_of(after)
    if a is None or b is None:
        return []
    reply = any(n.reply for n in nat)
    out = []
    if a.ttl != b.ttl:
        out.append(f"TTL {a.ttl}→{b.ttl}")
    if a.src != b.src:
        out.append(f"src {a.src}→{b.src} (reply)" if reply else f"SNAT {a.src}→{b.src}")
    if a.dst != b.dst:
        out.append(f"dst {a.dst}→{b.dst} (reply)" if reply else f"DNAT {a.dst}→{b.dst}")
    return out


def nat_label(n: NatTranslated) -> str:
    """``SNAT 172.17.0.2→192.168.1.10`` from a ``NatTranslated`` (its ``before``/``after``)."""
    src_a, _, rest_a = n.before.partition(" > ")
    src_b, _, rest_b = n.after.partition(" > ")
    dst_a, dst_b = rest_a.split(" ")[0], rest_b.split(" ")[0]
    if src_a != src_b:
        return f"SNAT {src_a}→{src_b}"
    if dst_a != dst_b:
        return f"DNAT {dst_a}→{dst_b}"
    return n.after


# --- numbering: the frame numbers every view shows --------------------------------------------

FLAGS = re.compile(r"Flags \[([^\]]*)\]")


def signature(j: Journey) -> tuple[Any, ...]:
    """Frames that fold into one number: same devices, same direction, same packet but for
    the ICMP sequence or the TCP flags (a whole TCP conversation reads as two arrows)."""
    route = tuple((s.src, s.dst) for s in j.segments)
    text = FLAGS.sub("Flags", re.sub(r"seq \d+", "seq", shorten(j.frame)))
    return (j.start, route, j.kind, text, tuple(d.reason for d in j.drops))


def select(hops: Hops, flow: int | None, trace: Sequence[Any] = ()) -> tuple[list[Journey], list[Transition], list[FrameDropped]]:
    """The journeys of ``flow`` and the ARP exchanges that happened while it was in flight.

    The packet is in flight from the first record naming it (its route lookup, which
    is what sends the ARP request) to its last frame.
    """
    if flow is None:
        return hops.journeys, hops.transitions, hops.drops
    mine = [j for j in hops.journeys if j.flow == flow]
    if not mine:
        flows = sorted({j.flow for j in hops.journeys})
        raise ValueError(f"no frame of flow {flow} in this trace (flows: {flows})")
    named = [r.time for r in trace if isinstance(r, FLOW_RECORDS) and r.flow == flow]
    t0, t1 = min([j.t0 for j in mine] + named), max(j.t1 for j in mine)
    arp = [j for j in hops.journeys if j.kind == "arp" and t0 <= j.t0 <= t1 and j not in mine]
    chosen = [j for j in hops.journeys if j in mine or j in arp]
    drops = [d for d in hops.drops if d.packet is not None and d.packet.flow == flow]
    return chosen, [t for t in hops.transitions if t.flow == flow], drops


def number_frames(journeys: Sequence[Journey]) -> list[list[Journey]]:
    """The journeys folded into numbered frames: entry ``n - 1`` holds the journeys of frame ``n``.

    Frames are numbered in the order they were first sent; a repeat (the second
    echo request of ``ping -c 2``, crossing the same devices) shares the number of
    the first (:func:`signature`). ``path`` draws these numbers in circles, ``ladder``
    beside its arrows, ``headers_rows`` in each row's ``frame`` and the player steps through
    them, so a number means the same frame in every view.
    """
    numbered: dict[tuple[Any, ...], list[Journey]] = {}
    for j in journeys:
        numbered.setdefault(signature(j), []).append(j)
    return list(numbered.values())


def frame_numbers(hops: Hops, flow: int | None = None, trace: Sequence[Any] = ()) -> dict[int, int]:
    """The number of the frame each ``FrameSent`` of the trace sent, by the record's position in it.

    The numbers are :func:`number_frames` of the journeys :func:`select` picks for
    ``flow`` (all of them by default): the ones ``path`` draws for the same trace.
    A ``flow`` with no frame gives no numbers.
    """
    try:
        journeys, _t, _d = select(hops, flow, trace)
    except ValueError:
        return {}
    return {index: n for n, group in enumerate(number_frames(journeys), start=1) for j in group for index in j.sent}
