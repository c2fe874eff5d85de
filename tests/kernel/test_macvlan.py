"""macvlan: the pure decisions per mode (ip-link(8)), and the wiring on the lab's LAN."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from simulator import Lab
from simulator.kernel import links
from simulator.kernel.devices.macvlan import Child, MacvlanMode, decide_receive, decide_transmit
from simulator.kernel.devices.upper import LinkError
from simulator.packets import ArpOp, ArpPacket, EthernetFrame, EtherType, MacAddress
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC
from simulator.trace.records import DropReason, FrameDropped, MacvlanForwarded

PARENT = MacAddress.parse("52:54:00:12:34:56")
A, B, C, D = (MacAddress.parse(f"02:00:00:00:00:0{i}") for i in range(1, 5))
OUTSIDE = MacAddress.parse("3c:22:fb:1a:2b:3c")


def arp(src: MacAddress, dst: MacAddress = BROADCAST_MAC) -> EthernetFrame:
    return EthernetFrame(dst, src, EtherType.ARP, ArpPacket(ArpOp.REQUEST, src, IPv4Address("10.0.0.1"), ZERO_MAC, IPv4Address("10.0.0.2")))


def children(*modes: MacvlanMode) -> tuple[Child, ...]:
    return tuple(Child(f"c{i}/eth0", mac, mode, True) for i, (mac, mode) in enumerate(zip((A, B, C, D), modes, strict=False)))


BRIDGE, VEPA, PRIVATE, PASSTHRU = MacvlanMode.BRIDGE, MacvlanMode.VEPA, MacvlanMode.PRIVATE, MacvlanMode.PASSTHRU


# -- sending ------------------------------------------------------------------------------------


def test_bridge_broadcast_goes_to_bridge_siblings_and_the_wire():
    kids = children(BRIDGE, BRIDGE, VEPA)
    v = decide_transmit(kids, kids[0], arp(A), PARENT)
    assert v.children == ("c1/eth0",) and v.to_wire and not v.to_parent


def test_bridge_unicast_to_a_sibling_stays_inside_through_the_parent():
    kids = children(BRIDGE, BRIDGE)
    v = decide_transmit(kids, kids[0], arp(A, B), PARENT)
    assert v.children == ("c1/eth0",) and v.via_parent and not v.to_wire


def test_bridge_unicast_to_the_parent_goes_to_the_wire():
    kids = children(BRIDGE)
    v = decide_transmit(kids, kids[0], arp(A, PARENT), PARENT)
    assert v.to_wire and not v.children and "parent" in v.reason


@pytest.mark.parametrize("mode", [VEPA, PRIVATE, PASSTHRU])
def test_other_modes_send_everything_to_the_wire(mode):
    kids = children(mode, BRIDGE)
    for frame in (arp(A), arp(A, B)):
        v = decide_transmit(kids, kids[0], frame, PARENT)
        assert v.to_wire and not v.children


# -- receiving ------------------------------------------------------------------------------------


def test_broadcast_from_outside_reaches_every_child_and_the_parent():
    kids = children(BRIDGE, VEPA, PRIVATE)
    v = decide_receive(kids, arp(OUTSIDE), passthru=False)
    assert set(v.children) == {"c0/eth0", "c1/eth0", "c2/eth0"} and v.to_parent and not v.consumed


@pytest.mark.parametrize(("src_mode", "expected"), [
    (VEPA, {"c1/eth0", "c2/eth0"}),  # from a VEPA child (reflected): VEPA and bridge siblings
    (BRIDGE, {"c1/eth0"}),  # from a bridge child: only the VEPA ones, the bridge ones had theirs
])
def test_reflected_broadcast_rules(src_mode, expected):
    kids = (Child("c0/eth0", A, src_mode, True), Child("c1/eth0", B, VEPA, True), Child("c2/eth0", C, BRIDGE, True), Child("c3/eth0", D, PRIVATE, True))
    v = decide_receive(kids, arp(A), passthru=False)
    assert set(v.children) == expected and v.to_parent


def test_reflected_broadcast_of_a_private_child_goes_back_to_it_only():
    kids = children(PRIVATE, PRIVATE)
    v = decide_receive(kids, arp(A), passthru=False)
    assert v.children == ("c0/eth0",) and v.consumed and not v.to_parent


def test_unicast_for_a_child_is_consumed_and_for_nobody_goes_to_the_parent():
    kids = children(BRIDGE, PRIVATE)
    assert decide_receive(kids, arp(OUTSIDE, B), passthru=False).children == ("c1/eth0",)
    assert decide_receive(kids, arp(OUTSIDE, PARENT), passthru=False).to_parent


def test_a_down_child_drops_its_unicast():
    kids = (Child("c0/eth0", A, BRIDGE, False),)
    v = decide_receive(kids, arp(OUTSIDE, A), passthru=False)
    assert v.consumed and not v.children


def test_passthru_child_takes_every_unicast():
    kids = (Child("c0/eth0", PARENT, PASSTHRU, True),)
    assert decide_receive(kids, arp(OUTSIDE, C), passthru=True).children == ("c0/eth0",)


# -- rtnetlink's refusals --------------------------------------------------------------------------


def test_links_refused_like_the_kernel_refuses():
    lab = Lab()
    ns = lab.machines["host"].netns
    with pytest.raises(LinkError, match="Invalid argument"):
        links.add_macvlan(ns, "m0", "lo", BRIDGE)
    with pytest.raises(LinkError, match='Cannot find device "eth9"') as info:
        links.add_macvlan(ns, "m0", "eth9", BRIDGE)
    assert info.value.status == 1
    links.add_macvlan(ns, "m0", "eth0", BRIDGE)
    with pytest.raises(LinkError, match="File exists"):
        links.add_macvlan(ns, "m0", "eth0", BRIDGE)
    with pytest.raises(LinkError, match="Invalid argument"):  # passthru must be the only child
        links.add_macvlan(ns, "m1", "eth0", PASSTHRU)
    with pytest.raises(LinkError, match="Device or resource busy"):  # one rx_handler per device
        from simulator.kernel.devices.ipvlan import IpvlanFlag, IpvlanMode

        links.add_ipvlan(ns, "i0", "eth0", IpvlanMode.L2, IpvlanFlag.BRIDGE)
    links.delete(ns, "m0")
    assert ns.devices["eth0"].upper is None


# -- on the LAN -------------------------------------------------------------------------------------


def siblings(mode: str, hairpin: bool) -> str:
    """Two containers on one host in ``mode``; what ``c1`` pinging ``c2`` prints."""
    lab = Lab()
    assert lab.sh(f"docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28 "
                  f"-o macvlan_mode={mode} -o parent=eth0 mv").exit_code == 0
    for name in ("c1", "c2"):
        assert lab.sh(f"docker run -itd --name {name} --net mv ubuntu:14.04").exit_code == 0
    switch = lab.topology.switch
    assert switch is not None
    if hairpin:  # 802.1Qbg reflective relay on the host's port
        eth0 = lab.machines["host"].netns.devices["eth0"]
        switch.hairpin_ports.add(next(p.name for p in switch.ports.values() if p.wire is not None and p.wire.a is eth0))
    return lab.sh("docker exec c1 ping -c 1 192.168.1.65").stdout


@pytest.mark.parametrize(("mode", "hairpin", "answered"), [
    ("bridge", False, True),  # delivered inside the host
    ("vepa", False, False),  # sent to the switch, which never sends it back
    ("vepa", True, True),  # the switch reflects it: VEPA works
    ("private", True, False),  # reflected broadcasts go back to the sender only: no ARP, no ping
])
def test_siblings_per_mode(mode, hairpin, answered):
    assert (" 1 received" in siblings(mode, hairpin)) is answered


def test_one_mac_per_port_stops_macvlan_but_not_ipvlan():
    lab = Lab(hosts=2, one_mac_per_port=True)
    create = "docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28 --gateway=192.168.1.1 -o parent=eth0 mv"
    assert lab.sh(create, on="host1").exit_code == 0
    assert lab.sh("docker run -itd --name c1 --net mv ubuntu:14.04", on="host1").exit_code == 0
    r = lab.sh("ping -c 1 192.168.1.64", on="laptop")
    assert "0 received" in r.stdout
    assert any(isinstance(x, FrameDropped) and x.reason is DropReason.FILTERED and "port security" in x.detail for x in r.trace)
    lab = Lab(hosts=2, one_mac_per_port=True)
    create = "docker network create -d ipvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28 --gateway=192.168.1.1 -o parent=eth0 iv"
    assert lab.sh(create, on="host1").exit_code == 0
    assert lab.sh("docker run -itd --name c1 --net iv ubuntu:14.04", on="host1").exit_code == 0
    assert " 1 received" in lab.sh("ping -c 1 192.168.1.64", on="laptop").stdout


def test_the_trace_says_why_the_host_cannot_reach_its_child():
    lab = Lab(hosts=2)
    lab.sh("docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28 --gateway=192.168.1.1 -o parent=eth0 mv", on="host1")
    lab.sh("docker run -itd --name c1 --net mv ubuntu:14.04", on="host1")
    r = lab.sh("ping -c 1 192.168.1.64", on="host1")
    notes = [x for x in r.trace if isinstance(x, MacvlanForwarded) and x.origin == "eth0"]
    assert notes and "never hands the parent's own frames" in notes[0].reason
    assert "Destination Host Unreachable" in r.stdout
