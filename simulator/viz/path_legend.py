"""A path picture's legend: the numbered frames in tcpdump's words, and the arrow styles.

:func:`lay_out_legend` decides where it goes (below the drawing in one column or
two, its lines wrapped to the picture's width, or beside the drawing: the first that
fits a slide, else the one shown largest) and :func:`draw_legend` draws it; :func:`mark` is
a frame's number in a circle of its kind's colour, as the path, the ladder and
the legend show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.patches import Circle, FancyArrowPatch

from simulator.trace.records import FrameDropped
from simulator.viz import style
from simulator.viz.draw import Z_MARK, Canvas
from simulator.viz.path_model import KEY, LEGEND_GAP, MARK_R, PathPlan, legend_text, step_at
from simulator.viz.words import term

LEGEND_MARGIN = 28.0
KEY_TEXT_X = 42.0  # the arrow sample (KEY_ARROW long), then its words
KEY_ARROW = 32.0
KEY_GAP = 24.0  # between two arrow styles on one line
MIN_FRAMES_W = 420.0  # narrower than this, the frames' lines take the whole width and the arrow styles go under them
BESIDE_W = 560.0  # the frames' lines beside a tall drawing are wrapped to this width
ROW_GAP = 5.0  # between two frames' lines (a number's circle is 2 * MARK_R high)


@dataclass(slots=True)
class _Way:
    """One way to lay the legend out: where each frame's line and each arrow style goes, and the picture's size."""

    frames: list[tuple[int, str, str]]
    at: list[tuple[float, float]]
    key_at: list[tuple[float, float]]
    head: tuple[float, float]
    width: float
    height: float

    def fits(self) -> bool:
        """Whether the picture fits a slide at its text size."""
        return self.width <= style.SLIDE_WIDTH_PT + 0.5 and self.height <= style.SLIDE_HEIGHT_PT + 0.5


def _frame_lines(p: PathPlan, lone: Sequence[FrameDropped]) -> list[tuple[int, str, str]]:
    """The legend's lines: each numbered frame in tcpdump's words (and where it was dropped), then lone drops."""
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
    return lines


def lay_out_legend(p: PathPlan, lone: Sequence[FrameDropped]) -> None:
    """The numbered frames and the arrow styles: below the drawing in one column or two, or beside a tall drawing.

    The first of these ways that fits a slide at its text size is taken, in that order (below, as a slide's
    legend goes); when none does, of those no wider than a slide, the one that shows the picture largest. Below, the frames' lines
    are wrapped to the picture's width (never wider than a slide allows) and the arrow styles stand beside
    them when there is room, else on lines of their own under them.
    """
    lines = _frame_lines(p, lone)
    key = p.key or KEY
    head_h = style.line_height(style.NAME_PT) + 10
    widest = max(style.text_width(t) for _n, _k, t in lines) + INDENT
    key_w = KEY_TEXT_X + max(style.text_width(term(k, p.lang)) for k, _kind, _dashed in key)
    ways = [_below(p, lines, key, head_h, widest, key_w, 1), _below(p, lines, key, head_h, widest, key_w, 2), _beside(p, lines, key, key_w)]
    narrow = [w for w in ways if w.width <= style.SLIDE_WIDTH_PT + 0.5] or ways  # (text never smaller than a slide's rule)
    way = next((w for w in narrow if w.fits()), None) or max(narrow, key=lambda w: _fit(w.width, w.height) - 1e-6 * narrow.index(w))
    p.legend, p.legend_at, p.key_at = way.frames, way.at, way.key_at
    p.legend_x, p.legend_y = way.head
    p.width, p.height = way.width, way.height


INDENT = 2 * MARK_R + 12  # a frame's words start right of its number


def _column(lines: list[tuple[int, str, str]], x: float, y: float, width: float) -> tuple[list[tuple[int, str, str]], list[tuple[float, float]], float]:
    """``lines`` wrapped to ``width``, one under another from (x, y): the lines, where each goes, the y under the last."""
    out, at = [], []
    for n, k, t in lines:
        text = style.wrap(t, width - INDENT)
        out.append((n, k, text))
        at.append((x, y))
        y += _legend_row_h(text)
    return out, at, y


def _flow(key: Sequence[tuple[str, str, bool]], lang: str, x: float, y: float, width: float) -> tuple[list[tuple[float, float]], float]:
    """The arrow styles left to right from (x, y), on as many lines of ``width`` as they need: where each goes, the y under them."""
    at, cx, line_h = [], x, style.line_height() * 1.3
    for k, _kind, _dashed in key:
        w = KEY_TEXT_X + style.text_width(term(k, lang))
        if cx > x and cx + w > x + width:
            cx, y = x, y + line_h
        at.append((cx, y))
        cx += w + KEY_GAP
    return at, y + line_h


def _below(p: PathPlan, lines: list[tuple[int, str, str]], key: Sequence[tuple[str, str, bool]], head_h: float, widest: float, key_w: float,
           columns: int) -> _Way:
    """The frames under the drawing in ``columns`` columns (the first half left), the arrow styles on the heading's
    line when they fit there, else beside the frames when one column leaves room for them, else under them."""
    key_line = sum(KEY_TEXT_X + style.text_width(term(k, p.lang)) + KEY_GAP for k, _kind, _dashed in key) - KEY_GAP
    # as wide as the frames need, or as the arrow styles on one line (never wider than a slide)
    width = max(p.scene.width, min(style.SLIDE_WIDTH_PT, max(columns * widest + (columns - 1) * LEGEND_GAP, key_line) + 2 * LEGEND_MARGIN))
    inner = width - 2 * LEGEND_MARGIN
    top = p.scene.height + head_h
    heading_w = style.text_width(term("legend", p.lang), style.NAME_PT, bold=True) + LEGEND_GAP
    one_line = heading_w + key_line <= inner
    side = not one_line and columns == 1 and inner - LEGEND_GAP - key_w >= MIN_FRAMES_W
    col_w = (inner - LEGEND_GAP - key_w) if side else (inner - (columns - 1) * LEGEND_GAP) / columns
    parts, widths = ([lines], [col_w]) if columns == 1 else _two_columns(lines, col_w, top)
    frames: list[tuple[int, str, str]] = []
    at: list[tuple[float, float]] = []
    bottom = top
    x = LEGEND_MARGIN
    for part, w in zip(parts, widths, strict=True):
        out, where, y = _column(part, x, top, w)
        x += w + LEGEND_GAP
        frames += out
        at += where
        bottom = max(bottom, y)
    if one_line:  # the arrow styles on the heading's line, right of it
        key_at, _y = _flow(key, p.lang, LEGEND_MARGIN + heading_w, p.scene.height + 1, inner - heading_w)
    elif side:
        x = LEGEND_MARGIN + min(col_w, max(style.text_width(t) + INDENT for _n, _k, t in frames)) + LEGEND_GAP
        key_at = [(x, top + i * style.line_height() * 1.3) for i in range(len(key))]
        bottom = max(bottom, top + len(key) * style.line_height() * 1.3)
    else:
        key_at, bottom = _flow(key, p.lang, LEGEND_MARGIN, bottom + 6, inner)
    return _Way(frames, at, key_at, (LEGEND_MARGIN, p.scene.height), width, bottom + LEGEND_MARGIN / 2)


def _two_columns(lines: list[tuple[int, str, str]], col_w: float, top: float) -> tuple[list[list[tuple[int, str, str]]], list[float]]:
    """The frames cut in two columns, the first frames left, where the taller column is shortest (the cut nearest
    the middle of those); the left column as wide as its lines need when the right one's need more room."""
    best: tuple[float, float, list[list[tuple[int, str, str]]], list[float]] | None = None
    for k in range(1, len(lines)) if len(lines) > 1 else [1]:
        parts = [lines[:k], lines[k:]]
        need = [max((style.text_width(t) + INDENT for _n, _k, t in part), default=0.0) for part in parts]
        left = min(need[0], max(col_w, 2 * col_w - need[1]))
        widths = [left, 2 * col_w - left]
        tallest = max(_column(part, 0.0, top, w)[2] for part, w in zip(parts, widths, strict=True))
        rank = (tallest, abs(k - len(lines) / 2), parts, widths)
        if best is None or rank[:2] < best[:2]:
            best = rank
    assert best is not None
    return best[2], best[3]


