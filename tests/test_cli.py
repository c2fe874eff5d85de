"""The dockersim program as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def dockersim(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator.cli", *args], capture_output=True, text=True, input=stdin, timeout=120)


def test_scenarios_lists_every_builtin():
    r = dockersim("scenarios")
    assert r.returncode == 0 and "structure" in r.stdout


def test_run_check_passes_and_reports_like_a_test_runner():
    r = dockersim("run", "structure", "--check", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "0 failed" in r.stderr


def test_check_fails_on_wrong_expected_output(tmp_path):
    lesson = tmp_path / "lesson.txt"
    lesson.write_text("$ docker ps\nthis is not what docker prints\n")
    r = dockersim("run", str(lesson), "--check", "--quiet")
    assert r.returncode == 1
    assert f"{lesson}:1: output of 'docker ps' differs" in r.stderr


def test_usage_errors_exit_2_without_traceback():
    for args in (["--bogus"], ["run"], ["run", "nosuchscenario"], []):
        r = dockersim(*args)
        assert r.returncode == 2, args
        assert "Traceback" not in r.stderr


def test_shell_reads_commands_from_a_pipe():
    r = dockersim("shell", stdin="docker run -itd --name c1 alpine\ndocker exec c1 hostname -i\n")
    assert r.returncode == 0
    assert "root@host:~# docker exec c1 hostname -i\n172.17.0.2" in r.stdout


def test_run_writes_a_pcap(tmp_path):
    out = tmp_path / "s.pcapng"
    r = dockersim("run", "structure", "--quiet", "--pcap", str(out))
    assert r.returncode == 0 and out.stat().st_size > 1000


def test_check_fails_when_an_ellipsis_hides_an_error(tmp_path):
    lesson = tmp_path / "lesson.txt"
    lesson.write_text("$ docker run -itd --name c1 nosuchimage:1\n...\n$ docker ps\n...\n")
    r = dockersim("run", str(lesson), "--check", "--quiet")
    assert r.returncode == 1
    assert f"{lesson}:1: 'docker run -itd --name c1 nosuchimage:1' exited with status 125; the scenario expects success (status 0)" in r.stderr
    assert "1 passed, 1 failed (FAILED)" in r.stderr


def test_check_accepts_an_error_the_scenario_expects_and_not_a_success(tmp_path):
    lesson = tmp_path / "lesson.txt"
    lesson.write_text("$ docker run -itd --name c1 nosuchimage:1\n...\n#? 125\n$ docker ps\n...\n#? 1\n")
    r = dockersim("run", str(lesson), "--check", "--quiet")
    assert r.returncode == 1
    assert f"{lesson}:4: 'docker ps' exited with status 0; the scenario expects status 1" in r.stderr
    assert "differs" not in r.stderr and "1 passed, 1 failed" in r.stderr


def test_record_writes_each_failing_step_status(tmp_path):
    lesson = tmp_path / "lesson.txt"
    lesson.write_text("# try it\n$ docker network rm bridge\n...\n#? 3\n$ docker network ls -q | head -0\n")
    r = dockersim("run", str(lesson), "--quiet", "--record")
    assert r.returncode == 0, r.stderr
    assert lesson.read_text() == (
        "# try it\n$ docker network rm bridge\n"
        "Error response from daemon: bridge is a pre-defined network and cannot be removed\n#? 1\n"
        "$ docker network ls -q | head -0\n"
    )
    assert dockersim("run", str(lesson), "--check", "--quiet").returncode == 0


def _one_line_error(r: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2, nothing run (no transcript), one line on stderr naming the problem, no traceback."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dockersim: "), r.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_bad_output_paths_are_refused_before_the_scenario_runs(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cases = [
        (["run", "bridge", "--pcap", str(tmp_path / "missing" / "x.pcapng")], ["--pcap", "No such file or directory"]),
        (["run", "bridge", "--pcap", "/proc/x.pcapng"], ["--pcap /proc/x.pcapng", "No such file or directory"]),
        (["run", "bridge", "--pcap", str(tmp_path)], ["--pcap", "Is a directory"]),
        (["run", "bridge", "--pcap", str(fifo)], ["--pcap", "not a regular file"]),
        (["run", "bridge", "--pcap", str(a_file / "x.pcapng")], ["--pcap", "Not a directory"]),
        (["run", "bridge", "--figures", "/proc/x"], ["--figures /proc/x", "No such file or directory"]),
        (["run", "bridge", "--figures", str(a_file)], ["--figures", "Not a directory"]),
        (["run", "bridge", "--figures", str(tmp_path / "missing" / "figs")], ["--figures", "No such file or directory"]),
        (["demo", "--out", "/proc/nope"], ["--out /proc/nope", "No such file or directory"]),
        (["demo", "--out", str(a_file)], ["--out", "Not a directory"]),
    ]
    for args, words in cases:
        _one_line_error(dockersim(*args), *words)
    assert a_file.read_text() == "keep me\n" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "pipe"]


def test_a_writable_pcap_path_is_checked_without_leaving_a_file_behind(tmp_path):
    target = tmp_path / "x.pcapng"
    from simulator.cli import check_output_file

    check_output_file("--pcap", str(target))
    assert not target.exists()


def test_what_is_not_a_scenario_is_refused_in_one_line(tmp_path):
    fifo = tmp_path / "lesson.fifo"
    os.mkfifo(fifo)
    text = tmp_path / "notes.txt"
    text.write_text("secret first line\nand more\n")
    binary = tmp_path / "data.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.write(b"$ docker ps\n")
        f.truncate(8 * 1024 * 1024 + 1)
    cases = [
        (str(fifo), ["is a FIFO"]),
        ("/dev/zero", ["/dev/zero", "is a character device"]),
        (str(tmp_path), ["is a directory"]),
        (str(text), ["not a scenario", "no command line"]),
        (str(binary), ["not a scenario", "binary data"]),
        (str(big), ["too large for a scenario", "8 MiB"]),
    ]
    for path, words in cases:
        start = time.monotonic()
        r = dockersim("run", path, "--check")  # a FIFO must not be waited on: the timeout would fail the test
        assert time.monotonic() - start < 30
        _one_line_error(r, *words)
        assert "secret" not in r.stderr


def test_a_command_line_past_the_limit_gets_bash_s_error(tmp_path):
    lesson = tmp_path / "long.txt"
    lesson.write_text("$ docker run -d --name " + "x" * (2 * 1024 * 1024) + " alpine\nbash: /usr/bin/docker: Argument list too long\n#? 126\n")
    r = dockersim("run", str(lesson), "--check", "--quiet")
    assert r.returncode == 0, r.stderr[-300:]


def test_trace_window_is_an_option_of_every_command():
    for command in ("run", "shell", "demo"):
        r = dockersim(command, "--help")
        assert "--trace-window N" in r.stdout
    r = dockersim("run", "bridge", "--trace-window", "0")
    assert r.returncode == 2 and "invalid trace window" in r.stderr and "Traceback" not in r.stderr
    r = dockersim("run", "structure", "--check", "--quiet", "--trace-window", "all")
    assert r.returncode == 0, r.stderr
