"""``ip -o`` (one line) and ``ip -br`` (brief), per flavour.

The host-flavour strings are lab captures of the real iproute2 6.1.0 in a throw-away
network namespace (a bridge ``br0`` with port ``vA`` of the veth pair ``vA``/``vB``,
``vB`` holding two addresses, one labelled ``vB:1``; a second veth pair left down;
two neighbour entries); the ``ip -o addr`` ones were also printed, byte for byte, by
BusyBox 1.35.0's ``ip`` in the same namespace.  ``tests/kernel/
test_differential_tool_output.py`` compares the same commands with the real tools on a
mirrored Docker lab.  What iproute2 3.12 and BusyBox answer to ``-br`` comes from their
option parsers (``ip/ip.c``; BusyBox ``ip_parse_common_args``).
"""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from simulator import Lab
from simulator.programs.render import (
    AddressView,
    LinkView,
    NeighbourView,
    ip_addr_brief,
    ip_addr_oneline,
    ip_link_brief,
    ip_link_oneline,
    ip_neigh_brief,
)

IP = IPv4Address
FOREVER = "       valid_lft forever preferred_lft forever"


def _link(index: int, name: str, mac: str, **kw: object) -> LinkView:
    fields: dict[str, object] = dict(
        peer_index=None, link_netnsid=None, kind="veth", up=True, lower_up=True, mtu=1500, qdisc="noqueue",
        operstate="UP", master=None, mac=mac, addrs=(), ipv6_link_local=None, ipv6_loopback=False,
        rx_packets=0, rx_bytes=0, tx_packets=0, tx_bytes=0, qlen=1000,
    )
    fields.update(kw)
    return LinkView(index, name, **fields)  # type: ignore[arg-type]


def _addr(cidr: str, label: str, brd: str | None = None, scope: str = "global") -> AddressView:
    ip, plen = cidr.split("/")
    return AddressView(IP(ip), int(plen), IP(brd) if brd else None, scope, label)


LAB_CAPTURE = (
    _link(1, "lo", "00:00:00:00:00:00", kind="loopback", mtu=65536, operstate="UNKNOWN",
          addrs=(_addr("127.0.0.1/8", "lo", scope="host"),), ipv6_loopback=True),
    _link(2, "br0", "8e:36:4a:fe:3e:22", kind="bridge", addrs=(_addr("172.17.0.1/16", "br0", "172.17.255.255"),),
          ipv6_link_local="fe80::8c36:4aff:fefe:3e22"),
    _link(3, "vB", "5e:73:18:6c:45:05", peer_index=4,
          addrs=(_addr("172.17.0.2/16", "vB", "172.17.255.255"), _addr("10.9.0.5/24", "vB:1")),
          ipv6_link_local="fe80::5c73:18ff:fe6c:4505"),
    _link(4, "vA", "8e:36:4a:fe:3e:22", peer_index=3, master="br0", ipv6_link_local="fe80::8c36:4aff:fefe:3e22"),
    _link(5, "p2", "22:3f:d6:cd:10:3a", peer_index=6, up=False, lower_up=False, operstate="DOWN", qdisc="noop"),
    _link(6, "veth-long-name1", "96:53:8a:75:d1:b9", peer_index=5, up=False, lower_up=False, operstate="DOWN",
          qdisc="noop"),
)

