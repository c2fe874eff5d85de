"""``ip`` commands that change the kernel: ``ip link add|set|del``, ``ip addr add|del``,
``ip route add|del|replace``, ``ip neigh add|del|replace``.

What a learner types on a Docker host to build the macvlan "shim" that lets the
host reach its own macvlan containers::

    ip link add mac0 link eth0 type macvlan mode bridge
    ip addr add 192.168.1.99/32 dev mac0
    ip link set mac0 up
    ip route add 192.168.1.64/28 dev mac0

Arguments are parsed the way iproute2 6.1 parses them and refusals are printed in
its words with its exit statuses (checked against the real ``ip`` in a network
namespace): iproute2's own complaints exit 1 (``Cannot find device "x"``), the
kernel's exit 2 (``RTNETLINK answers: File exists``, or an extended ack such as
``Error: Device for nexthop is not up.``), malformed arguments 255. In a container
without ``CAP_NET_ADMIN`` (``--cap-add NET_ADMIN``, ``--privileged``) every change is
``Operation not permitted``.

Link kinds: ``macvlan``, ``ipvlan`` (l2), ``vlan``, ``vxlan``, ``bridge``, ``veth``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import TYPE_CHECKING

from simulator.kernel import links
from simulator.kernel.devices.bridge import Bridge
from simulator.kernel.devices.ipvlan import IpvlanFlag, IpvlanMode
from simulator.kernel.devices.macvlan import MacvlanMode
from simulator.kernel.devices.upper import LinkError
from simulator.kernel.devices.veth import VethPair
from simulator.kernel.ipv4.neighbour import NudState
from simulator.kernel.ipv4.routing import DEFAULT_NETWORK, Route
from simulator.packets.addresses import MacAddress

if TYPE_CHECKING:
    from simulator.kernel.devices.device import Device
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.programs.process import ProcessContext

CHANGE_VERBS = {"add", "del", "delete", "set", "replace", "change", "append"}


class IpError(Exception):
    """What ``ip`` prints on stderr, and its exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _invarg(what: str, arg: str) -> IpError:
    return IpError(f'Error: argument "{arg}" is wrong: {what}', 255)


def change(ctx: ProcessContext, obj: str, args: list[str]) -> int:
    """Run ``ip OBJ VERB ARGS...``; returns the exit status (errors go to ``ctx.err``)."""
    if not ctx.net_admin:
        # Docker drops CAP_NET_ADMIN: the kernel refuses every change from inside a container
        # (unless it was started with --cap-add NET_ADMIN or --privileged)
        ctx.err(("ip: " if ctx.busybox else "") + "RTNETLINK answers: Operation not permitted\n")
        return 1 if ctx.busybox else 2
    verb, rest = args[0], args[1:]
    handler = {"link": _link, "address": _addr, "route": _route, "neigh": _neigh}.get(obj)
    try:
        if handler is None:
            raise IpError(f'Command "{verb}" is unknown, try "ip {obj} help".', 255)
        handler(ctx.netns, verb, rest)
    except LinkError as error:
        ctx.err(f"{error}\n")
        return error.status
    except IpError as error:
        ctx.err(f"{error}\n")
        return error.status
    return 0


# -- ip link ---------------------------------------------------------------------------------


def _link(ns: NetworkNamespace, verb: str, args: list[str]) -> None:
    if verb == "add":
        _link_add(ns, args)
    elif verb in ("del", "delete"):
        words = [a for a in args if a != "dev"]
        if not words:
            raise IpError('Not enough information: "dev" argument is required.', 255)
        links.delete(ns, words[0])
    elif verb in ("set", "change"):
        _link_set(ns, args)
    else:
        raise IpError(f'Command "{verb}" is unknown, try "ip link help".', 255)


def _link_add(ns: NetworkNamespace, args: list[str]) -> None:
    """``ip link add [link PARENT] [name] NAME type KIND [KIND OPTIONS]``."""
    name, parent, kind, opts = _link_add_words(args)
    add = _LINK_KINDS.get(kind)
    if add is None:
        raise IpError("Error: Unknown device type.", 2)
    add(ns, name, parent, opts)


