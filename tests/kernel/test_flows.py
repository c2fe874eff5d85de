"""The per-flow fast path changes nothing a learner can see, and forgets a decision as soon as it is stale.

Each test runs the same lab twice, with the fast path and without it (its ``remember``
methods made no-ops, so every packet takes the full path), changes a route, a
neighbour entry, an iptables rule or the conntrack table in the middle of a running
ping (one flow, cached by then), and compares what the two runs printed and recorded:
every trace record, in order, and the iptables counters. Each test also checks that
the change had its effect on the very next packets.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network

import pytest

from simulator import Lab
from simulator.kernel.ipv4.flows import FlowCache
from simulator.kernel.ipv4.routing import Route
from simulator.packets import ArpPacket, MacAddress
from simulator.trace.records import FrameSent, NeighbourChanged

Change = Callable[[Lab], None]


def run(change: Change, ping: str, at_s: float, cached: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Lab, str, list[str], str]:
    """A lab with c1 and c2 on docker0; ``change`` runs ``at_s`` seconds into ``ping``."""
    with monkeypatch.context() as patch:
        if not cached:
            for name in ("remember_link", "remember_route", "remember_verdict"):
                patch.setattr(FlowCache, name, lambda *args: None)
        lab = Lab(seed=7)
        lab.sh("docker run -itd --cap-add NET_ADMIN --name c1 alpine")
        lab.sh("docker run -itd --name c2 alpine")
        start = len(lab.sim.tracer.records)
        lab.sim.call_later(at_s, lambda: change(lab))
        out = lab.sh(ping).stdout
        records = [repr(r) for r in lab.sim.tracer.records[start:]]
        counters = lab.sh("iptables-save -c").stdout
    return lab, out, records, counters


def same_with_and_without(change: Change, ping: str, at_s: float, monkeypatch: pytest.MonkeyPatch) -> tuple[Lab, str]:
    lab, out, records, counters = run(change, ping, at_s, True, monkeypatch)
    _, out_slow, records_slow, counters_slow = run(change, ping, at_s, False, monkeypatch)
    assert len(records) > 20
    assert out == out_slow
    assert records == records_slow
    assert counters == counters_slow
    return lab, out


def test_a_new_default_route_is_taken_by_the_next_packet(monkeypatch: pytest.MonkeyPatch) -> None:
    def change(lab: Lab) -> None:
        routes = lab.engine.container("c1").netns.ipv4.routes
        routes.remove(lambda r: r.network.prefixlen == 0)
        routes.add(Route(IPv4Network("0.0.0.0/0"), "eth0", gateway=IPv4Address("172.17.0.99")))

    lab, out = same_with_and_without(change, "docker exec c1 ping -c 6 -W 1 8.8.8.8", 2.5, monkeypatch)
    assert "6 packets transmitted, 3 packets received" in out  # the gateway 172.17.0.99 never answers ARP
    c1 = lab.engine.container("c1").netns.node
    sent = [r.frame.payload for r in lab.sim.tracer.records if isinstance(r, FrameSent) and r.node == c1]
    assert any(isinstance(p, ArpPacket) and p.target_ip == IPv4Address("172.17.0.99") for p in sent)  # who-has the new gateway


def test_a_changed_neighbour_entry_is_used_by_the_next_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = MacAddress.parse("02:42:ac:11:00:99")

    def change(lab: Lab) -> None:
        lab.engine.container("c1").netns.ipv4.neighbours.add_permanent("eth0", IPv4Address("172.17.0.3"), wrong)

    lab, out = same_with_and_without(change, "docker exec c1 ping -c 5 -W 1 172.17.0.3", 2.5, monkeypatch)
    assert "5 packets transmitted, 3 packets received" in out
    c1 = lab.engine.container("c1").netns.node
    sent = [r for r in lab.sim.tracer.records if isinstance(r, FrameSent) and r.node == c1 and r.frame.ethertype.name == "IPV4"]
    assert sent and sent[-1].frame.dst == wrong


def test_a_neighbour_going_stale_is_seen_by_the_next_packet(monkeypatch: pytest.MonkeyPatch) -> None:
    # ICMP never confirms reachability: after its reachable time (15-45 s) the entry is STALE,
    # the next echo request moves it to DELAY, and 5 s later a unicast probe goes out.
    lab, out = same_with_and_without(lambda lab: None, "docker exec c1 ping -c 60 172.17.0.3", 1.0, monkeypatch)
    assert "60 packets transmitted, 60 packets received" in out
    c1 = lab.engine.container("c1").netns.node
    changes = [(r.old, r.new) for r in lab.sim.tracer.records if isinstance(r, NeighbourChanged) and r.node == c1 and r.ip == IPv4Address("172.17.0.3")]
    assert ("REACHABLE", "STALE") in changes and ("STALE", "DELAY") in changes and ("DELAY", "PROBE") in changes


def test_a_new_iptables_rule_drops_the_next_packet_of_an_established_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    def change(lab: Lab) -> None:
        lab.engine.machine.netns.ipv4.netfilter.apply("filter", "-I DOCKER-USER -d 8.8.8.8/32 -j DROP")

    lab, out = same_with_and_without(change, "docker exec c1 ping -c 6 -W 1 8.8.8.8", 2.5, monkeypatch)
    assert "6 packets transmitted, 3 packets received" in out
    listing = lab.sh("iptables -L DOCKER-USER -v -n").stdout
    assert "    3   252 DROP       all  --  *      *       0.0.0.0/0            8.8.8.8" in listing


def test_counters_of_a_cached_verdict_count_every_packet(monkeypatch: pytest.MonkeyPatch) -> None:
    lab, out = same_with_and_without(lambda lab: None, "docker exec c1 ping -c 8 8.8.8.8", 1.0, monkeypatch)
    assert "8 packets transmitted, 8 packets received" in out
    listing = lab.sh("iptables -L FORWARD -v -n").stdout
    assert "   16  1344 DOCKER-USER" in listing  # 8 requests and 8 replies, each walked or cached


def test_a_flushed_conntrack_table_makes_the_next_packet_new_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def change(lab: Lab) -> None:
        lab.engine.machine.netns.ipv4.conntrack.forget(lambda entry: True)  # conntrack -F

    lab, out = same_with_and_without(change, "docker exec c1 ping -c 6 8.8.8.8", 2.5, monkeypatch)
    assert "6 packets transmitted, 6 packets received" in out
    nat = lab.sh("iptables -t nat -L POSTROUTING -v -n").stdout
    # MASQUERADE is walked by the first packet of a connection: the flow's first request, and again after the flush
    assert [line.split()[:3] for line in nat.splitlines() if "MASQUERADE" in line] == [["2", "168", "MASQUERADE"]]


def test_the_cache_forgets_everything_when_a_table_changes() -> None:
    lab = Lab(seed=3)
    lab.sh("docker run -itd --name c1 alpine")
    lab.sh("docker exec c1 ping -c 2 8.8.8.8")
    stack = lab.engine.machine.netns.ipv4
    flows = stack._flows()
    assert flows.links and flows.verdicts
    stack.netfilter.changed()
    assert stack._flows() is flows and not flows.links and not flows.verdicts
