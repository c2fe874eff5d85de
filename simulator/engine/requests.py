"""What the CLI asks the daemon, parsed: ``docker run``/``create`` and ``docker network create``.

The CLI reads the flags (``-p``, ``--network``, ``--ip`` ...) into these values
after its own validation; the engine checks them against its state and answers
with the daemon's messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.engine.network_mode import ModeKind, NetworkMode

if TYPE_CHECKING:
    from simulator.engine.images import Image


@dataclass(frozen=True)
class PortSpec:
    """One ``-p [IP:][HOST:]CONTAINER[/PROTO]`` request (host_port 0 = ephemeral; ``host_port_end``:
    ``-p 8000-8010:80``, the first free port of the range)."""

    container_port: int
    proto: str = "tcp"
    host_port: int = 0
    host_ip: str = ""
    host_port_end: int = 0


@dataclass
class RunRequest:
    """Everything ``docker run``/``docker create`` was asked, parsed."""

    image: Image
    image_ref: str  # the image as typed (``docker ps`` shows it)
    command: tuple[str, ...] = ()
    name: str | None = None
    network: NetworkMode = field(default_factory=lambda: NetworkMode(ModeKind.DEFAULT))
    more_networks: tuple[NetworkMode, ...] = ()  # a second --network and after
    aliases: tuple[str, ...] = ()
    ip: IPv4Address | None = None
    hostname: str | None = None
    domainname: str = ""  # --domainname
    interactive: bool = False
    tty: bool = False
    env: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    rm: bool = False
    publish: tuple[PortSpec, ...] = ()
    publish_all: bool = False
    cap_add: tuple[str, ...] = ()  # --cap-add (as typed: NET_ADMIN, CAP_NET_ADMIN, net_admin, ALL)
    privileged: bool = False
    mac_address: str = ""  # --mac-address (the CLI checked its form)
    dns: tuple[str, ...] = ()  # --dns
    dns_search: tuple[str, ...] = ()  # --dns-search
    dns_options: tuple[str, ...] = ()  # --dns-option
    extra_hosts: tuple[str, ...] = ()  # --add-host NAME:IP, as typed


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
