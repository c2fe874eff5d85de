"""Views of the kernel model as the tools read it (netlink dumps, /proc/net/dev).

Builds the plain values ``render`` prints: links with their flags, counters and
addresses, routes, neighbours, bridge ports and FDB entries.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.kernel.devices.bridge import Bridge
from simulator.kernel.devices.veth import Veth
from simulator.kernel.devices.vxlan import Vxlan
from simulator.kernel.ipv4.stack import SocketOwner
from simulator.kernel.ipv4.tcp import TcpConnection, TcpListener, TcpState
from simulator.kernel.links import stacked_on
from simulator.programs import render, render_nettools

ETH_HLEN = 14

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
    """``IFLA_OPERSTATE`` of a device: UP, DOWN, LOWERLAYERDOWN or UNKNOWN (RFC 2863 as the kernel reports it)."""
    if dev.kind in ("loopback", "vxlan"):
        return "UNKNOWN"  # no carrier of their own to report
    if not dev.up:
        return "DOWN"
    if dev.carrier:
        return "UP"
    return "LOWERLAYERDOWN" if isinstance(dev, Veth) or stacked_on(dev) is not None else "DOWN"


def link_view(ns: NetworkNamespace, dev: Device) -> render.LinkView:
    """One device as ``RTM_GETLINK`` and the ioctls report it from inside ``ns``."""
    peer_index = None
    netnsid = None
    lower = stacked_on(dev)  # macvlan, ipvlan, vlan: IFLA_LINK is the parent
    if isinstance(dev, Veth) or lower is not None:
        peer = dev.peer if isinstance(dev, Veth) else lower
        assert peer is not None
        peer_index = peer.ifindex
        if peer.namespace is not None and peer.namespace is not ns:
            netnsid = ns.netnsid_of(peer.namespace)
    addrs = tuple(
        render.AddressView(a.ip, a.prefixlen, a.broadcast, a.scope, a.dev)
        for a in ns.ipv4.addresses
        if a.dev == dev.name
    )
    ipv6 = dev.ipv6
    link_local = eui64_link_local(dev.mac) if _has_link_local(dev) else None
    rx_bytes = dev.rx_bytes
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
        rx_bytes=rx_bytes,
        tx_packets=dev.tx_packets,
        tx_bytes=dev.tx_bytes,
        qlen=dev.tx_queue_len,
    )


def _has_link_local(dev: Device) -> bool:
    """The kernel gives an IPv6 device its EUI-64 ``fe80::`` address once it is up with carrier,
    and keeps it when the carrier goes (docker0 after its last container) until the device is down."""
    return dev.ipv6 and dev.kind != "loopback" and dev.up and (dev.carrier or dev.link_local_kept)


def links(ns: NetworkNamespace) -> list[render.LinkView]:
    """Every device of ``ns``, in ifindex order (the order of a link dump)."""
    return [link_view(ns, d) for d in sorted(ns.devices.values(), key=lambda d: d.ifindex)]


def routes(ns: NetworkNamespace) -> list[render.RouteView]:
    """The main table of ``ns`` in the kernel's dump order.

    A route whose device has no carrier carries ``RTNH_F_LINKDOWN`` (``fib_sync_down_dev``
    on ``NETDEV_CHANGE``): a Docker bridge with no container attached is such a device.
    """
    return [
        render.RouteView(
            "default" if r.is_default else str(r.network), r.gateway, r.dev, r.proto, r.scope, r.src, r.metric,
            linkdown=_no_carrier(ns, r.dev),
        )
        for r in ns.ipv4.routes.listing()
    ]


def _no_carrier(ns: NetworkNamespace, name: str) -> bool:
    dev = ns.devices.get(name)
    return dev is not None and dev.up and not dev.carrier


def neighbours(ns: NetworkNamespace) -> list[render.NeighbourView]:
    """The ARP cache of ``ns``, one view per entry."""
    out = []
    for (dev, ip), entry in ns.ipv4.neighbours.entries.items():
        out.append(render.NeighbourView(IPv4Address(ip), dev, str(entry.mac) if entry.mac else None, entry.state.value))
    return out


def bridges(ns: NetworkNamespace) -> list[render.BridgeView]:
    """The bridges of ``ns`` as ``brctl show`` reads them from sysfs, by name."""
    out = []
    for dev in sorted(ns.devices.values(), key=lambda d: d.name):
        if isinstance(dev, Bridge):
            bridge_id = "8000." + str(dev.mac).replace(":", "")
            out.append(render.BridgeView(dev.name, bridge_id, dev.stp, tuple(sorted(dev.ports))))
    return out


def _multicast_self(dev: Device, is_bridge: bool) -> list[str]:
    """The device's own multicast filter entries (``self permanent``): the groups it joined."""
    # ff02::1 (all nodes) is joined when the device registers, whether or not IPv6 is
    # disabled there; only disabling IPv6 on a device that is up drops the groups, and
    # Docker (>= 26.1) disables it on a container's eth0 before bringing it up.
    groups = ["33:33:00:00:00:01"]
    if is_bridge:
        groups += ["01:00:5e:00:00:6a", "33:33:00:00:00:6a"]  # multicast router discovery (snooping)
    groups.append("01:00:5e:00:00:01")  # 224.0.0.1 all hosts
    if _has_link_local(dev):  # every device with a link-local address joins its solicited-node group
        groups.append("33:33:ff:" + ":".join(f"{b:02x}" for b in dev.mac[3:]))
    return groups


