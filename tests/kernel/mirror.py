"""Build, in real network namespaces, the topology a simulated :class:`~simulator.Lab` holds.

``mirror(lab, rn)`` reads the simulated kernel state -- namespaces, devices, MACs,
MTUs, bridge ports, addresses, routes, ``ip_forward`` and the iptables rules of
every namespace -- and recreates it with ``ip``, ``sysctl`` and ``iptables``
inside namespaces that the :class:`tests.realnet.RealNet` ``rn`` creates.  Only
harness-owned namespaces are touched (every command goes through ``rn.run``).

Mapping from the model to real objects:

=========================  ==============================================================
simulator                  real kernel
=========================  ==============================================================
a machine or a container   a namespace named after the node (``host``, ``c1``, ...)
``Veth`` pair              ``ip link add A address M type veth peer name B address M2
                           netns <ns of B>`` (both ends keep their names and MACs)
``Bridge``                 ``ip link add NAME address MAC type bridge`` + ports
``EthernetNic`` on a       a veth whose other end (``portN``) is a port of the bridge
``LanSwitch`` port         ``lan`` in a namespace ``lan`` (multicast snooping off: a
                           switch has no IP stack that would send IGMP)
two NICs on one ``Wire``   one veth pair (router ``eth1`` <-> internet ``eth0``)
addresses, routes          ``ip addr add``, ``ip route add`` (connected routes come from
                           the kernel, as in the model)
``ip_forward``             ``net.ipv4.ip_forward``
iptables (raw/filter/nat)  ``iptables -t T -P/-N/-A`` of the model's ``iptables -S``
=========================  ==============================================================

Per-device kernel parameters that the model hard-codes (``neighbour.py``:
base_reachable_time 30 s, delay_first_probe_time 5 s, retrans_time 1 s, 3
unicast/multicast solicits; ``stack.py``: arp_ignore/arp_accept/arp_announce 0,
rp_filter 0, icmp_echo_ignore_broadcasts 1, TTL 64) are written explicitly,
because a new namespace inherits its IPv4 ``conf`` defaults from the machine's
own namespace (``net.core.devconf_inherit_init_net`` = 0).

IPv6 stays disabled (the harness does that): the model has no IPv6 traffic.

After building, :func:`verify` reads everything back (``ip -j``, ``iptables -S``)
and compares it with the model, so a test knows the two start from the same state.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator import Lab
    from simulator.kernel.devices.device import Device
    from simulator.kernel.namespace import NetworkNamespace
    from tests.realnet import RealNet

__all__ = ["Mirror", "MirrorError", "mirror", "verify", "neighbour_tables", "iptables_counters", "zero_counters"]

# Kernel parameters the simulator's model hard-codes (see the module docstring).
NEIGH_PARAMS = {
    "base_reachable_time_ms": 30000,  # neighbour.BASE_REACHABLE_TIME_S
    "delay_first_probe_time": 5,  # neighbour.DELAY_FIRST_PROBE_TIME_S
    "retrans_time_ms": 1000,  # neighbour.RETRANS_TIME_S
    "ucast_solicit": 3,  # neighbour.UCAST_SOLICIT
    "mcast_solicit": 3,  # neighbour.MCAST_SOLICIT
    "app_solicit": 0,
    "mcast_resolicit": 0,
    "unres_qlen": 101,  # neighbour.UNRES_QLEN
}
CONF_PARAMS = {
    "arp_ignore": 0,
    "arp_accept": 0,
    "arp_announce": 0,
    "arp_notify": 0,
    "arp_filter": 0,
    "rp_filter": 0,
    "accept_local": 0,
    "proxy_arp": 0,
}
GLOBAL_PARAMS = {
    "net.ipv4.icmp_echo_ignore_broadcasts": 1,
    "net.ipv4.ip_default_ttl": 64,
    "net.ipv4.conf.all.rp_filter": 0,
    "net.ipv4.conf.default.rp_filter": 0,
}
TABLES = ("raw", "filter", "nat")
# The model's TCP (``tcp.py``: WINDOW_SCALE 7, windows 502/509) is Linux with Ubuntu 24.04's
# tcp_rmem (4096 131072 6291456).  A new namespace copies the machine's own, which may be
# larger (kernel 6.18: 4096 131072 33554432, window scale 10 in every SYN).
TCP_PARAMS = {"net.ipv4.tcp_rmem": "4096 131072 6291456"}
# mirror(ipv6=True): the namespace's IPv6 defaults before any device exists (addresses
# usable at once, nothing sent that the model would not send).
IPV6_PARAMS = {
    "net.ipv6.conf.all.accept_dad": 0,
    "net.ipv6.conf.default.accept_dad": 0,
    "net.ipv6.conf.all.router_solicitations": 0,
    "net.ipv6.conf.default.router_solicitations": 0,
    "net.ipv6.conf.default.disable_ipv6": 0,
    "net.ipv6.conf.all.disable_ipv6": 0,
}
# mirror(quiet=True): drop what the namespace's own stack sends and the model does not
# (IPv6: MLD, neighbour discovery; IPv4: IGMP), before iptables' raw table (-300) counts it.
QUIET_NFT = (
    "nft 'add table ip dsim_quiet; "
    "add chain ip dsim_quiet out { type filter hook output priority -400; }; "
    "add rule ip dsim_quiet out ip protocol igmp drop; "
    "add table ip6 dsim_quiet; "
    "add chain ip6 dsim_quiet out { type filter hook output priority -400; }; "
    "add rule ip6 dsim_quiet out drop'"
)
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")


class MirrorError(RuntimeError):
    """The model holds something this mirror cannot build (yet), or the result differs."""


@dataclass
class Mirror:
    """What :func:`mirror` built: which real namespace stands for which simulated node."""

    rn: RealNet
    ns_of_node: dict[str, str] = field(default_factory=dict)  # sim node -> RealNet short name
    switch_ports: dict[str, tuple[str, str]] = field(default_factory=dict)  # "lan/port1" -> (node, dev) plugged in
    commands: list[tuple[str, str]] = field(default_factory=list)  # (ns, command) in order

    def ns(self, node: str) -> str:
        """RealNet short name of a simulated node (``host``, ``c1``, ``router``, ``lan``)."""
        return self.ns_of_node[node]

    def run(self, node: str, command: str, check: bool = True):
        self.commands.append((node, command))
        return self.rn.run(self.ns(node), command, check=check)

    def capture(self, node: str, dev: str):
        return self.rn.capture(self.ns(node), dev)

    def spawn(self, node: str, command: str):
        return self.rn.spawn(self.ns(node), command)

    def script(self) -> str:
        """The commands that built the topology, as a shell transcript (for failure reports)."""
        return "\n".join(f"[{node}] {cmd}" for node, cmd in self.commands)


# ---------------------------------------------------------------------------
# reading the model
# ---------------------------------------------------------------------------


def namespaces(lab: Lab) -> list[NetworkNamespace]:
    """Every distinct simulated namespace: machines first, then running containers."""
    seen: list[NetworkNamespace] = []
    for machine in lab.machines.values():
        if all(machine.netns is not s for s in seen):
            seen.append(machine.netns)
    for engine in lab.engines.values():
        for container in engine.containers.values():
            ns = container.netns
            if container.running and ns is not None and all(ns is not s for s in seen):
                seen.append(ns)
    return seen


def _short_name(node: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]", "", node)[:12] or "n"
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base[:10]}{n}"
    return name


def _check_name(dev: str) -> str:
    if not _NAME_RE.match(dev):
        raise MirrorError(f"device name {dev!r} cannot be used with ip(8)")
    return dev


def _mac(device: Device) -> str:
    return str(device.mac)


# ---------------------------------------------------------------------------
# building
# ---------------------------------------------------------------------------


def mirror(
    lab: Lab,
    rn: RealNet,
    check: bool = True,
    *,
    ifindex: bool = False,
    ipv6: bool = False,
    quiet: bool = False,
) -> Mirror:
    """Recreate ``lab``'s current network state in ``rn``'s namespaces.

    With ``check`` (default) the result is read back and compared with the model
    (:func:`verify`); a difference raises :class:`MirrorError`.

    Options for comparing what the tools *print* (all off by default):

    ``ifindex``
        every device gets the model's ifindex and ``txqueuelen`` (``ip link add ...
        index N txqueuelen Q``), and NIC-to-switch cables are made after every veth, so
        that the namespaces a node's veths lead to get their ``link-netnsid`` in the
        order the model numbers them (the switch namespace comes last).
    ``ipv6``
        IPv6 on exactly the devices where the model has it (``Device.ipv6``), without
        duplicate address detection and router solicitations, so the kernel derives the
        same EUI-64 ``fe80::`` addresses and joins the same multicast groups at once.
    ``quiet``
        an nftables table ``dsim_quiet`` (invisible to ``iptables``) drops, at the
        output hook before ``raw``, every IPv6 packet and every IGMP packet the
        namespaces' own stacks send (MLD, bridge multicast-router discovery): the model
        has no IPv6 or IGMP traffic, and this keeps the real packet counters equal.
    """
    from simulator.kernel.devices.bridge import Bridge
    from simulator.kernel.devices.loopback import Loopback
    from simulator.kernel.devices.veth import Veth
    from simulator.kernel.wire import EthernetNic, SwitchPort

    m = Mirror(rn)
    all_ns = namespaces(lab)
    taken: set[str] = set()
    for ns in all_ns:
        short = _short_name(ns.node, taken)
        taken.add(short)
        rn.add_namespace(short)
        m.ns_of_node[ns.node] = short
    switch = lab.topology.switch
    if switch is not None:
        short = _short_name(switch.name, taken)
        taken.add(short)
        rn.add_namespace(short)
        m.ns_of_node[switch.name] = short
        bridge = _check_name(switch.name)
        m.run(switch.name, f"ip link add {bridge} type bridge")
        # A store-and-forward switch, not a host: no IGMP from its own stack.
        m.run(switch.name, f"ip link set dev {bridge} type bridge mcast_snooping 0")
    for ns in all_ns:
        if quiet:
            m.run(ns.node, QUIET_NFT)
        if ipv6:
            m.run(ns.node, "sysctl -q -w " + " ".join(f"{k}={v}" for k, v in IPV6_PARAMS.items()))

    ns_of_device: dict[int, NetworkNamespace] = {}
    for ns in all_ns:
        for dev in ns.devices.values():
            ns_of_device[id(dev)] = ns

    # 1. bridges (before their ports)
    for ns in all_ns:
        for dev in sorted(ns.devices.values(), key=lambda d: d.ifindex):
            if isinstance(dev, Bridge):
                name = _check_name(dev.name)
                m.run(ns.node, f"ip link add {name}{_link_opts(dev, ifindex)} address {_mac(dev)} mtu {dev.mtu} type bridge")
                # Docker's bridges and the model: no STP, ageing 300 s.
                m.run(ns.node, f"ip link set dev {name} type bridge stp_state 0 ageing_time {int(dev.aging_time_s * 100)}")

    # 2. links: veth pairs, NICs on wires (to the switch, or to another NIC)
    made: set[int] = set()
    to_switch: list[tuple[str, Device, SwitchPort]] = []  # made last with ``ifindex``
    for ns in all_ns:
        for dev in sorted(ns.devices.values(), key=lambda d: d.ifindex):
            if id(dev) in made or isinstance(dev, Loopback | Bridge):
                continue
            if isinstance(dev, Veth):
                peer = dev.peer
                peer_ns = ns_of_device.get(id(peer))
                if peer_ns is None:
                    raise MirrorError(f"{ns.node}/{dev.name}: veth peer {peer.name} is in no known namespace")
                _veth(
                    m, ns.node, dev.name, _mac(dev), dev.mtu, peer_ns.node, peer.name, _mac(peer), peer.mtu,
                    _link_opts(dev, ifindex), _link_opts(peer, ifindex),
                )
                made.update((id(dev), id(peer)))
            elif isinstance(dev, EthernetNic):
                wire = dev.wire
                if wire is None:
                    raise MirrorError(f"{ns.node}/{dev.name}: a NIC without a cable is not mirrored")
                other = wire.b if wire.a is dev else wire.a
                if isinstance(other, SwitchPort):
                    to_switch.append((ns.node, dev, other))
                    made.add(id(dev))
                    if not ifindex:
                        _switch_cable(m, *to_switch.pop(), switch, ifindex)
                elif isinstance(other, EthernetNic):
                    other_ns = ns_of_device.get(id(other))
                    if other_ns is None:
                        raise MirrorError(f"{ns.node}/{dev.name}: cable to a NIC in no known namespace")
                    _veth(
                        m, ns.node, dev.name, _mac(dev), dev.mtu, other_ns.node, other.name, _mac(other), other.mtu,
                        _link_opts(dev, ifindex), _link_opts(other, ifindex),
                    )
                    made.update((id(dev), id(other)))
                else:
                    raise MirrorError(f"{ns.node}/{dev.name}: cable to {type(other).__name__} not mirrored")
            else:
                raise MirrorError(
                    f"{ns.node}/{dev.name}: device kind {type(dev).__name__} ({dev.kind}) is not mirrored yet"
                )
    for node, dev, port in to_switch:
        _switch_cable(m, node, dev, port, switch, ifindex)
    if switch is not None:
        m.run(switch.name, f"ip link set dev {switch.name} up")

    # 3. bridge ports
    for ns in all_ns:
        for dev in sorted(ns.devices.values(), key=lambda d: d.ifindex):
            if dev.master is not None:
                m.run(ns.node, f"ip link set dev {dev.name} master {dev.master.name}")

    # 4. kernel parameters, addresses, links up, routes, netfilter
    for ns in all_ns:
        _sysctls(m, ns, ipv6=ipv6)
        for addr in ns.ipv4.addresses:
            if addr.dev == "lo" and str(addr.ip) == "127.0.0.1" and addr.prefixlen == 8:
                continue  # every namespace has it
            brd = f" broadcast {addr.broadcast}" if addr.broadcast is not None else ""
            scope = f" scope {addr.scope}" if addr.scope not in ("global", "host") else ""
            m.run(ns.node, f"ip addr add {addr.ip}/{addr.prefixlen}{brd}{scope} dev {addr.dev}")
        # bridges first, then the rest, in ifindex order
        up = [d for d in ns.devices.values() if d.up and not isinstance(d, Loopback)]
        up.sort(key=lambda d: (not isinstance(d, Bridge), d.ifindex))
        for dev in up:
            m.run(ns.node, f"ip link set dev {dev.name} up")
        for route in ns.ipv4.routes.routes:
            if route.proto == "kernel":
                continue  # the kernel adds connected routes itself
            m.run(ns.node, "ip route add " + _route_args(route))
        _iptables(m, ns)

    if check:
        problems = verify(lab, m)
        if problems:
            raise MirrorError("the real topology differs from the model:\n  " + "\n  ".join(problems))
    return m


def _veth(
    m: Mirror, node_a: str, name_a: str, mac_a: str | None, mtu_a: int, node_b: str, name_b: str, mac_b: str | None, mtu_b: int,
    opts_a: str = "", opts_b: str = "",
) -> None:
    _check_name(name_a)
    _check_name(name_b)
    addr_a = f" address {mac_a}" if mac_a else ""
    addr_b = f" address {mac_b}" if mac_b else ""
    m.run(
        node_a,
        f"ip link add {name_a}{opts_a}{addr_a} mtu {mtu_a} type veth peer name {name_b}{opts_b}{addr_b} mtu {mtu_b} "
        f"netns {{ns:{m.ns(node_b)}}}",
    )


def _link_opts(dev: Device, ifindex: bool) -> str:
    """``ip link add`` options that give a device the model's ifindex and queue length."""
    return f" index {dev.ifindex} txqueuelen {dev.tx_queue_len}" if ifindex else ""


