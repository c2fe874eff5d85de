"""``docker run`` options a learner sees the effect of: -p forms and ``docker port``, the DNS
and hosts options, ``--mac-address``, several ``--net``, and links.

Expected outputs are the real dockerd 20.10's (``tests/realdocker/sequences/06``, ``10``, ``11``,
``17``, ``18``) and, where the current engine differs, the source of docker/cli or moby at v29.2.0.
"""

from __future__ import annotations

import pytest

from simulator import Lab


def _lab(engine: str = "20.10") -> Lab:
    return Lab(engine=engine)


# -- -p and docker port -------------------------------------------------------------------------


def test_docker_port_prints_the_ipv6_address_as_the_20_10_cli_joins_it() -> None:
    lab = _lab()
    assert lab.sh("docker run -itd --name p1 -p 8080:80 ubuntu:14.04").exit_code == 0
    assert lab.sh("docker port p1").stdout == "80/tcp -> 0.0.0.0:8080\n80/tcp -> :::8080\n"
    assert lab.sh("docker port p1 80").stdout == "0.0.0.0:8080\n:::8080\n"
    ps = lab.sh("docker ps --format '{{.Ports}}'").stdout
    assert ps == "0.0.0.0:8080->80/tcp, :::8080->80/tcp\n"


def test_current_cli_brackets_the_ipv6_address_and_sorts() -> None:
    lab = _lab("current")
    lab.sh("docker run -itd --name p6 -p 8443:443/tcp -p 8053:53/udp busybox")
    # docker/cli v29.2.0 port.go: net.JoinHostPort, lines in sortorder.NaturalLess order
    assert lab.sh("docker port p6").stdout == (
        "53/udp -> 0.0.0.0:8053\n53/udp -> [::]:8053\n443/tcp -> 0.0.0.0:8443\n443/tcp -> [::]:8443\n")


def test_a_port_not_published_is_the_clis_error_per_version() -> None:
    old = _lab()
    old.sh("docker run -itd --name p1 -p 8080:80 busybox")
    r = old.sh("docker port p1 81")
    assert (r.stdout, r.stderr, r.exit_code) == ("", "Error: No public port '81/tcp' published for p1\n", 1)
    new = _lab("current")
    new.sh("docker run -itd --name p1 -p 8080:80 busybox")
    r = new.sh("docker port p1 81")
    assert (r.stderr, r.exit_code) == ("no public port '81' published for p1\n", 1)


def test_a_host_address_binds_that_address_only() -> None:
    lab = _lab()
    lab.sh("docker run -itd --name p2 -p 127.0.0.1:8081:80 ubuntu:14.04")
    lab.sh("docker run -itd --name p5 -p 192.168.1.10::80 busybox")
    assert lab.sh("docker port p2").stdout == "80/tcp -> 127.0.0.1:8081\n"
    assert lab.sh("docker port p5").stdout == "80/tcp -> 192.168.1.10:32768\n"
    ps = lab.sh("docker ps --format '{{.Names}} {{.Ports}}'").stdout.splitlines()
    assert ps == ["p5 192.168.1.10:32768->80/tcp", "p2 127.0.0.1:8081->80/tcp"]
    assert lab.sh("docker inspect -f '{{json .NetworkSettings.Ports}}' p2").stdout == (
        '{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8081"}]}\n')
    nat = lab.sh("iptables -t nat -S DOCKER").stdout.splitlines()
    assert "-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.17.0.2:80" in nat
    assert "-A DOCKER -d 192.168.1.10/32 ! -i docker0 -p tcp -m tcp --dport 32768 -j DNAT --to-destination 172.17.0.3:80" in nat


def test_the_same_port_on_two_addresses_and_on_all() -> None:
    lab = _lab()
    assert lab.sh("docker run -itd --name pa -p 127.0.0.1:8080:80 busybox").exit_code == 0
    assert lab.sh("docker run -itd --name pb -p 192.168.1.10:8080:80 busybox").exit_code == 0
    r = lab.sh("docker run -itd --name pc -p 8080:80 busybox")
    assert r.exit_code == 125
    assert "Bind for 0.0.0.0:8080 failed: port is already allocated" in r.stderr


