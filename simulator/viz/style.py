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
    "savefig.dpi": 100,
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


def line_height(size: float = LABEL_PT) -> float:
    """Baseline-to-baseline distance in points for ``size``."""
    return size * 1.3


REPR_DPI = 2 * 100
"""Pixels per inch of the PNG a notebook shows: twice ``savefig.dpi``, drawn at half that size (sharp on a projector)."""


class View(Figure):
    """A figure that shows itself as a picture wherever it lands.

    As a cell's value it displays as a PNG in JupyterLab, classic Notebook, VS Code
    and an nbconvert HTML export, with no ``%matplotlib`` line and whatever
    ``MPLBACKEND`` is set; it is never registered with pyplot, so it is not shown
    twice. It is a plain matplotlib Figure otherwise: ``savefig`` writes PNG, SVG
    and PDF.
    """

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=REPR_DPI)
        width, height = self.get_size_inches()
        shown = CLASSROOM_RC["savefig.dpi"]
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
