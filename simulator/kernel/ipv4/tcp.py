"""TCP (RFC 9293): enough for a handshake, one HTTP exchange and a close.

What a Linux socket does, step by step, and this module with it:

* ``connect()`` picks an ephemeral port (``net.ipv4.ip_local_port_range`` 32768-60999,
  even ports first as Linux >= 4.6 does for connect), an initial sequence number and a
  timestamp offset (both from the simulation's RNG), and sends a SYN with the options
  Linux puts in every SYN: MSS, SACK permitted, timestamps, NOP, window scale 7. That
  is 20 bytes of options, a 40-byte header and a 74-byte Ethernet frame. The SYN is
  retransmitted after 1 s, then 2 s, 4 s ... (``TCP_TIMEOUT_INIT``, doubled each time)
  up to ``tcp_syn_retries`` = 6 times; 127 s after the first SYN ``connect()`` fails
  with ETIMEDOUT. A RST in reply fails it at once with ECONNREFUSED.
* ``listen()``: a SYN to a listening port creates a child socket in SYN-RECEIVED that
  answers SYN-ACK with the same options (retransmitted up to ``tcp_synack_retries`` = 5
  times); the ACK of the SYN-ACK makes it ESTABLISHED and hands it to ``accept()``.
* After the handshake every segment carries NOP, NOP, timestamps (a 32-byte header: a
  pure ACK is a 66-byte frame). A write is cut into MSS-sized segments (MSS minus the
  12 option bytes), the last one with PSH. In-order data is acknowledged at once
  (Linux's quick-ACK mode at the start of a connection). A segment beyond the next
  expected one is answered with a duplicate ACK and kept until the gap fills
  (``tcp_data_queue_ofo``): a link here can deliver a small frame (a FIN) before the
  larger one sent just before it.
* Closing: the side that closes first sends FIN (FIN-WAIT-1). A FIN received in
  ESTABLISHED moves to CLOSE-WAIT and its ACK is delayed (``TCP_DELACK_MIN`` 40 ms), so
  when the application closes right away its FIN carries the ACK: the familiar
  three-segment close FIN, FIN-ACK, ACK. The first closer ends in TIME-WAIT for 60 s
  (``TCP_TIMEWAIT_LEN``), then CLOSED. ``close()`` with unread data sends RST instead
  (RFC 2525, as Linux does).
* A segment for a port nobody listens on is answered by the stack
  (``Ipv4Stack.reject_tcp``, Linux's ``tcp_v4_send_reset``).

Every state change is a :class:`~simulator.trace.records.TcpStateChanged` record.

Simplified away: congestion control, flow control (a fixed advertised window), SACK
blocks, Nagle, keepalive, simultaneous open, PAWS. One
retransmission timer: RTO = srtt + max(200 ms, 4 rttvar) (1 s before the first sample),
doubled at each expiry up to 120 s, given up after ``tcp_retries2`` = 15.

Programs use it from simpy generator processes::

    conn = yield from tcp_connect(stack, IPv4Address("93.184.216.34"), 80, timeout_s=5)
    conn.send(b"GET / HTTP/1.1\\r\\n...")
    data = yield from conn.recv()          # b"" once the peer has closed
    conn.close()

and servers with callbacks (no process needed)::

    tcp_listen(stack, 80, on_connection)  # on_connection(conn) sets conn.on_readable
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Generator
from dataclasses import dataclass
from enum import Enum, IntEnum
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from simulator.kernel.ipv4.stack import SendError
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.sim import latency
from simulator.trace.records import DropReason, FrameDropped, TcpStateChanged

if TYPE_CHECKING:
    import simpy

    from simulator.kernel.ipv4.stack import Ipv4Stack
    from simulator.sim.simulation import Simulation

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
    return TcpError("ECONNREFUSED", "Connection refused")


def connection_timed_out() -> TcpError:
    return TcpError("ETIMEDOUT", "Connection timed out")


def connection_reset() -> TcpError:
    return TcpError("ECONNRESET", "Connection reset by peer")


# -- sequence numbers and options (pure) -------------------------------------------------


def seq_lt(a: int, b: int) -> bool:
    """RFC 9293 3.4: ``a`` comes before ``b`` in sequence space (mod 2**32)."""
    return ((a - b) & SEQ_MASK) > 0x7FFFFFFF


def seq_le(a: int, b: int) -> bool:
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


def _initial_window(mss: int) -> int:
    """The unscaled window of a SYN: as many whole MSS as fit in 65535 (64240 for 1460)."""
    return max(mss, (0xFFFF // mss) * mss) if mss <= 0xFFFF else 0xFFFF


@dataclass(slots=True)
class _Unacked:
    """A segment sent and not yet acknowledged (the retransmission queue)."""

    seq: int
    flags: TcpFlags
    data: bytes
    first_sent: float
    retransmitted: bool = False

    @property
    def end(self) -> int:
        return (self.seq + len(self.data) + (TcpFlags.SYN in self.flags) + (TcpFlags.FIN in self.flags)) & SEQ_MASK


# -- connections ------------------------------------------------------------------------------


class TcpConnection:
    """One end of a TCP connection (a ``struct tcp_sock``), for programs to use.

    Made by :func:`tcp_connect` or handed to a listener's ``on_connection``. Data the
    peer sent waits in a receive buffer until :meth:`recv` (a generator, for
    processes) or :meth:`read_available` (for callbacks, with ``on_readable``).
    """

    def __init__(
        self,
        stack: Ipv4Stack,
        local_ip: IPv4Address,
        local_port: int,
        remote_ip: IPv4Address,
        remote_port: int,
        mtu: int,
        passive: bool,
        release: Callable[[TcpConnection], None],
    ) -> None:
        self.stack = stack
        self.sim: Simulation = stack.sim
        self.local_ip = local_ip
        self.local_port = local_port
        self.remote_ip = remote_ip
        self.remote_port = remote_port
        self.passive = passive
        self.state = TcpState.CLOSED
        rng = self.sim.stream("tcp")
        self.iss = rng.getrandbits(32)  # RFC 9293 3.4.1 (Linux: a keyed hash plus a clock)
        self._ts_offset = rng.getrandbits(32)  # per-connection TSval offset (Linux >= 4.10)
        self._ip_ident = rng.randrange(0x10000)  # inet_id, random per connected socket
        self.snd_una = self.iss
        self.snd_nxt = self.iss
        self.irs = 0
        self.rcv_nxt = 0
        self.mss = max(min(mtu, 0xFFFF) - IP_TCP_HEADERS, 88)  # ipv4_default_advmss: at most 65535 - 40
        self._loopback = mtu > 0xFFFF
        self.peer_mss = DEFAULT_PEER_MSS
        self._ts_ok = False
        self._ts_recent = 0
        self._received = bytearray()
        self._out_of_order: dict[int, tuple[IPv4Packet, TcpSegment]] = {}
        self.eof = False
        self.error: TcpError | None = None
        self._unacked: list[_Unacked] = []
        self._rto_s = TCP_TIMEOUT_INIT_S
        self._srtt_s: float | None = None
        self._rttvar_s = 0.0
        self._retries = 0
        self._rto_generation = 0
        self._delack_generation = 0
        self._ack_pending = False
        self._timewait_generation = 0
        self._waiters: list[simpy.Event] = []
        self._release = release
        self._released = False
        self.on_readable: Callable[[TcpConnection], None] | None = None
        """Called whenever data, the peer's FIN, a reset or a state change arrives."""
        self.on_established: Callable[[TcpConnection], None] | None = None

    # -- names ---------------------------------------------------------------------------

    @property
    def local(self) -> tuple[IPv4Address, int]:
        return self.local_ip, self.local_port

    @property
    def remote(self) -> tuple[IPv4Address, int]:
        return self.remote_ip, self.remote_port

    @property
    def description(self) -> str:
        """How the trace names this socket (``ss -t`` style)."""
        return f"tcp socket {self.local_ip}:{self.local_port} <-> {self.remote_ip}:{self.remote_port} ({self.state.value})"

    def describe(self, packet: IPv4Packet, segment: TcpSegment) -> str:
        """The socket a segment is delivered to (the stack's PacketDelivered record)."""
        return self.description

    @property
    def srtt_s(self) -> float | None:
        """The smoothed round-trip time, once one was measured."""
        return self._srtt_s

    def __repr__(self) -> str:
        return f"<TcpConnection {self.local_ip}:{self.local_port} -> {self.remote_ip}:{self.remote_port} {self.state.value}>"

    # -- the application's side ----------------------------------------------------------

    def send(self, data: bytes) -> None:
        """``write()``: queue ``data`` and transmit it now (no Nagle, no window limit)."""
        if self.error is not None:
            raise self.error
        if self.state not in CAN_SEND:
            raise TcpError("EPIPE", "Broken pipe")
        chunk = self._send_mss()
        for start in range(0, len(data), chunk):
            piece = data[start : start + chunk]
            last = start + chunk >= len(data)
            self._queue(TcpFlags.ACK | (TcpFlags.PSH if last else TcpFlags(0)), piece)

    @property
    def available(self) -> int:
        """Bytes waiting in the receive buffer (``ioctl(FIONREAD)``)."""
        return len(self._received)

    def read_available(self) -> bytes:
        """Take whatever the receive buffer holds (``recv`` with MSG_DONTWAIT)."""
        data = bytes(self._received)
        self._received.clear()
        return data

    def recv(self, timeout_s: float | None = None) -> Generator[Any, Any, bytes]:
        """``recv()``: wait for data; ``b""`` once the peer closed its side.

        Raises TcpError (ECONNRESET, ETIMEDOUT) if the connection failed, and
        SocketTimeout if ``timeout_s`` passed first.
        """
        ready = yield from self._wait_for(lambda: bool(self._received) or self.eof or self.error is not None, timeout_s)
        if self._received:
            return self.read_available()
        if self.error is not None:
            raise self.error
        if not ready:
            raise SocketTimeout()
        return b""

    def recv_until_close(self, timeout_s: float | None = None) -> Generator[Any, Any, bytes]:
        """Everything until the peer's FIN (``timeout_s`` bounds the whole wait)."""
        deadline = None if timeout_s is None else self.sim.env.now + timeout_s
        chunks: list[bytes] = []
        while True:
            left = None if deadline is None else max(0.0, deadline - self.sim.env.now)
            data = yield from self.recv(left)
            if not data:
                return b"".join(chunks)
            chunks.append(data)

    def close(self) -> None:
        """``close()``: FIN after whatever was queued (RST if unread data is left)."""
        if self.state in (S.SYN_SENT, S.CLOSED, S.LISTEN):
            self._set_state(S.CLOSED, 0, "close() before the connection was established")
            return
        if self._received and self.state in CAN_RECEIVE_DATA | {S.CLOSE_WAIT}:
            self.abort("close() with unread data (RFC 2525)")
            return
        new = ON_CLOSE.get(self.state)
        if new is None:
            return  # already closing
        self._set_state(new, 0, "close(): FIN sent")
        self._queue(TcpFlags.FIN | TcpFlags.ACK, b"")

    def abort(self, cause: str = "abort (SO_LINGER 0)") -> None:
        """Drop the connection with a RST (``tcp_disconnect``)."""
        if self.state in (S.CLOSED, S.TIME_WAIT, S.LISTEN, S.SYN_SENT):
            self._set_state(S.CLOSED, 0, cause)
            return
        self._transmit_segment(TcpFlags.RST | TcpFlags.ACK, self.snd_nxt, b"", options=b"", window=0)
        self._set_state(S.CLOSED, 0, cause)

    def wait_closed(self, timeout_s: float | None = None) -> Generator[Any, Any, bool]:
        """Wait until the close handshake is over (TIME-WAIT or CLOSED); False on timeout."""
        return (yield from self._wait_for(lambda: self.state in FINISHED, timeout_s))

    # -- opening -----------------------------------------------------------------------------

    def _active_open(self) -> None:
        self._set_state(S.SYN_SENT, 0, "connect(): SYN sent")
        self._queue(TcpFlags.SYN, b"", raise_errors=True)

    def _passive_open(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        self.irs = segment.seq
        self.rcv_nxt = (segment.seq + 1) & SEQ_MASK
        self._learn_options(parse_options(segment.options))
        self._set_state(S.SYN_RECEIVED, packet.flow, f"SYN from {packet.src}:{segment.sport}")
        self._queue(TcpFlags.SYN | TcpFlags.ACK, b"")

    def _learn_options(self, options: dict[int, bytes]) -> None:
        mss = options.get(TcpOption.MSS)
        if mss is not None and len(mss) == 2:
            self.peer_mss = int.from_bytes(mss, "big")
        stamps = options.get(TcpOption.TIMESTAMPS)
        if stamps is not None and len(stamps) == 8:
            self._ts_ok = True
            self._ts_recent = int.from_bytes(stamps[:4], "big")

    # -- receiving (called by the stack, in softirq) -----------------------------------------

    def __call__(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        """The stack's upcall for a segment to our local port."""
        if (packet.src, segment.sport, packet.dst) != (self.remote_ip, self.remote_port, self.local_ip):
            self.stack.reject_tcp(packet, "", f"no connection {packet.dst}:{segment.dport} <- {packet.src}:{segment.sport}")
            return
        self.receive(packet, segment)

    def receive(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        """RFC 9293 3.10.7 "SEGMENT ARRIVES", for this connection's segments."""
        flags = segment.flags
        flow = packet.flow
        state = self.state
        if state is S.CLOSED:
            return
        if state is S.SYN_SENT:
            self._receive_in_syn_sent(packet, segment)
            return
        if state is S.SYN_RECEIVED and TcpFlags.SYN in flags and TcpFlags.ACK not in flags:
            if segment.seq == self.irs and self._unacked:
                self._retransmit_head()  # the peer's SYN was retransmitted: SYN-ACK again
            return
        # First: is the segment the one we expect next? (no reordering queue)
        if TcpFlags.RST in flags:
            if segment.seq == self.rcv_nxt:  # RFC 5961 3.2: only an exact match resets
                if state is S.SYN_RECEIVED:
                    self._set_state(S.CLOSED, flow, "RST in reply to our SYN-ACK")
                elif state is S.TIME_WAIT:
                    self._set_state(S.CLOSED, flow, "RST in TIME-WAIT")
                else:
                    self._fail(connection_reset(), flow, f"RST from {packet.src}:{segment.sport}")
            return
        if TcpFlags.SYN in flags or TcpFlags.ACK not in flags:
            if TcpFlags.SYN in flags:
                self._send_ack()  # RFC 5961 4.2: a challenge ACK
            return
        stamps = parse_options(segment.options).get(TcpOption.TIMESTAMPS)
        if stamps is not None and len(stamps) == 8 and seq_le(segment.seq, self.rcv_nxt):
            self._ts_recent = int.from_bytes(stamps[:4], "big")
        # Second: the acknowledgement.
        if state is S.SYN_RECEIVED:
            if segment.ack != self.snd_nxt:
                self.stack.reject_tcp(packet, "", f"ACK {segment.ack} does not acknowledge our SYN-ACK")
                return
            self._acknowledged(segment.ack)
            self._set_state(S.ESTABLISHED, flow, "ACK of our SYN-ACK: accept()")
            if self.on_established is not None:
                self.on_established(self)
        elif seq_lt(self.snd_una, segment.ack) and seq_le(segment.ack, self.snd_nxt):
            self._acknowledged(segment.ack, flow)
        elif seq_lt(self.snd_nxt, segment.ack):
            self._send_ack()  # acknowledges something never sent
            return
        # Third: data and FIN.
        fin = TcpFlags.FIN in flags
        if not segment.data and not fin:
            self._wake()
            return
        if segment.seq != self.rcv_nxt:
            if seq_lt(self.rcv_nxt, segment.seq) and len(self._out_of_order) < 64:
                self._out_of_order[segment.seq] = (packet, segment)  # wait for the gap to fill
            self._send_ack()  # a duplicate ACK says what we expect
            return
        ack_now = False
        delay_ack = False
        if segment.data and self.state in CAN_RECEIVE_DATA:
            self._received += segment.data
            self.rcv_nxt = (self.rcv_nxt + len(segment.data)) & SEQ_MASK
            ack_now = True  # quick-ACK mode
        if fin and self.state in ON_FIN_RECEIVED:
            self.rcv_nxt = (self.rcv_nxt + 1) & SEQ_MASK
            self.eof = True
            new = ON_FIN_RECEIVED[self.state]
            if self.state is S.ESTABLISHED and not ack_now:
                delay_ack = True  # tcp_fin enters ping-pong mode: hope to send our FIN with it
            else:
                ack_now = True
            self._set_state(new, flow, f"FIN from {packet.src}:{segment.sport}")
        if ack_now:
            self._send_ack()
        elif delay_ack:
            self._schedule_delayed_ack()
        self._wake()
        queued = self._out_of_order.pop(self.rcv_nxt, None)
        if queued is not None and self.state is not S.CLOSED:
            self.receive(*queued)

    def _receive_in_syn_sent(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        flags = segment.flags
        if TcpFlags.ACK in flags and segment.ack != self.snd_nxt:
            if TcpFlags.RST not in flags:
                self.stack.reject_tcp(packet, "", f"ACK {segment.ack} does not acknowledge our SYN")
            return
        if TcpFlags.RST in flags:
            if TcpFlags.ACK in flags:
                self._fail(connection_refused(), packet.flow, f"RST from {packet.src}:{segment.sport}: nobody listens")
            return
        if TcpFlags.SYN not in flags or TcpFlags.ACK not in flags:
            return  # simultaneous open: simplified away
        self.irs = segment.seq
        self.rcv_nxt = (segment.seq + 1) & SEQ_MASK
        self._learn_options(parse_options(segment.options))
        self._acknowledged(segment.ack)
        self._set_state(S.ESTABLISHED, packet.flow, f"SYN-ACK from {packet.src}:{segment.sport}")
        self._send_ack()
        self._wake()

    def _acknowledged(self, ack: int, flow: int = 0) -> None:
        """SND.UNA advances: drop what is acknowledged, sample the RTT (Karn), rearm."""
        self.snd_una = ack
        now = self.sim.env.now
        fin_acked = False
        while self._unacked and seq_le(self._unacked[0].end, ack):
            entry = self._unacked.pop(0)
            if not entry.retransmitted:
                self._rtt_sample(now - entry.first_sent)
            fin_acked = fin_acked or TcpFlags.FIN in entry.flags
        self._retries = 0
        if self._unacked:
            self._arm_rto()
        else:
            self._rto_generation += 1
        if fin_acked and self.state in ON_OUR_FIN_ACKED:
            self._set_state(ON_OUR_FIN_ACKED[self.state], flow, "our FIN was acknowledged")

    def _rtt_sample(self, rtt_s: float) -> None:
        """RFC 6298 2.2-2.3, with Linux's 200 ms floor on the variance term."""
        if self._srtt_s is None:
            self._srtt_s = rtt_s
            self._rttvar_s = rtt_s / 2
        else:
            self._rttvar_s = 0.75 * self._rttvar_s + 0.25 * abs(self._srtt_s - rtt_s)
            self._srtt_s = 0.875 * self._srtt_s + 0.125 * rtt_s
        self._rto_s = min(TCP_RTO_MAX_S, self._srtt_s + max(TCP_RTO_MIN_S, 4 * self._rttvar_s))

    # -- sending --------------------------------------------------------------------------------

    def _send_mss(self) -> int:
        """Payload per segment: the smaller MSS, less the timestamp option."""
        return max(1, min(self.mss, self.peer_mss) - (TIMESTAMP_OPTION_LEN if self._ts_ok else 0))

    def _tsval(self) -> int:
        return (self._ts_offset + int(self.sim.env.now * 1000)) & SEQ_MASK  # a 1 ms clock

    def _window(self) -> int:
        if self._loopback:
            return LOOPBACK_WINDOW
        return PASSIVE_WINDOW if self.passive else ACTIVE_WINDOW

    def _queue(self, flags: TcpFlags, data: bytes, raise_errors: bool = False) -> None:
        """Put a segment on the retransmission queue and send it."""
        entry = _Unacked(self.snd_nxt, flags, data, self.sim.env.now)
        self._unacked.append(entry)
        self.snd_nxt = entry.end
        first = len(self._unacked) == 1
        try:
            self._transmit(entry, raise_errors)
        finally:
            if first:
                self._arm_rto()

    def _transmit(self, entry: _Unacked, raise_errors: bool = False) -> None:
        if TcpFlags.SYN in entry.flags:
            tsecr = self._ts_recent if self.passive else 0
            if self.passive and not self._ts_ok:
                options = struct.pack("!BBH", TcpOption.MSS, 4, self.mss)
            else:
                options = syn_options(self.mss, self._tsval(), tsecr)
            window = _initial_window(self.mss - (TIMESTAMP_OPTION_LEN if self.passive else 0))
            ident = 0 if self.passive else None  # ip_build_and_send_pkt: a SYN-ACK with DF has id 0
            self._transmit_segment(entry.flags, entry.seq, b"", options, window, ident, raise_errors)
        else:
            self._transmit_segment(entry.flags, entry.seq, entry.data, raise_errors=raise_errors)

    def _transmit_segment(
        self,
        flags: TcpFlags,
        seq: int,
        data: bytes,
        options: bytes | None = None,
        window: int | None = None,
        ident: int | None = None,
        raise_errors: bool = False,
    ) -> None:
        if options is None:
            options = timestamp_options(self._tsval(), self._ts_recent) if self._ts_ok else b""
        ack = self.rcv_nxt if TcpFlags.ACK in flags else 0
        if TcpFlags.ACK in flags:
            self._ack_pending = False  # the ACK rides along: no delayed ACK needed
            self._delack_generation += 1
        if ident is None:
            ident = self._ip_ident
            self._ip_ident = (self._ip_ident + 1) & 0xFFFF
        segment = TcpSegment(
            self.local_port, self.remote_port, seq & SEQ_MASK, ack & SEQ_MASK, flags,
            self._window() if window is None else window, options, data,
        )
        packet = IPv4Packet(
            self.local_ip, self.remote_ip, IPProtocol.TCP, segment,
            ttl=self.stack.default_ttl, ident=ident, dont_fragment=True,
        )
        try:
            self.stack.send(packet)
        except SendError as error:
            if raise_errors:
                raise TcpError("EPERM" if "permitted" in str(error) else "ENETUNREACH", str(error)) from error
            if "permitted" not in str(error):  # a filtered packet was already recorded by the stack
                self.sim.tracer.emit(FrameDropped(self.sim.env.now, self.stack.namespace.node, "", None, DropReason.NO_ROUTE, str(error), packet))

    def _send_ack(self) -> None:
        self._transmit_segment(TcpFlags.ACK, self.snd_nxt, b"")

    def _retransmit_head(self) -> None:
        head = self._unacked[0]
        head.retransmitted = True
        self._transmit(head)

    # -- timers ---------------------------------------------------------------------------------

    def _arm_rto(self) -> None:
        self._rto_generation += 1
        generation = self._rto_generation
        self.sim.call_later(self._rto_s, lambda: self._on_rto(generation))

    def _on_rto(self, generation: int) -> None:
        """The retransmission timer expired (``tcp_retransmit_timer``)."""
        if generation != self._rto_generation or not self._unacked or self.state is S.CLOSED:
            return
        if self.state is S.SYN_SENT:
            limit = TCP_SYN_RETRIES
        elif self.state is S.SYN_RECEIVED:
            limit = TCP_SYNACK_RETRIES
        else:
            limit = TCP_RETRIES2
        if self._retries >= limit:
            if self.state is S.SYN_RECEIVED:
                self._set_state(S.CLOSED, 0, f"no ACK after {limit} SYN-ACK retransmissions")
            else:
                self._fail(connection_timed_out(), 0, f"no answer after {limit} retransmissions")
            return
        self._retries += 1
        self._rto_s = min(self._rto_s * 2, TCP_RTO_MAX_S)  # RFC 6298 5.5: back off
        self._retransmit_head()
        self._arm_rto()

    def _schedule_delayed_ack(self) -> None:
        self._ack_pending = True
        self._delack_generation += 1
        generation = self._delack_generation
        self.sim.call_later(TCP_DELACK_MIN_S, lambda: self._on_delayed_ack(generation))

    def _on_delayed_ack(self, generation: int) -> None:
        if generation == self._delack_generation and self._ack_pending and self.state is not S.CLOSED:
            self._send_ack()

    # -- state ----------------------------------------------------------------------------------

    def _set_state(self, new: TcpState, flow: int, cause: str) -> None:
        old = self.state
        if new is old:
            return
        self.state = new
        self.sim.tracer.emit(
            TcpStateChanged(
                self.sim.env.now, self.stack.namespace.node, flow,
                f"{self.local_ip}:{self.local_port}", f"{self.remote_ip}:{self.remote_port}",
                old.value, new.value, cause,
            )
        )
        if new is S.TIME_WAIT:
            self._rto_generation += 1
            self._timewait_generation += 1
            generation = self._timewait_generation
            self.sim.call_later(TCP_TIMEWAIT_LEN_S, lambda: self._timewait_over(generation))
        if new is S.CLOSED:
            self._unacked.clear()
            self._rto_generation += 1
            self._delack_generation += 1
            if not self._released:
                self._released = True
                self._release(self)
        self._wake()

    def _timewait_over(self, generation: int) -> None:
        if generation == self._timewait_generation and self.state is S.TIME_WAIT:
            self._set_state(S.CLOSED, 0, "TIME-WAIT over (60 s)")

    def _fail(self, error: TcpError, flow: int, cause: str) -> None:
        self.error = error
        self._set_state(S.CLOSED, flow, cause)

    # -- waiting (for processes) ------------------------------------------------------------------

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for event in waiters:
            if not event.triggered:
                event.succeed()
        if self.on_readable is not None:
            self.on_readable(self)

    def _wait_for(self, ready: Callable[[], bool], timeout_s: float | None) -> Generator[Any, Any, bool]:
        """Block the calling process until ``ready()``; False if ``timeout_s`` passed first.

        A process that was asleep wakes a little after the event (scheduler latency).
        """
        env = self.sim.env
        deadline = None if timeout_s is None else env.now + timeout_s
        slept = False
        while not ready():
            if deadline is not None and env.now >= deadline:
                return False
            event = env.event()
            self._waiters.append(event)
            slept = True
            if deadline is None:
                yield event
            else:
                yield env.any_of([event, env.timeout(deadline - env.now)])
        if slept:
            low, high = latency.PROCESS_WAKEUP_S
            yield env.timeout(low + self.sim.stream("jitter").random() * (high - low))
        return True


# -- listening and connecting --------------------------------------------------------------------


class TcpListener:
    """A listening socket bound to ``0.0.0.0:port``; its children are the connections.

    Registered in ``stack.tcp_sockets[port]``, it receives every segment to the port
    and hands each to the connection of its (source, source port, destination).
    """

    def __init__(self, stack: Ipv4Stack, port: int, on_connection: Callable[[TcpConnection], None]) -> None:
        self.stack = stack
        self.port = port
        self.on_connection = on_connection
        self.children: dict[tuple[IPv4Address, int, IPv4Address], TcpConnection] = {}
        self.accepting = True

    @property
    def description(self) -> str:
        return f"tcp socket 0.0.0.0:{self.port} (LISTEN)"

    def describe(self, packet: IPv4Packet, segment: TcpSegment) -> str:
        """The connection the segment belongs to, or the listening socket itself."""
        child = self.children.get((packet.src, segment.sport, packet.dst))
        return child.description if child is not None else self.description

    def __repr__(self) -> str:
        return f"<TcpListener 0.0.0.0:{self.port} {len(self.children)} connections>"

    def __call__(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        key = (packet.src, segment.sport, packet.dst)
        child = self.children.get(key)
        if child is not None:
            if child.state is S.TIME_WAIT and TcpFlags.SYN in segment.flags and TcpFlags.ACK not in segment.flags:
                child._set_state(S.CLOSED, packet.flow, "a new SYN reuses the TIME-WAIT pair")
            else:
                child.receive(packet, segment)
                return
        flags = segment.flags
        if TcpFlags.RST in flags:
            return
        if TcpFlags.ACK in flags or not self.accepting:
            self.stack.reject_tcp(packet, "", f"no connection {packet.dst}:{self.port} <- {packet.src}:{segment.sport}")
            return
        if TcpFlags.SYN not in flags:
            return
        child = TcpConnection(self.stack, packet.dst, self.port, packet.src, segment.sport, _mtu_towards(self.stack, packet.src), True, self._forget)
        child.on_established = self.on_connection
        self.children[key] = child
        child._passive_open(packet, segment)

    def _forget(self, conn: TcpConnection) -> None:
        key = (conn.remote_ip, conn.remote_port, conn.local_ip)
        if self.children.get(key) is conn:
            del self.children[key]
        if not self.accepting and not self.children and self.stack.tcp_sockets.get(self.port) is self:
            del self.stack.tcp_sockets[self.port]

    def close(self) -> None:
        """Stop accepting; connections already made carry on until they close."""
        self.accepting = False
        for child in [c for c in self.children.values() if c.state is S.SYN_RECEIVED]:
            child._set_state(S.CLOSED, 0, "listener closed")
        if not self.children and self.stack.tcp_sockets.get(self.port) is self:
            del self.stack.tcp_sockets[self.port]


def _mtu_towards(stack: Ipv4Stack, ip: IPv4Address) -> int:
    """The MTU of the device the route to ``ip`` leaves by (the MSS follows from it)."""
    try:
        dev = stack.namespace.devices.get(stack.route_to(ip).dev)
    except SendError:
        return 1500
    return dev.mtu if dev is not None else 1500


def tcp_listen(stack: Ipv4Stack, port: int, on_connection: Callable[[TcpConnection], None]) -> TcpListener:
    """``socket(); bind(0.0.0.0:port); listen()``; ``on_connection`` is ``accept()``.

    Raises TcpError(EADDRINUSE) if the port is taken.
    """
    if port in stack.tcp_sockets:
        raise TcpError("EADDRINUSE", "Address already in use")
    listener = TcpListener(stack, port, on_connection)
    stack.tcp_sockets[port] = listener
    return listener


def ephemeral_port(stack: Ipv4Stack) -> int:
    """A free local port from ``ip_local_port_range``, even ones first (Linux >= 4.6)."""
    low, high = EPHEMERAL_PORTS
    span = high - low + 1
    offset = stack.sim.stream("ports").randrange(span) & ~1
    for parity in (0, 1):
        for i in range(0, span, 2):
            port = low + ((offset + i) % span & ~1) + parity
            if port <= high and port not in stack.tcp_sockets:
                return port
    raise TcpError("EADDRNOTAVAIL", "Cannot assign requested address")


def tcp_connect(stack: Ipv4Stack, dst: IPv4Address, port: int, timeout_s: float | None = None) -> Generator[Any, Any, TcpConnection]:
    """``connect()`` from a simpy process: returns the ESTABLISHED connection.

    Raises TcpError: ECONNREFUSED (a RST came back), ETIMEDOUT (the kernel gave up
    after tcp_syn_retries), ENETUNREACH / EPERM (no route, or OUTPUT dropped the SYN);
    SocketTimeout when ``timeout_s`` passes first (the socket is then closed quietly,
    as closing a SYN-SENT socket is).
    """
    dst = IPv4Address(dst)
    try:
        route = stack.route_to(dst)
    except SendError as error:
        raise TcpError("ENETUNREACH", str(error)) from error
    src = route.src or stack.primary_address(route.dev, dst)
    if src is None:
        raise TcpError("ENETUNREACH", "Network is unreachable")
    local_port = ephemeral_port(stack)

    def release(conn: TcpConnection) -> None:
        if stack.tcp_sockets.get(conn.local_port) is conn:
            del stack.tcp_sockets[conn.local_port]

    conn = TcpConnection(stack, src, local_port, dst, port, _mtu_towards(stack, dst), False, release)
    stack.tcp_sockets[local_port] = conn
    try:
        conn._active_open()
    except TcpError as error:
        error.local = conn.local
        conn._set_state(S.CLOSED, 0, "connect() failed before the SYN left")
        raise
    yield from conn._wait_for(lambda: conn.state is not S.SYN_SENT, timeout_s)
    if conn.error is not None:
        conn.error.local = conn.local
        raise conn.error
    if conn.state is S.SYN_SENT:
        conn._set_state(S.CLOSED, 0, "the program gave up waiting (connect timeout)")
        timeout = SocketTimeout()
        timeout.local = conn.local
        raise timeout
    return conn
