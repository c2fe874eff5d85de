"""Network drivers behind one protocol, registered in a table.

A driver builds what its network needs in the kernel when the network is created
(``create``), attaches a container's sandbox when an endpoint joins (``join``) and
undoes both. ``host`` and ``null`` build nothing: the container shares the host's
namespace, or keeps only ``lo``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from simulator.engine.network import Endpoint, Network


class NetworkDriver(Protocol):
    """What libnetwork asks of a driver."""

    name: str

    def create(self, network: Network) -> None: ...

    def delete(self, network: Network) -> None: ...

    def join(self, network: Network, endpoint: Endpoint) -> None: ...

    def leave(self, network: Network, endpoint: Endpoint) -> None: ...


class NullDriver:
    """``none`` (driver ``null``) and ``host``: nothing to build."""

    def __init__(self, name: str) -> None:
        self.name = name

    def create(self, network: Network) -> None:
        pass

    def delete(self, network: Network) -> None:
        pass

    def join(self, network: Network, endpoint: Endpoint) -> None:
        pass

    def leave(self, network: Network, endpoint: Endpoint) -> None:
        pass
