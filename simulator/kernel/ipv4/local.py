"""Local delivery (``ip_local_deliver``): the kernel's own ICMP answers and the sockets.

An echo request is answered by the kernel itself (``icmp_echo``: same identifier,
sequence and data, a fresh TTL of 64, DF clear because the kernel's ICMP socket does
not do path MTU discovery, after a small responder delay), unless it was sent to a
broadcast address (``icmp_echo_ignore_broadcasts``). An echo reply goes to the ICMP
socket of its identifier; an ICMP error to the socket that sent the packet it quotes.
UDP and TCP go to the socket bound to the destination port; nobody there means ICMP
port unreachable for UDP and a RST for TCP (``tcp_v4_send_reset``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.ipv4.output import Ipv4Output
from simulator.packets.codec import decode_ipv4
from simulator.packets.icmp import IcmpMessage, IcmpType, UnreachableCode
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.tcp import TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.sim import latency
from simulator.trace.records import DropReason, PacketDelivered

if TYPE_CHECKING:
    from simulator.kernel.devices.device import Device


class LocalDelivery(Ipv4Output):
    """What happens to a packet for one of our own addresses."""

    # -- local delivery ---------------------------------------------------------------------

    def _deliver_local(self, packet: IPv4Packet, dev: Device, broadcast: bool) -> None:
        """``ip_local_deliver`` for a packet to one of our addresses (``broadcast``: to a broadcast address)."""
        message = packet.payload
        now = self.sim.env.now
        node = self.namespace.node
        tracer = self.sim.tracer
        if isinstance(message, IcmpMessage):
            kind = message.type
            if kind is IcmpType.ECHO_REQUEST:
                if broadcast:
                    return  # icmp_echo_ignore_broadcasts = 1
                if tracer.enabled:
                    tracer.record(PacketDelivered(now, node, packet.flow, packet, "kernel (icmp_echo)"))
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
                self.send_later(low + self._jitter.random() * (high - low), reply)
                return
            if kind is IcmpType.ECHO_REPLY:
                handler = self.icmp_sockets.get(message.ident)
                if handler is not None:
                    if tracer.enabled:
                        tracer.record(PacketDelivered(now, node, packet.flow, packet, f"icmp socket id {message.ident}"))
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
                if not broadcast:
                    self._icmp_error(packet, IcmpType.DEST_UNREACHABLE, UnreachableCode.PORT)
                return
            self.sim.tracer.emit(PacketDelivered(now, node, packet.flow, packet, f"udp socket port {message.dport}"))
            udp_handler(packet, message)
            return
        # TCP: the socket bound to the destination port (a listener demultiplexes its
        # connections); nobody there means tcp_v4_send_reset.
        tcp_handler = self.tcp_sockets.get(message.dport)
        if broadcast:
            self._drop(dev.name, None, DropReason.NO_SOCKET, f"TCP to the broadcast address {packet.dst}", packet)
            return
        if tcp_handler is not None:
            self.sim.tracer.emit(PacketDelivered(now, node, packet.flow, packet, tcp_handler.describe(packet, message)))
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

