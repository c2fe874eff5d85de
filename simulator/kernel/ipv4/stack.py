"""The IPv4 stack of one namespace: receive, deliver, forward, output.

Receive (``ip_rcv``, here): a frame for another MAC is dropped (PACKET_OTHERHOST); ARP
goes to ``arp_process``; IPv4 walks raw and nat PREROUTING (conntrack decides a
NAT binding once per connection), then the route decides: a local address (the
weak host model: any address of the namespace) is delivered up after filter
INPUT; anything else is forwarded if ``ip_forward`` is on: TTL checked and
decremented (RFC 1812 5.3.1), filter FORWARD, nat POSTROUTING, neighbour
resolution, transmit.

The stack is built in layers, one module each, as the kernel's files are:

* ``addresses.py``: ``ip addr``, connected routes, link up and down (``devinet.c``);
* ``nat.py``: the netfilter hooks, conntrack and NAT, ``br_netfilter``;
* ``output.py``: ``ip_local_out`` (route lookup and source address selection, nat and
  filter OUTPUT, nat POSTROUTING, neighbour resolution; a packet to one of our own
  addresses goes through ``lo``), ARP requests and the ICMP errors the stack sends (time
  exceeded, host and port unreachable);
* ``local.py``: ``ip_local_deliver``: the kernel's own answer to ICMP echo and the
  sockets, keyed by ICMP identifier, UDP or TCP port (the TCP state machine lives in
  ``tcp.py``); a TCP segment nobody owns is answered with RST (``reject_tcp``);
* ``flows.py``: the per-flow fast path (what output and the filter hooks decided for a
  flow, kept until a route, a neighbour, a rule, conntrack or an address changes);
* this module: input and forwarding, and the stack's state.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from simulator.kernel.ipv4.addresses import (
    LIMITED_BROADCAST,
    UNSPECIFIED,
    IcmpHandler,
    InterfaceAddress,
    SendError,
    SocketOwner,
    TcpHandler,
    UdpHandler,
)
from simulator.kernel.ipv4.conntrack import Conntrack, ConntrackEntry
from simulator.kernel.ipv4.flows import FlowCache
from simulator.kernel.ipv4.local import LocalDelivery
from simulator.kernel.ipv4.neighbour import NeighbourTable
from simulator.kernel.ipv4.netfilter import Netfilter
from simulator.kernel.ipv4.routing import RoutingTable
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame, EtherType
from simulator.packets.icmp import IcmpType, UnreachableCode
from simulator.packets.ipv4 import IPv4Packet
from simulator.trace.records import DropReason, FilterVerdict, RouteChosen

if TYPE_CHECKING:
    from ipaddress import IPv4Network

    from simulator.kernel.devices.device import Device
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

__all__ = [
    "LIMITED_BROADCAST",
    "UNSPECIFIED",
    "IcmpHandler",
    "InterfaceAddress",
    "Ipv4Stack",
    "SendError",
    "SocketOwner",
    "TcpHandler",
    "UdpHandler",
]


class Ipv4Stack(LocalDelivery):
    """IPv4 for one network namespace."""

    def __init__(self, sim: Simulation, namespace: NetworkNamespace) -> None:
        self.sim = sim
        self.namespace = namespace
        self.addresses: list[InterfaceAddress] = []
        # Local and broadcast addresses by integer: looked up for every packet, and hashing
        # an IPv4Address runs Python code.
        self._local: dict[int, InterfaceAddress] = {}
        self._host_networks: list[IPv4Network] = []  # 127.0.0.0/8: every address in it is local
        self._host_ranges: list[tuple[int, int]] = []  # the same as (network, netmask) integers
        self._broadcasts: set[int] = {int(LIMITED_BROADCAST)}
        self.routes = RoutingTable()
        self.neighbours = NeighbourTable(sim, lambda: namespace.node, self._solicit, self._flush, self._unreachable)
        self.ip_forward = False
        self.netfilter = Netfilter()
        self.conntrack = Conntrack()
        self.icmp_sockets: dict[int, IcmpHandler] = {}
        self.udp_sockets: dict[int, UdpHandler] = {}
        self.tcp_sockets: dict[int, TcpHandler] = {}
        self.socket_owners: dict[tuple[str, int], SocketOwner] = {}  # ("udp", port): bound address and process
        self.default_ttl = 64
        # net.bridge.bridge-nf-call-iptables: with br_netfilter loaded and this set, IPv4
        # packets bridged between two ports of a bridge in this namespace walk iptables too
        # (see br_netfilter below). Off until someone (dockerd) turns it on.
        self.bridge_nf_call_iptables = False
        self._ident = sim.stream("ipid").randrange(0x10000)
        self._jitter = sim.stream("jitter")  # the responder's delay (drawn from the lab's one jitter stream)
        self.flows = FlowCache()  # the per-flow fast path (flows.py)
        self._config_generation = 0


    # -- receive ---------------------------------------------------------------------------

    def receive(self, frame: EthernetFrame, dev: Device) -> None:
        """``netif_receive_skb`` for a frame that reached this namespace on ``dev``."""
        if frame.dst != dev.mac and not frame.dst.is_multicast and dev.kind != "loopback":
            self._drop(dev.name, frame, DropReason.NOT_FOR_US, f"destination {frame.dst} is not {dev.name}'s {dev.mac}")
            return
        payload = frame.payload
        if isinstance(payload, ArpPacket):
            self._arp_receive(payload, frame, dev)
        else:
            self._ip_receive(payload, dev, frame)

    def _arp_receive(self, arp: ArpPacket, frame: EthernetFrame, dev: Device) -> None:
        """arp_process (net/ipv4/arp.c) with arp_ignore = 0, arp_accept = 0."""
        if arp.sender_ip == UNSPECIFIED:
            return
        if arp.op is ArpOp.REQUEST and int(arp.target_ip) in self._local and arp.sender_ip != arp.target_ip:
            self.neighbours.learn_stale(dev.name, arp.sender_ip, arp.sender_mac, True, f"ARP request from {arp.sender_ip} for our {arp.target_ip}")
            reply = ArpPacket(ArpOp.REPLY, dev.mac, arp.target_ip, arp.sender_mac, arp.sender_ip)
            dev.transmit(EthernetFrame(arp.sender_mac, dev.mac, EtherType.ARP, reply, flow=frame.flow))
            return
        if arp.op is ArpOp.REPLY and frame.dst == dev.mac:
            self.neighbours.confirm(dev.name, arp.sender_ip, arp.sender_mac, f"ARP reply: {arp.sender_ip} is-at {arp.sender_mac}")
        elif (dev.name, arp.sender_ip) in self.neighbours.entries:  # else nothing to update (and no words to build)
            self.neighbours.learn_stale(dev.name, arp.sender_ip, arp.sender_mac, False, f"ARP {arp.op.name.lower()} seen from {arp.sender_ip}")

    def _ip_receive(self, packet: IPv4Packet, dev: Device, frame: EthernetFrame | None) -> None:
        ct: tuple[ConntrackEntry, bool] | None = None
        ctstate = "NEW"
        filtering = self.netfilter.active  # rules do not change while one packet is handled
        if filtering:
            verdict = self._hook("raw", "PREROUTING", packet, dev.name, None, "NEW")
            if verdict.target == "DROP":
                self._filtered(packet, dev.name, frame, "raw", verdict.rule)
                return
            if dev.kind != "loopback":  # a looped-back packet keeps the conntrack it left with
                packet, ct, ctstate = self._nat_before_routing(packet, dev.name, "PREROUTING")
        dst = packet.dst
        n = int(dst)
        broadcast = n in self._broadcasts
        if n in self._local or broadcast or (self._host_ranges and self.is_local(dst)):
            if filtering:
                verdict = self._hook("filter", "INPUT", packet, dev.name, None, ctstate)
                if verdict.target in ("DROP", "REJECT"):
                    self._filtered(packet, dev.name, frame, "INPUT", verdict.rule)
                    return
                if ct is not None and not ct[0].confirmed:
                    # NF_INET_LOCAL_IN runs filter (priority 0) then nat (NF_IP_PRI_NAT_SRC):
                    # the first packet of a connection delivered here walks nat INPUT too.
                    # (An SNAT there is counted but not applied: nothing here uses one.)
                    self._hook("nat", "INPUT", packet, dev.name, None, "NEW")
                if ct is not None:
                    packet = self._undo_dnat_for_local_reply(packet, ct)
                    self.conntrack.confirm(ct[0])
            self._deliver_local(packet, dev, broadcast)
            return
        if not self.ip_forward:
            self._drop(dev.name, frame, DropReason.FORWARDING_DISABLED, f"{dst} is not local and net.ipv4.ip_forward = 0", packet)
            return
        route = self.routes.lookup(dst)
        if route is None:
            self._drop(dev.name, frame, DropReason.NO_ROUTE, f"no route to {dst}", packet)
            self._icmp_error(packet, IcmpType.DEST_UNREACHABLE, UnreachableCode.NET)
            return
        if packet.ttl <= 1:
            self._drop(dev.name, frame, DropReason.TTL_EXPIRED, f"TTL {packet.ttl} would reach 0 on forwarding", packet)
            self._icmp_error(packet, IcmpType.TIME_EXCEEDED, 0, towards_dev=dev.name)
            return
        # RFC 1812 5.3.1: a router decrements TTL
        packet = replace(packet, ttl=packet.ttl - 1)
        if filtering:
            verdict = self._hook("filter", "FORWARD", packet, dev.name, route.dev, ctstate)
            rule_text = verdict.rule.text() if verdict.rule else f"-P FORWARD {verdict.target}"
            self.sim.tracer.emit(FilterVerdict(self.sim.env.now, self.namespace.node, packet.flow, "FORWARD", rule_text, verdict.target))
            if verdict.target in ("DROP", "REJECT"):
                self._filtered(packet, dev.name, frame, "FORWARD", verdict.rule)
                return
        tracer = self.sim.tracer
        if tracer.enabled:
            tracer.record(RouteChosen(self.sim.env.now, self.namespace.node, packet.flow, dst, route.text(), route.dev, route.gateway, True, tracer.back()))
        self._finish_output(packet, route, ct, n)

