"""The dockersim program as a user runs it."""

from __future__ import annotations

import subprocess
import sys


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
