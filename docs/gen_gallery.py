"""Draw the figures of the built-in scenarios into docs/assets/NAME/ for the docs site.

``mkdocs build`` calls this itself (``docs/hooks.py``): every figure a page shows is
drawn before the pages are, so a fresh clone builds a site with all its pictures. By
hand it also writes the SVG and PDF beside each PNG, which the pages then offer as
downloads::

    .venv/bin/python docs/gen_gallery.py              # every built-in scenario, PNG, SVG and PDF
    .venv/bin/python docs/gen_gallery.py structure    # just one
    .venv/bin/python docs/gen_gallery.py --out DIR    # somewhere else

For each scenario and language (English in ``docs/assets/NAME/``, Korean in
``docs/assets/NAME/ko/``) it plays the scenario in a ``Lab`` as ``dockersim run NAME
--lang LANG`` does and draws the views ``dockersim run NAME --figures DIR`` writes: the
topology, and for the scenario's most telling command its path, ladder and headers.

Drawing is the slow part (about a second a figure), so a folder holds a ``.stamp``
naming what it was drawn from: a hash of the simulator's source and scenario files,
this script, matplotlib's version, the scenario and the language. A folder whose stamp matches is
left as it is; the build draws only what changed, in parallel worker processes (one
per CPU, ``DOCKERSIM_DOCS_JOBS`` to change that). The figures are generated files:
``docs/assets/.gitignore`` keeps them out of git.

Exit status: 0, or 2 when a scenario cannot be played or drawn (with the reason).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
ASSETS = DOCS / "assets"
SOURCES = ROOT / "simulator"
STAMP = ".stamp"
ALL_FORMATS = ("png", "svg", "pdf")
LANGS = ("en", "ko")


@dataclass(frozen=True)
class Job:
    """One scenario's figures in one language, into one folder."""

    name: str
    lang: str
    out: Path

    @property
    def folder(self) -> Path:
        return self.out / self.name if self.lang == "en" else self.out / self.name / self.lang

    def spec(self) -> str:
        return f"{self.name}:{self.lang}"


def source_hash() -> str:
    """What every figure depends on: the simulator's code and scenarios, this script, and matplotlib."""
    import matplotlib

    digest = hashlib.sha256(f"matplotlib {matplotlib.__version__}\n".encode())
    digest.update(Path(__file__).read_bytes())  # which views, drawn how
    for path in sorted(SOURCES.rglob("*")):
        if path.suffix in (".py", ".txt", ".ttf") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stamp_text(job: Job, sources: str) -> str:
    return f"{sources} {job.name} {job.lang}\n"


def is_current(job: Job, sources: str, formats: Sequence[str]) -> bool:
    """Whether ``job``'s folder was drawn from these sources and has every format asked for."""
    stamp = job.folder / STAMP
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != stamp_text(job, sources):
        return False
    pngs = list(job.folder.glob("*.png"))
    return bool(pngs) and all(png.with_suffix(f".{ext}").is_file() for png in pngs for ext in formats)


def views(lab: Any, title: str) -> list[tuple[str, Callable[[], Any]]]:
    """The views ``dockersim run --figures`` draws, by file name (see simulator/cli.py)."""
    from simulator import viz
    from simulator.cli import featured_command

    drawn: list[tuple[str, Callable[[], Any]]] = [("topology", lambda: viz.topology(lab.trace, title=title, lang=lab.lang))]
    featured = featured_command(lab)
    if featured is not None:
        drawn += [
            ("path", lambda: viz.path(featured, lang=lab.lang)),
            ("ladder", lambda: viz.ladder(featured, lang=lab.lang)),
            ("headers", lambda: viz.headers(featured, lang=lab.lang)),
        ]
    return drawn


