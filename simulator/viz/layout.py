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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Interface

import networkx as nx

from simulator.viz import style
from simulator.viz.network import STACKED_KINDS, SWITCH, Device, Namespace, Network, dev_id
from simulator.viz.words import term

MARGIN = 28.0
PAD = 10.0
PILL_H = 28.0
GAP_CONTAINERS = 26.0
GAP_CONTAINERS_COMPACT = 14.0  # the same in a picture packed to fit a slide
V_LINK = 62.0  # container bottom edge -> host top edge (the veth pair)
BRIDGE_DROP = 58.0  # host top edge -> bridge bar
BAR_GAP = 22.0  # between rows of bridge bars
ROUTE_DROP = 70.0  # bridge bar -> host bottom edge (IP forwarding)
CABLE = 74.0  # host bottom edge -> switch top edge (and switch -> bottom row)
SWITCH_H = 54.0
GAP_HOSTS = 80.0
GAP_HOSTS_COMPACT = 24.0
WRAP_NAME = 14  # in a packed picture, a container's name longer than this is wrapped after a "_" or "-"
GAP_MACHINES = 60.0
WIRE = 90.0  # router -> internet
OV_GAP = 34.0  # the bridges -> an overlay namespace's top edge, inside the host
OV_DROP = 46.0  # an overlay namespace's top edge -> its br0
STACK_RISE = 112.0  # a NIC -> the devices stacked on it (eth0.10, a macvlan shim), above it and the routing
TUNNEL_STAGGER = 24.0  # between the channels of two tunnels under the hosts (a label's height and a gap)
TUNNEL_DROP = 40.0  # a host's bottom edge -> the first tunnel's channel (its label fits above it)
OVERLAY_KIND = "overlay-netns"


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


def _bar_lines(gid: str, name: str, addrs: Sequence[str], mac: str) -> list[_Line]:
    """A bridge's label: its name, its addresses (when it has any), its MAC, a line each."""
    lines = [_Line(name, bold=True, gid=gid)]
    if addrs:
        lines.append(_Line("  ".join(addrs), mono=True, colour=style.MUTED, gid=gid))
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
    def __init__(self, graph: nx.Graph, network: Network, lang: str, roomy: bool = False, notes: bool = False,
                 compact: bool = False) -> None:
        # compact: a picture that would be wider than a slide packs its hosts and containers closer, long names wrapped
        self.compact = compact
        self.gap_containers = GAP_CONTAINERS_COMPACT if compact else GAP_CONTAINERS
        self.gap_hosts = GAP_HOSTS_COMPACT if compact else GAP_HOSTS
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


def _wrapped(name: str, limit: int = WRAP_NAME) -> list[str]:
    """``name`` on lines of at most ``limit`` characters where it can break after a ``_`` or ``-``.

    >>> _wrapped("network_alias_container1"), _wrapped("c1"), _wrapped("dns_client")
    (['network_alias_', 'container1'], ['c1'], ['dns_client'])
    """
    lines = [""]
    for piece in re.findall(r"[^_-]*[_-]|[^_-]+$", name):
        if lines[-1] and len(lines[-1]) + len(piece) > limit:
            lines.append("")
        lines[-1] += piece
    return lines


def _container_lines(ns: Namespace, lang: str = "en", wrap: bool = False) -> list[_Line]:
    """A container's name (``wrap``: on several lines), image, aliases, ``lo`` and addresses."""
    names = _wrapped(ns.node) if wrap else [ns.node]
    lines = [_Line(name, style.NAME_PT, bold=True, gid=ns.node) for name in names]
    image = ns.extra.get("image")
    if image:
        lines.append(_Line(str(image), colour=style.MUTED, gid=ns.node))
    lines.extend(_alias_lines(ns, lang))
    lines.extend(_lo_lines(ns))
    links = [d for d in ns.devices if d.kind != "loopback"]
    for d in links:
        lines.extend(_addr_lines(d, dev_id(ns.node, d.name), with_name=len(links) > 1))
    return lines


def _alias_lines(ns: Namespace, lang: str) -> list[_Line]:
    """The container's network-scoped aliases, one line per network (named when it is on several)."""
    aliases = ns.extra.get("aliases", ())
    several = len(ns.extra.get("networks", ())) > 1
    return [_Line(term("aliases", lang, names=", ".join(names)) + (f" ({network})" if several else ""), bold=True,
                  gid=ns.node)
            for network, names in aliases]


