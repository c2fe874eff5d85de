"""Byte-exact renderers for the Linux networking tools a learner types.

Each function here takes plain, frozen *views* of kernel state (built by the
simulator from its kernel model) and returns exactly the text the real tool
would write to the terminal, including the trailing spaces, double spaces and
blank lines that the real programs emit.  Nothing here touches the simulator:
the module imports only the standard library, so the formats can be read,
tested and reasoned about on their own.

Flavours
========

A *flavour* names the image (or host) whose binary runs the tool:

``"ubuntu-14.04"``
    A ``ubuntu:14.04`` container: iproute2 3.12.0, net-tools 1.60 with the
    Debian patch set (1.60-25ubuntu2), iputils-s20121221.
``"busybox"``
    An Alpine (musl) container, where ``ip``, ``ifconfig`` and ``ping`` are
    BusyBox 1.36 applets.
``"host"``
    A modern Docker host, Ubuntu 24.04: iproute2 6.1, net-tools 2.10,
    iputils 20240117, bridge-utils 1.7.

The theory: what each tool reads, and how it prints it
======================================================

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
    (``IFF_DORMANT`` is a macro there), which is the Alpine case modelled here.

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
``networking/interface.c``)
    Reads the device list from ``/proc/net/dev`` (plus ``SIOCGIFCONF``),
    keeps it *sorted by name* (net-tools with its ``nstrcmp`` "numeric aware"
    compare, BusyBox with plain ``strcmp``), then for every device asks the
    kernel with ioctls: ``SIOCGIFFLAGS`` (only the low 16 bits, so no
    ``LOWER_UP``), ``SIOCGIFHWADDR``, ``SIOCGIFMTU``, ``SIOCGIFTXQLEN`` and
    ``SIOCGIFADDR``/``BRDADDR``/``NETMASK`` for the *primary* IPv4 address
    only; IPv6 addresses come from ``/proc/net/if_inet6``.  Without ``-a``
    only devices with ``IFF_UP`` are shown.  1.60 and BusyBox print the old
    ``Link encap:Ethernet  HWaddr ...`` layout (net-tools in lower case,
    BusyBox in upper case); net-tools 2.10 prints ``flags=4163<...>  mtu``.
    Byte counters get a human unit: Debian's 1.60 divides by 1000 (``KB``,
    ``MB``, ``GB``), BusyBox and 2.10 by 1024 (``KiB``...), always truncating
    to one decimal with integer arithmetic.

``ping``
    In ``simulator/programs/render_ping.py``.

``brctl show`` (bridge-utils ``brctl/brctl_cmd.c:show_bridge``)
    Walks ``/sys/class/net/*/bridge`` and each ``brif/`` directory with
    ``scandir(..., alphasort)`` and prints tab-separated columns; extra ports
    go on their own lines after seven tabs.

``bridge fdb show`` / ``bridge link`` (iproute2 ``bridge/fdb.c``,
``bridge/link.c``)
    ``fdb`` prints ``MAC dev DEV [vlan N] [self] [master BR] STATE`` where the
    state word is ``permanent`` or empty (learned entries end in a trailing
    space).  ``link`` dumps ``AF_BRIDGE`` links, i.e. bridge ports only, and
    resolves ``IFLA_LINK`` in the *local* namespace without looking at the
    netnsid, so a Docker veth whose peer index is also the index of a local
    device shows that device's name (e.g. ``veth2@docker0``).

Sources
=======

* iproute2: ``ip/ipaddress.c``, ``ip/iproute.c``, ``ip/ipneigh.c``,
  ``lib/utils.c:print_name_and_link``, ``bridge/fdb.c``, ``bridge/link.c``
  (github.com/iproute2/iproute2 and 3.x-era copies); real iproute2 6.1.0
  output captured in network namespaces for the ``host`` flavour.
* net-tools: ``lib/interface.c`` 1.60 and 2.10 (github.com/ecki/net-tools);
  real net-tools 2.10 output; Ubuntu 12.04-16.04 transcripts for the Debian
  ``KB``/``MB``/``GB`` scaling and the untruncated ``%-9s`` name column.
* iputils: ``ping.c``/``ping_common.c`` s20121221 (copy in
  github.com/fxdhdu/iputils-20121221), ``ping/ping_common.c`` of the 2020s
  and the project's CHANGES file; iputils issue #34 for the ``pr_addr`` cache.
* BusyBox: ``networking/ping.c``, ``networking/interface.c``,
  ``networking/libiproute/{ipaddress,iproute,ipneigh}.c``; real BusyBox
  1.35 output (Debian build) for cross-checking.
* bridge-utils: ``brctl/brctl_cmd.c``, ``brctl/brctl_disp.c``; real
  bridge-utils 1.7 output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from simulator.programs.render_ping import PingError, PingReply, PingRun, ping

__all__ = [
    "FLAVOURS",
    "AddressView",
    "BridgeView",
    "FdbView",
    "LinkView",
    "NeighbourView",
    "PingError",
    "PingReply",
    "PingRun",
    "RouteView",
    "bridge_fdb_show",
    "bridge_link",
    "brctl_show",
    "ifconfig",
    "ip_addr",
    "ip_addr_brief",
    "ip_addr_oneline",
    "ip_link",
    "ip_link_brief",
    "ip_link_oneline",
    "ip_neigh",
    "ip_neigh_brief",
    "ip_route",
    "ping",
]

#: The flavours every flavour-dependent renderer accepts.
FLAVOURS: tuple[str, ...] = ("ubuntu-14.04", "busybox", "host")

_UBUNTU = "ubuntu-14.04"
_BUSYBOX = "busybox"
_HOST = "host"


# --------------------------------------------------------------------------
# Data views
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddressView:
    """One IPv4 address as ``RTM_GETADDR`` reports it.

    ``broadcast`` is ``IFA_BROADCAST`` (``None`` when the address has none;
    ``ifconfig`` then shows ``0.0.0.0``).  ``label`` is ``IFA_LABEL``, the
    device name unless an alias was given.  ``secondary`` and ``dynamic``
    mirror ``IFA_F_SECONDARY`` and a missing ``IFA_F_PERMANENT``;
    ``valid_lft``/``preferred_lft`` are seconds, ``None`` meaning forever;
    ``metric`` is ``IFA_RT_PRIORITY`` (shown by iproute2 >= 4.18 only).
    """

    ip: IPv4Address
    prefixlen: int
    broadcast: IPv4Address | None
    scope: str
    label: str
    secondary: bool = False
    dynamic: bool = False
    valid_lft: int | None = None
    preferred_lft: int | None = None
    metric: int | None = None


@dataclass(frozen=True, slots=True)
class LinkView:
    """One network device as ``RTM_GETLINK`` (and the ioctls) report it.

    ``peer_index`` is ``IFLA_LINK`` (veth peer, macvlan/vlan parent);
    ``link_netnsid`` is ``IFLA_LINK_NETNSID`` when that peer lives in another
    namespace.  ``up`` is ``IFF_UP``; ``lower_up`` is the carrier
    (``IFF_LOWER_UP`` is reported only while the device is up).  ``qlen`` is
    the kernel's ``tx_queue_len``: Docker-made veths and bridges have 0.
    The ``*_errors``/``*_dropped`` counters are ``/proc/net/dev`` columns.
    ``port_state`` (``None``: forwarding while the port is up with carrier,
    else disabled), ``port_priority`` and ``port_cost`` describe a bridge
    port for ``bridge link``.
    """

    index: int
    name: str
    peer_index: int | None
    link_netnsid: int | None
    kind: str
    up: bool
    lower_up: bool
    mtu: int
    qdisc: str
    operstate: str
    master: str | None
    mac: str
    addrs: tuple[AddressView, ...]
    ipv6_link_local: str | None
    ipv6_loopback: bool
    rx_packets: int
    rx_bytes: int
    tx_packets: int
    tx_bytes: int
    qlen: int = 1000
    rx_errors: int = 0
    rx_dropped: int = 0
    tx_errors: int = 0
    tx_dropped: int = 0
    port_state: str | None = None
    port_priority: int = 32
    port_cost: int = 2


@dataclass(frozen=True, slots=True)
class RouteView:
    """One route of the main table.

    ``proto`` ``None`` means ``RTPROT_BOOT`` (never printed).  ``scope``
    ``None`` means universe.  ``linkdown`` is ``RTNH_F_LINKDOWN`` (the
    kernel sets it while the output device has no carrier).
    """

    dst: str
    via: IPv4Address | None
    dev: str
    proto: str | None
    scope: str | None
    src: IPv4Address | None
    metric: int | None
    linkdown: bool = False


@dataclass(frozen=True, slots=True)
class NeighbourView:
    """One ARP cache entry.

    ``ref``, ``used``, ``confirmed``, ``updated`` (seconds) and ``probes``
    are the ``NDA_CACHEINFO``/``NDA_PROBES`` statistics that BusyBox always
    prints.
    """

    ip: IPv4Address
    dev: str
    lladdr: str | None
    state: str
    router: bool = False
    ref: int = 0
    used: int = 0
    confirmed: int = 0
    updated: int = 0
    probes: int = 0


@dataclass(frozen=True, slots=True)
class FdbView:
    """One bridge forwarding-database entry (``AF_BRIDGE`` neighbour).

    ``self_`` is ``NTF_SELF`` (the device's own address list), ``master``
    the bridge for ``NDA_MASTER`` entries.  ``permanent`` (or ``local``, the
    bridge's own port addresses) prints as ``permanent``.
    """

    mac: str
    dev: str
    master: str | None
    vlan: int | None
    permanent: bool
    self_: bool
    local: bool = False
    dst: str | None = None  # a VXLAN entry's remote VTEP (``dst 192.168.1.11``)


@dataclass(frozen=True, slots=True)
class BridgeView:
    """A Linux bridge as ``brctl show`` reads it from sysfs."""

    name: str
    bridge_id: str
    stp: bool
    interfaces: tuple[str, ...]


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------

_IFF_UP = 0x1
_IFF_BROADCAST = 0x2
_IFF_DEBUG = 0x4
_IFF_LOOPBACK = 0x8
_IFF_POINTOPOINT = 0x10
_IFF_NOTRAILERS = 0x20
_IFF_RUNNING = 0x40
_IFF_NOARP = 0x80
_IFF_PROMISC = 0x100
_IFF_ALLMULTI = 0x200
_IFF_MASTER = 0x400
_IFF_SLAVE = 0x800
_IFF_MULTICAST = 0x1000
_IFF_LOWER_UP = 0x10000

# print_link_flags() order in iproute2 (3.12 and 6.1 alike).
_IP_FLAG_ORDER: tuple[tuple[int, str], ...] = (
    (_IFF_LOOPBACK, "LOOPBACK"),
    (_IFF_BROADCAST, "BROADCAST"),
    (_IFF_POINTOPOINT, "POINTOPOINT"),
    (_IFF_MULTICAST, "MULTICAST"),
    (_IFF_NOARP, "NOARP"),
    (_IFF_ALLMULTI, "ALLMULTI"),
    (_IFF_PROMISC, "PROMISC"),
    (_IFF_MASTER, "MASTER"),
    (_IFF_SLAVE, "SLAVE"),
    (_IFF_DEBUG, "DEBUG"),
    (_IFF_NOTRAILERS, "NOTRAILERS"),
    (_IFF_UP, "UP"),
    (_IFF_LOWER_UP, "LOWER_UP"),
)

# ife_print_long() order in net-tools and BusyBox.
_IFCONFIG_FLAG_ORDER: tuple[tuple[int, str], ...] = (
    (_IFF_UP, "UP"),
    (_IFF_BROADCAST, "BROADCAST"),
    (_IFF_DEBUG, "DEBUG"),
    (_IFF_LOOPBACK, "LOOPBACK"),
    (_IFF_POINTOPOINT, "POINTOPOINT"),
    (_IFF_NOTRAILERS, "NOTRAILERS"),
    (_IFF_RUNNING, "RUNNING"),
    (_IFF_NOARP, "NOARP"),
    (_IFF_PROMISC, "PROMISC"),
    (_IFF_ALLMULTI, "ALLMULTI"),
    (_IFF_SLAVE, "SLAVE"),
    (_IFF_MASTER, "MASTER"),
    (_IFF_MULTICAST, "MULTICAST"),
)


def _check_flavour(flavour: str) -> None:
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; expected one of {FLAVOURS}")


def _kernel_flags(link: LinkView) -> int:
    """``dev_get_flags()``: RUNNING and LOWER_UP only while the device is up."""
    flags = _IFF_LOOPBACK if link.kind == "loopback" else _IFF_BROADCAST | _IFF_MULTICAST
    if link.up:
        flags |= _IFF_UP
        if link.operstate in ("UP", "UNKNOWN"):
            flags |= _IFF_RUNNING
        if link.lower_up:
            flags |= _IFF_LOWER_UP
    return flags


def _ip_flags(flags: int, mdown: bool) -> str:
    """iproute2/BusyBox ``print_link_flags``: ``<A,B,C> `` with trailing space."""
    words: list[str] = []
    if flags & _IFF_UP and not flags & _IFF_RUNNING:
        words.append("NO-CARRIER")
    flags &= ~_IFF_RUNNING
    for bit, word in _IP_FLAG_ORDER:
        if flags & bit:
            words.append(word)
            flags &= ~bit
    text = "<" + ",".join(words)
    if flags:
        text += f"{flags:x}"
    if mdown:
        text += ",M-DOWN"
    return text + "> "


def _by_index(links: Iterable[LinkView]) -> dict[int, LinkView]:
    return {link.index: link for link in links}


def _peer_suffix(
    link: LinkView, cache: Mapping[int, LinkView], *, honour_netnsid: bool, unknown_is_down: bool
) -> tuple[str, bool]:
    """Resolve ``IFLA_LINK`` the way the tool does: ``("@name", m_down)``.

    ``honour_netnsid``: iproute2 >= 4.0 prints ``@ifN`` without a lookup when
    ``IFLA_LINK_NETNSID`` is present.  ``unknown_is_down``: old
    ``ll_index_to_flags()`` returns 0 for an index it does not know (so
    ``M-DOWN``); the modern one returns -1 (so no ``M-DOWN``).
    """
    if link.peer_index is None:
        return "", False
    if link.peer_index == 0:
        return "@NONE", False
    if honour_netnsid and link.link_netnsid is not None:
        return f"@if{link.peer_index}", False
    peer = cache.get(link.peer_index)
    if peer is None:
        return f"@if{link.peer_index}", unknown_is_down
    return f"@{peer.name}", not peer.up


def _link_type(link: LinkView) -> str:
    return "loopback" if link.kind == "loopback" else "ether"


def _link_brd(link: LinkView) -> str:
    return "00:00:00:00:00:00" if link.kind == "loopback" else "ff:ff:ff:ff:ff:ff"


def _link_header(
    link: LinkView, cache: Mapping[int, LinkView], flavour: str, *, do_link: bool
) -> str:
    modern = flavour == _HOST
    suffix, mdown = _peer_suffix(
        link, cache, honour_netnsid=modern, unknown_is_down=not modern
    )
    out = f"{link.index}: {link.name}{suffix}: "
    out += _ip_flags(_kernel_flags(link), mdown)
    out += f"mtu {link.mtu} qdisc {link.qdisc} "
    if link.master is not None:
        out += f"master {link.master} "
    out += f"state {link.operstate} "
    if flavour != _BUSYBOX:
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


def _addr_lines(addr: AddressView, flavour: str) -> str:
    out = f"    inet {addr.ip}/{addr.prefixlen} "
    if flavour == _HOST and addr.metric is not None:
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


def ip_link(links: Sequence[LinkView], flavour: str, stats: bool = False) -> str:
    """``ip link show`` for ``links`` (all links of the namespace, in order).

    Peer names are resolved among ``links``, as ``ip`` resolves them in its
    link cache, so pass every link of the namespace.  ``stats`` adds the
    counters of ``ip -s link`` (host flavour only: iproute2 6.1's layout).
    """
    _check_flavour(flavour)
    _check_stats(stats, flavour)
    cache = _by_index(links)
    return "".join(
        _link_header(link, cache, flavour, do_link=True) + (_link_stats(link) if stats else "")
        for link in links
    )


def ip_addr(links: Sequence[LinkView], flavour: str, stats: bool = False) -> str:
    """``ip addr show``: each link stanza followed by its IPv4 then IPv6 addresses
    (``stats``: then the counters, as ``ip -s addr`` prints them; host flavour only)."""
    _check_flavour(flavour)
    _check_stats(stats, flavour)
    cache = _by_index(links)
    out: list[str] = []
    for link in links:
        out.append(_link_header(link, cache, flavour, do_link=False))
        out.extend(_addr_lines(addr, flavour) for addr in link.addrs)
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
    links: Sequence[LinkView], flavour: str, stats: bool = False, index: int | None = None
) -> str:
    """``ip -o link``: each device's stanza on one line (``index``: only that device).

    ``links`` are all links of the namespace (peer names are resolved among them).

    >>> lo = LinkView(1, "lo", None, None, "loopback", True, True, 65536, "noqueue",
    ...               "UNKNOWN", None, "00:00:00:00:00:00", (), None, False, 0, 0, 0, 0)
    >>> print(ip_link_oneline([lo], "busybox"), end="")
    1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    """
    _check_flavour(flavour)
    _check_stats(stats, flavour)
    cache = _by_index(links)
    return "".join(
        _one_line(_link_header(link, cache, flavour, do_link=True) + (_link_stats(link) if stats else ""))
        for link in _selected(links, index)
    )


def ip_addr_oneline(
    links: Sequence[LinkView], flavour: str, inet_only: bool = False, index: int | None = None
) -> str:
    """``ip -o addr`` (``inet_only``: ``ip -4 -o addr``): one line per address,
    ``"N: name"`` first; iproute2 3.12 without ``-4`` also prints each link's record."""
    _check_flavour(flavour)
    cache = _by_index(links)
    out: list[str] = []
    for link in _selected(links, index):
        if inet_only and not link.addrs:
            continue
        if flavour == _UBUNTU and not inet_only:
            out.append(_one_line(_link_header(link, cache, flavour, do_link=False)))
        records = [_addr_lines(addr, flavour) for addr in link.addrs]
        if not inet_only:
            inet6 = _inet6_lines(link).splitlines(keepends=True)
            records += ["".join(inet6[i:i + 2]) for i in range(0, len(inet6), 2)]
        out.extend(f"{link.index}: {link.name}" + _one_line(record) for record in records)
    return "".join(out)


def _brief_name(link: LinkView, cache: Mapping[int, LinkView]) -> tuple[str, bool]:
    """``print_name_and_link("%-16s ")``: the name with its ``@peer``, and M-DOWN."""
    suffix, mdown = _peer_suffix(link, cache, honour_netnsid=True, unknown_is_down=False)
    return f"{link.name + suffix:<16} {link.operstate:<14} ", mdown


def _check_brief(flavour: str) -> None:
    if flavour != _HOST:
        raise ValueError(f"ip -br exists from iproute2 4.3 on; not in {flavour!r}")


def ip_link_brief(links: Sequence[LinkView], flavour: str, index: int | None = None) -> str:
    """``ip -br link``: name, operstate, MAC and flags, one device a line (iproute2 6.1).

    >>> lo = LinkView(1, "lo", None, None, "loopback", True, True, 65536, "noqueue",
    ...               "UNKNOWN", None, "00:00:00:00:00:00", (), None, False, 0, 0, 0, 0)
    >>> ip_link_brief([lo], "host").replace(" ", ".")
    'lo...............UNKNOWN........00:00:00:00:00:00.<LOOPBACK,UP,LOWER_UP>.\\n'
    """
    _check_flavour(flavour)
    _check_brief(flavour)
    cache = _by_index(links)
    out = ""
    for link in _selected(links, index):
        head, mdown = _brief_name(link, cache)
        out += f"{head}{link.mac} {_ip_flags(_kernel_flags(link), mdown)}\n"
    return out


def ip_addr_brief(
    links: Sequence[LinkView], flavour: str, inet_only: bool = False, index: int | None = None
) -> str:
    """``ip -br addr`` (``inet_only``: ``ip -br -4 addr``): name, operstate and
    every address as ``ADDR/LEN `` on one line (iproute2 6.1)."""
    _check_flavour(flavour)
    _check_brief(flavour)
    cache = _by_index(links)
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


def _check_stats(stats: bool, flavour: str) -> None:
    if stats and flavour != _HOST:
        raise ValueError(f"ip -s is rendered for the host flavour only, not {flavour!r}")


# --------------------------------------------------------------------------
# ip route
# --------------------------------------------------------------------------


def _route_line(route: RouteView, flavour: str, show_dev: bool = True) -> str:
    out = f"{route.dst} "
    if route.via is not None:
        out += f"via {route.via} "
    if show_dev:  # print_route: no "dev NAME" when the listing was filtered by device
        out += f"dev {route.dev} "
    proto = route.proto if route.proto not in (None, "boot") else None
    if flavour == _HOST:
        if proto is not None:
            out += f"proto {proto} "
        if route.scope is not None:
            out += f"scope {route.scope} "
        if route.src is not None:
            out += f"src {route.src} "
        if route.metric is not None:
            out += f"metric {route.metric} "
        if route.linkdown:
            out += "linkdown "
    elif flavour == _UBUNTU:
        if proto is not None:
            out += f" proto {proto} "
        if route.scope is not None:
            out += f" scope {route.scope} "
        if route.src is not None:
            out += f" src {route.src} "
        if route.metric is not None:
            out += f" metric {route.metric} "
    else:  # BusyBox: no proto; "scope %s " then " src %s ", " metric %d "
        if route.scope is not None:
            out += f"scope {route.scope} "
        if route.src is not None:
            out += f" src {route.src} "
        if route.metric is not None:
            out += f" metric {route.metric} "
    return out + "\n"


def ip_route(routes: Sequence[RouteView], flavour: str, show_dev: bool = True) -> str:
    """``ip route show [dev DEV]`` (main table) in the kernel's dump order."""
    _check_flavour(flavour)
    return "".join(_route_line(route, flavour, show_dev) for route in routes)


# --------------------------------------------------------------------------
# ip neigh
# --------------------------------------------------------------------------

_NUD_ORDER = ("INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT")


def _neigh_line(neigh: NeighbourView, flavour: str, show_dev: bool = True) -> str:
    # print_neigh: "dev NAME" only when no device filter was given (all three tools)
    out = f"{neigh.ip} dev {neigh.dev} " if show_dev else f"{neigh.ip} "
    if flavour == _HOST:
        if neigh.lladdr is not None:
            out += f"lladdr {neigh.lladdr} "
        if neigh.router:
            out += "router "
        return out + f"{neigh.state} \n"
    if neigh.lladdr is not None:
        out += f"lladdr {neigh.lladdr}"
    if neigh.router:
        out += " router"
    if flavour == _BUSYBOX:
        if neigh.ref:
            out += f" ref {neigh.ref}"
        out += f" used {neigh.used}/{neigh.confirmed}/{neigh.updated}"
        out += f" probes {neigh.probes}"
    return out + f" {neigh.state}\n"


def ip_neigh(neighs: Sequence[NeighbourView], flavour: str, show_dev: bool = True) -> str:
    """``ip neigh show [dev DEV]``; like the real tool it hides ``NOARP`` entries (and the device under ``dev``)."""
    _check_flavour(flavour)
    for neigh in neighs:
        if neigh.state not in _NUD_ORDER:
            raise ValueError(f"unknown neighbour state {neigh.state!r}")
    return "".join(_neigh_line(n, flavour, show_dev) for n in neighs if n.state != "NOARP")


def ip_neigh_brief(neighs: Sequence[NeighbourView], flavour: str, show_dev: bool = True) -> str:
    """``ip -br neigh`` (iproute2 6.1): address, device (not under ``dev DEV``:
    ``show_dev=False``) and MAC; no state, no trailing space after the MAC."""
    _check_flavour(flavour)
    _check_brief(flavour)
    out = ""
    for neigh in neighs:
        if neigh.state == "NOARP":
            continue
        out += f"{neigh.ip!s:<39} " + (f"{neigh.dev:<16} " if show_dev else "")
        out += (neigh.lladdr or "") + "\n"
    return out


# --------------------------------------------------------------------------
# ifconfig
# --------------------------------------------------------------------------


def _nstrcmp_old(a: str, b: str) -> int:
    """net-tools 1.60 ``lib/nstrcmp.c``: strcmp that compares embedded numbers."""
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    ca = a[i] if i < len(a) else ""
    cb = b[i] if i < len(b) else ""
    if ca == "" and cb == "":
        return 0
    if ca.isdecimal():
        if not cb.isdecimal():
            return -1
        j = i
        while j > 0 and a[j - 1].isdecimal():
            j -= 1
        return 1 if _atoi(a[j:]) > _atoi(b[j:]) else -1
    return (ord(ca) if ca else 0) - (ord(cb) if cb else 0)


def _atoi(text: str) -> int:
    digits = ""
    for ch in text:
        if not ch.isdecimal():
            break
        digits += ch
    return int(digits) if digits else 0


def _cut_trailing_number(name: str) -> tuple[str, int]:
    end = len(name)
    while end > 0 and name[end - 1].isdecimal():
        end -= 1
    return name[:end], _atoi(name[end:])


def _nstrcmp_210(a: str, b: str) -> int:
    """net-tools 2.x ``nstrcmp``: prefix first, then the trailing number, then alias.

    Established against the real net-tools 2.10 binary (``eth2`` < ``eth10``
    but ``a10b`` < ``a9b``).
    """
    a_name, _, a_alias = a.partition(":")
    b_name, _, b_alias = b.partition(":")
    a_prefix, a_num = _cut_trailing_number(a_name)
    b_prefix, b_num = _cut_trailing_number(b_name)
    n = min(len(a_prefix), len(b_prefix))
    if a_prefix[:n] != b_prefix[:n]:
        return -1 if a_prefix[:n] < b_prefix[:n] else 1
    if len(a_prefix) != len(b_prefix):
        return 1 if len(a_prefix) > len(b_prefix) else -1
    if a_num != b_num:
        return -1 if a_num < b_num else 1
    a_al = _atoi(a_alias) if ":" in a else -1
    b_al = _atoi(b_alias) if ":" in b else -1
    return (a_al > b_al) - (a_al < b_al)


def _sorted_names(links: Sequence[LinkView], flavour: str) -> list[LinkView]:
    """``add_interface()`` keeps the list sorted by insertion with a compare."""
    if flavour == _BUSYBOX:
        return sorted(links, key=lambda link: link.name.encode())
    compare = _nstrcmp_old if flavour == _UBUNTU else _nstrcmp_210
    ordered: list[LinkView] = []
    for link in links:  # insertion scanning from the tail, as add_interface does
        pos = len(ordered)
        while pos > 0:
            n = compare(ordered[pos - 1].name, link.name)
            if n == 0:
                break
            if n < 0:
                break
            pos -= 1
        ordered.insert(pos, link)
    return ordered


def _primary_ipv4(link: LinkView) -> AddressView | None:
    for addr in link.addrs:
        if not addr.secondary and addr.label == link.name:
            return addr
    return None


def _netmask(prefixlen: int) -> IPv4Address:
    return IPv4Network(f"0.0.0.0/{prefixlen}").netmask


def _scale_debian_160(count: int) -> str:
    """Debian net-tools 1.60: SI units, truncated to one decimal."""
    short = count * 10
    unit = "B"
    if count > 1_000_000_000:
        short //= 1_000_000_000
        unit = "GB"
    elif count > 1_000_000:
        short //= 1_000_000
        unit = "MB"
    elif count > 1000:
        short //= 1000
        unit = "KB"
    return f"{short // 10}.{short % 10} {unit}"


def _scale_nettools_210(count: int) -> str:
    """net-tools 2.10 ``ife_print_long``: binary units, ``>`` thresholds."""
    short = count * 10
    unit = "B"
    if count > 1152921504606846976:
        short = count // 115292150460684697
        unit = "EiB"
    elif count > 1125899906842624:
        short //= 1125899906842624
        unit = "PiB"
    elif count > 1099511627776:
        short //= 1099511627776
        unit = "TiB"
    elif count > 1073741824:
        short //= 1073741824
        unit = "GiB"
    elif count > 1048576:
        short //= 1048576
        unit = "MiB"
    elif count > 1024:
        short //= 1024
        unit = "KiB"
    return f"{short // 10}.{short % 10} {unit}"


def _scale_busybox(count: int) -> str:
    """BusyBox ``print_bytes_scaled``: up to four divisions by 1024."""
    int_part = count
    frac = 0
    exts = ("", "Ki", "Mi", "Gi", "Ti")
    ext = 0
    for _ in range(4):
        if int_part >= 1024:
            frac = ((int_part & 1023) * 10) // 1024
            int_part //= 1024
            ext += 1
    return f"{int_part}.{frac} {exts[ext]}B"


def _ifconfig_old(link: LinkView, flavour: str) -> str:
    flags = _kernel_flags(link) & 0xFFFF
    loop = link.kind == "loopback"
    title = "Local Loopback" if loop else "Ethernet"
    out = f"{link.name:<9} Link encap:{title}  "
    if not loop:
        mac = link.mac.upper() if flavour == _BUSYBOX else link.mac.lower()
        out += f"HWaddr {mac}  "
    out += "\n"
    addr = _primary_ipv4(link)
    if addr is not None:
        out += f"          inet addr:{addr.ip} "
        if flags & _IFF_BROADCAST:
            out += f" Bcast:{addr.broadcast or IPv4Address(0)} "
        out += f" Mask:{_netmask(addr.prefixlen)}\n"
    if link.ipv6_loopback:
        out += "          inet6 addr: ::1/128 Scope:Host\n"
    if link.ipv6_link_local is not None:
        out += f"          inet6 addr: {link.ipv6_link_local}/64 Scope:Link\n"
    out += "          "
    if flags == 0:
        out += "[NO FLAGS] "
    out += "".join(f"{word} " for bit, word in _IFCONFIG_FLAG_ORDER if flags & bit)
    out += f" MTU:{link.mtu}  Metric:1\n"
    out += (
        f"          RX packets:{link.rx_packets} errors:{link.rx_errors}"
        f" dropped:{link.rx_dropped} overruns:0 frame:0\n"
        f"          TX packets:{link.tx_packets} errors:{link.tx_errors}"
        f" dropped:{link.tx_dropped} overruns:0 carrier:0\n"
        f"          collisions:0 txqueuelen:{link.qlen} \n"
    )
    scale = _scale_busybox if flavour == _BUSYBOX else _scale_debian_160
    out += (
        f"          RX bytes:{link.rx_bytes} ({scale(link.rx_bytes)})"
        f"  TX bytes:{link.tx_bytes} ({scale(link.tx_bytes)})\n"
    )
    return out + "\n"


def _ifconfig_210(link: LinkView) -> str:
    flags = _kernel_flags(link) & 0xFFFF
    words = ",".join(word for bit, word in _IFCONFIG_FLAG_ORDER if flags & bit)
    out = f"{link.name}: flags={flags}<{words}>  mtu {link.mtu}\n"
    addr = _primary_ipv4(link)
    if addr is not None:
        out += f"        inet {addr.ip}  netmask {_netmask(addr.prefixlen)}"
        if flags & _IFF_BROADCAST:
            out += f"  broadcast {addr.broadcast or IPv4Address(0)}"
        out += "\n"
    if link.ipv6_loopback:
        out += "        inet6 ::1  prefixlen 128  scopeid 0x10<host>\n"
    if link.ipv6_link_local is not None:
        out += f"        inet6 {link.ipv6_link_local}  prefixlen 64  scopeid 0x20<link>\n"
    if link.kind == "loopback":
        out += f"        loop  txqueuelen {link.qlen}  (Local Loopback)\n"
    else:
        out += f"        ether {link.mac.lower()}  txqueuelen {link.qlen}  (Ethernet)\n"
    out += (
        f"        RX packets {link.rx_packets}  bytes {link.rx_bytes}"
        f" ({_scale_nettools_210(link.rx_bytes)})\n"
        f"        RX errors {link.rx_errors}  dropped {link.rx_dropped}  overruns 0  frame 0\n"
        f"        TX packets {link.tx_packets}  bytes {link.tx_bytes}"
        f" ({_scale_nettools_210(link.tx_bytes)})\n"
        f"        TX errors {link.tx_errors}  dropped {link.tx_dropped} overruns 0"
        "  carrier 0  collisions 0\n"
    )
    return out + "\n"


def ifconfig(links: Sequence[LinkView], flavour: str, all: bool = False) -> str:  # noqa: A002
    """``ifconfig`` (``all=True``: ``ifconfig -a``), devices sorted as the tool sorts them."""
    _check_flavour(flavour)
    shown = [link for link in _sorted_names(links, flavour) if all or link.up]
    if flavour == _HOST:
        return "".join(_ifconfig_210(link) for link in shown)
    return "".join(_ifconfig_old(link, flavour) for link in shown)


# --------------------------------------------------------------------------
# Bridge tools (run on the host only)
# --------------------------------------------------------------------------


def brctl_show(bridges: Sequence[BridgeView]) -> str:
    """bridge-utils ``brctl show``: bridges and ports in ``alphasort`` order."""
    out = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
    for bridge in sorted(bridges, key=lambda b: b.name.encode()):
        out += f"{bridge.name}\t\t{bridge.bridge_id}\t{'yes' if bridge.stp else 'no'}\t\t"
        ports = sorted(bridge.interfaces, key=str.encode)
        if not ports:
            out += "\n"
        for i, port in enumerate(ports):
            out += (f"{port}\n" if i == 0 else f"\t\t\t\t\t\t\t{port}\n")
    return out


def bridge_fdb_show(entries: Sequence[FdbView]) -> str:
    """iproute2 ``bridge fdb show`` in dump order."""
    out = ""
    for entry in entries:
        line = f"{entry.mac} dev {entry.dev} "
        if entry.vlan:
            line += f"vlan {entry.vlan} "
        if entry.dst is not None:
            line += f"dst {entry.dst} "
        if entry.self_:
            line += "self "
        if entry.master is not None:
            line += f"master {entry.master} "
        line += "permanent" if entry.permanent or entry.local else ""
        out += line + "\n"
    return out


def bridge_link(links: Sequence[LinkView]) -> str:
    """iproute2 ``bridge link show``: the bridge ports among ``links``.

    ``links`` must be every link of the namespace: ``IFLA_LINK`` is resolved
    among them without regard to the netnsid (``AF_BRIDGE`` dumps carry none).
    """
    cache = _by_index(links)
    out = ""
    for link in links:
        if link.master is None:
            continue
        suffix, mdown = _peer_suffix(link, cache, honour_netnsid=False, unknown_is_down=False)
        state = link.port_state
        if state is None:
            state = "forwarding" if link.up and link.lower_up else "disabled"
        out += (
            f"{link.index}: {link.name}{suffix}: {_ip_flags(_kernel_flags(link), mdown)}"
            f"mtu {link.mtu} master {link.master} state {state} "
            f"priority {link.port_priority} cost {link.port_cost} \n"
        )
    return out
