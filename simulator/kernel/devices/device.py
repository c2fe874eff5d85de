"""The network device: one interface inside one namespace.

Every device has the same tiny interface: ``transmit(frame)`` sends a frame out of
the device (the stack or a bridge calls it); ``receive(frame)`` hands it a frame
that arrived from its link. A received frame goes to the device's master (a
bridge, when the device is a bridge port) or else up to its namespace's stack.
Counters are those ``ip -s link`` and ``ifconfig`` print. A device with VLAN,
macvlan or ipvlan devices stacked on it (``upper``, see ``upper.py``) offers each
received frame to them first; a tagged frame none of them takes is not for this
device's stack (``PACKET_OTHERHOST``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.packets.addresses import MacAddress
from simulator.trace.records import DropReason, FrameDropped
from simulator.trace.topology import DeviceState

if TYPE_CHECKING:
    from collections.abc import Iterable

    from simulator.kernel.devices.bridge import Bridge
    from simulator.kernel.devices.upper import UpperDevices
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation


class Tally:
    """What a bridge's floods delivered in aggregate added up, on one side (sent by its ports, or received by their peers)."""

    __slots__ = ("packets", "bytes")

    def __init__(self) -> None:
        self.packets = 0
        self.bytes = 0


class Share:
    """A device's part of a :class:`Tally`: everything added to it since ``packets`` and ``bytes`` (its base) were taken."""

    __slots__ = ("tally", "packets", "bytes")

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.packets = tally.packets
        self.bytes = tally.bytes

    def skip(self, length: int) -> None:
        """The device takes no part in the flood just added (it counts the frame itself, or not at all)."""
        self.packets += 1
        self.bytes += length