def fdb(ns: NetworkNamespace, only_bridge: str | None = None) -> list[render.FdbView]:
    """``bridge fdb show [br BRIDGE]``: per device in ifindex order, the bridge's entries
    for that port (learned, then its own address with and without the default VLAN 1),
    then the device's own multicast entries."""
    out: list[render.FdbView] = []
    for dev in sorted(ns.devices.values(), key=lambda d: d.ifindex):
        if dev.kind == "loopback":
            continue
        bridge = dev if isinstance(dev, Bridge) else dev.master
        if only_bridge is not None and (bridge is None or bridge.name != only_bridge):
            continue
        is_bridge = isinstance(dev, Bridge)
        if bridge is not None:
            learned = [(m, e) for m, e in bridge.fdb_entries() if e.port == dev.name and not e.local]
            for mac, _entry in learned:
                out.append(render.FdbView(str(mac), dev.name, bridge.name, None, False, False))
        if not is_bridge and bridge is None:
            if isinstance(dev, Vxlan):
                out.extend(_vxlan_fdb(dev))
            else:
                for group in _multicast_self(dev, False):
                    out.append(render.FdbView(group, dev.name, None, None, True, True))
        if bridge is not None:
            out.append(render.FdbView(str(dev.mac), dev.name, bridge.name, 1, True, False))
            out.append(render.FdbView(str(dev.mac), dev.name, bridge.name, None, True, False))
            if isinstance(dev, Vxlan):  # vxlan_fdb_dump: the device's own table replaces its address lists
                out.extend(_vxlan_fdb(dev))
            elif not is_bridge:
                for group in _multicast_self(dev, False):
                    out.append(render.FdbView(group, dev.name, None, None, True, True))
        if is_bridge:
            selfs = [render.FdbView(g, dev.name, None, None, True, True) for g in _multicast_self(dev, True)]
            out[len(out) - 2:len(out) - 2] = selfs
    return out


def _vxlan_fdb(dev: Vxlan) -> list[render.FdbView]:
    """A VXLAN device's own forwarding table: each MAC with the remote VTEP behind it."""
    return [
        render.FdbView(str(mac), dev.name, None, None, entry.permanent, True, dst=str(remote))
        for mac, entry in dev.fdb_entries()
        for remote in entry.remotes
    ]


# -- /proc/net/route, /proc/net/arp, /proc/net/{tcp,udp}: what net-tools and ss read --------------


