"""Step through one command's frames, one numbered frame at a time, in Jupyter or on paper.

A step is one frame-hop: the frame numbered ``k`` in :func:`~simulator.viz.path`
(its circled number), in :func:`~simulator.viz.ladder` (the number beside its
label) and in :func:`~simulator.viz.headers_rows` (each row's ``frame``); the numbers come
from one function, :func:`simulator.viz.hops.number_frames`. At step ``k`` the
path shows only what has happened up to frame ``k`` (later arrows, numbers and
notes are not drawn yet), frame ``k`` drawn thick with its number ringed and the
device it left lit. Beside the picture a PDU panel shows that frame by layer
(:mod:`simulator.trace.layers`) as it came in and as it went out of that device,
the fields the hop changed marked (``TTL 64 → 63``, the source address
MASQUERADE rewrote), and the reasons for the hop in the lab's language, from the
one :func:`simulator.trace.explain.explain`.

* :func:`steps` computes the steps (a :class:`Step` each) from a trace;
* :func:`strip` draws every step as a picture with its caption: a :class:`Strip`,
  a list of figures that displays itself as one tall picture and saves to a PNG,
  a PDF (a page a step) or a folder of PNGs;
* :func:`player` is the live player in a Jupyter kernel (ipywidgets: play and
  pause, step back, step forward, a slider, a speed), a :class:`Strip` elsewhere.

The live player is one output whose bundle carries both the widget's view
(``application/vnd.jupyter.widget-view+json``) and the strip as a fallback
(``image/png`` and ``text/html``), the standard way: a front-end that renders
widgets (JupyterLab, Notebook, VS Code) shows the player, and one that has no
widget state (an nbconvert HTML export, GitHub's viewer, the docs) shows the
strip in its place. A notebook run headless (``nbconvert --execute``, papermill:
the client asks for no keyboard input) saves the widgets' state but has no one to
step through them, so there the bundle carries the strip alone and the export
shows it.
"""

from __future__ import annotations

import base64
import html
import io
import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simulator.packets.ethernet import EthernetFrame
from simulator.trace.explain import explain, explain_passed_on
from simulator.trace.layers import Layer, changed, field_label, layers
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
from simulator.viz import style
from simulator.viz.draw import Canvas
from simulator.viz.hops import Journey, Transition, bridge_id
from simulator.viz.path import Group, Highlight, PathPlan, draw, legend_text, plan
from simulator.viz.words import language, term

STRIP_DPI = 100
"""Pixels per inch of a strip's pictures: the classroom size (14 pt text is 19 px tall)."""

PICTURE_DPI = STRIP_DPI
"""Pixels per inch of the live player's picture (scaled to the notebook's width) and of the strip shown after it:
the strip's, so an export stays legible, and both come from the same parts (text, not pixels, is what costs)."""

_WORDS: dict[str, tuple[str, str]] = {
    "came-in": ("came in on {where}", "{where}로 들어온 모습"),
    "went-out": ("went out of {where}", "{where}에서 나간 모습"),
    "made-here": ("made here by {node}'s own stack", "{node}의 네트워크 스택이 여기서 만든 프레임"),
    "changed-fields": ("Changed at {where}: {fields}", "{where}에서 바뀐 필드: {fields}"),
    "unchanged": ("Nothing in the frame changed at {where}.", "{where}에서 프레임은 바뀌지 않았습니다."),
    "field": ("field", "필드"),
    "layer": ("layer", "계층"),
    "why": ("Why", "이유"),
    "player-text": ("dockersim player: {n} steps of {command}", "dockersim 플레이어: {command}의 {n}단계"),
    "speed": ("Speed", "속도"),
    "back": ("Step back", "한 단계 뒤로"),
    "forward": ("Step forward", "한 단계 앞으로"),
    "strip-text": ("{n} steps of {command}, one picture each", "{command}의 {n}단계, 단계마다 그림 하나"),
}


