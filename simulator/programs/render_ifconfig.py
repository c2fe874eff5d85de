"""``ifconfig`` as net-tools (1.60 with Debian's patches, or 2.10) or BusyBox prints it.

``ifconfig`` (net-tools ``lib/interface.c:ife_print_long``; BusyBox ``networking/interface.c``)
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

Sources: net-tools ``lib/interface.c`` 1.60 and 2.10 (github.com/ecki/net-tools);
real net-tools 2.10 output; Ubuntu 12.04-16.04 transcripts for the Debian
``KB``/``MB``/``GB`` scaling and the untruncated ``%-9s`` name column; BusyBox
``networking/interface.c``.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network

from simulator.programs.render_views import (
    IFCONFIG_FLAG_ORDER,
    IFF_BROADCAST,
    AddressView,
    LinkView,
    kernel_flags,
)
from simulator.programs.userland import Userland, profile

# net-tools 2.x prints "flags=4163<...>  mtu" and sorts names by prefix, then number
NEW_LAYOUT = "2.10"

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


def _sorted_names(links: Sequence[LinkView], land: Userland) -> list[LinkView]:
    """``add_interface()`` keeps the list sorted by insertion with a compare."""
    if land.busybox is not None:
        return sorted(links, key=lambda link: link.name.encode())
    compare = _nstrcmp_210 if land.net_tools_at_least(NEW_LAYOUT) else _nstrcmp_old
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


# (size, unit), largest first: a count over a size is shown in that unit
_SI_UNITS = ((1_000_000_000, "GB"), (1_000_000, "MB"), (1000, "KB"))
_BINARY_UNITS = tuple((1024**power, f"{prefix}iB") for power, prefix in ((5, "P"), (4, "T"), (3, "G"), (2, "M"), (1, "K")))


def _scale_truncated(count: int, units: tuple[tuple[int, str], ...]) -> str:
    """Ten times the count divided by the first size it is over, printed with one truncated decimal."""
    short = count * 10
    unit = "B"
    for size, name in units:
        if count > size:
            short //= size
            unit = name
            break
    return f"{short // 10}.{short % 10} {unit}"


def _scale_debian_160(count: int) -> str:
    """Debian net-tools 1.60: SI units, truncated to one decimal."""
    return _scale_truncated(count, _SI_UNITS)


def _scale_nettools_210(count: int) -> str:
    """net-tools 2.10 ``ife_print_long``: binary units, ``>`` thresholds."""
    if count > 1024**6:  # ten times the count would overflow 64 bits: net-tools divides by a tenth of 2**60
        short = count // 115292150460684697
        return f"{short // 10}.{short % 10} EiB"
    return _scale_truncated(count, _BINARY_UNITS)


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


def _ifconfig_old(link: LinkView, land: Userland) -> str:
    flags = kernel_flags(link) & 0xFFFF
    loop = link.kind == "loopback"
    title = "Local Loopback" if loop else "Ethernet"
    out = f"{link.name:<9} Link encap:{title}  "
    if not loop:
        mac = link.mac.upper() if land.busybox is not None else link.mac.lower()
        out += f"HWaddr {mac}  "
    out += "\n"
    addr = _primary_ipv4(link)
    if addr is not None:
        out += f"          inet addr:{addr.ip} "
        if flags & IFF_BROADCAST:
            out += f" Bcast:{addr.broadcast or IPv4Address(0)} "
        out += f" Mask:{_netmask(addr.prefixlen)}\n"
    if link.ipv6_loopback:
        out += "          inet6 addr: ::1/128 Scope:Host\n"
    if link.ipv6_link_local is not None:
        out += f"          inet6 addr: {link.ipv6_link_local}/64 Scope:Link\n"
    out += "          "
    if flags == 0:
        out += "[NO FLAGS] "
    out += "".join(f"{word} " for bit, word in IFCONFIG_FLAG_ORDER if flags & bit)
    out += f" MTU:{link.mtu}  Metric:1\n"
    out += (
        f"          RX packets:{link.rx_packets} errors:{link.rx_errors}"
        f" dropped:{link.rx_dropped} overruns:0 frame:0\n"
        f"          TX packets:{link.tx_packets} errors:{link.tx_errors}"
        f" dropped:{link.tx_dropped} overruns:0 carrier:0\n"
        f"          collisions:0 txqueuelen:{link.qlen} \n"
    )
    scale = _scale_busybox if land.busybox is not None else _scale_debian_160
    out += (
        f"          RX bytes:{link.rx_bytes} ({scale(link.rx_bytes)})"
        f"  TX bytes:{link.tx_bytes} ({scale(link.tx_bytes)})\n"
    )
    return out + "\n"


def _ifconfig_210(link: LinkView) -> str:
    flags = kernel_flags(link) & 0xFFFF
    words = ",".join(word for bit, word in IFCONFIG_FLAG_ORDER if flags & bit)
    out = f"{link.name}: flags={flags}<{words}>  mtu {link.mtu}\n"
    addr = _primary_ipv4(link)
    if addr is not None:
        out += f"        inet {addr.ip}  netmask {_netmask(addr.prefixlen)}"
        if flags & IFF_BROADCAST:
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


def ifconfig(links: Sequence[LinkView], land: Userland | str, all: bool = False) -> str:  # noqa: A002
    """``ifconfig`` (``all=True``: ``ifconfig -a``), devices sorted as the tool sorts them.

    Raises:
        ValueError: the userland has no ifconfig (neither net-tools nor BusyBox).
    """
    land = profile(land)
    if land.net_tools is None and land.busybox is None:
        raise ValueError(f"userland {land.name!r} has no ifconfig (neither net-tools nor BusyBox)")
    shown = [link for link in _sorted_names(links, land) if all or link.up]
    if land.net_tools_at_least(NEW_LAYOUT):
        return "".join(_ifconfig_210(link) for link in shown)
    return "".join(_ifconfig_old(link, land) for link in shown)