def _switch_cable(m: Mirror, node: str, dev: Device, port: Any, switch: Any, ifindex: bool) -> None:
    """A NIC plugged into the LAN switch: a veth whose other end is a port of the switch bridge."""
    assert switch is not None
    _veth(m, node, dev.name, _mac(dev), dev.mtu, switch.name, port.name, None, dev.mtu, _link_opts(dev, ifindex))
    name = _check_name(port.name)
    m.run(switch.name, f"ip link set dev {name} master {switch.name}")
    m.run(switch.name, f"ip link set dev {name} up")
    m.switch_ports[f"{switch.name}/{port.name}"] = (node, dev.name)


def _sysctls(m: Mirror, ns: NetworkNamespace, ipv6: bool = False) -> None:
    from simulator.kernel.devices.loopback import Loopback

    values = dict(GLOBAL_PARAMS)
    if ipv6:
        for dev in ns.devices.values():
            values[f"net.ipv6.conf.{dev.name}.disable_ipv6"] = 0 if dev.ipv6 else 1
    values["net.ipv4.ip_forward"] = 1 if ns.ipv4.ip_forward else 0
    # br_netfilter is built into (or loaded in) this kernel: a new namespace starts with
    # bridge-nf-call-iptables = 1; the model says whether bridged IPv4 walks iptables.
    values["net.bridge.bridge-nf-call-iptables"] = 1 if _br_nf(ns) else 0
    for key, value in CONF_PARAMS.items():
        values[f"net.ipv4.conf.all.{key}"] = value
        values[f"net.ipv4.conf.default.{key}"] = value
    for dev in ns.devices.values():
        if isinstance(dev, Loopback):
            continue
        for key, value in CONF_PARAMS.items():
            values[f"net.ipv4.conf.{dev.name}.{key}"] = value
        for key, value in NEIGH_PARAMS.items():
            values[f"net.ipv4.neigh.{dev.name}.{key}"] = value
    args = " ".join(f"{k}={v}" for k, v in values.items())
    m.run(ns.node, f"sysctl -q -w {args}")
    m.run(ns.node, "sysctl -q -w " + " ".join(f"'{k}={v}'" for k, v in TCP_PARAMS.items()))