def _say(key: str, lang: str, **values: object) -> str:
    en, ko = _WORDS[key]
    return (ko if lang == "ko" else en).format(**values)


# --- the steps --------------------------------------------------------------------------------------


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
            return _say("made-here", lang, node=self.device.split("/", 1)[0])
        if not self.marked:
            return _say("unchanged", lang, where=self.device)
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
        return _say("changed-fields", lang, where=self.device, fields="; ".join(parts))


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
    index_of = {id(r): i for i, r in enumerate(trace)}
    if t is not None:  # the routing that sent the packet on: route, NAT, filter, VXLAN
        lo = before.t1 if before is not None else t.t
        nodes = {t.node, t.src.split("/", 1)[0], t.dst.split("/", 1)[0]}  # a VXLAN device lives in its own namespace
        for i, r in enumerate(trace):
            here = lo - _EPS <= r.time <= t.t + _EPS and getattr(r, "node", None) in nodes
            if here and (isinstance(r, NatTranslated | FilterVerdict | VxlanEncapsulated | VxlanDecapsulated)
                         or (isinstance(r, RouteChosen) and r.forwarded)):
                picked[i] = r
    elif j.kind != "arp":  # the stack's own packet: the route it chose
        route = [i for i, r in enumerate(trace) if isinstance(r, RouteChosen) and r.node == node and r.flow == j.flow
                 and r.time <= j.t0 + _EPS and not r.forwarded]
        if route:
            picked[route[-1]] = trace[route[-1]]
    for i, r in enumerate(trace):  # the ARP entry that sent a request, or that a reply filled in
        if isinstance(r, NeighbourChanged) and j.kind == "arp" and (
                (r.node == node and r.new == "INCOMPLETE" and abs(r.time - j.t0) < _EPS) or any(r.node == leaf.split("/", 1)[0] and abs(r.time - j.t1) < _EPS
                                                                     for leaf in j.leaves)):
            picked[i] = r
    ends = {j.start, *j.leaves}
    for i, r in enumerate(trace):  # a VXLAN device answering an ARP request itself
        if isinstance(r, ArpProxied) and f"{r.node}/{r.dev}" in ends and j.t0 - _EPS <= r.time <= j.t1 + _EPS:
            picked[i] = r
    if j.sent:
        picked[j.sent[0]] = trace[j.sent[0]]
    for s in j.segments:
        r = trace[s.index]
        if isinstance(r, BridgeForwarded | MacvlanForwarded | ArpProxied):
            picked[s.index] = r
        if s.via == "bridge-out":
            picked.setdefault(s.index, trace[s.index])
    for d in [*j.drops, *lone]:
        if id(d) in index_of:
            picked[index_of[id(d)]] = d
    leaves = {leaf.split("/", 1)[0] for leaf in j.leaves}
    for i, r in enumerate(trace):
        if isinstance(r, PacketDelivered) and r.node in leaves and r.flow == j.flow and j.t1 - _EPS <= r.time <= j.t1 + 1e-6:
            picked[i] = r
    out_records = [picked[i] for i in sorted(picked)]
    sentences = []
    passed = {(s.dst, s.t1) for s in j.segments if s.via == "bridge-out"}
    for r in out_records:
        if isinstance(r, FrameSent) and (f"{r.node}/{r.dev}", r.time) in passed:
            far = next((s.dst for s in j.segments if s.src == f"{r.node}/{r.dev}" and s.via == "link"), "")
            if not far:
                continue  # the bridge's own sentence says where it went
            sentences.append(explain_passed_on(r, far, lang))
        else:
            sentences.append(explain(r, lang))
    return tuple(dict.fromkeys(sentences)), tuple(out_records)


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
    # which drawn arrow carries the frame a device sends at a given moment
    leaving: dict[tuple[str, float], tuple[str, str]] = {}
    passed_on: dict[tuple[str, float], str] = {}  # a port sending what its bridge forwarded -> the far end
    group_of: dict[tuple[str, float], int] = {}  # (device, time) -> the number of the frame's arrow
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
    out: list[Event] = []
    for r in trace:
        if isinstance(r, EVENTLESS):
            continue
        device: str | None = None
        segment: tuple[str, str] | None = None
        group_hint: int | None = None
        frame = getattr(r, "frame", None)
        if isinstance(r, FrameSent):
            device = f"{r.node}/{r.dev}"
            segment = leaving.get((device, r.time))
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
        elif hasattr(r, "dev") and device is None:
            device = f"{r.node}/{r.dev}"
        summary = frame.summary() if frame is not None else ""
        sentence = explain(r, lang)
        if isinstance(r, FrameSent) and device is not None and (device, r.time) in passed_on:
            sentence = explain_passed_on(r, passed_on[(device, r.time)], lang)
        group = group_hint if group_hint is not None else (group_of.get((device, r.time)) if device is not None else None)
        out.append(Event(len(out) + 1, r, segment, device, summary, sentence, group))
    return out