class _HostColumn:
    """One Docker host and its containers, laid out from x = 0, y = 0 by small passes in order.

    Each pass reads what the ones before it placed (the attributes below) and adds
    shapes and labels to ``bag``: the title column, the bridges' labels (measured
    first: containers spread out until the bar under them fits its label), the row of
    container boxes and their "+N more" box, the veth ends on the host's top edge, the
    bridge bars, the overlay networks' namespaces, the NICs on the bottom edge, the
    devices stacked on a NIC, the children's link labels, then the host box itself.
    """

    def __init__(self, b: _Builder, host: Namespace, bag: list[object]) -> None:
        self.b, self.g, self.lang, self.host, self.bag = b, b.g, b.lang, host, bag
        g = b.g
        self.containers = [n for n in b.net.containers_of(host.node) if n.node in g]
        self.group = next((n for n in g.nodes if g.nodes[n].get("kind") == "group" and g.nodes[n].get("parent") == host.node), None)
        self.host_devices = {d.name: d for d in host.devices}
        self.bridges = [d.name for d in host.devices if d.kind == "bridge" and dev_id(host.node, d.name) in g]
        self.overlays = [n for n in b.net.overlays_of(host.node) if n.node in g]
        self.boxes: list[tuple[str, float, float, list[_Line], list[str]]] = []  # node, x, w, lines, pills
        self.x = 0.0  # the row's cursor: right of the last box placed
        self.veth_x: dict[str, float] = {}
        self.ov_ports: dict[str, dict[str, float]] = {}  # overlay namespace -> its veth ends under their containers
        self.child_x: dict[str, list[float]] = {}  # a host device -> where the macvlan/ipvlan children stacked on it hang
        self.child_pills: list[tuple[str, float, str]] = []  # (child device, x, parent device)
        self.placed: list[tuple[str, float, float, int]] = []  # bridge bars: node, left, right, row
        self.ov_spans: list[tuple[float, float]] = []
        self.nic_at: dict[str, float] = {}
        self.upper_x: dict[str, float] = {}

    def run(self) -> float:
        """Every pass, in order; returns the column's width."""
        self.order_containers()
        self.title_column()
        self.measure_bars()
        self.container_boxes()
        self.group_box()
        self.draw_row()
        self.veth_ends()
        self.bridge_bars()
        self.overlay_boxes()
        self.nics()
        self.stacked_devices()
        self.child_labels()
        return self.finish()

    # --- what a container is attached to ---

    def link_of(self, p: str) -> tuple[str, str] | None:
        """(kind, far end) of the link a container device has into the host: ``veth`` or ``stacked``."""
        g = self.g
        peer = g.nodes[p].get("peer")
        q = dev_id(*peer) if peer else ""
        if not peer or q not in g or not g.has_edge(p, q):
            return None
        return str(g.edges[p, q]["kind"]), q

    def bridge_of(self, c: Namespace) -> int:
        for d in c.devices:
            if d.peer and d.peer[0] == self.host.node and d.kind not in STACKED_KINDS:
                master = self.host_devices[d.peer[1]].master if d.peer[1] in self.host_devices else None
                if master in self.bridges:
                    return self.bridges.index(master)
        return len(self.bridges)

    def stacked_here(self, c: Namespace) -> bool:
        """A macvlan/ipvlan child of a host device: drawn first, hanging straight over the NIC."""
        return any(d.kind in STACKED_KINDS and d.peer and d.peer[0] == self.host.node for d in c.devices)

    def on_overlay(self, c: Namespace) -> bool:
        """Attached to an overlay's namespace here: drawn next, its box left of the bridges' routing to the NIC."""
        return any(d.peer and any(o.node == d.peer[0] for o in self.overlays) for d in c.devices)

    # --- the passes ---

    def order_containers(self) -> None:
        """Children of a NIC first, then those on an overlay, then by bridge, each in creation order."""
        containers = self.containers

        def rank(i: int) -> tuple[int, int, int]:
            c = containers[i]
            return (0 if self.stacked_here(c) else 1 if self.on_overlay(c) else 2, self.bridge_of(c), i)

        self.containers = [containers[i] for i in sorted(range(len(containers)), key=rank)]

    def title_column(self) -> None:
        """The host's name, kind and ``lo`` inside its box, on the left."""
        host = self.host
        self.title = [_Line(host.node, style.NAME_PT, bold=True, gid=host.node), _Line(_subtitle(host.kind, self.lang), colour=style.MUTED, gid=host.node)]
        self.title.extend(_lo_lines(host))
        self.title_w, self.title_h = _stack(self.title)
        self.left = self.title_w + 2 * PAD + 12

    def measure_bars(self) -> None:
        """Each bridge's label: its name, then its addresses, then its MAC (stacked: a bar is as narrow as a slide needs)."""
        self.bar_lines: dict[str, list[_Line]] = {}
        for br in self.bridges:
            node = dev_id(self.host.node, br)
            d = self.host_devices[br]
            self.bar_lines[node] = _bar_lines(node, br, d.addrs, d.mac)

    def bar_need(self, index: int) -> float:
        if index >= len(self.bridges):
            return 0.0
        return _stack(self.bar_lines[dev_id(self.host.node, self.bridges[index])])[0] + 2 * PAD + 40

    def container_boxes(self) -> None:
        """Containers left to right, each as wide as its text and its pills; a bridge's run as wide as its label."""
        g = self.g
        x = self.left
        current: int | None = None
        start = x
        for c in self.containers:
            index = self.bridge_of(c)
            if current is not None and index != current:
                span = x - self.b.gap_containers - start
                x += max(self.bar_need(current) - span, 0.0)
                start = x
            current = index
            lines = _container_lines(c, self.lang, wrap=self.b.compact)
            pills = [dev_id(c.node, d.name) for d in c.devices if d.kind != "loopback" and dev_id(c.node, d.name) in g]
            w = max(_stack(lines)[0] + 2 * PAD, sum(_pill_w(g.nodes[p]["name"]) for p in pills) + PAD * (len(pills) + 1))
            # the host end of each veth must fit under the box too
            for p in pills:
                link = self.link_of(p)
                if link and link[0] == "veth":
                    w = max(w, _pill_w(g.nodes[link[1]]["name"]) * len(pills) + PAD * (len(pills) + 1))
            self.boxes.append((c.node, x, w, lines, pills))
            x += w + self.b.gap_containers
        if current is not None:
            x += max(self.bar_need(current) - (x - self.b.gap_containers - start), 0.0)
        self.x = x

    def group_box(self) -> None:
        """The "+N more" box: how many, their names as runs in creation order, their addresses."""
        g, group, lang = self.g, self.group, self.lang
        # the "+N more" stub names their links: veths, or "links" when some hang from a NIC (macvlan)
        uplinks = g.nodes[group].get("uplinks", ()) if group else ()
        self.stub_term = "veths" if all(u in g and g.nodes[u].get("dev_kind") == "bridge" for u in uplinks) else "links"
        if not group:
            return
        members = g.nodes[group]["members"]
        addrs = [a for a in g.nodes[group]["addrs"]]
        group_lines = [_Line(term("more", lang, n=len(members)), style.NAME_PT, bold=True, gid=group)]
        # the collapsed containers as runs in creation order ("c4 … c16", "c18 … c30")
        created = [c.node for c in self.b.net.containers_of(self.host.node)]
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
        gw = max(_stack(group_lines)[0] + 2 * PAD, _pill_w(term(self.stub_term, lang, n=len(members))) + 2 * PAD)
        self.boxes.append((group, self.x, gw, group_lines, []))
        self.x += gw + self.b.gap_containers

    def draw_row(self) -> None:
        """The boxes, bottoms aligned, their pills on the bottom edge; where each veth's host end goes."""
        b, bag, group = self.b, self.bag, self.group
        row_h = max((_stack(lines)[1] + 2 * PAD + PILL_H / 2 for _n, _x, _w, lines, _p in self.boxes), default=0.0)
        self.row_bottom = row_bottom = row_h
        self.host_top = row_bottom + b.v_link
        for node, bx, w, lines, pills in self.boxes:
            h = _stack(lines)[1] + 2 * PAD + PILL_H / 2
            is_group = node == group
            kind = "group" if is_group else "container"
            b.add_shape(Shape(node, "box", bx, row_bottom - h, w, h, style.FILL[kind], style.EDGE[kind], dashed=is_group), bag)
            b.add_lines(lines, bx + PAD, row_bottom - h + PAD, node, bag)
            slot = w / max(len(pills), 1)
            for i, p in enumerate(pills):
                cx = bx + slot * (i + 0.5)
                b.pill(p, cx, row_bottom, "container", bag)
                self.note_link(p, cx)
            if is_group:
                self.group_stub(node, bx, w)

    def note_link(self, p: str, cx: float) -> None:
        """Remember where a container's pill ``p`` at ``cx`` links into the host (a veth end, an overlay port, a NIC)."""
        link = self.link_of(p)
        if link and link[0] == "veth":
            owner = self.g.nodes[link[1]].get("parent")
            if owner == self.host.node:
                self.veth_x[link[1]] = cx
            elif any(o.node == owner for o in self.overlays):  # the veth's other end is in an overlay's namespace
                self.ov_ports.setdefault(str(owner), {})[link[1]] = cx
        elif link and link[0] == "stacked":
            self.child_x.setdefault(link[1], []).append(cx)
            self.child_pills.append((p, cx, link[1]))

    def group_stub(self, node: str, bx: float, w: float) -> None:
        """The "+N more" box's stub on the host's top edge ("24 × veth"), and its line down to it."""
        b, bag, host_top = self.b, self.bag, self.host_top
        stub = term(self.stub_term, self.lang, n=len(self.g.nodes[node]["members"]))
        sw = _pill_w(stub)
        s = Shape(node, "pill", bx + w / 2 - sw / 2, host_top - PILL_H / 2, sw, PILL_H, style.FILL["group"], style.EDGE["group"], dashed=True, owner=self.host.node)
        b.add_shape(s, bag)
        b.stubs[node] = s
        lab = Label(node, bx + w / 2, host_top - style.LABEL_PT * 0.62, stub, style.LABEL_PT, True, False, style.MUTED, "center")
        b.labels.append(lab)
        bag.append(lab)
        b.edges.append(EdgeLine(edge_gid(node, node) + ":link", node, node, "group-link", [(bx + w / 2, self.row_bottom), (bx + w / 2, host_top - PILL_H / 2)]))
        bag.append(b.edges[-1])
        self.veth_x[node] = bx + w / 2

    def veth_ends(self) -> None:
        """Veth host ends on the host's top edge under their container's eth0, then ports with nothing drawn above."""
        b, g, host = self.b, self.g, self.host
        for node, cx in self.veth_x.items():
            if node != self.group:
                b.pill(node, cx, self.host_top, "docker-host", self.bag)
        # host ports with no visible container above (a veth to another namespace, a vxlan port...)
        extra_top = [dev_id(host.node, d.name) for d in host.devices
                     if d.master and dev_id(host.node, d.name) in g and dev_id(host.node, d.name) not in self.veth_x]
        for node in extra_top:
            cx = self.x + _pill_w(g.nodes[node]["name"]) / 2
            b.pill(node, cx, self.host_top, "docker-host", self.bag)
            self.veth_x[node] = cx
            self.x += _pill_w(g.nodes[node]["name"]) + self.b.gap_containers

    def bridge_bars(self) -> None:
        """Each bridge a bar under its ports (its label clear of lines passing over it), extra rows where bars would overlap."""
        b, g, group, host = self.b, self.g, self.group, self.host
        spans: list[tuple[str, float, float]] = []
        label_at: dict[str, float] = {}
        # the "+N more" box's link down to an overlay's br0 (a straight drop: br0 reaches under it)
        self.group_drop = {o.node: self.veth_x[group] for o in self.overlays
                           if group and group in self.veth_x and any(str(u).startswith(o.node + "/") for u in g.nodes[group].get("uplinks", ()))}
        free_x = max([self.left, *(cx + (24 if b.compact else 40) for xs in self.child_x.values() for cx in xs)])  # clear of the macvlan children's lines
        for br in self.bridges:
            node = dev_id(host.node, br)
            ports = [self.veth_x[p] for p in self.veth_x if (p == group and br in g.nodes[group]["bridges"]) or
                     (p != group and g.nodes[p].get("master") == br)]
            need = _stack(self.bar_lines[node])[0] + 2 * PAD
            if ports:  # from just left of the first port, as far right as the ports or the label need
                lo_x = max(min(ports) - 40, self.left)
                # the label where no line into an overlay's namespace crosses the bar (they pass over it)
                crossing = ([cx for xs in self.ov_ports.values() for cx in xs.values() if cx > lo_x]
                            + [x for x in self.group_drop.values() if x > lo_x])
                spots = [lo_x + PAD, *(cx + 12 for cx in sorted(crossing))]
                spot = next((x0 for x0 in spots if not any(x0 - 8 < cx < x0 + need - PAD + 8 for cx in crossing)), lo_x + PAD)
                label_at[node] = spot
                hi_x = max(max(ports) + 40, lo_x + need, spot + need - PAD)
                spans.append((node, lo_x, hi_x))
            else:
                spans.append((node, -1.0, -1.0))  # placed after the others
        placed = self.placed
        for node, lo_x, hi_x in spans:
            if lo_x >= 0:
                row = 0
                while any(r == row and not (hi_x + 16 < a or lo_x > z + 16) for _n, a, z, r in placed):
                    row += 1
                placed.append((node, lo_x, hi_x, row))
                free_x = max(free_x, hi_x + 24)
        bar_h = max((_stack(ls)[1] + 2 * 8 for ls in self.bar_lines.values()), default=0.0)
        for node, lo_x, _hi in spans:
            if lo_x < 0:
                need = _stack(self.bar_lines[node])[0] + 2 * PAD
                under = self.under_title(need, bar_h) if b.compact else None
                if under is not None:
                    placed.append((node, PAD, PAD + need, under))
                    continue
                placed.append((node, free_x, free_x + need, 0))
                free_x += need + 24
        rows = 1 + max((r for *_x, r in placed), default=0)
        bars_top = self.host_top + b.bridge_drop
        self.right = max([self.x - self.b.gap_containers, free_x - 24, self.left + 40.0])
        for node, lo_x, hi_x, row in placed:
            y = bars_top + row * (bar_h + BAR_GAP)
            b.add_shape(Shape(node, "bar", lo_x, y, hi_x - lo_x, bar_h, style.FILL["bridge"], style.EDGE["bridge"], owner=host.node), self.bag)
            b.add_lines(self.bar_lines[node], label_at.get(node, lo_x + PAD), y + 8, node, self.bag)
            self.right = max(self.right, hi_x)
        self.bars_bottom = bars_top + (rows * (bar_h + BAR_GAP) - BAR_GAP if placed else 0.0)

    def under_title(self, need: float, bar_h: float) -> int | None:
        """In a packed picture, the row where a bar with no ports fits under the host's title, left of every line
        coming down into the host; None when none does."""
        if self.child_x:  # its route to the NIC would cross the children's lines and their labels
            return None
        title_bottom = self.host_top + PILL_H / 2 + 8 + self.title_h
        lines = [*self.veth_x.values(), *(cx for xs in self.child_x.values() for cx in xs),
                 *(cx for xs in self.ov_ports.values() for cx in xs.values())]
        if any(cx < PAD + need + 16 for cx in lines):
            return None
        row = 0
        while (self.host_top + self.b.bridge_drop + row * (bar_h + BAR_GAP) < title_bottom + 8
               or any(r == row and a < PAD + need + 16 for _n, a, _z, r in self.placed)):
            row += 1
        return row

    def overlay_boxes(self) -> None:
        """The overlay networks' own namespaces, boxes in a row under the bridges."""
        self.title_bottom = self.host_top + PILL_H / 2 + 8 + self.title_h
        ov_top = (self.bars_bottom if self.placed else self.host_top + PILL_H) + OV_GAP
        self.ov_bottom = ov_top
        for ov in sorted(self.overlays, key=lambda n: min(self.ov_ports.get(n.node, {}).values(), default=1e9)):
            min_x = PAD + 8 if ov_top - PILL_H / 2 > self.title_bottom + 8 else self.left  # under the host's title when it has ended
            if self.ov_spans:
                min_x = max(min_x, self.ov_spans[-1][1] + 24)
            x0, x1, bottom = _overlay_box(self.b, ov, self.ov_ports.get(ov.node, {}), ov_top, min_x, self.bag, reach=self.group_drop.get(ov.node))
            self.ov_spans.append((x0, x1))
            self.ov_bottom = max(self.ov_bottom, bottom)
            self.right = max(self.right, x1)

    def nics(self) -> None:
        """The NICs on the host's bottom edge, their addresses beside them, under what hangs from them."""
        b, g, host = self.b, self.g, self.host
        floor = max(self.bars_bottom, self.ov_bottom + PILL_H / 2 + 10 if self.overlays else self.bars_bottom)
        self.host_bottom = max(floor + b.route_drop, self.host_top + self.title_h + 2 * PAD + PILL_H + 10)
        self.uppers = [dev_id(host.node, d.name) for d in host.devices
                       if d.kind in STACKED_KINDS and d.peer and d.peer[0] == host.node and dev_id(host.node, d.name) in g and dev_id(*d.peer) in g]
        self.upper_lines = {u: _addr_lines(self.host_devices[g.nodes[u]["name"]], u, with_name=False) if g.nodes[u]["addrs"] else []
                            for u in self.uppers}
        if self.uppers:
            text_h = max(_stack(ls)[1] for ls in self.upper_lines.values())
            self.host_bottom = max(self.host_bottom, floor + 30 + PILL_H / 2 + STACK_RISE, self.title_bottom + 12 + text_h / 2 + STACK_RISE)
        nics = [dev_id(host.node, d.name) for d in host.devices
                if d.kind not in ("loopback", "bridge") and not d.master and dev_id(host.node, d.name) in g
                and dev_id(host.node, d.name) not in self.veth_x and dev_id(host.node, d.name) not in self.uppers]
        if self.placed:
            nic_x = (min(a for _n, a, _z, _r in self.placed) + max(z for _n, _a, z, _r in self.placed)) / 2
        else:
            nic_x = self.left + 60
        self.upper_x = {u: sum(self.child_x[u]) / len(self.child_x[u]) for u in self.uppers if self.child_x.get(u)}  # over their children
        for node in nics:
            d = self.host_devices[g.nodes[node]["name"]]
            lines = _addr_lines(d, node, with_name=False)
            pw = _pill_w(d.name)
            stack = self.child_x.get(node, []) + [self.upper_x[u] for u in self.upper_x if dev_id(*g.nodes[u]["peer"]) == node]
            if stack:  # straight under the last thing hanging from it
                x_here = max(stack)
            else:
                x_here = nic_x
                for x0, x1 in self.ov_spans:  # not under an overlay's box: the bridges' routing comes down beside it
                    if x0 - pw / 2 - 30 < x_here < x1 + pw / 2 + 30:
                        x_here = x1 + pw / 2 + 30
            x_here = max(x_here, self.left + pw / 2)
            b.pill(node, x_here, self.host_bottom, "docker-host", self.bag)
            self.nic_at[node] = x_here
            tw, th = _stack(lines)
            b.add_lines(lines, x_here + pw / 2 + 12, self.host_bottom - th - 4, node, self.bag)
            self.right = max(self.right, x_here + pw / 2 + 12 + tw)
            nic_x = x_here + pw / 2 + 12 + tw + 40 + pw / 2

    def stacked_devices(self) -> None:
        """Devices stacked on a NIC (eth0.10, a host shim like mac0) in a row just above it, their link labelled."""
        b, g, upper_x, nic_at = self.b, self.g, self.upper_x, self.nic_at
        up_y = self.host_bottom - STACK_RISE
        leftmost: dict[str, float] = {}  # per NIC, the leftmost thing hanging from it so far
        for u in self.uppers:
            lower = dev_id(*g.nodes[u]["peer"])
            if lower in nic_at:
                leftmost[lower] = min([nic_at[lower], *self.child_x.get(lower, []),
                                       *(upper_x[v] for v in upper_x if dev_id(*g.nodes[v]["peer"]) == lower)])
        for u in self.uppers:
            lower = dev_id(*g.nodes[u]["peer"])
            uw = _pill_w(g.nodes[u]["name"])
            tw, th = _stack(self.upper_lines[u])
            if u in upper_x:
                ux = upper_x[u]
            else:  # a shim with nothing hanging from it: beside its NIC, on the left, its addresses further left
                edge = leftmost.get(lower, nic_at.get(lower, self.left + 60))
                ux = edge - 40 - uw / 2 - (_pill_w(g.nodes[lower]["name"]) / 2 if lower in nic_at and edge == nic_at[lower] else 0)
                leftmost[lower] = ux - uw / 2 - (tw + 10 if tw else 0) - 30
            b.pill(u, ux, up_y, "docker-host", self.bag)
            if self.upper_lines[u]:
                b.add_lines(self.upper_lines[u], ux - uw / 2 - 10, up_y - th / 2, u, self.bag, ha="right")
            if lower in nic_at or lower in g:
                self.stacked_label(u, lower, ux, up_y)

    def stacked_label(self, u: str, lower: str, ux: float, up_y: float) -> None:
        """What links ``u`` to its NIC, a third of the way down its line, on the left: next to its own line, not a neighbour's."""
        g = self.g
        label = str(g.edges[u, lower]["label"]) if g.has_edge(u, lower) else ""
        lx = self.nic_at.get(lower, ux)
        y_a, y_b = up_y + PILL_H / 2, self.host_bottom - PILL_H / 2
        top = y_a + (y_b - y_a) * 0.3 - style.line_height() / 2 + 4
        line_x = ux + (lx - ux) * max(top - y_a, 0.0) / (y_b - y_a)  # where the line is at the label's top
        lab = Label(edge_gid(u, lower), min(line_x, ux + (lx - ux) * 0.3) - 10, top, label, colour=style.MUTED, ha="right")
        self.b.labels.append(lab)
        self.bag.append(lab)

    def child_labels(self) -> None:
        """The children's links say what they are once per parent (on the child nearest it), just under the
        child, on the side its line leans away from."""
        parent_at = {**self.nic_at, **self.upper_x}
        for parent in dict.fromkeys(q for _p, _x, q in self.child_pills):
            if parent not in parent_at:
                continue
            px = parent_at[parent]
            p, cx, _q = min((c for c in self.child_pills if c[2] == parent), key=lambda c: (abs(c[1] - px), c[1]))
            right_side = px <= cx + 1
            lab = Label(edge_gid(p, parent), cx + 10 if right_side else cx - 10, self.row_bottom + PILL_H / 2 + 4, str(self.g.edges[p, parent]["label"]),
                        colour=style.MUTED, ha="left" if right_side else "right")
            self.b.labels.append(lab)
            self.bag.append(lab)

    def finish(self) -> float:
        """Room on the left for what hangs beside a NIC (everything inside moves right, the title stays); the host box."""
        bag = self.bag
        deficit = PAD + 8 - min((_left_of(item) for item in bag), default=PAD + 8)
        if deficit > 0:
            _shift(bag, deficit, 0.0)
            self.right += deficit
            self.x += deficit
        host_w = self.right + PAD + 8
        host_h = self.host_bottom - self.host_top
        self.b.add_shape(Shape(self.host.node, "box", 0.0, self.host_top, host_w, host_h, style.FILL["docker-host"], style.EDGE["docker-host"]), bag)
        self.b.add_lines(self.title, PAD + 4, self.host_top + PILL_H / 2 + 8, self.host.node, bag)
        return max(host_w, self.x - self.b.gap_containers)


