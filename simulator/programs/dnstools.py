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
import dns.reversename

from simulator.programs import resolver
from simulator.programs.process import ProcessContext, ProgramBody
from simulator.programs.procps import BUSYBOX_BANNER

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
    if ctx.busybox:
        return (yield from busybox_nslookup(ctx, argv))
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        ctx.err("nslookup: interactive mode is not simulated; give a name\n")
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
        ctx.err(f";; Couldn't get address for '{args[1]}': not found\n")
        return 1
    ctx.out(f"Server:\t\t{server}\nAddress:\t{server}#53\n\n")
    fqdn = name if name.endswith(".") else name + "."
    queries = [resolver.make_query(ctx.sim, fqdn, f) for f in ("A", "AAAA")]
    answers = yield from resolver.exchange(ctx.sim, ctx.netns, server, queries, conf.timeout_s)
    if not answers:
        ctx.out(";; connection timed out; no servers could be reached\n\n")
        return 1
    return _nslookup_answers(ctx, name, queries, answers)


def _nslookup_answers(ctx: ProcessContext, name: str, queries: list[dns.message.Message],
                      answers: dict[int, dns.message.Message]) -> int:
    """BIND's nslookup: the addresses of every family under one header; its exit status."""
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
        if addresses:
            if not printed_header and not authoritative:
                ctx.out("Non-authoritative answer:\n")
                printed_header = True
            ctx.out("".join(f"Name:\t{name}\nAddress: {a}\n" for a in addresses))
    ctx.out("\n")
    return 0


