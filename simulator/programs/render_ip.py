"""``ip`` as iproute2 (3.12 or 6.1) or BusyBox prints it: link, addr, route, neigh.

Each renderer takes frozen views (``render_views``) and the userland profile
(``userland.Userland``, or its name) and returns exactly the text the tool writes,
trailing spaces and all. What differs between the builds is asked of the
profile: BusyBox's applet or iproute2, and which iproute2 release.


``ip link`` / ``ip addr`` (iproute2 ``ip/ipaddress.c:print_linkinfo`` and
``print_addrinfo``; BusyBox ``networking/libiproute/ipaddress.c``)
    ``ip`` dumps ``RTM_GETLINK`` (and ``RTM_GETADDR`` for ``addr``) over
    rtnetlink and prints one stanza per link in ifindex order.  The header is
    built from attributes, each printed as ``"name value "`` with a *trailing*
    space: ``mtu``, ``qdisc``, ``master``, ``state`` (``IFLA_OPERSTATE``),
    ``mode`` (only for ``ip link``), ``group`` and finally ``qlen N`` *without*
    a trailing space, printed only when ``IFLA_TXQLEN`` is non-zero.  So a
    device whose queue length is 0 ends its header in ``"group default "``
    with a trailing space, and one with a queue ends in ``"qlen 1000"``.
    Docker creates its veths and bridges through vishvananda/netlink with
    ``TxQLen`` 0, which is why they show no ``qlen``; ``lo`` and kernel-made
    devices default to 1000.  :attr:`LinkView.qlen` is that kernel value.

    ``IFLA_LINK`` (a veth's peer, a macvlan's parent) makes the name print as
    ``eth0@if7``.  iproute2 >= 4.0 checks ``IFLA_LINK_NETNSID``: when the peer
    lives in another namespace it prints ``@ifN`` and appends
    ``link-netnsid N`` to the ``link/ether`` line; otherwise it looks the index
    up in its link cache and adds ``M-DOWN`` to the flags if that device is not
    up (an *unknown* index reads back as flags ``-1`` there, so no ``M-DOWN``).
    iproute2 3.12 and BusyBox predate netnsids: they always look the index up
    locally, an unknown index has flags ``0``, and so a Docker container's
    ``eth0`` shows ``<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN>`` on any kernel
    new enough (>= 4.1) to report the veth peer at all.  BusyBox prints no
    ``mode``/``group``, and prints ``state`` only when built against musl
    (``IFF_DORMANT`` is a macro there): Alpine's BusyBox prints it, busybox:latest's
    (glibc) does not.

    Address lines are ``inet ADDR/LEN [metric N] [brd B] scope S [flags] LABEL``
    followed by ``valid_lft ... preferred_lft ...``.  IPv6 addresses carry no
    label, hence the famous trailing space in ``scope link ``.

``ip -o`` / ``ip -br`` (``ip/ip.c``, ``ip/ipaddress.c``, ``ip/ipneigh.c``)
    ``-o[neline]`` sets the line separator ``_SL_`` to a backslash: every
    newline *inside* a record is printed as a backslash, so ``ip -o link`` is
    one line per device (``...qlen 1000``, backslash, ``    link/ether ...``).
    For ``ip -o addr``
    every address is its own record, prefixed with ``"%u: %s"`` (ifindex and
    the bare name, no ``@peer``); iproute2 >= 4.x and BusyBox 1.36 print no
    link records at all, iproute2 3.12 skips them only under ``-4`` (its
    ``no_link`` is set inside ``if (filter.family && ...)``), so a plain
    ``ip -o addr`` there prints each link's record before its addresses.
    ``-br[ief]`` (iproute2 >= 4.3; not in 3.12, whose ``ip`` answers
    ``Option "-br" is unknown``, nor in BusyBox, which prints its usage)
    prints one line per device: ``"%-16s "`` name (with ``@peer``),
    ``"%-14s "`` operstate, then for ``link`` the MAC and the flags, for
    ``addr`` each address as ``"%s/%d "``.  A device without any address is
    still listed (``ipaddr_filter``'s ``missing_net_address``) unless ``-4``
    asks for IPv4 ones.  ``-br neigh`` prints ``"%-39s "`` address,
    ``"%-16s "`` device (left out under ``dev DEV``) and the MAC with no
    trailing space.  ``ip route`` has no brief form: ``-br route`` prints the
    ordinary table, as do ``-o route`` and ``-o neigh`` (one line already).

``ip route`` (``ip/iproute.c:print_route``; BusyBox ``libiproute/iproute.c``)
    Dumps ``RTM_GETROUTE`` for the main table.  iproute2 3.12 prints
    ``" proto %s "``, ``" scope %s "``, ``" src %s "`` and ``" metric %d "``
    with spaces on *both* sides, which gives the double spaces of
    ``dev eth0  proto kernel  scope link  src 172.17.0.2 ``.  iproute2 >= 4.x
    prints every field as ``"name value "`` (single spaces, one trailing
    space) and adds ``linkdown`` for ``RTNH_F_LINKDOWN``.  ``proto boot`` (the
    default, what Docker's netlink library uses) is never printed.  BusyBox
    never prints ``proto`` at all.

``ip neigh`` (``ip/ipneigh.c:print_neigh``; BusyBox ``libiproute/ipneigh.c``)
    Dumps ``RTM_GETNEIGH``, hiding ``NOARP`` entries by default.  3.12 prints
    ``lladdr %s`` then ``" STATE"``, so an entry without a link-layer address
    has two spaces before its state; iproute2 >= 5.16 prints ``"%s "``
    everywhere (trailing space).  BusyBox always shows the cache statistics
    (``ref``, ``used``, ``probes``) because its ``xshow_stats`` is a constant.

``ifconfig`` (net-tools ``lib/interface.c:ife_print_long``; BusyBox

Sources: iproute2 ``ip/ipaddress.c``, ``ip/iproute.c``, ``ip/ipneigh.c``,
``lib/utils.c:print_name_and_link`` (github.com/iproute2/iproute2 and 3.x-era
copies); real iproute2 6.1.0 output captured in network namespaces; BusyBox
``networking/libiproute/{ipaddress,iproute,ipneigh}.c``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from simulator.programs.render_views import (
    AddressView,
    LinkView,
    NeighbourView,
    RouteView,
    by_index,
    ip_flags,
    kernel_flags,
    peer_suffix,
)
from simulator.programs.userland import Userland, profile

# iproute2 releases whose output changed in something the views show.
NETNSID = "4.0"  # IFLA_LINK_NETNSID honoured: "@ifN" and "link-netnsid N"; no link records in -o addr
BRIEF = "4.3"  # -br[ief]
FIELD_PRINTING = "4.17"  # print_route() prints every field as "name value " (the JSON rewrite)
ADDR_METRIC = "4.18"  # "metric N" on an address (IFA_RT_PRIORITY)
NEIGH_TRAILING_SPACE = "5.16"  # print_neigh() prints "%s " everywhere
STATS_LAYOUT = "6.1"  # the only -s layout rendered: print_link_stats64() with size_columns()


def _ip_of(land: Userland | str) -> Userland:
    """The profile, checked to have an ``ip`` (iproute2's or BusyBox's)."""
    found = profile(land)
    if found.iproute2 is None and found.busybox is None:
        raise ValueError(f"userland {found.name!r} has no ip (neither iproute2 nor BusyBox)")
    return found

def _link_type(link: LinkView) -> str:
    return "loopback" if link.kind == "loopback" else "ether"


def _link_brd(link: LinkView) -> str:
    return "00:00:00:00:00:00" if link.kind == "loopback" else "ff:ff:ff:ff:ff:ff"


def _link_header(
    link: LinkView, cache: Mapping[int, LinkView], land: Userland, *, do_link: bool
) -> str:
    modern = land.iproute2_at_least(NETNSID)
    suffix, mdown = peer_suffix(
        link, cache, honour_netnsid=modern, unknown_is_down=not modern
    )
    out = f"{link.index}: {link.name}{suffix}: "
    out += ip_flags(kernel_flags(link), mdown)
    out += f"mtu {link.mtu} qdisc {link.qdisc} "
    if link.master is not None:
        out += f"master {link.master} "
    if land.busybox is None or land.musl:
        # BusyBox prints "state" under #ifdef IFF_DORMANT (ipaddress.c print_linkinfo, 1.35
        # and 1.36 alike): musl's <net/if.h> defines it, glibc's does not
        out += f"state {link.operstate} "
    if land.busybox is None:  # BusyBox prints neither mode nor group
        if do_link:
            out += "mode DEFAULT "
        out += "group default "
    if link.qlen:
        out += f"qlen {link.qlen}"
    out += "\n"
    out += f"    link/{_link_type(link)} {link.mac} brd {_link_brd(link)}"
    if modern and link.link_netnsid is not None:
        out += f" link-netnsid {link.link_netnsid}"
    return out + "\n"


def _lft(value: int | None) -> str:
    return "forever" if value is None else f"{value}sec"


def _addr_lines(addr: AddressView, land: Userland) -> str:
    out = f"    inet {addr.ip}/{addr.prefixlen} "
    if land.iproute2_at_least(ADDR_METRIC) and addr.metric is not None:
        out += f"metric {addr.metric} "
    if addr.broadcast is not None:
        out += f"brd {addr.broadcast} "
    out += f"scope {addr.scope} "
    if addr.secondary:
        out += "secondary "
    if addr.dynamic:
        out += "dynamic "
    out += addr.label + "\n"
    out += f"       valid_lft {_lft(addr.valid_lft)} preferred_lft {_lft(addr.preferred_lft)}\n"
    return out


def _inet6_lines(link: LinkView) -> str:
    out = ""
    if link.ipv6_loopback:
        out += "    inet6 ::1/128 scope host \n"
        out += "       valid_lft forever preferred_lft forever\n"
    if link.ipv6_link_local is not None:
        out += f"    inet6 {link.ipv6_link_local}/64 scope link \n"
        out += "       valid_lft forever preferred_lft forever\n"
    return out


# --------------------------------------------------------------------------
# ip link / ip addr
# --------------------------------------------------------------------------


def _link_stats(link: LinkView) -> str:
    """iproute2 6.1 ``print_link_stats64()`` (``ip -s``): right-aligned columns.

    ``size_columns()`` starts from the widths of ``"*X errors:"``, ``packets``,
    ``errors``, ``dropped``, ``heartbt``, ``overrun`` and ``compressed`` and
    widens a column for a longer number (RX and TX share the widths); the
    ``bytes`` title is printed four narrower, after ``RX:``.  Every number is
    ``"%*llu "`` (trailing space).  The model has no missed, multicast,
    carrier or collision counters: they are 0.
    """
    rx = (link.rx_bytes, link.rx_packets, link.rx_errors, link.rx_dropped, 0, 0, 0)
    tx = (link.tx_bytes, link.tx_packets, link.tx_errors, link.tx_dropped, 0, 0, 0)
    cols = [len("*X errors:"), len("packets"), len("errors"), len("dropped"), len("heartbt"),
            len("overrun"), len("compressed")]
    for values in (rx, tx):
        for i, value in enumerate(values):
            cols[i] = max(cols[i], len(str(value)))

    def titles(direction: str, words: tuple[str, ...]) -> str:
        text = f"    {direction}: {'bytes':>{cols[0] - 4}}"
        text += "".join(f" {word:>{cols[i + 1]}}" for i, word in enumerate(words))
        return text + f" {'':>{cols[6]}}\n"

    def numbers(values: tuple[int, ...]) -> str:
        return "    " + "".join(f"{v:>{cols[i]}} " for i, v in enumerate(values[:6])) + "\n"

    return (
        titles("RX", ("packets", "errors", "dropped", "missed", "mcast")) + numbers(rx)
        + titles("TX", ("packets", "errors", "dropped", "carrier", "collsns")) + numbers(tx)
    )


def ip_link(links: Sequence[LinkView], land: Userland | str, stats: bool = False) -> str:
    """``ip link show`` for ``links`` (all links of the namespace, in order).

    Peer names are resolved among ``links``, as ``ip`` resolves them in its
    link cache, so pass every link of the namespace.  ``stats`` adds the
    counters of ``ip -s link`` (iproute2 >= 6.1 only).
    """
    land = _ip_of(land)
    _check_stats(stats, land)
    cache = by_index(links)
    return "".join(
        _link_header(link, cache, land, do_link=True) + (_link_stats(link) if stats else "")
        for link in links
    )


def ip_addr(links: Sequence[LinkView], land: Userland | str, stats: bool = False) -> str:
    """``ip addr show``: each link stanza followed by its IPv4 then IPv6 addresses
    (``stats``: then the counters, as ``ip -s addr`` prints them; iproute2 >= 6.1 only)."""
    land = _ip_of(land)
    _check_stats(stats, land)
    cache = by_index(links)
    out: list[str] = []
    for link in links:
        out.append(_link_header(link, cache, land, do_link=False))
        out.extend(_addr_lines(addr, land) for addr in link.addrs)
        out.append(_inet6_lines(link))
        if stats:
            out.append(_link_stats(link))
    return "".join(out)


def _one_line(text: str) -> str:
    """A record printed with ``_SL_`` = ``\\``: its inner newlines become backslashes."""
    return text.removesuffix("\n").replace("\n", "\\") + "\n"


def _selected(links: Sequence[LinkView], index: int | None) -> list[LinkView]:
    return [link for link in links if index is None or link.index == index]


def ip_link_oneline(
    links: Sequence[LinkView], land: Userland | str, stats: bool = False, index: int | None = None
) -> str:
    """``ip -o link``: each device's stanza on one line (``index``: only that device).

    ``links`` are all links of the namespace (peer names are resolved among them).

    >>> lo = LinkView(1, "lo", None, None, "loopback", True, True, 65536, "noqueue",
    ...               "UNKNOWN", None, "00:00:00:00:00:00", (), None, False, 0, 0, 0, 0)
    >>> print(ip_link_oneline([lo], "alpine"), end="")
    1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    """
    land = _ip_of(land)
    _check_stats(stats, land)
    cache = by_index(links)
    return "".join(
        _one_line(_link_header(link, cache, land, do_link=True) + (_link_stats(link) if stats else ""))
        for link in _selected(links, index)
    )


def ip_addr_oneline(
    links: Sequence[LinkView], land: Userland | str, inet_only: bool = False, index: int | None = None
) -> str:
    """``ip -o addr`` (``inet_only``: ``ip -4 -o addr``): one line per address,
    ``"N: name"`` first; iproute2 3.12 without ``-4`` also prints each link's record."""
    land = _ip_of(land)
    cache = by_index(links)
    out: list[str] = []
    for link in _selected(links, index):
        if inet_only and not link.addrs:
            continue
        if land.iproute2 is not None and not land.iproute2_at_least(NETNSID) and not inet_only:
            out.append(_one_line(_link_header(link, cache, land, do_link=False)))
        records = [_addr_lines(addr, land) for addr in link.addrs]
        if not inet_only:
            inet6 = _inet6_lines(link).splitlines(keepends=True)
            records += ["".join(inet6[i:i + 2]) for i in range(0, len(inet6), 2)]
        out.extend(f"{link.index}: {link.name}" + _one_line(record) for record in records)
    return "".join(out)


