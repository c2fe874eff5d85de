"""VXLAN: an Ethernet frame carried in UDP across an IP network (RFC 7348).

A VXLAN tunnel endpoint (VTEP) wraps the whole inner frame, its own Ethernet
header included, in an 8-byte VXLAN header and sends it as the payload of a UDP
datagram to the remote VTEP's address, destination port 4789 (IANA; RFC 7348
section 5). The outer headers cost 50 bytes (outer Ethernet 14 + IPv4 20 + UDP 8
+ VXLAN 8), which is why Docker gives overlay interfaces an MTU of 1450.

RFC 7348 section 5, the VXLAN header::

     0                   1                   2                   3
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |R|R|R|R|I|R|R|R|            Reserved                           |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |                VXLAN Network Identifier (VNI) |   Reserved    |
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

The I flag (0x08) says the VNI is valid; every other bit is reserved and zero.
The inner frame is kept intact, as a value: a capture of the underlay shows it
byte for byte inside the UDP payload.

>>> from simulator.packets.addresses import MacAddress
>>> from simulator.packets.arp import ArpOp, ArpPacket
>>> from simulator.packets.ethernet import EthernetFrame, EtherType
>>> from ipaddress import IPv4Address as ip
>>> mac = MacAddress.parse("02:42:0a:00:01:02")
>>> arp = ArpPacket(ArpOp.REQUEST, mac, ip("10.0.1.2"), MacAddress(bytes(6)), ip("10.0.1.3"))
>>> inner = EthernetFrame(MacAddress(b"\\xff" * 6), mac, EtherType.ARP, arp)
>>> VxlanPacket(4097, inner).length
50
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.packets.ethernet import EthernetFrame

VXLAN_PORT = 4789  # IANA-assigned destination port (RFC 7348 section 5)
VXLAN_HEADER_LEN = 8
FLAG_VNI_VALID = 0x08  # the I flag
# Outer Ethernet + IPv4 + UDP + VXLAN: what encapsulation adds to every frame.
VXLAN_OVERHEAD = 14 + 20 + 8 + VXLAN_HEADER_LEN


@dataclass(frozen=True, slots=True)
class VxlanPacket:
    """A VXLAN header and the Ethernet frame it carries (the UDP payload)."""

    vni: int
    inner: EthernetFrame
    flags: int = FLAG_VNI_VALID

    def __post_init__(self) -> None:
        if not 0 <= self.vni < 1 << 24:
            raise ValueError(f"a VNI has 24 bits: {self.vni} is out of range")

    @property
    def length(self) -> int:
        """VXLAN header plus the whole inner frame (its Ethernet header included)."""
        return VXLAN_HEADER_LEN + self.inner.length

    def summary(self) -> str:
        """tcpdump's wording: ``VXLAN, flags [I] (0x08), vni 4097`` and the inner frame."""
        flag = "[I] " if self.flags & FLAG_VNI_VALID else ""
        return f"VXLAN, flags {flag}(0x{self.flags:02x}), vni {self.vni}: {self.inner.summary()}"
