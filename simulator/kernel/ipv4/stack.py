"""The IPv4 stack of one namespace: receive, deliver, forward, output.

Receive (``ip_rcv``): a frame for another MAC is dropped (PACKET_OTHERHOST); ARP
goes to ``arp_process``; IPv4 walks raw and nat PREROUTING (conntrack decides a
NAT binding once per connection), then the route decides: a local address (the
weak host model: any address of the namespace) is delivered up after filter
INPUT; anything else is forwarded if ``ip_forward`` is on: TTL checked and
decremented (RFC 1812 5.3.1), filter FORWARD, nat POSTROUTING, neighbour
resolution, transmit.

Output (``ip_local_out``): route lookup and source address selection, nat and
filter OUTPUT, nat POSTROUTING, neighbour resolution. A packet to one of our own
addresses goes through ``lo``.

The kernel answers ICMP echo itself (``icmp_echo``: same identifier, sequence and
data, a fresh TTL of 64, DF clear because the kernel's ICMP socket does not do
path MTU discovery) and reports errors with ICMP (time exceeded, host and port
unreachable). Sockets are callbacks keyed by ICMP identifier, UDP or TCP port (the
TCP state machine lives in ``tcp.py``); a TCP segment nobody owns is answered with
RST (``reject_tcp``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.kernel.ipv4.conntrack import Conntrack, ConntrackEntry, Tuple5, invert
from simulator.kernel.ipv4.neighbour import Neighbour, NeighbourTable
from simulator.kernel.ipv4.netfilter import Netfilter, PacketInfo, Rule, Verdict
from simulator.kernel.ipv4.routing import Route, RoutingTable
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.codec import decode_ipv4, encode_ipv4
from simulator.packets.ethernet import EthernetFrame, EtherType
from simulator.packets.icmp import IcmpMessage, IcmpType, UnreachableCode
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.tcp import TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.sim import latency
from simulator.trace.records import (
    DropReason,
    FilterVerdict,
    FrameDropped,
    NatTranslated,
    PacketDelivered,
    RouteChosen,
)

if TYPE_CHECKING:
    from simulator.kernel.devices.device import Device
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

UNSPECIFIED = IPv4Address("0.0.0.0")
LIMITED_BROADCAST = IPv4Address("255.255.255.255")
ICMP_QUOTE_MAX = 576 - 28  # RFC 1812 4.3.2.3: as much as fits in 576 bytes


@dataclass(frozen=True, slots=True)
class InterfaceAddress:
    """``ip addr add IP/LEN brd BRD dev DEV``."""

    ip: IPv4Address
    prefixlen: int
    dev: str
    broadcast: IPv4Address | None = None
    scope: str = "global"

    @property
    def network(self) -> IPv4Network:
        return _network_of(self.ip, self.prefixlen)


@lru_cache(maxsize=4096)
def _network_of(ip: IPv4Address, prefixlen: int) -> IPv4Network:
    return IPv4Network(f"{ip}/{prefixlen}", strict=False)


IcmpHandler = Callable[[IPv4Packet], None]
UdpHandler = Callable[[IPv4Packet, UdpDatagram], None]
TcpHandler = Callable[[IPv4Packet, TcpSegment], None]


@dataclass(frozen=True, slots=True)
class SocketOwner:
    """Who holds a bound socket, as ``/proc/net/{tcp,udp}`` and ``/proc/PID/fd`` tell ``netstat -p``.

    ``pid`` counts in ``pid_namespace`` (a container's id, or a machine's name): a
    process of another PID namespace shows as ``-``. ``program`` ``None`` is a socket
    of the kernel itself (a VXLAN device's UDP port).
    """

    local_ip: IPv4Address
    program: str | None = None
    pid: int | None = None
    pid_namespace: str = ""
    fd: int = 3  # its file descriptor in that process
    backlog: int = 0  # listen()'s backlog, for a listening TCP socket


class SendError(Exception):
    """A local send failed before any frame left (the errno text, e.g. "Network is unreachable")."""


class Ipv4Stack:
    """IPv4 for one network namespace."""

    def __init__(self, sim: Simulation, namespace: NetworkNamespace) -> None:
        self.sim = sim
        self.namespace = namespace
        self.addresses: list[InterfaceAddress] = []
        # Local and broadcast addresses by integer: looked up for every packet, and hashing
        # an IPv4Address runs Python code.
        self._local: dict[int, InterfaceAddress] = {}
        self._host_networks: list[IPv4Network] = []  # 127.0.0.0/8: every address in it is local
        self._host_ranges: list[tuple[int, int]] = []  # the same as (network, netmask) integers
        self._broadcasts: set[int] = {int(LIMITED_BROADCAST)}
        self.routes = RoutingTable()
        self.neighbours = NeighbourTable(sim, lambda: namespace.node, self._solicit, self._flush, self._unreachable)
        self.ip_forward = False
        self.netfilter = Netfilter()
        self.conntrack = Conntrack()
        self.icmp_sockets: dict[int, IcmpHandler] = {}
        self.udp_sockets: dict[int, UdpHandler] = {}
        self.tcp_sockets: dict[int, TcpHandler] = {}
        self.socket_owners: dict[tuple[str, int], SocketOwner] = {}  # ("udp", port): bound address and process
        self.default_ttl = 64
        # net.bridge.bridge-nf-call-iptables: with br_netfilter loaded and this set, IPv4
        # packets bridged between two ports of a bridge in this namespace walk iptables too
        # (see br_netfilter below). Off until someone (dockerd) turns it on.
        self.bridge_nf_call_iptables = False
        self._ident = sim.stream("ipid").randrange(0x10000)

    # -- configuration (ip addr / ip route) --------------------------------------------

    def add_address(self, addr: InterfaceAddress) -> None:
        same = self._local.get(int(addr.ip))
        if same is not None and same.dev == addr.dev:
            raise FileExistsError("RTNETLINK answers: File exists")
        self.addresses.append(addr)
        self._changed(addr.dev)
        self._local[int(addr.ip)] = addr
        if addr.scope == "host":
            self._host_networks.append(addr.network)
            self._host_ranges = _ranges(self._host_networks)
        if addr.broadcast is not None:
            self._broadcasts.add(int(addr.broadcast))
        dev = self.namespace.devices.get(addr.dev)
        if dev is not None and dev.up:
            self._add_connected_route(addr)

    def remove_address(self, addr: InterfaceAddress) -> None:
        self.addresses.remove(addr)
        self._changed(addr.dev)
        twin = next((a for a in self.addresses if a.ip == addr.ip), None)
        if twin is not None:  # the same address on another device: still local
            self._local[int(addr.ip)] = twin
        else:
            del self._local[int(addr.ip)]
        if addr.scope == "host" and addr.network in self._host_networks:
            self._host_networks.remove(addr.network)
            self._host_ranges = _ranges(self._host_networks)
        self.routes.remove(lambda r: r.dev == addr.dev and r.src == addr.ip and r.proto == "kernel")
        self._broadcasts = {int(LIMITED_BROADCAST)} | {int(a.broadcast) for a in self.addresses if a.broadcast is not None}

    def _changed(self, dev: str) -> None:
        """What ``ip addr`` shows for ``dev`` changed (the topology snapshot re-reads it)."""
        device = self.namespace.devices.get(dev)
        if device is not None:  # (no line shows the addresses of a device that is not here)
            self.namespace.changed_device(device)

    def _add_connected_route(self, addr: InterfaceAddress) -> None:
        if addr.prefixlen >= 32 or addr.scope == "host":
            return
        with contextlib.suppress(FileExistsError):
            self.routes.add(Route(addr.network, addr.dev, proto="kernel", scope="link", src=addr.ip))

    def link_up(self, dev: str) -> None:
        """NETDEV_UP: connected routes for the device's addresses appear."""
        for addr in self.addresses:
            if addr.dev == dev:
                self._add_connected_route(addr)

    def link_down(self, dev: str) -> None:
        """NETDEV_DOWN: every route through the device goes, and its neighbours."""
        self.routes.remove(lambda r: r.dev == dev)
        self.neighbours.forget_device(dev)

    def rename_device(self, old: str, new: str) -> None:
        """``ip link set OLD name NEW``: the addresses (and any route) stay with the device."""
        for i, a in enumerate(self.addresses):
            if a.dev == old:
                renamed = replace(a, dev=new)
                self.addresses[i] = renamed
                if self._local.get(int(a.ip)) is a:
                    self._local[int(a.ip)] = renamed
        self.routes.rename_device(old, new)
        self._changed(old)
        self._changed(new)

    def forget_device(self, dev: str) -> None:
        """The device leaves this namespace (deleted, or moved to another one)."""
        self._changed(dev)
        for addr in [a for a in self.addresses if a.dev == dev]:
            self.remove_address(addr)
        self.link_down(dev)

    def addresses_of(self, dev: str) -> list[InterfaceAddress]:
        return [a for a in self.addresses if a.dev == dev]

    def is_local(self, ip: IPv4Address) -> bool:
        """A local address: assigned here, or inside a host-scope network (all of 127.0.0.0/8)."""
        n = int(ip)
        if n in self._local:
            return True
        if self._host_ranges:
            for network, netmask in self._host_ranges:
                if n & netmask == network:
                    return True
        return False

    def primary_address(self, dev: str, towards: IPv4Address | None = None) -> IPv4Address | None:
        """inet_select_addr: an address of ``dev``, preferring one on the same subnet."""
        first = None
        for a in self.addresses:
            if a.dev != dev or a.scope == "host":
                continue
            if towards is not None and towards in a.network:
                return a.ip
            if first is None:
                first = a.ip
        return first

    # -- receive ---------------------------------------------------------------------------

    def receive(self, frame: EthernetFrame, dev: Device) -> None:
        """``netif_receive_skb`` for a frame that reached this namespace on ``dev``."""
        if frame.dst != dev.mac and not frame.dst.is_multicast and dev.kind != "loopback":
            self._drop(dev.name, frame, DropReason.NOT_FOR_US, f"destination {frame.dst} is not {dev.name}'s {dev.mac}")
            return
        payload = frame.payload
        if isinstance(payload, ArpPacket):
            self._arp_receive(payload, frame, dev)
        else:
            self._ip_receive(payload, dev, frame)

    def _arp_receive(self, arp: ArpPacket, frame: EthernetFrame, dev: Device) -> None:
        """arp_process (net/ipv4/arp.c) with arp_ignore = 0, arp_accept = 0."""
        if arp.sender_ip == UNSPECIFIED:
            return
        if arp.op is ArpOp.REQUEST and int(arp.target_ip) in self._local and arp.sender_ip != arp.target_ip:
            self.neighbours.learn_stale(dev.name, arp.sender_ip, arp.sender_mac, True, f"ARP request from {arp.sender_ip} for our {arp.target_ip}")
            reply = ArpPacket(ArpOp.REPLY, dev.mac, arp.target_ip, arp.sender_mac, arp.sender_ip)
            dev.transmit(EthernetFrame(arp.sender_mac, dev.mac, EtherType.ARP, reply, flow=frame.flow))
            return
        if arp.op is ArpOp.REPLY and frame.dst == dev.mac:
            self.neighbours.confirm(dev.name, arp.sender_ip, arp.sender_mac, f"ARP reply: {arp.sender_ip} is-at {arp.sender_mac}")
        elif (dev.name, arp.sender_ip) in self.neighbours.entries:  # else nothing to update (and no words to build)
            self.neighbours.learn_stale(dev.name, arp.sender_ip, arp.sender_mac, False, f"ARP {arp.op.name.lower()} seen from {arp.sender_ip}")

    def _ip_receive(self, packet: IPv4Packet, dev: Device, frame: EthernetFrame | None) -> None:
        ct: tuple[ConntrackEntry, bool] | None = None
        ctstate = "NEW"
        filtering = self.netfilter.active  # rules do not change while one packet is handled
        if filtering:
            verdict = self._hook("raw", "PREROUTING", packet, dev.name, None, "NEW")
            if verdict.target == "DROP":
                self._filtered(packet, dev.name, frame, "raw", verdict.rule)
                return
            if dev.kind != "loopback":  # a looped-back packet keeps the conntrack it left with
                packet, ct, ctstate = self._nat_before_routing(packet, dev.name, "PREROUTING")
        dst = packet.dst
        if self.is_local(dst) or int(dst) in self._broadcasts:
            if filtering:
                verdict = self._hook("filter", "INPUT", packet, dev.name, None, ctstate)
                if verdict.target in ("DROP", "REJECT"):
                    self._filtered(packet, dev.name, frame, "INPUT", verdict.rule)
                    return
                if ct is not None and not ct[0].confirmed:
                    # NF_INET_LOCAL_IN runs filter (priority 0) then nat (NF_IP_PRI_NAT_SRC):
                    # the first packet of a connection delivered here walks nat INPUT too.
                    # (An SNAT there is counted but not applied: nothing here uses one.)
                    self._hook("nat", "INPUT", packet, dev.name, None, "NEW")
                if ct is not None:
                    packet = self._undo_dnat_for_local_reply(packet, ct)
                    self.conntrack.confirm(ct[0])
            self._deliver_local(packet, dev)
            return
        if not self.ip_forward:
            self._drop(dev.name, frame, DropReason.FORWARDING_DISABLED, f"{dst} is not local and net.ipv4.ip_forward = 0", packet)
            return
        route = self.routes.lookup(dst)
        if route is None:
            self._drop(dev.name, frame, DropReason.NO_ROUTE, f"no route to {dst}", packet)
            self._icmp_error(packet, IcmpType.DEST_UNREACHABLE, UnreachableCode.NET)
            return
        if packet.ttl <= 1:
            self._drop(dev.name, frame, DropReason.TTL_EXPIRED, f"TTL {packet.ttl} would reach 0 on forwarding", packet)
            self._icmp_error(packet, IcmpType.TIME_EXCEEDED, 0, towards_dev=dev.name)
            return
        # RFC 1812 5.3.1: a router decrements TTL
        packet = replace(packet, ttl=packet.ttl - 1)
        if filtering:
            verdict = self._hook("filter", "FORWARD", packet, dev.name, route.dev, ctstate)
            rule_text = verdict.rule.text() if verdict.rule else f"-P FORWARD {verdict.target}"
            self.sim.tracer.emit(FilterVerdict(self.sim.env.now, self.namespace.node, packet.flow, "FORWARD", rule_text, verdict.target))
            if verdict.target in ("DROP", "REJECT"):
                self._filtered(packet, dev.name, frame, "FORWARD", verdict.rule)
                return
        self.sim.tracer.emit(RouteChosen(self.sim.env.now, self.namespace.node, packet.flow, dst, route.text(), route.dev, route.gateway, True))
        self._finish_output(packet, route, ct)

    # -- local delivery ---------------------------------------------------------------------

    def _deliver_local(self, packet: IPv4Packet, dev: Device) -> None:
        message = packet.payload
        now = self.sim.env.now
        node = self.namespace.node
        if isinstance(message, IcmpMessage):
            kind = message.type
            if kind is IcmpType.ECHO_REQUEST:
                if int(packet.dst) in self._broadcasts:
                    return  # icmp_echo_ignore_broadcasts = 1
                self.sim.tracer.emit(PacketDelivered(now, node, packet.flow, packet, "kernel (icmp_echo)"))
                reply = IPv4Packet(
                    packet.dst,
                    packet.src,
                    IPProtocol.ICMP,
                    IcmpMessage(IcmpType.ECHO_REPLY, 0, message.ident, message.seq, message.data),
                    ttl=self.default_ttl,
                    ident=self._next_ident(),
                    dont_fragment=False,
                    flow=packet.flow,
                )
                low, high = latency.RESPONDER_JITTER_S
                self.sim.env.deliver(low + self.sim.stream("jitter").random() * (high - low), Ipv4Stack._send_quietly, self, reply)
                return
            if kind is IcmpType.ECHO_REPLY:
                handler = self.icmp_sockets.get(message.ident)
                if handler is not None:
                    self.sim.tracer.emit(PacketDelivered(now, node, packet.flow, packet, f"icmp socket id {message.ident}"))
                    handler(packet)
                return
            # An ICMP error: find who sent the quoted packet.
            try:
                quoted = decode_ipv4(message.quoted)
            except Exception:
                return
            inner = quoted.payload
            if isinstance(inner, IcmpMessage) and inner.type is IcmpType.ECHO_REQUEST:
                handler = self.icmp_sockets.get(inner.ident)
                if handler is not None:
                    self.sim.tracer.emit(PacketDelivered(now, node, packet.flow, packet, f"icmp socket id {inner.ident} (error)"))
                    handler(packet)
            elif isinstance(inner, UdpDatagram):
                udp_handler = self.udp_sockets.get(inner.sport)
                if udp_handler is not None:
                    udp_handler(packet, inner)
            return
        if isinstance(message, UdpDatagram):
            udp_handler = self.udp_sockets.get(message.dport)
            if udp_handler is None:
                self._drop(dev.name, None, DropReason.NO_SOCKET, f"nothing listens on UDP port {message.dport}", packet)
                if int(packet.dst) not in self._broadcasts:
                    self._icmp_error(packet, IcmpType.DEST_UNREACHABLE, UnreachableCode.PORT)
                return
            self.sim.tracer.emit(PacketDelivered(now, node, packet.flow, packet, f"udp socket port {message.dport}"))
            udp_handler(packet, message)
            return
        # TCP: the socket bound to the destination port (a listener demultiplexes its
        # connections); nobody there means tcp_v4_send_reset.
        tcp_handler = self.tcp_sockets.get(message.dport)
        if int(packet.dst) in self._broadcasts:
            self._drop(dev.name, None, DropReason.NO_SOCKET, f"TCP to the broadcast address {packet.dst}", packet)
            return
        if tcp_handler is not None:
            describe = getattr(tcp_handler, "describe", None)
            to = describe(packet, message) if callable(describe) else f"tcp socket port {message.dport}"
            self.sim.tracer.emit(PacketDelivered(now, node, packet.flow, packet, str(to)))
            tcp_handler(packet, message)
        else:
            self.reject_tcp(packet, dev.name, f"nothing listens on TCP port {message.dport}")

    def reject_tcp(self, packet: IPv4Packet, dev: str, detail: str) -> None:
        """``tcp_v4_send_reset``: record the drop and answer a segment nobody owns with RST.

        RFC 9293 3.10.7.1: a segment with ACK gets ``<SEQ=SEG.ACK><CTL=RST>``; one
        without gets RST|ACK with seq 0 and ack = SEG.SEQ + SEG.LEN (+1 for SYN and
        FIN). The reply has TTL 64, DF and IP id 0, and no options; a RST is never
        answered.
        """
        from simulator.kernel.ipv4.tcp import reset_for  # tcp.py builds on this module

        self._drop(dev, None, DropReason.NO_SOCKET, detail, packet)
        segment = packet.payload
        rst = reset_for(segment) if isinstance(segment, TcpSegment) else None
        if rst is None:
            return
        reply = IPv4Packet(packet.dst, packet.src, IPProtocol.TCP, rst, ttl=self.default_ttl, ident=0, dont_fragment=True, flow=packet.flow)
        self._send_quietly(reply)

    # -- output -----------------------------------------------------------------------------

    def send(self, packet: IPv4Packet) -> IPv4Packet:
        """Send a locally generated packet; returns it with its source filled in.

        Raises SendError("Network is unreachable") when no route matches.
        """
        route = self.route_to(packet.dst)
        if packet.src == UNSPECIFIED or packet.flow == 0:
            # One new value with the source and the flow filled in (``replace`` costs more).
            p = packet
            src = p.src
            if src == UNSPECIFIED:
                src = route.src or self.primary_address(route.dev, p.dst) or UNSPECIFIED
            packet = IPv4Packet(src, p.dst, p.protocol, p.payload, p.ttl, p.ident, p.dont_fragment, p.tos, p.flow or self.sim.next_flow())
        ct: tuple[ConntrackEntry, bool] | None = None
        if self.netfilter.active:
            raw = self._hook("raw", "OUTPUT", packet, None, route.dev, "NEW")  # NF_IP_PRI_RAW: before conntrack
            if raw.target == "DROP":
                self._filtered(packet, route.dev, None, "OUTPUT", raw.rule)
                raise SendError("Operation not permitted")
            packet, ct, ctstate = self._nat_before_routing(packet, None, "OUTPUT")
            if ct is not None and ct[0].dnat is not None and not ct[1]:
                route = self.route_to(packet.dst)
            verdict = self._hook("filter", "OUTPUT", packet, None, route.dev, ctstate)
            if verdict.target in ("DROP", "REJECT"):
                self._filtered(packet, route.dev, None, "OUTPUT", verdict.rule)
                raise SendError("Operation not permitted")
        self.sim.tracer.emit(RouteChosen(self.sim.env.now, self.namespace.node, packet.flow, packet.dst, route.text(), route.dev, route.gateway, False))
        self._finish_output(packet, route, ct)
        return packet

    def _send_quietly(self, packet: IPv4Packet) -> None:
        try:
            self.send(packet)
        except SendError as error:
            self._drop("", None, DropReason.NO_ROUTE, str(error), packet)

    def route_to(self, dst: IPv4Address) -> Route:
        """The route a local packet to ``dst`` takes (local addresses go through lo)."""
        if self.is_local(dst):
            src = dst if int(dst) in self._local else IPv4Address("127.0.0.1")
            return Route(IPv4Network(f"{dst}/32"), "lo", scope="host", src=src)
        route = self.routes.lookup(dst)
        if route is None:
            raise SendError("Network is unreachable")
        return route

    def _finish_output(self, packet: IPv4Packet, route: Route, ct: tuple[ConntrackEntry, bool] | None) -> None:
        """nat POSTROUTING, then the neighbour layer, then the device."""
        if ct is not None:
            packet = self._nat_postrouting(packet, route.dev, ct)
        dev = self.namespace.devices.get(route.dev)
        if dev is None:
            self._drop(route.dev, None, DropReason.LINK_DOWN, f"device {route.dev} is gone", packet)
            return
        if dev.kind == "loopback":
            dev.transmit(EthernetFrame(ZERO_MAC, ZERO_MAC, EtherType.IPV4, packet, flow=packet.flow))
            return
        if int(packet.dst) in self._broadcasts:
            dev.transmit(EthernetFrame(BROADCAST_MAC, dev.mac, EtherType.IPV4, packet, flow=packet.flow))
            return
        next_hop = route.gateway or packet.dst
        mac = self.neighbours.resolve(route.dev, next_hop, packet)
        if mac is not None:
            dev.transmit(EthernetFrame(mac, dev.mac, EtherType.IPV4, packet, flow=packet.flow))

    def _solicit(self, entry: Neighbour) -> None:
        """arp_solicit: a request from the device's address on the target's subnet."""
        dev = self.namespace.devices.get(entry.dev)
        if dev is None:
            return
        sender = None
        if entry.queue and int(entry.queue[0].src) in self._local:
            sender = entry.queue[0].src
        sender = sender or self.primary_address(entry.dev, entry.ip) or UNSPECIFIED
        unicast = entry.state.value == "PROBE" and entry.mac is not None
        arp = ArpPacket(ArpOp.REQUEST, dev.mac, sender, ZERO_MAC, entry.ip)
        dst = entry.mac if unicast and entry.mac is not None else BROADCAST_MAC
        dev.transmit(EthernetFrame(dst, dev.mac, EtherType.ARP, arp, flow=self.sim.next_flow()))

    def _flush(self, entry: Neighbour, packets: list[IPv4Packet]) -> None:
        dev = self.namespace.devices.get(entry.dev)
        if dev is None or entry.mac is None:
            return
        for packet in packets:
            dev.transmit(EthernetFrame(entry.mac, dev.mac, EtherType.IPV4, packet, flow=packet.flow))

    def _unreachable(self, entry: Neighbour, packets: list[IPv4Packet]) -> None:
        """Resolution failed: drop the queue and send ICMP host unreachable to each source."""
        for packet in packets:
            self._drop(entry.dev, None, DropReason.NEIGHBOUR_FAILED, f"no ARP reply from {entry.ip}", packet)
            self._icmp_error(packet, IcmpType.DEST_UNREACHABLE, UnreachableCode.HOST)

    def _icmp_error(self, packet: IPv4Packet, kind: IcmpType, code: int, towards_dev: str | None = None) -> None:
        """icmp_send: never about an ICMP error, a broadcast, or a packet from nowhere."""
        inner = packet.payload
        if isinstance(inner, IcmpMessage) and not inner.is_echo:
            return
        if int(packet.dst) in self._broadcasts or packet.src == UNSPECIFIED:
            return
        quoted = encode_ipv4(packet)[:ICMP_QUOTE_MAX]
        try:
            route = self.route_to(packet.src)
        except SendError:
            return
        if self.is_local(packet.dst):
            src: IPv4Address | None = packet.dst  # icmp.c __icmp_send: RTCF_LOCAL, the error comes from the address the packet was for
        else:
            src = self.primary_address(towards_dev or route.dev, packet.src) if route.dev != "lo" else packet.src
        error = IPv4Packet(
            src or UNSPECIFIED,
            packet.src,
            IPProtocol.ICMP,
            IcmpMessage(kind, int(code), quoted=quoted),
            ttl=self.default_ttl,
            ident=self._next_ident(),
            dont_fragment=False,
            tos=0xC0,
            flow=packet.flow,
        )
        self._send_quietly(error)

    def _next_ident(self) -> int:
        self._ident = (self._ident + 1) & 0xFFFF
        return self._ident

    # -- br_netfilter --------------------------------------------------------------------------

    def br_netfilter(self, packet: IPv4Packet, bridge: str, copies: int) -> list[IPv4Packet | None]:
        """iptables for a packet a bridge forwards port to port (net/bridge/br_netfilter_hooks.c).

        With br_netfilter loaded and ``bridge-nf-call-iptables = 1``, an IPv4 packet
        that a bridge forwards from one port to others walks the IPv4 hooks as if it
        were routed, the bridge being both ``-i`` and ``-o`` (the ports themselves are
        only visible to ``-m physdev``): PREROUTING once (br_nf_pre_routing: raw,
        conntrack, nat for a new connection), then for each copy FORWARD
        (br_nf_forward_ip) and POSTROUTING (br_nf_post_routing: nat, conntrack
        confirmation). Nothing is routed: the TTL and the MACs stay. This is how
        Docker's ``-A FORWARD -i docker0 -o docker0 -j DROP`` (icc=false) works.

        Returns, for each copy, the packet to send (after NAT) or None when dropped.
        Simplified: a DNAT to an address behind another port is not re-routed.
        """
        if not self.netfilter.active:
            return [packet] * copies
        verdict = self._hook("raw", "PREROUTING", packet, bridge, None, "NEW")
        if verdict.target == "DROP":
            self._filtered(packet, bridge, None, "raw", verdict.rule)
            return [None] * copies
        packet, ct, ctstate = self._nat_before_routing(packet, bridge, "PREROUTING")
        out: list[IPv4Packet | None] = []
        for _ in range(copies):
            verdict = self._hook("filter", "FORWARD", packet, bridge, bridge, ctstate)
            rule_text = verdict.rule.text() if verdict.rule else f"-P FORWARD {verdict.target}"
            self.sim.tracer.emit(FilterVerdict(self.sim.env.now, self.namespace.node, packet.flow, "FORWARD", rule_text, verdict.target))
            if verdict.target in ("DROP", "REJECT"):
                self._filtered(packet, bridge, None, "FORWARD", verdict.rule)
                out.append(None)
                continue
            out.append(self._nat_postrouting(packet, bridge, ct) if ct is not None else packet)
        return out

    # -- netfilter glue ----------------------------------------------------------------------

    @staticmethod
    def _ports(packet: IPv4Packet) -> tuple[str, int, int]:
        message = packet.payload
        if isinstance(message, IcmpMessage):
            return "icmp", message.ident, message.ident
        if isinstance(message, UdpDatagram):
            return "udp", message.sport, message.dport
        return "tcp", message.sport, message.dport

    def _hook(self, table: str, chain: str, packet: IPv4Packet, in_dev: str | None, out_dev: str | None, ctstate: str) -> Verdict:
        """Walk a built-in chain; one without rules answers with its policy at once."""
        start = self.netfilter.tables[table][chain]
        if not start.rules:
            return self.netfilter.policy(start, packet.length)
        return self.netfilter.evaluate(table, chain, self._info(packet, in_dev, out_dev, ctstate))

    def _info(self, packet: IPv4Packet, in_dev: str | None, out_dev: str | None, ctstate: str) -> PacketInfo:
        proto, sport, dport = self._ports(packet)
        return PacketInfo(packet.src, packet.dst, proto, sport, dport, in_dev, out_dev, self.is_local(packet.dst), ctstate, packet.length)

    def _tuple(self, packet: IPv4Packet) -> Tuple5:
        proto, sport, dport = self._ports(packet)
        return (proto, packet.src, sport, packet.dst, dport)

    @staticmethod
    def _rewrite(packet: IPv4Packet, src: IPv4Address | None = None, sport: int | None = None,
                 dst: IPv4Address | None = None, dport: int | None = None) -> IPv4Packet:
        message = packet.payload
        if isinstance(message, IcmpMessage):
            ident = sport if sport is not None else dport
            if ident is not None and message.is_echo:
                message = replace(message, ident=ident)
        elif isinstance(message, UdpDatagram | TcpSegment):
            if sport is not None:
                message = replace(message, sport=sport)
            if dport is not None:
                message = replace(message, dport=dport)
        return replace(packet, src=src or packet.src, dst=dst or packet.dst, payload=message)

    def _nat_before_routing(self, packet: IPv4Packet, in_dev: str | None, hook: str) -> tuple[IPv4Packet, tuple[ConntrackEntry, bool] | None, str]:
        """Conntrack lookup plus destination NAT (nat PREROUTING or OUTPUT)."""
        message = packet.payload
        if isinstance(message, IcmpMessage) and not message.is_echo:
            return self._related_error(packet, message, hook), None, "RELATED"
        t = self._tuple(packet)
        found = self.conntrack.find(t)
        if found is not None:
            entry, is_reply = found
            if is_reply:
                entry.seen_reply = True
                if entry.snat is not None:
                    before = packet
                    packet = self._rewrite(packet, dst=entry.original[1], dport=entry.original[2])
                    self._nat_record(hook, entry.snat_rule + " (reply)", before, packet, True)
            elif entry.dnat is not None:
                before = packet
                packet = self._rewrite(packet, dst=entry.dnat[0], dport=entry.dnat[1])
                self._nat_record(hook, entry.dnat_rule, before, packet, False)
            return packet, found, "ESTABLISHED" if (is_reply or entry.seen_reply) else "NEW"
        entry = self.conntrack.new(t)
        verdict = self._hook("nat", hook, packet, in_dev, None, "NEW")
        if verdict.target == "DNAT" and verdict.rule is not None and verdict.rule.to_destination:
            ip, port = _host_port(verdict.rule.to_destination, t[4])
            entry.dnat = (ip, port)
            entry.dnat_rule = verdict.rule.text()
            before = packet
            packet = self._rewrite(packet, dst=ip, dport=port)
            self._nat_record(hook, entry.dnat_rule, before, packet, False)
        return packet, (entry, False), "NEW"

    def _related_error(self, packet: IPv4Packet, message: IcmpMessage, hook: str) -> IPv4Packet:
        """An ICMP error about a masqueraded packet goes back to the packet's first sender.

        ``nf_nat_icmp_reply_translation``: the quoted header is the packet as it left
        (after SNAT), so it is the inverse of the connection's reply tuple; the error's
        destination and the quoted source are put back to the original sender's, which is
        how ``traceroute`` from a container hears from the routers beyond its host.
        """
        try:
            inner = decode_ipv4(message.quoted)
        except Exception:
            return packet
        quoted = inner.payload
        if not isinstance(quoted, UdpDatagram | TcpSegment) and not (isinstance(quoted, IcmpMessage) and quoted.is_echo):
            return packet
        found = self.conntrack.find(invert(self._tuple(inner)))
        if found is None:
            return packet
        entry, is_reply = found
        if not is_reply or entry.snat is None or packet.dst != entry.snat[0]:
            return packet
        restored = self._rewrite(inner, src=entry.original[1], sport=entry.original[2])
        error = replace(message, quoted=encode_ipv4(restored)[: len(message.quoted)])
        translated = replace(packet, dst=entry.original[1], payload=error)
        self._nat_record(hook, entry.snat_rule + " (related ICMP error)", packet, translated, True)
        return translated

    def _undo_dnat_for_local_reply(self, packet: IPv4Packet, ct: tuple[ConntrackEntry, bool]) -> IPv4Packet:
        """A reply to a connection this host DNATed in nat OUTPUT: its source put back (nat at NF_INET_LOCAL_IN).

        ``curl HOST_IP:8080`` on the Docker host: OUTPUT's DNAT sent the SYN to the
        container; the SYN-ACK comes back from 172.17.0.2:80 and is delivered here, so
        the reverse rewrite happens on input (nf_nat_ipv4_local_in), not in POSTROUTING.
        """
        entry, is_reply = ct
        if not is_reply or entry.dnat is None or not entry.confirmed:
            return packet
        restored = self._rewrite(packet, src=entry.original[3], sport=entry.original[4])
        self._nat_record("INPUT", entry.dnat_rule + " (reply)", packet, restored, True)
        return restored

    def _nat_postrouting(self, packet: IPv4Packet, out_dev: str, ct: tuple[ConntrackEntry, bool]) -> IPv4Packet:
        """Source NAT (nat POSTROUTING) for a new connection, or its reversal."""
        entry, is_reply = ct
        if entry.confirmed:
            if not is_reply and entry.snat is not None:
                before = packet
                packet = self._rewrite(packet, src=entry.snat[0], sport=entry.snat[1])
                self._nat_record("POSTROUTING", entry.snat_rule, before, packet, False)
            elif is_reply and entry.dnat is not None:
                before = packet
                packet = self._rewrite(packet, src=entry.original[3], sport=entry.original[4])
                self._nat_record("POSTROUTING", entry.dnat_rule + " (reply)", before, packet, True)
            return packet
        verdict = self._hook("nat", "POSTROUTING", packet, None, out_dev, "NEW")
        rule: Rule | None = verdict.rule
        new_src: IPv4Address | None = None
        if verdict.target == "MASQUERADE":
            new_src = self.primary_address(out_dev, packet.dst)
        new_port: int | None = None
        if verdict.target == "SNAT" and rule is not None and rule.to_source:
            host, _, port_text = rule.to_source.partition(":")
            new_src = IPv4Address(host) if host else packet.src
            new_port = int(port_text) if port_text else None
        if new_src is not None and rule is not None:
            proto, sport, dport = self._ports(packet)
            port = new_port if new_port is not None else sport
            while self.conntrack.port_in_use((proto, packet.dst, dport, new_src, port)):
                port = 1024 + self.sim.stream("ports").randrange(64511)
            entry.snat = (new_src, port)
            entry.snat_rule = rule.text()
            before = packet
            packet = self._rewrite(packet, src=new_src, sport=port)
            self._nat_record("POSTROUTING", entry.snat_rule, before, packet, False)
        self.conntrack.confirm(entry)
        return packet

    def _nat_record(self, chain: str, rule: str, before: IPv4Packet, after: IPv4Packet, reply: bool) -> None:
        self.sim.tracer.emit(
            NatTranslated(self.sim.env.now, self.namespace.node, after.flow, chain, rule, _endpoints(before), _endpoints(after), reply)
        )

    # -- drops ---------------------------------------------------------------------------------

    def _drop(self, dev: str, frame: EthernetFrame | None, reason: DropReason, detail: str, packet: IPv4Packet | None = None) -> None:
        self.sim.tracer.emit(FrameDropped(self.sim.env.now, self.namespace.node, dev, frame, reason, detail, packet))

    def _filtered(self, packet: IPv4Packet, dev: str, frame: EthernetFrame | None, chain: str, rule: Rule | None) -> None:
        text = rule.text() if rule is not None else f"-P {chain} DROP"
        self._drop(dev, frame, DropReason.FILTERED, text, packet)


def _ranges(networks: list[IPv4Network]) -> list[tuple[int, int]]:
    return [(int(n.network_address), int(n.netmask)) for n in networks]


def _host_port(text: str, default_port: int) -> tuple[IPv4Address, int]:
    host, _, port = text.partition(":")
    return IPv4Address(host), int(port) if port else default_port


def _endpoints(packet: IPv4Packet) -> str:
    message = packet.payload
    if isinstance(message, IcmpMessage):
        return f"{packet.src} > {packet.dst} (icmp id {message.ident})"
    return f"{packet.src}:{message.sport} > {packet.dst}:{message.dport}"
