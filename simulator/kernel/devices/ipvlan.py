"""ipvlan (L2 mode): several interfaces on one NIC that all share the NIC's MAC.

``ip link add ipv0 link eth0 type ipvlan mode l2 [bridge|private|vepa]`` (ip-link(8)
"IPVLAN Type Support"). Where macvlan gives every child a MAC of its own, ipvlan
children use the parent's MAC: the LAN sees one MAC with many IP addresses (no
promiscuous mode, no port security trouble), and the port tells children apart
by their *IP addresses* (``ipvlan_addr_lookup``). In L2 mode the children still do
ARP themselves.

Sending (``ipvlan_xmit_mode_l2``, drivers/net/ipvlan/ipvlan_core.c):

* a frame to the shared MAC (it is "local"): the port looks up the child that owns
  the destination IP (the target IP of an ARP packet): delivered to that child
  (dropped in ``private`` mode); no child owns it: handed to the parent's own
  stack; in ``vepa`` mode none of this, it goes to the wire;
* broadcast or multicast: to every other child, and out through the parent;
* anything else: out through the parent.

Receiving on the parent (``ipvlan_handle_mode_l2``): a broadcast from outside
goes to every child and to the parent; a unicast goes to the child owning the
destination IP (for ARP, the target IP), else to the parent's stack.

As with macvlan, the parent's own broadcasts (its ARP requests) never reach the
children and theirs never reach the parent's stack, so the host and its ipvlan
containers cannot resolve each other: Docker documents the same limitation.

Simplified: only L2 mode is simulated (L3 and L3S route through the parent's
namespace without ARP); no IPv6; no multicast filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.kernel.devices.device import Device
from simulator.kernel.devices.upper import LinkError, release, uppers_of
from simulator.packets.arp import ArpPacket
from simulator.packets.ipv4 import IPv4Packet
from simulator.sim import latency
from simulator.trace.records import MacvlanForwarded

if TYPE_CHECKING:
    from simulator.packets.addresses import MacAddress
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation


class IpvlanMode(Enum):
    L2 = "l2"
    L3 = "l3"
    L3S = "l3s"


class IpvlanFlag(Enum):
    BRIDGE = "bridge"
    PRIVATE = "private"
    VEPA = "vepa"


@dataclass(frozen=True, slots=True)
class Child:
    """One child as the decision sees it: its name, state and IPv4 addresses."""

    name: str  # node/name
    up: bool
    addresses: frozenset[IPv4Address]


@dataclass(frozen=True, slots=True)
class Verdict:
    children: tuple[str, ...] = ()
    to_wire: bool = False
    to_parent: bool = False
    consumed: bool = False
    reason: str = ""


def l3_destination(frame: EthernetFrame) -> IPv4Address | None:
    """``ipvlan_get_L3_hdr``: the address the port looks up (an ARP packet's target IP)."""
    payload = frame.payload
    if isinstance(payload, ArpPacket):
        return payload.target_ip
    if isinstance(payload, IPv4Packet):
        return payload.dst
    return None


def decide_transmit(children: tuple[Child, ...], sender: Child, frame: EthernetFrame, shared_mac: MacAddress, flag: IpvlanFlag) -> Verdict:
    """``ipvlan_xmit_mode_l2`` (pure)."""
    if flag is not IpvlanFlag.VEPA and frame.dst == shared_mac:
        dst = l3_destination(frame)
        owner = next((c for c in children if dst is not None and dst in c.addresses), None)
        if owner is not None:
            if flag is IpvlanFlag.PRIVATE:
                return Verdict(consumed=True, reason=f"private: {dst} belongs to the sibling {owner.name}: dropped")
            return Verdict((owner.name,) if owner.up else (), consumed=True, reason=f"{dst} belongs to the sibling {owner.name}: delivered inside the host")
        return Verdict(to_parent=True, reason=f"to the shared MAC, and no child owns {dst}: to the parent's own stack")
    if frame.dst.is_multicast:
        others = tuple(c.name for c in children if c is not sender and c.up)
        return Verdict(others, to_wire=True, reason="a broadcast goes to the other children and out through the parent, not to the parent's stack")
    return Verdict(to_wire=True, reason="out through the parent" + (" (vepa)" if flag is IpvlanFlag.VEPA else ""))


def decide_receive(children: tuple[Child, ...], frame: EthernetFrame, shared_mac: MacAddress) -> Verdict:
    """``ipvlan_handle_mode_l2`` (pure)."""
    if frame.dst.is_multicast:
        if frame.src == shared_mac:
            payload = frame.payload
            src = payload.sender_ip if isinstance(payload, ArpPacket) else payload.src if isinstance(payload, IPv4Packet) else None
            if any(src in c.addresses for c in children):
                return Verdict(to_parent=True, reason="our own broadcast, reflected: not given to the children again")
        return Verdict(tuple(c.name for c in children if c.up), to_parent=True, reason="a broadcast from the wire: every child and the parent")
    dst = l3_destination(frame)
    owner = next((c for c in children if dst is not None and dst in c.addresses), None)
    if owner is None:
        return Verdict(to_parent=True, reason=f"no child owns {dst}: the parent's own")
    return Verdict((owner.name,) if owner.up else (), consumed=True, reason=f"{dst} belongs to {owner.name}: delivered to it")


class IpvlanPort:
    """The parent's rx_handler for its ipvlan children."""

    kind = "ipvlan"

    def __init__(self, sim: Simulation, lower: Device, mode: IpvlanMode, flag: IpvlanFlag) -> None:
        self.sim = sim
        self.lower = lower
        self.mode = mode
        self.flag = flag
        self.children: list[Ipvlan] = []

    def views(self) -> tuple[Child, ...]:
        """The children as the pure decisions see them: name, whether up, and their IPv4 addresses."""
        out = []
        for c in self.children:
            ns = c.namespace
            addrs = frozenset(a.ip for a in ns.ipv4.addresses_of(c.name)) if ns is not None else frozenset()
            out.append(Child(c.label, c.up, addrs))
        return tuple(out)

    def _record(self, origin: str, frame: EthernetFrame, verdict: Verdict) -> None:
        tracer = self.sim.tracer
        if tracer.enabled:
            tracer.record(
                MacvlanForwarded(self.sim.now, self.lower.node, self.lower.name, origin, frame, "ipvlan",
                                 f"{self.mode.value} {self.flag.value}", verdict.children, verdict.to_wire, verdict.to_parent, verdict.reason)
            )

    def _child(self, name: str) -> Ipvlan:
        return next(c for c in self.children if c.label == name)

    def child_transmit(self, child: Ipvlan, frame: EthernetFrame) -> None:
        """A child sends: to a sibling inside the host (by its address) or out through the parent."""
        views = self.views()
        sender = next(v for v in views if v.name == child.label)
        verdict = decide_transmit(views, sender, frame, self.lower.mac, self.flag)
        tracer = self.sim.tracer
        decided_at = tracer.mark()  # the parent's frame points back at this decision (``FrameSent.cause``)
        self._record(child.label, frame, verdict)
        for name in verdict.children:
            target = self._child(name)
            self.sim.call_later(latency.VETH_S, lambda t=target: t.receive(frame))  # type: ignore[misc]
        if verdict.to_parent:
            lower = self.lower
            ns = lower.namespace
            if ns is not None:  # dev_forward_skb(phy_dev): up the parent's stack
                self.sim.call_later(latency.VETH_S, lambda: ns.ipv4.receive(frame, lower))
        if verdict.to_wire:
            outer, tracer.cause = tracer.cause, decided_at
            self.lower.transmit(frame)
            tracer.cause = outer

    def handle_frame(self, lower: Device, frame: EthernetFrame) -> bool:
        """The parent received ``frame``: hand it to the child that owns its address; True when consumed."""
        if not self.children:
            return False
        verdict = decide_receive(self.views(), frame, lower.mac)
        if verdict.children or verdict.consumed:
            self._record(lower.name, frame, verdict)
        if frame.dst.is_multicast:
            for name in verdict.children:
                target = self._child(name)
                self.sim.call_later(latency.VETH_S, lambda t=target: t.receive(frame))  # type: ignore[misc]
        else:
            for name in verdict.children:
                self._child(name).receive(frame)
        return verdict.consumed

    def own_transmit(self, lower: Device, frame: EthernetFrame) -> None:
        """The parent's own frames go to the wire only; say so when a child owns the address."""
        if frame.vlan is not None:
            return
        dst = l3_destination(frame)
        owner = next((c for c in self.views() if dst is not None and dst in c.addresses), None)
        if owner is None:
            return
        self._record(lower.name, frame, Verdict(to_wire=True, reason=(
            f"{lower.name} is the ipvlan parent of {owner.name}: its own frames go straight to the wire, never to its children")))


class Ipvlan(Device):
    """An ipvlan child: the parent's MAC, its own IP addresses."""

    kind = "ipvlan"

    def __init__(self, sim: Simulation, name: str, lower: Device, port: IpvlanPort) -> None:
        super().__init__(sim, name, lower.mac, lower.mtu)
        self.lower = lower
        self.port = port

    @property
    def label(self) -> str:
        """``node/name``: how records and verdicts name this child."""
        return f"{self.node}/{self.name}"

    @property
    def carrier(self) -> bool:
        """Up only when the parent is up and has carrier."""
        return self.lower.up and self.lower.carrier

    def link_peer(self) -> Device:
        """The parent device this ipvlan is stacked on."""
        return self.lower

    def xmit(self, frame: EthernetFrame) -> None:
        """Send through the port, which decides between a sibling and the parent."""
        self.port.child_transmit(self, frame)


def create(sim: Simulation, name: str, lower: Device, mode: IpvlanMode = IpvlanMode.L2, flag: IpvlanFlag = IpvlanFlag.BRIDGE) -> Ipvlan:
    """``ipvlan_link_new``: refused like rtnetlink refuses (:class:`LinkError`)."""
    if isinstance(lower, Ipvlan):
        lower = lower.lower
    if lower.kind == "loopback":
        raise LinkError("RTNETLINK answers: Invalid argument")
    if mode is not IpvlanMode.L2:
        raise LinkError(f"dockersim: ipvlan mode {mode.value} is not simulated (only l2)")
    uppers = uppers_of(lower)
    handler = uppers.handler
    if (handler is not None and not isinstance(handler, IpvlanPort)) or lower.master is not None:
        release(lower)
        raise LinkError("RTNETLINK answers: Device or resource busy")
    port = handler if isinstance(handler, IpvlanPort) else IpvlanPort(sim, lower, mode, flag)
    port.mode, port.flag = mode, flag  # ipvlan_set_port_mode: the mode belongs to the port, the newest child sets it
    child = Ipvlan(sim, name, lower, port)
    port.children.append(child)
    uppers.handler = port
    return child


def destroy(child: Ipvlan) -> None:
    """``ip link del``: detach the child; the last one gone frees the parent's rx_handler."""
    port = child.port
    if child in port.children:
        port.children.remove(child)
    lower = port.lower
    if not port.children and lower.upper is not None and lower.upper.handler is port:
        lower.upper.handler = None
        release(lower)
