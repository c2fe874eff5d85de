"""The documentation: it builds, both languages are complete, and what it shows is real.

* ``mkdocs build --strict`` into a temporary folder (``tests/docs_site.py``, once per
  run): broken links and anchors, pages missing from the navigation, docstrings the
  API reference cannot render and figures that cannot be drawn fail the build
  (skipped, with the reason, only when mkdocs is not installed); every figure a page
  shows is in the site, which carries its Korean web font and loads nothing from the
  internet;
* every page in ``docs/en/`` has its ``docs/ko/`` counterpart and links to it, and
  back;
* every transcript a page shows is real: a code block titled ``dockersim run NAME``
  (or any other ``dockersim ...`` command line) must match (``...`` as in scenario
  files) a stretch of what that command prints now, narration lines aside, a block titled ``dockersim shell`` must be what the shell prints for those
  commands, and ``pycon`` blocks run as doctests;
* example scenario files on the pages (text blocks starting ``#!``) pass ``--check``;
* the CLI reference names every subcommand and option the program has, and every
  ``dockersim run NAME`` a page mentions is a built-in scenario;
* ``docs/gen_gallery.py`` draws PNG, SVG and PDF, and only what changed.
"""

from __future__ import annotations

import doctest
import functools
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_site import build_site

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGS = ("en", "ko")
# Scenarios that pages already point to while they are being written (macvlan and overlay).
PLANNED_SCENARIOS = {"macvlan", "vlan", "overlay"}

FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>[\w-]*)(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.M | re.S)
TITLE = re.compile(r'title="(?P<title>[^"]+)"')
PROMPT = re.compile(r"^(?:root@[\w.-]+:[^#\n]*# |/ # )(?P<command>.*)$")


def pages(lang: str) -> list[Path]:
    return sorted((DOCS / lang).rglob("*.md"))


def all_pages() -> list[Path]:
    return [p for lang in LANGS for p in pages(lang)]


def code_blocks(page: Path) -> list[tuple[str, str, str, int]]:
    """(language, info string, body, line number) of every fenced block of a page."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for m in FENCE.finditer(text):
        indent = len(m.group("indent"))
        body = "\n".join(line[indent:] for line in m.group("body").split("\n"))
        blocks.append((m.group("lang"), m.group("info"), body, text[: m.start()].count("\n") + 1))
    return blocks


def titled_blocks(prefix: str) -> list[tuple[Path, int, str, str]]:
    found = []
    for page in all_pages():
        for _lang, info, body, line in code_blocks(page):
            m = TITLE.search(info)
            if m and m.group("title").startswith(prefix):
                found.append((page, line, m.group("title"), body))
    return found


def ident(item: tuple[Path, int, str, str]) -> str:
    return f"{item[0].relative_to(DOCS)}:{item[1]}"


# -- the build ------------------------------------------------------------------------------


def test_site_builds_strict() -> None:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed: pip install -e '.[test]' to build the docs")
    site = build_site()
    assert site.returncode == 0, f"mkdocs build --strict failed:\n{site.output}"
    print(f"mkdocs build: {site.seconds:.1f} s")
    for lang in LANGS:
        for page in pages(lang):
            rel = page.relative_to(DOCS).with_suffix("")
            html = site.folder / (rel.parent if rel.name == "index" else rel) / "index.html"
            assert html.exists(), f"{page.relative_to(ROOT)} was not built ({html.relative_to(site.folder)})"


def built_pages() -> list[Path]:
    site = build_site()
    if site.returncode != 0:
        pytest.skip("the site did not build (test_site_builds_strict says why)")
    return sorted(site.folder.rglob("*.html"))


def test_every_figure_a_page_shows_is_in_the_site() -> None:
    """The build draws the figures itself: no page says one is missing, every picture is there."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed")
    missing, shown = [], 0
    for html in built_pages():
        text = html.read_text(encoding="utf-8")
        assert "could not be drawn" not in text and "그리지 못했습니다" not in text, html
        for src in re.findall(r'<img [^>]*src="([^"]+\.png)"', text):
            shown += 1
            if not (html.parent / src).resolve().is_file():
                missing.append(f"{html.relative_to(build_site().folder)}: {src}")
    assert missing == []
    # Every chapter and both galleries: at least one figure per built-in scenario and language.
    from simulator.scenario.script import builtin_names

    assert shown >= 2 * len(builtin_names()) * 2


def test_site_carries_its_korean_font_and_asks_nothing_of_the_internet() -> None:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed")
    folder = build_site().folder
    for face in ("NanumGothic.woff", "NanumGothicBold.woff"):
        font = folder / "assets" / "fonts" / face
        assert font.is_file() and font.read_bytes()[:4] == b"wOFF", f"{face} is not in the site"
    css = (folder / "stylesheets" / "hangul.css").read_text(encoding="utf-8")
    assert css.count("@font-face") == 2 and '"NanumGothic"' in css
    page = (folder / "ko" / "index.html").read_text(encoding="utf-8")
    assert "hangul.css" in page
    outside = sorted(set(re.findall(r'(?:href|src)="(https?://[^"/]+)', page)))
    assert not [u for u in outside if "fonts.g" in u], f"the page loads web fonts from {outside}"


