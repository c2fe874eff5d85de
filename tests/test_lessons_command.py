"""``make lessons`` as a teacher meets it: the printed address opens the lessons; Ctrl-C stops.

``tools/lessons.py`` (what ``make lessons`` runs) is started on a free port of this
machine with a configuration folder of the test's own; the test reads the addresses it
prints, asks JupyterLab through them (with their token) for the Korean and English
lesson folders and for the lessons' Korean font, then presses Ctrl-C (SIGINT) once and
expects the server gone. A port already taken is refused with JupyterLab's message.
The browser tests (``tests/browser/``) open the lessons themselves.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
URL = re.compile(r"^Lessons \((?P<lang>Korean|English)\): +(?P<url>http://localhost:(?P<port>\d+)/lab/tree/(?P<folder>ko|en)\?token=(?P<token>[0-9a-f]+))$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(port: int, home: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
        "DISPLAY": "",  # no browser, whatever the test machine has
        "WAYLAND_DISPLAY": "",
    }
    command = [sys.executable, str(ROOT / "tools" / "lessons.py"), "--port", str(port), "--config-dir", str(home / "config")]
    # A terminal's Ctrl-C reaches a program whose SIGINT is the default one; a test run started
    # in the background by a shell would hand its ignored SIGINT down, so the child starts afresh.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read()


def wait_until_up(base: str, token: str, process: subprocess.Popen[str]) -> None:
    limit = time.monotonic() + 60
    while time.monotonic() < limit:
        assert process.poll() is None, "JupyterLab exited before it answered"
        try:
            get(f"{base}/api/status?token={token}")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("JupyterLab did not answer within 60 s")


def test_make_lessons_prints_an_address_that_opens_the_lessons_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    process = start(port, tmp_path)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().rstrip("\n") for _ in range(3)]
        # The server's log goes on in the same pipe: read it, or a full pipe stops the server.
        rest: list[str] = []
        threading.Thread(target=lambda: rest.extend(process.stdout), daemon=True).start()  # type: ignore[arg-type]
        found = [m for m in map(URL.match, lines[:2]) if m]
        assert len(found) == 2 and lines[2] == "Stop with Ctrl-C.", f"make lessons printed:\n{lines}"
        assert {m["folder"] for m in found} == {"ko", "en"} and {m["port"] for m in found} == {str(port)}
        token = found[0]["token"]
        base = f"http://localhost:{port}"
        wait_until_up(base, token, process)

        status, _page = get(found[0]["url"])
        assert status == 200
        for folder in ("ko", "en"):
            status, body = get(f"{base}/api/contents/{folder}?token={token}")
            names = sorted(item["name"] for item in json.loads(body)["content"])
            expected = sorted(p.name for p in (ROOT / "notebooks" / folder).glob("*.ipynb"))
            assert status == 200 and names == expected and names, names
        status, css = get(f"{base}/custom/custom.css?token={token}")
        assert status == 200 and b'"NanumGothic"' in css
        status, font = get(f"{base}/custom/NanumGothic.woff?token={token}")
        assert status == 200 and font[:4] == b"wOFF"
        with pytest.raises(urllib.error.HTTPError):  # the token is the key
            get(f"{base}/api/contents/ko")

        os.kill(process.pid, signal.SIGINT)  # Ctrl-C, once
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_make_lessons_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start(port, tmp_path)
        try:
            output, _ = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 1
    assert f"port {port} is not available" in output
