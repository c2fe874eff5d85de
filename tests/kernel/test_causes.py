"""What a stack sends because of a frame points back at that frame's arrival (``cause``).

A router forwarding a packet, NAT rewriting it, a host answering an ARP request, an
echo request, a TCP SYN or a DNS query: the frame it sends, and the ``RouteChosen`` and
``NatTranslated`` records of the packet, name the record of the frame that came in,
so a hop's path through a host is a chain of causes, even when the packet waited for
an ARP reply first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from simulator import Lab
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.trace.records import BridgeForwarded, FrameReceived, FrameSent, NatTranslated, NeighbourChanged, RouteChosen


def caused_by(trace: Sequence[Any], i: int) -> Any:
    """The record ``trace[i]`` points back at, or None."""
    r = trace[i]
    return trace[i - r.cause] if r.cause else None


def sent(trace: Sequence[Any], node: str, dev: str, what: Any) -> list[int]:
    """Positions of the frames ``node``'s ``dev`` sent for which ``what(frame)`` holds."""
    return [i for i, r in enumerate(trace) if type(r) is FrameSent and (r.node, r.dev) == (node, dev) and what(r.frame)]


def tcp_flags(f: Any) -> Any:
    return f.payload.payload.flags if isinstance(f.payload, IPv4Packet) and isinstance(f.payload.payload, TcpSegment) else None


def icmp(kind: IcmpType) -> Any:
    return lambda f: isinstance(f.payload, IPv4Packet) and isinstance(f.payload.payload, IcmpMessage) and f.payload.payload.type is kind


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 alpine")
    lab.sh("docker run -itd --name web -p 8080:80 nginx")
    return lab


@pytest.fixture(scope="module")
def ping(lab: Lab) -> Any:
    return lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace


def test_a_forwarded_and_masqueraded_packet_points_back_at_its_arrival_even_after_waiting_for_arp(ping: Any) -> None:
    [out] = sent(ping, "host", "eth0", icmp(IcmpType.ECHO_REQUEST))
    came = caused_by(ping, out)
    # the container's frame, passed up by docker0 to the host's stack
    assert type(came) is BridgeForwarded and came.bridge == "docker0" and came.frame.flow == ping[out].frame.flow
    at = out - ping[out].cause
    [route] = [i for i, r in enumerate(ping) if type(r) is RouteChosen and r.node == "host" and r.forwarded and r.dev == "eth0"]
    [nat] = [i for i, r in enumerate(ping) if type(r) is NatTranslated and r.node == "host" and not r.reply]
    assert route - ping[route].cause == at and nat - ping[nat].cause == at and "MASQUERADE" in ping[nat].rule
    # it waited for the gateway's ARP reply, which came in between
    waited = [i for i, r in enumerate(ping) if type(r) is NeighbourChanged and r.node == "host" and r.new == "REACHABLE"]
    assert waited and at < waited[0] < out


def test_answers_point_back_at_what_they_answer(ping: Any) -> None:
    [reply] = sent(ping, "internet", "eth0", icmp(IcmpType.ECHO_REPLY))  # the kernel's icmp_echo, after its delay
    request = caused_by(ping, reply)
    assert type(request) is FrameReceived and icmp(IcmpType.ECHO_REQUEST)(request.frame) and request.node == "internet"
    arp_replies = sent(ping, "router", "eth0", lambda f: isinstance(f.payload, ArpPacket) and f.payload.op is ArpOp.REPLY)
    assert arp_replies
    for i in arp_replies:
        asked = caused_by(ping, i)
        assert type(asked) is FrameReceived and asked.frame.payload.op is ArpOp.REQUEST


def test_a_reply_is_un_natted_and_forwarded_in_one_chain_of_causes(ping: Any) -> None:
    [back] = sent(ping, "host", "docker0", icmp(IcmpType.ECHO_REPLY))
    came = caused_by(ping, back)
    assert type(came) is FrameReceived and (came.node, came.dev) == ("host", "eth0")
    at = back - ping[back].cause
    assert [r.reply for i, r in enumerate(ping) if type(r) is NatTranslated and i - r.cause == at] == [True]
    # walked back: host/eth0 <- the LAN switch's port <- its decision <- the router's stack <- ... <- the internet's reply
    [router] = sent(ping, "router", "eth0", icmp(IcmpType.ECHO_REPLY))
    assert type(caused_by(ping, router)) is FrameReceived and caused_by(ping, router).dev == "eth1"


def test_tcp_and_dns_answers_point_back_at_their_segment_and_query(lab: Lab) -> None:
    trace = lab.sh("curl -s http://192.168.1.10:8080/", on="laptop").trace
    [synack] = sent(trace, "web", "eth0", lambda f: tcp_flags(f) == TcpFlags.SYN | TcpFlags.ACK)
    syn = caused_by(trace, synack)
    assert type(syn) is FrameReceived and syn.node == "web" and tcp_flags(syn.frame) == TcpFlags.SYN
    lab.sh("docker network create net1")
    lab.sh("docker run -itd --name a1 --net net1 alpine")
    lab.sh("docker run -itd --name a2 --net net1 alpine")
    dns = lab.sh("docker exec a1 nslookup a2").trace
    answers = sent(dns, "a1", "lo", lambda f: isinstance(f.payload, IPv4Packet) and isinstance(f.payload.payload, UdpDatagram)
                   and f.payload.payload.sport == 53 or (isinstance(f.payload, IPv4Packet) and str(f.payload.src) == "127.0.0.11"))
    assert answers
    for i in answers:
        query = caused_by(dns, i)
        assert type(query) is FrameReceived and query.node == "a1" and str(query.frame.payload.dst) == "127.0.0.11"


def test_what_a_program_or_a_timer_sends_points_back_at_nothing(ping: Any) -> None:
    [request] = sent(ping, "c1", "eth0", icmp(IcmpType.ECHO_REQUEST))
    assert ping[request].cause == 0
    [route] = [r for r in ping if type(r) is RouteChosen and r.node == "c1"]
    assert route.cause == 0
