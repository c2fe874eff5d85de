"""The Docker hosts, side by side, each with its containers above it: a column per host, laid out by the
passes of :class:`_HostColumn` (the title, the bridges' labels, the container row, the veth ends, the bridge
bars, the overlay namespaces, the NICs, the stacked devices, the host box)."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.viz import style
from simulator.viz.layout.builder import Builder, Row, move
from simulator.viz.layout.overlay import overlay_box
from simulator.viz.layout.scene import EdgeLine, Label, Shape, edge_gid
from simulator.viz.layout.spacing import (
    BAR_GAP,
    OV_GAP,
    PAD,
    PILL_H,
    STACK_GAP,
    STACK_INDENT,
)
from simulator.viz.layout.text import (
    Line,
    addr_lines,
    bridge_lines,
    container_lines,
    kind_words,
    lo_lines,
    measure,
    more_lines,
    pill_w,
)
from simulator.viz.network import STACKED_KINDS, Namespace, Network, dev_id
from simulator.viz.words import term


@dataclass(slots=True)
class _Box:
    """A box in the row over the host (a container, or the "+N more" box): its left x, width, text and pills."""

    node: str
    x: float
    w: float
    lines: list[Line]
    pills: list[str]

    @property
    def h(self) -> float:
        """Its height: its text, the padding, and half a pill on its bottom edge."""
        return measure(self.lines)[1] + 2 * PAD + PILL_H / 2


@dataclass(slots=True)
class _Bar:
    """A bridge's bar inside the host: from ``lo`` to ``hi``, in bar row ``row`` (0: the top one)."""

    node: str
    lo: float
    hi: float
    row: int


@dataclass(slots=True)
class _Child:
    """A macvlan/ipvlan child's pill at ``x`` on its container's bottom edge, and the host device it hangs from."""

    dev: str
    x: float
    parent: str