def _host_column(b: _Builder, host: Namespace, bag: list[object]) -> float:
    """Lay out one Docker host and its containers from x = 0, y = 0; return its width."""
    return _HostColumn(b, host, bag).run()


def _left_of(item: object) -> float:
    """The leftmost x a laid-out item covers (a label by its anchor and measured width)."""
    if isinstance(item, Shape):
        return item.x
    if isinstance(item, Label):
        w = style.text_width(item.text, item.size, bold=item.bold, mono=item.mono)
        return {"left": item.x, "center": item.x - w / 2, "right": item.x - w}[item.ha]
    if isinstance(item, EdgeLine):
        return min(x for x, _y in item.points)
    return 0.0


def _overlay_box(b: _Builder, ns: Namespace, ports: dict[str, float], top: float, min_x: float, bag: list[object],
                 reach: float | None = None) -> tuple[float, float, float]:
    """An overlay network's namespace inside its host: veth ends on the top edge (under their
    containers), ``br0`` under them, the namespace's name, ``vxlan0`` on the bottom edge with its VNI.
    ``reach``: an x the bar must reach under too (where the "+N more" box's link drops).

    Returns the box's left and right x and its bottom y.
    """
    g = b.g
    extra = g.nodes[ns.node].get("extra", {})
    name = term("overlay-ns", b.lang, id=extra.get("netns", ns.node)) + (f" ({extra['network']})" if extra.get("network") else "")
    title = _Line(name, bold=True, gid=ns.node)
    head = [title, *_lo_lines(ns)]
    head_w, head_h = _stack(head)
    devs = [dev_id(ns.node, d.name) for d in ns.devices if d.kind != "loopback" and dev_id(ns.node, d.name) in g]
    bars = [d for d in devs if g.nodes[d]["dev_kind"] == "bridge"]
    vteps = [d for d in devs if g.nodes[d]["dev_kind"] == "vxlan"]
    others = [d for d in devs if d not in bars and d not in vteps and d not in ports]  # ports with nothing drawn above
    xs = dict(ports)
    at = max(xs.values(), default=min_x + PAD + 20)
    for d in others:
        at += _pill_w(g.nodes[d]["name"]) + GAP_CONTAINERS / 2
        xs[d] = at
    bar_lines = {d: _bar_lines(d, g.nodes[d]["name"], g.nodes[d]["addrs"], g.nodes[d]["mac"]) for d in bars}
    bar_h = max((_stack(ls)[1] + 2 * 8 for ls in bar_lines.values()), default=0.0)
    lo = max(min(xs.values(), default=min_x + PAD) - 40, min_x + PAD)
    hi = max([max(xs.values(), default=lo) + 40, *(lo + _stack(ls)[0] + 2 * PAD for ls in bar_lines.values()), (reach or 0.0) + 40])
    # vxlan0 and its VNI on the bottom edge, right of the name
    vni_lines = {v: [_Line(f"VNI {g.nodes[v]['vni']}", mono=True, gid=v)] if "vni" in g.nodes[v] else [] for v in vteps}
    tail = sum(_pill_w(g.nodes[v]["name"]) + 12 + _stack(vni_lines[v])[0] + 24 for v in vteps)
    x0 = lo - PAD
    x1 = max(hi + PAD, x0 + PAD + head_w + 30 + tail + PAD)
    bar_y = top + OV_DROP
    bars_bottom = bar_y + len(bars) * (bar_h + BAR_GAP) - (BAR_GAP if bars else 0.0)
    bottom = bars_bottom + 12 + head_h + 12
    vx_at = x1 - PAD - tail
    for v in vteps:
        vw = _pill_w(g.nodes[v]["name"])
        b.pill(v, vx_at + vw / 2, bottom, OVERLAY_KIND, bag)
        vx_at += vw + 12
        tw, th = _stack(vni_lines[v])
        b.add_lines(vni_lines[v], vx_at, bottom - th - 4, v, bag)
        hi = max(hi, vx_at - 12 - vw / 2 + 40)
        vx_at += tw + 24
    x1 = max(x1, hi + PAD)
    b.add_shape(Shape(ns.node, "box", x0, top, x1 - x0, bottom - top, style.FILL[OVERLAY_KIND], style.EDGE[OVERLAY_KIND], owner=ns.machine), bag)
    for i, d in enumerate(bars):
        y = bar_y + i * (bar_h + BAR_GAP)
        b.add_shape(Shape(d, "bar", lo, y, hi - lo, bar_h, style.FILL["bridge"], style.EDGE["bridge"], owner=ns.node), bag)
        b.add_lines(bar_lines[d], lo + PAD, y + 8, d, bag)
    for d, cx in xs.items():
        b.pill(d, cx, top, OVERLAY_KIND, bag)
    b.add_lines(head, x0 + PAD, bars_bottom + 12, ns.node, bag)
    return x0, x1, bottom