def _brief_name(link: LinkView, cache: Mapping[int, LinkView]) -> tuple[str, bool]:
    """``print_name_and_link("%-16s ")``: the name with its ``@peer``, and M-DOWN."""
    suffix, mdown = peer_suffix(link, cache, honour_netnsid=True, unknown_is_down=False)
    return f"{link.name + suffix:<16} {link.operstate:<14} ", mdown


def _check_brief(land: Userland) -> None:
    if not land.iproute2_at_least(BRIEF):
        raise ValueError(f"ip -br exists from iproute2 4.3 on; not in {land.name!r}")


def ip_link_brief(links: Sequence[LinkView], land: Userland | str, index: int | None = None) -> str:
    """``ip -br link``: name, operstate, MAC and flags, one device a line (iproute2 6.1).

    >>> lo = LinkView(1, "lo", None, None, "loopback", True, True, 65536, "noqueue",
    ...               "UNKNOWN", None, "00:00:00:00:00:00", (), None, False, 0, 0, 0, 0)
    >>> ip_link_brief([lo], "host").replace(" ", ".")
    'lo...............UNKNOWN........00:00:00:00:00:00.<LOOPBACK,UP,LOWER_UP>.\\n'
    """
    land = _ip_of(land)
    _check_brief(land)
    cache = by_index(links)
    out = ""
    for link in _selected(links, index):
        head, mdown = _brief_name(link, cache)
        out += f"{head}{link.mac} {ip_flags(kernel_flags(link), mdown)}\n"
    return out


