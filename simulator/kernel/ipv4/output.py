"""IPv4 output (``ip_local_out``, ``ip_finish_output2``) and the ICMP errors the stack sends.

A local packet gets a route (one of our own addresses goes through ``lo``) and a
source address (``inet_select_addr``: the route's preferred source, else the
device's address on the destination's subnet), walks nat and filter OUTPUT, nat
POSTROUTING, then the neighbour layer: a known MAC sends the frame at once, an unknown
one queues the packet and sends an ARP request (``arp_solicit``); when resolution
fails, each queued packet's sender hears ICMP host unreachable. ``icmp_send`` never
answers an ICMP error, a broadcast, or a packet from 0.0.0.0, and quotes as much of the
packet as fits in 576 bytes (RFC 1812 4.3.2.3).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from simulator.kernel.ipv4.addresses import UNSPECIFIED, SendError
from simulator.kernel.ipv4.conntrack import ConntrackEntry
from simulator.kernel.ipv4.flows import FlowCache
from simulator.kernel.ipv4.nat import NetfilterHooks
from simulator.kernel.ipv4.neighbour import Neighbour, NudState
from simulator.kernel.ipv4.routing import Route
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.codec import encode_ipv4
from simulator.packets.ethernet import EthernetFrame, EtherType
from simulator.packets.icmp import IcmpMessage, IcmpType, UnreachableCode
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.trace.records import DropReason, RouteChosen

ICMP_QUOTE_MAX = 576 - 28  # RFC 1812 4.3.2.3: as much as fits in 576 bytes
# Neighbour states in which sending through the entry changes nothing (neigh_resolve_output's
# fast case, NUD_CONNECTED, and the states already waiting on a timer): the flow may keep the MAC.
QUIET_WHEN_USED = frozenset({NudState.REACHABLE, NudState.DELAY, NudState.PROBE, NudState.PERMANENT})


class Ipv4Output(NetfilterHooks):
    """Sending: locally generated packets, forwarded ones after routing, ARP and ICMP errors."""

    # -- output -----------------------------------------------------------------------------

    def send(self, packet: IPv4Packet) -> IPv4Packet:
        """Send a locally generated packet; returns it with its source filled in.

        Raises SendError("Network is unreachable") when no route matches.
        """
        dst = packet.dst
        n = int(dst)
        flows = self._flows()
        cached = flows.local_routes.get(n)
        if cached is None:
            route = self.route_to(dst)
            chosen = route.src or self.primary_address(route.dev, dst) or UNSPECIFIED
            flows.remember_route(n, route, chosen)
        else:
            route, chosen = cached
        if packet.src == UNSPECIFIED or packet.flow == 0:
            # One new value with the source and the flow filled in (``replace`` costs more).
            p = packet
            src = chosen if p.src == UNSPECIFIED else p.src
            packet = IPv4Packet(src, dst, p.protocol, p.payload, p.ttl, p.ident, p.dont_fragment, p.tos, p.flow or self.sim.next_flow())
        ct: tuple[ConntrackEntry, bool] | None = None
        if self.netfilter.active:
            raw = self._hook("raw", "OUTPUT", packet, None, route.dev, "NEW")  # NF_IP_PRI_RAW: before conntrack
            if raw.target == "DROP":
                self._filtered(packet, route.dev, None, "OUTPUT", raw.rule)
                raise SendError("Operation not permitted")
            packet, ct, ctstate = self._nat_before_routing(packet, None, "OUTPUT")
            if ct is not None and ct[0].dnat is not None and not ct[1]:
                route = self.route_to(packet.dst)
                n = int(packet.dst)
            verdict = self._hook("filter", "OUTPUT", packet, None, route.dev, ctstate)
            if verdict.target in ("DROP", "REJECT"):
                self._filtered(packet, route.dev, None, "OUTPUT", verdict.rule)
                raise SendError("Operation not permitted")
        tracer = self.sim.tracer
        if tracer.enabled:
            tracer.record(RouteChosen(self.sim.env.now, self.namespace.node, packet.flow, packet.dst, route.text(), route.dev, route.gateway, False,
                                      tracer.back()))
        self._finish_output(packet, route, ct, n, flows if ct is None else None)
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

    def _finish_output(
        self, packet: IPv4Packet, route: Route, ct: tuple[ConntrackEntry, bool] | None, dst: int, flows: FlowCache | None = None
    ) -> None:
        """nat POSTROUTING, then the neighbour layer, then the device (the cached step when the flow has one).

        ``dst`` is ``int(packet.dst)`` (the caller has it; POSTROUTING rewrites only the source);
        ``flows``, the cache as the caller checked it, when nothing can have changed since.
        """
        if ct is not None:
            packet = self._nat_postrouting(packet, route.dev, ct)
        key = (route.dev, dst)
        step = (flows or self._flows()).links.get(key)
        if step is None:
            self._output_slow(packet, route, key)
            return
        dev, dst_mac, src_mac, entry, generation = step
        if entry is not None and entry.generation != generation:  # the neighbour changed state (or MAC) since
            self._output_slow(packet, route, key)
            return
        dev.transmit(EthernetFrame(dst_mac, dev.mac if src_mac is None else src_mac, EtherType.IPV4, packet, flow=packet.flow))

    def _output_slow(self, packet: IPv4Packet, route: Route, key: tuple[str, int]) -> None:
        """``ip_finish_output2`` step by step; a step that changes nothing when repeated is kept for the flow."""
        dev = self.namespace.devices.get(route.dev)
        if dev is None:
            self._drop(route.dev, None, DropReason.LINK_DOWN, f"device {route.dev} is gone", packet)
            return
        if dev.kind == "loopback":
            self._flows().remember_link(key, (dev, ZERO_MAC, ZERO_MAC, None, 0))
            dev.transmit(EthernetFrame(ZERO_MAC, ZERO_MAC, EtherType.IPV4, packet, flow=packet.flow))
            return
        if key[1] in self._broadcasts:
            self._flows().remember_link(key, (dev, BROADCAST_MAC, None, None, 0))
            dev.transmit(EthernetFrame(BROADCAST_MAC, dev.mac, EtherType.IPV4, packet, flow=packet.flow))
            return
        next_hop = route.gateway or packet.dst
        mac = self.neighbours.resolve(route.dev, next_hop, packet)
        if mac is None:
            return
        flows = self._flows()  # (resolving may have changed the entry: a new generation)
        entry = self.neighbours.entries.get((route.dev, next_hop))
        if entry is not None and entry.state in QUIET_WHEN_USED and entry.mac == mac:
            flows.remember_link(key, (dev, mac, None, entry, entry.generation))
        dev.transmit(EthernetFrame(mac, dev.mac, EtherType.IPV4, packet, flow=packet.flow))

    def _solicit(self, entry: Neighbour) -> None:
        """arp_solicit: a request from the device's address on the target's subnet."""
        dev = self.namespace.devices.get(entry.dev)
        if dev is None:
            return
        sender = None
        if entry.queue and int(entry.queue[0][0].src) in self._local:
            sender = entry.queue[0][0].src
        sender = sender or self.primary_address(entry.dev, entry.ip) or UNSPECIFIED
        unicast = entry.state.value == "PROBE" and entry.mac is not None
        arp = ArpPacket(ArpOp.REQUEST, dev.mac, sender, ZERO_MAC, entry.ip)
        dst = entry.mac if unicast and entry.mac is not None else BROADCAST_MAC
        dev.transmit(EthernetFrame(dst, dev.mac, EtherType.ARP, arp, flow=self.sim.next_flow()))

    def _flush(self, entry: Neighbour, queued: list[tuple[IPv4Packet, int]]) -> None:
        """Resolution succeeded: send what waited, each frame pointing back at what made the stack send it."""
        dev = self.namespace.devices.get(entry.dev)
        if dev is None or entry.mac is None:
            return
        tracer = self.sim.tracer
        outer = tracer.cause
        for packet, cause in queued:
            tracer.cause = cause
            dev.transmit(EthernetFrame(entry.mac, dev.mac, EtherType.IPV4, packet, flow=packet.flow))
        tracer.cause = outer

    def _unreachable(self, entry: Neighbour, queued: list[tuple[IPv4Packet, int]]) -> None:
        """Resolution failed: drop the queue and send ICMP host unreachable to each source."""
        tracer = self.sim.tracer
        outer = tracer.cause
        for packet, cause in queued:
            tracer.cause = cause
            self._drop(entry.dev, None, DropReason.NEIGHBOUR_FAILED, f"no ARP reply from {entry.ip}", packet)
            self._icmp_error(packet, IcmpType.DEST_UNREACHABLE, UnreachableCode.HOST)
        tracer.cause = outer

    def send_later(self, delay_s: float, packet: IPv4Packet) -> None:
        """Send a locally generated ``packet`` after ``delay_s`` (a responder's delay), as the cause now is (``Tracer.cause``)."""
        self.sim.env.deliver(delay_s, Ipv4Output._send_caused, self, (packet, self.sim.tracer.cause))

    def _send_caused(self, what: tuple[IPv4Packet, int]) -> None:
        packet, cause = what
        tracer = self.sim.tracer
        outer, tracer.cause = tracer.cause, cause
        self._send_quietly(packet)
        tracer.cause = outer

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

