"""``dockersim shell`` at a real pseudo-terminal: keys typed as bytes, output read as the screen gets it.

Ctrl-D is ``\\x04``, Ctrl-P Ctrl-Q ``\\x10\\x11``, Ctrl-C ``\\x03``. Each test starts its
own shell on a pty (the program only: no real command runs) and ends it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]|\r")


class Terminal:
    """A shell on a pseudo-terminal, 120 columns by 40 rows."""

    def __init__(self, *args: str, home: Path) -> None:
        env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", HOME=str(home),
                   DOCKERSIM_HISTORY=str(home / "history"), PYTHONPATH=str(ROOT))
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "simulator.cli", "shell", *args], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.pid, self.fd = pid, fd
        self.screen = ""  # everything shown so far, escape sequences removed
        self.raw = b""  # everything as the terminal got it, escape sequences and all
        self.seen = 0  # how much of it expect() has consumed
        self.arrivals: list[tuple[float, str]] = []  # (when, text) as it came
        self.status: int | None = None

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def type(self, line: str) -> None:
        """Type a line and press Enter."""
        self.send(line.encode() + b"\r")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the program ended
            return False
        if not data:
            return False
        self.raw += data
        text = _ANSI.sub(b"", data).decode("utf-8", "replace")
        self.arrivals.append((time.monotonic(), text))
        self.screen += text
        return True

    def expect(self, pattern: str, timeout: float = 60.0) -> str:
        """Wait until ``pattern`` (a regular expression) shows; return the text up to and including it."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.screen, self.seen)
            if match:
                shown = self.screen[self.seen : match.end()]
                self.seen = match.end()
                return shown
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(min(left, 0.5)) and self._ended()):
                raise AssertionError(f"{pattern!r} not shown; the screen ends with:\n{self.screen[-2000:]}")

    def prompt(self, prompt: str = r"root@host:~#") -> str:
        """Wait for a fresh prompt (a regular expression) at the start of a line; return what came before.

        The trailing space of a prompt reaches the screen as a cursor movement, and
        prompt_toolkit redraws the line being edited, so only a prompt after a new
        line is a new one.
        """
        return self.expect(rf"(?:^|\n){prompt}")

    def _ended(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def wait(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while not self._ended():
            if time.monotonic() > deadline:
                raise AssertionError("the shell did not end")
            self._read(0.1)
        assert self.status is not None
        return self.status

    def close(self) -> None:
        if not self._ended():
            os.kill(self.pid, signal.SIGKILL)  # only the shell this test started
            os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[type[Terminal]]:
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        term = Terminal(*args, home=tmp_path)
        started.append(term)
        term.prompt()
        return term

    yield start  # type: ignore[misc]
    for term in started:
        term.close()


def test_ctrl_d_in_exec_it_leaves_only_that_shell(shell) -> None:
    t = shell("--speed", "100")
    t.type("docker run -itd --name c1 ubuntu:14.04")
    t.prompt()
    t.type("docker exec -it c1 bash")
    t.prompt(r"root@[0-9a-f]{12}:/#")
    t.type("hostname")
    t.prompt(r"root@[0-9a-f]{12}:/#")
    t.send(b"\x04")  # Ctrl-D: bash in the container reads end of file
    t.expect("exit")
    t.prompt()
    t.type("docker ps --format '{{.Names}} {{.Status}}'")
    shown = t.prompt()
    assert re.search(r"c1 Up \d+", shown), shown  # the container runs on, and the program too
    t.send(b"docker ps")
    time.sleep(0.3)
    t.send(b"\x03")  # Ctrl-C at the prompt: the line is abandoned, as in bash
    t.expect(r"docker ps\^C")
    t.prompt()
    t.send(b"\x04")  # Ctrl-D at the host's prompt on an empty line: the program ends, as bash does
    assert t.wait() == 0


def test_ctrl_d_after_run_it_stops_the_container(shell) -> None:
    t = shell("--speed", "100")
    t.type("docker run -it --name c2 busybox")
    t.prompt("/ #")
    t.send(b"\x04")
    t.prompt()
    t.type("docker ps -a --format '{{.Names}} {{.Status}}'")
    assert "c2 Exited (0)" in t.prompt()


def test_ctrl_p_ctrl_q_detaches_and_ctrl_p_alone_is_the_previous_line(shell) -> None:
    t = shell("--speed", "100")
    t.type("docker run -it --name c3 ubuntu:14.04")
    t.prompt(r"root@[0-9a-f]{12}:/#")
    t.send(b"\x10\x11")  # Docker's detach keys
    t.expect("read escape sequence")
    t.prompt()
    t.type("docker ps --format '{{.Names}} {{.Status}}'")
    assert re.search(r"c3 Up", t.prompt())
    t.send(b"\x10")  # at the host's prompt Ctrl-P is bash's previous-history
    t.send(b"\r")
    shown = t.prompt()
    assert "docker ps --format" in shown and re.search(r"c3 Up", shown), shown
    t.type("docker attach c3")
    t.prompt(r"root@[0-9a-f]{12}:/#")
    t.type("exit")
    t.prompt()
    t.type("docker ps -a --format '{{.Names}} {{.Status}}'")
    assert "c3 Exited (0)" in t.prompt()


def test_ping_at_the_wall_clocks_speed_prints_each_reply_when_it_comes(shell) -> None:
    t = shell()  # speed 1: the wall clock
    t.type("docker run -itd --name c1 alpine")
    t.prompt()
    t.type("docker run -itd --name c2 alpine")
    t.prompt()
    start = time.monotonic()
    t.type("docker exec c1 ping -c 5 172.17.0.3")
    t.expect(r"round-trip min/avg/max")
    took = time.monotonic() - start
    t.prompt()
    assert 3.9 <= took < 6.0, took  # four intervals of one second
    replies = [when for when, text in t.arrivals if "bytes from 172.17.0.3" in text]
    assert len(replies) == 5, t.arrivals  # one line at a time, not one burst
    gaps = [b - a for a, b in zip(replies, replies[1:], strict=False)]
    assert all(0.8 < g < 1.3 for g in gaps), gaps


def test_ctrl_c_stops_ping_when_pressed_with_its_summary_and_nothing_after(shell, tmp_path: Path) -> None:
    t = shell("--speed", "10")
    t.type("docker run -itd --name c1 ubuntu:14.04")
    t.prompt()
    t.type("docker run -itd --name c2 ubuntu:14.04")
    t.prompt()
    t.type("docker exec c1 ping -c 1000 172.17.0.3")
    t.expect(r"icmp_seq=3 ")
    pressed = time.monotonic()
    t.send(b"\x03")
    t.expect(r"\^C\n--- 172.17.0.3 ping statistics ---\n")
    assert time.monotonic() - pressed < 0.5  # at the moment it is pressed
    summary = t.expect(r"(\d+) packets transmitted")
    sent = int(re.search(r"(\d+) packets transmitted", summary).group(1))  # type: ignore[union-attr]
    assert 3 <= sent <= 4
    t.prompt()
    capture = tmp_path / "ping.pcapng"
    t.type(f":capture {capture}")
    t.prompt()
    assert capture.read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"  # a pcapng section header
    t.type(":events all")
    events = t.prompt()
    requests = {m for m in re.findall(r"ICMP echo request, id \d+, seq (\d+)", events)}
    assert len(requests) == sent, events  # every request sent is in the capture, and none after ^C
    t.type("sleep 3")
    t.prompt()
    t.type(":events")
    assert "'sleep 3' sent no frame" in t.prompt()  # nothing of ping goes on in the background
    t.type("sleep 1000")
    time.sleep(0.5)
    t.send(b"\x03")  # a program that does not catch SIGINT dies of it
    t.expect(r"\^C")
    t.prompt()


def test_simulator_commands_events_explain_figures_capture_lang(shell, tmp_path: Path) -> None:
    t = shell("--speed", "max")
    t.type(":events")
    assert "no command has run yet" in t.prompt()
    t.type("docker run -itd --name c1 alpine")
    t.prompt()
    t.type("docker exec c1 ping -c 1 8.8.8.8")
    t.prompt()
    t.type(":events")
    listing = t.prompt()
    assert re.search(r"Events of 'docker exec c1 ping -c 1 8.8.8.8' \(exit status 0\): \d+ events, 12 frames", listing), listing
    assert re.search(r"\n 1 +0\.000 ms +\[1\] c1/eth0 +.*ARP, Request who-has 172\.17\.0\.1", listing)
    assert "c1's eth0 sends an ARP request" in listing
    assert re.search(r"\n *\d+ +[\d.]+ ms +host +NAT \(POSTROUTING\): 172\.17\.0\.2 > 8\.8\.8\.8 .*-> 192\.168\.1\.10 > 8\.8\.8\.8", listing)
    assert "MASQUERADE" in listing  # the reason: Docker's rule, as iptables -S prints it
    # the echo request leaving the host after NAT: the first hop of it past docker0
    nat = re.search(r"\n *(\d+) +[\d.]+ ms +\[\d+\] host/eth0 +.*ICMP echo request", listing)
    assert nat is not None, listing
    t.type(f":explain {nat.group(1)}")
    shown = t.prompt()
    assert f"Event {nat.group(1)} at" in shown and "Ethernet II" in shown and "IPv4" in shown and "ICMP" in shown
    assert "* TTL: 63" in shown and "* Source: 192.168.1.10" in shown  # what the host's routing and NAT changed, marked
    t.type(":explain 999")
    assert "no event 999" in t.prompt()
    t.type(":explain x")
    assert "usage: :explain N" in t.prompt()
    figures = tmp_path / "figs"
    t.type(f":figures {figures}")
    assert re.search(r"wrote 12 files to", t.prompt(), flags=0)
    assert {p.name for p in figures.iterdir()} >= {"path.png", "ladder.svg", "headers.pdf", "topology.png"}
    t.type(":figures /proc/nope")
    assert "cannot write /proc/nope" in t.prompt()
    t.type(f":capture {tmp_path / 'one.pcapng'}")
    assert re.search(r"wrote \d+ frames to", t.prompt())
    t.type(":lang ko")
    assert "메시지를 한국어로" in t.prompt()
    t.type(":explain 999")
    assert "이벤트 999번은 없습니다" in t.prompt()
    t.type(":events")
    assert "ARP 요청을 보냅니다" in t.prompt()  # the reasons in Korean; tcpdump's summary as tcpdump prints it
    t.type(":speed 10")
    assert "속도 x10" in t.prompt()
    t.type(":nonsense")
    shown = t.prompt()
    assert "알 수 없는 명령" in shown and "Traceback" not in t.screen


def test_korean_banner_and_help_docker_output_unchanged(shell) -> None:
    t = shell("--lang", "ko", "--speed", "max")
    assert "시뮬레이션된 도커 호스트" in t.screen
    t.type("help")
    assert ":events [all]" in t.prompt() and "시뮬레이터 자체 명령" in t.screen
    t.type("docker ps")
    assert "CONTAINER ID   IMAGE" in t.prompt()


def test_tab_completes_and_history_outlives_the_session(shell, tmp_path: Path) -> None:
    t = shell("--speed", "max")
    t.type("docker run -itd --name webserver nginx")
    t.prompt()
    t.send(b"docker ex\t")  # Tab: the docker subcommand
    time.sleep(0.5)  # completion runs in the background, as a person types
    t.send(b" web\t")  # Tab: the container's name
    time.sleep(0.5)
    t.send(b" hostname\r")
    shown = t.prompt()
    assert "docker exec webserver hostname" in shown and re.search(r"\n[0-9a-f]{12}\n", shown), shown
    t.send(b"\x04")
    assert t.wait() == 0
    again = shell("--speed", "max")  # a new session reads the same history file
    again.send(b"\x10\r")  # Ctrl-P: the last line of the previous session
    assert "docker exec webserver hostname" in again.prompt()


def test_keys_typed_while_a_command_runs_wait_for_the_prompt(shell) -> None:
    t = shell("--speed", "10")
    t.type("docker run -it --name c4 ubuntu:14.04")
    t.prompt(r"root@[0-9a-f]{12}:/#")
    t.type("sleep 2")  # 0.2 s at x10
    t.send(b"\x10\x11")  # typed ahead: Ctrl-Q is not the terminal's XON, Ctrl-P not echoed as ^P
    t.expect("read escape sequence")
    t.prompt()
    assert "^P" not in t.screen
    t.type(":events")  # the detach keys are no command: the last one is still 'sleep 2'
    assert "'sleep 2'" in t.prompt()
    t.type("docker ps --format '{{.Names}} {{.Status}}'")
    shown = t.prompt()
    assert re.search(r"c4 Up", shown), t.screen[-3000:]


def test_clear_and_ctrl_l_clear_the_screen(shell) -> None:
    t = shell("--speed", "max")
    t.type("echo before")
    t.prompt()
    start = len(t.raw)
    t.type("clear")
    assert "not model" not in t.prompt()
    assert b"\x1b[H\x1b[2J\x1b[3J" in t.raw[start:]  # what ncurses' clear writes to an xterm
    t.type("docker run -it --name c5 ubuntu:14.04")
    t.prompt(r"root@[0-9a-f]{12}:/#")
    start = len(t.raw)
    t.type("clear")  # the container's clear (ncurses-bin in the image)
    t.prompt(r"root@[0-9a-f]{12}:/#")
    assert b"\x1b[2J" in t.raw[start:]
    start = len(t.raw)
    t.send(b"\x0c")  # Ctrl-L: the line editor clears the screen and redraws the prompt at the top
    t.expect(r"root@[0-9a-f]{12}:/#")
    assert b"\x1b[2J\x1b[0;0H" in t.raw[start:]  # erase, then the cursor home


def test_docker_logs_follow_shows_new_lines_until_ctrl_c(shell) -> None:
    t = shell("--speed", "10")
    t.type("docker run -d --name p1 busybox ping 127.0.0.1")
    t.prompt()
    t.type("docker logs -f p1")
    t.expect(r"seq=0 ")  # what is there
    t.expect(r"seq=12 ")  # and what comes: a new reply each simulated second
    t.send(b"\x03")  # Ctrl-C: the client stops following; the container pings on
    shown = t.prompt()
    assert "^C" in shown, t.screen[-2000:]
    t.type("echo $?")
    assert "130" in t.prompt()
    t.type("docker ps --format '{{.Names}} {{.Status}}'")
    assert re.search(r"p1 Up", t.prompt())
