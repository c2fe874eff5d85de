"""Differential tests: the simulator against the real Linux kernel, frame by frame.

Each test builds a Lab (three ``ubuntu:14.04`` containers on the default bridge, or
on a user network with inter-container communication disabled), mirrors its kernel state into real namespaces (``tests/kernel/mirror.py``: same
devices, names, MACs, addresses, routes, sysctls, iptables rules), drives the same
traffic on both sides, captures on the same devices and compares:

* every frame, in order, as ``tests.realnet.normalize`` sees it (kind, MACs,
  length, ARP operation and addresses, IP addresses, TTL, DF, checksums, ICMP
  type/code/sequence); IP and ICMP identifiers and payload timestamps are ignored;
* the time of every frame relative to the first frame the pinging container sends,
  within +-1.5 s (this is what checks the neighbour re-probe ~5 s later);
* the ARP tables (``ip -4 neigh``: state and MAC) of every namespace when ping exits
  (entries in DELAY) and at the end;
* what ping printed: the sequence numbers and TTLs of the replies and the totals;
* the iptables counters (``iptables-save -c``: every rule and built-in policy) of the
  tables the model uses, counted from the start of the traffic;
* the packet and byte counters (``ip -s link``) of every veth and NIC during the traffic;
* the conntrack table (addresses of both directions) at the end.

On failure the message holds a side-by-side table per device.
Run with ``-s`` to see the tables of passing tests too.
"""

from __future__ import annotations

import re
import shlex
import sys
import time
from dataclasses import dataclass, field
from ipaddress import IPv4Address

import pytest

from tests.kernel.compare import DeviceDiff, compare_frames, frames, ignorable, sim_packets
from tests.kernel.mirror import (
    Mirror,
    conntrack,
    counters_delta,
    iptables_counters,
    link_counters,
    mirror,
    neighbour_tables,
    zero_counters,
)
from tests.realnet import RealNet, require_real_kernel

pytestmark = pytest.mark.realkernel

TIME_TOLERANCE_S = 1.5
# A Linux bridge with multicast snooping (docker0 keeps the default) sends an IGMP report
# when it comes up and repeats it within ~1 s; let that pass before counting.
SETTLE_S = 2.0
LINGER = "sleep 10"
CONTAINERS = ("c1", "c2", "c3")


DEFAULT_SETUP = tuple(f"docker run -itd --name {name} ubuntu:14.04" for name in CONTAINERS)


def build_lab(engine: str | None, setup: tuple[str, ...] = DEFAULT_SETUP):
    from simulator import Lab

    lab = Lab(engine=engine)
    for command in setup:
        r = lab.sh(command)
        assert r.exit_code == 0, (command, r)
    return lab


@dataclass
class Outcome:
    diffs: list[DeviceDiff]
    neigh_sim: dict
    neigh_real: dict
    sim_output: str
    real_output: str
    mirror_script: str
    counters_sim: dict = field(default_factory=dict)
    counters_real: dict = field(default_factory=dict)
    neigh_mid: tuple[dict, dict] = ({}, {})
    conntrack: tuple[dict, dict] = ({}, {})
    links: tuple[dict, dict] = ({}, {})
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        parts = [d.report() for d in self.diffs]
        for when, sim_tables, real_tables in (
            ("when ping exits", *self.neigh_mid),
            ("at the end", self.neigh_sim, self.neigh_real),
        ):
            parts.append(f"== ip -4 neigh {when} (simulator | real kernel)")
            for node in sim_tables:
                keys = sorted(set(sim_tables[node]) | set(real_tables.get(node, {})))
                for k in keys:
                    s = sim_tables[node].get(k)
                    r = real_tables.get(node, {}).get(k)
                    mark = "  " if s == r else "!!"
                    parts.append(f"{mark} {node:9} {k[0]:12} {k[1]:15} {str(s):40} | {r}")
        parts.append("== ip -s link during the traffic: rx pkts, rx bytes, tx pkts, tx bytes (simulator | real kernel)")
        sim_links, real_links = self.links
        for node, devs in sim_links.items():
            for dev, value in devs.items():
                r = real_links.get(node, {}).get(dev)
                parts.append(f"{'  ' if value == r else '!!'} {node:9} {dev:12} {str(value):28} | {r}")
        parts.append("== conntrack (proto, original src > dst, reply src > dst) (simulator | real kernel)")
        sim_ct, real_ct = self.conntrack
        for node in sorted(set(sim_ct) | set(real_ct)):
            s, r = sim_ct.get(node), real_ct.get(node)
            parts.append(f"{'  ' if s == r else '!!'} {node:9} {s} | {r}")
        parts.append("== iptables counters [packets:bytes] (simulator | real kernel)")
        for node, tables in self.counters_sim.items():
            for table, sim in tables.items():
                real = self.counters_real.get(node, {}).get(table, {"policy": {}, "rules": []})
                for chain in sorted(set(sim["policy"]) | set(real["policy"])):
                    s, r = sim["policy"].get(chain), real["policy"].get(chain)
                    parts.append(f"{'  ' if s == r else '!!'} {node:8} {table:6} policy {chain:<36} {str(s):>12} | {r}")
                for k in range(max(len(sim["rules"]), len(real["rules"]))):
                    s = sim["rules"][k] if k < len(sim["rules"]) else None
                    r = real["rules"][k] if k < len(real["rules"]) else None
                    rule = (s or r)[1]
                    sc = f"[{s[2]}:{s[3]}]" if s else "-"
                    rc = f"[{r[2]}:{r[3]}]" if r else "-"
                    mark = "  " if s == r else "!!"
                    parts.append(f"{mark} {node:8} {table:6} {rule[:60]:<60} {sc:>10} | {rc}")
        parts.append("== ping output\n-- simulator:\n" + self.sim_output + "-- real kernel:\n" + self.real_output)
        if self.problems:
            parts.append("== how the real topology was built\n" + self.mirror_script)
            parts.append("== PROBLEMS\n" + "\n".join(f"- {p}" for p in self.problems))
        return "\n".join(parts)


