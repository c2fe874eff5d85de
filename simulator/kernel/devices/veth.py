"""veth: a virtual Ethernet cable with one end in each of two namespaces.

``ip link add vethA type veth peer name eth0``: a frame transmitted on one end is
received on the other (``veth_xmit`` -> ``netif_rx``). If the peer is down the
frame is dropped and counted. A :class:`VethPair` is born with both ends. A frame
still on its way when the pair is deleted (a container stops) is dropped with it
(``flush_backlog`` at unregistration): the drop names the node, not the device,
which no longer exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.devices.device import Device
from simulator.sim import latency
from simulator.trace.records import DropReason, FrameDropped

if TYPE_CHECKING:
    from simulator.packets.addresses import MacAddress
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation


class Veth(Device):
    kind = "veth"

    def __init__(self, sim: Simulation, name: str, mac: MacAddress, mtu: int = 1500) -> None:
        super().__init__(sim, name, mac, mtu)
        self.peer: Veth = self

    @property
    def carrier(self) -> bool:
        """A veth has carrier while its peer is up."""
        return self.peer.up

    def link_peer(self) -> Device:
        """The other end of the pair."""
        return self.peer

    def transmit(self, frame: EthernetFrame) -> None:
        """:meth:`Device.transmit`, with the carrier check and :meth:`xmit` made here (one frame-hop's calls fewer)."""
        peer = self.peer
        if not (self.up and peer.up) or self.upper is not None:
            Device.transmit(self, frame)  # a drop, or devices stacked on this end: the general path
            return
        self._tx_packets += 1
        self._tx_bytes += frame.length
        sim = self.sim
        tracer = sim.tracer
        if tracer.enabled:
            tracer.sent(sim.env.now, self.node, self.name, frame, tracer.cause)
        sim.env.hop(latency.VETH_S, peer, frame)

    def xmit(self, frame: EthernetFrame) -> None:
        """What one end sends, the peer receives after the veth delay."""
        self.sim.env.hop(latency.VETH_S, self.peer, frame)

    def arrive(self, frame: EthernetFrame) -> None:
        """netif_rx on this end, unless the pair was deleted while the frame was on its way."""
        if self.namespace is None and self.node:
            sim = self.sim
            sim.tracer.emit(FrameDropped(sim.env.now, self.node, "", frame, DropReason.LINK_DOWN, f"{self.name} was deleted while the frame was on its way"))
            return
        self.receive(frame)


class VethPair:
    """Both ends of one veth cable."""

    def __init__(self, sim: Simulation, name: str, mac: MacAddress, peer_name: str, peer_mac: MacAddress, mtu: int = 1500) -> None:
        self.a = Veth(sim, name, mac, mtu)
        self.b = Veth(sim, peer_name, peer_mac, mtu)
        self.a.peer = self.b
        self.b.peer = self.a