def _br_nf(ns: NetworkNamespace) -> bool:
    return bool(getattr(ns.ipv4, "bridge_nf_call_iptables", False))


def _route_args(route: Any) -> str:
    parts = ["default" if route.is_default else str(route.network)]
    if route.gateway is not None:
        parts += ["via", str(route.gateway)]
    parts += ["dev", route.dev]
    if route.proto is not None:
        parts += ["proto", route.proto]
    if route.scope is not None:
        parts += ["scope", route.scope]
    if route.src is not None:
        parts += ["src", str(route.src)]
    if route.metric is not None:
        parts += ["metric", str(route.metric)]
    return " ".join(parts)


def iptables_lines(ns: NetworkNamespace, table: str) -> list[str]:
    """The model's ``iptables -t TABLE -S`` lines."""
    from simulator.programs.tools import render_iptables_s

    return render_iptables_s(ns.ipv4.netfilter, table).splitlines()


def _is_default_table(lines: list[str]) -> bool:
    return all(re.fullmatch(r"-P \S+ ACCEPT", line) for line in lines)


def _iptables(m: Mirror, ns: NetworkNamespace) -> None:
    for table in TABLES:
        lines = iptables_lines(ns, table)
        if _is_default_table(lines):
            continue
        # chains first (rules may jump to a chain defined later), then policies and rules
        for line in lines:
            if line.startswith("-N "):
                m.run(ns.node, f"iptables -w -t {table} {line}")
        for line in lines:
            if line.startswith("-P "):
                m.run(ns.node, f"iptables -w -t {table} {line}")
        for line in lines:
            if line.startswith("-A "):
                m.run(ns.node, f"iptables -w -t {table} {line}")


