"""Planning a path picture: which frames, on which drawing, along which lanes, with which notes.

:func:`plan` follows the frames of a trace (:func:`~simulator.viz.hops.follow`),
numbers them, draws the topology around the devices they touched (the others
collapsible into a "+N more" box), and lays out everything the picture will show
as a :class:`~simulator.viz.path_model.PathPlan`: one pass per job (what to keep,
what to emphasise, each frame's moves, their lanes, the arrows, the routing notes,
the drops, the loopback notes), then the placement of numbers and notes and the
legend. Nothing is drawn here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulator.trace.records import FrameDropped, FrameReceived, FrameSent, NatTranslated
from simulator.viz import style
from simulator.viz.hops import Hops, Journey, Transition, addresses_in, follow, incidental, select
from simulator.viz.layout import Label, Scene
from simulator.viz.layout.builder import move
from simulator.viz.network import OVERLAY_NS, SWITCH, Network, network_at
from simulator.viz.path_legend import lay_out_legend
from simulator.viz.path_model import (
    KEY,
    LANE,
    Arrow,
    Group,
    Note,
    PathPlan,
    drawn_moves,
    group_journeys,
    routed_into,
    step_at,
)
from simulator.viz.path_place import clear_edge_labels, ends, note_beside, offset, place
from simulator.viz.topology import _short, topology_scene
from simulator.viz.words import term

Move = tuple[str, str]


def plan(trace: Sequence[Any], lang: str = "en", flow: int | None = None, title: str | None = None) -> PathPlan:
    """Follow the frames of ``trace`` and lay them out on its topology (nothing drawn yet)."""
    first = next((r.time for r in trace if isinstance(r, FrameSent | FrameReceived)), None)
    network: Network = network_at(trace, first)
    hops = follow(trace, network)
    journeys, transitions, lone = select(hops, flow, trace)
    groups = group_journeys(journeys)
    keep = _keep(hops, journeys, transitions, lone)
    if title is None:
        title = term("path-title", lang, command=_short(hops.command)) if hops.command else term("path-title-plain", lang)
    scene = _scene(trace, first, network, keep, transitions, title, lang)
    emphasis = _emphasis(network, keep, journeys)
    moves = _moves(groups, scene)
    _assign_lanes(groups, moves)
    arrows = _frame_arrows(groups, moves, scene)
    routed, notes = _routing(transitions, journeys, groups, scene, lang)
    arrows += routed
    crosses, cross_steps, drop_notes = _drops(groups, lone, scene)
    notes += drop_notes
    notes.extend(_loopback_notes(trace, groups, scene, lang))
    _room_above(scene, arrows, notes)
    for a in arrows:
        emphasis.update((a.src, a.dst))
    clear_edge_labels(scene, arrows)
    result = PathPlan(scene, hops, groups, arrows, notes, crosses, emphasis, lang=lang, key=_key(transitions), cross_steps=cross_steps)
    place(result)
    lay_out_legend(result, lone)
    return result


def _keep(hops: Hops, journeys: Sequence[Journey], transitions: Sequence[Transition], lone: Sequence[FrameDropped]) -> set[str]:
    """The devices the picture must show one by one: those the frames crossed, routed between or were dropped at."""
    keep: set[str] = set()
    heard_only = incidental(hops)  # devices that only heard a flood: collapsible with the crowd
    for j in journeys:
        keep.update(d for d in j.devices if d not in heard_only)
    for t in transitions:
        keep.update((t.src, t.dst))
    for d in lone:
        keep.add(f"{d.node}/{d.dev}")
    return keep


def _scene(trace: Sequence[Any], first: float | None, network: Network, keep: set[str], transitions: Sequence[Transition], title: str,
           lang: str) -> Scene:
    """The topology under the arrows: only the Docker hosts when the frames stayed inside them, room for the lanes and notes."""
    inside = {n.node for n in network.namespaces if n.kind in ("docker-host", "container", OVERLAY_NS)}
    hosts_only = all(k.split("/", 1)[0] in inside for k in keep)
    involved = {k.split("/", 1)[0] for k in keep} & {n.node for n in network.namespaces if n.kind == "container"}
    return topology_scene(trace, first, title=title, subtitle="", lang=lang, keep=keep, roomy=True,
                          notes=any(t.changes for t in transitions), hosts_only=hosts_only,
                          max_containers=max(len(involved) + 2, 3))


def _emphasis(network: Network, keep: set[str], journeys: Sequence[Journey]) -> set[str]:
    """What is drawn in ink: the kept devices, their namespaces, and the devices owning an address the frames carried."""
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
    return emphasis


def _moves(groups: Sequence[Group], scene: Scene) -> dict[int, list[Move]]:
    """Each group's moves as drawn: frames flooded to collapsed containers go to their "+N more" box."""
    moves: dict[int, list[Move]] = {}
    for g in groups:
        mine: list[Move] = []
        for src, dst in drawn_moves(g.first):
            src, dst = scene.collapsed.get(src, src), scene.collapsed.get(dst, dst)
            if src != dst and (src, dst) not in mine:
                mine.append((src, dst))
        moves[g.number] = mine
    return moves


def _assign_lanes(groups: Sequence[Group], moves: dict[int, list[Move]]) -> None:
    """Lanes: a group takes the lowest lane free on every move it makes."""
    used: dict[Move, set[int]] = {}
    for g in groups:
        lane = 0
        while any(lane in used.get(k, set()) for k in moves[g.number]):
            lane += 1
        g.lane = lane
        for k in moves[g.number]:
            used.setdefault(k, set()).add(lane)


