"""Differential tests: the simulator against the real Linux kernel, frame by frame.

Each test builds a Lab (three ``ubuntu:14.04`` containers on the default bridge),
mirrors its kernel state into real namespaces (``tests/kernel/mirror.py``: same
devices, names, MACs, addresses, routes, sysctls, iptables rules), drives the same
traffic on both sides, captures on the same devices and compares:

* every frame, in order, as ``tests.realnet.normalize`` sees it (kind, MACs,
  length, ARP operation and addresses, IP addresses, TTL, DF, checksums, ICMP
  type/code/sequence); IP and ICMP identifiers and payload timestamps are ignored;
* the time of every frame relative to the first frame the pinging container sends,
  within +-1.5 s (this is what checks the neighbour re-probe ~5 s later);
* the ARP tables (``ip -4 neigh``: state and MAC) of every namespace at the end;
* what ping printed: the sequence numbers and TTLs of the replies and the totals.

On failure the message holds a side-by-side table per device.
Run with ``-s`` to see the tables of passing tests too.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pytest

from tests.kernel.compare import DeviceDiff, compare_frames, frames, ignorable, sim_packets
from tests.kernel.mirror import Mirror, mirror, neighbour_tables
from tests.realnet import RealNet, require_real_kernel

pytestmark = pytest.mark.realkernel

TIME_TOLERANCE_S = 1.5
LINGER = "sleep 10"
CONTAINERS = ("c1", "c2", "c3")


def build_lab(engine: str | None):
    from simulator import Lab

    lab = Lab(engine=engine)
    for name in CONTAINERS:
        r = lab.sh(f"docker run -itd --name {name} ubuntu:14.04")
        assert r.exit_code == 0, r
    return lab


@dataclass
class Outcome:
    diffs: list[DeviceDiff]
    neigh_sim: dict
    neigh_real: dict
    sim_output: str
    real_output: str
    mirror_script: str
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        parts = [d.report() for d in self.diffs]
        parts.append("== ip -4 neigh at the end (simulator | real kernel)")
        for node in self.neigh_sim:
            keys = sorted(set(self.neigh_sim[node]) | set(self.neigh_real.get(node, {})))
            for k in keys:
                s = self.neigh_sim[node].get(k)
                r = self.neigh_real.get(node, {}).get(k)
                mark = "  " if s == r else "!!"
                parts.append(f"{mark} {node:9} {k[0]:12} {k[1]:15} {str(s):40} | {r}")
        parts.append("== ping output\n-- simulator:\n" + self.sim_output + "-- real kernel:\n" + self.real_output)
        if self.problems:
            parts.append("== PROBLEMS\n" + "\n".join(f"- {p}" for p in self.problems))
        return "\n".join(parts)


def _ping_summary(text: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    replies = [(int(s), int(t)) for s, t in re.findall(r"icmp_seq=(\d+) ttl=(\d+)", text)]
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", text)
    return replies, (int(m.group(1)), int(m.group(2))) if m else None


def differential(
    tag: str,
    engine: str | None,
    sim_command: str,
    real_node: str,
    real_command: str,
    devices: list[tuple[str, str]],
    reference: tuple[str, str] = ("c1", "eth0"),
) -> Outcome:
    """Run ``sim_command`` + ``sleep 10`` in a Lab and ``real_command`` in its mirror; compare."""
    lab = build_lab(engine)
    with RealNet(tag) as rn:
        m: Mirror = mirror(lab, rn)
        caps = {dev: m.capture(*dev) for dev in devices}

        # The simulator first (it takes no wall-clock time), then the same on the kernel.
        mark = lab.sim.tracer.mark()
        start = lab.sim.now
        sim_result = lab.sh(sim_command)
        assert lab.sh(LINGER).exit_code == 0
        window = lab.sim.now - start
        trace = lab.sim.tracer.since(mark)

        t_start = time.time()
        real_result = m.run(real_node, real_command, check=False)
        rest = window - (time.time() - t_start)
        if rest > 0:
            time.sleep(rest)
        neigh_real = neighbour_tables(lab, m)
        neigh_sim = neighbour_tables(lab)
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
    outcome = Outcome(diffs, neigh_sim, neigh_real, sim_result.stdout + sim_result.stderr, real_result.stdout + real_result.stderr, script)
    for d in diffs:
        outcome.problems += [f"{d.name}: {p}" for p in d.problems]
    for node, table in neigh_sim.items():
        if table != neigh_real.get(node):
            outcome.problems.append(f"{node}: ARP table differs: simulator {table} real {neigh_real.get(node)}")
    if sim_result.exit_code != real_result.returncode:
        outcome.problems.append(f"ping exit status: simulator {sim_result.exit_code}, real {real_result.returncode}")
    if _ping_summary(outcome.sim_output) != _ping_summary(outcome.real_output):
        outcome.problems.append(
            f"ping output: simulator {_ping_summary(outcome.sim_output)} real {_ping_summary(outcome.real_output)}"
        )
    return outcome


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