def _link_add_words(args: list[str]) -> tuple[str, str | None, str, list[str]]:
    """The device's name, its parent (``link``), its kind and the kind's own options."""
    name = parent = kind = None
    i = 0
    while i < len(args):
        word = args[i]
        if word == "type":
            kind = args[i + 1] if i + 1 < len(args) else None
            i += 2
            break
        if word in ("link", "name", "dev") and i + 1 < len(args):
            if word == "link":
                parent = args[i + 1]
            else:
                name = args[i + 1]
            i += 2
            continue
        if name is None and not word.startswith("-"):
            name = word
            i += 1
            continue
        raise IpError(f'Error: either "dev" is duplicate, or "{word}" is a garbage.', 255)
    if kind is None:
        raise IpError('Not enough information: "type" argument is required', 1)
    if name is None:
        raise IpError('Not enough information: "dev" argument is required.', 255)
    return name, parent, kind, args[i:]


def _needs_parent(parent: str | None) -> str:
    """A macvlan, ipvlan or vlan link without ``link PARENT``: the kernel says EINVAL."""
    if parent is None:
        raise IpError("RTNETLINK answers: Invalid argument", 2)
    return parent


def _add_macvlan(ns: NetworkNamespace, name: str, parent: str | None, opts: list[str]) -> None:
    """``type macvlan [mode MODE]`` (ip-link(8); the kernel's default mode is vepa)."""
    mode = MacvlanMode.VEPA
    if opts[:1] == ["mode"] and len(opts) > 1:
        try:
            mode = MacvlanMode(opts[1])
        except ValueError:
            raise IpError(f'Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "{opts[1]}"', 1) from None
    links.add_macvlan(ns, name, _needs_parent(parent), mode)


def _add_ipvlan(ns: NetworkNamespace, name: str, parent: str | None, opts: list[str]) -> None:
    """``type ipvlan [mode l2|l3|l3s] [bridge|private|vepa]``."""
    imode, flag = IpvlanMode.L2, IpvlanFlag.BRIDGE
    j = 0
    while j < len(opts):
        if opts[j] == "mode" and j + 1 < len(opts):
            try:
                imode = IpvlanMode(opts[j + 1])
            except ValueError:
                raise IpError(f'Error: argument of "mode" must be "l2", "l3" or "l3s", not "{opts[j + 1]}"', 255) from None
            j += 2
            continue
        try:
            flag = IpvlanFlag(opts[j])
        except ValueError:
            raise IpError(f'Error: argument "{opts[j]}" is wrong: unknown option', 255) from None
        j += 1
    links.add_ipvlan(ns, name, _needs_parent(parent), imode, flag)


def _add_vlan(ns: NetworkNamespace, name: str, parent: str | None, opts: list[str]) -> None:
    """``type vlan id VID`` (802.1Q)."""
    if opts[:1] != ["id"] or len(opts) < 2:
        raise IpError("8021q: VLAN device needs a VLAN id", 2) if parent else IpError("RTNETLINK answers: Invalid argument", 2)
    try:
        vid = int(opts[1])
    except ValueError:
        raise _invarg("id is invalid", opts[1]) from None
    links.add_vlan(ns, name, _needs_parent(parent), vid)


def _add_bridge(ns: NetworkNamespace, name: str, parent: str | None, opts: list[str]) -> None:
    """``type bridge``: a new bridge with a random local MAC."""
    links.check_new(ns, name)
    bridge = Bridge(ns.sim, name, MacAddress.random_local(ns.sim.stream("link-macs")))
    ns.add_device(bridge)


def _add_veth(ns: NetworkNamespace, name: str, parent: str | None, opts: list[str]) -> None:
    """``type veth [peer name PEER]`` (the peer is named vethN when not given)."""
    peer = opts[2] if opts[:2] == ["peer", "name"] and len(opts) > 2 else None
    links.check_new(ns, name)
    if peer is None:
        peer = _next_free(ns, "veth")
    links.check_new(ns, peer)
    rng = ns.sim.stream("link-macs")
    pair = VethPair(ns.sim, name, MacAddress.random_local(rng), peer, MacAddress.random_local(rng))
    ns.add_device(pair.b)  # veth_newlink registers the peer first
    ns.add_device(pair.a)


def _next_free(ns: NetworkNamespace, prefix: str) -> str:
    n = 0
    while f"{prefix}{n}" in ns.devices:
        n += 1
    return f"{prefix}{n}"


