"""A terminal's clock: paced runs, output as it is written, Ctrl-C (``Lab.sh(speed=, on_output=)``)."""

from __future__ import annotations

import math
import re
import time

import pytest

from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.scenario import pacing
from simulator.scenario.lab import Lab
from simulator.trace.records import FrameSent


def _two_containers() -> Lab:
    lab = Lab(seed=3)
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -itd --name c2 ubuntu:14.04")
    return lab


def _echo_requests(records: object) -> list[FrameSent]:
    out = []
    for r in records:  # type: ignore[attr-defined]
        if isinstance(r, FrameSent):
            icmp = getattr(r.frame.payload, "payload", None)
            if isinstance(icmp, IcmpMessage) and icmp.type is IcmpType.ECHO_REQUEST:
                out.append(r)
    return out


def test_a_paced_run_shows_the_same_and_records_the_same_as_a_fast_one() -> None:
    fast, paced = _two_containers(), _two_containers()
    a = fast.sh("docker exec c1 ping -c 3 172.17.0.3")
    pieces: list[tuple[str, str]] = []
    b = paced.sh("docker exec c1 ping -c 3 172.17.0.3", speed=100.0, on_output=lambda s, t: pieces.append((s, t)))
    assert (b.stdout, b.stderr, b.exit_code) == (a.stdout, a.stderr, a.exit_code)
    assert "".join(t for s, t in pieces if s == "stdout") == a.stdout
    assert [type(r).__name__ for r in b.trace] == [type(r).__name__ for r in a.trace]
    assert [r.time for r in b.trace] == [r.time for r in a.trace]


def test_ping_prints_each_reply_when_it_comes_at_the_chosen_speed() -> None:
    lab = _two_containers()
    t0 = time.monotonic()
    seen: list[tuple[float, str]] = []
    r = lab.sh("docker exec c1 ping -c 5 172.17.0.3", speed=10.0, on_output=lambda s, t: seen.append((time.monotonic() - t0, t)))
    elapsed = time.monotonic() - t0
    assert r.exit_code == 0
    assert 0.38 <= elapsed < 1.0  # 4 simulated seconds at x10
    replies = [at for at, text in seen if "icmp_seq=" in text]
    assert len(replies) == 5
    gaps = [b - a for a, b in zip(replies, replies[1:], strict=False)]
    assert all(0.07 < g < 0.2 for g in gaps), gaps  # one line every 0.1 s, not one burst


def test_ctrl_c_stops_ping_at_once_with_its_summary_and_no_frame_after() -> None:
    lab = _two_containers()

    def watch(stream: str, text: str) -> None:
        if "icmp_seq=3 " in text:
            lab.interrupt()

    r = lab.sh("docker exec c1 ping -c 1000 172.17.0.3", speed=math.inf, on_output=watch)
    assert r.stdout.count("icmp_seq=") == 3
    assert "icmp_seq=3 ttl=64" in r.stdout
    assert "ttl=64 time=" in r.stdout.split("^C")[0].splitlines()[-1]
    assert r.stdout.split("^C")[1].startswith("\n--- 172.17.0.3 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss")
    assert r.exit_code == 0  # iputils catches SIGINT and exits by its result: replies came back
    stopped_at = lab.sim.now
    later = lab.sh("sleep 10")
    assert later.exit_code == 0 and lab.sim.now >= stopped_at + 10
    assert _echo_requests(r.trace)  # the three requests were sent...
    assert _echo_requests(later.trace) == []  # ...and none after Ctrl-C
    assert [r.exit_code for r in [lab.sh("docker ps -q")]] == [0]


def test_ctrl_c_kills_a_program_that_does_not_catch_it_with_status_130() -> None:
    lab = Lab(seed=1)
    start = lab.sim.now
    r = lab.sh("sleep 100", speed=math.inf, on_output=lambda s, t: None)  # not interrupted: runs out
    assert r.exit_code == 0 and lab.sim.now - start == pytest.approx(100)
    import threading

    threading.Timer(0.1, lab.interrupt).start()
    r = lab.sh("sleep 100", speed=100.0, on_output=lambda s, t: None)
    assert (r.stdout, r.stderr, r.exit_code) == ("^C\n", "", 130)  # the terminal's echo, then bash's new line
    assert 5 < lab.sim.now - start - 100 < 30


def test_ctrl_c_during_sleep_through_docker_exec() -> None:
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 alpine")
    timer = {"t0": time.monotonic()}

    def keep_time(stream: str, text: str) -> None:
        pass

    import threading

    threading.Timer(0.2, lab.interrupt).start()
    r = lab.sh("docker exec c1 sleep 30", speed=10.0, on_output=keep_time)
    elapsed = time.monotonic() - timer["t0"]
    assert r.exit_code == 130
    assert r.stdout == "^C\n"
    assert 0.15 < elapsed < 0.6  # stopped when pressed, not after 3 s
    assert 1.0 < lab.sim.now < 4.0


def test_ping_without_count_at_a_terminal_runs_until_ctrl_c() -> None:
    lab = _two_containers()

    def watch(stream: str, text: str) -> None:
        if "icmp_seq=7 " in text:
            lab.interrupt()

    r = lab.sh("docker exec c1 ping 172.17.0.3", speed=math.inf, on_output=watch)
    assert r.stdout.count("icmp_seq=") == 7
    assert "^C\n--- 172.17.0.3 ping statistics ---\n7 packets transmitted, 7 received" in r.stdout
    script = _two_containers().sh("docker exec c1 ping 172.17.0.3")  # a script: the learner's Ctrl-C after 4
    assert script.stdout.count("icmp_seq=") == 4 and "^C\n---" in script.stdout