O_ADDR = (
    f"1: lo    inet 127.0.0.1/8 scope host lo\\{FOREVER}\n"
    f"1: lo    inet6 ::1/128 scope host \\{FOREVER}\n"
    f"2: br0    inet 172.17.0.1/16 brd 172.17.255.255 scope global br0\\{FOREVER}\n"
    f"2: br0    inet6 fe80::8c36:4aff:fefe:3e22/64 scope link \\{FOREVER}\n"
    f"3: vB    inet 172.17.0.2/16 brd 172.17.255.255 scope global vB\\{FOREVER}\n"
    f"3: vB    inet 10.9.0.5/24 scope global vB:1\\{FOREVER}\n"
    f"3: vB    inet6 fe80::5c73:18ff:fe6c:4505/64 scope link \\{FOREVER}\n"
    f"4: vA    inet6 fe80::8c36:4aff:fefe:3e22/64 scope link \\{FOREVER}\n"
)
O_ADDR_4 = "".join(line for line in O_ADDR.splitlines(True) if "inet6" not in line)
O_LINK = (
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000"
    "\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
    "2: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000"
    "\\    link/ether 8e:36:4a:fe:3e:22 brd ff:ff:ff:ff:ff:ff\n"
    "3: vB@vA: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000"
    "\\    link/ether 5e:73:18:6c:45:05 brd ff:ff:ff:ff:ff:ff\n"
    "4: vA@vB: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 state UP mode DEFAULT group default"
    " qlen 1000\\    link/ether 8e:36:4a:fe:3e:22 brd ff:ff:ff:ff:ff:ff\n"
    "5: p2@veth-long-name1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default"
    " qlen 1000\\    link/ether 22:3f:d6:cd:10:3a brd ff:ff:ff:ff:ff:ff\n"
    "6: veth-long-name1@p2: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default"
    " qlen 1000\\    link/ether 96:53:8a:75:d1:b9 brd ff:ff:ff:ff:ff:ff\n"
)
BR_ADDR = (
    "lo               UNKNOWN        127.0.0.1/8 ::1/128 \n"
    "br0              UP             172.17.0.1/16 fe80::8c36:4aff:fefe:3e22/64 \n"
    "vB@vA            UP             172.17.0.2/16 10.9.0.5/24 fe80::5c73:18ff:fe6c:4505/64 \n"
    "vA@vB            UP             fe80::8c36:4aff:fefe:3e22/64 \n"
    "p2@veth-long-name1 DOWN           \n"
    "veth-long-name1@p2 DOWN           \n"
)
BR_ADDR_4 = (
    "lo               UNKNOWN        127.0.0.1/8 \n"
    "br0              UP             172.17.0.1/16 \n"
    "vB@vA            UP             172.17.0.2/16 10.9.0.5/24 \n"
)
BR_LINK = (
    "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n"
    "br0              UP             8e:36:4a:fe:3e:22 <BROADCAST,MULTICAST,UP,LOWER_UP> \n"
    "vB@vA            UP             5e:73:18:6c:45:05 <BROADCAST,MULTICAST,UP,LOWER_UP> \n"
    "vA@vB            UP             8e:36:4a:fe:3e:22 <BROADCAST,MULTICAST,UP,LOWER_UP> \n"
    "p2@veth-long-name1 DOWN           22:3f:d6:cd:10:3a <BROADCAST,MULTICAST,M-DOWN> \n"
    "veth-long-name1@p2 DOWN           96:53:8a:75:d1:b9 <BROADCAST,MULTICAST,M-DOWN> \n"
)
NEIGHS = (
    NeighbourView(IP("172.17.0.8"), "br0", None, "FAILED"),
    NeighbourView(IP("172.17.0.9"), "br0", "02:42:ac:11:00:09", "REACHABLE"),
)


# -- the renderers against the lab capture ----------------------------------


def test_oneline_addr_is_one_record_per_address() -> None:
    assert ip_addr_oneline(LAB_CAPTURE, "host") == O_ADDR
    assert ip_addr_oneline(LAB_CAPTURE, "busybox") == O_ADDR  # BusyBox 1.35 printed the same bytes
    assert ip_addr_oneline(LAB_CAPTURE, "host", inet_only=True) == O_ADDR_4
    assert ip_addr_oneline(LAB_CAPTURE, "busybox", inet_only=True) == O_ADDR_4
    assert ip_addr_oneline(LAB_CAPTURE, "host", inet_only=True, index=3) == "".join(O_ADDR_4.splitlines(True)[2:])


def test_oneline_link_puts_each_stanza_on_one_line() -> None:
    assert ip_link_oneline(LAB_CAPTURE, "host") == O_LINK
    assert ip_link_oneline(LAB_CAPTURE, "host", index=4) == O_LINK.splitlines(True)[3]


def test_oneline_link_with_statistics_joins_the_counter_lines() -> None:
    text = ip_link_oneline(LAB_CAPTURE[:1], "host", stats=True)
    assert text.count("\n") == 1
    assert "\\    RX:  bytes packets errors dropped  missed   mcast           \\             0 " in text


def test_brief_addr_and_link() -> None:
    assert ip_addr_brief(LAB_CAPTURE, "host") == BR_ADDR
    assert ip_addr_brief(LAB_CAPTURE, "host", inet_only=True) == BR_ADDR_4
    assert ip_link_brief(LAB_CAPTURE, "host") == BR_LINK
    assert ip_link_brief(LAB_CAPTURE, "host", index=4) == BR_LINK.splitlines(True)[3]
    assert ip_addr_brief(LAB_CAPTURE, "host", inet_only=True, index=4) == ""