# ---------------------------------------------------------------------------
# reading the real state back
# ---------------------------------------------------------------------------


def _json(m: Mirror, node: str, command: str) -> Any:
    out = m.rn.run(m.ns(node), command).stdout
    return json.loads(out) if out.strip() else []


def _real_route_text(r: dict) -> str:
    parts = [r["dst"]]
    if "gateway" in r:
        parts += ["via", r["gateway"]]
    parts += ["dev", r["dev"]]
    if r.get("protocol") not in (None, "boot"):
        parts += ["proto", r["protocol"]]
    if r.get("scope") not in (None, "global"):
        parts += ["scope", r["scope"]]
    if "prefsrc" in r:
        parts += ["src", r["prefsrc"]]
    if "metric" in r:
        parts += ["metric", str(r["metric"])]
    return " ".join(parts)


def _chains(lines: list[str]) -> tuple[set[str], dict[str, list[str]]]:
    heads = {line for line in lines if line.startswith(("-P ", "-N "))}
    rules: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("-A "):
            rules.setdefault(line.split()[1], []).append(line)
    return heads, rules


def verify(lab: Lab, m: Mirror) -> list[str]:
    """Differences between the model and the real namespaces (empty: the same)."""
    from simulator.kernel.devices.loopback import Loopback

    problems: list[str] = []
    for ns in namespaces(lab):
        node = ns.node
        links = {link["ifname"]: link for link in _json(m, node, "ip -j link show")}
        for dev in ns.devices.values():
            real = links.get(dev.name)
            if real is None:
                problems.append(f"{node}: no device {dev.name}")
                continue
            if isinstance(dev, Loopback):
                continue
            if real.get("address", "").lower() != str(dev.mac):
                problems.append(f"{node}/{dev.name}: MAC {real.get('address')} != model {dev.mac}")
            if real.get("mtu") != dev.mtu:
                problems.append(f"{node}/{dev.name}: MTU {real.get('mtu')} != model {dev.mtu}")
            want_master = dev.master.name if dev.master is not None else None
            if real.get("master") != want_master:
                problems.append(f"{node}/{dev.name}: master {real.get('master')} != model {want_master}")
            if ("UP" in real.get("flags", [])) != dev.up:
                problems.append(f"{node}/{dev.name}: admin state {real.get('flags')} != model up={dev.up}")
        extra = set(links) - set(ns.devices)
        if extra:
            problems.append(f"{node}: extra devices {sorted(extra)}")

        real_addrs = set()
        for link in _json(m, node, "ip -j -4 addr show"):
            for a in link.get("addr_info", []):
                real_addrs.add((link["ifname"], a["local"], a["prefixlen"], a.get("broadcast")))
        model_addrs = {
            (a.dev, str(a.ip), a.prefixlen, str(a.broadcast) if a.broadcast is not None else None)
            for a in ns.ipv4.addresses
        }
        if real_addrs != model_addrs:
            problems.append(f"{node}: addresses real-only {sorted(real_addrs - model_addrs)} model-only {sorted(model_addrs - real_addrs)}")

        real_routes = {_real_route_text(r) for r in _json(m, node, "ip -j -4 route show")}
        model_routes = {r.text() for r in ns.ipv4.routes.routes}
        if real_routes != model_routes:
            problems.append(f"{node}: routes real-only {sorted(real_routes - model_routes)} model-only {sorted(model_routes - real_routes)}")

        fwd, brnf = m.rn.run(m.ns(node), "sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables").stdout.split()
        if fwd != ("1" if ns.ipv4.ip_forward else "0"):
            problems.append(f"{node}: ip_forward {fwd} != model {ns.ipv4.ip_forward}")
        if brnf != ("1" if _br_nf(ns) else "0"):
            problems.append(f"{node}: bridge-nf-call-iptables {brnf} != model {_br_nf(ns)}")

        for table in TABLES:
            model = iptables_lines(ns, table)
            real = m.rn.run(m.ns(node), f"iptables -w -t {table} -S").stdout.splitlines()
            if _chains(model) != _chains(real):
                problems.append(f"{node}: iptables -t {table} -S differs:\n    model: {model}\n    real:  {real}")
    return problems


