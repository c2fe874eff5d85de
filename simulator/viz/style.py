"""The classroom style: big type, thick lines, colours everyone can tell apart, Hangul.

A figure here is meant to be projected and read from the back row, and printed in
lecture notes in black and white. So every label is at least 14 pt at the figure's
own size (figures are sized from their content, one data unit = one point, so
nothing is shrunk to fit), lines are 2 pt or more, and colours come from the
Okabe-Ito palette (distinguishable with the common colour-vision deficiencies),
always paired with a second cue (a dash, a number, a marker) for grey print.

Korean is a first-class language: the NanumGothic TrueType files that the
``koreanize-matplotlib`` package ships are registered with matplotlib's font
manager (without importing that package, which would change global rcParams), and
every text uses the family list ``["NanumGothic", "DejaVu Sans"]``: NanumGothic
for Hangul and Latin, DejaVu Sans as the per-glyph fallback matplotlib uses for
anything NanumGothic lacks. :func:`missing_glyphs` tells which characters of a
figure no font in its family list can draw (a test fails on any).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, fontManager
from matplotlib.ft2font import FT2Font
from matplotlib.rcsetup import cycler
from matplotlib.table import Table
from matplotlib.text import Text
from matplotlib.textpath import text_to_path
from matplotlib.typing import RcKeyType

# --- fonts ------------------------------------------------------------------

SANS = ["NanumGothic", "DejaVu Sans"]
"""Family list for every label: Hangul and Latin from NanumGothic, the rest from DejaVu Sans."""

MONO = ["DejaVu Sans Mono", "NanumGothic"]
"""Family list for addresses (MACs line up); Hangul, should any appear, falls back to NanumGothic."""

_KOREAN_FONT_PACKAGE = "koreanize_matplotlib"


@functools.cache
def register_fonts() -> tuple[str, ...]:
    """Register the bundled NanumGothic files with matplotlib (once); return their paths.

    The files come from the ``koreanize-matplotlib`` distribution (a project
    dependency). Nothing of it is imported or run: its ``__init__`` changes
    rcParams globally, which a library must not do to its caller.
    """
    # find_spec locates the package without running it (importlib.resources.files would import it)
    spec = importlib.util.find_spec(_KOREAN_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency of the project
        return ()
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    added = []
    for ttf in sorted(folder.glob("NanumGothic*.ttf")):
        fontManager.addfont(str(ttf))
        added.append(str(ttf))
    return tuple(added)


# --- sizes and colours -------------------------------------------------------

TITLE_PT = 20
NAME_PT = 16  # a namespace's name (c1, host, router)
LABEL_PT = 14  # devices, addresses, legends: never smaller
LINE_PT = 2.5  # links
ARROW_PT = 3.0  # packet arrows

# --- the slide rule -------------------------------------------------------------
#
# A figure is made to go on a 16:9 slide of 1920 x 1080 pixels and be read from the
# back row. The rule: the smallest text's em is at least 1/45 of the slide's height
# (24 px on 1080) at the size the figure is saved and shown at, and the figure is at
# most 1920 px wide there. At 125 pixels per inch the smallest text (LABEL_PT, 14 pt)
# is 24.3 px; a figure wider than SLIDE_WIDTH_PX at that density is saved and shown
# at the density that makes it exactly that wide (so it always fits the width), and
# the test of the slide rule then finds its text too small: the views keep their
# figures narrow enough instead (legends below the drawing, "+N more" boxes).

SLIDE_WIDTH_PX = 1920
"""Width of a 16:9 slide in pixels: no figure is saved or shown wider."""

SLIDE_HEIGHT_PX = 1080
"""Height of a 16:9 slide in pixels."""

MIN_TEXT_PX = SLIDE_HEIGHT_PX / 45
"""The smallest text a back-row reader can read: an em of 1/45 of the slide's height (24 px)."""

SLIDE_DPI = 125
"""Pixels per inch a figure is saved and shown at: LABEL_PT (14 pt) is then 24.3 px, at least MIN_TEXT_PX."""

SLIDE_WIDTH_PT = SLIDE_WIDTH_PX * 72 / SLIDE_DPI
"""The widest a figure may be, in points (1105.9 pt), for its text to stay at least MIN_TEXT_PX on the slide."""

SLIDE_HEIGHT_PT = SLIDE_HEIGHT_PX * 72 / SLIDE_DPI
"""The height of a slide in points at SLIDE_DPI (622 pt): a table taller than this is shortened."""


def slide_dpi(width_in: float) -> float:
    """The pixels per inch a figure ``width_in`` inches wide is saved and shown at.

    SLIDE_DPI, or less for a figure that would be wider than the slide then.

    >>> slide_dpi(8.0), slide_dpi(20.0)
    (125, 96.0)
    """
    return min(SLIDE_DPI, SLIDE_WIDTH_PX / width_in) if width_in > 0 else SLIDE_DPI


