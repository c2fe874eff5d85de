"""``tcpdump``: watch the frames a device sees, one line each, the way tcpdump 4.99 prints them.

``tcpdump -i eth0 -n -c 2 udp port 4789`` on a Docker host while a container pings
across an overlay shows the VXLAN header and, on the next line, the container's own
packet inside it. The capture is what ``tcpdump -i DEV`` sees in promiscuous mode:
every frame the device sends or receives (for a bridge device, every frame that
enters the bridge), from the moment it starts.

Options: ``-i DEV`` (default: the first device that is up, not ``lo``), ``-n``/``-nn``
(names are never resolved here anyway), ``-e`` (the link-level header: MACs, EtherType,
802.1Q tags), ``-c N`` (stop after N frames), ``-l``, ``-q``. Filters: a small part of
pcap-filter(7): ``arp``, ``ip``, ``icmp``, ``udp``, ``tcp``, ``vlan [ID]``, ``port N``,
``udp port N``, ``tcp port N``, ``host A``, ``src host A``, ``dst host A``, joined by
``and``, each may be preceded by ``not``.

Simplified: the traffic must come from elsewhere (another machine, or a process started
with ``docker exec -d``), since the shell has no ``&``; without ``-c`` the capture stops
after 10 simulated seconds, as if the learner pressed Ctrl-C (at a terminal it runs
until the learner does). The banner and the counts,
which tcpdump writes to stderr, are written in order with the packets. TCP lines omit
the options; DNS lines show the question and the answer count only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

import simpy

from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame, EtherType
from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.packets.vxlan import VxlanPacket
from simulator.programs.options import OPERAND, MissingArgument, OptionError, OptionSpec, scan
from simulator.trace.records import BridgeForwarded, FrameReceived, FrameSent

if TYPE_CHECKING:
    from simulator.programs.process import ProcessContext

POLL_S = 0.01  # how often the capture looks for new frames (their times are exact)
WITHOUT_COUNT_S = 10.0  # no -c: the learner stops it after this long
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # simulated time 0, as in the pcap files
ETHERTYPE_NAMES = {EtherType.IPV4: "IPv4", EtherType.ARP: "ARP", EtherType.VLAN: "802.1Q"}

Matcher = Callable[[EthernetFrame], bool]


class FilterError(Exception):
    pass


def _ip(frame: EthernetFrame) -> IPv4Packet | None:
    return frame.payload if isinstance(frame.payload, IPv4Packet) else None


# pcap-filter's protocol primitives, each one word
_KINDS: dict[str, Matcher] = {
    "arp": lambda f: isinstance(f.payload, ArpPacket),
    "ip": lambda f: _ip(f) is not None,
    "icmp": lambda f: (ip := _ip(f)) is not None and isinstance(ip.payload, IcmpMessage),
    "udp": lambda f: (ip := _ip(f)) is not None and isinstance(ip.payload, UdpDatagram),
    "tcp": lambda f: (ip := _ip(f)) is not None and isinstance(ip.payload, TcpSegment),
    "vlan": lambda f: f.vlan is not None,
}


def _primitive(words: list[str]) -> Matcher:
    """One pcap-filter primitive (``udp port 4789``, ``host 10.0.0.1``, ``arp``, ...)."""
    proto = words[0] if words[0] in ("udp", "tcp") and len(words) > 1 else None
    rest = words[1:] if proto else words
    if rest[:1] == ["port"] and len(rest) == 2 and rest[1].isdecimal():
        return _by_port(proto, int(rest[1]))
    if len(words) == 1 and words[0] in _KINDS:
        return _KINDS[words[0]]
    if words[0] == "vlan" and len(words) == 2 and words[1].isdecimal():
        vid = int(words[1])
        return lambda f: f.vlan == vid
    direction = words[0] if words[0] in ("src", "dst") else None
    rest = words[1:] if direction else words
    if rest[:1] == ["host"] and len(rest) == 2:
        try:
            return _by_host(direction, IPv4Address(rest[1]))
        except ValueError:
            raise FilterError(f"can't parse filter expression: syntax error in \"{rest[1]}\"") from None
    raise FilterError("can't parse filter expression: syntax error")


def _by_port(proto: str | None, port: int) -> Matcher:
    """``[udp|tcp] port N``: either port of a UDP datagram or TCP segment (of that protocol)."""

    def by_port(f: EthernetFrame) -> bool:
        ip = _ip(f)
        if ip is None or isinstance(ip.payload, IcmpMessage):
            return False
        if proto == "udp" and not isinstance(ip.payload, UdpDatagram):
            return False
        if proto == "tcp" and not isinstance(ip.payload, TcpSegment):
            return False
        return port in (ip.payload.sport, ip.payload.dport)

    return by_port


def _by_host(direction: str | None, addr: IPv4Address) -> Matcher:
    """``[src|dst] host ADDR``: the IPv4 source or destination, or an ARP packet's sender or target."""

    def by_host(f: EthernetFrame) -> bool:
        p = f.payload
        if isinstance(p, ArpPacket):
            found = {"src": (p.sender_ip,), "dst": (p.target_ip,)}.get(direction or "", (p.sender_ip, p.target_ip))
        else:
            found = {"src": (p.src,), "dst": (p.dst,)}.get(direction or "", (p.src, p.dst))
        return addr in found

    return by_host


