"""Port publishing: ``-p``/``-P`` bindings and the iptables rules that carry them.

``docker run -p 8080:80`` reserves host port 8080 for the container (the port
allocator refuses a second binding of the same protocol and port on the same
address, or on any address once 0.0.0.0 has it: "port is already allocated");
``-p 127.0.0.1:8080:80`` binds one host address only (its DNAT rule matches
``-d 127.0.0.1/32``); ``-p 80`` and ``-P`` take the next free port of
``ip_local_port_range`` (32768-60999), in order, ``-p 8000-8010:80`` the next free
port of that range. The bindings go on the endpoint
that gives the default route. The firewall then gets, per bridge network, the
DNAT rules of its published ports and the MASQUERADE of its subnet
(:mod:`simulator.engine.firewall` writes them as iptables does).

Each binding also gets its ``docker-proxy`` process (:mod:`simulator.engine.userland_proxy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import firewall, userland_proxy
from simulator.engine.requests import PortSpec
from simulator.errors import DockerError

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Endpoint, Network

EPHEMERAL_PORTS = (32768, 60999)  # /proc/sys/net/ipv4/ip_local_port_range


class HostPorts:
    """The port allocator's bindings, indexed so that a new binding costs the same however many there are.

    ``owners``: (proto, host IP, host port) -> container id. Per (proto, port), how many
    addresses hold it (so 0.0.0.0 finds a clash on any address at once); per range
    searched, a floor below which every port was taken (lowered to the range's start
    when any binding is given back).
    """

    def __init__(self) -> None:
        self.owners: dict[tuple[str, str, int], str] = {}
        self._holders: dict[tuple[str, int], int] = {}
        self._floors: dict[tuple[str, str, int, int], int] = {}

    def clash(self, proto: str, host_ip: str, port: int) -> bool:
        """portallocator: a port is taken on one address, and on every address once 0.0.0.0 has it."""
        owners = self.owners
        if (proto, host_ip, port) in owners or (proto, "0.0.0.0", port) in owners:
            return True
        return host_ip == "0.0.0.0" and (proto, port) in self._holders

    def free_port(self, proto: str, host_ip: str, first: int, last: int) -> int:
        """portallocator: the first free port of ``first``-``last`` (ip_local_port_range for -p 80), in order
        (the last one when all are taken: binding it then fails)."""
        key = (proto, host_ip, first, last)
        port = self._floors.get(key, first)
        while port < last and self.clash(proto, host_ip, port):
            port += 1
        self._floors[key] = port
        return port

    def take(self, proto: str, host_ip: str, port: int, owner: str) -> None:
        """``owner`` (a container id) holds the port on ``host_ip`` now."""
        self.owners[(proto, host_ip, port)] = owner
        self._holders[(proto, port)] = self._holders.get((proto, port), 0) + 1

    def give_back(self, proto: str, host_ip: str, port: int) -> None:
        """The port on ``host_ip`` is free again (every search starts from its range's start again)."""
        if self.owners.pop((proto, host_ip, port), None) is None:
            return
        left = self._holders[(proto, port)] - 1
        if left:
            self._holders[(proto, port)] = left
        else:
            del self._holders[(proto, port)]
        self._floors.clear()


class PortPublisher:
    """The daemon's published ports and firewall rules."""

    def __init__(self, engine: DockerEngine) -> None:
        self.engine = engine
        self.host_ports = HostPorts()
        self.rules: firewall.RuleSet | None = None  # what was installed last
        # indexes, so a refresh does not walk every endpoint: the containers that publish
        # ports, and per network the addresses of its endpoints in attach order
        self.publishing: dict[str, Container] = {}
        # (a list only ever appended to: the firewall formats what was added since it last
        # saw the same list; a removal starts a new list)
        self.endpoint_ips: dict[str, list[IPv4Address]] = {}
        self.bindings: dict[str, tuple[firewall.PublishedPort, ...]] = {}  # per network; dropped when one may change
        self.proxies = userland_proxy.UserlandProxies(engine)  # --userland-proxy: a docker-proxy per binding

    def endpoint_added(self, endpoint: Endpoint) -> None:
        """An endpoint joined its network (last in the network's order)."""
        known = self.endpoint_ips.get(endpoint.network.id)
        if known is not None and endpoint.ip is not None:
            known.append(endpoint.ip)
        if endpoint.container.id in self.publishing:
            self.bindings.clear()

    def endpoint_removed(self, endpoint: Endpoint) -> None:
        """An endpoint left its network: its addresses are read again at the next refresh."""
        self.endpoint_ips.pop(endpoint.network.id, None)
        if endpoint.container.id in self.publishing:
            self.bindings.clear()

    def _ips(self, net: Network) -> list[IPv4Address]:
        """The addresses of ``net``'s endpoints, in the network's order."""
        known = self.endpoint_ips.get(net.id)
        if known is None:
            known = self.endpoint_ips[net.id] = [ep.ip for ep in net.endpoints.values() if ep.ip is not None]
        return known

    def _published(self, net: Network) -> tuple[firewall.PublishedPort, ...]:
        """The bindings on ``net``'s endpoints, in the network's order."""
        if not self.publishing:
            return ()
        known = self.bindings.get(net.id)
        if known is None:
            endpoints = [ep for c in self.publishing.values() if (ep := net.endpoints.get(c.id)) is not None]
            endpoints.sort(key=lambda ep: ep.attached)
            known = self.bindings[net.id] = tuple(b for ep in endpoints for b in ep.container.port_bindings if b.container_ip == ep.ip)
        return known

    def bind(self, container: Container) -> None:
        """Publish ports on the endpoint that gives the default route (``-p``, ``-P``)."""
        specs = list(container.publish)
        if container.publish_all:
            for exposed in container.image.exposed:
                number, _, proto = exposed.partition("/")
                if not any(p.container_port == int(number) and p.proto == (proto or "tcp") for p in specs):
                    specs.append(PortSpec(int(number), proto or "tcp"))
        if not specs or not container.endpoints:
            return
        endpoint = min(container.endpoints.values(), key=lambda ep: (ep.network.internal, ep.network.name))
        assert endpoint.ip is not None
        bindings: list[firewall.PublishedPort] = []
        ports = self.host_ports
        for spec in specs:
            host_ip = spec.host_ip or "0.0.0.0"
            if spec.host_port and not spec.host_port_end:
                host_port = spec.host_port
            else:  # -p 80, -P, or -p 8000-8010:80: the first free port of the range
                first, last = (spec.host_port, spec.host_port_end) if spec.host_port else EPHEMERAL_PORTS
                host_port = ports.free_port(spec.proto, host_ip, first, last)
            if ports.clash(spec.proto, host_ip, host_port):
                for taken in bindings:  # refused: the ports this container took so far are free again
                    ports.give_back(taken.proto, taken.host_ip, taken.host_port)
                messages = self.engine.profile.messages
                text = messages.port_allocated.format(name=container.name, endpoint=endpoint.id, host_ip=host_ip, host_port=host_port)
                raise DockerError(messages.networking(text), 125)
            ports.take(spec.proto, host_ip, host_port, container.id)
            bindings.append(firewall.PublishedPort(host_ip, host_port, endpoint.ip, spec.container_port, spec.proto))
        container.port_bindings = bindings
        self.publishing[container.id] = container
        self.bindings.clear()
        self.proxies.start(container, endpoint.id)

    def release(self, container: Container) -> None:
        """The container's host ports are free again (and their proxies stopped)."""
        self.proxies.stop(container)
        for binding in container.port_bindings:
            self.host_ports.give_back(binding.proto, binding.host_ip, binding.host_port)
        container.port_bindings = []
        if self.publishing.pop(container.id, None) is not None:
            self.bindings.clear()

    def refresh_firewall(self) -> None:
        """Recompute Docker's rules from the networks and endpoints, and install them."""
        engine = self.engine
        states = []
        per_endpoint = engine.profile.firewall != "isolation"
        for net in engine.networks.values():
            if net.driver != "bridge" or net.subnet is None or net.bridge_name is None:
                continue
            states.append(
                firewall.BridgeState(
                    net.bridge_name,
                    net.subnet,
                    internal=net.internal,
                    icc=net.options.get("com.docker.network.bridge.enable_icc", "true") == "true",
                    masquerade=net.options.get("com.docker.network.bridge.enable_ip_masquerade", "true") == "true",
                    # per-endpoint rules exist only from 28 (raw PREROUTING): skip the walk before
                    endpoints=self._ips(net) if per_endpoint else (),
                    published=self._published(net),
                )
            )
        rules = firewall.ruleset(engine.profile, states, self.rules)
        firewall.install(engine.machine.netns.ipv4.netfilter, rules, self.rules)
        self.rules = rules
