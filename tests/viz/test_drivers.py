"""The pictures of the other network drivers: overlay (VXLAN across two hosts), macvlan, VLAN.

An overlay network's namespace is drawn inside its Docker host, a VXLAN tunnel
joins the two hosts' vxlan0 besides the cables, a macvlan child hangs off its
parent NIC, a VLAN sub-interface sits on its NIC; the path, ladder and headers
follow the frames through them (the VXLAN wrap and the 802.1Q tag said).
The labs (``overlay``, ``macvlan``, ``vlan``) are session fixtures in conftest.py.
"""

from __future__ import annotations

from typing import Any

from simulator.viz import (
    headers_rows,
    ladder,
    missing_glyphs,
    path,
    style,
    topology,
    topology_graph,
)
from simulator.viz.hops import follow
from simulator.viz.layout import edge_gid
from simulator.viz.network import network_at
from simulator.viz.path import plan
from simulator.viz.player import steps
from simulator.viz.topology import topology_scene
from tests.viz.conftest import overlapping_texts
from tests.viz.test_topology import assert_everything_drawn


def _ns(lab: Any, host: str) -> str:
    return next(n.node for n in network_at(lab.trace).namespaces if n.kind == "overlay-netns" and n.machine == host)


def _inside(inner: Any, outer: Any) -> bool:
    return outer.x < inner.x and inner.x + inner.w < outer.x + outer.w and outer.y < inner.y and inner.y + inner.h < outer.y + outer.h