def text_px(size_pt: float, dpi: float) -> float:
    """The em of ``size_pt`` text in pixels at ``dpi``.

    >>> round(text_px(LABEL_PT, SLIDE_DPI), 1)
    24.3
    """
    return size_pt * dpi / 72.0


OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
"""Okabe & Ito (2008), *Color Universal Design*: eight colours safe for colour-blind readers."""

INK = "#222222"
MUTED = "#5A5A5A"  # secondary text (MACs, images): still 7:1 contrast on white
FAINT = "#B8B8B8"  # the network behind a path
PAPER = "#FFFFFF"

FILL = {
    "container": "#E8F3FB",  # pale sky
    "docker-host": "#F7F7F2",
    "bridge": "#FFF1CC",  # pale orange
    "switch": "#EDEDED",
    "router": "#E6F5EF",  # pale green
    "internet": "#EAF2FA",
    "laptop": "#F4EAF1",  # pale purple
    "group": "#F2F2F2",
    "overlay-netns": "#FBEFF6",  # pale purple: an overlay network's namespace inside a host
    "device": "#FFFFFF",
    "changed": "#FBF3A6",  # pale yellow: a header field a hop rewrote
}

EDGE = {
    "container": OKABE_ITO["blue"],
    "docker-host": INK,
    "bridge": OKABE_ITO["orange"],
    "switch": INK,
    "router": OKABE_ITO["green"],
    "internet": OKABE_ITO["blue"],
    "laptop": OKABE_ITO["purple"],
    "group": MUTED,
    "overlay-netns": OKABE_ITO["purple"],
}

KIND_COLOUR = {
    "arp": OKABE_ITO["orange"],
    "request": OKABE_ITO["blue"],
    "reply": OKABE_ITO["green"],
    "error": OKABE_ITO["vermillion"],
    "other": OKABE_ITO["purple"],
    "drop": OKABE_ITO["vermillion"],
    "nat": OKABE_ITO["purple"],
}
"""Colours of packet arrows by what the frame is (each kind also has its own line style)."""

KIND_STYLE = {"arp": (0, (4, 2)), "request": "solid", "reply": "solid", "error": (0, (1, 1.5)), "other": (0, (6, 2, 1, 2))}

CLASSROOM_RC: dict[RcKeyType, Any] = {
    "font.family": SANS,
    "font.size": LABEL_PT,
    "axes.titlesize": TITLE_PT,
    "axes.labelsize": LABEL_PT,
    "xtick.labelsize": LABEL_PT,
    "ytick.labelsize": LABEL_PT,
    "legend.fontsize": LABEL_PT,
    "lines.linewidth": LINE_PT,
    "patch.linewidth": 2.0,
    "axes.linewidth": 1.5,
    "axes.unicode_minus": False,
    "figure.dpi": 100,
    "savefig.dpi": SLIDE_DPI,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.prop_cycle": cycler(color=[OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]),
}


@contextlib.contextmanager
def classroom() -> Iterator[None]:
    """Draw inside this context to get the classroom rcParams (and the fonts registered)."""
    register_fonts()
    with matplotlib.rc_context(CLASSROOM_RC):
        yield


def font(size: float = LABEL_PT, *, bold: bool = False, mono: bool = False) -> FontProperties:
    """The font properties every view uses (a copy: callers may change it)."""
    register_fonts()
    return FontProperties(family=MONO if mono else SANS, size=size, weight="bold" if bold else "normal")


@functools.lru_cache(maxsize=4096)
def _width(text: str, size: float, bold: bool, mono: bool) -> float:
    prop = font(size, bold=bold, mono=mono)
    widest = 0.0
    for line in text.split("\n"):
        if line:
            w, _h, _d = text_to_path.get_text_width_height_descent(line, prop, ismath=False)
            widest = max(widest, w)
    return widest


def text_width(text: str, size: float = LABEL_PT, *, bold: bool = False, mono: bool = False) -> float:
    """Width in points of ``text`` (its widest line) as it will be drawn."""
    return _width(text, float(size), bold, mono)


def wrap(text: str, width: float, size: float = LABEL_PT, *, bold: bool = False, mono: bool = False) -> str:
    """``text`` with its lines broken at spaces so each fits ``width`` points (a word wider than that stays whole).

    >>> wrap("one two three", text_width("one two"))
    'one two\\nthree'
    """
    out: list[str] = []
    for line in text.split("\n"):
        words = line.split(" ")
        current = words[0]
        for word in words[1:]:
            candidate = f"{current} {word}"
            if text_width(candidate, size, bold=bold, mono=mono) <= width:
                current = candidate
            else:
                out.append(current)
                current = word
        out.append(current)
    return "\n".join(out)


