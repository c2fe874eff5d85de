"""VXLAN: a virtual Ethernet device whose cable is UDP across an IP network (RFC 7348).

``ip link add vxlan0 type vxlan id 4097 dstport 4789 proxy l2miss l3miss`` (ip-link(8)
"VXLAN Type Support") creates a tunnel endpoint (VTEP). Docker's overlay driver
makes one per overlay network on every host that runs a container on it, enslaved
to the bridge ``br0`` of the network's own namespace, next to the containers'
veths. The device keeps the UDP socket in the namespace it was created in (the
host's), even after it was moved into the overlay namespace: the *underlay*.

Sending a frame (``vxlan_xmit``, drivers/net/vxlan/vxlan_core.c):

1. ``proxy`` and an ARP request: ``arp_reduce`` answers it from the device's own
   neighbour table (entries a control plane programmed) with a reply that appears
   to arrive on the device; the request never crosses the tunnel. Without an
   entry it is dropped (an ``l3miss`` notification for a control plane).
2. The forwarding database (``bridge fdb show dev vxlan0``) maps the destination
   MAC to the remote VTEP's IP address. Broadcasts and unknown MACs use the
   all-zeros entry if there is one (head-end replication to each remote); with
   none, the frame is dropped (an ``l2miss``).
3. Encapsulation: the whole frame goes into a VXLAN header (the VNI) inside UDP to
   port 4789 from a source port hashed from the inner flow (``udp_flow_src_port``:
   one flow, one port, so the underlay can spread flows), inside IPv4 from the
   underlay's address to the remote's with TTL 64, DF clear and TOS 0. Linux >= 4.7
   computes the outer UDP checksum (``udpcsum``, the default; ``noudpcsum`` sends 0).
   The packet leaves through the underlay's routing, ARP and netfilter.

Receiving (``vxlan_rcv``): the underlay delivers UDP 4789 to the socket; the VNI
names the device; with ``learning`` the inner source MAC is learned against the
outer source IP (a permanent entry is never moved); the inner frame is received
on the device, and from there by its bridge.

The FDB decision is pure (:func:`decide`). Simplified: IPv4 underlay only, no
multicast groups, no GBP/GPE, no route short-circuit (``rsc``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.kernel.devices.device import Device
from simulator.kernel.devices.upper import LinkError
from simulator.kernel.ipv4.stack import SendError
from simulator.packets.addresses import ZERO_MAC, MacAddress
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame, EtherType
from simulator.packets.icmp import IcmpMessage
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.udp import UdpDatagram
from simulator.packets.vxlan import VXLAN_OVERHEAD, VXLAN_PORT, VxlanPacket
from simulator.sim import latency
from simulator.trace.records import (
    ArpProxied,
    DropReason,
    FrameDropped,
    VxlanDecapsulated,
    VxlanEncapsulated,
)

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

FDB_AGEING_S = 300.0  # vxlan "ageing 300" (FDB_AGE_DEFAULT)
EPHEMERAL_PORTS = (32768, 60999)  # net.ipv4.ip_local_port_range: the source port range when none is set
DEFAULT_TTL = 64  # ttl auto: ip4_dst_hoplimit


@dataclass(slots=True)
class VxlanFdbEntry:
    """``bridge fdb`` entry of a VXLAN device: a MAC behind one or more remote VTEPs."""

    remotes: tuple[IPv4Address, ...]
    permanent: bool
    updated: float

    def text(self, mac: MacAddress, dev: str) -> str:
        """As ``bridge fdb show`` prints it (one line per remote)."""
        state = " permanent" if self.permanent else ""
        return "\n".join(f"{mac} dev {dev} dst {r} self{state}" for r in self.remotes)


@dataclass(frozen=True, slots=True)
class Decision:
    """Where an encapsulated copy goes: one per remote; none means dropped."""

    remotes: tuple[IPv4Address, ...]
    entry: str
    reason: str


def decide(fdb: dict[MacAddress, VxlanFdbEntry], frame: EthernetFrame, dev: str, now: float, ageing_s: float = FDB_AGEING_S) -> Decision:
    """The remote VTEPs for ``frame`` (pure; forgets an aged learned entry)."""
    if not frame.dst.is_multicast:
        entry = fdb.get(frame.dst)
        if entry is not None and not entry.permanent and now - entry.updated > ageing_s:
            del fdb[frame.dst]
            entry = None
        if entry is not None:
            return Decision(entry.remotes, entry.text(frame.dst, dev), f"fdb: {frame.dst} is behind {', '.join(map(str, entry.remotes))}")
    default = fdb.get(ZERO_MAC)
    if default is not None:
        what = "a broadcast" if frame.dst.is_multicast else f"unknown {frame.dst}"
        return Decision(default.remotes, default.text(ZERO_MAC, dev), f"{what}: sent to every default remote")
    what = "a broadcast" if frame.dst.is_multicast else f"{frame.dst}"
    return Decision((), "", f"no fdb entry for {what} and no default remote (l2miss)")


def flow_source_port(seed: int, node: str, frame: EthernetFrame, low: int = EPHEMERAL_PORTS[0], high: int = EPHEMERAL_PORTS[1]) -> int:
    """``udp_flow_src_port``: a hash of the inner flow, the same both ways, scaled into the range.

    The kernel's hash has a random per-boot key; here it is keyed by the lab's seed
    and the host, so a run is reproducible and two hosts pick different ports.
    """
    p = frame.payload
    if isinstance(p, IPv4Packet):
        inner = p.payload
        if isinstance(inner, IcmpMessage):
            ports: tuple[int, ...] = (inner.ident,)
        else:
            ports = tuple(sorted((inner.sport, inner.dport)))
        key = f"{sorted((str(p.src), str(p.dst)))}/{int(p.protocol)}/{ports}"
    else:
        key = "/".join(sorted((str(frame.src), str(frame.dst))))  # no L3 header: the MACs (use_eth)
    digest = hashlib.sha256(f"{seed}/{node}/{key}".encode()).digest()
    value = int.from_bytes(digest[:4], "big")
    value ^= (value << 16) & 0xFFFFFFFF
    return ((value * (high - low)) >> 32) + low


class VxlanSocket:
    """The kernel UDP socket of one underlay namespace (shared by its VXLAN devices)."""

    def __init__(self, sim: Simulation, underlay: NetworkNamespace, port: int) -> None:
        self.sim = sim
        self.underlay = underlay
        self.port = port
        self.devices: dict[int, Vxlan] = {}
        underlay.ipv4.udp_sockets[port] = self  # the port's handler: called, it is :meth:`on_datagram`

    def on_datagram(self, packet: IPv4Packet, datagram: UdpDatagram) -> None:
        """A UDP datagram on the VXLAN port: decapsulate it and hand the inner frame to the device of its VNI."""
        payload = datagram.payload
        if not isinstance(payload, VxlanPacket):
            self.sim.tracer.emit(FrameDropped(self.sim.now, self.underlay.node, "", None, DropReason.NO_SOCKET, "not a VXLAN packet", packet))
            return
        dev = self.devices.get(payload.vni)
        if dev is None:
            self.sim.tracer.emit(FrameDropped(self.sim.now, self.underlay.node, "", None, DropReason.NO_SOCKET,
                                              f"no VXLAN device for VNI {payload.vni}", packet))
            return
        dev.decapsulate(packet, payload)

    __call__ = on_datagram


def socket_for(sim: Simulation, underlay: NetworkNamespace, port: int) -> VxlanSocket:
    """The underlay's VXLAN socket on ``port``, opened on first use (vxlan_sock_add)."""
    handler = underlay.ipv4.udp_sockets.get(port)
    if isinstance(handler, VxlanSocket):
        return handler
    if handler is not None:
        raise LinkError("RTNETLINK answers: Address already in use")
    return VxlanSocket(sim, underlay, port)