def neighbour_tables(lab: Lab, m: Mirror | None = None) -> dict[str, dict[tuple[str, str], tuple[str, str | None]]]:
    """``ip -4 neigh`` per node: {(dev, ip): (state, mac)}; from the model, or real when ``m`` is given."""
    out: dict[str, dict[tuple[str, str], tuple[str, str | None]]] = {}
    for ns in namespaces(lab):
        table: dict[tuple[str, str], tuple[str, str | None]] = {}
        if m is None:
            for (dev, ip), entry in ns.ipv4.neighbours.entries.items():
                table[(dev, str(ip))] = (entry.state.value, str(entry.mac).lower() if entry.mac else None)
        else:
            for n in _json(m, ns.node, "ip -j -4 neigh show"):
                state = (n.get("state") or ["NONE"])[0]
                table[(n["dev"], n["dst"])] = (state, n.get("lladdr", "").lower() or None)
        out[ns.node] = table
    return out


# ---------------------------------------------------------------------------
# iptables counters
# ---------------------------------------------------------------------------

Counters = dict[str, dict[str, Any]]  # table -> {"policy": {chain: (pkts, bytes)}, "rules": [(chain, rule, pkts, bytes)]}
_SAVE_POLICY = re.compile(r"^:(\S+) (\S+) \[(\d+):(\d+)\]$")
_SAVE_RULE = re.compile(r"^\[(\d+):(\d+)\] (-A (\S+) .*)$")


