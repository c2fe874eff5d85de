"""The receiving side of a TCP connection: RFC 9293 3.10.7 "SEGMENT ARRIVES" (``tcp_input.c``).

A segment is checked in the RFC's order, one step each: the states that take
anything (SYN-SENT waits for the SYN-ACK), then the control bits (an RST resets only
when its sequence number is exactly the next expected one, RFC 5961 3.2; a SYN gets a
challenge ACK, RFC 5961 4.2), then the acknowledgement (SND.UNA advances, the
acknowledged segments leave the retransmission queue, the RTT is sampled unless the
segment was retransmitted: Karn), then data and FIN (in-order data is acknowledged at
once; a segment beyond the next expected one waits in a small out-of-order queue; a FIN
in ESTABLISHED delays its ACK so the application's FIN can ride along).
"""

from __future__ import annotations

from simulator.kernel.ipv4.tcp_output import TcpSender
from simulator.kernel.ipv4.tcp_protocol import (
    CAN_RECEIVE_DATA,
    ON_FIN_RECEIVED,
    ON_OUR_FIN_ACKED,
    SEQ_MASK,
    TCP_RTO_MAX_S,
    TCP_RTO_MIN_S,
    TcpOption,
    TcpState,
    connection_refused,
    connection_reset,
    parse_options,
    seq_le,
    seq_lt,
)
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment

S = TcpState


class TcpReceiver(TcpSender):
    """What a connection does with the segments the stack hands it."""

    def _learn_options(self, options: dict[int, bytes]) -> None:
        mss = options.get(TcpOption.MSS)
        if mss is not None and len(mss) == 2:
            self.peer_mss = int.from_bytes(mss, "big")
        stamps = options.get(TcpOption.TIMESTAMPS)
        if stamps is not None and len(stamps) == 8:
            self._ts_ok = True
            self._ts_recent = int.from_bytes(stamps[:4], "big")


    def receive(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        """RFC 9293 3.10.7 "SEGMENT ARRIVES", for this connection's segments."""
        state = self.state
        if state is S.CLOSED:
            return
        if state is S.SYN_SENT:
            self._receive_in_syn_sent(packet, segment)
            return
        if not self._check_control(packet, segment, state):
            return
        stamps = parse_options(segment.options).get(TcpOption.TIMESTAMPS)
        if stamps is not None and len(stamps) == 8 and seq_le(segment.seq, self.rcv_nxt):
            self._ts_recent = int.from_bytes(stamps[:4], "big")
        if not self._check_ack(packet, segment, state):
            return
        self._receive_text(packet, segment)

    def _check_control(self, packet: IPv4Packet, segment: TcpSegment, state: TcpState) -> bool:
        """First: a retransmitted SYN, RST and SYN bits, a segment without ACK; False when done with it."""
        flags = segment.flags
        if state is S.SYN_RECEIVED and TcpFlags.SYN in flags and TcpFlags.ACK not in flags:
            if segment.seq == self.irs and self._unacked:
                self._retransmit_head()  # the peer's SYN was retransmitted: SYN-ACK again
            return False
        # Is the segment the one we expect next? (no reordering queue)
        if TcpFlags.RST in flags:
            if segment.seq == self.rcv_nxt:  # RFC 5961 3.2: only an exact match resets
                flow = packet.flow
                if state is S.SYN_RECEIVED:
                    self._set_state(S.CLOSED, flow, "RST in reply to our SYN-ACK")
                elif state is S.TIME_WAIT:
                    self._set_state(S.CLOSED, flow, "RST in TIME-WAIT")
                else:
                    self._fail(connection_reset(), flow, f"RST from {packet.src}:{segment.sport}")
            return False
        if TcpFlags.SYN in flags or TcpFlags.ACK not in flags:
            if TcpFlags.SYN in flags:
                self._send_ack()  # RFC 5961 4.2: a challenge ACK
            return False
        return True

    def _check_ack(self, packet: IPv4Packet, segment: TcpSegment, state: TcpState) -> bool:
        """Second: the acknowledgement; False when the segment needs nothing more."""
        flow = packet.flow
        if state is S.SYN_RECEIVED:
            if segment.ack != self.snd_nxt:
                self.stack.reject_tcp(packet, "", f"ACK {segment.ack} does not acknowledge our SYN-ACK")
                return False
            self._acknowledged(segment.ack)
            self._set_state(S.ESTABLISHED, flow, "ACK of our SYN-ACK: accept()")
            if self.on_established is not None:
                self.on_established(self._socket)
        elif seq_lt(self.snd_una, segment.ack) and seq_le(segment.ack, self.snd_nxt):
            self._acknowledged(segment.ack, flow)
        elif seq_lt(self.snd_nxt, segment.ack):
            self._send_ack()  # acknowledges something never sent
            return False
        return True

    def _receive_text(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        """Third: data and FIN, in order; a segment beyond the next expected one waits."""
        fin = TcpFlags.FIN in segment.flags
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
            self._set_state(new, packet.flow, f"FIN from {packet.src}:{segment.sport}")
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
