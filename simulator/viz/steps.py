"""The player's steps and the shell's events: what happened to one command's frames, and why.

A step is one frame-hop: the frame numbered ``k`` in :func:`~simulator.viz.path`
(its circled number), in :func:`~simulator.viz.ladder` and in
:func:`~simulator.viz.headers_rows`; the numbers come from one function,
:func:`simulator.viz.hops.number_frames`. A :class:`Step` holds the frame as it
came in and as it went out of the device it left, the fields the hop changed
(:func:`simulator.trace.layers.changed`) and the reasons for the hop in the lab's
language: the records that explain it, each turned into a sentence by the one
:func:`simulator.trace.explain.explain`.

:func:`steps` computes them (the player and the strip draw them); :func:`events`
goes record by record instead (the shell's ``:events``), each naming the drawn
arrow it moved on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.packets.ethernet import EthernetFrame
from simulator.packets.ipv4 import IPv4Packet
from simulator.trace.explain import explain, explain_passed_on
from simulator.trace.layers import changed, field_label, layers
from simulator.trace.records import (
    ArpProxied,
    BridgeForwarded,
    CommandRun,
    FilterVerdict,
    FrameDropped,
    FrameReceived,
    FrameSent,
    MacvlanForwarded,
    NatTranslated,
    NeighbourChanged,
    PacketDelivered,
    RouteChosen,
    TopologyChanged,
    VxlanDecapsulated,
    VxlanEncapsulated,
)
from simulator.viz.hops import Journey, Transition, bridge_id
from simulator.viz.path import Group, Highlight, PathPlan, legend_text, plan
from simulator.viz.words import language, term


@dataclass(frozen=True, slots=True)
class Step:
    """One stop of the player: frame number ``number`` on its hop.

    ``device`` is where the frame left (the device lit in the picture);
    ``came_in`` the same packet as it arrived at that node (``came_from``), or None
    when the node's own stack made the frame; ``marked`` the ``(layer, field)``
    pairs the hop changed between the two (:func:`simulator.trace.layers.changed`).
    """

    number: int
    total: int
    kind: str
    device: str
    went_out: EthernetFrame
    came_in: EthernetFrame | None
    came_from: str | None
    marked: frozenset[tuple[str, str]]
    summary: str
    reasons: tuple[str, ...]
    time_ms: float
    records: tuple[Any, ...] = ()

    @property
    def highlight(self) -> Highlight:
        """What the picture marks at this step: the frame's arrows and number, and the device it left."""
        return Highlight(self.number, self.device)

    def heading(self, lang: str) -> str:
        """``Step 3 of 12    t = 0.018 ms    c1/eth0``."""
        return term("step", lang, i=self.number, n=self.total) + f"    t = {self.time_ms:.3f} ms    {self.device}"

    def change_line(self, lang: str) -> str:
        """What the hop changed, field by field (``TTL 64 → 63``), or that it changed nothing."""
        if self.came_in is None:
            return term("made-here", lang, node=self.device.split("/", 1)[0])
        if not self.marked:
            return term("unchanged", lang, where=self.device)
        before = {(layer.name, k): v for layer in layers(self.came_in) for k, v in layer.fields}
        after = {(layer.name, k): v for layer in layers(self.went_out) for k, v in layer.fields}
        parts = []
        for layer in layers(self.went_out):
            mine = []
            for name, value in layer.fields:
                if (layer.name, name) in self.marked:
                    old = before.get((layer.name, name))
                    mine.append(f"{field_label(name, lang)} {old} → {value}" if old is not None else f"+{field_label(name, lang)} {value}")
            if mine:
                parts.append(f"{layer.name} " + ", ".join(mine))
        gone = sorted(key for key in self.marked if key not in after)
        parts.extend(f"−{layer} {field_label(name, lang)}" for layer, name in gone)
        return term("changed-fields", lang, where=self.device, fields="; ".join(parts))


_EPS = 1e-9


def _came_in(hops_journeys: Sequence[Journey], transitions: Sequence[Transition], j: Journey) -> tuple[Transition | None, Journey | None]:
    """The routing (or VXLAN wrap/unwrap) that made journey ``j``, and the journey that brought the packet to it."""
    t = next((t for t in transitions if t.dst == j.start and abs(t.t - j.t0) < _EPS), None)
    if t is None:
        return None, None
    candidates = [b for b in hops_journeys if b is not j and b.t1 <= t.t + _EPS
                  and t.src in (*b.leaves, *b.local, *(s.dst for s in b.segments))]
    return t, (max(candidates, key=lambda b: b.t1) if candidates else None)


