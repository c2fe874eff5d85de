"""One command's packets, drawn hop by hop on the network they crossed.

The picture a teacher draws on the board after ``ping``: the topology in grey,
the devices the frames touched in ink, and one numbered arrow per frame
(:class:`~simulator.viz.hops.Journey`) along every device it crossed, in the
order they happened: the ARP exchange first, then the echo request, then the
reply. Where an IP stack routed the packet on, a dashed arrow crosses the
namespace with what it changed (``TTL 64→63``, ``SNAT 172.17.0.2→192.168.1.10``
from the ``NatTranslated`` record); where a frame was dropped, a cross names the
reason. A legend below the drawing (beside a tall one) lists the numbers with tcpdump's words.

Repeats are folded: the second echo request of ``ping -c 2`` takes the same
devices as the first, so it shares its number ("×2"). Arrows travel on the right
of their line, like traffic, so a request and its reply never cover each other.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from simulator.trace.records import FrameDropped, FrameReceived, FrameSent, NatTranslated
from simulator.viz import style
from simulator.viz.draw import Z_ARROW, Z_BAR, Z_MARK, Z_NOTE, Canvas, draw_scene
from simulator.viz.hops import (
    FLAGS,
    Hops,
    Journey,
    Transition,
    addresses_in,
    follow,
    incidental,
    number_frames,
    select,
    shorten,
)
from simulator.viz.layout import Scene, Shape
from simulator.viz.network import OVERLAY_NS, SWITCH, Network, network_at
from simulator.viz.topology import _short, topology_scene
from simulator.viz.words import language, term

LANE = 12.0  # points between parallel arrows
MARK_R = 12.0  # radius of a number marker
LEGEND_GAP = 36.0


@dataclass(slots=True)
class Group:
    """Journeys that took the same devices as the same kind of frame (one number)."""

    number: int
    kind: str
    journeys: list[Journey]
    label: str
    lane: int = 0

    @property
    def first(self) -> Journey:
        return self.journeys[0]


@dataclass(slots=True)
class Arrow:
    """A drawn move: ``group`` 0 for a routing transition."""

    group: int
    kind: str
    src: str
    dst: str
    start: tuple[float, float]
    end: tuple[float, float]
    dashed: bool = False
    step: int = 0  # the frame number from which on it is drawn (its group's, or the frame a routing produced)


@dataclass(slots=True)
class Note:
    """A short text on the picture (what a router changed, why a frame was dropped)."""

    x: float
    y: float
    text: str
    colour: str
    ha: str = "left"
    va: str = "center"
    where: str = ""
    step: int = 0  # the frame number from which on it is drawn


@dataclass(slots=True)
class PathPlan:
    """Everything :func:`path` draws, computed before drawing (the player reuses it)."""

    scene: Scene
    hops: Hops
    groups: list[Group]
    arrows: list[Arrow]
    notes: list[Note]
    crosses: list[str]
    emphasis: set[str]
    legend: list[tuple[int, str, str]] = field(default_factory=list)  # number, kind, text
    cross_steps: dict[str, int] = field(default_factory=dict)  # a drop's device -> the step it is drawn from
    legend_steps: list[int] = field(default_factory=list)  # the step each legend line is drawn from
    markers: list[tuple[float, float, int, str]] = field(default_factory=list)  # x, y, number, kind
    legend_x: float = 0.0  # where the frames' legend starts (below the drawing)
    legend_y: float = 0.0
    key_x: float = 0.0  # where the arrow styles start (beside the frames' legend, or under it)
    key_y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    lang: str = "en"
    key: tuple[tuple[str, str, bool], ...] = ()  # the arrow styles explained under the legend (default: KEY)


def drawn_moves(j: Journey) -> list[tuple[str, str]]:
    """The journey's segments as arrows: through the LAN switch, port to port in one stroke.

    The switch's ports sit on the edges of its bar, so ``port2 -> lan -> port1`` is
    drawn as ``port2 -> port1`` straight across it; a Docker bridge stays a stop of
    its own (the frame visibly goes down into ``docker0`` and up to the other veth).
    """
    moves: list[tuple[str, str]] = []
    into: dict[str, str] = {}
    for s in j.segments:
        if s.dst == SWITCH:
            into[SWITCH] = s.src
            continue
        if s.src == SWITCH and SWITCH in into:
            moves.append((into[SWITCH], s.dst))
            continue
        moves.append((s.src, s.dst))
    return moves


def group_journeys(journeys: Sequence[Journey]) -> list[Group]:
    """One :class:`Group` per numbered frame (:func:`~simulator.viz.hops.number_frames`)."""
    return [Group(n, js[0].kind, js, shorten(js[0].frame)) for n, js in enumerate(number_frames(journeys), start=1)]


def _seqs(group: Group) -> str:
    seqs = [m.group(1) for j in group.journeys for m in [re.search(r"seq (\d+)", shorten(j.frame))] if m]
    return ", ".join(seqs)


def legend_text(group: Group, lang: str) -> str:
    text = group.label
    if len(group.journeys) > 1:
        seqs = _seqs(group)
        text = re.sub(r"seq \d+", f"seq {seqs}", text) if seqs else text
        flags = list(dict.fromkeys(m.group(1) for j in group.journeys for m in [FLAGS.search(shorten(j.frame))] if m))
        if len(flags) > 1:
            text = FLAGS.sub("Flags " + ", ".join(f"[{f}]" for f in flags), text, count=1)
        text += "  " + term("times", lang, n=len(group.journeys))
    return text


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


def _ends(scene: Scene, a: str, b: str) -> tuple[tuple[float, float], tuple[float, float]] | None:
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


def _offset(p: tuple[float, float], q: tuple[float, float], d: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Shift segment p->q by ``d`` points to the right of travel (y grows downwards)."""
    length = math.dist(p, q) or 1.0
    ux, uy = (q[0] - p[0]) / length, (q[1] - p[1]) / length
    nx, ny = -uy, ux
    return (p[0] + nx * d, p[1] + ny * d), (q[0] + nx * d, q[1] + ny * d)


