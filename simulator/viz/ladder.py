"""A sequence (ladder) diagram: who sent what to whom, and when.

One vertical line per device the frames crossed, ordered along the path (the
sender's ``eth0`` on the left, then its veth, the bridge, the host's ``eth0``, the
LAN switch, the router, the internet), grouped under a header per namespace.
Time goes down. Each move of a frame between two devices is an arrow from the
sender's line at the time it left to the receiver's line at the time it arrived;
each frame is labelled once, above its first arrow, with its number (the one
``path`` circles and the player steps through) and tcpdump's line (without
MACs, ids and lengths). Where a stack routed the packet on, a dashed purple arrow
crosses the namespace.

Time is simulated time, in milliseconds from the first frame, on the axis at the
left. The vertical scale is compressed (logarithmic in the gap between events)
so that a few microseconds inside a host and ten milliseconds across the
internet both stay readable; gaps longer than 50 ms are cut and labelled
("1000.000 ms later").

By default the devices that only received a flooded copy and did nothing with it
(a third container hearing an ARP broadcast) get no line of their own; pass
``devices`` to choose and order the lines yourself.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from simulator.trace.records import FrameReceived, FrameSent
from simulator.viz import style
from simulator.viz.draw import Canvas
from simulator.viz.hops import Hops, Journey, follow, incidental, number_frames, shorten
from simulator.viz.network import OVERLAY_NS, SWITCH, Namespace, Network, network_at, overlay_short
from simulator.viz.path import mark
from simulator.viz.topology import _short
from simulator.viz.words import language, term

MARGIN = 28.0
AXIS_W = 96.0  # the time axis at the left
COL_MIN = 104.0
ROW_MIN = 12.0
BREAK_S = 0.05  # gaps longer than this are cut
LABEL_H = style.line_height() + 6
NUMBER_R = 10.0  # the frame's number, in a circle as path draws it
NUMBER_W = 2 * NUMBER_R + 6
NOTE_H = style.line_height() + 8
TITLE_GAP = 16.0  # between the title and the headers
TAIL = 20.0  # the lifelines run on this far past the last arrow


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


def _moves(hops: Hops, line_of: Callable[[str], str] = column_of) -> list[Move]:
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
    """Devices along the path: the main packet's journeys first, then the rest."""
    order: list[str] = []

    def add(dev: str) -> None:
        c = column_of(dev)
        if c not in order and c not in skip:
            order.append(c)

    main = next((j.flow for j in hops.journeys if j.kind != "arp"), None)
    ranked = [j for j in hops.journeys if j.flow == main] + [j for j in hops.journeys if j.flow != main]
    for j in ranked:
        add(j.start)
        parents = {s.dst: s.src for s in j.segments if s.via != "loop"}
        for leaf in j.leaves:  # walk each branch from the start, in order
            chain = [leaf]
            while chain[-1] in parents and parents[chain[-1]] not in chain:  # (a frame may pass a device twice)
                chain.append(parents[chain[-1]])
            for dev in reversed(chain):
                add(dev)
    return order


def _project(moves: list[Move], hops: Hops, columns: list[str], line_of: Callable[[str], str] = column_of) -> list[Move]:
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


def _dy(gap_s: float) -> float:
    return ROW_MIN + 12.0 * math.log10(1.0 + gap_s / 5e-6)


def ladder(trace: Sequence[Any], devices: Sequence[str | tuple[str, str]] | None = None, lang: str | None = None, title: str | None = None) -> Figure:
    """Draw a sequence diagram of the frames in ``trace``.

    Args:
        trace: one command's trace (``lab.sh(...).trace``) or any slice of one.
        devices: the lines to draw, in order, as ``"node/dev"`` (``"host/docker0"``,
            ``"lan"`` for the LAN switch) or ``(node, dev)``; default: every device
            the frames crossed, in path order, less those that only heard a flood.
        lang: ``"en"`` or ``"ko"`` (default: the lab's language).
        title: the figure's title (default: the command line).

    >>> from simulator import Lab, viz
    >>> lab = Lab(seed=1)
    >>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    >>> fig = viz.ladder(lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace)
    >>> [line.get_gid() for line in fig.axes[0].lines if line.get_gid()][-4:]
    ['LIFELINE:lan', 'LIFELINE:router/eth0', 'LIFELINE:router/eth1', 'LIFELINE:internet/eth0']
    """
    with style.classroom():
        return _draw(trace, devices, language(trace, lang), title)


