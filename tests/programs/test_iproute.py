"""``ip`` changes: iproute2 6.1's words and exit statuses (checked against the real ``ip``)."""

from __future__ import annotations

import pytest

from simulator import Lab


@pytest.fixture
def lab() -> Lab:
    return Lab()


@pytest.mark.parametrize(("commands", "message", "status"), [
    (["ip link add mac0 link eth9 type macvlan mode bridge"], 'Cannot find device "eth9"', 1),
    (["ip link add mac0 link eth0 type macvlan mode foo"],
     'Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "foo"', 1),
    (["ip link add mac0 link eth0 type macvlan", "ip link add mac0 link eth0 type macvlan"], "RTNETLINK answers: File exists", 2),
    (["ip link add mac0 link eth0 type macvlan", "ip link add mac1 link eth0 type macvlan mode passthru"], "RTNETLINK answers: Invalid argument", 2),
    (["ip link add mac3 link lo type macvlan"], "RTNETLINK answers: Invalid argument", 2),
    (["ip link add mac0 link eth0 type macvlan", "ip route add 192.168.1.64/28 dev mac0"], "Error: Device for nexthop is not up.", 2),
    (["ip link add mac0 link eth0 type macvlan", "ip addr add 192.168.1.99/32 dev mac0", "ip addr add 192.168.1.99/32 dev mac0"],
     "Error: ipv4: Address already assigned.", 2),
    (["ip addr add foo dev eth0"], 'Error: any valid prefix is expected rather than "foo".', 1),
    (["ip addr add 10.9.9.9/32 dev mac9"], 'Cannot find device "mac9"', 1),
    (["ip addr del 192.168.1.98/32 dev eth0"], "Error: ipv4: Address not found.", 2),
    (["ip route add 192.168.1.0/24 dev eth0"], "RTNETLINK answers: File exists", 2),
    (["ip route add 10.9.9.0/24 via 10.1.1.1"], "Error: Nexthop has invalid gateway.", 2),
    (["ip route add 192.168.1.65/28 dev eth0"], "Error: Invalid prefix for given prefix length.", 2),
    (["ip route del 10.99.0.0/24"], "RTNETLINK answers: No such process", 2),
    (["ip link del mac7"], 'Cannot find device "mac7"', 1),
    (["ip link add vx0 type vxlan id 42 dstport 4789", "ip link add vx1 type vxlan id 42 dstport 4789"],
     "Error: A VXLAN device with the specified VNI already exists.", 2),
    (["ip link add vx2 type vxlan dstport 4789"], "vxlan: missing virtual network identifier", 1),
    (["ip link add mac1"], 'Not enough information: "type" argument is required', 1),
    (["ip neigh add 10.0.0.5 lladdr 02:42:0a:00:00:05 dev eth0", "ip neigh add 10.0.0.5 lladdr 02:42:0a:00:00:05 dev eth0"],
     "RTNETLINK answers: File exists", 2),
])
def test_refusals(lab, commands, message, status):
    for command in commands[:-1]:
        assert lab.sh(command).exit_code == 0, command
    r = lab.sh(commands[-1])
    assert (r.stderr, r.exit_code) == (message + "\n", status)


def test_the_kernel_default_macvlan_mode_is_vepa(lab):
    lab.sh("ip link add mac0 link eth0 type macvlan")
    assert lab.machines["host"].netns.devices["mac0"].mode.value == "vepa"


def test_a_shim_shows_in_ip_link_and_ip_route(lab):
    for command in ("ip link add mac0 link eth0 type macvlan mode bridge", "ip addr add 192.168.1.99/32 dev mac0",
                    "ip link set mac0 up", "ip route add 192.168.1.64/28 dev mac0"):
        assert lab.sh(command).exit_code == 0
    assert "mac0@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP" in lab.sh("ip link").stdout
    assert "192.168.1.64/28 dev mac0 scope link" in lab.sh("ip route").stdout
    assert "inet 192.168.1.99/32 scope global mac0" in lab.sh("ip addr").stdout
    assert lab.sh("ip link del mac0").exit_code == 0
    assert "192.168.1.64/28" not in lab.sh("ip route").stdout


def test_a_parent_down_shows_lowerlayerdown(lab):
    lab.sh("ip link add mac0 link eth0 type macvlan mode bridge")
    lab.sh("ip link set mac0 up")
    lab.sh("ip link set eth0 down")
    # the parent is down (M-DOWN, as iproute2 marks a link whose IFLA_LINK device is down)
    assert "mac0@eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN" in lab.sh("ip link show mac0").stdout


