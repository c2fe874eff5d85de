"""Byte-exact ``ping`` output: iputils (s20121221 and today's) and BusyBox.

``ping`` (iputils ``ping.c``/``ping_common.c``; BusyBox ``networking/ping.c``)
    iputils keeps round-trip times as integer microseconds.  s20121221 prints
    them truncated (``%ld.%03ld`` below 1 ms, ``%ld.%02ld`` below 10 ms,
    ``%ld.%01ld`` below 100 ms, then whole ms); 2018+ versions round to the
    printed precision.  The summary computes ``avg = tsum / n`` and
    ``mdev = llsqrt(mean(t^2) - mean(t)^2)`` in integer arithmetic (an integer
    Newton square root that can land one above ``floor(sqrt)``); iputils
    >= 2021 orders the integer divisions differently
    (``(tsum2 - tsum*tsum/n) / n``) and prints the loss with ``%g`` of a
    ``float``.  The summary is preceded by a newline (a blank line after
    ``-c N``, or the ``^C`` line the terminal echoes on interrupt), and when
    nothing was received iputils still ends with an empty line.  s20121221's
    ``pr_addr()`` caches the first address string it formats and returns it
    for every later packet (iputils issue #34).  BusyBox numbers probes from
    ``seq=0``, prints ``time=%u.%03u`` truncated, ignores ICMP errors, and
    summarises with ``round-trip min/avg/max``.

Sources: iputils ``ping.c``/``ping_common.c`` s20121221 (copy in
github.com/fxdhdu/iputils-20121221), ``ping/ping_common.c`` of the 2020s and the
project's CHANGES file; iputils issue #34 for the ``pr_addr`` cache; BusyBox
``networking/ping.c``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from ipaddress import IPv4Address

from simulator.programs.userland import Userland, profile

# iputils 20180629 (the first release after s20161105) rounds the times it prints,
# drops the pr_addr() cache and (with 2021's) prints the loss with %g of a float.
ROUNDED_TIMES = "20180629"


@dataclass(frozen=True, slots=True)
class PingReply:
    """An echo reply.

    ``seq`` is the ICMP sequence number the reply carries, printed as is:
    iputils numbers its probes from 1 (``icmp_seq=1``), BusyBox from 0
    (``seq=0``), so the caller passes what the flavour's ping put on the wire.
    ``from_name`` is the reverse-resolved name, ``None`` when ping prints the
    bare address (numeric target, or no PTR record).
    """

    seq: int
    ttl: int
    rtt_ms: float
    from_ip: IPv4Address
    from_name: str | None = None
    bytes: int = 64


@dataclass(frozen=True, slots=True)
class PingError:
    """An ICMP error quoting probe ``seq`` (the on-the-wire ICMP sequence number)."""

    seq: int
    from_ip: IPv4Address
    message: str
    from_name: str | None = None


@dataclass(frozen=True, slots=True)
class PingRun:
    """A whole ping invocation.

    ``pipe`` is iputils' ``pipesize``: the largest number of probes that were
    in flight when a reply or error came back (e.g. 4 when the ARP failure
    for probe 1 is reported only after probe 4 was sent); ``pipe N`` is
    printed when it exceeds 1.  ``interrupted`` means the user pressed
    Ctrl-C, which the terminal echoes as ``^C``.  ``flood_marks`` is what ``-f``
    writes as it goes (``ping_common.c``: ``.`` per request, ``\\b \\b`` per
    reply, ``E`` per error); ``ipg_us`` (with ``-f`` or ``-i 0``) adds iputils'
    ``ipg/ewma`` to the summary.
    """

    target: str
    target_ip: IPv4Address
    payload_size: int
    events: tuple[PingReply | PingError, ...]
    transmitted: int
    received: int
    errors: int
    elapsed_ms: int
    interrupted: bool = False
    pipe: int = 1
    quiet: bool = False  # -q: no line per reply or error
    flood_marks: str | None = None  # -f: the dots and backspaces, in the order they were written
    ipg_us: int | None = None  # -f or -i 0: the mean gap between requests, printed with the EWMA of the RTT


# --------------------------------------------------------------------------
# ping
# --------------------------------------------------------------------------

_LLONG_MAX = (1 << 63) - 1
_INT_MAX = (1 << 31) - 1


def _llsqrt(a: int) -> int:
    """iputils' integer Newton square root, reproduced step for step."""
    prev = _LLONG_MAX
    x = a
    if x > 0:
        while x < prev:
            prev = x
            x = (x + a // x) // 2
    return x


def _usec(ms: float) -> int:
    return int(ms * 1000.0 + 0.5)


def _ms3(us: int) -> str:
    return f"{us // 1000}.{us % 1000:03d}"


def _reply_time_s20121221(t: int) -> str:
    if t >= 100000:
        return f"{t // 1000}"
    if t >= 10000:
        return f"{t // 1000}.{(t % 1000) // 100}"
    if t >= 1000:
        return f"{t // 1000}.{(t % 1000) // 10:02d}"
    return _ms3(t)


def _reply_time_modern(t: int) -> str:
    if t >= 100000 - 50:
        return f"{(t + 500) // 1000}"
    if t >= 10000 - 5:
        return f"{(t + 50) // 1000}.{((t + 50) % 1000) // 100}"
    if t >= 1000:
        return f"{(t + 5) // 1000}.{((t + 5) % 1000) // 10:02d}"
    return _ms3(t)


def _pr_addr(ip: IPv4Address, name: str | None) -> str:
    return f"{name} ({ip})" if name else str(ip)


def _ping_iputils(run: PingRun, land: Userland) -> str:
    modern = land.iputils_at_least(ROUNDED_TIMES)
    out = f"PING {run.target} ({run.target_ip}) {run.payload_size}({run.payload_size + 28})"
    out += " bytes of data.\n"
    cached: str | None = None  # s20121221 pr_addr() returns its first result forever
    times: list[int] = [_usec(e.rtt_ms) for e in run.events if isinstance(e, PingReply)]
    if run.flood_marks is not None:
        out += run.flood_marks
    for event in () if run.quiet or run.flood_marks is not None else run.events:
        text = _pr_addr(event.from_ip, event.from_name)
        if not modern:
            if cached is None:
                cached = text
            text = cached
        if isinstance(event, PingReply):
            t = _usec(event.rtt_ms)
            shown = _reply_time_modern(t) if modern else _reply_time_s20121221(t)
            out += (
                f"{event.bytes} bytes from {text}: icmp_seq={event.seq} ttl={event.ttl}"
                f" time={shown} ms\n"
            )
        else:
            out += f"From {text} icmp_seq={event.seq} {event.message}\n"
    if run.interrupted:
        out += "^C"
    out += f"\n--- {run.target} ping statistics ---\n"
    out += f"{run.transmitted} packets transmitted, {run.received} received"
    if run.errors:
        out += f", +{run.errors} errors"
    if run.transmitted:
        lost = run.transmitted - run.received
        if modern:
            loss = struct.unpack("f", struct.pack("f", lost * 100.0 / run.transmitted))[0]
            out += f", {loss:g}% packet loss"
        else:
            out += f", {lost * 100 // run.transmitted}% packet loss"
        out += f", time {run.elapsed_ms}ms"
    out += "\n"
    comma = ""
    if times:
        n = len(times)
        tsum = sum(times)
        tsum2 = sum(t * t for t in times)
        avg = tsum // n
        if modern:
            if tsum < _INT_MAX:
                var = (tsum2 - (tsum * tsum) // n) // n
            else:
                var = tsum2 // n - avg * avg
        else:
            var = tsum2 // n - avg * avg
        mdev = _llsqrt(var)
        out += (
            f"rtt min/avg/max/mdev = {_ms3(min(times))}/{_ms3(avg)}/"
            f"{_ms3(max(times))}/{_ms3(mdev)} ms"
        )
        comma = ", "
    if run.pipe > 1:
        out += f"{comma}pipe {run.pipe}"
        comma = ", "
    if run.ipg_us is not None:
        ewma = _ewma8(times)
        out += f"{comma}ipg/ewma {_ms3(run.ipg_us)}/{ewma // 8000}.{(ewma // 8) % 1000:03d} ms"
    return out + "\n"


def _ewma8(times: list[int]) -> int:
    """iputils' ``rtt``: eight times an exponentially weighted mean (weight 1/8) of the round trips, in µs."""
    rtt = 0
    for t in times:
        rtt = t * 8 if not rtt else rtt + t - rtt // 8
    return rtt


def _ping_busybox(run: PingRun) -> str:
    out = f"PING {run.target} ({run.target_ip}): {run.payload_size} data bytes\n"
    times: list[int] = [_usec(e.rtt_ms) for e in run.events if isinstance(e, PingReply)]
    for event in () if run.quiet else run.events:
        if isinstance(event, PingReply):  # ICMP errors fail the icmp_id check: silent
            t = _usec(event.rtt_ms)
            out += (
                f"{event.bytes} bytes from {event.from_ip}: seq={event.seq} "
                f"ttl={event.ttl} time={_ms3(t)} ms\n"
            )
    if run.interrupted:
        out += "^C"
    out += f"\n--- {run.target} ping statistics ---\n"
    out += f"{run.transmitted} packets transmitted, {run.received} packets received, "
    loss = (run.transmitted - run.received) * 100 // run.transmitted if run.transmitted else 0
    out += f"{loss}% packet loss\n"
    if times:
        avg = sum(times) // len(times)
        out += f"round-trip min/avg/max = {_ms3(min(times))}/{_ms3(avg)}/{_ms3(max(times))} ms\n"
    return out


def ping(run: PingRun, land: Userland | str) -> str:
    """The whole terminal output of one ``ping`` run, header to summary.

    Raises:
        ValueError: the userland has no ping (neither iputils nor BusyBox).
    """
    land = profile(land)
    if land.busybox is not None:
        return _ping_busybox(run)
    if land.iputils is None:
        raise ValueError(f"userland {land.name!r} has no ping (neither iputils nor BusyBox)")
    return _ping_iputils(run, land)