@dataclass(slots=True)
class _Columns:
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


@dataclass(slots=True)
class _Rows:
    """The ladder's rows: a compressed clock, with room for each frame's label above its first arrow."""

    head_h: float  # the top of the first row (under the headers)
    times: list[float]
    starts: dict[int, float]  # a journey -> when its first move starts
    y_of: dict[float, float]
    breaks: list[tuple[float, float]]  # y, gap (s): where a long wait is cut
    bottom: float


def _split(col: str) -> tuple[str, str]:
    """A column's namespace and device (the switch, and a line standing for a whole machine or container, have no device)."""
    node, _slash, dev = col.partition("/")
    return (SWITCH, "") if col == SWITCH else (node, dev)


def _draw(trace: Sequence[Any], devices: Sequence[str | tuple[str, str]] | None, lang: str, title: str | None) -> Figure:
    """Plan the columns, the rows and the labels, then draw the headers, the time axis, the arrows, the labels and the notes."""
    first = next((r.time for r in trace if isinstance(r, FrameSent | FrameReceived)), None)
    network: Network = network_at(trace, first)
    hops = follow(trace, network)
    columns, notes, lanes = _choose_columns(hops, devices, network, lang)
    line_of = (lambda d: lanes.get(column_of(d), column_of(d))) if lanes else column_of
    moves = _project(_moves(hops, line_of), hops, columns, line_of)
    if title is None:
        title = term("ladder-title", lang, command=_short(hops.command)) if hops.command else term("ladder-title-plain", lang)
    cols = _plan_columns(columns, network, lang, _lane_subs(lanes, lang))
    rows = _plan_rows(moves)
    labels = _plan_labels(moves, hops, cols, rows)
    width = max([_width(cols, labels, title)] + [style.text_width(n) + 2 * MARGIN for n in notes])
    canvas = Canvas(width, rows.bottom + MARGIN + NOTE_H * len(notes))
    canvas.ax.text(MARGIN, canvas.y(MARGIN), title, ha="left", va="top", fontproperties=style.font(style.TITLE_PT, bold=True), color=style.INK)
    _draw_headers(canvas, cols, rows, network, lang)
    _draw_axis(canvas, cols, rows, lang)
    _draw_moves(canvas, moves, cols, rows)
    _draw_labels(canvas, labels)
    for i, note in enumerate(notes):
        canvas.ax.text(MARGIN, canvas.y(rows.bottom + 8 + NOTE_H * i), note, ha="left", va="top", fontproperties=style.font(),
                       color=style.MUTED).set_gid("NOTE")
    if not moves:
        canvas.ax.text(width / 2, canvas.y(rows.head_h + 20), term("no-frames", lang), ha="center", va="top", fontproperties=style.font(),
                       color=style.MUTED)
    return canvas.fig


