"""The loopback device ``lo``: what it transmits, it receives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.devices.device import Device
from simulator.packets.addresses import ZERO_MAC
from simulator.sim import latency

if TYPE_CHECKING:
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation


class Loopback(Device):
    kind = "loopback"

    def __init__(self, sim: Simulation) -> None:
        super().__init__(sim, "lo", ZERO_MAC, mtu=65536)

    def xmit(self, frame: EthernetFrame) -> None:
        """What ``lo`` sends, it receives itself after the loopback delay."""
        self.sim.env.hop(latency.LOOPBACK_S, self, frame)
