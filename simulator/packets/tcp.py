"""TCP segments (RFC 9293), header only as far as a handshake, one exchange and a close need.

Options are limited to what Linux puts in a SYN (MSS, SACK-permitted, timestamps,
window scale) as opaque bytes; sequence arithmetic lives in the kernel, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag
from ipaddress import IPv4Address

from simulator.packets.frozen import fast_init

TCP_HEADER_LEN = 20


class TcpFlags(IntFlag):
    """TCP control bits."""

    FIN = 0x01
    SYN = 0x02
    RST = 0x04
    PSH = 0x08
    ACK = 0x10


_FLAG_LETTERS = ((TcpFlags.SYN, "S"), (TcpFlags.FIN, "F"), (TcpFlags.PSH, "P"), (TcpFlags.RST, "R"))


@fast_init
@dataclass(frozen=True, slots=True)
class TcpSegment:
    """A TCP segment."""

    sport: int
    dport: int
    seq: int
    ack: int
    flags: TcpFlags
    window: int = 64240
    options: bytes = b""
    data: bytes = b""

    @property
    def length(self) -> int:
        """The header (20 bytes), its options and the data."""
        return TCP_HEADER_LEN + len(self.options) + len(self.data)

    def summary_between(self, src: IPv4Address, dst: IPv4Address) -> str:
        """One line as ``tcpdump`` prints a TCP segment: ports, flags and data length."""
        letters = "".join(ch for flag, ch in _FLAG_LETTERS if flag in self.flags)
        if TcpFlags.ACK in self.flags:
            letters += "."
        return f"{src}.{self.sport} > {dst}.{self.dport}: Flags [{letters}], length {len(self.data)}"
