"""dockerd: containers and networks, and what they become in the kernel.

At start the daemon creates the predefined networks (``bridge`` on ``docker0``
with the first free default pool, ``host``, ``none``), turns on
``net.ipv4.ip_forward`` with the FORWARD policy DROP, and installs its iptables
rules. ``docker run`` = create + start. Start builds the sandbox: a network
namespace with ``lo``, then one endpoint per requested network in order (address
lowest-free from IPAM, MAC per engine version, interface ``eth0``, ``eth1``...), and
the default route from the first network in libnetwork's order. Stop tears it all
down and releases the addresses, which is why a restarted container can come back
with another IP. ``host`` mode shares the host's namespace; ``none`` keeps only
``lo``; ``container:NAME`` joins another container's namespace.

Simplified: no image store (the catalog's images are present locally), no
processes beyond what the image runs, no storage.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.engine import firewall, names
from simulator.engine.container import Container, NetworkRequest
from simulator.engine.drivers import NetworkDriver, NullDriver
from simulator.engine.drivers.bridge import BridgeDriver
from simulator.engine.drivers.ipvlan import IpvlanDriver
from simulator.engine.drivers.macvlan import MacvlanDriver
from simulator.engine.drivers.overlay import OverlayDriver
from simulator.engine.ipam import AddressPool, IpamError, SubnetAllocator
from simulator.engine.network import Endpoint, Network
from simulator.errors import DockerError, NoSuchContainer, NoSuchNetwork
from simulator.kernel.ipv4.routing import DEFAULT_NETWORK, Route
from simulator.kernel.namespace import NetworkNamespace
from simulator.packets.addresses import MacAddress

if TYPE_CHECKING:
    from simulator.engine.images import Image
    from simulator.engine.swarm import Swarm
    from simulator.engine.versions import EngineProfile
    from simulator.kernel.host import Machine
    from simulator.sim.simulation import Simulation

NAME_RE = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
DEFAULT_BRIDGE_OPTIONS = {
    "com.docker.network.bridge.default_bridge": "true",
    "com.docker.network.bridge.enable_icc": "true",
    "com.docker.network.bridge.enable_ip_masquerade": "true",
    "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
    "com.docker.network.bridge.name": "docker0",
    "com.docker.network.driver.mtu": "1500",
}
STOP_TIMEOUT_S = 10.0  # docker stop's default grace period before SIGKILL
START_TIME_S = 0.35  # what `docker run -d` takes on a warm host


@dataclass
class RunRequest:
    """Everything ``docker run``/``docker create`` was asked, parsed."""

    image: Image
    image_ref: str
    command: tuple[str, ...] = ()
    name: str | None = None
    network: str = "default"
    aliases: tuple[str, ...] = ()
    ip: IPv4Address | None = None
    hostname: str | None = None
    interactive: bool = False
    tty: bool = False
    env: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    rm: bool = False
    publish: tuple[PortSpec, ...] = ()
    publish_all: bool = False
    cap_add: tuple[str, ...] = ()  # --cap-add (as typed: NET_ADMIN, CAP_NET_ADMIN, net_admin, ALL)
    privileged: bool = False


@dataclass(frozen=True)
class PortSpec:
    """One ``-p [IP:][HOST:]CONTAINER[/PROTO]`` request (host_port 0 = ephemeral)."""

    container_port: int
    proto: str = "tcp"
    host_port: int = 0
    host_ip: str = ""


@dataclass
class NetworkRequestSpec:
    """``docker network create`` after the CLI's own validation."""

    name: str
    driver: str = "bridge"
    subnet: IPv4Network | None = None
    ip_range: IPv4Network | None = None
    gateway: IPv4Address | None = None
    aux: dict[str, IPv4Address] | None = None
    internal: bool = False
    attachable: bool = False
    options: dict[str, str] | None = None
    labels: dict[str, str] | None = None


