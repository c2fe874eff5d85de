"""The ipvlan driver (L2 mode): macvlan's sibling, where every container shares the parent's MAC.

``docker network create -d ipvlan --subnet=192.168.1.0/24 --gateway=192.168.1.1
-o parent=eth0 [-o ipvlan_mode=l2] [-o ipvlan_flag=bridge] NAME`` (libnetwork
``drivers/ipvlan``). The parent rules are macvlan's (``parent.py``), except that a
parent is never shared by two ipvlan networks. Each container gets an ipvlan child
of the parent: its own IP address, the *parent's* MAC. The LAN therefore sees one
MAC with several IP addresses, which works behind switches and cloud networks
that accept one MAC per port, where macvlan fails.

Modes: ``l2`` (the default; the children ARP like ordinary hosts) is simulated;
``l3`` and ``l3s`` (no ARP, routed through the parent's namespace, no gateway) are
accepted by ``docker network create`` as Docker accepts them, but a container
cannot join them here. Flags: ``bridge`` (default), ``private``, ``vepa``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine.drivers import NetworkDriver
from simulator.engine.drivers import parent as parents
from simulator.engine.drivers.parent import ParentConfig
from simulator.errors import DockerError
from simulator.kernel import links
from simulator.kernel.devices.ipvlan import IpvlanFlag, IpvlanMode
from simulator.kernel.devices.upper import LinkError

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Endpoint, Network
    from simulator.engine.requests import NetworkRequestSpec
    from simulator.packets.addresses import MacAddress

MODES = ("l2", "l3", "l3s")
FLAGS = ("bridge", "private", "vepa")


class IpvlanDriver(NetworkDriver):
    """libnetwork's ``ipvlan`` driver."""

    name = "ipvlan"
    provides_gateway = True

    def __init__(self, engine: DockerEngine) -> None:
        super().__init__(engine)
        self.configs: dict[str, ParentConfig] = {}

    def skip_gateway(self, spec: NetworkRequestSpec) -> bool:
        """L3 modes route through the interface (no gateway); internal networks need none; 29 needs --gateway."""
        mode = (spec.options or {}).get("ipvlan_mode", "") or "l2"
        if mode in ("l3", "l3s") or spec.internal:
            return True
        return spec.gateway is None and not self.engine.profile.macvlan_implicit_gateway

    def endpoint_mac(self, net: Network, ip: IPv4Address) -> MacAddress | None:
        """None: an ipvlan child has its parent's MAC."""
        return None  # the parent's: Docker shows no MacAddress for ipvlan endpoints

    def create(self, net: Network) -> None:
        """Check the mode and ``-o parent``; make the parent if it does not exist (a dummy, or a VLAN sub-interface)."""
        engine = self.engine
        opts = net.options
        mode = opts.get("ipvlan_mode", "") or "l2"
        if mode not in MODES:
            raise DockerError(f"requested ipvlan mode '{mode}' is not valid, 'l2' mode is the ipvlan driver default")
        flag = opts.get("ipvlan_flag", "") or "bridge"
        if flag not in FLAGS:
            raise DockerError(f"requested ipvlan flag '{flag}' is not valid, 'bridge' is the ipvlan driver default")
        parent = opts.get("parent", "")
        if parent == "lo":
            raise DockerError("loopback interface is not a valid ipvlan parent link")
        if parent == "":
            parent = parents.dummy_name(net.id)
            net.internal = True
        for other_id, other in self.configs.items():
            if other.parent == parent:
                raise DockerError(f"network {parents.dummy_name(other_id)} is already using parent interface {parent}")
        config = ParentConfig(parent, mode, flag)
        parents.ensure_parent(engine, net, config, [])
        self.configs[net.id] = config

    def delete(self, net: Network) -> None:
        """The parent link goes if this network made it and no other network uses it."""
        config = self.configs.pop(net.id, None)
        if config is not None:
            parents.release_parent(self.engine, config, 1)

    def join(self, net: Network, endpoint: Endpoint) -> None:
        """An ipvlan child of the parent, moved into the sandbox as ``ethN``."""
        engine = self.engine
        config = self.configs[net.id]
        host_ns = engine.machine.netns
        sandbox = endpoint.container.netns
        assert sandbox is not None and endpoint.ip is not None and net.subnet is not None
        if config.mode != "l2":
            raise DockerError(f"dockersim: ipvlan_mode {config.mode} is not simulated (only l2)")
        name = engine.random_veth_name()
        try:
            child = links.add_ipvlan(host_ns, name, config.parent, IpvlanMode(config.mode), IpvlanFlag(config.flag))
        except LinkError as error:
            raise parents.port_error(engine, "ipvlan", error) from None
        links.move(child, sandbox, endpoint.ifname)
        child.ipv6 = engine.profile.ipv6_link_local  # >= 26.1: disable_ipv6 on the endpoint
        child.tx_queue_len = 0  # netlink.LinkAttrs{Name, ParentIndex}: TxQLen 0 is sent as IFLA_TXQLEN
        sandbox.add_address(endpoint.ifname, f"{endpoint.ip}/{net.subnet.prefixlen}")
        sandbox.set_up(endpoint.ifname)

    def leave(self, net: Network, endpoint: Endpoint) -> None:
        """The child goes."""
        sandbox = endpoint.container.netns
        if sandbox is not None and endpoint.ifname in sandbox.devices:
            links.delete(sandbox, endpoint.ifname)