def _choose_columns(hops: Hops, devices: Sequence[str | tuple[str, str]] | None, network: Network,
                    lang: str) -> tuple[list[str], list[str], dict[str, str]]:
    """The lines, the notes that say what has none, and which device's line stands for which (none: each its own).

    The lines asked for (``devices``); else every device the frames crossed, in path order, less those
    that only heard a flood; and when those are too many for a slide, a container's ``eth0`` stands for
    both ends of its veth pair (the host's end next to it gets no line of its own: a frame crosses it
    unchanged). When that is still too wide (two hosts, their overlay namespaces, several networks), a
    line per machine and per container (:func:`_lanes`).
    """
    if devices is not None:
        return [column_of(d if isinstance(d, str) else f"{d[0]}/{d[1]}") for d in devices], [], {}
    flood_only = incidental(hops, column_of)
    columns = order_columns(hops, flood_only)
    notes = []
    heard = len(flood_only & {column_of(d) for j in hops.journeys for s in j.segments for d in (s.src, s.dst)})
    if heard:
        notes.append(term("ladder-flood-only", lang, n=heard) if heard > 1 else term("ladder-flood-only-1", lang))
    if _plan_columns(columns, network, lang).plot_right + MARGIN <= style.SLIDE_WIDTH_PT:
        return columns, notes, {}
    ends = _host_ends(columns, network, hops)
    merged = [c for c in columns if c not in ends]
    if _plan_columns(merged, network, lang).plot_right + MARGIN <= style.SLIDE_WIDTH_PT:
        if ends:
            notes.append(term("ladder-veth-merged", lang, n=len(ends)) if len(ends) > 1 else term("ladder-veth-merged-1", lang))
        return merged, notes, {}
    lanes = _lanes(columns, network)
    return list(dict.fromkeys(lanes.values())), [*notes, term("ladder-lanes", lang)], lanes


def _lanes(columns: list[str], network: Network) -> dict[str, str]:
    """Each device's line when a line stands for a whole machine or container: a container's devices on the container's line,
    a host's and its overlay networks' namespaces on the host's (the machine they run on), the switch on its own."""
    lanes: dict[str, str] = {}
    for c in columns:
        node, _dev = _split(c)
        ns = network.namespace(node)
        lanes[c] = ns.machine if ns is not None and ns.kind == OVERLAY_NS else node
    return lanes


def _lane_subs(lanes: dict[str, str], lang: str) -> dict[str, str]:
    """What a line standing for several devices says under its name: the devices' names, or how many when they are long."""
    members: dict[str, list[str]] = {}
    for c, lane in lanes.items():
        dev = _split(c)[1]
        if dev and dev not in members.setdefault(lane, []):
            members[lane].append(dev)
    subs = {}
    for lane, devs in members.items():
        listed = " · ".join(devs)
        subs[lane] = listed if style.text_width(listed, bold=True) <= 2 * COL_MIN - 20 else term("n-devices", lang, n=len(devs))
    return subs


def _host_ends(columns: list[str], network: Network, hops: Hops) -> set[str]:
    """Host-side veth ends drawn right beside their container's end, where no stack routed a packet: they can share its line."""
    routed = {column_of(d) for t in hops.transitions for d in (t.src, t.dst)}
    ends = set()
    for i, c in enumerate(columns):
        node, dev = _split(c)
        ns = network.namespace(node)
        d = ns.device(dev) if ns is not None and ns.kind == "container" else None
        if d is None or d.peer is None or d.kind != "veth":
            continue
        peer = f"{d.peer[0]}/{d.peer[1]}"
        if peer in columns and abs(columns.index(peer) - i) == 1 and peer not in routed:
            ends.add(peer)
    return ends


def _width(cols: _Columns, labels: list[tuple[float, float, str, str, str, int]], title: str) -> float:
    """The figure's width: the columns, any label running past the last of them, and the title."""
    width = cols.plot_right + MARGIN
    for lx, _ly, text, _k, ha, _n in labels:
        w = style.text_width(text) + NUMBER_W
        width = max(width, lx + w + MARGIN if ha == "left" else width)
    return max(width, style.text_width(title, style.TITLE_PT, bold=True) + 2 * MARGIN)