def kernel_routes(ns: NetworkNamespace) -> list[render_nettools.KernelRoute]:
    """``/proc/net/route``: the main table in fib-trie order (by address, longer prefixes first)."""
    routes = sorted(ns.ipv4.routes.routes, key=lambda r: (int(r.network.network_address), -r.network.prefixlen, r.metric or 0))
    return [render_nettools.KernelRoute(r.network, r.gateway, r.dev, r.metric or 0) for r in routes]


_VALID = frozenset({"REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT", "NOARP"})


def arp_entries(ns: NetworkNamespace) -> list[render_nettools.ArpEntry]:
    """``/proc/net/arp``: every neighbour; an address only once its state is valid (NUD_VALID)."""
    out = []
    for view in neighbours(ns):
        mac = view.lladdr if view.state in _VALID else None
        out.append(render_nettools.ArpEntry(view.ip, mac, view.state == "PERMANENT", view.dev))
    return out


_NETSTAT_STATES = {
    TcpState.LISTEN: "LISTEN", TcpState.SYN_SENT: "SYN_SENT", TcpState.SYN_RECEIVED: "SYN_RECV",
    TcpState.ESTABLISHED: "ESTABLISHED", TcpState.FIN_WAIT_1: "FIN_WAIT1", TcpState.FIN_WAIT_2: "FIN_WAIT2",
    TcpState.CLOSE_WAIT: "CLOSE_WAIT", TcpState.CLOSING: "CLOSING", TcpState.LAST_ACK: "LAST_ACK",
    TcpState.TIME_WAIT: "TIME_WAIT", TcpState.CLOSED: "CLOSE",
}
ANY = IPv4Address("0.0.0.0")
SOMAXCONN = 4096  # net.core.somaxconn (Linux >= 5.4): the backlog of listen(fd, SOMAXCONN)


def _owner(owner: SocketOwner | None, pid_namespace: str) -> render_nettools.SocketOwnerView | None:
    """The process behind a socket, if the viewer's PID namespace can see it."""
    if owner is None or owner.program is None or owner.pid is None or owner.pid_namespace != pid_namespace:
        return None
    return render_nettools.SocketOwnerView(owner.pid, owner.program, owner.fd)


def sockets(ns: NetworkNamespace, pid_namespace: str) -> list[render_nettools.SocketView]:
    """The namespace's TCP and UDP sockets as ``/proc/net/tcp`` and ``/proc/net/udp`` list them.

    Listeners first, then connections (the kernel's listening and established hashes);
    the owner only when it runs in ``pid_namespace``.
    """
    stack = ns.ipv4
    listening: list[render_nettools.SocketView] = []
    connected: list[render_nettools.SocketView] = []
    for port, sock in sorted(stack.tcp_sockets.items()):
        owner = stack.socket_owners.get(("tcp", port))
        if isinstance(sock, TcpListener):
            local = owner.local_ip if owner is not None else ANY
            backlog = owner.backlog if owner is not None else SOMAXCONN
            listening.append(render_nettools.SocketView("tcp", local, port, ANY, 0, "LISTEN", _owner(owner, pid_namespace), backlog=backlog))
            connected += [_connection(child, _owner(owner, pid_namespace)) for child in sock.children.values()]
        elif isinstance(sock, TcpConnection):
            connected.append(_connection(sock, None))
    udp = []
    for port in sorted(stack.udp_sockets):
        owner = stack.socket_owners.get(("udp", port))
        local = owner.local_ip if owner is not None else ANY
        udp.append(render_nettools.SocketView("udp", local, port, ANY, 0, "", _owner(owner, pid_namespace)))
    return listening + connected + udp


def _connection(conn: TcpConnection, owner: render_nettools.SocketOwnerView | None) -> render_nettools.SocketView:
    return render_nettools.SocketView(
        "tcp", conn.local_ip, conn.local_port, conn.remote_ip, conn.remote_port, _NETSTAT_STATES[conn.state], owner,
        recv_q=conn.available,
    )
