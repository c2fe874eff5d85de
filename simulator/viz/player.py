"""Step through one command's trace, record by record, in Jupyter.

``player(r.trace)`` shows the packet path (:mod:`simulator.viz.path`) with the
current step highlighted (a thick arrow for a frame on the move, a yellow
marker behind the device that acted) and, beside it, the frame as tcpdump prints it and one
sentence saying what happened and why: "docker0 forwarded the frame to
veth1a2b3c4 because its FDB says 02:42:ac:11:00:03 is there". Play, a slider and
step buttons (ipywidgets) move through the steps.

Without a widget front-end (ipywidgets missing, or not running in a Jupyter
kernel: a script, a test, ``dockersim``), ``player`` returns the same steps as a
"strip": a list of static figures, one per step, each with its caption.

The sentences come from :func:`simulator.trace.explain.explain`, the one
``explain`` (it reads nothing but a record), in English and Korean.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from simulator.trace.explain import explain, explain_passed_on
from simulator.trace.records import (
    BridgeForwarded,
    CommandRun,
    FilterVerdict,
    FrameReceived,
    FrameSent,
    MacvlanForwarded,
    NatTranslated,
    RouteChosen,
    TopologyChanged,
    VxlanDecapsulated,
    VxlanEncapsulated,
)
from simulator.viz import style
from simulator.viz.hops import bridge_id
from simulator.viz.path import Highlight, PathPlan, draw, plan
from simulator.viz.words import language, term

# --- steps ------------------------------------------------------------------------------------------

SKIPPED = (FrameReceived, CommandRun, TopologyChanged)
"""Records that are not steps of their own (a frame's arrival is shown with its sending)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One stop of the player: a record, what to highlight, what to say."""

    index: int
    record: Any
    segment: tuple[str, str] | None
    device: str | None
    summary: str
    explanation: str
    group: int | None = None

    @property
    def highlight(self) -> Highlight:
        return Highlight(self.group, self.segment, self.device)


def steps(trace: Sequence[Any], lang: str = "en", the_plan: PathPlan | None = None) -> list[Step]:
    """The player's steps for ``trace``: every record but arrivals and bookkeeping."""
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
    out: list[Step] = []
    for r in trace:
        if isinstance(r, SKIPPED):
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
        out.append(Step(len(out) + 1, r, segment, device, summary, sentence, group))
    return out


def _caption(step: Step, total: int, t0: float, lang: str) -> tuple[str, str, str]:
    head = term("step", lang, i=step.index, n=total) + f"    t = {(step.record.time - t0) * 1000:.3f} ms"
    return (head, step.summary, step.explanation)


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def strip(trace: Sequence[Any], lang: str | None = None) -> list[Figure]:
    """The player as static figures: one per step, the step highlighted, its caption below."""
    lang = language(trace, lang)
    with style.classroom():
        p = plan(trace, lang)
        all_steps = steps(trace, lang, p)
        t0 = p.hops.t0
        figures = []
        for s in all_steps:
            figures.append(draw(p, highlight=s.highlight, caption=_caption(s, len(all_steps), t0, lang)).fig)
        return figures


def player(trace: Sequence[Any], lang: str | None = None, *, widgets: bool | None = None) -> Any:
    """Step through ``trace`` in Jupyter: Play, a slider, step back and forward.

    Args:
        trace: one command's trace (``lab.sh(...).trace``).
        lang: ``"en"`` or ``"ko"``.
        widgets: force (``True``) or refuse (``False``) the ipywidgets player; by
            default it is used when running in a Jupyter kernel with ipywidgets.

    Returns:
        An ``ipywidgets.VBox`` in a notebook, else a list of matplotlib Figures (the strip).
    """
    lang = language(trace, lang)
    use_widgets = widgets if widgets is not None else _in_kernel()
    if use_widgets:
        try:
            import ipywidgets
        except ImportError:
            use_widgets = False
    if not use_widgets:
        return strip(trace, lang)

    with style.classroom():
        p = plan(trace, lang)
        all_steps = steps(trace, lang, p)
    t0 = p.hops.t0
    cache: dict[int, bytes] = {}

    def png(i: int) -> bytes:
        if i not in cache:
            with style.classroom():
                s = all_steps[i]
                fig = draw(p, highlight=s.highlight).fig
                buffer = io.BytesIO()
                fig.savefig(buffer, format="png", dpi=72)
                cache[i] = buffer.getvalue()
        return cache[i]

    n = len(all_steps)
    image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(width="100%"))
    panel = ipywidgets.HTML()
    play = ipywidgets.Play(value=0, min=0, max=max(n - 1, 0), step=1, interval=1500)
    slider = ipywidgets.IntSlider(value=0, min=0, max=max(n - 1, 0), description=term("step-word", lang), continuous_update=False)
    back = ipywidgets.Button(description="◀", layout=ipywidgets.Layout(width="3em"))
    forward = ipywidgets.Button(description="▶", layout=ipywidgets.Layout(width="3em"))
    ipywidgets.jslink((play, "value"), (slider, "value"))

    def show(i: int) -> None:
        if not all_steps:
            panel.value = f"<p>{term('no-frames', lang)}</p>"
            return
        s = all_steps[i]
        image.value = png(i)
        from html import escape

        panel.value = (
            f"<div style='font-size:18px;line-height:1.5'><b>{escape(term('step', lang, i=s.index, n=n))}</b>"
            f" &nbsp; t = {(s.record.time - t0) * 1000:.3f} ms<br>"
            f"<code style='font-size:16px'>{escape(s.summary)}</code><br>{escape(s.explanation)}</div>"
        )

    slider.observe(lambda change: show(change["new"]), names="value")
    back.on_click(lambda _b: setattr(slider, "value", max(slider.value - 1, 0)))
    forward.on_click(lambda _b: setattr(slider, "value", min(slider.value + 1, max(n - 1, 0))))
    show(0)
    return ipywidgets.VBox([ipywidgets.HBox([play, back, slider, forward]), panel, image])
