"""A frame broken down by layer, as Wireshark's packet details pane shows it.

``layers(frame)`` gives one :class:`Layer` per protocol header, outermost first:
Ethernet (and its 802.1Q tag), then ARP or IPv4, then ICMP, UDP or TCP, then what
they carry (DNS, HTTP, a VXLAN frame's inner layers). Each layer is a name and
its fields as ``(field, value)`` text pairs, so a view or a terminal prints them
as they are. ``changed(before, after)`` names the fields a hop rewrote, which is
what the player marks and the shell's ``:explain`` points at.

It reads only packet values (nothing about devices or time), so the same frame
always reads the same way.

>>> from simulator.packets.addresses import IPv4Address, MacAddress
>>> from simulator.packets.ethernet import EthernetFrame, EtherType
>>> from simulator.packets.icmp import IcmpMessage, IcmpType
>>> from simulator.packets.ipv4 import IPProtocol, IPv4Packet
>>> ping = IcmpMessage(IcmpType.ECHO_REQUEST, ident=7, seq=1, data=bytes(56))
>>> ip = IPv4Packet(IPv4Address("172.17.0.2"), IPv4Address("8.8.8.8"), IPProtocol.ICMP, ping)
>>> out = EthernetFrame(MacAddress.parse("02:42:ac:11:00:01"), MacAddress.parse("02:42:ac:11:00:02"), EtherType.IPV4, ip)
>>> [layer.name for layer in layers(out)]
['Ethernet II', 'IPv4', 'ICMP']
>>> import dataclasses
>>> routed = dataclasses.replace(out, payload=dataclasses.replace(ip, ttl=63))
>>> sorted(changed(layers(out), layers(routed)))
[('IPv4', 'TTL')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame
from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.packets.vxlan import VxlanPacket


@dataclass(frozen=True, slots=True)
class Layer:
    """One protocol header: its name and its fields as text, in wire order."""

    name: str
    fields: tuple[tuple[str, str], ...]

    def get(self, field: str) -> str | None:
        """The value of ``field``, or None when this layer has no such field."""
        for name, value in self.fields:
            if name == field:
                return value
        return None


_ICMP_TYPES = {
    IcmpType.ECHO_REPLY: "Echo (ping) reply",
    IcmpType.ECHO_REQUEST: "Echo (ping) request",
    IcmpType.DEST_UNREACHABLE: "Destination unreachable",
    IcmpType.TIME_EXCEEDED: "Time-to-live exceeded",
}


def layers(frame: EthernetFrame) -> tuple[Layer, ...]:
    """``frame`` by layer, outermost first (a VXLAN frame's inner layers follow its own, prefixed "Inner")."""
    out = [Layer("Ethernet II", (("Destination", str(frame.dst)), ("Source", str(frame.src)),
                                  ("Type", _ethertype(frame))))]
    if frame.vlan is not None:
        out.append(Layer("802.1Q", (("VLAN ID", str(frame.vlan)),)))
    out.extend(_network(frame.payload))
    return tuple(out)


_ETHERTYPES = {0x0800: "IPv4", 0x0806: "ARP", 0x8100: "802.1Q", 0x86DD: "IPv6"}  # as Wireshark names them


def _ethertype(frame: EthernetFrame) -> str:
    name = _ETHERTYPES.get(int(frame.ethertype), "")
    value = f"0x{int(frame.ethertype):04x}"
    return f"{name} ({value})" if name else value


def _network(payload: Any) -> Iterable[Layer]:
    if isinstance(payload, ArpPacket):
        op = "request (1)" if payload.op is ArpOp.REQUEST else "reply (2)"
        yield Layer("ARP", (("Opcode", op), ("Sender MAC", str(payload.sender_mac)), ("Sender IP", str(payload.sender_ip)),
                            ("Target MAC", str(payload.target_mac)), ("Target IP", str(payload.target_ip))))
    elif isinstance(payload, IPv4Packet):
        yield Layer("IPv4", (("Source", str(payload.src)), ("Destination", str(payload.dst)), ("TTL", str(payload.ttl)),
                             ("Protocol", f"{payload.protocol.name} ({int(payload.protocol)})"),
                             ("Identification", f"0x{payload.ident:04x}"),
                             ("Don't fragment", "set" if payload.dont_fragment else "not set"),
                             ("Total length", str(payload.length))))
        yield from _transport(payload.payload)


def _transport(segment: Any) -> Iterable[Layer]:
    if isinstance(segment, IcmpMessage):
        kind = _ICMP_TYPES.get(segment.type, "")
        fields = [("Type", f"{int(segment.type)} ({kind})" if kind else str(int(segment.type))), ("Code", str(segment.code))]
        if segment.is_echo:
            fields += [("Identifier", f"0x{segment.ident:04x}"), ("Sequence", str(segment.seq))]
        yield Layer("ICMP", tuple(fields))
    elif isinstance(segment, UdpDatagram):
        yield Layer("UDP", (("Source port", str(segment.sport)), ("Destination port", str(segment.dport)),
                            ("Length", str(segment.length))))
        if isinstance(segment.payload, VxlanPacket):
            yield from _vxlan(segment.payload)
        elif not isinstance(segment.payload, bytes | bytearray):
            yield _dns(segment.payload)
    elif isinstance(segment, TcpSegment):
        yield Layer("TCP", (("Source port", str(segment.sport)), ("Destination port", str(segment.dport)),
                            ("Flags", _tcp_flags(segment.flags)), ("Sequence", str(segment.seq)),
                            ("Acknowledgment", str(segment.ack)), ("Window", str(segment.window)),
                            ("Payload", f"{len(segment.data)} bytes")))
        http = _http(segment.data)
        if http is not None:
            yield http


def _tcp_flags(flags: TcpFlags) -> str:
    names = [name for name, bit in (("SYN", TcpFlags.SYN), ("FIN", TcpFlags.FIN), ("RST", TcpFlags.RST),
                                    ("PSH", TcpFlags.PSH), ("ACK", TcpFlags.ACK)) if flags & bit]
    return ", ".join(names) or "none"


def _vxlan(packet: VxlanPacket) -> Iterable[Layer]:
    yield Layer("VXLAN", (("VNI", str(packet.vni)),))
    for inner in layers(packet.inner):
        yield Layer(f"Inner {inner.name}", inner.fields)


def _dns(message: Any) -> Layer:
    import dns.flags
    import dns.rcode
    import dns.rdatatype

    response = bool(message.flags & dns.flags.QR)
    fields = [("Transaction ID", f"0x{message.id:04x}"), ("Type", "response" if response else "query")]
    for question in message.question:
        fields.append(("Question", f"{question.name} {dns.rdatatype.to_text(question.rdtype)}"))
    if response:
        fields.append(("Reply code", dns.rcode.to_text(message.rcode())))
        for rrset in message.answer:
            for rdata in rrset:
                fields.append(("Answer", f"{rrset.name} {dns.rdatatype.to_text(rrset.rdtype)} {rdata}"))
    return Layer("DNS", tuple(fields))


_HTTP_STARTS = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"HTTP/1.")


