"""Bytes on the wire: our encoder against scapy, an independent decoder."""

from __future__ import annotations

from ipaddress import IPv4Address

from hypothesis import given
from hypothesis import strategies as st
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Ether

from simulator.packets import (
    ArpOp,
    ArpPacket,
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

macs = st.binary(min_size=6, max_size=6).map(MacAddress)
ips = st.integers(min_value=0, max_value=2**32 - 1).map(IPv4Address)


def rebuilt(raw: bytes) -> bytes:
    """scapy recomputes every checksum and length from scratch."""
    pkt = Ether(raw)
    for layer in (IP, ICMP, UDP):
        if layer in pkt:
            del pkt[layer].chksum
    if IP in pkt:
        del pkt[IP].len
    if UDP in pkt:
        del pkt[UDP].len
    return bytes(Ether(bytes(pkt)))


@given(macs, macs, ips, ips, st.integers(0, 255), st.integers(0, 65535), st.integers(0, 65535), st.binary(max_size=64), st.booleans())
def test_icmp_echo_bytes_match_scapy(dst, src, sip, dip, ttl, ident, seq, data, df):
    echo = IcmpMessage(IcmpType.ECHO_REQUEST, 0, ident, seq, data)
    frame = EthernetFrame(dst, src, EtherType.IPV4, IPv4Packet(sip, dip, IPProtocol.ICMP, echo, ttl=ttl, dont_fragment=df))
    raw = encode(frame)
    assert len(raw) == frame.length == 14 + 20 + 8 + len(data)
    assert rebuilt(raw) == raw
    pkt = Ether(raw)
    assert pkt[IP].ttl == ttl and pkt[ICMP].seq == seq and pkt[ICMP].id == ident
    assert bool(pkt[IP].flags.DF) == df
    assert decode(raw) == frame


@given(macs, macs, ips, ips, st.integers(1, 65535), st.integers(1, 65535), st.binary(max_size=100))
def test_udp_bytes_match_scapy(dst, src, sip, dip, sport, dport, data):
    frame = EthernetFrame(dst, src, EtherType.IPV4, IPv4Packet(sip, dip, IPProtocol.UDP, UdpDatagram(sport, dport, data)))
    raw = encode(frame)
    assert rebuilt(raw) == raw
    assert Ether(raw)[UDP].sport == sport


def test_arp_request_is_42_bytes_like_linux_sends_it():
    arp = ArpPacket(ArpOp.REQUEST, MacAddress.parse("02:42:ac:11:00:02"), IPv4Address("172.17.0.2"), MacAddress(b"\0" * 6), IPv4Address("172.17.0.3"))
    frame = EthernetFrame(MacAddress(b"\xff" * 6), arp.sender_mac, EtherType.ARP, arp)
    raw = encode(frame)
    assert len(raw) == 42
    pkt = Ether(raw)
    assert pkt[ARP].op == 1 and pkt[ARP].pdst == "172.17.0.3" and pkt[ARP].hwsrc == "02:42:ac:11:00:02"
    assert frame.summary() == "02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 172.17.0.3 tell 172.17.0.2"
    assert decode(raw) == frame


def test_vlan_tag_is_on_the_wire():
    arp = ArpPacket(ArpOp.REPLY, MacAddress.parse("02:00:00:00:00:01"), IPv4Address("10.0.0.1"), MacAddress.parse("02:00:00:00:00:02"), IPv4Address("10.0.0.2"))
    frame = EthernetFrame(arp.target_mac, arp.sender_mac, EtherType.ARP, arp, vlan=10)
    raw = encode(frame)
    assert len(raw) == 46
    assert Ether(raw).vlan == 10
    assert decode(raw) == frame


def test_mac_address_forms():
    mac = MacAddress.from_ipv4(IPv4Address("172.17.0.2"))
    assert str(mac) == "02:42:ac:11:00:02"
    assert not mac.is_multicast and MacAddress.parse("FF:FF:FF:FF:FF:FF").is_broadcast
    import random

    for seed in range(50):
        m = MacAddress.random_local(random.Random(seed))
        assert m[0] & 0x03 == 0x02  # locally administered, unicast