def test_brief_neigh() -> None:
    assert ip_neigh_brief(NEIGHS, "host") == (
        "172.17.0.8                              br0              \n"
        "172.17.0.9                              br0              02:42:ac:11:00:09\n"
    )
    assert ip_neigh_brief(NEIGHS, "host", show_dev=False) == (
        "172.17.0.8                              \n"
        "172.17.0.9                              02:42:ac:11:00:09\n"
    )


def test_a_peer_in_another_namespace_reads_at_if_without_m_down() -> None:
    eth0 = _link(2, "eth0", "02:42:ac:11:00:02", peer_index=7, link_netnsid=0, qlen=0)
    assert ip_link_brief([eth0], "host") == (
        "eth0@if7         UP             02:42:ac:11:00:02 <BROADCAST,MULTICAST,UP,LOWER_UP> \n"
    )
    assert ip_link_oneline([eth0], "host") == (
        "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default "
        "\\    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
    )


def test_iproute2_3_12_prints_link_records_in_oneline_addr_unless_a_family_is_given() -> None:
    """``ipaddr_list_or_flush``: ``no_link`` is set only inside ``if (filter.family && ...)``."""
    text = ip_addr_oneline(LAB_CAPTURE[:2], "ubuntu-14.04")
    assert text.splitlines() == [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000"
        "\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
        *O_ADDR.splitlines()[:2],
        "2: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000"
        "\\    link/ether 8e:36:4a:fe:3e:22 brd ff:ff:ff:ff:ff:ff",
        *O_ADDR.splitlines()[2:4],
    ]
    assert ip_addr_oneline(LAB_CAPTURE[:2], "ubuntu-14.04", inet_only=True) == "".join(O_ADDR_4.splitlines(True)[:2])


@pytest.mark.parametrize("flavour", ["ubuntu-14.04", "busybox"])
def test_brief_is_not_rendered_for_tools_without_it(flavour: str) -> None:
    with pytest.raises(ValueError, match="-br"):
        ip_link_brief(LAB_CAPTURE, flavour)


# -- the ip command in a lab ---------------------------------------------------


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab()
    for command in ("docker run -itd --name c1 nicolaka/netshoot", "docker run -itd --name u1 ubuntu:14.04",
                    "docker run -itd --name b1 busybox", "docker exec c1 ping -c 1 172.17.0.1"):
        assert lab.sh(command).exit_code == 0, command
    return lab


@pytest.mark.parametrize("command", [
    "ip -br addr", "ip -brief addr", "ip --brief link", "ip -bri link", "ip -br -4 addr", "ip -4 -br addr",
    "ip -o addr", "ip -oneline link", "ip --oneline link", "ip -o -4 addr show eth0", "ip -4 -o a",
    "ip -br a show dev docker0", "ip -o l show docker0", "ip -o -br addr", "ip -br -s link",
])
def test_the_options_parse_like_iproute2(lab: Lab, command: str) -> None:
    r = lab.sh(command)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout


def test_oneline_addr_on_the_host_feeds_awk_style_scripts(lab: Lab) -> None:
    out = lab.sh("ip -4 -o addr show docker0").stdout
    assert out == f"3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\{FOREVER}\n"
    assert out.split()[3] == "172.17.0.1/16"  # what `awk '{print $4}'` picks


def test_brief_and_oneline_pick_one_device(lab: Lab) -> None:
    assert lab.sh("ip -br addr show docker0").stdout.startswith("docker0          UP             172.17.0.1/16 ")
    assert lab.sh("ip -br link show eth0").stdout.count("\n") == 1
    r = lab.sh("ip -br addr show dev nope")
    assert (r.exit_code, r.stderr) == (1, 'Device "nope" does not exist.\n')


def test_brief_and_oneline_leave_route_as_it_is(lab: Lab) -> None:
    """ip/iproute.c has no brief form: ``-br route`` prints the ordinary table."""
    table = lab.sh("ip route").stdout
    assert lab.sh("ip -br route").stdout == table
    assert lab.sh("ip -o route").stdout == table
    assert lab.sh("docker exec u1 ip -o route").stdout == lab.sh("docker exec u1 ip route").stdout


def test_brief_neigh_in_the_netshoot_container(lab: Lab) -> None:
    out = lab.sh("docker exec c1 ip -br neigh").stdout
    assert out.startswith(f"{'172.17.0.1':<39} {'eth0':<16} ")
    assert not out.endswith(" \n")