def ip_addr_brief(
    links: Sequence[LinkView], land: Userland | str, inet_only: bool = False, index: int | None = None
) -> str:
    """``ip -br addr`` (``inet_only``: ``ip -br -4 addr``): name, operstate and
    every address as ``ADDR/LEN `` on one line (iproute2 6.1)."""
    land = _ip_of(land)
    _check_brief(land)
    cache = by_index(links)
    out = ""
    for link in _selected(links, index):
        if inet_only and not link.addrs:
            continue
        words = [f"{addr.ip}/{addr.prefixlen} " for addr in link.addrs]
        if not inet_only:
            if link.ipv6_loopback:
                words.append("::1/128 ")
            if link.ipv6_link_local is not None:
                words.append(f"{link.ipv6_link_local}/64 ")
        out += _brief_name(link, cache)[0] + "".join(words) + "\n"
    return out


def _check_stats(stats: bool, land: Userland) -> None:
    if stats and not land.iproute2_at_least(STATS_LAYOUT):
        raise ValueError(f"ip -s is rendered for iproute2 >= 6.1 only, not {land.name!r}")


# --------------------------------------------------------------------------
# ip route
# --------------------------------------------------------------------------


def _route_line(route: RouteView, land: Userland, show_dev: bool = True) -> str:
    out = f"{route.dst} "
    if route.via is not None:
        out += f"via {route.via} "
    if show_dev:  # print_route: no "dev NAME" when the listing was filtered by device
        out += f"dev {route.dev} "
    proto = route.proto if route.proto not in (None, "boot") else None
    fields = (("proto", proto), ("scope", route.scope), ("src", route.src), ("metric", route.metric))
    if land.iproute2_at_least(FIELD_PRINTING):
        out += "".join(f"{name} {value} " for name, value in fields if value is not None)
        if route.linkdown:
            out += "linkdown "
    elif land.iproute2 is not None:  # " name value " with spaces on both sides
        out += "".join(f" {name} {value} " for name, value in fields if value is not None)
    else:  # BusyBox: no proto; "scope %s " then " src %s ", " metric %d "
        out += "".join(f"{'' if name == 'scope' else ' '}{name} {value} " for name, value in fields[1:] if value is not None)
    return out + "\n"