# BusyBox nslookup's -type= names, in the order it sends the queries (networking/nslookup.c qtypes[])
BUSYBOX_QTYPES = ("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "PTR", "ANY")
# How BusyBox prints a record of each type whose data is a name (parse_reply)
BUSYBOX_NAME_FORMATS = {dns.rdatatype.NS: "nameserver", dns.rdatatype.CNAME: "canonical name", dns.rdatatype.PTR: "name"}
BUSYBOX_USAGE = (
    BUSYBOX_BANNER
    + "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
    "Query DNS about HOST\n\n"
    "QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any\n"
)
BUSYBOX_OPTIONS = ("type", "querytype", "port", "retry", "debug", "t", "timeout")  # exact words only


def _busybox_queries(ctx: ProcessContext, name: str, types: list[str], search: list[str]) -> list[tuple[str, dns.message.Message]]:
    """The queries BusyBox sends, each with the name it prints: a PTR for an address, else one per
    type (A and AAAA by default) and per search domain when the name has no dot."""
    try:
        ptr = dns.reversename.from_address(name).to_text(omit_final_dot=True)
    except (ValueError, dns.exception.SyntaxError):
        ptr = None
    if not types and ptr is not None:
        return [(ptr, resolver.make_query(ctx.sim, ptr + ".", "PTR"))]
    names = [f"{name}.{domain}" for domain in search] if search and "." not in name else [name]
    out = []
    for rdtype in [t for t in BUSYBOX_QTYPES if t in types] or ["A", "AAAA"]:
        for qname in names if rdtype != "PTR" else [name]:
            out.append((qname, resolver.make_query(ctx.sim, qname.rstrip(".") + ".", rdtype)))
    return out


def _busybox_records(response: dns.message.Message) -> str:
    """The answer records as BusyBox's parse_reply prints them (names without the final dot)."""
    lines = []
    for rrset in response.answer:
        owner = rrset.name.to_text(omit_final_dot=True) or "."
        for rd in rrset:
            if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                lines.append(f"Name:\t{owner}\nAddress: {rd.address}\n")
            elif rrset.rdtype in BUSYBOX_NAME_FORMATS:
                lines.append(f"{owner}\t{BUSYBOX_NAME_FORMATS[rrset.rdtype]} = {rd.target.to_text(omit_final_dot=True)}\n")
            elif rrset.rdtype == dns.rdatatype.MX:
                lines.append(f"{owner}\tmail exchanger = {rd.preference} {rd.exchange.to_text(omit_final_dot=True)}\n")
    return "".join(lines)


def busybox_nslookup(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """BusyBox 1.35/1.36 ``nslookup [-type=T] HOST [SERVER]`` (networking/nslookup.c).

    It sends every query at once and prints each answer as it arrives: the server
    lines before the first, then ``Non-authoritative answer:`` (AA clear), the
    records and a blank line, so an empty answer (NODATA, the embedded DNS's AAAA
    for a container) is the header and a blank line. An error code prints ``**
    server can't find NAME: RCODE`` and makes the exit status 1; a query never
    answered is ``*** Can't find NAME: No answer`` at the end; no answer at all is
    the time-out line.
    """
    args = list(argv[1:])
    types: list[str] = []
    while args and args[0].startswith("-"):
        option, _, value = args.pop(0)[1:].partition("=")
        if option not in BUSYBOX_OPTIONS:
            ctx.err(BUSYBOX_USAGE)
            return 1
        if option in ("type", "querytype") and value.upper() not in BUSYBOX_QTYPES:
            ctx.err(f'nslookup: invalid query type "{value}"\n')
            return 1
        if option in ("type", "querytype"):
            types.append(value.upper())
    if not args or len(args) > 2:
        ctx.err(BUSYBOX_USAGE)
        return 1
    name = args[0]
    conf = resolver.ResolvConf.parse(ctx.files.get("/etc/resolv.conf", ""))
    if len(args) > 1:
        try:
            servers = [IPv4Address(args[1])]
        except ValueError:
            ctx.err(f"nslookup: bad address '{args[1]}'\n")
            return 1
    else:
        servers = conf.nameservers
    queries = _busybox_queries(ctx, name, types, conf.search)
    for server in servers:
        replies = yield from resolver.exchange_replies(ctx.sim, ctx.netns, server, [q for _, q in queries], conf.timeout_s)
        if replies:
            return _busybox_print(ctx, server, queries, replies)
    ctx.out(";; connection timed out; no servers could be reached\n\n")
    return 1


def _busybox_print(ctx: ProcessContext, server: IPv4Address, queries: list[tuple[str, dns.message.Message]],
                   replies: dict[int, resolver.Reply]) -> int:
    """The answers in the order they arrived, then the queries left unanswered; the exit status."""
    names = {query.id: qname for qname, query in queries}
    out = f"Server:\t\t{server}\nAddress:\t{server}:53\n\n"
    status = 0
    for qid, reply in replies.items():  # in arrival order
        response = reply.message
        rcode = response.rcode()
        if rcode != dns.rcode.NOERROR:
            out += f"** server can't find {names[qid]}: {dns.rcode.to_text(rcode)}\n\n"
            status = 1
            continue
        out += "" if response.flags & dns.flags.AA else "Non-authoritative answer:\n"
        out += _busybox_records(response) + "\n"
    missing = [qname for qname, query in queries if query.id not in replies]
    if missing:
        out += "".join(f"*** Can't find {qname}: No answer\n" for qname in missing) + "\n"
    ctx.out(out)
    return status


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
# ";; communications error to SERVER#53: timed out" for each try that timed out, then the banner and
# ";; no servers could be reached" (seen from BIND 9.18.49); 9.9 says ";; connection timed out; ..."
DIG_REPORTS_EACH_TIME_OUT = "9.18"
DIG_TRIES = 3  # dig(1) +tries: 3 by default over UDP
DIG_TIMEOUT_S = 5.0  # dig(1) +timeout

# dig's display options (dig(1) "Query Options"): what each part of the output is, on by default.
#   cmd: the "; <<>> DiG" banner and ";; global options:"; comments: ";; Got answer:", the
#   header, the OPT pseudosection, the section titles and the blank line after each section;
#   question/answer/authority/additional: the sections' records; stats: ";; Query time" to
#   ";; MSG SIZE" and the blank line after them.
DIG_DISPLAY = ("cmd", "comments", "question", "answer", "authority", "additional", "stats")
# +short: the answer's data only (dig.c: +short turns the others off and the answer on)
DIG_SHORT = {"cmd": False, "comments": False, "question": False, "answer": True,
             "authority": False, "additional": False, "stats": False}


# The other query options of BIND 9.18's dig (dig(1)), accepted (a unique beginning is enough)
# and without effect on what the simulator prints.
DIG_OTHER_OPTIONS = (
    "aaflag", "aaonly", "adflag", "badcookie", "besteffort", "bufsize", "cdflag", "class", "cookie",
    "crypto", "defname", "dns64prefix", "dnssec", "domain", "edns", "ednsflags", "ednsnegotiation",
    "ednsopt", "expandaaaa", "expire", "fail", "header-only", "identify", "idnin", "idnout", "ignore",
    "keepalive", "keepopen", "mapped", "multiline", "ndots", "nsid", "nssearch", "onesoa", "opcode",
    "padding", "qid", "qr", "raflag", "rdflag", "recurse", "retry", "rrcomments", "search",
    "showbadcookie", "showsearch", "split", "subnet", "tcflag", "tcp", "time", "timeout", "topdown",
    "trace", "tries", "ttlid", "ttlunits", "unexpected", "unknownformat", "vc", "yaml", "zflag",
)
DIG_USAGE = (
    "Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n"
    "            {global-d-opt} host [@local-server] {local-d-opt}\n"
    "            [ host [@local-server] {local-d-opt} [...]]\n\n"
    'Use "dig -h" (or "dig -h | more") for complete list of options\n'
)


def _dig_invalid_option(words: list[str]) -> str | None:
    """The first ``+option`` dig does not know (it answers ``Invalid option: +X`` and its usage), or None."""
    known = (*DIG_DISPLAY, "all", "short", *DIG_OTHER_OPTIONS)
    for word in words:
        option = word[1:].lower().split("=", 1)[0]
        option = option[2:] if option.startswith("no") and option[2:] else option
        if not option or not any(name.startswith(option) for name in known):
            return word
    return None


def _dig_display(words: list[str]) -> tuple[dict[str, bool], bool]:
    """The display switches after dig's ``+[no]OPTION`` words, left to right, and whether +short is on."""
    show = dict.fromkeys(DIG_DISPLAY, True)
    short = False
    for word in words:
        option = word[1:].lower()
        state = not option.startswith("no")
        option = option[2:] if not state else option
        names = [n for n in (*DIG_DISPLAY, "all", "short", *DIG_OTHER_OPTIONS) if n.startswith(option)]
        option = names[0] if len(names) == 1 or option in names else option  # a unique beginning will do
        if option == "all":
            show = dict.fromkeys(DIG_DISPLAY, state)
        elif option == "short":
            short = state
            if state:
                show.update(DIG_SHORT)
        elif option in show:
            show[option] = state
    return show, short


def _dig_parse(rest: list[str]) -> tuple[str, str, bool] | str:
    """(name, type, reverse) from dig's words other than @server and +options, or the error to print."""
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
                return f"dig: '{words[i + 1]}' is not a legal IPv4 or IPv6 address\n"
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
        return f"dig: '{name}' is not a legal name ({why})\n"
    return name, rdtype, reverse


def _dig_header(response: dns.message.Message) -> str:
    """The ``;; Got answer:`` block and the blank line after it (+comments)."""
    flags = dns.flags.to_text(response.flags).lower().split()
    order = ["qr", "aa", "tc", "rd", "ra", "ad", "cd"]
    flags = [f for f in order if f in flags]
    additional = len(response.additional) + (1 if response.edns >= 0 else 0)
    return (
        ";; Got answer:\n"
        f";; ->>HEADER<<- opcode: {dns.opcode.to_text(response.opcode())}, status: {dns.rcode.to_text(response.rcode())}, id: {response.id}\n"
        f";; flags: {' '.join(flags)}; QUERY: {len(response.question)}, ANSWER: {sum(len(r) for r in response.answer)}, "
        f"AUTHORITY: {sum(len(r) for r in response.authority)}, ADDITIONAL: {additional}\n\n"
    )


def _dig_sections(response: dns.message.Message, show: dict[str, bool]) -> str:
    """The OPT pseudosection and the four sections, as far as the display switches allow."""
    comments = show["comments"]
    text = ""
    if comments and response.edns >= 0:
        text += f";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: {response.payload}\n"
    sections = [("question", "QUESTION", response.question), ("answer", "ANSWER", response.answer),
                ("authority", "AUTHORITY", response.authority), ("additional", "ADDITIONAL", response.additional)]
    for switch, title, rrsets in sections:
        if not show[switch] or not rrsets:  # dig prints nothing for an empty section
            continue
        body = _rr_lines(rrsets, question=switch == "question")
        text += f";; {title} SECTION:\n{body}\n" if comments else body
    return text


def dig(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``dig [@SERVER] [-x ADDR] [NAME] [TYPE] [+[no]OPTION...]``: one query, the answer as BIND's dig prints it.

    The display options (+short, +[no]all, +[no]cmd, +[no]comments, +[no]question,
    +[no]answer, +[no]authority, +[no]additional, +[no]stats) choose the parts printed.
    """
    server, rest = _server(ctx, argv[1:])
    if isinstance(server, str):
        ctx.err(f"dig: couldn't get address for '{server}': not found\n")
        return 10
    parsed = _dig_parse(rest)
    if isinstance(parsed, str):
        ctx.err(parsed)
        return 10
    name, rdtype, _reverse = parsed
    invalid = _dig_invalid_option([w for w in rest if w.startswith("+")])
    if invalid is not None:
        ctx.err(f"Invalid option: {invalid}\n{DIG_USAGE}")
        return 1
    show, short = _dig_display([w for w in rest if w.startswith("+")])
    fqdn = name if name.endswith(".") else name + "."
    query = resolver.make_query(ctx.sim, fqdn, rdtype, edns=True)
    # the banner repeats the arguments as typed; "; (1 server found)" follows an @server
    banner = f"\n; <<>> DiG {ctx.userland.dig} <<>> {' '.join(argv[1:])}\n"
    if any(w.startswith("@") for w in argv[1:]):
        banner += "; (1 server found)\n"
    banner += ";; global options: +cmd\n"
    reply = None
    for _try in range(DIG_TRIES):  # +tries=3: the same query again after each 5 s time-out
        start = ctx.sim.now
        replies = yield from resolver.exchange_replies(ctx.sim, ctx.netns, server, [query], DIG_TIMEOUT_S)
        reply = replies.get(query.id)
        if reply is not None:
            break
        if ctx.userland.dig_at_least(DIG_REPORTS_EACH_TIME_OUT):
            ctx.out(f";; communications error to {server}#53: timed out\n")
    elapsed_ms = int((ctx.sim.now - start) * 1000)
    if reply is None:
        if ctx.userland.dig_at_least(DIG_REPORTS_EACH_TIME_OUT):
            ctx.out((banner if show["cmd"] else "") + ";; no servers could be reached\n")
        else:
            ctx.out((banner if show["cmd"] else "") + ";; connection timed out; no servers could be reached\n")
        return 9
    response = reply.message
    if short:
        ctx.out("".join(rd.to_text() + "\n" for rrset in response.answer for rd in rrset) if show["answer"] else "")
        return 0
    text = banner if show["cmd"] else ""
    if show["comments"]:
        text += _dig_header(response)
    text += _dig_sections(response, show)
    if show["stats"]:
        when = dt.datetime.fromtimestamp(EPOCH + ctx.sim.now, tz=dt.timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")
        proto = " (UDP)" if ctx.userland.dig_at_least(DIG_NAMES_TRANSPORT) else ""
        text += (f";; Query time: {elapsed_ms} msec\n;; SERVER: {server}#53({server}){proto}\n;; WHEN: {when}\n"
                 f";; MSG SIZE  rcvd: {reply.size}\n\n")
    ctx.out(text)
    return 0


def _hosts_line(hosts_text: str, name: str, v6: bool) -> tuple[str, list[str]] | None:
    """The first /etc/hosts line of the family that names ``name``: (address, [canonical name, aliases...])."""
    for line in hosts_text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and (":" in words[0]) == v6 and name.lower() in (w.lower() for w in words[1:]):
            return words[0], words[1:]
    return None


def _gethostbyname2(ctx: ProcessContext, name: str, family: str) -> Generator[Any, Any, tuple[list[str], list[str]]]:
    """glibc's gethostbyname2 for one family, "hosts: files dns": (addresses, [h_name, aliases...])."""
    line = _hosts_line(ctx.files.get("/etc/hosts", ""), name, v6=family == "AAAA")
    if line is not None:
        return [line[0]], line[1]
    files = {k: v for k, v in ctx.files.items() if k != "/etc/hosts"}  # the files backend said no
    lookup = yield from resolver.resolve(ctx.sim, ctx.netns, files, name, (family,))
    return lookup.addresses, [lookup.canonical or name]


def getent(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``getent hosts|ahosts|ahostsv4 KEY...``: names through the C library's resolver (status 2 when one is not found).

    ``hosts`` is glibc's getent.c: an address is looked up with gethostbyaddr; a name
    with gethostbyname2 for IPv6, then for IPv4 when that finds nothing, so an AAAA
    query goes out first; every address of the answer is printed, with the name and
    its aliases.
    """
    if len(argv) < 2 or argv[1] not in ("hosts", "ahosts", "ahostsv4"):
        ctx.err(f"Unknown database: {argv[1] if len(argv) > 1 else ''}\nTry `getent --help' or `getent --usage' for more information.\n")
        return 1
    status = 0
    for key in argv[2:]:
        if argv[1] == "hosts":
            found = yield from _getent_hosts(ctx, key)
            status = status if found else 2
            continue
        lookup = yield from resolver.resolve(ctx.sim, ctx.netns, ctx.files, key, ("A",))
        v4 = [a for a in lookup.addresses if ":" not in a]
        if not v4:
            status = 2
            continue
        for a in v4:
            ctx.out(f"{a:<15} STREAM {key}\n{a:<15} DGRAM  \n{a:<15} RAW    \n")
    return status


def _getent_hosts(ctx: ProcessContext, key: str) -> Generator[Any, Any, bool]:
    """One key of ``getent hosts``, printed as print_hosts does; whether it was found."""
    try:
        IPv4Address(key)
    except ValueError:
        pass
    else:
        host = yield from resolver.reverse(ctx.sim, ctx.netns, ctx.files, key)
        if host is None:
            return False
        ctx.out(f"{key:<15} {host}\n")
        return True
    addresses, names = yield from _gethostbyname2(ctx, key, "AAAA")
    if not addresses:
        addresses, names = yield from _gethostbyname2(ctx, key, "A")
    ctx.out("".join(f"{a:<15} {' '.join(names)}\n" for a in addresses))
    return bool(addresses)


PROGRAMS: dict[str, ProgramBody] = {"nslookup": nslookup, "dig": dig, "getent": getent}