def _beside(p: PathPlan, lines: list[tuple[int, str, str]], key: Sequence[tuple[str, str, bool]], key_w: float) -> _Way:
    """The frames, then the arrow styles, right of the drawing."""
    x = p.scene.width + LEGEND_GAP / 2
    top = LEGEND_MARGIN + style.line_height(style.TITLE_PT) + 20
    head_h = style.line_height(style.NAME_PT) + 10
    frames, at, y = _column(lines, x, top + head_h, BESIDE_W)
    key_at = [(x, y + 18 + i * style.line_height() * 1.3) for i in range(len(key))]
    width = x + max([BESIDE_W, key_w]) + LEGEND_MARGIN
    width = min(width, x + max(max(style.text_width(t) + INDENT for _n, _k, t in frames), key_w) + LEGEND_MARGIN)
    return _Way(frames, at, key_at, (x, top), width, max(p.scene.height, y + 18 + len(key) * style.line_height() * 1.3 + LEGEND_MARGIN))


def _fit(width: float, height: float) -> float:
    """How much a picture of ``width`` x ``height`` points is scaled to fit a 16:9 slide (larger reads better; 1 when it fits)."""
    return min(1.0, style.SLIDE_WIDTH_PT / width, style.SLIDE_HEIGHT_PT / height)


