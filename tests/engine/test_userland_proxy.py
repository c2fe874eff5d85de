"""docker-proxy: the host reaching its own published port, and what ps/netstat/ss show of it."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.trace.records import FrameReceived

ENGINES = pytest.mark.parametrize("engine", ["20.10", "29.2"])


def _syns_into(trace, node: str) -> list[IPv4Packet]:
    out = []
    for record in trace:
        if isinstance(record, FrameReceived) and record.node == node and isinstance(record.frame.payload, IPv4Packet):
            packet = record.frame.payload
            if isinstance(packet.payload, TcpSegment) and packet.payload.flags == TcpFlags.SYN:
                out.append(packet)
    return out


@ENGINES
def test_the_host_reaches_its_published_port_by_its_address_and_by_localhost(engine: str) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -d --name web -p 8080:80 nginx")
    by_address = lab.sh("curl -sI -m 2 192.168.1.10:8080")
    assert by_address.exit_code == 0 and by_address.stdout.startswith("HTTP/1.1 200 OK")
    assert [str(p.src) for p in _syns_into(by_address.trace, "web")] == ["192.168.1.10"]  # nat OUTPUT's DNAT, no proxy
    local = lab.sh("curl -sI -m 2 localhost:8080")
    assert local.exit_code == 0 and local.stdout.startswith("HTTP/1.1 200 OK")
    assert [str(p.src) for p in _syns_into(local.trace, "web")] == ["172.17.0.1"]  # the proxy dials from the bridge


@ENGINES
def test_a_container_reaches_the_hosts_published_port_through_the_proxy(engine: str) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -d --name web -p 8080:80 nginx")
    lab.sh("docker run -itd --name c1 busybox")
    r = lab.sh("docker exec c1 wget -qO- 192.168.1.10:8080")
    assert r.exit_code == 0 and "<title>Welcome to nginx!</title>" in r.stdout
    assert [str(p.src) for p in _syns_into(r.trace, "web")] == ["172.17.0.1"]


@pytest.mark.parametrize(("engine", "tail", "fd"), [("20.10", "", 3), ("29.2", " -use-listen-fd", 4)])
def test_ps_netstat_and_ss_show_docker_proxy(engine: str, tail: str, fd: int) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -d --name web -p 8080:80 nginx")
    ip = "172.17.0.2"
    ps = lab.sh("ps -ef").stdout.splitlines()
    proxies = [(words[1], words[2], words[7]) for line in ps if "docker-proxy" in line for words in [line.split(None, 7)]]
    assert [args for _pid, _ppid, args in proxies] == [
        f"/usr/bin/docker-proxy -proto tcp -host-ip {host} -host-port 8080 -container-ip {ip} -container-port 80{tail}" for host in ("0.0.0.0", "::")
    ]
    dockerd = next(line.split()[1] for line in ps if "/usr/bin/dockerd" in line)
    assert {ppid for _pid, ppid, _args in proxies} == {dockerd}
    pid = proxies[0][0]
    assert f"0.0.0.0:8080            0.0.0.0:*               LISTEN      {pid}/docker-proxy" in lab.sh("netstat -tlnp").stdout
    assert f'users:(("docker-proxy",pid={pid},fd={fd}))' in lab.sh("ss -tlnp").stdout
    lab.sh("docker stop web")
    assert "docker-proxy" not in lab.sh("ps -ef").stdout + lab.sh("netstat -tlnp").stdout
    assert lab.sh("curl -sI -m 2 localhost:8080").exit_code == 7  # refused: nothing listens any more


@pytest.mark.parametrize(("engine", "words"), [
    ("20.10", "Error starting userland proxy: listen tcp4 0.0.0.0:80: bind: address already in use"),
    ("29.2", "failed to bind host port 0.0.0.0:80/tcp: address already in use"),
])
def test_a_host_port_a_host_program_holds_cannot_be_published(engine: str, words: str) -> None:
    lab = Lab(engine=engine)
    assert lab.sh("docker run -d --name hostweb --net host nginx").exit_code == 0  # nginx listens on the host's port 80
    r = lab.sh("docker run -d --name web -p 80:80 nginx")
    assert r.exit_code == 125 and words in r.stderr, r.stderr
    assert "docker-proxy" not in lab.sh("ps -ef").stdout