class Device:
    """A network interface. Subclasses implement :meth:`xmit` (put a frame on the link).

    What only some kinds have is declared here with a default, so code handling any
    device asks rather than probes: :attr:`peer` (a veth's other end) and
    :meth:`enslaved` (a bridge's ports).
    """

    kind = "ether"
    peer: Device | None = None
    """The other end of a veth pair (None for every other kind)."""

    def __init__(self, sim: Simulation, name: str, mac: MacAddress, mtu: int = 1500) -> None:
        self.sim = sim
        self.name = name
        self.mac = mac
        self.mtu = mtu
        self.namespace: NetworkNamespace | None = None
        self.node = ""
        self.ifindex = 0
        self.up = False
        self.master: Bridge | None = None
        self.upper: UpperDevices | None = None  # VLAN / macvlan / ipvlan devices stacked on this one
        self.qdisc = "noqueue"
        self.tx_queue_len = 1000  # ip link's qlen; Docker creates its veths and bridges with 0
        self.ipv6 = False  # IPv6 enabled on the link (addresses only: IPv6 traffic is not modelled)
        # addrconf: the fe80:: address given at the first carrier stays when the carrier goes
        # (NETDEV_CHANGE only syncs routes), until the device is set down (NETDEV_DOWN)
        self.link_local_kept = False
        # The counters ``ip -s link`` prints, read through the properties below: what the device
        # counted itself, plus its share of the floods its bridge delivered in aggregate (flood.py).
        self._rx_packets = 0
        self._rx_bytes = 0
        self._tx_packets = 0
        self._tx_bytes = 0
        self._rx_share: Share | None = None  # a bridge port's peer: the floods it received, counted once per bridge
        self._tx_share: Share | None = None  # a bridge port: the floods it sent
        self.rx_dropped = 0
        self.tx_dropped = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.node}/{self.name}>"

    @property
    def rx_packets(self) -> int:
        """Frames received (``ip -s link``'s RX packets)."""
        share = self._rx_share
        return self._rx_packets if share is None else self._rx_packets + share.tally.packets - share.packets

    @rx_packets.setter
    def rx_packets(self, value: int) -> None:
        """Set what ``rx_packets`` reads (its share of the floods stays)."""
        share = self._rx_share
        self._rx_packets = value if share is None else value - (share.tally.packets - share.packets)

    @property
    def rx_bytes(self) -> int:
        """Bytes received."""
        share = self._rx_share
        return self._rx_bytes if share is None else self._rx_bytes + share.tally.bytes - share.bytes

    @rx_bytes.setter
    def rx_bytes(self, value: int) -> None:
        """Set what ``rx_bytes`` reads (its share of the floods stays)."""
        share = self._rx_share
        self._rx_bytes = value if share is None else value - (share.tally.bytes - share.bytes)

    @property
    def tx_packets(self) -> int:
        """Frames sent."""
        share = self._tx_share
        return self._tx_packets if share is None else self._tx_packets + share.tally.packets - share.packets

    @tx_packets.setter
    def tx_packets(self, value: int) -> None:
        """Set what ``tx_packets`` reads (its share of the floods stays)."""
        share = self._tx_share
        self._tx_packets = value if share is None else value - (share.tally.packets - share.packets)

    @property
    def tx_bytes(self) -> int:
        """Bytes sent."""
        share = self._tx_share
        return self._tx_bytes if share is None else self._tx_bytes + share.tally.bytes - share.bytes

    @tx_bytes.setter
    def tx_bytes(self, value: int) -> None:
        """Set what ``tx_bytes`` reads (its share of the floods stays)."""
        share = self._tx_share
        self._tx_bytes = value if share is None else value - (share.tally.bytes - share.bytes)

    @property
    def carrier(self) -> bool:
        """LOWER_UP: the link partner can hear us."""
        return self.up

    def enslaved(self) -> Iterable[Device]:
        """The devices whose master this one is (``ip link show master DEV``): a bridge's ports, else none."""
        return ()

    def link_peer(self) -> Device | None:
        """The device ``ip link`` names after ``@``: a veth's other end, or the device this one is stacked on."""
        return None

    def state(self, addrs: tuple[str, ...]) -> DeviceState:
        """This device as ``ip link`` / ``ip addr`` list it, with ``addrs`` (its namespace holds the addresses)."""
        other = self.link_peer()
        peer = (other.namespace.node, other.name) if other is not None and other.namespace is not None else None
        return DeviceState(self.name, self.kind, str(self.mac), addrs, self.up, self.master.name if self.master else None, peer)

    def transmit(self, frame: EthernetFrame) -> None:
        """Send ``frame`` out of this device (called by the stack or a bridge)."""
        if not (self.up and self.carrier):
            self.tx_dropped += 1
            self.sim.tracer.emit(
                FrameDropped(self.sim.env.now, self.node, self.name, frame, DropReason.LINK_DOWN, "device or carrier down")
            )
            return
        self._tx_packets += 1
        self._tx_bytes += frame.length
        tracer = self.sim.tracer
        if tracer.enabled:
            tracer.sent(self.sim.env.now, self.node, self.name, frame, tracer.cause)
        if self.upper is not None:
            self.upper.own_transmit(self, frame)
        self.xmit(frame)

    def xmit(self, frame: EthernetFrame) -> None:
        """Put the frame on the link; the default link goes nowhere."""

    def receive(self, frame: EthernetFrame) -> None:
        """A frame arrived from the link."""
        if not self.up:
            self.rx_dropped += 1
            self.sim.tracer.emit(
                FrameDropped(self.sim.env.now, self.node, self.name, frame, DropReason.LINK_DOWN, "device down")
            )
            return
        self._rx_packets += 1
        self._rx_bytes += frame.length
        tracer = self.sim.tracer
        arrived = -1
        if tracer.enabled:
            arrived = tracer.received(self.sim.env.now, self.node, self.name, frame)  # what the stack sends because of it points back here
        if self.upper is not None and self.upper.receive(self, frame):
            return
        if self.master is not None:
            self.master.port_receive(self, frame)
        elif self.namespace is not None:
            if frame.vlan is not None:
                self.rx_dropped += 1
                self.sim.tracer.emit(
                    FrameDropped(self.sim.env.now, self.node, self.name, frame, DropReason.VLAN_UNKNOWN, f"no VLAN {frame.vlan} device on {self.name}")
                )
                return
            outer, tracer.cause = tracer.cause, arrived
            self.namespace.ipv4.receive(frame, self)
            tracer.cause = outer


    def arrive(self, frame: EthernetFrame) -> None:
        """The end of a hop across this device's link (``Environment.hop`` calls it)."""
        self.receive(frame)