# --- planning -----------------------------------------------------------------------------------


def plan(trace: Sequence[Any], lang: str = "en", flow: int | None = None, title: str | None = None) -> PathPlan:
    """Follow the frames of ``trace`` and lay them out on its topology (nothing drawn yet)."""
    first = next((r.time for r in trace if isinstance(r, FrameSent | FrameReceived)), None)
    network: Network = network_at(trace, first)
    hops = follow(trace, network)
    journeys, transitions, lone = select(hops, flow, trace)
    groups = group_journeys(journeys)

    keep: set[str] = set()
    heard_only = incidental(hops)  # devices that only heard a flood: collapsible with the crowd
    for j in journeys:
        keep.update(d for d in j.devices if d not in heard_only)
    for t in transitions:
        keep.update((t.src, t.dst))
    for d in lone:
        keep.add(f"{d.node}/{d.dev}")
    if title is None:
        title = term("path-title", lang, command=_short(hops.command)) if hops.command else term("path-title-plain", lang)
    inside = {n.node for n in network.namespaces if n.kind in ("docker-host", "container", OVERLAY_NS)}
    hosts_only = all(k.split("/", 1)[0] in inside for k in keep)
    involved = {k.split("/", 1)[0] for k in keep} & {n.node for n in network.namespaces if n.kind == "container"}
    scene = topology_scene(trace, first, title=title, subtitle="", lang=lang, keep=keep, roomy=True,
                           notes=any(t.changes for t in transitions), hosts_only=hosts_only,
                           max_containers=max(len(involved) + 2, 3))

    emphasis = set(keep)
    for node in list(keep):
        emphasis.add(node.split("/", 1)[0])
        if node.startswith(SWITCH + "/"):
            emphasis.add(SWITCH)
    # the devices that own an address the frames carried (the internet's 8.8.8.8 on lo)
    ips = {str(a) for j in journeys for a in addresses_in(j.frame) if not a.is_loopback}  # (every namespace has 127.0.0.1)
    for ns in network.namespaces:
        for device in ns.devices:
            if any(a.split("/")[0] in ips for a in device.addrs):
                emphasis.add(f"{ns.node}/{device.name}")

    # each group's moves as drawn: frames flooded to collapsed containers go to their "+N more" box
    moves: dict[int, list[tuple[str, str]]] = {}
    for g in groups:
        mine: list[tuple[str, str]] = []
        for src, dst in drawn_moves(g.first):
            src, dst = scene.collapsed.get(src, src), scene.collapsed.get(dst, dst)
            if src != dst and (src, dst) not in mine:
                mine.append((src, dst))
        moves[g.number] = mine

    # lanes: a group takes the lowest lane free on every move it makes
    used: dict[tuple[str, str], set[int]] = {}
    for g in groups:
        lane = 0
        while any(lane in used.get(k, set()) for k in moves[g.number]):
            lane += 1
        g.lane = lane
        for k in moves[g.number]:
            used.setdefault(k, set()).add(lane)

    arrows: list[Arrow] = []
    for g in groups:
        for src, dst in moves[g.number]:
            ends = _ends(scene, src, dst)
            if ends is None:
                continue
            p, q = _offset(*ends, LANE * (g.lane + 0.8))
            arrows.append(Arrow(g.number, g.kind, src, dst, p, q))

    notes: list[Note] = []
    t_used: dict[tuple[str, str], int] = {}
    t_seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for t in transitions:
        ends = _ends(scene, t.src, t.dst)
        if ends is None or (t.src, t.dst, tuple(t.changes)) in t_seen:
            continue  # every packet of a conversation is routed alike: one arrow, one note
        t_seen.add((t.src, t.dst, tuple(t.changes)))
        key = (t.src, t.dst)
        lane = t_used.get(key, 0)
        t_used[key] = lane + 1
        p, q = _offset(*ends, LANE * (lane + 0.8))
        kind = next((j.kind for j in journeys if j.flow == t.flow and j.t0 >= t.t), "request")
        step = routed_into(groups, t)
        arrows.append(Arrow(0, kind, t.src, t.dst, p, q, dashed=True, step=step))
        if t.changes:
            text = "\n".join(c.replace("(reply)", term("nat-reply", lang)) for c in t.changes)
            note = _note_beside(p, q, text, style.OKABE_ITO["purple"], t.node)
            note.step = step
            notes.append(note)

    crosses: list[str] = []  # devices where something was dropped: ringed in red
    cross_steps: dict[str, int] = {}
    drops = [(d, g.number) for g in groups for d in g.first.drops] + [(d, _step_at(groups, d.time)) for d in lone]
    for d, step in drops:
        where = f"{d.node}/{d.dev}"
        if where in scene.shapes:
            s = scene.shapes[where]
            crosses.append(where)
            cross_steps[where] = min(step, cross_steps.get(where, step))
            notes.append(Note(s.x + s.w + 10, s.cy, f"✗ {d.reason.value}", style.OKABE_ITO["vermillion"], where=where, step=step))

    notes.extend(_loopback_notes(trace, groups, scene, lang))
    for a in arrows:
        emphasis.update((a.src, a.dst))
    _clear_edge_labels(scene, arrows)
    wrapped = any(c.startswith("VXLAN") for t in transitions for c in t.changes)
    styles = tuple((("key-routed-wrap", kind, dashed) if k == "key-routed" else (k, kind, dashed)) for k, kind, dashed in KEY) if wrapped else KEY
    result = PathPlan(scene, hops, groups, arrows, notes, crosses, emphasis, lang=lang, key=styles, cross_steps=cross_steps)
    _place(result)
    _legend(result, lone)
    return result


