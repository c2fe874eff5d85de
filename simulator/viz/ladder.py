"""A sequence (ladder) diagram: who sent what to whom, and when.

One vertical line per device the frames crossed, ordered along the path (the
sender's ``eth0`` on the left, then its veth, the bridge, the host's ``eth0``, the
LAN switch, the router, the internet), grouped under a header per namespace.
Time goes down. Each move of a frame between two devices is an arrow from the
sender's line at the time it left to the receiver's line at the time it arrived;
each frame is labelled once, beside its arrows where it leaves its sender, with
its number (the one ``path`` circles and the player steps through) and tcpdump's
line (without MACs, ids and lengths). Where a stack routed the packet on, a dashed
purple arrow crosses the namespace.

Time is simulated time, in milliseconds from the first frame, on the axis at the
left. The vertical scale is compressed (logarithmic in the gap between events)
so that a few microseconds inside a host and ten milliseconds across the
internet both stay readable; gaps longer than 50 ms are cut and labelled
("1000.000 ms later"). A row goes no further down than its label needs, so frames
whose labels and arrows stand apart share their height (:mod:`~simulator.viz.ladder_rows`).

By default the devices that only received a flooded copy and did nothing with it
(a third container hearing an ARP broadcast) get no line of their own; pass
``devices`` to choose and order the lines yourself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from simulator.trace.records import FrameReceived, FrameSent
from simulator.viz import style
from simulator.viz.draw import Canvas
from simulator.viz.hops import follow
from simulator.viz.ladder_columns import AXIS_W, MARGIN, Columns, Move, all_moves, choose_columns, column_of, lane_subs, plan_columns, project, split
from simulator.viz.ladder_rows import NOTE_H, NUMBER_R, NUMBER_W, TITLE_GAP, Label, Rows
from simulator.viz.ladder_window import window
from simulator.viz.network import SWITCH, Network, network_at
from simulator.viz.path import mark
from simulator.viz.topology import _short
from simulator.viz.words import language, term


def ladder(trace: Sequence[Any], devices: Sequence[str | tuple[str, str]] | None = None, lang: str | None = None, title: str | None = None, *,
           start: float | None = None, stop: float | None = None) -> Figure:
    """Draw a sequence diagram of the frames in ``trace``.

    Args:
        trace: one command's trace (``lab.sh(...).trace``) or any slice of one.
        devices: the lines to draw, in order, as ``"node/dev"`` (``"host/docker0"``,
            ``"lan"`` for the LAN switch) or ``(node, dev)``; default: every device
            the frames crossed, in path order, less those that only heard a flood.
        lang: ``"en"`` or ``"ko"`` (default: the lab's language).
        title: the figure's title (default: the command line).
        start: draw the frames sent from this time on, in milliseconds as the time axis prints them
            (default: from the first).
        stop: draw the frames sent before this time, however many (default: as many as a 1080 px
            slide holds, ending where the conversation pauses, with a note under the picture that says
            which frames are left out and the ``start=`` that draws them).

    >>> from simulator import Lab, viz
    >>> lab = Lab(seed=1)
    >>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    >>> fig = viz.ladder(lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace)
    >>> [line.get_gid() for line in fig.axes[0].lines if line.get_gid()][-4:]
    ['LIFELINE:lan', 'LIFELINE:router/eth0', 'LIFELINE:router/eth1', 'LIFELINE:internet/eth0']
    """
    with style.classroom():
        return _draw(trace, devices, language(trace, lang), title, (start, stop))


def _draw(trace: Sequence[Any], devices: Sequence[str | tuple[str, str]] | None, lang: str, title: str | None,
          span: tuple[float | None, float | None]) -> Figure:
    """Plan the columns, the rows and the labels, then draw the headers, the time axis, the arrows, the labels and the notes."""
    first = next((r.time for r in trace if isinstance(r, FrameSent | FrameReceived)), None)
    network: Network = network_at(trace, first)
    hops = follow(trace, network)
    columns, notes, lanes = choose_columns(hops, devices, network, lang)
    line_of = (lambda d: lanes.get(column_of(d), column_of(d))) if lanes else column_of
    every = project(all_moves(hops, line_of), hops, columns, line_of)
    if title is None:
        title = term("ladder-title", lang, command=_short(hops.command)) if hops.command else term("ladder-title-plain", lang)
    cols = plan_columns(columns, network, lang, lane_subs(lanes, lang))
    shown = window(every, hops, cols, len(notes), lang, *span)
    moves, rows, notes = shown.moves, shown.rows, [*notes, *shown.notes]
    width = max([_width(cols, rows.labels, title)] + [style.text_width(n) + 2 * MARGIN for n in notes])
    canvas = Canvas(width, rows.bottom + MARGIN + NOTE_H * len(notes))
    canvas.ax.text(MARGIN, canvas.y(MARGIN), title, ha="left", va="top", fontproperties=style.font(style.TITLE_PT, bold=True), color=style.INK)
    _draw_headers(canvas, cols, rows, network, lang)
    _draw_axis(canvas, cols, rows, lang, min((m.t0 for m in every), default=0.0))
    _draw_moves(canvas, moves, cols, rows)
    _draw_labels(canvas, rows.labels)
    for i, note in enumerate(notes):
        canvas.ax.text(MARGIN, canvas.y(rows.bottom + 8 + NOTE_H * i), note, ha="left", va="top", fontproperties=style.font(),
                       color=style.MUTED).set_gid("NOTE" if i < len(notes) - len(shown.notes) else "LEFT-OUT")
    if not moves:
        canvas.ax.text(width / 2, canvas.y(rows.head_h + 20), term("no-frames", lang), ha="center", va="top", fontproperties=style.font(),
                       color=style.MUTED)
    return canvas.fig


def _width(cols: Columns, labels: Sequence[Label], title: str) -> float:
    """The figure's width: the columns, any label running past the last of them, and the title."""
    width = max([cols.plot_right + MARGIN] + [lb.extent[1] + MARGIN for lb in labels])
    return max(width, style.text_width(title, style.TITLE_PT, bold=True) + 2 * MARGIN)


def _draw_labels(canvas: Canvas, labels: Sequence[Label]) -> None:
    """Each frame's label in a box of its kind's colour, its number in a circle left of the words."""
    for lb in labels:
        lx, ly, text, kind, ha, number = lb.x, lb.y, lb.text, lb.kind, lb.ha, lb.number
        colour = style.KIND_COLOUR.get(kind, style.INK)
        # the frame's number sits left of the words; a label planned right-aligned is drawn from its planned left
        # edge, so a font wider than measured runs right, never under the number
        tx = lx + NUMBER_W if ha == "left" else lx - style.text_width(text)
        label = canvas.ax.text(tx, canvas.y(ly), text, ha="left", va="bottom", fontproperties=style.font(), color=style.INK, zorder=4,
                               bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": colour, "linewidth": 1.2,
                                     "alpha": 0.92})
        label.set_gid(f"LABEL:{number}")
        mark(canvas, tx - NUMBER_W / 2 - 1, ly - style.line_height() / 2 + 1, number, kind, radius=NUMBER_R)


