"""Where a path picture's arrows run and where its numbers and notes go, so that they cover nothing.

Geometry first: an arrow between two devices starts and ends on their outlines
(on a bar's edge, straight across it) and is shifted to the right of its travel by
its lane, so a request and its reply never cover each other. Then placement: each
frame's number goes on one of its first arrows where no other number is; each note
goes to its preferred spot, else the nearest free one around it (clear of labels,
devices, numbers and arrows); a link's label moves out past the lanes on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from simulator.viz import style
from simulator.viz.layout import Scene, Shape
from simulator.viz.path_model import MARK_R, Arrow, Note, PathPlan

# --- geometry -------------------------------------------------------------------------


def _boundary(s: Shape, toward: tuple[float, float]) -> tuple[float, float]:
    """The point of ``s``'s outline on the way from its centre (or bar edge) to ``toward``."""
    tx, ty = toward
    if s.kind == "bar":
        x = min(max(tx, s.x + 14), s.x + s.w - 14)
        if ty < s.y:
            return (x, s.y)
        if ty > s.y + s.h:
            return (x, s.y + s.h)
        return (s.x if tx < s.cx else s.x + s.w, s.cy)
    cx, cy = s.cx, s.cy
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return (cx, cy)
    sx = (s.w / 2) / abs(dx) if dx else math.inf
    sy = (s.h / 2) / abs(dy) if dy else math.inf
    k = min(sx, sy)
    return (cx + dx * k, cy + dy * k)


def _centre(s: Shape, toward: tuple[float, float]) -> tuple[float, float]:
    if s.kind == "bar":
        return _boundary(s, toward)
    return (s.cx, s.cy)


def ends(scene: Scene, a: str, b: str) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Where an arrow from device ``a`` to device ``b`` starts and ends (None when one is not drawn or they touch)."""
    if a not in scene.shapes or b not in scene.shapes:
        return None
    sa, sb = scene.shapes[a], scene.shapes[b]
    ca = _centre(sa, (sb.cx, sb.cy))
    cb = _centre(sb, ca)
    ca = _centre(sa, cb)
    pa = _boundary(sa, cb) if sa.kind != "bar" else ca
    pb = _boundary(sb, ca) if sb.kind != "bar" else cb
    if math.dist(pa, pb) < 8:
        return None
    return pa, pb


def offset(p: tuple[float, float], q: tuple[float, float], d: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Shift segment p->q by ``d`` points to the right of travel (y grows downwards)."""
    length = math.dist(p, q) or 1.0
    ux, uy = (q[0] - p[0]) / length, (q[1] - p[1]) / length
    nx, ny = -uy, ux
    return (p[0] + nx * d, p[1] + ny * d), (q[0] + nx * d, q[1] + ny * d)



def clear_edge_labels(scene: Scene, arrows: Sequence[Arrow]) -> None:
    """Move a link's label (``macvlan bridge``, ``VLAN 10``) out past the lanes its arrows travel in."""
    lines = {e.gid: e for e in scene.edges}
    for lab in scene.labels:
        edge = lines.get(lab.gid)
        if edge is None or lab.ha == "center" or len(edge.points) != 2:
            continue
        lanes = [a for a in arrows if {a.src, a.dst} == {edge.a, edge.b}]
        if not lanes:
            continue
        (x0, y0), (x1, y1) = edge.points
        length = math.dist((x0, y0), (x1, y1)) or 1.0
        reach = max(abs((a.start[0] - x0) * (y1 - y0) - (a.start[1] - y0) * (x1 - x0)) / length for a in lanes)  # the farthest lane
        slope = abs(x1 - x0) / max(abs(y1 - y0), 1.0)
        across = (reach + style.ARROW_PT + 8) / max(abs(y1 - y0) / length, 0.3) + style.line_height(lab.size) / 2 * slope
        y = lab.y + style.line_height(lab.size) / 2
        t = min(max((y - y0) / (y1 - y0), 0.0), 1.0) if y1 != y0 else 0.5
        line_x = x0 + (x1 - x0) * t
        if lab.ha == "left":
            lab.x = max(lab.x, line_x + across)
        else:
            lab.x = min(lab.x, line_x - across)


