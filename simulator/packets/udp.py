"""UDP datagrams (RFC 768).

The payload is raw bytes, a dnspython message (DNS, RFC 1035) with its wire format
(compressed unless the sender gave other bytes, see ``dns_wire``), or a VXLAN packet (RFC 7348, destination port 4789).
``no_checksum`` sends a zero checksum field, which RFC 768 reads as "none" (a
VXLAN device created with ``noudpcsum`` does that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from simulator.packets.frozen import fast_init

if TYPE_CHECKING:
    from simulator.packets.vxlan import VxlanPacket  # noqa: F401  (named in the docstrings; checked by duck type)

UDP_HEADER_LEN = 8


@fast_init
@dataclass(frozen=True, slots=True)
class UdpDatagram:
    """A UDP datagram; ``payload`` is bytes, a ``dns.message.Message`` or a :class:`VxlanPacket`."""

    sport: int
    dport: int
    payload: Any = b""
    wire: bytes = field(default=b"", compare=False, repr=False)
    no_checksum: bool = False

    def __post_init__(self) -> None:
        # A dnspython message is mutable: freeze its bytes now, as they leave the socket
        # (unless the sender gave them: a server that does not compress, dns_wire).
        if not self.wire and hasattr(self.payload, "to_wire"):
            object.__setattr__(self, "wire", self.payload.to_wire(want_shuffle=False))

    @property
    def payload_bytes(self) -> bytes:
        """The payload as bytes (a DNS message or VXLAN packet encoded)."""
        if isinstance(self.payload, bytes | bytearray):
            return bytes(self.payload)
        return self.wire

    @property
    def encapsulated(self) -> bool:
        """The payload is a packet value of its own (VXLAN), not bytes or DNS."""
        return not isinstance(self.payload, bytes | bytearray) and not self.wire

    @property
    def length(self) -> int:
        """The header (8 bytes) and the payload."""
        if self.encapsulated:
            return UDP_HEADER_LEN + int(self.payload.length)
        return UDP_HEADER_LEN + len(self.payload_bytes)

    def summary_between(self, src: IPv4Address, dst: IPv4Address) -> str:
        """One line as ``tcpdump`` prints a UDP datagram (a DNS message or VXLAN packet decoded)."""
        if self.encapsulated:
            return f"{src}.{self.sport} > {dst}.{self.dport}: {self.payload.summary()}"
        if not isinstance(self.payload, bytes | bytearray):  # a DNS message, as tcpdump decodes it
            return f"{src}.{self.sport} > {dst}.{self.dport}: {_dns_summary(self.payload, len(self.wire))}"
        return f"{src}.{self.sport} > {dst}.{self.dport}: UDP, length {self.length - UDP_HEADER_LEN}"


def _dns_summary(message: Any, size: int) -> str:
    """tcpdump's DNS line (print-domain.c): ``4660+ A? web. (27)`` / ``4660 3/0/0 A 172.18.0.2, ... (75)``."""
    import dns.flags
    import dns.rcode
    import dns.rdatatype

    question = message.question[0] if message.question else None
    qtext = f"{dns.rdatatype.to_text(question.rdtype)}? {question.name}" if question is not None else ""
    if not message.flags & dns.flags.QR:
        return f"{message.id}{'+' if message.flags & dns.flags.RD else ''} {qtext} ({size})"
    rcode = message.rcode()
    answers = ", ".join(f"{dns.rdatatype.to_text(rrset.rdtype)} {rd}" for rrset in message.answer for rd in rrset)
    counts = f"{sum(len(r) for r in message.answer)}/{sum(len(r) for r in message.authority)}/{len(message.additional) + (1 if message.edns >= 0 else 0)}"
    status = "" if rcode == dns.rcode.NOERROR else f" {dns.rcode.to_text(rcode)}"
    return " ".join(part for part in (f"{message.id}{status}", counts, answers, f"({size})") if part)