def test_netshoot_containers_lack_net_admin_too(lab):
    # its tools print like the host's, but it is a container: Docker dropped CAP_NET_ADMIN
    lab.sh("docker run -itd --name n1 nicolaka/netshoot")
    r = lab.sh("docker exec n1 ip link add mac0 link eth0 type macvlan")
    assert (r.stderr, r.exit_code) == ("RTNETLINK answers: Operation not permitted\n", 2)
    lab.sh("docker run -itd --cap-add NET_ADMIN --name n2 nicolaka/netshoot")
    assert lab.sh("docker exec n2 ip link add mac0 link eth0 type macvlan").exit_code == 0


def test_containers_lack_net_admin(lab):
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 ip link add mac0 link eth0 type macvlan")
    assert (r.stderr, r.exit_code) == ("RTNETLINK answers: Operation not permitted\n", 2)


def test_nsenter_into_a_docker_namespace(lab):
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    key = lab.engine.container("c1").sandbox_id[:12]
    assert "inet 172.17.0.2/16" in lab.sh(f"nsenter --net=/var/run/docker/netns/{key} ip addr").stdout
    r = lab.sh("nsenter --net=/var/run/docker/netns/nope ip addr")
    assert (r.stderr, r.exit_code) == ("nsenter: cannot open /var/run/docker/netns/nope: No such file or directory\n", 1)


def test_net_admin_lets_a_container_change_its_own_network() -> None:
    """Docker drops CAP_NET_ADMIN; --cap-add NET_ADMIN (any spelling) or --privileged gives it back."""
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name plain ubuntu:14.04")
    lab.sh("docker run -itd --cap-add net_admin --name admin ubuntu:14.04")
    lab.sh("docker run -itd --privileged --name priv alpine")
    r = lab.sh("docker exec plain ip route add 10.9.0.0/16 via 172.17.0.1")
    assert (r.exit_code, r.stderr) == (2, "RTNETLINK answers: Operation not permitted\n")
    assert lab.sh("docker exec admin ip route add 10.9.0.0/16 via 172.17.0.1").exit_code == 0
    assert "10.9.0.0/16 via 172.17.0.1 dev eth0" in lab.sh("docker exec admin ip route").stdout
    assert lab.sh("docker exec priv ip link set eth0 down").exit_code == 0
    r = lab.sh("docker exec priv ping -c 1 -W 1 172.17.0.2")
    assert (r.exit_code, r.stderr) == (1, "ping: sendto: Network unreachable\n")  # musl's strerror
    assert lab.sh("docker exec priv ip link set eth0 up").exit_code == 0
    assert lab.sh("docker exec priv ping -c 1 172.17.0.2").exit_code == 0  # the connected route is back
    assert "default" not in lab.sh("docker exec priv ip route").stdout  # a link going down took the default route


def test_a_renamed_device_keeps_its_addresses() -> None:
    """``ip link set eth0 name eth9``: the addresses stay on the device (Linux keys them by ifindex)."""
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 --cap-add NET_ADMIN alpine")
    assert lab.sh("docker exec c1 ip link set eth0 down").exit_code == 0
    assert lab.sh("docker exec c1 ip link set eth0 name eth9").exit_code == 0
    assert lab.sh("docker exec c1 ip link set eth9 up").exit_code == 0
    assert "inet 172.17.0.2/16" in lab.sh("docker exec c1 ip addr show eth9").stdout
    assert lab.sh("docker exec c1 ping -c 1 172.17.0.1").exit_code == 0  # the connected route is back on eth9


def test_deleting_one_of_two_copies_of_an_address_keeps_it_local() -> None:
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 alpine")
    assert lab.sh("ip link add br9 type bridge").exit_code == 0
    assert lab.sh("ip addr add 172.17.0.1/32 dev br9").exit_code == 0
    assert lab.sh("ip addr del 172.17.0.1/32 dev br9").exit_code == 0
    assert lab.sh("docker exec c1 ping -c 1 -W 1 172.17.0.1").exit_code == 0  # docker0 still has it


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_routes_of_a_bridge_without_carrier_end_in_linkdown(engine: str) -> None:
    """RTNH_F_LINKDOWN: docker0 has no carrier until a container's veth is attached to it
    (the real kernel prints the same for a port-less bridge once it lost its carrier)."""
    lab = Lab(engine=engine)
    docker0 = "172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1"
    assert f"{docker0} linkdown \n" in lab.sh("ip route").stdout
    lab.sh("docker run -itd --name c1 busybox")
    assert f"{docker0} \n" in lab.sh("ip route").stdout
    lab.sh("docker rm -f c1")
    assert f"{docker0} linkdown \n" in lab.sh("ip route").stdout
    # a container's own routes: its eth0 has carrier, and BusyBox never prints the flag
    assert "linkdown" not in lab.sh("docker run --rm busybox ip route").stdout
