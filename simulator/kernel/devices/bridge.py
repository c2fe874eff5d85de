"""Linux bridge: a software Ethernet switch inside a namespace.

For each frame that enters from a port: learn (source MAC -> ingress port, the
entry refreshed with the time), decide, deliver. The decision is a pure function
of the forwarding database (FDB) and the frame (``decide``):

* destination is the bridge's own address (or a port's: a ``local`` entry) ->
  pass it up to the bridge device, i.e. the host's stack;
* broadcast or multicast -> flood to every other port and pass up a copy;
* known unicast -> forward to the one port the FDB names (drop if that is the
  ingress port: no hairpin);
* unknown unicast -> flood to every other port.

Entries age out after ``aging_time_s`` (300 s, ``bridge -d link``'s ageing_time)
without traffic from that address; expiry is checked when an entry is used, which
is what the kernel's periodic cleanup makes visible. Frames the host sends through
the bridge device take the same decision without an ingress port.

With ``bridge-nf-call-iptables`` on in the bridge's namespace (br_netfilter, which
Docker turns on), IPv4 frames forwarded between ports also walk iptables
(``Ipv4Stack.br_netfilter``); a rule can drop a copy.

Simplified: no STP (Docker's bridges run without it), no VLAN filtering, no
multicast snooping (multicast floods).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from simulator.kernel.devices.device import Device
from simulator.kernel.devices.flood import FloodBook, FloodPorts, aggregable, aggregate_ports, flood, floodable, send_aggregate
from simulator.packets.ethernet import EtherType
from simulator.packets.ipv4 import IPv4Packet
from simulator.sim import latency
from simulator.trace.records import BridgeForwarded, DropReason, FrameDropped

if TYPE_CHECKING:
    from collections.abc import Sequence

    from simulator.packets.addresses import MacAddress
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation

ETH_HLEN = 14
AGING_TIME_S = 300.0  # br_set_ageing_time default (BR_DEFAULT_AGEING_TIME)


@dataclass(slots=True)
class FdbEntry:
    """One forwarding database entry (``bridge fdb show``)."""

    port: str
    updated: float
    local: bool = False  # the bridge's or a port's own address: "permanent"


@dataclass(frozen=True, slots=True)
class Decision:
    """What a bridge does with one frame."""

    action: str  # "forward" | "flood" | "local" | "drop"
    ports: tuple[str, ...]  # or, for a flood delivered in aggregate, a FloodPorts (the members at an instant: flood.py)
    local: bool  # also pass a copy up to the bridge device
    fdb_port: str | None = None
    reason: DropReason | None = None


def lookup(fdb: dict[MacAddress, FdbEntry], mac: MacAddress, now: float, aging_time_s: float) -> FdbEntry | None:
    """The live FDB entry for ``mac``, forgetting it if it has aged out."""
    entry = fdb.get(mac)
    if entry is None:
        return None
    if not entry.local and now - entry.updated > aging_time_s:
        del fdb[mac]
        return None
    return entry


def decide(
    fdb: dict[MacAddress, FdbEntry],
    ports: tuple[str, ...],
    frame: EthernetFrame,
    ingress: str | None,
    now: float,
    aging_time_s: float = AGING_TIME_S,
) -> Decision:
    """Where a frame goes (pure: reads the FDB, may drop an aged entry).

    Known unicast costs one FDB lookup, whatever the number of ports; only a flood
    lists the ports.
    """
    dst = frame.dst
    if dst[0] & 0x01:  # the I/G bit: broadcast or multicast
        return Decision("flood", _others(ports, ingress), ingress is not None)
    entry = lookup(fdb, dst, now, aging_time_s)
    if entry is None:
        return Decision("flood", _others(ports, ingress), False)
    if entry.local:
        return Decision("local", (), ingress is not None, entry.port)
    if entry.port == ingress:
        return Decision("drop", (), False, entry.port, DropReason.SAME_PORT)
    return _forward(entry.port)


def _others(ports: tuple[str, ...], ingress: str | None) -> tuple[str, ...]:
    if ingress is None or ingress not in ports:
        return ports
    return tuple(p for p in ports if p != ingress)


@lru_cache(maxsize=4096)
def _forward(port: str) -> Decision:
    """The decision for known unicast to ``port`` (a value: one per port, shared)."""
    return Decision("forward", (port,), False, port)


class Bridge(Device):
    """A Linux bridge device (``ip link add docker0 type bridge``)."""

    kind = "bridge"

    def __init__(self, sim: Simulation, name: str, mac: MacAddress, mtu: int = 1500) -> None:
        super().__init__(sim, name, mac, mtu)
        self.ports: dict[str, Device] = {}
        self._port_names: tuple[str, ...] | None = ()  # None: changed since, made again when a frame needs it
        self.fdb: dict[MacAddress, FdbEntry] = {mac: FdbEntry(name, 0.0, local=True)}
        self.aging_time_s = AGING_TIME_S
        self.stp = False
        self.book = FloodBook(self)  # the ports a broadcast ARP can reach all at once

    @property
    def carrier(self) -> bool:
        """A bridge has carrier when at least one port is up (NO-CARRIER otherwise)."""
        return any(p.up and p.carrier for p in self.ports.values())

    def add_port(self, device: Device) -> None:
        """``ip link set DEV master BRIDGE``."""
        device.master = self
        self.ports[device.name] = device
        self._port_names = None
        self.book.join(device, device.name)
        self.fdb[device.mac] = FdbEntry(device.name, self.sim.now, local=True)

    def port_names(self) -> tuple[str, ...]:
        """The ports' names, in the order they joined (made once per change: a ``docker run`` adds one)."""
        names = self._port_names
        if names is None:
            names = self._port_names = tuple(self.ports)
        return names

    def enslaved(self) -> Iterable[Device]:
        """The bridge's ports."""
        return self.ports.values()

    def remove_port(self, device: Device) -> None:
        """``ip link set DEV nomaster`` (or the device went away): forget what it taught."""
        if self.up and self.carrier:
            self.link_local_kept = True  # the last port leaving takes the carrier, not the fe80:: address
        device.master = None
        self.ports.pop(device.name, None)
        self._port_names = None
        self.book.dirty.add(device)
        for mac in [m for m, e in self.fdb.items() if e.port == device.name]:
            del self.fdb[mac]

    def transmit(self, frame: EthernetFrame) -> None:
        """The host's stack sends through the bridge device."""
        if not self.up:
            super().transmit(frame)
            return
        self._tx_packets += 1
        self._tx_bytes += frame.length
        now = self.sim.env.now
        tracer = self.sim.tracer
        decided_at = tracer.mark()  # the ports' frames point back at the bridge's own (``FrameSent.cause``)
        if tracer.enabled:
            tracer.sent(now, self.node, self.name, frame, tracer.cause)
        decision = decide(self.fdb, self.port_names(), frame, None, now, self.aging_time_s)
        self._deliver(frame, decision, None, decided_at)

    def port_receive(self, port: Device, frame: EthernetFrame) -> None:
        """A frame entered the bridge from ``port``: learn, decide, deliver."""
        now = self.sim.env.now
        learned = False
        if not frame.src.is_multicast:
            entry = self.fdb.get(frame.src)
            if entry is None or (not entry.local and entry.port != port.name):
                self.fdb[frame.src] = FdbEntry(port.name, now)
                learned = True
            elif not entry.local:
                entry.updated = now
        decision = None
        if frame.dst[0] & 0x01 and floodable(frame) and aggregable(frame):
            egress = aggregate_ports(self.book, port)
            if egress is not None:
                decision = Decision("flood", egress, True)  # type: ignore[arg-type]  # read as a sequence of names
        if decision is None:
            names = self._port_names
            if names is None:
                names = self.port_names()
            decision = decide(self.fdb, names, frame, port.name, now, self.aging_time_s)
        tracer = self.sim.tracer
        if tracer.enabled:
            action = decision.action
            decided_at = tracer.record(  # the ports' frames point back at this decision (``FrameSent.cause``)
                # a flood's egress may be a FloodPorts: the trace store reads it back as a tuple
                BridgeForwarded(now, self.node, self.name, port.name, frame, action, decision.ports, decision.fdb_port, learned)
            )
            if decision.reason is not None:
                tracer.record(
                    FrameDropped(now, self.node, self.name, frame, decision.reason, f"fdb: {frame.dst} is on {decision.fdb_port}")
                )
        else:
            decided_at = tracer.mark()
        frames = None
        ns = self.namespace
        if decision.ports and frame.ethertype == EtherType.IPV4 and ns is not None and ns.ipv4.bridge_nf_call_iptables:
            # br_netfilter: bridged IPv4 walks iptables (PREROUTING, FORWARD, POSTROUTING).
            assert isinstance(frame.payload, IPv4Packet)
            verdicts = ns.ipv4.br_netfilter(frame.payload, self.name, len(decision.ports))
            frames = {
                name: frame if packet is frame.payload else replace(frame, payload=packet)
                for name, packet in zip(decision.ports, verdicts, strict=True)
                if packet is not None
            }
        self._deliver(frame, decision, frames, decided_at)

    def _deliver(self, frame: EthernetFrame, decision: Decision, frames: dict[str, EthernetFrame] | None, decided_at: int) -> None:
        """Send ``frame`` out of the decision's ports (``frames``: per port, what netfilter let through).

        ``decided_at`` is the position of the decision's record in the trace (``FrameSent.cause``).
        """
        if not decision.ports and not decision.local:
            return
        self.sim.env.later(latency.BRIDGE_S, _forward_frame, self, (frame, decision, frames, decided_at))

    def _pass_up(self, frame: EthernetFrame) -> None:
        if not self.up:
            return
        self._rx_packets += 1
        # br_pass_frame_up counts skb->len after the port's eth_type_trans pulled the 14-byte
        # Ethernet header (br_dev_xmit counts TX bytes before the pull, header included).
        self._rx_bytes += frame.length - ETH_HLEN
        if self.namespace is not None:
            self.namespace.ipv4.receive(frame, self)

    def fdb_entries(self) -> list[tuple[MacAddress, FdbEntry]]:
        """Live entries, oldest first (what ``bridge fdb show`` lists)."""
        now = self.sim.now
        return [(m, e) for m, e in list(self.fdb.items()) if lookup(self.fdb, m, now, self.aging_time_s) is not None]


def _forward_frame(bridge: Bridge, what: tuple[EthernetFrame, Decision, dict[str, EthernetFrame] | None, int]) -> None:
    """After the bridge's delay: out of each port of the decision (br_forward), and up if local."""
    frame, decision, frames, decided_at = what
    ports = bridge.ports
    tracer = bridge.sim.tracer
    outer, tracer.cause = tracer.cause, decided_at
    egress: Sequence[str] = decision.ports
    if type(egress) is FloodPorts and send_aggregate(frame, egress):
        pass
    elif frames is None and len(egress) > 1 and floodable(frame):
        flood(frame, [port for port in map(ports.get, egress) if port is not None])
    else:
        for name in decision.ports:
            port = ports.get(name)
            out = frame if frames is None else frames.get(name)
            if port is not None and out is not None:
                port.transmit(out)
    if decision.local:
        tracer.cause = decided_at  # what the bridge's stack sends because of it points back at the decision
        bridge._pass_up(frame)
    tracer.cause = outer
