"""TCP without a clock: sequence arithmetic, options, the state tables, segments as values.

What ``net/ipv4/tcp_output.c`` writes into a header (``tcp_options_write``: MSS, SACK
permitted, timestamps, window scale in a SYN; NOP, NOP, timestamps after it), how a
receiver reads options back, RFC 9293's closing half of the state diagram as tables,
the errors a socket call returns (``strerror`` texts), and the RST that answers a
segment nobody owns. Nothing here sends or waits: the connection
(``tcp_output.py``, ``tcp_input.py``, ``tcp.py``) does.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import Enum, IntEnum
from ipaddress import IPv4Address

from simulator.packets.tcp import TcpFlags, TcpSegment

SEQ_MASK = 0xFFFFFFFF
EPHEMERAL_PORTS = (32768, 60999)  # net.ipv4.ip_local_port_range
TCP_TIMEOUT_INIT_S = 1.0  # RFC 6298 2.1: the initial RTO
TCP_RTO_MIN_S = 0.2
TCP_RTO_MAX_S = 120.0
TCP_SYN_RETRIES = 6  # net.ipv4.tcp_syn_retries
TCP_SYNACK_RETRIES = 5  # net.ipv4.tcp_synack_retries
TCP_RETRIES2 = 15  # net.ipv4.tcp_retries2
TCP_DELACK_MIN_S = 0.04
TCP_TIMEWAIT_LEN_S = 60.0
WINDOW_SCALE = 7  # what Linux advertises with the default tcp_rmem
TIMESTAMP_OPTION_LEN = 12  # NOP, NOP, kind 8 length 10
IP_TCP_HEADERS = 40  # MSS = MTU - 20 (IPv4) - 20 (TCP)
DEFAULT_PEER_MSS = 536  # RFC 9293 3.7.1: when the SYN carried no MSS option
# The window field after the handshake (scaled by 2**7): what tcpdump shows for a
# fresh connection on Ethernet, the connecting side and the accepting side.
ACTIVE_WINDOW = 502
PASSIVE_WINDOW = 509
LOOPBACK_WINDOW = 512


class TcpOption(IntEnum):
    """TCP option kinds (IANA)."""

    EOL = 0
    NOP = 1
    MSS = 2
    WINDOW_SCALE = 3
    SACK_PERMITTED = 4
    TIMESTAMPS = 8


class TcpState(Enum):
    """RFC 9293 3.3.2 connection states, spelled as the RFC spells them."""

    CLOSED = "CLOSED"
    LISTEN = "LISTEN"
    SYN_SENT = "SYN-SENT"
    SYN_RECEIVED = "SYN-RECEIVED"
    ESTABLISHED = "ESTABLISHED"
    FIN_WAIT_1 = "FIN-WAIT-1"
    FIN_WAIT_2 = "FIN-WAIT-2"
    CLOSE_WAIT = "CLOSE-WAIT"
    CLOSING = "CLOSING"
    LAST_ACK = "LAST-ACK"
    TIME_WAIT = "TIME-WAIT"


S = TcpState
# RFC 9293 3.3.2, the closing half of the state diagram, as tables.
ON_CLOSE = {S.ESTABLISHED: S.FIN_WAIT_1, S.SYN_RECEIVED: S.FIN_WAIT_1, S.CLOSE_WAIT: S.LAST_ACK}
ON_FIN_RECEIVED = {
    S.ESTABLISHED: S.CLOSE_WAIT,
    S.FIN_WAIT_1: S.CLOSING,
    S.FIN_WAIT_2: S.TIME_WAIT,
}
ON_OUR_FIN_ACKED = {S.FIN_WAIT_1: S.FIN_WAIT_2, S.CLOSING: S.TIME_WAIT, S.LAST_ACK: S.CLOSED}
CAN_SEND = frozenset({S.ESTABLISHED, S.CLOSE_WAIT})
CAN_RECEIVE_DATA = frozenset({S.ESTABLISHED, S.FIN_WAIT_1, S.FIN_WAIT_2})
FINISHED = frozenset({S.TIME_WAIT, S.CLOSED})


class TcpError(Exception):
    """A socket call failed; the message is ``strerror(errno)``."""

    def __init__(self, errno: str, message: str) -> None:
        super().__init__(message)
        self.errno = errno
        self.local: tuple[IPv4Address, int] | None = None
        """For a failed connect(): the address and port the socket had (curl -v prints them)."""


class SocketTimeout(TcpError):
    """The caller's own deadline passed first (``SO_RCVTIMEO``, a program's timer)."""

    def __init__(self) -> None:
        super().__init__("ETIMEDOUT", "timed out")


def connection_refused() -> TcpError:
    """ECONNREFUSED: a RST answered our SYN."""
    return TcpError("ECONNREFUSED", "Connection refused")


def connection_timed_out() -> TcpError:
    """ETIMEDOUT: the kernel gave up retransmitting."""
    return TcpError("ETIMEDOUT", "Connection timed out")


def connection_reset() -> TcpError:
    """ECONNRESET: the peer reset an established connection."""
    return TcpError("ECONNRESET", "Connection reset by peer")


# -- sequence numbers and options (pure) -------------------------------------------------


def seq_lt(a: int, b: int) -> bool:
    """RFC 9293 3.4: ``a`` comes before ``b`` in sequence space (mod 2**32)."""
    return ((a - b) & SEQ_MASK) > 0x7FFFFFFF


def seq_le(a: int, b: int) -> bool:
    """``a`` is ``b`` or comes before it in sequence space."""
    return a == b or seq_lt(a, b)


def syn_options(mss: int, tsval: int, tsecr: int) -> bytes:
    """What Linux puts in a SYN or SYN-ACK (``tcp_options_write``): 20 bytes.

    >>> syn_options(1460, 1, 0).hex(" ")
    '02 04 05 b4 04 02 08 0a 00 00 00 01 00 00 00 00 01 03 03 07'
    """
    return (
        struct.pack("!BBH", TcpOption.MSS, 4, mss)
        + struct.pack("!BB", TcpOption.SACK_PERMITTED, 2)
        + struct.pack("!BBII", TcpOption.TIMESTAMPS, 10, tsval & SEQ_MASK, tsecr & SEQ_MASK)
        + struct.pack("!BBBB", TcpOption.NOP, TcpOption.WINDOW_SCALE, 3, WINDOW_SCALE)
    )


def timestamp_options(tsval: int, tsecr: int) -> bytes:
    """NOP, NOP, timestamps: the 12 option bytes of every later segment (RFC 7323 3.2)."""
    return struct.pack("!BBBBII", TcpOption.NOP, TcpOption.NOP, TcpOption.TIMESTAMPS, 10, tsval & SEQ_MASK, tsecr & SEQ_MASK)


def parse_options(raw: bytes) -> dict[int, bytes]:
    """Option kind -> value bytes (RFC 9293 3.2); a malformed tail is ignored.

    >>> parse_options(syn_options(1460, 7, 0))[TcpOption.MSS]
    b'\\x05\\xb4'
    """
    options: dict[int, bytes] = {}
    i = 0
    while i < len(raw):
        kind = raw[i]
        if kind == TcpOption.EOL:
            break
        if kind == TcpOption.NOP:
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2:
            break
        length = raw[i + 1]
        options[kind] = raw[i + 2 : i + length]
        i += length
    return options


def segment_length(segment: TcpSegment) -> int:
    """Sequence space a segment occupies: its data, plus one for SYN and for FIN."""
    return len(segment.data) + (TcpFlags.SYN in segment.flags) + (TcpFlags.FIN in segment.flags)


def reset_for(segment: TcpSegment) -> TcpSegment | None:
    """The RST answering ``segment`` when no connection owns it (RFC 9293 3.10.7.1).

    If the segment carried an ACK: ``<SEQ=SEG.ACK><CTL=RST>``; otherwise Linux's
    ``tcp_v4_send_reset``: ``<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>``. Never a RST
    for a RST.

    >>> rst = reset_for(TcpSegment(40000, 8080, 1000, 0, TcpFlags.SYN))
    >>> (rst.seq, rst.ack, rst.flags == TcpFlags.RST | TcpFlags.ACK)
    (0, 1001, True)
    """
    if TcpFlags.RST in segment.flags:
        return None
    if TcpFlags.ACK in segment.flags:
        return TcpSegment(segment.dport, segment.sport, segment.ack, 0, TcpFlags.RST, window=0)
    ack = (segment.seq + segment_length(segment)) & SEQ_MASK
    return TcpSegment(segment.dport, segment.sport, 0, ack, TcpFlags.RST | TcpFlags.ACK, window=0)


def initial_window(mss: int) -> int:
    """The unscaled window of a SYN: as many whole MSS as fit in 65535 (64240 for 1460)."""
    return max(mss, (0xFFFF // mss) * mss) if mss <= 0xFFFF else 0xFFFF


@dataclass(slots=True)
class Unacked:
    """A segment sent and not yet acknowledged (the retransmission queue)."""

    seq: int
    flags: TcpFlags
    data: bytes
    first_sent: float
    retransmitted: bool = False

    @property
    def end(self) -> int:
        """The sequence number after this segment (SYN and FIN count one)."""
        return (self.seq + len(self.data) + (TcpFlags.SYN in self.flags) + (TcpFlags.FIN in self.flags)) & SEQ_MASK
