"""The ladder's lines: which devices get one, in what order, under which header, how wide.

One vertical line per device the frames crossed, ordered along the path and grouped
under a header per namespace (:func:`choose_columns`, :func:`plan_columns`); the
frames' moves between those lines (:func:`moves`, :func:`project`). When the lines
would be wider than a slide, a container's ``eth0`` stands for both ends of its veth
pair, and then a line stands for a whole machine or container (:func:`lanes_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from simulator.viz import style
from simulator.viz.hops import Hops, incidental
from simulator.viz.network import OVERLAY_NS, SWITCH, Namespace, Network, overlay_short
from simulator.viz.words import term

MARGIN = 28.0
AXIS_W = 96.0  # the time axis at the left
COL_MIN = 104.0


@dataclass(frozen=True, slots=True)
class Move:
    """An arrow: ``journey`` -1 for a stack routing a packet between its interfaces."""

    journey: int
    src: str
    dst: str
    t0: float
    t1: float
    kind: str



def column_of(device: str) -> str:
    """The line a device is drawn on: every LAN switch port on the switch's one line."""
    return SWITCH if device.startswith(SWITCH + "/") or device == SWITCH else device


def all_moves(hops: Hops, line_of: Callable[[str], str] = column_of) -> list[Move]:
    """Every move between two lines (``line_of`` a device's), and every routing between two: a move inside one line is none."""
    moves = []
    for i, j in enumerate(hops.journeys):
        for s in j.segments:
            a, b = line_of(s.src), line_of(s.dst)
            if a != b or s.via == "loop":
                moves.append(Move(i, a, b, s.t0, s.t1, j.kind))
    for t in hops.transitions:
        a, b = line_of(t.src), line_of(t.dst)
        if a != b:
            moves.append(Move(-1, a, b, t.t, t.t, "nat" if t.nat else "other"))
    return moves


def order_columns(hops: Hops, skip: set[str]) -> list[str]:
    """Devices along the path: the main packet's journeys first, then the rest.

    Each device goes where its frame came from, without parting a namespace's lines:

    * a device of a namespace already placed joins its namespace's lines: beside the device
      of that namespace its frame came from (the bridge right after the veth end a container's
      frame came in by), on the side facing the namespace it came from (the veth end facing
      the container), else after them (a container's ``eth0`` after its ``lo``);
    * a device of a namespace not placed yet goes beside the namespace it was reached from, on
      the side its frame was heading (a macvlan child next to its parent's ``eth0``, on the far
      side from the LAN), past the namespaces placed there before it (a second container after
      the first);
    * else at the end.
    """
    order = _Order(skip)
    main = next((j.flow for j in hops.journeys if j.kind != "arp"), None)
    ranked = [j for j in hops.journeys if j.flow == main] + [j for j in hops.journeys if j.flow != main]
    for j in ranked:
        order.add(j.start, None, None)
        parents = {s.dst: s.src for s in j.segments if s.via != "loop"}
        for leaf in j.leaves:  # walk each branch from the start, in order
            chain = [leaf]
            while chain[-1] in parents and parents[chain[-1]] not in chain:  # (a frame may pass a device twice)
                chain.append(parents[chain[-1]])
            for dev in reversed(chain):
                order.add(dev, parents.get(dev), parents.get(parents.get(dev, "")))
    return order.lines


