"""Devices stacked on a lower device: what a NIC does with a frame before its own stack.

Linux lets devices sit on top of another one (the *lower* device): 802.1Q VLAN
sub-interfaces (``eth0.10``), macvlan and ipvlan children. When a frame arrives on
the lower device, ``__netif_receive_skb_core`` (net/core/dev.c) asks, in order:

1. Does the frame carry an 802.1Q tag whose VLAN id names a VLAN device on this
   lower device (``vlan_do_receive``)? Then the tag is removed and the frame is
   received again, on the VLAN device.
2. Has the lower device an ``rx_handler`` (a macvlan or ipvlan port, one per
   device: ``netdev_rx_handler_register`` refuses a second one, and a bridge port
   already has the bridge's)? It may take the frame for a child (consumed) or let
   it pass.
3. Otherwise the frame goes to the lower device's own stack. A tagged frame that
   no VLAN device claimed is marked ``PACKET_OTHERHOST`` there and dropped.

:class:`UpperDevices` holds those two things for one lower device and is hung on
``Device.upper`` when the first upper device is created. The macvlan and ipvlan
ports also see what the lower device's own stack sends (``own_transmit``), so the
trace can say why such a frame never reaches a child.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from simulator.kernel.devices.flood import note_change

if TYPE_CHECKING:
    from collections.abc import Sequence

    from simulator.kernel.devices.device import Device
    from simulator.packets.ethernet import EthernetFrame


class LinkError(Exception):
    """A link change was refused: ``str()`` is what iproute2 prints, ``status`` its exit status.

    The kernel's refusals (``RTNETLINK answers: ...`` or an extack ``Error: ...``) exit
    with 2; what iproute2 itself rejects (``Cannot find device "x"``) with 1.
    """

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class RxHandler(Protocol):
    """A macvlan or ipvlan port: ``handle_frame`` returns True when it consumed the frame."""

    kind: str

    @property
    def children(self) -> Sequence[Device]:
        """The devices stacked on the lower device through this port."""

    def handle_frame(self, lower: Device, frame: EthernetFrame) -> bool:
        """The lower device received ``frame``: True when the handler consumed it."""

    def own_transmit(self, lower: Device, frame: EthernetFrame) -> None:
        """The lower device's own stack sends ``frame``: a chance to note it."""


class UpperDevices:
    """VLAN devices by id and the rx_handler of one lower device."""

    __slots__ = ("vlans", "handler")

    def __init__(self) -> None:
        self.vlans: dict[int, Device] = {}
        self.handler: RxHandler | None = None

    @property
    def empty(self) -> bool:
        """No VLAN device and no rx_handler on this lower device."""
        return not self.vlans and self.handler is None

    def receive(self, lower: Device, frame: EthernetFrame) -> bool:
        """Steps 1 and 2 above; True when an upper device took the frame."""
        if frame.vlan is not None:
            vlan_dev = self.vlans.get(frame.vlan)
            if vlan_dev is not None:
                # vlan_do_receive: untag, and receive again on the VLAN device
                vlan_dev.receive(replace(frame, vlan=None))
                return True
        handler = self.handler
        return handler is not None and handler.handle_frame(lower, frame)

    def own_transmit(self, lower: Device, frame: EthernetFrame) -> None:
        """Tell the rx_handler, if any, that the lower device itself sends ``frame``."""
        if self.handler is not None:
            self.handler.own_transmit(lower, frame)


def uppers_of(lower: Device) -> UpperDevices:
    """The lower device's :class:`UpperDevices`, created on first use."""
    if lower.upper is None:
        lower.upper = UpperDevices()
        note_change(lower)
    return lower.upper


def release(lower: Device) -> None:
    """Forget the holder when nothing is stacked on the lower device any more."""
    if lower.upper is not None and lower.upper.empty:
        lower.upper = None
        note_change(lower)