def _vxlan_add(ns: NetworkNamespace, name: str, parent: str | None, opts: list[str]) -> None:
    vni: int | None = None
    dstport = 0
    learning, proxy, l2miss, l3miss, udp_csum = True, False, False, False, True
    local = remote = None
    j = 0

    def address(word: str) -> IPv4Address:
        try:
            return IPv4Address(word)
        except ValueError:
            raise _invarg("invalid address", word) from None

    while j < len(opts):
        word = opts[j]
        value = opts[j + 1] if j + 1 < len(opts) else None
        if word in ("id", "vni") and value is not None:
            try:
                vni = int(value)
            except ValueError:
                raise _invarg("invalid id", value) from None
            j += 2
        elif word == "dstport" and value is not None:
            dstport = int(value)
            j += 2
        elif word == "remote" and value is not None:
            remote = address(value)
            j += 2
        elif word == "local" and value is not None:
            local = address(value)
            j += 2
        elif word == "dev" and value is not None:
            links.lookup(ns, value)
            j += 2
        elif word in ("ttl", "tos", "ageing") and value is not None:
            j += 2
        elif word in ("learning", "nolearning", "proxy", "noproxy", "l2miss", "nol2miss", "l3miss", "nol3miss", "udpcsum", "noudpcsum"):
            on = not word.startswith("no")
            key = word[2:] if word.startswith("no") else word
            if key == "learning":
                learning = on
            elif key == "proxy":
                proxy = on
            elif key == "l2miss":
                l2miss = on
            elif key == "l3miss":
                l3miss = on
            else:
                udp_csum = on
            j += 1
        else:
            raise IpError(f'vxlan: unknown command "{word}"?', 255)
    if vni is None:
        raise IpError("vxlan: missing virtual network identifier", 1)
    if not dstport:
        dstport = 8472  # iproute2 warns and uses the Linux default (the pre-IANA port)
    links.add_vxlan(ns, name, vni, dstport=dstport, learning=learning, proxy=proxy, l2miss=l2miss, l3miss=l3miss,
                    udp_csum=udp_csum, local=local, remote=remote)


def _link_set(ns: NetworkNamespace, args: list[str]) -> None:
    """``ip link set [dev] NAME up|down|nomaster|address MAC|mtu N|master BR|name NEW ...``, in order."""
    words = list(args)
    if words[:1] == ["dev"]:
        words = words[1:]
    if not words:
        raise IpError('Not enough information: "dev" argument is required.', 255)
    name, opts = words[0], words[1:]
    dev = links.lookup(ns, name)
    ns.touch(dev)  # its MAC, master or state may change below: the topology snapshot re-reads this namespace
    j = 0
    while j < len(opts):
        word = opts[j]
        value = opts[j + 1] if j + 1 < len(opts) else None
        if word in _LINK_FLAGS:
            _LINK_FLAGS[word](ns, dev)
            j += 1
        elif word in _LINK_VALUES and value is not None:
            _LINK_VALUES[word](ns, dev, value)
            j += 2
        else:
            raise IpError(f'Error: either "dev" is duplicate, or "{word}" is a garbage.', 255)


def _set_address(ns: NetworkNamespace, dev: Device, value: str) -> None:
    """``address MAC``."""
    try:
        dev.mac = MacAddress.parse(value)
    except ValueError:
        raise IpError(f'"{value}" is invalid lladdr.', 255) from None


def _set_mtu(ns: NetworkNamespace, dev: Device, value: str) -> None:
    """``mtu N``: at least 68 (RFC 791), at most the lower device's for a stacked one."""
    mtu = int(value)
    lower = links.stacked_on(dev)
    if mtu < 68 or (lower is not None and mtu > lower.mtu):
        raise IpError("Error: mtu greater than device maximum." if mtu >= 68 else "Error: mtu less than device minimum.", 2)
    dev.mtu = mtu


def _set_master(ns: NetworkNamespace, dev: Device, value: str) -> None:
    """``master BRIDGE``: the device becomes a port of the bridge (leaving its old one)."""
    bridge = links.lookup(ns, value)
    if not isinstance(bridge, Bridge):
        raise IpError("RTNETLINK answers: Operation not supported", 2)
    if dev.upper is not None and dev.upper.handler is not None:
        raise IpError("RTNETLINK answers: Device or resource busy", 2)
    if dev.master is not None:
        dev.master.remove_port(dev)
    bridge.add_port(dev)


def _set_nomaster(ns: NetworkNamespace, dev: Device) -> None:
    """``nomaster``: out of its bridge, if in one."""
    if dev.master is not None:
        dev.master.remove_port(dev)


def _set_name(ns: NetworkNamespace, dev: Device, value: str) -> None:
    """``name NEW``: only while the device is down (the kernel says EBUSY otherwise)."""
    if dev.up:
        raise IpError("RTNETLINK answers: Device or resource busy", 2)
    if value in ns.devices:
        raise IpError("RTNETLINK answers: File exists", 2)
    ns.rename_device(dev.name, value)


