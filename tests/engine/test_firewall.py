"""Docker's iptables rules: what they are, and how they are installed."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from simulator import Lab
from simulator.engine import firewall
from simulator.engine.versions import profile
from simulator.kernel.ipv4.netfilter import parse_rule


def test_an_internal_network_has_its_isolation_rules_once() -> None:
    lab = Lab(engine="20.10")
    assert lab.sh("docker network create --internal n").exit_code == 0
    br = lab.engine.network("n").bridge_name
    subnet = lab.engine.network("n").subnet
    assert lab.sh("docker network create m").exit_code == 0
    assert lab.sh("docker network create k").exit_code == 0
    rules = lab.sh("iptables -S DOCKER-ISOLATION-STAGE-1").stdout.splitlines()
    assert rules.count(f"-A DOCKER-ISOLATION-STAGE-1 ! -d {subnet} -i {br} -j DROP") == 1
    assert rules.count(f"-A DOCKER-ISOLATION-STAGE-1 ! -s {subnet} -o {br} -j DROP") == 1
    assert lab.sh("docker network rm n").exit_code == 0
    assert br not in lab.sh("iptables -S").stdout


# -- the pure functions --------------------------------------------------------------------


def bridge(device: str, subnet: str, *ips: str, **kw: object) -> firewall.BridgeState:
    return firewall.BridgeState(device, IPv4Network(subnet), endpoints=tuple(IPv4Address(ip) for ip in ips), **kw)  # type: ignore[arg-type]


PUBLISHED = (
    firewall.PublishedPort("0.0.0.0", 8080, IPv4Address("172.18.0.2"), 80),
    firewall.PublishedPort("0.0.0.0", 5353, IPv4Address("172.18.0.2"), 53, "udp"),
)
BRIDGES = [
    bridge("docker0", "172.17.0.0/16", "172.17.0.2", "172.17.0.3"),
    bridge("br-a", "172.18.0.0/16", "172.18.0.2", icc=False, published=PUBLISHED),
    bridge("br-b", "172.19.0.0/16", "172.19.0.2", internal=True),
    bridge("br-c", "172.20.0.0/16", masquerade=False),
]


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_every_docker_rule_reads_back_as_iptables_prints_it(engine: str) -> None:
    rules = firewall.ruleset(profile(engine), BRIDGES)
    for lines in rules.rules.values():
        for line in lines:
            assert parse_rule(line)[1].text() == line
