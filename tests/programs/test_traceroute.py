"""traceroute through the simulated network: time exceeded from each router, port unreachable at the end."""

from __future__ import annotations

import re

from simulator import Lab
from simulator.trace.records import NatTranslated


def test_busybox_traceroute_from_a_container_crosses_the_host_and_the_router():
    lab = Lab()
    lab.sh("docker network create mynet")
    lab.sh("docker run -itd --name a1 --net mynet alpine")
    r = lab.sh("docker exec a1 traceroute -n 8.8.8.8")
    assert r.exit_code == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0] == "traceroute to 8.8.8.8 (8.8.8.8), 30 hops max, 46 byte packets"
    hops = [re.fullmatch(r"(?P<ttl>[ \d]\d)  (?P<addr>[\d.]+)(?:  \d+\.\d{3} ms){3}", line) for line in lines[1:]]
    assert all(hops) and [(h["ttl"], h["addr"]) for h in hops if h] == [(" 1", "172.18.0.1"), (" 2", "192.168.1.1"), (" 3", "8.8.8.8")]
    # the routers' errors reached the container through the host's MASQUERADE, translated as RELATED
    assert any(isinstance(rec, NatTranslated) and "related ICMP error" in rec.rule for rec in r.trace)


def test_linux_traceroute_names_each_hop():
    lab = Lab()
    lab.sh("docker run -itd --name ns nicolaka/netshoot")
    r = lab.sh("docker exec ns traceroute 8.8.8.8")
    lines = r.stdout.splitlines()
    assert lines[0] == "traceroute to 8.8.8.8 (8.8.8.8), 30 hops max, 60 byte packets"
    assert re.fullmatch(r" 1  172\.17\.0\.1 \(172\.17\.0\.1\)(  \d+\.\d{3} ms){3}", lines[1])
    assert re.fullmatch(r" 3  dns\.google \(8\.8\.8\.8\)(  \d+\.\d{3} ms){3}", lines[3])  # PTR of the far end
    assert len(lines) == 4


def test_unanswered_hops_print_stars_and_take_the_wait():
    lab = Lab()
    lab.sh("docker run -itd --name a1 alpine")
    start = lab.sim.now
    r = lab.sh("docker exec a1 traceroute -n -m 3 -w 2 10.99.99.99")  # nothing answers past the ISP
    assert r.stdout.splitlines()[1].startswith(" 1  172.17.0.1  ")
    assert r.stdout.splitlines()[3] == " 3  *  *  *"
    assert lab.sim.now - start >= 2 * 3  # BusyBox waits for each probe of a silent hop


def test_ping_ttl_through_nat_hears_the_routers_time_exceeded():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 ping -c 1 -t 2 8.8.8.8")
    assert "From 192.168.1.1 icmp_seq=1 Time to live exceeded\n" in r.stdout


def test_a_local_destination_answers_port_unreachable_from_its_own_address():
    lab = Lab()
    r = lab.sh("traceroute -n example.com")
    assert r.stdout.splitlines()[-1].startswith(" 2  93.184.216.34  ")
