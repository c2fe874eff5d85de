"""A frame by layer (simulator.trace.layers), read off frames the lab really sent."""

from __future__ import annotations

from simulator import Lab
from simulator.trace.layers import changed, layers, render
from simulator.trace.records import FrameSent


def _sent(trace, where):
    return [r.frame for r in trace if isinstance(r, FrameSent) and f"{r.node}/{r.dev}" == where]


def test_masquerade_shows_as_changed_fields_between_the_container_and_the_host_nic():
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    trace = lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace
    inside = [f for f in _sent(trace, "c1/eth0") if [lay.name for lay in layers(f)][-1] == "ICMP"]
    outside = [f for f in _sent(trace, "host/eth0") if [lay.name for lay in layers(f)][-1] == "ICMP"]
    assert inside and outside
    diff = changed(layers(inside[0]), layers(outside[0]))
    assert {("IPv4", "Source"), ("IPv4", "TTL"), ("Ethernet II", "Source"), ("Ethernet II", "Destination")} <= diff
    assert ("IPv4", "Destination") not in diff and ("ICMP", "Sequence") not in diff
    text = render(outside[0], "ko", marked=diff)
    assert "* 출발지: " in text and "TTL: 63" in text


def test_dns_and_http_are_layers_of_their_own():
    lab = Lab(seed=1)
    lab.sh("docker network create net1")
    lab.sh("docker run -d --name web --net net1 nginx")
    lab.sh("docker run -itd --name c1 --net net1 alpine")
    trace = lab.sh("docker exec c1 wget -q -O - http://web/").trace
    names = {lay.name for r in trace if isinstance(r, FrameSent) for lay in layers(r.frame)}
    assert {"DNS", "HTTP", "TCP", "UDP"} <= names
    http = [lay for r in trace if isinstance(r, FrameSent) for lay in layers(r.frame) if lay.name == "HTTP"]
    assert http and http[0].get("Request") == "GET / HTTP/1.1"
    assert any((lay.get("Status") or "").startswith("HTTP/1.1 200") for lay in http)
