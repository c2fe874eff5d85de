"""The player's steps as pictures: one per step, laid together from parts drawn once, as a strip or a PNG.

:class:`Pictures` draws the path of step 0 (the network, the legend, no frame yet)
once, and each frame's own drawing (its arrows, number, notes, legend line) once as
it looks when done and once when current; the picture of step ``k`` lays frames
``1..k-1`` done and frame ``k`` current over step 0. :class:`Strip` is every step's
picture with its caption (heading, tcpdump's words, what changed, why): it shows
itself as one tall PNG (written a band at a time, :class:`_PngWriter`), saves to a
PNG, a PDF or a folder, and is the list of the steps as whole figures too.
:func:`picture` draws one step whole: the reference the parts are tested against.
"""

from __future__ import annotations

import base64
import html
import io
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from simulator.viz import style
from simulator.viz.draw import Canvas
from simulator.viz.path import Highlight, PathPlan, draw, plan
from simulator.viz.steps import Step, steps
from simulator.viz.words import language, term

STRIP_DPI = 100
"""Pixels per inch of a strip's pictures: the classroom size (14 pt text is 19 px tall)."""


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
        self.zip = zlib.compressobj(3)  # level 3: half level 6's time for a tenth more bytes (a strip is encoded on display)
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


def render_rgba(fig: Figure, dpi: float) -> np.ndarray:
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
                rgba = render_rgba(draw(self.plan, highlight=hl, only=number).fig, self.dpi).reshape(-1, 4)
            inked = np.flatnonzero(rgba[:, 3]).astype(np.int32)
            self._parts[key] = (inked, rgba[inked].copy())
        return self._parts[key]

    def base(self) -> np.ndarray:
        """Step 0: the network and the legend's frame, no frame drawn yet (RGB)."""
        if self._base is None:
            with style.classroom():
                self._base = render_rgba(draw(self.plan, upto=0).fig, self.dpi)[:, :, :3].copy()
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
            return render_rgba(canvas.fig, self.dpi)[:, :, :3]


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
        return term("strip-text", self.lang, n=len(self.steps), command=self.command or "?")

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