@pytest.mark.parametrize(("lang", "words"), [("en", ("Search", "Table of contents")), ("ko", ("검색", "목차"))])
def test_the_themes_own_words_are_in_the_pages_language(lang: str, words: tuple[str, str]) -> None:
    """One build, two languages: Material's search box, table of contents and <html lang> follow the page."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed")

    def other_lang(lang: str) -> str:
        return "ko" if lang == "en" else "en"

    folder = build_site().folder
    other = {"en": ("검색", "목차"), "ko": ("Search", "Table of contents")}[lang]
    checked = 0
    for page in pages(lang):
        rel = page.relative_to(DOCS).with_suffix("")
        html = (folder / (rel.parent if rel.name == "index" else rel) / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html, page
        assert f'placeholder="{words[0]}"' in html and f'placeholder="{other[0]}"' not in html, page
        if 'class="md-nav md-nav--secondary"' in html and "md-nav__link" in html.split('class="md-nav md-nav--secondary"', 1)[1][:2000]:
            assert f'aria-label="{words[1]}"' in html and f'aria-label="{other[1]}"' not in html, page
            checked += 1
        toggles = {"en": ('aria-label="Dark mode"', 'aria-label="Light mode"'), "ko": ('aria-label="어두운 화면"', 'aria-label="밝은 화면"')}
        assert all(t in html for t in toggles[lang]) and not any(t in html for t in toggles[other_lang(lang)]), page
    assert checked >= 3, "too few pages with a table of contents to check"


# -- both languages ---------------------------------------------------------------------------


def counterpart(page: Path) -> Path:
    """The same page in the other language. Pages that others own in English stay at the
    top of docs/ (architecture.md): their Korean translation points there."""
    lang, rel = page.relative_to(DOCS).parts[0], page.relative_to(DOCS / page.relative_to(DOCS).parts[0])
    other = DOCS / ("ko" if lang == "en" else "en") / rel
    if lang == "ko" and not other.exists() and (DOCS / rel).exists():
        return DOCS / rel
    return other


def test_every_english_page_has_a_korean_page_and_back() -> None:
    assert pages("en"), "no pages in docs/en"
    missing = [f"{p.relative_to(ROOT)} -> {counterpart(p).relative_to(ROOT)}" for p in all_pages() if not counterpart(p).exists()]
    assert missing == [], "pages without their translation"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_to_its_translation(lang: str) -> None:
    missing = []
    for page in pages(lang):
        target = os.path.relpath(counterpart(page), page.parent).replace(os.sep, "/")
        if f"]({target})" not in page.read_text(encoding="utf-8"):
            missing.append(f"{page.relative_to(ROOT)} (expected a link to {target})")
    assert missing == []


def test_korean_pages_are_written_in_korean() -> None:
    hangul = re.compile(r"[\uac00-\ud7a3]")
    bare = [str(p.relative_to(ROOT)) for p in pages("ko") if len(hangul.findall(p.read_text(encoding="utf-8"))) < 30]
    assert bare == []


# -- what the pages show is real --------------------------------------------------------------


@functools.cache
def dockersim(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=600,
    )
    return done.stdout + done.stderr


DOCKER_ID = re.compile(r"\b[0-9a-f]{12}(?:[0-9a-f]{52})?\b")


def _line_matches(pattern: str, actual: str) -> bool:
    # Container, network and endpoint ids are random in Docker: a page need not chase them.
    pattern, actual = DOCKER_ID.sub("<id>", pattern), DOCKER_ID.sub("<id>", actual)
    if "..." not in pattern:
        return pattern.rstrip() == actual.rstrip()
    regex = ".*".join(re.escape(part) for part in pattern.rstrip().split("..."))
    return re.fullmatch(regex, actual.rstrip()) is not None


def _matches_from(expected: list[str], actual: list[str], i: int, j: int) -> bool:
    """expected[i:] matches actual from j on (a prefix of the rest is enough)."""
    while i < len(expected):
        if expected[i].strip() == "...":
            return any(_matches_from(expected, actual, i + 1, k) for k in range(j, len(actual) + 1))
        if j >= len(actual) or not _line_matches(expected[i], actual[j]):
            return False
        i += 1
        j += 1
    return True


def appears_in(block: str, output: str) -> bool:
    expected = block.rstrip("\n").split("\n")
    actual = output.split("\n")
    return any(_matches_from(expected, actual, 0, start) for start in range(len(actual)))


RUN_BLOCKS = [b for b in titled_blocks("dockersim ") if not b[2].startswith("dockersim shell")]
SHELL_BLOCKS = titled_blocks("dockersim shell")


def test_pages_show_transcripts() -> None:
    assert len(RUN_BLOCKS) >= 10 and SHELL_BLOCKS


def without_narration(args: list[str], output: str) -> str:
    """A scenario's transcript without its ``# narration`` lines (pages narrate in prose)."""
    if args[0] != "run":
        return output
    from simulator.scenario import script

    loaded = script.load(args[1])
    notes = {f"# {n}" for step in loaded.steps for n in step.narration} | {f"# {n}" for n in loaded.trailing_narration}
    return "\n".join(line for line in output.split("\n") if line not in notes)


