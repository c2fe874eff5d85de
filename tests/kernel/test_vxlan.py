"""VXLAN devices: the FDB decision, the source port hash, ARP proxy, learning, and the bytes."""

from __future__ import annotations

from ipaddress import IPv4Address

from simulator import Lab
from simulator.kernel import links
from simulator.kernel.devices.vxlan import EPHEMERAL_PORTS, VxlanFdbEntry, decide, flow_source_port
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
)
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC
from simulator.packets.vxlan import VxlanPacket
from simulator.trace.records import (
    ArpProxied,
    DropReason,
    FrameDropped,
    FrameSent,
    VxlanDecapsulated,
    VxlanEncapsulated,
)

A = MacAddress.parse("02:42:0a:00:01:02")
B = MacAddress.parse("02:42:0a:00:01:04")
H2 = IPv4Address("192.168.1.11")


def ping(src: MacAddress, dst: MacAddress, reply: bool = False) -> EthernetFrame:
    s, d = IPv4Address("10.0.1.2"), IPv4Address("10.0.1.4")
    if reply:
        s, d = d, s
    kind = IcmpType.ECHO_REPLY if reply else IcmpType.ECHO_REQUEST
    return EthernetFrame(dst, src, EtherType.IPV4, IPv4Packet(s, d, IPProtocol.ICMP, IcmpMessage(kind, 0, 9, 1, b"x" * 56)))


def test_decide_uses_the_fdb_then_the_default_remote_then_drops():
    fdb = {B: VxlanFdbEntry((H2,), True, 0.0)}
    assert decide(fdb, ping(A, B), "vxlan0", 100.0).remotes == (H2,)
    miss = decide(fdb, ping(A, BROADCAST_MAC), "vxlan0", 100.0)
    assert miss.remotes == () and "l2miss" in miss.reason
    fdb[ZERO_MAC] = VxlanFdbEntry((H2, IPv4Address("192.168.1.12")), True, 0.0)
    assert len(decide(fdb, ping(A, BROADCAST_MAC), "vxlan0", 100.0).remotes) == 2


def test_learned_entries_age_out_permanent_ones_do_not():
    fdb = {B: VxlanFdbEntry((H2,), False, 0.0), A: VxlanFdbEntry((H2,), True, 0.0)}
    assert decide(fdb, ping(B, A), "vxlan0", 1000.0).remotes == (H2,)
    assert decide(fdb, ping(A, B), "vxlan0", 1000.0).remotes == ()
    assert B not in fdb


def test_the_source_port_is_one_per_flow_both_ways_and_ephemeral():
    one = flow_source_port(0, "host1", ping(A, B))
    assert one == flow_source_port(0, "host1", ping(B, A, reply=True))
    assert EPHEMERAL_PORTS[0] <= one <= EPHEMERAL_PORTS[1]
    assert flow_source_port(0, "host2", ping(A, B)) != one  # another host, another key


def two_vteps() -> tuple[Lab, object, object]:
    """vxlan0 in each host's own namespace, with static entries: the smallest overlay."""
    lab = Lab(hosts=2)
    devs = []
    for host, me, peer_ip, peer_mac, local_ip, mac in (("host1", "10.0.1.2/24", "10.0.1.4", B, "192.168.1.11", A),
                                                       ("host2", "10.0.1.4/24", "10.0.1.2", A, "192.168.1.10", B)):
        ns = lab.machines[host].netns
        dev = links.add_vxlan(ns, "vxlan0", 4097, proxy=True, mtu=1450, mac=mac)
        ns.add_address("vxlan0", me)
        ns.set_up("vxlan0")
        ns.ipv4.neighbours.add_permanent("vxlan0", IPv4Address(peer_ip), peer_mac)
        dev.fdb_add(peer_mac, IPv4Address(local_ip))
        devs.append(dev)
    return lab, devs[0], devs[1]


def test_encapsulation_on_the_wire():
    lab, vx1, _ = two_vteps()
    r = lab.sh("ping -c 1 10.0.1.4", on="host1")
    assert " 1 received" in r.stdout
    assert not any(isinstance(x, ArpProxied) for x in r.trace)  # permanent entries: no ARP at all
    enc = [x for x in r.trace if isinstance(x, VxlanEncapsulated)]
    assert enc[0].outer.ttl == 64 and not enc[0].outer.dont_fragment and enc[0].outer.tos == 0
    wire = [x.frame for x in r.trace if isinstance(x, FrameSent) and x.node == "host1" and x.dev == "eth0" and x.frame.ethertype == EtherType.IPV4]
    outer = wire[0].payload
    datagram = outer.payload
    assert datagram.dport == 4789 and isinstance(datagram.payload, VxlanPacket) and datagram.payload.vni == 4097
    assert datagram.payload.inner == enc[0].inner and wire[0].length == enc[0].inner.length + 50
    assert not datagram.no_checksum
    assert any(isinstance(x, VxlanDecapsulated) and x.node == "host2" for x in r.trace)
    assert vx1.fdb[B].permanent


def test_learning_and_no_migration_of_permanent_entries():
    lab, vx1, vx2 = two_vteps()
    vx2.fdb.pop(A)  # host2 must learn where A is from the first packet
    r = lab.sh("ping -c 1 10.0.1.4", on="host1")
    assert " 1 received" in r.stdout
    assert any(isinstance(x, VxlanDecapsulated) and x.learned for x in r.trace)
    assert not vx2.fdb[A].permanent and vx2.fdb[A].remotes == (IPv4Address("192.168.1.10"),)


def test_no_fdb_entry_is_a_drop_with_its_reason():
    lab, vx1, _ = two_vteps()
    vx1.fdb.clear()
    r = lab.sh("ping -c 1 -W 1 10.0.1.4", on="host1")
    assert any(isinstance(x, FrameDropped) and x.reason is DropReason.VXLAN_NO_FDB for x in r.trace)


def test_proxy_without_an_entry_drops_the_request():
    lab, vx1, _ = two_vteps()
    lab.machines["host1"].netns.ipv4.neighbours.entries.clear()
    r = lab.sh("ping -c 1 -W 1 10.0.1.4", on="host1")
    assert any(isinstance(x, ArpProxied) and x.reply is None for x in r.trace)
    assert not any(isinstance(x, VxlanEncapsulated) for x in r.trace)


def test_arp_reply_value():
    arp = ArpPacket(ArpOp.REQUEST, A, IPv4Address("10.0.1.2"), ZERO_MAC, IPv4Address("10.0.1.4"))
    assert arp.op is ArpOp.REQUEST
