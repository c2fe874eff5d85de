"""What a path picture is made of, before it is drawn: its numbered frames, arrows and notes.

A :class:`Group` is one numbered frame (the journeys that took the same devices as
the same kind of frame, :func:`~simulator.viz.hops.number_frames`); an
:class:`Arrow` one drawn move of it (or, dashed, a routing across a namespace); a
:class:`Note` a short text on the picture. :class:`PathPlan` holds them all with
the scene they are laid on, computed by :func:`simulator.viz.path_plan.plan` and
drawn by :func:`simulator.viz.path.draw`; the player reuses it for every step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from simulator.viz.hops import FLAGS, Hops, Journey, Transition, number_frames, shorten
from simulator.viz.layout import Scene
from simulator.viz.network import SWITCH
from simulator.viz.words import term

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
        """The group's first journey: the frame its number stands for."""
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
    legend_x: float = 0.0  # where the frames' legend's heading goes (below the drawing, or beside it)
    legend_y: float = 0.0
    legend_at: list[tuple[float, float]] = field(default_factory=list)  # where each frame's line goes (x, top)
    key_at: list[tuple[float, float]] = field(default_factory=list)  # where each arrow style goes (x, top)
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
    """The group's line in the legend: tcpdump's words, every seq and flag it covers, and how many times it went."""
    text = group.label
    if len(group.journeys) > 1:
        seqs = _seqs(group)
        text = re.sub(r"seq \d+", f"seq {seqs}", text) if seqs else text
        flags = list(dict.fromkeys(m.group(1) for j in group.journeys for m in [FLAGS.search(shorten(j.frame))] if m))
        if len(flags) > 1:
            text = FLAGS.sub("Flags " + ", ".join(f"[{f}]" for f in flags), text, count=1)
        text += "  " + term("times", lang, n=len(group.journeys))
    return text


def step_at(groups: Sequence[Group], t: float) -> int:
    """The step showing what happened at time ``t``: the last frame sent by then (at least the first)."""
    return max([1, *(g.number for g in groups if g.first.t0 <= t)]) if groups else 0


def routed_into(groups: Sequence[Group], t: Transition) -> int:
    """The number of the frame a routing (or a VXLAN wrap) sent on: its dashed arrow belongs to that step."""
    for g in groups:
        if any(j.start == t.dst and abs(j.t0 - t.t) < 1e-9 for j in g.journeys):
            return g.number
    return next((g.number for g in groups if g.first.t0 >= t.t), groups[-1].number if groups else 0)


KEY = (("key-arp", "arp", False), ("key-request", "request", False), ("key-reply", "reply", False), ("key-routed", "request", True))
"""The arrow styles, explained under the legend (colour and dash, for grey print too)."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """What the player points at: the frame numbered ``step`` (its arrows thick, its number ringed) and the device it left."""

    step: int | None = None
    device: str | None = None
