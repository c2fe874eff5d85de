"""dockerd: containers and networks, and what they become in the kernel.

At start the daemon creates the predefined networks (``bridge`` on ``docker0``
with the first free default pool, ``host``, ``none``), turns on
``net.ipv4.ip_forward`` with the FORWARD policy DROP, and installs its iptables
rules. :class:`DockerEngine` is the daemon's API, what the CLI calls; the work is
done by three pieces, each in its own module:

* :mod:`~simulator.engine.lifecycle`: containers through created, running and
  exited (``docker run`` = create + start; stop, rm, restart);
* :mod:`~simulator.engine.sandbox`: the network namespace of a running container,
  its endpoints (address, MAC, ``eth0``...), its default route and DNS;
* :mod:`~simulator.engine.publishing`: ``-p``/``-P`` host ports and the iptables
  rules (DNAT, MASQUERADE) computed from the networks and endpoints.

Networks (``docker network create/rm/connect/disconnect``) are handled here:
every check first, then IPAM, then the driver (:mod:`~simulator.engine.drivers`).
The daemon's messages come from the version's table
(:mod:`~simulator.engine.messages`), the files it writes into a container from
:mod:`~simulator.engine.container_files`.

Simplified: no image store (the catalog's images are present locally), no
processes beyond what the image runs, no storage.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.engine import container_files
from simulator.engine.container import Container, NetworkRequest
from simulator.engine.drivers import NetworkDriver, NullDriver
from simulator.engine.drivers.bridge import BridgeDriver
from simulator.engine.drivers.ipvlan import IpvlanDriver
from simulator.engine.drivers.macvlan import MacvlanDriver
from simulator.engine.drivers.overlay import OverlayDriver
from simulator.engine.image_store import ImageStore
from simulator.engine.ipam import AddressPool, IpamError, SubnetAllocator
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.network import Network
from simulator.engine.publishing import PortPublisher
from simulator.engine.requests import NetworkRequestSpec as NetworkRequestSpec
from simulator.engine.requests import PortSpec as PortSpec
from simulator.engine.requests import RunRequest as RunRequest
from simulator.engine.sandbox import Sandboxes
from simulator.errors import DockerError, NoSuchContainer, NoSuchNetwork

if TYPE_CHECKING:
    from simulator.engine.swarm import Swarm
    from simulator.engine.versions import EngineProfile
    from simulator.kernel.host import Machine
    from simulator.sim.simulation import Simulation

DEFAULT_BRIDGE_OPTIONS = {
    "com.docker.network.bridge.default_bridge": "true",
    "com.docker.network.bridge.enable_icc": "true",
    "com.docker.network.bridge.enable_ip_masquerade": "true",
    "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
    "com.docker.network.bridge.name": "docker0",
    "com.docker.network.driver.mtu": "1500",
}
START_TIME_S = 0.35  # what `docker run -d` takes on a warm host
MTU_OPTION = "com.docker.network.driver.mtu"
BRIDGE_NAME_OPTION = "com.docker.network.bridge.name"


class DockerEngine:
    """One Docker daemon on one machine: the API the CLI calls."""

    def __init__(self, sim: Simulation, machine: Machine, profile: EngineProfile) -> None:
        self.sim = sim
        self.machine = machine
        self.profile = profile
        self.networks: dict[str, Network] = {}
        self.containers: dict[str, Container] = {}  # by id, in creation order
        self.container_names: dict[str, str] = {}  # name -> id (names are unique), kept with ``containers``
        self.drivers: dict[str, NetworkDriver] = {
            "bridge": BridgeDriver(self),
            "host": NullDriver(self, "host"),
            "null": NullDriver(self, "null"),
            "macvlan": MacvlanDriver(self),
            "ipvlan": IpvlanDriver(self),
            "overlay": OverlayDriver(self),
        }
        self.swarm: Swarm | None = None  # the lab's cluster, which this daemon may join
        self.image_store = ImageStore()  # the images pulled to this host
        # Starts a container's command (``docker run -d alpine sleep 1000``) as its main
        # process and calls ``exited`` when it ends; answers False for a command it cannot
        # run. Set by whoever runs programs (the Lab); without one, such a container exits.
        self.main_runner: Callable[[Container], bool] | None = None
        reserved = [a.network for a in machine.netns.ipv4.addresses if a.scope != "host"]
        reserved += [IPv4Network(f"{ns}/32") for ns in machine.resolv_conf_nameservers]
        self.subnets = SubnetAllocator(profile.subnet_allocation, reserved)
        self.lifecycle = Lifecycle(self)
        self.sandboxes = Sandboxes(self)
        self.publisher = PortPublisher(self)
        self._used_veth: set[str] = set()
        self._boot()

    # -- ids and names ---------------------------------------------------------------------

    def new_id(self) -> str:
        """A new 64-hex id (containers, networks, endpoints, sandboxes)."""
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
        self.publisher.refresh_firewall()

    # -- lookups -------------------------------------------------------------------------------

    def container(self, ref: str) -> Container:
        """By name, full id, or unique id prefix (``No such container`` otherwise)."""
        ref = ref.lstrip("/") if ref.startswith("/") else ref
        named = self.containers.get(self.container_names.get(ref, ""))
        by_id = self.containers.get(ref)
        if named is not None and by_id is not None and named is not by_id:
            # a name that is another container's id: the first created wins, as a scan finds it
            return next(c for c in self.containers.values() if c is named or c is by_id)
        found = named if named is not None else by_id
        if found is not None:
            return found
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
            raise DockerError(self.profile.messages.ambiguous_network.format(ref=ref, count=len(matches)))
        if self.swarm is not None and self.swarm.node(self) is not None:
            cluster_net = self.swarm.network(ref)  # a swarm network this node has not used yet
            if cluster_net is not None:
                self.networks.setdefault(cluster_net.id, cluster_net)
                return cluster_net
        raise NoSuchNetwork(ref)

    def network_by_name(self, name: str) -> Network | None:
        """The network called ``name``, or None."""
        for n in self.networks.values():
            if n.name == name:
                return n
        return None

    # -- networks --------------------------------------------------------------------------------

    def create_network(self, spec: NetworkRequestSpec) -> Network:
        """``docker network create``: every check first, then IPAM, then the driver."""
        self._check_network_request(spec)
        driver = self.drivers[spec.driver]
        cluster_net = driver.allocate_network(spec)
        if cluster_net is not None:  # a global-scope driver (overlay): the swarm allocates
            self.networks[cluster_net.id] = cluster_net
            return cluster_net
        options = dict(spec.options or {})
        self._check_options(options)
        net_id = self.new_id()
        subnet = self._allocate_subnet(spec, net_id)
        pool = AddressPool(subnet, ip_range=spec.ip_range)
        try:
            for _name, ip in (spec.aux or {}).items():
                pool.allocate(ip)
            if spec.gateway is None and driver.skip_gateway(spec):
                gateway = None  # macvlan/ipvlan: no gateway unless asked for (29), none when internal
            else:
                gateway = pool.allocate(spec.gateway) if spec.gateway is not None else pool.allocate()
        except IpamError as error:
            self.subnets.release(subnet)
            raise DockerError(str(error)) from None
        bridge_name = options.get(BRIDGE_NAME_OPTION)
        net = Network(
            net_id, spec.name, spec.driver, self.sim.now + self.sim.stream("clock").random(),
            subnet=subnet, gateway=gateway, ip_range=spec.ip_range, pool=pool,
            internal=spec.internal, attachable=spec.attachable, options=options,
            labels=dict(spec.labels or {}), ipam_options={},
            aux_addresses={k: str(v) for k, v in (spec.aux or {}).items()},
            bridge_name=(bridge_name or f"br-{net_id[:12]}") if spec.driver == "bridge" else None,
            user_subnet=spec.subnet is not None, user_gateway=spec.gateway is not None,
        )
        try:
            driver.create(net)
        except DockerError:
            self.subnets.release(subnet)  # the driver refused: IPAM gives the pool back
            raise
        self.networks[net.id] = net
        self.refresh_firewall()
        return net

    def _check_network_request(self, spec: NetworkRequestSpec) -> None:
        """Not a predefined name, not taken, a driver that exists and may have another network."""
        messages = self.profile.messages
        if spec.name in ("bridge", "host", "none", "default"):
            raise DockerError(messages.predefined_network.format(name=spec.name))
        if self.network_by_name(spec.name) is not None:
            raise DockerError(messages.network_exists.format(name=spec.name))
        if spec.driver in ("host", "null"):
            raise DockerError(messages.single_instance.format(driver=spec.driver))
        if spec.driver not in self.drivers:
            raise DockerError(messages.no_plugin.format(driver=spec.driver))

    def _check_options(self, options: dict[str, str]) -> None:
        """Driver options: a bridge name no other network has, an MTU in 68-65535."""
        messages = self.profile.messages
        bridge_name = options.get(BRIDGE_NAME_OPTION)
        if bridge_name is not None:
            for other in self.networks.values():
                if other.bridge_name == bridge_name:
                    raise DockerError(messages.same_bridge_name.format(bridge=bridge_name, other=other.id))
        if MTU_OPTION in options:
            try:
                mtu = int(options[MTU_OPTION])
            except ValueError:
                raise DockerError(messages.invalid_mtu.format(value=options[MTU_OPTION])) from None
            if not 68 <= mtu <= 65535:
                raise DockerError(messages.invalid_mtu_number.format(mtu=mtu))

    def _allocate_subnet(self, spec: NetworkRequestSpec, net_id: str) -> IPv4Network:
        """The subnet asked for (refused if it overlaps), or the next free default pool."""
        if spec.subnet is not None:
            try:
                return self.subnets.request(spec.subnet, net_id)
            except IpamError as error:
                raise DockerError(self.profile.messages.pool_request.format(error=error)) from None
        try:
            return self.subnets.allocate(net_id)
        except IpamError as error:
            raise DockerError(str(error)) from None

    def remove_network(self, ref: str) -> Network:
        """``docker network rm``: refused for predefined networks and networks in use."""
        messages = self.profile.messages
        net = self.network(ref)
        if net.predefined:
            raise DockerError(messages.remove_predefined.format(name=net.name))
        if net.endpoints:
            ep = next(iter(net.endpoints.values()))
            raise DockerError(messages.active_endpoints.format(name=net.name, id=net.id, container=ep.container.name, endpoint=ep.id[:12]))
        driver = self.drivers[net.driver]
        driver.free_network(net)  # a swarm network: the cluster releases it
        driver.delete(net)
        if net.subnet is not None and net.scope == "local":
            self.subnets.release(net.subnet)
        del self.networks[net.id]
        self.refresh_firewall()
        return net

    def prune_networks(self) -> list[str]:
        """``docker network prune``: every user-defined network without endpoints, by name."""
        removed = []
        for net in sorted(list(self.networks.values()), key=lambda n: n.name):
            if not net.predefined and not net.endpoints:
                self.remove_network(net.id)
                removed.append(net.name)
        return removed

    def connect(self, net_ref: str, container_ref: str, ip: IPv4Address | None = None, aliases: tuple[str, ...] = ()) -> None:
        """``docker network connect``: live on a running container, recorded on a stopped one."""
        messages = self.profile.messages
        net = self.network(net_ref)
        container = self.container(container_ref)
        if net.driver == "host":
            raise DockerError(messages.connect_host)
        if container.network_mode.shares_namespace:
            raise DockerError(messages.connect_shared_namespace)
        if container.network_mode.is_none or net.driver == "null":
            raise DockerError(messages.connect_none)
        if net.name in container.networks:
            raise DockerError(messages.endpoint_exists.format(name=container.name, network=net.name))
        if aliases and net.is_default_bridge:
            raise DockerError(messages.alias_not_user_defined)
        if ip is not None:
            self.check_static_ip_allowed(net)
        request = NetworkRequest(net.id, aliases, ip, order=len(container.networks))
        container.failed_connects.pop(net.name, None)
        try:
            if ip is not None:
                self.check_static_ip(net, ip)
            if container.running:
                self.sandboxes.attach(container, net, request)
        except (IpamError, DockerError) as error:  # the endpoint could not be made: its settings were stored first
            if container.running and self.profile.failed_connect_leaves_entry:
                container.failed_connects[net.name] = request
            raise DockerError(str(error) if isinstance(error, IpamError) else error.message) from None
        if container.running:
            self.sandboxes.set_default_route(container)
            self.sandboxes.ensure_dns(container)
            self.refresh_firewall()
        container.networks[net.name] = request

    def disconnect(self, net_ref: str, container_ref: str, force: bool = False) -> None:
        """``docker network disconnect``: the endpoint goes (if running) and the request with it."""
        messages = self.profile.messages
        net = self.network(net_ref)
        container = self.container(container_ref)
        if net.driver == "host":
            raise DockerError(messages.disconnect_host)
        if net.name not in container.networks:
            raise DockerError(messages.not_connected.format(id=container.id, network=net.name))
        if net.name in container.endpoints:
            self.sandboxes.detach(container, net.name)
            self.sandboxes.set_default_route(container)
        del container.networks[net.name]
        self.refresh_firewall()

    def check_static_ip_allowed(self, net: Network) -> None:
        """``--ip``: only on a user-defined network (< 29.1: one with a subnet given)."""
        messages = self.profile.messages
        if net.is_default_bridge:
            raise DockerError(messages.ip_not_user_defined)
        if not net.user_subnet and messages.ip_needs_user_subnet is not None:
            raise DockerError(messages.ip_needs_user_subnet)

    def check_static_ip(self, net: Network, ip: IPv4Address) -> None:
        """``--ip``: only on a user-defined network (< 29.1: one with a subnet given), inside it."""
        self.check_static_ip_allowed(net)
        if net.subnet is None or ip not in net.subnet:
            raise DockerError(self.profile.messages.ip_outside_subnets.format(ip=ip))

    # -- containers ------------------------------------------------------------------------------

    def add_container(self, container: Container) -> None:
        """Record a new container (its name is free: ``create`` checked)."""
        self.containers[container.id] = container
        self.container_names[container.name] = container.id

    def forget_container(self, container: Container) -> None:
        """``docker rm`` (or ``--rm`` at exit): the container and its name are gone."""
        self.containers.pop(container.id, None)
        if self.container_names.get(container.name) == container.id:
            del self.container_names[container.name]

    def create(self, req: RunRequest) -> Container:
        """``docker create``: validate everything first, then record the container."""
        return self.lifecycle.create(req)

    def start(self, container: Container, run_main: bool = True) -> None:
        """``docker start``: build the sandbox and the endpoints, run the image's process.

        ``run_main=False``: the caller runs the container's command in the foreground
        (``docker run IMAGE CMD`` without ``-d``) and ends the container after it.
        """
        self.lifecycle.start(container, run_main)

    def exited(self, container: Container, code: int) -> None:
        """The container's main process ended with ``code``."""
        self.lifecycle.exited(container, code)

    def stop(self, container: Container, kill: bool = False) -> float:
        """``docker stop``: SIGTERM, then SIGKILL after 10 s. Returns how long it took."""
        return self.lifecycle.stop(container, kill)

    def remove(self, container: Container, force: bool = False) -> None:
        """``docker rm``: refused for a running container unless forced."""
        self.lifecycle.remove(container, force)

    def container_files(self, container: Container) -> dict[str, str]:
        """/etc/hostname, /etc/hosts and /etc/resolv.conf as the container's programs read them."""
        return container_files.container_files(self, container)
