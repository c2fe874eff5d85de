"""The ladder's rows: a compressed clock, and each frame's label beside its first arrow.

Time goes down: every moment a move starts or ends gets a row, a few points below
the one before (more for a longer wait, logarithmically; a wait over ``BREAK_S`` is
cut). A frame that crosses a device in no time (a macvlan child handing a frame to
its parent) still goes down a step, so that no arrow is flat and none is drawn over
another (:func:`moments`).

Each frame's label goes beside its arrows, at the height where it leaves its sender:
on the sender's side, else past the far end of its arrows, else above its first
arrow. A row only goes as far down as the labels need: a label must clear the labels
and arrows already drawn where it stands, and a frame's arrows must not start under a
label, so two frames whose labels and arrows stand apart share their height.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from simulator.viz import style
from simulator.viz.hops import Hops, number_frames, shorten
from simulator.viz.ladder_columns import AXIS_W, MARGIN, Columns, Move

Key = tuple[float, int]
"""A moment: the time, and a rank among the moves at that very time (0 first)."""

ROW_MIN = 5.0  # between two moments at the same time
ROW_LOG = 7.0  # and this more per decade of the gap over 5 us
BREAK_S = 0.05  # gaps longer than this are cut
BREAK_PAD = 6.0  # from a cut's line to the labels below
LABEL_H = style.line_height() + 3  # the height a label's box (18 pt) takes, with a little air
LABEL_GAP = 8.0  # between a label and the line it stands beside
NUMBER_R = 10.0  # the frame's number, in a circle as path draws it
NUMBER_W = 2 * NUMBER_R + 6
LOOP_W = 40.0  # how far right an arrow through ``lo`` bulges
HEAD_ROOM = 4.0  # half an arrowhead's width: how far an arrow reaches below its line
STEEP = 14.0  # the least an arrow through ``lo``, or one taking no time, goes down
TITLE_GAP = 10.0  # between the title and the headers
NOTE_H = style.line_height() + 8
TAIL = 12.0  # the lifelines run on this far past the last arrow
HEAD_H = MARGIN + style.line_height(style.TITLE_PT) + TITLE_GAP + 2 * style.line_height() + 20
"""The top of the first row, under the title and the headers."""


@dataclass(frozen=True, slots=True)
class Label:
    """A frame's label: where (``y`` the bottom of its text, ``ha`` which end ``x`` is), what, and its number."""

    x: float
    y: float
    text: str
    kind: str
    ha: str
    number: int
    journey: int = -1

    @property
    def extent(self) -> tuple[float, float]:
        """Its left and right edges, the number's circle included."""
        w = style.text_width(self.text) + NUMBER_W + 4
        return (self.x, self.x + w) if self.ha == "left" else (self.x - w, self.x + 4)


@dataclass(slots=True)
class Rows:
    """The ladder's rows: where each moment is drawn, the axis's ticks, the cut waits and the labels."""

    keys: list[tuple[Key, Key]]  # each move's start and end
    y_of: dict[Key, float]
    ticks: list[tuple[float, float]]  # y, time (s): a frame's start, where there is room to write its time
    breaks: list[tuple[float, float]]  # y, gap (s): where a long wait is cut
    labels: list[Label]
    bottom: float
    head_h: float = HEAD_H
    leftward: set[int] = field(default_factory=set)  # the moves through ``lo`` drawn on the left of their line


def dy(gap_s: float) -> float:
    """How far down the next moment goes after a gap of ``gap_s`` seconds (no more than ``BREAK_S``)."""
    return ROW_MIN + ROW_LOG * math.log10(1.0 + gap_s / 5e-6)


