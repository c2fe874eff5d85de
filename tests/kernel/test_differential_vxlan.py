"""Differential tests: Docker's overlay (VXLAN) data path in the simulator against the real kernel.

The Lab: two hosts in a swarm (``docker swarm init`` / ``join``), one attachable overlay
network ``ov`` (10.0.1.0/24, VNI 4097), ``c1`` on ``host1`` and ``c2`` on ``host2``.
``tests/kernel/lan_mirror.py`` builds the same thing in real namespaces: the LAN, the
two hosts, and on each host the overlay sandbox as Docker builds it (``br0`` with the
gateway address; ``vxlan0`` created in the host's namespace with ``learning proxy
l2miss l3miss``, MTU 1450, moved in and enslaved; the container's veth) plus the peer
entries the simulated control plane programmed (a permanent neighbour entry and a
VXLAN FDB entry per remote container). TX checksum offload is off on the two
underlay NICs, so the outer UDP checksums a capture shows are complete, as a real
NIC would send them.

Compared, frame by frame in order: the underlay (``host1/eth0``, ``host2/eth0``: outer
MACs, ARP between the hosts, outer IP addresses, TTL, DF, UDP ports (the source port
only as "ephemeral"), the VNI, and the whole inner frame), the overlay side
(``vxlan0`` and ``br0`` in both sandboxes, ``c2/eth0``: the ARP request answered by
``vxlan0``'s proxy without crossing the tunnel), with times +-1.5 s; whether the outer
UDP checksum is present (non-zero); the ARP tables of every namespace; what ping
printed.

Run with ``-s`` to see the side-by-side tables.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.kernel.compare import compare_frames, frames, ignorable, sim_packets
from tests.kernel.lan_mirror import LanMirror, add_overlay, build_lan
from tests.realnet import RealNet, require_real_kernel

pytestmark = pytest.mark.realkernel

TIME_TOLERANCE_S = 1.5
LINGER = "sleep 10"
MACHINES = ["host1", "host2"]
CONTAINERS = ["c1", "c2"]


def build_lab():
    from simulator import Lab

    lab = Lab(hosts=2)
    assert lab.sh("docker swarm init --advertise-addr 192.168.1.10", on="host1").exit_code == 0
    assert lab.sh(f"docker swarm join --token {lab.swarm.worker_token} 192.168.1.10:2377", on="host2").exit_code == 0
    assert lab.sh("docker network create -d overlay --attachable ov", on="host1").exit_code == 0
    for host, name in (("host1", "c1"), ("host2", "c2")):
        r = lab.sh(f"docker run -itd --name {name} --net ov ubuntu:14.04", on=host)
        assert r.exit_code == 0, r
    return lab


def _sandbox(lab, host: str):
    driver = lab.engines[host].drivers["overlay"]
    return next(iter(driver.sandboxes.values()))


def _namespaces(lab) -> dict[str, object]:
    out = {name: lab.machines[name].netns for name in MACHINES}
    for host in MACHINES:
        box = _sandbox(lab, host)
        out[box.ns.node] = box.ns
    for engine in lab.engines.values():
        for c in engine.containers.values():
            if c.name in CONTAINERS and c.netns is not None:
                out[c.name] = c.netns
    return out


def _neigh_sim(lab) -> dict[str, dict]:
    out = {}
    for node, ns in _namespaces(lab).items():
        table = {}
        for (dev, ip), e in ns.ipv4.neighbours.entries.items():
            if dev.startswith("eth1"):
                continue  # docker_gwbridge is not mirrored
            table[(dev, str(ip))] = (e.state.value, str(e.mac) if e.mac else None)
        out[node] = table
    return out


def _neigh_real(m: LanMirror, nodes: list[str]) -> dict[str, dict]:
    out = {}
    for node in nodes:
        text = m.run(node, "ip -j -4 neigh show").stdout
        entries = json.loads(text) if text.strip() else []
        out[node] = {(n["dev"], n["dst"]): ((n.get("state") or ["NONE"])[0], n.get("lladdr", "").lower() or None) for n in entries}
    return out


def _udp_checksum_present(pkts: list) -> list[bool]:
    """For each VXLAN datagram, whether its outer UDP checksum field is non-zero."""
    from scapy.layers.inet import UDP
    from scapy.layers.l2 import Ether

    out = []
    for p in pkts:
        e = Ether(bytes(p))
        if UDP in e and e[UDP].dport == 4789:
            out.append(e[UDP].chksum != 0)
    return out


def _ping_summary(text: str):
    replies = [(int(s), int(t)) for s, t in re.findall(r"icmp_seq=(\d+) ttl=(\d+)", text)]
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", text)
    return replies, (int(m.group(1)), int(m.group(2))) if m else None


def test_ping_across_the_overlay():
    require_real_kernel()
    lab = build_lab()
    box1, box2 = _sandbox(lab, "host1"), _sandbox(lab, "host2")
    devices = [("host1", "eth0"), ("host2", "eth0"), (box1.ns.node, "vxlan0"), (box2.ns.node, "vxlan0"),
               (box2.ns.node, "br0"), ("c2", "eth0")]
    reference = ("c2", "eth0")
    with RealNet("vxlan") as rn:
        m = build_lan(lab, rn, MACHINES)
        add_overlay(lab, m, CONTAINERS)
        for host in MACHINES:
            m.tx_checksum_off(host, "eth0")
        time.sleep(1.0)
        caps = {dev: m.capture(*dev) for dev in devices}
        mark = lab.sim.tracer.mark()
        start = lab.sim.now
        result = lab.sh("docker exec c1 ping -c 2 10.0.1.4", on="host1")
        assert lab.sh(LINGER, on="host1").exit_code == 0
        window = lab.sim.now - start
        trace = lab.sim.tracer.since(mark)
        t0 = time.time()
        real = m.run("c1", "ping -c 2 -i 1 10.0.1.4", check=False)
        rest = window - (time.time() - t0)
        if rest > 0:
            time.sleep(rest)
        neigh_real = _neigh_real(m, list(_namespaces(lab)))
        rn.stop_captures()
        real_pkts = {dev: cap.packets() for dev, cap in caps.items()}
        script = m.script()
    neigh_sim = _neigh_sim(lab)
    sim_pkts = {dev: sim_packets(trace, *dev) for dev in devices}

    def first(pkts: list) -> float:
        for p in pkts:
            if not ignorable(frames([p], None)[0]):
                return float(p.time)
        raise AssertionError(f"nothing captured on {reference}")

    t_sim, t_real = first(sim_pkts[reference]), first(real_pkts[reference])
    problems: list[str] = []
    report: list[str] = []
    for dev in devices:
        diff = compare_frames("/".join(dev), frames(sim_pkts[dev], t_sim), frames(real_pkts[dev], t_real), TIME_TOLERANCE_S)
        report.append(diff.report())
        problems += [f"{diff.name}: {p}" for p in diff.problems]
    for dev in (("host1", "eth0"), ("host2", "eth0")):
        sim_csum, real_csum = _udp_checksum_present(sim_pkts[dev]), _udp_checksum_present(real_pkts[dev])
        report.append(f"== {'/'.join(dev)}: outer UDP checksum present: simulator {sim_csum} real {real_csum}")
        if sim_csum != real_csum:
            problems.append(f"{'/'.join(dev)}: outer UDP checksum present: simulator {sim_csum} real {real_csum}")
        if not sim_csum:
            problems.append(f"{'/'.join(dev)}: no VXLAN datagram captured")
    for node, table in neigh_sim.items():
        if table != neigh_real.get(node):
            problems.append(f"{node}: ARP table: simulator {table} real {neigh_real.get(node)}")
    sim_out, real_out = result.stdout + result.stderr, real.stdout + real.stderr
    if _ping_summary(sim_out) != _ping_summary(real_out):
        problems.append(f"ping output: simulator {_ping_summary(sim_out)} real {_ping_summary(real_out)}")
    text = "\n".join(report) + "\n== ping\n-- simulator:\n" + sim_out + "-- real kernel:\n" + real_out
    print(text)
    if problems:
        pytest.fail("simulator and kernel differ:\n" + "\n".join(problems) + "\n" + text + "\n== the real topology\n" + script,
                    pytrace=False)
