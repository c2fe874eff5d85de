"""The bridge's forwarding decision, without a clock."""

from __future__ import annotations

from ipaddress import IPv4Address

from simulator.kernel.devices.bridge import FdbEntry, decide
from simulator.packets import ArpOp, ArpPacket, EthernetFrame, EtherType, MacAddress
from simulator.trace.records import DropReason

A = MacAddress.parse("02:42:ac:11:00:02")
B = MacAddress.parse("02:42:ac:11:00:03")
BR = MacAddress.parse("02:42:11:22:33:44")
PORTS = ("vethA", "vethB", "vethC")


def frame(dst: MacAddress, src: MacAddress) -> EthernetFrame:
    arp = ArpPacket(ArpOp.REQUEST, src, IPv4Address("172.17.0.2"), MacAddress(b"\0" * 6), IPv4Address("172.17.0.3"))
    return EthernetFrame(dst, src, EtherType.ARP, arp)


def test_broadcast_floods_to_every_other_port_and_up_to_the_host():
    d = decide({}, PORTS, frame(MacAddress(b"\xff" * 6), A), "vethA", 0.0)
    assert d.action == "flood" and d.ports == ("vethB", "vethC") and d.local


def test_unknown_unicast_floods_but_is_not_passed_up():
    d = decide({}, PORTS, frame(B, A), "vethA", 0.0)
    assert d.action == "flood" and d.ports == ("vethB", "vethC") and not d.local


def test_known_unicast_goes_to_the_learned_port_only():
    fdb = {B: FdbEntry("vethB", 0.0)}
    d = decide(fdb, PORTS, frame(B, A), "vethA", 10.0)
    assert d.action == "forward" and d.ports == ("vethB",) and d.fdb_port == "vethB"


def test_frame_for_the_bridge_itself_goes_up():
    fdb = {BR: FdbEntry("docker0", 0.0, local=True)}
    d = decide(fdb, PORTS, frame(BR, A), "vethA", 0.0)
    assert d.action == "local" and d.local and d.ports == ()


def test_no_hairpin_back_out_of_the_ingress_port():
    fdb = {B: FdbEntry("vethA", 0.0)}
    d = decide(fdb, PORTS, frame(B, A), "vethA", 0.0)
    assert d.action == "drop" and d.reason is DropReason.SAME_PORT


def test_entries_age_out_after_300_seconds():
    fdb = {B: FdbEntry("vethB", 0.0)}
    assert decide(fdb, PORTS, frame(B, A), "vethA", 299.0).action == "forward"
    assert decide(fdb, PORTS, frame(B, A), "vethA", 301.0).action == "flood"
    assert B not in fdb