def test_a_published_host_address_is_what_the_dnat_matches() -> None:
    """A request to the host's LAN address reaches the container; the rule names that address."""
    lab = _lab()
    lab.sh("docker run -itd --name web -p 192.168.1.10:8080:80 nginx")
    lab.sh("docker run -itd --name local -p 127.0.0.1:8081:80 nginx")
    r = lab.sh("curl -s http://192.168.1.10:8080/", on="laptop")
    assert r.exit_code == 0 and "Welcome to nginx" in r.stdout
    r = lab.sh("curl -s http://192.168.1.10:8081/", on="laptop")  # bound to the host's loopback only
    assert r.exit_code == 7 and r.stdout == ""


def test_port_ranges_publish_each_port_and_ps_groups_them() -> None:
    lab = _lab()
    r = lab.sh("docker run -itd --name p4 -p 9000-9002:9000-9002 busybox")
    assert r.exit_code == 0, r.stderr
    lines = lab.sh("docker port p4").stdout.splitlines()
    assert lines == [f"{p}/tcp -> {ip}:{p}" for p in (9000, 9001, 9002) for ip in ("0.0.0.0", "::")]
    assert lab.sh("docker ps --format '{{.Ports}}'").stdout == (
        "0.0.0.0:9000-9002->9000-9002/tcp, :::9000-9002->9000-9002/tcp\n")
    dnat = [line for line in lab.sh("iptables -t nat -S DOCKER").stdout.splitlines() if "DNAT" in line]
    assert len(dnat) == 3


def test_a_host_port_range_for_one_container_port_takes_the_first_free() -> None:
    lab = _lab()
    lab.sh("docker run -itd --name pa -p 8000:80 busybox")
    assert lab.sh("docker run -itd --name pb -p 8000-8005:80 busybox").exit_code == 0
    assert lab.sh("docker port pb").stdout == "80/tcp -> 0.0.0.0:8001\n80/tcp -> :::8001\n"
    assert lab.sh("docker inspect -f '{{json .HostConfig.PortBindings}}' pb").stdout == (
        '{"80/tcp":[{"HostIp":"","HostPort":"8000-8005"}]}\n')


@pytest.mark.parametrize(("spec", "old", "new"), [
    ("99999:80", "Invalid hostPort: 99999", "invalid hostPort: 99999"),
    ("80:80/sctpx", "Invalid proto: sctpx", "invalid proto: sctpx"),
    ("abc", "Invalid containerPort: abc", "invalid containerPort: abc"),
    ("8000-8001:80-82", "Invalid ranges specified for container and host Ports: 80-82 and 8000-8001",
     "invalid ranges specified for container and host Ports: 80-82 and 8000-8001"),
    ("1.2.3:80:80", "Invalid ip address: 1.2.3", "invalid IP address: 1.2.3"),
])
def test_p_parse_errors_are_the_clis_words(spec: str, old: str, new: str) -> None:
    r = _lab().sh(f"docker run -itd --name x -p {spec} busybox")
    assert (r.stdout, r.stderr, r.exit_code) == ("", f"docker: {old}.\nSee 'docker run --help'.\n", 125)
    r = _lab("current").sh(f"docker run -itd --name x -p {spec} busybox")
    assert (r.stderr, r.exit_code) == (f"docker: {new}\n\nRun 'docker run --help' for more information\n", 125)


# -- DNS options, hosts, domain name -----------------------------------------------------------


def test_dns_search_and_options_on_the_default_bridge() -> None:
    lab = _lab()
    r = lab.sh("docker run -itd --name d1 --dns 192.168.1.53 --dns-search example.test --dns-option ndots:2 busybox")
    assert r.exit_code == 0, r.stderr
    assert lab.sh("docker exec d1 cat /etc/resolv.conf").stdout == (
        "search example.test\nnameserver 192.168.1.53\noptions ndots:2\n")


def test_dns_search_on_a_user_network_keeps_the_embedded_dns() -> None:
    lab = _lab()
    lab.sh("docker network create dn")
    lab.sh("docker run -itd --name d5 --net dn --dns 192.168.1.53 --dns-search example.test busybox")
    assert lab.sh("docker exec d5 cat /etc/resolv.conf").stdout == (
        "search example.test\nnameserver 127.0.0.11\noptions ndots:0\n")
    out = lab.sh("docker inspect -f '{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.ExtraHosts}}' d5")
    assert out.stdout == '["192.168.1.53"] ["example.test"] null\n'