# --- the machines below the switch --------------------------------------------------------


def _machine_lines(ns: Namespace, lang: str) -> list[_Line]:
    lines = [_Line(ns.node, style.NAME_PT, bold=True, gid=ns.node), _Line(_subtitle(ns.kind, lang), colour=style.MUTED, gid=ns.node)]
    links = [d for d in ns.devices if d.kind != "loopback"]
    for d in links:
        lines.extend(_addr_lines(d, dev_id(ns.node, d.name), with_name=True))
    lines.extend(_lo_lines(ns))
    return lines


@dataclass(slots=True)
class _Row:
    """A row of laid-out items (the Docker hosts, or the machines under the switch) and its size."""

    bag: list[object]
    width: float
    height: float


@dataclass(slots=True)
class _Frame:
    """Where the rows ended up: the picture's size and the levels the edges are routed by."""

    width: float
    height: float
    y0: float  # the top of the hosts' row
    top_h: float  # its height
    switch_y: float
    tunnels: dict[frozenset[str], int]  # a tunnel edge -> its channel under the hosts (0: the nearest)


def layout(
    graph: nx.Graph, network: Network, *, lang: str = "en", title: str | None = None, subtitle: str | None = None,
    roomy: bool = False, notes: bool = False,
) -> Scene:
    """Place every node and edge of ``graph`` (built from ``network``).

    ``roomy`` leaves more space between the layers (for the arrows of a packet
    path), ``notes`` more room where stacks route (for what they changed).

    The passes: the Docker hosts side by side, the machines below the switch, the
    title, the two rows put together around the switch, the switch and its ports,
    then every edge routed between what they join.
    """
    scene = _layout(_Builder(graph, network, lang, roomy, notes), graph, network, title, subtitle)
    if scene.width > style.SLIDE_WIDTH_PT:  # wider than a slide holds at its text size: packed closer
        scene = _layout(_Builder(graph, network, lang, roomy, notes, compact=True), graph, network, title, subtitle)
    return scene


