"""``cat /proc/sys/net/...``: the sysctls of the reader's own namespace."""

from __future__ import annotations

import pytest

from simulator import Lab


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_the_host_forwards_and_a_container_does_not(engine: str) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -itd --name c1 busybox")
    assert lab.sh("cat /proc/sys/net/ipv4/ip_forward").stdout == "1\n"
    assert lab.sh("docker exec c1 cat /proc/sys/net/ipv4/ip_forward").stdout == "0\n"


def test_dockerd_turned_bridge_nf_call_iptables_on_on_its_host() -> None:
    lab = Lab(engine="20.10")
    assert lab.sh("cat /proc/sys/net/bridge/bridge-nf-call-iptables").stdout == "1\n"


def test_a_sysctl_that_is_not_there_is_cats_error() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 busybox")
    out = lab.sh("docker exec c1 cat /proc/sys/net/ipv4/nope")
    assert (out.exit_code, out.stderr) == (1, "cat: can't open '/proc/sys/net/ipv4/nope': No such file or directory\n")
    out = lab.sh("cat /proc/sys/net/ipv4/nope")
    assert (out.exit_code, out.stderr) == (1, "cat: /proc/sys/net/ipv4/nope: No such file or directory\n")