# --- pictures -----------------------------------------------------------------------------------------


def picture(p: PathPlan, step: Step | None, caption: bool = False, lang: str = "en") -> Figure:
    """The path at ``step`` drawn whole: only what happened up to it, the step's frame thick (no step: every frame).

    The player and the strip lay pictures together from :class:`Pictures` instead
    (the same picture, drawn once in parts); this is the reference they are tested against.
    """
    if step is None:
        return draw(p).fig
    lines = None
    if caption:
        lines = (step.heading(lang), step.summary, step.change_line(lang), *step.reasons)
    return draw(p, highlight=step.highlight, caption=lines, upto=step.number).fig


def png(fig: Figure, dpi: float = STRIP_DPI) -> bytes:
    """``fig`` as PNG bytes; the same figure always gives the same bytes (no timestamp is written)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def encode(pixels: np.ndarray) -> bytes:
    """An RGB array as PNG bytes (deterministic; straight from the array, no RGBA copy)."""
    from PIL import Image

    buffer = io.BytesIO()
    pixels = np.ascontiguousarray(pixels)
    Image.frombuffer("RGB", (pixels.shape[1], pixels.shape[0]), pixels, "raw", "RGB", 0, 1).save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


class _PngWriter:
    """A PNG written a band of rows at a time (zlib streaming), so a tall strip never sits in memory whole."""

    def __init__(self, width: int, height: int) -> None:
        import zlib

        self.width, self.height, self.written = width, height, 0
        self.zip = zlib.compressobj(6)
        self.data = bytearray()
        head = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])  # 8-bit RGB
        self.out = bytearray(b"\x89PNG\r\n\x1a\n") + self._chunk(b"IHDR", head)

    @staticmethod
    def _chunk(kind: bytes, body: bytes) -> bytes:
        import zlib

        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    def rows(self, band: np.ndarray, width: int | None = None) -> None:
        """Append ``band`` (RGB rows), padded with white to the image's width."""
        if band.shape[1] < self.width:
            band = np.concatenate([band, np.full((band.shape[0], self.width - band.shape[1], 3), 255, dtype=np.uint8)], axis=1)
        flat = band.reshape(band.shape[0], -1)
        sub = flat.copy()
        sub[:, 3:] = flat[:, 3:] - flat[:, :-3]  # the "Sub" filter: each byte less the one a pixel left (mod 256)
        lines = np.concatenate([np.ones((band.shape[0], 1), dtype=np.uint8), sub], axis=1)
        self.data += self.zip.compress(lines.tobytes())
        self.written += band.shape[0]

    def finish(self) -> bytes:
        """The PNG's bytes."""
        assert self.written == self.height, (self.written, self.height)
        self.data += self.zip.flush()
        return bytes(self.out + self._chunk(b"IDAT", bytes(self.data)) + self._chunk(b"IEND", b""))