def _draw_labels(canvas: Canvas, labels: list[tuple[float, float, str, str, str, int]]) -> None:
    """Each frame's label in a box of its kind's colour, its number in a circle left of the words."""
    for lx, ly, text, kind, ha, number in labels:
        colour = style.KIND_COLOUR.get(kind, style.INK)
        # the frame's number sits left of the words; a label planned right-aligned is drawn from its planned left
        # edge, so a font wider than measured runs right, never under the number
        tx = lx + NUMBER_W if ha == "left" else lx - style.text_width(text)
        label = canvas.ax.text(tx, canvas.y(ly), text, ha="left", va="bottom", fontproperties=style.font(), color=style.INK, zorder=4,
                               bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": colour, "linewidth": 1.2,
                                     "alpha": 0.92})
        label.set_gid(f"LABEL:{number}")
        mark(canvas, tx - NUMBER_W / 2 - 1, ly - style.line_height() / 2 + 1, number, kind, radius=NUMBER_R)


def _plan_columns(columns: list[str], network: Network, lang: str, subs: dict[str, str] | None = None) -> _Columns:
    """Width from their names; a namespace's name spans its run of columns: only a run too narrow for it widens."""
    subs = subs or {}
    names = {n.node: header_name(n, lang) for n in network.namespaces}
    widths = [max(COL_MIN, style.text_width(subs.get(c) or _split(c)[1], bold=True) + 20) for c in columns]
    runs: list[tuple[str, int, int]] = []
    for i, c in enumerate(columns):
        node = _split(c)[0]
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
    return _Columns(columns, widths, xs, runs, names, x, subs)


def _plan_rows(moves: list[Move]) -> _Rows:
    """A row per moment a move starts or ends; gaps over BREAK_S cut; room above for the labels of frames starting there."""
    starts: dict[int, float] = {}
    for m in moves:
        if m.journey >= 0:
            starts[m.journey] = min(starts.get(m.journey, m.t0), m.t0)
    times = sorted({m.t0 for m in moves} | {m.t1 for m in moves})
    head_h = MARGIN + style.line_height(style.TITLE_PT) + TITLE_GAP + 2 * style.line_height() + 24
    y_of: dict[float, float] = {}
    breaks: list[tuple[float, float]] = []  # y, gap
    y = head_h + LABEL_H
    label_floor = head_h
    previous: float | None = None
    for t in times:
        if previous is not None:
            gap = t - previous
            if gap > BREAK_S:
                breaks.append((y + 22, gap))
                y += 52
            else:
                y += _dy(gap)
        starting = [j for j, t0 in starts.items() if t0 == t]
        if starting:  # room for the labels above, clear of what was drawn before
            last = y_of[previous] if previous is not None else head_h
            y = max(y, label_floor + LABEL_H * len(starting) + 4, last + LABEL_H * len(starting) + 8)
            label_floor = y
        y_of[t] = y
        previous = t
    return _Rows(head_h, times, starts, y_of, breaks, y + TAIL)


def _plan_labels(moves: list[Move], hops: Hops, cols: _Columns, rows: _Rows) -> list[tuple[float, float, str, str, str, int]]:
    """One label per frame, above its first arrow, on the side where it crosses the fewest arrows: (x, y, text, kind, ha, number).

    ``number`` is the frame's number, the one ``path`` circles (:func:`~simulator.viz.hops.number_frames`).
    """
    col_x, starts, y_of = cols.x, rows.starts, rows.y_of
    number_of = {id(j): n for n, group in enumerate(number_frames(hops.journeys), start=1) for j in group}
    moves_of: dict[int, list[Move]] = {}
    for m in moves:
        moves_of.setdefault(m.journey, []).append(m)
    arrows = _Arrows(moves, col_x, y_of)
    at_time: dict[float, int] = {}
    for t in starts.values():
        at_time[t] = at_time.get(t, 0) + 1
    labels: list[tuple[float, float, str, str, str, int]] = []
    per_time: dict[float, int] = {}
    limit = max(cols.plot_right, style.SLIDE_WIDTH_PT - MARGIN)  # a label may run past the last line while the picture fits a slide
    for j_index in sorted(starts, key=lambda k: (starts[k], k)):
        own = moves_of[j_index]
        first_move = min(own, key=lambda m: (m.t0, m.t1))
        j: Journey = hops.journeys[j_index]
        t0 = starts[j_index]
        k = per_time.get(t0, 0)
        per_time[t0] = k + 1
        ly = y_of[t0] - 6 - (LABEL_H * (at_time[t0] - 1 - k))
        rightwards = col_x[first_move.dst] >= col_x[first_move.src]
        text = shorten(j.frame)
        w = style.text_width(text) + 8 + NUMBER_W
        span = [col_x[m.src] for m in own] + [col_x[m.dst] for m in own]
        start_x = col_x[first_move.src]
        candidates = [(start_x + 8, "left") if rightwards else (start_x - 8, "right"),
                      (min(span) + 8, "left"), (max(span) - 8, "right"),
                      (start_x - 8, "right") if rightwards else (start_x + 8, "left")]
        band = (ly - LABEL_H + 4, ly)
        near = arrows.near(band)
        lx, ha = min(candidates, key=lambda c: _crossings(c[0], c[1], w, band, near) + _overflow(c[0], c[1], w, limit))
        labels.append((lx, ly, text, j.kind, ha, number_of[id(j)]))
    return labels