def moments(moves: Sequence[Move]) -> tuple[list[tuple[Key, Key]], dict[int, Key]]:
    """Each move's start and end moments, and each frame's first.

    A move that takes no time ends one rank after it starts; a frame starts after
    every arrow that ends at its time (the request it answers); two frames never
    start or end at one moment on one line (two queries sent at once are two arrows,
    one under the other); a routing between two interfaces happens at the moment the
    frame it sends on starts.
    """
    ended: dict[float, int] = {}  # the last rank an arrow ends at, at a time
    arrived: dict[tuple[int, str], Key] = {}
    keys: dict[int, tuple[Key, Key]] = {}
    starts: dict[int, Key] = {}
    first_t: dict[int, float] = {}
    for m in moves:
        if m.journey >= 0:
            first_t[m.journey] = min(first_t.get(m.journey, m.t0), m.t0)
    order = sorted((i for i, m in enumerate(moves) if m.journey >= 0),
                   key=lambda i: (first_t[moves[i].journey], moves[i].journey, moves[i].t0, moves[i].t1, i))
    used: dict[tuple[Key, str], int] = {}  # where an arrow starts or ends, at which moment: the frame it belongs to

    def free(t: float, rank: int, line: str, journey: int) -> Key:
        """The first moment at ``t`` from ``rank`` on where no other frame's arrow starts or ends on ``line``."""
        while used.get(((t, rank), line), journey) != journey:
            rank += 1
        return (t, rank)

    for i in order:
        m = moves[i]
        came = arrived.get((m.journey, m.src))
        if came is not None and came[0] == m.t0:
            k0 = came
        elif m.t0 == first_t[m.journey] and m.journey in starts:
            k0 = starts[m.journey]  # a flood's second branch, from where the frame started
        else:
            k0 = free(m.t0, ended.get(m.t0, -1) + 1, m.src, m.journey)
        k1 = free(m.t1, k0[1] + 1 if m.t1 == m.t0 else 0, m.dst, m.journey)
        used[(k0, m.src)] = used[(k1, m.dst)] = m.journey
        ended[m.t1] = max(ended.get(m.t1, -1), k1[1])
        arrived[(m.journey, m.dst)] = k1
        starts.setdefault(m.journey, k0)
        keys[i] = (k0, k1)
    for i, m in enumerate(moves):
        if m.journey < 0:
            fed = [starts[moves[k].journey] for k in order if moves[k].src == m.dst and keys[k][0][0] == m.t0]
            k = min(fed) if fed else (m.t0, 0)
            keys[i] = (k, k)
    return [keys[i] for i in range(len(moves))], starts


@dataclass(slots=True)
class _Frame:
    """What pass one knows of a frame's label: its words, and where it may stand."""

    journey: int
    text: str
    kind: str
    number: int
    sides: list[tuple[float, str, bool]]  # x, ha, above its first arrow (else beside it), best first
    span: tuple[float, float]  # the left and right ends of its arrows


def _frames(moves: Sequence[Move], keys: Sequence[tuple[Key, Key]], hops: Hops, cols: Columns, leftward: set[int]) -> dict[int, _Frame]:
    """Each labelled frame's words and the places its label may stand."""
    x = cols.x
    number_of = {id(j): n for n, group in enumerate(number_frames(hops.journeys), start=1) for j in group}
    own: dict[int, list[int]] = {}
    for i, m in enumerate(moves):
        if m.journey >= 0:
            own.setdefault(m.journey, []).append(i)
    limit = max(cols.plot_right, style.SLIDE_WIDTH_PT - MARGIN)  # a label may run past the last line while the picture fits a slide
    routed = [(m, keys[i]) for i, m in enumerate(moves) if m.journey < 0]
    frames = {}
    for jn, mine in own.items():
        j = hops.journeys[jn]
        fi = min(mine, key=lambda i: (keys[i][0], keys[i][1]))
        first, k0 = moves[fi], keys[fi][0]
        xs = [x[moves[i].src] for i in mine] + [x[moves[i].dst] for i in mine]
        xs += [x[r.src] for r, (k, _k) in routed if k == k0 and r.dst == first.src]  # the routing that sent it, dashed, just before
        loops = [i for i in mine if moves[i].src == moves[i].dst]
        lo = min(xs) - (LOOP_W if any(i in leftward for i in loops) else 0.0)
        hi = max(xs) + (LOOP_W if loops else 0.0)  # (a loop on the left has another on the right)
        text = shorten(j.frame)
        w = style.text_width(text) + NUMBER_W + 4
        left, right = (lo - LABEL_GAP, "right", False), (hi + LABEL_GAP, "left", False)
        rightwards = x[first.dst] >= x[first.src]
        sides = [s for s in ((left, right) if rightwards else (right, left)) if _inside(s[0], s[1], w, limit)]
        sx = x[first.src]
        above = (sx + LABEL_GAP, "left", True) if rightwards else (sx - LABEL_GAP, "right", True)
        if not _inside(above[0], above[1], w, limit):  # pulled back inside the picture, over its own line
            above = (max(MARGIN + AXIS_W, limit - w), "left", True) if rightwards else (min(limit, MARGIN + AXIS_W + w), "right", True)
        frames[jn] = _Frame(jn, text, j.kind, number_of[id(j)], [*sides, above], (lo, hi))
    return frames