def _legend_row_h(text: str) -> float:
    return max(style.line_height() * 1.15 * (text.count("\n") + 1), 2 * MARK_R) + ROW_GAP


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
    if only is None:
        ax.text(p.legend_x, canvas.y(p.legend_y), term("legend", p.lang), ha="left", va="top", fontproperties=style.font(style.NAME_PT, bold=True),
                color=style.INK)
    for i, ((number, kind, text), (x0, y)) in enumerate(zip(p.legend, p.legend_at, strict=True)):
        step = p.legend_steps[i] if i < len(p.legend_steps) else 0
        if (upto is not None and step > upto) or (only is not None and step != only):
            continue  # its place kept: the steps line up
        if number:
            mark(canvas, x0 + MARK_R, y + MARK_R - 2, number, kind)
        else:
            ax.text(x0 + MARK_R, canvas.y(y + MARK_R - 2), "✗", ha="center", va="center", color=style.OKABE_ITO["vermillion"],
                    fontproperties=style.font(22, bold=True))
        t = ax.text(x0 + INDENT, canvas.y(y - 2), text, ha="left", va="top", color=style.INK, fontproperties=style.font(), linespacing=1.15)
        t.set_gid(f"LEGEND:{number}")
    for (key, kind, dashed), (x0, y) in zip((p.key or KEY) if only is None else (), p.key_at, strict=False):
        mid = canvas.y(y + style.line_height() / 2)
        style_ = (0, (4, 3)) if dashed else style.KIND_STYLE.get(kind, "solid")
        ax.add_patch(FancyArrowPatch((x0, mid), (x0 + KEY_ARROW, mid), arrowstyle="-|>", mutation_scale=14, linewidth=2.5,
                                     color=style.KIND_COLOUR[kind], linestyle=style_))
        ax.text(x0 + KEY_TEXT_X, mid, term(key, p.lang), ha="left", va="center", color=style.INK, fontproperties=style.font())
