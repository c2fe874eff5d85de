"""macvlan: several Ethernet interfaces, each with its own MAC, on one parent NIC.

``ip link add mac0 link eth0 type macvlan mode bridge`` creates a *child* of
``eth0`` (the parent, or lower device) with a MAC address of its own. The parent
gets a macvlan *port* as its rx_handler and lists every child's MAC in its
unicast filter, so the NIC accepts frames for all of them; on the LAN each child
looks like a separate machine. Docker's macvlan driver gives every container one
such child (renamed ``eth0`` inside the container).

Sending (``macvlan_queue_xmit``, drivers/net/macvlan.c), by the sender's mode
(ip-link(8) "MACVLAN and MACVTAP Type Support"):

* ``bridge``: a broadcast or multicast frame is copied to every other
  bridge-mode child and also sent out through the parent; a unicast frame for
  another bridge-mode child goes to it directly, through the parent's receive
  path (``dev_forward_skb(lowerdev)``: tcpdump on the parent sees it arrive), never
  to the wire; anything else goes out through the parent.
* ``vepa`` (Virtual Ethernet Port Aggregator), ``private`` and ``passthru``:
  everything goes out through the parent. Two VEPA children can talk only if the
  switch sends frames back out of the port they came in on (802.1Qbg reflective
  relay, "hairpin"); ``private`` children cannot even then, because broadcasts
  from a private child never reach a sibling, so ARP between them fails.

Receiving on the parent (``macvlan_handle_frame``):

* broadcast or multicast: if it came from a private or passthru child (reflected
  by a hairpin switch) it goes back to that child only. Otherwise it is queued for
  the children (``macvlan_process_broadcast``): from outside, to every child; from a
  VEPA child, to the other VEPA and bridge children; from a bridge child, to the
  VEPA children only (bridge children already had their copy). The parent's own
  stack gets it too.
* unicast for a child's MAC (any child in passthru mode): delivered to that child
  only (dropped if the child is down). Anything else is the parent's own.

Hence the rule Docker's documentation warns about: the parent and its children
cannot talk. What the parent's own stack sends goes straight to the wire (no
child ever sees it), and what a child sends to the parent's MAC goes out to the
wire too (the switch will not send it back out of the same port). The usual fix
is one more bridge-mode child *on the host* (a "shim", e.g. ``mac0``) with a
/32 address and a route to the containers through it.

The decisions are pure functions of the children and the frame
(:func:`decide_transmit`, :func:`decide_receive`); the :class:`MacvlanPort` delivers
them. Simplified: no ``source`` mode, no multicast filters (every child accepts
every multicast group), no MAC address conflict checks when a child comes up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from simulator.kernel.devices.device import Device
from simulator.kernel.devices.upper import LinkError, release, uppers_of
from simulator.packets.arp import ArpPacket
from simulator.sim import latency
from simulator.trace.records import MacvlanForwarded

if TYPE_CHECKING:
    from simulator.packets.addresses import MacAddress
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation


class MacvlanMode(Enum):
    """``ip link add ... type macvlan mode MODE`` (ip-link(8))."""

    PRIVATE = "private"
    VEPA = "vepa"
    BRIDGE = "bridge"
    PASSTHRU = "passthru"


@dataclass(frozen=True, slots=True)
class Child:
    """What the decision needs to know about one child."""

    name: str  # node/name
    mac: MacAddress
    mode: MacvlanMode
    up: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where one frame goes: copies to ``children``, the wire, the parent's own stack.

    ``via_parent``: the copy for a child travels through the parent's receive path
    (``dev_forward_skb(lowerdev)``), so it is decided again there.
    """

    children: tuple[str, ...] = ()
    to_wire: bool = False
    to_parent: bool = False
    via_parent: bool = False
    consumed: bool = False
    reason: str = ""


# macvlan_process_broadcast: which children a queued broadcast reaches, by where it came from.
BROADCAST_TARGETS: dict[MacvlanMode | None, frozenset[MacvlanMode]] = {
    None: frozenset(MacvlanMode),  # from outside: every child
    MacvlanMode.VEPA: frozenset({MacvlanMode.VEPA, MacvlanMode.BRIDGE}),
    MacvlanMode.BRIDGE: frozenset({MacvlanMode.VEPA}),  # bridge children saw it on the way out
}


