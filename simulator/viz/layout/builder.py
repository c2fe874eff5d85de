"""What the passes share: the :class:`Builder` that collects shapes, labels and edges as they are placed, the
spacing a picture uses (roomy for a path's arrows, compact to fit a slide), and the typed rows the passes hand on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from simulator.viz import style
from simulator.viz.layout.scene import EdgeLine, Label, Shape
from simulator.viz.layout.spacing import (
    BRIDGE_DROP,
    CABLE,
    GAP_CONTAINERS,
    GAP_CONTAINERS_COMPACT,
    GAP_HOSTS,
    GAP_HOSTS_COMPACT,
    MARGIN,
    MARGIN_TIGHT,
    PILL_H,
    ROOMY_TIGHT,
    ROUTE_DROP,
    STACK_RISE,
    SWITCH_H,
    SWITCH_H_ROOMY_TIGHT,
    SWITCH_H_TIGHT,
    TIGHT,
    TIGHT_BRIDGE,
    TIGHT_ROUTE,
    V_LINK,
    WIRE,
)
from simulator.viz.layout.text import TAIL_GAP, Line, pill_w
from simulator.viz.network import Network


class Builder:
    """The picture being laid out: the graph and its network, the spacing, and every shape, label and edge
    placed so far (shapes by their gid). Passes create items in local coordinates, collect them in a bag
    and shift the bag as a whole."""

    def __init__(self, graph: nx.Graph, network: Network, lang: str, roomy: bool = False, notes: bool = False,
                 compact: bool = False, stacked: bool = False, tight: bool = False, narrow: bool = False) -> None:
        # compact: a picture that would be wider than a slide packs its hosts and containers closer, long names wrapped
        self.compact = compact
        # stacked: the Docker hosts one above the other, each indented right of the cable of the one above it
        self.stacked = stacked
        self.gap_containers = GAP_CONTAINERS_COMPACT if compact else GAP_CONTAINERS
        self.gap_hosts = GAP_HOSTS_COMPACT if compact else GAP_HOSTS
        # tight: a picture that would be taller than a slide has shorter cables and veth pairs between its rows, a
        # thinner switch, and its boxes' text on fewer lines (a machine's kind after its name, a bridge's address
        # after its name, no lo that holds only 127.0.0.1)
        self.tight = tight
        self.narrow = narrow  # tight, but no line folded onto another where that makes a box wider (but a router's, the row's tallest)
        # (a path's picture, roomy for its arrows and their numbers, packed tight: room for one number beside another)
        short = (ROOMY_TIGHT if roomy else TIGHT) if tight else 1.0
        # (a path's switch no thinner than the arrows travelling along it from one port over it to another need)
        self.switch_h = (SWITCH_H_ROOMY_TIGHT if roomy else SWITCH_H_TIGHT) if tight else SWITCH_H
        self.margin = MARGIN_TIGHT if tight else MARGIN  # above the title and under the lowest row
        self.route_drop = ROUTE_DROP * (2.0 * short if notes else TIGHT_ROUTE if tight and not roomy else 1.0)
        self.v_link = V_LINK * (1.3 * short if roomy else short)
        self.bridge_drop = BRIDGE_DROP * (1.1 * short if roomy else TIGHT_BRIDGE if tight else 1.0)
        self.wire = WIRE * (2.4 * short if notes else 1.0)
        self.cable = CABLE * (1.5 * short if roomy else short)
        self.stack_rise = STACK_RISE * short
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
        """Keep ``s`` (by its gid; a second shape of the same node goes with the extras) and put it in ``bag``."""
        if s.gid in self.shapes:
            self.extra.append(s)
        else:
            self.shapes[s.gid] = s
        bag.append(s)
        return s

    def add_lines(self, lines: list[Line], x: float, y: float, owner: str, bag: list[object], ha: str = "left") -> float:
        """Place ``lines`` one under the other from (``x``, ``y``); returns the y under the last."""
        for ln in lines:
            lab = Label(ln.gid or owner, x, y, ln.text, ln.size, ln.bold, ln.mono, ln.colour, ha)
            self.labels.append(lab)
            bag.append(lab)
            head, at = ln, x
            while head.tail is not None:  # on the same baseline, right of the text (a left-anchored line's)
                t, at = head.tail, at + head.own_width + TAIL_GAP
                tail = Label(t.gid or owner, at, y + (ln.size - t.size) * 0.8, t.text, t.size, t.bold, t.mono, t.colour)
                self.labels.append(tail)
                bag.append(tail)
                head = t
            y += ln.height
        return y

    def pill(self, node: str, cx: float, cy: float, owner_kind: str, bag: list[object]) -> Shape:
        """A device's pill centred on (``cx``, ``cy``), its name inside, edged in its namespace's colour."""
        attrs = self.g.nodes[node]
        text = attrs.get("name", node.split("/", 1)[1])
        w = pill_w(text)
        s = Shape(node, "pill", cx - w / 2, cy - PILL_H / 2, w, PILL_H, style.FILL["device"], style.EDGE.get(owner_kind, style.INK),
                  dashed=not attrs.get("up", True), owner=attrs.get("parent", ""))
        self.add_shape(s, bag)
        lab = Label(node, cx, cy - style.LABEL_PT * 0.62, text, style.LABEL_PT, True, False, style.INK, "center")
        self.labels.append(lab)
        bag.append(lab)
        return s


def move(bag: Iterable[object], dx: float, dy: float) -> None:
    """Shift every laid-out item of ``bag`` by (``dx``, ``dy``): a column or row placed as a whole."""
    for item in bag:
        item.shift(dx, dy)  # type: ignore[attr-defined]

@dataclass(slots=True)
class Row:
    """A row of laid-out items (the Docker hosts, or the machines under the switch) and its size."""

    bag: list[object]
    width: float
    height: float


@dataclass(slots=True)
class Frame:
    """Where the rows ended up: the picture's size and the levels the edges are routed by."""

    width: float
    height: float
    y0: float  # the top of the hosts' row
    top_h: float  # its height
    switch_y: float
    tunnels: dict[frozenset[str], int]  # a tunnel edge -> its channel under the hosts (0: the nearest)