_LINK_FLAGS: dict[str, Callable[[NetworkNamespace, Device], None]] = {
    "up": lambda ns, dev: ns.set_up(dev.name), "down": lambda ns, dev: ns.set_down(dev.name), "nomaster": _set_nomaster,
}
_LINK_VALUES: dict[str, Callable[[NetworkNamespace, Device, str], None]] = {
    "address": _set_address, "mtu": _set_mtu, "master": _set_master, "name": _set_name,
}


# -- ip addr --------------------------------------------------------------------------------


def _addr(ns: NetworkNamespace, verb: str, args: list[str]) -> None:
    if verb not in ("add", "del", "delete", "replace", "change"):
        raise IpError(f'Command "{verb}" is unknown, try "ip address help".', 255)
    if not args:
        raise IpError('Not enough information: "dev" argument is required.', 1)
    text = args[0]
    dev_name = None
    j = 1
    while j < len(args):
        if args[j] == "dev" and j + 1 < len(args):
            dev_name = args[j + 1]
            j += 2
        elif args[j] in ("brd", "broadcast", "scope", "label", "metric") and j + 1 < len(args):
            j += 2
        else:
            dev_name = dev_name or args[j]
            j += 1
    try:
        iface = IPv4Interface(text if "/" in text else f"{text}/32")
    except ValueError:
        raise IpError(f'Error: any valid prefix is expected rather than "{text}".', 1) from None
    if dev_name is None:
        raise IpError('Not enough information: "dev" argument is required.', 1)
    dev = links.lookup(ns, dev_name)
    stack = ns.ipv4
    if verb == "add":
        if any(a.ip == iface.ip and a.prefixlen == iface.network.prefixlen and a.dev == dev.name for a in stack.addresses):
            raise IpError("Error: ipv4: Address already assigned.", 2)
        # "ip addr add" without "brd" leaves no broadcast address (only "brd +" computes one)
        with_brd = any(a in ("brd", "broadcast") for a in args)
        ns.add_address(dev.name, str(iface), broadcast=with_brd)
        return
    if verb in ("replace", "change"):
        with suppress(FileExistsError):
            ns.add_address(dev.name, str(iface), broadcast=False)
        return
    found = next((a for a in stack.addresses if a.ip == iface.ip and a.dev == dev.name
                  and ("/" not in text or a.prefixlen == iface.network.prefixlen)), None)
    if found is None:
        raise IpError("Error: ipv4: Address not found.", 2)
    stack.remove_address(found)


# -- ip route -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteArgs:
    """``ip route VERB PREFIX [via GW] [dev DEV] [src ADDR] [metric N] [proto P] [scope S]``, read once."""

    network: IPv4Network
    via: IPv4Address | None = None
    dev: str | None = None
    src: IPv4Address | None = None
    metric: int | None = None
    proto: str | None = None
    scope: str | None = None


_ROUTE_WORDS = {"via": "via", "dev": "dev", "src": "src", "metric": "metric", "preference": "metric",
                "priority": "metric", "proto": "proto", "scope": "scope"}


def _route_args(args: list[str]) -> RouteArgs:
    """The route asked for, checked word by word as ``iproute_modify()`` checks it."""
    fields: dict[str, object] = {}
    for j in range(1, len(args), 2):
        word = args[j]
        if j + 1 >= len(args) or word not in _ROUTE_WORDS:
            raise IpError(f'Error: either "to" is duplicate, or "{word}" is a garbage.', 255)
        value = args[j + 1]
        if word == "via":
            try:
                fields["via"] = IPv4Address(value)
            except ValueError:
                raise IpError(f'Error: inet address is expected rather than "{value}".', 1) from None
        elif word == "src":
            fields["src"] = IPv4Address(value)
        elif _ROUTE_WORDS[word] == "metric":
            fields["metric"] = int(value)
        else:
            fields[word] = value
    return RouteArgs(_route_prefix(args[0]), **fields)  # type: ignore[arg-type]


def _route_prefix(text: str) -> IPv4Network:
    """``default`` or ``A.B.C.D[/LEN]``, whose host bits must be zero."""
    if text == "default":
        return DEFAULT_NETWORK
    try:
        iface = IPv4Interface(text if "/" in text else f"{text}/32")
    except ValueError:
        raise IpError(f'Error: any valid prefix is expected rather than "{text}".', 1) from None
    if iface.ip != iface.network.network_address:
        raise IpError("Error: Invalid prefix for given prefix length.", 2)
    return IPv4Network(iface.network)


