"""One command's packets, drawn hop by hop on the network they crossed.

The picture a teacher draws on the board after ``ping``: the topology in grey,
the devices the frames touched in ink, and one numbered arrow per frame
(:class:`~simulator.viz.hops.Journey`) along every device it crossed, in the
order they happened: the ARP exchange first, then the echo request, then the
reply. Where an IP stack routed the packet on, a dashed arrow crosses the
namespace with what it changed (``TTL 64→63``, ``SNAT 172.17.0.2→192.168.1.10``
from the ``NatTranslated`` record); where a frame was dropped, a cross names the
reason. A legend below the drawing, in one column or two (beside it only when nothing
else fits a slide), lists the numbers with tcpdump's words.

Repeats are folded: the second echo request of ``ping -c 2`` takes the same
devices as the first, so it shares its number ("×2"). Arrows travel on the right
of their line, like traffic, so a request and its reply never cover each other.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from simulator.viz import style
from simulator.viz.draw import Z_ARROW, Z_BAR, Z_MARK, Z_NOTE, Canvas, draw_scene
from simulator.viz.layout import Scene
from simulator.viz.path_legend import draw_legend, mark
from simulator.viz.path_model import (
    KEY,
    LANE,
    MARK_R,
    Arrow,
    Group,
    Highlight,
    Note,
    PathPlan,
    drawn_moves,
    group_journeys,
    legend_text,
    routed_into,
)
from simulator.viz.path_plan import RESOLVER, plan
from simulator.viz.words import language

__all__ = [
    "KEY", "LANE", "MARK_R", "RESOLVER", "Arrow", "Group", "Highlight", "Note", "PathPlan", "draw", "drawn_moves", "group_journeys",
    "legend_text", "mark", "path", "plan", "routed_into",
]


def draw(p: PathPlan, highlight: Highlight | None = None, caption: Sequence[str] | None = None, upto: int | None = None,
         only: int | None = None) -> Canvas:
    """Draw a plan; ``highlight`` marks the player's current step, ``caption`` goes below.

    ``caption`` is (heading, tcpdump line, sentence, ...); the sentences are wrapped.
    ``upto``: draw only what happened up to that frame number (the player's step
    ``upto``): later arrows, numbers, notes, drops and legend lines are left out,
    on a canvas of the same size, so every step of a player lines up.
    ``only``: draw nothing but what frame number ``only`` adds (its arrows, number,
    notes, drops and legend line) on a transparent canvas of the same size: the
    player lays these over the picture of step 0 (``upto=0``) instead of drawing
    every step whole. There the device ``highlight`` names is ringed, not filled.
    """
    scene = p.scene
    caption_lines = _caption_lines(caption)
    extra_h = sum(style.line_height(f.get_size()) for _t, f in caption_lines) + (40 if caption_lines else 0)
    wide = Scene(p.width, p.height + extra_h, scene.shapes, scene.extra_shapes, scene.labels, scene.edges, scene.owner)
    if only is None:
        canvas = draw_scene(wide, emphasis=p.emphasis)
    else:
        canvas = Canvas(wide.width, wide.height)
        canvas.fig.patch.set_visible(False)
    hl = highlight or Highlight()
    _draw_glow(canvas, scene, hl, laid_over=only is not None)

    def shown(step: int) -> bool:
        if only is not None:
            return step == only
        return upto is None or step <= upto

    _draw_arrows(canvas, p.arrows, hl, shown)
    _draw_markers(canvas, p.markers, hl, shown)
    _draw_drops(canvas, p, shown)
    _draw_notes(canvas, p.notes, shown)
    y = p.height + 14
    for text, font in caption_lines:
        canvas.ax.text(28, canvas.y(y), text, ha="left", va="top", color=style.INK, fontproperties=font, zorder=Z_NOTE).set_gid("CAPTION")
        y += style.line_height(font.get_size())
    draw_legend(canvas, p, upto, only)
    return canvas


def _caption_lines(caption: Sequence[str] | None) -> list[tuple[str, Any]]:
    """The caption's lines and their fonts: the heading in bold, tcpdump's line in mono, the sentences wrapped."""
    lines: list[tuple[str, Any]] = []
    if caption:
        heading, summary, *sentences = caption
        lines.append((heading, style.font(style.NAME_PT, bold=True)))
        lines.extend((line, style.font(mono=True)) for line in textwrap.wrap(summary, 100))
        for sentence in sentences:
            lines.extend((line, style.font(style.NAME_PT)) for line in textwrap.wrap(sentence, 95))
    return lines


def _draw_glow(canvas: Canvas, scene: Scene, hl: Highlight, laid_over: bool) -> None:
    """Light the device the current frame left: filled yellow, or (laid over a drawn device) a ring, so its name stays readable."""
    if not hl.device or hl.device not in scene.shapes:
        return
    s = scene.shapes[hl.device]
    if not laid_over:
        glow = FancyBboxPatch((s.x - 6, canvas.y(s.y + s.h + 6)), s.w + 12, s.h + 12, boxstyle="round,pad=0,rounding_size=10",
                              facecolor=style.OKABE_ITO["yellow"], edgecolor=style.INK, linewidth=2.5, alpha=0.9, zorder=Z_BAR - 0.5)
    else:
        glow = FancyBboxPatch((s.x - 7, canvas.y(s.y + s.h + 7)), s.w + 14, s.h + 14, boxstyle="round,pad=0,rounding_size=10",
                              fill=False, edgecolor=style.OKABE_ITO["yellow"], linewidth=6, zorder=Z_BAR - 0.5)
    glow.set_gid(f"CURRENT:{hl.device}")
    canvas.ax.add_patch(glow)


def _draw_arrows(canvas: Canvas, arrows: Sequence[Arrow], hl: Highlight, shown: Callable[[int], bool]) -> None:
    """The frames' arrows (and the dashed routings), the current frame's thick."""
    for a in arrows:
        if not shown(a.step or a.group):
            continue
        colour = style.KIND_COLOUR.get(a.kind, style.KIND_COLOUR["other"])
        hot = hl.step is not None and (a.step or a.group) == hl.step
        arrow = FancyArrowPatch(
            canvas.pt(a.start), canvas.pt(a.end), arrowstyle="-|>", mutation_scale=18 if not hot else 28,
            linewidth=style.ARROW_PT if not hot else style.ARROW_PT * 2.2, color=colour, zorder=Z_ARROW + (0.5 if hot else 0),
            linestyle=(0, (4, 3)) if a.dashed else style.KIND_STYLE.get(a.kind, "solid"), shrinkA=1, shrinkB=1,
        )
        arrow.set_gid(f"ARROW:{a.group}:{a.src}>{a.dst}" + (":current" if hot else ""))
        canvas.ax.add_patch(arrow)


def _draw_markers(canvas: Canvas, markers: Sequence[tuple[float, float, int, str]], hl: Highlight, shown: Callable[[int], bool]) -> None:
    """The frames' numbers on their arrows, the current one ringed."""
    for x, y, number, kind in markers:
        if not shown(number):
            continue
        if number == hl.step:  # the current frame's number, ringed
            halo = Circle((x, canvas.y(y)), MARK_R + 6, facecolor="none", edgecolor=style.INK, linewidth=3, zorder=Z_MARK)
            halo.set_gid(f"CURRENT-MARK:{number}")
            canvas.ax.add_patch(halo)
        mark(canvas, x, y, number, kind)


