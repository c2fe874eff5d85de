"""Open the lesson notebooks in JupyterLab: what ``make lessons`` runs.

    .venv/bin/python tools/lessons.py              # http://localhost:8888/
    .venv/bin/python tools/lessons.py --port 9000

JupyterLab serves ``notebooks/`` (``ko/`` and ``en/`` inside) to this machine only
(localhost), with a fresh access token in the addresses printed first. A browser opens
by itself only where there is a display (a desktop session, macOS, Windows); on a
server or over ssh, open the printed address yourself. A busy port is an error, not a
silent move to another port. Nothing is asked of the internet: no news feed, no update
check, and the extension manager lists what is installed without asking PyPI (a
classroom may be offline).

Hangul everywhere: JupyterLab draws its pages with the fonts of the machine, and a
machine without a Korean font shows the Korean lessons as empty boxes. So the lessons
bring their own, NanumGothic, the font the figures use (from the
``koreanize_matplotlib`` package): ``web_fonts`` makes web fonts of it, and a custom
style sheet (``LabApp.custom_css``) puts it first for Hangul code points only. JupyterLab
reads that sheet from its configuration folder, so the lessons' server has one of its
own (in the virtual environment); the user's JupyterLab settings and workspaces stay
where they are. The docs site does the same for its pages (``docs/hooks.py``).

The browser tests start JupyterLab with the same options (``jupyterlab_options``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FONT_FACES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
# Hangul Jamo, CJK symbols and punctuation, compatibility Jamo, Jamo extended A,
# syllables, Jamo extended B, full-width forms.
HANGUL_RANGES = "U+1100-11FF, U+3000-303F, U+3130-318F, U+A960-A97F, U+AC00-D7AF, U+D7B0-D7FF, U+FF01-FF60"

JUPYTERLAB_CSS = """\
/* The lessons' own Korean font (made by tools/lessons.py): Hangul renders on a machine
   with no Korean font installed. Only Hangul code points use it. */
@font-face {{
  font-family: "NanumGothic";
  src: url("NanumGothic.woff") format("woff");
  font-weight: 100 599;
  unicode-range: {ranges};
}}
@font-face {{
  font-family: "NanumGothic";
  src: url("NanumGothicBold.woff") format("woff");
  font-weight: 600 900;
  unicode-range: {ranges};
}}
/* On body: the theme's sheet, added after this one, sets these on :root. */
body {{
  --jp-ui-font-family: "NanumGothic", system-ui, -apple-system, blinkmacsystemfont, "Segoe UI", helvetica, arial, sans-serif;
  --jp-content-font-family: "NanumGothic", system-ui, -apple-system, blinkmacsystemfont, "Segoe UI", helvetica, arial, sans-serif;
  --jp-code-font-family: menlo, consolas, "DejaVu Sans Mono", "NanumGothic", monospace;
}}
"""


def web_fonts(folder: Path) -> list[Path]:
    """NanumGothic's regular and bold faces as web fonts in ``folder`` (made once, then kept).

    The faces come from the ``koreanize_matplotlib`` package, whose TrueType files hold
    the hinting sources of Microsoft's VTT (the ``TSI0`` to ``TSI5`` tables, one of them
    empty): browsers' font sanitizer (OTS, in Chromium and Firefox) rejects such a file,
    and the page falls back to empty boxes. Without those tables, as WOFF, each face is
    about half its size and every browser takes it. Raises ``FileNotFoundError`` when the
    package or its fonts are missing.
    """
    from fontTools.ttLib import TTFont

    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the koreanize_matplotlib package is not installed")
    source_folder = Path(spec.origin).parent / "fonts"
    made = []
    for face in FONT_FACES:
        source = source_folder / face
        target = folder / f"{Path(face).stem}.woff"
        if not source.is_file():
            raise FileNotFoundError(f"{face} is missing from {source_folder}")
        if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
            font = TTFont(source)
            for tag in [t for t in font.keys() if t.startswith("TSI")]:  # noqa: SIM118 - TTFont is not a dict
                del font[tag]
            font.flavor = "woff"
            folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            font.save(partial)
            partial.replace(target)
        made.append(target)
    return made


def jupyterlab_style(config_dir: Path) -> Path:
    """The lessons' style sheet and web fonts in ``config_dir/custom/``, where JupyterLab
    looks for ``custom.css`` when ``config_dir`` is its configuration folder
    (``JUPYTER_CONFIG_DIR``); the ``custom`` folder."""
    folder = config_dir / "custom"
    web_fonts(folder)
    css = folder / "custom.css"
    text = JUPYTERLAB_CSS.format(ranges=HANGUL_RANGES)
    if not css.is_file() or css.read_text(encoding="utf-8") != text:
        css.write_text(text, encoding="utf-8")
    return folder


def jupyterlab_environment(config_dir: Path) -> dict[str, str]:
    """The environment that makes ``config_dir`` JupyterLab's configuration folder while
    the user's own JupyterLab settings and workspaces stay where they are."""
    from jupyter_core.paths import jupyter_config_dir

    own = Path(jupyter_config_dir()) / "lab"
    return {
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTERLAB_SETTINGS_DIR": os.environ.get("JUPYTERLAB_SETTINGS_DIR", str(own / "user-settings")),
        "JUPYTERLAB_WORKSPACES_DIR": os.environ.get("JUPYTERLAB_WORKSPACES_DIR", str(own / "workspaces")),
    }


def jupyterlab_options(root: Path, host: str, port: int, *, open_browser: bool) -> list[str]:
    """The command-line options of JupyterLab for the lessons (the token comes from ``JUPYTER_TOKEN``)."""
    options = [
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.answer_yes=True",  # one Ctrl-C stops it, with no question asked
        f"--ServerApp.open_browser={open_browser}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.custom_css=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--allow-root")
    return options


def has_display() -> bool:
    """Whether a browser opened here would be seen (not over ssh, not on a server)."""
    if sys.platform == "darwin" or sys.platform.startswith("win"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Open the lesson notebooks in JupyterLab.")
    parser.add_argument("--port", type=int, default=8888, help="the port on localhost (default: 8888)")
    parser.add_argument("--config-dir", type=Path, default=Path(sys.prefix) / "etc" / "dockersim-lessons",
                        help="JupyterLab's configuration folder for the lessons, where the Korean font "
                             "and style sheet go (default: in the virtual environment)")
    args = parser.parse_args(argv)
    config_dir = args.config_dir.resolve()
    try:
        jupyterlab_style(config_dir)
    except (OSError, ImportError) as error:
        print(f"lessons: no Korean web font ({error}); Hangul needs a Korean font on this machine", file=sys.stderr)
    token = secrets.token_hex(24)
    for lang, folder in (("Korean", "ko"), ("English", "en")):
        print(f"Lessons ({lang}): {'':<{7 - len(lang)}}http://localhost:{args.port}/lab/tree/{folder}?token={token}")
    print("Stop with Ctrl-C.", flush=True)
    command = [sys.executable, "-m", "jupyterlab", *jupyterlab_options(NOTEBOOKS, "localhost", args.port, open_browser=has_display())]
    os.execvpe(command[0], command, {**os.environ, **jupyterlab_environment(config_dir), "JUPYTER_TOKEN": token})
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