class _Order:
    """The lines placed so far (:func:`order_columns`)."""

    def __init__(self, skip: set[str]) -> None:
        self.lines: list[str] = []
        self.skip = skip
        self.attached: dict[str, str] = {}  # a namespace placed beside another -> that one

    def run(self, node: str, at: int) -> tuple[int, int]:
        """The first and last index of the namespace's run of lines around ``at``."""
        lines = self.lines
        lo = hi = at
        while lo > 0 and split(lines[lo - 1])[0] == node:
            lo -= 1
        while hi + 1 < len(lines) and split(lines[hi + 1])[0] == node:
            hi += 1
        return lo, hi

    def add(self, dev: str, parent: str | None, before: str | None) -> None:
        """Place ``dev``, reached from ``parent``, which was reached from ``before`` (None: where a frame started)."""
        lines = self.lines
        c = column_of(dev)
        if c in lines or c in self.skip:
            return
        p = column_of(parent) if parent is not None and column_of(parent) in lines else None
        b = column_of(before) if before is not None and column_of(before) in lines else None
        node, placed = split(c)[0], {split(o)[0]: i for i, o in enumerate(lines)}
        if node in placed:
            lo, hi = self.run(node, placed[node])
            if p is not None and split(p)[0] == node and b is not None:  # beside the device it came from, facing away from where it came
                lines.insert(lines.index(p) + (1 if lines.index(b) < lines.index(p) else 0), c)
            else:
                lines.insert(lo if p is not None and split(p)[0] != node and lines.index(p) < lo else hi + 1, c)
        elif p is None:
            lines.append(c)
        else:
            lo, hi = self.run(split(p)[0], lines.index(p))
            if b is not None and lines.index(b) > lines.index(p):  # heading left
                lines.insert(lo, c)
            else:
                while hi + 1 < len(lines) and self.attached.get(split(lines[hi + 1])[0]) == split(p)[0]:
                    hi += 1
                lines.insert(hi + 1, c)
            self.attached[node] = split(p)[0]


def project(moves: list[Move], hops: Hops, columns: list[str], line_of: Callable[[str], str] = column_of) -> list[Move]:
    """Moves between shown lines; a frame passing hidden devices jumps over them."""
    shown = set(columns)
    out = []
    for m in moves:
        if m.journey < 0:
            if m.src in shown and m.dst in shown:
                out.append(m)
            continue
        if m.dst not in shown:
            continue
        j = hops.journeys[m.journey]
        parents = {line_of(s.dst): (line_of(s.src), s.t0) for s in j.segments if line_of(s.src) != line_of(s.dst)}
        src, t0 = m.src, m.t0
        visited = {src}
        while src not in shown and src in parents and parents[src][0] not in visited:
            src, t0 = parents[src]
            visited.add(src)
        if src in shown and (src != m.dst or m.src == m.dst):
            out.append(Move(m.journey, src, m.dst, t0, m.t1, m.kind))
    return out


def header_name(ns: Namespace, lang: str = "en") -> str:
    """A namespace's name over its lines: its node name, or for an overlay's namespace
    ``host1: overlay ns 1-7wsculq4s0`` (which host it is on, and what it is)."""
    if ns.kind == OVERLAY_NS:
        return f"{ns.machine}: {term('overlay-ns', lang, id=overlay_short(ns))}"
    return ns.node


@dataclass(slots=True)
class Columns:
    """The ladder's columns: one per device, grouped by namespace under a header box."""

    columns: list[str]
    widths: list[float]
    xs: list[float]  # each column's centre
    runs: list[tuple[str, int, int]]  # a namespace and the first and last of its columns
    names: dict[str, str]  # a namespace -> its header's name
    plot_right: float
    subs: dict[str, str]  # a line that stands for several devices -> what its header says under the name

    @property
    def x(self) -> dict[str, float]:
        return dict(zip(self.columns, self.xs, strict=True))



def split(col: str) -> tuple[str, str]:
    """A column's namespace and device (the switch, and a line standing for a whole machine or container, have no device)."""
    node, _slash, dev = col.partition("/")
    return (SWITCH, "") if col == SWITCH else (node, dev)


