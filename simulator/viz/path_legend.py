"""A path picture's legend: the numbered frames in tcpdump's words, and the arrow styles.

:func:`lay_out_legend` decides where it goes (below the drawing, its lines wrapped
to the picture's width, or beside a drawing taller than a slide's shape when that
shows the whole picture larger) and :func:`draw_legend` draws it; :func:`mark` is
a frame's number in a circle of its kind's colour, as the path, the ladder and
the legend show it.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.patches import Circle, FancyArrowPatch

from simulator.trace.records import FrameDropped
from simulator.viz import style
from simulator.viz.draw import Z_MARK, Canvas
from simulator.viz.path_model import KEY, LEGEND_GAP, MARK_R, PathPlan, legend_text, step_at
from simulator.viz.words import term

LEGEND_MARGIN = 28.0
KEY_TEXT_X = 56.0  # the arrow sample, then its words
MIN_FRAMES_W = 420.0  # narrower than this, the frames' lines take the whole width and the arrow styles go under them
BESIDE_W = 560.0  # the frames' lines beside a tall drawing are wrapped to this width
BESIDE_GAIN = 1.15  # the legend goes beside the drawing only when that makes the picture this much larger on a slide


def lay_out_legend(p: PathPlan, lone: Sequence[FrameDropped]) -> None:
    """The numbered frames and the arrow styles: below the drawing, or beside a drawing taller than a slide's shape.

    Below, the frames' lines are wrapped to the picture's width (and never wider than
    a slide allows) and the arrow styles stand beside them when there is room. Beside
    is chosen only when it makes the whole picture larger on a 16:9 slide.
    """
    lang = p.lang
    lines: list[tuple[int, str, str]] = []
    p.legend_steps = []
    for g in p.groups:
        text = legend_text(g, lang)
        for d in g.first.drops:
            text += "\n" + term("dropped", lang, where=f"{d.node}/{d.dev}", reason=d.reason.value)
        lines.append((g.number, g.kind, text))
        p.legend_steps.append(g.number)
    for d in lone:
        lines.append((0, "drop", term("dropped", lang, where=f"{d.node}/{d.dev}", reason=d.reason.value) + (f"\n{d.detail}" if d.detail else "")))
        p.legend_steps.append(step_at(p.groups, d.time))
    if not lines:
        lines.append((0, "other", term("no-frames", lang)))
    key = p.key or KEY
    indent = 2 * MARK_R + 12  # the text starts right of the number
    head_h = style.line_height(style.NAME_PT) + 12
    key_w = KEY_TEXT_X + max(style.text_width(term(k, lang)) for k, _kind, _dashed in key)
    key_h = len(key) * style.line_height() * 1.3

    def frames(width: float) -> tuple[list[tuple[int, str, str]], float, float]:
        wrapped = [(n, k, style.wrap(t, width - indent)) for n, k, t in lines]
        w = max(style.text_width(term("legend", lang), style.NAME_PT, bold=True), *(style.text_width(t) + indent for _n, _k, t in wrapped))
        return wrapped, w, head_h + sum(_legend_row_h(t) for _n, _k, t in wrapped)

    # below the drawing: the frames, and the arrow styles beside them when there is room, else under them
    _all, widest, _h = frames(1e9)
    width = max(p.scene.width, min(style.SLIDE_WIDTH_PT, widest + LEGEND_GAP + key_w + 2 * LEGEND_MARGIN))
    inner = width - 2 * LEGEND_MARGIN
    side_by_side = inner - LEGEND_GAP - key_w >= MIN_FRAMES_W
    below, frames_w, frames_h = frames(inner - LEGEND_GAP - key_w if side_by_side else inner)
    below_h = p.scene.height + (max(frames_h, head_h + key_h) if side_by_side else frames_h + 16 + key_h) + LEGEND_MARGIN
    # beside it: the frames, then the arrow styles, right of a drawing taller than a slide's shape
    beside, beside_w, beside_frames_h = frames(BESIDE_W)
    beside_width = p.scene.width + max(beside_w, key_w) + LEGEND_GAP + LEGEND_MARGIN
    beside_h = max(p.scene.height, LEGEND_MARGIN + style.line_height(style.TITLE_PT) + 20 + beside_frames_h + 24 + key_h + LEGEND_MARGIN)
    # below, unless beside shows much bigger on a slide and keeps the text its size (no wider than a slide allows)
    if beside_width <= style.SLIDE_WIDTH_PT and _fit(beside_width, beside_h) > BESIDE_GAIN * _fit(width, below_h):
        p.legend = beside
        p.legend_x, p.legend_y = p.scene.width + LEGEND_GAP / 2, LEGEND_MARGIN + style.line_height(style.TITLE_PT) + 20
        p.key_x, p.key_y = p.legend_x, p.legend_y + beside_frames_h + 24
        p.width, p.height = beside_width, beside_h
        return
    p.legend = below
    p.legend_x, p.legend_y = LEGEND_MARGIN, p.scene.height
    p.key_x = LEGEND_MARGIN + frames_w + LEGEND_GAP if side_by_side else LEGEND_MARGIN
    p.key_y = p.legend_y + head_h if side_by_side else p.legend_y + frames_h + 16
    p.width, p.height = width, below_h


def _fit(width: float, height: float) -> float:
    """How much a picture of ``width`` x ``height`` points is scaled to fit a 16:9 slide (larger reads better; 1 when it fits)."""
    return min(1.0, style.SLIDE_WIDTH_PT / width, style.SLIDE_HEIGHT_PT / height)


def _legend_row_h(text: str) -> float:
    return style.line_height() * 1.25 * (text.count("\n") + 1) + 8


def mark(canvas: Canvas, x: float, y: float, number: int, kind: str, radius: float = MARK_R) -> None:
    """A frame's number in a circle of its kind's colour, centred on (x, y) in layout points."""
    colour = style.KIND_COLOUR.get(kind, style.KIND_COLOUR["other"])
    circle = Circle((x, canvas.y(y)), radius, facecolor=colour, edgecolor="white", linewidth=2, zorder=Z_MARK)
    circle.set_gid(f"MARK:{number}")
    canvas.ax.add_patch(circle)
    canvas.ax.text(x, canvas.y(y), str(number), ha="center", va="center_baseline", color="white" if kind != "arp" else style.INK,
                   fontproperties=style.font(style.LABEL_PT, bold=True), zorder=Z_MARK + 0.1).set_gid(f"NUMBER:{number}")


def draw_legend(canvas: Canvas, p: PathPlan, upto: int | None = None, only: int | None = None) -> None:
    """Draw the legend :func:`lay_out_legend` placed; ``upto`` and ``only`` as in :func:`simulator.viz.path.draw`."""
    ax = canvas.ax
    x0, y = p.legend_x, p.legend_y
    if only is None:
        ax.text(x0, canvas.y(y), term("legend", p.lang), ha="left", va="top", fontproperties=style.font(style.NAME_PT, bold=True),
                color=style.INK)
    y += style.line_height(style.NAME_PT) + 12
    for i, (number, kind, text) in enumerate(p.legend):
        step = p.legend_steps[i] if i < len(p.legend_steps) else 0
        if (upto is not None and step > upto) or (only is not None and step != only):
            y += _legend_row_h(text)  # its place kept: the steps line up
            continue
        if number:
            mark(canvas, x0 + MARK_R, y + MARK_R - 2, number, kind)
        else:
            ax.text(x0 + MARK_R, canvas.y(y + MARK_R - 2), "✗", ha="center", va="center", color=style.OKABE_ITO["vermillion"],
                    fontproperties=style.font(22, bold=True))
        t = ax.text(x0 + 2 * MARK_R + 12, canvas.y(y - 2), text, ha="left", va="top", color=style.INK, fontproperties=style.font(),
                    linespacing=1.25)
        t.set_gid(f"LEGEND:{number}")
        y += _legend_row_h(text)
    x0, y = p.key_x, p.key_y
    for key, kind, dashed in (p.key or KEY) if only is None else ():
        mid = canvas.y(y + style.line_height() / 2)
        style_ = (0, (4, 3)) if dashed else style.KIND_STYLE.get(kind, "solid")
        ax.add_patch(FancyArrowPatch((x0, mid), (x0 + 44, mid), arrowstyle="-|>", mutation_scale=14, linewidth=2.5,
                                     color=style.KIND_COLOUR[kind], linestyle=style_))
        ax.text(x0 + KEY_TEXT_X, mid, term(key, p.lang), ha="left", va="center", color=style.INK, fontproperties=style.font())
        y += style.line_height() * 1.3
