"""IPv4 datagrams (RFC 791).

The header is 20 bytes (no options). ``total_length`` and the header checksum are
derived, never stored: a hop that rewrites a field makes a new value with
``dataclasses.replace`` and the codec recomputes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.packets.frozen import fast_init

if TYPE_CHECKING:
    from simulator.packets.icmp import IcmpMessage
    from simulator.packets.tcp import TcpSegment
    from simulator.packets.udp import UdpDatagram

    Transport = IcmpMessage | UdpDatagram | TcpSegment

IPV4_HEADER_LEN = 20
DEFAULT_TTL = 64  # net.ipv4.ip_default_ttl


class IPProtocol(IntEnum):
    """IANA protocol numbers."""

    ICMP = 1
    TCP = 6
    UDP = 17


@fast_init
@dataclass(frozen=True, slots=True)
class IPv4Packet:
    """An IPv4 datagram carrying one transport message."""

    src: IPv4Address
    dst: IPv4Address
    protocol: IPProtocol
    payload: Transport
    ttl: int = DEFAULT_TTL
    ident: int = 0
    dont_fragment: bool = True
    tos: int = 0
    flow: int = field(default=0, compare=False)
    #: The total length field; computed once (counters and netfilter read it at every hop).
    length: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "length", IPV4_HEADER_LEN + self.payload.length)

    def summary(self) -> str:
        """One line as ``tcpdump`` prints an IPv4 packet, with its TTL."""
        return f"IP {self.payload.summary_between(self.src, self.dst)}, ttl {self.ttl}"