def choose_columns(hops: Hops, devices: Sequence[str | tuple[str, str]] | None, network: Network,
                    lang: str) -> tuple[list[str], list[str], dict[str, str]]:
    """The lines, the notes that say what has none, and which device's line stands for which (none: each its own).

    The lines asked for (``devices``); else every device the frames crossed, in path order, less those
    that only heard a flood; and when those are too many for a slide, a container's ``eth0`` stands for
    both ends of its veth pair (the host's end next to it gets no line of its own: a frame crosses it
    unchanged). When that is still too wide (two hosts, their overlay namespaces, several networks), a
    line per machine and per container (:func:`lanes_of`).
    """
    if devices is not None:
        return [column_of(d if isinstance(d, str) else f"{d[0]}/{d[1]}") for d in devices], [], {}
    flood_only = incidental(hops, column_of)
    columns = order_columns(hops, flood_only)
    notes = []
    heard = len(flood_only & {column_of(d) for j in hops.journeys for s in j.segments for d in (s.src, s.dst)})
    if heard:
        notes.append(term("ladder-flood-only", lang, n=heard) if heard > 1 else term("ladder-flood-only-1", lang))
    if plan_columns(columns, network, lang).plot_right + MARGIN <= style.SLIDE_WIDTH_PT:
        return columns, notes, {}
    ends = host_ends(columns, network, hops)
    merged = [c for c in columns if c not in ends]
    if plan_columns(merged, network, lang).plot_right + MARGIN <= style.SLIDE_WIDTH_PT:
        if ends:
            notes.append(term("ladder-veth-merged", lang, n=len(ends)) if len(ends) > 1 else term("ladder-veth-merged-1", lang))
        return merged, notes, {}
    lanes = lanes_of(columns, network)
    return list(dict.fromkeys(lanes.values())), [*notes, term("ladder-lanes", lang)], lanes


def lanes_of(columns: list[str], network: Network) -> dict[str, str]:
    """Each device's line when a line stands for a whole machine or container: a container's devices on the container's line,
    a host's and its overlay networks' namespaces on the host's (the machine they run on), the switch on its own."""
    lanes: dict[str, str] = {}
    for c in columns:
        node, _dev = split(c)
        ns = network.namespace(node)
        lanes[c] = ns.machine if ns is not None and ns.kind == OVERLAY_NS else node
    return lanes


def lane_subs(lanes: dict[str, str], lang: str) -> dict[str, str]:
    """What a line standing for several devices says under its name: the devices' names, or how many when they are long."""
    members: dict[str, list[str]] = {}
    for c, lane in lanes.items():
        dev = split(c)[1]
        if dev and dev not in members.setdefault(lane, []):
            members[lane].append(dev)
    subs = {}
    for lane, devs in members.items():
        listed = " · ".join(devs)
        subs[lane] = listed if style.text_width(listed, bold=True) <= 2 * COL_MIN - 20 else term("n-devices", lang, n=len(devs))
    return subs


def host_ends(columns: list[str], network: Network, hops: Hops) -> set[str]:
    """Host-side veth ends drawn right beside their container's end, where no stack routed a packet: they can share its line."""
    routed = {column_of(d) for t in hops.transitions for d in (t.src, t.dst)}
    ends = set()
    for i, c in enumerate(columns):
        node, dev = split(c)
        ns = network.namespace(node)
        d = ns.device(dev) if ns is not None and ns.kind == "container" else None
        if d is None or d.peer is None or d.kind != "veth":
            continue
        peer = f"{d.peer[0]}/{d.peer[1]}"
        if peer in columns and abs(columns.index(peer) - i) == 1 and peer not in routed:
            ends.add(peer)
    return ends


def plan_columns(columns: list[str], network: Network, lang: str, subs: dict[str, str] | None = None) -> Columns:
    """Width from their names; a namespace's name spans its run of columns: only a run too narrow for it widens."""
    subs = subs or {}
    names = {n.node: header_name(n, lang) for n in network.namespaces}
    widths = [max(COL_MIN, style.text_width(subs.get(c) or split(c)[1], bold=True) + 20) for c in columns]
    runs: list[tuple[str, int, int]] = []
    for i, c in enumerate(columns):
        node = split(c)[0]
        if runs and runs[-1][0] == node and runs[-1][2] == i - 1:
            runs[-1] = (node, runs[-1][1], i)
        else:
            runs.append((node, i, i))
    for node, i0, i1 in runs:
        need = style.text_width(names.get(node, node), style.NAME_PT, bold=True) + 20
        short = need - sum(widths[i0 : i1 + 1])
        for i in range(i0, i1 + 1):
            widths[i] += max(short, 0.0) / (i1 - i0 + 1)
    xs = []
    x = MARGIN + AXIS_W
    for w in widths:
        xs.append(x + w / 2)
        x += w
    return Columns(columns, widths, xs, runs, names, x, subs)
