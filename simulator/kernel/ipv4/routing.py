"""The routing table and longest-prefix match (``ip route``).

A route is a value; the table is a list kept sorted by prefix length, longest
first, then by metric. ``lookup`` is pure and cached per destination; any change
to the table clears the cache. Only the main table is modelled: local and
broadcast addresses are recognised by the stack directly (the kernel's local
table holds exactly those).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv4Network

DEFAULT_NETWORK = IPv4Network("0.0.0.0/0")


@dataclass(frozen=True, slots=True)
class Route:
    """One route of the main table."""

    network: IPv4Network
    dev: str
    gateway: IPv4Address | None = None
    proto: str | None = None  # "kernel" for connected routes, "static" for `ip route add`
    scope: str | None = None  # "link" for connected routes
    src: IPv4Address | None = None
    metric: int | None = None
    # text(), made once: every RouteChosen record carries it
    _text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_text", self._format())

    @property
    def is_default(self) -> bool:
        """The route for 0.0.0.0/0."""
        return self.network.prefixlen == 0

    def text(self) -> str:
        """As modern ``ip route`` prints it (without the trailing space)."""
        return self._text

    def _format(self) -> str:
        parts = ["default" if self.is_default else str(self.network)]
        if self.gateway is not None:
            parts += ["via", str(self.gateway)]
        parts += ["dev", self.dev]
        if self.proto is not None:
            parts += ["proto", self.proto]
        if self.scope is not None:
            parts += ["scope", self.scope]
        if self.src is not None:
            parts += ["src", str(self.src)]
        if self.metric is not None:
            parts += ["metric", str(self.metric)]
        return " ".join(parts)


class RoutingTable:
    """The main routing table of a namespace."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._cache: dict[int, Route | None] = {}  # by integer address: hashing an IPv4Address runs Python code
        self.generation = 0  # bumps at every change (the stack's per-flow cache checks it)

    def add(self, route: Route) -> None:
        """``ip route add``; raises FileExistsError for an identical destination and metric."""
        for r in self.routes:
            if r.network == route.network and r.metric == route.metric:
                raise FileExistsError("RTNETLINK answers: File exists")
        self.routes.append(route)
        self.routes.sort(key=lambda r: (-r.network.prefixlen, r.metric or 0))
        self._cache.clear()
        self.generation += 1

    def remove(self, predicate: object) -> int:
        """Delete the routes for which ``predicate(route)`` is true; returns how many."""
        assert callable(predicate)
        before = len(self.routes)
        self.routes = [r for r in self.routes if not predicate(r)]
        self._cache.clear()
        self.generation += 1
        return before - len(self.routes)

    def rename_device(self, old: str, new: str) -> None:
        """``ip link set OLD name NEW``: routes through the device follow it."""
        if any(r.dev == old for r in self.routes):
            self.routes = [replace(r, dev=new) if r.dev == old else r for r in self.routes]
            self._cache.clear()
            self.generation += 1

    def lookup(self, dst: IPv4Address) -> Route | None:
        """Longest-prefix match, then the lowest metric."""
        key = int(dst)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = None
        for route in self.routes:
            if dst in route.network:
                found = route
                break
        self._cache[key] = found
        return found

    def listing(self) -> list[Route]:
        """In the order ``ip route`` prints: default routes first, then by address."""
        return sorted(self.routes, key=lambda r: (not r.is_default, int(r.network.network_address), r.network.prefixlen, r.metric or 0))
