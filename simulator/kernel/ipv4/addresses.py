"""The addresses of one namespace's IPv4 stack, and what ``ip addr`` / ``ip link`` change.

``ip addr add`` puts an address on a device; when the device is up a connected route
for its subnet appears (proto kernel, scope link), as ``NETDEV_UP`` makes it. Setting
a device down (``NETDEV_DOWN``) removes every route through it and forgets its
neighbours. An address is local for every device (the weak host model), and a
host-scope network (127.0.0.0/8 on ``lo``) makes every address inside it local.
Addresses are also indexed by integer, because hashing an ``IPv4Address`` runs Python
code and the lookup happens for every packet.

:class:`Ipv4Addresses` is the first layer of :class:`~simulator.kernel.ipv4.stack.Ipv4Stack`
(which builds the state declared here): the netfilter hooks (``nat.py``), output
(``output.py``), local delivery (``local.py``) and input (``stack.py``) build on it.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING, Protocol

from simulator.kernel.ipv4.conntrack import Conntrack
from simulator.kernel.ipv4.flows import FlowCache
from simulator.kernel.ipv4.neighbour import NeighbourTable
from simulator.kernel.ipv4.netfilter import Netfilter, Rule
from simulator.kernel.ipv4.routing import Route, RoutingTable
from simulator.packets.ethernet import EthernetFrame
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.trace.records import DropReason, FrameDropped

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

UNSPECIFIED = IPv4Address("0.0.0.0")
LIMITED_BROADCAST = IPv4Address("255.255.255.255")


@dataclass(frozen=True, slots=True)
class InterfaceAddress:
    """``ip addr add IP/LEN brd BRD dev DEV``."""

    ip: IPv4Address
    prefixlen: int
    dev: str
    broadcast: IPv4Address | None = None
    scope: str = "global"

    @property
    def network(self) -> IPv4Network:
        """The subnet the address is on (``ip route``'s connected route)."""
        return _network_of(self.ip, self.prefixlen)


@lru_cache(maxsize=4096)
def _network_of(ip: IPv4Address, prefixlen: int) -> IPv4Network:
    return IPv4Network(f"{ip}/{prefixlen}", strict=False)


IcmpHandler = Callable[[IPv4Packet], None]
UdpHandler = Callable[[IPv4Packet, UdpDatagram], None]


class TcpHandler(Protocol):
    """A TCP socket bound to a port (a listener or a connection): takes its segments, names itself in the trace."""

    def __call__(self, packet: IPv4Packet, segment: TcpSegment) -> None:
        """The stack's upcall for a segment to the socket's port."""

    def describe(self, packet: IPv4Packet, segment: TcpSegment) -> str:
        """The socket ``segment`` is delivered to, as the trace names it."""


@dataclass(frozen=True, slots=True)
class SocketOwner:
    """Who holds a bound socket, as ``/proc/net/{tcp,udp}`` and ``/proc/PID/fd`` tell ``netstat -p``.

    ``pid`` counts in ``pid_namespace`` (a container's id, or a machine's name): a
    process of another PID namespace shows as ``-``. ``program`` ``None`` is a socket
    of the kernel itself (a VXLAN device's UDP port).
    """

    local_ip: IPv4Address
    program: str | None = None
    pid: int | None = None
    pid_namespace: str = ""
    fd: int = 3  # its file descriptor in that process
    backlog: int = 0  # listen()'s backlog, for a listening TCP socket


class SendError(Exception):
    """A local send failed before any frame left (the errno text, e.g. "Network is unreachable")."""



class Ipv4Addresses:
    """Addresses, routes and link events of one stack, and the drops every layer records."""

    sim: Simulation
    namespace: NetworkNamespace
    addresses: list[InterfaceAddress]
    _local: dict[int, InterfaceAddress]
    _host_networks: list[IPv4Network]
    _host_ranges: list[tuple[int, int]]
    _broadcasts: set[int]
    routes: RoutingTable
    neighbours: NeighbourTable
    ip_forward: bool
    netfilter: Netfilter
    conntrack: Conntrack
    icmp_sockets: dict[int, IcmpHandler]
    udp_sockets: dict[int, UdpHandler]
    tcp_sockets: dict[int, TcpHandler]
    socket_owners: dict[tuple[str, int], SocketOwner]
    default_ttl: int
    bridge_nf_call_iptables: bool
    _ident: int
    _jitter: random.Random
    flows: FlowCache
    _config_generation: int  # bumps when an address, a device or a link changes

    def _flows(self) -> FlowCache:
        """The per-flow cache, emptied first when anything its decisions depend on changed."""
        flows = self.flows
        generation = (
            self.routes.generation + self.neighbours.generation + self.netfilter.generation + self.conntrack.generation + self._config_generation
        )
        if generation != flows.generation:
            flows.reset(generation)
        return flows

    # -- configuration (ip addr / ip route) --------------------------------------------

    def add_address(self, addr: InterfaceAddress) -> None:
        """``ip addr add``: the address is local now; its connected route appears if the device is up."""
        same = self._local.get(int(addr.ip))
        if same is not None and same.dev == addr.dev:
            raise FileExistsError("RTNETLINK answers: File exists")
        self.addresses.append(addr)
        self._changed(addr.dev)
        self._config_generation += 1
        self._local[int(addr.ip)] = addr
        if addr.scope == "host":
            self._host_networks.append(addr.network)
            self._host_ranges = _ranges(self._host_networks)
        if addr.broadcast is not None:
            self._broadcasts.add(int(addr.broadcast))
        dev = self.namespace.devices.get(addr.dev)
        if dev is not None and dev.up:
            self._add_connected_route(addr)

    def remove_address(self, addr: InterfaceAddress) -> None:
        """``ip addr del``: the address and its connected route go."""
        self.addresses.remove(addr)
        self._changed(addr.dev)
        self._config_generation += 1
        twin = next((a for a in self.addresses if a.ip == addr.ip), None)
        if twin is not None:  # the same address on another device: still local
            self._local[int(addr.ip)] = twin
        else:
            del self._local[int(addr.ip)]
        if addr.scope == "host" and addr.network in self._host_networks:
            self._host_networks.remove(addr.network)
            self._host_ranges = _ranges(self._host_networks)
        self.routes.remove(lambda r: r.dev == addr.dev and r.src == addr.ip and r.proto == "kernel")
        self._broadcasts = {int(LIMITED_BROADCAST)} | {int(a.broadcast) for a in self.addresses if a.broadcast is not None}

    def _changed(self, dev: str) -> None:
        """What ``ip addr`` shows for ``dev`` changed (the topology snapshot re-reads it)."""
        device = self.namespace.devices.get(dev)
        if device is not None:  # (no line shows the addresses of a device that is not here)
            self.namespace.changed_device(device)

    def _add_connected_route(self, addr: InterfaceAddress) -> None:
        if addr.prefixlen >= 32 or addr.scope == "host":
            return
        with contextlib.suppress(FileExistsError):
            self.routes.add(Route(addr.network, addr.dev, proto="kernel", scope="link", src=addr.ip))

    def link_up(self, dev: str) -> None:
        """NETDEV_UP: connected routes for the device's addresses appear."""
        self._config_generation += 1
        for addr in self.addresses:
            if addr.dev == dev:
                self._add_connected_route(addr)

    def link_down(self, dev: str) -> None:
        """NETDEV_DOWN: every route through the device goes, and its neighbours."""
        self._config_generation += 1
        self.routes.remove(lambda r: r.dev == dev)
        self.neighbours.forget_device(dev)

    def rename_device(self, old: str, new: str) -> None:
        """``ip link set OLD name NEW``: the addresses (and any route) stay with the device."""
        self._config_generation += 1
        for i, a in enumerate(self.addresses):
            if a.dev == old:
                renamed = replace(a, dev=new)
                self.addresses[i] = renamed
                if self._local.get(int(a.ip)) is a:
                    self._local[int(a.ip)] = renamed
        self.routes.rename_device(old, new)
        self._changed(old)
        self._changed(new)

    def forget_device(self, dev: str) -> None:
        """The device leaves this namespace (deleted, or moved to another one)."""
        self._config_generation += 1
        self._changed(dev)
        for addr in [a for a in self.addresses if a.dev == dev]:
            self.remove_address(addr)
        self.link_down(dev)

    def addresses_of(self, dev: str) -> list[InterfaceAddress]:
        """The addresses on ``dev``, in the order they were added (``ip addr show dev``)."""
        return [a for a in self.addresses if a.dev == dev]

    def is_local(self, ip: IPv4Address) -> bool:
        """A local address: assigned here, or inside a host-scope network (all of 127.0.0.0/8)."""
        n = int(ip)
        if n in self._local:
            return True
        if self._host_ranges:
            for network, netmask in self._host_ranges:
                if n & netmask == network:
                    return True
        return False

    def primary_address(self, dev: str, towards: IPv4Address | None = None) -> IPv4Address | None:
        """inet_select_addr: an address of ``dev``, preferring one on the same subnet."""
        first = None
        for a in self.addresses:
            if a.dev != dev or a.scope == "host":
                continue
            if towards is not None and towards in a.network:
                return a.ip
            if first is None:
                first = a.ip
        return first

    # -- drops ---------------------------------------------------------------------------------

    def _drop(self, dev: str, frame: EthernetFrame | None, reason: DropReason, detail: str, packet: IPv4Packet | None = None) -> None:
        self.sim.tracer.emit(FrameDropped(self.sim.env.now, self.namespace.node, dev, frame, reason, detail, packet))

    def _filtered(self, packet: IPv4Packet, dev: str, frame: EthernetFrame | None, chain: str, rule: Rule | None) -> None:
        text = rule.text() if rule is not None else f"-P {chain} DROP"
        self._drop(dev, frame, DropReason.FILTERED, text, packet)



def _ranges(networks: list[IPv4Network]) -> list[tuple[int, int]]:
    return [(int(n.network_address), int(n.netmask)) for n in networks]