def compile_filter(words: list[str]) -> Matcher:
    """``a and not b and c`` (pcap-filter's ``and``/``not`` only)."""
    if not words:
        return lambda f: True
    clauses: list[tuple[bool, Matcher]] = []
    current: list[str] = []
    for word in [*words, "and"]:
        if word in ("and", "&&"):
            if not current:
                raise FilterError("can't parse filter expression: syntax error")
            negate = current[0] in ("not", "!")
            clauses.append((negate, _primitive(current[1:] if negate else current)))
            current = []
        else:
            current.append(word)
    return lambda f: all(m(f) != negate for negate, m in clauses)


def _stamp(time_s: float) -> str:
    moment = EPOCH + dt.timedelta(microseconds=round(time_s * 1e6))
    return moment.strftime("%H:%M:%S.%f")


def _arp(arp: ArpPacket) -> str:
    if arp.op is ArpOp.REQUEST:
        return f"Request who-has {arp.target_ip} tell {arp.sender_ip}, length 28"
    return f"Reply {arp.sender_ip} is-at {arp.sender_mac}, length 28"


def _icmp(m: IcmpMessage) -> str:
    if m.type is IcmpType.ECHO_REQUEST:
        return f"ICMP echo request, id {m.ident}, seq {m.seq}, length {m.length}"
    if m.type is IcmpType.ECHO_REPLY:
        return f"ICMP echo reply, id {m.ident}, seq {m.seq}, length {m.length}"
    if m.type is IcmpType.TIME_EXCEEDED:
        return f"ICMP time exceeded in-transit, length {m.length}"
    kinds = {0: "net", 1: "host", 3: "udp port"}
    return f"ICMP {kinds.get(m.code, str(m.code))} unreachable, length {m.length}"


def _udp(ip: IPv4Packet, d: UdpDatagram, eflag: bool) -> str:
    head = f"{ip.src}.{d.sport} > {ip.dst}.{d.dport}: "
    payload = d.payload
    if isinstance(payload, VxlanPacket):
        inner = describe(payload.inner, eflag)
        return head + f"VXLAN, flags [I] (0x{payload.flags:02x}), vni {payload.vni}\n{inner}"
    if 53 in (d.sport, d.dport) and not isinstance(payload, bytes | bytearray):
        question = payload.question[0] if payload.question else None
        qtext = f"{question.name} " if question is not None else ""
        qtype = "A" if question is None else _rdtype(question.rdtype)
        size = d.length - 8
        if payload.flags & 0x8000:  # a response
            return head + f"{payload.id} {len(payload.answer)}/{len(payload.authority)}/{len(payload.additional)} ({size})"
        return head + f"{payload.id}+ {qtype}? {qtext}({size})"
    return head + f"UDP, length {d.length - 8}"