def _rgba(fig: Figure, dpi: float) -> np.ndarray:
    """``fig`` rendered at ``dpi``: an RGBA array (straight alpha, as Agg keeps it)."""
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = np.asarray(canvas.buffer_rgba()).copy()  # type: ignore[no-untyped-call]
    del canvas.renderer  # its full-size buffer, now copied: freed now, not when the figure's cycle is collected
    return pixels


def _wrap(text: str, width: float, size: float, mono: bool = False) -> list[str]:
    """``text`` broken at spaces into lines about ``width`` points wide (measured once, so Hangul wraps right too)."""
    if not text:
        return []
    per_char = style.text_width(text, size, mono=mono) / len(text)
    return textwrap.wrap(text, max(int(width / per_char), 20)) or [text]


class Pictures:
    """The player's pictures, drawn once in parts and laid together per step.

    Step 0 (the network, the legend's frame, no frame yet) is drawn once; each
    frame's arrows, number, notes and legend line are drawn once as they look
    when done and once as they look when current, on transparent canvases of the
    same size. The picture of step ``k`` lays the done parts of frames 1 to
    ``k - 1`` and the current parts of frame ``k`` over step 0: a few dozen short
    texts drawn per frame instead of the whole picture per step. The same step
    always gives the same bytes.
    """

    def __init__(self, p: PathPlan, all_steps: Sequence[Step], dpi: float, lang: str) -> None:
        self.plan = p
        self.steps = list(all_steps)
        self.dpi = dpi
        self.lang = lang
        self._base: np.ndarray | None = None
        self._parts: dict[tuple[int, bool], tuple[np.ndarray, np.ndarray]] = {}
        self._done: tuple[int, np.ndarray] | None = None  # frames 1..n laid as done, the last asked for

    def _part(self, number: int, current: bool) -> tuple[np.ndarray, np.ndarray]:
        """Frame ``number``'s own drawing, kept sparse: the positions of its inked pixels and their RGBA there."""
        key = (number, current)
        if key not in self._parts:
            with style.classroom():
                step = self.steps[number - 1]
                hl = Highlight(number, step.device) if current else None
                rgba = _rgba(draw(self.plan, highlight=hl, only=number).fig, self.dpi).reshape(-1, 4)
            inked = np.flatnonzero(rgba[:, 3]).astype(np.int32)
            self._parts[key] = (inked, rgba[inked].copy())
        return self._parts[key]

    def base(self) -> np.ndarray:
        """Step 0: the network and the legend's frame, no frame drawn yet (RGB)."""
        if self._base is None:
            with style.classroom():
                self._base = _rgba(draw(self.plan, upto=0).fig, self.dpi)[:, :, :3].copy()
        return self._base

    @staticmethod
    def _lay(out: np.ndarray, part: tuple[np.ndarray, np.ndarray]) -> None:
        inked, rgba = part
        flat = out.reshape(-1, 3)
        alpha = rgba[:, 3:4].astype(np.float32) / 255.0
        under = flat[inked].astype(np.float32)
        flat[inked] = np.clip(np.rint(under * (1.0 - alpha) + rgba[:, :3].astype(np.float32) * alpha), 0, 255).astype(np.uint8)

    def _done_upto(self, n: int) -> np.ndarray:
        """Step 0 with frames 1..n laid over it as done (kept for the next step: a strip goes in order)."""
        if self._done is None or self._done[0] > n:
            self._done = (0, self.base().copy())
        k, out = self._done
        for m in range(k + 1, n + 1):
            self._lay(out, self._part(m, False))
        self._done = (n, out)
        return out

    def pixels(self, number: int) -> np.ndarray:
        """The picture of step ``number`` (1-based) as an RGB array."""
        out = self._done_upto(number - 1).copy()
        self._lay(out, self._part(number, True))
        return out

    def png(self, number: int) -> bytes:
        """The picture of step ``number`` (1-based) as PNG bytes."""
        return encode(self.pixels(number))

    def caption(self, step: Step) -> np.ndarray:
        """The step's caption under its picture: heading, tcpdump's words, what changed, why (RGB)."""
        width = self.plan.width
        room = width - 56
        body = _wrap(step.change_line(self.lang), room, style.NAME_PT)
        for reason in step.reasons:
            wrapped = _wrap(reason, room - 20, style.NAME_PT)
            body += [("• " if i == 0 else "   ") + x for i, x in enumerate(wrapped)]
        blocks = [([step.heading(self.lang)], style.font(style.NAME_PT, bold=True)),
                  (_wrap(step.summary, room, style.LABEL_PT, mono=True), style.font(mono=True)),
                  (body, style.font(style.NAME_PT))]
        height = sum(style.line_height(f.get_size()) * len(lines) for lines, f in blocks) + 36
        with style.classroom():
            canvas = Canvas(width, height)
            y = 14.0
            for lines, font in blocks:  # a text per block, not per line: each text costs its own layout
                if lines:
                    canvas.ax.text(28, canvas.y(y), "\n".join(lines), ha="left", va="top", color=style.INK, fontproperties=font,
                                   linespacing=1.1).set_gid("CAPTION")
                y += style.line_height(font.get_size()) * len(lines)
            return _rgba(canvas.fig, self.dpi)[:, :, :3]