def _step_at(groups: Sequence[Group], t: float) -> int:
    """The step showing what happened at time ``t``: the last frame sent by then (at least the first)."""
    return max([1, *(g.number for g in groups if g.first.t0 <= t)]) if groups else 0


def routed_into(groups: Sequence[Group], t: Transition) -> int:
    """The number of the frame a routing (or a VXLAN wrap) sent on: its dashed arrow belongs to that step."""
    for g in groups:
        if any(j.start == t.dst and abs(j.t0 - t.t) < 1e-9 for j in g.journeys):
            return g.number
    return next((g.number for g in groups if g.first.t0 >= t.t), groups[-1].number if groups else 0)


RESOLVER = "127.0.0.11"
"""The address of Docker's embedded DNS server in every container on a user-defined network (libnetwork)."""


def _loopback_notes(trace: Sequence[Any], groups: Sequence[Group], scene: Scene, lang: str) -> list[Note]:
    """What netfilter did to frames that never left a namespace's ``lo`` (a DNS query to 127.0.0.11).

    Docker's embedded DNS server answers at 127.0.0.11:53 in name only: a DNAT rule in
    the container's own namespace sends the query to the port the server really listens
    on. The note names the rewrite, as the trace recorded it, beside the ``lo`` line.
    """
    local = {g.first.start for g in groups if g.first.devices and all(d.endswith("/lo") for d in g.first.devices)}
    notes: list[Note] = []
    seen: set[tuple[str, str, str]] = set()
    for r in trace:
        if not isinstance(r, NatTranslated) or r.reply or f"{r.node}/lo" not in local:
            continue
        before, after = r.before.split(" > ")[-1], r.after.split(" > ")[-1]
        if before == after or (r.node, before, after) in seen:
            continue  # a source rewrite, or one already noted
        seen.add((r.node, before, after))
        text = term("dnat", lang, a=before, b=after)
        if before.split(":")[0] == RESOLVER:
            text += "\n" + term("resolver", lang)
        box = scene.shapes.get(r.node)
        if box is None:
            continue
        # above the box's right corner, clear of the numbers that go down its side, and inside the picture
        text_w = max(style.text_width(line) for line in text.split("\n")) + 6 + 12
        x = max(min(box.x + box.w - 24, scene.width - text_w), box.x)
        step = next((g.number for g in groups if g.first.start == f"{r.node}/lo" and g.first.t0 >= r.time - 1e-9), 0)
        notes.append(Note(x, box.y - 6, text, style.OKABE_ITO["purple"], "left", "bottom", f"{r.node}/lo", step=step))
    return notes


