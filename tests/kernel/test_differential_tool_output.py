"""Differential tests of the *text* the network tools print: simulator vs real tools.

A Lab (Docker engine 20.10, and the default engine) runs two ``nicolaka/netshoot``
containers on the default bridge (one publishing a port: DNAT and ACCEPT rules) and two
on a user-defined bridge; they ping each other and the host pings one, so interface
counters, neighbour entries, learned FDB entries and iptables counters exist.  ``tests/kernel/mirror.py`` rebuilds the Lab's
kernel state in real network namespaces -- with the model's ifindexes, queue lengths,
IPv6 link-local addresses and a quiet IPv6/IGMP stack (see ``mirror(ifindex=, ipv6=,
quiet=)``) -- *before* the traffic, then the same traffic runs on both sides (including,
for the default engine, the gratuitous ARPs dockerd sends from userspace, each flooded
only to the bridge ports that existed when the model sent it).  Then the
commands a learner types run in the real host namespace and in every real container
namespace, and their output is compared with ``lab.sh(...)`` on the host and
``lab.sh("docker exec NAME ...")`` in the containers (netshoot prints in the ``host``
flavour: iproute2 6.1, net-tools 2.10, iptables 1.8.10, bridge-utils 1.7).

Everything must be byte-equal, whitespace included, except what :func:`normalise`
rewrites, each rule with its reason:

* ``stand-in NIC``: the host's ``eth0`` is a physical NIC in the model; the mirror
  plugs a veth into the LAN-switch namespace instead, so the real link shows
  ``eth0@ifN``, ``link-netnsid N`` and the veth's ``noqueue`` qdisc (this kernel has no
  ``sch_fq_codel`` to give it the NIC's ``fq_codel``).  Only that device's header
  lines are rewritten (in ``ip -o link`` the one line; in ``ip -br`` the name column,
  ``eth0@ifN`` back to ``eth0``).
* ``no bridge VLAN filtering``: a kernel without ``CONFIG_BRIDGE_VLAN_FILTERING`` (the
  test probes for it) has no default-VLAN FDB entries, so the model's
  ``... vlan 1 master BR permanent`` lines are dropped.  With VLAN filtering they are
  compared.
* ``iptables 1.8.9``: it prints protocol numbers in ``iptables -L -n`` (``0``, ``17``;
  netfilter bugzilla #1729, fixed in 1.8.10, which the host flavour renders); the real
  number is replaced by the name 1.8.10 prints, same column width.
* ``neighbour order``: ``ip neigh`` lists the kernel's ARP hash table bucket by bucket
  (a hash of address and device pointer with a random per-boot seed); both outputs are
  sorted.
* ``net-tools 15-character names``: this Debian net-tools 2.10 build reads no
  ``/proc/net/dev`` statistics for an interface whose name has 15 characters (Docker's
  ``br-0123456789ab``) and prints zeros.  When the real ``ifconfig`` disagrees with the
  real ``/proc/net/dev`` that way, the ``RX packets``/``TX packets`` lines of those
  devices are left out on both sides (``ip -s link`` compares the same counters).

Not normalised (made equal instead): link-netnsids and ifindexes (the mirror creates
devices with the model's indexes and in an order that numbers namespaces as the model
does), ``fe80::`` addresses and the multicast FDB entries (IPv6 is on where the model has
it), packet counters (no IPv6, MLD or IGMP leaves a real namespace; dockerd's ARPs are
replayed).  ``iproute2`` would print ``link-netns NAME`` for a peer namespace that has a
name in ``/run/netns`` (the harness's do, Docker's do not): ``ip``/``bridge`` run with an
empty tmpfs over ``/run/netns`` inside ``ip netns exec``'s private mount namespace.

Not compared: ``brctl`` inside containers (the model's netshoot has no ``brctl``).  The
real commands run with all capabilities; in a real container without ``NET_ADMIN``,
``iptables`` would be refused, which the model does not model.
Run with ``-s`` to see the tool versions and every compared command.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.kernel.mirror import Mirror, mirror
from tests.realnet import STRICT_ENV, RealNet, require_real_kernel

IMAGE = "nicolaka/netshoot"
SETUP = (
    f"docker run -itd --name c1 {IMAGE}",
    f"docker run -itd --name c2 -p 8080:80 {IMAGE}",  # DNAT and ACCEPT rules with ports
    "docker network create net1",
    f"docker run -itd --name c3 --network net1 {IMAGE}",
    f"docker run -itd --name c4 --network net1 {IMAGE}",
    "sleep 3",  # dockerd's gratuitous ARPs (>= 28: three, one a second) are all out
)
# (node, command): the same on both sides, in this order
TRAFFIC = (
    ("c1", "ping -c 2 -i 0.2 172.17.0.3"),
    ("c3", "ping -c 2 -i 0.2 172.18.0.3"),
    ("host", "ping -c 2 -i 0.2 172.17.0.2"),
)
# The neighbours that answered a probe are STALE, then DELAY when used; 5 s later
# (delay_first_probe_time) a unicast probe makes them REACHABLE for >= 15 s.
SETTLE_S = 6.0
COMMANDS = (
    "ip addr",
    "ip link",
    "ip -o addr",
    "ip -4 -o addr",
    "ip -o link",
    "ip -br addr",
    "ip -br -4 addr",
    "ip -br link",
    "ip route",
    "ip neigh",
    "ip -s link",
    "ifconfig",
    "ifconfig -a",
    "bridge fdb show",
    "bridge link",
    "brctl show",
    "iptables -S",
    "iptables -t nat -S",
    "iptables -L -n -v",
    "iptables -t nat -L -n -v",
)
HOST_ONLY = {"brctl show"}
NODES = ("host", "c1", "c2", "c3", "c4")
TOOLS = {"ifconfig": "net-tools", "brctl": "bridge-utils", "bridge": "iproute2", "nft": "nftables"}
VERSION_COMMANDS = ("ip -V", "ifconfig --version", "iptables -V", "bridge -V", "brctl --version")
# what the host flavour renders (simulator/programs/render.py, tools.py)
MODELLED = "iproute2 6.1, net-tools 2.10, iptables 1.8.10 (nf_tables), bridge-utils 1.7"

_OWN_MNT_NS = os.readlink("/proc/self/ns/mnt") if os.path.exists("/proc/self/ns/mnt") else ""
# ip(8) prints "link-netns NAME" when the peer namespace is named in /run/netns.  Hide
# the names -- only inside the private mount namespace `ip netns exec` gives each
# command (never if the command would share the test process's mount namespace).
_HIDE_NETNS_NAMES = (
    f'[ "$(readlink /proc/self/ns/mnt)" != "{_OWN_MNT_NS}" ] '
    '&& mount -t tmpfs -o size=16k dsim-empty /run/netns; exec "$@"'
)

# dockerd (>= 28) announces each endpoint with unsolicited ARP requests from a packet
# socket in the container: userspace, so the real side replays them.
_GARP_SENDER = """
import socket, sys
ifname, mac, ip = sys.argv[1:4]
ip = socket.inet_aton(ip)
pkt = bytes.fromhex("0001080006040001") + bytes.fromhex(mac.replace(":", "")) + ip + bytes(6) + ip
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM)
s.sendto(pkt, (ifname, 0x0806, 0, 1, b"\\xff" * 6))
"""


def _require_tools() -> None:
    missing = [f"{tool} ({pkg})" for tool, pkg in TOOLS.items() if shutil.which(tool, path=_path()) is None]
    if not missing:
        return
    reason = "tool-output tests need " + ", ".join(missing) + " (run tests/setup_system.sh as root)"
    if os.environ.get(STRICT_ENV, "").strip() not in ("", "0"):
        pytest.fail(f"{reason} ({STRICT_ENV} is set)", pytrace=False)
    pytest.skip(reason)


def _path() -> str:
    return os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])


# ---------------------------------------------------------------------------
# the two sides
# ---------------------------------------------------------------------------


def build_lab(engine: str | None) -> Any:
    from simulator import Lab

    lab = Lab(engine=engine)
    for command in SETUP:
        result = lab.sh(command)
        assert result.exit_code == 0, (command, result.stderr)
    return lab


def sim_run(lab: Any, node: str, command: str) -> str:
    line = command if node == "host" else f"docker exec {node} {command}"
    result = lab.sh(line)
    assert result.exit_code == 0, (line, result.stderr)
    return str(result.stdout)


def real_run(m: Mirror, node: str, command: str) -> str:
    if command.split()[0] in ("ip", "bridge"):
        command = f"sh -c {shlex.quote(_HIDE_NETNS_NAMES)} sh {command}"
    return str(m.run(node, command).stdout)


@dataclass
class Garp:
    """One gratuitous ARP dockerd sent, and the bridge ports that did not exist yet."""

    node: str
    dev: str
    mac: str
    ip: str
    bridge_node: str
    absent_ports: list[str]


def dockerd_garps(lab: Any) -> list[Garp]:
    """Gratuitous ARPs the model's dockerd sent, in time order.

    The model's kernel sends none (arp_notify 0): an ARP request whose sender and
    target address are equal, sent by the container device that owns the MAC, is
    dockerd's.  Containers start one after the other, so the first ARPs of the first
    container reach fewer bridge ports than exist at the end: ``absent_ports`` are the
    ports of its bridge that did not flood that frame (the frame's flow id).
    """
    from simulator.kernel.devices.veth import Veth
    from simulator.packets.arp import ArpOp, ArpPacket
    from simulator.trace.records import FrameSent

    owners = {
        (c.name, name): dev
        for engine in lab.engines.values()
        for c in engine.containers.values()
        if c.running and c.netns is not None
        for name, dev in c.netns.devices.items()
    }
    sent = [r for r in lab.trace if isinstance(r, FrameSent)]
    out: list[Garp] = []
    for r in sent:
        dev = owners.get((r.node, r.dev))
        arp = r.frame.payload
        if dev is None or dev.mac != r.frame.src or not isinstance(arp, ArpPacket):
            continue
        if arp.op is not ArpOp.REQUEST or arp.sender_ip != arp.target_ip:
            continue
        assert isinstance(dev, Veth) and dev.peer.master is not None and dev.peer.namespace is not None
        port, bridge = dev.peer, dev.peer.master
        bridge_node = dev.peer.namespace.node
        flooded = {s.dev for s in sent if s.frame.flow == r.frame.flow and s.node == bridge_node}
        absent = sorted(set(bridge.ports) - flooded - {port.name})
        out.append(Garp(r.node, r.dev, str(arp.sender_mac), str(arp.sender_ip), bridge_node, absent))
    return out


def replay_garps(m: Mirror, garps: list[Garp]) -> None:
    """Send dockerd's ARPs in the real namespaces; a port that did not exist yet has
    broadcast flooding off for that frame (``br_flood`` skips it; nothing else shows)."""
    sender = f"{shlex.quote(sys.executable)} -c {shlex.quote(_GARP_SENDER)}"
    for g in garps:
        for port in g.absent_ports:
            m.run(g.bridge_node, f"bridge link set dev {port} bcast_flood off")
        m.run(g.node, f"{sender} {g.dev} {g.mac} {g.ip}")
        for port in g.absent_ports:
            m.run(g.bridge_node, f"bridge link set dev {port} bcast_flood on")


# ---------------------------------------------------------------------------
# normalisation (each rule is explained in the module docstring)
# ---------------------------------------------------------------------------


@dataclass
class RealFacts:
    """What the real side is like, probed once."""

    versions: dict[str, str]
    vlan_filtering: bool
    nic_names: dict[str, set[str]]  # node -> devices the model has as physical NICs
    long_names_zeroed: dict[str, set[str]] = field(default_factory=dict)  # node -> 15-char devices ifconfig zeroes

    @property
    def iptables_numeric_protocols(self) -> bool:
        return " v1.8.9 " in self.versions.get("iptables -V", "") + " "


_PROTO_NAMES = {"0": "all", "1": "icmp", "6": "tcp", "17": "udp"}
_PROTO_COLUMN = re.compile(r"(?<= )([ !])(\d+)( +)-- ")


def _names_for_numbers(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = _PROTO_NAMES.get(m.group(2))
        if name is None or len(m.group(2)) + len(m.group(3)) != 5:
            return m.group(0)
        return f"{m.group(1)}{name:<4} -- "

    return _PROTO_COLUMN.sub(sub, text)


def _stand_in_nic(text: str, dev: str) -> str:
    """The header of a veth that stands in for a NIC, as the NIC's (``ip``, ``ip -o``, ``ip -br``)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        brief = re.match(rf"^{re.escape(dev)}@if\d+ +(?=[A-Z])", line)
        if brief:
            lines[i] = f"{dev:<16} " + line[brief.end():]
            continue
        m = re.match(rf"^(\d+: {re.escape(dev)})@if\d+(: .*) qdisc noqueue (.*)$", line)
        if m and "\\    link/" in line:  # ip -o link: header and link/ether on one line
            lines[i] = re.sub(r" link-netnsid \d+$", "", f"{m.group(1)}{m.group(2)} qdisc fq_codel {m.group(3)}")
        elif m and i + 1 < len(lines):
            lines[i] = f"{m.group(1)}{m.group(2)} qdisc fq_codel {m.group(3)}"
            lines[i + 1] = re.sub(r" link-netnsid \d+$", "", lines[i + 1])
    return "\n".join(lines)


def _ifconfig_stanzas(text: str) -> dict[str, str]:
    return {block.split(":", 1)[0]: block for block in text.split("\n\n") if block}


def _drop_counter_lines(text: str, devices: set[str]) -> str:
    blocks = text.split("\n\n")
    for i, block in enumerate(blocks):
        if block.split(":", 1)[0] in devices:
            blocks[i] = "\n".join(
                line for line in block.split("\n") if not line.lstrip().startswith(("RX packets", "TX packets"))
            )
    return "\n\n".join(blocks)


def normalise(command: str, node: str, sim: str, real: str, facts: RealFacts) -> tuple[str, str, list[str]]:
    """The two outputs with the legitimate differences taken out, and which rules applied."""
    applied: list[str] = []
    tool = command.split()[0]
    if tool == "ip" and command.split()[-1] in ("addr", "link"):
        for dev in sorted(facts.nic_names.get(node, ())):
            fixed = _stand_in_nic(real, dev)
            if fixed != real:
                real = fixed
                applied.append("stand-in NIC")
    if command == "ip neigh":
        sim, real = "".join(sorted(sim.splitlines(True))), "".join(sorted(real.splitlines(True)))
        applied.append("neighbour order")
    if command == "bridge fdb show" and not facts.vlan_filtering:
        fixed = "".join(line for line in sim.splitlines(True) if " vlan 1 master " not in line)
        if fixed != sim:
            sim = fixed
            applied.append("no bridge VLAN filtering")
    if tool == "iptables" and " -L" in f" {command}" and facts.iptables_numeric_protocols:
        fixed = _names_for_numbers(real)
        if fixed != real:
            real = fixed
            applied.append("iptables 1.8.9")
    if tool == "ifconfig" and facts.long_names_zeroed.get(node):
        sim = _drop_counter_lines(sim, facts.long_names_zeroed[node])
        real = _drop_counter_lines(real, facts.long_names_zeroed[node])
        applied.append("net-tools 15-character names")
    return sim, real, applied


def _proc_net_dev(text: str) -> dict[str, tuple[int, int]]:
    """{device: (rx packets, tx packets)} from /proc/net/dev."""
    out: dict[str, tuple[int, int]] = {}
    for line in text.splitlines()[2:]:
        name, _, rest = line.partition(":")
        cols = rest.split()
        if len(cols) >= 10:
            out[name.strip()] = (int(cols[1]), int(cols[9]))
    return out


def _ifconfig_packets(block: str) -> tuple[int, int] | None:
    rx = re.search(r"RX packets (\d+) ", block)
    tx = re.search(r"TX packets (\d+) ", block)
    return (int(rx.group(1)), int(tx.group(1))) if rx and tx else None


def probe_real(lab: Any, m: Mirror, rn: RealNet) -> RealFacts:
    from simulator.kernel.wire import EthernetNic
    from tests.kernel.mirror import namespaces

    versions = {}
    for command in VERSION_COMMANDS:
        res = m.run("host", command, check=False)
        versions[command] = (res.stdout + res.stderr).strip().splitlines()[0] if (res.stdout + res.stderr).strip() else "?"
    rn.add_namespace("probe")
    vlan = rn.run("probe", "ip link add dsimvlan type bridge vlan_filtering 1", check=False).returncode == 0
    nics = {ns.node: {d.name for d in ns.devices.values() if isinstance(d, EthernetNic)} for ns in namespaces(lab)}
    return RealFacts(versions, vlan, nics)


def find_zeroed_long_names(m: Mirror, node: str, real_ifconfig: str) -> set[str]:
    """Devices with 15-character names whose real ifconfig counters contradict /proc/net/dev."""
    proc = _proc_net_dev(str(m.run(node, "cat /proc/net/dev").stdout))
    zeroed = set()
    for name, block in _ifconfig_stanzas(real_ifconfig).items():
        if len(name) == 15 and name in proc and _ifconfig_packets(block) == (0, 0) and proc[name] != (0, 0):
            zeroed.add(name)
    return zeroed


# ---------------------------------------------------------------------------
# the test
# ---------------------------------------------------------------------------


@dataclass
class Compared:
    node: str
    command: str
    sim: str
    real: str
    applied: list[str]

    @property
    def equal(self) -> bool:
        return self.sim == self.real

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.sim.splitlines(True), self.real.splitlines(True), "simulator", "real tools", n=2
            )
        ).replace(" \n", "\u2423\n")  # trailing spaces visible