class _HostColumn:
    """One Docker host and its containers, laid out from x = 0, y = 0 by small passes in order.

    Each pass reads what the ones before it placed (the attributes below) and adds
    shapes and labels to ``bag``: the title column, the bridges' labels (measured
    first: containers spread out until the bar under them fits its label), the row of
    container boxes and their "+N more" box, the veth ends on the host's top edge, the
    bridge bars, the overlay networks' namespaces, the NICs on the bottom edge, the
    devices stacked on a NIC, the children's link labels, then the host box itself.
    """

    def __init__(self, b: Builder, host: Namespace, bag: list[object], nic_left: bool = False) -> None:
        self.b, self.g, self.lang, self.host, self.bag = b, b.g, b.lang, host, bag
        self.nic_left = nic_left  # a host with another stacked under it: its NIC in its bottom-left corner, its cable clear of that host
        g = b.g
        self.containers = [n for n in b.net.containers_of(host.node) if n.node in g]
        self.group = next((n for n in g.nodes if g.nodes[n].get("kind") == "group" and g.nodes[n].get("parent") == host.node), None)
        self.host_devices = {d.name: d for d in host.devices}
        self.bridges = [d.name for d in host.devices if d.kind == "bridge" and dev_id(host.node, d.name) in g]
        self.overlays = [n for n in b.net.overlays_of(host.node) if n.node in g]
        self.boxes: list[_Box] = []
        self.x = 0.0  # the row's cursor: right of the last box placed
        self.veth_x: dict[str, float] = {}
        self.ov_ports: dict[str, dict[str, float]] = {}  # overlay namespace -> its veth ends under their containers
        self.child_x: dict[str, list[float]] = {}  # a host device -> where the macvlan/ipvlan children stacked on it hang
        self.child_pills: list[_Child] = []
        self.placed: list[_Bar] = []  # the bridge bars
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
        """The index of the bridge container ``c`` is attached to here (after the last: none)."""
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
        self.title = [Line(host.node, style.NAME_PT, bold=True, gid=host.node), Line(kind_words(host.kind, self.lang), colour=style.MUTED, gid=host.node)]
        self.title.extend(lo_lines(host))  # (kept when tight: the title column has room beside the bridges)
        self.title_w, self.title_h = measure(self.title)
        self.left = self.title_w + 2 * PAD + 12

    def measure_bars(self) -> None:
        """Each bridge's label: its name, then its addresses, then its MAC (stacked: a bar is as narrow as a slide needs)."""
        self.bar_lines: dict[str, list[Line]] = {}
        self.bar_tight: dict[str, list[Line]] = {}  # on two lines, when the picture is tight and its ports spread wide enough
        for br in self.bridges:
            node = dev_id(self.host.node, br)
            d = self.host_devices[br]
            self.bar_lines[node] = bridge_lines(node, br, d.addrs, d.mac)
            if self.b.tight:
                self.bar_tight[node] = bridge_lines(node, br, d.addrs, d.mac, tight=True)

    def bar_need(self, index: int) -> float:
        """How wide the run of containers over bridge ``index`` must be for its bar's label."""
        if index >= len(self.bridges):
            return 0.0
        return measure(self.bar_lines[dev_id(self.host.node, self.bridges[index])])[0] + 2 * PAD + 40

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
            pills = [dev_id(c.node, d.name) for d in c.devices if d.kind != "loopback" and dev_id(c.node, d.name) in g]
            w = sum(pill_w(g.nodes[p]["name"]) for p in pills) + PAD * (len(pills) + 1)
            # the host end of each veth must fit under the box too
            for p in pills:
                link = self.link_of(p)
                if link and link[0] == "veth":
                    w = max(w, pill_w(g.nodes[link[1]]["name"]) * len(pills) + PAD * (len(pills) + 1))
            w = max(w, self.bars_apart(pills))
            lines = container_lines(c, self.lang, wrap=self.b.compact, tight=self.b.tight, pills_w=w, narrow=self.b.narrow)
            w = max(w, measure(lines)[0] + 2 * PAD)
            self.boxes.append(_Box(c.node, x, w, lines, pills))
            x += w + self.b.gap_containers
        if current is not None:
            x += max(self.bar_need(current) - (x - self.b.gap_containers - start), 0.0)
        self.x = x

    def bars_apart(self, pills: list[str]) -> float:
        """How wide a box must be, in a tight picture, for the bridges its pills hang from (when they are several)
        to stand side by side under it, each as wide as its label, rather than in rows one under another."""
        masters = [self.g.nodes[link[1]].get("master") for p in pills for link in [self.link_of(p)] if link and link[0] == "veth"]
        if not self.b.tight or len(set(masters)) < 2 or len(masters) != len(pills) or not all(m in self.bridges for m in masters):
            return 0.0
        return len(pills) * max(self.bar_need(self.bridges.index(m)) for m in masters)

    def group_box(self) -> None:
        """The "+N more" box: how many, their names as runs in creation order, their addresses."""
        g, group, lang = self.g, self.group, self.lang
        # the "+N more" stub names their links: veths, or "links" when some hang from a NIC (macvlan)
        uplinks = g.nodes[group].get("uplinks", ()) if group else ()
        self.stub_term = "veths" if all(u in g and g.nodes[u].get("dev_kind") == "bridge" for u in uplinks) else "links"
        if not group:
            return
        members = g.nodes[group]["members"]
        created = [c.node for c in self.b.net.containers_of(self.host.node)]
        group_lines = more_lines(group, members, created, list(g.nodes[group]["addrs"]), lang)
        gw = max(measure(group_lines)[0] + 2 * PAD, pill_w(term(self.stub_term, lang, n=len(members))) + 2 * PAD)
        self.boxes.append(_Box(group, self.x, gw, group_lines, []))
        self.x += gw + self.b.gap_containers

    def draw_row(self) -> None:
        """The boxes, bottoms aligned, their pills on the bottom edge; where each veth's host end goes."""
        b, bag, group = self.b, self.bag, self.group
        row_h = max((box.h for box in self.boxes), default=0.0)
        self.row_bottom = row_bottom = row_h
        # no containers drawn: no veth row above the host; macvlan children: room for their link's label under them
        v_link = max(b.v_link, PILL_H / 2 + 10 + style.line_height()) if any(map(self.stacked_here, self.containers)) else b.v_link
        self.host_top = row_bottom + (v_link if self.boxes else 0.0)
        for box in self.boxes:
            node, bx, w, lines, pills, h = box.node, box.x, box.w, box.lines, box.pills, box.h
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
            self.child_pills.append(_Child(p, cx, link[1]))

    def group_stub(self, node: str, bx: float, w: float) -> None:
        """The "+N more" box's stub on the host's top edge ("24 × veth"), and its line down to it."""
        b, bag, host_top = self.b, self.bag, self.host_top
        stub = term(self.stub_term, self.lang, n=len(self.g.nodes[node]["members"]))
        sw = pill_w(stub)
        s = Shape(node, "pill", bx + w / 2 - sw / 2, host_top - PILL_H / 2, sw, PILL_H, style.FILL["group"], style.EDGE["group"],
                  dashed=True, owner=self.host.node)
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
            cx = self.x + pill_w(g.nodes[node]["name"]) / 2
            b.pill(node, cx, self.host_top, "docker-host", self.bag)
            self.veth_x[node] = cx
            self.x += pill_w(g.nodes[node]["name"]) + self.b.gap_containers

    def bridge_bars(self) -> None:
        """Each bridge a bar under its ports (its label clear of lines passing over it), extra rows where bars would
        overlap; bridges with no port drawn after them, to the right (or, packed, under the host's title)."""
        g, group = self.g, self.group
        # the "+N more" box's link down to an overlay's br0 (a straight drop: br0 reaches under it)
        self.group_drop = {o.node: self.veth_x[group] for o in self.overlays
                           if group and group in self.veth_x and any(str(u).startswith(o.node + "/") for u in g.nodes[group].get("uplinks", ()))}
        self.label_at: dict[str, float] = {}
        spans = [self.bar_span(dev_id(self.host.node, br), br) for br in self.bridges]
        free_x = max([self.left, *(cx + (24 if self.b.compact else 40) for xs in self.child_x.values() for cx in xs)])  # clear of the macvlan children's lines
        for bar in spans:
            if bar.lo >= 0:
                while any(p.row == bar.row and not (bar.hi + 16 < p.lo or bar.lo > p.hi + 16) for p in self.placed):
                    bar.row += 1
                self.placed.append(bar)
                free_x = max(free_x, bar.hi + 24)
        bar_h = max((measure(self.bar_lines[bar.node])[1] + 2 * 8 for bar in self.placed), default=0.0)
        free_x = self.portless_bars([bar.node for bar in spans if bar.lo < 0], free_x, bar_h)
        self.draw_bars(bar_h, free_x)

    def bar_span(self, node: str, br: str) -> _Bar:
        """Bridge ``br``'s bar from just left of its first port, as far right as its ports or its label need, the
        label where no line into an overlay's namespace crosses the bar (they pass over it); lo < 0: no port."""
        g, group = self.g, self.group
        ports = [self.veth_x[p] for p in self.veth_x if (p == group and br in g.nodes[group]["bridges"]) or
                 (p != group and g.nodes[p].get("master") == br)]
        if not ports:
            return _Bar(node, -1.0, -1.0, 0)  # placed after the others
        lo_x = max(min(ports) - 40, self.left)
        if node in self.bar_tight and measure(self.bar_tight[node])[0] + 2 * PAD <= max(ports) + 40 - lo_x:
            self.bar_lines[node] = self.bar_tight[node]  # its address after its name: no wider than its ports already make it
        need = measure(self.bar_lines[node])[0] + 2 * PAD
        crossing = ([cx for xs in self.ov_ports.values() for cx in xs.values() if cx > lo_x]
                    + [x for x in self.group_drop.values() if x > lo_x])
        spots = [lo_x + PAD, *(cx + 12 for cx in sorted(crossing))]
        spot = next((x0 for x0 in spots if not any(x0 - 8 < cx < x0 + need - PAD + 8 for cx in crossing)), lo_x + PAD)
        self.label_at[node] = spot
        return _Bar(node, lo_x, max(max(ports) + 40, lo_x + need, spot + need - PAD), 0)

    def portless_bars(self, nodes: list[str], free_x: float, bar_h: float) -> float:
        """Bars with no port drawn above them, each as wide as its label, from ``free_x`` on (packed: under the
        host's title when one fits there); returns where the next would go."""
        for node in nodes:
            need = measure(self.bar_lines[node])[0] + 2 * PAD
            under = self.under_title(need, bar_h) if self.b.compact else None
            if under is not None:
                self.placed.append(_Bar(node, PAD, PAD + need, under))
                continue
            if not self.b.narrow:  # (tight: a line shorter, and wider, unless the picture is packed narrow)
                self.bar_lines[node] = self.bar_tight.get(node, self.bar_lines[node])
            need = measure(self.bar_lines[node])[0] + 2 * PAD
            self.placed.append(_Bar(node, free_x, free_x + need, 0))
            free_x += need + 24
        return free_x

    def draw_bars(self, bar_h: float, free_x: float) -> None:
        """The placed bars, a row under another, their labels; how far right the host reaches so far."""
        b = self.b
        rows = 1 + max((bar.row for bar in self.placed), default=0)
        bars_top = self.host_top + b.bridge_drop
        self.right = max([self.x - b.gap_containers, free_x - 24, self.left + 40.0])
        # each row of bars as tall as its tallest label (a tight picture's bars a line shorter than a portless one's)
        row_h = [max((measure(self.bar_lines[bar.node])[1] + 2 * 8 for bar in self.placed if bar.row == r), default=bar_h) for r in range(rows)]
        for bar in self.placed:
            y = bars_top + sum(row_h[:bar.row]) + bar.row * BAR_GAP
            b.add_shape(Shape(bar.node, "bar", bar.lo, y, bar.hi - bar.lo, row_h[bar.row], style.FILL["bridge"], style.EDGE["bridge"],
                              owner=self.host.node), self.bag)
            b.add_lines(self.bar_lines[bar.node], self.label_at.get(bar.node, bar.lo + PAD), y + 8, bar.node, self.bag)
            self.right = max(self.right, bar.hi)
        self.bars_bottom = bars_top + (sum(row_h) + (rows - 1) * BAR_GAP if self.placed else 0.0)

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
               or any(bar.row == row and bar.lo < PAD + need + 16 for bar in self.placed)):
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
            x0, x1, bottom = overlay_box(self.b, ov, self.ov_ports.get(ov.node, {}), ov_top, min_x, self.bag, reach=self.group_drop.get(ov.node))
            self.ov_spans.append((x0, x1))
            self.ov_bottom = max(self.ov_bottom, bottom)
            self.right = max(self.right, x1)

    def nics(self) -> None:
        """The NICs on the host's bottom edge, their addresses beside them, under what hangs from them."""
        b, g, host = self.b, self.g, self.host
        floor = max(self.bars_bottom, self.ov_bottom + PILL_H / 2 + 10 if self.overlays else self.bars_bottom)
        self.host_bottom = max(floor + b.route_drop, self.host_top + self.title_h + 2 * PAD + PILL_H + 10)
        self._uppers(floor)
        nics = [dev_id(host.node, d.name) for d in host.devices
                if d.kind not in ("loopback", "bridge") and not d.master and dev_id(host.node, d.name) in g
                and dev_id(host.node, d.name) not in self.veth_x and dev_id(host.node, d.name) not in self.uppers]
        nic_x = (min(bar.lo for bar in self.placed) + max(bar.hi for bar in self.placed)) / 2 if self.placed else self.left + 60
        self.upper_x = {u: sum(self.child_x[u]) / len(self.child_x[u]) for u in self.uppers if self.child_x.get(u)}  # over their children
        for node in nics:
            d = self.host_devices[g.nodes[node]["name"]]
            lines = addr_lines(d, node, with_name=False)
            pw = pill_w(d.name)
            x_here = self._nic_x(node, pw, nic_x)
            b.pill(node, x_here, self.host_bottom, "docker-host", self.bag)
            self.nic_at[node] = x_here
            tw, th = measure(lines)
            if self.nic_left:  # under the host, right of the cable's arrows, off the arrows coming to the NIC from inside
                b.add_lines(lines, x_here + pw / 2 + 24, self.host_bottom + PILL_H / 2 + 4, node, self.bag)
            else:
                b.add_lines(lines, x_here + pw / 2 + 12, self.host_bottom - th - 4, node, self.bag)
            self.right = max(self.right, x_here + pw / 2 + 12 + tw)
            nic_x = x_here + pw / 2 + 12 + tw + 40 + pw / 2

    def _uppers(self, floor: float) -> None:
        """The devices stacked on the host's NICs (eth0.10, a shim), their addresses, and the room they need above the NICs."""
        g, host = self.g, self.host
        self.uppers = [dev_id(host.node, d.name) for d in host.devices
                       if d.kind in STACKED_KINDS and d.peer and d.peer[0] == host.node and dev_id(host.node, d.name) in g and dev_id(*d.peer) in g]
        self.upper_lines = {u: addr_lines(self.host_devices[g.nodes[u]["name"]], u, with_name=False) if g.nodes[u]["addrs"] else []
                            for u in self.uppers}
        if self.uppers:
            text_h = max(measure(ls)[1] for ls in self.upper_lines.values())
            rise = self.b.stack_rise
            self.host_bottom = max(self.host_bottom, floor + (16 if self.b.tight else 30) + PILL_H / 2 + rise, self.title_bottom + 12 + text_h / 2 + rise)

    def _nic_x(self, node: str, pw: float, nic_x: float) -> float:
        """Where NIC ``node`` goes: under the last thing hanging from it, at the left edge, or next in the row (off any overlay)."""
        g = self.g
        stack = self.child_x.get(node, []) + [self.upper_x[u] for u in self.upper_x if dev_id(*g.nodes[u]["peer"]) == node]
        if stack:  # straight under the last thing hanging from it
            return max(max(stack), self.left + pw / 2)
        if self.nic_left:
            return PAD + 8 + pw / 2
        x_here = nic_x
        for x0, x1 in self.ov_spans:  # not under an overlay's box: the bridges' routing comes down beside it
            if x0 - pw / 2 - 30 < x_here < x1 + pw / 2 + 30:
                x_here = x1 + pw / 2 + 30
        return max(x_here, self.left + pw / 2)

    def stacked_devices(self) -> None:
        """Devices stacked on a NIC (eth0.10, a host shim like mac0) in a row just above it, their link labelled."""
        b, g, upper_x, nic_at = self.b, self.g, self.upper_x, self.nic_at
        up_y = self.host_bottom - self.b.stack_rise
        leftmost: dict[str, float] = {}  # per NIC, the leftmost thing hanging from it so far
        placed_at: dict[str, tuple[str, float]] = {}  # a stacked device -> (its NIC, its x)
        for u in self.uppers:
            lower = dev_id(*g.nodes[u]["peer"])
            if lower in nic_at:
                leftmost[lower] = min([nic_at[lower], *self.child_x.get(lower, []),
                                       *(upper_x[v] for v in upper_x if dev_id(*g.nodes[v]["peer"]) == lower)])
        for u in self.uppers:
            lower = dev_id(*g.nodes[u]["peer"])
            uw = pill_w(g.nodes[u]["name"])
            tw, th = measure(self.upper_lines[u])
            if u in upper_x:
                ux = upper_x[u]
            else:  # a shim with nothing hanging from it: beside its NIC, on the left, its addresses further left
                edge = leftmost.get(lower, nic_at.get(lower, self.left + 60))
                ux = edge - 40 - uw / 2 - (pill_w(g.nodes[lower]["name"]) / 2 if lower in nic_at and edge == nic_at[lower] else 0)
                leftmost[lower] = ux - uw / 2 - (tw + 10 if tw else 0) - 30
            b.pill(u, ux, up_y, "docker-host", self.bag)
            if self.upper_lines[u]:
                b.add_lines(self.upper_lines[u], ux - uw / 2 - 10, up_y - th / 2, u, self.bag, ha="right")
            if lower in nic_at or lower in g:
                placed_at[u] = (lower, ux)
        for u, (lower, ux) in placed_at.items():  # once every line is known: a label clear of its neighbours' lines
            others = [x + (pill_w(g.nodes[v]["name"]) / 2 if x < ux else -pill_w(g.nodes[v]["name"]) / 2)  # (its line leaves its pill's side)
                      for v, (low, x) in placed_at.items() if v != u and low == lower]
            self.stacked_label(u, lower, ux, up_y, others)

    def stacked_label(self, u: str, lower: str, ux: float, up_y: float, others: list[float]) -> None:
        """What links ``u`` to its NIC, a third of the way down its line, on the left: next to its own line, not a
        neighbour's; higher or lower along it when a line from a neighbour at ``others`` (x) to the same NIC
        would cross it there."""
        g = self.g
        label = str(g.edges[u, lower]["label"]) if g.has_edge(u, lower) else ""
        lx = self.nic_at.get(lower, ux)
        y_a, y_b = up_y + PILL_H / 2, self.host_bottom - PILL_H / 2
        w, lh = style.text_width(label), style.line_height()

        def at(f: float) -> tuple[float, float]:
            top = y_a + (y_b - y_a) * f - lh / 2 + 4
            line_x = ux + (lx - ux) * max(top - y_a, 0.0) / (y_b - y_a)  # where the line is at the label's top
            return min(line_x, ux + (lx - ux) * f) - 10, top

        def crossed(right: float, top: float) -> bool:
            xs = [ox + (lx - ox) * (y - up_y) / (y_b - up_y) for ox in others for y in (top, top + lh)]  # from its side to the NIC's top
            return any(right - w - 4 <= x <= right + 4 for x in xs) or any(
                min(xs[i], xs[i + 1]) <= right - w / 2 <= max(xs[i], xs[i + 1]) for i in range(0, len(xs), 2))

        right, top = next((spot for spot in map(at, (0.3, 0.12, 0.5, 0.65)) if not crossed(*spot)), at(0.3))
        lab = Label(edge_gid(u, lower), right, top, label, colour=style.MUTED, ha="right")
        self.b.labels.append(lab)
        self.bag.append(lab)

    def child_labels(self) -> None:
        """The children's links say what they are once per parent (on the child nearest it), just under the
        child, on the side its line leans away from."""
        parent_at = {**self.nic_at, **self.upper_x}
        for parent in dict.fromkeys(c.parent for c in self.child_pills):
            if parent not in parent_at:
                continue
            px = parent_at[parent]
            nearest = min((c for c in self.child_pills if c.parent == parent), key=lambda c: (abs(c.x - px), c.x))
            p, cx = nearest.dev, nearest.x
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
            move(bag, deficit, 0.0)
            self.right += deficit
            self.x += deficit
        host_w = self.right + PAD + 8
        host_h = self.host_bottom - self.host_top
        self.b.add_shape(Shape(self.host.node, "box", 0.0, self.host_top, host_w, host_h, style.FILL["docker-host"], style.EDGE["docker-host"]), bag)
        self.b.add_lines(self.title, PAD + 4, self.host_top + PILL_H / 2 + 8, self.host.node, bag)
        return max(host_w, self.x - self.b.gap_containers)


