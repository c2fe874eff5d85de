"""``docker ps -n N``: the last N containers created, whatever their state (it was ignored)."""

from __future__ import annotations

from simulator import Lab


def test_ps_last_n_lists_the_newest_in_every_state() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run --name c2 ubuntu:14.04 true")  # exited
    lab.sh("docker run -itd --name c3 ubuntu:14.04")
    assert lab.sh("docker ps -n 2 --format '{{.Names}}'").stdout == "c3\nc2\n"
    assert lab.sh("docker ps --last=1 -q").stdout.count("\n") == 1
    assert lab.sh("docker ps -l --format '{{.Names}}'").stdout == "c3\n"
    assert lab.sh("docker ps --format '{{.Names}}'").stdout == "c3\nc1\n"
    r = lab.sh("docker ps -n x")
    assert (r.exit_code, r.stderr.splitlines()[0]) == (
        125, 'invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax')
