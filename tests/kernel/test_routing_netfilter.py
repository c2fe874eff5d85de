"""Routing and netfilter decisions are pure."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from simulator.kernel.ipv4.netfilter import IptablesError, Netfilter, PacketInfo, parse_rule
from simulator.kernel.ipv4.routing import Route, RoutingTable


def test_longest_prefix_wins_and_default_catches_the_rest():
    t = RoutingTable()
    t.add(Route(IPv4Network("0.0.0.0/0"), "eth0", gateway=IPv4Address("172.17.0.1")))
    t.add(Route(IPv4Network("172.17.0.0/16"), "eth0", proto="kernel", scope="link", src=IPv4Address("172.17.0.2")))
    t.add(Route(IPv4Network("172.17.5.0/24"), "eth1"))
    assert t.lookup(IPv4Address("172.17.5.9")).dev == "eth1"
    assert t.lookup(IPv4Address("172.17.0.3")).gateway is None
    assert t.lookup(IPv4Address("8.8.8.8")).gateway == IPv4Address("172.17.0.1")
    assert [r.text() for r in t.listing()][0] == "default via 172.17.0.1 dev eth0"
    with pytest.raises(FileExistsError):
        t.add(Route(IPv4Network("172.17.5.0/24"), "eth2"))


def test_rules_print_back_as_iptables_S_prints_them():
    for text in [
        "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
        "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
    ]:
        assert parse_rule(text)[1].text() == text
    assert parse_rule("-A INPUT -s 10.0.0.1 -j DROP")[1].text() == "-A INPUT -s 10.0.0.1/32 -j DROP"
    with pytest.raises(IptablesError):
        parse_rule("-A INPUT --bogus -j DROP")


def packet(src: str, dst: str, i: str | None, o: str | None) -> PacketInfo:
    return PacketInfo(IPv4Address(src), IPv4Address(dst), "icmp", 1, 1, i, o, False, "NEW", 84)


def test_isolation_chain_drops_bridge_to_bridge_and_counts_it():
    nf = Netfilter()
    nf.set_policy("filter", "FORWARD", "DROP")
    for chain in ("DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2"):
        nf.new_chain("filter", chain)
    for rule in [
        "-A FORWARD -j DOCKER-ISOLATION-STAGE-1",
        "-A FORWARD -i br-a ! -o br-a -j ACCEPT",
        "-A DOCKER-ISOLATION-STAGE-1 -i br-a ! -o br-a -j DOCKER-ISOLATION-STAGE-2",
        "-A DOCKER-ISOLATION-STAGE-1 -j RETURN",
        "-A DOCKER-ISOLATION-STAGE-2 -o br-b -j DROP",
        "-A DOCKER-ISOLATION-STAGE-2 -j RETURN",
    ]:
        nf.apply("filter", rule)
    verdict = nf.evaluate("filter", "FORWARD", packet("172.18.0.2", "172.19.0.2", "br-a", "br-b"))
    assert verdict.target == "DROP" and verdict.rule.text() == "-A DOCKER-ISOLATION-STAGE-2 -o br-b -j DROP"
    verdict = nf.evaluate("filter", "FORWARD", packet("172.18.0.2", "8.8.8.8", "br-a", "eth0"))
    assert verdict.target == "ACCEPT"
    verdict = nf.evaluate("filter", "FORWARD", packet("8.8.8.8", "172.18.0.2", "eth0", "br-a"))
    assert verdict.target == "DROP" and verdict.rule is None  # the policy
    drop_rule = nf.tables["filter"]["DOCKER-ISOLATION-STAGE-2"].rules[0]
    assert drop_rule.packets == 1 and drop_rule.bytes == 84