def _texts(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


# --- overlay ------------------------------------------------------------------------------------


def test_overlay_namespaces_are_drawn_inside_their_host(overlay):
    lab, _ping = overlay
    scene = topology_scene(lab.trace)
    s = scene.shapes
    for host, container in (("host1", "ov1"), ("host2", "ov2")):
        ns = _ns(lab, host)
        assert _inside(s[ns], s[host]), f"{ns} is not inside {host}"
        assert not any(x.gid == ns for x in scene.extra_shapes)  # drawn once, not also as a machine below the switch
        assert s[ns].y + s[ns].h < s["lan"].y
        for dev in ("br0", "vxlan0", "veth0"):
            shape = s[f"{ns}/{dev}"]
            assert s[ns].x <= shape.cx <= s[ns].x + s[ns].w and s[ns].y - 1 <= shape.cy <= s[ns].y + s[ns].h + 1
        # the veth end on the box's top edge, straight under the container's overlay eth0; vxlan0 on its bottom edge
        assert abs(s[f"{ns}/veth0"].cy - s[ns].y) < 1 and abs(s[f"{ns}/veth0"].cx - s[f"{container}/eth0"].cx) < 1
        assert abs(s[f"{ns}/vxlan0"].cy - (s[ns].y + s[ns].h)) < 1
    fig = assert_everything_drawn(lab.trace)
    texts = _texts(fig)
    netns = _ns(lab, "host1").split(":", 1)[1]
    assert f"overlay ns {netns} (my-overlay)" in texts  # named by Docker's id and by the network's name
    br0_mac = network_at(lab.trace).namespace(_ns(lab, "host1")).device("br0").mac
    assert "VNI 4097" in texts and "10.0.1.1/24" in texts and br0_mac in texts  # a bridge's address and MAC, a line each
    fig.canvas.draw()
    assert overlapping_texts(fig) == []
    assert missing_glyphs(fig) == set()


def test_a_vxlan_tunnel_joins_the_two_hosts_besides_the_cables(overlay):
    lab, _ping = overlay
    g = topology_graph(lab.trace)
    a, b = f"{_ns(lab, 'host1')}/vxlan0", f"{_ns(lab, 'host2')}/vxlan0"
    assert g.edges[a, b]["kind"] == "tunnel" and g.edges[a, b]["label"] == "VXLAN UDP 4789"
    assert g.edges["host1/eth0", "lan/port2"]["kind"] == "cable" and g.edges["host2/eth0", "lan/port3"]["kind"] == "cable"
    assert g.nodes[a]["vni"] == 4097
    fig = topology(lab.trace)
    line = next(x for x in fig.axes[0].lines if x.get_gid() == edge_gid(a, b))
    assert line.get_linestyle() == "--"  # dashed: a logical link, not a cable
    assert "VXLAN UDP 4789" in _texts(fig)
    scene = topology_scene(lab.trace)
    tunnel = next(e for e in scene.edges if e.kind == "tunnel")
    assert max(y for _x, y in tunnel.points) < scene.shapes["lan"].y  # it runs above the switch, under the hosts


def test_overlay_path_wraps_and_unwraps(overlay):
    lab, ping = overlay
    ns1, ns2 = _ns(lab, "host1"), _ns(lab, "host2")
    hops = follow(ping, network_at(ping))
    wraps = [(t.src, t.dst, t.changes) for t in hops.transitions if t.changes and t.changes[0].startswith("VXLAN wrap")]
    assert (f"{ns1}/vxlan0", "host1/eth0", ["VXLAN wrap VNI 4097 (+50 bytes)"]) in wraps
    assert any(t.src == "host2/eth0" and t.dst == f"{ns2}/vxlan0" and t.changes == ["VXLAN unwrap VNI 4097 (−50 bytes)"] for t in hops.transitions)
    # the inner frame ends at vxlan0; the outer one crosses the LAN from host1's eth0 to host2's
    request = next(j for j in hops.journeys if j.kind == "request" and j.start == "ov1/eth0")
    assert request.leaves == [f"{ns1}/vxlan0"]
    outer = next(j for j in hops.journeys if j.start == "host1/eth0" and j.kind == "request")
    assert outer.leaves == ["host2/eth0"]
    fig = path(ping)
    assert "VXLAN wrap VNI 4097 (+50 bytes)" in _texts(fig)
    assert "VXLAN UDP 4789" in _texts(fig) and "router" in plan(ping).scene.shapes  # the LAN is in the picture
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_overlay_ladder_and_headers(overlay):
    lab, ping = overlay
    ns1, ns2 = _ns(lab, "host1"), _ns(lab, "host2")
    fig = ladder(ping)
    lines = [a.get_gid().split(":", 1)[1] for a in fig.axes[0].lines if (a.get_gid() or "").startswith("LIFELINE:")]
    # too many devices for a slide, even with a container's eth0 standing for its veth pair: a line per machine and per
    # container, each host's standing for its overlay namespace too (ns1 and ns2 run on host1 and host2)
    assert lines == ["ov1", "host1", "lan", "host2", "ov2"] and ns1.startswith("host1:") and ns2.startswith("host2:")
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "NOTE"][-1] == (
        "A line per machine and per container: a host's line stands for its own and its overlay networks' namespaces")
    assert fig.get_size_inches()[0] * 72 <= style.SLIDE_WIDTH_PT + 0.5
    whole = ladder(ping, stop=float("inf"))  # every frame, however tall (the default stops where a slide is full)
    labels = sorted({int(t.get_gid().removeprefix("LABEL:")) for t in whole.axes[0].texts if (t.get_gid() or "").startswith("LABEL:")})
    assert labels == [g.number for g in plan(ping).groups]  # every numbered frame keeps its label and number
    rows = [r for r in headers_rows(ping) if r["kind"] == "request" and r["ttl"]]
    wrapped = next(r for r in rows if r["where"] == "host1/eth0")
    assert wrapped["what"] == "VXLAN wrap VNI 4097 (+50 bytes): echo request, seq 1"
    assert {"src_ip", "dst_ip", "src_mac", "dst_mac", "proto"} <= wrapped["changed"] and wrapped["proto"] == "UDP"
    assert next(r for r in rows if r["where"] == "lan/port3")["changed"] == set()  # the switch changes nothing
    unwrapped = next(r for r in rows if r["where"] == f"{ns2}/veth0")
    assert unwrapped["src_ip"] == "10.0.1.2" and "src_ip" in unwrapped["changed"]


def test_the_player_explains_the_vxlan_steps(overlay):
    _lab, ping = overlay
    all_steps = steps(ping)
    wrap = next(s for s in all_steps if s.device == "host1/eth0" and s.kind == "request")
    assert wrap.came_from is not None and wrap.came_from.endswith("/vxlan0")  # the frame came down from the VXLAN device
    node = wrap.came_from.split("/", 1)[0]
    assert any(r.startswith(f"{node}'s vxlan0 wraps the frame in VXLAN (VNI 4097") for r in wrap.reasons)
    assert ("VXLAN", "VNI") in wrap.marked and ("UDP", "Destination port") in wrap.marked  # the outer headers are new
    unwrap = next(s for s in all_steps if s.device.endswith("/vxlan0") and s.kind == "request" and s.came_from == "host2/eth0")
    assert any(r.endswith("(-50 bytes).") for r in unwrap.reasons)
    assert any("never crosses the tunnel" in r for s in all_steps for r in s.reasons)


