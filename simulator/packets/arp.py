"""ARP for IPv4 over Ethernet (RFC 826).

Requests are broadcast (or unicast when the kernel re-probes a known neighbour);
the target hardware address of a request is all zeros, as Linux sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from ipaddress import IPv4Address

from simulator.packets.addresses import MacAddress
from simulator.packets.frozen import fast_init

ARP_LEN = 28


class ArpOp(IntEnum):
    """ARP operation codes (RFC 826)."""

    REQUEST = 1
    REPLY = 2


@fast_init
@dataclass(frozen=True, slots=True)
class ArpPacket:
    """An Ethernet/IPv4 ARP message."""

    op: ArpOp
    sender_mac: MacAddress
    sender_ip: IPv4Address
    target_mac: MacAddress
    target_ip: IPv4Address

    @property
    def length(self) -> int:
        """Always 28 bytes: an ARP packet for IPv4 over Ethernet."""
        return ARP_LEN

    def summary(self) -> str:
        """As tcpdump prints it: ``ARP, Request who-has 172.17.0.3 tell 172.17.0.2``."""
        if self.op is ArpOp.REQUEST:
            return f"ARP, Request who-has {self.target_ip} tell {self.sender_ip}"
        return f"ARP, Reply {self.sender_ip} is-at {self.sender_mac}"