def _clear_edge_labels(scene: Scene, arrows: Sequence[Arrow]) -> None:
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


def _place(p: PathPlan) -> None:
    """Move notes off the labels, devices and arrows they would cover; stagger the numbers."""
    obstacles = _obstacles(p.scene)
    points = _arrow_points(p.arrows)
    width, height = p.scene.width, p.scene.height

    def free(r: Rect, check_points: bool = True) -> bool:
        if r[0] < 4 or r[1] < 4 or r[2] > width - 4 or r[3] > height - 4:
            return False
        if any(_overlaps(r, o) for o in obstacles):
            return False
        return not (check_points and any(r[0] - 3 <= x <= r[2] + 3 and r[1] - 3 <= y <= r[3] + 3 for x, y in points))

    # numbers: on their group's first arrows, where no other number is
    p.markers = []
    for g in p.groups:
        mine = [a for a in p.arrows if a.group == g.number]
        spot = None
        for a in mine[:3]:
            for f in (0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6):
                x = a.start[0] + (a.end[0] - a.start[0]) * f
                y = a.start[1] + (a.end[1] - a.start[1]) * f
                if all(math.dist((x, y), m[:2]) > 2 * MARK_R + 3 for m in p.markers):
                    spot = (x, y)
                    break
            if spot:
                break
        if spot is None and mine:
            a = mine[0]
            spot = ((a.start[0] + a.end[0]) / 2, (a.start[1] + a.end[1]) / 2)
        if spot is None:  # a frame that never left its device (loopback): beside the device
            spot = _beside(p.scene, g.first.start, p.markers)
        if spot is not None:
            p.markers.append((spot[0], spot[1], g.number, g.kind))
    for x, y, _n, _k in p.markers:
        obstacles.append((x - MARK_R, y - MARK_R, x + MARK_R, y + MARK_R))

    # notes: the preferred spot, else the nearest free one around it
    for note in p.notes:
        lines = note.text.split("\n")
        w = max(style.text_width(ln, bold=True) for ln in lines) + 12
        h = style.line_height() * len(lines) + 8
        best = None
        for d in (0, 14, 28, 48, 72, 100, 140, 180):
            for dx, dy in ((0, 0), (d, 0), (-d, 0), (0, d), (0, -d), (d, d), (-d, d), (d, -d), (-d, -d)):
                if d == 0 and (dx, dy) != (0, 0):
                    continue
                r = _label_rect(note.x + dx, note.y + dy, w, h, note.ha, note.va)
                if free(r):
                    best = (dx, dy, r)
                    break
            if best:
                break
        if best is None:
            r = _label_rect(note.x, note.y, w, h, note.ha, note.va)
            best = (0, 0, r)
        note.x += best[0]
        note.y += best[1]
        obstacles.append(best[2])



def _note_beside(p: tuple[float, float], q: tuple[float, float], text: str, colour: str, where: str) -> Note:
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


def _legend(p: PathPlan, lone: Sequence[FrameDropped]) -> None:
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
        p.legend_steps.append(_step_at(p.groups, d.time))
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


LEGEND_MARGIN = 28.0
KEY_TEXT_X = 56.0  # the arrow sample, then its words
MIN_FRAMES_W = 420.0  # narrower than this, the frames' lines take the whole width and the arrow styles go under them
BESIDE_W = 560.0  # the frames' lines beside a tall drawing are wrapped to this width
BESIDE_GAIN = 1.15  # the legend goes beside the drawing only when that makes the picture this much larger on a slide


KEY = (("key-arp", "arp", False), ("key-request", "request", False), ("key-reply", "reply", False), ("key-routed", "request", True))
"""The arrow styles, explained under the legend (colour and dash, for grey print too)."""


