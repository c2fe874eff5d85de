"""VXLAN (RFC 7348) values and bytes, checked with scapy, which nobody here wrote."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest
from scapy.layers.inet import UDP
from scapy.layers.l2 import Ether
from scapy.layers.vxlan import VXLAN

from simulator.packets import (
    EthernetFrame,
    EtherType,
    IcmpMessage,
    IcmpType,
    IPProtocol,
    IPv4Packet,
    MacAddress,
    UdpDatagram,
)
from simulator.packets.codec import decode, encode
from simulator.packets.vxlan import VXLAN_OVERHEAD, VXLAN_PORT, VxlanPacket

C1 = MacAddress.parse("02:42:0a:00:01:02")
C2 = MacAddress.parse("02:42:0a:00:01:04")
H1 = MacAddress.parse("52:54:00:12:34:56")
H2 = MacAddress.parse("52:54:00:12:34:57")


def inner() -> EthernetFrame:
    icmp = IcmpMessage(IcmpType.ECHO_REQUEST, 0, 7, 1, bytes(range(56)))
    return EthernetFrame(C2, C1, EtherType.IPV4, IPv4Packet(IPv4Address("10.0.1.2"), IPv4Address("10.0.1.4"), IPProtocol.ICMP, icmp))


def outer(no_checksum: bool = False) -> EthernetFrame:
    datagram = UdpDatagram(40000, VXLAN_PORT, VxlanPacket(4097, inner()), no_checksum=no_checksum)
    packet = IPv4Packet(IPv4Address("192.168.1.10"), IPv4Address("192.168.1.11"), IPProtocol.UDP, datagram, dont_fragment=False)
    return EthernetFrame(H2, H1, EtherType.IPV4, packet)


def test_fifty_bytes_of_outer_headers():
    assert VXLAN_OVERHEAD == 50
    assert outer().length - inner().length == 50
    assert len(encode(outer())) == outer().length


def test_scapy_reads_the_header_and_the_intact_inner_frame():
    raw = encode(outer())
    pkt = Ether(raw)
    assert pkt[UDP].dport == 4789 and pkt[VXLAN].vni == 4097 and pkt[VXLAN].flags == 0x08
    assert bytes(pkt[VXLAN].payload) == encode(inner())


def test_the_udp_checksum_is_computed_unless_told_not_to():
    """Linux >= 4.7 sends it on IPv4 tunnels (``udpcsum``); ``noudpcsum`` sends zero (RFC 768: none)."""
    pkt = Ether(encode(outer()))
    sent = pkt[UDP].chksum
    del pkt[UDP].chksum
    assert sent != 0 and Ether(bytes(pkt))[UDP].chksum == sent
    assert Ether(encode(outer(no_checksum=True)))[UDP].chksum == 0


def test_decode_round_trip():
    assert decode(encode(outer())) == outer()
    assert decode(encode(outer(no_checksum=True))).payload.payload.no_checksum


def test_not_vxlan_stays_bytes():
    packet = IPv4Packet(IPv4Address("1.1.1.1"), IPv4Address("2.2.2.2"), IPProtocol.UDP, UdpDatagram(1, 4789, b"\x00" * 30))
    frame = EthernetFrame(H2, H1, EtherType.IPV4, packet)
    assert decode(encode(frame)).payload.payload.payload == b"\x00" * 30


def test_vni_has_24_bits():
    with pytest.raises(ValueError):
        VxlanPacket(1 << 24, inner())


def test_summary_names_the_vni():
    assert "VXLAN, flags [I] (0x08), vni 4097" in outer().summary()
