"""The topology graph read from TopologyChanged snapshots."""

from __future__ import annotations

import pytest

from simulator.viz import topology_graph
from simulator.viz.network import DEFAULT_MAX_CONTAINERS, network_at


def kinds(graph, kind):
    return {frozenset((u, v)) for u, v, d in graph.edges(data=True) if d["kind"] == kind}


def test_three_containers_every_namespace_device_and_link(three):
    g = topology_graph(three.lab.trace)
    for name in ("host", "c1", "c2", "c3", "router", "internet", "laptop", "lan"):
        assert name in g
    assert g.nodes["host/docker0"]["dev_kind"] == "bridge"
    assert g.nodes["c1/eth0"]["addrs"] == ("172.17.0.2/16",)
    veths = kinds(g, "veth")
    assert len(veths) == 3
    for pair in veths:  # each veth pair joins a container's eth0 to a port of docker0
        container_end, host_end = sorted(pair, key=lambda n: n.startswith("host/"))
        assert container_end.endswith("/eth0") and g.nodes[host_end]["master"] == "docker0"
        assert frozenset((host_end, "host/docker0")) in kinds(g, "bridge-port")
    assert frozenset(("host/eth0", "lan/port2")) in kinds(g, "cable")
    assert frozenset(("router/eth1", "internet/eth0")) in kinds(g, "wire")  # inferred: one /24
    assert frozenset(("host/docker0", "host/eth0")) in kinds(g, "routing")


def test_thirty_containers_collapse_into_one_group(thirty):
    g = topology_graph(thirty.lab.trace)
    shown = [n for n, d in g.nodes(data=True) if d.get("ns_kind") == "container"]
    group = [n for n, d in g.nodes(data=True) if d.get("kind") == "group"]
    assert len(shown) == DEFAULT_MAX_CONTAINERS
    assert group == ["host/+more"]
    assert len(g.nodes["host/+more"]["members"]) == 30 - DEFAULT_MAX_CONTAINERS
    assert frozenset(("host/+more", "host/docker0")) in kinds(g, "group")
    # nothing of a collapsed container is left dangling
    assert not any(n.startswith("c30/") for n in g)


def test_keep_and_no_collapse(thirty):
    g = topology_graph(thirty.lab.trace, keep=["c30/eth0"])
    assert "c30" in g and "c30/eth0" in g and "c1" in g
    full = topology_graph(thirty.lab.trace, max_containers=None)
    assert sum(1 for _n, d in full.nodes(data=True) if d.get("ns_kind") == "container") == 30
    assert "host/+more" not in full


def test_at_picks_the_snapshot_in_force(three):
    first_container = next(r for r in three.lab.trace if type(r).__name__ == "TopologyChanged" and "c1" in r.cause)
    g = topology_graph(three.lab.trace, at=first_container.time)
    assert "c1" in g and "c2" not in g
    assert network_at(three.lab.trace, first_container.time).cause.endswith("--name c1 ubuntu:14.04")


def test_one_command_trace_uses_its_initial_topology(three):
    g = topology_graph(three.ping_c2c)  # no snapshot inside: the network the command ran on
    assert {"c1", "c2", "c3"} <= set(g)


def test_a_trace_without_any_snapshot_says_so():
    with pytest.raises(ValueError, match="no TopologyChanged"):
        topology_graph([])


def test_two_hosts_side_by_side():
    from simulator import Lab

    lab = Lab(engine="20.10", seed=1, hosts=2)
    lab.sh("docker run -itd --name a1 ubuntu:14.04", on="host1")
    lab.sh("docker run -itd --name b1 ubuntu:14.04", on="host2")
    g = topology_graph(lab.trace)
    assert g.nodes["a1"]["machine"] == "host1" and g.nodes["b1"]["machine"] == "host2"
    assert frozenset(("host1/eth0", "lan/port2")) in kinds(g, "cable")
    assert frozenset(("host2/eth0", "lan/port3")) in kinds(g, "cable")
