"""Views of the kernel model as the tools read it (netlink dumps, /proc/net/dev).

Builds the plain values ``render`` prints: links with their flags, counters and
addresses, routes, neighbours, bridge ports and FDB entries.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.kernel.devices.bridge import Bridge
from simulator.kernel.devices.veth import Veth
from simulator.programs import render

if TYPE_CHECKING:
    from simulator.kernel.devices.device import Device
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.packets.addresses import MacAddress


def eui64_link_local(mac: MacAddress) -> str:
    """The fe80::/64 address the kernel derives from a MAC (RFC 4291 appendix A)."""
    b = bytearray(mac)
    b[0] ^= 0x02
    groups = [(b[0] << 8) | b[1], (b[2] << 8) | 0xFF, (0xFE << 8) | b[3], (b[4] << 8) | b[5]]
    return "fe80::" + ":".join(f"{g:x}" for g in groups)


def operstate(dev: Device) -> str:
    if dev.kind == "loopback":
        return "UNKNOWN"
    if not dev.up:
        return "DOWN"
    if dev.carrier:
        return "UP"
    return "LOWERLAYERDOWN" if isinstance(dev, Veth) else "DOWN"


def link_view(ns: NetworkNamespace, dev: Device) -> render.LinkView:
    peer_index = None
    netnsid = None
    if isinstance(dev, Veth):
        peer = dev.peer
        peer_index = peer.ifindex
        if peer.namespace is not None and peer.namespace is not ns:
            netnsid = ns.netnsid_of(peer.namespace)
    addrs = tuple(
        render.AddressView(a.ip, a.prefixlen, a.broadcast, a.scope, a.dev)
        for a in ns.ipv4.addresses
        if a.dev == dev.name
    )
    ipv6 = dev.ipv6
    link_local = eui64_link_local(dev.mac) if ipv6 and dev.kind != "loopback" and dev.up and dev.carrier else None
    return render.LinkView(
        index=dev.ifindex,
        name=dev.name,
        peer_index=peer_index,
        link_netnsid=netnsid,
        kind=dev.kind,
        up=dev.up,
        lower_up=dev.up and dev.carrier,
        mtu=dev.mtu,
        qdisc=dev.qdisc,
        operstate=operstate(dev),
        master=dev.master.name if dev.master is not None else None,
        mac=str(dev.mac),
        addrs=addrs,
        ipv6_link_local=link_local,
        ipv6_loopback=dev.kind == "loopback" and ipv6,
        rx_packets=dev.rx_packets,
        rx_bytes=dev.rx_bytes,
        tx_packets=dev.tx_packets,
        tx_bytes=dev.tx_bytes,
        qlen=dev.tx_queue_len,
    )


def links(ns: NetworkNamespace) -> list[render.LinkView]:
    return [link_view(ns, d) for d in sorted(ns.devices.values(), key=lambda d: d.ifindex)]


def routes(ns: NetworkNamespace) -> list[render.RouteView]:
    return [
        render.RouteView(
            "default" if r.is_default else str(r.network), r.gateway, r.dev, r.proto, r.scope, r.src, r.metric
        )
        for r in ns.ipv4.routes.listing()
    ]


def neighbours(ns: NetworkNamespace) -> list[render.NeighbourView]:
    out = []
    for (dev, ip), entry in ns.ipv4.neighbours.entries.items():
        out.append(render.NeighbourView(IPv4Address(ip), dev, str(entry.mac) if entry.mac else None, entry.state.value))
    return out


def bridges(ns: NetworkNamespace) -> list[render.BridgeView]:
    out = []
    for dev in sorted(ns.devices.values(), key=lambda d: d.name):
        if isinstance(dev, Bridge):
            bridge_id = "8000." + str(dev.mac).replace(":", "")
            out.append(render.BridgeView(dev.name, bridge_id, dev.stp, tuple(sorted(dev.ports))))
    return out


def fdb(ns: NetworkNamespace) -> list[render.FdbView]:
    """``bridge fdb show``: learned and local entries of every bridge, per port."""
    out = []
    for dev in sorted(ns.devices.values(), key=lambda d: d.ifindex):
        if isinstance(dev, Bridge):
            for mac, entry in dev.fdb_entries():
                port = entry.port
                if port == dev.name:
                    out.append(render.FdbView(str(mac), dev.name, dev.name, None, True, False, True))
                else:
                    out.append(render.FdbView(str(mac), port, dev.name, None, entry.local, False, entry.local))
    return out
