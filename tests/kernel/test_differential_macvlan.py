"""Differential tests: macvlan (bridge mode) in the simulator against the real Linux kernel.

The Lab is the textbook's macvlan setup on this project's LAN (engine 20.10, two
hosts): ``my_macvlan`` on ``host1`` (``--ip-range 192.168.1.64/28``) with ``c1``
(192.168.1.64) and ``c3`` (.65), and on ``host2`` (``.80/28``) with ``c2`` (.80); the
``laptop`` (.20) is another machine on the switch. ``tests/kernel/lan_mirror.py``
builds the same LAN and macvlan children in real namespaces (same names, MACs,
addresses, routes, kernel parameters). The same command runs on both sides, followed
by 10 s in which the neighbour entries re-probe, and every frame captured on the
listed devices is compared in order (``tests.realnet.normalize``: kind, MACs, length,
ARP fields, IP addresses, TTL, DF, checksums, ICMP type/code/sequence), with its
time (+-1.5 s from the first frame of the reference device), plus the ARP tables of
every namespace at the end and what ping printed.

1. child to child on one host (``c1`` -> ``c3``): bridge mode delivers inside the
   host; ``tcpdump -i eth0`` on the parent still sees the broadcast leave and the
   unicast frames pass (``dev_forward_skb(lowerdev)``), the laptop only the broadcast;
2. child to child across the LAN (``c1`` -> ``c2``);
3. a LAN peer to a child (``laptop`` -> ``c1``);
4. the host to its own child (``host1`` -> ``c1``): nothing reaches ``c1``, ping says
   "Destination Host Unreachable";
5. the shim (``ip link add mac0 link eth0 type macvlan mode bridge``, a /32 address,
   a route to the range) typed on both sides, then ``host1`` -> ``c1`` works.

Run with ``-s`` to see the side-by-side tables.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.kernel.compare import compare_frames, frames, ignorable, sim_packets
from tests.kernel.lan_mirror import LanMirror, add_macvlan_children, build_lan
from tests.realnet import RealNet, require_real_kernel

pytestmark = pytest.mark.realkernel

TIME_TOLERANCE_S = 1.5
LINGER = "sleep 10"
MACHINES = ["host1", "host2", "laptop"]
CONTAINERS = ["c1", "c2", "c3"]
SHIM = [
    "ip link add mac0 link eth0 type macvlan mode bridge",
    "ip addr add 192.168.1.99/32 dev mac0",
    "ip link set mac0 up",
    "ip route add 192.168.1.64/28 dev mac0",
]


def build_lab():
    from simulator import Lab

    lab = Lab(engine="20.10", hosts=2)
    for host, rng in (("host1", "192.168.1.64/28"), ("host2", "192.168.1.80/28")):
        r = lab.sh(f"docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range={rng} --gateway=192.168.1.1 "
                   "-o macvlan_mode=bridge -o parent=eth0 my_macvlan", on=host)
        assert r.exit_code == 0, r
    for host, name in (("host1", "c1"), ("host1", "c3"), ("host2", "c2")):
        r = lab.sh(f"docker run -itd --name {name} --net my_macvlan ubuntu:14.04", on=host)
        assert r.exit_code == 0, r
    return lab


def _namespaces(lab) -> dict[str, object]:
    out = {name: lab.machines[name].netns for name in MACHINES}
    for engine in lab.engines.values():
        for c in engine.containers.values():
            if c.name in CONTAINERS and c.netns is not None:
                out[c.name] = c.netns
    return out


def _neigh_sim(lab) -> dict[str, dict]:
    out = {}
    for node, ns in _namespaces(lab).items():
        out[node] = {(dev, str(ip)): (e.state.value, str(e.mac) if e.mac else None) for (dev, ip), e in ns.ipv4.neighbours.entries.items()}
    return out


def _neigh_real(m: LanMirror, nodes: list[str]) -> dict[str, dict]:
    import json

    out = {}
    for node in nodes:
        text = m.run(node, "ip -j -4 neigh show").stdout
        entries = json.loads(text) if text.strip() else []
        out[node] = {(n["dev"], n["dst"]): ((n.get("state") or ["NONE"])[0], n.get("lladdr", "").lower() or None) for n in entries}
    return out


def _ping_summary(text: str):
    replies = [(int(s), int(t)) for s, t in re.findall(r"icmp_seq=(\d+) ttl=(\d+)", text)]
    unreachable = len(re.findall(r"Destination Host Unreachable", text))
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", text)
    return replies, unreachable, (int(m.group(1)), int(m.group(2))) if m else None


def differential(tag: str, node: str, sim_command: str, real_command: str, devices: list[tuple[str, str]],
                 reference: tuple[str, str], setup: list[str] | None = None) -> list[str]:
    """Run the same traffic on both sides; return the problems (empty: the same)."""
    lab = build_lab()
    for command in setup or []:
        r = lab.sh(command, on="host1")
        assert r.exit_code == 0, (command, r)
    with RealNet(tag) as rn:
        m = build_lan(lab, rn, MACHINES)
        add_macvlan_children(lab, m, CONTAINERS)
        for command in setup or []:
            if command.startswith("ip link add mac0 "):  # the kernel picks a random MAC: use the model's
                mac = lab.machines["host1"].netns.devices["mac0"].mac
                command = command.replace(" type ", f" address {mac} type ", 1)
            m.run("host1", command)
        time.sleep(1.0)
        caps = {dev: m.capture(*dev) for dev in devices}
        mark = lab.sim.tracer.mark()
        start = lab.sim.now
        on = None if node in CONTAINERS else node
        result = lab.sh(sim_command if on is None else sim_command, on=on)
        assert lab.sh(LINGER, on="host1").exit_code == 0
        window = lab.sim.now - start
        trace = lab.sim.tracer.since(mark)
        t0 = time.time()
        real = m.run(node, real_command, check=False)
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
    for node_dev in devices:
        diff = compare_frames("/".join(node_dev), frames(sim_pkts[node_dev], t_sim), frames(real_pkts[node_dev], t_real), TIME_TOLERANCE_S)
        report.append(diff.report())
        problems += [f"{diff.name}: {p}" for p in diff.problems]
    for n, table in neigh_sim.items():
        if table != neigh_real.get(n):
            problems.append(f"{n}: ARP table: simulator {table} real {neigh_real.get(n)}")
    sim_out = result.stdout + result.stderr
    real_out = real.stdout + real.stderr
    if _ping_summary(sim_out) != _ping_summary(real_out):
        problems.append(f"ping output: simulator {_ping_summary(sim_out)} real {_ping_summary(real_out)}")
    if result.exit_code != real.returncode:
        problems.append(f"ping exit status: simulator {result.exit_code} real {real.returncode}")
    text = "\n".join(report) + "\n== ping\n-- simulator:\n" + sim_out + "-- real kernel:\n" + real_out
    print(text)
    if problems:
        print("== the real topology\n" + script)
    return problems + ([text] if problems else [])


def check(problems: list[str]) -> None:
    if problems:
        pytest.fail("simulator and kernel differ:\n" + "\n".join(problems), pytrace=False)


def test_child_to_child_on_one_host():
    require_real_kernel()
    check(differential("mvsame", "c1", "docker exec c1 ping -c 2 192.168.1.65", "ping -c 2 -i 1 192.168.1.65",
                       [("c1", "eth0"), ("c3", "eth0"), ("host1", "eth0"), ("laptop", "eth0")], ("c1", "eth0")))


def test_child_to_child_across_the_lan():
    require_real_kernel()
    check(differential("mvlan", "c1", "docker exec c1 ping -c 2 192.168.1.80", "ping -c 2 -i 1 192.168.1.80",
                       [("c1", "eth0"), ("host1", "eth0"), ("host2", "eth0"), ("c2", "eth0")], ("c1", "eth0")))


def test_lan_peer_to_child():
    require_real_kernel()
    check(differential("mvpeer", "laptop", "ping -c 2 192.168.1.64", "ping -c 2 -i 1 192.168.1.64",
                       [("laptop", "eth0"), ("host1", "eth0"), ("c1", "eth0"), ("c3", "eth0")], ("laptop", "eth0")))


def test_host_cannot_reach_its_own_child():
    require_real_kernel()
    check(differential("mvhost", "host1", "ping -c 2 192.168.1.64", "ping -c 2 -i 1 192.168.1.64",
                       [("host1", "eth0"), ("c1", "eth0"), ("laptop", "eth0")], ("host1", "eth0")))


def test_the_shim_lets_the_host_in():
    require_real_kernel()
    check(differential("mvshim", "host1", "ping -c 2 192.168.1.64", "ping -c 2 -i 1 192.168.1.64",
                       [("host1", "mac0"), ("host1", "eth0"), ("c1", "eth0"), ("c3", "eth0"), ("laptop", "eth0")],
                       ("host1", "mac0"), setup=SHIM))
