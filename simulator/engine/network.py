"""Networks and endpoints, as libnetwork names them.

A :class:`Network` is what ``docker network ls`` lists: an id, a name, a driver,
its IPAM configuration and its driver options. An :class:`Endpoint` is one
container's attachment to one network: its address, its MAC, the interface name
inside the container and, for the bridge driver, the host-side veth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.engine.ipam import AddressPool

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.packets.addresses import MacAddress


@dataclass
class Endpoint:
    """A container's attachment to a network (``docker network inspect`` .Containers)."""

    id: str
    network: Network
    container: Container
    ip: IPv4Address | None
    mac: MacAddress | None
    ifname: str
    host_ifname: str | None = None
    aliases: tuple[str, ...] = ()
    static_ip: IPv4Address | None = None
    attached: int = 0  # attach order: the network's endpoints are in this order

    @property
    def prefixlen(self) -> int:
        """The subnet's prefix length (0 on a network without one)."""
        return self.network.subnet.prefixlen if self.network.subnet else 0


@dataclass
class Network:
    """A Docker network."""

    id: str
    name: str
    driver: str
    created: float
    subnet: IPv4Network | None = None
    gateway: IPv4Address | None = None
    ip_range: IPv4Network | None = None
    pool: AddressPool | None = None
    internal: bool = False
    attachable: bool = False
    predefined: bool = False
    options: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    ipam_options: dict[str, str] | None = field(default_factory=dict)
    aux_addresses: dict[str, str] = field(default_factory=dict)
    bridge_name: str | None = None
    scope: str = "local"
    user_subnet: bool = False  # --subnet given at create (< 29.1: --ip needs it)
    user_gateway: bool = False  # --gateway given at create (<= 28: inspect shows only a given one)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)  # by container id

    @property
    def short_id(self) -> str:
        """The id as ``docker network ls`` shows it (12 hex)."""
        return self.id[:12]

    @property
    def is_default_bridge(self) -> bool:
        """The predefined ``bridge`` network (docker0)."""
        return self.name == "bridge" and self.predefined

    @property
    def user_defined(self) -> bool:
        """Made with ``docker network create`` (not bridge, host or none)."""
        return not self.predefined
