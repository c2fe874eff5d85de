"""The engine's pieces as a learner meets them: network modes, messages per version, names and addresses reused."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from simulator import Lab
from simulator.engine.ipam import AddressPool
from simulator.engine.messages import CURRENT, V20_10
from simulator.engine.network_mode import ModeKind, NetworkMode
from simulator.engine.versions import PROFILES


@pytest.mark.parametrize(("text", "kind", "target"), [
    ("default", ModeKind.DEFAULT, ""), ("bridge", ModeKind.BRIDGE, ""), ("host", ModeKind.HOST, ""),
    ("none", ModeKind.NONE, ""), ("container:web", ModeKind.CONTAINER, "web"), ("mynet", ModeKind.NETWORK, "mynet"),
])
def test_network_mode_reads_back_as_docker_inspect_prints_it(text: str, kind: ModeKind, target: str) -> None:
    mode = NetworkMode.parse(text)
    assert (mode.kind, mode.target) == (kind, target)
    assert str(mode) == text
    assert mode.shares_namespace == (kind in (ModeKind.HOST, ModeKind.CONTAINER))


def test_each_engine_carries_its_own_messages() -> None:
    assert PROFILES["20.10"].messages is V20_10 and PROFILES["29.2"].messages is CURRENT
    assert V20_10.networking("x") == "x" and CURRENT.networking("x") == "failed to set up container networking: x"


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_inspect_shows_the_resolved_network_mode(engine: str) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -itd --name web alpine")
    lab.sh("docker run -itd --name side --network container:web alpine")
    lab.sh("docker run -itd --name plain alpine")
    web_id = lab.sh("docker inspect -f '{{.Id}}' web").stdout.strip()
    assert lab.sh("docker inspect -f '{{.HostConfig.NetworkMode}}' side").stdout == f"container:{web_id}\n"
    default = "default" if engine == "20.10" else "bridge"
    assert lab.sh("docker inspect -f '{{.HostConfig.NetworkMode}}' plain").stdout == f"{default}\n"


def test_a_removed_containers_name_can_be_used_again() -> None:
    lab = Lab()
    assert lab.sh("docker run -itd --name web alpine").exit_code == 0
    clash = lab.sh("docker run -itd --name web alpine")
    assert clash.exit_code == 125 and 'The container name "/web" is already in use' in clash.stderr
    assert lab.sh("docker rm -f web").exit_code == 0
    assert lab.sh("docker run -itd --name web alpine").exit_code == 0
    assert lab.sh("docker run --rm --name once alpine true").exit_code == 0
    assert lab.sh("docker run -itd --name once alpine").exit_code == 0  # --rm gave the name back


def test_a_released_address_is_the_lowest_free_again() -> None:
    pool = AddressPool(IPv4Network("10.0.0.0/28"))
    assert [str(pool.allocate()) for _ in range(4)] == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]
    pool.release(IPv4Address("10.0.0.2"))
    assert str(pool.allocate()) == "10.0.0.2"
    assert str(pool.allocate()) == "10.0.0.5"
    pool.allocate(IPv4Address("10.0.0.6"))  # --ip: taken without moving the scan
    assert str(pool.allocate(in_range=False)) == "10.0.0.7"


def test_an_ip_range_and_its_subnet_are_scanned_apart() -> None:
    pool = AddressPool(IPv4Network("10.0.0.0/24"), ip_range=IPv4Network("10.0.0.128/25"))
    assert str(pool.allocate(in_range=False)) == "10.0.0.1"  # the gateway, from the whole subnet
    assert [str(pool.allocate()) for _ in range(2)] == ["10.0.0.128", "10.0.0.129"]
    pool.release(IPv4Address("10.0.0.128"))
    assert str(pool.allocate()) == "10.0.0.128"
    assert str(pool.allocate(in_range=False)) == "10.0.0.2"


def test_stopping_a_container_gives_its_address_to_the_next_one() -> None:
    lab = Lab()
    for name in ("one", "two", "three"):
        lab.sh(f"docker run -itd --name {name} alpine")
    lab.sh("docker stop two")
    lab.sh("docker run -itd --name four alpine")
    assert "inet 172.17.0.3/16 " in lab.sh("docker exec four ip -4 addr show eth0").stdout
