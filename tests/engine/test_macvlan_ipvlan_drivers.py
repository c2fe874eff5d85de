"""The macvlan and ipvlan drivers: Docker's checks, words and version differences."""

from __future__ import annotations

import pytest

from simulator import Lab

CREATE = "docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28 -o parent=eth0 mv"


@pytest.mark.parametrize(("engine", "options", "message"), [
    (None, "-o macvlan_mode=foo", "requested macvlan mode 'foo' is not valid, 'bridge' mode is the macvlan driver default"),
    (None, "-o parent=lo", "loopback interface is not a valid macvlan parent link"),
    (None, "-o parent=eth9", "invalid subinterface vlan name eth9, example formatting is eth0.10"),
    (None, "-o parent=eth0.5000", "vlan id must be between 1-4094, received: 5000"),
    (None, "-o parent=eth0.a", "unable to parse a valid vlan id from: a (ex. eth0.10 for vlan 10)"),
    (None, "-o parent=eth0.1.2", "required interface name format is: name.vlan_id, ex. eth0.10 for vlan 10, instead received eth0.1.2"),
    (None, "-o parent=eth9.10", "-o parent interface was not found on the host: eth9"),
    ("20.10", "-o parent=eth9.10", "-o parent interface does was not found on the host: eth9"),
])
def test_create_refusals(engine, options, message):
    lab = Lab(engine=engine)
    r = lab.sh(f"docker network create -d macvlan {options} x")
    assert (r.stderr, r.exit_code) == (f"Error response from daemon: {message}\n", 1)
    assert lab.sh("docker network ls -q").stdout.count("\n") == 3  # nothing was made, the pool given back


def test_a_parent_is_shared_from_27_but_not_in_20_10():
    old = Lab(engine="20.10")
    assert old.sh("docker network create -d macvlan -o parent=eth0 a").exit_code == 0
    first = old.engine.network("a").id[:12]
    r = old.sh("docker network create -d macvlan -o parent=eth0 b")
    assert r.stderr == f"Error response from daemon: network dm-{first} is already using parent interface eth0\n"
    new = Lab()
    assert new.sh("docker network create -d macvlan -o parent=eth0 a").exit_code == 0
    assert new.sh("docker network create -d macvlan -o parent=eth0 b").exit_code == 0
    r = new.sh("docker network create -d macvlan -o parent=eth0 -o macvlan_mode=passthru c")
    assert "cannot use mode passthru, macvlan network" in r.stderr and "is already using parent interface eth0" in r.stderr


def test_gateway_implicit_up_to_28_and_only_on_request_from_29():
    old = Lab(engine="20.10")
    old.sh(CREATE)
    old.sh("docker run -itd --name c1 --net mv ubuntu:14.04")
    gateway = old.engine.network("mv").gateway  # IPAM's first address (of the --ip-range, as libnetwork asks it)
    assert gateway is not None and f"default via {gateway} dev eth0" in old.sh("docker exec c1 ip route").stdout
    new = Lab()
    new.sh(CREATE)
    new.sh("docker run -itd --name c1 --net mv ubuntu:14.04")
    assert "default" not in new.sh("docker exec c1 ip route").stdout
    assert new.engine.network("mv").gateway is None
    new.sh(CREATE.replace(" mv", " --gateway=192.168.1.1 mv2").replace("192.168.1.64/28", "192.168.1.80/28"))


def test_mac_addresses_per_engine():
    old = Lab(engine="20.10")
    old.sh(CREATE)
    old.sh("docker run -itd --name c1 --net mv ubuntu:14.04")
    ep = old.engine.container("c1").endpoints["mv"]
    assert ep.mac == bytes.fromhex("0242") + ep.ip.packed
    new = Lab()
    new.sh(CREATE)
    new.sh("docker run -itd --name c1 --net mv ubuntu:14.04")
    assert not str(new.engine.container("c1").endpoints["mv"].mac).startswith("02:42")


def test_no_parent_means_a_dummy_and_an_internal_network():
    lab = Lab()
    lab.sh("docker network create -d macvlan --subnet 10.5.0.0/24 lonely")
    net = lab.engine.network("lonely")
    assert net.internal and f"dm-{net.id[:12]}" in lab.machines["host"].netns.devices
    for name in ("c1", "c2"):
        lab.sh(f"docker run -itd --name {name} --net lonely ubuntu:14.04")
    assert " 1 received" in lab.sh("docker exec c1 ping -c 1 10.5.0.2").stdout  # no gateway address: c1 is .1
    lab.sh("docker rm -f c1 c2")
    lab.sh("docker network rm lonely")
    assert not any(n.startswith("dm-") for n in lab.machines["host"].netns.devices)


def test_ipvlan_checks_and_no_shared_parent():
    lab = Lab()
    r = lab.sh("docker network create -d ipvlan -o ipvlan_mode=l4 x")
    assert r.stderr == "Error response from daemon: requested ipvlan mode 'l4' is not valid, 'l2' mode is the ipvlan driver default\n"
    r = lab.sh("docker network create -d ipvlan -o ipvlan_flag=foo x")
    assert r.stderr == "Error response from daemon: requested ipvlan flag 'foo' is not valid, 'bridge' is the ipvlan driver default\n"
    assert lab.sh("docker network create -d ipvlan -o parent=eth0 a").exit_code == 0
    assert "is already using parent interface eth0" in lab.sh("docker network create -d ipvlan -o parent=eth0 b").stderr


def test_macvlan_and_ipvlan_cannot_share_a_parent_at_run_time():
    lab = Lab()
    lab.sh("docker network create -d macvlan --subnet 10.1.0.0/24 -o parent=eth0 mv")
    lab.sh("docker network create -d ipvlan --subnet 10.2.0.0/24 -o parent=eth0 iv")
    assert lab.sh("docker run -itd --name c1 --net mv ubuntu:14.04").exit_code == 0
    r = lab.sh("docker run -itd --name c2 --net iv ubuntu:14.04")
    assert r.exit_code == 125
    assert "failed to set up container networking: failed to create the ipvlan port: device or resource busy" in r.stderr
    assert lab.engine.container("c2").netns is None  # torn down