def _reasons(trace: Sequence[Any], j: Journey, t: Transition | None, before: Journey | None, lone: Sequence[FrameDropped],
             lang: str) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The records that explain journey ``j``, in trace order, and their sentences."""
    node = j.start.split("/", 1)[0]
    picked: dict[int, Any] = {}
    if t is not None:  # the routing that sent the packet on: route, NAT, filter, VXLAN
        picked.update(_routing_records(trace, t, before))
    elif j.kind != "arp":  # the stack's own packet: the route it chose
        picked.update(_own_route(trace, j, node))
    picked.update(_arp_records(trace, j, node))
    picked.update(_crossing_records(trace, j))
    index_of = {id(r): i for i, r in enumerate(trace)}
    for d in [*j.drops, *lone]:
        if id(d) in index_of:
            picked[index_of[id(d)]] = d
    picked.update(_deliveries(trace, j))
    out_records = [picked[i] for i in sorted(picked)]
    return tuple(dict.fromkeys(_sentences(out_records, j, lang))), tuple(out_records)


def _routing_records(trace: Sequence[Any], t: Transition, before: Journey | None) -> dict[int, Any]:
    """The route, NAT, filter and VXLAN records of the routing ``t``, since the frame that brought the packet arrived."""
    lo = before.t1 if before is not None else t.t
    nodes = {t.node, t.src.split("/", 1)[0], t.dst.split("/", 1)[0]}  # a VXLAN device lives in its own namespace
    picked: dict[int, Any] = {}
    for i, r in enumerate(trace):
        routing = isinstance(r, NatTranslated | FilterVerdict | VxlanEncapsulated | VxlanDecapsulated) or (
            isinstance(r, RouteChosen) and r.forwarded)
        if routing and lo - _EPS <= r.time <= t.t + _EPS and r.node in nodes:
            picked[i] = r
    return picked


def _own_route(trace: Sequence[Any], j: Journey, node: str) -> dict[int, Any]:
    """The route ``node``'s own stack chose for the packet of ``j`` (the last one before it left)."""
    route = [i for i, r in enumerate(trace) if isinstance(r, RouteChosen) and r.node == node and r.flow == j.flow
             and r.time <= j.t0 + _EPS and not r.forwarded]
    return {route[-1]: trace[route[-1]]} if route else {}


def _arp_records(trace: Sequence[Any], j: Journey, node: str) -> dict[int, Any]:
    """The ARP entry that sent a request or that a reply filled in, and a VXLAN device answering an ARP request itself."""
    picked: dict[int, Any] = {}
    for i, r in enumerate(trace):
        if isinstance(r, NeighbourChanged) and j.kind == "arp" and (
                (r.node == node and r.new == "INCOMPLETE" and abs(r.time - j.t0) < _EPS) or any(r.node == leaf.split("/", 1)[0] and abs(r.time - j.t1) < _EPS
                                                                     for leaf in j.leaves)):
            picked[i] = r
    ends = {j.start, *j.leaves}
    for i, r in enumerate(trace):
        if isinstance(r, ArpProxied) and f"{r.node}/{r.dev}" in ends and j.t0 - _EPS <= r.time <= j.t1 + _EPS:
            picked[i] = r
    return picked


def _crossing_records(trace: Sequence[Any], j: Journey) -> dict[int, Any]:
    """The frame's sending, and what forwarded it on its way: bridges, macvlan parents, a VXLAN device's ARP answer."""
    picked: dict[int, Any] = {}
    if j.sent:
        picked[j.sent[0]] = trace[j.sent[0]]
    for s in j.segments:
        r = trace[s.index]
        if isinstance(r, BridgeForwarded | MacvlanForwarded | ArpProxied):
            picked[s.index] = r
        if s.via == "bridge-out":
            picked.setdefault(s.index, trace[s.index])
    return picked


def _deliveries(trace: Sequence[Any], j: Journey) -> dict[int, Any]:
    """The packet of ``j`` handed to a program where the frame ended."""
    leaves = {leaf.split("/", 1)[0] for leaf in j.leaves}
    return {i: r for i, r in enumerate(trace)
            if isinstance(r, PacketDelivered) and r.node in leaves and r.flow == j.flow and j.t1 - _EPS <= r.time <= j.t1 + 1e-6}


