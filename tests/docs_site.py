"""The documentation site, built once per test run and shared by the tests that read it.

``build_site()`` runs ``mkdocs build --strict`` (with the project's hooks: the figures
are drawn first, the Korean web font copied) into a temporary folder that is deleted
when the test process ends, and returns the folder and what the build printed.
``tests/test_docs.py`` checks the pages; ``tests/browser/test_docs_site.py`` opens one
in Chromium. Building twice would cost the suite the build's time again.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Site:
    """A built site: its folder, the build's exit status and output, and how long it took."""

    folder: Path
    returncode: int
    output: str
    seconds: float


@functools.cache
def build_site() -> Site:
    """``mkdocs build --strict`` of this tree, once per process."""
    parent = Path(tempfile.mkdtemp(prefix="dockersim-site-"))
    atexit.register(shutil.rmtree, parent, True)
    folder = parent / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder), "--config-file", str(ROOT / "mkdocs.yml")],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=1800,
    )
    return Site(folder, done.returncode, done.stdout + done.stderr, time.monotonic() - started)
