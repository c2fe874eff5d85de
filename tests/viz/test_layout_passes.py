"""The topology layout's passes, each run alone on a small hand-made snapshot (no lab, no clock).

Each pass takes typed input (a :class:`Network`, the :class:`Builder` with what the passes before it
placed) and gives typed output (lines, a :class:`Row`, the machines' order, a :class:`Frame`, a
:class:`Scene`); these tests call them one at a time and check the geometry a reader relies on.
"""

from __future__ import annotations

import pytest

from simulator.viz import style
from simulator.viz.layout import layout
from simulator.viz.layout.builder import Builder, Row
from simulator.viz.layout.edges import make_scene, route_edges
from simulator.viz.layout.hosts import hosts_row
from simulator.viz.layout.machines import machine_order, machines_row
from simulator.viz.layout.rows import place_switch, stack_rows, switch_label
from simulator.viz.layout.scene import edge_gid
from simulator.viz.layout.text import Line, container_lines, measure, title_lines, wrapped
from simulator.viz.network import SWITCH, Device, Namespace, Network, build_graph

LO = Device("lo", "loopback", "00:00:00:00:00:00", ("127.0.0.1/8",), True, None, None)


def ether(name: str, addr: str, mac: str) -> Device:
    return Device(name, "ether", mac, (addr,), True, None, None)


def host(name: str, nic_addr: str, containers: list[str]) -> list[Namespace]:
    """A Docker host with docker0 and one container per name on it (a veth pair each), and those containers."""
    devices = [LO, ether("eth0", nic_addr, "52:54:00:12:34:56"), Device("docker0", "bridge", "02:42:ac:11:00:01", ("172.17.0.1/16",), True, None, None)]
    out = []
    for i, c in enumerate(containers, start=2):
        veth = f"veth{name[-1]}{i:03d}"
        devices.append(Device(veth, "veth", f"aa:bb:cc:00:00:{i:02x}", (), True, "docker0", (c, "eth0")))
        out.append(Namespace(c, "container", name, (LO, Device("eth0", "veth", f"02:42:ac:11:00:{i:02x}", (f"172.17.0.{i}/16",), True, None, (name, veth))),
                             {"image": "ubuntu:14.04", "networks": ("bridge",), "aliases": ()}))
    return [Namespace(name, "docker-host", name, tuple(devices)), *out]


def network(hosts: dict[str, list[str]]) -> Network:
    """Docker hosts (name -> its containers) and a laptop on one LAN switch, a port each, in that order."""
    namespaces = [ns for i, (name, containers) in enumerate(hosts.items()) for ns in host(name, f"192.168.1.{10 + i}/24", containers)]
    namespaces.append(Namespace("laptop", "laptop", "laptop", (LO, ether("eth0", "192.168.1.20/24", "3c:22:fb:1a:2b:3c"))))
    lan = tuple((f"port{i + 1}", name, "eth0") for i, name in enumerate([*hosts, "laptop"]))
    return Network(0.0, "", tuple(namespaces), lan)


def builder(net: Network, **spacing: bool) -> Builder:
    return Builder(build_graph(net, (), None), net, "en", **spacing)


SMALL = {"host1": ["c1"], "host2": ["c2"]}
WIDE = {"host1": ["web_frontend_1", "web_backend_1", "database_main_1"], "host2": ["web_frontend_2", "web_backend_2", "database_main_2"]}


def test_a_containers_lines_are_its_name_image_and_addresses_and_a_long_name_wraps():
    ns = host("host1", "192.168.1.10/24", ["network_alias_container1"])[1]
    lines = container_lines(ns, wrap=True)
    assert [ln.text for ln in lines] == ["network_alias_", "container1", "ubuntu:14.04", "lo 127.0.0.1/8", "172.17.0.2/16", "02:42:ac:11:00:02"]
    assert all(isinstance(ln, Line) and ln.gid for ln in lines)
    width, height = measure(lines)
    assert width == max(ln.width for ln in lines) and height == pytest.approx(sum(ln.height for ln in lines))
    assert wrapped("a_b") == ["a_b"] and title_lines(None, None) == []


def test_the_hosts_row_puts_hosts_side_by_side_containers_above_their_veth_ends():
    b = builder(network(SMALL))
    row = hosts_row(b, b.net)
    assert isinstance(row, Row) and row.bag
    h1, h2 = b.shapes["host1"], b.shapes["host2"]
    assert h1.x + h1.w + b.gap_hosts == pytest.approx(h2.x) and h1.y == h2.y
    assert row.width == pytest.approx(h2.x + h2.w - h1.x)
    for c, veth, hst in (("c1", "host1/veth1002", h1), ("c2", "host2/veth2002", h2)):
        box, pill, end = b.shapes[c], b.shapes[f"{c}/eth0"], b.shapes[veth]
        assert box.y + box.h <= hst.y  # the container above its host
        assert pill.cx == pytest.approx(end.cx) and end.cy == pytest.approx(hst.y)  # its veth's host end under its eth0, on the host's top edge
        assert hst.x < b.shapes["host1/docker0" if hst is h1 else "host2/docker0"].cx < hst.x + hst.w


