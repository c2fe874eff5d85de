"""``sleep`` over GNU's range and ``printenv VAR``, as a learner types them."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.scenario.lab import MAX_COMMAND_S


@pytest.mark.parametrize(
    ("command", "seconds"),
    [("sleep 2.5", 2.5), ("sleep 1 2m 0.5h", 1921.0), ("sleep 1e2", 100.0), ("sleep 0x10", 16.0), ("sleep 1d", 86400.0), ("sleep 0", 0.0)],
)
def test_sleep_lets_the_sum_of_its_arguments_pass(command: str, seconds: float):
    lab = Lab()
    start = lab.sim.now
    r = lab.sh(command)
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    assert lab.sim.now - start == pytest.approx(seconds)


@pytest.mark.parametrize("command", ["sleep 99999999", "sleep infinity", "sleep inf 1"])
def test_a_long_sleep_is_accepted_and_stopped_at_the_lessons_time_limit(command: str):
    lab = Lab()
    start = lab.sim.now
    r = lab.sh(command)
    assert r.exit_code == 130 and "invalid" not in r.stderr
    assert lab.sim.now - start == MAX_COMMAND_S
    assert lab.sh("echo still here").stdout == "still here\n"


@pytest.mark.parametrize(
    ("command", "stderr"),
    [
        ("sleep", "sleep: missing operand\nTry 'sleep --help' for more information.\n"),
        ("sleep 1x y", "sleep: invalid time interval '1x'\nsleep: invalid time interval 'y'\nTry 'sleep --help' for more information.\n"),
        ("sleep -1", "sleep: invalid option -- '1'\nTry 'sleep --help' for more information.\n"),
        ("sleep nan", "sleep: invalid time interval 'nan'\nTry 'sleep --help' for more information.\n"),
        ("sleep 1_0", "sleep: invalid time interval '1_0'\nTry 'sleep --help' for more information.\n"),
    ],
)
def test_bad_intervals_get_coreutils_words(command: str, stderr: str):
    r = Lab().sh(command)
    assert (r.exit_code, r.stderr) == (1, stderr)


def test_busybox_sleep_takes_fractions_and_suffixes_and_words_errors_its_way():
    lab = Lab()
    lab.sh("docker run -itd --name alp alpine")
    start = lab.sim.now
    assert lab.sh("docker exec alp sleep 1.5m 2").exit_code == 0
    assert lab.sim.now - start == pytest.approx(92.0)
    r = lab.sh("docker exec alp sleep 1x")
    assert (r.exit_code, r.stderr) == (1, "sleep: invalid number '1x'\n")


def test_printenv_prints_the_named_variables_only():
    lab = Lab()
    lab.sh("docker run -itd --name web -e COLOR=blue ubuntu:14.04")
    r = lab.sh("docker exec web printenv COLOR")
    assert (r.exit_code, r.stdout) == (0, "blue\n")
    r = lab.sh("docker exec web printenv COLOR NOPE HOSTNAME")
    assert (r.exit_code, r.stdout) == (1, f"blue\n{lab.engine.container('web').hostname}\n")
    everything = lab.sh("docker exec web printenv")
    assert everything.stdout == lab.sh("docker exec web env").stdout and "COLOR=blue\n" in everything.stdout


def test_clear_in_a_lab_prints_no_escape_sequence() -> None:
    """A notebook cell holds one command's own output: nothing to clear, so no ESC[2J garbage."""
    lab = Lab()
    r = lab.sh("clear")
    assert (r.stdout, r.stderr, r.exit_code) == ("", "", 0)
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 clear")
    assert (r.stdout, r.stderr, r.exit_code) == ("", "", 0)