def test_current_engine_writes_nameservers_before_search() -> None:
    lab = _lab("current")
    lab.sh("docker run -itd --name d2 --dns 192.168.1.53 --dns-search example.test busybox")
    text = lab.sh("docker exec d2 cat /etc/resolv.conf").stdout
    assert "\nnameserver 192.168.1.53\nsearch example.test\n" in text
    assert text.endswith("# Overrides: [nameservers search]\n")


def test_the_embedded_dns_forwards_to_the_dns_servers_given() -> None:
    lab = _lab()
    lab.sh("docker network create dn")
    lab.sh("docker run -itd --name d5 --net dn --dns 192.168.1.53 busybox")
    container = lab.engine.container("d5")
    assert container.dns is not None
    assert [str(ip) for ip in container.dns.upstreams()] == ["192.168.1.53"]


def test_add_host_lines_come_before_the_containers_own() -> None:
    lab = _lab()
    lab.sh("docker run -itd --name d2 --add-host db.local:10.0.0.9 --add-host other:10.0.0.10 busybox")
    lines = lab.sh("docker exec d2 cat /etc/hosts").stdout.splitlines()
    assert lines[-3:-1] == ["10.0.0.9\tdb.local", "10.0.0.10\tother"]
    assert lines[-1].startswith("172.17.0.2\t")
    assert lab.sh("docker exec d2 ping -c 1 -W 1 db.local").stdout.startswith("PING db.local (10.0.0.9)")
    assert lab.sh("docker inspect -f '{{json .HostConfig.ExtraHosts}} {{json .HostConfig.Dns}}' d2").stdout == (
        '["db.local:10.0.0.9","other:10.0.0.10"] []\n')


def test_domainname_is_in_hosts_and_inspect() -> None:
    lab = _lab()
    lab.sh("docker run -itd --name d4 -h box --domainname example.test ubuntu:14.04")
    assert lab.sh("docker exec d4 cat /etc/hosts").stdout.splitlines()[-1] == "172.17.0.2\tbox.example.test box"
    assert lab.sh("docker exec d4 hostname").stdout == "box\n"
    assert lab.sh("docker inspect -f '{{.Config.Hostname}} {{.Config.Domainname}}' d4").stdout == "box example.test\n"


# -- --mac-address ------------------------------------------------------------------------------


def test_mac_address_is_the_containers_eth0() -> None:
    lab = _lab()
    lab.sh("docker network create --subnet 10.12.0.0/24 macnet")
    lab.sh("docker run -itd --name m1 --net macnet --mac-address 02:42:0a:0c:00:99 busybox")
    assert "link/ether 02:42:0a:0c:00:99 " in lab.sh("docker exec m1 ip link show eth0").stdout
    out = lab.sh("docker inspect -f '{{.NetworkSettings.Networks.macnet.MacAddress}} {{.Config.MacAddress}}' m1")
    assert out.stdout == "02:42:0a:0c:00:99 02:42:0a:0c:00:99\n"
    lab.sh("docker run -itd --name m2 --net macnet ubuntu:14.04")
    lab.sh("docker exec m2 ping -c 1 m1")
    assert "lladdr 02:42:0a:0c:00:99 " in lab.sh("docker exec m2 ip neigh").stdout


def test_mac_address_on_the_default_bridge_and_no_config_mac_on_the_current_engine() -> None:
    old = _lab()
    old.sh("docker run -itd --name m3 --mac-address 02:42:ac:11:00:99 busybox")
    assert "link/ether 02:42:ac:11:00:99 " in old.sh("docker exec m3 ip link show eth0").stdout
    new = _lab("current")
    new.sh("docker run -itd --name m3 --mac-address 02:42:ac:11:00:99 busybox")
    assert "link/ether 02:42:ac:11:00:99 " in new.sh("docker exec m3 ip link show eth0").stdout
    # API 1.44 moved it to the endpoint: Config.MacAddress is gone in 29
    assert new.sh("docker inspect -f '{{.Config.MacAddress}}' m3").exit_code == 1


def test_a_malformed_mac_address_is_refused_by_the_cli() -> None:
    r = _lab().sh("docker run -itd --name e6 --mac-address 02:42:zz:00:00:01 busybox")
    assert (r.stderr, r.exit_code) == ("docker: 02:42:zz:00:00:01 is not a valid mac address.\nSee 'docker run --help'.\n", 125)


# -- several --net --------------------------------------------------------------------------------