class _Arrows:
    """The arrows as line segments in points, found by the rows they cross (a label's band)."""

    def __init__(self, moves: list[Move], col_x: dict[str, float], y_of: dict[float, float]) -> None:
        segments = []
        for m in moves:
            ax_, ay, bx, by = col_x[m.src], y_of[m.t0], col_x[m.dst], y_of[m.t1]
            segments.append((min(ay, by), max(ay, by), ax_, ay, bx, by))
        segments.sort()
        self.segments = segments
        self.tops = [seg[0] for seg in segments]
        self.tallest = max((seg[1] - seg[0] for seg in segments), default=0.0)

    def near(self, band: tuple[float, float]) -> list[tuple[float, float, float, float]]:
        """The segments whose vertical extent meets ``band`` (only they can cross a label there)."""
        top, bottom = band
        lo = bisect_left(self.tops, top - self.tallest)
        hi = bisect_right(self.tops, bottom)
        return [seg[2:] for seg in self.segments[lo:hi] if seg[1] >= top]


def _overflow(x: float, ha: str, w: float, limit: float) -> float:
    """What reaching past ``limit`` costs a label ``w`` wide at ``x`` (anchored ``ha``): more than any crossing, more the further."""
    right = x + w if ha == "left" else x
    return 5_000.0 + right - limit if right > limit else 0.0


def _crossings(x: float, ha: str, w: float, band: tuple[float, float], segments: list[tuple[float, float, float, float]]) -> int:
    """How many points of the arrows a label ``w`` wide at ``x`` (anchored ``ha``) in ``band`` would cover."""
    band_top, band_bottom = band
    x0, x1 = (x, x + w) if ha == "left" else (x - w, x)
    if x0 < MARGIN + AXIS_W - 4:
        return 10_000
    hits = 0
    for ax_, ay, bx, by in segments:
        for k in range(21):
            px, py = ax_ + (bx - ax_) * k / 20, ay + (by - ay) * k / 20
            if x0 <= px <= x1 and band_top <= py <= band_bottom:
                hits += 1
    return hits