@pytest.mark.parametrize("item", RUN_BLOCKS, ids=ident)
def test_command_transcripts_are_real(item: tuple[Path, int, str, str]) -> None:
    page, line, title, body = item
    args = title.split()[1:]
    output = without_narration(args, dockersim(*args))
    assert appears_in(body, output), (
        f"{page.relative_to(ROOT)}:{line}: this block is not what `{title}` prints now; "
        f"copy the lines again from its output:\n{output}"
    )


@pytest.mark.parametrize("item", SHELL_BLOCKS, ids=ident)
def test_shell_transcripts_are_real(item: tuple[Path, int, str, str]) -> None:
    page, line, title, body = item
    commands = [m.group("command") for m in map(PROMPT.match, body.split("\n")) if m]
    output = dockersim(*title.split()[1:], stdin="\n".join(commands) + "\n")
    assert appears_in(body, output), f"{page.relative_to(ROOT)}:{line}: `{title}` now prints:\n{output}"


SCENARIO_BLOCKS = [
    (page, line, body)
    for page in all_pages()
    for lang, _info, body, line in code_blocks(page)
    if lang == "text" and body.startswith("#! ")
]


@pytest.mark.parametrize("item", SCENARIO_BLOCKS, ids=lambda item: f"{item[0].relative_to(DOCS)}:{item[1]}")
def test_example_scenarios_pass_their_check(item: tuple[Path, int, str], tmp_path: Path) -> None:
    page, line, body = item
    lesson = tmp_path / "lesson.txt"
    lesson.write_text(body, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "run", str(lesson), "--check", "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, f"{page.relative_to(ROOT)}:{line}: the example scenario fails its check:\n{done.stderr}"


PYCON_PAGES = [p for p in all_pages() if any(lang == "pycon" for lang, *_ in code_blocks(p))]


@pytest.mark.parametrize("page", PYCON_PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_python_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples write captures
    text = "\n".join(body for lang, _info, body, _line in code_blocks(page) if lang == "pycon")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, str(page.relative_to(ROOT)), str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


# -- references that must follow the program ---------------------------------------------------


def _options(*command: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", dockersim(*command, "--help"))) - {"--help"}


@pytest.mark.parametrize("lang", LANGS)
def test_cli_reference_names_every_command_and_option(lang: str) -> None:
    text = (DOCS / lang / "cli.md").read_text(encoding="utf-8")
    subcommands = re.findall(r"^    (\w+)\s", dockersim("--help"), re.M)
    assert {"shell", "run", "scenarios", "demo"} <= set(subcommands)
    missing = [f"dockersim {s}" for s in subcommands if f"dockersim {s}" not in text]
    for sub in subcommands:
        missing += [f"dockersim {sub} {o}" for o in sorted(_options(sub)) if f"`{o}" not in text]
    assert missing == [], f"docs/{lang}/cli.md does not mention these"


def test_pages_name_only_existing_scenarios() -> None:
    from simulator.scenario.script import builtin_names

    known = set(builtin_names()) | PLANNED_SCENARIOS
    unknown = []
    for page in all_pages():
        for name in re.findall(r"dockersim run ([\w./-]+)", page.read_text(encoding="utf-8")):
            if name.isupper() or "." in name or "/" in name or name.startswith("-"):
                continue  # FILE, NAME, lesson.txt: placeholders and files, not built-ins
            if name not in known:
                unknown.append(f"{page.relative_to(ROOT)}: dockersim run {name}")
    assert unknown == []


def test_gallery_generator_draws_every_format_once(tmp_path: Path) -> None:
    def generate() -> str:
        done = subprocess.run(
            [sys.executable, str(DOCS / "gen_gallery.py"), "--out", str(tmp_path), "none"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = generate()
    assert first.startswith("gen_gallery: "), first
    for folder in (tmp_path / "none", tmp_path / "none" / "ko"):
        for ext in ("png", "svg", "pdf"):
            assert (folder / f"topology.{ext}").stat().st_size > 0, f"{folder}/topology.{ext}"
    assert generate() == f"gen_gallery: the figures in {tmp_path} are up to date\n"


def test_gallery_generator_refuses_an_unknown_scenario(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(DOCS / "gen_gallery.py"), "--out", str(tmp_path), "nosuchlesson"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 2 and "not a built-in scenario: nosuchlesson" in done.stdout
    assert list(tmp_path.iterdir()) == []
