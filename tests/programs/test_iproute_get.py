"""``ip route get``: the route to one destination, as iproute2 6.1 and BusyBox print it
(both checked against the real tools in a namespace with a veth, a default route and lo)."""

from __future__ import annotations

import pytest

from simulator import Lab


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab(engine="20.10")
    lab.sh("docker network create --subnet 10.15.0.0/24 hv")
    lab.sh("docker run -itd --name bb --net hv busybox")
    lab.sh("docker run -itd --name ns --net hv nicolaka/netshoot")
    return lab


@pytest.mark.parametrize(("command", "stdout"), [
    ("docker exec bb ip route get 10.15.0.1", "10.15.0.1 dev eth0  src 10.15.0.2 \n"),
    ("docker exec bb ip route get 8.8.8.8", "8.8.8.8 via 10.15.0.1 dev eth0  src 10.15.0.2 \n"),
    ("docker exec bb ip route get 10.15.0.2", "local 10.15.0.2 dev lo  src 10.15.0.2 \n"),
    ("docker exec ns ip route get 10.15.0.1", "10.15.0.1 dev eth0 src 10.15.0.3 uid 0 \n    cache \n"),
    ("docker exec ns ip route get 8.8.8.8", "8.8.8.8 via 10.15.0.1 dev eth0 src 10.15.0.3 uid 0 \n    cache \n"),
    ("docker exec ns ip route get 127.0.0.1", "local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n"),
])
def test_the_route_taken(lab: Lab, command: str, stdout: str) -> None:
    out = lab.sh(command)
    assert (out.exit_code, out.stdout, out.stderr) == (0, stdout, "")


@pytest.mark.parametrize(("command", "status", "stderr"), [
    ("docker exec bb ip route get", 1, "ip: need at least destination address\n"),
    ("docker exec bb ip route get 300.1.1.1", 1, "ip: need at least destination address\n"),
    ("docker exec ns ip route get", 1, "need at least a destination address\n"),
    ("docker exec ns ip route get 300.1.1.1", 1, 'Error: any valid prefix is expected rather than "300.1.1.1".\n'),
    ("docker run --rm --net none busybox ip route get 8.8.8.8", 2, "ip: RTNETLINK answers: Network is unreachable\n"),
    ("docker run --rm --net none nicolaka/netshoot ip route get 8.8.8.8", 2, "RTNETLINK answers: Network is unreachable\n"),
])
def test_refusals(lab: Lab, command: str, status: int, stderr: str) -> None:
    out = lab.sh(command)
    assert (out.exit_code, out.stdout, out.stderr) == (status, "", stderr)


def test_busybox_ip_has_no_statistics_option(lab: Lab) -> None:
    """ip_parse_common_args() knows -oneline, -family, -4, -6 and -0: ``-s`` gets the usage."""
    out = lab.sh("docker exec bb ip -s link show eth0")
    assert (out.exit_code, out.stdout) == (1, "")
    lines = out.stderr.splitlines()
    assert lines[0].startswith("BusyBox v1.36.1 ") and lines[2] == "Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]"
    assert lines[4] == "OPTIONS := -f[amily] inet|inet6|link | -o[neline]"
    assert lines[-1] == "ip rule [list] | add|del SELECTOR ACTION"