# --- placing numbers and notes where they cover nothing -----------------------------------

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 (y grows downwards)


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_rect(x: float, y: float, w: float, h: float, ha: str, va: str) -> Rect:
    x0 = {"left": x, "center": x - w / 2, "right": x - w}[ha]
    y0 = {"top": y, "center": y - h / 2, "bottom": y - h}[va]
    return (x0, y0, x0 + w, y0 + h)


def _obstacles(scene: Scene) -> list[Rect]:
    rects: list[Rect] = []
    for lab in scene.labels:
        w = style.text_width(lab.text, lab.size, bold=lab.bold, mono=lab.mono)
        rects.append(_label_rect(lab.x, lab.y, w, style.line_height(lab.size), lab.ha, lab.va))
    for sh in [*scene.shapes.values(), *scene.extra_shapes]:
        if sh.kind in ("pill", "bar"):
            rects.append((sh.x, sh.y, sh.x + sh.w, sh.y + sh.h))
    return rects


def _arrow_points(arrows: Sequence[Arrow]) -> list[tuple[float, float]]:
    pts = []
    for a in arrows:
        n = max(int(math.dist(a.start, a.end) / 6), 1)
        for i in range(n + 1):
            pts.append((a.start[0] + (a.end[0] - a.start[0]) * i / n, a.start[1] + (a.end[1] - a.start[1]) * i / n))
    return pts


def _beside(scene: Scene, device: str, taken: Sequence[tuple[float, float, int, str]] = ()) -> tuple[float, float] | None:
    """A spot for a number right of ``device`` (its pill, or its line of text), clear of ``taken``."""
    spot = None
    step = (2 * MARK_R + 4, 0.0)  # beside a pill: one after another, rightwards
    if device in scene.shapes:
        s = scene.shapes[device]
        spot = (s.x + s.w + MARK_R + 4, s.cy)
    else:
        box = scene.shapes.get(device.split("/", 1)[0])
        for lab in scene.labels:
            if lab.gid == device:
                y = lab.y + style.line_height(lab.size) / 2
                if box is not None and box.kind == "box":  # a line of the box's text (lo): just outside its edge, downwards
                    spot, step = (box.x + box.w + MARK_R + 2, y), (0.0, 2 * MARK_R + 3)
                else:
                    spot = (lab.x + style.text_width(lab.text, lab.size, bold=lab.bold, mono=lab.mono) + MARK_R + 6, y)
                break
    while spot is not None and any(math.dist(spot, m[:2]) < 2 * MARK_R + 2 for m in taken):
        spot = (spot[0] + step[0], spot[1] + step[1])
    return spot


def place(p: PathPlan) -> None:
    """Move notes off the labels, devices and arrows they would cover; stagger the numbers."""
    obstacles = _obstacles(p.scene)
    p.markers = _numbers(p)
    for x, y, _n, _k in p.markers:
        obstacles.append((x - MARK_R, y - MARK_R, x + MARK_R, y + MARK_R))
    _notes(p, obstacles, _arrow_points(p.arrows))


def _numbers(p: PathPlan) -> list[tuple[float, float, int, str]]:
    """Each frame's number: on its group's first arrows, where no other number is (x, y, number, kind)."""
    markers: list[tuple[float, float, int, str]] = []
    for g in p.groups:
        mine = [a for a in p.arrows if a.group == g.number]
        spot = _free_on(mine[:3], markers)
        if spot is None and mine:
            a = mine[0]
            spot = ((a.start[0] + a.end[0]) / 2, (a.start[1] + a.end[1]) / 2)
        if spot is None:  # a frame that never left its device (loopback): beside the device
            spot = _beside(p.scene, g.first.start, markers)
        if spot is not None:
            markers.append((spot[0], spot[1], g.number, g.kind))
    return markers


