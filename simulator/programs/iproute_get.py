"""``ip route get ADDRESS``: the route the kernel would take to one destination.

The kernel answers ``RTM_GETROUTE`` with the route it resolved (``fib_lookup`` plus
the source address ``inet_select_addr`` picks) as one ``RTM_NEWROUTE``: a local
destination (an address of the namespace, or 127/8) goes out ``lo`` as ``local``.
iproute2 6.1 prints ``DST [via GW] dev DEV src SRC uid 0`` and a ``cache`` line
(3.12, before its fields were printed one way, `` src SRC `` and no uid);
BusyBox prints the same route through its ``print_route`` (no ``uid``, no cache line,
two spaces before ``src``).  Simplified: no ``from``/``iif``/``oif`` selectors, and
the uid is always root's.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import AddressValueError, IPv4Address
from typing import TYPE_CHECKING

from simulator.programs.render_ip import FIELD_PRINTING

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.programs.process import ProcessContext
    from simulator.programs.userland import Userland


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the kernel's answer to RTM_GETROUTE says."""

    local: bool
    dst: IPv4Address
    via: IPv4Address | None
    dev: str
    src: IPv4Address | None


def resolve(ns: NetworkNamespace, dst: IPv4Address) -> Resolved | None:
    """The route to ``dst`` from ``ns`` (None: ``Network is unreachable``)."""
    stack = ns.ipv4
    if dst.is_loopback or any(a.ip == dst for a in stack.addresses):
        return Resolved(True, dst, None, "lo", dst if not dst.is_loopback or dst == IPv4Address("127.0.0.1") else IPv4Address("127.0.0.1"))
    route = stack.routes.lookup(dst)
    if route is None:
        return None
    src = route.src or stack.primary_address(route.dev, route.gateway or dst)
    return Resolved(False, dst, route.gateway, route.dev, src)


def render(found: Resolved, land: Userland) -> str:
    """The reply as ``ip route get`` prints it in this userland."""
    out = ("local " if found.local else "") + f"{found.dst} "
    if found.via is not None:
        out += f"via {found.via} "
    out += f"dev {found.dev} "
    if not land.iproute2_at_least(FIELD_PRINTING):  # BusyBox, iproute2 3.12: " src X ", no uid
        out += f" src {found.src} " if found.src is not None else ""
        if land.busybox is not None:
            return out + "\n"
        return out + ("\n    cache <local> \n" if found.local else "\n    cache \n")
    if found.src is not None:
        out += f"src {found.src} "
    return out + "uid 0 \n" + ("    cache <local> \n" if found.local else "    cache \n")


def main(ctx: ProcessContext, words: list[str]) -> int:
    """``ip route get ADDRESS`` (``words``: what follows ``get``)."""
    busybox = ctx.userland.busybox is not None
    prefix = "ip: " if busybox else ""
    try:
        dst = IPv4Address(words[0]) if words else None
    except AddressValueError:
        if busybox:
            dst = None
        else:
            ctx.err(f'Error: any valid prefix is expected rather than "{words[0]}".\n')
            return 1
    if dst is None:
        ctx.err("ip: need at least destination address\n" if busybox else "need at least a destination address\n")
        return 1
    found = resolve(ctx.netns, dst)
    if found is None:
        ctx.err(f"{prefix}RTNETLINK answers: Network is unreachable\n")
        return 2
    ctx.out(render(found, ctx.userland))
    return 0
