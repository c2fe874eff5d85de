"""A lesson exported to HTML with nbconvert shows the player's steps as a picture (no widget manager runs there)."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_an_html_export_shows_every_view_and_the_players_strip(tmp_path: Path):
    lesson = ROOT / "notebooks" / "en" / "1-structure.ipynb"
    jupyter = Path(sys.executable).parent / "jupyter"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    done = subprocess.run([str(jupyter), "nbconvert", "--to", "html", "--execute", str(lesson), "--output-dir", str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    page = (tmp_path / "1-structure.html").read_text(encoding="utf-8")
    visible = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)  # what a browser shows with no widget manager
    images = re.findall(r'<img\b[^>]*src="data:image/png;base64,([^"]+)"', visible)
    assert len(images) >= 5, "topology, path, ladder, the player's strip and headers each show a picture"
    strips = re.findall(r'<div class="dockersim-strip"><img\b[^>]*src="data:image/png;base64,([^"]+)"', visible)
    assert len(strips) == 1
    png = base64.b64decode(strips[0])
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width > 1000 and height > 4 * 800  # four steps, one under another
    assert not re.search(r"dockersim-strip[^{]*\{\s*display:\s*none", visible)  # nothing on the page hides it
    assert "Step 1 of 4" in re.sub(r"<[^>]+>", "", page) or "4 steps" in page
    assert "Traceback" not in visible and "<Figure" not in visible
    assert time.perf_counter() - start < 120


def test_a_notebook_saved_from_a_live_kernel_exports_the_players_strip_in_its_place():
    """Saved from JupyterLab (widget state not saved, its default): the player's one output carries the strip,
    which nbconvert shows where the widget would be; the widget's view is there for front-ends that can draw it."""
    import nbformat
    from nbconvert import HTMLExporter

    from simulator import Lab, viz

    lab = Lab(engine="20.10", seed=1)
    assert lab.sh("docker run -itd --name c1 ubuntu:14.04").exit_code == 0
    box = viz.player(lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace, widgets=True)
    data, metadata = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data  # outside a headless run: the widget, with its fallback
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("viz.player(r.trace)")
    cell.outputs = [nbformat.v4.new_output("execute_result", data=data, metadata=metadata, execution_count=1)]
    nb.cells = [cell]
    page, _resources = HTMLExporter().from_notebook_node(nb)
    visible = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    assert len(re.findall(r'<div class="dockersim-strip"><img\b[^>]*src="data:image/png;base64,', visible)) == 1
    assert "application/vnd.jupyter.widget-view+json" not in page  # no widget state: nbconvert leaves the view out