def _draw_headers(canvas: Canvas, cols: Columns, rows: Rows, network: Network, lang: str) -> None:
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


def _draw_axis(canvas: Canvas, cols: Columns, rows: Rows, lang: str, t_zero: float) -> None:
    """The time axis on the left, a tick where each frame starts; the cut waits across the plot."""
    ax = canvas.ax
    head_h, bottom = rows.head_h, rows.bottom
    ax.text(MARGIN, canvas.y(head_h - 26), term("time-ms", lang), ha="left", va="bottom", fontproperties=style.font(bold=True), color=style.INK)
    ax.add_line(Line2D([MARGIN + AXIS_W - 14] * 2, [canvas.y(head_h - 8), canvas.y(bottom)], color=style.INK, linewidth=1.5))
    for yy, t in rows.ticks:
        ax.add_line(Line2D([MARGIN + AXIS_W - 20, MARGIN + AXIS_W - 14], [canvas.y(yy)] * 2, color=style.INK, linewidth=1.5))
        ax.text(MARGIN + AXIS_W - 24, canvas.y(yy), f"{(t - t_zero) * 1000:.3f}", ha="right", va="center",
                fontproperties=style.font(mono=True), color=style.INK)
    for yy, gap in rows.breaks:
        ax.add_line(Line2D([MARGIN, cols.plot_right], [canvas.y(yy)] * 2, color=style.MUTED, linewidth=1.5, linestyle=(0, (2, 3))))
        ax.text(cols.plot_right - 6, canvas.y(yy - 3), term("later", lang, ms=f"{gap * 1000:.3f}"), ha="right", va="bottom",
                fontproperties=style.font(), color=style.MUTED,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})


def _draw_moves(canvas: Canvas, moves: list[Move], cols: Columns, rows: Rows) -> None:
    """An arrow per move, by the frame's kind; a loop for one through ``lo``; dashed when routed inside a namespace."""
    col_x, y_of = cols.x, rows.y_of
    for i, (m, (k0, k1)) in enumerate(zip(moves, rows.keys, strict=True)):
        colour = style.KIND_COLOUR.get(m.kind, style.KIND_COLOUR["other"])
        dashed = m.journey < 0
        loop = m.src == m.dst  # through lo: out and back into the same device, on its right (left while another is in flight)
        angle = 180 if i in rows.leftward else 0
        arrow = FancyArrowPatch(
            (col_x[m.src], canvas.y(y_of[k0])), (col_x[m.dst], canvas.y(y_of[k1])), arrowstyle="-|>", mutation_scale=16,
            linewidth=2.5, color=colour, zorder=3, shrinkA=2, shrinkB=2,
            linestyle=(0, (4, 3)) if dashed else style.KIND_STYLE.get(m.kind, "solid"),
            connectionstyle=f"arc,angleA={angle},angleB={angle},armA=36,armB=36,rad=8" if loop else "arc3",
        )
        arrow.set_gid(f"MOVE:{m.journey}:{m.src}>{m.dst}")
        canvas.ax.add_patch(arrow)
