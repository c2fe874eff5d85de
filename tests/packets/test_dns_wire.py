"""DNS messages as bytes: compressed (dnspython's way) or with every name in full (the embedded DNS's)."""

from __future__ import annotations

from ipaddress import IPv4Address

import dns.message
import dns.rrset
from scapy.layers.dns import DNS

from simulator.packets import (
    EthernetFrame,
    EtherType,
    IPProtocol,
    IPv4Packet,
    MacAddress,
    UdpDatagram,
)
from simulator.packets.codec import decode, encode
from simulator.packets.dns_wire import encode as dns_encode


def answer(name: str, *addresses: str, edns: bool = False) -> dns.message.Message:
    query = dns.message.make_query(name, "A", use_edns=0 if edns else False, payload=1232)
    response = dns.message.make_response(query)
    response.answer.append(dns.rrset.from_text(name, 600, "IN", "A", *addresses))
    return response


def test_uncompressed_names_are_written_in_full_once_per_record() -> None:
    # "srva." is 6 bytes; a pointer is 2: every answer record costs 4 bytes more
    one, three = answer("srva.", "10.11.0.2"), answer("srva.", "10.11.0.2", "10.11.0.3", "10.11.0.4")
    assert len(dns_encode(one)) == 38 and len(dns_encode(one, compress=False)) == 42
    assert len(dns_encode(three, compress=False)) - len(dns_encode(three)) == 3 * 4
    wire = dns_encode(one, compress=False)
    assert b"\xc0" not in wire[12:]  # no compression pointer after the header
    assert wire.count(b"\x04srva\x00") == 2


def test_uncompressed_bytes_parse_back_to_the_same_message_also_with_edns() -> None:
    for message in (answer("srvb.dnsnet.", "10.11.0.3", "10.11.0.9"), answer("x.", "1.2.3.4", edns=True)):
        wire = dns_encode(message, compress=False)
        assert dns.message.from_wire(wire) == message
        parsed = DNS(wire)  # an independent decoder (scapy)
        assert parsed.ancount == len(message.answer[0]) and parsed.arcount == (1 if message.edns >= 0 else 0)


def test_a_datagram_keeps_the_bytes_its_sender_gave_and_a_capture_decodes_them_unchanged() -> None:
    message = answer("srva.", "10.11.0.2")
    wire = dns_encode(message, compress=False)
    datagram = UdpDatagram(53, 40000, message, wire)
    assert datagram.payload_bytes == wire and datagram.length == 8 + 42
    assert UdpDatagram(53, 40000, message).payload_bytes == message.to_wire()  # default: compressed
    frame = EthernetFrame(MacAddress.parse("02:42:0a:0b:00:02"), MacAddress.parse("02:42:0a:0b:00:03"), EtherType.IPV4,
                          IPv4Packet(IPv4Address("127.0.0.11"), IPv4Address("10.11.0.4"), IPProtocol.UDP, datagram))
    raw = encode(frame)
    assert encode(decode(raw)) == raw
    back = decode(raw).payload.payload
    assert isinstance(back, UdpDatagram) and back.payload_bytes == wire