class DockerEngine:
    """One Docker daemon on one machine."""

    def __init__(self, sim: Simulation, machine: Machine, profile: EngineProfile) -> None:
        self.sim = sim
        self.machine = machine
        self.profile = profile
        self.networks: dict[str, Network] = {}
        self.containers: dict[str, Container] = {}
        self.drivers: dict[str, NetworkDriver] = {
            "bridge": BridgeDriver(self),
            "host": NullDriver("host"),
            "null": NullDriver("null"),
            "macvlan": MacvlanDriver(self),
            "ipvlan": IpvlanDriver(self),
            "overlay": OverlayDriver(self),
        }
        self.swarm: Swarm | None = None  # the lab's cluster, which this daemon may join
        # Starts a container's command (``docker run -d alpine sleep 1000``) as its main
        # process and calls ``_exited`` when it ends; answers False for a command it cannot
        # run. Set by whoever runs programs (the Lab); without one, such a container exits.
        self.main_runner: Callable[[Container], bool] | None = None
        reserved = [a.network for a in machine.netns.ipv4.addresses if a.scope != "host"]
        reserved += [IPv4Network(f"{ns}/32") for ns in machine.resolv_conf_nameservers]
        self.subnets = SubnetAllocator(profile.subnet_allocation, reserved)
        self._firewall: firewall.RuleSet | None = None
        self._used_veth: set[str] = set()
        self.host_ports: dict[tuple[str, int], str] = {}
        self._boot()

    # -- ids and names ---------------------------------------------------------------------

    def new_id(self) -> str:
        return f"{self.sim.stream('ids').getrandbits(256):064x}"

    def random_veth_name(self) -> str:
        """``veth`` + 7 hex (netutils.GenerateRandomName), retried on a clash."""
        while True:
            name = f"veth{self.sim.stream('veth').getrandbits(28):07x}"
            if name not in self._used_veth and name not in self.machine.netns.devices:
                self._used_veth.add(name)
                return name

    # -- boot --------------------------------------------------------------------------------

    def _boot(self) -> None:
        ns = self.machine.netns
        subnet = self.subnets.allocate("bridge")
        bridge = Network(self.new_id(), "bridge", "bridge", self.sim.now, subnet=subnet, predefined=True,
                         options=dict(DEFAULT_BRIDGE_OPTIONS), ipam_options=None, bridge_name="docker0")
        bridge.pool = AddressPool(subnet)
        bridge.gateway = bridge.pool.allocate()
        self.drivers["bridge"].create(bridge)
        self.networks[bridge.id] = bridge
        for name, driver in (("host", "host"), ("none", "null")):
            net = Network(self.new_id(), name, driver, self.sim.now, predefined=True, ipam_options=None)
            self.networks[net.id] = net
        ns.ipv4.ip_forward = True
        self.refresh_firewall()

    def refresh_firewall(self) -> None:
        """Recompute Docker's rules from the networks and endpoints, and install them."""
        states = []
        per_endpoint = self.profile.firewall != "isolation"
        for net in self.networks.values():
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
                    endpoints=tuple(ep.ip for ep in net.endpoints.values() if ep.ip is not None) if per_endpoint else (),
                    published=tuple(
                        b for ep in net.endpoints.values() for b in ep.container.port_bindings if b.container_ip == ep.ip
                    ),
                )
            )
        rules = firewall.ruleset(self.profile, states, self._firewall)
        firewall.install(self.machine.netns.ipv4.netfilter, rules, self._firewall)
        self._firewall = rules

    # -- lookups -------------------------------------------------------------------------------

    def container(self, ref: str) -> Container:
        """By name, full id, or unique id prefix (``No such container`` otherwise)."""
        ref = ref.lstrip("/") if ref.startswith("/") else ref
        for c in self.containers.values():
            if c.name == ref or c.id == ref:
                return c
        matches = [c for c in self.containers.values() if ref and c.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        raise NoSuchContainer(ref)

    def network(self, ref: str) -> Network:
        """By name, full id, or unique id prefix."""
        for n in self.networks.values():
            if n.name == ref or n.id == ref:
                return n
        matches = [n for n in self.networks.values() if ref and n.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise DockerError(f"network {ref} is ambiguous ({len(matches)} matches found on name)")
        if self.swarm is not None and self.swarm.node(self) is not None:
            cluster_net = self.swarm.network(ref)  # a swarm network this node has not used yet
            if cluster_net is not None:
                self.networks.setdefault(cluster_net.id, cluster_net)
                return cluster_net
        raise NoSuchNetwork(ref)

    def network_by_name(self, name: str) -> Network | None:
        for n in self.networks.values():
            if n.name == name:
                return n
        return None

    # -- networks --------------------------------------------------------------------------------

    def create_network(self, spec: NetworkRequestSpec) -> Network:
        """``docker network create``: every check first, then IPAM, then the driver."""
        if spec.name in ("bridge", "host", "none", "default"):
            raise DockerError(f"operation is not permitted on predefined {spec.name} network ")
        if self.network_by_name(spec.name) is not None:
            raise DockerError(f"network with name {spec.name} already exists")
        if spec.driver in ("host", "null"):
            raise DockerError(f'only one instance of "{spec.driver}" network is allowed')
        if spec.driver not in self.drivers:
            raise DockerError(f'plugin "{spec.driver}" not found')
        driver = self.drivers[spec.driver]
        allocate_network = getattr(driver, "allocate_network", None)
        if allocate_network is not None:  # a global-scope driver (overlay): the swarm allocates
            cluster_net: Network = allocate_network(spec)
            self.networks[cluster_net.id] = cluster_net
            return cluster_net
        options = dict(spec.options or {})
        bridge_name = options.get("com.docker.network.bridge.name")
        if bridge_name is not None:
            for other in self.networks.values():
                if other.bridge_name == bridge_name:
                    raise DockerError(f"cannot create network {'{id}'} ({bridge_name}): conflicts with network {other.id} ({other.bridge_name}): networks have same bridge name")
        if "com.docker.network.driver.mtu" in options:
            try:
                mtu = int(options["com.docker.network.driver.mtu"])
            except ValueError:
                raise DockerError(f"invalid MTU: {options['com.docker.network.driver.mtu']}") from None
            if not 68 <= mtu <= 65535:
                raise DockerError(f"invalid MTU number: {mtu}")
        net_id = self.new_id()
        if spec.subnet is not None:
            try:
                subnet = self.subnets.request(spec.subnet, net_id)
            except IpamError as error:
                prefix = "invalid pool request: " if self.profile.pool_overlap_prefix else ""
                raise DockerError(f"{prefix}{error}") from None
        else:
            try:
                subnet = self.subnets.allocate(net_id)
            except IpamError as error:
                raise DockerError(str(error)) from None
        pool = AddressPool(subnet, ip_range=spec.ip_range)
        try:
            for _name, ip in (spec.aux or {}).items():
                pool.allocate(ip)
            skip_gateway = getattr(driver, "skip_gateway", None)
            if spec.gateway is None and skip_gateway is not None and skip_gateway(spec):
                gateway = None  # macvlan/ipvlan: no gateway unless asked for (29), none when internal
            else:
                gateway = pool.allocate(spec.gateway) if spec.gateway is not None else pool.allocate()
        except IpamError as error:
            self.subnets.release(subnet)
            raise DockerError(str(error)) from None
        net = Network(
            net_id, spec.name, spec.driver, self.sim.now + self.sim.stream("clock").random(),
            subnet=subnet, gateway=gateway, ip_range=spec.ip_range, pool=pool,
            internal=spec.internal, attachable=spec.attachable, options=options,
            labels=dict(spec.labels or {}), ipam_options={},
            aux_addresses={k: str(v) for k, v in (spec.aux or {}).items()},
            bridge_name=(bridge_name or f"br-{net_id[:12]}") if spec.driver == "bridge" else None,
        )
        net.user_subnet = spec.subnet is not None  # type: ignore[attr-defined]
        try:
            driver.create(net)
        except DockerError:
            self.subnets.release(subnet)  # the driver refused: IPAM gives the pool back
            raise
        self.networks[net.id] = net
        self.refresh_firewall()
        return net

    def remove_network(self, ref: str) -> Network:
        """``docker network rm``: refused for predefined networks and networks in use."""
        net = self.network(ref)
        if net.predefined:
            raise DockerError(f"{net.name} is a pre-defined network and cannot be removed")
        if net.endpoints:
            if self.profile.active_endpoints_named:
                ep = next(iter(net.endpoints.values()))
                raise DockerError(f'error while removing network: network {net.name} has active endpoints (name:"{ep.container.name}" id:"{ep.id[:12]}")')
            raise DockerError(f"error while removing network: network {net.name} id {net.id} has active endpoints")
        free_network = getattr(self.drivers[net.driver], "free_network", None)
        if free_network is not None:
            free_network(net)  # a swarm network: the cluster releases it
        self.drivers[net.driver].delete(net)
        if net.subnet is not None and net.scope == "local":
            self.subnets.release(net.subnet)
        del self.networks[net.id]
        self.refresh_firewall()
        return net

    def prune_networks(self) -> list[str]:
        removed = []
        for net in sorted(list(self.networks.values()), key=lambda n: n.name):
            if not net.predefined and not net.endpoints:
                self.remove_network(net.id)
                removed.append(net.name)
        return removed

    def connect(self, net_ref: str, container_ref: str, ip: IPv4Address | None = None, aliases: tuple[str, ...] = ()) -> None:
        """``docker network connect``: live on a running container, recorded on a stopped one."""
        net = self.network(net_ref)
        container = self.container(container_ref)
        if net.driver == "host":
            raise DockerError("cannot connect container to host network - container must be created in host network mode"
                              if self.profile.at_least("28.0.2") else "container cannot be disconnected from host network or connected to host network")
        if container.network_mode == "host" or container.network_mode.startswith("container:"):
            raise DockerError("container sharing network namespace with another container or host cannot be connected to any other network")
        if container.network_mode == "none" or net.driver == "null":
            raise DockerError("container cannot be connected to multiple networks with one of the networks in private (none) mode")
        if net.name in container.networks:
            raise DockerError(f"endpoint with name {container.name} already exists in network {net.name}")
        if aliases and net.is_default_bridge:
            raise DockerError("network-scoped aliases are only supported for user-defined networks" if self.profile.alias_error_v29
                              else "network-scoped alias is supported only for containers in user defined networks")
        if ip is not None:
            self._check_static_ip(net, ip)
        request = NetworkRequest(net.id, aliases, ip, order=len(container.networks))
        if container.running:
            try:
                self._attach(container, net, request)
            except IpamError as error:
                raise DockerError(str(error)) from None
            self._set_default_route(container)
            self._ensure_dns(container)
            self.refresh_firewall()
        container.networks[net.name] = request

    def disconnect(self, net_ref: str, container_ref: str, force: bool = False) -> None:
        net = self.network(net_ref)
        container = self.container(container_ref)
        if net.driver == "host":
            raise DockerError("cannot disconnect container from host network - container was created in host network mode"
                              if self.profile.at_least("28.0.2") else "container cannot be disconnected from host network or connected to host network")
        if net.name not in container.networks:
            raise DockerError(f"container {container.id} is not connected to network {net.name}")
        endpoint = container.endpoints.get(net.name)
        if endpoint is not None:
            self.drivers[net.driver].leave(net, endpoint)
            if net.pool is not None and endpoint.ip is not None:
                net.pool.release(endpoint.ip)
            net.endpoints.pop(container.id, None)
            del container.endpoints[net.name]
            self._set_default_route(container)
        del container.networks[net.name]
        self.refresh_firewall()

    def _check_static_ip(self, net: Network, ip: IPv4Address) -> None:
        if net.is_default_bridge:
            raise DockerError("user-specified IP address is supported on user-defined networks only" if self.profile.hyphenated_ip_error
                              else "user specified IP address is supported on user defined networks only")
        if not getattr(net, "user_subnet", False) and not self.profile.at_least("29.1"):
            raise DockerError("user specified IP address is supported only when connecting to networks with user configured subnets")
        if net.subnet is None or ip not in net.subnet:
            if self.profile.at_least("29.1"):
                raise DockerError(f"no configured subnet contains IP address {ip}")
            if self.profile.at_least("25"):
                raise DockerError(f"no configured subnet or ip-range contain the IP address {ip}")
            raise DockerError(f"Invalid address {ip}: It does not belong to any of this network's subnets")

    # -- containers ------------------------------------------------------------------------------

    def create(self, req: RunRequest) -> Container:
        """``docker create``: validate everything first, then record the container."""
        if req.name is not None:
            if not NAME_RE.match(req.name):
                raise DockerError(f"Invalid container name ({req.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", 125)
            wanted = req.name.lstrip("/")
            for c in self.containers.values():
                if c.name == wanted:
                    raise DockerError(
                        f'Conflict. The container name "/{c.name}" is already in use by container "{c.id}". '
                        "You have to remove (or rename) that container to be able to reuse that name.",
                        125,
                    )
        mode = req.network
        requests: dict[str, NetworkRequest] = {}
        if mode in ("default", "bridge"):
            if req.aliases:
                msg = ("network-scoped aliases are only supported for user-defined networks" if self.profile.alias_error_v29
                       else "network-scoped alias is supported only for containers in user defined networks")
                raise DockerError(msg, 125)
            if req.ip is not None:
                msg = ("user-specified IP address is supported on user-defined networks only" if self.profile.hyphenated_ip_error
                       else "user specified IP address is supported on user defined networks only")
                raise DockerError(msg, 125)
            bridge = self.network_by_name("bridge")
            assert bridge is not None
            requests["bridge"] = NetworkRequest(bridge.id)
            mode_name = self.profile.network_mode_default_name if mode == "default" else "bridge"
        elif mode in ("host", "none"):
            mode_name = mode
            if req.aliases or req.ip is not None:
                raise DockerError("network-scoped aliases are only supported for user-defined networks" if req.aliases and self.profile.alias_error_v29
                                  else "network-scoped alias is supported only for containers in user defined networks" if req.aliases
                                  else "user specified IP address is supported on user defined networks only", 125)
        elif mode.startswith("container:"):
            ref = mode.split(":", 1)[1]
            if not ref:
                raise DockerError(f"invalid network mode: invalid container format container:{ref}", 125)
            for conflict, message in (
                (req.hostname, "conflicting options: hostname and the network mode"),
                (req.publish or req.publish_all, "conflicting options: port publishing and the container type network mode"),
                (req.links, "conflicting options: container type network can't be used with links. This would result in undefined behavior"),
            ):
                if conflict:
                    raise DockerError(message, 125)
            target = self.container(ref)
            mode_name = f"container:{target.id}"
        else:
            net = self.network(mode)
            if net.driver == "null":
                mode_name = "none"
            elif net.driver == "host":
                mode_name = "host"
            else:
                if req.ip is not None:
                    self._check_static_ip(net, req.ip)
                requests[net.name] = NetworkRequest(net.id, req.aliases, req.ip)
                mode_name = net.name
        if mode == "host" and req.links:
            raise DockerError("conflicting options: host type networking can't be used with links. This would result in undefined behavior", 125)
        for target_name, _alias in req.links:
            try:
                self.container(target_name)
            except DockerError:
                raise DockerError(f"could not get container for {target_name}: No such container: {target_name}", 125) from None
            if mode_name != "bridge" and mode_name != self.profile.network_mode_default_name and not mode_name.startswith("container:"):
                pass  # on user-defined networks --link is a container-local DNS alias
        cid = self.new_id()
        name = (req.name or names.generate(self.sim.stream("names"), {c.name for c in self.containers.values()})).lstrip("/")
        hostname = req.hostname or cid[:12]
        if mode == "host":
            hostname = self.machine.hostname
        container = Container(
            id=cid,
            name=name,
            image=req.image,
            command=req.command or req.image.cmd,
            created=self.sim.now,
            hostname=hostname,
            network_mode=mode_name,
            interactive=req.interactive,
            tty=req.tty,
            networks=requests,
            env=req.env,
            links=req.links,
            name_explicit=req.name is not None,
            auto_remove=req.rm,
            publish=() if mode_name == "host" else req.publish,
            publish_all=req.publish_all and mode_name != "host",
            cap_add=req.cap_add,
            privileged=req.privileged,
        )
        self.containers[cid] = container
        return container

    def start(self, container: Container, run_main: bool = True) -> None:
        """``docker start``: build the sandbox and the endpoints, run the image's process.

        ``run_main=False``: the caller runs the container's command in the foreground
        (``docker run IMAGE CMD`` without ``-d``) and ends the container after it.
        """
        if container.running:
            return
        mode = container.network_mode
        if mode.startswith("container:"):
            target = self.container(mode.split(":", 1)[1])
            if not target.running:
                raise DockerError(f"cannot join network namespace of a non running container: container {target.name} is {target.state}")
            container.netns = target.netns
            container.hostname = target.hostname
        elif mode == "host":
            container.netns = self.machine.netns
            container.host_endpoint_id = self.new_id()  # an endpoint on "host" without an address
        else:
            for target_name, alias in container.links:
                target = self.container(target_name)
                if not target.running:
                    raise DockerError(f"Cannot link to a non running container: /{target.name} AS /{container.name}/{alias}")
                if "bridge" in container.networks and "bridge" not in target.endpoints:
                    raise DockerError(f"Cannot link to /{target.name}, as it does not belong to the default network")
            sandbox = NetworkNamespace(self.sim, container.name)
            sandbox.lo.ipv6 = True  # ::1 stays on lo
            sandbox.set_up("lo")
            sandbox.add_address("lo", "127.0.0.1/8", broadcast=False)
            container.netns = sandbox
            container.ifname_counter = 0
            for _net_name, request in sorted(container.networks.items(), key=lambda kv: kv[1].order):
                try:
                    self._attach(container, self.networks[request.network_id], request)
                except KeyError:
                    self._teardown(container)
                    raise DockerError(f"network {request.network_id} not found") from None
                except IpamError as error:
                    self._teardown(container)
                    prefix = "failed to set up container networking: " if self.profile.prefix_networking_failure else ""
                    net = self.networks[request.network_id]
                    raise DockerError(f"{prefix}{error}" if "Address" in str(error) else f"{prefix}no available IPv4 addresses on this network's address pools: {net.name} ({net.id})") from None
                except DockerError:
                    self._teardown(container)  # a driver refused the endpoint (macvlan port, overlay attach)
                    raise
            self._set_default_route(container)
            self._ensure_dns(container)
            try:
                self._bind_ports(container)
            except DockerError:
                self._teardown(container)
                raise
        container.state = "running"
        container.sandbox_id = self.new_id()
        container.started_at = self.sim.now
        container.pid = self.machine.next_pid()
        self.refresh_firewall()
        self._start_services(container)
        if not run_main:
            return
        if not container.image.daemon and self.main_runner is not None and self.main_runner(container):
            return  # the command (not a shell) is the main process, with or without a terminal
        if not container.stays_up:  # a shell without a terminal or open stdin exits at once
            self.sim.call_later(0.05, lambda: self._exited(container, 0))

    def _start_services(self, container: Container) -> None:
        """What the image runs in the foreground: nginx listens on port 80 of its namespace."""
        if container.image.repository != "nginx" or container.netns is None:
            return
        from simulator.kernel.ipv4.stack import SocketOwner
        from simulator.kernel.ipv4.tcp import TcpError
        from simulator.programs.servers import start_http_server

        try:
            container.services.append(start_http_server(self.sim, container.netns, 80))
            # nginx's master process is the container's PID 1 (netstat -p names it)
            container.netns.ipv4.socket_owners[("tcp", 80)] = SocketOwner(
                IPv4Address("0.0.0.0"), "nginx: master process nginx -g daemon off;", 1, container.id, fd=6, backlog=511,
            )
        except TcpError:
            # Something already listens on :80 in this namespace (host mode): nginx exits.
            self.sim.call_later(0.05, lambda: self._exited(container, 1))

    def _exited(self, container: Container, code: int) -> None:
        if container.running:
            self._teardown(container)
            container.state = "exited"
            container.exit_code = code
            container.finished_at = self.sim.now
            self.refresh_firewall()
            if container.auto_remove:  # --rm
                self.containers.pop(container.id, None)

    def _attach(self, container: Container, net: Network, request: NetworkRequest) -> Endpoint:
        if net.pool is None or net.subnet is None:
            raise DockerError(f"network {net.name} has no address pool")
        ip = net.pool.allocate(request.static_ip)
        endpoint_mac = getattr(self.drivers[net.driver], "endpoint_mac", None)
        mac: MacAddress | None
        if endpoint_mac is not None:
            mac = endpoint_mac(net, ip)  # overlay: always 02:42 + IP; ipvlan: the parent's
        elif self.profile.mac_scheme == "ip":
            mac = MacAddress.from_ipv4(ip)
        else:
            mac = MacAddress.random_local(self.sim.stream("macs"))
        ifname = self._next_ifname(container)
        endpoint = Endpoint(self.new_id(), net, container, ip, mac, ifname, aliases=request.aliases, static_ip=request.static_ip)
        try:
            self.drivers[net.driver].join(net, endpoint)
        except DockerError:
            net.pool.release(ip)
            raise
        net.endpoints[container.id] = endpoint
        container.endpoints[net.name] = endpoint
        return endpoint

    def _next_ifname(self, container: Container) -> str:
        assert container.netns is not None
        if self.profile.iface_naming == "lowest-free":
            n = 0
            while f"eth{n}" in container.netns.devices:
                n += 1
            return f"eth{n}"
        name = f"eth{container.ifname_counter}"
        container.ifname_counter += 1
        return name

    def _set_default_route(self, container: Container) -> None:
        """The gateway endpoint: non-internal first, then network name ascending (sandbox.go Less)."""
        ns = container.netns
        assert ns is not None
        ns.ipv4.routes.remove(lambda r: r.is_default)
        candidates = [ep for ep in container.endpoints.values() if ep.network.gateway is not None and not ep.network.internal
                      and getattr(self.drivers[ep.network.driver], "provides_gateway", True)]
        if not candidates:
            return
        candidates.sort(key=lambda ep: (ep.network.name == "docker_gwbridge", ep.network.name))
        best = candidates[0]
        ns.ipv4.routes.add(Route(DEFAULT_NETWORK, best.ifname, gateway=best.network.gateway))

    def _bind_ports(self, container: Container) -> None:
        """Publish ports on the endpoint that gives the default route (``-p``, ``-P``)."""
        specs = list(container.publish)
        if container.publish_all:
            for exposed in container.image.exposed:
                number, _, proto = exposed.partition("/")
                if not any(p.container_port == int(number) and p.proto == (proto or "tcp") for p in specs):
                    specs.append(PortSpec(int(number), proto or "tcp"))
        if not specs or not container.endpoints:
            return
        endpoints = sorted(container.endpoints.values(), key=lambda ep: (ep.network.internal, ep.network.name))
        endpoint = endpoints[0]
        assert endpoint.ip is not None
        bindings: list[firewall.PublishedPort] = []
        taken = dict(self.host_ports)
        for spec in specs:
            host_port = spec.host_port or self._ephemeral_port(spec.proto, taken)
            host_ip = spec.host_ip or "0.0.0.0"
            key = (spec.proto, host_port)
            if key in taken:
                prefix = "failed to set up container networking: " if self.profile.prefix_networking_failure else ""
                raise DockerError(
                    f"{prefix}driver failed programming external connectivity on endpoint {container.name} ({endpoint.id}): "
                    f"Bind for {host_ip}:{host_port} failed: port is already allocated",
                    125,
                )
            taken[key] = container.id
            bindings.append(firewall.PublishedPort(host_ip, host_port, endpoint.ip, spec.container_port, spec.proto))
        self.host_ports = taken
        container.port_bindings = bindings

    def _ephemeral_port(self, proto: str, taken: dict[tuple[str, int], str]) -> int:
        """portallocator: the next free port of ip_local_port_range (32768-60999), in order."""
        port = 32768
        while (proto, port) in taken:
            port += 1
        return port

    def _ensure_dns(self, container: Container) -> None:
        """Start the embedded DNS once the container is on a user-defined network."""
        if container.dns is None and any(not ep.network.is_default_bridge for ep in container.endpoints.values()):
            from simulator.engine.embedded_dns import EmbeddedDns

            container.dns = EmbeddedDns(self, container)

    def _teardown(self, container: Container) -> None:
        for service in container.services:
            service.stop()
        container.services = []
        if container.dns is not None and container.netns is not None and container.network_mode != "host":
            container.dns.close()
        container.dns = None
        for binding in container.port_bindings:
            self.host_ports.pop((binding.proto, binding.host_port), None)
        container.port_bindings = []
        for net_name, endpoint in list(container.endpoints.items()):
            net = endpoint.network
            self.drivers[net.driver].leave(net, endpoint)
            if net.pool is not None and endpoint.ip is not None:
                net.pool.release(endpoint.ip)
            net.endpoints.pop(container.id, None)
            del container.endpoints[net_name]
        container.netns = None

    def stop(self, container: Container, kill: bool = False) -> float:
        """``docker stop``: SIGTERM, then SIGKILL after 10 s. Returns how long it took."""
        if not container.running:
            return 0.0
        if kill:
            took, code = 0.0, 137
        elif container.image.daemon:
            took, code = 0.1, 0
        else:
            took, code = STOP_TIMEOUT_S, 137  # a shell as PID 1 ignores SIGTERM
        for other in self.containers.values():
            if other is not container and other.network_mode == f"container:{container.id}" and other.running:
                other.netns = None
        self.sim.advance(took)
        self._exited(container, code)
        return took

    def remove(self, container: Container, force: bool = False) -> None:
        if container.running:
            if not force:
                if self.profile.cli_error_style == "see-help":
                    raise DockerError(f"You cannot remove a running container {container.id}. Stop the container before attempting removal or force remove")
                raise DockerError(f'cannot remove container "/{container.name}": container is running: stop the container before removing or force remove')
            self.stop(container, kill=True)
        del self.containers[container.id]
