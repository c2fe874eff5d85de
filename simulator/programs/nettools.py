"""net-tools ``route``, ``netstat`` and ``arp`` (and BusyBox's applets of the same names).

Each reads the kernel model as the real tool reads ``/proc/net``: the routing table,
the neighbour cache, the sockets (see ``netinfo``), resolves names when not given
``-n`` (DNS through the namespace's resolver, which takes simulated time), and prints
through ``render_nettools``. Options outside what a lesson uses answer that they are
not simulated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from typing import Any

from simulator.programs import netinfo, render_nettools
from simulator.programs.options import OptionError, OptionSpec, split
from simulator.programs.process import ProcessContext, ProgramBody

NOT_SIMULATED = 126
NUMERIC_DEFAULTS = "2.10"  # net-tools from here on print 0.0.0.0 where 1.60 printed "*"
NETWORKS = {"169.254.0.0": "link-local", "127.0.0.0": "loopback"}  # /etc/networks of the Debian family


def _not_simulated(ctx: ProcessContext, tool: str, args: list[str]) -> int:
    ctx.err(f"dockersim: {tool} {' '.join(args)}: these options of {tool} are not simulated\n")
    return NOT_SIMULATED


def _short_flags(args: list[str], known: str) -> set[str] | None:
    """The letters of ``-rn``-style options, or None if one is unknown (or a word is not an option)."""
    try:
        parsed = split(args, OptionSpec(flags=known))
    except OptionError:
        return None
    if parsed.operands:
        return None
    return {option[1:] for option, _ in parsed.options}


def _star_for_default(ctx: ProcessContext) -> bool:
    """Whether the route table shows an unset gateway or genmask as ``*`` (net-tools 1.60, BusyBox), not 0.0.0.0."""
    return ctx.userland.busybox is not None or not ctx.userland.net_tools_at_least(NUMERIC_DEFAULTS)


def _name(ctx: ProcessContext, ip: str) -> Generator[Any, Any, str | None]:
    """gethostbyaddr: the address's name, if the resolver finds one."""
    if ctx.reverse is None:
        return None
    name = yield from ctx.reverse(ip)
    return name


def _named_routes(ctx: ProcessContext, routes: list[render_nettools.KernelRoute]) -> Generator[Any, Any, list[render_nettools.KernelRoute]]:
    """Without ``-n``: networks from /etc/networks, hosts and gateways by name."""
    out = []
    cache: dict[str, str | None] = {}
    for r in routes:
        destination = NETWORKS.get(str(r.network.network_address)) if r.network.prefixlen not in (0, 32) else None
        if r.network.prefixlen == 32:
            host = str(r.network.network_address)
            if host not in cache:
                cache[host] = yield from _name(ctx, host)
            destination = cache[host]
        gateway_name = None
        if r.gateway is not None:
            key = str(r.gateway)
            if key not in cache:
                cache[key] = yield from _name(ctx, key)
            gateway_name = cache[key]
        out.append(dataclasses.replace(r, destination_name=destination, gateway_name=gateway_name))
    return out


def route(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``route [-n]``: the kernel IP routing table (changes with ``ip route`` are the modelled way)."""
    args = argv[1:]
    letters = _short_flags(args, "ne")
    if letters is None:
        return _not_simulated(ctx, "route", args)
    routes = netinfo.kernel_routes(ctx.netns)
    numeric = "n" in letters
    if not numeric:
        routes = yield from _named_routes(ctx, routes)
    star = _star_for_default(ctx)
    if "e" in letters:
        ctx.out(render_nettools.netstat_routes(routes, numeric, star))
    else:
        ctx.out(render_nettools.route_table(routes, numeric, star))
    return 0


def arp(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``arp [-n] [-a]``: the neighbour cache (BusyBox prints the ``-a`` style always)."""
    args = argv[1:]
    letters = _short_flags(args, "nav")
    if letters is None:
        return _not_simulated(ctx, "arp", args)
    entries = netinfo.arp_entries(ctx.netns)
    if "n" not in letters:
        named = []
        for e in entries:
            name = yield from _name(ctx, str(e.ip))
            named.append(dataclasses.replace(e, name=name))
        entries = named
    if "a" in letters or ctx.busybox:
        ctx.out(render_nettools.arp_bsd(entries))
    else:
        ctx.out(render_nettools.arp_table(entries))
    return 0


def netstat(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``netstat -rn``, ``netstat -tlnp``, ``netstat -an`` (any mix of ``-t -u -l -a -n -p -r``)."""
    args = argv[1:]
    letters = _short_flags(args, "tulanpre" if not ctx.busybox else "tulanpreW")
    if letters is None:
        return _not_simulated(ctx, "netstat", args)
    if "r" in letters:
        routes = netinfo.kernel_routes(ctx.netns)
        numeric = "n" in letters
        if not numeric:
            routes = yield from _named_routes(ctx, routes)
        ctx.out(render_nettools.netstat_routes(routes, numeric, _star_for_default(ctx)))
        return 0
    if "n" not in letters:
        return _not_simulated(ctx, "netstat", args + ["(without -n: names for ports and addresses)"])
    pid_namespace = ctx.processes.key if ctx.processes is not None else ""
    found = netinfo.sockets(ctx.netns, pid_namespace)
    protocols = {p for p, letter in (("tcp", "t"), ("udp", "u")) if letter in letters} or {"tcp", "udp"}
    listening_only = "l" in letters
    every = "a" in letters
    shown = [s for s in found if s.proto in protocols and (every or s.listening == listening_only)]
    unix = not ({"t", "u"} & letters)
    ctx.out(render_nettools.netstat_sockets(shown, listening_only, every, "p" in letters, unix, busybox=ctx.busybox))
    return 0


PROGRAMS: dict[str, ProgramBody] = {"route": route, "arp": arp, "netstat": netstat}
