"""A container as the engine keeps it: configuration, state, and its sandbox.

The sandbox (libnetwork's word) is the container's network namespace; it exists
while the container runs. ``networks`` is what the container asked for (kept
across stop/start); ``endpoints`` is what it has now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.engine.container_logs import ContainerLog
from simulator.engine.network_mode import NetworkMode
from simulator.programs.archive import PackageDb

if TYPE_CHECKING:
    from simulator.engine.embedded_dns import EmbeddedDns
    from simulator.engine.firewall import PublishedPort
    from simulator.engine.images import Image
    from simulator.engine.network import Endpoint
    from simulator.engine.requests import PortSpec, RunRequest
    from simulator.engine.services import Service
    from simulator.kernel.namespace import NetworkNamespace


@dataclass
class NetworkRequest:
    """One ``--network``/``network connect`` request, kept in the container's config."""

    network_id: str
    aliases: tuple[str, ...] = ()
    static_ip: IPv4Address | None = None
    order: int = 0
    mac: str = ""  # --mac-address, for the network ``docker run`` named


@dataclass
class Container:
    """One container."""

    id: str
    name: str
    image: Image
    command: tuple[str, ...]
    created: float
    hostname: str
    network_mode: NetworkMode  # bridge, host, none, container:<id> or a network, resolved at create
    image_ref: str = ""  # the image as typed (``docker ps`` IMAGE)
    interactive: bool = False
    tty: bool = False
    state: str = "created"  # created | running | exited
    exit_code: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    netns: NetworkNamespace | None = None
    networks: dict[str, NetworkRequest] = field(default_factory=dict)  # by network name
    endpoints: dict[str, Endpoint] = field(default_factory=dict)  # by network name
    env: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (target name, alias)
    ifname_counter: int = 0
    pid: int = 0
    sandbox_id: str = ""  # libnetwork's sandbox id while running
    auto_remove: bool = False  # --rm
    host_endpoint_id: str = ""  # host or none mode: the endpoint (no interface) `docker network inspect host|none` lists
    name_explicit: bool = True  # --name given (<= 24: generated names are not in DNS)
    dns: EmbeddedDns | None = None  # the embedded DNS serving this container, while it runs
    packages: PackageDb = field(default_factory=PackageDb)  # what apt-get / apk installed in this container
    services: list[Service] = field(default_factory=list)  # servers the image runs (nginx's HTTP listener)
    publish: tuple[PortSpec, ...] = ()  # -p requests
    publish_all: bool = False  # -P
    cap_add: tuple[str, ...] = ()  # --cap-add
    privileged: bool = False  # --privileged
    port_bindings: list[PublishedPort] = field(default_factory=list)  # while running
    domainname: str = ""  # --domainname
    mac_address: str = ""  # --mac-address
    dns_servers: tuple[str, ...] = ()  # --dns
    dns_search: tuple[str, ...] = ()  # --dns-search
    dns_options: tuple[str, ...] = ()  # --dns-option
    extra_hosts: tuple[str, ...] = ()  # --add-host NAME:IP
    log: ContainerLog = field(default_factory=ContainerLog)  # what its main process wrote (docker logs)
    # 20.10: the --network request as given, its network (and address, or container:NAME)
    # looked up at the first start; None once resolved
    unresolved: RunRequest | None = None
    # 20.10: a `network connect` that failed once its settings were recorded (no address
    # in the subnet, or none left) stays in NetworkSettings.Networks, empty, until the next connect
    failed_connects: dict[str, NetworkRequest] = field(default_factory=dict)

    @property
    def short_id(self) -> str:
        """The id as ``docker ps`` shows it (12 hex)."""
        return self.id[:12]

    @property
    def net_admin(self) -> bool:
        """CAP_NET_ADMIN (Docker drops it unless --cap-add NET_ADMIN/ALL or --privileged)."""
        return self.privileged or any(c.upper().removeprefix("CAP_") in ("NET_ADMIN", "ALL") for c in self.cap_add)

    @property
    def running(self) -> bool:
        """Whether it is running (``Up`` in ``docker ps``)."""
        return self.state == "running"

    @property
    def stays_up(self) -> bool:
        """A shell exits at once without a terminal or open stdin; a server keeps running."""
        return self.image.daemon or self.interactive or self.tty
