"""nslookup, dig and getent: DNS clients as each userland prints them.

``nslookup`` comes from BIND (hosts, ubuntu's dnsutils) or busybox; ``dig`` from BIND
(9.18 on a current host, 9.9 in ubuntu 14.04's dnsutils); ``getent hosts`` from
glibc (hosts file, then DNS). Each sends real DNS queries through the namespace's
stack and prints what came back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from ipaddress import IPv4Address
from typing import Any

import dns.exception
import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import dns.rdatatype

from simulator.programs import resolver
from simulator.programs.process import ProcessContext, ProgramBody

EPOCH = 1_767_225_600


def _server(ctx: ProcessContext, argv: list[str]) -> tuple[IPv4Address | str, list[str]]:
    """``@SERVER`` (an address: server names are not resolved here) and the other words."""
    conf = resolver.ResolvConf.parse(ctx.files.get("/etc/resolv.conf", ""))
    server: IPv4Address | str = conf.nameservers[0]
    rest = []
    for word in argv:
        if word.startswith("@"):
            try:
                server = IPv4Address(word[1:])
            except ValueError:
                server = word[1:]  # dig: couldn't get address
        else:
            rest.append(word)
    return server, rest


def nslookup(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``nslookup NAME [SERVER]``: the A (and AAAA) answers, as BIND's or BusyBox's nslookup prints them."""
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        ctx.err("Usage: nslookup [HOST] [SERVER]\n" if ctx.busybox else "nslookup: interactive mode is not simulated; give a name\n")
        return 1
    name = args[0]
    why = resolver.illegal_name(name)
    if why is not None:
        ctx.err(f"nslookup: '{name}' is not a legal name ({why})\n")
        return 1
    conf = resolver.ResolvConf.parse(ctx.files.get("/etc/resolv.conf", ""))
    try:
        server = IPv4Address(args[1]) if len(args) > 1 else conf.nameservers[0]
    except ValueError:
        ctx.err(f"nslookup: bad address '{args[1]}'\n" if ctx.busybox else f";; Couldn't get address for '{args[1]}': not found\n")
        return 1
    sep = ":" if ctx.busybox else "#"
    ctx.out(f"Server:\t\t{server}\nAddress:\t{server}{sep}53\n\n")
    families = ("A", "AAAA")
    fqdn = name if name.endswith(".") else name + "."
    queries = [resolver.make_query(ctx.sim, fqdn, f) for f in families]
    answers = yield from resolver.exchange(ctx.sim, ctx.netns, server, queries, conf.timeout_s)
    if not answers:
        ctx.out(";; connection timed out; no servers could be reached\n\n")
        return 1
    return _nslookup_answers(ctx, name, queries, answers)


def _nslookup_answers(ctx: ProcessContext, name: str, queries: list[dns.message.Message],
                      answers: dict[int, dns.message.Message]) -> int:
    """Each family's answer as nslookup prints it (BusyBox: a block per family); its exit status."""
    printed_header = False
    for query in queries:
        response = answers.get(query.id)
        if response is None:
            continue
        rcode = response.rcode()
        addresses = [rd.address for rrset in response.answer if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA) for rd in rrset]
        if rcode in (dns.rcode.NXDOMAIN, dns.rcode.SERVFAIL):
            ctx.out(f"** server can't find {name}: {dns.rcode.to_text(rcode)}\n\n")
            return 1
        authoritative = bool(response.flags & dns.flags.AA)
        if ctx.busybox:
            if addresses:
                ctx.out("Non-authoritative answer:\n" if not authoritative else "")
                ctx.out("".join(f"Name:\t{name}\nAddress: {a}\n" for a in addresses) + "\n")
            elif query.question[0].rdtype == dns.rdatatype.AAAA:
                ctx.out(f"Non-authoritative answer:\n*** Can't find {name}: No answer\n\n")
            continue
        if addresses:
            if not printed_header and not authoritative:
                ctx.out("Non-authoritative answer:\n")
                printed_header = True
            ctx.out("".join(f"Name:\t{name}\nAddress: {a}\n" for a in addresses))
    if not ctx.busybox:
        ctx.out("\n")
    return 0


def _columns(fields: list[str]) -> str:
    """BIND's master-file style: name to column 24, TTL to 32, class to 40, type to 48."""
    stops = [24, 32, 40, 48]
    out = ""
    for text, stop in zip(fields[:-1], stops, strict=False):
        out += text
        col = len(out.expandtabs())
        if col >= stop:
            out += "\t"
            continue
        while len(out.expandtabs()) < stop:
            out += "\t"
    return out + fields[-1]


def _rr_lines(rrsets: list[Any], question: bool = False) -> str:
    lines = []
    for rrset in rrsets:
        name = rrset.name.to_text()
        rdclass = "IN"
        rdtype = dns.rdatatype.to_text(rrset.rdtype)
        if question:
            lines.append(_columns([";" + name, "", rdclass, rdtype]))
            continue
        for rd in rrset:
            lines.append(_columns([name, str(rrset.ttl), rdclass, rdtype, rd.to_text()]))
    return "".join(line + "\n" for line in lines)


