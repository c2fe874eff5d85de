"""Following frames through a trace: journeys, segments, routing transitions."""

from __future__ import annotations

from simulator.trace.records import BridgeForwarded, FrameReceived, FrameSent, MacvlanForwarded, RouteChosen, VxlanEncapsulated
from simulator.viz.hops import follow, incidental, shorten
from simulator.viz.network import network_at


def hops_of(trace):
    return follow(trace, network_at(trace))


def test_arp_comes_first_then_the_echoes(three):
    h = hops_of(three.ping_c2c)
    kinds = [j.kind for j in h.journeys]
    assert kinds == ["arp", "arp", "request", "reply", "request", "reply"]
    assert shorten(h.journeys[0].frame) == "ARP, Request who-has 172.17.0.3 tell 172.17.0.2"
    assert shorten(h.journeys[2].frame) == "IP 172.17.0.2 > 172.17.0.3: ICMP echo request, seq 1, ttl 64"


def test_an_echo_request_crosses_veth_bridge_veth(three):
    request = hops_of(three.ping_c2c).journeys[2]
    route = [(s.src.split("/")[0], s.via) for s in request.segments]
    assert route == [("c1", "link"), ("host", "bridge-in"), ("host", "bridge-out"), ("host", "link")]
    assert request.start == "c1/eth0" and request.leaves == ["c2/eth0"]
    assert request.segments[1].dst == "host/docker0"


def test_a_broadcast_is_a_tree(three):
    arp = hops_of(three.ping_c2c).journeys[0]
    assert sorted(arp.leaves) == ["c2/eth0", "c3/eth0"]


def test_routing_transitions_say_what_changed(three):
    h = hops_of(three.ping_internet)
    where = [(t.node, t.src, t.dst, t.changes) for t in h.transitions]
    assert where[0] == ("host", "host/docker0", "host/eth0", ["TTL 64→63", "SNAT 172.17.0.2→192.168.1.10"])
    assert where[1] == ("router", "router/eth0", "router/eth1", ["TTL 63→62", "SNAT 192.168.1.10→203.0.113.2"])
    assert where[2][3] == ["TTL 64→63", "dst 203.0.113.2→192.168.1.10 (reply)"]  # MASQUERADE undone, not a DNAT
    assert where[3][:3] == ("host", "host/eth0", "host/docker0")
    assert all(t.nat and "MASQUERADE" in t.nat[0].rule for t in h.transitions)


def test_the_lan_switch_is_crossed_port_to_port(three):
    h = hops_of(three.ping_internet)
    on_lan = next(j for j in h.journeys if j.start == "host/eth0" and j.kind == "request")
    assert [(s.src, s.dst) for s in on_lan.segments] == [
        ("host/eth0", "lan/port2"), ("lan/port2", "lan"), ("lan", "lan/port1"), ("lan/port1", "router/eth0")]


def test_who_only_heard_a_flood(three):
    h = hops_of(three.ping_internet)
    assert {"c2/eth0", "c3/eth0", "laptop/eth0"} <= incidental(h)
    assert "c1/eth0" not in incidental(h) and "router/eth0" not in incidental(h)


def test_a_drop_without_a_frame_is_kept(unreachable):
    h = hops_of(unreachable)
    assert [d.reason.value for d in h.drops] == ["neigh-failed"]
    assert [j.kind for j in h.journeys] == ["arp", "arp", "arp", "error"]


def _decision_of(trace, r_index):
    r = trace[r_index]
    return trace[r_index - r.cause] if r.cause else None


def test_each_forwarded_frame_points_back_at_the_decision_that_sent_it(three, overlay, macvlan):
    seen: set[str] = set()
    for trace in (three.ping_c2c, three.ping_internet, overlay[1], macvlan[1]):
        for i, r in enumerate(trace):
            if type(r) is not FrameSent:
                continue
            decision = _decision_of(trace, i)
            if decision is None:
                continue
            seen.add(type(decision).__name__)
            if type(decision) is VxlanEncapsulated:
                if decision.outer == r.frame.payload:
                    assert r.dev == "eth0" and r.node == decision.underlay
                continue  # (or an ARP request the underlay sent to reach the remote VTEP meanwhile)
            if type(decision) is FrameReceived or (type(decision) is BridgeForwarded and r.dev not in decision.egress):
                assert r.node == decision.node  # a stack sends because of a frame it took (forwarded it, answered it)
                continue
            assert type(decision) in (BridgeForwarded, MacvlanForwarded, FrameSent) and decision.frame == r.frame
            if type(decision) is BridgeForwarded:
                assert r.dev in decision.egress and r.node == decision.node
    assert seen == {"BridgeForwarded", "FrameSent", "VxlanEncapsulated", "MacvlanForwarded", "FrameReceived"}


def test_a_flood_is_followed_by_its_causes_not_by_matching_values(three):
    """Every port's copy of a broadcast joins the journey of the bridge decision it points at."""
    trace = three.ping_c2c
    h = hops_of(trace)
    arp = h.journeys[0]
    outs = [s for s in arp.segments if s.via == "bridge-out"]
    assert len(outs) == 2  # to c2's and c3's veth ends
    for s in outs:
        assert _decision_of(trace, s.index).egress  # the BridgeForwarded that flooded it


def test_a_transition_is_the_records_that_point_back_at_one_arrival(three):
    """The packet that left, its route and its NAT all name the frame that brought it: nothing is matched by time."""
    trace = three.ping_internet
    h = hops_of(trace)
    routed = [t for t in h.transitions if t.nat]
    assert [(t.node, t.src, t.dst) for t in routed] == [("host", "host/docker0", "host/eth0"), ("router", "router/eth0", "router/eth1"),
                                                        ("router", "router/eth1", "router/eth0"), ("host", "host/eth0", "host/docker0")]
    for t in routed:
        after = next(j for j in h.journeys if j.start == t.dst and j.t0 == t.t and j.flow == t.flow)
        arrival = after.index - trace[after.index].cause
        assert all(trace.index(n) - n.cause == arrival for n in t.nat)
        assert any(type(r) is RouteChosen and r.forwarded and i - r.cause == arrival for i, r in enumerate(trace))