def _http(data: bytes) -> Layer | None:
    """The request or status line and the Host header of an HTTP message at the start of a segment."""
    if not data.startswith(_HTTP_STARTS):
        return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    fields = [("Request" if not head[0].startswith("HTTP/") else "Status", head[0])]
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.lower() in ("host", "content-type", "content-length", "server", "user-agent"):
            fields.append((name, value.strip()))
    return Layer("HTTP", tuple(fields))


def changed(before: Sequence[Layer], after: Sequence[Layer]) -> set[tuple[str, str]]:
    """The ``(layer, field)`` pairs whose value differs between two readings of one packet.

    Layers present on one side only (a VXLAN wrap, a VLAN tag) count as changed
    in every field they have.
    """
    old = {(layer.name, name): value for layer in before for name, value in layer.fields}
    new = {(layer.name, name): value for layer in after for name, value in layer.fields}
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


_KO_FIELDS = {
    "Destination": "목적지", "Source": "출발지", "Type": "타입", "VLAN ID": "VLAN ID",
    "Opcode": "동작", "Sender MAC": "보낸 쪽 MAC", "Sender IP": "보낸 쪽 IP", "Target MAC": "찾는 MAC", "Target IP": "찾는 IP",
    "TTL": "TTL", "Protocol": "프로토콜", "Identification": "식별자", "Don't fragment": "조각 금지(DF)",
    "Total length": "전체 길이", "Code": "코드", "Identifier": "식별자", "Sequence": "순서 번호",
    "Source port": "출발지 포트", "Destination port": "목적지 포트", "Length": "길이", "Flags": "플래그",
    "Acknowledgment": "확인 번호", "Window": "윈도", "Payload": "데이터", "VNI": "VNI",
    "Transaction ID": "트랜잭션 ID", "Question": "질의", "Reply code": "응답 코드", "Answer": "응답",
    "Request": "요청", "Status": "상태",
}


def field_label(field: str, lang: str = "en") -> str:
    """A field's name in ``lang`` (protocol names and header names such as ``Host`` stay as they are)."""
    return _KO_FIELDS.get(field, field) if lang == "ko" else field


def render(frame: EthernetFrame, lang: str = "en", marked: set[tuple[str, str]] | None = None) -> str:
    """The layers as indented text, a ``*`` before each field in ``marked``.

    >>> from simulator.packets.addresses import IPv4Address, MacAddress
    >>> from simulator.packets.arp import ArpOp, ArpPacket
    >>> from simulator.packets.ethernet import EthernetFrame, EtherType
    >>> arp = ArpPacket(ArpOp.REQUEST, MacAddress.parse("02:42:ac:11:00:02"), IPv4Address("172.17.0.2"),
    ...                 MacAddress.parse("00:00:00:00:00:00"), IPv4Address("172.17.0.3"))
    >>> print(render(EthernetFrame(MacAddress.parse("ff:ff:ff:ff:ff:ff"), MacAddress.parse("02:42:ac:11:00:02"), EtherType.ARP, arp)))
    Ethernet II
        Destination: ff:ff:ff:ff:ff:ff
        Source: 02:42:ac:11:00:02
        Type: ARP (0x0806)
    ARP
        Opcode: request (1)
        Sender MAC: 02:42:ac:11:00:02
        Sender IP: 172.17.0.2
        Target MAC: 00:00:00:00:00:00
        Target IP: 172.17.0.3
    """
    marked = marked or set()
    lines: list[str] = []
    for layer in layers(frame):
        lines.append(layer.name)
        for name, value in layer.fields:
            star = "* " if (layer.name, name) in marked else "  "
            lines.append(f"  {star}{field_label(name, lang)}: {value}")
    return "\n".join(lines)
