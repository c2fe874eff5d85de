"""topology(): every node and link drawn, deterministic, legible at 3 and at 30 containers."""

from __future__ import annotations

from simulator import Lab
from simulator.viz import missing_glyphs, topology, topology_graph
from simulator.viz.layout import edge_gid
from simulator.viz.network import network_at
from simulator.viz.topology import topology_scene
from tests.viz.conftest import overlapping_texts


def gids(fig):
    return {a.get_gid() for a in fig.findobj() if a.get_gid()}


def assert_everything_drawn(trace):
    fig = topology(trace)
    graph = topology_graph(trace)
    drawn = gids(fig)
    missing_nodes = [n for n in graph if n not in drawn]
    missing_edges = [(u, v) for u, v in graph.edges if edge_gid(u, v) not in drawn]
    assert not missing_nodes, missing_nodes
    assert not missing_edges, missing_edges
    # and each namespace and device has its name written on it
    texts = {(t.get_gid(), t.get_text()) for t in fig.axes[0].texts}
    for node, data in graph.nodes(data=True):
        if data["kind"] in ("namespace", "switch", "group"):
            assert any(g == node for g, _t in texts), node
        if data["kind"] in ("device", "port"):
            assert any(g == node and data["name"] in t for g, t in texts), node
    return fig


def test_three_containers(three):
    fig = assert_everything_drawn(three.lab.trace)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []
    assert missing_glyphs(fig) == set()


def test_thirty_containers_stay_readable(thirty):
    fig = assert_everything_drawn(thirty.lab.trace)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "+26 more" in labels
    # collapsing keeps the picture about as wide as the three-container one
    assert fig.get_figwidth() < 24


def test_every_label_is_classroom_size(three, thirty):
    for trace in (three.lab.trace, thirty.lab.trace):
        fig = topology(trace)
        sizes = {t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))}
        assert min(sizes) >= 14


def test_layered_layout(three):
    scene = topology_scene(three.lab.trace)
    s = scene.shapes
    # containers above the host, veths on its top edge, bridge inside, eth0 on its bottom edge
    assert s["c1"].y + s["c1"].h < s["host"].y
    assert abs(s[_veth_of(three, "c1")].cy - s["host"].y) < 1
    assert s["host"].y < s["host/docker0"].y < s["host"].y + s["host"].h
    assert abs(s["host/eth0"].cy - (s["host"].y + s["host"].h)) < 1
    # the switch below the host; laptop, router below the switch; the internet beside the router
    assert s["host"].y + s["host"].h < s["lan"].y < s["router"].y
    assert abs(s["laptop"].y - s["router"].y) < 1 and s["router"].x < s["internet"].x
    # each veth stands under its container's eth0
    for c in ("c1", "c2", "c3"):
        assert abs(s[f"{c}/eth0"].cx - s[_veth_of(three, c)].cx) < 1
    assert s["c1"].x < s["c2"].x < s["c3"].x


def _veth_of(traces, container):
    net = network_at(traces.lab.trace)
    peer = net.namespace(container).device("eth0").peer
    return f"{peer[0]}/{peer[1]}"


def test_deterministic(three):
    a = topology_scene(three.lab.trace)
    b = topology_scene(three.lab.trace)
    assert [(k, v.x, v.y, v.w, v.h) for k, v in a.shapes.items()] == [(k, v.x, v.y, v.w, v.h) for k, v in b.shapes.items()]
    lab = Lab(engine="20.10", seed=1)
    for name in ("c1", "c2", "c3"):
        lab.sh(f"docker run -itd --name {name} ubuntu:14.04")
    c = topology_scene(lab.trace)
    assert [(k, v.x, v.y) for k, v in a.shapes.items()] == [(k, v.x, v.y) for k, v in c.shapes.items()]


def test_two_hosts_side_by_side():
    lab = Lab(engine="20.10", seed=1, hosts=2)
    lab.sh("docker run -itd --name a1 ubuntu:14.04", on="host1")
    lab.sh("docker run -itd --name b1 ubuntu:14.04", on="host2")
    assert_everything_drawn(lab.trace)
    s = topology_scene(lab.trace).shapes
    assert abs(s["host1"].y - s["host2"].y) < 1 and s["host1"].x + s["host1"].w < s["host2"].x
    assert s["a1"].cx < s["host1"].x + s["host1"].w < s["b1"].cx


def test_an_empty_lab_draws():
    lab = Lab(engine="20.10", seed=1)
    fig = assert_everything_drawn(lab.trace)
    assert "host/docker0" in gids(fig)


def test_title_and_at(three):
    fig = topology(three.lab.trace, at=0.0, title="Before any container")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Before any container" in texts and "c1" not in texts
