"""net-tools ``route``, ``netstat``, ``arp`` (and BusyBox's) read the simulated kernel, as the real tools print it."""

from __future__ import annotations

import pytest

from simulator import Lab

ROUTE_HEAD = "Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n"


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab()
    for command in (
        "docker network create mynet",
        "docker run -itd --name c1 --net mynet ubuntu:14.04",
        "docker run -itd --name c2 --net mynet ubuntu:14.04",
        "docker run -d --name web --net mynet nginx",
        "docker run -itd --name a1 alpine",
        "docker exec c1 ping -c 1 c2",
        "docker exec a1 ping -c 1 172.17.0.1",
    ):
        assert lab.sh(command).exit_code == 0, command
    return lab


def test_route_n_prints_the_containers_table(lab: Lab):
    r = lab.sh("docker exec c1 route -n")
    assert r.stdout == ROUTE_HEAD + (
        "0.0.0.0         172.18.0.1      0.0.0.0         UG    0      0        0 eth0\n"
        "172.18.0.0      0.0.0.0         255.255.0.0     U     0      0        0 eth0\n"
    )
    named = lab.sh("docker exec c1 route").stdout  # net-tools 1.60: "default", "*" for no gateway
    assert "default         172.18.0.1      0.0.0.0         UG" in named and "172.18.0.0      *               255.255.0.0" in named


def test_route_follows_changes_made_with_ip_route():
    lab = Lab()
    lab.sh("docker run -itd --name r1 --cap-add NET_ADMIN ubuntu:14.04")
    assert lab.sh("docker exec r1 ip route add 10.9.0.0/16 via 172.17.0.1").exit_code == 0
    assert lab.sh("docker exec r1 ip route add 10.9.8.7 dev eth0").exit_code == 0
    lines = lab.sh("docker exec r1 route -n").stdout.splitlines()[2:]
    assert [line.split()[:4] for line in lines] == [
        ["0.0.0.0", "172.17.0.1", "0.0.0.0", "UG"],
        ["10.9.0.0", "172.17.0.1", "255.255.0.0", "UG"],
        ["10.9.8.7", "0.0.0.0", "255.255.255.255", "UH"],
        ["172.17.0.0", "0.0.0.0", "255.255.0.0", "U"],
    ]


def test_netstat_rn_on_the_host_lists_every_bridge(lab: Lab):
    r = lab.sh("netstat -rn")
    lines = r.stdout.splitlines()
    assert lines[1] == "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface"
    assert "172.17.0.0      0.0.0.0         255.255.0.0     U         0 0          0 docker0" in lines
    bridge = next(line for line in lines if line.startswith("172.18.0.0"))
    assert bridge.split()[-1].startswith("br-")


def test_arp_shows_the_neighbour_cache_by_number_and_by_name(lab: Lab):
    mac = lab.sh("docker exec c2 ip link show eth0").stdout.split("link/ether ")[1].split()[0]
    r = lab.sh("docker exec c1 arp -n")
    lines = r.stdout.splitlines()
    assert lines[0] == "Address                  HWtype  HWaddress           Flags Mask            Iface"
    assert f"172.18.0.3               ether   {mac}   C                     eth0" in lines
    assert lab.sh("docker exec c1 arp -a").stdout.startswith("c2.mynet (172.18.0.3) at ")  # PTR from the embedded DNS
    busybox = lab.sh("docker exec a1 arp -n").stdout
    assert busybox.startswith("? (172.17.0.1) at ") and busybox.endswith(" [ether] on eth0\n")


def test_arp_of_an_empty_cache_prints_nothing():
    lab = Lab()
    lab.sh("docker run -itd --name lone ubuntu:14.04")
    assert lab.sh("docker exec lone arp -n").stdout == ""


def test_netstat_sockets_and_their_owners(lab: Lab):
    r = lab.sh("docker exec c1 netstat -tulnp")
    lines = r.stdout.splitlines()
    assert lines[:2] == [
        "Active Internet connections (only servers)",
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ",
    ]
    dns = lines[2]  # Docker's embedded DNS: dockerd's, from another PID namespace
    assert dns.startswith("udp        0      0 127.0.0.11:") and dns.endswith("0.0.0.0:*                           -                   ")
    shared = lab.sh("docker run --rm --net container:web nicolaka/netshoot netstat -tlnp").stdout
    assert "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      -                   \n" in shared
    everything = lab.sh("docker exec c1 netstat -an").stdout
    assert "Active UNIX domain sockets (servers and established)\n" in everything


def test_a_closed_connection_waits_in_time_wait():
    lab = Lab()
    lab.sh("docker run -d --name web nginx")
    lab.sh("docker run -itd --name ns --net container:web nicolaka/netshoot")
    assert lab.sh("docker exec ns curl -s -o /dev/null http://127.0.0.1/").exit_code == 0
    lines = lab.sh("docker exec ns netstat -tan").stdout.splitlines()
    assert lines[2] == "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN     "
    assert lines[3].startswith("tcp        0      0 127.0.0.1:") and lines[3].endswith("127.0.0.1:80            TIME_WAIT  ")


def test_options_outside_the_lesson_say_they_are_not_simulated(lab: Lab):
    r = lab.sh("docker exec c1 route add default gw 1.2.3.4")
    assert r.exit_code == 126 and "not simulated" in r.stderr


def test_busybox_netstat_pads_the_state_to_12_and_not_the_owner():
    lab = Lab()
    lab.sh("docker network create n")
    lab.sh("docker run -itd --name a1 --net n alpine")
    port = lab.engine.container("a1").dns.port
    r = lab.sh("docker exec a1 netstat -tulnp")
    assert r.stdout == (
        "Active Internet connections (only servers)\n"
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n"
        f"udp        0      0 {'127.0.0.11:' + str(port):<23} 0.0.0.0:*               {'':<12}-\n"
    )
    assert lab.sh("docker exec a1 netstat -an").stdout.endswith(
        "Active UNIX domain sockets (servers and established)\nProto RefCnt Flags       Type       State         I-Node Path\n"
    )