@pytest.mark.parametrize(("nets", "message"), [
    ("--net x1 --net x2", "docker: Error response from daemon: Container cannot be connected to network endpoints: x1, x2."),
    ("--net x1 --net host", "docker: conflicting options: cannot attach both user-defined and non-user-defined network-modes."),
    ("--net x1 --net x1", 'docker: network "x1" is specified multiple times.'),
    ("--net none --net x1", "docker: conflicting options: cannot attach both user-defined and non-user-defined network-modes."),
])
def test_several_networks_are_refused_by_20_10(nets: str, message: str) -> None:
    lab = _lab()
    lab.sh("docker network create --subnet 10.13.0.0/24 x1")
    lab.sh("docker network create --subnet 10.14.0.0/24 x2")
    r = lab.sh(f"docker run -itd --name two {nets} busybox")
    assert (r.stdout, r.stderr, r.exit_code) == ("", message + "\nSee 'docker run --help'.\n", 125)
    assert lab.sh("docker ps -aq").stdout == ""


def test_the_current_engine_joins_every_network_given() -> None:
    lab = _lab("current")
    lab.sh("docker network create x1")
    lab.sh("docker network create x2")
    assert lab.sh("docker run -itd --name two --net x1 --net x2 busybox").exit_code == 0
    nets = lab.sh("docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' two").stdout
    assert nets == "x1 x2 \n"
    addrs = lab.sh("docker exec two ip -4 -o addr show").stdout
    assert " eth0 " in addrs and " eth1 " in addrs


# -- links ------------------------------------------------------------------------------------------


def test_ping_names_a_link_by_its_hosts_line_first_name() -> None:
    lab = _lab()
    lab.sh("docker run -itd --name db ubuntu:14.04")
    lab.sh("docker run -itd --name app --link db:database ubuntu:14.04")
    out = lab.sh("docker exec app ping -c 1 db").stdout
    assert out.startswith("PING database (172.17.0.2) 56(84) bytes of data.\n")
    assert "\n--- database ping statistics ---\n" in out


def test_exec_without_a_terminal_has_no_term() -> None:
    lab = _lab()
    lab.sh("docker run -itd --name db ubuntu:14.04")
    lab.sh("docker run -itd --name app --link db:database ubuntu:14.04")
    assert "TERM=" not in lab.sh("docker exec app env").stdout
    assert "TERM=xterm\n" in lab.sh("docker exec -t app env").stdout


def test_a_link_on_a_user_network_answers_through_the_embedded_dns() -> None:
    lab = _lab()
    lab.sh("docker network create ln")
    lab.sh("docker run -itd --name u1 --net ln busybox")
    lab.sh("docker run -itd --name u2 --net ln --link u1:first busybox")
    lab.sh("docker run -itd --name u3 --net ln busybox")
    r = lab.sh("docker exec u2 ping -c 1 first")
    assert r.exit_code == 0 and r.stdout.startswith("PING first (172.18.0.2): 56 data bytes\n")
    assert "first" not in lab.sh("docker exec u2 cat /etc/hosts").stdout
    assert lab.sh("docker exec u3 ping -c 1 first").stderr == "ping: bad address 'first'\n"  # u2's alias only


def test_ephemeral_host_ports_go_in_order_and_a_freed_one_is_taken_again() -> None:
    """``-p 80`` takes the lowest free port of ip_local_port_range, however many are taken, and one given back first."""
    lab = _lab()
    for i in range(6):
        assert lab.sh(f"docker run -itd --name e{i} -p 80 -p 127.0.0.1::81 busybox").exit_code == 0
    assert lab.sh("docker port e5").stdout == "80/tcp -> 0.0.0.0:32778\n80/tcp -> :::32778\n81/tcp -> 127.0.0.1:32779\n"
    assert lab.sh("docker rm -f e2").exit_code == 0
    assert lab.sh("docker run -itd --name f1 -p 127.0.0.1::80 busybox").exit_code == 0
    assert lab.sh("docker port f1").stdout == "80/tcp -> 127.0.0.1:32772\n"
    r = lab.sh("docker run -itd --name f2 -p 80 -p 127.0.0.1:32768:80 busybox")  # the second binding clashes
    assert r.exit_code == 125 and "port is already allocated" in r.stderr
    assert lab.sh("docker run -itd --name f3 -p 80 busybox").exit_code == 0
    assert lab.sh("docker port f3").stdout == "80/tcp -> 0.0.0.0:32773\n80/tcp -> :::32773\n"  # f2's first port was given back