def _route(ns: NetworkNamespace, verb: str, args: list[str]) -> None:
    """``ip route add|del|replace|append|change ...`` on the main table."""
    if verb not in ("add", "del", "delete", "replace", "append", "change"):
        raise IpError(f'Command "{verb}" is unknown, try "ip route help".', 255)
    if not args:
        raise IpError("Error: Invalid prefix for given prefix length." if verb == "add" else "RTNETLINK answers: No such process", 2)
    want = _route_args(args)
    if want.dev is not None:
        links.lookup(ns, want.dev)
    if verb in ("del", "delete"):
        _route_delete(ns, want)
    else:
        _route_add(ns, verb, want)


def _route_delete(ns: NetworkNamespace, want: RouteArgs) -> None:
    """``ip route del``: the routes to the prefix that match every selector given."""
    removed = ns.ipv4.routes.remove(
        lambda r: r.network == want.network and (want.dev is None or r.dev == want.dev) and (want.via is None or r.gateway == want.via)
        and (want.metric is None or r.metric == want.metric)
    )
    if not removed:
        raise IpError("RTNETLINK answers: No such process", 2)


def _route_add(ns: NetworkNamespace, verb: str, want: RouteArgs) -> None:
    """``ip route add|replace|append|change``: the gateway must be on a connected network, the device up."""
    stack = ns.ipv4
    dev_name = want.dev
    if want.via is not None:
        connected = stack.routes.lookup(want.via)
        if connected is None or connected.gateway is not None or (dev_name is not None and connected.dev != dev_name):
            raise IpError("Error: Nexthop has invalid gateway.", 2)
        dev_name = dev_name or connected.dev
    if dev_name is None:
        raise IpError("Error: Device for nexthop is not up." if want.via else "RTNETLINK answers: No such device", 2)
    if not ns.devices[dev_name].up:
        raise IpError("Error: Device for nexthop is not up.", 2)
    scope = want.scope
    if want.via is None and scope is None and want.network.prefixlen > 0:
        scope = "link"  # iproute2: a route with only a device is scope link
    # no proto given: RTPROT_BOOT, never printed
    route = Route(want.network, dev_name, gateway=want.via, proto=want.proto, scope=scope, src=want.src, metric=want.metric)
    if verb == "replace":
        stack.routes.remove(lambda r: r.network == want.network and r.metric == want.metric)
    try:
        stack.routes.add(route)
    except FileExistsError:
        raise IpError("RTNETLINK answers: File exists", 2) from None


# -- ip neigh -------------------------------------------------------------------------------


def _neigh(ns: NetworkNamespace, verb: str, args: list[str]) -> None:
    if verb not in ("add", "del", "delete", "replace", "change"):
        raise IpError(f'Command "{verb}" is unknown, try "ip neigh help".', 255)
    if not args:
        raise IpError("Device and destination are required arguments.", 255)
    try:
        ip = IPv4Address(args[0])
    except ValueError:
        raise IpError(f'Error: inet address is expected rather than "{args[0]}".', 1) from None
    mac = dev_name = None
    j = 1
    while j < len(args):
        word = args[j]
        value = args[j + 1] if j + 1 < len(args) else None
        if word == "lladdr" and value is not None:
            try:
                mac = MacAddress.parse(value)
            except ValueError:
                raise IpError(f'"{value}" is invalid lladdr.', 255) from None
        elif word == "dev" and value is not None:
            dev_name = value
        elif word == "nud" and value is not None:
            if value.upper() not in NudState.__members__:
                raise _invarg("nud state is bad", value)
        elif value is None:
            raise IpError(f'Error: either "to" is duplicate, or "{word}" is a garbage.', 255)
        j += 2
    if dev_name is None:
        raise IpError("Device and destination are required arguments.", 255)
    dev = links.lookup(ns, dev_name)
    table = ns.ipv4.neighbours
    key = (dev.name, ip)
    if verb in ("del", "delete"):
        if table.delete(dev.name, ip) is None:
            raise IpError("RTNETLINK answers: No such file or directory", 2)
        return
    if key in table.entries and verb == "add":
        raise IpError("RTNETLINK answers: File exists", 2)
    if mac is None:
        raise IpError("RTNETLINK answers: Invalid argument", 2)
    table.add_permanent(dev.name, ip, mac)


# ip link add ... type KIND: how each kind is made
_LINK_KINDS: dict[str, Callable[[NetworkNamespace, str, str | None, list[str]], None]] = {
    "macvlan": _add_macvlan, "ipvlan": _add_ipvlan, "vlan": _add_vlan, "vxlan": _vxlan_add,
    "bridge": _add_bridge, "veth": _add_veth,
}