def _draw_headers(canvas: Canvas, cols: _Columns, rows: _Rows, network: Network, lang: str) -> None:
    """A box per run of columns in one namespace, the device names under it, a lifeline down from each."""
    ax = canvas.ax
    top = MARGIN + style.line_height(style.TITLE_PT) + TITLE_GAP
    kinds = {n.node: n.kind for n in network.namespaces}
    xs, widths = cols.xs, cols.widths
    for node, i0, i1 in cols.runs:
        x0 = xs[i0] - widths[i0] / 2 + 4
        x1 = xs[i1] + widths[i1] / 2 - 4
        kind = "switch" if node == SWITCH else kinds.get(node, "laptop")
        h = 2 * style.line_height() + 14
        box = FancyBboxPatch((x0, canvas.y(top + 2 * style.line_height() + 14)), x1 - x0, h, boxstyle="round,pad=0,rounding_size=8",
                             facecolor=style.FILL.get(kind, style.FILL["laptop"]), edgecolor=style.EDGE.get(kind, style.INK), linewidth=2)
        box.set_gid(f"HEADER:{node}")
        ax.add_patch(box)
        ax.text((x0 + x1) / 2, canvas.y(top + 5), cols.names.get(node, node), ha="center", va="top",
                fontproperties=style.font(style.NAME_PT, bold=True), color=style.INK)
    for c, cx in zip(cols.columns, xs, strict=True):
        dev = cols.subs.get(c) or _split(c)[1] or term("switch", lang)
        if dev:
            name = ax.text(cx, canvas.y(top + style.line_height() + 9), dev, ha="center", va="top", fontproperties=style.font(bold=True), color=style.INK)
            name.set_gid(f"COLUMN:{c}")
        line = Line2D([cx, cx], [canvas.y(rows.head_h - 8), canvas.y(rows.bottom)], color="#9A9A9A", linewidth=2, zorder=1)
        line.set_gid(f"LIFELINE:{c}")
        ax.add_line(line)


def _draw_axis(canvas: Canvas, cols: _Columns, rows: _Rows, lang: str) -> None:
    """The time axis on the left, a tick where each frame starts; the cut waits across the plot."""
    ax = canvas.ax
    head_h, bottom = rows.head_h, rows.bottom
    ax.text(MARGIN, canvas.y(head_h - 30), term("time-ms", lang), ha="left", va="bottom", fontproperties=style.font(bold=True), color=style.INK)
    ax.add_line(Line2D([MARGIN + AXIS_W - 14] * 2, [canvas.y(head_h - 8), canvas.y(bottom)], color=style.INK, linewidth=1.5))
    t_zero = rows.times[0] if rows.times else 0.0
    for t in sorted(set(rows.starts.values())):
        yy = rows.y_of[t]
        ax.add_line(Line2D([MARGIN + AXIS_W - 20, MARGIN + AXIS_W - 14], [canvas.y(yy)] * 2, color=style.INK, linewidth=1.5))
        ax.text(MARGIN + AXIS_W - 24, canvas.y(yy), f"{(t - t_zero) * 1000:.3f}", ha="right", va="center",
                fontproperties=style.font(mono=True), color=style.INK)
    for yy, gap in rows.breaks:
        ax.add_line(Line2D([MARGIN, cols.plot_right], [canvas.y(yy)] * 2, color=style.MUTED, linewidth=1.5, linestyle=(0, (2, 3))))
        ax.text(cols.plot_right - 6, canvas.y(yy - 3), term("later", lang, ms=f"{gap * 1000:.3f}"), ha="right", va="bottom",
                fontproperties=style.font(), color=style.MUTED,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})


def _draw_moves(canvas: Canvas, moves: list[Move], cols: _Columns, rows: _Rows) -> None:
    """An arrow per move, by the frame's kind; a loop for one through ``lo``; dashed when routed inside a namespace."""
    col_x, y_of = cols.x, rows.y_of
    for m in moves:
        colour = style.KIND_COLOUR.get(m.kind, style.KIND_COLOUR["other"])
        dashed = m.journey < 0
        loop = m.src == m.dst  # through lo: out and back into the same device
        arrow = FancyArrowPatch(
            (col_x[m.src], canvas.y(y_of[m.t0])), (col_x[m.dst], canvas.y(y_of[m.t1])), arrowstyle="-|>", mutation_scale=16,
            linewidth=2.5, color=colour, zorder=3, shrinkA=2, shrinkB=2,
            linestyle=(0, (4, 3)) if dashed else style.KIND_STYLE.get(m.kind, "solid"),
            connectionstyle="arc,angleA=0,angleB=0,armA=36,armB=36,rad=8" if loop else "arc3",
        )
        arrow.set_gid(f"MOVE:{m.journey}:{m.src}>{m.dst}")
        canvas.ax.add_patch(arrow)
