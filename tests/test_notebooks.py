"""Every lesson notebook is generated from one source and runs top to bottom without a browser."""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def _lessons():
    spec = importlib.util.spec_from_file_location("lessons", ROOT / "notebooks" / "lessons.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_are_generated_from_the_single_source():
    rendered = _lessons().render_all()
    assert sorted(rendered) == NOTEBOOKS, "run: python notebooks/lessons.py"
    for path, text in rendered.items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run python notebooks/lessons.py"


def test_every_lesson_exists_in_both_languages():
    en = {p.name for p in (ROOT / "notebooks" / "en").glob("*.ipynb")}
    ko = {p.name for p in (ROOT / "notebooks" / "ko").glob("*.ipynb")}
    assert en == ko and en


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    env_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        if env_backend is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_backend
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "internal error" not in text and "Traceback" not in text
    assert elapsed < 60, f"{path.name} took {elapsed:.1f} s"
