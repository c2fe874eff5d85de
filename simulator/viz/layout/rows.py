"""The rows put together: the title, the hosts' row, the tunnels' channels, the switch and the machines' row."""

from __future__ import annotations

from ipaddress import IPv4Interface

from simulator.viz import style
from simulator.viz.layout.builder import Builder, Frame, Row, move
from simulator.viz.layout.scene import Label, Shape
from simulator.viz.layout.spacing import MARGIN, PAD, TUNNEL_DROP, TUNNEL_STAGGER
from simulator.viz.layout.text import Line, measure
from simulator.viz.network import SWITCH, Namespace, Network, dev_id
from simulator.viz.words import term


def switch_label(b: Builder, network: Network, two_lines: bool = False) -> list[Line]:
    """The switch's label: its name and the networks on its cables, on one line or two."""
    if SWITCH not in b.g:
        return []
    nets = sorted({str(IPv4Interface(a).network) for p, n, d in network.lan if n
                   for ns in [network.namespace(n)] if ns for dv in [ns.device(d)] if dv for a in dv.addrs})
    name = f"{term('switch', b.lang)} ({SWITCH})"
    if two_lines and nets:
        return [Line(name, bold=True, gid=SWITCH), Line(", ".join(nets), bold=True, gid=SWITCH)]
    return [Line(name + (f"   {', '.join(nets)}" if nets else ""), bold=True, gid=SWITCH)]


def stack_rows(b: Builder, top: Row, bottom: Row, sequence: list[Namespace], head: list[Line], switch_lines: list[Line]) -> Frame:
    """The title, the hosts' row, the tunnels' channels, the switch and the machines' row, centred, top to bottom."""
    g = b.g
    has_switch = SWITCH in g
    head_w, head_h = measure(head)
    width = max(top.width, bottom.width, head_w, measure(switch_lines)[0] + 200 if switch_lines else 0.0) + 2 * MARGIN
    y0 = b.margin + (head_h + (16 if not b.tight else 8) if head else 0.0)
    move(top.bag, (width - top.width) / 2, y0)
    # tunnels run in rows under the hosts, the shortest nearest, above the switch
    tunnel_edges = sorted(((u, v) for u, v, d in g.edges(data=True) if d["kind"] == "tunnel" and u in b.shapes and v in b.shapes),
                          key=lambda e: (abs(b.shapes[e[0]].cx - b.shapes[e[1]].cx), sorted(e)))
    gap = max(b.cable, TUNNEL_DROP + TUNNEL_STAGGER * len(tunnel_edges) + 12) if tunnel_edges else b.cable
    switch_y = y0 + top.height + gap
    bottom_y = switch_y + (b.switch_h + b.cable if has_switch else 40.0)
    bottom_left = min((b.shapes[ns.node].x for ns in sequence), default=0.0)
    move(bottom.bag, (width - bottom.width) / 2 - bottom_left, bottom_y)
    if b.tight and has_switch:
        width = _clear_of_ports(b, b.net, (bottom.bag, top.bag), switch_y, width)
    if sequence:
        height = bottom_y + bottom.height + b.margin
    elif has_switch:
        height = switch_y + b.switch_h + b.margin
    else:
        height = y0 + top.height + b.margin
    ty = b.margin
    for ln in head:
        b.labels.append(Label("title", width / 2, ty, ln.text, ln.size, ln.bold, False, ln.colour, "center"))
        ty += ln.height
    return Frame(width, height, y0, top.height, switch_y, {frozenset(e): i for i, e in enumerate(tunnel_edges)})


def _clear_of_ports(b: Builder, network: Network, bags: tuple[list[object], list[object]], switch_y: float, width: float) -> float:
    """On a thin switch, no port under it may stand against a port over it: the machines' row (else the hosts')
    moved sideways the least that does it, inside the picture or widening it up to a slide's width (not moved
    when nothing does). Returns the picture's width."""
    cabled = [b.shapes[dev_id(n, d)] for _p, n, d in network.lan if n and dev_id(n, d) in b.shapes]
    over = [s for s in cabled if s.cy < switch_y]
    under = [s for s in cabled if s.cy > switch_y]
    room = max(width, style.SLIDE_WIDTH_PT) - MARGIN
    for bag, moving in zip(bags, (under, over), strict=True):
        shapes = [s for s in bag if isinstance(s, Shape)]
        if not over or not under or not shapes:
            return width
        lo, hi = min(s.x for s in shapes), max(s.x + s.w for s in shapes)
        shifts = sorted((k * 10.0 * sign for k in range(0, 40) for sign in (1, -1)), key=lambda d: (max(hi + d + MARGIN - width, 0.0), abs(d)))
        for dx in shifts:  # the least that widens the picture least
            if lo + dx < MARGIN or hi + dx > room:
                continue
            if all(abs(u.cx - o.cx + (dx if moving is under else -dx)) >= (u.w + o.w) / 2 + 12 for u in under for o in over):
                move(bag, dx, 0.0)
                return max(width, hi + dx + MARGIN)
    return width


def place_switch(b: Builder, network: Network, frame: Frame, switch_lines: list[Line]) -> None:
    """The switch bar between the rows, one port over or under each cable's device, its label past the last port."""
    switch_y, width = frame.switch_y, frame.width
    ports = list(network.lan)
    xs = []
    port_pos: dict[str, tuple[float, float]] = {}
    spare = []
    for port_name, cabled_node, cabled_dev in ports:
        pid = dev_id(SWITCH, port_name)
        dev = dev_id(cabled_node, cabled_dev) if cabled_node else ""
        if dev in b.shapes:
            s = b.shapes[dev]
            y = switch_y if s.cy < switch_y else switch_y + b.switch_h
            port_pos[pid] = (s.cx, y)
            xs.append(s.cx)
        else:
            spare.append(pid)
    # the label sits past the last port, where no frame crosses the bar; on two lines (the switch, its
    # networks) when on one it would make the picture wider
    xs.extend(min(xs, default=width / 2) + 70 * (i + 1) for i in range(len(spare)))
    for i, pid in enumerate(spare):
        port_pos[pid] = (xs[len(xs) - len(spare) + i], switch_y + b.switch_h)
    if max(xs, default=width / 2) + 50 + measure(switch_lines)[0] + 2 * PAD > width - MARGIN:
        switch_lines = switch_label(b, network, two_lines=True)
    lab_w = measure(switch_lines)[0] + 2 * PAD
    lo_x = min(xs, default=width / 2) - 60
    hi_x = max(xs, default=width / 2) + 50 + lab_w
    lo_x = max(lo_x, MARGIN)
    if hi_x > width - MARGIN:  # the label needs the room: the picture grows to the right
        frame.width = hi_x + MARGIN
    b.add_shape(Shape(SWITCH, "bar", lo_x, switch_y, hi_x - lo_x, b.switch_h, style.FILL["switch"], style.EDGE["switch"]), [])
    label_x = max(max(xs, default=lo_x) + 40, hi_x - lab_w) + PAD
    label_y = switch_y + b.switch_h / 2 - measure(switch_lines)[1] / 2
    if measure(switch_lines)[1] > b.switch_h - 6:  # a thin switch holds one line: two go under it, past the last port's cable
        label_y = switch_y + b.switch_h + 2
    b.add_lines(switch_lines, label_x, label_y, SWITCH, [])
    for p, _n, _d in ports:
        pid = dev_id(SWITCH, p)
        cx, cy = port_pos[pid]
        b.pill(pid, cx, cy, "switch", [])