def test_ubuntu_14_04_has_oneline_but_not_brief(lab: Lab) -> None:
    r = lab.sh("docker exec u1 ip -br addr")
    assert (r.exit_code, r.stdout, r.stderr) == (255, "", 'Option "-br" is unknown, try "ip -help".\n')
    r = lab.sh("docker exec u1 ip --brief link")
    assert r.stderr == 'Option "-brief" is unknown, try "ip -help".\n'
    lines = lab.sh("docker exec u1 ip -o addr").stdout.splitlines()
    assert lines[0].startswith("1: lo: <LOOPBACK,UP,LOWER_UP> ") and "\\    link/loopback " in lines[0]
    assert lines[1].startswith("1: lo    inet 127.0.0.1/8 scope host lo\\")
    assert all(": " in line.split("    ")[0] for line in lab.sh("docker exec u1 ip -4 -o addr").stdout.splitlines())
    assert "link/" not in lab.sh("docker exec u1 ip -4 -o addr").stdout


def test_busybox_has_oneline_but_not_brief(lab: Lab) -> None:
    r = lab.sh("docker exec b1 ip -br addr")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.startswith("BusyBox v1.36.1 ") and "Usage: ip [OPTIONS] " in r.stderr
    out = lab.sh("docker exec b1 ip -o addr").stdout
    assert "link/" not in out and out.startswith("1: lo    inet 127.0.0.1/8 scope host lo\\")
    link = lab.sh("docker exec b1 ip -o link").stdout.splitlines()
    assert len(link) == 2 and link[1].startswith("2: eth0@if") and " qdisc noqueue \\    link/ether " in link[1]


def test_a_device_filter_leaves_the_device_out_of_each_line() -> None:
    """iproute2's print_route and print_neigh print ``dev NAME`` only without ``dev`` in the command."""
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name c1 nicolaka/netshoot")
    lab.sh("docker exec c1 ping -c 1 172.17.0.1")
    assert lab.sh("ip route show dev eth0").stdout == "default via 192.168.1.1 proto static \n192.168.1.0/24 proto kernel scope link src 192.168.1.10 \n"
    assert "dev eth0" in lab.sh("ip route").stdout
    neigh = lab.sh("docker exec c1 ip neigh show dev eth0").stdout
    assert neigh.startswith("172.17.0.1 lladdr ") and "dev" not in neigh
    assert lab.sh("docker exec c1 ip neigh").stdout.startswith("172.17.0.1 dev eth0 lladdr ")


def test_busybox_latest_prints_no_state_and_alpine_does() -> None:
    """BusyBox prints ``state`` under ``#ifdef IFF_DORMANT``: defined by musl, not by glibc."""
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name bb busybox")
    lab.sh("docker run -itd --name al alpine")
    glibc = lab.sh("docker exec bb ip addr").stdout.splitlines()
    assert glibc[0] == "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000"
    assert glibc[4].endswith(" mtu 1500 qdisc noqueue ") and "state" not in glibc[4]
    musl = lab.sh("docker exec al ip addr").stdout.splitlines()
    assert musl[0] == "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000"
    assert musl[4].endswith(" qdisc noqueue state UP ")


def test_a_macvlan_endpoint_has_no_queue_length() -> None:
    """libnetwork creates the child with netlink.LinkAttrs{TxQLen: 0}: no ``qlen`` in ``ip``."""
    lab = Lab(engine="20.10")
    assert lab.sh("docker network create -d macvlan --subnet 192.168.1.0/24 -o parent=eth0 mv").exit_code == 0
    lab.sh("docker run -itd --name m1 --net mv busybox")
    head = lab.sh("docker exec m1 ip addr show eth0").stdout.splitlines()[0]
    assert head.endswith(" mtu 1500 qdisc noqueue "), head


def test_ip_link_show_type_bridge_lists_the_bridges_only() -> None:
    """``type KIND`` keeps the devices of that IFLA_INFO_KIND, in every layout."""
    lab = Lab(engine="20.10")
    lab.sh("docker network create --subnet 10.15.0.0/24 hv")
    lab.sh("docker run -itd --name a1 busybox")
    out = lab.sh("ip link show type bridge")
    assert out.exit_code == 0, out
    heads = [line for line in out.stdout.splitlines() if not line.startswith(" ")]
    assert [h.split(":")[1].strip() for h in heads] == ["docker0", f"br-{lab.sh('docker network inspect -f {{.Id}} hv').stdout[:12]}"]
    assert heads[0].endswith("state UP mode DEFAULT group default ")
    brief = lab.sh("ip -br link show type bridge").stdout.splitlines()
    assert [b.split()[0] for b in brief] == [h.split(":")[1].strip() for h in heads]
    veths = lab.sh("ip addr show type veth").stdout
    assert veths.startswith(tuple("0123456789")) and "master docker0" in veths and "docker0:" not in veths
    assert lab.sh("ip link show type dummy").stdout == ""