# --- drawing ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Highlight:
    """What the player points at: the frame numbered ``step`` (its arrows thick, its number ringed) and the device it left."""

    step: int | None = None
    device: str | None = None


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
    caption_lines: list[tuple[str, Any]] = []
    if caption:
        heading, summary, *sentences = caption
        caption_lines.append((heading, style.font(style.NAME_PT, bold=True)))
        caption_lines.extend((line, style.font(mono=True)) for line in textwrap.wrap(summary, 100))
        for sentence in sentences:
            caption_lines.extend((line, style.font(style.NAME_PT)) for line in textwrap.wrap(sentence, 95))
    extra_h = sum(style.line_height(f.get_size()) for _t, f in caption_lines) + (40 if caption_lines else 0)
    wide = Scene(p.width, p.height + extra_h, scene.shapes, scene.extra_shapes, scene.labels, scene.edges, scene.owner)
    if only is None:
        canvas = draw_scene(wide, emphasis=p.emphasis)
    else:
        canvas = Canvas(wide.width, wide.height)
        canvas.fig.patch.set_visible(False)
    ax = canvas.ax
    hl = highlight or Highlight()

    if hl.device and hl.device in scene.shapes:
        s = scene.shapes[hl.device]
        if only is None:
            glow = FancyBboxPatch((s.x - 6, canvas.y(s.y + s.h + 6)), s.w + 12, s.h + 12, boxstyle="round,pad=0,rounding_size=10",
                                  facecolor=style.OKABE_ITO["yellow"], edgecolor=style.INK, linewidth=2.5, alpha=0.9, zorder=Z_BAR - 0.5)
        else:  # laid over a drawn device: a ring, so its name stays readable
            glow = FancyBboxPatch((s.x - 7, canvas.y(s.y + s.h + 7)), s.w + 14, s.h + 14, boxstyle="round,pad=0,rounding_size=10",
                                  fill=False, edgecolor=style.OKABE_ITO["yellow"], linewidth=6, zorder=Z_BAR - 0.5)
        glow.set_gid(f"CURRENT:{hl.device}")
        ax.add_patch(glow)

    def shown(step: int) -> bool:
        if only is not None:
            return step == only
        return upto is None or step <= upto

    for a in p.arrows:
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
        ax.add_patch(arrow)

    for x, y, number, kind in p.markers:
        if not shown(number):
            continue
        if number == hl.step:  # the current frame's number, ringed
            halo = Circle((x, canvas.y(y)), MARK_R + 6, facecolor="none", edgecolor=style.INK, linewidth=3, zorder=Z_MARK)
            halo.set_gid(f"CURRENT-MARK:{number}")
            ax.add_patch(halo)
        mark(canvas, x, y, number, kind)

    for where in p.crosses:
        if not shown(p.cross_steps.get(where, 0)):
            continue
        s = scene.shapes[where]
        ring = FancyBboxPatch((s.x - 5, canvas.y(s.y + s.h + 5)), s.w + 10, s.h + 10, boxstyle="round,pad=0,rounding_size=10",
                              fill=False, linewidth=4, edgecolor=style.OKABE_ITO["vermillion"], zorder=Z_MARK)
        ring.set_gid(f"DROP:{where}")
        ax.add_patch(ring)
    for n in p.notes:
        if not shown(n.step):
            continue
        t = ax.text(n.x + {"left": 6, "center": 0, "right": -6}[n.ha], canvas.y(n.y + {"top": 4, "center": 0, "bottom": -4}[n.va]), n.text,
                    ha=n.ha, va=n.va, color=n.colour, fontproperties=style.font(bold=True), zorder=Z_NOTE, linespacing=1.3,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": n.colour, "linewidth": 1.5})
        t.set_gid(f"NOTE:{n.where}")

    y = p.height + 14
    for text, font in caption_lines:
        ax.text(28, canvas.y(y), text, ha="left", va="top", color=style.INK, fontproperties=font, zorder=Z_NOTE).set_gid("CAPTION")
        y += style.line_height(font.get_size())
    _draw_legend(canvas, p, upto, only)
    return canvas


def mark(canvas: Canvas, x: float, y: float, number: int, kind: str, radius: float = MARK_R) -> None:
    """A frame's number in a circle of its kind's colour, centred on (x, y) in layout points."""
    colour = style.KIND_COLOUR.get(kind, style.KIND_COLOUR["other"])
    circle = Circle((x, canvas.y(y)), radius, facecolor=colour, edgecolor="white", linewidth=2, zorder=Z_MARK)
    circle.set_gid(f"MARK:{number}")
    canvas.ax.add_patch(circle)
    canvas.ax.text(x, canvas.y(y), str(number), ha="center", va="center_baseline", color="white" if kind != "arp" else style.INK,
                   fontproperties=style.font(style.LABEL_PT, bold=True), zorder=Z_MARK + 0.1).set_gid(f"NUMBER:{number}")


def _draw_legend(canvas: Canvas, p: PathPlan, upto: int | None = None, only: int | None = None) -> None:
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
