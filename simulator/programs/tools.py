"""The network tools and the program registry: ``ip``, ``ifconfig``, ``brctl``,
``bridge``, ``iptables``; the small programs live in ``coreutils``, the others in
their own modules, and ``PROGRAMS`` names them all.

Each reads the kernel model the way the real tool reads the kernel (netlink,
``/proc``) and prints through ``render`` in the flavour of the userland it runs
in. Errors are the tools' own words and exit statuses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from simulator.kernel.ipv4.netfilter import IptablesError
from simulator.programs import (
    coreutils,
    iproute,
    iproute_get,
    iptables_save,
    netinfo,
    render,
    render_ifconfig,
    render_ip,
)
from simulator.programs.process import ProcessContext, ProgramTable

IP_OBJECTS = {
    "address": "address", "addr": "address", "a": "address", "ad": "address", "add": "address", "addre": "address",
    "link": "link", "l": "link", "li": "link", "lin": "link",
    "route": "route", "r": "route", "ro": "route", "rou": "route", "rout": "route",
    "neighbour": "neigh", "neighbor": "neigh", "neigh": "neigh", "n": "neigh", "ne": "neigh", "nei": "neigh",
}


# networking/ip.c's full usage (the same in 1.35 and 1.36), as bb_show_usage() prints it
_BUSYBOX_IP_USAGE = (
    "BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\n"
    "Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n\n"
    "OPTIONS := -f[amily] inet|inet6|link | -o[neline]\n\n"
    "ip addr add|del IFADDR dev IFACE | show|flush [dev IFACE] [to PREFIX]\n"
    "ip route list|flush|add|del|change|append|replace|test ROUTE\n"
    "ip link set IFACE [up|down] [arp on|off] [multicast on|off]\n"
    "\t[promisc on|off] [mtu NUM] [name NAME] [qlen NUM] [address MAC]\n"
    "\t[master IFACE | nomaster] [netns PID]\n"
    "ip tunnel add|change|del|show [NAME]\n"
    "\t[mode ipip|gre|sit] [remote ADDR] [local ADDR] [ttl TTL]\n"
    "ip neigh show|flush [to PREFIX] [dev DEV] [nud STATE]\n"
    "ip rule [list] | add|del SELECTOR ACTION\n"
)


IP_NOT_MODELLED = 126  # as the lab answers for any program it does not model


def _ip_option(word: str) -> str | None:
    """The modelled global option ``word`` spells, as ``ip.c`` matches it: any prefix
    of the long name (``-o``, ``-onel``, ``--oneline``); ``-b`` alone is ``-batch``."""
    name = word[2:] if word.startswith("--") else word[1:]
    if not word.startswith("-") or not name:
        return None
    if name == "4":
        return "-4"
    for option, long_name, shortest in (("-o", "oneline", 1), ("-br", "brief", 2),
                                         ("-s", "statistics", 1), ("-s", "stats", 1), ("-d", "details", 1)):
        if len(name) >= shortest and long_name.startswith(name):
            return option
    return None


@dataclass(frozen=True, slots=True)
class IpShow:
    """``ip [OPTIONS] OBJECT [show] [dev DEV]`` as read from the command line, before anything is shown."""

    obj: str  # "address", "link", "route", "neigh"
    dev: str | None  # dev DEV: only that device's records
    brief: bool  # -br
    oneline: bool  # -o
    inet_only: bool  # -4
    stats: bool  # -s, where its layout is rendered (iproute2 >= 6.1)
    kind: str | None = None  # type KIND (iproute2, link and addr): only devices of that IFLA_INFO_KIND


def ip(ctx: ProcessContext, argv: list[str]) -> int:
    """``ip [-4] [-s] [-o] [-br] OBJECT [show|list] [dev DEV]``; changes (``add``, ``set``,
    ``del``) in ``iproute``.

    ``-o`` (oneline) prints each record on one line, ``-br`` (brief, iproute2 >= 4.3:
    not in iproute2 3.12 nor BusyBox) one line per device; see ``render``.
    """
    parsed = _ip_options(ctx, argv[1:])
    if isinstance(parsed, int):
        return parsed
    options, words = parsed
    if "-d" in options or "-d" in words:  # -details adds each kind's attributes (bridge timers, veth, ...)
        ctx.err("dockersim: ip -details: ip has this option, but the simulator does not model its detail lines\n")
        return IP_NOT_MODELLED
    args = [a for a in words if a not in ("-4", "-s")]
    if not args:
        ctx.err("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n")
        return 255
    obj = IP_OBJECTS.get(args[0])
    if obj is None:
        if ctx.userland.busybox is not None:
            ctx.err(_BUSYBOX_IP_USAGE)
            return 1
        ctx.err(f'Object "{args[0]}" is unknown, try "ip help".\n')
        return 1
    rest = args[1:]
    if obj == "route" and rest[:1] == ["get"]:
        return iproute_get.main(ctx, rest[1:])
    if rest and rest[0] in iproute.CHANGE_VERBS:
        return iproute.change(ctx, obj, rest)  # ip link add, ip addr add, ip route add, ...
    kind, rest = _ip_type(ctx, obj, rest)
    dev, rest = _ip_dev(obj, rest)
    if rest:
        ctx.err(f'Command "{rest[0]}" is unknown, try "ip {obj} help".\n')
        return 1
    stats = ("-s" in options or "-s" in words) and ctx.userland.iproute2_at_least(render_ip.STATS_LAYOUT)
    show = IpShow(obj, dev, "-br" in options, "-o" in options, "-4" in options or "-4" in words, stats, kind)
    if obj in ("address", "link"):
        return _ip_show_links(ctx, show)
    if obj == "route":
        return _ip_show_routes(ctx, show)
    return _ip_show_neighbours(ctx, show)


def _ip_options(ctx: ProcessContext, words: list[str]) -> tuple[set[str], list[str]] | int:
    """The global options before the object (``ip.c``), and the words after them; or the exit status of a refusal."""
    options: set[str] = set()
    while words and (option := _ip_option(words[0])) is not None:
        if ctx.userland.busybox is not None and option not in ("-o", "-4"):
            ctx.err(_BUSYBOX_IP_USAGE)  # ip_parse_common_args() knows -oneline, -family, -4, -6, -0 only
            return 1
        if option == "-br" and not ctx.userland.iproute2_at_least(render_ip.BRIEF):
            word = words[0][1:] if words[0].startswith("--") else words[0]
            ctx.err(f'Option "{word}" is unknown, try "ip -help".\n')  # iproute2 3.12 predates -brief
            return 255
        options.add(option)
        words = words[1:]
    return options, words


def _ip_type(ctx: ProcessContext, obj: str, rest: list[str]) -> tuple[str | None, list[str]]:
    """``[show] type KIND`` (iproute2's ``ip link``/``ip addr``): the kind asked for, and the other words."""
    words = rest[1:] if rest and rest[0] in ("show", "list", "ls", "sh", "s", "lst") else rest
    if ctx.userland.iproute2 is None or obj not in ("address", "link") or words[:1] != ["type"] or len(words) < 2:
        return None, rest
    return words[1], rest[: len(rest) - len(words)] + words[2:]


def _of_kind(view: render.LinkView, kind: str) -> bool:
    """Whether a device's ``IFLA_INFO_KIND`` is ``kind`` (a NIC and ``lo`` have none)."""
    return view.kind == kind and view.kind not in ("ether", "loopback")


def _ip_dev(obj: str, rest: list[str]) -> tuple[str | None, list[str]]:
    """``[show|list] [dev] DEV``: the device asked for (``dev`` may be left out for addr and link), and what follows."""
    if rest and rest[0] in ("show", "list", "ls", "sh", "s", "lst"):
        rest = rest[1:]
    if rest and rest[0] == "dev" and len(rest) > 1:
        return rest[1], rest[2:]
    if rest and obj in ("address", "link") and not rest[0].startswith("-"):
        return rest[0], rest[1:]
    return None, rest


def _ip_show_links(ctx: ProcessContext, show: IpShow) -> int:
    """``ip link``/``ip addr`` in the layout the options ask for."""
    ns = ctx.netns
    views = _selected_links(ctx, show)
    if views is None:
        ctx.err(f'Device "{show.dev}" does not exist.\n')
        return 1
    address = show.obj == "address"
    if show.kind is not None and (show.brief or show.oneline):
        ctx.out(_kind_lines(ctx, show, views))
        return 0
    if show.brief or show.oneline:  # every link renders (peer names), one or all print
        every = netinfo.links(ns)
        index = views[0].index if show.dev is not None else None
        if show.brief and address:
            ctx.out(render.ip_addr_brief(every, ctx.userland, inet_only=show.inet_only, index=index))
        elif show.brief:
            ctx.out(render.ip_link_brief(every, ctx.userland, index=index))
        elif address:
            ctx.out(render.ip_addr_oneline(every, ctx.userland, inet_only=show.inet_only, index=index))
        else:
            ctx.out(render.ip_link_oneline(every, ctx.userland, stats=show.stats, index=index))
        return 0
    if show.inet_only and address:  # IPv4 only: links that have an inet address, no inet6 lines
        views = [dataclasses.replace(v, ipv6_link_local=None, ipv6_loopback=False) for v in views if v.addrs]
        text = render.ip_addr(views, ctx.userland)
        ctx.out("".join(line for line in text.splitlines(keepends=True) if not line.startswith("    link/")))
        return 0
    draw = render.ip_addr if address else render.ip_link
    if show.dev is not None and ctx.userland.iproute2_at_least(render_ip.NETNSID):
        # iproute2 names a peer in this namespace (mac0@eth0) even when it shows one device:
        # render them all, keep the device's own stanza.
        ctx.out(_stanza(draw(netinfo.links(ns), ctx.userland, stats=show.stats), views[0].index))
        return 0
    ctx.out(draw(views, ctx.userland, stats=show.stats))
    return 0


def _selected_links(ctx: ProcessContext, show: IpShow) -> list[render.LinkView] | None:
    """The devices ``dev DEV`` and ``type KIND`` leave (None: the named device does not exist)."""
    views = netinfo.links(ctx.netns)
    if show.dev is not None:
        views = [v for v in views if v.name == show.dev]
        if not views:
            return None
    kind = show.kind
    return views if kind is None else [v for v in views if _of_kind(v, kind)]


def _kind_lines(ctx: ProcessContext, show: IpShow, views: list[render.LinkView]) -> str:
    """``-br``/``-o`` with ``type KIND``: each kept device's lines, peers named among all devices."""
    every = netinfo.links(ctx.netns)
    address = show.obj == "address"
    out = []
    for view in views:
        if show.brief and address:
            out.append(render.ip_addr_brief(every, ctx.userland, inet_only=show.inet_only, index=view.index))
        elif show.brief:
            out.append(render.ip_link_brief(every, ctx.userland, index=view.index))
        elif address:
            out.append(render.ip_addr_oneline(every, ctx.userland, inet_only=show.inet_only, index=view.index))
        else:
            out.append(render.ip_link_oneline(every, ctx.userland, stats=show.stats, index=view.index))
    return "".join(out)


def _ip_show_routes(ctx: ProcessContext, show: IpShow) -> int:
    """``ip route``: -o and -br print the ordinary table (``ip/iproute.c`` has no brief form)."""
    routes = netinfo.routes(ctx.netns)
    if show.dev is not None:
        routes = [r for r in routes if r.dev == show.dev]
    ctx.out(render.ip_route(routes, ctx.userland, show_dev=show.dev is None))
    return 0


def _ip_show_neighbours(ctx: ProcessContext, show: IpShow) -> int:
    """``ip neigh`` (``-o``: a neighbour is one line already)."""
    neighs = netinfo.neighbours(ctx.netns)
    if show.dev is not None:
        neighs = [n for n in neighs if n.dev == show.dev]
    draw = render.ip_neigh_brief if show.brief else render.ip_neigh
    ctx.out(draw(neighs, ctx.userland, show_dev=show.dev is None))
    return 0


def _stanza(text: str, index: int) -> str:
    """The lines of one device (``N: name...`` up to the next device) in ``ip`` output."""
    out: list[str] = []
    keep = False
    for line in text.splitlines(keepends=True):
        if line[:1].isdecimal() and ": " in line:
            keep = line.startswith(f"{index}: ")
        if keep:
            out.append(line)
    return "".join(out)


def ifconfig(ctx: ProcessContext, argv: list[str]) -> int:
    """``ifconfig [-a] [IFACE]``."""
    args = argv[1:]
    show_all = "-a" in args
    names = [a for a in args if not a.startswith("-")]
    views = netinfo.links(ctx.netns)
    if names:
        views = [v for v in views if v.name == names[0]]
        if not views:
            if ctx.userland.net_tools_at_least(render_ifconfig.NEW_LAYOUT):
                ctx.err(f"{names[0]}: error fetching interface information: Device not found\n")
            else:
                ctx.err(f"ifconfig: {names[0]}: error fetching interface information: Device not found\n")
            return 1
        show_all = True
    ctx.out(render.ifconfig(views, ctx.userland, all=show_all))
    return 0


def brctl(ctx: ProcessContext, argv: list[str]) -> int:
    """``brctl show``: the bridges and their ports (bridge-utils 1.7)."""
    if len(argv) < 2 or argv[1] != "show":
        ctx.err("Usage: brctl [commands]\ncommands:\n\taddbr     \t<bridge>\t\tadd bridge\n\tshow      \t[ <bridge> ]\t\tshow a list of bridges\n")
        return 1
    views = netinfo.bridges(ctx.netns)
    if len(argv) > 2:
        views = [v for v in views if v.name == argv[2]]
    ctx.out(render.brctl_show(views))
    return 0


def bridge(ctx: ProcessContext, argv: list[str]) -> int:
    """``bridge fdb show`` and ``bridge link``."""
    args = argv[1:]
    if args[:1] == ["fdb"] and args[1:2] in ([], ["show"]):
        rest = args[2:]
        only = rest[1] if len(rest) >= 2 and rest[0] in ("br", "brport", "dev") else None
        if only is not None and only not in ctx.netns.devices and rest[0] == "br":
            ctx.err(f'Cannot find bridge device "{only}"\n')
            return 1
        if rest[:1] in (["dev"], ["brport"]):  # one device's entries (a port's, or a VXLAN device's own)
            if only is not None and only not in ctx.netns.devices:
                ctx.err(f'Cannot find device "{only}"\n')
                return 1
            ctx.out(render.bridge_fdb_show([e for e in netinfo.fdb(ctx.netns) if e.dev == only]))
            return 0
        ctx.out(render.bridge_fdb_show(netinfo.fdb(ctx.netns, only)))
        return 0
    if args[:1] == ["link"] and args[1:2] in ([], ["show"]):
        ctx.out(render.bridge_link(netinfo.links(ctx.netns)))
        return 0
    ctx.err("Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { link | fdb | mdb | vlan | vni | monitor }\n")
    return 255


def iptables(ctx: ProcessContext, argv: list[str]) -> int:
    """``iptables [-t TABLE] -S [CHAIN]`` / ``-L [-n] [-v]`` / ``-A|-I|-D ...`` / ``-P CHAIN POLICY`` / ``-N CHAIN``."""
    args = argv[1:]
    table = "filter"
    if "-t" in args:
        i = args.index("-t")
        if i + 1 >= len(args):
            ctx.err("iptables v1.8.10 (nf_tables): option \"-t\" requires an argument\nTry `iptables -h' or 'iptables --help' for more information.\n")
            return 2
        table = args[i + 1]
        args = args[:i] + args[i + 2:]
    nf = ctx.netns.ipv4.netfilter
    if table not in nf.tables:
        ctx.err(f"iptables v1.8.10 (nf_tables): table '{table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n")
        return 3
    if not args:
        ctx.err("iptables v1.8.10 (nf_tables): no command specified\nTry `iptables -h' or 'iptables --help' for more information.\n")
        return 2
    for names, command in _IPTABLES_COMMANDS:
        if args[0] in names:
            return command(ctx, nf, table, args)
    ctx.err(f"iptables v1.8.10 (nf_tables): unknown option \"{args[0]}\"\nTry `iptables -h' or 'iptables --help' for more information.\n")
    return 2


def _iptables_list(ctx: ProcessContext, nf: Any, table: str, args: list[str]) -> int:
    """``-S [CHAIN]`` (iptables-save's rules) or ``-L [CHAIN] [-n] [-v]`` (the table)."""
    listing = args[0] in ("-L", "--list")
    chain = next((a for a in args[1:] if not a.startswith("-")), None) if listing else (args[1] if len(args) > 1 else None)
    if chain is not None and chain not in nf.tables[table]:
        ctx.err("iptables: No chain/target/match by that name.\n")
        return 1
    if listing:
        flags = set("".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--")))
        ctx.out(render_iptables_l(nf, table, chain, verbose="v" in flags))
    else:
        ctx.out(render_iptables_s(nf, table, chain))
    return 0


def _iptables_rule(ctx: ProcessContext, nf: Any, table: str, args: list[str]) -> int:
    """``-A|-I|-D CHAIN RULE``: the netfilter model reads the rule."""
    try:
        nf.apply(table, " ".join(_quote(a) for a in args))
    except IptablesError as error:
        ctx.err(f"{error}\n")
        return 1
    return 0


def _iptables_policy(ctx: ProcessContext, nf: Any, table: str, args: list[str]) -> int:
    """``-P CHAIN POLICY`` on a built-in chain (iptables 1.8, nf_tables); nat may not drop."""
    if len(args) < 3:
        ctx.err("iptables v1.8.10 (nf_tables): -P requires a chain and a policy\nTry `iptables -h' or 'iptables --help' for more information.\n")
        return 2
    chain_name, policy = args[1], args[2]
    if table == "nat" and policy == "DROP":
        ctx.err("iptables v1.8.10 (nf_tables): \nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n\n"
                "Try `iptables -h' or 'iptables --help' for more information.\n")
        return 2
    if nf.tables[table].get(chain_name) is None or nf.tables[table][chain_name].policy is None:
        ctx.err("iptables: Bad built-in chain name.\n")
        return 1
    if policy not in ("ACCEPT", "DROP"):
        ctx.err("iptables: Bad policy name. Run `dmesg' for more information.\n")
        return 1
    nf.set_policy(table, chain_name, policy)
    return 0


def _iptables_new_chain(ctx: ProcessContext, nf: Any, table: str, args: list[str]) -> int:
    """``-N CHAIN``: a user chain."""
    if len(args) < 2:
        ctx.err(f"iptables v1.8.10 (nf_tables): unknown option \"{args[0]}\"\nTry `iptables -h' or 'iptables --help' for more information.\n")
        return 2
    try:
        nf.new_chain(table, args[1])
    except IptablesError as error:
        ctx.err(f"{error}\n")
        return 1
    return 0


_IPTABLES_COMMANDS: tuple[tuple[tuple[str, ...], Callable[[ProcessContext, Any, str, list[str]], int]], ...] = (
    (("-S", "--list-rules", "-L", "--list"), _iptables_list),
    (("-A", "-I", "-D", "--append", "--insert", "--delete"), _iptables_rule),
    (("-P", "--policy"), _iptables_policy),
    (("-N",), _iptables_new_chain),
)


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


def render_iptables_s(nf: Any, table: str, only: str | None = None) -> str:
    """iptables-save order: built-in policies, user chains (sorted), then the rules."""
    from simulator.kernel.ipv4.netfilter import BUILTIN_CHAINS

    chains = nf.tables[table]
    builtin = BUILTIN_CHAINS[table]
    users = sorted(n for n in chains if n not in builtin)
    lines = []
    order = list(builtin) + users
    if only is not None:
        order = [only]
    for name in order:
        chain = chains[name]
        lines.append(f"-P {name} {chain.policy}" if chain.policy else f"-N {name}")
    for name in order:
        lines += [c.rule.text() for c in chains[name].rules]
    return "".join(line + "\n" for line in lines)


def _human(n: int) -> str:
    """iptables -v counters (libxtables ``xtables_print_num``): exact up to 99999, then
    rounded thousands while they fit in four digits: K, M, G, else T."""
    if n <= 99999:
        return str(n)
    for unit in ("K", "M", "G"):
        n = (n + 500) // 1000
        if n <= 9999:
            return f"{n}{unit}"
    return f"{(n + 500) // 1000}T"


def _list_address(net: Any) -> str:
    """``iptables -L -n`` address column: a host has no ``/32`` (xtables_ipmask_to_numeric)."""
    return str(net.network_address) if net.prefixlen == 32 else str(net)


def _rule_row(counted: Any, verbose: bool) -> str:
    """One rule as iptables 1.8.10 ``print_rule_details``/``print_ifaces``/
    ``print_ipv4_addresses`` print it: the ``!`` of an inverted address takes the column
    before it, names longer than a column push the rest right, and a rule without
    matches ends in the padded destination column and a space."""
    r = counted.rule
    out = f"{_human(counted.packets):>5} {_human(counted.bytes):>5} " if verbose else ""
    out += f"{r.target or '':<9}  {r.proto or 'all':<4} -- "
    if verbose:
        iface_in = ("!" if r.in_neg else "") + (r.in_iface or "*")
        iface_out = ("!" if r.out_neg else "") + (r.out_iface or "*")
        out += f" {iface_in:<6} {iface_out:<6} "
    src = _list_address(r.src) if r.src else "0.0.0.0/0"
    dst = _list_address(r.dst) if r.dst else "0.0.0.0/0"
    out += f"{'!' if r.src_neg else ' '}{src:<19} {'!' if r.dst_neg else ' '}{dst:<19} "
    if r.proto in ("tcp", "udp") and (r.proto_match or r.sport is not None or r.dport is not None):
        out += f" {r.proto}"
        if r.sport is not None:
            out += f" spt:{r.sport}"
        if r.dport is not None:
            out += f" dpt:{r.dport}"
    if r.addrtype_dst:
        out += f" ADDRTYPE match dst-type {'!' if r.addrtype_neg else ''}{r.addrtype_dst}"
    if r.ctstates:
        out += f" ctstate {','.join(r.ctstates)}"
    if r.to_destination:
        out += f" to:{r.to_destination}"
    if r.to_source:
        out += f" to:{r.to_source}"
    return out


def render_iptables_l(nf: Any, table: str, only: str | None, verbose: bool) -> str:
    """``iptables [-t TABLE] -L [CHAIN] [-v] -n``: each chain's policy, counters and rules."""
    from simulator.kernel.ipv4.netfilter import BUILTIN_CHAINS

    chains = nf.tables[table]
    builtin = BUILTIN_CHAINS[table]
    order = list(builtin) + sorted(n for n in chains if n not in builtin)
    if only is not None:
        order = [only]
    # iptables-nft creates a table with its first rule, chain or policy: a table nothing
    # was ever added to does not exist in the kernel, counts nothing, and is listed with
    # zero counters (the model keeps counting it once any table of the namespace has rules).
    pristine = set(chains) == set(builtin) and all(c.policy == "ACCEPT" and not c.rules for c in chains.values())
    blocks = []
    for name in order:
        chain = chains[name]
        if chain.policy:
            packets, nbytes = (0, 0) if pristine else (chain.packets, chain.bytes)
            head = f"Chain {name} (policy {chain.policy}"
            head += f" {_human(packets)} packets, {_human(nbytes)} bytes)" if verbose else ")"
        else:
            refs = sum(1 for c in chains.values() for r in c.rules if r.rule.target == name)
            head = f"Chain {name} ({refs} references)"
        lines = [head]
        if verbose:
            lines.append(" pkts bytes target     prot opt in     out     source               destination         ")
        else:
            lines.append("target     prot opt source               destination         ")
        lines += [_rule_row(counted, verbose) for counted in chain.rules]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


PROGRAMS = ProgramTable({
    "ip": ip,
    "ifconfig": ifconfig,
    **coreutils.PROGRAMS,
    "brctl": brctl,
    "bridge": bridge,
    "iptables": iptables,
    "iptables-save": iptables_save.main,
})


def _ping(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    from simulator.programs.ping import main

    return (yield from main(ctx, argv))


PROGRAMS["ping"] = _ping


def _nsenter(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    from simulator.programs.nsenter import nsenter

    return (yield from nsenter(ctx, argv))


PROGRAMS["nsenter"] = _nsenter


def _tcpdump(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    from simulator.programs.tcpdump import tcpdump

    return (yield from tcpdump(ctx, argv))


PROGRAMS["tcpdump"] = _tcpdump


def _register_dns_tools() -> None:
    from simulator.programs import dnstools, nettools, procps, ss, traceroute

    PROGRAMS.update(dnstools.PROGRAMS)
    PROGRAMS.update(procps.PROGRAMS)
    PROGRAMS.update(nettools.PROGRAMS)
    PROGRAMS.update(ss.PROGRAMS)
    PROGRAMS.update(traceroute.PROGRAMS)


_register_dns_tools()


def _curl(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    from simulator.programs.curl import curl

    return (yield from curl(ctx, argv))


def _wget(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    from simulator.programs.wget import wget

    return (yield from wget(ctx, argv))


PROGRAMS["curl"] = _curl
PROGRAMS["wget"] = _wget


def _register_package_tools() -> None:
    from simulator.programs import packages

    PROGRAMS.update(packages.PROGRAMS)


_register_package_tools()
