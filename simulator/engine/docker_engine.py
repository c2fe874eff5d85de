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
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.engine import firewall, names
from simulator.engine.container import Container, NetworkRequest
from simulator.engine.drivers import NetworkDriver, NullDriver
from simulator.engine.drivers.bridge import BridgeDriver
from simulator.engine.ipam import AddressPool, IpamError, SubnetAllocator
from simulator.engine.network import Endpoint, Network
from simulator.errors import DockerError, NoSuchContainer, NoSuchNetwork
from simulator.kernel.ipv4.routing import DEFAULT_NETWORK, Route
from simulator.kernel.namespace import NetworkNamespace
from simulator.packets.addresses import MacAddress

if TYPE_CHECKING:
    from simulator.engine.images import Image
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
        }
        reserved = [a.network for a in machine.netns.ipv4.addresses if a.scope != "host"]
        reserved += [IPv4Network(f"{ns}/32") for ns in machine.resolv_conf_nameservers]
        self.subnets = SubnetAllocator(profile.subnet_allocation, reserved)
        self._firewall: firewall.RuleSet | None = None
        self._used_veth: set[str] = set()
        self._boot()

    # -- ids and names ---------------------------------------------------------------------

    def new_id(self) -> str:
        return f"{self.sim.rng.getrandbits(256):064x}"

    def random_veth_name(self) -> str:
        """``veth`` + 7 hex (netutils.GenerateRandomName), retried on a clash."""
        while True:
            name = f"veth{self.sim.rng.getrandbits(28):07x}"
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
                    endpoints=tuple(ep.ip for ep in net.endpoints.values() if ep.ip is not None),
                )
            )
        rules = firewall.ruleset(self.profile, states)
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
        raise NoSuchNetwork(ref)

    def network_by_name(self, name: str) -> Network | None:
        for n in self.networks.values():
            if n.name == name:
                return n
        return None

    # -- containers ------------------------------------------------------------------------------

    def create(self, req: RunRequest) -> Container:
        """``docker create``: validate everything first, then record the container."""
        if req.name is not None:
            if not NAME_RE.match(req.name):
                raise DockerError(f"Invalid container name ({req.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", 125)
            for c in self.containers.values():
                if c.name == req.name.lstrip("/"):
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
        elif mode.startswith("container:"):
            target = self.container(mode.split(":", 1)[1])
            if target.id == "":
                raise DockerError("cannot join own network namespace", 125)
            mode_name = f"container:{target.id}"
        else:
            net = self.network(mode)
            requests[net.name] = NetworkRequest(net.id, req.aliases, req.ip)
            mode_name = net.name
        cid = self.new_id()
        name = (req.name or names.generate(self.sim.rng, {c.name for c in self.containers.values()})).lstrip("/")
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
        )
        self.containers[cid] = container
        return container

    def start(self, container: Container) -> None:
        """``docker start``: build the sandbox and the endpoints, run the image's process."""
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
        else:
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
            self._set_default_route(container)
        container.state = "running"
        container.started_at = self.sim.now
        container.pid = self.machine.next_pid()
        self.refresh_firewall()
        if not container.stays_up:
            self.sim.call_later(0.05, lambda: self._exited(container, 0))

    def _exited(self, container: Container, code: int) -> None:
        if container.running:
            self._teardown(container)
            container.state = "exited"
            container.exit_code = code
            container.finished_at = self.sim.now
            self.refresh_firewall()

    def _attach(self, container: Container, net: Network, request: NetworkRequest) -> Endpoint:
        if net.pool is None or net.subnet is None:
            raise DockerError(f"network {net.name} has no address pool")
        ip = net.pool.allocate(request.static_ip)
        if self.profile.mac_scheme == "ip":
            mac = MacAddress.from_ipv4(ip)
        else:
            mac = MacAddress.random_local(self.sim.rng)
        ifname = self._next_ifname(container)
        endpoint = Endpoint(self.new_id(), net, container, ip, mac, ifname, aliases=request.aliases, static_ip=request.static_ip)
        self.drivers[net.driver].join(net, endpoint)
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
        candidates = [ep for ep in container.endpoints.values() if ep.network.gateway is not None and not ep.network.internal]
        if not candidates:
            return
        candidates.sort(key=lambda ep: (ep.network.name == "docker_gwbridge", ep.network.name))
        best = candidates[0]
        ns.ipv4.routes.add(Route(DEFAULT_NETWORK, best.ifname, gateway=best.network.gateway))

    def _teardown(self, container: Container) -> None:
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
