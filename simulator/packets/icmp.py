"""ICMP for IPv4 (RFC 792).

Echo request and reply carry an identifier, a sequence number and data; the
errors (destination unreachable, time exceeded) carry the offending datagram's
header and first eight bytes of payload, as raw bytes (RFC 1812 4.3.2.3 allows
more; Linux quotes as much as fits in 576 bytes, which for our small packets is
all of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from ipaddress import IPv4Address

from simulator.packets.frozen import fast_init

ICMP_HEADER_LEN = 8


class IcmpType(IntEnum):
    """ICMP message types."""

    ECHO_REPLY = 0
    DEST_UNREACHABLE = 3
    ECHO_REQUEST = 8
    TIME_EXCEEDED = 11


class UnreachableCode(IntEnum):
    """Codes of ICMP destination unreachable."""

    NET = 0
    HOST = 1
    PROTOCOL = 2
    PORT = 3
    ADMIN_PROHIBITED = 13


@fast_init
@dataclass(frozen=True, slots=True)
class IcmpMessage:
    """An ICMP message. For echo, ``ident``/``seq`` are set; for errors, ``quoted``."""

    type: IcmpType
    code: int = 0
    ident: int = 0
    seq: int = 0
    data: bytes = b""
    quoted: bytes = b""

    @property
    def length(self) -> int:
        """The header (8 bytes) and what follows: echo data or the quoted packet."""
        return ICMP_HEADER_LEN + len(self.data) + len(self.quoted)

    @property
    def is_echo(self) -> bool:
        """An echo request or reply (ping)."""
        return self.type in (IcmpType.ECHO_REQUEST, IcmpType.ECHO_REPLY)

    def summary_between(self, src: IPv4Address, dst: IPv4Address) -> str:
        """tcpdump's wording: ``172.17.0.2 > 172.17.0.3: ICMP echo request, id 1, seq 1, length 64``."""
        if self.type is IcmpType.ECHO_REQUEST:
            what = f"echo request, id {self.ident}, seq {self.seq}"
        elif self.type is IcmpType.ECHO_REPLY:
            what = f"echo reply, id {self.ident}, seq {self.seq}"
        elif self.type is IcmpType.TIME_EXCEEDED:
            what = "time exceeded in-transit"
        else:
            what = f"unreachable, code {self.code}"
        return f"{src} > {dst}: ICMP {what}, length {self.length}"