def _layout(b: _Builder, graph: nx.Graph, network: Network, title: str | None, subtitle: str | None) -> Scene:
    """:func:`layout`'s passes with the spacing ``b`` says."""
    top = _hosts_row(b, network)
    sequence = _machine_order(b, network)
    bottom = _machines_row(b, network, sequence)
    head = _title_lines(title, subtitle)
    switch_lines = _switch_lines(b, network)
    frame = _stack_rows(b, top, bottom, sequence, head, switch_lines)
    if SWITCH in graph:
        _switch(b, network, frame, switch_lines)
    _edges(b, network, frame)
    return _scene(b, network, frame)


def _hosts_row(b: _Builder, network: Network) -> _Row:
    """The Docker hosts, side by side, each with its containers above it."""
    bag: list[object] = []
    x = 0.0
    top_h = 0.0
    for host in network.of_kind("docker-host"):
        if host.node not in b.g:
            continue
        column: list[object] = []
        w = _host_column(b, host, column)
        _shift(column, x, 0.0)
        bag.extend(column)
        x += w + b.gap_hosts
        top_h = max(top_h, b.shapes[host.node].y + b.shapes[host.node].h)
    return _Row(bag, max(x - b.gap_hosts, 0.0), top_h)


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


def _machine_order(b: _Builder, network: Network) -> list[Namespace]:
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


