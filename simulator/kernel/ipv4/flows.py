"""The per-flow fast path: what the stack decided for one packet, kept for the next of its flow.

Linux does not walk the whole IPv4 path for every packet either: a socket caches its
route (``sk_dst_cache``), a neighbour in a connected state writes the link-layer header
from its cache (``neigh_hh_output``), and an established connection's packets are
matched by conntrack before any rule. Here three decisions are kept, each for the
packets that would take exactly the same path:

* **the link-layer step** of output, by (device, destination): the device and the
  destination MAC, once the neighbour entry is in a state where using it changes
  nothing (REACHABLE, DELAY, PROBE, PERMANENT: a STALE entry moves to DELAY when used,
  so it is never kept), or the broadcast or loopback header;
* **the route a local packet takes** (``route_to``) and its source address, by destination;
* **the verdict of a hook** for a packet of an established connection, by what the
  rules can match on (addresses, protocol, ports, devices, whether the destination is
  local, the connection state), with the counters the walk bumped: a cached verdict
  bumps the same rule and policy counters, so ``iptables -L -v`` and ``iptables-save -c``
  read as if every packet walked the chains.

Every entry belongs to one *generation*: the sum of the change counters of the routing
table, the neighbour table (entries created, replaced or removed), netfilter (rules,
chains, policies), conntrack (entries removed) and the stack's own addresses and
devices. Each counter only grows, so the sum changes when any of them does; the next
packet then finds the cache empty and takes the full path, which fills it again. Two
changes are finer-grained, because they are frequent and touch one flow at most: a
neighbour entry changing state (REACHABLE to STALE after its reachable time, say)
makes only the steps through that entry stale (each step keeps the entry's own
generation), and a new connection in conntrack changes nothing kept (a verdict is
kept per connection state, which is part of its key). What a learner can observe (the
frames, the trace records, the counters) is the same with or without the cache:
``tests/kernel/test_flows.py`` changes each of those tables under a cached flow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    from simulator.kernel.devices.device import Device
    from simulator.kernel.ipv4.neighbour import Neighbour
    from simulator.kernel.ipv4.netfilter import Chain, Counted, Verdict
    from simulator.kernel.ipv4.routing import Route
    from simulator.packets.addresses import MacAddress

MAX_ENTRIES = 4096  # per kind: a namespace talking to more peers than this starts again

# A cached link-layer step: the device, the destination MAC, the source MAC when it is not
# the device's own (loopback frames carry zeros), and the neighbour entry with its
# generation when they came from one (a change of the entry's state makes the step stale).
LinkStep = tuple["Device", "MacAddress", "MacAddress | None", "Neighbour | None", int]
VerdictKey = tuple[str, str, str, int, int, int, int, str | None, str | None, bool, str]
CachedVerdict = tuple["Verdict", list["Counted | Chain"]]


class FlowCache:
    """The fast path's three tables, valid for one generation of the stack's state."""

    __slots__ = ("generation", "links", "local_routes", "verdicts")

    def __init__(self) -> None:
        self.generation = -1
        self.links: dict[tuple[str, int], LinkStep] = {}
        self.local_routes: dict[int, tuple[Route, IPv4Address]] = {}
        self.verdicts: dict[VerdictKey, CachedVerdict] = {}

    def reset(self, generation: int) -> None:
        """Something the cached decisions depend on changed: forget them all."""
        self.generation = generation
        self.links.clear()
        self.local_routes.clear()
        self.verdicts.clear()

    def remember_link(self, key: tuple[str, int], step: LinkStep) -> None:
        """Keep the link-layer step for ``(device name, destination)``."""
        if len(self.links) >= MAX_ENTRIES:
            self.links.clear()
        self.links[key] = step

    def remember_route(self, dst: int, route: Route, src: IPv4Address) -> None:
        """Keep the route a local packet to ``dst`` takes, and the source address it gets."""
        if len(self.local_routes) >= MAX_ENTRIES:
            self.local_routes.clear()
        self.local_routes[dst] = (route, src)

    def remember_verdict(self, key: VerdictKey, verdict: Verdict, counted: list[Counted | Chain]) -> None:
        """Keep a hook's verdict for an established flow, with the counters its walk bumped."""
        if len(self.verdicts) >= MAX_ENTRIES:
            self.verdicts.clear()
        self.verdicts[key] = (verdict, counted)
