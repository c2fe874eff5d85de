"""Values to bytes and back: what a capture file holds.

``encode`` lays out every header in network byte order and computes the derived
fields (lengths, the IPv4 header checksum, the ICMP checksum, the UDP and TCP
checksums over the RFC 768 pseudo-header). ``decode`` is its inverse for the
protocols this package knows; anything else is kept as raw bytes. Tests check the
bytes with scapy and tshark, which nobody here wrote.

VXLAN (RFC 7348): a UDP datagram to port 4789 carries an 8-byte VXLAN header and
the inner Ethernet frame, encoded recursively; its UDP checksum is computed like
any other (Linux >= 4.7 sends it for IPv4 tunnels unless ``noudpcsum``), or zero
when the datagram says ``no_checksum``.
"""

from __future__ import annotations

import struct
from ipaddress import IPv4Address

import dns.message

from simulator.packets.addresses import MacAddress
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame, EtherType
from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.packets.vxlan import FLAG_VNI_VALID, VXLAN_HEADER_LEN, VXLAN_PORT, VxlanPacket

DNS_PORT = 53


def internet_checksum(data: bytes) -> int:
    """RFC 1071 one's-complement sum of 16-bit words."""
    if len(data) % 2:
        data += b"\x00"
    total = int(sum(struct.unpack(f"!{len(data) // 2}H", data)))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def encode(frame: EthernetFrame) -> bytes:
    """The frame's bytes as tcpdump would capture them."""
    if frame.vlan is not None:
        header = frame.dst + frame.src + struct.pack("!HHH", EtherType.VLAN, frame.vlan & 0x0FFF, frame.ethertype)
    else:
        header = frame.dst + frame.src + struct.pack("!H", frame.ethertype)
    payload = frame.payload
    if isinstance(payload, ArpPacket):
        return header + encode_arp(payload)
    return header + encode_ipv4(payload)


def encode_arp(arp: ArpPacket) -> bytes:
    """The 28 bytes of an ARP packet for IPv4 over Ethernet (RFC 826)."""
    return (
        struct.pack("!HHBBH", 1, EtherType.IPV4, 6, 4, arp.op)
        + arp.sender_mac
        + arp.sender_ip.packed
        + arp.target_mac
        + arp.target_ip.packed
    )


def encode_ipv4(packet: IPv4Packet) -> bytes:
    """An IPv4 header (20 bytes, no options, its checksum computed) followed by the encoded payload."""
    body = encode_transport(packet)
    flags_fragment = 0x4000 if packet.dont_fragment else 0
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        packet.tos,
        20 + len(body),
        packet.ident & 0xFFFF,
        flags_fragment,
        packet.ttl,
        packet.protocol,
        0,
        packet.src.packed,
        packet.dst.packed,
    )
    checksum = internet_checksum(header)
    return header[:10] + struct.pack("!H", checksum) + header[12:] + body


def encode_transport(packet: IPv4Packet) -> bytes:
    """The ICMP, UDP or TCP bytes of a packet's payload, with their checksums (UDP and TCP over the pseudo-header)."""
    message = packet.payload
    if isinstance(message, IcmpMessage):
        if message.is_echo:
            rest = struct.pack("!HH", message.ident, message.seq) + message.data
        else:
            rest = b"\x00\x00\x00\x00" + message.quoted
        raw = struct.pack("!BBH", message.type, message.code, 0) + rest
        return raw[:2] + struct.pack("!H", internet_checksum(raw)) + raw[4:]
    pseudo_src = packet.src.packed + packet.dst.packed
    if isinstance(message, UdpDatagram):
        data = encode_vxlan(message.payload) if isinstance(message.payload, VxlanPacket) else message.payload_bytes
        length = 8 + len(data)
        raw = struct.pack("!HHHH", message.sport, message.dport, length, 0) + data
        if message.no_checksum:
            return raw  # RFC 768: an all-zero checksum field means "no checksum"
        checksum = internet_checksum(pseudo_src + struct.pack("!BBH", 0, IPProtocol.UDP, length) + raw)
        return raw[:6] + struct.pack("!H", checksum or 0xFFFF) + raw[8:]
    segment = message
    offset = (20 + len(segment.options)) // 4
    raw = (
        struct.pack(
            "!HHIIBBHHH",
            segment.sport,
            segment.dport,
            segment.seq & 0xFFFFFFFF,
            segment.ack & 0xFFFFFFFF,
            offset << 4,
            int(segment.flags),
            segment.window,
            0,
            0,
        )
        + segment.options
        + segment.data
    )
    checksum = internet_checksum(pseudo_src + struct.pack("!BBH", 0, IPProtocol.TCP, len(raw)) + raw)
    return raw[:16] + struct.pack("!H", checksum) + raw[18:]