def _host_column(b: Builder, host: Namespace, bag: list[object]) -> float:
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


def hosts_row(b: Builder, network: Network) -> Row:
    """The Docker hosts, side by side (or stacked, when the builder says so), each with its containers above it."""
    if b.stacked:
        return _hosts_stacked(b, network)
    bag: list[object] = []
    x = 0.0
    top_h = 0.0
    for host in network.of_kind("docker-host"):
        if host.node not in b.g:
            continue
        column: list[object] = []
        w = _host_column(b, host, column)
        move(column, x, 0.0)
        bag.extend(column)
        x += w + b.gap_hosts
        top_h = max(top_h, b.shapes[host.node].y + b.shapes[host.node].h)
    return Row(bag, max(x - b.gap_hosts, 0.0), top_h)


def _hosts_stacked(b: Builder, network: Network) -> Row:
    """The Docker hosts one above the other, each with its containers above it: a host with another under it
    has its NIC in its bottom-left corner, and the one under it starts right of that NIC, so the cable down to
    the switch (and a packet's arrows along it) passes beside the hosts below, not through them."""
    hosts = [host for host in network.of_kind("docker-host") if host.node in b.g]
    bag: list[object] = []
    x = y = width = 0.0
    for i, host in enumerate(hosts):
        column: list[object] = []
        col = _HostColumn(b, host, column, nic_left=i < len(hosts) - 1)
        w = col.run()
        move(column, x, y)
        bag.extend(column)
        width = max(width, x + w)
        box = b.shapes[host.node]
        y = box.y + box.h + STACK_GAP
        nic_right = max((cx + pill_w(b.g.nodes[n]["name"]) / 2 for n, cx in col.nic_at.items()), default=0.0)
        x += nic_right + STACK_INDENT
    return Row(bag, width, max(y - STACK_GAP, 0.0))