def run_differential(engine: str | None, tag: str) -> tuple[list[Compared], RealFacts, str]:
    lab = build_lab(engine)
    garps = dockerd_garps(lab)
    with RealNet(tag) as rn:
        m = mirror(lab, rn, ifindex=True, ipv6=True, quiet=True)
        facts = probe_real(lab, m, rn)
        replay_garps(m, garps)
        for node, command in TRAFFIC:
            sim_run(lab, node, command)
            m.run(node, command)
        lab.sh(f"sleep {SETTLE_S:g}")
        time.sleep(SETTLE_S)
        results: list[Compared] = []
        for node in NODES:
            for command in COMMANDS:
                if node != "host" and command in HOST_ONLY:
                    continue
                real = real_run(m, node, command)
                sim = sim_run(lab, node, command)
                if command == "ifconfig -a":
                    facts.long_names_zeroed[node] = find_zeroed_long_names(m, node, real)
                results.append(Compared(node, command, sim, real, []))
        for r in results:  # after every ifconfig -a was probed
            r.sim, r.real, r.applied = normalise(r.command, r.node, r.sim, r.real, facts)
        script = m.script()
    return results, facts, script


def report(results: list[Compared], facts: RealFacts) -> str:
    lines = [f"real tools: {v}" for v in facts.versions.values()]
    lines.append(f"simulator host flavour: {MODELLED}")
    lines.append(f"bridge VLAN filtering in this kernel: {facts.vlan_filtering}")
    for r in results:
        mark = "ok  " if r.equal else "DIFF"
        rules = f"  (normalised: {', '.join(sorted(set(r.applied)))})" if r.applied else ""
        lines.append(f"{mark} {r.node:5} {r.command}{rules}")
    for r in results:
        if not r.equal:
            lines.append(f"\n===== {r.node}: {r.command}\n{r.diff()}")
    return "\n".join(lines)