def decide_transmit(children: tuple[Child, ...], sender: Child, frame: EthernetFrame, parent_mac: MacAddress) -> Verdict:
    """``macvlan_queue_xmit``: what happens to a frame ``sender`` sends (pure)."""
    if sender.mode is MacvlanMode.BRIDGE:
        if frame.dst.is_multicast:
            others = tuple(c.name for c in children if c is not sender and c.mode is MacvlanMode.BRIDGE and c.up)
            return Verdict(others, to_wire=True,
                           reason="bridge mode: a broadcast goes to the other bridge-mode children and out through the parent, never to the parent's own stack")
        for c in children:
            if c.mac == frame.dst and c is not sender and c.mode is MacvlanMode.BRIDGE:
                return Verdict((c.name,), via_parent=True,
                               reason=f"bridge mode: {frame.dst} is the sibling {c.name}: delivered inside the host, not on the wire")
        if frame.dst == parent_mac:
            return Verdict(to_wire=True,
                           reason=("the destination is the parent's own MAC: macvlan sends it to the wire, "
                                   "and the switch will not send it back out of the same port"))
        return Verdict(to_wire=True, reason="bridge mode: not a sibling's MAC: out through the parent")
    why = {
        MacvlanMode.VEPA: "vepa mode: everything goes to the external switch (it must hairpin for siblings to talk)",
        MacvlanMode.PRIVATE: "private mode: everything goes to the wire; siblings never get its broadcasts",
        MacvlanMode.PASSTHRU: "passthru mode: the only child owns the NIC; everything goes to the wire",
    }[sender.mode]
    return Verdict(to_wire=True, reason=why)


def decide_receive(children: tuple[Child, ...], frame: EthernetFrame, passthru: bool) -> Verdict:
    """``macvlan_handle_frame``: a frame arrived on the parent (pure)."""
    if frame.dst.is_multicast:
        src = next((c for c in children if c.mac == frame.src), None)
        if src is not None and src.mode not in (MacvlanMode.VEPA, MacvlanMode.BRIDGE):
            return Verdict((src.name,) if src.up else (), consumed=True,
                           reason=f"a broadcast from the {src.mode.value} child {src.name} came back: it goes to that child only")
        allowed = BROADCAST_TARGETS[src.mode if src is not None else None]
        targets = tuple(c.name for c in children if c is not src and c.mode in allowed and c.up)
        if src is None:
            why = "a broadcast from the wire: every child gets a copy, and so does the parent"
        elif src.mode is MacvlanMode.VEPA:
            why = f"a broadcast from the vepa child {src.name}, reflected by the switch: the other vepa and bridge children get it"
        else:
            why = f"a broadcast from the bridge child {src.name}, reflected by the switch: only vepa children get it"
        return Verdict(targets, to_parent=True, reason=why)
    if passthru:
        dest = children[0] if children else None
    else:
        dest = next((c for c in children if c.mac == frame.dst), None)
    if dest is None:
        return Verdict(to_parent=True, reason="not a child's MAC: the parent's own")
    if not dest.up:
        return Verdict(consumed=True, reason=f"for {dest.name}, which is down: dropped")
    return Verdict((dest.name,), consumed=True, reason=f"{frame.dst} is the child {dest.name}: delivered to it only")


class MacvlanPort:
    """The parent's rx_handler: its children, and delivery of the decisions."""

    kind = "macvlan"

    def __init__(self, sim: Simulation, lower: Device) -> None:
        self.sim = sim
        self.lower = lower
        self.children: list[Macvlan] = []

    @property
    def passthru(self) -> bool:
        """Whether a child is in passthru mode (then it alone owns the parent)."""
        return any(c.mode is MacvlanMode.PASSTHRU for c in self.children)

    def views(self) -> tuple[Child, ...]:
        """The children as the pure decisions see them: name, MAC, mode, whether up."""
        return tuple(Child(c.label, c.mac, c.mode, c.up) for c in self.children)

    def _by_name(self, name: str) -> Macvlan:
        return next(c for c in self.children if c.label == name)

    def _record(self, origin: str, frame: EthernetFrame, mode: str, verdict: Verdict) -> None:
        tracer = self.sim.tracer
        if tracer.enabled:
            tracer.record(
                MacvlanForwarded(self.sim.now, self.lower.node, self.lower.name, origin, frame, "macvlan", mode,
                                 verdict.children, verdict.to_wire, verdict.to_parent, verdict.reason)
            )

    def child_transmit(self, child: Macvlan, frame: EthernetFrame) -> None:
        """A child sends: decide, then deliver (the wire at once, siblings after netif_rx)."""
        views = self.views()
        sender = next(v for v in views if v.name == child.label)
        verdict = decide_transmit(views, sender, frame, self.lower.mac)
        tracer = self.sim.tracer
        decided_at = tracer.mark()  # the parent's frame points back at this decision (``FrameSent.cause``)
        self._record(child.label, frame, child.mode.value, verdict)
        if verdict.via_parent:
            lower = self.lower
            self.sim.call_later(latency.VETH_S, lambda: lower.receive(frame))  # dev_forward_skb(lowerdev)
        else:
            for name in verdict.children:
                target = self._by_name(name)
                self.sim.call_later(latency.VETH_S, lambda t=target: t.receive(frame))  # type: ignore[misc]
        if verdict.to_wire:
            outer, tracer.cause = tracer.cause, decided_at
            self.lower.transmit(frame)
            tracer.cause = outer

    def handle_frame(self, lower: Device, frame: EthernetFrame) -> bool:
        """rx_handler: True when the frame was for a child only (RX_HANDLER_CONSUMED)."""
        if not self.children:
            return False
        verdict = decide_receive(self.views(), frame, self.passthru)
        if verdict.children or verdict.consumed:
            mode = self.children[0].mode.value if self.passthru else "-"
            self._record(lower.name, frame, mode, verdict)
        if frame.dst.is_multicast and not verdict.consumed:
            for name in verdict.children:  # macvlan_broadcast_enqueue: a work queue delivers later
                target = self._by_name(name)
                self.sim.call_later(latency.VETH_S, lambda t=target: t.receive(frame))  # type: ignore[misc]
        else:
            for name in verdict.children:
                self._by_name(name).receive(frame)
        return verdict.consumed

    def own_transmit(self, lower: Device, frame: EthernetFrame) -> None:
        """The parent's own stack sends: say so when a child was the one it wanted."""
        if frame.vlan is not None or frame.src != lower.mac or self.passthru:
            return
        target = None
        if frame.dst.is_multicast:
            arp = frame.payload
            if isinstance(arp, ArpPacket):
                target = next((c for c in self.children if c.namespace is not None and c.namespace.ipv4.is_local(arp.target_ip)
                               and c.namespace.ipv4.addresses_of(c.name)), None)
        else:
            target = next((c for c in self.children if c.mac == frame.dst), None)
        if target is None:
            return
        verdict = Verdict(to_wire=True, reason=(
            f"{lower.name} is the macvlan parent of {target.name} ({target.node}): the kernel never hands the parent's own frames to its "
            "children, they go straight to the wire, and the switch does not send them back (use a macvlan shim on the host)"))
        self._record(lower.name, frame, "-", verdict)


