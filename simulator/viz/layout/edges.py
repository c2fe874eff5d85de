"""Every edge of the graph routed as a polyline between what it joins, by its kind; then the :class:`Scene`."""

from __future__ import annotations

from simulator.viz import style
from simulator.viz.layout.builder import Builder, Frame
from simulator.viz.layout.scene import EdgeLine, Label, Scene, Shape, edge_gid
from simulator.viz.layout.spacing import (
    MARGIN,
    OVERLAY_KIND,
    PILL_H,
    STACK_GAP,
    STACK_INDENT,
    TUNNEL_DROP,
    TUNNEL_STAGGER,
)
from simulator.viz.network import Network, dev_id


def route_edges(b: Builder, network: Network, frame: Frame) -> None:
    """Every edge of the graph as a polyline, routed by its kind."""
    g = b.g
    overlay_boxes = [b.shapes[n.node] for n in network.namespaces if n.kind == OVERLAY_KIND and n.node in b.shapes]
    hung = {str(d["lower"]) for _u, _v, d in g.edges(data=True) if d["kind"] == "stacked"}  # NICs with lines from above
    cable_x = [b.shapes[dev_id(n, d)].cx for _p, n, d in network.lan if n and dev_id(n, d) in b.shapes]
    cable_x += [b.shapes[x].cx for e in frame.tunnels for x in e]  # and the tunnels' drops from vxlan0
    for u, v, data in g.edges(data=True):
        if u not in b.shapes or v not in b.shapes:
            continue
        kind = data["kind"]
        if kind == "tunnel":
            pts = _tunnel(b, frame, u, v, str(data.get("label", "")), cable_x)
        else:
            pts = _edge_points(b, network, u, v, kind, hung, overlay_boxes)
        b.edges.append(EdgeLine(edge_gid(u, v), u, v, kind, pts))


def _edge_points(b: Builder, network: Network, a: str, c: str, kind: str, hung: set[str],
                 overlay_boxes: list[Shape]) -> list[tuple[float, float]]:
    """The polyline of a link between two drawn shapes (not a tunnel), by its kind."""
    sa, sc = b.shapes[a], b.shapes[c]
    if kind == "group":
        return _group_points(b, a, c)
    if kind == "switch-port":
        port = sa if sa.kind == "pill" else sc
        sw = sc if port is sa else sa
        inward = 1.0 if port.cy <= sw.cy else -1.0
        return [(port.cx, port.cy + inward * PILL_H / 2), (port.cx, port.cy + inward * (PILL_H / 2 + 10))]
    owner = network.namespace(sa.owner) if sa.owner else None
    if kind == "routing" and owner is not None and owner.kind == "router":
        top, side_ = (sa, sc) if sa.cy < sc.cy else (sc, sa)
        return [(top.cx, top.y + top.h), (top.cx, side_.cy), (side_.x, side_.cy)]
    if kind == "routing" and (sa.kind == "bar") != (sc.kind == "bar"):
        return _bridge_to_nic(sa, sc, hung, [o for o in overlay_boxes if o.owner in (sa.owner, sc.owner)])  # (in its own host)
    if sc.kind == "bar" and sa.kind != "bar":
        pc = _attach(b, c, (sa.cx, sa.cy))
        return [_attach(b, a, pc), pc]
    pa = _attach(b, a, (sc.cx, sc.cy))
    return [pa, _attach(b, c, pa)]


def _group_points(b: Builder, a: str, c: str) -> list[tuple[float, float]]:
    """A "+N more" box's line down to the bar (or the macvlan parent's middle) its containers hang from."""
    sa, sc = b.shapes[a], b.shapes[c]
    stub = b.stubs[a] if a in b.stubs else b.stubs[c]
    bar = sc if stub.gid == a else sa
    x = min(max(stub.cx, bar.x + 12), bar.x + bar.w - 12) if bar.kind == "bar" else bar.cx  # (a macvlan parent: its middle)
    return [(stub.cx, stub.y + stub.h), (x, bar.y)]


def _tunnel(b: Builder, frame: Frame, u: str, v: str, text: str, cable_x: list[float]) -> list[tuple[float, float]]:
    """Down out of each host, along a channel above the switch: the logical link rides on the cables. Its
    label goes in the gap between the two hosts when they are neighbours, else mid-way; off the cables either way."""
    g = b.g
    sa, sc = b.shapes[u], b.shapes[v]
    yk = frame.y0 + frame.top_h + TUNNEL_DROP + TUNNEL_STAGGER * frame.tunnels[frozenset((u, v))]
    if b.stacked:
        return _tunnel_stacked(b, frame, u, v, text, cable_x, yk)
    left_end, right_end = (sa, sc) if sa.cx <= sc.cx else (sc, sa)
    pts = [(left_end.cx, left_end.y + left_end.h), (left_end.cx, yk), (right_end.cx, yk), (right_end.cx, right_end.y + right_end.h)]
    box_l = b.shapes.get(g.nodes[g.nodes[left_end.gid]["parent"]].get("machine", ""))
    box_r = b.shapes.get(g.nodes[g.nodes[right_end.gid]["parent"]].get("machine", ""))
    half = style.text_width(text, bold=True) / 2 + 8
    mid = (box_l.x + box_l.w + box_r.x) / 2 if box_l and box_r and box_l.x + box_l.w < box_r.x else (left_end.cx + right_end.cx) / 2
    spots = [mid + k * 20 * sign for k in range(40) for sign in (1, -1)]
    mid = next((x for x in spots if left_end.cx + half <= x <= right_end.cx - half and not any(abs(x - c) < half for c in cable_x)), mid)
    b.labels.append(Label(edge_gid(u, v), mid, yk - style.line_height() - 2, text, bold=True, ha="center"))
    frame.height = max(frame.height, yk + style.line_height() + MARGIN)
    return pts


