"""The stub resolver a program links against (glibc or musl), and the sockets it uses.

``getaddrinfo``: ``/etc/hosts`` first, then DNS: every ``nameserver`` of
``/etc/resolv.conf`` in turn, a query over UDP from an ephemeral port, 5 s to wait
(``timeout:5``), 2 rounds (``attempts:2``). glibc's ``gethostbyname`` (old iputils)
asks for A only; ``getaddrinfo`` with AF_UNSPEC asks A and AAAA in parallel on one
socket (glibc, musl). Names with fewer dots than ``ndots`` try the ``search``
domains first. ``reverse`` asks PTR for ``d.c.b.a.in-addr.arpa``.

Queries and answers are DNS wire-format messages built and parsed with dnspython,
so a capture shows real DNS.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.reversename

from simulator.kernel.ipv4.stack import SendError
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.udp import UdpDatagram

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

DNS_PORT = 53
EPHEMERAL = (32768, 60999)  # net.ipv4.ip_local_port_range


@dataclass
class ResolvConf:
    """What the resolver reads from /etc/resolv.conf."""

    nameservers: list[IPv4Address] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    ndots: int = 1
    timeout_s: float = 5.0
    attempts: int = 2

    @classmethod
    def parse(cls, text: str) -> ResolvConf:
        """The nameservers, search domains and options of a resolv.conf text (resolv.conf(5))."""
        conf = cls()
        for line in text.splitlines():
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if words[0] == "nameserver" and len(words) > 1:
                try:
                    conf.nameservers.append(IPv4Address(words[1]))
                except ValueError:
                    continue
            elif words[0] in ("search", "domain"):
                conf.search = words[1:]
            elif words[0] == "options":
                for opt in words[1:]:
                    key, _, value = opt.partition(":")
                    if key == "ndots" and value.isdecimal():
                        conf.ndots = min(int(value), 15)
                    elif key == "timeout" and value.isdecimal():
                        conf.timeout_s = float(value)
                    elif key == "attempts" and value.isdecimal():
                        conf.attempts = int(value)
        if not conf.nameservers:
            conf.nameservers = [IPv4Address("127.0.0.1")]
        return conf


def bind_ephemeral(sim: Simulation, netns: NetworkNamespace, handler: Callable[[IPv4Packet, UdpDatagram], None]) -> int:
    """Bind a UDP socket to a random free port of the ephemeral range."""
    sockets = netns.ipv4.udp_sockets
    while True:
        port = sim.stream("ports").randint(*EPHEMERAL)
        if port not in sockets:
            sockets[port] = handler
            return port


@dataclass(frozen=True)
class Reply:
    """A DNS answer as a client socket received it: the message and its size in bytes."""

    message: dns.message.Message
    size: int


def exchange(
    sim: Simulation,
    netns: NetworkNamespace,
    server: IPv4Address,
    queries: list[dns.message.Message],
    timeout_s: float,
    source: IPv4Address | None = None,
    port: int = DNS_PORT,
) -> Generator[Any, Any, dict[int, dns.message.Message]]:
    """Send ``queries`` from one socket to ``server`` and collect the answers until all
    came back or ``timeout_s`` passed. Returns answers by query id."""
    replies = yield from exchange_replies(sim, netns, server, queries, timeout_s, source, port)
    return {qid: reply.message for qid, reply in replies.items()}


def exchange_replies(
    sim: Simulation,
    netns: NetworkNamespace,
    server: IPv4Address,
    queries: list[dns.message.Message],
    timeout_s: float,
    source: IPv4Address | None = None,
    port: int = DNS_PORT,
) -> Generator[Any, Any, dict[int, Reply]]:
    """:func:`exchange`, keeping each answer's size; the answers in the order they arrived."""
    env = sim.env
    answers: dict[int, Reply] = {}
    wanted = {q.id for q in queries}
    done = env.event()

    def on_datagram(packet: IPv4Packet, datagram: UdpDatagram) -> None:
        message = datagram.payload
        if not isinstance(message, dns.message.Message):
            try:
                message = dns.message.from_wire(bytes(message))
            except Exception:
                return
        if packet.src != server or message.id not in wanted or message.id in answers:
            return
        answers[message.id] = Reply(message, len(datagram.payload_bytes))
        if len(answers) == len(wanted) and not done.triggered:
            done.succeed()

    sport = bind_ephemeral(sim, netns, on_datagram)
    try:
        for query in queries:
            packet = IPv4Packet(source or IPv4Address("0.0.0.0"), server, IPProtocol.UDP, UdpDatagram(sport, port, query), dont_fragment=False)
            try:
                netns.ipv4.send(packet)
            except SendError:
                return answers
        yield env.any_of([done, env.timeout(timeout_s)])
    finally:
        netns.ipv4.udp_sockets.pop(sport, None)
    return answers


def illegal_name(name: str) -> str | None:
    """Why ``name`` cannot be asked about (``empty label``, ``label too long``...), or None.

    The resolver library refuses such a name before any query leaves (res_mkquery).
    """
    try:
        dns.name.from_text(name)
    except dns.exception.DNSException as error:
        return {
            "EmptyLabel": "empty label",
            "LabelTooLong": "label too long",
            "NameTooLong": "name too long",
        }.get(type(error).__name__, "bad name")
    return None