def _machines_row(b: _Builder, network: Network, sequence: list[Namespace]) -> _Row:
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
    return _Row(bag, bottom_w, bottom_h)


def _machine_box(b: _Builder, ns: Namespace, x: float, port_of: dict[str, str], wired: dict[str, list[str]],
                 placed_pills: dict[str, tuple[float, float]], row: list[object]) -> tuple[float, float, float]:
    """One machine at ``x``: its cabled devices on its top edge, wired ones on its sides (left when the
    neighbour is already placed), its text inside. Returns its width (with pills out on its left), its
    height and the gap after it (a wire's length when it has a neighbour to its right)."""
    g = b.g
    bag: list[object] = []
    lines = _machine_lines(ns, b.lang)
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
    row.extend(bag)
    return w_total, h, b.wire if right_pills else GAP_MACHINES


def _title_lines(title: str | None, subtitle: str | None) -> list[_Line]:
    head: list[_Line] = []
    if title:
        head.append(_Line(title, style.TITLE_PT, bold=True, gid="title"))
    if subtitle:
        head.append(_Line(subtitle, colour=style.MUTED, gid="title"))
    return head


def _switch_lines(b: _Builder, network: Network, two_lines: bool = False) -> list[_Line]:
    """The switch's label: its name and the networks on its cables, on one line or two."""
    if SWITCH not in b.g:
        return []
    nets = sorted({str(IPv4Interface(a).network) for p, n, d in network.lan if n
                   for ns in [network.namespace(n)] if ns for dv in [ns.device(d)] if dv for a in dv.addrs})
    name = f"{term('switch', b.lang)} ({SWITCH})"
    if two_lines and nets:
        return [_Line(name, bold=True, gid=SWITCH), _Line(", ".join(nets), bold=True, gid=SWITCH)]
    return [_Line(name + (f"   {', '.join(nets)}" if nets else ""), bold=True, gid=SWITCH)]


