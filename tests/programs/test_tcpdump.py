"""tcpdump: what it prints for the frames a device sees, with the filters it understands."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.packets import ArpOp, ArpPacket, EthernetFrame, EtherType, MacAddress
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC
from simulator.programs.tcpdump import FilterError, compile_filter, describe

A = MacAddress.parse("52:54:00:12:34:56")


def arp(vlan: int | None = None) -> EthernetFrame:
    from ipaddress import IPv4Address

    return EthernetFrame(BROADCAST_MAC, A, EtherType.ARP, ArpPacket(ArpOp.REQUEST, A, IPv4Address("10.0.0.1"), ZERO_MAC, IPv4Address("10.0.0.2")), vlan)


def test_lines_with_and_without_the_link_header():
    assert describe(arp(), False) == "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28"
    assert describe(arp(), True) == ("52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "
                                     "Request who-has 10.0.0.2 tell 10.0.0.1, length 28")
    assert describe(arp(10), True).startswith("52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, ethertype 802.1Q (0x8100), length 46: vlan 10, p 0, ethertype ARP")


def test_filters():
    assert compile_filter(["arp"])(arp()) and not compile_filter(["icmp"])(arp())
    assert compile_filter(["not", "vlan"])(arp()) and compile_filter(["vlan", "10"])(arp(10))
    assert compile_filter(["host", "10.0.0.2", "and", "arp"])(arp())
    assert not compile_filter(["src", "host", "10.0.0.2"])(arp())
    with pytest.raises(FilterError):
        compile_filter(["frobnicate"])


def test_watching_a_background_ping():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -itd --name c2 ubuntu:14.04")
    assert lab.sh("docker exec -d c1 ping -c 3 172.17.0.3").stdout == ""
    out = lab.sh("tcpdump -i docker0 -n -c 2 icmp").stdout.splitlines()
    assert out[:2] == ["tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
                       "listening on docker0, link-type EN10MB (Ethernet), snapshot length 262144 bytes"]
    assert "IP 172.17.0.2 > 172.17.0.3: ICMP echo request, id" in out[2] and "echo reply" in out[3]
    assert out[4:] == ["2 packets captured", "2 packets received by filter", "0 packets dropped by kernel"]


def test_without_a_count_it_stops_after_ten_seconds():
    lab = Lab()
    start = lab.sim.now
    out = lab.sh("tcpdump -i eth0 -n").stdout
    assert "^C\n0 packets captured" in out and lab.sim.now - start >= 10


def test_errors():
    lab = Lab()
    assert lab.sh("tcpdump -i eth9").stderr == "tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n"
    assert lab.sh("tcpdump -c 1 udp prt 53").stderr.startswith("tcpdump: can't parse filter expression")
