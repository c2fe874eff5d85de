"""ping: ICMP echo, as iputils and busybox do it.

Resolve the target, open an ICMP socket (identifier = the process id), send an
echo request every ``-i`` seconds (1 s) with 56 bytes of data (a timestamp, then
the bytes 0x10, 0x11, ...), print a line per reply as it arrives and a line per
ICMP error, then the statistics. With ``-c N`` ping stops sending after N and
waits up to 10 s (iputils' MAXWAIT) for what is still outstanding; ``-w`` is a
deadline. Without ``-c`` or ``-w`` a real ping runs until Ctrl-C: at a terminal
(``dockersim shell``) it does; in a script the learner's Ctrl-C comes after four
packets, and ``^C`` shows it. On SIGINT ping stops sending and prints its
statistics, with the status it would have had (the terminal echoes the ``^C``).
At a terminal each line is written when its reply comes.

Exit status: 0 if any reply came back, 1 if none, 2 on an error before sending.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import struct
from collections.abc import Generator
from ipaddress import IPv4Address
from typing import Any

import simpy

from simulator.kernel.ipv4.stack import UNSPECIFIED, SendError
from simulator.packets.icmp import IcmpMessage, IcmpType, UnreachableCode
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.programs import render
from simulator.programs.process import ProcessContext
from simulator.sim import latency

LINGER_S = 10.0
MAX_SIZE = 65507  # 65535 - 20 (IPv4) - 8 (ICMP)
INTERACTIVE_COUNT = 4
ERROR_TEXT = {
    (IcmpType.DEST_UNREACHABLE, UnreachableCode.NET): "Destination Net Unreachable",
    (IcmpType.DEST_UNREACHABLE, UnreachableCode.HOST): "Destination Host Unreachable",
    (IcmpType.DEST_UNREACHABLE, UnreachableCode.PORT): "Destination Port Unreachable",
    (IcmpType.DEST_UNREACHABLE, UnreachableCode.ADMIN_PROHIBITED): "Packet filtered",
    (IcmpType.TIME_EXCEEDED, 0): "Time to live exceeded",
}


def _payload(now_s: float, size: int) -> bytes:
    """iputils: a struct timeval, then 0x10, 0x11, ... (``fill`` pattern)."""
    if size < 16:
        return bytes(size)
    epoch = 1_767_225_600 + now_s
    return struct.pack("<qq", int(epoch), int((epoch % 1) * 1_000_000)) + _fill(size - 16)


@functools.lru_cache(maxsize=8)
def _fill(n: int) -> bytes:
    return bytes((0x10 + i) & 0xFF for i in range(n))


def _usage(ctx: ProcessContext, message: str) -> int:
    if ctx.busybox:
        ctx.err(f"ping: {message}\n")
        return 1
    ctx.err(f"ping: {message}\n")
    return 2


def main(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    count: int | None = None
    interval = 1.0
    deadline: float | None = None
    linger = LINGER_S
    size = 56
    ttl = 64
    args = argv[1:]
    target = None
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-c", "-i", "-w", "-W", "-s", "-t") or (len(a) > 2 and a[:2] in ("-c", "-i", "-w", "-W", "-s", "-t") and a[1] != "-"):
            flag = a[:2]
            if len(a) > 2:
                value = a[2:]
            else:
                if i + 1 >= len(args):
                    return _usage(ctx, f"option requires an argument -- '{flag[1]}'")
                i += 1
                value = args[i]
            try:
                number = float(value)
            except ValueError:
                return _usage(ctx, f"invalid argument: '{value}'")
            if not math.isfinite(number):
                return _usage(ctx, f"invalid argument: '{value}'")
            if flag == "-c":
                if number < 1 or number != int(number):
                    return _usage(ctx, f"invalid argument: '{value}': out of range: 1 <= value <= 9223372036854775807")
                count = int(number)
            elif flag == "-i":
                if number < 0.2 and not ctx.busybox:
                    return _usage(ctx, "cannot flood; minimal interval allowed for user is 200ms")
                interval = number
            elif flag == "-w":
                deadline = number
            elif flag == "-W":
                linger = number
            elif flag == "-s":
                size = int(number)
                if not 0 <= size <= MAX_SIZE:
                    return _usage(ctx, f"invalid argument: '{value}': out of range: 0 <= value <= {MAX_SIZE}")
            elif flag == "-t":
                ttl = int(number)
                if not 0 <= ttl <= 255:
                    return _usage(ctx, f"invalid argument: '{value}': out of range: 0 <= value <= 255")
        elif a == "-q" or a in ("-n", "-4"):
            pass
        elif a.startswith("-") and a != "-":
            return _usage(ctx, f"invalid option -- '{a[1:2]}'")
        else:
            target = a
        i += 1
    if target is None:
        if ctx.busybox:
            ctx.err("BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n")
            return 1
        ctx.err("ping: usage error: Destination address required\n")
        return 1 if ctx.flavour == "host" else 2

    # Resolve.
    numeric = True
    try:
        target_ip = IPv4Address(target)
    except ValueError:
        numeric = False
        resolved = None
        if ctx.resolve is not None:
            resolved = yield from ctx.resolve(target)
        if resolved is None:
            if ctx.busybox:
                ctx.err(f"ping: bad address '{target}'\n")
                return 1
            if ctx.flavour == "ubuntu-14.04":
                ctx.err(f"ping: unknown host {target}\n")
            else:
                ctx.err(f"ping: {target}: Name or service not known\n")
            return 2
        target_ip = IPv4Address(resolved)

    stack = ctx.netns.ipv4
    try:
        stack.route_to(target_ip)
    except SendError as error:
        if ctx.busybox:
            ctx.err(f"ping: sendto: {ctx.strerror(str(error))}\n")
            return 1
        ctx.err(f"connect: {error}\n" if ctx.flavour == "ubuntu-14.04" else f"ping: connect: {error}\n")
        return 2

    sim = ctx.sim
    env = sim.env
    ident = ctx.pid & 0xFFFF
    sent_at: dict[int, float] = {}
    events: list[render.PingReply | render.PingError] = []
    received: set[int] = set()
    errors = 0
    wake = {"event": env.event()}

    def on_packet(packet: IPv4Packet) -> None:
        nonlocal errors
        message = packet.payload
        assert isinstance(message, IcmpMessage)
        low, high = latency.PROCESS_WAKEUP_S
        now = env.now + low + sim.stream("jitter").random() * (high - low)
        if message.type is IcmpType.ECHO_REPLY:
            seq = message.seq
            if seq not in sent_at or seq in received:
                return
            received.add(seq)
            rtt_ms = round((now - sent_at[seq]) * 1e6) / 1000.0
            line: render.PingReply | render.PingError = render.PingReply(seq, packet.ttl, rtt_ms, packet.src, None, 8 + len(message.data))
        else:
            from simulator.packets.codec import decode_ipv4

            inner = decode_ipv4(message.quoted).payload
            seq = inner.seq if isinstance(inner, IcmpMessage) else 0
            errors += 1
            text = ERROR_TEXT.get((message.type, message.code), f"Dest Unreachable, Bad Code: {message.code}")
            line = render.PingError(seq, packet.src, text)
        events.append(line)
        if reverse is None:
            show_replies()
        if not wake["event"].triggered:
            wake["event"].succeed()

    names: dict[IPv4Address, str | None] = {}

    reverse = None if numeric or ctx.busybox else ctx.reverse
    shown_lines = 0  # events already written to a watching terminal
    written = ""  # what this ping has written to it so far

    def show(text: str) -> None:
        nonlocal written
        if text.startswith(written):
            ctx.out(text[len(written):])
            written = text

    def show_replies() -> None:
        """Write the lines of the replies that came since the last call (a terminal watches)."""
        nonlocal shown_lines
        if not ctx.streaming or shown_lines == len(events):
            return
        # One line per event, after the header; s20121221 prints every reply with the first one's name.
        keep = events[:1] if shown_lines else []
        part = render.PingRun(target, target_ip, size, tuple(keep + events[shown_lines:]), 0, 0, 0, 0, False)
        text = render.ping(part, ctx.flavour)
        lines = text[: text.rindex(f"\n--- {target} ping statistics ---")].splitlines(keepends=True)
        show(written + "".join(lines[1 + len(keep):]))
        shown_lines = len(events)

    def name_replies() -> Generator[Any, Any, None]:
        """iputils prints the reply's source by name (a PTR query) when the target was a name."""
        if reverse is None:
            return
        for i, event in enumerate(events):
            if isinstance(event, render.PingReply) and event.from_name is None:
                if event.from_ip not in names:
                    names[event.from_ip] = yield from reverse(str(event.from_ip))
                if names[event.from_ip] is not None:
                    events[i] = dataclasses.replace(event, from_name=names[event.from_ip])
        show_replies()

    stack.icmp_sockets[ident] = on_packet
    start = env.now
    interactive = count is None and deadline is None
    # Without -c or -w ping runs until stopped. In the foreground the lab stops it after
    # INTERACTIVE_COUNT requests (a lesson must not hang); detached or at a terminal, it runs on.
    limit = None if interactive and (ctx.detached or ctx.terminal) else INTERACTIVE_COUNT if interactive else count
    transmitted = 0
    last_send = start
    sigint = False
    if ctx.streaming:
        header = render.ping(render.PingRun(target, target_ip, size, (), 0, 0, 0, 0, False), ctx.flavour)
        show(header[: header.index("\n") + 1])
    try:
        seq = 0
        while True:
            seq += 1
            if ctx.busybox:
                wire_seq = seq - 1
            else:
                wire_seq = seq
            sent_at[wire_seq] = env.now
            last_send = env.now
            packet = IPv4Packet(
                UNSPECIFIED,
                target_ip,
                IPProtocol.ICMP,
                IcmpMessage(IcmpType.ECHO_REQUEST, 0, ident, wire_seq, _payload(env.now, size)),
                ttl=ttl,
                ident=(ident * 7 + seq) & 0xFFFF,
            )
            try:
                stack.send(packet)
            except SendError as error:
                ctx.err(f"ping: sendmsg: {error}\n")
            transmitted += 1
            if limit is not None and transmitted >= limit:
                break
            if deadline is not None and env.now - start + interval > deadline:
                break
            next_send = env.now + interval
            if reverse is None:  # nothing to do between sends: one timer, no wake-ups
                yield env.timeout(interval)
            while env.now < next_send:
                wake["event"] = env.event()
                yield env.any_of([wake["event"], env.timeout(next_send - env.now)])
                yield from name_replies()
        # Wait for what is outstanding.
        end_by = start + deadline if deadline is not None else env.now + (interval if interactive else linger)
        while len(received) + errors < transmitted and env.now < end_by:
            wake["event"] = env.event()
            yield env.any_of([wake["event"], env.timeout(end_by - env.now)])
            yield from name_replies()
        yield from name_replies()
    except simpy.Interrupt as stop:
        # Ctrl-C (SIGINT) or the lab's time limit: the summary still prints
        sigint = stop.cause == "SIGINT"
    finally:
        stack.icmp_sockets.pop(ident, None)
    # iputils reports the time from the first to the last transmission (the deadline with -w).
    elapsed_ms = round(((env.now if deadline is not None else last_send) - start) * 1_000_000) // 1000
    shown = tuple(events)  # -q hides the lines; the summary still needs them
    # After a real Ctrl-C the terminal has echoed ``^C`` already; ping's own output goes on from there.
    run = render.PingRun(target, target_ip, size, shown, transmitted, len(received), errors, elapsed_ms, interactive and not sigint)
    show_replies()
    if ctx.streaming:
        show(written + render.ping(run, ctx.flavour)[len(written):])
    else:
        ctx.out(render.ping(run, ctx.flavour))
    return 0 if received else 1