def counted_tables(ns: NetworkNamespace) -> list[str]:
    """The tables :func:`mirror` instantiated in ``ns`` (the model has more than default policies).

    Only those are compared: with iptables-nft a table nobody touched does not exist
    and counts nothing, while the model (like iptables-legacy) always has it.
    """
    return [t for t in TABLES if not _is_default_table(iptables_lines(ns, t))]


def iptables_counters(lab: Lab, m: Mirror | None = None) -> dict[str, Counters]:
    """Packet/byte counters of every rule and built-in policy, per node and table.

    From the model, or (``m`` given) from ``iptables-save -c`` in the real namespaces.
    """
    out: dict[str, Counters] = {}
    for ns in namespaces(lab):
        tables: Counters = {}
        for table in counted_tables(ns):
            policy: dict[str, tuple[int, int]] = {}
            rules: list[tuple[str, str, int, int]] = []
            if m is None:
                for name, chain in ns.ipv4.netfilter.tables[table].items():
                    if chain.policy:
                        policy[name] = (chain.packets, chain.bytes)
                    rules += [(name, c.rule.text(), c.packets, c.bytes) for c in chain.rules]
            else:
                text = m.rn.run(m.ns(ns.node), f"iptables-save -c -t {table}").stdout
                for line in text.splitlines():
                    pm = _SAVE_POLICY.match(line)
                    if pm and pm.group(2) != "-":
                        policy[pm.group(1)] = (int(pm.group(3)), int(pm.group(4)))
                    rm = _SAVE_RULE.match(line)
                    if rm:
                        rules.append((rm.group(4), rm.group(3), int(rm.group(1)), int(rm.group(2))))
            tables[table] = {"policy": policy, "rules": sorted(rules, key=lambda r: r[0])}
        if tables:
            out[ns.node] = tables
    return out


