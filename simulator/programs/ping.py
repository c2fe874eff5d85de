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
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

import simpy

from simulator.kernel.ipv4.stack import UNSPECIFIED, SendError
from simulator.packets.icmp import IcmpMessage, IcmpType, UnreachableCode
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.programs import render, resolver
from simulator.programs.options import OPERAND, MissingArgument, OptionError, OptionSpec, scan
from simulator.programs.process import ProcessContext
from simulator.programs.userland import Userland
from simulator.sim import latency

LINGER_S = 10.0
MIN_INTERVAL_S = 0.010  # iputils MININTERVAL: an unanswered flood still sends 100 requests a second
MAX_SIZE = 65507  # 65535 - 20 (IPv4) - 8 (ICMP)
INTERACTIVE_COUNT = 4
USER_FLOOR_2MS = "20210202"  # iputils from here on: users may ping every 2 ms
GAI_MESSAGES = "20161105"  # iputils from here on: getaddrinfo's words, "ping: " before errors, usage exit 1
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


class PingUsageError(Exception):
    """A command line ping refuses before sending anything: its message and exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class PingOptions:
    """What the command line asked for, parsed once before anything is sent."""

    target: str
    count: int | None = None  # -c
    interval_s: float = 1.0  # -i
    deadline_s: float | None = None  # -w
    linger_s: float = LINGER_S  # -W
    size: int = 56  # -s
    ttl: int = 64  # -t
    quiet: bool = False  # -q: the header and the summary only
    flood: bool = False  # -f: a dot per request, a backspace per reply; as fast as replies come (100/s at least)
    interval_given: bool = False

    @property
    def paced_by_replies(self) -> bool:
        """``-f`` (or ``-i 0``): the next request leaves when the last is answered, or after 10 ms."""
        return self.interval_s == 0 or (self.flood and not self.interval_given)


# iputils' getopt string, as far as it is modelled; BusyBox's ping has no flood (-f)
IPUTILS_SPEC = OptionSpec(flags="qfn4", valued="ciwWst")
BUSYBOX_SPEC = OptionSpec(flags="qn4", valued="ciwWst")
_FLAG_FIELDS: dict[str, dict[str, Any]] = {"-q": {"quiet": True}, "-f": {"flood": True}}


def parse_options(argv: list[str], userland: Userland, uid: int = 0) -> PingOptions:
    """``ping [-c N] [-i S] [-w S] [-W S] [-s N] [-t N] [-q] [-f] [-n] [-4] TARGET``.

    Raises PingUsageError with ping's own message and exit status (BusyBox 1, iputils 2).
    Intervals below iputils' floor for users, and ``-f``, are for root (uid 0) only.
    """
    bad = 1 if userland.busybox else 2
    values: dict[str, Any] = {}
    target = None
    try:
        for option, value in scan(argv[1:], BUSYBOX_SPEC if userland.busybox else IPUTILS_SPEC):
            if option == OPERAND:
                target = value
            else:  # each value is checked as getopt hands it over: the first bad one is reported
                values.update(_FLAG_FIELDS.get(option, {}) if value is None else _option_value(option, value, userland, bad))
    except MissingArgument as error:
        raise PingUsageError(f"option requires an argument -- '{error.letter}'", bad) from None
    except OptionError as error:  # getopt(3) without long options reads "--x" as the letters "-", "x"
        letter = "-" if error.option.startswith("--") else error.letter
        raise PingUsageError(f"invalid option -- '{letter}'", bad) from None
    if target is None:
        if userland.busybox:
            raise PingUsageError("BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST", 1)
        raise PingUsageError("ping: usage error: Destination address required", 1 if userland.iputils_at_least(GAI_MESSAGES) else 2)
    options = PingOptions(target, **values)
    if uid != 0 and not userland.busybox:
        _check_user_interval(options, userland)
    return options


def _check_user_interval(options: PingOptions, userland: Userland) -> None:
    """iputils refuses a user (not root) an interval below its floor; ``-f`` means interval 0.

    s20121221 (``setup()``): 200 ms, "cannot flood; minimal interval, allowed for user, is
    200ms"; from 20210202 the floor is 2 ms and the message names the ``-i`` to use.
    """
    interval = 0.0 if options.flood and not options.interval_given else options.interval_s
    if userland.iputils_at_least(USER_FLOOR_2MS):
        if interval < 0.002:
            raise PingUsageError("ping: cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)", 2)
    elif interval < 0.2:
        raise PingUsageError("ping: cannot flood; minimal interval, allowed for user, is 200ms", 2)


def _option_value(flag: str, value: str, userland: Userland, bad: int) -> dict[str, Any]:
    """One valued option as a ``PingOptions`` field, checked as ping checks it."""
    try:
        number = float(value)
    except ValueError:
        raise PingUsageError(f"invalid argument: '{value}'", bad) from None
    if not math.isfinite(number):
        raise PingUsageError(f"invalid argument: '{value}'", bad)
    if flag == "-c":
        if number < 1 or number != int(number):
            raise PingUsageError(f"invalid argument: '{value}': out of range: 1 <= value <= 9223372036854775807", bad)
        return {"count": int(number)}
    if flag == "-i":
        if number < 0:
            raise PingUsageError("bad timing interval", bad)
        return {"interval_s": number, "interval_given": True}
    if flag == "-w":
        return {"deadline_s": number}
    if flag == "-W":
        return {"linger_s": number}
    if flag == "-s":
        size = int(number)
        if not 0 <= size <= MAX_SIZE:
            raise PingUsageError(f"invalid argument: '{value}': out of range: 0 <= value <= {MAX_SIZE}", bad)
        return {"size": size}
    ttl = int(number)
    if not 0 <= ttl <= 255:
        raise PingUsageError(f"invalid argument: '{value}': out of range: 0 <= value <= 255", bad)
    return {"ttl": ttl}


def _resolve(ctx: ProcessContext, target: str) -> Generator[Any, Any, IPv4Address | None]:
    """The target's address (a literal, or getaddrinfo's answer); prints ping's error when there is none."""
    try:
        return IPv4Address(target)
    except ValueError:
        pass
    resolved = None
    if ctx.resolve is not None:
        resolved = yield from ctx.resolve(target)
    if resolved is not None:
        return IPv4Address(resolved)
    if ctx.busybox:
        ctx.err(f"ping: bad address '{target}'\n")
    elif not ctx.userland.iputils_at_least(GAI_MESSAGES):
        ctx.err(f"ping: unknown host {target}\n")
    else:
        ctx.err(f"ping: {target}: Name or service not known\n")
    return None