class Vxlan(Device):
    """A VXLAN tunnel endpoint device."""

    kind = "vxlan"

    def __init__(
        self,
        sim: Simulation,
        name: str,
        mac: MacAddress,
        vni: int,
        underlay: NetworkNamespace,
        *,
        dstport: int = VXLAN_PORT,
        learning: bool = True,
        proxy: bool = False,
        l2miss: bool = False,
        l3miss: bool = False,
        udp_csum: bool = True,
        ttl: int = 0,
        local: IPv4Address | None = None,
        mtu: int = 1500,
    ) -> None:
        super().__init__(sim, name, mac, mtu)
        self.vni = vni
        self.underlay = underlay
        self.dstport = dstport
        self.learning = learning
        self.proxy = proxy
        self.l2miss = l2miss
        self.l3miss = l3miss
        self.udp_csum = udp_csum
        self.ttl = ttl
        self.local = local
        self.fdb: dict[MacAddress, VxlanFdbEntry] = {}
        self.ageing_s = FDB_AGEING_S
        self.socket: VxlanSocket | None = None

    @property
    def carrier(self) -> bool:
        """Always: a VXLAN device has no lower device (``ip link`` shows state UNKNOWN)."""
        return True  # no lower device: the link is "up" as soon as the device is (state UNKNOWN)

    # -- configuration ---------------------------------------------------------------------

    def open(self) -> None:
        """Bind the UDP socket in the underlay (``vxlan_open``, when the device comes up)."""
        if self.socket is None:
            sock = socket_for(self.sim, self.underlay, self.dstport)
            if self.vni in sock.devices and sock.devices[self.vni] is not self:
                raise LinkError("Error: A VXLAN device with the specified VNI already exists.")
            sock.devices[self.vni] = self
            self.socket = sock

    def close(self) -> None:
        """``ip link del``: stop listening for this VNI; the last device gone closes the UDP socket."""
        sock = self.socket
        if sock is not None:
            sock.devices.pop(self.vni, None)
            if not sock.devices and self.underlay.ipv4.udp_sockets.get(sock.port) is sock:
                del self.underlay.ipv4.udp_sockets[sock.port]
            self.socket = None

    def fdb_add(self, mac: MacAddress, remote: IPv4Address, permanent: bool = True, append: bool = False) -> None:
        """``bridge fdb add|append MAC dev vxlan0 dst REMOTE self permanent``."""
        entry = self.fdb.get(mac)
        if entry is not None and append:
            if remote not in entry.remotes:
                entry.remotes = (*entry.remotes, remote)
            return
        if entry is not None:
            raise LinkError("RTNETLINK answers: File exists")
        self.fdb[mac] = VxlanFdbEntry((remote,), permanent, self.sim.now)

    # -- sending ------------------------------------------------------------------------------

    def xmit(self, frame: EthernetFrame) -> None:
        """Encapsulate the frame toward the remotes its forwarding entry names (ARP answered locally with ``proxy``)."""
        if self.proxy and frame.ethertype == EtherType.ARP:
            self._arp_reduce(frame)
            return
        now = self.sim.now
        decision = decide(self.fdb, frame, self.name, now, self.ageing_s)
        if not decision.remotes:
            self.tx_dropped += 1
            self.sim.tracer.emit(FrameDropped(now, self.node, self.name, frame, DropReason.VXLAN_NO_FDB, decision.reason))
            return
        for remote in decision.remotes:
            self._encapsulate(frame, remote, decision.entry)

    def _arp_reduce(self, frame: EthernetFrame) -> None:
        """proxy: answer an ARP request from the neighbour table, or drop it; never tunnel it."""
        arp = frame.payload
        ns = self.namespace
        if not isinstance(arp, ArpPacket) or arp.op is not ArpOp.REQUEST or ns is None:
            self.sim.tracer.emit(ArpProxied(self.sim.now, self.node, self.name, frame, None,
                                            "proxy: only ARP requests are answered, other ARP is not tunnelled"))
            return
        entry = ns.ipv4.neighbours.entries.get((self.name, arp.target_ip))
        connected = entry is not None and entry.mac is not None and entry.state.value in ("REACHABLE", "PERMANENT", "NOARP")
        if not connected or entry is None or entry.mac is None:
            why = "no neighbour entry" + (" (l3miss sent to the control plane)" if self.l3miss else "")
            self.sim.tracer.emit(ArpProxied(self.sim.now, self.node, self.name, frame, None, f"{arp.target_ip}: {why}"))
            return
        reply_arp = ArpPacket(ArpOp.REPLY, entry.mac, arp.target_ip, arp.sender_mac, arp.sender_ip)
        reply = EthernetFrame(arp.sender_mac, entry.mac, EtherType.ARP, reply_arp, flow=frame.flow)
        text = f"{arp.target_ip} dev {self.name} lladdr {entry.mac} {entry.state.value}"
        self.sim.tracer.emit(ArpProxied(self.sim.now, self.node, self.name, frame, reply, text))
        self.sim.call_later(latency.STACK_S, lambda: self.receive(reply))  # netif_rx(reply)

    def _encapsulate(self, frame: EthernetFrame, remote: IPv4Address, entry: str) -> None:
        stack = self.underlay.ipv4
        now = self.sim.now
        try:
            route = stack.route_to(remote)
        except SendError as error:
            self.sim.tracer.emit(FrameDropped(now, self.node, self.name, frame, DropReason.NO_ROUTE, f"underlay: {error}"))
            return
        src = self.local or route.src or stack.primary_address(route.dev, remote)
        if src is None:
            self.sim.tracer.emit(FrameDropped(now, self.node, self.name, frame, DropReason.NO_ROUTE, f"underlay: no source address towards {remote}"))
            return
        sport = flow_source_port(self.sim.seed, self.underlay.node, frame)
        datagram = UdpDatagram(sport, self.dstport, VxlanPacket(self.vni, frame), no_checksum=not self.udp_csum)
        outer = IPv4Packet(src, remote, IPProtocol.UDP, datagram, ttl=self.ttl or DEFAULT_TTL, ident=stack._next_ident(),
                           dont_fragment=False, tos=0, flow=frame.flow)
        tracer = self.sim.tracer
        decided_at = tracer.mark()  # the underlay's frame points back at the wrapping (``FrameSent.cause``)
        tracer.emit(VxlanEncapsulated(now, self.node, self.name, self.vni, frame, outer, remote, entry, self.underlay.node))
        outer_cause, tracer.cause = tracer.cause, decided_at
        try:
            stack.send(outer)
        except SendError as error:
            tracer.emit(FrameDropped(now, self.node, self.name, frame, DropReason.FILTERED, f"underlay: {error}", outer))
        finally:
            tracer.cause = outer_cause

    # -- receiving ------------------------------------------------------------------------------

    def decapsulate(self, outer: IPv4Packet, packet: VxlanPacket) -> None:
        """``vxlan_rcv``: learn the inner source, then receive the inner frame on this device."""
        inner = packet.inner
        now = self.sim.now
        if inner.src == self.mac:
            self.sim.tracer.emit(FrameDropped(now, self.node, self.name, inner, DropReason.MARTIAN, "inner source is this device's own MAC (a loop)"))
            return
        learned = False
        if self.learning and not inner.src.is_multicast:
            entry = self.fdb.get(inner.src)
            if entry is None:
                self.fdb[inner.src] = VxlanFdbEntry((outer.src,), False, now)
                learned = True
            elif entry.remotes[0] != outer.src:
                if entry.permanent:  # vxlan_snoop: static entries never migrate; the frame is dropped
                    self.sim.tracer.emit(FrameDropped(now, self.node, self.name, inner, DropReason.MARTIAN,
                                                      f"{inner.src} is permanently behind {entry.remotes[0]}, not {outer.src}"))
                    return
                entry.remotes = (outer.src,)
                entry.updated = now
                learned = True
            elif not entry.permanent:
                entry.updated = now
        tracer = self.sim.tracer
        tracer.emit(VxlanDecapsulated(now, self.node, self.name, packet.vni, inner, outer, learned, tracer.back()))
        self.sim.call_later(latency.STACK_S, lambda: self.receive(inner))  # gro_cells_receive

    def fdb_entries(self) -> list[tuple[MacAddress, VxlanFdbEntry]]:
        """The forwarding entries ``bridge fdb show`` lists: the permanent ones and those not yet aged out."""
        now = self.sim.now
        return [(m, e) for m, e in list(self.fdb.items()) if e.permanent or now - e.updated <= self.ageing_s]


def overlay_mtu(underlay_mtu: int = 1500) -> int:
    """The MTU inside a VXLAN overlay: what is left after the 50 bytes of outer headers."""
    return underlay_mtu - VXLAN_OVERHEAD
