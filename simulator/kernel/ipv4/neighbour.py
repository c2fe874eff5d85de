"""The neighbour (ARP) table and the kernel's state machine (net/core/neighbour.c).

States, as ``ip neigh`` prints them, and what moves an entry between them:

=============  =========================================  ==========================
state          event                                      next
=============  =========================================  ==========================
(none)         a packet needs the address                 INCOMPLETE: broadcast request
INCOMPLETE     reply received                             REACHABLE (queued packets go)
INCOMPLETE     retrans timer, fewer than 3 requests sent  INCOMPLETE: broadcast again
INCOMPLETE     retrans timer, 3 requests sent             FAILED (queued packets dropped,
                                                          "Destination Host Unreachable")
REACHABLE      reachable_time passed (15-45 s)            STALE
STALE          a packet is sent                           DELAY (5 s timer)
DELAY          timer, confirmed within the last 5 s       REACHABLE
DELAY          timer, not confirmed                       PROBE: unicast request
PROBE          reply received                             REACHABLE
PROBE          retrans timer, fewer than 3 probes         PROBE: unicast again
PROBE          retrans timer, 3 probes sent               FAILED
(any)          request from it for one of our addresses   STALE (new entry, or new MAC)
=============  =========================================  ==========================

Timers are the defaults of ``/proc/sys/net/ipv4/neigh/*``: base_reachable_time 30 s
(each entry's reachable time is random in [15 s, 45 s]), delay_first_probe_time
5 s, retrans_time 1 s, mcast_solicit 3, ucast_solicit 3, unres_qlen 101.
Reachability is confirmed only by an ARP reply here: ICMP and UDP never confirm
(TCP's confirmation is modelled with the same call when it is used).
Garbage collection does not run below gc_thresh1 (128 entries), so STALE entries
stay, as on a small host.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.trace.records import NeighbourChanged

if TYPE_CHECKING:
    from simulator.packets.addresses import MacAddress
    from simulator.packets.ipv4 import IPv4Packet
    from simulator.sim.simulation import Simulation

BASE_REACHABLE_TIME_S = 30.0
DELAY_FIRST_PROBE_TIME_S = 5.0
RETRANS_TIME_S = 1.0
MCAST_SOLICIT = 3
UCAST_SOLICIT = 3
UNRES_QLEN = 101


class NudState(Enum):
    """Neighbour Unreachability Detection states (include/net/neighbour.h)."""

    INCOMPLETE = "INCOMPLETE"
    REACHABLE = "REACHABLE"
    STALE = "STALE"
    DELAY = "DELAY"
    PROBE = "PROBE"
    FAILED = "FAILED"
    PERMANENT = "PERMANENT"
    NOARP = "NOARP"


VALID = {NudState.REACHABLE, NudState.STALE, NudState.DELAY, NudState.PROBE, NudState.PERMANENT, NudState.NOARP}


@dataclass(slots=True)
class Neighbour:
    """One entry: an IPv4 address on a device and what we know of its MAC."""

    ip: IPv4Address
    dev: str
    state: NudState
    mac: MacAddress | None = None
    probes: int = 0
    confirmed: float = float("-inf")
    updated: float = 0.0
    generation: int = 0  # bumps at every change of state (or MAC); stale timer callbacks and cached flows see a mismatch
    # the packets waiting for resolution, each with the position of the record that made the
    # stack send it (``Tracer.cause``): sent later, it still points back at the frame that brought it
    queue: list[tuple[IPv4Packet, int]] = field(default_factory=list)


class NeighbourTable:
    """The ARP table of one namespace, driving requests through callbacks.

    ``solicit(dev, ip, target_mac_or_None, sender_ip)`` sends a request (broadcast
    when the MAC is None); ``flush(entry, queued)`` sends packets that waited for
    resolution; ``failed(entry, queued)`` reports packets that never got there (each
    packet with its cause, as :attr:`Neighbour.queue` keeps them).
    """

    def __init__(
        self,
        sim: Simulation,
        node: Callable[[], str],
        solicit: Callable[[Neighbour], None],
        flush: Callable[[Neighbour, list[tuple[IPv4Packet, int]]], None],
        failed: Callable[[Neighbour, list[tuple[IPv4Packet, int]]], None],
    ) -> None:
        self.sim = sim
        self._node = node
        self._solicit = solicit
        self._flush = flush
        self._failed = failed
        self.entries: dict[tuple[str, IPv4Address], Neighbour] = {}
        self._owners = sim.neighbour_owners  # the lab's index of entries by address (flood.py reads it)
        # Bumps when an entry is created, replaced or removed (the stack's per-flow cache checks it;
        # a change of an entry's state bumps that entry's own ``generation``).
        self.generation = 0

    # -- helpers ----------------------------------------------------------------------

    def reachable_time_s(self) -> float:
        """neigh_rand_reach_time: uniform in [base/2, 3*base/2)."""
        return BASE_REACHABLE_TIME_S / 2 + self.sim.stream("neigh").random() * BASE_REACHABLE_TIME_S

    def _set(self, entry: Neighbour, state: NudState, cause: str) -> None:
        old = entry.state
        entry.state = state
        entry.updated = self.sim.now
        entry.generation += 1
        self.sim.tracer.emit(
            NeighbourChanged(self.sim.now, self._node(), entry.dev, entry.ip, old.value, state.value, str(entry.mac) if entry.mac else None, cause)
        )

    def _arm(self, entry: Neighbour, delay_s: float) -> None:
        generation = entry.generation

        def fire() -> None:
            if entry.generation == generation and self.entries.get((entry.dev, entry.ip)) is entry:
                self._timer(entry)

        self.sim.call_later(delay_s, fire)

    # -- events -------------------------------------------------------------------------

    def resolve(self, dev: str, ip: IPv4Address, packet: IPv4Packet) -> MacAddress | None:
        """The MAC to send ``packet`` to, or None if it was queued (or dropped) for resolution."""
        entry = self.entries.get((dev, ip))
        if entry is not None:
            state = entry.state
            if state is NudState.REACHABLE or state is NudState.DELAY or state is NudState.PROBE or state is NudState.PERMANENT:
                return entry.mac
            if state is NudState.STALE:
                self._set(entry, NudState.DELAY, "packet sent to a STALE entry: wait delay_first_probe_time")
                self._arm(entry, DELAY_FIRST_PROBE_TIME_S)
                return entry.mac
            if state is NudState.INCOMPLETE:
                if len(entry.queue) < UNRES_QLEN:
                    entry.queue.append((packet, self.sim.tracer.cause))
                return None
        if entry is None:
            entry = Neighbour(ip, dev, NudState.INCOMPLETE)
            self.entries[(dev, ip)] = entry
            self._own(dev, ip)
            self.generation += 1
            entry.generation += 1
            self.sim.tracer.emit(NeighbourChanged(self.sim.now, self._node(), dev, ip, "NONE", "INCOMPLETE", None, "no entry: resolve with an ARP request"))
        else:  # FAILED: try again
            self._set(entry, NudState.INCOMPLETE, "FAILED entry used again: resolve anew")
        entry.queue = [(packet, self.sim.tracer.cause)]
        entry.probes = 1
        self._solicit(entry)
        self._arm(entry, RETRANS_TIME_S)
        return None

    def _timer(self, entry: Neighbour) -> None:
        now = self.sim.now
        state = entry.state
        if state is NudState.REACHABLE:
            self._set(entry, NudState.STALE, "reachable_time passed without confirmation")
        elif state is NudState.DELAY:
            if now <= entry.confirmed + DELAY_FIRST_PROBE_TIME_S:
                self._set(entry, NudState.REACHABLE, "confirmed during DELAY")
                self._arm(entry, self.reachable_time_s())
            else:
                self._set(entry, NudState.PROBE, "not confirmed within delay_first_probe_time: unicast probe")
                entry.probes = 1
                self._solicit(entry)
                self._arm(entry, RETRANS_TIME_S)
        elif state is NudState.INCOMPLETE:
            if entry.probes < MCAST_SOLICIT:
                entry.probes += 1
                self._solicit(entry)
                self._arm(entry, RETRANS_TIME_S)
            else:
                queued, entry.queue = entry.queue, []
                entry.mac = None
                self._set(entry, NudState.FAILED, f"no reply to {MCAST_SOLICIT} ARP requests")
                self._failed(entry, queued)
        elif state is NudState.PROBE:
            if entry.probes < UCAST_SOLICIT:
                entry.probes += 1
                self._solicit(entry)
                self._arm(entry, RETRANS_TIME_S)
            else:
                entry.mac = None
                self._set(entry, NudState.FAILED, f"no reply to {UCAST_SOLICIT} unicast probes")

    def confirm(self, dev: str, ip: IPv4Address, mac: MacAddress, cause: str) -> None:
        """A unicast ARP reply for an existing entry: REACHABLE (arp_process, PACKET_HOST)."""
        entry = self.entries.get((dev, ip))
        if entry is None:
            return  # unsolicited replies create nothing (arp_accept = 0)
        entry.mac = mac
        entry.confirmed = self.sim.now
        self._set(entry, NudState.REACHABLE, cause)
        self._arm(entry, self.reachable_time_s())
        if entry.queue:
            queued, entry.queue = entry.queue, []
            self._flush(entry, queued)

    def learn_stale(self, dev: str, ip: IPv4Address, mac: MacAddress, create: bool, cause: str) -> None:
        """An ARP request (or a broadcast reply) told us ``ip`` is at ``mac``.

        ``create``: the request was for one of our addresses (neigh_event_ns). A valid
        entry with the same MAC keeps its state (__neigh_update with NUD_STALE).
        """
        entry = self.entries.get((dev, ip))
        if entry is None:
            if not create:
                return
            entry = Neighbour(ip, dev, NudState.STALE, mac)
            self.entries[(dev, ip)] = entry
            self._own(dev, ip)
            self.generation += 1
            self.sim.tracer.emit(NeighbourChanged(self.sim.now, self._node(), dev, ip, "NONE", "STALE", str(mac), cause))
            return
        if entry.state in VALID and entry.mac == mac:
            return
        entry.mac = mac
        self._set(entry, NudState.STALE, cause)
        if entry.queue:
            queued, entry.queue = entry.queue, []
            self._flush(entry, queued)

    def add_permanent(self, dev: str, ip: IPv4Address, mac: MacAddress) -> None:
        """``ip neigh add IP lladdr MAC dev DEV`` (or a control plane programming it)."""
        entry = Neighbour(ip, dev, NudState.PERMANENT, mac)
        self.entries[(dev, ip)] = entry
        self._own(dev, ip)
        self.generation += 1

    def delete(self, dev: str, ip: IPv4Address) -> Neighbour | None:
        """``ip neigh del IP dev DEV``: the entry removed, or None if there was none."""
        self.generation += 1
        self._disown(dev, ip)
        return self.entries.pop((dev, ip), None)

    def forget_device(self, dev: str) -> None:
        """The device left the namespace (or went down): its entries go."""
        self.generation += 1
        for key in [k for k in self.entries if k[0] == dev]:
            del self.entries[key]
            self._disown(dev, key[1])

    def _own(self, dev: str, ip: IPv4Address) -> None:
        """Index a new entry by its address in the lab's ``neighbour_owners``: who would act on an ARP from ``ip``."""
        self._owners.setdefault(ip, set()).add((id(self), dev))

    def _disown(self, dev: str, ip: IPv4Address) -> None:
        owners = self._owners.get(ip)
        if owners is not None:
            owners.discard((id(self), dev))
            if not owners:
                del self._owners[ip]