def _tunnel_stacked(b: Builder, frame: Frame, u: str, v: str, text: str, cable_x: list[float], yk: float) -> list[tuple[float, float]]:
    """A tunnel between stacked hosts: down out of the upper host, left under it to a channel beside the lower
    host, down it, then along a channel under the lower host and up into it. Its label on that last channel."""
    g = b.g
    upper, lower = sorted((b.shapes[u], b.shapes[v]), key=lambda s: (s.cy, s.cx))
    box_up = b.shapes[g.nodes[g.nodes[upper.gid]["parent"]]["machine"]]
    box_low = b.shapes[g.nodes[g.nodes[lower.gid]["parent"]]["machine"]]
    k = frame.tunnels[frozenset((u, v))]
    y_gap = box_up.y + box_up.h + STACK_GAP - 24 - TUNNEL_STAGGER * k / 2  # under the NIC's addresses
    x_ch = box_low.x - STACK_INDENT / 3 - TUNNEL_STAGGER * k / 2
    pts = [(upper.cx, upper.y + upper.h), (upper.cx, y_gap), (x_ch, y_gap), (x_ch, yk), (lower.cx, yk), (lower.cx, lower.y + lower.h)]
    half = style.text_width(text, bold=True) / 2 + 8
    lo, hi = sorted((x_ch, lower.cx))
    spots = [(lo + hi) / 2 + i * 20 * sign for i in range(40) for sign in (1, -1)]
    mid = next((x for x in spots if lo + half <= x <= hi - half and not any(abs(x - c) < half for c in cable_x)), (lo + hi) / 2)
    b.labels.append(Label(edge_gid(u, v), mid, yk - style.line_height() - 2, text, bold=True, ha="center"))
    frame.height = max(frame.height, yk + style.line_height() + MARGIN)
    return pts


def _bridge_to_nic(sa: Shape, sc: Shape, hung: set[str], overlay_boxes: list[Shape]) -> list[tuple[float, float]]:
    """A bridge to the host's NIC: down, across, down, staying above the NIC's address text, beside an
    overlay's box, and off the middle of a NIC that children hang from."""
    bar, nic = (sa, sc) if sa.kind == "bar" else (sc, sa)
    end_x = nic.x + nic.w - 10 if nic.gid in hung else nic.cx
    level = nic.y + PILL_H / 2 - 2 * style.line_height() - 4 - 8  # 8 pt over the NIC's two lines of addresses beside it

    def blocked(x: float) -> bool:
        return any(o.x - 8 <= x <= o.x + o.w + 8 and o.y < level and o.y + o.h > bar.y + bar.h for o in overlay_boxes)

    x = min(max(end_x, bar.x + 12), bar.x + bar.w - 12)
    if blocked(x):
        x = next((c for c in (bar.x + bar.w - 12, bar.x + 12) if not blocked(c)), x)
    if blocked(x):  # the bar is all above an overlay's box: across above the box, then down beside it
        above = min(o.y for o in overlay_boxes if o.x - 8 <= x <= o.x + o.w + 8) - PILL_H / 2 - 6
        return [(x, bar.y + bar.h), (x, above), (end_x, above), (end_x, nic.y)]
    if abs(x - end_x) < 1:
        return [(x, bar.y + bar.h), (end_x, nic.y)]
    return [(x, bar.y + bar.h), (x, level), (end_x, level), (end_x, nic.y)]


def make_scene(b: Builder, network: Network, frame: Frame) -> Scene:
    """The result: every shape by its gid, and which "+N more" box stands for each hidden container and device."""
    scene = Scene(frame.width, frame.height, b.shapes, b.extra, b.labels, b.edges)
    for s in [*b.shapes.values(), *b.extra]:
        scene.owner[s.gid] = s.gid
    for node, data in b.g.nodes(data=True):
        if data.get("kind") != "group":
            continue
        for member in data["members"]:
            scene.collapsed[member] = node
            member_ns = network.namespace(member)
            for d in member_ns.devices if member_ns else ():
                scene.collapsed[dev_id(member, d.name)] = node
                if d.peer:
                    scene.collapsed[dev_id(*d.peer)] = node
    return scene


def _attach(b: Builder, node: str, toward: tuple[float, float]) -> tuple[float, float]:
    s = b.shapes[node]
    if s.kind == "bar":
        tx, ty = toward
        x = min(max(tx, s.x + 12), s.x + s.w - 12)
        return (x, s.y if ty < s.y else s.y + s.h)
    if s.kind == "pill":
        tx, ty = toward
        if abs(ty - s.cy) >= abs(tx - s.cx) * 0.6:
            return (s.cx, s.y if ty < s.cy else s.y + s.h)
        return (s.x if tx < s.cx else s.x + s.w, s.cy)
    return (s.cx, s.cy)