def _sentences(records: Sequence[Any], j: Journey, lang: str) -> list[str]:
    """One sentence per record; a port sending on what its bridge forwarded says where it went (or nothing: the bridge did)."""
    sentences = []
    passed = {(s.dst, s.t1) for s in j.segments if s.via == "bridge-out"}
    for r in records:
        if isinstance(r, FrameSent) and (f"{r.node}/{r.dev}", r.time) in passed:
            far = next((s.dst for s in j.segments if s.src == f"{r.node}/{r.dev}" and s.via == "link"), "")
            if not far:
                continue  # the bridge's own sentence says where it went
            sentences.append(explain_passed_on(r, far, lang))
        else:
            sentences.append(explain(r, lang))
    return sentences


def steps(trace: Sequence[Any], lang: str | None = None, the_plan: PathPlan | None = None) -> list[Step]:
    """The player's steps for ``trace``: one per numbered frame of :func:`~simulator.viz.path`, in order.

    >>> from simulator import Lab
    >>> lab = Lab(seed=1)
    >>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    >>> all_steps = steps(lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace)
    >>> len(all_steps), all_steps[5].device, all_steps[5].change_line("en")
    (12, 'host/eth0', 'Changed at host/eth0: Ethernet II Destination ...; IPv4 Source 172.17.0.2 → 192.168.1.10, TTL 64 → 63')
    """
    lang = language(trace, lang)
    p = the_plan if the_plan is not None else plan(trace, lang)
    lone = list(p.hops.drops)
    out: list[Step] = []
    total = len(p.groups)
    for g in p.groups:
        out.append(_step(trace, p, g, total, [d for d in lone if _lone_step(p.groups, d) == g.number], lang))
    return out


def _lone_step(groups: Sequence[Group], d: FrameDropped) -> int:
    return max([1, *(g.number for g in groups if g.first.t0 <= d.time)])


def _step(trace: Sequence[Any], p: PathPlan, g: Group, total: int, lone: Sequence[FrameDropped], lang: str) -> Step:
    j = g.first
    t, before = _came_in(p.hops.journeys, p.hops.transitions, j)
    came_in = before.frame if before is not None else None
    marked = frozenset(changed(layers(came_in), layers(j.frame))) if came_in is not None else frozenset()
    reasons, records = _reasons(trace, j, t, before, lone, lang)
    return Step(g.number, total, g.kind, j.start, j.frame, came_in, t.src if t is not None else None, marked,
                legend_text(g, lang), reasons, (j.t0 - p.hops.t0) * 1000.0, records)


# --- the events, record by record (the shell's :events) ---------------------------------------------

_FRAMED = (FrameSent, FrameReceived, FrameDropped, BridgeForwarded, MacvlanForwarded)
"""The records that carry a frame (``.frame``): an event shows its summary."""

_ON_A_DEVICE = (FrameSent, FrameReceived, FrameDropped, RouteChosen, NeighbourChanged, VxlanEncapsulated, VxlanDecapsulated, ArpProxied)
"""The records that name a device (``.node`` and ``.dev``): an event happens there."""

EVENTLESS = (FrameReceived, CommandRun, TopologyChanged)
"""Records that are not events of their own (a frame's arrival is shown with its sending)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One record of a command as an event in a list (the shell's ``:events``): where, what, why, which frame."""

    index: int
    record: Any
    segment: tuple[str, str] | None
    device: str | None
    summary: str
    explanation: str
    group: int | None = None


def events(trace: Sequence[Any], lang: str = "en", the_plan: PathPlan | None = None) -> list[Event]:
    """Every record of ``trace`` but arrivals and bookkeeping, as events: the device, the arrow, the sentence.

    The player steps frame by frame (:func:`steps`); an event list (the shell's
    ``:events``) goes record by record, each naming the drawn arrow it moved on.
    """
    p = the_plan if the_plan is not None else plan(trace, lang)
    arrows = {(a.src, a.dst): a.group for a in p.arrows}
    moved = _Moved.of(p, arrows)
    out: list[Event] = []
    for r in trace:
        if isinstance(r, EVENTLESS):
            continue
        device, segment, group_hint, frame = _where(r, p, arrows, moved)
        summary = frame.summary() if frame is not None else ""
        sentence = explain(r, lang)
        if isinstance(r, FrameSent) and device is not None and (device, r.time) in moved.passed_on:
            sentence = explain_passed_on(r, moved.passed_on[(device, r.time)], lang)
        group = group_hint if group_hint is not None else (moved.group_of.get((device, r.time)) if device is not None else None)
        out.append(Event(len(out) + 1, r, segment, device, summary, sentence, group))
    return out


