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

from collections.abc import Callable, Generator
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from simulator.kernel.ipv4.stack import SendError
from simulator.kernel.ipv4.tcp_input import TcpReceiver
from simulator.kernel.ipv4.tcp_protocol import (
    CAN_RECEIVE_DATA,
    CAN_SEND,
    EPHEMERAL_PORTS,
    FINISHED,
    ON_CLOSE,
    SEQ_MASK,
    SocketTimeout,
    TcpError,
    TcpOption,
    TcpState,
    parse_options,
    reset_for,
    segment_length,
    seq_le,
    seq_lt,
    syn_options,
    timestamp_options,
)
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment

if TYPE_CHECKING:
    from simulator.kernel.ipv4.stack import Ipv4Stack

__all__ = [
    "EPHEMERAL_PORTS",
    "SocketTimeout",
    "TcpConnection",
    "TcpError",
    "TcpListener",
    "TcpOption",
    "TcpState",
    "ephemeral_port",
    "parse_options",
    "reset_for",
    "segment_length",
    "seq_le",
    "seq_lt",
    "syn_options",
    "tcp_connect",
    "tcp_listen",
    "timestamp_options",
]

S = TcpState


class TcpConnection(TcpReceiver):
    """One end of a TCP connection (a ``struct tcp_sock``), for programs to use.

    Made by :func:`tcp_connect` or handed to a listener's ``on_connection``. Data the
    peer sent waits in a receive buffer until :meth:`recv` (a generator, for
    processes) or :meth:`read_available` (for callbacks, with ``on_readable``).
    """

    # -- names ---------------------------------------------------------------------------

    @property
    def local(self) -> tuple[IPv4Address, int]:
        """This end's address and port."""
        return self.local_ip, self.local_port

    @property
    def remote(self) -> tuple[IPv4Address, int]:
        """The peer's address and port."""
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

    # -- receiving (called by the stack, in softirq) -----------------------------------------

    def __call__(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        """The stack's upcall for a segment to our local port."""
        if (packet.src, segment.sport, packet.dst) != (self.remote_ip, self.remote_port, self.local_ip):
            self.stack.reject_tcp(packet, "", f"no connection {packet.dst}:{segment.dport} <- {packet.src}:{segment.sport}")
            return
        self.receive(packet, segment)




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
        """How the trace names the listening socket."""
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