DIG_NAMES_TRANSPORT = "9.18"  # ";; SERVER: ...#53(...) (UDP)": BIND 9.18 prints it, 9.16 did not


def dig(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``dig [@SERVER] [-x ADDR] [NAME] [TYPE] [+short]``: one query, the answer as BIND's dig prints it."""
    server, rest = _server(ctx, argv[1:])
    if isinstance(server, str):
        ctx.err(f"dig: couldn't get address for '{server}': not found\n")
        return 10
    short = "+short" in rest
    words = [w for w in rest if not w.startswith("+")]
    name = "."
    rdtype = "A"
    reverse = False
    i = 0
    while i < len(words):
        w = words[i]
        if w == "-x" and i + 1 < len(words):
            reverse = True
            try:
                name = dns.reversename.from_address(words[i + 1]).to_text()
            except (ValueError, dns.exception.SyntaxError):
                ctx.err(f"dig: '{words[i + 1]}' is not a legal IPv4 or IPv6 address\n")
                return 10
            rdtype = "PTR"
            i += 2
            continue
        if w.upper() in ("A", "AAAA", "PTR", "MX", "TXT", "NS", "CNAME", "SOA", "ANY"):
            rdtype = w.upper()
        else:
            name = w
        i += 1
    why = resolver.illegal_name(name)
    if why is not None:
        ctx.err(f"dig: '{name}' is not a legal name ({why})\n")
        return 10
    fqdn = name if name.endswith(".") else name + "."
    query = resolver.make_query(ctx.sim, fqdn, rdtype, edns=True)
    start = ctx.sim.now
    answers = yield from resolver.exchange(ctx.sim, ctx.netns, server, [query], 5.0)
    elapsed_ms = int((ctx.sim.now - start) * 1000)
    version = ctx.userland.dig
    shown = name if not reverse else " ".join(["-x", words[words.index("-x") + 1]])
    response = answers.get(query.id)
    if response is None:
        if short:
            ctx.out(";; connection timed out; no servers could be reached\n")
            return 9
        ctx.out(f"\n; <<>> DiG {version} <<>> {shown}\n;; global options: +cmd\n;; connection timed out; no servers could be reached\n")
        return 9
    if short:
        ctx.out("".join(rd.to_text() + "\n" for rrset in response.answer for rd in rrset))
        return 0
    flags = dns.flags.to_text(response.flags).lower().split()
    order = ["qr", "aa", "tc", "rd", "ra", "ad", "cd"]
    flags = [f for f in order if f in flags]
    additional = len(response.additional) + (1 if response.edns >= 0 else 0)
    out = [
        "",
        f"; <<>> DiG {version} <<>> {shown}",
        ";; global options: +cmd",
        ";; Got answer:",
        f";; ->>HEADER<<- opcode: {dns.opcode.to_text(response.opcode())}, status: {dns.rcode.to_text(response.rcode())}, id: {response.id}",
        f";; flags: {' '.join(flags)}; QUERY: {len(response.question)}, ANSWER: {sum(len(r) for r in response.answer)}, AUTHORITY: {sum(len(r) for r in response.authority)}, ADDITIONAL: {additional}",
        "",
    ]
    if response.edns >= 0:
        out += [";; OPT PSEUDOSECTION:", f"; EDNS: version: 0, flags:; udp: {response.payload}"]
    out.append(";; QUESTION SECTION:")
    text = "\n".join(out) + "\n" + _rr_lines(response.question, question=True)
    if response.answer:
        text += "\n;; ANSWER SECTION:\n" + _rr_lines(response.answer)
    when = dt.datetime.fromtimestamp(EPOCH + ctx.sim.now, tz=dt.timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")
    size = len(response.to_wire(want_shuffle=False))
    proto = " (UDP)" if ctx.userland.dig_at_least(DIG_NAMES_TRANSPORT) else ""
    text += f"\n;; Query time: {elapsed_ms} msec\n;; SERVER: {server}#53({server}){proto}\n;; WHEN: {when}\n;; MSG SIZE  rcvd: {size}\n\n"
    ctx.out(text)
    return 0


def getent(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``getent hosts|ahosts|ahostsv4 NAME...``: names through the C library's resolver (status 2 when one is not found)."""
    if len(argv) < 2 or argv[1] not in ("hosts", "ahosts", "ahostsv4"):
        ctx.err(f"Unknown database: {argv[1] if len(argv) > 1 else ''}\nTry `getent --help' or `getent --usage' for more information.\n")
        return 1
    status = 0
    for name in argv[2:]:
        lookup = yield from resolver.resolve(ctx.sim, ctx.netns, ctx.files, name, ("A",))
        v4 = [a for a in lookup.addresses if ":" not in a]
        if not v4:
            status = 2
            continue
        if argv[1] == "hosts":
            ctx.out(f"{v4[0]:<15} {name}\n")
        else:
            for a in v4:
                ctx.out(f"{a:<15} STREAM {name}\n{a:<15} DGRAM  \n{a:<15} RAW    \n")
    return status


PROGRAMS: dict[str, ProgramBody] = {"nslookup": nslookup, "dig": dig, "getent": getent}
