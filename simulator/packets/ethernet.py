"""Ethernet II frames, optionally with one IEEE 802.1Q tag.

A frame is a value: source and destination MAC, the EtherType of its payload, the
payload itself (an ARP or IPv4 value) and an optional VLAN id. ``flow`` is not on
the wire: it names the packet a frame carries, so the trace can follow one ping
across hops even when a router builds a new frame around it.

Sizes are those a capture shows: 14 bytes of header (18 with a tag), no FCS, and
no padding to 60 bytes (Linux pads only in the NIC driver, after tcpdump saw it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, TypeAlias

from simulator.packets.addresses import MacAddress
from simulator.packets.frozen import fast_init

if TYPE_CHECKING:
    from simulator.packets.arp import ArpPacket
    from simulator.packets.ipv4 import IPv4Packet

    Payload: TypeAlias = ArpPacket | IPv4Packet


class EtherType(IntEnum):
    """IEEE 802 EtherType numbers."""

    IPV4 = 0x0800
    ARP = 0x0806
    VLAN = 0x8100
    IPV6 = 0x86DD


ETHERNET_HEADER_LEN = 14
VLAN_TAG_LEN = 4


@fast_init
@dataclass(frozen=True, slots=True)
class EthernetFrame:
    """One Ethernet II frame."""

    dst: MacAddress
    src: MacAddress
    ethertype: EtherType
    payload: Payload
    vlan: int | None = None
    flow: int = field(default=0, compare=False)
    #: Bytes on the wire as a capture shows them (no FCS, no padding); computed once,
    #: since every hop counts it twice (the sender's TX and the receiver's RX bytes).
    length: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        header = ETHERNET_HEADER_LEN + (VLAN_TAG_LEN if self.vlan is not None else 0)
        object.__setattr__(self, "length", header + self.payload.length)

    def summary(self) -> str:
        """A tcpdump-like one-liner: ``02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ARP ...``."""
        tag = f"vlan {self.vlan}, " if self.vlan is not None else ""
        return f"{self.src} > {self.dst}, {tag}{self.payload.summary()}"
