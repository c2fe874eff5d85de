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
from collections.abc import Sequence
from typing import Any

from simulator.trace.layers import Layer, field_label, layers
from simulator.viz import style
from simulator.viz.path import plan
from simulator.viz.steps import Event, Step, events, steps
from simulator.viz.strip import STRIP_DPI, Pictures, Strip, picture, strip, strip_html
from simulator.viz.strip import render_rgba as _rgba
from simulator.viz.words import language, term

__all__ = [
    "PICTURE_DPI", "STRIP_DPI", "Event", "Pictures", "Step", "Strip", "_rgba", "events", "panel_html", "pdu_rows", "picture", "player",
    "steps", "strip", "strip_html",
]

PICTURE_DPI = STRIP_DPI
"""Pixels per inch of the live player's picture (scaled to the notebook's width) and of the strip shown after it:
the strip's, so an export stays legible, and both come from the same parts (text, not pixels, is what costs)."""


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
    came = (term("came-in", lang, where=step.came_from) if step.came_from else term("made-here", lang, node=step.device.split("/", 1)[0]))
    went = term("went-out", lang, where=step.device)
    head = [f"<div style=\"font-family:{_FONTS}\">",
            f"<div style='font-size:18px;line-height:1.45'><b>{e(step.heading(lang))}</b><br>",
            f"<code style='font-size:16px'>{e(step.summary)}</code></div>"]
    table = ["<table style='border-collapse:collapse;font-size:17px;margin:6px 0'>",
             f"<tr><th style='text-align:left;padding:2px 10px'>{e(term('field', lang))}</th>"
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
            f"<div style='font-size:17px;line-height:1.45'><b>{e(term('why', lang))}</b><ul style='margin:2px 0'>{why}</ul></div>"]
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
            self.back = ipywidgets.Button(description="◀", tooltip=term("back", lang), layout=ipywidgets.Layout(width="3.2em"))
            self.back.add_class("dockersim-step-back")
            self.forward = ipywidgets.Button(description="▶", tooltip=term("forward", lang), layout=ipywidgets.Layout(width="3.2em"))
            self.forward.add_class("dockersim-step-forward")
            self.speed = ipywidgets.Dropdown(options=[("0.5×", 3000), ("1×", 1500), ("2×", 750), ("4×", 375)], value=1500,
                                             description=term("speed", lang), layout=ipywidgets.Layout(width="12em"))
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
            bundle["text/plain"] = term("player-text", self.lang, n=len(self.steps), command=self.plan.hops.command or "?")
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