def zero_counters(lab: Lab, m: Mirror) -> None:
    """``iptables -Z`` in every counted table of the real namespaces."""
    for ns in namespaces(lab):
        for table in counted_tables(ns):
            m.rn.run(m.ns(ns.node), f"iptables -w -t {table} -Z")


# ---------------------------------------------------------------------------
# interface counters and conntrack
# ---------------------------------------------------------------------------

LinkCounters = dict[str, dict[str, tuple[int, int, int, int]]]  # node -> dev -> (rx pkts, rx bytes, tx pkts, tx bytes)


def link_counters(lab: Lab, m: Mirror | None = None) -> LinkCounters:
    """``ip -s link`` counters of every veth/NIC (not bridges: a capture on a bridge
    makes it promiscuous, and then it counts everything it is passed up)."""
    from simulator.kernel.devices.bridge import Bridge
    from simulator.kernel.devices.loopback import Loopback

    out: LinkCounters = {}
    for ns in namespaces(lab):
        devs = [d for d in ns.devices.values() if not isinstance(d, Loopback | Bridge)]
        if m is None:
            out[ns.node] = {d.name: (d.rx_packets, d.rx_bytes, d.tx_packets, d.tx_bytes) for d in devs}
            continue
        real = {link["ifname"]: link.get("stats64", {}) for link in _json(m, ns.node, "ip -s -j link show")}
        out[ns.node] = {}
        for d in devs:
            st = real.get(d.name, {})
            rx, tx = st.get("rx", {}), st.get("tx", {})
            out[ns.node][d.name] = (rx.get("packets", -1), rx.get("bytes", -1), tx.get("packets", -1), tx.get("bytes", -1))
    return out