def line_height(size: float = LABEL_PT) -> float:
    """Baseline-to-baseline distance in points for ``size``."""
    return size * 1.3


REPR_SCALE = 2
"""A notebook's PNG is drawn at twice the density it is shown at (sharp on a projector)."""


class View(Figure):
    """A figure that shows itself as a picture wherever it lands.

    As a cell's value it displays as a PNG in JupyterLab, classic Notebook, VS Code
    and an nbconvert HTML export, with no ``%matplotlib`` line and whatever
    ``MPLBACKEND`` is set; it is never registered with pyplot, so it is not shown
    twice. It is a plain matplotlib Figure otherwise: ``savefig`` writes PNG, SVG
    and PDF.
    """

    @property
    def slide_dpi(self) -> float:
        """The pixels per inch this figure is saved and shown at (see :func:`slide_dpi`)."""
        return slide_dpi(float(self.get_size_inches()[0]))

    def savefig(self, fname: Any, *, transparent: bool | None = None, **kwargs: Any) -> None:
        """``Figure.savefig``, at :attr:`slide_dpi` unless ``dpi`` is given."""
        kwargs.setdefault("dpi", self.slide_dpi)
        super().savefig(fname, transparent=transparent, **kwargs)

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        buffer = io.BytesIO()
        shown = self.slide_dpi
        # zlib level 3, not PIL's 6: a quarter less time for a quarter more bytes, on every picture a lesson shows
        self.savefig(buffer, format="png", dpi=REPR_SCALE * shown, pil_kwargs={"compress_level": 3})
        width, height = self.get_size_inches()
        return buffer.getvalue(), {"width": round(width * shown), "height": round(height * shown)}


def new_figure(width_pt: float, height_pt: float) -> Figure:
    """A figure of exactly ``width_pt`` x ``height_pt`` points with one bare axes in point units.

    One data unit is one point at the figure's own size, so a layout computed in
    points places 14 pt text exactly where it measured it.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = View(figsize=(width_pt / 72.0, height_pt / 72.0), facecolor=PAPER)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0.0, width_pt)
    ax.set_ylim(0.0, height_pt)
    ax.set_axis_off()
    return fig


# --- the glyph check ---------------------------------------------------------

_GENERIC: dict[str, RcKeyType] = {
    "sans-serif": "font.sans-serif",
    "serif": "font.serif",
    "monospace": "font.monospace",
    "cursive": "font.cursive",
    "fantasy": "font.fantasy",
}
"""Generic family name -> the rcParams key listing its concrete families."""

_FontStyle = Literal["normal", "italic", "oblique"]


@functools.lru_cache(maxsize=64)
def _font_files(families: tuple[str, ...], weight: str, style: _FontStyle) -> tuple[str, ...]:
    files: list[str] = []
    for family in families:
        names = matplotlib.rcParams[_GENERIC[family]] if family in _GENERIC else [family]
        for name in names:
            try:
                path = findfont(FontProperties(family=name, weight=weight, style=style), fallback_to_default=False)
            except ValueError:
                continue
            if path not in files:
                files.append(path)
    return tuple(files)


@functools.lru_cache(maxsize=64)
def _charmap(path: str) -> frozenset[int]:
    return frozenset(FT2Font(path).get_charmap())


def _texts(fig: Figure) -> Iterator[Text]:
    for artist in fig.findobj(lambda a: isinstance(a, Text | Table)):
        if isinstance(artist, Table):
            for cell in artist.get_celld().values():
                yield cell.get_text()
        elif isinstance(artist, Text):
            yield artist


def missing_glyphs(fig: Figure) -> set[str]:
    """Characters in ``fig``'s texts that no font of their family list can draw.

    Matplotlib would draw each as an empty box (tofu) with only a warning; a
    test calls this on every figure and fails on any character it returns.

    >>> from simulator.viz.style import classroom, missing_glyphs, new_figure
    >>> with classroom():
    ...     fig = new_figure(200, 50)
    ...     _ = fig.axes[0].text(10, 20, "도커 네트워크 docker0")
    >>> missing_glyphs(fig)
    set()
    """
    register_fonts()
    missing: set[str] = set()
    for text in _texts(fig):
        content = text.get_text()
        if not content or not text.get_visible():
            continue
        prop = text.get_fontproperties()
        files = _font_files(tuple(prop.get_family()), str(prop.get_weight()), prop.get_style())
        maps = [_charmap(f) for f in files]
        for ch in set(content):
            if ch.isspace() or ord(ch) < 32:
                continue
            if not any(ord(ch) in m for m in maps):
                missing.add(ch)
    return missing