def _inside(x: float, ha: str, w: float, limit: float) -> bool:
    """Whether a label ``w`` wide at ``x`` (anchored ``ha``) stays between the time axis and ``limit``."""
    x0, x1 = (x, x + w) if ha == "left" else (x - w, x)
    return x0 >= MARGIN + AXIS_W - 4 and x1 <= limit


def _extent(x: float, ha: str, text: str) -> tuple[float, float]:
    return Label(x, 0.0, text, "", ha, 0).extent


class _Placed:
    """What pass one has drawn so far: label boxes and finished arrows, asked how far down something must go to clear them."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []  # x0, x1, top, bottom
        self.segments: list[tuple[float, float, float, float]] = []  # ax, ay, bx, by

    def lowest(self, x0: float, x1: float) -> float:
        """The lowest point drawn so far between ``x0`` and ``x1`` (the headers' bottom if none)."""
        low = HEAD_H
        for b0, b1, _top, bottom in self.boxes:
            if b0 < x1 and x0 < b1:
                low = max(low, bottom)
        for ax_, ay, bx, by in self.segments:
            s0, s1 = min(ax_, bx), max(ax_, bx)
            if s1 < x0 or x1 < s0:
                continue
            if s1 - s0 < 1e-6:
                low = max(low, ay + HEAD_ROOM, by + HEAD_ROOM)
                continue
            ya = ay + (by - ay) * (max(x0, s0) - ax_) / (bx - ax_)
            yb = ay + (by - ay) * (min(x1, s1) - ax_) / (bx - ax_)
            low = max(low, ya + HEAD_ROOM, yb + HEAD_ROOM)
        return low

    def under_labels(self, x0: float, x1: float) -> float:
        """The lowest label box between ``x0`` and ``x1``: a frame's arrows start below it."""
        return max((b[3] for b in self.boxes if b[0] < x1 - 1 and x0 + 1 < b[1]), default=0.0)


def plan_rows(moves: Sequence[Move], hops: Hops, cols: Columns) -> Rows:
    """Pass one (:func:`_pass_one`): the height of every moment, each frame's label put where it costs the least height.
    Pass two (:func:`_settle`): each label on the side where it crosses the fewest arrows, keeping its height."""
    keys, starts = moments(moves)
    leftward = _leftward(moves, keys)
    frames = _frames(moves, keys, hops, cols, leftward)
    plan = _Plan(moves, keys, frames, _bursts(frames, starts, moves, keys), _steep(moves, keys), cols.x)
    y_of, breaks, labels, placed = _pass_one(plan)
    bottom = max([max(y_of.values(), default=HEAD_H) + LABEL_H / 2] + [b[3] for b in placed.boxes]) + TAIL
    ticks = _ticks([starts[jn] for jn in frames], y_of)
    rows = Rows(keys, y_of, ticks, breaks, [labels[jn] for jn in sorted(labels, key=lambda jn: (starts[jn], jn))], bottom, leftward=leftward)
    return _settle(rows, moves, frames, cols)


@dataclass(slots=True)
class _Plan:
    """What pass one works from: the moves, their moments, the frames' labels and where they may stand."""

    moves: Sequence[Move]
    keys: Sequence[tuple[Key, Key]]
    frames: dict[int, _Frame]
    bursts: dict[Key, list[int]]
    steep: set[int]
    x: dict[str, float]


def _pass_one(plan: _Plan) -> tuple[dict[Key, float], list[tuple[float, float]], dict[int, Label], _Placed]:
    """Every moment's height and every label, in time order, each label clear of the labels and arrows drawn before it
    (an arrow still in flight is not known yet: the second pass keeps labels off the arrows it can)."""
    moves, keys = plan.moves, plan.keys
    ends: dict[Key, list[int]] = {}
    for i, (_k0, k1) in enumerate(keys):
        ends.setdefault(k1, []).append(i)
    placed = _Placed()
    y_of: dict[Key, float] = {}
    breaks: list[tuple[float, float]] = []
    labels: dict[int, Label] = {}
    y = HEAD_H + LABEL_H / 2
    previous: Key | None = None
    for key in sorted({k for pair in keys for k in pair}):
        if previous is not None:
            gap = key[0] - previous[0]
            if gap > BREAK_S:
                line = max([y + LABEL_H / 2] + [b[3] for b in placed.boxes]) + style.line_height() + 3  # its words above it, at the right
                breaks.append((line, gap))
                placed.boxes.append((0.0, math.inf, line - style.line_height() - 3, line + BREAK_PAD))  # nothing goes over it
                y = line + BREAK_PAD + LABEL_H / 2
            else:
                y += dy(gap)
        for i in ends.get(key, []):  # an arrow through ``lo``, or back over one just drawn, goes down enough to be seen
            if i in plan.steep:
                y = max(y, y_of[keys[i][0]] + STEEP)
        y = _place_labels([plan.frames[jn] for jn in plan.bursts.get(key, [])], y, placed, labels)
        y_of[key] = y
        for i in ends.get(key, []):
            m, (k0, k1) = moves[i], keys[i]
            placed.segments.append((plan.x[m.src], y_of[k0], plan.x[m.dst], y_of[k1]))
        previous = key
    return y_of, breaks, labels, placed


def _bursts(frames: dict[int, _Frame], starts: dict[int, Key], moves: Sequence[Move], keys: Sequence[tuple[Key, Key]]) -> dict[Key, list[int]]:
    """The frames whose labels go up together, by the moment the first of them starts: those starting at one moment,
    and one sent from the same line while the one before is still on its first hop (two DNS answers on one path): each
    label stands above the arrows of all of them, not under the arrows of the one before."""
    origin: dict[int, str] = {}
    first_hop: dict[int, float] = {}  # when a frame's first arrow ends
    for i, m in enumerate(moves):
        if m.journey >= 0 and keys[i][0] == starts[m.journey]:
            origin[m.journey] = m.src
            first_hop[m.journey] = min(first_hop.get(m.journey, keys[i][1][0]), keys[i][1][0])
    groups: dict[Key, list[int]] = {}
    group: list[int] = []
    for jn in sorted(frames, key=lambda jn: (starts[jn], jn)):
        last = group[-1] if group else None
        if last is None or not (starts[jn] == starts[last] or (origin[jn] == origin[last] and starts[jn][0] < first_hop[last])):
            group = groups.setdefault(starts[jn], [])
        group.append(jn)
    return groups


def _leftward(moves: Sequence[Move], keys: Sequence[tuple[Key, Key]]) -> set[int]:
    """The moves through ``lo`` that start while another is in flight on the same line: drawn on its left, not over it."""
    out: set[int] = set()
    right: list[tuple[str, Key, Key]] = []
    for i in sorted((i for i, m in enumerate(moves) if m.journey >= 0 and m.src == m.dst), key=lambda i: keys[i][0]):
        k0, k1 = keys[i]
        if any(line == moves[i].src and a <= k0 <= b for line, a, b in right):
            out.add(i)
        else:
            right.append((moves[i].src, k0, k1))
    return out


def _steep(moves: Sequence[Move], keys: Sequence[tuple[Key, Key]]) -> set[int]:
    """The arrows drawn steeper than their time says: through ``lo``, and two taking no time that go there and back
    (a macvlan child's ARP request in and its reply out), which would otherwise lie on each other."""
    steep = {i for i, m in enumerate(moves) if m.journey >= 0 and m.src == m.dst}
    ending: dict[tuple[float, str, str], int] = {}
    for i, m in enumerate(moves):
        if m.journey >= 0 and keys[i][0][0] == keys[i][1][0]:
            ending[(keys[i][1][0], m.src, m.dst)] = i
    for i, m in enumerate(moves):
        back = ending.get((keys[i][0][0], m.dst, m.src))
        if back is not None and keys[i][0][0] == keys[i][1][0]:
            steep.update((i, back))
    return steep


def _place_labels(group: Sequence[_Frame], y: float, placed: _Placed, labels: dict[int, Label]) -> float:
    """The labels of the frames starting at one moment, each where it needs the least height; the moment's height."""
    if not group:
        return y
    chosen = []
    need = y
    for i, f in enumerate(group):
        stack = (len(group) - 1 - i) * LABEL_H  # several frames at one moment: the earlier ones' labels stand above
        best: tuple[float, int, tuple[float, str, bool]] | None = None
        for rank, side in enumerate(f.sides):
            x0, x1 = _extent(side[0], side[1], f.text)
            lift = stack + (LABEL_H / 2 + 2 if side[2] else 0.0)
            n = max(y, placed.lowest(x0, x1) + LABEL_H / 2 + 1 + lift, placed.under_labels(*f.span) + 2)
            if best is None or (n, rank) < best[:2]:
                best = (n, rank, side)
        assert best is not None
        need = max(need, best[0])
        chosen.append((f, best[2], stack))
    for f, (x, ha, above), stack in chosen:
        centre = need - stack - (LABEL_H / 2 + 2 if above else 0.0)
        x0, x1 = _extent(x, ha, f.text)
        placed.boxes.append((x0, x1, centre - LABEL_H / 2, centre + LABEL_H / 2))
        labels[f.journey] = Label(x, centre + 7.0, f.text, f.kind, ha, f.number, f.journey)
    return need


def _ticks(starts: Sequence[Key], y_of: dict[Key, float]) -> list[tuple[float, float]]:
    """A tick at each frame's start, but where it would touch the one above (a frame sharing a row's height)."""
    ticks: list[tuple[float, float]] = []
    for key in sorted(set(starts)):
        yy = y_of[key]
        if ticks and (ticks[-1][1] == key[0] or yy - ticks[-1][0] < style.line_height()):
            continue
        ticks.append((yy, key[0]))
    return ticks


def _settle(rows: Rows, moves: Sequence[Move], frames: dict[int, _Frame], cols: Columns) -> Rows:
    """Each label, at its height, on the side where it crosses the fewest arrows and touches no other label."""
    arrows = _Arrows(moves, rows.keys, cols.x, rows.y_of)
    current = list(rows.labels)
    for i, lb in enumerate(current):
        band = (lb.y - LABEL_H + 4, lb.y)
        others = [(*o.extent, o.y - LABEL_H + 4, o.y) for k, o in enumerate(current) if k != i]
        near = arrows.near(band)
        best = (_crossings(lb.extent, band, near), lb.x, lb.ha)
        for x, ha, above in frames[lb.journey].sides:
            if above or (x, ha) == (lb.x, lb.ha):
                continue
            x0, x1 = _extent(x, ha, lb.text)
            if any(o[0] < x1 and x0 < o[1] and o[2] < band[1] and band[0] < o[3] for o in others):
                continue
            cost = _crossings((x0, x1), band, near)
            if cost < best[0]:
                best = (cost, x, ha)
        current[i] = Label(best[1], lb.y, lb.text, lb.kind, best[2], lb.number, lb.journey)
    rows.labels = current
    return rows


class _Arrows:
    """The arrows as line segments in points, found by the rows they cross (a label's band)."""

    def __init__(self, moves: Sequence[Move], keys: Sequence[tuple[Key, Key]], col_x: dict[str, float], y_of: dict[Key, float]) -> None:
        segments = []
        for m, (k0, k1) in zip(moves, keys, strict=True):
            ax_, ay, bx, by = col_x[m.src], y_of[k0], col_x[m.dst], y_of[k1]
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


def _crossings(extent: tuple[float, float], band: tuple[float, float], segments: list[tuple[float, float, float, float]]) -> int:
    """How many points of the arrows a label spanning ``extent`` in ``band`` would cover."""
    band_top, band_bottom = band
    x0, x1 = extent
    hits = 0
    for ax_, ay, bx, by in segments:
        for k in range(21):
            px, py = ax_ + (bx - ax_) * k / 20, ay + (by - ay) * k / 20
            if x0 <= px <= x1 and band_top <= py <= band_bottom:
                hits += 1
    return hits