def _frame_arrows(groups: Sequence[Group], moves: dict[int, list[Move]], scene: Scene) -> list[Arrow]:
    """One arrow per drawn move of each group, in its lane."""
    arrows: list[Arrow] = []
    for g in groups:
        for src, dst in moves[g.number]:
            span = ends(scene, src, dst)
            if span is None:
                continue
            p, q = offset(*span, LANE * (g.lane + 0.8))
            arrows.append(Arrow(g.number, g.kind, src, dst, p, q))
    return arrows


def _routing(transitions: Sequence[Transition], journeys: Sequence[Journey], groups: Sequence[Group], scene: Scene,
             lang: str) -> tuple[list[Arrow], list[Note]]:
    """A dashed arrow across each namespace that routed a packet on, and a note of what it changed (``TTL 64→63``)."""
    arrows: list[Arrow] = []
    notes: list[Note] = []
    t_used: dict[Move, int] = {}
    t_seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for t in transitions:
        span = ends(scene, t.src, t.dst)
        if span is None or (t.src, t.dst, tuple(t.changes)) in t_seen:
            continue  # every packet of a conversation is routed alike: one arrow, one note
        t_seen.add((t.src, t.dst, tuple(t.changes)))
        key = (t.src, t.dst)
        lane = t_used.get(key, 0)
        t_used[key] = lane + 1
        p, q = offset(*span, LANE * (lane + 0.8))
        kind = next((j.kind for j in journeys if j.flow == t.flow and j.t0 >= t.t), "request")
        step = routed_into(groups, t)
        arrows.append(Arrow(0, kind, t.src, t.dst, p, q, dashed=True, step=step))
        if t.changes:
            text = "\n".join(c.replace("(reply)", term("nat-reply", lang)) for c in t.changes)
            note = note_beside(p, q, text, style.OKABE_ITO["purple"], t.node)
            note.step = step
            notes.append(note)
    return arrows, notes


def _drops(groups: Sequence[Group], lone: Sequence[FrameDropped], scene: Scene) -> tuple[list[str], dict[str, int], list[Note]]:
    """The devices where something was dropped (ringed in red), the step each is drawn from, and a note naming the reason."""
    crosses: list[str] = []
    cross_steps: dict[str, int] = {}
    notes: list[Note] = []
    drops = [(d, g.number) for g in groups for d in g.first.drops] + [(d, step_at(groups, d.time)) for d in lone]
    for d, step in drops:
        where = f"{d.node}/{d.dev}"
        if where in scene.shapes:
            s = scene.shapes[where]
            crosses.append(where)
            cross_steps[where] = min(step, cross_steps.get(where, step))
            notes.append(Note(s.x + s.w + 10, s.cy, f"✗ {d.reason.value}", style.OKABE_ITO["vermillion"], where=where, step=step))
    return crosses, cross_steps, notes


def _key(transitions: Sequence[Transition]) -> tuple[tuple[str, str, bool], ...]:
    """The arrow styles the legend explains: a dashed arrow says "wrapped" when a VXLAN device wrapped the packet."""
    if not any(c.startswith("VXLAN") for t in transitions for c in t.changes):
        return KEY
    return tuple((("key-routed-wrap", kind, dashed) if k == "key-routed" else (k, kind, dashed)) for k, kind, dashed in KEY)


def _room_above(scene: Scene, arrows: Sequence[Arrow], notes: Sequence[Note]) -> None:
    """Room for the notes that hang above a box of the top row (a packed picture has none), beside the title when
    there is room there, else under it: everything but the title moves down as far as the tallest of them needs."""
    titles = [lab for lab in scene.labels if lab.gid == "title"]
    title_bottom = max((lab.y + style.line_height(lab.size) for lab in titles), default=0.0)
    taken: list[tuple[float, float]] = []
    need = max((_above(n, scene, titles, title_bottom, taken) - (n.y - style.line_height() * (n.text.count("\n") + 1) - 12) for n in notes
                if n.va == "bottom"), default=0.0)
    if need <= 0:
        return
    move([*scene.shapes.values(), *scene.extra_shapes, *scene.edges, *(lab for lab in scene.labels if lab.gid != "title")], 0.0, need)
    for a in arrows:
        a.start, a.end = (a.start[0], a.start[1] + need), (a.end[0], a.end[1] + need)
    for n in notes:
        n.y += need
    scene.height += need


def _above(note: Note, scene: Scene, titles: Sequence[Label], title_bottom: float, taken: list[tuple[float, float]]) -> float:
    """How high the top of ``note`` (hung above a box of the top row) may be: beside the title, moved sideways
    as little as keeps it over its box's top edge and inside the picture, and up clear of the boxes under it, when
    there is room (``taken``: the spans beside it other notes took); else under it."""
    box = scene.shapes.get(note.where.split("/", 1)[0])
    if not titles or box is None or abs(note.y - (box.y - 6)) > 0.5:  # (only a note hung above its box's top edge)
        return title_bottom + 6
    w = max(style.text_width(line, bold=True) for line in note.text.split("\n")) + 12
    half = max(style.text_width(lab.text, lab.size, bold=lab.bold) for lab in titles) / 2
    left, right = scene.width / 2 - half - 12, scene.width / 2 + half + 12
    spots = [x for x in (left - w, right) if 4 <= x <= scene.width - 4 - w and x + w >= box.x + 24 and x <= box.x + box.w - 24
             and all(x + w + 8 <= a or x >= b + 8 for a, b in taken)]
    if not spots:
        return title_bottom + 6
    x = note.x = min(spots, key=lambda x: abs(x - note.x))
    taken.append((x, x + w))
    # over the boxes under it, the taller boxes of its row too
    note.y = min([note.y] + [s.y - 6 for s in scene.shapes.values() if s.x < x + w and s.x + s.w > x and s.y < box.y + box.h])
    return min(lab.y for lab in titles)


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
