"""traceroute: UDP probes with growing TTL; every router on the way answers "time exceeded".

For each TTL from 1 to ``-m`` (30), three probes (``-q``) leave for port 33434 + n
(one port per probe) from a UDP socket of the program's own. A router that would
forward a probe with TTL 1 drops it and sends ICMP time exceeded from the address of
the interface it came in by (RFC 1812 5.3.1); the destination has nothing on the port
and answers port unreachable, which ends the trace. No answer within ``-w`` (5 s)
prints ``*``. Through a Docker host's MASQUERADE the errors come back to the
container because conntrack translates them as RELATED (see the kernel's stack).

Two builds: Linux traceroute 2.1 (``traceroute to ..., 60 byte packets``; the probes
of a hop leave together) and BusyBox's (46-byte packets, one probe at a time,
two spaces before each field). Without ``-n`` each hop's address is looked up by
name (PTR), as the real tools do.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Any

from simulator.kernel.ipv4.stack import UNSPECIFIED, SendError
from simulator.packets.icmp import IcmpMessage, IcmpType, UnreachableCode
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.udp import UdpDatagram
from simulator.programs import resolver
from simulator.programs.process import ProcessContext, ProgramBody

BASE_PORT = 33434
UNREACHABLE_FLAGS = {UnreachableCode.NET: " !N", UnreachableCode.HOST: " !H", UnreachableCode.ADMIN_PROHIBITED: " !X"}


@dataclass(frozen=True, slots=True)
class TracerouteOptions:
    """The command line, parsed before anything is sent."""

    target: str
    numeric: bool = False  # -n
    max_ttl: int = 30  # -m
    queries: int = 3  # -q
    wait_s: float = 5.0  # -w


@dataclass
class _Answer:
    source: IPv4Address
    rtt_ms: float
    kind: IcmpType
    code: int


@dataclass
class _Probes:
    """Probes in flight, by destination port, and what came back."""

    sent_at: dict[int, float] = field(default_factory=dict)
    answers: dict[int, _Answer] = field(default_factory=dict)


class TracerouteUsage(Exception):
    """A command line traceroute refuses: the message (and usage) it prints."""


def parse_options(argv: list[str]) -> TracerouteOptions:
    """``traceroute [-n] [-m MAX] [-q N] [-w S] HOST``."""
    args = argv[1:]
    values: dict[str, Any] = {}
    target = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-n":
            values["numeric"] = True
        elif arg in ("-m", "-q", "-w"):
            if i + 1 >= len(args):
                value = {"-m": "max_ttl", "-q": "nqueries"}.get(arg, "MAX,HERE,NEAR")
                raise TracerouteUsage(f"Option `{arg}' (argc {i + 1}) requires an argument: `{arg} {value}'")
            i += 1
            try:
                number = float(args[i]) if arg == "-w" else int(args[i])
            except ValueError:
                raise TracerouteUsage(f"Cannot handle `{arg}' option with arg `{args[i]}' (argc {i})") from None
            key = {"-m": "max_ttl", "-q": "queries", "-w": "wait_s"}[arg]
            values[key] = number
        elif arg.startswith("-"):
            raise TracerouteUsage(f"Bad option `{arg}' (argc {i + 1})")
        else:
            target = arg
        i += 1
    if target is None:
        raise TracerouteUsage("Specify \"host\" missing argument.")
    return TracerouteOptions(target, **values)


def traceroute(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``traceroute HOST`` through the simulated network."""
    busybox = ctx.busybox
    try:
        options = parse_options(argv)
    except TracerouteUsage as usage:
        if busybox:
            ctx.err("BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\n"
                    "Usage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]\n")
            return 1
        ctx.err(f"{usage}\n")
        return 2
    target_ip = yield from _resolve(ctx, options.target)
    if target_ip is None:
        if busybox:
            ctx.err(f"traceroute: bad address '{options.target}'\n")
            return 1
        ctx.err(f"{options.target}: Name or service not known\nCannot handle \"host\" cmdline arg `{options.target}' on position 1 (argc 1)\n")
        return 2
    stack = ctx.netns.ipv4
    try:
        stack.route_to(target_ip)
    except SendError as error:
        ctx.err(f"traceroute: {error}\n" if busybox else f"connect: {error}\n")
        return 1 if busybox else 2
    size = 46 if busybox else 60
    ctx.out(f"traceroute to {options.target} ({target_ip}), {options.max_ttl} hops max, {size} byte packets\n")
    env = ctx.sim.env
    probes = _Probes()
    wake = {"event": env.event()}

    def on_error(packet: IPv4Packet, quoted: UdpDatagram) -> None:
        message = packet.payload
        if not isinstance(message, IcmpMessage) or quoted.dport not in probes.sent_at or quoted.dport in probes.answers:
            return
        rtt = round((env.now - probes.sent_at[quoted.dport]) * 1e6) / 1000.0
        probes.answers[quoted.dport] = _Answer(packet.src, rtt, message.type, message.code)
        if not wake["event"].triggered:
            wake["event"].succeed()

    sport = resolver.bind_ephemeral(ctx.sim, ctx.netns, lambda packet, datagram: None)
    stack.udp_sockets[sport] = _ErrorsOnly(on_error)
    names: dict[IPv4Address, str | None] = {}
    try:
        for ttl in range(1, options.max_ttl + 1):
            ports = [BASE_PORT + (ttl - 1) * options.queries + q for q in range(options.queries)]
            if busybox:
                for port in ports:  # one probe at a time
                    _send(ctx, target_ip, sport, port, ttl, size, probes)
                    yield from _wait(env, wake, probes, [port], options.wait_s)
            else:  # the hop's probes leave together
                for port in ports:
                    _send(ctx, target_ip, sport, port, ttl, size, probes)
                yield from _wait(env, wake, probes, ports, options.wait_s)
            line, reached = yield from _hop_line(ctx, ttl, ports, probes, options.numeric, busybox, target_ip, names)
            ctx.out(line + "\n")
            if reached:
                break
    finally:
        stack.udp_sockets.pop(sport, None)
    return 0


