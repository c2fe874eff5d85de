"""A JupyterLab server of the test's own, for the browser tests.

``jupyterlab(root)`` starts ``python -m jupyterlab`` on a free port of 127.0.0.1 with a
token of its own, no browser, and its own temporary config, data, runtime, settings and
workspaces folders, so nothing of the user's Jupyter set-up is read or written. The
kernels it starts import this source tree (``PYTHONPATH``), not whatever copy of
``simulator`` the virtual environment has installed.

When the ``with`` block ends, also on a failure, the server is asked to shut down
through its API (which ends its kernels); whatever is left of the server or of the
kernels it started (found by their parent process id, never by name) is terminated,
then killed; the temporary folders are deleted.

JupyterLab runs with the options ``make lessons`` gives it (``tools/lessons.py``: no
news, update checks or extension listings from PyPI; the lessons' Korean font), and
for the test, notebooks are drawn whole (no windowing), so every cell is in the page.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

__all__ = ["JupyterLab", "jupyterlab"]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0

# JupyterLab's user settings: every cell rendered (the default windowing leaves cells
# far below the viewport out of the page), no prompt about news.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@dataclass
class JupyterLab:
    """A running server: where it is and how to reach it."""

    url: str  # http://127.0.0.1:PORT
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    def page(self, path: str) -> str:
        """The address of a JupyterLab page (``lab/tree/en/1-structure.ipynb``) with the token."""
        return f"{self.url}/{path.lstrip('/')}?token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        """A call to the server's REST API; the decoded JSON answer (None when empty)."""
        request = urllib.request.Request(
            f"{self.url}/api/{path.lstrip('/')}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def wait_until_up(self) -> None:
        """Return once the server answers; RuntimeError (with its output) if it exits or hangs."""
        limit = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < limit:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with status {self.process.returncode}:\n{self.output()}")
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer within {START_TIMEOUT_S:.0f} s:\n{self.output()}")

    def output(self) -> str:
        """What the server has printed so far (for a failure message)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _end(pids: list[int], deadline_s: float = 5.0) -> None:
    """SIGTERM these processes, then SIGKILL whatever still runs after ``deadline_s``."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, sig)
        limit = time.monotonic() + deadline_s
        while time.monotonic() < limit and any(_alive(p) for p in pids):
            time.sleep(0.05)
        pids = [p for p in pids if _alive(p)]
        if not pids:
            return


def _environment(home: Path, token: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("config", "data", "runtime", "settings", "workspaces"):
        (home / name).mkdir()
    _lessons().jupyterlab_style(home / "config")  # the lessons' Korean font, as make lessons has it
    for rel, values in SETTINGS.items():
        target = home / "settings" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_TOKEN=token,
        JUPYTER_PLATFORM_DIRS="1",
        IPYTHONDIR=str(home / "ipython"),
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    return env


def _lessons() -> ModuleType:
    """``tools/lessons.py``, which ``make lessons`` runs: the same options for the tests."""
    spec = importlib.util.spec_from_file_location("dockersim_lessons", ROOT / "tools" / "lessons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _command(root: Path, port: int) -> list[str]:
    lessons = _lessons()
    return [sys.executable, "-m", "jupyterlab", *lessons.jupyterlab_options(root, "127.0.0.1", port, open_browser=False)]


def _shut_down(server: JupyterLab) -> None:
    kernels = children(server.process.pid)
    with suppress(Exception):
        server.api("shutdown", method="POST")
    with suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=10)
    _end([server.process.pid, *kernels])
    with suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=1)


@contextmanager
def jupyterlab(root: Path, *, wait: bool = True) -> Iterator[JupyterLab]:
    """A JupyterLab serving ``root`` on 127.0.0.1, shut down when the block ends.

    With ``wait=False`` the block starts as soon as the server process does (start the
    browser meanwhile) and calls ``server.wait_until_up()`` itself.
    """
    root = root.resolve()
    home = Path(tempfile.mkdtemp(prefix="dockersim-jupyter-"))
    token = secrets.token_hex(24)
    env = _environment(home, token)
    log = home / "server.log"
    server = None
    try:
        for attempt in range(3):  # the free port may be taken between the probe and the bind
            port = free_port()
            with log.open("ab") as out:
                process = subprocess.Popen(
                    _command(root, port), env=env, cwd=root, stdin=subprocess.DEVNULL,
                    stdout=out, stderr=subprocess.STDOUT,
                )
            server = JupyterLab(f"http://127.0.0.1:{port}", token, process, log)
            if not wait:
                break
            try:
                server.wait_until_up()
                break
            except RuntimeError:
                if attempt == 2 or process.poll() is None or "address already in use" not in server.output().lower():
                    raise
        assert server is not None
        yield server
    finally:
        if server is not None:
            _shut_down(server)
        shutil.rmtree(home, ignore_errors=True)