def _stack_rows(b: _Builder, top: _Row, bottom: _Row, sequence: list[Namespace], head: list[_Line], switch_lines: list[_Line]) -> _Frame:
    """The title, the hosts' row, the tunnels' channels, the switch and the machines' row, centred, top to bottom."""
    g = b.g
    has_switch = SWITCH in g
    head_w, head_h = _stack(head)
    width = max(top.width, bottom.width, head_w, _stack(switch_lines)[0] + 200 if switch_lines else 0.0) + 2 * MARGIN
    y0 = MARGIN + (head_h + 16 if head else 0.0)
    _shift(top.bag, (width - top.width) / 2, y0)
    # tunnels run in rows under the hosts, the shortest nearest, above the switch
    tunnel_edges = sorted(((u, v) for u, v, d in g.edges(data=True) if d["kind"] == "tunnel" and u in b.shapes and v in b.shapes),
                          key=lambda e: (abs(b.shapes[e[0]].cx - b.shapes[e[1]].cx), sorted(e)))
    gap = max(b.cable, TUNNEL_DROP + TUNNEL_STAGGER * len(tunnel_edges) + 12) if tunnel_edges else b.cable
    switch_y = y0 + top.height + gap
    bottom_y = switch_y + (SWITCH_H + b.cable if has_switch else 40.0)
    bottom_left = min((b.shapes[ns.node].x for ns in sequence), default=0.0)
    _shift(bottom.bag, (width - bottom.width) / 2 - bottom_left, bottom_y)
    if sequence:
        height = bottom_y + bottom.height + MARGIN
    elif has_switch:
        height = switch_y + SWITCH_H + MARGIN
    else:
        height = y0 + top.height + MARGIN
    ty = MARGIN
    for ln in head:
        b.labels.append(Label("title", width / 2, ty, ln.text, ln.size, ln.bold, False, ln.colour, "center"))
        ty += ln.height
    return _Frame(width, height, y0, top.height, switch_y, {frozenset(e): i for i, e in enumerate(tunnel_edges)})


