"""Byte-exact output of net-tools' ``route``, ``netstat`` and ``arp``, and of BusyBox's.

Each takes plain views (routes, neighbours, sockets) and returns the terminal text.

``route`` / ``netstat -r`` (net-tools ``lib/inet_gr.c``; BusyBox ``networking/route.c``)
    Read ``/proc/net/route``: the main table's IPv4 routes in the kernel's fib-trie
    order (by destination address, then longer prefixes first). ``Flags`` is ``U``
    plus ``G`` for a gateway and ``H`` for a host (/32) route; ``Ref`` and ``Use``
    are always 0 on Linux >= 2.6. Without ``-n`` the default route is ``default``,
    networks are looked up in ``/etc/networks`` and gateways and hosts resolved by
    name; net-tools 1.60 and BusyBox print a missing gateway as ``*``, 2.10 as
    ``0.0.0.0``. ``netstat -r`` prints ``MSS Window irtt`` (all 0) instead of
    ``Metric Ref Use``.

``arp`` (net-tools ``arp.c``; BusyBox ``networking/arp.c``)
    Reads ``/proc/net/arp``: every neighbour entry, ``C`` (complete) when its state is
    valid, ``M`` when permanent; incomplete and failed entries show ``(incomplete)``.
    The default display has columns; ``-a`` (and always in BusyBox) the BSD style
    ``? (IP) at MAC [ether] on DEV``, where ``?`` is the name when ``-n`` is given
    or the address has none.

``netstat -t/-u/-l/-a/-n/-p`` (net-tools ``netstat.c``; BusyBox ``networking/netstat.c``)
    Reads ``/proc/net/tcp`` and ``/proc/net/udp``: one line per socket, ``Local
    Address`` and ``Foreign Address`` as ``IP:port`` in 23 columns, the TCP state,
    and with ``-p`` the owner as ``PID/name`` (``-`` for a socket of another PID
    namespace, such as Docker's embedded DNS server, or of the kernel).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

ROUTE_HEADER = "Kernel IP routing table\n"


@dataclass(frozen=True, slots=True)
class KernelRoute:
    """One line of ``/proc/net/route``, with the names ``route`` would print instead of addresses."""

    network: IPv4Network
    gateway: IPv4Address | None
    dev: str
    metric: int
    destination_name: str | None = None  # from /etc/networks or DNS (without -n)
    gateway_name: str | None = None


@dataclass(frozen=True, slots=True)
class ArpEntry:
    """One line of ``/proc/net/arp``."""

    ip: IPv4Address
    mac: str | None  # None: incomplete or failed
    permanent: bool
    dev: str
    name: str | None = None  # the address's host name (without -n)


@dataclass(frozen=True, slots=True)
class SocketOwnerView:
    """The process holding a socket: its PID and its command line's first word."""

    pid: int
    program: str
    fd: int = 3

    def netstat(self) -> str:
        """``PID/Program name``: at most 19 characters (netstat's PROGNAME_WIDTH)."""
        return f"{self.pid}/{self.program}"[:19]


@dataclass(frozen=True, slots=True)
class SocketView:
    """One line of ``/proc/net/tcp`` or ``/proc/net/udp`` (and its owner from ``/proc/PID/fd``)."""

    proto: str  # "tcp" | "udp"
    local_ip: IPv4Address
    local_port: int
    remote_ip: IPv4Address
    remote_port: int
    state: str  # "LISTEN", "ESTABLISHED", ... ; "" for UDP, "UNCONN" in ss
    owner: SocketOwnerView | None = None  # None: not in this PID namespace (or the kernel's)
    recv_q: int = 0
    send_q: int = 0
    backlog: int = 0  # a listener's listen() backlog (ss shows it as Send-Q)

    @property
    def listening(self) -> bool:
        """A listening TCP socket, or an unconnected UDP one (``netstat -l`` shows both)."""
        return self.state == "LISTEN" or (self.proto == "udp" and self.remote_port == 0)


def _flags(route: KernelRoute) -> str:
    flags = "U"
    if route.gateway is not None:
        flags += "G"
    if route.network.prefixlen == 32:
        flags += "H"
    return flags


def _destination(route: KernelRoute, numeric: bool) -> str:
    if numeric:
        return str(route.network.network_address)
    if route.destination_name is not None:
        return route.destination_name
    return "default" if route.network.prefixlen == 0 else str(route.network.network_address)


def _gateway(route: KernelRoute, numeric: bool, star: bool) -> str:
    if route.gateway is None:
        return "*" if star and not numeric else "0.0.0.0"
    if not numeric and route.gateway_name is not None:
        return route.gateway_name
    return str(route.gateway)