# --- macvlan and VLAN ------------------------------------------------------------------------------


def test_a_macvlan_child_hangs_off_its_parent(macvlan):
    lab, _c2c, _shim = macvlan
    g = topology_graph(lab.trace)
    assert g.edges["c1/eth0", "host1/eth0"]["kind"] == "stacked" and g.edges["c1/eth0", "host1/eth0"]["label"] == "macvlan bridge"
    assert g.edges["host1/mac0", "host1/eth0"]["kind"] == "stacked"
    assert not any(d["kind"] == "veth" for _u, _v, d in g.edges(data=True))
    s = topology_scene(lab.trace).shapes
    for host, container in (("host1", "c1"), ("host2", "c2")):
        nic = s[f"{host}/eth0"]
        assert abs(nic.cy - (s[host].y + s[host].h)) < 1  # the parent stays the NIC on the host's bottom edge
        assert abs(s[f"{container}/eth0"].cx - nic.cx) < 1  # the child straight above it
    # the shim: inside host1, beside and above eth0
    mac0 = s["host1/mac0"]
    assert _inside(mac0, s["host1"]) and mac0.cx < s["host1/eth0"].cx and mac0.cy < s["host1/eth0"].cy
    fig = assert_everything_drawn(lab.trace)
    assert _texts(fig).count("macvlan bridge") == 3  # c1, c2 and mac0 on their parents
    assert "192.168.1.99/32" in _texts(fig)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_a_macvlan_frame_goes_out_of_the_parent(macvlan):
    _lab, c2c, shim = macvlan
    hops = follow(c2c, network_at(c2c))
    request = next(j for j in hops.journeys if j.kind == "request")
    assert [(s.src, s.dst) for s in request.segments][:2] == [("c1/eth0", "host1/eth0"), ("host1/eth0", "lan/port2")]
    assert request.leaves == ["c2/eth0"]
    # host1 reaches c1 through mac0: turned round inside eth0, never on the wire
    echo = next(j for j in follow(shim, network_at(shim)).journeys if j.kind == "request")
    assert [(s.src, s.dst) for s in echo.segments] == [("host1/mac0", "host1/eth0"), ("host1/eth0", "c1/eth0")]
    fig = path(c2c)
    arrows = {a.get_gid() for a in fig.axes[0].patches if (a.get_gid() or "").startswith("ARROW:")}
    assert {"c1/eth0>host1/eth0", "host1/eth0>lan/port2", "lan/port2>lan/port3", "host2/eth0>c2/eth0"} <= {a.split(":")[2] for a in arrows}
    fig.canvas.draw()
    assert overlapping_texts(fig) == []
    fig = path(shim)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_a_vlan_sub_interface_sits_on_its_nic(vlan):
    lab, ping = vlan
    g = topology_graph(lab.trace)
    assert g.edges["host1/eth0.10", "host1/eth0"]["label"] == "VLAN 10"
    assert g.edges["red1/eth0", "host1/eth0.10"]["kind"] == "stacked"
    s = topology_scene(lab.trace).shapes
    assert abs(s["host1/eth0.10"].cx - s["red1/eth0"].cx) < 1 and s["host1/eth0.10"].cy < s["host1/eth0"].cy
    fig = assert_everything_drawn(lab.trace)
    assert "VLAN 10" in _texts(fig)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []
    request = next(j for j in follow(ping, network_at(ping)).journeys if j.kind == "request")
    assert [s.dst for s in request.segments][:3] == ["host1/eth0.10", "host1/eth0", "lan/port2"]
    assert request.leaves == ["red2/eth0"]
    tagged = next(r for r in headers_rows(ping) if r["where"] == "host1/eth0" and r["kind"] == "request")
    assert tagged["what"] == "VLAN 10 tag (+4 bytes): echo request, seq 1" and tagged["changed"] == {"what"}


def test_korean_overlay_and_macvlan(overlay, macvlan):
    for trace in (overlay[0].trace, macvlan[0].trace):
        fig = topology(trace, lang="ko")
        assert missing_glyphs(fig) == set()
    assert any(t.startswith("오버레이 ns ") for t in _texts(topology(overlay[0].trace, lang="ko")))
