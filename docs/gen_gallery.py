"""Render the figures of every built-in scenario into docs/assets/NAME/ for the docs site.

    .venv/bin/python docs/gen_gallery.py              # every built-in scenario
    .venv/bin/python docs/gen_gallery.py structure    # just one
    .venv/bin/python docs/gen_gallery.py --out DIR    # somewhere else

For each scenario it runs ``dockersim run NAME --figures docs/assets/NAME --quiet``
and, for the Korean pages, ``dockersim run NAME --lang ko --figures
docs/assets/NAME/ko --quiet``: exactly what a user would type, so the gallery shows
what the program draws. The pages pick the figures up at the next ``mkdocs build``
(``docs/hooks.py``); they build without them too. The figures are generated files: ``docs/assets/.gitignore``
keeps them out of git.

When the views (``simulator.viz``) cannot be imported, or a scenario cannot draw
its figures, it says so and carries on; the exit status is 0 unless a scenario
file itself is broken (2).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent


def viz_problem() -> str | None:
    """Why figures cannot be drawn here, or None when the views are importable."""
    try:
        import simulator.viz as viz
    except Exception as error:  # noqa: BLE001 - report whatever stops the import
        return f"simulator.viz cannot be imported ({type(error).__name__}: {error})"
    if getattr(viz, "__file__", None) is None or not hasattr(viz, "topology"):
        return "simulator.viz has no topology() yet"
    return None


def render(name: str, out: Path, lang: str = "en") -> tuple[bool, str]:
    """Run one scenario with --figures; (figures written, message)."""
    folder = out / name if lang == "en" else out / name / lang
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "simulator.cli", "run", name, "--lang", lang, "--figures", str(folder), "--quiet"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    pngs = sorted(p.name for p in folder.glob("*.png"))
    if done.returncode == 2:
        return False, f"{name}: {done.stderr.strip()}"
    if done.returncode != 0 or not pngs:
        last = (done.stderr.strip().splitlines() or ["no figure written"])[-1]
        return False, f"{name}: skipped ({last})"
    return True, f"{name}: {', '.join(str(folder.relative_to(out) / p) for p in pngs)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="built-in scenarios (default: all)")
    parser.add_argument("--out", type=Path, default=DOCS / "assets", help="output folder (default: docs/assets)")
    parser.add_argument("--lang", action="append", choices=["en", "ko"], help="languages to draw (default: en and ko)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from simulator.scenario import script

    problem = viz_problem()
    if problem:
        print(f"gen_gallery: {problem}; no figures written (the docs build without them)")
        return 0
    names = args.names or script.builtin_names()
    status = 0
    for name in names:
        for lang in args.lang or ["en", "ko"]:
            ok, message = render(name, args.out, lang)
            print(f"gen_gallery: {message}")
            if not ok and "skipped" not in message:
                status = 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
