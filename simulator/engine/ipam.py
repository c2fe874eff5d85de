"""Docker's default IPAM: which subnet a network gets, which address an endpoint gets.

Subnets (``docker network create`` without ``--subnet``): the local default pools
in their order (172.17/16 ... 172.31/16, then 192.168.0.0/16 cut into /20s). The
current engine returns the lowest free block (gaps re-used, v27.0.1+); engines up
to 26.1 rotate round-robin past the last allocation. Blocks that overlap the
host's on-link networks or nameservers are skipped (v23+). Explicit subnets are
checked only against other Docker networks.

Addresses inside a subnet: the network and broadcast addresses are reserved
(except /31 and /32), the gateway is requested first (so it is ``.1``), and every
endpoint gets the lowest free address, a freed one re-used at once.
``--ip-range`` restricts dynamic allocation to the range; ``--aux-address`` and
static ``--ip`` reserve exactly what they name.

Pure: no clock, no kernel. Source: ``daemon/libnetwork/ipams/defaultipam``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

DEFAULT_POOLS: tuple[tuple[str, int], ...] = (
    ("172.17.0.0/16", 16),
    ("172.18.0.0/16", 16),
    ("172.19.0.0/16", 16),
    ("172.20.0.0/14", 16),
    ("172.24.0.0/14", 16),
    ("172.28.0.0/14", 16),
    ("192.168.0.0/16", 20),
)


class IpamError(Exception):
    """IPAM refused; ``str()`` is the daemon's message."""


def predefined_subnets() -> list[IPv4Network]:
    """Every block of the default pools, in allocation order (31 of them)."""
    out: list[IPv4Network] = []
    for base, size in DEFAULT_POOLS:
        out.extend(IPv4Network(base).subnets(new_prefix=size))
    return out


class SubnetAllocator:
    """The local address space: which subnets Docker networks hold."""

    def __init__(self, strategy: str = "lowest-free", reserved: list[IPv4Network] | None = None) -> None:
        self.strategy = strategy
        self.reserved = list(reserved or [])
        self.allocated: dict[IPv4Network, str] = {}
        self._candidates = predefined_subnets()
        self._start = 0

    def _overlaps(self, net: IPv4Network, extra: list[IPv4Network]) -> bool:
        return any(net.overlaps(other) for other in [*self.allocated, *extra])

    def allocate(self, owner: str) -> IPv4Network:
        """A dynamic subnet for a new network."""
        n = len(self._candidates)
        order = range(n) if self.strategy == "lowest-free" else [(self._start + k) % n for k in range(n)]
        for i in order:
            net = self._candidates[i]
            if not self._overlaps(net, self.reserved):
                self.allocated[net] = owner
                if self.strategy != "lowest-free":
                    self._start = i + 1
                return net
        if self.strategy == "lowest-free":
            raise IpamError("all predefined address pools have been fully subnetted")
        raise IpamError("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")

    def request(self, subnet: IPv4Network, owner: str) -> IPv4Network:
        """An explicit ``--subnet``: refused if it overlaps another Docker network."""
        if self._overlaps(subnet, []):
            raise IpamError("Pool overlaps with other one on this address space")
        self.allocated[subnet] = owner
        return subnet

    def release(self, subnet: IPv4Network) -> None:
        """Give it back."""
        self.allocated.pop(subnet, None)


@dataclass
class AddressPool:
    """The addresses of one subnet: a bitmap scanned from the start (serial = false).

    The scan starts at a floor below which every address of the scope is taken
    (raised as addresses are given, lowered when one comes back), so the lowest
    free address is found without walking the ones in use.
    """

    subnet: IPv4Network
    ip_range: IPv4Network | None = None
    used: set[int] = field(default_factory=set)
    aux: dict[str, IPv4Address] = field(default_factory=dict)
    # per scope (first, last): every address from first up to the floor is in use
    floors: dict[tuple[int, int], int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.subnet.prefixlen < 31:
            self.used.add(int(self.subnet.network_address))
            self.used.add(int(self.subnet.broadcast_address))

    def allocate(self, preferred: IPv4Address | None = None, in_range: bool = True) -> IPv4Address:
        """The lowest free address (of ``--ip-range`` if set), or exactly ``preferred``."""
        if preferred is not None:
            if preferred not in self.subnet:
                raise IpamError(f"no configured subnet contains IP address {preferred}")
            if int(preferred) in self.used:
                raise IpamError("Address already in use")
            self.used.add(int(preferred))
            return preferred
        scope = self.ip_range if (in_range and self.ip_range is not None) else self.subnet
        first, last = int(scope.network_address), int(scope.broadcast_address)
        candidate = self.floors.get((first, last), first)
        while candidate <= last:
            if candidate not in self.used:
                self.used.add(candidate)
                self.floors[(first, last)] = candidate + 1
                return IPv4Address(candidate)
            candidate += 1
        self.floors[(first, last)] = candidate
        raise IpamError("no available IPv4 addresses")

    def release(self, ip: IPv4Address) -> None:
        """Give it back."""
        n = int(ip)
        self.used.discard(n)
        for (first, last), floor in self.floors.items():
            if first <= n < floor:
                self.floors[(first, last)] = n

    def in_use(self) -> int:
        """How many addresses are allocated."""
        return len(self.used)
