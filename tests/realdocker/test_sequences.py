"""The simulator's 20.10 engine against a real dockerd 20.10, sequence by sequence.

Each file under ``sequences/`` is replayed on the session's real daemon (``conftest.py``,
``daemon.py``) and on a fresh ``Lab(engine="20.10")``; every command's stdout, stderr
and exit status must be the same after :func:`tests.realdocker.replay.normalise`.  A
failure shows one diff per differing command (real daemon first).

``KNOWN_DIFFERENCES`` lists the sequences whose outputs differ today, each with a
one-line reason naming the difference: they are strict expected failures, so a fix in
the simulator turns one into an unexpected pass, and its line is then deleted here.
"""

from __future__ import annotations

import time

import pytest

from tests.realdocker.replay import all_sequences, differences, replay_real, replay_sim

pytestmark = pytest.mark.realdocker

# sequence name -> the difference that makes it fail today (one line each).
KNOWN_DIFFERENCES: dict[str, str] = {
}

SEQUENCES = all_sequences()


def _params():
    for seq in SEQUENCES:
        marks = []
        if seq.name in KNOWN_DIFFERENCES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[seq.name]))
        yield pytest.param(seq, id=seq.name, marks=marks)


def test_the_sequences_are_many_and_named_in_the_table() -> None:
    """At least 300 commands; the table names only sequences that exist."""
    assert SEQUENCES, "no sequence files"
    assert sum(len(s.steps) for s in SEQUENCES) >= 300
    names = {s.name for s in SEQUENCES}
    assert set(KNOWN_DIFFERENCES) <= names, set(KNOWN_DIFFERENCES) - names


def test_the_daemon_is_debians_20_10(real_docker) -> None:
    out = real_docker.docker("version", "--format", "{{.Client.Version}} {{.Server.Version}}")
    assert out.exit_code == 0, out
    assert out.stdout.split() == ["20.10.24+dfsg1", "20.10.24+dfsg1"], out.stdout


@pytest.mark.parametrize("seq", list(_params()))
def test_sequence(real_docker, seq) -> None:
    assert seq.steps, seq.path
    missing = [kind for kind in seq.needs if not real_docker.kernel_has(kind)]
    if missing:
        pytest.skip(f"this machine's kernel cannot make {', '.join(missing)} links (a property of the machine, not of Docker)")
    started = time.monotonic()
    real_docker.reset()
    real = replay_real(seq, real_docker)
    sim = replay_sim(seq)
    print(f"{seq.name}: {len(seq.steps)} commands in {time.monotonic() - started:.1f} s")
    found = differences(real, sim)
    assert not found, f"{seq.path.name}: {len(found)} of {len(seq.steps)} commands differ\n\n" + "\n\n".join(found)


def test_host_firewall_interfaces_and_routes_untouched(real_docker) -> None:
    """After every sequence (this test runs last): the machine's own state is what it was."""
    from tests.realdocker.daemon import host_snapshot

    assert real_docker.host_before, "no snapshot taken before the daemon started"
    after = host_snapshot()
    assert after == real_docker.host_before
