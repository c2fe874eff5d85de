"""Which of a ladder's frames go on the slide, and what the picture says of the rest.

A ladder with more frames than a 1080 px slide holds at 24 px text (a ``curl`` is
about forty) draws the first of them that fit, and ends, within the last half of
what fits, where an exchange is whole: after the last frame that comes back to the
line the first one left from (the SYN-ACK back at the ``curl``'s client, the first
echo reply back at ``ping -c 2``'s container, the DNS answers back at the
container's resolver before its ``ping`` starts), else at the longest wait between
two frames sent. A note under the picture says how many frames are left out from
when, and the call that draws them: ``viz.ladder(trace, start=38.095)``, the time in
milliseconds as the ladder's own axis prints it. ``stop`` draws exactly the frames asked for, however
tall (``stop=float("inf")`` for the whole ladder, as on a handout).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from simulator.viz import style
from simulator.viz.hops import Hops
from simulator.viz.ladder_columns import MARGIN, Columns, Move
from simulator.viz.ladder_rows import NOTE_H, Rows, plan_rows
from simulator.viz.words import term


@dataclass(slots=True)
class Window:
    """The moves drawn, their rows, and the notes that say which frames are not drawn."""

    moves: list[Move]
    rows: Rows
    notes: list[str]


def ms(t: float, t_zero: float) -> float:
    """A time as the ladder's axis prints it: milliseconds from the first frame, to the microsecond."""
    return round((t - t_zero) * 1000.0, 3)


def window(moves: Sequence[Move], hops: Hops, cols: Columns, notes: int, lang: str,
           start: float | None = None, stop: float | None = None) -> Window:
    """The frames that start from ``start`` ms (default: the first) and before ``stop`` ms (default: as many as fit a slide
    under ``notes`` other notes, ending where the conversation pauses), their rows, and what is said of the rest."""
    t_zero = min((m.t0 for m in moves), default=0.0)
    begins: dict[int, float] = {}
    for m in moves:
        if m.journey >= 0:
            begins[m.journey] = min(begins.get(m.journey, m.t0), m.t0)
    frames = sorted(begins, key=lambda j: (begins[j], j))
    before = [j for j in frames if start is not None and ms(begins[j], t_zero) < start]
    asked = [j for j in frames if j not in before and (stop is None or ms(begins[j], t_zero) < stop)]

    def plan(shown: Sequence[int]) -> tuple[list[Move], Rows]:
        chosen = set(shown)
        if not shown:
            return [], plan_rows([], hops, cols)
        lo, hi = begins[shown[0]], begins[shown[-1]]
        mine = [m for m in moves if m.journey in chosen or (m.journey < 0 and lo <= m.t0 <= hi)]
        return mine, plan_rows(mine, hops, cols)

    def fits(k: int) -> bool:
        said = notes + bool(before) + (k < len(asked))
        return plan(asked[:k])[1].bottom + MARGIN + NOTE_H * said <= style.SLIDE_HEIGHT_PT + 0.5

    k = len(asked)
    if stop is None and not fits(k):
        k = _pause(asked, begins, _most(fits, len(asked)), _answers(moves, asked))
    shown = asked[:k]
    drawn, rows = plan(shown)
    said = []
    if before:
        said.append(term("ladder-before", lang, ms=f"{ms(begins[shown[0]] if shown else begins[before[-1]], t_zero):.3f}",
                         n=len(before), total=len(frames)))
    rest = [j for j in frames if j not in before and j not in shown]
    if rest:
        said.append(term("ladder-after", lang, ms=f"{ms(begins[rest[0]], t_zero):.3f}", n=len(rest), total=len(frames)))
    return Window(drawn, rows, said)


def _answers(moves: Sequence[Move], frames: Sequence[int]) -> set[int]:
    """The frames whose last arrow ends at the line the first frame left from, coming from another line or being a reply
    (a SYN-ACK back at the client; a DNS answer through the container's ``lo``, not its query)."""
    own = [m for m in moves if m.journey >= 0]
    if not own:
        return set()
    origin = min((m for m in own if m.journey == frames[0]), key=lambda m: m.t0).src
    last: dict[int, Move] = {}
    for m in own:
        if m.journey not in last or m.t1 >= last[m.journey].t1:
            last[m.journey] = m
    return {j for j, m in last.items() if m.dst == origin and (m.src != origin or m.kind == "reply")}


def _most(fits: Callable[[int], bool], n: int) -> int:
    """The most frames that fit (at least one), by bisection: more frames never make a ladder shorter."""
    lo, hi = 1, n  # fits(n) is false
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _pause(frames: Sequence[int], begins: dict[int, float], most: int, answers: set[int]) -> int:
    """How many of ``frames`` to draw, at most ``most`` and at least half that (frames sent at one moment never parted):
    up to the last of ``answers`` there (a frame back at the line the first one left: an exchange whole), else up to the
    longest wait between two frames sent, else ``most``."""
    least = max(1, (most + 1) // 2)
    cuts = [k for k in range(least, most + 1) if begins[frames[k]] > begins[frames[k - 1]]]
    back = [k for k in cuts if frames[k - 1] in answers]
    if back:
        return back[-1]
    gaps = [(begins[frames[k]] - begins[frames[k - 1]], k) for k in cuts]
    return max(gaps)[1] if gaps else most
