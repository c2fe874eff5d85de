"""A deterministic, layered layout of the topology graph, the way a textbook prints it.

Top to bottom::

    [c1]   [c2]   [c3]   [+27 more]       containers: eth0 pills on their bottom edge
     |      |      |      |               the veth pair crosses the namespace boundary
    +veth---veth---veth---27 x veth-----+ veth host ends on the Docker host's top edge
    |  \\      |      /                   |
    |   [ docker0   172.17.0.1/16 ]     | bridges inside the host, under their ports
    |          :  (IP forwarding, NAT)  |
    +--------[eth0]---------------------+ the host's NIC on its bottom edge
              |
    ==[port2]====[LAN switch]====        the LAN switch, one port per cable
        |                  |
    [laptop]          [router]--[internet]

Docker hosts stand side by side (``host1``, ``host2``), each with its own containers
above it. Every position is computed here from text measured in points, in a
coordinate system where one unit is one point and ``y`` grows *downwards* (the
drawing code flips it), so the same graph always gives the same picture: no spring
layout, no randomness, nothing that moves between runs.

The result, a :class:`Scene`, is plain data: shapes (boxes, pills for devices,
bars for bridges and the switch), text labels and edge polylines, each tagged
with the graph node or edge it draws (its ``gid``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Interface

import networkx as nx

from simulator.viz import style
from simulator.viz.network import SWITCH, Device, Namespace, Network, dev_id
from simulator.viz.words import term

MARGIN = 28.0
PAD = 10.0
PILL_H = 28.0
GAP_CONTAINERS = 26.0
V_LINK = 62.0  # container bottom edge -> host top edge (the veth pair)
BRIDGE_DROP = 58.0  # host top edge -> bridge bar
BAR_GAP = 22.0  # between rows of bridge bars
ROUTE_DROP = 70.0  # bridge bar -> host bottom edge (IP forwarding)
CABLE = 74.0  # host bottom edge -> switch top edge (and switch -> bottom row)
SWITCH_H = 54.0
GAP_HOSTS = 80.0
GAP_MACHINES = 60.0
WIRE = 90.0  # router -> internet


def edge_gid(a: str, b: str) -> str:
    """The ``gid`` of the artist drawing the edge between ``a`` and ``b`` (order-free)."""
    x, y = sorted((a, b))
    return f"EDGE:{x}|{y}"


@dataclass(slots=True)
class Shape:
    """A rectangle to draw: ``box`` (a namespace), ``pill`` (a device), ``bar`` (bridge, switch)."""

    gid: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    fill: str
    edge: str
    dashed: bool = False
    owner: str = ""  # the namespace a device pill belongs to

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def shift(self, dx: float, dy: float) -> None:
        self.x += dx
        self.y += dy


@dataclass(slots=True)
class Label:
    """One line of text; ``y`` is its top (y grows down), ``ha`` its horizontal anchor."""

    gid: str
    x: float
    y: float
    text: str
    size: float = style.LABEL_PT
    bold: bool = False
    mono: bool = False
    colour: str = style.INK
    ha: str = "left"
    va: str = "top"

    def shift(self, dx: float, dy: float) -> None:
        self.x += dx
        self.y += dy


@dataclass(slots=True)
class EdgeLine:
    """A link to draw as a polyline."""

    gid: str
    a: str
    b: str
    kind: str
    points: list[tuple[float, float]]

    def shift(self, dx: float, dy: float) -> None:
        self.points = [(x + dx, y + dy) for x, y in self.points]


@dataclass(slots=True)
class Scene:
    """A laid-out picture: everything in points, ``y`` growing downwards."""

    width: float
    height: float
    shapes: dict[str, Shape] = field(default_factory=dict)
    extra_shapes: list[Shape] = field(default_factory=list)  # second shapes of a node (a group's veth stub)
    labels: list[Label] = field(default_factory=list)
    edges: list[EdgeLine] = field(default_factory=list)
    owner: dict[str, str] = field(default_factory=dict)  # every gid -> the graph node it belongs to
    collapsed: dict[str, str] = field(default_factory=dict)  # a hidden container or device -> its "+N more" group

    def anchor(self, node: str, toward: tuple[float, float] | None = None) -> tuple[float, float]:
        """Where an arrow to or from ``node`` should attach.

        Pills attach at their centre; the long bars (a bridge, the switch) at the
        point of their edge nearest ``toward``, so an arrow from a veth drops
        straight onto the bridge below it.
        """
        shape = self.shapes[node]
        if shape.kind != "bar" or toward is None:
            return (shape.cx, shape.cy)
        tx, ty = toward
        x = min(max(tx, shape.x + 12), shape.x + shape.w - 12)
        if ty < shape.y:
            return (x, shape.y)
        if ty > shape.y + shape.h:
            return (x, shape.y + shape.h)
        return (x, shape.cy)


# --- measuring -----------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    text: str
    size: float = style.LABEL_PT
    bold: bool = False
    mono: bool = False
    colour: str = style.INK
    gid: str = ""

    @property
    def width(self) -> float:
        return style.text_width(self.text, self.size, bold=self.bold, mono=self.mono)

    @property
    def height(self) -> float:
        return style.line_height(self.size)


def _stack(lines: list[_Line]) -> tuple[float, float]:
    return (max((ln.width for ln in lines), default=0.0), sum(ln.height for ln in lines))


def _pill_w(text: str) -> float:
    return style.text_width(text, style.LABEL_PT, bold=True) + 2 * PAD


def _plain(addr: str) -> str:
    return addr.split("/")[0]


def _addr_lines(d: Device, gid: str, with_name: bool) -> list[_Line]:
    lines = []
    addrs = [a for a in d.addrs] or ["(no IPv4 address)"]
    for i, a in enumerate(addrs):
        text = f"{d.name} {a}" if (with_name and i == 0) else (" " * (len(d.name) + 1) + a if with_name else a)
        lines.append(_Line(text, mono=True, gid=gid))
    if d.kind != "loopback":
        mac = f"{' ' * (len(d.name) + 1)}{d.mac}" if with_name else d.mac
        lines.append(_Line(mac, mono=True, colour=style.MUTED, gid=gid))
    return lines


def _lo_lines(ns: Namespace) -> list[_Line]:
    """``lo`` in one muted line, or its public addresses (the internet's servers), two a line."""
    lo = ns.device("lo")
    if lo is None:
        return []
    gid = dev_id(ns.node, "lo")
    shown = [_plain(a) for a in lo.addrs if not IPv4Interface(a).ip.is_loopback]
    if not shown:
        return [_Line(f"lo {lo.addrs[0]}" if lo.addrs else "lo", colour=style.MUTED, gid=gid)]
    lines = []
    for i in range(0, len(shown), 2):
        head = "lo " if i == 0 else "   "
        lines.append(_Line(head + ", ".join(shown[i : i + 2]), mono=True, gid=gid))
    return lines


# --- building blocks -------------------------------------------------------------


class _Builder:
    def __init__(self, graph: nx.Graph, network: Network, lang: str, roomy: bool = False, notes: bool = False) -> None:
        self.route_drop = ROUTE_DROP * (2.0 if notes else 1.0)
        self.v_link = V_LINK * (1.8 if roomy else 1.0)
        self.bridge_drop = BRIDGE_DROP * (1.6 if roomy else 1.0)
        self.wire = WIRE * (2.4 if notes else 1.0)
        self.cable = CABLE * (1.5 if roomy else 1.0)
        self.g = graph
        self.net = network
        self.lang = lang
        self.shapes: dict[str, Shape] = {}
        self.extra: list[Shape] = []
        self.labels: list[Label] = []
        self.edges: list[EdgeLine] = []
        self.stubs: dict[str, Shape] = {}  # a group's veth stub on the host's top edge

    # items are created in local coordinates and shifted as whole rows later
    def add_shape(self, s: Shape, bag: list[object]) -> Shape:
        if s.gid in self.shapes:
            self.extra.append(s)
        else:
            self.shapes[s.gid] = s
        bag.append(s)
        return s

    def add_lines(self, lines: list[_Line], x: float, y: float, owner: str, bag: list[object], ha: str = "left") -> float:
        for ln in lines:
            lab = Label(ln.gid or owner, x, y, ln.text, ln.size, ln.bold, ln.mono, ln.colour, ha)
            self.labels.append(lab)
            bag.append(lab)
            y += ln.height
        return y

    def pill(self, node: str, cx: float, cy: float, owner_kind: str, bag: list[object]) -> Shape:
        attrs = self.g.nodes[node]
        text = attrs.get("name", node.split("/", 1)[1])
        w = _pill_w(text)
        s = Shape(node, "pill", cx - w / 2, cy - PILL_H / 2, w, PILL_H, style.FILL["device"], style.EDGE.get(owner_kind, style.INK),
                  dashed=not attrs.get("up", True), owner=attrs.get("parent", ""))
        self.add_shape(s, bag)
        lab = Label(node, cx, cy - style.LABEL_PT * 0.62, text, style.LABEL_PT, True, False, style.INK, "center")
        self.labels.append(lab)
        bag.append(lab)
        return s


def _shift(bag: Iterable[object], dx: float, dy: float) -> None:
    for item in bag:
        item.shift(dx, dy)  # type: ignore[attr-defined]


def _subtitle(kind: str, lang: str) -> str:
    return term(kind if kind in ("docker-host", "router", "internet", "laptop", "container") else "machine", lang)


# --- the Docker hosts, with their containers ---------------------------------------


def _container_lines(ns: Namespace) -> list[_Line]:
    lines = [_Line(ns.node, style.NAME_PT, bold=True, gid=ns.node)]
    image = ns.extra.get("image")
    if image:
        lines.append(_Line(str(image), colour=style.MUTED, gid=ns.node))
    lines.extend(_lo_lines(ns))
    links = [d for d in ns.devices if d.kind != "loopback"]
    for d in links:
        lines.extend(_addr_lines(d, dev_id(ns.node, d.name), with_name=len(links) > 1))
    return lines


def _host_column(b: _Builder, host: Namespace, bag: list[object]) -> float:
    """Lay out one Docker host and its containers from x = 0, y = 0; return its width."""
    g, lang = b.g, b.lang
    containers = [n for n in b.net.containers_of(host.node) if n.node in g]
    group = next((n for n in g.nodes if g.nodes[n].get("kind") == "group" and g.nodes[n].get("parent") == host.node), None)
    host_devices = {d.name: d for d in host.devices}
    bridges = [d.name for d in host.devices if d.kind == "bridge" and dev_id(host.node, d.name) in g]

    def bridge_of(c: Namespace) -> int:
        for d in c.devices:
            if d.peer and d.peer[0] == host.node:
                master = host_devices[d.peer[1]].master if d.peer[1] in host_devices else None
                if master in bridges:
                    return bridges.index(master)
        return len(bridges)

    order = sorted(range(len(containers)), key=lambda i: (bridge_of(containers[i]), i))
    containers = [containers[i] for i in order]

    # the title column inside the host box
    title = [_Line(host.node, style.NAME_PT, bold=True, gid=host.node), _Line(_subtitle(host.kind, lang), colour=style.MUTED, gid=host.node)]
    title.extend(_lo_lines(host))
    title_w, title_h = _stack(title)
    left = title_w + 2 * PAD + 12

    # containers, left to right, bottoms aligned
    # each bridge's label, measured first: its containers spread out until the bar under them fits it
    bar_lines: dict[str, list[_Line]] = {}
    for br in bridges:
        node = dev_id(host.node, br)
        d = host_devices[br]
        bar_lines[node] = [_Line(br, bold=True, gid=node),
                           _Line("  ".join([*(a for a in d.addrs), d.mac]), mono=True, colour=style.MUTED, gid=node)]

    def bar_need(index: int) -> float:
        if index >= len(bridges):
            return 0.0
        return _stack(bar_lines[dev_id(host.node, bridges[index])])[0] + 2 * PAD + 40

    boxes: list[tuple[str, float, float, list[_Line], list[str]]] = []  # node, x, w, lines, pills
    x = left
    current: int | None = None
    start = x
    for c in containers:
        index = bridge_of(c)
        if current is not None and index != current:
            span = x - GAP_CONTAINERS - start
            x += max(bar_need(current) - span, 0.0)
            start = x
        current = index
        lines = _container_lines(c)
        pills = [dev_id(c.node, d.name) for d in c.devices if d.kind != "loopback" and dev_id(c.node, d.name) in g]
        w = max(_stack(lines)[0] + 2 * PAD, sum(_pill_w(g.nodes[p]["name"]) for p in pills) + PAD * (len(pills) + 1))
        # the host end of each veth must fit under the box too
        for p in pills:
            peer = g.nodes[p].get("peer")
            if peer and dev_id(*peer) in g:
                w = max(w, _pill_w(peer[1]) + 2 * PAD)
        boxes.append((c.node, x, w, lines, pills))
        x += w + GAP_CONTAINERS
    if current is not None:
        x += max(bar_need(current) - (x - GAP_CONTAINERS - start), 0.0)
    group_lines: list[_Line] = []
    if group:
        members = g.nodes[group]["members"]
        addrs = [a for a in g.nodes[group]["addrs"]]
        group_lines = [_Line(term("more", lang, n=len(members)), style.NAME_PT, bold=True, gid=group)]
        # the collapsed containers as runs in creation order ("c4 … c16", "c18 … c30")
        created = [c.node for c in b.net.containers_of(host.node)]
        runs: list[list[str]] = []
        for name in members:
            if runs and created.index(name) == created.index(runs[-1][-1]) + 1:
                runs[-1].append(name)
            else:
                runs.append([name])
        for run in runs[:3]:
            text = run[0] if len(run) == 1 else (f"{run[0]}, {run[1]}" if len(run) == 2 else f"{run[0]} … {run[-1]}")
            group_lines.append(_Line(text, gid=group))
        if len(runs) > 3:
            group_lines.append(_Line("…", gid=group))
        if addrs and len(runs) == 1:
            first, last = _plain(addrs[0]), _plain(addrs[-1])
            if first.rsplit(".", 1)[0] == last.rsplit(".", 1)[0]:
                group_lines.append(_Line(f"{first} … .{last.rsplit('.', 1)[1]}", mono=True, gid=group))
            else:
                group_lines.append(_Line(f"{first} …", mono=True, gid=group))
                group_lines.append(_Line(f"… {last}", mono=True, gid=group))
        gw = max(_stack(group_lines)[0] + 2 * PAD, _pill_w(term("veths", lang, n=len(members))) + 2 * PAD)
        boxes.append((group, x, gw, group_lines, []))
        x += gw + GAP_CONTAINERS
    row_h = max((_stack(lines)[1] + 2 * PAD + PILL_H / 2 for _n, _x, _w, lines, _p in boxes), default=0.0)
    row_bottom = row_h
    host_top = row_bottom + b.v_link

    veth_x: dict[str, float] = {}
    for node, bx, w, lines, pills in boxes:
        h = _stack(lines)[1] + 2 * PAD + PILL_H / 2
        is_group = node == group
        kind = "group" if is_group else "container"
        b.add_shape(Shape(node, "box", bx, row_bottom - h, w, h, style.FILL[kind], style.EDGE[kind], dashed=is_group), bag)
        b.add_lines(lines, bx + PAD, row_bottom - h + PAD, node, bag)
        n = len(pills)
        slot = w / max(n, 1)
        for i, p in enumerate(pills):
            cx = bx + slot * (i + 0.5)
            b.pill(p, cx, row_bottom, "container", bag)
            peer = g.nodes[p].get("peer")
            if peer and dev_id(*peer) in g:
                veth_x[dev_id(*peer)] = cx
        if is_group:  # node == group: use the str-typed name
            stub = term("veths", lang, n=len(g.nodes[node]["members"]))
            sw = _pill_w(stub)
            s = Shape(node, "pill", bx + w / 2 - sw / 2, host_top - PILL_H / 2, sw, PILL_H, style.FILL["group"], style.EDGE["group"], dashed=True, owner=host.node)
            b.add_shape(s, bag)
            b.stubs[node] = s
            lab = Label(node, bx + w / 2, host_top - style.LABEL_PT * 0.62, stub, style.LABEL_PT, True, False, style.MUTED, "center")
            b.labels.append(lab)
            bag.append(lab)
            b.edges.append(EdgeLine(edge_gid(node, node) + ":link", node, node, "group-link", [(bx + w / 2, row_bottom), (bx + w / 2, host_top - PILL_H / 2)]))
            bag.append(b.edges[-1])
            veth_x[node] = bx + w / 2

    # veth host ends on the host's top edge, under their container's eth0
    for node, cx in veth_x.items():
        if node != group:
            b.pill(node, cx, host_top, "docker-host", bag)
    # host ports with no visible container above (a veth to another namespace, a vxlan port...)
    extra_top = [dev_id(host.node, d.name) for d in host.devices
                 if d.master and dev_id(host.node, d.name) in g and dev_id(host.node, d.name) not in veth_x]
    for node in extra_top:
        cx = x + _pill_w(g.nodes[node]["name"]) / 2
        b.pill(node, cx, host_top, "docker-host", bag)
        veth_x[node] = cx
        x += _pill_w(g.nodes[node]["name"]) + GAP_CONTAINERS

    # bridges: a bar under its ports, extra rows where bars would overlap
    spans: list[tuple[str, float, float]] = []
    free_x = left
    for br in bridges:
        node = dev_id(host.node, br)
        ports = [veth_x[p] for p in veth_x if (p == group and br in g.nodes[group]["bridges"]) or
                 (p != group and g.nodes[p].get("master") == br)]
        need = _stack(bar_lines[node])[0] + 2 * PAD
        if ports:  # from just left of the first port, as far right as the ports or the label need
            lo_x = max(min(ports) - 40, left)
            hi_x = max(max(ports) + 40, lo_x + need)
        else:
            lo_x, hi_x = None, None  # placed after the others
        spans.append((node, lo_x if lo_x is not None else -1.0, hi_x if hi_x is not None else -1.0))
    placed: list[tuple[str, float, float, int]] = []
    for node, lo_x, hi_x in spans:
        if lo_x >= 0:
            row = 0
            while any(r == row and not (hi_x + 16 < a or lo_x > z + 16) for _n, a, z, r in placed):
                row += 1
            placed.append((node, lo_x, hi_x, row))
            free_x = max(free_x, hi_x + 24)
    for node, lo_x, _hi, in spans:
        if lo_x < 0:
            need = _stack(bar_lines[node])[0] + 2 * PAD
            placed.append((node, free_x, free_x + need, 0))
            free_x += need + 24
    bar_h = max((_stack(ls)[1] + 2 * 8 for ls in bar_lines.values()), default=0.0)
    rows = 1 + max((r for *_x, r in placed), default=0)
    bars_top = host_top + b.bridge_drop
    right = max([x - GAP_CONTAINERS, free_x - 24, left + 40.0])
    for node, lo_x, hi_x, row in placed:
        y = bars_top + row * (bar_h + BAR_GAP)
        b.add_shape(Shape(node, "bar", lo_x, y, hi_x - lo_x, bar_h, style.FILL["bridge"], style.EDGE["bridge"], owner=host.node), bag)
        b.add_lines(bar_lines[node], lo_x + PAD, y + 8, node, bag)
        right = max(right, hi_x)
    bars_bottom = bars_top + (rows * (bar_h + BAR_GAP) - BAR_GAP if placed else 0.0)

    # the NIC(s) on the bottom edge, their addresses beside them
    host_bottom = max(bars_bottom + b.route_drop, host_top + title_h + 2 * PAD + PILL_H + 10)
    nics = [dev_id(host.node, d.name) for d in host.devices
            if d.kind not in ("loopback", "bridge") and not d.master and dev_id(host.node, d.name) in g and dev_id(host.node, d.name) not in veth_x]
    if placed:
        lo_all = min(a for _n, a, _z, _r in placed)
        hi_all = max(z for _n, _a, z, _r in placed)
        nic_x = (lo_all + hi_all) / 2
    else:
        nic_x = left + 60
    for node in nics:
        d = host_devices[g.nodes[node]["name"]]
        lines = _addr_lines(d, node, with_name=False)
        pw = _pill_w(d.name)
        nic_x = max(nic_x, left + pw / 2)
        b.pill(node, nic_x, host_bottom, "docker-host", bag)
        tw, th = _stack(lines)
        b.add_lines(lines, nic_x + pw / 2 + 12, host_bottom - th - 4, node, bag)
        right = max(right, nic_x + pw / 2 + 12 + tw)
        nic_x += pw / 2 + 12 + tw + 40 + pw / 2

    host_w = right + PAD + 8
    host_h = host_bottom - host_top
    b.add_shape(Shape(host.node, "box", 0.0, host_top, host_w, host_h, style.FILL["docker-host"], style.EDGE["docker-host"]), bag)
    b.add_lines(title, PAD + 4, host_top + PILL_H / 2 + 8, host.node, bag)
    return max(host_w, x - GAP_CONTAINERS)


# --- the machines below the switch --------------------------------------------------------


def _machine_lines(ns: Namespace, lang: str) -> list[_Line]:
    lines = [_Line(ns.node, style.NAME_PT, bold=True, gid=ns.node), _Line(_subtitle(ns.kind, lang), colour=style.MUTED, gid=ns.node)]
    links = [d for d in ns.devices if d.kind != "loopback"]
    for d in links:
        lines.extend(_addr_lines(d, dev_id(ns.node, d.name), with_name=True))
    lines.extend(_lo_lines(ns))
    return lines


def layout(
    graph: nx.Graph, network: Network, *, lang: str = "en", title: str | None = None, subtitle: str | None = None,
    roomy: bool = False, notes: bool = False,
) -> Scene:
    """Place every node and edge of ``graph`` (built from ``network``).

    ``roomy`` leaves more space between the layers (for the arrows of a packet
    path), ``notes`` more room where stacks route (for what they changed).
    """
    b = _Builder(graph, network, lang, roomy, notes)
    g = graph

    # 1. the Docker hosts, side by side
    top_bag: list[object] = []
    x = 0.0
    top_h = 0.0
    for host in network.of_kind("docker-host"):
        if host.node not in g:
            continue
        bag: list[object] = []
        w = _host_column(b, host, bag)
        _shift(bag, x, 0.0)
        top_bag.extend(bag)
        x += w + GAP_HOSTS
        top_h = max(top_h, b.shapes[host.node].y + b.shapes[host.node].h)
    top_w = max(x - GAP_HOSTS, 0.0)

    # 2. the machines below the switch: LAN members, routers last, wired neighbours to their right
    port_of = {dev_id(n, d): dev_id(SWITCH, p) for p, n, d in network.lan if n}
    wired: dict[str, list[str]] = {}
    for u, v, data in g.edges(data=True):
        if data["kind"] == "wire":
            wired.setdefault(u, []).append(v)
            wired.setdefault(v, []).append(u)
    others = [ns for ns in network.namespaces if ns.kind not in ("docker-host", "container") and ns.node in g]
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

    bottom_bag: list[object] = []
    x = 0.0
    bottom_h = 0.0
    placed_pills: dict[str, tuple[float, float]] = {}
    for ns in sequence:
        bag = []
        lines = _machine_lines(ns, lang)
        tw, th = _stack(lines)
        devs = [dev_id(ns.node, d.name) for d in ns.devices if d.kind != "loopback" and dev_id(ns.node, d.name) in g]
        top_pills = [p for p in devs if p in port_of]
        side = {p: wired[p] for p in devs if p in wired and p not in port_of}
        left_pills = [p for p, peers in side.items() if any(q in placed_pills for q in peers)]
        right_pills = [p for p in side if p not in left_pills]
        has_routing = any(g.edges[e]["kind"] == "routing" for p in devs for e in g.edges(p))
        text_x = PAD + (max(_pill_w(g.nodes[p]["name"]) for p in left_pills) / 2 + 2 if left_pills else 0)
        w = text_x + tw + PAD + (70 if (top_pills and right_pills) or has_routing else 0)
        w = max(w, sum(_pill_w(g.nodes[p]["name"]) for p in top_pills) + PAD * 4)
        h = th + 2 * PAD + PILL_H / 2
        kind = ns.kind if ns.kind in style.FILL else "laptop"
        b.add_shape(Shape(ns.node, "box", 0.0, 0.0, w, h, style.FILL[kind], style.EDGE.get(kind, style.INK)), bag)
        b.add_lines(lines, text_x, PAD + PILL_H / 2, ns.node, bag)
        for i, p in enumerate(top_pills):
            cx = w - _pill_w(g.nodes[p]["name"]) / 2 - PAD - 8 if right_pills or has_routing else w * (i + 1) / (len(top_pills) + 1)
            b.pill(p, cx - 8 * i, 0.0, kind, bag)
        for i, p in enumerate(right_pills):
            b.pill(p, w, PILL_H + 22 + i * (PILL_H + 10), kind, bag)
        for i, p in enumerate(left_pills):
            b.pill(p, 0.0, PILL_H + 22 + i * (PILL_H + 10), kind, bag)
        if left_pills:
            extra_w = _pill_w(g.nodes[left_pills[0]]["name"]) / 2
            w_total = w + extra_w
            _shift(bag, x + extra_w, 0.0)
        else:
            w_total = w
            _shift(bag, x, 0.0)
        for p in devs:
            if p in b.shapes:
                placed_pills[p] = (b.shapes[p].cx, b.shapes[p].cy)
        bottom_bag.extend(bag)
        gap = b.wire if right_pills else GAP_MACHINES
        x += w_total + gap
        bottom_h = max(bottom_h, h)
    bottom_w = 0.0
    if sequence:
        last = b.shapes[sequence[-1].node]
        bottom_w = last.x + last.w - min(b.shapes[ns.node].x for ns in sequence)

    # 3. the title
    head: list[_Line] = []
    if title:
        head.append(_Line(title, style.TITLE_PT, bold=True, gid="title"))
    if subtitle:
        head.append(_Line(subtitle, colour=style.MUTED, gid="title"))
    head_w, head_h = _stack(head)

    # 4. the switch, between the two rows
    has_switch = SWITCH in g
    switch_lines = []
    if has_switch:
        nets = sorted({str(IPv4Interface(a).network) for p, n, d in network.lan if n
                       for ns in [network.namespace(n)] if ns for dv in [ns.device(d)] if dv for a in dv.addrs})
        switch_lines = [_Line(f"{term('switch', lang)} ({SWITCH})" + (f"   {', '.join(nets)}" if nets else ""), bold=True, gid=SWITCH)]

    # 5. put the rows together, centred
    width = max(top_w, bottom_w, head_w, _stack(switch_lines)[0] + 200 if switch_lines else 0.0) + 2 * MARGIN
    y0 = MARGIN + (head_h + 16 if head else 0.0)
    _shift(top_bag, (width - top_w) / 2, y0)
    switch_y = y0 + top_h + b.cable
    bottom_y = switch_y + (SWITCH_H + b.cable if has_switch else 40.0)
    bottom_left = min((b.shapes[ns.node].x for ns in sequence), default=0.0)
    _shift(bottom_bag, (width - bottom_w) / 2 - bottom_left, bottom_y)
    if sequence:
        height = bottom_y + bottom_h + MARGIN
    elif has_switch:
        height = switch_y + SWITCH_H + MARGIN
    else:
        height = y0 + top_h + MARGIN
    ty = MARGIN
    for ln in head:
        b.labels.append(Label("title", width / 2, ty, ln.text, ln.size, ln.bold, False, ln.colour, "center"))
        ty += ln.height

    if has_switch:
        ports = list(network.lan)
        xs = []
        port_pos: dict[str, tuple[float, float]] = {}
        spare = []
        for port_name, cabled_node, cabled_dev in ports:
            pid = dev_id(SWITCH, port_name)
            dev = dev_id(cabled_node, cabled_dev) if cabled_node else ""
            if dev in b.shapes:
                s = b.shapes[dev]
                y = switch_y if s.cy < switch_y else switch_y + SWITCH_H
                port_pos[pid] = (s.cx, y)
                xs.append(s.cx)
            else:
                spare.append(pid)
        # the label sits past the last port, where no frame crosses the bar
        lab_w = _stack(switch_lines)[0] + 2 * PAD
        xs.extend(min(xs, default=width / 2) + 70 * (i + 1) for i in range(len(spare)))
        for i, pid in enumerate(spare):
            port_pos[pid] = (xs[len(xs) - len(spare) + i], switch_y + SWITCH_H)
        lo_x = min(xs, default=width / 2) - 60
        hi_x = max(xs, default=width / 2) + 50 + lab_w
        lo_x = max(lo_x, MARGIN)
        if hi_x > width - MARGIN:  # the label needs the room: the picture grows to the right
            width = hi_x + MARGIN
        b.add_shape(Shape(SWITCH, "bar", lo_x, switch_y, hi_x - lo_x, SWITCH_H, style.FILL["switch"], style.EDGE["switch"]), [])
        label_x = max(max(xs, default=lo_x) + 40, hi_x - lab_w) + PAD
        b.add_lines(switch_lines, label_x, switch_y + SWITCH_H / 2 - style.line_height() / 2, SWITCH, [])
        for p, _n, _d in ports:
            pid = dev_id(SWITCH, p)
            cx, cy = port_pos[pid]
            b.pill(pid, cx, cy, "switch", [])

    # 6. edges
    for u, v, data in g.edges(data=True):
        kind = data["kind"]
        a, c = (u, v)
        if a not in b.shapes or c not in b.shapes:
            continue
        sa, sc = b.shapes[a], b.shapes[c]
        gid = edge_gid(u, v)
        if kind == "group":
            stub = b.stubs[a] if a in b.stubs else b.stubs[c]
            bar = sc if stub.gid == a else sa
            x = min(max(stub.cx, bar.x + 12), bar.x + bar.w - 12)
            pts = [(stub.cx, stub.y + stub.h), (x, bar.y)]
        elif kind == "switch-port":
            port = sa if sa.kind == "pill" else sc
            sw = sc if port is sa else sa
            inward = 1.0 if port.cy <= sw.cy else -1.0
            pts = [(port.cx, port.cy + inward * PILL_H / 2), (port.cx, port.cy + inward * (PILL_H / 2 + 10))]
        elif kind == "routing" and sa.owner and network.namespace(sa.owner) and network.namespace(sa.owner).kind == "router":  # type: ignore[union-attr]
            top, side_ = (sa, sc) if sa.cy < sc.cy else (sc, sa)
            pts = [(top.cx, top.y + top.h), (top.cx, side_.cy), (side_.x, side_.cy)]
        elif kind == "routing" and (sa.kind == "bar") != (sc.kind == "bar"):
            # a bridge to the host's NIC: down, across, down, staying above the NIC's address text
            bar, nic = (sa, sc) if sa.kind == "bar" else (sc, sa)
            x = min(max(nic.cx, bar.x + 12), bar.x + bar.w - 12)
            if abs(x - nic.cx) < 1:
                pts = [(x, bar.y + bar.h), (nic.cx, nic.y)]
            else:
                level = nic.y - 2 * style.line_height() - 14
                pts = [(x, bar.y + bar.h), (x, level), (nic.cx, level), (nic.cx, nic.y)]
        else:
            if sc.kind == "bar" and sa.kind != "bar":
                pc = _attach(b, c, (sa.cx, sa.cy))
                pa = _attach(b, a, pc)
            else:
                pa = _attach(b, a, (sc.cx, sc.cy))
                pc = _attach(b, c, pa)
            pts = [pa, pc]
        b.edges.append(EdgeLine(gid, u, v, kind, pts))

    scene = Scene(width, height, b.shapes, b.extra, b.labels, b.edges)
    for s in [*b.shapes.values(), *b.extra]:
        scene.owner[s.gid] = s.gid
    for node, data in g.nodes(data=True):
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


def _attach(b: _Builder, node: str, toward: tuple[float, float]) -> tuple[float, float]:
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
