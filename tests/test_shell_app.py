"""The shell's own parts without a terminal: completion, the : commands, a transcript from a pipe."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from simulator.scenario.lab import Lab
from simulator.shell_app import Session
from simulator.shell_completer import ShellCompleter


def _completions(completer: ShellCompleter, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]


def test_completion_offers_commands_subcommands_names_and_images() -> None:
    lab = Lab(seed=1)
    completer = ShellCompleter(lab)
    assert _completions(completer, "doc") == ["docker"]
    assert _completions(completer, ":ev") == [":events"]
    assert "exec" in _completions(completer, "docker e")
    assert "ubuntu:14.04" in _completions(completer, "docker run -it ubu")
    assert "web1" not in _completions(completer, "docker exec w")
    lab.sh("docker run -itd --name web1 nginx")
    lab.sh("docker network create backend")
    assert "web1" in _completions(completer, "docker exec w")
    assert "backend" in _completions(completer, "docker network connect b")


def _session(lang: str = "en") -> tuple[Session, io.StringIO]:
    out = io.StringIO()
    return Session(Lab(seed=1, lang=lang), None, out=out, err=out), out


def test_bad_use_of_a_colon_command_is_one_line() -> None:
    session, out = _session()
    for line in (":events", ":explain", ":explain 1", ":figures", ":capture", ":lang fr", ":speed 0", ":speed a b", ":nope"):
        out.truncate(0)
        out.seek(0)
        assert session.execute(line) is True
        text = out.getvalue()
        assert text.count("\n") == 1 and text.startswith("dockersim: "), (line, text)


def test_capture_writes_the_last_commands_frames(tmp_path: Path) -> None:
    session, out = _session("ko")
    session.execute("docker run -itd --name c1 alpine")
    session.execute("docker exec c1 ping -c 1 172.17.0.1")
    target = tmp_path / "ping.pcapng"
    session.execute(f":capture {target}")
    assert target.read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"
    assert "프레임" in out.getvalue().splitlines()[-1]
    session.execute(f":capture {tmp_path}/no/such/dir/x.pcapng")
    assert "쓸 수 없습니다" in out.getvalue().splitlines()[-1]


def test_a_pipe_gets_a_transcript_with_the_colon_commands() -> None:
    r = subprocess.run([sys.executable, "-m", "simulator.cli", "shell", "--lang", "ko"], capture_output=True, text=True,
                       input="docker run -itd --name c1 alpine\ndocker exec c1 ping -c 1 172.17.0.1\n:events\n:explain 1\n",
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "root@host:~# :events\n'docker exec c1 ping -c 1 172.17.0.1' 명령의 이벤트 (종료 코드 0)" in r.stdout
    assert "root@host:~# :explain 1\n이벤트 1: 0.000 ms, c1/eth0, 그림의 1번 프레임\n이유: " in r.stdout
    assert "Traceback" not in r.stderr


def test_events_number_frames_as_the_path_figure_does() -> None:
    import re

    from simulator.viz.path import plan

    session, out = _session()
    for line in ("docker network create mybridge", "docker run -itd --name c1 --net mybridge --net-alias web ubuntu:14.04",
                 "docker run -itd --name c2 --net mybridge ubuntu:14.04", "docker exec c2 ping -c 2 web"):
        session.execute(line)
    out.truncate(0)
    out.seek(0)
    session.execute(":events all")
    listing = out.getvalue()
    assert session.last is not None
    figure = plan(session.last.trace).groups
    assert figure
    shown = {int(n) for n in re.findall(r"^ *\d+ +[\d.]+ ms +\[(\d+)\] ", listing, flags=re.M)}
    assert shown == {g.number for g in figure}  # the DNS query on lo (1, 2) included
    lo = re.search(r"^ *\d+ +[\d.]+ ms +\[1\] c2/lo ", listing, flags=re.M)
    assert lo is not None, listing
