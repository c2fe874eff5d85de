"""MkDocs hooks: pages show the scenarios' figures, in a font that has Hangul.

**Figures.** The figures are not in git. Before the pages are built,
``on_pre_build`` has ``docs/gen_gallery.py`` draw every figure a page asks for into
``docs/assets/NAME/`` (one folder per built-in scenario, ``ko/`` inside for the
Korean pages), as PNG; a folder already drawn from the same sources is kept, so only
the first build after a change pays for the drawing. A page marks where the figures go
with an HTML comment, which GitHub's Markdown view hides and this hook replaces:

``<!-- figures: NAME -->``
    every PNG in ``docs/assets/NAME/`` (the topology first; Korean pages take
    ``docs/assets/NAME/ko/``), each with links to its SVG and PDF when
    ``docs/gen_gallery.py`` was run by hand to write them.
``<!-- gallery -->``
    one section per built-in scenario with its title and its figures.
``<!-- api: simulator.viz -->``
    the mkdocstrings directive for the views when ``simulator.viz`` can be
    imported and has its public functions; otherwise a note.

A figure that cannot be drawn is a warning, so ``mkdocs build --strict`` fails rather
than publish a page without its picture.

**The theme's own words.** One build holds both languages, and Material takes its
words (the search box, "Table of contents", the footer's "Previous"/"Next", the
``<html lang>``) from ``theme.language``. ``on_page_context`` sets it to the page's
language just before the page is rendered: Korean pages (``docs/ko/``) get Material's
Korean, every other page its English; the colour toggle's names (``theme.palette``) follow.

**Hangul.** The site carries its own Korean font: NanumGothic, the font the figures
already use, from the ``koreanize_matplotlib`` package (a dependency of the project).
``on_pre_build`` makes web fonts of its regular and bold faces in
``docs/assets/fonts/`` (``tools/lessons.py``, which does the same for the lessons in
JupyterLab, says what browsers need of them);
``docs/stylesheets/hangul.css`` declares them (``@font-face``, for Hangul code points
only) ahead of the theme's fonts, so Korean pages render on a machine with no Korean
font installed, and a page without Hangul never downloads them.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import posixpath
import re
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

DOCS = Path(__file__).resolve().parent
ASSETS = DOCS / "assets"
MARKER = re.compile(r"<!--\s*(figures|gallery|api)\s*:?\s*([\w.\-]*)\s*-->")
VIEW_ORDER = ("topology", "path", "ladder", "headers")
FONT_ASSETS = ASSETS / "fonts"

log = logging.getLogger("mkdocs.hooks.dockersim")

NOTES = {
    "en": {
        "no_figures": (
            '!!! warning "The figures of {name} could not be drawn"\n'
            "    The build log says why. `dockersim run {name} --figures DIR` draws them too.\n"
        ),
        "caption": "`{file}` from `dockersim run {name} --figures DIR`",
        "downloads": "Also as",
        "no_viz": (
            '!!! note "simulator.viz is not available in this build"\n'
            "    The views (`viz.topology`, `viz.path`, `viz.ladder`, ...) are documented here once the\n"
            "    `simulator.viz` package can be imported.\n"
        ),
        "run": "Run it",
    },
    "ko": {
        "no_figures": (
            '!!! warning "{name}의 그림을 그리지 못했습니다"\n'
            "    이유는 빌드 로그에 있습니다. `dockersim run {name} --figures DIR`로도 그릴 수 있습니다.\n"
        ),
        "caption": "`dockersim run {name} --figures DIR`로 그린 `{file}`",
        "downloads": "다른 형식",
        "no_viz": (
            '!!! note "이 빌드에서는 simulator.viz를 불러올 수 없습니다"\n'
            "    `simulator.viz` 패키지를 가져올 수 있게 되면 그림 함수(`viz.topology`, `viz.path`,\n"
            "    `viz.ladder` 등)의 레퍼런스가 이 자리에 나타납니다.\n"
        ),
        "run": "실행",
    },
}

VIZ_FUNCTIONS = ("topology", "path", "ladder")


def _lang(page: Any) -> str:
    return "ko" if page.file.src_uri.startswith("ko/") else "en"


def _rel(page: Any, target: str) -> str:
    here = posixpath.dirname(page.file.src_uri)
    return posixpath.relpath(target, here or ".")


def figure_files(name: str, lang: str = "en") -> list[Path]:
    """The PNG figures of scenario ``name``, in the order of the lesson (the network, then
    the featured command's path, ladder and headers): docs/assets/NAME/, or
    docs/assets/NAME/ko/ for Korean pages when the Korean figures were drawn."""
    folder = ASSETS / name
    if lang != "en" and any((folder / lang).glob("*.png")):
        folder = folder / lang
    if not folder.is_dir():
        return []
    pngs = sorted(folder.glob("*.png"), key=lambda p: (VIEW_ORDER.index(p.stem) if p.stem in VIEW_ORDER else len(VIEW_ORDER), p.name))
    return [p for p in pngs if p.stat().st_size > 0]


def figures_markdown(name: str, page: Any) -> str:
    words = NOTES[_lang(page)]
    pngs = figure_files(name, _lang(page))
    if not pngs:
        log.warning("%s: no figures of %s in %s", page.file.src_uri, name, ASSETS.relative_to(DOCS.parent))
        return words["no_figures"].format(name=name)
    parts = []
    for png in pngs:
        where = png.parent.relative_to(DOCS).as_posix()
        src = _rel(page, f"{where}/{png.name}")
        caption = words["caption"].format(file=png.name, name=name)
        others = [
            f"[{ext.upper()}]({_rel(page, f'{where}/{png.stem}.{ext}')})"
            for ext in ("svg", "pdf")
            if (png.with_suffix(f".{ext}")).exists()
        ]
        more = f" · {words['downloads']} {', '.join(others)}" if others else ""
        parts.append(f"![{name}: {png.stem}]({src})\n\n*{caption}{more}*\n")
    return "\n".join(parts)


def gallery_markdown(page: Any) -> str:
    from simulator.scenario import script

    words = NOTES[_lang(page)]
    sections = []
    titles = {name: script.load(name).title for name in script.builtin_names()}
    # In the chapter's order: titles start with their section number ("1.", "2.1 ...").
    for name, title in sorted(titles.items(), key=lambda item: (not item[1][:1].isdigit(), item[1])):
        sections.append(
            f"## {title}\n\n{words['run']}: `dockersim run {name}`\n\n{figures_markdown(name, page)}"
        )
    return "\n".join(sections)


def viz_available() -> bool:
    """Whether ``simulator.viz`` imports as a package with its public views."""
    try:
        viz = importlib.import_module("simulator.viz")
    except Exception:  # noqa: BLE001 - any failure means: not documented in this build
        return False
    return getattr(viz, "__file__", None) is not None and all(hasattr(viz, f) for f in VIZ_FUNCTIONS)


def api_markdown(target: str, page: Any) -> str:
    if target == "simulator.viz" and not viz_available():
        return NOTES[_lang(page)]["no_viz"]
    return f"::: {target}\n"


def _load(path: str, name: str) -> ModuleType:
    """A script of the project as a module (``docs/`` and ``tools/`` are not packages)."""
    spec = importlib.util.spec_from_file_location(name, DOCS.parent / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def scenarios_shown(docs_dir: Path) -> list[str]:
    """The built-in scenarios whose figures some page shows (all of them with a gallery)."""
    from simulator.scenario import script

    known = script.builtin_names()
    wanted: set[str] = set()
    for page in docs_dir.rglob("*.md"):
        for kind, argument in MARKER.findall(page.read_text(encoding="utf-8")):
            if kind == "gallery":
                wanted.update(known)
            elif kind == "figures":
                wanted.add(argument)
    unknown = sorted(wanted - set(known))
    if unknown:
        log.warning("pages ask for figures of scenarios that are not built in: %s", ", ".join(unknown))
    return [name for name in known if name in wanted]


def on_pre_build(config: Any) -> None:
    """Make the web fonts; draw the figures the pages show, where missing or drawn from older sources."""
    web_fonts()
    gallery = _load("docs/gen_gallery.py", "dockersim_gen_gallery")
    problem = gallery.viz_problem()
    if problem:
        log.warning("no figures: %s", problem)
        return
    started = time.monotonic()
    drawn: list[str] = []
    problems = gallery.ensure(scenarios_shown(Path(config["docs_dir"])), ASSETS, report=drawn.append)
    for line in drawn:
        log.debug(line)
    for message in problems:
        log.warning("figure: %s", message)
    if drawn:
        log.info("Figures drawn for %d scenario(s) and language(s) in %.1f s", len(drawn), time.monotonic() - started)


def web_fonts() -> list[Path]:
    """NanumGothic as web fonts in ``docs/assets/fonts/`` (``tools/lessons.py`` makes them,
    for the lessons in JupyterLab as for this site)."""
    try:
        return list(_load("tools/lessons.py", "dockersim_lessons").web_fonts(FONT_ASSETS))
    except (OSError, ImportError) as error:
        log.warning("no Korean web font: %s", error)
        return []


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    def replace(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind == "figures":
            return figures_markdown(argument, page)
        if kind == "gallery":
            return gallery_markdown(page)
        return api_markdown(argument, page)

    return MARKER.sub(replace, markdown)


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """Render the page with Material's words in its language (``theme.language``, read by the templates as they render)."""
    lang = _lang(page)
    config.theme["language"] = lang
    for scheme in config.theme["palette"] if isinstance(config.theme["palette"], list) else []:
        toggle = scheme.get("toggle", {})
        english = toggle.setdefault("name_en", toggle.get("name", ""))
        toggle["name"] = PALETTE_KO.get(english, english) if lang == "ko" else english
    return context


PALETTE_KO = {"Dark mode": "어두운 화면", "Light mode": "밝은 화면"}
"""The colour toggle's names (ours, in mkdocs.yml) on Korean pages."""