class _ErrorsOnly:
    """The probes' socket: datagrams to it are ignored, ICMP errors about its probes are collected."""

    def __init__(self, on_error: Any) -> None:
        self.on_error = on_error

    def __call__(self, packet: IPv4Packet, datagram: UdpDatagram) -> None:
        if isinstance(packet.payload, IcmpMessage):
            self.on_error(packet, datagram)


def _resolve(ctx: ProcessContext, target: str) -> Generator[Any, Any, IPv4Address | None]:
    try:
        return IPv4Address(target)
    except ValueError:
        pass
    if ctx.resolve is None:
        return None
    answer = yield from ctx.resolve(target)
    return IPv4Address(answer) if answer else None


def _send(ctx: ProcessContext, dst: IPv4Address, sport: int, dport: int, ttl: int, size: int, probes: _Probes) -> None:
    probes.sent_at[dport] = ctx.sim.env.now
    payload = bytes(size - 28)
    packet = IPv4Packet(UNSPECIFIED, dst, IPProtocol.UDP, UdpDatagram(sport, dport, payload), ttl=ttl, dont_fragment=False)
    try:
        ctx.netns.ipv4.send(packet)
    except SendError:
        pass  # counted as no answer: "*"


def _wait(env: Any, wake: dict[str, Any], probes: _Probes, ports: list[int], wait_s: float) -> Generator[Any, Any, None]:
    end = env.now + wait_s
    while env.now < end and not all(p in probes.answers for p in ports):
        wake["event"] = env.event()
        yield env.any_of([wake["event"], env.timeout(end - env.now)])


def _hop_line(
    ctx: ProcessContext, ttl: int, ports: list[int], probes: _Probes, numeric: bool, busybox: bool,
    target: IPv4Address, names: dict[IPv4Address, str | None],
) -> Generator[Any, Any, tuple[str, bool]]:
    """One line of output: ``%2d`` then, per probe, the address when it changes, the time or ``*``."""
    line = f"{ttl:2d}" if busybox else f"{ttl:2d} "
    gap = "  " if busybox else " "
    last: IPv4Address | None = None
    reached = False
    for port in ports:
        answer = probes.answers.get(port)
        if answer is None:
            line += f"{gap}*"
            continue
        if answer.source != last:
            last = answer.source
            if numeric:
                line += f"{gap}{answer.source}"
            else:
                if answer.source not in names:
                    names[answer.source] = (yield from ctx.reverse(str(answer.source))) if ctx.reverse is not None else None
                line += f"{gap}{names[answer.source] or answer.source} ({answer.source})"
        us = round(answer.rtt_ms * 1000)
        line += f"  {us // 1000}.{us % 1000:03d} ms"
        if answer.kind is IcmpType.DEST_UNREACHABLE:
            if answer.code == UnreachableCode.PORT:
                reached = True  # the probe got where it was going (nothing listens there)
            else:
                line += UNREACHABLE_FLAGS.get(UnreachableCode(answer.code), f" !<{answer.code}>")
                reached = True
    return line, reached


PROGRAMS: dict[str, ProgramBody] = {"traceroute": traceroute}