class Strip(list[Figure]):
    """The player's steps as pictures, each with its caption below.

    As a cell's value it displays as one tall picture, the steps one under another
    (in an nbconvert HTML export, a PDF, GitHub's viewer, the docs). It saves with
    :meth:`savefig`: to a ``.png`` (that tall picture), a ``.pdf`` (a page per step)
    or a folder (``step-01.png``, ``step-02.png``, ...). It is also the list of the
    steps as figures (:class:`~simulator.viz.style.View`, drawn whole when first
    asked for), so ``strip[2].savefig("step3.svg")`` works too.
    """

    def __init__(self, p: PathPlan, all_steps: Sequence[Step], lang: str = "en", dpi: float = STRIP_DPI) -> None:
        super().__init__()
        self.plan = p
        self.steps = list(all_steps)
        self.lang = lang
        self.command = p.hops.command or ""
        self.pictures = Pictures(p, all_steps, dpi, lang)
        self._drawn = False
        self._stacked: bytes | None = None

    def _figures(self) -> None:
        if not self._drawn:
            self._drawn = True
            with style.classroom():
                super().extend(picture(self.plan, s, caption=True, lang=self.lang) for s in self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Any:
        self._figures()
        return super().__iter__()

    def __getitem__(self, index: Any) -> Any:
        self._figures()
        return super().__getitem__(index)

    def __bool__(self) -> bool:
        return bool(self.steps)

    def step_pixels(self, number: int) -> np.ndarray:
        """Step ``number`` (1-based), its picture and its caption, as one RGB array."""
        return np.concatenate([self.pictures.pixels(number), self.pictures.caption(self.steps[number - 1])], axis=0)

    def stacked(self) -> bytes:
        """Every step, one under another, as one PNG (a grey rule between steps)."""
        if self._stacked is None:
            if not self.steps:
                self._stacked = png(draw_empty(self.lang), self.pictures.dpi)
                return self._stacked
            # captions first (small), then each step's picture and caption, compressed as it comes: one step in memory at a time
            captions = [self.pictures.caption(step) for step in self.steps]
            base = self.pictures.base()
            rule = 8  # a grey rule between steps
            width = max([base.shape[1], *(c.shape[1] for c in captions)])
            height = sum(base.shape[0] + c.shape[0] for c in captions) + rule * (len(captions) - 1)
            writer = _PngWriter(width, height)
            for number, caption in enumerate(captions, start=1):
                if number > 1:
                    writer.rows(np.full((rule, width, 3), 190, dtype=np.uint8))
                writer.rows(self.pictures.pixels(number), width)
                writer.rows(caption, width)
            self._stacked = writer.finish()
        return self._stacked

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        data = self.stacked()
        width, height = _png_size(data)
        return data, {"width": width, "height": height}

    def __repr__(self) -> str:
        return _say("strip-text", self.lang, n=len(self.steps), command=self.command or "?")

    def savefig(self, target: str | os.PathLike[str]) -> list[Path]:
        """Save the steps: ``x.png`` one tall picture, ``x.pdf`` a page per step, a folder one PNG per step.

        Returns the files written.
        """
        path = Path(target)
        if path.suffix.lower() == ".png":
            path.write_bytes(self.stacked())
            return [path]
        if path.suffix.lower() == ".pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            with PdfPages(path) as pdf:
                for fig in self:
                    pdf.savefig(fig)
            return [path]
        if path.suffix:
            raise ValueError(f"a strip saves to .png, .pdf or a folder, not {path.suffix!r}")
        path.mkdir(parents=True, exist_ok=True)
        written = []
        for number in range(1, len(self.steps) + 1):
            out = path / f"step-{number:02d}.png"
            out.write_bytes(encode(self.step_pixels(number)))
            written.append(out)
        return written


def _png_size(data: bytes) -> tuple[int, int]:
    """The (width, height) in pixels written in a PNG's header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def draw_empty(lang: str) -> Figure:
    """A small picture saying the trace has no frames."""
    with style.classroom():
        fig = style.new_figure(420, 60)
        fig.axes[0].text(14, 30, term("no-frames", lang), ha="left", va="center", fontproperties=style.font(), color=style.MUTED)
        return fig


def strip_html(strip: Strip) -> str:
    """The strip as an HTML ``<div class="dockersim-strip">`` holding its tall picture (what a static page shows)."""
    data = strip.stacked()
    width, _height = _png_size(data)
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<div class="dockersim-strip"><img alt="{html.escape(repr(strip))}" style="max-width:100%" width="{width}" '
            f'src="data:image/png;base64,{encoded}"></div>')


def strip(trace: Sequence[Any], lang: str | None = None) -> Strip:
    """Every step of the player as a picture with its caption: a :class:`Strip`.

    >>> from simulator import Lab
    >>> lab = Lab(seed=1)
    >>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    >>> s = strip(lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace)
    >>> len(s), s._repr_png_()[0][:4]
    (12, b'\\x89PNG')
    """
    lang = language(trace, lang)
    with style.classroom():
        p = plan(trace, lang)
        all_steps = steps(trace, lang, p)
    return Strip(p, all_steps, lang)


# --- the PDU panel ----------------------------------------------------------------------------------


def pdu_rows(step: Step, lang: str = "en") -> list[tuple[str, str, str, str, bool]]:
    """The panel's rows: (layer, field, value as it came in, value as it went out, changed).

    A layer heading is a row whose field is empty. Layers only one side has (a
    VXLAN wrap's outer headers) show an empty value on the other side.
    """
    out_layers = layers(step.went_out)
    in_layers: tuple[Layer, ...] = layers(step.came_in) if step.came_in is not None else ()
    names = [layer.name for layer in out_layers] + [layer.name for layer in in_layers if layer.name not in {x.name for x in out_layers}]
    by_name_in = {layer.name: layer for layer in in_layers}
    by_name_out = {layer.name: layer for layer in out_layers}
    rows: list[tuple[str, str, str, str, bool]] = []
    for name in names:
        rows.append((name, "", "", "", False))
        fields = list(dict.fromkeys([k for k, _v in (by_name_out[name].fields if name in by_name_out else ())]
                                    + [k for k, _v in (by_name_in[name].fields if name in by_name_in else ())]))
        for k in fields:
            old = by_name_in[name].get(k) if name in by_name_in else None
            new = by_name_out[name].get(k) if name in by_name_out else None
            rows.append((name, field_label(k, lang), old or "", new or "", (name, k) in step.marked))
    return rows


def panel_html(step: Step, lang: str = "en") -> str:
    """The caption and PDU panel of ``step`` as HTML: the frame by layer, in and out, the changes marked, and why."""
    e = html.escape
    came = (_say("came-in", lang, where=step.came_from) if step.came_from else _say("made-here", lang, node=step.device.split("/", 1)[0]))
    went = _say("went-out", lang, where=step.device)
    head = [f"<div style=\"font-family:{_FONTS}\">",
            f"<div style='font-size:18px;line-height:1.45'><b>{e(step.heading(lang))}</b><br>",
            f"<code style='font-size:16px'>{e(step.summary)}</code></div>"]
    table = ["<table style='border-collapse:collapse;font-size:17px;margin:6px 0'>",
             f"<tr><th style='text-align:left;padding:2px 10px'>{e(_say('field', lang))}</th>"
             f"<th style='text-align:left;padding:2px 10px'>{e(came)}</th><th style='text-align:left;padding:2px 10px'>{e(went)}</th></tr>"]
    for layer_name, field, old, new, is_changed in pdu_rows(step, lang):
        if not field:
            table.append(f"<tr><td colspan='3' style='padding:6px 4px 2px;font-weight:bold;border-bottom:1px solid #bbb'>{e(layer_name)}</td></tr>")
            continue
        mark = "background:#F9E79F;font-weight:bold" if is_changed else ""
        flag = " ✱" if is_changed else ""
        table.append(f"<tr class='{'dockersim-changed' if is_changed else ''}' style='{mark}'><td style='padding:1px 10px'>{e(field)}{flag}</td>"
                     f"<td style='padding:1px 10px;font-family:monospace'>{e(old)}</td>"
                     f"<td style='padding:1px 10px;font-family:monospace'>{e(new)}</td></tr>")
    table.append("</table>")
    why = "".join(f"<li>{e(s)}</li>" for s in step.reasons)
    tail = [f"<div style='font-size:17px;margin:4px 0'>{e(step.change_line(lang))}</div>",
            f"<div style='font-size:17px;line-height:1.45'><b>{e(_say('why', lang))}</b><ul style='margin:2px 0'>{why}</ul></div>"]
    return "".join(head + tail + table) + "</div>"  # why first: the table is for those who look closer


_FONTS = "'NanumGothic', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif"
"""The panel's fonts: the figures' Korean font first, then the ones Windows, macOS and Linux carry."""


# --- the live player ---------------------------------------------------------------------------------

def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _headless() -> bool:
    """Whether the running cell was sent by a client that takes no keyboard input (nbclient: ``nbconvert --execute``,
    papermill), where no one will step through a widget; JupyterLab, Notebook and VS Code allow input."""
    from IPython import get_ipython

    shell = get_ipython()
    kernel = shell.kernel if shell is not None and hasattr(shell, "kernel") else None
    if kernel is None:
        return False
    parent = kernel.get_parent()
    return isinstance(parent, dict) and parent.get("content", {}).get("allow_stdin") is False


def _player_class() -> type:
    import ipywidgets

    class Player(ipywidgets.VBox):  # type: ignore[misc]
        """The live player: controls, the picture, the PDU panel; the strip rides in its output for static pages."""

        def __init__(self, trace: Sequence[Any], lang: str) -> None:
            with style.classroom():
                self.plan = plan(trace, lang)
                self.steps = steps(trace, lang, self.plan)
            self.lang = lang
            self.trace = trace
            self._cache: dict[int, bytes] = {}
            self.strip = Strip(self.plan, self.steps, lang, PICTURE_DPI)  # the same pictures, drawn once for both
            self.pictures = self.strip.pictures
            n = len(self.steps)
            last = max(n - 1, 0)
            self.picture = ipywidgets.Image(format="png", layout=ipywidgets.Layout(width="100%"))
            self.picture.add_class("dockersim-player-picture")
            self.panel = ipywidgets.HTML()
            self.panel.add_class("dockersim-player-panel")
            self.play = ipywidgets.Play(value=0, min=0, max=last, step=1, interval=1500, repeat=False)
            self.play.add_class("dockersim-play")
            self.slider = ipywidgets.IntSlider(value=0, min=0, max=last, description=term("step-word", lang), continuous_update=True,
                                               readout=False)
            self.back = ipywidgets.Button(description="◀", tooltip=_say("back", lang), layout=ipywidgets.Layout(width="3.2em"))
            self.back.add_class("dockersim-step-back")
            self.forward = ipywidgets.Button(description="▶", tooltip=_say("forward", lang), layout=ipywidgets.Layout(width="3.2em"))
            self.forward.add_class("dockersim-step-forward")
            self.speed = ipywidgets.Dropdown(options=[("0.5×", 3000), ("1×", 1500), ("2×", 750), ("4×", 375)], value=1500,
                                             description=_say("speed", lang), layout=ipywidgets.Layout(width="12em"))
            ipywidgets.jslink((self.play, "value"), (self.slider, "value"))
            ipywidgets.link((self.speed, "value"), (self.play, "interval"))
            self.slider.observe(lambda change: self.show(change["new"]), names="value")
            self.back.on_click(lambda _b: self.go(self.slider.value - 1))
            self.forward.on_click(lambda _b: self.go(self.slider.value + 1))
            controls = ipywidgets.HBox([self.play, self.back, self.slider, self.forward, self.speed])
            super().__init__([controls, self.picture, self.panel])
            self.add_class("dockersim-player")
            self.show(0)

        def go(self, index: int) -> None:
            """Move to step ``index + 1`` (0-based, clamped to the steps there are)."""
            self.slider.value = min(max(index, 0), max(len(self.steps) - 1, 0))

        def image(self, index: int) -> bytes:
            """The picture at step ``index + 1`` as PNG bytes (drawn once, then kept)."""
            if index not in self._cache:
                self._cache[index] = self.pictures.png(index + 1)
            return self._cache[index]

        def show(self, index: int) -> None:
            """Show step ``index + 1``: its picture and its panel."""
            if not self.steps:
                self.panel.value = f"<p>{html.escape(term('no-frames', self.lang))}</p>"
                return
            self.picture.value = self.image(index)
            self.panel.value = panel_html(self.steps[index], self.lang)

        def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            """One output: the widget's view, and the strip for front-ends without the widget's state (see the module's notes)."""
            bundle: dict[str, Any] = dict(super()._repr_mimebundle_(**kwargs) or {})
            if _headless():
                bundle.pop("application/vnd.jupyter.widget-view+json", None)
            data, size = self.strip._repr_png_()
            bundle["image/png"] = base64.b64encode(data).decode("ascii")
            bundle["text/html"] = strip_html(self.strip)
            bundle["text/plain"] = _say("player-text", self.lang, n=len(self.steps), command=self.plan.hops.command or "?")
            return bundle, {"image/png": size}

    return Player


def player(trace: Sequence[Any], lang: str | None = None, *, widgets: bool | None = None) -> Any:
    """Step through ``trace`` one numbered frame at a time.

    Args:
        trace: one command's trace (``lab.sh(...).trace``).
        lang: ``"en"`` or ``"ko"`` (default: the lab's language).
        widgets: force (``True``) or refuse (``False``) the ipywidgets player; by
            default it is used when running in a Jupyter kernel with ipywidgets.

    Returns:
        In a Jupyter kernel, the live player (an ``ipywidgets.VBox`` with the
        ``dockersim-player`` class) whose output carries the strip as its fallback
        for static pages; elsewhere the :class:`Strip`.
    """
    lang = language(trace, lang)
    use_widgets = widgets if widgets is not None else _in_kernel()
    if use_widgets:
        try:
            import ipywidgets  # noqa: F401
        except ImportError:
            use_widgets = False
    if not use_widgets:
        return strip(trace, lang)
    return _player_class()(trace, lang)