def _switch(b: _Builder, network: Network, frame: _Frame, switch_lines: list[_Line]) -> None:
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
            y = switch_y if s.cy < switch_y else switch_y + SWITCH_H
            port_pos[pid] = (s.cx, y)
            xs.append(s.cx)
        else:
            spare.append(pid)
    # the label sits past the last port, where no frame crosses the bar; on two lines (the switch, its
    # networks) when on one it would make the picture wider
    xs.extend(min(xs, default=width / 2) + 70 * (i + 1) for i in range(len(spare)))
    for i, pid in enumerate(spare):
        port_pos[pid] = (xs[len(xs) - len(spare) + i], switch_y + SWITCH_H)
    if max(xs, default=width / 2) + 50 + _stack(switch_lines)[0] + 2 * PAD > width - MARGIN:
        switch_lines = _switch_lines(b, network, two_lines=True)
    lab_w = _stack(switch_lines)[0] + 2 * PAD
    lo_x = min(xs, default=width / 2) - 60
    hi_x = max(xs, default=width / 2) + 50 + lab_w
    lo_x = max(lo_x, MARGIN)
    if hi_x > width - MARGIN:  # the label needs the room: the picture grows to the right
        frame.width = hi_x + MARGIN
    b.add_shape(Shape(SWITCH, "bar", lo_x, switch_y, hi_x - lo_x, SWITCH_H, style.FILL["switch"], style.EDGE["switch"]), [])
    label_x = max(max(xs, default=lo_x) + 40, hi_x - lab_w) + PAD
    b.add_lines(switch_lines, label_x, switch_y + SWITCH_H / 2 - _stack(switch_lines)[1] / 2, SWITCH, [])
    for p, _n, _d in ports:
        pid = dev_id(SWITCH, p)
        cx, cy = port_pos[pid]
        b.pill(pid, cx, cy, "switch", [])


def _edges(b: _Builder, network: Network, frame: _Frame) -> None:
    """Every edge of the graph as a polyline, routed by its kind."""
    g = b.g
    overlay_boxes = [b.shapes[n.node] for n in network.namespaces if n.kind == OVERLAY_KIND and n.node in b.shapes]
    hung = {str(d["lower"]) for _u, _v, d in g.edges(data=True) if d["kind"] == "stacked"}  # NICs with lines from above
    cable_x = [b.shapes[dev_id(n, d)].cx for _p, n, d in network.lan if n and dev_id(n, d) in b.shapes]
    cable_x += [b.shapes[x].cx for e in frame.tunnels for x in e]  # and the tunnels' drops from vxlan0
    for u, v, data in g.edges(data=True):
        kind = data["kind"]
        a, c = (u, v)
        if a not in b.shapes or c not in b.shapes:
            continue
        sa, sc = b.shapes[a], b.shapes[c]
        if kind == "tunnel":
            pts = _tunnel(b, frame, u, v, str(data.get("label", "")), cable_x)
        elif kind == "group":
            stub = b.stubs[a] if a in b.stubs else b.stubs[c]
            bar = sc if stub.gid == a else sa
            x = min(max(stub.cx, bar.x + 12), bar.x + bar.w - 12) if bar.kind == "bar" else bar.cx  # (a macvlan parent: its middle)
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
            pts = _bridge_to_nic(sa, sc, hung, overlay_boxes)
        elif sc.kind == "bar" and sa.kind != "bar":
            pc = _attach(b, c, (sa.cx, sa.cy))
            pts = [_attach(b, a, pc), pc]
        else:
            pa = _attach(b, a, (sc.cx, sc.cy))
            pts = [pa, _attach(b, c, pa)]
        b.edges.append(EdgeLine(edge_gid(u, v), u, v, kind, pts))


def _tunnel(b: _Builder, frame: _Frame, u: str, v: str, text: str, cable_x: list[float]) -> list[tuple[float, float]]:
    """Down out of each host, along a channel above the switch: the logical link rides on the cables. Its
    label goes in the gap between the two hosts when they are neighbours, else mid-way; off the cables either way."""
    g = b.g
    sa, sc = b.shapes[u], b.shapes[v]
    left_end, right_end = (sa, sc) if sa.cx <= sc.cx else (sc, sa)
    yk = frame.y0 + frame.top_h + TUNNEL_DROP + TUNNEL_STAGGER * frame.tunnels[frozenset((u, v))]
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


def _bridge_to_nic(sa: Shape, sc: Shape, hung: set[str], overlay_boxes: list[Shape]) -> list[tuple[float, float]]:
    """A bridge to the host's NIC: down, across, down, staying above the NIC's address text, beside an
    overlay's box, and off the middle of a NIC that children hang from."""
    bar, nic = (sa, sc) if sa.kind == "bar" else (sc, sa)
    end_x = nic.x + nic.w - 10 if nic.gid in hung else nic.cx
    level = nic.y - 2 * style.line_height() - 14

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


def _scene(b: _Builder, network: Network, frame: _Frame) -> Scene:
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