def _draw_drops(canvas: Canvas, p: PathPlan, shown: Callable[[int], bool]) -> None:
    """A red ring round each device where something was dropped."""
    for where in p.crosses:
        if not shown(p.cross_steps.get(where, 0)):
            continue
        s = p.scene.shapes[where]
        ring = FancyBboxPatch((s.x - 5, canvas.y(s.y + s.h + 5)), s.w + 10, s.h + 10, boxstyle="round,pad=0,rounding_size=10",
                              fill=False, linewidth=4, edgecolor=style.OKABE_ITO["vermillion"], zorder=Z_MARK)
        ring.set_gid(f"DROP:{where}")
        canvas.ax.add_patch(ring)


def _draw_notes(canvas: Canvas, notes: Sequence[Note], shown: Callable[[int], bool]) -> None:
    """The notes (what a router changed, why a frame was dropped) in their framed boxes."""
    for n in notes:
        if not shown(n.step):
            continue
        t = canvas.ax.text(n.x + {"left": 6, "center": 0, "right": -6}[n.ha], canvas.y(n.y + {"top": 4, "center": 0, "bottom": -4}[n.va]),
                           n.text, ha=n.ha, va=n.va, color=n.colour, fontproperties=style.font(bold=True), zorder=Z_NOTE, linespacing=1.3,
                           bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": n.colour, "linewidth": 1.5})
        t.set_gid(f"NOTE:{n.where}")


def path(trace: Sequence[Any], lang: str | None = None, flow: int | None = None, title: str | None = None) -> Figure:
    """Draw one command's packets hop by hop on the network they crossed.

    Args:
        trace: one command's trace (``lab.sh(...).trace``); a longer trace works too.
        lang: ``"en"`` or ``"ko"`` (default: the lab's language).
        flow: draw only this packet (``frame.flow``) and the ARP exchanged for it.
        title: the figure's title (default: the command line).

    >>> from simulator import Lab, viz
    >>> lab = Lab(seed=1)
    >>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    >>> r = lab.sh("docker exec c1 ping -c 1 8.8.8.8")
    >>> fig = viz.path(r.trace)
    >>> any(t.get_text().startswith("TTL 64→63") for t in fig.axes[0].texts)
    True
    """
    with style.classroom():
        return draw(plan(trace, language(trace, lang), flow, title)).fig