@pytest.mark.realkernel
@pytest.mark.parametrize("engine", ["20.10", None], ids=["engine-20.10", "engine-default"])
def test_tool_output_matches_real_tools(engine: str | None) -> None:
    require_real_kernel()
    _require_tools()
    results, facts, script = run_differential(engine, "tools")
    text = report(results, facts)
    print(text)
    bad = [r for r in results if not r.equal]
    assert not bad, (
        f"{len(bad)} of {len(results)} outputs differ (simulator | real tools):\n{text}"
        f"\n\n== how the real topology was built\n{script}"
    )


def test_normalisation_rules_are_narrow() -> None:
    """Each rule rewrites only what it is for; any other difference survives (no kernel needed)."""
    facts = RealFacts({"iptables -V": "iptables v1.8.9 (nf_tables)"}, False, {"host": {"eth0"}})
    sim_ip = (
        "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n"
        "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
        "5: veth1@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP group default \n"
        "    link/ether 46:e9:e4:ea:a9:36 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
    )
    real_ip = sim_ip.replace("eth0: <", "eth0@if7: <").replace("qdisc fq_codel", "qdisc noqueue")
    real_ip = real_ip.replace("ff:ff:ff:ff:ff:ff\n5:", "ff:ff:ff:ff:ff:ff link-netnsid 3\n5:")
    assert normalise("ip link", "host", sim_ip, real_ip, facts)[:2] == (sim_ip, sim_ip)
    sim_o = sim_ip.replace("\n    link/", "\\    link/")
    real_o = real_ip.replace("\n    link/", "\\    link/")
    assert normalise("ip -o link", "host", sim_o, real_o, facts)[:2] == (sim_o, sim_o)
    assert normalise("ip -o link", "host", sim_o, real_o.replace("netnsid 0", "netnsid 1"), facts)[1] != sim_o
    sim_br = "eth0             UP             192.168.1.10/24 \nveth1@if4        UP             \n"
    real_br = sim_br.replace("eth0            ", "eth0@if7        ")
    assert normalise("ip -br addr", "host", sim_br, real_br, facts)[:2] == (sim_br, sim_br)
    assert normalise("ip -br addr", "host", sim_br, real_br.replace("veth1@if4", "veth1@if9"), facts)[1] != sim_br
    wrong_peer = real_ip.replace("veth1@if4", "veth1@if9")
    assert normalise("ip link", "host", sim_ip, wrong_peer, facts)[1] != sim_ip  # only eth0 is a stand-in
    assert normalise("ip link", "c1", sim_ip, real_ip, facts)[1] == real_ip  # and only on its node

    sim_l = "    1    84 DOCKER-USER  all  --  *      *       0.0.0.0/0            0.0.0.0/0           \n"
    sim_l += "    0     0 DNAT       udp  --  !docker0 *       0.0.0.0/0            10.0.0.1             udp dpt:53\n"
    real_l = sim_l.replace("  all  --", "  0    --").replace(" udp  --", " 17   --")
    assert normalise("iptables -L -n -v", "host", sim_l, real_l, facts)[1] == sim_l
    assert normalise("iptables -L -n -v", "host", sim_l, real_l.replace(" 84 ", " 85 "), facts)[1] != sim_l
    newer = RealFacts({"iptables -V": "iptables v1.8.10 (nf_tables)"}, False, {})
    assert normalise("iptables -L -n -v", "host", sim_l, real_l, newer)[1] == real_l

    fdb = "02:42:ac:11:00:02 dev veth1 vlan 1 master docker0 permanent\n02:42:ac:11:00:02 dev veth1 master docker0 permanent\n"
    assert normalise("bridge fdb show", "host", fdb, fdb, facts)[0] == fdb.split("\n", 1)[1]
    with_vlans = RealFacts({}, True, {})
    assert normalise("bridge fdb show", "host", fdb, fdb, with_vlans)[0] == fdb
