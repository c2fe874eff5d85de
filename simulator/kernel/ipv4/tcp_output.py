"""A TCP connection's control block and its sending side (``tcp_output.c``, ``tcp_timer.c``).

:class:`TcpSender` holds what ``struct tcp_sock`` holds (sequence numbers, the
retransmission queue, the RTO estimate, timer generations, who waits on the socket)
and does what the kernel does to send: build a segment with the options the state
calls for, hand it to the IPv4 stack, keep it on the retransmission queue until it is
acknowledged, back the timer off on each expiry (RFC 6298 5.5) and give up after the
``tcp_*retries*`` limits. A state change is a ``TcpStateChanged`` record.

A timer is never cancelled: each arming bumps a generation number, and an expiry
whose generation is stale does nothing. The receiving side is ``tcp_input.py``; the
socket calls programs make are ``tcp.py``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, cast

from simulator.kernel.ipv4.stack import SendError
from simulator.kernel.ipv4.tcp_protocol import (
    ACTIVE_WINDOW,
    DEFAULT_PEER_MSS,
    IP_TCP_HEADERS,
    LOOPBACK_WINDOW,
    PASSIVE_WINDOW,
    SEQ_MASK,
    TCP_DELACK_MIN_S,
    TCP_RETRIES2,
    TCP_RTO_MAX_S,
    TCP_SYN_RETRIES,
    TCP_SYNACK_RETRIES,
    TCP_TIMEOUT_INIT_S,
    TCP_TIMEWAIT_LEN_S,
    TIMESTAMP_OPTION_LEN,
    TcpError,
    TcpOption,
    TcpState,
    Unacked,
    connection_timed_out,
    initial_window,
    syn_options,
    timestamp_options,
)
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.sim import latency
from simulator.trace.records import DropReason, FrameDropped, TcpStateChanged

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    import simpy

    from simulator.kernel.ipv4.stack import Ipv4Stack
    from simulator.kernel.ipv4.tcp import TcpConnection
    from simulator.sim.simulation import Simulation

S = TcpState


class TcpSender:
    """The control block of one connection end, and everything that sends or times out."""

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
        self._socket = cast("TcpConnection", self)  # this object, as the programs' callbacks see it
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
        self._unacked: list[Unacked] = []
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
        entry = Unacked(self.snd_nxt, flags, data, self.sim.env.now)
        self._unacked.append(entry)
        self.snd_nxt = entry.end
        first = len(self._unacked) == 1
        try:
            self._transmit(entry, raise_errors)
        finally:
            if first:
                self._arm_rto()

    def _transmit(self, entry: Unacked, raise_errors: bool = False) -> None:
        if TcpFlags.SYN in entry.flags:
            tsecr = self._ts_recent if self.passive else 0
            if self.passive and not self._ts_ok:
                options = struct.pack("!BBH", TcpOption.MSS, 4, self.mss)
            else:
                options = syn_options(self.mss, self._tsval(), tsecr)
            window = initial_window(self.mss - (TIMESTAMP_OPTION_LEN if self.passive else 0))
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
                self._release(self._socket)
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
            self.on_readable(self._socket)

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