def _free_on(arrows: Sequence[Arrow], markers: Sequence[tuple[float, float, int, str]]) -> tuple[float, float] | None:
    """The first spot along ``arrows`` (middle first) that no number in ``markers`` covers."""
    for a in arrows:
        for f in (0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6):
            x = a.start[0] + (a.end[0] - a.start[0]) * f
            y = a.start[1] + (a.end[1] - a.start[1]) * f
            if all(math.dist((x, y), m[:2]) > 2 * MARK_R + 3 for m in markers):
                return (x, y)
    return None


def _notes(p: PathPlan, obstacles: list[Rect], points: Sequence[tuple[float, float]]) -> None:
    """Each note at its preferred spot, else the nearest free one around it; a placed note is an obstacle to the next."""
    height = p.scene.height

    def free_within(width: float) -> Callable[[Rect], bool]:
        def free(r: Rect) -> bool:
            if r[0] < 4 or r[1] < 4 or r[2] > width - 4 or r[3] > height - 4:
                return False
            if any(_overlaps(r, o) for o in obstacles):
                return False
            return not any(r[0] - 3 <= x <= r[2] + 3 and r[1] - 3 <= y <= r[3] + 3 for x, y in points)
        return free

    for note in p.notes:
        lines = note.text.split("\n")
        w = max(style.text_width(ln, bold=True) for ln in lines) + 12
        h = style.line_height() * len(lines) + 8
        best = _nearest_free(note, w, h, free_within(p.scene.width))
        if not free_within(p.scene.width)(best[2]):
            # Nowhere inside the picture: widen it (up to a slide's width) rather than cover a title or a label.
            wider = _nearest_free(note, w, h, free_within(style.SLIDE_WIDTH_PT), FAR)
            if free_within(style.SLIDE_WIDTH_PT)(wider[2]):
                best = wider
                p.scene.width = max(p.scene.width, wider[2][2] + 8)
        note.x += best[0]
        note.y += best[1]
        obstacles.append(best[2])


NEAR = (0, 14, 28, 48, 72, 100, 140, 180)
"""How far (pt) a note may move from its spot inside the picture; when the picture is widened, FAR."""
FAR = (*NEAR, 240, 320, 420, 540, 680)


def _nearest_free(note: Note, w: float, h: float, free: Callable[[Rect], bool], reach: Sequence[float] = NEAR) -> tuple[float, float, Rect]:
    """The shift (dx, dy) nearest to none that puts ``note``'s box where ``free`` allows, and the box; no shift when none does."""
    for d in reach:
        for dx, dy in ((0, 0), (d, 0), (-d, 0), (0, d), (0, -d), (d, d), (-d, d), (d, -d), (-d, -d)):
            if d == 0 and (dx, dy) != (0, 0):
                continue
            r = _label_rect(note.x + dx, note.y + dy, w, h, note.ha, note.va)
            if free(r):
                return (dx, dy, r)
    return (0, 0, _label_rect(note.x, note.y, w, h, note.ha, note.va))


def note_beside(p: tuple[float, float], q: tuple[float, float], text: str, colour: str, where: str) -> Note:
    """A note just off the middle of arrow p->q, on its right-hand side.

    Beside a slanting arrow the note hangs from its corner, so the whole box stays
    on that side of the line instead of straddling it.
    """
    mx, my = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
    length = math.dist(p, q) or 1.0
    nx, ny = -(q[1] - p[1]) / length, (q[0] - p[0]) / length
    x, y = mx + nx * 14, my + ny * 14
    if abs(nx) >= 0.85:
        return Note(x, y, text, colour, "left" if nx > 0 else "right", "center", where)
    if abs(ny) >= 0.85:
        return Note(x, y, text, colour, "center", "top" if ny > 0 else "bottom", where)
    return Note(x, y, text, colour, "left" if nx > 0 else "right", "top" if ny > 0 else "bottom", where)