def test_output_goes_out_in_order_and_pipes_at_the_end() -> None:
    lab = _two_containers()
    pieces: list[str] = []
    r = lab.sh("docker exec c1 ping -c 2 172.17.0.3 | grep ttl", speed=math.inf, on_output=lambda s, t: pieces.append(t))
    assert "".join(pieces) == r.stdout and r.stdout.count("\n") == 2
    pieces.clear()
    r = lab.sh("docker ps -q && docker exec c1 hostname", speed=math.inf, on_output=lambda s, t: pieces.append(t))
    assert "".join(pieces) == r.stdout and len(pieces) == 2


@pytest.mark.parametrize(("text", "speed"), [("1", 1.0), ("x10", 10.0), ("100", 100.0), ("max", math.inf)])
def test_speeds(text: str, speed: float) -> None:
    assert pacing.parse_speed(text) == speed


@pytest.mark.parametrize("text", ["0", "-1", "fast-ish", "nan", ""])
def test_bad_speeds(text: str) -> None:
    with pytest.raises(ValueError):
        pacing.parse_speed(text)


def test_tcpdump_at_a_terminal_runs_until_ctrl_c_and_prints_its_counts() -> None:
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 alpine")
    lab.sh("docker exec -d c1 ping 8.8.8.8")  # traffic from elsewhere
    lines: list[str] = []

    def watch(stream: str, text: str) -> None:
        lines.append(text)
        if sum("ICMP echo" in x for x in lines) == 6:
            lab.interrupt()

    r = lab.sh("tcpdump -i docker0 -n", speed=math.inf, on_output=watch)
    captured = [line for line in r.stdout.splitlines() if re.match(r"\d\d:\d\d:\d\d\.\d{6} ", line)]
    assert sum("ICMP echo" in line for line in captured) == 6
    assert f"^C\n{len(captured)} packets captured\n{len(captured)} packets received by filter\n" in r.stdout
    assert r.exit_code == 0
    assert lab.sim.now < 5  # three pings' worth, not the script's 10 s
    script = lab.sh("tcpdump -i docker0 -n")  # in a script: stopped after 10 simulated seconds
    assert "^C\n" in script.stdout and script.stdout.count("ICMP echo request") == 10


def test_ctrl_c_ends_the_whole_command_list() -> None:
    lab = Lab(seed=1)
    import threading

    threading.Timer(0.1, lab.interrupt).start()
    r = lab.sh("sleep 100; hostname; sleep 5", speed=100.0, on_output=lambda s, t: None)
    assert (r.stdout, r.exit_code) == ("^C\n", 130)  # neither hostname nor the second sleep ran


def test_ctrl_c_without_an_output_callback_or_into_a_pipe_keeps_the_order() -> None:
    import threading

    lab = _two_containers()
    threading.Timer(0.25, lab.interrupt).start()
    r = lab.sh("docker exec c1 ping 172.17.0.3", speed=10.0)  # a notebook at the wall clock's pace
    head, tail = r.stdout.split("^C")
    assert head.startswith("PING 172.17.0.3") and head.count("icmp_seq=") >= 2
    assert tail.startswith("\n--- 172.17.0.3 ping statistics ---\n")
    threading.Timer(0.25, lab.interrupt).start()
    piped = lab.sh("docker exec c1 ping 172.17.0.3 | grep -c ttl", speed=10.0, on_output=lambda s, t: None)
    assert int(piped.stdout) >= 2


def test_sigint_while_a_paced_command_runs_stops_the_program_not_python() -> None:
    import os
    import signal
    import threading

    lab = _two_containers()
    # A process started in the background by a shell inherits SIGINT ignored; the handler a
    # notebook's kernel has is Python's own. Start from that one, and expect it back.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Timer(0.25, lambda: os.kill(os.getpid(), signal.SIGINT)).start()  # a notebook's interrupt button
        r = lab.sh("docker exec c1 ping 172.17.0.3", speed=10.0)
        assert "^C\n--- 172.17.0.3 ping statistics ---" in r.stdout
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("image", ["ubuntu:14.04", "nicolaka/netshoot", "alpine"])
def test_streamed_ping_by_name_shows_what_a_script_shows(image: str) -> None:
    def lab_with_names() -> Lab:
        lab = Lab(seed=4)
        lab.sh("docker network create mynet")
        lab.sh(f"docker run -itd --name c1 --net mynet --net-alias web {image}")
        lab.sh(f"docker run -itd --name c2 --net mynet {image}")
        return lab

    script = lab_with_names().sh("docker exec c2 ping -c 3 web")
    pieces: list[str] = []
    terminal = lab_with_names().sh("docker exec c2 ping -c 3 web", speed=math.inf, on_output=lambda s, t: pieces.append(t))
    assert script.exit_code == 0 and "web" in script.stdout
    assert terminal.stdout == script.stdout and "".join(pieces) == script.stdout
    assert sum("bytes from" in p for p in pieces) == 3  # one piece per reply line
