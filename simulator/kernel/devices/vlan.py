"""802.1Q VLAN sub-interfaces: one NIC, several separate LANs on the same cable.

``ip link add link eth0 name eth0.10 type vlan id 10`` creates ``eth0.10`` on top
of ``eth0`` (ip-link(8) "VLAN Type Support"). What it sends leaves through
``eth0`` with a 4-byte IEEE 802.1Q tag inserted after the source MAC (TPID
0x8100, then 12 bits of VLAN id), so a switch and the other hosts know which
VLAN the frame belongs to. A tagged frame arriving on ``eth0`` is handed, without
its tag, to the VLAN device with that id (``vlan_do_receive``); if there is none,
the frame is not for this host's stack (``PACKET_OTHERHOST``), which is what keeps
two VLANs on one cable apart. Untagged frames stay ``eth0``'s.

The sub-interface borrows its parent's MAC address and MTU and has carrier while
its parent has (``netif_stacked_transfer_operstate``). Docker's macvlan and ipvlan
drivers create one when ``-o parent=eth0.10`` names a sub-interface that does not
exist yet, and delete it on ``docker network rm`` if they made it.

Simplified: no priority (PCP) bits, no QinQ (802.1ad), no reorder_hdr option; the
LAN switch is a plain learning switch that carries every VLAN on every port.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from simulator.kernel.devices.device import Device
from simulator.kernel.devices.upper import LinkError, release, uppers_of

if TYPE_CHECKING:
    from simulator.packets.ethernet import EthernetFrame
    from simulator.sim.simulation import Simulation

VLAN_ID_MAX = 4094  # 0 means "priority tag only" and 4095 is reserved (IEEE 802.1Q 9.6)


class Vlan(Device):
    """An 802.1Q VLAN device on ``lower``."""

    kind = "vlan"

    def __init__(self, sim: Simulation, name: str, lower: Device, vid: int) -> None:
        super().__init__(sim, name, lower.mac, lower.mtu)
        self.lower = lower
        self.vid = vid

    @property
    def carrier(self) -> bool:
        """Up only when the real device is up and has carrier."""
        return self.lower.up and self.lower.carrier

    def link_peer(self) -> Device:
        return self.lower


    def xmit(self, frame: EthernetFrame) -> None:
        # vlan_dev_hard_start_xmit: insert the tag, send through the real device
        """Tag the frame with this VLAN's id and send it through the real device."""
        self.lower.transmit(replace(frame, vlan=self.vid))


def create(sim: Simulation, name: str, lower: Device, vid: int) -> Vlan:
    """``vlan_newlink``: refused like rtnetlink refuses (:class:`LinkError`)."""
    if not 0 <= vid <= VLAN_ID_MAX:
        raise LinkError("Error: 8021q: Invalid VLAN id.")  # vlan_validate: ERANGE with an extack message
    if lower.kind == "loopback":
        raise LinkError("RTNETLINK answers: Operation not supported")
    uppers = uppers_of(lower)
    if vid in uppers.vlans:
        raise LinkError("Error: VLAN device already exists.")  # vlan_check_real_dev
    dev = Vlan(sim, name, lower, vid)
    uppers.vlans[vid] = dev
    return dev


def destroy(dev: Vlan) -> None:
    """``ip link del``: the id is free again on the parent."""
    lower = dev.lower
    if lower.upper is not None and lower.upper.vlans.get(dev.vid) is dev:
        del lower.upper.vlans[dev.vid]
        release(lower)