def draw(job: Job, sources: str, formats: Sequence[str]) -> list[Path]:
    """Play the scenario and write its figures (replacing the folder's old ones)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from simulator.cli import lab_for, play
    from simulator.scenario import script

    loaded = script.load(job.name)
    lab = lab_for(loaded, argparse.Namespace(lang=job.lang, engine=None, seed=None))
    play(loaded, lab, None, False)
    title = loaded.title_in(job.lang)
    job.folder.mkdir(parents=True, exist_ok=True)
    for old in job.folder.iterdir():
        if old.is_file() and (old.suffix.lstrip(".") in ALL_FORMATS or old.name == STAMP):
            old.unlink()
    written = []
    for name, make in views(lab, title):
        figure = make()
        for ext in formats:
            path = job.folder / f"{name}.{ext}"
            figure.savefig(path)
            written.append(path)
        plt.close(figure)
    (job.folder / STAMP).write_text(stamp_text(job, sources), encoding="utf-8")
    return written


def work(specs: Iterable[str], out: Path, formats: Sequence[str], sources: str) -> int:
    """Draw ``NAME:LANG`` jobs in this process, one line each; 2 if any failed."""
    status = 0
    for spec in specs:
        name, _, lang = spec.partition(":")
        job = Job(name, lang, out)
        try:
            written = draw(job, sources, formats)
        except Exception as error:  # noqa: BLE001 - report the scenario and carry on
            print(f"gen_gallery: {name} ({lang}): cannot draw: {type(error).__name__}: {error}", flush=True)
            status = 2
            continue
        files = ", ".join(p.relative_to(out).as_posix() for p in written if p.suffix == ".png")
        print(f"gen_gallery: {name} ({lang}): {files}", flush=True)
    return status


def ensure(
    names: Sequence[str],
    out: Path = ASSETS,
    langs: Sequence[str] = LANGS,
    formats: Sequence[str] = ("png",),
    jobs: int | None = None,
    report: Callable[[str], None] = print,
) -> list[str]:
    """Draw whatever is missing or stale; the problems (empty when every figure is there).

    The jobs are shared out among ``jobs`` worker processes (default: one per CPU), each
    a ``python docs/gen_gallery.py --worker ...`` that imports the simulator once.
    """
    sources = source_hash()
    todo = [job for job in (Job(n, lang, out) for n in names for lang in langs) if not is_current(job, sources, formats)]
    if not todo:
        return []
    workers = max(1, min(len(todo), jobs or int(os.environ.get("DOCKERSIM_DOCS_JOBS", 0)) or os.cpu_count() or 1))
    shares = [todo[i::workers] for i in range(workers)]

    def run(share: list[Job]) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, str(Path(__file__).resolve()), "--out", str(out), "--formats", ",".join(formats)]
        command += ["--worker", *(job.spec() for job in share)]
        env = {**os.environ, "MPLBACKEND": "Agg", "DOCKERSIM_SOURCES_HASH": sources}
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=1800)

    problems = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in pool.map(run, shares):
            for line in done.stdout.splitlines():
                report(line)
                if ": cannot draw: " in line:
                    problems.append(line.removeprefix("gen_gallery: "))
            if done.returncode not in (0, 2):
                problems.append(f"a figure worker ended with status {done.returncode}: {done.stderr.strip()[-2000:]}")
    return problems


def viz_problem() -> str | None:
    """Why figures cannot be drawn here, or None when the views are importable."""
    try:
        import simulator.viz as viz
    except Exception as error:  # noqa: BLE001 - report whatever stops the import
        return f"simulator.viz cannot be imported ({type(error).__name__}: {error})"
    if getattr(viz, "__file__", None) is None or not hasattr(viz, "topology"):
        return "simulator.viz has no topology() yet"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("names", nargs="*", help="built-in scenarios (default: all)")
    parser.add_argument("--out", type=Path, default=ASSETS, help="output folder (default: docs/assets)")
    parser.add_argument("--lang", action="append", choices=LANGS, help="languages to draw (default: en and ko)")
    parser.add_argument("--formats", default=",".join(ALL_FORMATS), help="file formats (default: png,svg,pdf)")
    parser.add_argument("--jobs", type=int, help="worker processes (default: one per CPU)")
    parser.add_argument("--worker", nargs="+", metavar="NAME:LANG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(ALL_FORMATS))
    if unknown or not formats:
        parser.error(f"--formats: choose among {', '.join(ALL_FORMATS)}")

    sys.path.insert(0, str(ROOT))
    if args.worker:
        return work(args.worker, args.out, formats, os.environ.get("DOCKERSIM_SOURCES_HASH") or source_hash())

    from simulator.scenario import script

    problem = viz_problem()
    if problem:
        print(f"gen_gallery: {problem}; no figures written")
        return 2
    known = script.builtin_names()
    bad = [n for n in args.names if n not in known]
    if bad:
        print(f"gen_gallery: not a built-in scenario: {', '.join(bad)} (known: {', '.join(known)})")
        return 2
    drawn: list[str] = []

    def report(line: str) -> None:
        drawn.append(line)
        print(line, flush=True)

    problems = ensure(args.names or known, args.out, args.lang or LANGS, formats, args.jobs, report)
    if not drawn:
        print(f"gen_gallery: the figures in {args.out} are up to date")
    return 2 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