def encode_vxlan(packet: VxlanPacket) -> bytes:
    """RFC 7348 section 5: flags, 24 reserved bits, the VNI, 8 reserved bits; then the inner frame."""
    return struct.pack("!B3xI", packet.flags, packet.vni << 8) + encode(packet.inner)


class DecodeError(ValueError):
    """The bytes are not a frame this package can read."""


def decode(data: bytes) -> EthernetFrame:
    """Parse bytes produced by :func:`encode` (or a capture of the same protocols)."""
    if len(data) < 14:
        raise DecodeError("frame shorter than an Ethernet header")
    dst, src = MacAddress(data[0:6]), MacAddress(data[6:12])
    (ethertype,) = struct.unpack("!H", data[12:14])
    vlan = None
    offset = 14
    if ethertype == EtherType.VLAN:
        tci, ethertype = struct.unpack("!HH", data[14:18])
        vlan = tci & 0x0FFF
        offset = 18
    body = data[offset:]
    if ethertype == EtherType.ARP:
        return EthernetFrame(dst, src, EtherType.ARP, decode_arp(body), vlan)
    if ethertype == EtherType.IPV4:
        return EthernetFrame(dst, src, EtherType.IPV4, decode_ipv4(body), vlan)
    raise DecodeError(f"unsupported EtherType 0x{ethertype:04x}")


def decode_arp(body: bytes) -> ArpPacket:
    """An ARP packet from its 28 bytes."""
    _, _, _, _, op = struct.unpack("!HHBBH", body[:8])
    return ArpPacket(
        ArpOp(op),
        MacAddress(body[8:14]),
        IPv4Address(body[14:18]),
        MacAddress(body[18:24]),
        IPv4Address(body[24:28]),
    )


def decode_ipv4(body: bytes) -> IPv4Packet:
    """An IPv4 packet and its ICMP, UDP or TCP payload from bytes (the inverse of :func:`encode_ipv4`)."""
    ver_ihl, tos, total, ident, frag, ttl, proto, _, src, dst = struct.unpack("!BBHHHBBH4s4s", body[:20])
    ihl = (ver_ihl & 0x0F) * 4
    rest = body[ihl:total]
    protocol = IPProtocol(proto)
    transport: IcmpMessage | UdpDatagram | TcpSegment
    if protocol is IPProtocol.ICMP:
        icmp_type, code, _ = struct.unpack("!BBH", rest[:4])
        kind = IcmpType(icmp_type)
        if kind in (IcmpType.ECHO_REQUEST, IcmpType.ECHO_REPLY):
            ident_, seq = struct.unpack("!HH", rest[4:8])
            transport = IcmpMessage(kind, code, ident_, seq, rest[8:])
        else:
            transport = IcmpMessage(kind, code, quoted=rest[8:])
    elif protocol is IPProtocol.UDP:
        sport, dport, _, checksum = struct.unpack("!HHHH", rest[:8])
        payload: object = rest[8:]
        wire = b""
        if DNS_PORT in (sport, dport):
            payload = dns.message.from_wire(rest[8:])
            wire = bytes(rest[8:])  # the bytes as sent: compressed or not
        elif dport == VXLAN_PORT:
            payload = decode_vxlan(rest[8:])
        transport = UdpDatagram(sport, dport, payload, wire, no_checksum=checksum == 0)
    else:
        sport, dport, seq, ack, off, flags, window, _, _ = struct.unpack("!HHIIBBHHH", rest[:20])
        header_len = (off >> 4) * 4
        transport = TcpSegment(sport, dport, seq, ack, TcpFlags(flags), window, rest[20:header_len], rest[header_len:])
    return IPv4Packet(
        IPv4Address(src),
        IPv4Address(dst),
        protocol,
        transport,
        ttl=ttl,
        ident=ident,
        dont_fragment=bool(frag & 0x4000),
        tos=tos,
    )


def decode_vxlan(body: bytes) -> VxlanPacket | bytes:
    """A VXLAN packet, or the bytes unchanged when they are not one (no I flag, too short)."""
    if len(body) < VXLAN_HEADER_LEN + 14 or not body[0] & FLAG_VNI_VALID:
        return body
    flags = body[0]
    (word,) = struct.unpack("!I", body[4:8])
    try:
        inner = decode(body[VXLAN_HEADER_LEN:])
    except (DecodeError, ValueError, struct.error):
        return body
    return VxlanPacket(word >> 8, inner, flags)
