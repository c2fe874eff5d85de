"""Differential tests of what the engine builds: the simulator against the real Linux kernel.

Same method as ``test_differential_default_bridge.py`` (whose helpers this module reuses):
build a Lab, mirror its kernel state into real namespaces (``tests/kernel/mirror.py``:
devices, names, MACs, addresses, routes, sysctls and every iptables table exactly as
the simulator's ``iptables -S`` prints it), run the same traffic on both sides, capture
on the same devices and compare every frame in order (``tests.realnet.normalize``), the
times (+-1.5 s), the ARP tables when the program exits and at the end, the ``ip -s link``
counters, the packet/byte counters of every iptables rule and policy, the conntrack
table, and what the program printed.  On top of that, this module compares conntrack
entries with their ports and reply state (:func:`conntrack_detail`) and, for TCP, the
sequence/acknowledgement numbers relative to each side's ISN, the SYN options layout,
MSS and window scale (:func:`tcp_details`).

1. Isolation between two user bridges (``net_a``, ``net_b``), engine 20.10 and the
   current engine: ``a1`` pings ``b1``.  On 20.10 the echo request is routed by the host
   and dropped in FORWARD by ``DOCKER-ISOLATION-STAGE-2 -o br-<net_b> -j DROP``; on the
   current engine it never gets that far: the raw table's direct-routing protection
   (``-A PREROUTING -d <b1>/32 ! -i br-<net_b> -j DROP``) drops it, before conntrack.
   After ``docker network connect net_b a1`` the ping goes out of ``a1``'s new ``eth1``
   and is answered (a separate Lab: one mirror per state).
2. A published port (``docker run -d --name web -p 8080:80 nginx``) reached with
   ``curl`` from the ``internet`` machine through the router and the host's DNAT.  In the
   kernel, a tiny server in ``web``'s namespace answers with exactly the bytes the model's
   nginx sent, and the real ``curl`` sends the model's User-Agent, so every frame has the
   same length.  TX checksum offload is turned off on the two veths that originate TCP
   (``internet/eth0``, ``web/eth0``) so the captured TCP checksums are complete on both
   sides.  Not compared (they vary between runs): ISNs (sequence numbers are compared
   relative to them), the client's ephemeral port, IP ids, timestamp option values.
   Reported but not compared: the window field after the handshake (see the test).  Both
   sides capture for 3 s after curl, not 10 (see ``TCP_LINGER``).
3. Container mode (``--net container:network_container_1``): the second container is a
   second process in the first one's namespace.  The same interfaces, MACs and addresses
   are seen from both containers (simulator) and in the namespace (kernel); the host has
   one veth for the pair; a ping from ``network_container_2`` to a third container
   matches frame by frame.

Run with ``-s`` to see the side-by-side tables of passing tests too.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Any

import pytest

from tests.kernel.compare import compare_frames, frames, ignorable, sim_packets
from tests.kernel.mirror import (
    Mirror,
    conntrack,
    counters_delta,
    iptables_counters,
    link_counters,
    mirror,
    namespaces,
    neighbour_tables,
    zero_counters,
)
from tests.kernel.test_differential_default_bridge import (
    _GARP_SENDER,
    LINGER,
    SETTLE_S,
    TIME_TOLERANCE_S,
    Outcome,
    _delta,
    _ping_summary,
    build_lab,
    check,
    dockerd_garps,
)
from tests.realnet import EPHEMERAL_PORT_MIN, RealNet, require_real_kernel

pytestmark = pytest.mark.realkernel

ENGINES = pytest.mark.parametrize("engine", ["20.10", None], ids=["engine-20.10", "engine-default"])

# A hook run after the simulator and before the kernel's traffic: (lab, mirror, trace) -> problems.
Prepare = Callable[[Any, Mirror, Any], list[str]]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def bridge_of(lab, network: str) -> str:
    """The Linux bridge of a user network (``br-`` + the first 12 hex digits of its id)."""
    return "br-" + lab.engine.network(network).id[:12]


def ip_of(lab, container: str, network: str) -> str:
    r = lab.sh(f"docker inspect -f '{{{{.NetworkSettings.Networks.{network}.IPAddress}}}}' {container}")
    assert r.exit_code == 0 and r.stdout.strip(), (container, network, r)
    return r.stdout.strip()


def _port(p: int | None) -> int | str | None:
    if p is None:
        return None
    return "ephemeral" if p >= EPHEMERAL_PORT_MIN else int(p)


CtRow = tuple[str, str, Any, str, Any, str, Any, str, Any, bool]
_CT_FIELD = re.compile(r"\b(src|dst|sport|dport)=(\S+)")


def conntrack_detail(lab, m: Mirror | None = None) -> dict[str, list[CtRow]]:
    """Conntrack per node with ports: (proto, orig src, sport, dst, dport, reply src, sport,
    dst, dport, replied).  Ephemeral ports read ``"ephemeral"``; ICMP ids are left out
    (None); ``replied`` is False for ``[UNREPLIED]`` entries.  Multicast (the kernel's own
    IGMP, not modelled) is left out."""
    out: dict[str, list[CtRow]] = {}
    for ns in namespaces(lab):
        rows: list[CtRow] = []
        if m is None:
            seen: set[int] = set()
            for entry, _is_reply in ns.ipv4.conntrack.by_tuple.values():
                if id(entry) in seen:
                    continue
                seen.add(id(entry))
                o, r = entry.original, entry.reply
                ports = o[0] in ("tcp", "udp")
                rows.append((
                    o[0],
                    str(o[1]), _port(o[2]) if ports else None, str(o[3]), _port(o[4]) if ports else None,
                    str(r[1]), _port(r[2]) if ports else None, str(r[3]), _port(r[4]) if ports else None,
                    bool(entry.seen_reply),
                ))
        else:
            res = m.rn.run(m.ns(ns.node), "cat /proc/net/nf_conntrack", check=False)
            for line in res.stdout.splitlines():
                parts = line.split()
                if len(parts) < 5:
                    continue
                proto = parts[2]
                fields: dict[str, list[str]] = {}
                for key, value in _CT_FIELD.findall(line):
                    fields.setdefault(key, []).append(value)
                src, dst = fields.get("src", []), fields.get("dst", [])
                if len(src) < 2 or len(dst) < 2 or IPv4Address(dst[0]).is_multicast:
                    continue
                sp = [_port(int(p)) for p in fields.get("sport", [])] or [None, None]
                dp = [_port(int(p)) for p in fields.get("dport", [])] or [None, None]
                rows.append((proto, src[0], sp[0], dst[0], dp[0], src[1], sp[1], dst[1], dp[1], "[UNREPLIED]" not in line))
        if rows:
            out[ns.node] = sorted(rows, key=repr)
    return out


def tcp_details(packets: list, windows: bool = False) -> list[tuple]:
    """Per TCP frame: flags, seq and ack relative to each side's ISN, payload length,
    option kinds in order, MSS, window scale and (unscaled) window of SYNs.  Addresses,
    ports, TTL and length are in ``normalize``'s frames already; ISNs and timestamp values
    vary.  With ``windows``: (side, flags, window field) of every segment instead."""
    from scapy.layers.inet import IP, TCP

    isn: dict[tuple, int] = {}
    out: list[tuple] = []
    for p in packets:
        if TCP not in p or IP not in p:
            continue
        ip, tcp = p[IP], p[TCP]
        # one direction of the connection, whatever NAT did to the addresses: the side
        # that sent the SYN (no ACK) is the client
        client = "S" in str(tcp.flags) and "A" not in str(tcp.flags)
        key = ("c" if client or tcp.dport in (80, 8080) else "s",)
        peer = ("s",) if key == ("c",) else ("c",)
        if "S" in str(tcp.flags):
            isn[key] = int(tcp.seq)
        rel_seq = (int(tcp.seq) - isn[key]) % 2**32 if key in isn else None
        rel_ack = (int(tcp.ack) - isn[peer]) % 2**32 if "A" in str(tcp.flags) and peer in isn else None
        opts = dict((name, value) for name, value in tcp.options)
        if windows:
            out.append((key[0], str(tcp.flags), int(tcp.window)))
            continue
        out.append((
            key[0], str(tcp.flags), rel_seq, rel_ack, len(bytes(tcp.payload)) - _padding(ip),
            tuple(name for name, _ in tcp.options), opts.get("MSS"), opts.get("WScale"),
            int(tcp.window) if "S" in str(tcp.flags) else None,
        ))
    return out


def _padding(ip) -> int:
    """Ethernet padding scapy leaves in the TCP payload of short frames."""
    from scapy.packet import Padding

    pad = ip.getlayer(Padding)
    return len(bytes(pad)) if pad is not None else 0


# Turn off TX checksum offload on one of our veths (what ``ethtool -K DEV tx off`` does;
# ethtool is not installed): locally generated TCP then leaves with a complete checksum.
_TX_CSUM_OFF = """
import array, fcntl, socket, struct, sys
ETHTOOL_STXCSUM, SIOCETHTOOL = 0x17, 0x8946
value = array.array("I", [ETHTOOL_STXCSUM, 0])
ifreq = struct.pack("16sP16x", sys.argv[1].encode(), value.buffer_info()[0])
fcntl.ioctl(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), SIOCETHTOOL, ifreq)
"""

# One connection: read the request, answer with the given bytes, close when the client does.
_REPLAY_SERVER = """
import socket, sys
response = bytes.fromhex(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(8)
print("listening", flush=True)
c, _ = s.accept()
request = b""
while b"\\r\\n\\r\\n" not in request:
    chunk = c.recv(65536)
    if not chunk:
        break
    request += chunk
c.sendall(response)
while c.recv(65536):
    pass
c.close()
print(request.hex(), flush=True)
"""


@dataclass
class EngineOutcome(Outcome):
    program: str = "ping"
    notes: list[str] = field(default_factory=list)  # known differences, reported, not failed

    def report(self) -> str:
        text = super().report().replace("== ping output", f"== {self.program} output", 1)
        if self.notes:
            text += "\n== known differences (not failures)\n" + "\n".join(f"- {n}" for n in self.notes)
        return text


def engine_differential(
    lab,
    tag: str,
    sim_command: str,
    real_node: str,
    real_command: str | Callable[[], str],
    devices: list[tuple[str, str]],
    reference: tuple[str, str],
    sim_on: str | None = None,
    prepare: Prepare | None = None,
    program: str = "ping",
    summary: Callable[[str], Any] = _ping_summary,
    linger: str = LINGER,
) -> tuple[EngineOutcome, dict, dict]:
    """``differential`` of ``test_differential_default_bridge`` for a Lab built by the caller,
    a command run on any machine (``sim_on``), a ``prepare`` hook between the two runs and
    any program's output (``summary``); ``real_command`` may be a callable, called after
    ``prepare``; ``linger``: how long both sides keep capturing after the command.  Returns the outcome and the simulated and real
    packets per device."""
    with RealNet(tag) as rn:
        m: Mirror = mirror(lab, rn)
        built = time.time()
        caps = {dev: m.capture(*dev) for dev in devices}

        mark = lab.sim.tracer.mark()
        start = lab.sim.now
        counters_before = iptables_counters(lab)
        links_before = link_counters(lab)
        sim_result = lab.sh(sim_command, on=sim_on)
        neigh_sim_mid = neighbour_tables(lab)
        assert lab.sh(linger).exit_code == 0
        window = lab.sim.now - start
        trace = lab.sim.tracer.since(mark)
        counters_sim = _delta(iptables_counters(lab), counters_before)
        links_sim = counters_delta(link_counters(lab), links_before)
        ct_sim = conntrack(lab)
        ct_detail_sim = conntrack_detail(lab)

        time.sleep(max(0.0, built + SETTLE_S - time.time()))
        hook_problems = prepare(lab, m, trace) if prepare is not None else []
        zero_counters(lab, m)
        links_real_before = link_counters(lab, m)
        t_start = time.time() + 0.3  # time for the replayers to start
        for (node, dev, mac, ip), times in dockerd_garps(lab, trace).items():
            at = " ".join(f"{t_start + t - start:.6f}" for t in times)
            m.spawn(node, f"{sys.executable} -c {shlex.quote(_GARP_SENDER)} {dev} {mac} {ip} {at}")
        time.sleep(max(0.0, t_start - time.time()))
        command = real_command() if callable(real_command) else real_command
        real_result = m.run(real_node, command, check=False)
        neigh_real_mid = neighbour_tables(lab, m)
        rest = window - (time.time() - t_start)
        if rest > 0:
            time.sleep(rest)
        neigh_real = neighbour_tables(lab, m)
        neigh_sim = neighbour_tables(lab)
        counters_real = iptables_counters(lab, m)
        links_real = counters_delta(link_counters(lab, m), links_real_before)
        ct_real = conntrack(lab, m)
        ct_detail_real = conntrack_detail(lab, m)
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
    outcome = EngineOutcome(
        diffs, neigh_sim, neigh_real, sim_result.stdout + sim_result.stderr, real_result.stdout + real_result.stderr, script,
        counters_sim, counters_real, program=program,
    )
    outcome.problems += hook_problems
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
    if ct_detail_sim != ct_detail_real:
        outcome.problems.append(f"conntrack entries (ports, replied) differ: simulator {ct_detail_sim} real {ct_detail_real}")
    for node, devs in links_sim.items():
        for dev, value in devs.items():
            if value != links_real.get(node, {}).get(dev):
                outcome.problems.append(
                    f"{node}/{dev}: ip -s link counters (rx pkts, rx bytes, tx pkts, tx bytes) "
                    f"simulator {value} real {links_real.get(node, {}).get(dev)}"
                )
    for when, sim_tables, real_tables in (("when the program exits", neigh_sim_mid, neigh_real_mid), ("at the end", neigh_sim, neigh_real)):
        for node, table in sim_tables.items():
            if table != real_tables.get(node):
                outcome.problems.append(f"{node}: ARP table {when} differs: simulator {table} real {real_tables.get(node)}")
    if sim_result.exit_code != real_result.returncode:
        outcome.problems.append(f"{program} exit status: simulator {sim_result.exit_code}, real {real_result.returncode}")
    if summary(outcome.sim_output) != summary(outcome.real_output):
        outcome.problems.append(f"{program} output: simulator {summary(outcome.sim_output)} real {summary(outcome.real_output)}")
    return outcome, sim_pkts, real_pkts


def counted_rules(counters: dict, node: str, table: str) -> list[tuple[str, int, int]]:
    """The rules of one table that counted something: (rule, packets, bytes)."""
    rules = counters.get(node, {}).get(table, {"rules": []})["rules"]
    return [(rule, p, b) for _chain, rule, p, b in rules if p]


# ---------------------------------------------------------------------------
# 1. isolation between two bridges
# ---------------------------------------------------------------------------

ISOLATION_SETUP = (
    "docker network create net_a",
    "docker network create net_b",
    "docker run -itd --name a1 --net net_a ubuntu:14.04",
    "docker run -itd --name b1 --net net_b ubuntu:14.04",
)


@ENGINES
def test_isolation_between_two_bridges_drops_in_the_same_rule(engine):
    """a1 (net_a) pings b1 (net_b): ARP for the gateway, one echo request into the host,
    nothing on net_b's side; the same rule counts the drop; no conntrack entry survives."""
    require_real_kernel()
    lab = build_lab(engine, ISOLATION_SETUP)
    br_a, br_b = bridge_of(lab, "net_a"), bridge_of(lab, "net_b")
    b1 = ip_of(lab, "b1", "net_b")
    outcome, _sim, _real = engine_differential(
        lab,
        "iso",
        f"docker exec a1 ping -c 1 -W 1 {b1}",
        "a1",
        f"ping -c 1 -W 1 {b1}",
        [("a1", "eth0"), ("host", br_a), ("host", br_b), ("b1", "eth0"), ("host", "eth0")],
        reference=("a1", "eth0"),
    )
    check(outcome)
    # what the kernel did (the simulator matched it, or check() failed above)
    assert _ping_summary(outcome.real_output) == ([], (1, 0))
    if engine == "20.10":
        assert sorted(counted_rules(outcome.counters_real, "host", "filter")) == sorted([
            ("-A FORWARD -j DOCKER-USER", 1, 84),
            ("-A DOCKER-USER -j RETURN", 1, 84),
            ("-A FORWARD -j DOCKER-ISOLATION-STAGE-1", 1, 84),
            (f"-A DOCKER-ISOLATION-STAGE-1 -i {br_a} ! -o {br_a} -j DOCKER-ISOLATION-STAGE-2", 1, 84),
            (f"-A DOCKER-ISOLATION-STAGE-2 -o {br_b} -j DROP", 1, 84),  # the drop
        ])
        assert counted_rules(outcome.counters_real, "host", "raw") == []
    else:
        assert counted_rules(outcome.counters_real, "host", "raw") == [(f"-A PREROUTING -d {b1}/32 ! -i {br_b} -j DROP", 1, 84)]
        assert counted_rules(outcome.counters_real, "host", "filter") == []  # never reached FORWARD
    # dropped before its conntrack entry was confirmed (20.10: in FORWARD) or created (raw)
    assert "host" not in outcome.conntrack[1]


@ENGINES
def test_network_connect_lets_a1_reach_b1_through_its_new_eth1(engine):
    """After ``docker network connect net_b a1``, a1 reaches b1 from eth1, on net_b's bridge."""
    require_real_kernel()
    # "sleep 3": dockerd (>= 28) has sent its three announcements of a1's new address
    # before the ping.  Without it the model sends the first one *after* the ping's ARP
    # request (drivers/bridge.py schedules it with call_later(0), and `docker network
    # connect` returns before that event runs), while dockerd sends it before connect returns.
    lab = build_lab(engine, (*ISOLATION_SETUP, "docker network connect net_b a1", "sleep 3"))
    br_a, br_b = bridge_of(lab, "net_a"), bridge_of(lab, "net_b")
    b1 = ip_of(lab, "b1", "net_b")
    outcome, _sim, _real = engine_differential(
        lab,
        "conn",
        f"docker exec a1 ping -c 1 -W 1 {b1}",
        "a1",
        f"ping -c 1 -W 1 {b1}",
        [("a1", "eth0"), ("a1", "eth1"), ("host", br_a), ("host", br_b), ("b1", "eth0"), ("host", "eth0")],
        reference=("a1", "eth1"),
    )
    check(outcome)
    assert _ping_summary(outcome.real_output) == ([(1, 64)], (1, 1))
    assert counted_rules(outcome.counters_real, "host", "raw") == []


# ---------------------------------------------------------------------------
# 2. a published port reached from the internet
# ---------------------------------------------------------------------------

PUBLISH_SETUP = ("docker run -d --name web -p 8080:80 nginx",)
URL = "http://192.168.1.10:8080/"
# Stop before the neighbour entries in DELAY (router -> internet, host -> router, web ->
# gateway) are due for their probe at 5 s: whether Linux probes then is a race.  TCP's
# forward progress confirms the neighbour (sk_dst_confirm -> skb->dst_pending_confirm ->
# neigh_confirm in ip_finish_output2), and the flag survives a veth into the next namespace
# and the forwarding there, so web's segments confirm web's, the host's and the router's
# entries a few ms after they went DELAY; the DELAY timer (rounded up by the timer wheel,
# up to 256 ms at HZ=250) usually fires later than confirmed + 5 s and probes, sometimes
# not.  The model has no upper-layer confirmation and always probes.  (With the server
# answering 0.5 s late, the kernel never probes.)
TCP_LINGER = "sleep 3"


def _tcp_payloads(trace, node: str, dev: str, sport: int | None = None, dport: int | None = None, received: bool = False) -> bytes:
    """The TCP payload bytes ``node`` sent (or received) on ``dev`` from/to a port, in order."""
    from simulator.packets.ipv4 import IPv4Packet
    from simulator.packets.tcp import TcpSegment
    from simulator.trace.records import FrameReceived, FrameSent

    kind = FrameReceived if received else FrameSent
    data = b""
    for r in trace:
        if isinstance(r, kind) and r.node == node and r.dev == dev:
            packet = r.frame.payload
            if isinstance(packet, IPv4Packet) and isinstance(packet.payload, TcpSegment):
                segment = packet.payload
                if sport in (None, segment.sport) and dport in (None, segment.dport):
                    data += segment.data
    return data


def _user_agent(request: bytes) -> str:
    m = re.search(rb"\r\nUser-Agent: ([^\r]*)\r\n", request)
    assert m, request
    return m.group(1).decode()


def _wait_ready(proc, what: str) -> None:
    """Block until the spawned child printed its "listening" line (or died)."""
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline()
    if b"listening" not in line:
        proc.wait(timeout=5)
        raise AssertionError(f"{what} did not start: {line!r} {proc.stderr.read()!r}")


@ENGINES
def test_published_port_from_the_internet(engine):
    """internet curls 192.168.1.10:8080: through the router, DNAT on the host to
    172.17.0.2:80, the client's address kept, TTL 64/63/62; handshake, request, response,
    FINs; the DNAT rule counts the SYN; conntrack on the router and (translated) the host."""
    require_real_kernel()
    lab = build_lab(engine, PUBLISH_SETUP)
    state: dict[str, Any] = {}

    def prepare(lab, m: Mirror, trace) -> list[str]:
        response = _tcp_payloads(trace, "web", "eth0", sport=80)
        request = _tcp_payloads(trace, "web", "eth0", dport=80, received=True)
        assert response.startswith(b"HTTP/1.1 200 OK\r\n"), response[:80]
        state["request"], state["user_agent"] = request, _user_agent(request)
        for node in ("internet", "web"):
            m.run(node, f"{sys.executable} -c {shlex.quote(_TX_CSUM_OFF)} eth0")
        server = m.spawn("web", f"{sys.executable} -c {shlex.quote(_REPLAY_SERVER)} 80 {response.hex()}")
        _wait_ready(server, "the server in web")
        # the rest of its output (the request it got, hex) arrives when it exits
        reader = threading.Thread(target=lambda: state.__setitem__("server_out", server.stdout.read()), daemon=True)
        reader.start()
        state["reader"] = reader
        return []

    devices = [
        ("internet", "eth0"),
        ("router", "eth1"),
        ("router", "eth0"),
        ("host", "eth0"),
        ("host", "docker0"),
        ("web", "eth0"),
    ]
    outcome, sim_pkts, real_pkts = engine_differential(
        lab,
        "pub",
        f"curl -s {URL}",
        "internet",
        lambda: f"curl -s -m 5 -A {shlex.quote(state['user_agent'])} {URL}",
        devices,
        reference=("internet", "eth0"),
        sim_on="internet",
        prepare=prepare,
        program="curl",
        summary=lambda text: text,
        linger=TCP_LINGER,
    )
    # the server got the request the model's nginx got
    state["reader"].join(timeout=5)
    out = state.get("server_out") or b""
    seen = bytes.fromhex(out.decode().split()[-1]) if out.split() else b""
    if seen != state["request"]:
        outcome.problems.append(f"request: simulator {state['request']!r} real {seen!r}")
    # TCP beyond normalize(): relative seq/ack, payload sizes, options layout, MSS, wscale
    for dev in devices:
        s, r = tcp_details(sim_pkts[dev]), tcp_details(real_pkts[dev])
        if s != r:
            outcome.problems.append(f"{dev[0]}/{dev[1]}: TCP details differ:\n    simulator {s}\n    real      {r}")
    # The window field after the handshake: the model advertises a fixed one (502 client,
    # 509 server); Linux grows the receiver's window as data arrives (tcp_grow_window, by
    # an amount that depends on the skb's truesize): curl's ACK of the 853-byte response
    # says 510 in the kernel.  Reported, not compared.
    s, r = tcp_details(sim_pkts[("web", "eth0")], windows=True), tcp_details(real_pkts[("web", "eth0")], windows=True)
    if s != r:
        outcome.notes.append(f"TCP window fields on web/eth0 (side, flags, window): simulator {s} real {r}")
    check(outcome)

    # what the kernel did (the simulator matched it, or check() failed above)
    tcp = {dev: [f for f in d.real if f["kind"] == "tcp"] for dev, d in zip(devices, outcome.diffs, strict=True)}
    outside, inside = tcp[("host", "eth0")], tcp[("web", "eth0")]
    flags = ["S", "SA", "A", "PA", "A", "PA", "A", "FA", "FA", "A"]
    assert [f["tcp_flags"] for f in outside] == [f["tcp_flags"] for f in inside] == flags
    client = [f for f in outside if f["dport"] == 8080]
    server = [f for f in outside if f["sport"] == 8080]
    assert {(f["src_ip"], f["dst_ip"], f["ttl"]) for f in client} == {("203.0.113.1", "192.168.1.10", 63)}
    assert {(f["src_ip"], f["dst_ip"], f["ttl"]) for f in server} == {("192.168.1.10", "203.0.113.1", 63)}
    client = [f for f in inside if f["dport"] == 80]
    server = [f for f in inside if f["sport"] == 80]
    assert {(f["src_ip"], f["dst_ip"], f["ttl"]) for f in client} == {("203.0.113.1", "172.17.0.2", 62)}
    assert {(f["src_ip"], f["dst_ip"], f["ttl"]) for f in server} == {("172.17.0.2", "203.0.113.1", 64)}
    assert all(f["l4_checksum_ok"] for fs in tcp.values() for f in fs)
    dnat = "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"
    assert (dnat, 1, 60) in counted_rules(outcome.counters_real, "host", "nat")
    assert outcome.conntrack[1]["host"] == [("tcp", "203.0.113.1", "192.168.1.10", "172.17.0.2", "203.0.113.1")]
    assert outcome.conntrack[1]["router"] == [("tcp", "203.0.113.1", "192.168.1.10", "192.168.1.10", "203.0.113.1")]


# ---------------------------------------------------------------------------
# 3. container mode
# ---------------------------------------------------------------------------

CONTAINER_MODE_SETUP = (
    "docker run -itd --name network_container_1 ubuntu:14.04",
    "docker run -itd --name network_container_2 --net container:network_container_1 ubuntu:14.04",
    "docker run -itd --name c3 ubuntu:14.04",
)
_IP_ADDR_HEAD = re.compile(r"^\d+: ([^:@\s]+)(?:@\S+)?: <([^>]*)> mtu (\d+)")


def parse_ip_addr(text: str) -> dict[str, tuple]:
    """``ip addr`` text -> {ifname: (UP?, mtu, MAC, (IPv4 address/prefix, ...))}."""
    out: dict[str, list] = {}
    name = None
    for line in text.splitlines():
        head = _IP_ADDR_HEAD.match(line)
        if head:
            name = head.group(1)
            out[name] = ["UP" in head.group(2).split(","), int(head.group(3)), None, []]
            continue
        words = line.split()
        if name is None or not words:
            continue
        if words[0].startswith("link/"):
            out[name][2] = words[1].lower()
        elif words[0] == "inet":
            out[name][3].append(words[1])
    return {k: (up, mtu, mac, tuple(addrs)) for k, (up, mtu, mac, addrs) in out.items()}


def _netns_of(pid: int, timeout: float = 5) -> str:
    """``/proc/PID/ns/net`` of a spawned ``sleep``, once ``ip netns exec`` has exec'd it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == "sleep":
                    return os.readlink(f"/proc/{pid}/ns/net")
        except FileNotFoundError:
            break
        time.sleep(0.02)
    raise AssertionError(f"pid {pid} did not become `sleep`")


@ENGINES
def test_container_mode_shares_one_namespace(engine):
    """network_container_2 runs in network_container_1's namespace: one eth0, one MAC, one
    address, one veth on the host; its ping to c3 is network_container_1's eth0 traffic."""
    require_real_kernel()
    lab = build_lab(engine, CONTAINER_MODE_SETUP)
    containers = lab.engine.containers
    nc1 = next(c for c in containers.values() if c.name == "network_container_1")
    nc2 = next(c for c in containers.values() if c.name == "network_container_2")
    assert nc1.netns is nc2.netns
    sim_views = {
        name: lab.sh(f"docker exec {name} ip addr").stdout for name in ("network_container_1", "network_container_2")
    }
    c3 = ip_of(lab, "c3", "bridge")
    host = lab.machines["host"].netns
    shared_veths = [d.name for d in host.devices.values() if getattr(d, "peer", None) is not None and d.peer is nc1.netns.devices["eth0"]]
    host_veths = sorted(d.name for d in host.devices.values() if d.kind == "veth" and d.master is not None and d.master.name == "docker0")
    facts: dict[str, Any] = {}

    def prepare(lab, m: Mirror, trace) -> list[str]:
        problems: list[str] = []
        node = nc1.netns.node
        # the two "containers": two processes (their PID 1) in the one namespace
        procs = {name: m.spawn(node, "sleep 60") for name in ("network_container_1", "network_container_2")}
        ns_ids = {name: _netns_of(p.pid) for name, p in procs.items()}
        exec_ns = m.run(node, "readlink /proc/self/ns/net").stdout.strip()  # a `docker exec`
        host_ns = m.run("host", "readlink /proc/self/ns/net").stdout.strip()
        facts["netns"] = (ns_ids, exec_ns, host_ns)
        if len({*ns_ids.values(), exec_ns}) != 1 or host_ns == exec_ns:
            problems.append(f"container mode: namespaces {ns_ids} exec {exec_ns} host {host_ns}")
        real_view = parse_ip_addr(m.run(node, "ip addr").stdout)
        facts["ip addr"] = real_view
        for name, text in sim_views.items():
            if parse_ip_addr(text) != real_view:
                problems.append(f"`docker exec {name} ip addr`: simulator {parse_ip_addr(text)} real {real_view}")
        # one veth on the host for the pair (the one whose ifindex is eth0's link), two on
        # docker0 for three containers
        eth0 = m.run(node, "ip -j link show eth0").stdout
        link_index = json.loads(eth0)[0]["link_index"]
        links = json.loads(m.run("host", "ip -d -j link show").stdout)
        veths = sorted(
            link["ifname"] for link in links if link.get("linkinfo", {}).get("info_kind") == "veth" and link.get("master") == "docker0"
        )
        peers = [link["ifname"] for link in links if link["ifindex"] == link_index]
        facts["veths"] = (veths, peers)
        if veths != host_veths or peers != shared_veths or len(peers) != 1:
            problems.append(
                f"host veths: simulator {host_veths} (the pair's: {shared_veths}) real {veths} (the pair's: {peers})"
            )
        return problems

    outcome, _sim, _real = engine_differential(
        lab,
        "cmode",
        f"docker exec network_container_2 ping -c 2 {c3}",
        nc1.netns.node,
        f"ping -c 2 -i 1 {c3}",
        [(nc1.netns.node, "eth0"), ("host", "docker0"), ("c3", "eth0"), ("host", "eth0")],
        reference=(nc1.netns.node, "eth0"),
        prepare=prepare,
    )
    print("== container mode:", facts)
    check(outcome)
    assert sim_views["network_container_1"] == sim_views["network_container_2"]
    assert len(shared_veths) == 1 and len(host_veths) == 2  # three containers, two namespaces
    assert _ping_summary(outcome.real_output) == ([(1, 64), (2, 64)], (2, 2))


@ENGINES
def test_published_port_from_the_host_itself(engine):
    """The host curls its own address 192.168.1.10:8080: nat OUTPUT's DNAT (``-m addrtype
    --dst-type LOCAL``) re-routes the SYN from lo to docker0, source 192.168.1.10 kept; the
    replies are un-DNATed on input, so curl sees 192.168.1.10:8080 answer."""
    require_real_kernel()
    lab = build_lab(engine, PUBLISH_SETUP)
    state: dict[str, Any] = {}

    def prepare(lab, m: Mirror, trace) -> list[str]:
        response = _tcp_payloads(trace, "web", "eth0", sport=80)
        request = _tcp_payloads(trace, "web", "eth0", dport=80, received=True)
        assert response.startswith(b"HTTP/1.1 200 OK\r\n"), response[:80]
        state["user_agent"] = _user_agent(request)
        for node in ("host", "web"):
            m.run(node, f"{sys.executable} -c {shlex.quote(_TX_CSUM_OFF)} {'docker0' if node == 'host' else 'eth0'}")
        server = m.spawn("web", f"{sys.executable} -c {shlex.quote(_REPLAY_SERVER)} 80 {response.hex()}")
        _wait_ready(server, "the server in web")
        reader = threading.Thread(target=lambda: state.__setitem__("server_out", server.stdout.read()), daemon=True)
        reader.start()
        state["reader"] = reader
        return []

    devices = [("host", "docker0"), ("web", "eth0")]
    outcome, sim_pkts, real_pkts = engine_differential(
        lab,
        "self",
        f"curl -s {URL}",
        "host",
        lambda: f"curl -s -m 5 -A {shlex.quote(state['user_agent'])} {URL}",
        devices,
        reference=("web", "eth0"),
        sim_on="host",
        prepare=prepare,
        program="curl",
        summary=lambda text: text,
        linger=TCP_LINGER,
    )
    state["reader"].join(timeout=5)
    for dev in devices:
        s, r = tcp_details(sim_pkts[dev]), tcp_details(real_pkts[dev])
        if s != r:
            outcome.problems.append(f"{dev[0]}/{dev[1]}: TCP details differ:\n    simulator {s}\n    real      {r}")
    check(outcome)
    inside = [f for f in outcome.diffs[1].real if f["kind"] == "tcp"]
    assert {(f["src_ip"], f["dst_ip"]) for f in inside if f["dport"] == 80} == {("192.168.1.10", "172.17.0.2")}
    dnat = "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80"
    assert (dnat, 1, 60) in counted_rules(outcome.counters_real, "host", "nat")
