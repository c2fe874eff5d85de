"""Build, in real namespaces, a Lab's LAN and what is stacked on it (macvlan, VXLAN overlays).

The general mirror (``tests/kernel/mirror.py``) recreates veths, bridges and NICs; this
module adds what issue 5 brought, read from the same model:

* the LAN: namespace ``lan`` with a bridge ``lan`` (no multicast snooping: a switch has
  no IP stack) and, for each chosen machine, a veth whose end ``eth0`` carries the
  machine's MAC and address, as the simulated NIC does;
* macvlan children: created in the host namespace on ``eth0`` with the model's MAC and
  mode, moved into the container's namespace, renamed ``eth0``, addressed and routed as
  the model has them (``ip link add ... type macvlan mode bridge`` + ``ip link set ...
  netns``), which is what Docker's macvlan driver does;
* overlay sandboxes: per host a namespace with ``br0`` (the gateway address) and
  ``vxlan0`` (created in the host namespace with the attributes Docker's ``createVxlan``
  sends, ``learning proxy l2miss l3miss``, MTU 1450, and the kernel's defaults for the
  rest, UDP checksums included; moved in and enslaved), the containers' veths, and the peer
  entries the simulated control plane programmed (``ip neigh ... nud permanent`` and
  ``bridge fdb add ... dst VTEP self permanent``), copied from the model.

Every command goes through :class:`tests.realnet.RealNet`, inside namespaces it
created. Kernel parameters the model hard-codes are written explicitly (the values of
``tests/kernel/mirror.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.kernel.mirror import CONF_PARAMS, GLOBAL_PARAMS, NEIGH_PARAMS

if TYPE_CHECKING:
    from simulator import Lab
    from simulator.kernel.namespace import NetworkNamespace
    from tests.realnet import RealNet

# ``ethtool -K DEV tx off`` without ethtool: locally made UDP/TCP then leaves with a full checksum.
TX_CSUM_OFF = """
import array, fcntl, socket, struct, sys
ETHTOOL_STXCSUM, SIOCETHTOOL = 0x17, 0x8946
value = array.array("I", [ETHTOOL_STXCSUM, 0])
ifreq = struct.pack("16sP16x", sys.argv[1].encode(), value.buffer_info()[0])
fcntl.ioctl(socket.socket(socket.AF_INET, socket.SOCK_DGRAM), SIOCETHTOOL, ifreq)
"""


@dataclass
class LanMirror:
    """Simulated node name -> RealNet namespace, and the commands that built them."""

    rn: RealNet
    ns_of_node: dict[str, str] = field(default_factory=dict)
    commands: list[tuple[str, str]] = field(default_factory=list)

    def ns(self, node: str) -> str:
        return self.ns_of_node[node]

    def run(self, node: str, command: str, check: bool = True) -> Any:
        self.commands.append((node, command))
        return self.rn.run(self.ns(node), command, check=check)

    def capture(self, node: str, dev: str) -> Any:
        return self.rn.capture(self.ns(node), dev)

    def script(self) -> str:
        return "\n".join(f"[{node}] {cmd}" for node, cmd in self.commands)

    def add(self, node: str) -> None:
        short = re.sub(r"[^A-Za-z0-9_.-]", "", node.replace(":", "-"))[-12:] or "n"
        base, n = short, 1
        while short in self.ns_of_node.values():
            n += 1
            short = f"{base[:10]}{n}"
        self.rn.add_namespace(short)
        self.ns_of_node[node] = short

    def tx_checksum_off(self, node: str, dev: str) -> None:
        self.run(node, f"python3 -c {_quote(TX_CSUM_OFF)} {dev}")


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _sysctls(m: LanMirror, node: str, devices: list[str], forward: bool) -> None:
    values: dict[str, Any] = dict(GLOBAL_PARAMS)
    values["net.ipv4.ip_forward"] = 1 if forward else 0
    for key, value in CONF_PARAMS.items():
        values[f"net.ipv4.conf.all.{key}"] = value
        values[f"net.ipv4.conf.default.{key}"] = value
    for dev in devices:
        for key, value in CONF_PARAMS.items():
            values[f"net.ipv4.conf.{dev}.{key}"] = value
        for key, value in NEIGH_PARAMS.items():
            values[f"net.ipv4.neigh.{dev}.{key}"] = value
    m.run(node, "sysctl -q -w " + " ".join(f"{k}={v}" for k, v in values.items()))


def _addresses_and_routes(m: LanMirror, node: str, ns: NetworkNamespace, dev: str) -> None:
    for a in ns.ipv4.addresses:
        if a.dev != dev:
            continue
        brd = f" broadcast {a.broadcast}" if a.broadcast is not None else ""
        m.run(node, f"ip addr add {a.ip}/{a.prefixlen}{brd} dev {dev}")


def _routes(m: LanMirror, node: str, ns: NetworkNamespace, devices: set[str] | None = None) -> None:
    for r in ns.ipv4.routes.routes:
        if r.proto == "kernel" or (devices is not None and r.dev not in devices):
            continue
        parts = ["default" if r.is_default else str(r.network)]
        if r.gateway is not None:
            parts += ["via", str(r.gateway)]
        parts += ["dev", r.dev]
        if r.proto is not None:
            parts += ["proto", r.proto]
        if r.scope is not None:
            parts += ["scope", r.scope]
        m.run(node, "ip route add " + " ".join(parts))


def build_lan(lab: Lab, rn: RealNet, machines: list[str]) -> LanMirror:
    """The LAN switch and ``machines`` (their eth0, addresses, routes, sysctls)."""
    m = LanMirror(rn)
    m.add("lan")
    m.run("lan", "ip link add lan type bridge")
    m.run("lan", "ip link set dev lan type bridge mcast_snooping 0 stp_state 0")
    switch = lab.topology.switch
    assert switch is not None
    for port in switch.ports.values():
        wire = port.wire
        if wire is None:
            continue
        nic = wire.a if wire.b is port else wire.b
        if nic.node not in machines:
            continue
        m.add(nic.node)
        m.run(nic.node, f"ip link add eth0 address {nic.mac} type veth peer name {port.name} netns {{ns:{m.ns('lan')}}}")
        m.run("lan", f"ip link set dev {port.name} master lan")
        m.run("lan", f"ip link set dev {port.name} up")
    m.run("lan", "ip link set dev lan up")
    for name in machines:
        ns = lab.machines[name].netns
        _sysctls(m, name, ["eth0"], ns.ipv4.ip_forward)
        _addresses_and_routes(m, name, ns, "eth0")
        m.run(name, "ip link set dev eth0 up")
        _routes(m, name, ns, {"eth0"})  # devices a test adds (a shim) are typed by the test
    return m


def add_macvlan_children(lab: Lab, m: LanMirror, containers: list[str]) -> None:
    """Each container's macvlan ``eth0``, made on its host's ``eth0`` like Docker makes it."""
    from simulator.kernel.devices.macvlan import Macvlan

    for host, engine in lab.engines.items():
        for c in engine.containers.values():
            if c.name not in containers or c.netns is None:
                continue
            m.add(c.name)
            for dev in sorted(c.netns.devices.values(), key=lambda d: d.ifindex):
                if not isinstance(dev, Macvlan):
                    continue
                temp = f"mv{len(m.commands)}"
                m.run(host, f"ip link add {temp} link {dev.lower.name} address {dev.mac} type macvlan mode {dev.mode.value}")
                m.run(host, f"ip link set dev {temp} netns {{ns:{m.ns(c.name)}}}")
                m.run(c.name, f"ip link set dev {temp} name {dev.name}")
                _sysctls(m, c.name, [dev.name], False)
                _addresses_and_routes(m, c.name, c.netns, dev.name)
                m.run(c.name, f"ip link set dev {dev.name} up")
            _routes(m, c.name, c.netns)


def add_overlay(lab: Lab, m: LanMirror, containers: list[str]) -> None:
    """Every host's overlay sandbox (br0, vxlan0, peers) and the containers' overlay eth0."""
    from simulator.kernel.devices.vxlan import Vxlan

    for host, engine in lab.engines.items():
        driver: Any = engine.drivers["overlay"]
        for box in driver.sandboxes.values():
            node = box.ns.node
            m.add(node)
            vx: Vxlan = box.vxlan
            m.run(node, f"ip link add br0 address {box.bridge.mac} mtu {box.bridge.mtu} type bridge")
            m.run(node, "ip link set dev br0 type bridge stp_state 0 mcast_snooping 0")
            # Only the attributes Docker's createVxlan sends (vishvananda/netlink omits UDP_CSUM when
            # false): the checksum setting is the kernel's default, whatever the model chose.
            flags = " ".join(f for f, on in (("learning", vx.learning), ("proxy", vx.proxy), ("l2miss", vx.l2miss), ("l3miss", vx.l3miss)) if on)
            m.run(host, f"ip link add vxtmp address {vx.mac} mtu {vx.mtu} type vxlan id {vx.vni} dstport {vx.dstport} {flags}")
            m.run(host, f"ip link set dev vxtmp netns {{ns:{m.ns(node)}}}")
            m.run(node, "ip link set dev vxtmp name vxlan0")
            m.run(node, "ip link set dev vxlan0 master br0")
            devices = ["br0", "vxlan0"]
            for c in engine.containers.values():
                if c.name not in containers or c.netns is None:
                    continue
                ep = next(e for e in c.endpoints.values() if e.network.driver == "overlay")
                in_box = box.veths[ep.id]
                peer = box.ns.devices[in_box]
                ctr = c.netns.devices[ep.ifname]
                m.add(c.name)
                m.run(node, f"ip link add {in_box} address {peer.mac} mtu {peer.mtu} type veth "
                            f"peer name ctrtmp address {ctr.mac} mtu {ctr.mtu} netns {{ns:{m.ns(c.name)}}}")
                m.run(node, f"ip link set dev {in_box} master br0")
                devices.append(in_box)
                m.run(c.name, f"ip link set dev ctrtmp name {ep.ifname}")
                _sysctls(m, c.name, [ep.ifname], False)
                _addresses_and_routes(m, c.name, c.netns, ep.ifname)
                m.run(c.name, f"ip link set dev {ep.ifname} up")
            _sysctls(m, node, devices, box.ns.ipv4.ip_forward)
            _addresses_and_routes(m, node, box.ns, "br0")
            for dev in devices:
                m.run(node, f"ip link set dev {dev} up")
            for (dev, ip), entry in box.ns.ipv4.neighbours.entries.items():
                if entry.state.value == "PERMANENT" and entry.mac is not None:
                    m.run(node, f"ip neigh add {ip} lladdr {entry.mac} dev {dev} nud permanent")
            for mac, fdb in vx.fdb.items():
                for remote in fdb.remotes:
                    state = " permanent" if fdb.permanent else ""
                    m.run(node, f"bridge fdb add {mac} dev vxlan0 dst {remote} self{state}")
