"""Drawing a laid-out :class:`~simulator.viz.layout.Scene` with matplotlib.

Drawing is kept apart from the data (the graph) and from the geometry (the
layout), as networkx keeps ``networkx.drawing`` apart from its graphs. Every
artist carries the ``gid`` of the graph node or edge it draws, so a test (or an
SVG reader) can tell which artist is which.

``emphasis`` draws some nodes in full ink and fades the rest, which is how a
packet path stands out on the network it crosses.
"""

from __future__ import annotations

from collections.abc import Collection

from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from simulator.viz import style
from simulator.viz.layout import Scene, Shape

Z_BOX, Z_EDGE, Z_BAR, Z_PILL, Z_TEXT = 1, 2, 3, 4, 5
Z_ARROW, Z_MARK, Z_NOTE = 6, 7, 8

EDGE_STYLE: dict[str, dict[str, object]] = {
    "veth": {"color": style.OKABE_ITO["blue"], "linewidth": style.LINE_PT},
    "bridge-port": {"color": style.OKABE_ITO["orange"], "linewidth": style.LINE_PT},
    "cable": {"color": style.INK, "linewidth": style.LINE_PT + 0.5},
    "switch-port": {"color": style.INK, "linewidth": style.LINE_PT},
    "wire": {"color": style.INK, "linewidth": style.LINE_PT + 0.5},
    "routing": {"color": style.MUTED, "linewidth": 2.0, "linestyle": (0, (3, 3))},
    "group": {"color": style.MUTED, "linewidth": style.LINE_PT, "linestyle": (0, (2, 2))},
    "group-link": {"color": style.MUTED, "linewidth": style.LINE_PT, "linestyle": (0, (2, 2))},
    "stacked": {"color": style.OKABE_ITO["sky"], "linewidth": style.LINE_PT + 0.5},
    "tunnel": {"color": style.OKABE_ITO["purple"], "linewidth": style.LINE_PT + 0.5, "linestyle": (0, (5, 3))},
}


class Canvas:
    """A figure in point units with ``y`` flipped so layouts can count downwards."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.fig: Figure = style.new_figure(width, height)
        self.ax: Axes = self.fig.axes[0]

    def y(self, y: float) -> float:
        """A layout y (growing downwards) as matplotlib's (growing upwards)."""
        return self.height - y

    def pt(self, p: tuple[float, float]) -> tuple[float, float]:
        """A layout point as matplotlib's (y flipped)."""
        return (p[0], self.height - p[1])


def _faded(colour: str, faded: bool) -> str:
    return style.FAINT if faded else colour


def draw_shape(canvas: Canvas, s: Shape, faded: bool = False) -> None:
    """One box, pill or bar of a scene; ``faded``: in grey, a part the frames did not touch."""
    radius = {"box": 10.0, "pill": 8.0, "bar": 6.0}[s.kind]
    fill = "#FAFAFA" if faded and s.kind != "pill" else s.fill
    patch = FancyBboxPatch(
        (s.x, canvas.y(s.y + s.h)), s.w, s.h,
        boxstyle=f"round,pad=0,rounding_size={radius}",
        facecolor=fill, edgecolor=_faded(s.edge, faded),
        linewidth={"box": 2.2, "pill": 2.0, "bar": 2.4}[s.kind],
        linestyle=(0, (4, 3)) if s.dashed else "solid",
        # a box inside another (an overlay's namespace in its host) is drawn over it
        zorder={"box": Z_BOX + (0.5 if s.owner else 0.0), "bar": Z_BAR, "pill": Z_PILL}[s.kind],
    )
    patch.set_gid(s.gid)
    canvas.ax.add_patch(patch)


def _crosses(points: list[tuple[float, float]], s: Shape) -> bool:
    """Whether a polyline passes through shape ``s`` (sampled every few points, ends excluded)."""
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        n = max(int(max(abs(x1 - x0), abs(y1 - y0)) / 3), 1)
        for i in range(1, n):
            x, y = x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n
            if s.x + 2 < x < s.x + s.w - 2 and s.y + 2 < y < s.y + s.h - 2:
                return True
    return False


def draw_scene(scene: Scene, emphasis: Collection[str] | None = None) -> Canvas:
    """Draw ``scene`` on a new figure of its own size; fade nodes not in ``emphasis``."""
    canvas = Canvas(scene.width, scene.height)
    ax = canvas.ax

    ends = {e.gid: (e.a, e.b) for e in scene.edges}

    def faded(gid: str) -> bool:
        if emphasis is None or gid == "title":
            return False
        if gid in ends:  # an edge's label: in ink when the path runs along the edge
            return not (ends[gid][0] in emphasis and ends[gid][1] in emphasis)
        return gid not in emphasis

    for s in [*scene.shapes.values(), *scene.extra_shapes]:
        draw_shape(canvas, s, faded(s.gid))
    for e in scene.edges:
        kw = dict(EDGE_STYLE.get(e.kind, EDGE_STYLE["cable"]))
        if emphasis is not None:  # under a packet path, links step back so the arrows stand out
            kw["color"] = "#8A8A8A" if (e.a in emphasis and e.b in emphasis) else style.FAINT
            kw["linewidth"] = 2.0
        xs = [p[0] for p in e.points]
        ys = [canvas.y(p[1]) for p in e.points]
        # a link crossing a bridge it is no port of (a veth into an overlay's namespace under docker_gwbridge),
        # or the tunnel crossing a cable, passes over it in a white casing: crossing, not joined
        over = any(_crosses(e.points, s) for s in scene.shapes.values() if s.kind == "bar" and s.gid not in (e.a, e.b))
        line = Line2D(xs, ys, zorder=Z_BAR + 0.2 if over else Z_EDGE, solid_capstyle="round", **kw)  # type: ignore[arg-type]
        if over or e.kind == "tunnel":
            width = float(kw.get("linewidth", style.LINE_PT))  # type: ignore[arg-type]
            line.set_path_effects([patheffects.Stroke(linewidth=width + 5, foreground=style.PAPER), patheffects.Normal()])
        line.set_gid(e.gid)
        ax.add_line(line)
    for lab in scene.labels:
        colour = lab.colour if not faded(lab.gid) else "#9A9A9A"
        t = ax.text(
            lab.x, canvas.y(lab.y), lab.text, ha=lab.ha, va=lab.va, color=colour,
            fontproperties=style.font(lab.size, bold=lab.bold, mono=lab.mono), zorder=Z_TEXT,
        )
        t.set_gid(lab.gid)
    return canvas