class Macvlan(Device):
    """A macvlan child (``ip link add NAME link PARENT type macvlan mode MODE``)."""

    kind = "macvlan"

    def __init__(self, sim: Simulation, name: str, mac: MacAddress, lower: Device, mode: MacvlanMode, port: MacvlanPort) -> None:
        super().__init__(sim, name, mac, lower.mtu)
        self.lower = lower
        self.mode = mode
        self.port = port

    @property
    def label(self) -> str:
        """``node/name``: children of one parent live in different namespaces, often all named eth0."""
        return f"{self.node}/{self.name}"

    @property
    def carrier(self) -> bool:
        """A child has carrier while its parent is up with carrier (netif_stacked_transfer_operstate)."""
        return self.lower.up and self.lower.carrier

    def link_peer(self) -> Device:
        return self.lower


    def xmit(self, frame: EthernetFrame) -> None:
        """Send through the port, which decides between a sibling and the parent."""
        self.port.child_transmit(self, frame)


def create(sim: Simulation, name: str, lower: Device, mode: MacvlanMode, mac: MacAddress) -> Macvlan:
    """``macvlan_common_newlink``: a new child of ``lower`` (not yet in a namespace).

    Raises :class:`LinkError` with rtnetlink's answer when Linux refuses.
    """
    if isinstance(lower, Macvlan):
        lower = lower.lower  # a macvlan of a macvlan hangs off the same parent
    if lower.kind == "loopback":
        raise LinkError("RTNETLINK answers: Invalid argument")  # not ARPHRD_ETHER
    uppers = uppers_of(lower)
    handler = uppers.handler
    if handler is not None and not isinstance(handler, MacvlanPort):
        release(lower)
        raise LinkError("RTNETLINK answers: Device or resource busy")  # one rx_handler per device
    if lower.master is not None:
        release(lower)
        raise LinkError("RTNETLINK answers: Device or resource busy")  # a bridge port's rx_handler is the bridge's
    port = handler if isinstance(handler, MacvlanPort) else MacvlanPort(sim, lower)
    if port.passthru or (mode is MacvlanMode.PASSTHRU and port.children):
        release(lower)
        raise LinkError("RTNETLINK answers: Invalid argument")  # passthru: the only child
    if mode is MacvlanMode.PASSTHRU:
        mac = lower.mac  # eth_hw_addr_inherit: the child takes over the NIC's address
    child = Macvlan(sim, name, mac, lower, mode, port)
    port.children.append(child)
    uppers.handler = port
    return child


def destroy(child: Macvlan) -> None:
    """``ip link del``: forget the child; the port goes with the last one."""
    port = child.port
    if child in port.children:
        port.children.remove(child)
    lower = port.lower
    if not port.children and lower.upper is not None and lower.upper.handler is port:
        lower.upper.handler = None
        release(lower)