def main(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """Parse the command line, resolve the target, then ping it."""
    try:
        options = parse_options(argv, ctx.userland, ctx.uid)
    except PingUsageError as usage:
        ctx.err(f"{usage.message}\n" if usage.message.startswith(("ping: ", "BusyBox")) else f"ping: {usage.message}\n")
        return usage.status
    target = options.target
    numeric = _is_address(target)
    target_ip = yield from _resolve(ctx, target)
    if target_ip is None:
        return 1 if ctx.busybox else 2
    if not numeric and not ctx.busybox:
        # iputils asks getaddrinfo for AI_CANONNAME and prints that name (BusyBox: the name as typed)
        canonical = resolver.hosts_canonical(ctx.files.get("/etc/hosts", ""), target)
        if canonical is not None:
            options = dataclasses.replace(options, target=canonical)

    stack = ctx.netns.ipv4
    try:
        stack.route_to(target_ip)
    except SendError as error:
        if ctx.busybox:
            ctx.err(f"ping: sendto: {ctx.strerror(str(error))}\n")
            return 1
        ctx.err(f"ping: connect: {error}\n" if ctx.userland.iputils_at_least(GAI_MESSAGES) else f"connect: {error}\n")
        return 2

    session = _Session(ctx, options, target_ip, numeric)
    yield from session.run()
    session.finish()
    return 0 if session.received else 1


class _Session:
    """One ping run: the ICMP socket, what was sent and what came back.

    ``run`` sends echo requests on the schedule the options ask for and waits for
    what is outstanding; ``on_packet`` (the socket) records replies and errors as they
    arrive; ``result`` is what ``render_ping`` prints.
    """

    def __init__(self, ctx: ProcessContext, options: PingOptions, target_ip: IPv4Address, numeric: bool) -> None:
        self.ctx = ctx
        self.options = options
        self.target_ip = target_ip
        self.env = ctx.sim.env
        self.ident = ctx.pid & 0xFFFF
        self.sent_at: dict[int, float] = {}
        self.events: list[render.PingReply | render.PingError] = []
        self.received: set[int] = set()
        self.errors = 0
        self.wake = self.env.event()
        # -f: what the terminal receives as it happens: "." per request, "\b \b" per reply, "E" per error
        self.marks: list[str] | None = [] if options.flood and not options.quiet else None
        self.names: dict[IPv4Address, str | None] = {}
        self.reverse = None if numeric or ctx.busybox or options.flood else ctx.reverse  # -f implies -n
        self.interactive = options.count is None and options.deadline_s is None
        self.transmitted = 0
        self.start = self.env.now
        self.last_send = self.start
        self.sigint = False  # stopped by Ctrl-C (not by the lab's time limit)
        self.shown_lines = 0  # events already written to a watching terminal
        self._written: list[str] = []  # what this ping has written to it so far, piece by piece

    def on_packet(self, packet: IPv4Packet) -> None:
        """The ICMP socket: an echo reply of ours, or an error quoting one of our requests."""
        message = packet.payload
        assert isinstance(message, IcmpMessage)
        low, high = latency.PROCESS_WAKEUP_S
        now = self.env.now + low + self.ctx.sim.stream("jitter").random() * (high - low)
        if message.type is IcmpType.ECHO_REPLY:
            seq = message.seq
            if seq not in self.sent_at or seq in self.received:
                return
            self.received.add(seq)
            rtt_ms = round((now - self.sent_at[seq]) * 1e6) / 1000.0
            line: render.PingReply | render.PingError = render.PingReply(seq, packet.ttl, rtt_ms, packet.src, None, 8 + len(message.data))
            if self.marks is not None:
                self.marks.append("\b \b")
        else:
            from simulator.packets.codec import decode_ipv4

            inner = decode_ipv4(message.quoted).payload
            seq = inner.seq if isinstance(inner, IcmpMessage) else 0
            self.errors += 1
            text = ERROR_TEXT.get((message.type, message.code), f"Dest Unreachable, Bad Code: {message.code}")
            line = render.PingError(seq, packet.src, text)
            if self.marks is not None:
                self.marks.append("E")
        self.events.append(line)
        if self.reverse is None:
            self.show_replies()
        if not self.wake.triggered:
            self.wake.succeed()

    @property
    def written(self) -> str:
        """Everything written so far (joined once, however many pieces a long run wrote)."""
        if len(self._written) > 1:
            self._written[:] = ["".join(self._written)]
        return self._written[0] if self._written else ""

    def show(self, text: str) -> None:
        """Write what ``text`` adds to what the terminal has already been shown."""
        written = self.written
        if text.startswith(written):
            self.append(text[len(written):])

    def append(self, piece: str) -> None:
        """Write ``piece`` after what was written (a reply line: no copy of what came before)."""
        if piece:
            self.ctx.out(piece)
            self._written.append(piece)

    def show_replies(self) -> None:
        """Write what came since the last call (a terminal watches): reply lines, or ``-f``'s marks."""
        if not self.ctx.streaming:
            return
        if self.marks is not None:
            self.show(self._header() + "".join(self.marks))
            return
        if self.options.quiet or self.shown_lines == len(self.events):
            return
        # One line per event, after the header; s20121221 prints every reply with the first one's name.
        keep = self.events[:1] if self.shown_lines else []
        options = self.options
        part = render.PingRun(options.target, self.target_ip, options.size, tuple(keep + self.events[self.shown_lines:]), 0, 0, 0, 0, False)
        text = render.ping(part, self.ctx.userland)
        lines = text[: text.rindex(f"\n--- {options.target} ping statistics ---")].splitlines(keepends=True)
        self.append("".join(lines[1 + len(keep):]))
        self.shown_lines = len(self.events)

    def _header(self) -> str:
        options = self.options
        text = render.ping(render.PingRun(options.target, self.target_ip, options.size, (), 0, 0, 0, 0, False), self.ctx.userland)
        return text[: text.index("\n") + 1]

    def name_replies(self) -> Generator[Any, Any, None]:
        """iputils prints the reply's source by name (a PTR query) when the target was a name."""
        if self.reverse is None:
            return
        for i, event in enumerate(self.events):
            if isinstance(event, render.PingReply) and event.from_name is None:
                if event.from_ip not in self.names:
                    self.names[event.from_ip] = yield from self.reverse(str(event.from_ip))
                if self.names[event.from_ip] is not None:
                    self.events[i] = dataclasses.replace(event, from_name=self.names[event.from_ip])
        self.show_replies()

    def _wait_until(self, end: float, done: Any, name: bool) -> Generator[Any, Any, None]:
        """Sleep until ``end`` or until ``done()``, waking at each reply (to name it, if asked)."""
        while not done() and self.env.now < end:
            self.wake = self.env.event()
            yield self.env.any_of([self.wake, self.env.timeout(end - self.env.now)])
            if name:
                yield from self.name_replies()

    def _outstanding(self) -> bool:
        return len(self.received) + self.errors >= self.transmitted

    def send(self, seq: int) -> None:
        """One echo request: iputils numbers from 1, BusyBox from 0."""
        env = self.env
        wire_seq = seq - 1 if self.ctx.busybox else seq
        self.sent_at[wire_seq] = env.now
        self.last_send = env.now
        packet = IPv4Packet(
            UNSPECIFIED,
            self.target_ip,
            IPProtocol.ICMP,
            IcmpMessage(IcmpType.ECHO_REQUEST, 0, self.ident, wire_seq, _payload(env.now, self.options.size)),
            ttl=self.options.ttl,
            ident=(self.ident * 7 + seq) & 0xFFFF,
        )
        if self.marks is not None:
            self.marks.append(".")
            self.show_replies()
        try:
            self.ctx.netns.ipv4.send(packet)
        except SendError as error:
            self.ctx.err(f"ping: sendmsg: {error}\n")
        self.transmitted += 1

    def run(self) -> Generator[Any, Any, None]:
        """Send on schedule, then wait for what is outstanding; a stop from outside ends it like ^C."""
        options, env = self.options, self.env
        stack = self.ctx.netns.ipv4
        interval, deadline = options.interval_s, options.deadline_s
        # Without -c or -w ping runs until stopped. In the foreground the lab stops it after
        # INTERACTIVE_COUNT requests (a lesson must not hang); detached or at a terminal, it runs on.
        unbounded = self.ctx.detached or self.ctx.terminal
        limit = None if self.interactive and unbounded else INTERACTIVE_COUNT if self.interactive else options.count
        stack.icmp_sockets[self.ident] = self.on_packet
        if self.ctx.streaming:
            self.show(self._header())
        try:
            seq = 0
            while True:
                seq += 1
                self.send(seq)
                if limit is not None and self.transmitted >= limit:
                    break
                if deadline is not None and env.now - self.start + interval > deadline:
                    break
                if options.paced_by_replies:
                    # ping_common.c pinger(): with interval 0 the next request waits only for the
                    # replies in flight, and at most MININTERVAL (10 ms)
                    yield from self._wait_until(env.now + MIN_INTERVAL_S, self._outstanding, name=False)
                    continue
                next_send = env.now + interval
                if self.reverse is None:  # nothing to do between sends: one timer, no wake-ups
                    yield env.timeout(interval)
                yield from self._wait_until(next_send, lambda: False, name=True)
            # Wait for what is outstanding.
            end_by = self.start + deadline if deadline is not None else env.now + (interval if self.interactive else options.linger_s)
            yield from self._wait_until(end_by, self._outstanding, name=True)
            yield from self.name_replies()
        except simpy.Interrupt as stop:
            # Ctrl-C (SIGINT) or the lab's time limit: the summary still prints
            self.sigint = stop.cause == "SIGINT"
        finally:
            stack.icmp_sockets.pop(self.ident, None)

    def finish(self) -> None:
        """Print the rest: everything at once in a script, what the terminal has not seen yet at one."""
        text = render.ping(self.result(), self.ctx.userland)
        self.show_replies()
        if self.ctx.streaming:
            self.show(self.written + text[len(self.written):])
        else:
            self.ctx.out(text)

    def result(self) -> render.PingRun:
        """What ping prints: iputils reports the time from the first to the last transmission (the deadline with -w)."""
        options = self.options
        end = self.env.now if options.deadline_s is not None else self.last_send
        elapsed_us = round((end - self.start) * 1_000_000)
        return render.PingRun(
            options.target, self.target_ip, options.size, tuple(self.events), self.transmitted, len(self.received),
            # after a real Ctrl-C the terminal has echoed ``^C`` already; ping's own output goes on from there
            self.errors, elapsed_us // 1000, self.interactive and not self.sigint,
            quiet=options.quiet, flood_marks=None if self.marks is None else "".join(self.marks),
            ipg_us=elapsed_us // (self.transmitted - 1) if self.transmitted > 1 and options.paced_by_replies else None,
        )


def _is_address(target: str) -> bool:
    try:
        IPv4Address(target)
    except ValueError:
        return False
    return True