def counters_delta(after: LinkCounters, before: LinkCounters) -> LinkCounters:
    return {
        node: {dev: tuple(a - b for a, b in zip(v, before.get(node, {}).get(dev, (0, 0, 0, 0)), strict=True)) for dev, v in devs.items()}  # type: ignore[misc]
        for node, devs in after.items()
    }


ConntrackView = dict[str, list[tuple[str, str, str, str, str]]]  # node -> sorted [(proto, orig src, orig dst, reply src, reply dst)]
_CT_LINE = re.compile(r"^\S+\s+\d+\s+(\S+)\s+\d+\s+\d+\s+(.*)$")


def conntrack(lab: Lab, m: Mirror | None = None) -> ConntrackView:
    """Connections tracked per node (addresses only: ICMP ids and ports vary between runs)."""
    out: ConntrackView = {}
    for ns in namespaces(lab):
        rows: list[tuple[str, str, str, str, str]] = []
        if m is None:
            seen: set[int] = set()
            for entry, _is_reply in ns.ipv4.conntrack.by_tuple.values():
                if id(entry) in seen:
                    continue
                seen.add(id(entry))
                o, r = entry.original, entry.reply
                rows.append((o[0], str(o[1]), str(o[3]), str(r[1]), str(r[3])))
        else:
            res = m.rn.run(m.ns(ns.node), "cat /proc/net/nf_conntrack", check=False)
            for line in res.stdout.splitlines():
                lm = _CT_LINE.match(line)
                if not lm:
                    continue
                addrs = re.findall(r"\b(src|dst)=(\S+)", lm.group(2))
                if len(addrs) >= 4:
                    rows.append((lm.group(1), addrs[0][1], addrs[1][1], addrs[2][1], addrs[3][1]))
        if rows:
            out[ns.node] = sorted(rows)
    return out