def route_table(routes: list[KernelRoute], numeric: bool, star: bool) -> str:
    """``route [-n]``: ``star`` is net-tools 1.60's and BusyBox's ``*`` for no gateway."""
    out = ROUTE_HEADER + "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n"
    for r in routes:
        out += (
            f"{_destination(r, numeric)[:15]:<15} {_gateway(r, numeric, star)[:15]:<15} {str(r.network.netmask):<15} "
            f"{_flags(r):<5} {r.metric:<6} {0:<3} {0:>6} {r.dev}\n"
        )
    return out


def netstat_routes(routes: list[KernelRoute], numeric: bool, star: bool) -> str:
    """``netstat -r[n]``."""
    out = ROUTE_HEADER + "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n"
    for r in routes:
        out += (
            f"{_destination(r, numeric)[:15]:<15} {_gateway(r, numeric, star)[:15]:<15} {str(r.network.netmask):<15} "
            f"{_flags(r):<5} {0:>5} {0:<6} {0:>5} {r.dev}\n"
        )
    return out


def arp_table(entries: list[ArpEntry]) -> str:
    """net-tools ``arp [-n]``: the column display (nothing at all for an empty cache)."""
    if not entries:
        return ""
    out = "Address                  HWtype  HWaddress           Flags Mask            Iface\n"
    for e in entries:
        name = e.name or str(e.ip)
        if e.mac is None:
            out += f"{name[:23]:<23}  {'':<8}{'(incomplete)':<20}{'':<6}{'':<15} {e.dev}\n"
        else:
            flags = "CM" if e.permanent else "C"
            out += f"{name[:23]:<23}  {'ether':<8}{e.mac:<20}{flags:<6}{'':<15} {e.dev}\n"
    return out


def arp_bsd(entries: list[ArpEntry]) -> str:
    """``arp -a`` (and BusyBox's ``arp``): ``NAME (IP) at MAC [ether] [PERM] on DEV``."""
    out = ""
    for e in entries:
        out += f"{e.name or '?'} ({e.ip}) at "
        out += "<incomplete> " if e.mac is None else f"{e.mac} [ether] "
        if e.permanent:
            out += "PERM "
        out += f"on {e.dev}\n"
    return out


def _endpoint(ip: IPv4Address, port: int, proto: str, remote: bool) -> str:
    if remote and port == 0:
        return f"{ip}:*"
    return f"{ip}:{port}"


def netstat_sockets(
    sockets: list[SocketView], listening_only: bool, all_sockets: bool, programs: bool, unix_header: bool, busybox: bool = False,
) -> str:
    """``netstat -[tu][l|a]n[p]``: the Internet sockets (and, with no ``-t``/``-u``, the UNIX header).

    net-tools pads the state to 11 columns and the owner to 20; BusyBox pads the state to
    12 and prints the owner as it is (``FMT_NET_CONN_DATA``).
    """
    if listening_only:
        title = "Active Internet connections (only servers)\n"
    elif all_sockets:
        title = "Active Internet connections (servers and established)\n"
    else:
        title = "Active Internet connections (w/o servers)\n"
    banner = "PID/Program name    " if programs else ""
    if busybox:
        header = f"Proto Recv-Q Send-Q {'Local Address':<23} {'Foreign Address':<23} State       {banner}\n"
    else:
        header = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      " + (f" {banner}\n" if programs else "\n")
    out = title + header
    for s in sockets:
        local = _endpoint(s.local_ip, s.local_port, s.proto, False)
        remote = _endpoint(s.remote_ip, s.remote_port, s.proto, True)
        state = s.state if s.proto == "tcp" else ""
        owner = s.owner.netstat() if s.owner else "-"
        if busybox:
            line = f"{s.proto}   {s.recv_q:>6} {s.send_q:>6} {local:<23} {remote:<23} {state:<12}" + (owner if programs else "")
        else:
            line = f"{s.proto:<5} {s.recv_q:>6} {s.send_q:>6} {local:<23} {remote:<23} {state:<11}" + (f" {owner:<20}" if programs else "")
        out += line + "\n"
    if unix_header:
        title = "Active UNIX domain sockets (only servers)\n" if listening_only else "Active UNIX domain sockets (servers and established)\n"
        if busybox:
            out += title + f"Proto RefCnt Flags       Type       State         I-Node {banner}Path\n"
        else:
            out += title + "Proto RefCnt Flags       Type       State         I-Node  " + (f" {banner}" if programs else "") + " Path\n"
    return out
