"""MkDocs hooks: pages show figures and the viz API only when they exist.

The figures are not in git: ``docs/gen_gallery.py`` renders them into
``docs/assets/NAME/`` (one folder per built-in scenario) with ``dockersim run NAME
--figures``. A page marks where they go with an HTML comment, which GitHub's
Markdown view hides and this hook replaces at build time:

``<!-- figures: NAME -->``
    every PNG in ``docs/assets/NAME/`` (the topology first; Korean pages take
    ``docs/assets/NAME/ko/`` when it exists), each with links to its SVG and PDF;
    without figures, a note that says how to make them.
``<!-- gallery -->``
    one section per built-in scenario with its title and its figures.
``<!-- api: simulator.viz -->``
    the mkdocstrings directive for the views when ``simulator.viz`` can be
    imported and has its public functions; otherwise a note.

So ``mkdocs build --strict`` passes with or without figures, and never links to a
file that is not there.
"""

from __future__ import annotations

import importlib
import posixpath
import re
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ASSETS = DOCS / "assets"
MARKER = re.compile(r"<!--\s*(figures|gallery|api)\s*:?\s*([\w.\-]*)\s*-->")

NOTES = {
    "en": {
        "no_figures": (
            '!!! note "Figure not generated yet"\n'
            "    Run `.venv/bin/python docs/gen_gallery.py` (or `dockersim run {name} --figures docs/assets/{name}`)\n"
            "    and build the site again; `make demo` writes the same figures to `out/figures/{name}/`.\n"
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
            '!!! note "아직 그림을 만들지 않았습니다"\n'
            "    `.venv/bin/python docs/gen_gallery.py`(또는 `dockersim run {name} --figures docs/assets/{name}`)를\n"
            "    실행한 뒤 사이트를 다시 빌드하세요. `make demo`도 같은 그림을 `out/figures/{name}/`에 저장합니다.\n"
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
    """The PNG figures of scenario ``name``, the topology first: docs/assets/NAME/, or
    docs/assets/NAME/ko/ for Korean pages when the Korean figures were drawn."""
    folder = ASSETS / name
    if lang != "en" and any((folder / lang).glob("*.png")):
        folder = folder / lang
    if not folder.is_dir():
        return []
    pngs = sorted(folder.glob("*.png"), key=lambda p: (p.stem != "topology", p.name))
    return [p for p in pngs if p.stat().st_size > 0]


def figures_markdown(name: str, page: Any) -> str:
    words = NOTES[_lang(page)]
    pngs = figure_files(name, _lang(page))
    if not pngs:
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


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    def replace(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind == "figures":
            return figures_markdown(argument, page)
        if kind == "gallery":
            return gallery_markdown(page)
        return api_markdown(argument, page)

    return MARKER.sub(replace, markdown)