@dataclass(frozen=True, slots=True)
class _Moved:
    """Where the drawn arrows carry frames: which arrow a device sends on at a moment, which frame's number it is."""

    leaving: dict[tuple[str, float], tuple[str, str]]  # (device, time) -> the drawn arrow the frame it sends moves on
    passed_on: dict[tuple[str, float], str]  # a port sending what its bridge forwarded -> the far end
    group_of: dict[tuple[str, float], int]  # (device, time) -> the number of the frame's arrow

    @classmethod
    def of(cls, p: PathPlan, arrows: dict[tuple[str, str], int]) -> _Moved:
        leaving: dict[tuple[str, float], tuple[str, str]] = {}
        passed_on: dict[tuple[str, float], str] = {}
        group_of: dict[tuple[str, float], int] = {}
        for j in p.hops.journeys:
            outs = {(seg.dst, seg.t1) for seg in j.segments if seg.via == "bridge-out"}
            for seg in j.segments:
                if seg.via == "link" and (seg.src, seg.t0) in outs:
                    passed_on[(seg.src, seg.t0)] = seg.dst
        for g in p.groups:
            for j in g.journeys:
                for seg in j.segments:
                    if seg.via == "link":
                        drawn = (seg.src, seg.dst) if (seg.src, seg.dst) in arrows else next(
                            (k for k, n in arrows.items() if n == g.number and k[0] == seg.src), None)
                        if drawn is not None:
                            leaving[(seg.src, seg.t0)] = drawn
                            group_of[(seg.src, seg.t0)] = g.number
                    elif seg.via == "bridge-in":
                        group_of[(seg.dst, seg.t1)] = g.number
        return cls(leaving, passed_on, group_of)


def _where(r: Any, p: PathPlan, arrows: dict[tuple[str, str], int],
           moved: _Moved) -> tuple[str | None, tuple[str, str] | None, int | None, Any]:
    """Record ``r``'s device, the drawn arrow it moved on, the frame number that arrow says (0: a routing), and its frame."""
    device: str | None = None
    segment: tuple[str, str] | None = None
    group_hint: int | None = None
    frame: EthernetFrame | IPv4Packet | None = r.frame if isinstance(r, _FRAMED) else None
    if isinstance(r, FrameSent):
        device = f"{r.node}/{r.dev}"
        segment = moved.leaving.get((device, r.time))
    elif isinstance(r, BridgeForwarded):
        device = bridge_id(r.node, r.bridge)
        into = (f"{r.node}/{r.ingress}", device)
        across = [(f"{r.node}/{r.ingress}", f"{r.node}/{port}") for port in r.egress]  # the LAN switch: port to port
        segment = into if into in arrows else next((k for k in across if k in arrows), None)
    if isinstance(r, MacvlanForwarded):
        device = f"{r.node}/{r.parent}"
    elif isinstance(r, VxlanEncapsulated | VxlanDecapsulated):
        # the dashed arrow between the VXLAN device and the underlay's NIC
        here = f"{r.node}/{r.dev}"
        hop = min((t for t in p.hops.transitions if here in (t.src, t.dst) and t.t >= r.time), key=lambda t: t.t, default=None)
        if hop is not None and (hop.src, hop.dst) in arrows:
            segment, group_hint = (hop.src, hop.dst), 0
        frame = r.outer  # what the wire carries: the outer headers
    if isinstance(r, NatTranslated | FilterVerdict) or (isinstance(r, RouteChosen) and r.forwarded):
        # a stack routing a packet on: the dashed arrow across the namespace
        hop = min((t for t in p.hops.transitions if t.node == r.node and t.flow == r.flow and t.t >= r.time),
                  key=lambda t: t.t, default=None)
        if hop is not None and (hop.src, hop.dst) in arrows:
            segment, group_hint = (hop.src, hop.dst), 0
    elif isinstance(r, _ON_A_DEVICE) and device is None:
        device = f"{r.node}/{r.dev}"
    return device, segment, group_hint, frame
