"""Swarm and the overlay driver: what the cluster allocates, what each host builds, what the trace says."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from simulator import Lab
from simulator.engine.swarm import SerialAddressPool
from simulator.trace.records import ControlPlaneProgrammed, VxlanEncapsulated


@pytest.fixture
def lab() -> Lab:
    lab = Lab(hosts=2)
    assert lab.sh("docker swarm init --advertise-addr 192.168.1.10", on="host1").exit_code == 0
    assert lab.sh(f"docker swarm join --token {lab.swarm.worker_token} 192.168.1.10:2377", on="host2").exit_code == 0
    return lab


def test_swarm_refusals():
    lab = Lab(hosts=2)
    r = lab.sh("docker network create -d overlay ov", on="host1")
    assert r.stderr.startswith("Error response from daemon: This node is not a swarm manager. Use \"docker swarm init\"")
    lab.sh("docker swarm init", on="host1")
    assert "already part of a swarm" in lab.sh("docker swarm init", on="host1").stderr
    assert lab.sh("docker swarm join --token SWMTKN-1-nope 192.168.1.10:2377", on="host2").stderr == "Error response from daemon: invalid join token\n"
    lab.sh(f"docker swarm join --token {lab.swarm.worker_token} 192.168.1.10:2377", on="host2")
    assert "from a worker node" in lab.sh("docker network create -d overlay ov", on="host2").stderr
    assert "Worker nodes can't be used" in lab.sh("docker node ls", on="host2").stderr
    assert "Use `--force`" in lab.sh("docker swarm leave", on="host1").stderr


def test_what_the_cluster_allocates(lab):
    lab.sh("docker network create -d overlay --attachable a", on="host1")
    lab.sh("docker network create -d overlay --attachable b", on="host1")
    a, b = lab.engine.network("a"), lab.engine.network("b")
    assert (str(a.subnet), str(b.subnet)) == ("10.0.1.0/24", "10.0.2.0/24")  # ingress has 10.0.0.0/24
    vni = "com.docker.network.driver.overlay.vxlanid_list"
    assert (a.options[vni], b.options[vni]) == ("4097", "4098")  # ingress has 4096
    assert len(a.id) == 25 and a.scope == "swarm"
    assert f"{a.id[:12]}   a                 overlay   swarm" in lab.sh("docker network ls", on="host1").stdout


def test_serial_addresses_wrap():
    from ipaddress import IPv4Network

    pool = SerialAddressPool(IPv4Network("10.0.9.0/29"))
    got = [pool.allocate() for _ in range(3)]
    pool.release(got[0])
    assert pool.allocate() == IPv4Address("10.0.9.4")  # not the freed .1: serial
    pool.allocate(), pool.allocate()
    assert pool.allocate() == IPv4Address("10.0.9.1")  # wrapped


def test_a_container_on_each_host(lab):
    lab.sh("docker network create -d overlay --attachable ov", on="host1")
    lab.sh("docker run -itd --name ov1 --net ov ubuntu:14.04", on="host1")
    r = lab.sh("docker run -itd --name ov2 --net ov ubuntu:14.04", on="host2")
    programmed = [x for x in r.trace if isinstance(x, ControlPlaneProgrammed)]
    assert programmed and all("abstract" in x.note for x in programmed)
    ov1 = lab.engines["host1"].container("ov1").netns
    assert ov1 is not None
    eth0 = ov1.devices["eth0"]
    assert "eth1" in ov1.devices
    assert eth0.mtu == 1450 and str(eth0.mac) == "02:42:0a:00:01:02"
    assert [str(a.ip) for a in ov1.ipv4.addresses_of("eth1")] == ["172.18.0.3"]  # .2 is the ingress sandbox's
    assert "default via 172.18.0.1 dev eth1" in lab.sh("docker exec ov1 ip route", on="host1").stdout
    r = lab.sh("docker exec ov1 ping -c 1 ov2", on="host1")
    assert "64 bytes from ov2.ov (10.0.1.4)" in r.stdout
    enc = [x for x in r.trace if isinstance(x, VxlanEncapsulated)]
    assert enc and enc[0].vni == 4097 and enc[0].remote == IPv4Address("192.168.1.11") and enc[0].underlay == "host1"
    sandbox = lab.engines["host1"].drivers["overlay"].sandboxes[lab.engine.network("ov").id]
    assert set(sandbox.ns.devices) == {"lo", "br0", "vxlan0", "veth0"}
    assert sandbox.ns.node.endswith(f"1-{lab.engine.network('ov').id[:10]}")


def test_inspect_shows_local_endpoints_the_lb_and_peers(lab):
    import json

    lab.sh("docker network create -d overlay --attachable ov", on="host1")
    lab.sh("docker run -itd --name ov1 --net ov ubuntu:14.04", on="host1")
    lab.sh("docker run -itd --name ov2 --net ov ubuntu:14.04", on="host2")
    data = json.loads(lab.sh("docker network inspect ov", on="host2").stdout)[0]
    names = sorted(c["Name"] for c in data["Containers"].values())
    assert names == ["ov-endpoint", "ov2"]
    assert [p["IP"] for p in data["Peers"]] == ["192.168.1.10", "192.168.1.11"]


def test_not_attachable_is_refused_and_cleaned_up(lab):
    lab.sh("docker network create -d overlay svc", on="host1")
    r = lab.sh("docker run -itd --name c1 --net svc ubuntu:14.04", on="host1")
    assert r.exit_code == 125
    assert "Could not attach to network svc: rpc error: code = PermissionDenied desc = network svc not manually attachable" in r.stderr
    assert lab.engine.network("svc").pool.in_use() == 3  # network, broadcast, gateway: the address went back


def test_the_last_container_takes_the_sandbox_and_the_peers_go(lab):
    lab.sh("docker network create -d overlay --attachable ov", on="host1")
    lab.sh("docker run -itd --name ov1 --net ov ubuntu:14.04", on="host1")
    lab.sh("docker run -itd --name ov2 --net ov ubuntu:14.04", on="host2")
    net_id = lab.engine.network("ov").id
    box1 = lab.engines["host1"].drivers["overlay"].sandboxes[net_id]
    assert box1.vxlan.fdb
    lab.sh("docker rm -f ov2", on="host2")
    assert not box1.vxlan.fdb and not box1.ns.ipv4.neighbours.entries
    assert net_id not in lab.engines["host2"].drivers["overlay"].sandboxes


def test_encrypted_is_accepted_and_says_it_is_not_simulated(lab):
    r = lab.sh("docker network create -d overlay --attachable --opt encrypted sec", on="host1")
    assert r.exit_code == 0
    assert any(isinstance(x, ControlPlaneProgrammed) and "encryption is not simulated" in x.note for x in r.trace)
