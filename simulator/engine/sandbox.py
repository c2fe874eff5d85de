"""Sandboxes: a container's network namespace and its endpoints, as libnetwork builds them.

``docker start`` builds the sandbox: a network namespace with ``lo`` up
(127.0.0.1/8), then one endpoint per requested network, in the order the
networks were given. An endpoint takes the lowest free address from the
network's IPAM pool, a MAC (the driver decides: ``02:42`` + IP up to 27, random
from 28), an interface name (``eth0``, ``eth1``... a counter up to 27, the lowest
free name from 28) and whatever the driver builds (a veth on a bridge, a macvlan
child...). Then the default route, through the gateway of the first endpoint in
libnetwork's order (not internal, then network name ascending, docker_gwbridge
last), and the embedded DNS at 127.0.0.11 once the container is on a
user-defined network. Stop takes it all down and gives the addresses back.

The files the daemon writes into the sandbox (/etc/hosts, /etc/resolv.conf) are
in :mod:`simulator.engine.container_files`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from simulator.engine.ipam import IpamError
from simulator.engine.network import Endpoint, Network
from simulator.errors import DockerError
from simulator.kernel.ipv4.routing import DEFAULT_NETWORK, Route
from simulator.kernel.namespace import NetworkNamespace
from simulator.packets.addresses import MacAddress

if TYPE_CHECKING:
    from simulator.engine.container import Container, NetworkRequest
    from simulator.engine.docker_engine import DockerEngine


class Sandboxes:
    """Builds and tears down containers' sandboxes for one daemon."""

    def __init__(self, engine: DockerEngine) -> None:
        self.engine = engine
        self._attached = itertools.count(1)

    def build(self, container: Container) -> None:
        """A new namespace with ``lo``, an endpoint per requested network, the default route and DNS.

        On a failure, what was built is torn down and the daemon's message raised.
        """
        engine = self.engine
        sandbox = NetworkNamespace(engine.sim, container.name)
        sandbox.lo.ipv6 = engine.profile.ipv6_loopback  # ::1 on lo unless the engine disables IPv6 on "all"
        sandbox.set_up("lo")
        sandbox.add_address("lo", "127.0.0.1/8", broadcast=False)
        container.netns = sandbox
        container.ifname_counter = 0
        messages = engine.profile.messages
        for request in sorted(container.networks.values(), key=lambda r: r.order):
            try:
                self.attach(container, engine.networks[request.network_id], request)
            except KeyError:
                self.remove_endpoints(container)
                raise DockerError(messages.network_not_found.format(id=request.network_id)) from None
            except IpamError as error:
                self.remove_endpoints(container)
                net = engine.networks[request.network_id]
                text = str(error) if "Address" in str(error) else messages.no_addresses.format(name=net.name, id=net.id)
                raise DockerError(messages.networking(text)) from None
            except DockerError:
                self.remove_endpoints(container)  # a driver refused the endpoint (macvlan port, overlay attach)
                raise
        self.set_default_route(container)
        self.ensure_dns(container)

    def attach(self, container: Container, net: Network, request: NetworkRequest) -> Endpoint:
        """One endpoint: an address from IPAM, a MAC, an interface name, then the driver's ``join``."""
        engine = self.engine
        if net.pool is None or net.subnet is None:
            raise DockerError(f"network {net.name} has no address pool")
        ip = net.pool.allocate(request.static_ip)
        driver = engine.drivers[net.driver]
        mac = driver.endpoint_mac(net, ip)
        if mac is not None and request.mac:  # --mac-address, on the network `docker run` named
            mac = MacAddress.parse(request.mac)
        ifname = self.next_ifname(container)
        endpoint = Endpoint(engine.new_id(), net, container, ip, mac, ifname, aliases=request.aliases, static_ip=request.static_ip)
        try:
            driver.join(net, endpoint)
        except DockerError:
            net.pool.release(ip)
            raise
        endpoint.attached = next(self._attached)
        net.endpoints[container.id] = endpoint
        container.endpoints[net.name] = endpoint
        engine.publisher.endpoint_added(endpoint)
        return endpoint

    def detach(self, container: Container, net_name: str) -> None:
        """Undo ``attach``: the driver's ``leave``, the address back to IPAM."""
        endpoint = container.endpoints[net_name]
        net = endpoint.network
        self.engine.drivers[net.driver].leave(net, endpoint)
        if net.pool is not None and endpoint.ip is not None:
            net.pool.release(endpoint.ip)
        net.endpoints.pop(container.id, None)
        del container.endpoints[net_name]
        self.engine.publisher.endpoint_removed(endpoint)

    def next_ifname(self, container: Container) -> str:
        """``eth0``, ``eth1``...: a counter (<= 27) or the lowest free name (>= 28)."""
        assert container.netns is not None
        if self.engine.profile.iface_naming == "lowest-free":
            n = 0
            while f"eth{n}" in container.netns.devices:
                n += 1
            return f"eth{n}"
        name = f"eth{container.ifname_counter}"
        container.ifname_counter += 1
        return name

    def set_default_route(self, container: Container) -> None:
        """The gateway endpoint: non-internal first, then network name ascending (sandbox.go Less)."""
        ns = container.netns
        assert ns is not None
        ns.ipv4.routes.remove(lambda r: r.is_default)
        drivers = self.engine.drivers
        candidates = [ep for ep in container.endpoints.values() if ep.network.gateway is not None and not ep.network.internal
                      and drivers[ep.network.driver].provides_gateway]
        if not candidates:
            return
        candidates.sort(key=lambda ep: (ep.network.name == "docker_gwbridge", ep.network.name))
        best = candidates[0]
        ns.ipv4.routes.add(Route(DEFAULT_NETWORK, best.ifname, gateway=best.network.gateway))

    def ensure_dns(self, container: Container) -> None:
        """Start the embedded DNS once the container is on a user-defined network."""
        if container.dns is None and any(not ep.network.is_default_bridge for ep in container.endpoints.values()):
            from simulator.engine.embedded_dns import EmbeddedDns

            container.dns = EmbeddedDns(self.engine, container)

    def close_dns(self, container: Container) -> None:
        """Stop the embedded DNS (a host-mode container's namespace is the host's: nothing to close)."""
        if container.dns is not None and container.netns is not None and not container.network_mode.is_host:
            container.dns.close()
        container.dns = None

    def remove_endpoints(self, container: Container) -> None:
        """Every endpoint detached; the container has no namespace any more."""
        for net_name in list(container.endpoints):
            self.detach(container, net_name)
        container.netns = None