def ip_route(routes: Sequence[RouteView], land: Userland | str, show_dev: bool = True) -> str:
    """``ip route show [dev DEV]`` (main table) in the kernel's dump order."""
    land = _ip_of(land)
    return "".join(_route_line(route, land, show_dev) for route in routes)


# --------------------------------------------------------------------------
# ip neigh
# --------------------------------------------------------------------------

_NUD_ORDER = ("INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT")


def _neigh_line(neigh: NeighbourView, land: Userland, show_dev: bool = True) -> str:
    # print_neigh: "dev NAME" only when no device filter was given (all three tools)
    out = f"{neigh.ip} dev {neigh.dev} " if show_dev else f"{neigh.ip} "
    if land.iproute2_at_least(NEIGH_TRAILING_SPACE):
        if neigh.lladdr is not None:
            out += f"lladdr {neigh.lladdr} "
        if neigh.router:
            out += "router "
        return out + f"{neigh.state} \n"
    if neigh.lladdr is not None:
        out += f"lladdr {neigh.lladdr}"
    if neigh.router:
        out += " router"
    if land.busybox is not None:  # xshow_stats is a constant there
        if neigh.ref:
            out += f" ref {neigh.ref}"
        out += f" used {neigh.used}/{neigh.confirmed}/{neigh.updated}"
        out += f" probes {neigh.probes}"
    return out + f" {neigh.state}\n"


def ip_neigh(neighs: Sequence[NeighbourView], land: Userland | str, show_dev: bool = True) -> str:
    """``ip neigh show [dev DEV]``; like the real tool it hides ``NOARP`` entries (and the device under ``dev``)."""
    land = _ip_of(land)
    for neigh in neighs:
        if neigh.state not in _NUD_ORDER:
            raise ValueError(f"unknown neighbour state {neigh.state!r}")
    return "".join(_neigh_line(n, land, show_dev) for n in neighs if n.state != "NOARP")


def ip_neigh_brief(neighs: Sequence[NeighbourView], land: Userland | str, show_dev: bool = True) -> str:
    """``ip -br neigh`` (iproute2 6.1): address, device (not under ``dev DEV``:
    ``show_dev=False``) and MAC; no state, no trailing space after the MAC."""
    land = _ip_of(land)
    _check_brief(land)
    out = ""
    for neigh in neighs:
        if neigh.state == "NOARP":
            continue
        out += f"{neigh.ip!s:<39} " + (f"{neigh.dev:<16} " if show_dev else "")
        out += (neigh.lladdr or "") + "\n"
    return out


# --------------------------------------------------------------------------
