"""The macvlan driver: containers as machines of their own on the physical LAN.

``docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28
--gateway=192.168.1.1 -o parent=eth0 [-o macvlan_mode=bridge] NAME`` (libnetwork
``drivers/macvlan``). No bridge, no NAT: every container gets a macvlan child of
the parent with a MAC of its own and an address from the *LAN's* range (the
network equipment's, not 172.17.x.x), so the router and the other machines on the
LAN reach it directly.

Network create (``CreateNetwork``): the mode is checked (``bridge`` by default, also
``vepa``, ``private``, ``passthru``), ``lo`` is refused, the parent is made to exist
(``parent.py``: a ``dm-`` dummy when none is given, an ``eth0.10`` sub-interface
when asked), and, up to 26.1, a second network on the same parent is refused.
IPAM: up to 28 a gateway is allocated even without ``--gateway`` (the first
address); from 29 only ``--gateway`` gives one (and with it the default route).

Endpoint join (``Join`` + ``createMacVlan``): a macvlan child of the parent is made
in the host namespace with a random ``veth`` name, moved into the container,
renamed ``eth0``, given the endpoint's MAC (``02:42`` + IP up to 27, random from
28) and address; from 28 it announces itself with a gratuitous ARP. The gateway,
if any, becomes the default route.

What Linux then does with the frames is the kernel's business
(``kernel/devices/macvlan.py``): in particular the host cannot reach its own
macvlan containers through the parent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine.drivers import NetworkDriver
from simulator.engine.drivers import parent as parents
from simulator.engine.drivers.parent import ParentConfig
from simulator.errors import DockerError
from simulator.kernel import links
from simulator.kernel.devices.macvlan import MacvlanMode
from simulator.kernel.devices.upper import LinkError
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame, EtherType

if TYPE_CHECKING:

    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Endpoint, Network
    from simulator.engine.requests import NetworkRequestSpec

MODES = ("bridge", "vepa", "private", "passthru")


class MacvlanDriver(NetworkDriver):
    """libnetwork's ``macvlan`` driver."""

    name = "macvlan"
    provides_gateway = True

    def __init__(self, engine: DockerEngine) -> None:
        super().__init__(engine)
        self.configs: dict[str, ParentConfig] = {}  # by network id

    # -- hooks the engine asks ------------------------------------------------------------

    def skip_gateway(self, spec: NetworkRequestSpec) -> bool:
        """No gateway address for internal networks, nor (from 29) without ``--gateway``."""
        return spec.internal or (spec.gateway is None and not self.engine.profile.macvlan_implicit_gateway)

    # -- network -------------------------------------------------------------------------

    def create(self, net: Network) -> None:
        """Check the mode and ``-o parent``; make the parent if it does not exist (a dummy, or a VLAN sub-interface)."""
        engine = self.engine
        opts = net.options
        mode = opts.get("macvlan_mode", "") or "bridge"
        if mode not in MODES:
            raise DockerError(f"requested macvlan mode '{mode}' is not valid, 'bridge' mode is the macvlan driver default")
        parent = opts.get("parent", "")
        if parent == "lo":
            raise DockerError("loopback interface is not a valid macvlan parent link")
        if net.internal and engine.profile.macvlan_internal_dummy:
            parent = ""  # 20.10: empty -o parent and --internal are handled the same
        if parent == "":
            parent = parents.dummy_name(net.id)
            net.internal = True
        others = [(nid, c) for nid, c in self.configs.items() if c.parent == parent]
        for other_id, other in others:
            if not engine.profile.macvlan_shared_parent:
                raise DockerError(f"network {parents.dummy_name(other_id)} is already using parent interface {parent}")
            if mode == "passthru":
                raise DockerError(f"cannot use mode passthru, macvlan network {other_id} is already using parent interface {parent}")
            if other.mode == "passthru":
                raise DockerError(f"macvlan network {other_id} is already using parent interface {parent} in mode passthru")
        config = ParentConfig(parent, mode)
        parents.ensure_parent(engine, net, config, [c for _, c in others])
        self.configs[net.id] = config

    def delete(self, net: Network) -> None:
        """The parent link goes if this network made it and no other network uses it."""
        config = self.configs.pop(net.id, None)
        if config is None:
            return
        users = 1 + sum(1 for c in self.configs.values() if c.parent == config.parent)
        parents.release_parent(self.engine, config, users)

    # -- endpoints -----------------------------------------------------------------------

    def join(self, net: Network, endpoint: Endpoint) -> None:
        """A macvlan child of the parent, moved into the sandbox as ``ethN``."""
        engine = self.engine
        config = self.configs[net.id]
        host_ns = engine.machine.netns
        sandbox = endpoint.container.netns
        assert sandbox is not None and endpoint.ip is not None and endpoint.mac is not None and net.subnet is not None
        if config.parent not in host_ns.devices:
            raise DockerError(engine.profile.messages.networking(f"the requested parent interface {config.parent} was not found on the Docker host"))
        name = engine.random_veth_name()
        try:
            child = links.add_macvlan(host_ns, name, config.parent, MacvlanMode(config.mode), endpoint.mac)
        except LinkError as error:
            raise parents.port_error(engine, "macvlan", error) from None
        links.move(child, sandbox, endpoint.ifname)
        child.ipv6 = engine.profile.ipv6_link_local  # >= 26.1: disable_ipv6 on the endpoint
        child.tx_queue_len = 0  # netlink.LinkAttrs{Name, ParentIndex}: TxQLen 0 is sent as IFLA_TXQLEN
        if child.mode is not MacvlanMode.PASSTHRU:
            child.mac = endpoint.mac
        else:
            endpoint.mac = child.mac
        sandbox.add_address(endpoint.ifname, f"{endpoint.ip}/{net.subnet.prefixlen}")
        sandbox.set_up(endpoint.ifname)
        if engine.profile.garp_on_up:
            garp = ArpPacket(ArpOp.REQUEST, child.mac, endpoint.ip, ZERO_MAC, endpoint.ip)
            frame = EthernetFrame(BROADCAST_MAC, child.mac, EtherType.ARP, garp, flow=engine.sim.next_flow())
            engine.sim.call_later(0.0, lambda: child.transmit(frame))

    def leave(self, net: Network, endpoint: Endpoint) -> None:
        """The child goes."""
        sandbox = endpoint.container.netns
        if sandbox is not None and endpoint.ifname in sandbox.devices:
            links.delete(sandbox, endpoint.ifname)
