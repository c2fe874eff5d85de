"""iproute2 ``ss`` in its two layouts: 6.1's measured columns and 3.12's fixed widths.

The expected lines were compared with iproute2 6.1.0's ``ss`` run in a network
namespace with the same sockets (a listener on 0.0.0.0:80 with backlog 511, a UDP
socket on 127.0.0.11), piped (compact) and on an 80-column terminal.
"""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from simulator import Lab
from simulator.programs import ss
from simulator.programs.netinfo import ANY
from simulator.programs.render_nettools import SocketOwnerView, SocketView


def test_ss_tlnp_compact_in_a_container_sharing_nginxs_network():
    lab = Lab()
    lab.sh("docker run -d --name web nginx")
    lab.sh("docker run -itd --name ns --net container:web nicolaka/netshoot")
    r = lab.sh("docker exec ns ss -tlnp")
    assert r.stdout == (
        "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
        "LISTEN 0      511          0.0.0.0:80        0.0.0.0:*          \n"
    )
    assert lab.sh("docker exec ns curl -s -o /dev/null http://127.0.0.1/").exit_code == 0
    lines = lab.sh("docker exec ns ss -tan").stdout.splitlines()
    assert lines[0] == "State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess"
    assert lines[2].startswith("TIME-WAIT 0      0          127.0.0.1:") and lines[2].endswith("127.0.0.1:80         ")


def test_owner_of_the_last_row_does_not_widen_its_column():
    listener = SocketView("tcp", ANY, 80, ANY, 0, "LISTEN", SocketOwnerView(4453, "python3"), backlog=128)
    dns = SocketView("udp", IPv4Address("127.0.0.11"), 45678, ANY, 0, "", SocketOwnerView(4453, "python3", 4))
    assert ss.render_modern([listener], netid=False, processes=True, tty=False) == (
        "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
        'LISTEN 0      128          0.0.0.0:80        0.0.0.0:*    users:(("python3",pid=4453,fd=3))\n'
    )
    both = ss.render_modern([dns, listener], netid=True, processes=True, tty=False).splitlines()
    assert both[0] == "Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess" + " " * 27
    assert both[1] == 'udp   UNCONN 0      0         127.0.0.11:45678      0.0.0.0:*    users:(("python3",pid=4453,fd=4))'


def test_on_a_terminal_the_columns_spread_over_80():
    lab = Lab()
    r = lab.sh("ss -tln")  # at the host's prompt: a terminal
    assert r.stdout == "State   Recv-Q   Send-Q     Local Address:Port     Peer Address:Port  Process   \n"
    lab.sh("docker run -d --name web --net host nginx")
    lines = lab.sh("ss -tln").stdout.splitlines()
    assert lines == [
        "State    Recv-Q   Send-Q     Local Address:Port     Peer Address:Port  Process  ",
        "LISTEN   0        511              0.0.0.0:80            0.0.0.0:*              ",
    ]


def test_iproute2_312_fixed_columns_in_ubuntu_1404():
    lab = Lab()
    lab.sh("docker network create mynet")
    lab.sh("docker run -itd --name u1 --net mynet ubuntu:14.04")
    r = lab.sh("docker exec u1 ss -uln")
    port = lab.engine.container("u1").dns.port
    assert r.stdout == (
        "State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port \n"
        f"UNCONN     0      0      {'127.0.0.11':>20}:{port:<5} {'*':>20}:*     \n"  # %-10s %-6d %-6d %20s:%-5s
    )


def test_ss_summary():
    lab = Lab()
    lab.sh("docker network create mynet")
    lab.sh("docker run -itd --name u1 --net mynet ubuntu:14.04")
    assert lab.sh("docker exec u1 ss -s").stdout == (
        "Total: 1\nTCP:   0 (estab 0, closed 0, orphaned 0, timewait 0)\n\n"
        "Transport Total     IP        IPv6\n"
        "RAW\t  0         0         0        \nUDP\t  1         1         0        \nTCP\t  0         0         0        \n"
        "INET\t  1         1         0        \nFRAG\t  0         0         0        \n\n"
    )


@pytest.mark.parametrize("command", ["docker exec u1 ss -tlx", "docker exec u1 ss -tl"])
def test_options_outside_the_lesson(command: str):
    lab = Lab()
    lab.sh("docker run -itd --name u1 ubuntu:14.04")
    r = lab.sh(command)
    assert r.exit_code == 126 and r.stderr.startswith("dockersim: ss ")
