"""The machines below the switch (a laptop, a router, the internet): their order and their row."""

from __future__ import annotations

import networkx as nx

from simulator.viz import style
from simulator.viz.layout.builder import Builder, Row, move
from simulator.viz.layout.scene import Shape
from simulator.viz.layout.spacing import GAP_MACHINES, OVERLAY_KIND, PAD, PILL_H
from simulator.viz.layout.text import SIDE_ROOM, machine_lines, measure, pill_w
from simulator.viz.network import SWITCH, Namespace, Network, dev_id


def _lan_ports(network: Network) -> dict[str, str]:
    """A machine's device -> the switch port its cable is plugged into."""
    return {dev_id(n, d): dev_id(SWITCH, p) for p, n, d in network.lan if n}


def _wired(g: nx.Graph) -> dict[str, list[str]]:
    """A device -> the devices a wire (no switch) joins it to."""
    wired: dict[str, list[str]] = {}
    for u, v, data in g.edges(data=True):
        if data["kind"] == "wire":
            wired.setdefault(u, []).append(v)
            wired.setdefault(v, []).append(u)
    return wired


def machine_order(b: Builder, network: Network) -> list[Namespace]:
    """The machines below the switch: LAN members in port order, routers last, wired neighbours to their right."""
    g = b.g
    port_of = _lan_ports(network)
    wired = _wired(g)
    others = [ns for ns in network.namespaces if ns.kind not in ("docker-host", "container", OVERLAY_KIND) and ns.node in g
              and ns.node not in b.shapes]  # (an overlay's namespace is drawn inside its host)
    on_lan = [ns for ns in others if any(dev_id(ns.node, d.name) in port_of for d in ns.devices)]
    lan_order = {port_of[k]: i for i, k in enumerate(port_of)}

    def lan_key(ns: Namespace) -> tuple[int, int]:
        ports = [lan_order[port_of[dev_id(ns.node, d.name)]] for d in ns.devices if dev_id(ns.node, d.name) in port_of]
        return (1 if ns.kind == "router" else 0, min(ports))

    on_lan.sort(key=lan_key)
    sequence: list[Namespace] = []
    for ns in on_lan:
        sequence.append(ns)
        for d in ns.devices:
            for peer in wired.get(dev_id(ns.node, d.name), []):
                pns = network.namespace(g.nodes[peer]["parent"])
                if pns and pns not in sequence and pns not in on_lan:
                    sequence.append(pns)
    sequence.extend(ns for ns in others if ns not in sequence)
    return sequence


def machines_row(b: Builder, network: Network, sequence: list[Namespace]) -> Row:
    """The machines left to right, tops aligned."""
    port_of = _lan_ports(network)
    wired = _wired(b.g)
    bag: list[object] = []
    x = 0.0
    bottom_h = 0.0
    placed_pills: dict[str, tuple[float, float]] = {}
    for ns in sequence:
        w_total, h, gap = _machine_box(b, ns, x, port_of, wired, placed_pills, bag)
        x += w_total + gap
        bottom_h = max(bottom_h, h)
    bottom_w = 0.0
    if sequence:
        last = b.shapes[sequence[-1].node]
        bottom_w = last.x + last.w - min(b.shapes[ns.node].x for ns in sequence)
    return Row(bag, bottom_w, bottom_h)


def _box_width(b: Builder, tw: float, top_pills: list[str], left_pills: list[str], side_room: bool) -> tuple[float, float]:
    """Where a machine's text starts (right of the pills on its left edge) and the box's width.

    ``side_room``: a routing line inside, or pills on both its top and right edges, want 70 pt beside the text.
    """
    g = b.g
    text_x = PAD + (max(pill_w(g.nodes[p]["name"]) for p in left_pills) / 2 + 2 if left_pills else 0)
    w = text_x + tw + PAD + (SIDE_ROOM if side_room else 0)
    return text_x, max(w, sum(pill_w(g.nodes[p]["name"]) for p in top_pills) + PAD * 4)


def _edge_pills(b: Builder, w: float, kind: str, bag: list[object], top_pills: list[str], right_pills: list[str], left_pills: list[str],
                to_the_right: bool) -> None:
    """A machine's pills on its edges: cabled ones on top (to the right when ``to_the_right``, else spread), wired ones on its sides."""
    g = b.g
    for i, p in enumerate(top_pills):
        cx = w - pill_w(g.nodes[p]["name"]) / 2 - PAD - 8 if to_the_right else w * (i + 1) / (len(top_pills) + 1)
        b.pill(p, cx - 8 * i, 0.0, kind, bag)
    for i, p in enumerate(right_pills):
        b.pill(p, w, PILL_H + 22 + i * (PILL_H + 10), kind, bag)
    for i, p in enumerate(left_pills):
        b.pill(p, 0.0, PILL_H + 22 + i * (PILL_H + 10), kind, bag)


def _machine_box(b: Builder, ns: Namespace, x: float, port_of: dict[str, str], wired: dict[str, list[str]],
                 placed_pills: dict[str, tuple[float, float]], row: list[object]) -> tuple[float, float, float]:
    """One machine at ``x``: its cabled devices on its top edge, wired ones on its sides (left when the
    neighbour is already placed), its text inside. Returns its width (with pills out on its left), its
    height and the gap after it (a wire's length when it has a neighbour to its right)."""
    g = b.g
    bag: list[object] = []
    devs = [dev_id(ns.node, d.name) for d in ns.devices if d.kind != "loopback" and dev_id(ns.node, d.name) in g]
    has_routing = any(g.edges[e]["kind"] == "routing" for p in devs for e in g.edges(p))
    lines = machine_lines(ns, b.lang, b.tight, wide=has_routing)
    tw, th = measure(lines)
    top_pills = [p for p in devs if p in port_of]
    side = {p: wired[p] for p in devs if p in wired and p not in port_of}
    left_pills = [p for p, peers in side.items() if any(q in placed_pills for q in peers)]
    right_pills = [p for p in side if p not in left_pills]
    text_x, w = _box_width(b, tw, top_pills, left_pills, bool(top_pills and right_pills) or has_routing)
    h = th + 2 * PAD + PILL_H / 2
    kind = ns.kind if ns.kind in style.FILL else "laptop"
    b.add_shape(Shape(ns.node, "box", 0.0, 0.0, w, h, style.FILL[kind], style.EDGE.get(kind, style.INK)), bag)
    b.add_lines(lines, text_x, PAD + PILL_H / 2, ns.node, bag)
    _edge_pills(b, w, kind, bag, top_pills, right_pills, left_pills, bool(right_pills) or has_routing)
    extra_w = pill_w(g.nodes[left_pills[0]]["name"]) / 2 if left_pills else 0.0
    w_total = w + extra_w
    move(bag, x + extra_w, 0.0)
    for p in devs:
        if p in b.shapes:
            placed_pills[p] = (b.shapes[p].cx, b.shapes[p].cy)
    row.extend(bag)
    return w_total, h, b.wire if right_pills else GAP_MACHINES