def test_stacked_hosts_leave_the_upper_hosts_cable_beside_the_lower_host():
    b = builder(network(SMALL), compact=True, stacked=True)
    row = hosts_row(b, b.net)
    h1, h2 = b.shapes["host1"], b.shapes["host2"]
    nic1 = b.shapes["host1/eth0"]
    assert b.shapes["c2"].y > h1.y + h1.h  # the lower host's containers start under the upper host
    assert nic1.cy == pytest.approx(h1.y + h1.h) and nic1.x + nic1.w < h2.x  # the upper NIC's cable passes left of the lower host
    assert row.height == pytest.approx(h2.y + h2.h)
    assert b.shapes["host2/eth0"].cx > h2.x + b.shapes["host2/eth0"].w  # the lowest host's NIC where it always is


def test_the_machines_are_in_port_order_and_the_rows_frame_the_switch_between_them():
    b = builder(network(SMALL))
    top = hosts_row(b, b.net)
    sequence = machine_order(b, b.net)
    assert [ns.node for ns in sequence] == ["laptop"]
    bottom = machines_row(b, b.net, sequence)
    frame = stack_rows(b, top, bottom, sequence, title_lines("t", None), switch_label(b, b.net))
    assert frame.y0 + frame.top_h < frame.switch_y < b.shapes["laptop"].y
    assert frame.tunnels == {}
    assert b.shapes["host1"].x >= 0 and b.shapes["host2"].x + b.shapes["host2"].w <= frame.width


def test_the_edges_pass_routes_every_edge_and_the_scene_keeps_every_shape():
    net = network(SMALL)
    b = builder(net)
    top = hosts_row(b, net)
    sequence = machine_order(b, net)
    label = switch_label(b, net)
    frame = stack_rows(b, top, machines_row(b, net, sequence), sequence, [], label)
    place_switch(b, net, frame, label)
    assert b.shapes["lan/port1"].cx == pytest.approx(b.shapes["host1/eth0"].cx)  # each port right under its cable's device
    route_edges(b, net, frame)
    scene = make_scene(b, net, frame)
    drawn = {e.gid for e in scene.edges}
    assert edge_gid("c1/eth0", "host1/veth1002") in drawn and edge_gid("host1/veth1002", "host1/docker0") in drawn
    assert edge_gid("host1/eth0", "lan/port1") in drawn and edge_gid("laptop/eth0", "lan/port3") in drawn
    assert all(len(e.points) >= 2 for e in scene.edges)
    assert set(scene.owner) >= set(b.shapes)


def test_the_layout_stacks_two_hosts_only_when_side_by_side_is_wider_than_a_slide():
    small = network(SMALL)
    side = layout(build_graph(small, (), None), small)
    assert side.shapes["host1"].y == side.shapes["host2"].y  # fits: side by side
    wide = network(WIDE)
    b = builder(wide, compact=True)
    assert hosts_row(b, wide).width > style.SLIDE_WIDTH_PT  # side by side, even packed, is too wide
    scene = layout(build_graph(wide, (), None), wide)
    h1, h2 = scene.shapes["host1"], scene.shapes["host2"]
    assert h2.y > h1.y + h1.h and scene.width <= style.SLIDE_WIDTH_PT
    cable = next(e for e in scene.edges if "host1/eth0" in (e.a, e.b) and SWITCH in e.a + e.b)
    assert all(x < h2.x for x, _y in cable.points)  # down beside the lower host, not through it


def crosses(points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> bool:
    """Whether the polyline ``points`` passes through the rectangle ``box`` (x0, y0, x1, y1), sampled every point."""
    x0, y0, x1, y1 = box
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        n = int(max(abs(bx - ax), abs(by - ay))) + 1
        if any(x0 <= ax + (bx - ax) * i / n <= x1 and y0 <= ay + (by - ay) * i / n <= y1 for i in range(n + 1)):
            return True
    return False


@pytest.mark.parametrize("roomy", [False, True])
def test_a_vlan_label_is_not_crossed_by_its_neighbours_line(roomy):
    import argparse

    from simulator.cli import lab_for, play
    from simulator.scenario import script as scripts
    from simulator.viz.topology import topology_scene

    script = scripts.load("vlan")  # two hosts, eth0.10 and eth0.20 on each host's eth0
    lab = lab_for(script, argparse.Namespace(lang=None, seed=None, engine=None))
    failures, _transcript, report = play(script, lab, None, True)
    assert failures == 0, report
    scene = topology_scene(lab.trace, None, title=script.title, roomy=roomy)
    edges = {e.gid: e for e in scene.edges}
    checked = 0
    for label in scene.labels:
        if not label.text.startswith("VLAN "):
            continue
        node = label.gid.split("|")[0].removeprefix("EDGE:").split("/")[0]
        w = style.text_width(label.text)
        left, right = (label.x - w, label.x) if label.ha == "right" else (label.x, label.x + w)
        box = (left, label.y, right, label.y + style.line_height())
        others = [e for gid, e in edges.items() if gid != label.gid and e.kind == "stacked" and f"{node}/eth0." in gid]
        assert all(not crosses(e.points, box) for e in others), label
        checked += len(others)
    assert checked >= 2  # host2 has both VLANs drawn: each label checked against the other's line
