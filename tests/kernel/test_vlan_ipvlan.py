"""802.1Q sub-interfaces and ipvlan (L2): tags on the wire, VLANs apart, one MAC for many addresses."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from simulator import Lab
from simulator.kernel import links
from simulator.kernel.devices.ipvlan import Child, IpvlanFlag, decide_receive, decide_transmit
from simulator.kernel.devices.upper import LinkError
from simulator.packets import ArpOp, ArpPacket, EthernetFrame, EtherType, MacAddress
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC
from simulator.trace.records import DropReason, FrameDropped, FrameSent


def vlan_lab() -> Lab:
    lab = Lab(hosts=2)
    for host, rng in (("host1", "64"), ("host2", "80")):
        for vid in (10, 20):
            r = lab.sh(f"docker network create -d macvlan --subnet=10.{vid}.0.0/24 --ip-range=10.{vid}.0.{rng}/28 -o parent=eth0.{vid} v{vid}", on=host)
            assert r.exit_code == 0, r
        for vid in (10, 20):
            assert lab.sh(f"docker run -itd --name {host}v{vid} --net v{vid} ubuntu:14.04", on=host).exit_code == 0
    return lab


def test_frames_on_the_wire_carry_the_tag_and_vlans_stay_apart():
    lab = vlan_lab()
    r = lab.sh("docker exec host1v10 ping -c 1 10.10.0.80", on="host1")
    assert " 1 received" in r.stdout
    on_wire = [x.frame for x in r.trace if isinstance(x, FrameSent) and x.node == "host1" and x.dev == "eth0"]
    assert on_wire and all(f.vlan == 10 for f in on_wire)
    # the untagged laptop and router drop the tagged broadcast (PACKET_OTHERHOST)
    drops = [x for x in r.trace if isinstance(x, FrameDropped) and x.reason is DropReason.VLAN_UNKNOWN]
    assert {d.node for d in drops} >= {"laptop", "router"}
    # nothing of VLAN 10 reached VLAN 20's container on host2
    ns20 = lab.engines["host2"].container("host2v20").netns
    assert ns20 is not None and not ns20.ipv4.neighbours.entries


def test_docker_removes_the_sub_interface_it_made():
    lab = Lab()
    assert lab.sh("docker network create -d macvlan -o parent=eth0.10 a").exit_code == 0
    assert lab.sh("docker network create -d macvlan -o parent=eth0.10 b").exit_code == 0  # >= 27.0.1: shared parent
    assert lab.sh("docker network rm a").exit_code == 0
    assert "eth0.10" in lab.machines["host"].netns.devices  # b still uses it
    assert lab.sh("docker network rm b").exit_code == 0
    assert "eth0.10" not in lab.machines["host"].netns.devices


def test_a_sub_interface_the_learner_made_stays():
    lab = Lab()
    assert lab.sh("ip link add link eth0 name eth0.30 type vlan id 30").exit_code == 0
    assert lab.sh("docker network create -d macvlan -o parent=eth0.30 a").exit_code == 0
    assert lab.sh("docker network rm a").exit_code == 0
    assert "eth0.30" in lab.machines["host"].netns.devices


def test_vlan_links_refused_like_the_kernel():
    lab = Lab()
    ns = lab.machines["host"].netns
    links.add_vlan(ns, "eth0.10", "eth0", 10)
    with pytest.raises(LinkError, match="VLAN device already exists"):
        links.add_vlan(ns, "other", "eth0", 10)
    with pytest.raises(LinkError, match="Invalid VLAN id"):
        links.add_vlan(ns, "eth0.5000", "eth0", 5000)
    assert ns.devices["eth0.10"].mac == ns.devices["eth0"].mac


# -- ipvlan -----------------------------------------------------------------------------------------

SHARED = MacAddress.parse("52:54:00:12:34:56")


def arp_for(ip: str, dst: MacAddress = BROADCAST_MAC, src: MacAddress = SHARED) -> EthernetFrame:
    return EthernetFrame(dst, src, EtherType.ARP, ArpPacket(ArpOp.REQUEST, src, IPv4Address("192.168.1.64"), ZERO_MAC, IPv4Address(ip)))


KIDS = (Child("c1/eth0", True, frozenset({IPv4Address("192.168.1.64")})), Child("c2/eth0", True, frozenset({IPv4Address("192.168.1.65")})))


def test_ipvlan_finds_children_by_address():
    assert decide_transmit(KIDS, KIDS[0], arp_for("192.168.1.65", SHARED), SHARED, IpvlanFlag.BRIDGE).children == ("c2/eth0",)
    assert decide_transmit(KIDS, KIDS[0], arp_for("192.168.1.65", SHARED), SHARED, IpvlanFlag.PRIVATE).children == ()
    assert decide_transmit(KIDS, KIDS[0], arp_for("192.168.1.10", SHARED), SHARED, IpvlanFlag.BRIDGE).to_parent
    v = decide_transmit(KIDS, KIDS[0], arp_for("192.168.1.1"), SHARED, IpvlanFlag.BRIDGE)
    assert v.children == ("c2/eth0",) and v.to_wire and not v.to_parent
    assert decide_receive(KIDS, arp_for("192.168.1.64", SHARED, MacAddress.parse("3c:22:fb:1a:2b:3c")), SHARED).children == ("c1/eth0",)


def test_ipvlan_children_share_the_parent_mac_on_the_lan():
    lab = Lab(hosts=2)
    create = "docker network create -d ipvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28 --gateway=192.168.1.1 -o parent=eth0 iv"
    assert lab.sh(create, on="host1").exit_code == 0
    for name in ("c1", "c2"):
        assert lab.sh(f"docker run -itd --name {name} --net iv ubuntu:14.04", on="host1").exit_code == 0
    assert " 1 received" in lab.sh("docker exec c1 ping -c 1 192.168.1.65", on="host1").stdout
    assert " 1 received" in lab.sh("ping -c 1 192.168.1.65", on="laptop").stdout
    laptop = lab.machines["laptop"].netns.ipv4.neighbours.entries
    host1_mac = lab.machines["host1"].netns.devices["eth0"].mac
    assert laptop[("eth0", IPv4Address("192.168.1.65"))].mac == host1_mac
    assert "Destination Host Unreachable" in lab.sh("ping -c 1 192.168.1.64", on="host1").stdout
