"""The physical LAN: NICs, cables and a learning switch.

A :class:`EthernetNic` (``eth0`` of a machine) is plugged by a :class:`Wire` into a
:class:`SwitchPort` of a :class:`LanSwitch`. A frame on a wire arrives after the
propagation delay plus its serialisation time at the link rate. The switch learns
and forwards with the same pure decision as the Linux bridge.

``one_mac_per_port`` models a switch (or a cloud network) with port security that
accepts a single source MAC per port (the MAC of the machine plugged into it):
frames from any further MAC are dropped, which is where macvlan fails, as
Docker's documentation warns. ``hairpin_ports`` are ports in reflective relay
(IEEE 802.1Qbg, what macvlan's VEPA mode needs): a frame may go back out of the
port it came in on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.devices.bridge import AGING_TIME_S, Decision, FdbEntry, decide
from simulator.kernel.devices.device import Device
from simulator.packets.addresses import MacAddress
from simulator.sim import latency
from simulator.trace.records import BridgeForwarded, DropReason, FrameDropped
from simulator.trace.topology import LanCable

if TYPE_CHECKING:
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation


class Wire:
    """A full-duplex cable between two devices."""

    def __init__(self, sim: Simulation, a: Device, b: Device, bit_rate: float = latency.LAN_BIT_RATE, delay_s: float = latency.LAN_PROPAGATION_S) -> None:
        self.sim = sim
        self.a = a
        self.b = b
        self.bit_rate = bit_rate
        self.delay_s = delay_s
        a.wire = self  # type: ignore[attr-defined]
        b.wire = self  # type: ignore[attr-defined]

    def carry(self, sender: Device, frame: EthernetFrame) -> None:
        """Deliver ``frame`` to the other end after the propagation delay plus its serialisation time."""
        other = self.b if sender is self.a else self.a
        # 8 bytes preamble, 4 FCS, 12 interframe gap; minimum frame 64 bytes on the wire.
        size = max(frame.length + 4, 64) + 20
        self.sim.env.hop(self.delay_s + size * 8 / self.bit_rate, other, frame)


class EthernetNic(Device):
    """A physical NIC (``eth0``)."""

    kind = "ether"

    def __init__(self, sim: Simulation, name: str, mac: MacAddress, mtu: int = 1500) -> None:
        super().__init__(sim, name, mac, mtu)
        self.wire: Wire | None = None
        self.qdisc = "fq_codel"

    @property
    def carrier(self) -> bool:
        """A NIC has carrier while a cable (wire) is plugged in."""
        return self.wire is not None

    def xmit(self, frame: EthernetFrame) -> None:
        """Put the frame on the wire, if one is plugged in."""
        if self.wire is not None:
            self.wire.carry(self, frame)


class SwitchPort(Device):
    """One port of a LAN switch."""

    def __init__(self, sim: Simulation, switch: LanSwitch, name: str) -> None:
        super().__init__(sim, name, MacAddress(b"\x00" * 6))
        self.switch = switch
        self.node = switch.name
        self.up = True
        self.wire: Wire | None = None

    @property
    def carrier(self) -> bool:
        """A switch port has carrier while a cable (wire) is plugged in."""
        return self.wire is not None

    def xmit(self, frame: EthernetFrame) -> None:
        """Put the frame on the wire, if one is plugged in."""
        if self.wire is not None:
            self.wire.carry(self, frame)

    def receive(self, frame: EthernetFrame) -> None:
        """Count the frame and hand it to the switch."""
        self._rx_packets += 1
        self._rx_bytes += frame.length
        self.switch.port_receive(self, frame)


class LanSwitch:
    """A store-and-forward Ethernet switch with MAC learning."""

    def __init__(self, sim: Simulation, name: str = "lan", one_mac_per_port: bool = False) -> None:
        self.sim = sim
        self.name = name
        self.ports: dict[str, SwitchPort] = {}
        self._port_names: tuple[str, ...] = ()
        self.fdb: dict[MacAddress, FdbEntry] = {}
        self.aging_time_s = AGING_TIME_S
        self.one_mac_per_port = one_mac_per_port
        self._port_mac: dict[str, MacAddress] = {}
        self.hairpin_ports: set[str] = set()

    def plug(self, device: Device) -> SwitchPort:
        """Connect ``device`` (a NIC) to the next free port with a cable."""
        port = SwitchPort(self.sim, self, f"port{len(self.ports) + 1}")
        self.ports[port.name] = port
        self._port_names = tuple(self.ports)
        Wire(self.sim, device, port)
        self._port_mac[port.name] = device.mac  # port security knows the machine's own NIC
        return port

    def cables(self) -> tuple[LanCable, ...]:
        """Each port and the NIC its cable reaches (``node``/``dev``; empty for a free port), in port order."""
        out = []
        for port in self.ports.values():
            far = port.wire.a if port.wire is not None else None
            out.append(LanCable(port.name, far.node if far is not None and far is not port else "", far.name if far is not None else ""))
        return tuple(out)

    def port_receive(self, port: SwitchPort, frame: EthernetFrame) -> None:
        """A frame came in on ``port``: learn its source, then forward or flood it."""
        now = self.sim.env.now
        tracer = self.sim.tracer
        if self.one_mac_per_port:
            first = self._port_mac.setdefault(port.name, frame.src)
            if first != frame.src:
                tracer.emit(
                    FrameDropped(now, self.name, port.name, frame, DropReason.FILTERED, f"port security: {port.name} accepts only {first}")
                )
                return
        learned = False
        entry = self.fdb.get(frame.src)
        if entry is None or entry.port != port.name:
            self.fdb[frame.src] = FdbEntry(port.name, now)
            learned = True
        else:
            entry.updated = now
        decision = decide(self.fdb, self._port_names, frame, port.name, now, self.aging_time_s)
        if self.hairpin_ports and port.name in self.hairpin_ports:
            decision = reflect(decision, port.name)
        decided_at = tracer.mark()  # the ports' frames point back at this decision (``FrameSent.cause``)
        if tracer.enabled:
            tracer.record(
                BridgeForwarded(now, self.name, self.name, port.name, frame, decision.action, decision.ports, decision.fdb_port, learned)
            )
        if not decision.ports:
            return
        self.sim.env.deliver(latency.SWITCH_S, _switch_out, self, (frame, decision.ports, decided_at))


def _switch_out(switch: LanSwitch, what: tuple[EthernetFrame, tuple[str, ...], int]) -> None:
    """After the switch's delay: out of each egress port."""
    frame, egress, decided_at = what
    ports = switch.ports
    tracer = switch.sim.tracer
    outer, tracer.cause = tracer.cause, decided_at
    for name in egress:
        ports[name].transmit(frame)
    tracer.cause = outer


def reflect(decision: Decision, ingress: str) -> Decision:
    """Reflective relay on ``ingress``: floods and same-port frames also go back out of it."""
    if decision.action == "flood":
        return Decision("flood", (*decision.ports, ingress), decision.local)
    if decision.action == "drop" and decision.fdb_port == ingress:
        return Decision("forward", (ingress,), False, ingress)
    return decision