def _rdtype(value: int) -> str:
    import dns.rdatatype

    return str(dns.rdatatype.to_text(dns.rdatatype.RdataType.make(value)))


def _tcp(ip: IPv4Packet, s: TcpSegment) -> str:
    flags = "".join(ch for bit, ch in ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P")) if int(s.flags) & bit)
    if int(s.flags) & 0x10:
        flags += "."
    text = f"{ip.src}.{s.sport} > {ip.dst}.{s.dport}: Flags [{flags or 'none'}]"
    length = len(s.data)
    if int(s.flags) & 0x03 or length:
        end = s.seq + length
        text += f", seq {s.seq}" + (f":{end}" if length else "")
    if int(s.flags) & 0x10:
        text += f", ack {s.ack}"
    return text + f", win {s.window}, length {length}"


def describe(frame: EthernetFrame, eflag: bool) -> str:
    """One frame as ``tcpdump -n`` prints it (without the time stamp).

    Without ``-e`` a line starts with the protocol (``IP``, ``ARP,``); with ``-e`` it starts
    with the link-level header, and the EtherType there names the protocol instead.
    """
    p = frame.payload
    if isinstance(p, ArpPacket):
        body, label = _arp(p), "ARP, "
    elif isinstance(p.payload, IcmpMessage):
        body, label = f"{p.src} > {p.dst}: {_icmp(p.payload)}", "IP "
    elif isinstance(p.payload, UdpDatagram):
        body, label = _udp(p, p.payload, eflag), "IP "
    else:
        body, label = _tcp(p, p.payload), "IP "
    if not eflag:
        return label + body
    name = ETHERTYPE_NAMES.get(frame.ethertype, "Unknown")
    kind = f"ethertype {name} (0x{int(frame.ethertype):04x})"
    if frame.vlan is not None:
        return f"{frame.src} > {frame.dst}, ethertype 802.1Q (0x8100), length {frame.length}: vlan {frame.vlan}, p 0, {kind}, {body}"
    return f"{frame.src} > {frame.dst}, {kind}, length {frame.length}: {body}"


@dataclass(frozen=True, slots=True)
class TcpdumpOptions:
    """What tcpdump's command line asked for, read once before the capture starts."""

    dev: str | None = None  # -i: else the first up device that is not loopback
    count: int | None = None  # -c: stop after that many packets
    link_level: bool = False  # -e: the Ethernet header on each line
    expression: tuple[str, ...] = ()  # the filter's words


TCPDUMP_SPEC = OptionSpec(flags="nelqv", valued="ic")  # -n, -l, -q, -v change nothing in the lines modelled


class TcpdumpUsage(Exception):
    """A command line tcpdump refuses (exit 1); the message follows ``tcpdump: ``."""


def parse_options(args: list[str]) -> TcpdumpOptions:
    """``tcpdump [-nelqv] [-i DEV] [-c N] [EXPRESSION]`` (getopt: ``-nni eth0``, ``-c5`` work).

    Raises:
        TcpdumpUsage: an unknown option, a missing value, a count that is not a positive number.
    """
    fields: dict[str, Any] = {}
    expression: list[str] = []
    try:
        for option, value in scan(args, TCPDUMP_SPEC):
            if option == OPERAND:
                expression.append(value or "")
            elif option == "-i":
                fields["dev"] = value
            elif option == "-c":
                if value is None or not value.isdecimal() or int(value) <= 0:
                    raise TcpdumpUsage(f"invalid packet count {value}")
                fields["count"] = int(value)
            elif option == "-e":
                fields["link_level"] = True
    except MissingArgument as error:
        raise TcpdumpUsage(f"option requires an argument -- '{error.letter}'") from None
    except OptionError as error:
        raise TcpdumpUsage(f"invalid option -- '{error.letter}'") from None
    return TcpdumpOptions(expression=tuple(expression), **fields)


def tcpdump(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``tcpdump``: one line per frame seen on the device, until ``-c`` frames or Ctrl-C."""
    try:
        opts = parse_options(argv[1:])
    except TcpdumpUsage as error:
        ctx.err(f"tcpdump: {error}\n")
        return 1
    ns = ctx.netns
    dev_name = opts.dev
    if dev_name is None:
        up = [d for d in sorted(ns.devices.values(), key=lambda d: d.ifindex) if d.up and d.kind != "loopback"]
        if not up:
            ctx.err("tcpdump: no suitable device found\n")
            return 1
        dev_name = up[0].name
    if dev_name not in ns.devices:
        ctx.err(f"tcpdump: {dev_name}: No such device exists\n(SIOCGIFHWADDR: No such device)\n")
        return 1
    try:
        match = compile_filter(list(opts.expression))
    except FilterError as error:
        ctx.err(f"tcpdump: {error}\n")
        return 1
    ctx.out("tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n")
    ctx.out(f"listening on {dev_name}, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n")
    seen = yield from _Capture(ctx, dev_name, match, opts).run()
    ctx.out(f"{seen} packet{'s' if seen != 1 else ''} captured\n{seen} packet{'s' if seen != 1 else ''} received by filter\n0 packets dropped by kernel\n")
    return 0


class _Capture:
    """The frames the trace records on one device, printed as they come."""

    def __init__(self, ctx: ProcessContext, dev_name: str, match: Callable[[EthernetFrame], bool], opts: TcpdumpOptions) -> None:
        self.ctx = ctx
        self.dev_name = dev_name
        self.match = match
        self.opts = opts
        self.node = ctx.netns.node
        self.is_bridge = ctx.netns.devices[dev_name].kind == "bridge"
        self.tracer = ctx.sim.tracer  # positions from mark(): they hold when a bounded trace drops old records
        self.position = self.tracer.mark()
        self.seen = 0

    def drain(self) -> bool:
        """Print the frames recorded since the last look; True once ``-c`` frames are shown."""
        end = self.tracer.mark()
        for r in self.tracer.since(self.position):
            t = type(r)
            if t is FrameSent or t is FrameReceived:
                hit = r.node == self.node and r.dev == self.dev_name  # type: ignore[union-attr]
            elif t is BridgeForwarded and self.is_bridge:
                hit = r.node == self.node and r.bridge == self.dev_name  # type: ignore[union-attr]
            else:
                continue
            frame = r.frame  # type: ignore[union-attr]
            if not hit or not isinstance(frame, EthernetFrame) or not self.match(frame):
                continue
            self.ctx.out(f"{_stamp(r.time)} {describe(frame, self.opts.link_level)}\n")
            self.seen += 1
            if self.opts.count is not None and self.seen >= self.opts.count:
                return True
        self.position = end
        return False

    def run(self) -> Generator[Any, Any, int]:
        """Look every ``POLL_S`` until done or interrupted; the number of packets shown."""
        sim = self.ctx.sim
        started = sim.now
        try:
            while True:
                yield sim.env.timeout(POLL_S)
                if self.drain():
                    break
                # In a script the learner's Ctrl-C comes after a while (with -c too: nothing more came);
                # at a terminal the learner presses it.
                if not self.ctx.terminal and sim.now - started >= WITHOUT_COUNT_S:
                    self.ctx.out("^C\n")
                    break
        except simpy.Interrupt as stop:
            if stop.cause != "SIGINT":
                raise
            self.drain()  # what was captured before the key
            self.ctx.out("\n")  # after the terminal's ^C, the counts start a line of their own
        return self.seen
