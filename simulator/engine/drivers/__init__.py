"""Network drivers under one base class, registered in a table.

A driver builds what its network needs in the kernel when the network is created
(``create``), attaches a container's sandbox when an endpoint joins (``join``) and
undoes both. ``host`` and ``null`` build nothing: the container shares the host's
namespace, or keeps only ``lo``.

:class:`NetworkDriver` names every hook the engine calls. The four libnetwork
calls are abstract; the others have the local-scope answer as their default,
which a driver overrides where it differs (overlay: the swarm allocates the
network, the MAC follows the address, the default route goes elsewhere).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from simulator.packets.addresses import MacAddress

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Endpoint, Network
    from simulator.engine.requests import NetworkRequestSpec
    from simulator.engine.swarm import Peer
    from simulator.kernel.namespace import NetworkNamespace


class NetworkDriver(ABC):
    """What libnetwork asks of a driver."""

    name: str = ""
    provides_gateway: bool = True  # the default route may go through this network's gateway

    def __init__(self, engine: DockerEngine) -> None:
        self.engine = engine

    # -- libnetwork's four calls -------------------------------------------------------------

    @abstractmethod
    def create(self, network: Network) -> None:
        """Build what a new network needs in the kernel (a bridge, a parent link)."""

    @abstractmethod
    def delete(self, network: Network) -> None:
        """Undo ``create``."""

    @abstractmethod
    def join(self, network: Network, endpoint: Endpoint) -> None:
        """Give the endpoint's container its interface on this network."""

    @abstractmethod
    def leave(self, network: Network, endpoint: Endpoint) -> None:
        """Undo ``join``."""

    # -- hooks with a local-scope default ------------------------------------------------------

    def allocate_network(self, spec: NetworkRequestSpec) -> Network | None:
        """A global-scope driver allocates the network itself (the swarm's); None: IPAM on this host."""
        return None

    def free_network(self, network: Network) -> None:
        """``docker network rm`` of a global-scope network: the cluster forgets it (local scope: nothing)."""
        return None

    def skip_gateway(self, spec: NetworkRequestSpec) -> bool:
        """Whether a network made without ``--gateway`` gets no gateway address."""
        return False

    def endpoint_mac(self, network: Network, ip: IPv4Address) -> MacAddress | None:
        """An endpoint's MAC: ``02:42`` + the IPv4 address (<= 27) or random (>= 28, moby#48808)."""
        if self.engine.profile.mac_scheme == "ip":
            return MacAddress.from_ipv4(ip)
        return MacAddress.random_local(self.engine.sim.stream("macs"))

    def namespaces(self) -> list[NetworkNamespace]:
        """The namespaces this driver made of its own (overlay's per-network sandboxes)."""
        return []

    def program_peer(self, network: Network, peer: Peer, add: bool) -> None:
        """The control plane tells this host about a remote endpoint (overlay; others have no peers)."""
        return None


class NullDriver(NetworkDriver):
    """``none`` (driver ``null``) and ``host``: nothing to build."""

    def __init__(self, engine: DockerEngine, name: str) -> None:
        super().__init__(engine)
        self.name = name

    def create(self, network: Network) -> None:
        """Nothing to build."""

    def delete(self, network: Network) -> None:
        """Nothing to undo."""

    def join(self, network: Network, endpoint: Endpoint) -> None:
        """Nothing to attach."""

    def leave(self, network: Network, endpoint: Endpoint) -> None:
        """Nothing to detach."""