def _ping_summary(text: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    replies = [(int(s), int(t)) for s, t in re.findall(r"icmp_seq=(\d+) ttl=(\d+)", text)]
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", text)
    return replies, (int(m.group(1)), int(m.group(2))) if m else None


# dockerd (>= 28) announces each new endpoint with unsolicited ARP requests from a packet
# socket in the container (libnetwork/internal/l2disco: AF_PACKET, SOCK_DGRAM, to
# ff:ff:ff:ff:ff:ff). That is userspace, not the kernel: the real side replays what the
# model's dockerd sent, with the same socket, at the same times; the kernel does the rest.
_GARP_SENDER = """
import socket, sys, time
ifname, mac, ip = sys.argv[1:4]
ip = socket.inet_aton(ip)
pkt = bytes.fromhex("0001080006040001") + bytes.fromhex(mac.replace(":", "")) + ip + bytes(6) + ip
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM)
for at in sys.argv[4:]:
    time.sleep(max(0.0, float(at) - time.time()))
    s.sendto(pkt, (ifname, 0x0806, 0, 1, b"\\xff" * 6))
"""


def dockerd_garps(lab, trace) -> dict[tuple[str, str, str, str], list[float]]:
    """Gratuitous ARPs the model's dockerd sent: {(node, dev, mac, ip): [times]}.

    The model's kernel never sends one (arp_notify = 0), so an ARP request whose sender
    and target address are the same, sent by the container device that owns the MAC
    (not a bridge port forwarding it), comes from dockerd.
    """
    from simulator.packets.arp import ArpOp, ArpPacket
    from simulator.trace.records import FrameSent

    owners = {
        (c.name, name): dev.mac
        for engine in lab.engines.values()
        for c in engine.containers.values()
        if c.running and c.netns is not None
        for name, dev in c.netns.devices.items()
    }
    out: dict[tuple[str, str, str, str], list[float]] = {}
    for r in trace:
        if not isinstance(r, FrameSent) or owners.get((r.node, r.dev)) != r.frame.src:
            continue
        arp = r.frame.payload
        if isinstance(arp, ArpPacket) and arp.op is ArpOp.REQUEST and arp.sender_ip == arp.target_ip:
            key = (r.node, r.dev, str(arp.sender_mac), str(arp.sender_ip))
            out.setdefault(key, []).append(r.time)
    return out


def differential(
    tag: str,
    engine: str | None,
    sim_command: str,
    real_node: str,
    real_command: str,
    devices: list[tuple[str, str]],
    reference: tuple[str, str] = ("c1", "eth0"),
    setup: tuple[str, ...] = DEFAULT_SETUP,
) -> Outcome:
    """Run ``sim_command`` + ``sleep 10`` in a Lab and ``real_command`` in its mirror; compare."""
    lab = build_lab(engine, setup)
    with RealNet(tag) as rn:
        m: Mirror = mirror(lab, rn)
        built = time.time()
        caps = {dev: m.capture(*dev) for dev in devices}

        # The simulator first (it takes no wall-clock time), then the same on the kernel.
        mark = lab.sim.tracer.mark()
        start = lab.sim.now
        counters_before = iptables_counters(lab)
        links_before = link_counters(lab)
        sim_result = lab.sh(sim_command)
        neigh_sim_mid = neighbour_tables(lab)
        assert lab.sh(LINGER).exit_code == 0
        window = lab.sim.now - start
        trace = lab.sim.tracer.since(mark)
        counters_sim = _delta(iptables_counters(lab), counters_before)
        links_sim = counters_delta(link_counters(lab), links_before)
        ct_sim = conntrack(lab)

        time.sleep(max(0.0, built + SETTLE_S - time.time()))
        zero_counters(lab, m)
        links_real_before = link_counters(lab, m)
        t_start = time.time() + 0.3  # time for the replayers to start
        for (node, dev, mac, ip), times in dockerd_garps(lab, trace).items():
            at = " ".join(f"{t_start + t - start:.6f}" for t in times)
            m.spawn(node, f"{sys.executable} -c {shlex.quote(_GARP_SENDER)} {dev} {mac} {ip} {at}")
        time.sleep(max(0.0, t_start - time.time()))
        real_result = m.run(real_node, real_command, check=False)
        neigh_real_mid = neighbour_tables(lab, m)
        rest = window - (time.time() - t_start)
        if rest > 0:
            time.sleep(rest)
        neigh_real = neighbour_tables(lab, m)
        neigh_sim = neighbour_tables(lab)
        counters_real = iptables_counters(lab, m)
        links_real = counters_delta(link_counters(lab, m), links_real_before)
        ct_real = conntrack(lab, m)
        rn.stop_captures()
        real_pkts = {dev: cap.packets() for dev, cap in caps.items()}
        script = m.script()

    sim_pkts = {dev: sim_packets(trace, *dev) for dev in devices}

    def first_time(pkts: list) -> float:
        for p in pkts:
            if not ignorable(frames([p], None)[0]):
                return float(p.time)
        raise AssertionError(f"nothing captured on {reference}")

    t0_sim = first_time(sim_pkts[reference])
    t0_real = first_time(real_pkts[reference])
    diffs = [
        compare_frames(f"{node}/{dev}", frames(sim_pkts[(node, dev)], t0_sim), frames(real_pkts[(node, dev)], t0_real), TIME_TOLERANCE_S)
        for node, dev in devices
    ]
    outcome = Outcome(diffs, neigh_sim, neigh_real, sim_result.stdout + sim_result.stderr, real_result.stdout + real_result.stderr, script,
                      counters_sim, counters_real)
    for d in diffs:
        outcome.problems += [f"{d.name}: {p}" for p in d.problems]
    igmp = sum(1 for d in diffs for why, _f in d.ignored if why == "igmp")
    for node, tables in counters_sim.items():
        for table, sim in tables.items():
            real = counters_real.get(node, {}).get(table)
            if real is None:
                outcome.problems.append(f"{node}: no iptables -t {table} in the kernel")
                continue
            if sim["rules"] != real["rules"]:
                outcome.problems.append(f"{node}: iptables -t {table} rule counters differ")
            for chain in set(sim["policy"]) | set(real["policy"]):
                if igmp and chain in ("OUTPUT", "POSTROUTING"):
                    continue  # the kernel's own IGMP reports went through them (not modelled)
                if sim["policy"].get(chain) != real["policy"].get(chain):
                    outcome.problems.append(
                        f"{node}: iptables -t {table} policy counter of {chain}: "
                        f"simulator {sim['policy'].get(chain)} real {real['policy'].get(chain)}"
                    )
    outcome.neigh_mid = (neigh_sim_mid, neigh_real_mid)
    # The kernel's own IGMP reports (docker0, multicast snooping) are not modelled.
    ct_real = {n: [r for r in rows if not IPv4Address(r[2]).is_multicast] for n, rows in ct_real.items()}
    ct_real = {n: rows for n, rows in ct_real.items() if rows}
    outcome.conntrack = (ct_sim, ct_real)
    outcome.links = (links_sim, links_real)
    if ct_sim != ct_real:
        outcome.problems.append(f"conntrack entries differ: simulator {ct_sim} real {ct_real}")
    for node, devs in links_sim.items():
        for dev, value in devs.items():
            if value != links_real.get(node, {}).get(dev):
                outcome.problems.append(
                    f"{node}/{dev}: ip -s link counters (rx pkts, rx bytes, tx pkts, tx bytes) "
                    f"simulator {value} real {links_real.get(node, {}).get(dev)}"
                )
    for when, sim_tables, real_tables in (("when ping exits", neigh_sim_mid, neigh_real_mid), ("at the end", neigh_sim, neigh_real)):
        for node, table in sim_tables.items():
            if table != real_tables.get(node):
                outcome.problems.append(f"{node}: ARP table {when} differs: simulator {table} real {real_tables.get(node)}")
    if sim_result.exit_code != real_result.returncode:
        outcome.problems.append(f"ping exit status: simulator {sim_result.exit_code}, real {real_result.returncode}")
    if _ping_summary(outcome.sim_output) != _ping_summary(outcome.real_output):
        outcome.problems.append(
            f"ping output: simulator {_ping_summary(outcome.sim_output)} real {_ping_summary(outcome.real_output)}"
        )
    return outcome


def _delta(after: dict, before: dict) -> dict:
    """Counters that grew between two :func:`iptables_counters` snapshots of the model."""
    out: dict = {}
    for node, tables in after.items():
        out[node] = {}
        for table, now in tables.items():
            then = before.get(node, {}).get(table, {"policy": {}, "rules": []})
            policy = {c: (p - then["policy"].get(c, (0, 0))[0], b - then["policy"].get(c, (0, 0))[1]) for c, (p, b) in now["policy"].items()}
            old_rules = {(r[0], r[1]): r for r in then["rules"]}
            rules = []
            for chain, rule, p, b in now["rules"]:
                o = old_rules.get((chain, rule), (chain, rule, 0, 0))
                rules.append((chain, rule, p - o[2], b - o[3]))
            out[node][table] = {"policy": policy, "rules": rules}
    return out


def check(outcome: Outcome) -> None:
    report = outcome.report()
    print(report)
    if outcome.problems:
        pytest.fail("simulator and kernel differ:\n" + report, pytrace=False)


# ---------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["20.10", None], ids=["engine-20.10", "engine-default"])
def test_container_to_container_on_docker0(engine):
    """c1 pings c2 twice; c3 only hears the broadcast; c2 re-probes c1 ~5 s later."""
    require_real_kernel()
    outcome = differential(
        "c2c",
        engine,
        "docker exec c1 ping -c 2 172.17.0.3",
        "c1",
        "ping -c 2 -i 1 172.17.0.3",
        [("c1", "eth0"), ("c2", "eth0"), ("host", "docker0"), ("c3", "eth0")],
    )
    check(outcome)


def test_container_to_gateway():
    """c1 pings docker0's address: the host answers, then re-probes c1 ~5 s later."""
    require_real_kernel()
    outcome = differential(
        "gw",
        "20.10",
        "docker exec c1 ping -c 2 172.17.0.1",
        "c1",
        "ping -c 2 -i 1 172.17.0.1",
        [("c1", "eth0"), ("host", "docker0"), ("c3", "eth0")],
    )
    check(outcome)


def test_container_to_internet_through_masquerade():
    """c1 pings 8.8.8.8: MASQUERADE on the host, again on the router; TTLs, ARP on each hop."""
    require_real_kernel()
    outcome = differential(
        "masq",
        "20.10",
        "docker exec c1 ping -c 2 8.8.8.8",
        "c1",
        "ping -c 2 -i 1 8.8.8.8",
        [
            ("c1", "eth0"),
            ("host", "docker0"),
            ("host", "eth0"),
            ("router", "eth0"),
            ("router", "eth1"),
            ("internet", "eth0"),
            ("laptop", "eth0"),
            ("c3", "eth0"),
        ],
    )
    check(outcome)


def test_icc_disabled_network_drops_container_to_container():
    """A user network with enable_icc=false: ARP still works (iptables does not see ARP),
    the echo requests die in FORWARD (-i br -o br -j DROP) because dockerd turned on
    bridge-nf-call-iptables, so the bridged packets walk iptables (br_netfilter)."""
    require_real_kernel()
    setup = (
        "docker network create -o com.docker.network.bridge.enable_icc=false --subnet 10.10.0.0/24 noicc",
        "docker run -itd --name a1 --network noicc ubuntu:14.04",
        "docker run -itd --name a2 --network noicc ubuntu:14.04",
        "docker run -itd --name a3 --network noicc ubuntu:14.04",
    )
    lab_bridge = "br-" + build_lab("20.10", setup).engine.network("noicc").id[:12]
    outcome = differential(
        "noicc",
        "20.10",
        "docker exec a1 ping -c 2 -W 1 10.10.0.3",
        "a1",
        "ping -c 2 -i 1 -W 1 10.10.0.3",
        [("a1", "eth0"), ("a2", "eth0"), ("host", lab_bridge), ("a3", "eth0")],
        reference=("a1", "eth0"),
        setup=setup,
    )
    check(outcome)
