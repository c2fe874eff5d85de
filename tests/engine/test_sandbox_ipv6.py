"""IPv6 inside a container's sandbox, per engine version (no network here is IPv6-enabled).

<= 25.0: libnetwork disables IPv6 on "all" in every new sandbox (no ``::1``, no ``fe80::``);
26.0: nothing disabled; >= 26.1: disabled on endpoints without an IPv6 address, ``::1`` kept.
The host's own devices are not the sandbox's: docker0 and the veths keep their link-local
addresses in every version.
"""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.engine.versions import profile


def _container_ip_addr(engine: str, run: str = "docker run -itd --name c1 busybox") -> str:
    lab = Lab(engine=engine)
    assert lab.sh(run).exit_code == 0
    return lab.sh("docker exec c1 ip addr").stdout


def test_a_20_10_container_has_no_ipv6_at_all() -> None:
    out = _container_ip_addr("20.10")
    assert "inet 127.0.0.1/8 scope host lo" in out and "inet 172.17.0.2/16" in out
    assert "inet6" not in out


def test_a_current_container_keeps_only_loopback_ipv6() -> None:
    out = _container_ip_addr("29.2")
    assert "inet6 ::1/128 scope host" in out
    assert "fe80::" not in out


@pytest.mark.parametrize("network", ["none", "bridge"])
def test_20_10_disables_ipv6_whatever_the_network(network: str) -> None:
    out = _container_ip_addr("20.10", f"docker run -itd --name c1 --net {network} busybox")
    assert "inet6" not in out


def test_the_hosts_side_keeps_its_link_local_addresses_in_20_10() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 busybox")
    docker0 = lab.sh("ip addr show docker0").stdout
    assert "inet6 fe80::" in docker0
    veths = [line for line in lab.sh("ip -br addr").stdout.splitlines() if line.startswith("veth")]
    assert veths and all("fe80::" in line for line in veths)


def test_the_profiles_say_it_as_data() -> None:
    old, new = profile("20.10"), profile("29.2")
    assert (old.ipv6_loopback, old.ipv6_link_local) == (False, False)
    assert (new.ipv6_loopback, new.ipv6_link_local) == (True, False)


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_docker0_keeps_its_link_local_address_after_its_last_container(engine: str) -> None:
    """addrconf keeps the fe80:: address when the carrier goes; setting the device down drops it
    (checked on the real kernel: a bridge whose only port left is NO-CARRIER with fe80:: kept)."""
    lab = Lab(engine=engine)
    assert "inet6" not in lab.sh("ip addr show docker0").stdout  # never had carrier
    lab.sh("docker run -itd --name c1 busybox")
    lab.sh("docker rm -f c1")
    shown = lab.sh("ip addr show docker0").stdout
    assert "NO-CARRIER" in shown and "inet6 fe80::" in shown
    lab.sh("ip link set docker0 down")
    lab.sh("ip link set docker0 up")
    assert "inet6" not in lab.sh("ip addr show docker0").stdout
