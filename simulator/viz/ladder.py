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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from simulator.trace.records import FrameReceived, FrameSent
from simulator.viz import style
from simulator.viz.draw import Canvas
from simulator.viz.hops import Hops, Journey, follow, number_frames, shorten
from simulator.viz.ladder_columns import AXIS_W, MARGIN, Columns, Move, all_moves, choose_columns, column_of, lane_subs, plan_columns, project, split
from simulator.viz.network import SWITCH, Network, network_at
from simulator.viz.path import mark
from simulator.viz.topology import _short
from simulator.viz.words import language, term

ROW_MIN = 12.0
BREAK_S = 0.05  # gaps longer than this are cut
LABEL_H = style.line_height() + 6
NUMBER_R = 10.0  # the frame's number, in a circle as path draws it
NUMBER_W = 2 * NUMBER_R + 6
NOTE_H = style.line_height() + 8
TITLE_GAP = 16.0  # between the title and the headers
TAIL = 20.0  # the lifelines run on this far past the last arrow


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
class _Rows:
    """The ladder's rows: a compressed clock, with room for each frame's label above its first arrow."""

    head_h: float  # the top of the first row (under the headers)
    times: list[float]
    starts: dict[int, float]  # a journey -> when its first move starts
    y_of: dict[float, float]
    breaks: list[tuple[float, float]]  # y, gap (s): where a long wait is cut
    bottom: float


def _draw(trace: Sequence[Any], devices: Sequence[str | tuple[str, str]] | None, lang: str, title: str | None) -> Figure:
    """Plan the columns, the rows and the labels, then draw the headers, the time axis, the arrows, the labels and the notes."""
    first = next((r.time for r in trace if isinstance(r, FrameSent | FrameReceived)), None)
    network: Network = network_at(trace, first)
    hops = follow(trace, network)
    columns, notes, lanes = choose_columns(hops, devices, network, lang)
    line_of = (lambda d: lanes.get(column_of(d), column_of(d))) if lanes else column_of
    moves = project(all_moves(hops, line_of), hops, columns, line_of)
    if title is None:
        title = term("ladder-title", lang, command=_short(hops.command)) if hops.command else term("ladder-title-plain", lang)
    cols = plan_columns(columns, network, lang, lane_subs(lanes, lang))
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


def _width(cols: Columns, labels: list[tuple[float, float, str, str, str, int]], title: str) -> float:
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


def _plan_labels(moves: list[Move], hops: Hops, cols: Columns, rows: _Rows) -> list[tuple[float, float, str, str, str, int]]:
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


def _draw_headers(canvas: Canvas, cols: Columns, rows: _Rows, network: Network, lang: str) -> None:
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
        dev = cols.subs.get(c) or split(c)[1] or term("switch", lang)
        if dev:
            name = ax.text(cx, canvas.y(top + style.line_height() + 9), dev, ha="center", va="top", fontproperties=style.font(bold=True), color=style.INK)
            name.set_gid(f"COLUMN:{c}")
        line = Line2D([cx, cx], [canvas.y(rows.head_h - 8), canvas.y(rows.bottom)], color="#9A9A9A", linewidth=2, zorder=1)
        line.set_gid(f"LIFELINE:{c}")
        ax.add_line(line)


def _draw_axis(canvas: Canvas, cols: Columns, rows: _Rows, lang: str) -> None:
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


def _draw_moves(canvas: Canvas, moves: list[Move], cols: Columns, rows: _Rows) -> None:
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
