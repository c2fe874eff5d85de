"""Frozen views of kernel state, the input of every tool renderer.

The simulator builds these from its kernel model the way the real tools read the
kernel (``RTM_GETLINK``/``RTM_GETADDR``/``RTM_GETROUTE``/``RTM_GETNEIGH`` dumps,
the ``SIOCGIF*`` ioctls, sysfs); the renderers (``render_ip``, ``render_ifconfig``,
``render_bridge``) turn them into text. Also here: the ``IFF_*`` flag bits and
the two helpers that ``ip`` and ``bridge`` share (the flag list and the
``@peer`` lookup). Only the standard library is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address

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

IFF_UP = 0x1
IFF_BROADCAST = 0x2
IFF_DEBUG = 0x4
IFF_LOOPBACK = 0x8
IFF_POINTOPOINT = 0x10
IFF_NOTRAILERS = 0x20
IFF_RUNNING = 0x40
IFF_NOARP = 0x80
IFF_PROMISC = 0x100
IFF_ALLMULTI = 0x200
IFF_MASTER = 0x400
IFF_SLAVE = 0x800
IFF_MULTICAST = 0x1000
IFF_LOWER_UP = 0x10000

# print_link_flags() order in iproute2 (3.12 and 6.1 alike).
IP_FLAG_ORDER: tuple[tuple[int, str], ...] = (
    (IFF_LOOPBACK, "LOOPBACK"),
    (IFF_BROADCAST, "BROADCAST"),
    (IFF_POINTOPOINT, "POINTOPOINT"),
    (IFF_MULTICAST, "MULTICAST"),
    (IFF_NOARP, "NOARP"),
    (IFF_ALLMULTI, "ALLMULTI"),
    (IFF_PROMISC, "PROMISC"),
    (IFF_MASTER, "MASTER"),
    (IFF_SLAVE, "SLAVE"),
    (IFF_DEBUG, "DEBUG"),
    (IFF_NOTRAILERS, "NOTRAILERS"),
    (IFF_UP, "UP"),
    (IFF_LOWER_UP, "LOWER_UP"),
)

# ife_print_long() order in net-tools and BusyBox.
IFCONFIG_FLAG_ORDER: tuple[tuple[int, str], ...] = (
    (IFF_UP, "UP"),
    (IFF_BROADCAST, "BROADCAST"),
    (IFF_DEBUG, "DEBUG"),
    (IFF_LOOPBACK, "LOOPBACK"),
    (IFF_POINTOPOINT, "POINTOPOINT"),
    (IFF_NOTRAILERS, "NOTRAILERS"),
    (IFF_RUNNING, "RUNNING"),
    (IFF_NOARP, "NOARP"),
    (IFF_PROMISC, "PROMISC"),
    (IFF_ALLMULTI, "ALLMULTI"),
    (IFF_SLAVE, "SLAVE"),
    (IFF_MASTER, "MASTER"),
    (IFF_MULTICAST, "MULTICAST"),
)


def kernel_flags(link: LinkView) -> int:
    """``dev_get_flags()``: RUNNING and LOWER_UP only while the device is up."""
    flags = IFF_LOOPBACK if link.kind == "loopback" else IFF_BROADCAST | IFF_MULTICAST
    if link.up:
        flags |= IFF_UP
        if link.operstate in ("UP", "UNKNOWN"):
            flags |= IFF_RUNNING
        if link.lower_up:
            flags |= IFF_LOWER_UP
    return flags


def ip_flags(flags: int, mdown: bool) -> str:
    """iproute2/BusyBox ``print_link_flags``: ``<A,B,C> `` with trailing space."""
    words: list[str] = []
    if flags & IFF_UP and not flags & IFF_RUNNING:
        words.append("NO-CARRIER")
    flags &= ~IFF_RUNNING
    for bit, word in IP_FLAG_ORDER:
        if flags & bit:
            words.append(word)
            flags &= ~bit
    text = "<" + ",".join(words)
    if flags:
        text += f"{flags:x}"
    if mdown:
        text += ",M-DOWN"
    return text + "> "


def by_index(links: Iterable[LinkView]) -> dict[int, LinkView]:
    """The tool's link cache: every link by its ifindex."""
    return {link.index: link for link in links}


def peer_suffix(
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