def make_query(sim: Simulation, name: str, rdtype: str, edns: bool = False, recursion: bool = True) -> dns.message.Message:
    """A DNS query for ``name``/``rdtype`` with an id from the simulation's random stream (EDNS0 with a 1232-byte payload when asked)."""
    query = dns.message.make_query(name, rdtype, use_edns=0 if edns else False, payload=1232)
    query.id = sim.stream("dns").randrange(0x10000)
    if not recursion:
        query.flags &= ~dns.flags.RD
    return query


@dataclass
class Lookup:
    """The outcome of a resolver call: addresses, or why there are none."""

    addresses: list[str] = field(default_factory=list)
    canonical: str = ""
    error: str = ""  # "NXDOMAIN" | "NODATA" | "SERVFAIL" | "TIMEOUT"
    server: IPv4Address | None = None
    responses: list[dns.message.Message] = field(default_factory=list)


def hosts_lookup(hosts_text: str, name: str) -> list[str]:
    """The IPv4 addresses an /etc/hosts text gives ``name`` (any case), in file order."""
    found: list[str] = []
    for line in hosts_text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and name.lower() in (w.lower() for w in words[1:]) and ":" not in words[0]:
            found.append(words[0])
    return found


def hosts_canonical(hosts_text: str, name: str) -> str | None:
    """The canonical name the files backend gives ``name``: the first name of its /etc/hosts line
    (``172.17.0.2 database 3f2a1b9c4d5e db``: ``db`` is ``database``), or None."""
    for line in hosts_text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and name.lower() in (w.lower() for w in words[1:]) and ":" not in words[0]:
            return words[1]
    return None


def resolve(
    sim: Simulation,
    netns: NetworkNamespace,
    files: dict[str, str],
    name: str,
    families: tuple[str, ...] = ("A",),
) -> Generator[Any, Any, Lookup]:
    """getaddrinfo / gethostbyname: hosts file, then every server of resolv.conf."""
    local = hosts_lookup(files.get("/etc/hosts", ""), name)
    if local:
        return Lookup(local, name)
    if not name or illegal_name(name) is not None:
        return Lookup(error="NXDOMAIN")  # EAI_NONAME: nothing is asked
    conf = ResolvConf.parse(files.get("/etc/resolv.conf", ""))
    candidates = []
    absolute = name.endswith(".")
    if not absolute and name.count(".") < conf.ndots:
        candidates += [f"{name}.{domain}" for domain in conf.search]
    candidates.append(name if absolute else name + ".")
    if not absolute and name.count(".") >= conf.ndots:
        candidates += [f"{name}.{domain}" for domain in conf.search]
    result = Lookup()
    for candidate in candidates:
        outcome = yield from _ask(sim, netns, conf, candidate, families)
        result.responses += outcome.responses
        if outcome.addresses:
            outcome.responses = result.responses
            return outcome
        result.error = outcome.error
        result.server = outcome.server
        if outcome.error in ("SERVFAIL", "TIMEOUT"):
            break
    return result


def _ask(sim: Simulation, netns: NetworkNamespace, conf: ResolvConf, name: str, families: tuple[str, ...]) -> Generator[Any, Any, Lookup]:
    last = Lookup(error="TIMEOUT")
    for _attempt in range(conf.attempts):
        for server in conf.nameservers:
            queries = [make_query(sim, name, family) for family in families]
            answers = yield from exchange(sim, netns, server, queries, conf.timeout_s)
            if not answers:
                last = Lookup(error="TIMEOUT", server=server)
                continue
            responses = [answers[q.id] for q in queries if q.id in answers]
            addresses = [
                rd.address
                for r in responses
                for rrset in r.answer
                if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
                for rd in rrset
            ]
            rcodes = {r.rcode() for r in responses}
            if addresses:
                return Lookup(addresses, name.rstrip("."), server=server, responses=responses)
            if dns.rcode.NXDOMAIN in rcodes:
                return Lookup(error="NXDOMAIN", server=server, responses=responses)
            if rcodes <= {dns.rcode.NOERROR}:
                return Lookup(error="NODATA", server=server, responses=responses)
            last = Lookup(error="SERVFAIL", server=server, responses=responses)
    return last


def reverse(sim: Simulation, netns: NetworkNamespace, files: dict[str, str], ip: str) -> Generator[Any, Any, str | None]:
    """gethostbyaddr: the hosts file, then a PTR query."""
    for line in files.get("/etc/hosts", "").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and words[0] == ip:
            return words[1]
    conf = ResolvConf.parse(files.get("/etc/resolv.conf", ""))
    qname = dns.reversename.from_address(ip).to_text()
    for server in conf.nameservers[:1]:
        query = make_query(sim, qname, "PTR")
        answers = yield from exchange(sim, netns, server, [query], conf.timeout_s)
        response = answers.get(query.id)
        if response is not None:
            for rrset in response.answer:
                if rrset.rdtype == dns.rdatatype.PTR:
                    for rd in rrset:
                        return str(rd.target).rstrip(".")
    return None
