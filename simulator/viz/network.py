"""The network a ``TopologyChanged`` snapshot describes, as a networkx graph.

A snapshot is a :class:`~simulator.trace.topology.Snapshot` (its namespaces, their
devices, the LAN switch's cables; a container's namespace also carries its image,
networks and aliases): see ``simulator/trace/topology.py``.

This module reads it into small typed values (:class:`Namespace`, :class:`Device`)
and builds the graph every view draws from. Nodes are the things a learner can
point at, named the way a capture names them:

* a namespace by its node name (``host``, ``c1``, ``router``);
* a device as ``NODE/IFNAME`` (``host/docker0``, ``c1/eth0``), with ``parent``
  naming its namespace;
* the LAN switch as ``lan`` and its ports as ``lan/port1`` ...;
* when a host has more containers than a picture can show, one ``group`` node
  (``host/+more``) stands for the rest, with ``members`` listing them.

Edges are links, each with a ``kind``: ``veth`` (the two ends of a pair),
``stacked`` (a macvlan, ipvlan or VLAN device to the device it sits on, its
``label`` saying how: ``macvlan bridge``, ``VLAN 10``), ``tunnel`` (two VXLAN
devices of one overlay network on different hosts, labelled ``VXLAN UDP 4789``:
a logical link, carried over the cables),
``bridge-port`` (a port enslaved to its bridge, ``master`` in ``ip link``),
``cable`` (a NIC plugged into a switch port), ``switch-port`` (a port to its
switch), ``wire`` (a point-to-point cable the snapshot does not list, inferred
from two NICs in one IPv4 subnet, like the router's uplink to the internet),
``routing`` (the IP stack between two interfaces of a forwarding namespace:
not a wire, drawn dashed) and ``group`` (the collapsed containers' veths).

Containment (a device inside its namespace) is an attribute, not an edge.

Some facts a picture needs are not in the snapshot; :func:`network_at` takes them
from the trace when it holds them (``Network.modes``: a macvlan/ipvlan child's mode,
from ``MacvlanForwarded``; ``Network.vnis``: a VXLAN device's VNI, from
``VxlanEncapsulated``/``VxlanDecapsulated``), and :func:`overlay_name` infers an
overlay namespace's network name from the containers attached to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from typing import Any

import networkx as nx

from simulator.packets.vxlan import VXLAN_PORT
from simulator.trace.records import (
    MacvlanForwarded,
    TopologyChanged,
    VxlanDecapsulated,
    VxlanEncapsulated,
)
from simulator.trace.topology import DeviceState
from simulator.trace.tracer import Trace

SWITCH = "lan"
"""The LAN switch's node name (as ``BridgeForwarded.node`` spells it)."""

GROUP_SUFFIX = "+more"

DEFAULT_MAX_CONTAINERS = 4
"""Containers drawn one by one per Docker host; the rest become one group node."""

STACKED_KINDS = ("macvlan", "ipvlan", "vlan")
"""Device kinds stacked on a lower device (``peer`` names it): they have no link of their own."""

OVERLAY_NS = "overlay-netns"
"""The namespace kind of an overlay network's own namespace on a Docker host (br0, vxlan0)."""


Device = DeviceState
"""One network device as ``ip link`` / ``ip addr`` would list it: the kernel's own record of it, as the snapshot holds it."""


@dataclass(frozen=True, slots=True)
class Namespace:
    """A network namespace: a machine's (host, router, ...) or a container's."""

    node: str
    kind: str
    machine: str
    devices: tuple[Device, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    def device(self, name: str) -> Device | None:
        """The device named ``name`` in this namespace, or None."""
        return next((d for d in self.devices if d.name == name), None)


@dataclass(frozen=True, slots=True)
class Network:
    """Every namespace and the LAN switch's cables, at one moment."""

    time: float
    cause: str
    namespaces: tuple[Namespace, ...]
    lan: tuple[tuple[str, str, str], ...]
    modes: dict[str, str] = field(default_factory=dict)  # macvlan/ipvlan child (NODE/IFNAME) -> its mode, from the trace
    vnis: dict[str, int] = field(default_factory=dict)  # VXLAN device (NODE/IFNAME) -> its VNI, from the trace

    def namespace(self, node: str) -> Namespace | None:
        """The namespace of node ``node``, or None."""
        return next((n for n in self.namespaces if n.node == node), None)

    def of_kind(self, kind: str) -> list[Namespace]:
        """The namespaces of one kind (``docker-host``, ``container``, ...), in snapshot order."""
        return [n for n in self.namespaces if n.kind == kind]

    def containers_of(self, host: str) -> list[Namespace]:
        """The containers of Docker host ``host``, in creation order."""
        return [n for n in self.namespaces if n.kind == "container" and n.machine == host]

    def overlays_of(self, host: str) -> list[Namespace]:
        """The overlay networks' namespaces on Docker host ``host``."""
        return [n for n in self.namespaces if n.kind == OVERLAY_NS and n.machine == host]


def parse(record: TopologyChanged) -> Network:
    """Read a ``TopologyChanged`` snapshot into a :class:`Network`."""
    namespaces = []
    for ns in record.snapshot.namespaces:
        devices = tuple(ns.devices)
        c = ns.container
        extra: dict[str, Any] = {} if c is None else {"image": c.image, "networks": c.networks, "aliases": c.aliases}
        namespaces.append(Namespace(ns.node, ns.kind, ns.machine, devices, extra))
    lan = tuple((cable.port, cable.node, cable.dev) for cable in record.snapshot.lan)
    return Network(record.time, record.cause, tuple(namespaces), lan)


def snapshot_at(trace: Sequence[Any], at: float | None = None) -> TopologyChanged:
    """The ``TopologyChanged`` in force at simulated time ``at`` (default: the latest).

    Falls back to ``trace.initial_topology`` (the network when a one-command trace
    began) when the trace itself holds no snapshot early enough.
    """
    chosen: TopologyChanged | None = None
    for record in trace:
        if isinstance(record, TopologyChanged) and (at is None or record.time <= at):
            chosen = record
    if chosen is None and isinstance(trace, Trace):
        chosen = trace.initial_topology
    if chosen is None:
        raise ValueError("this trace holds no TopologyChanged snapshot, and no initial_topology: nothing to draw")
    return chosen


def network_at(trace: Sequence[Any], at: float | None = None) -> Network:
    """:func:`snapshot_at`, parsed, with the facts the trace adds (macvlan modes, VNIs)."""
    network = parse(snapshot_at(trace, at))
    modes: dict[str, str] = {}
    vnis: dict[str, int] = {}
    for r in trace:
        if isinstance(r, MacvlanForwarded) and "/" in r.origin and r.mode not in ("", "-"):
            modes[r.origin] = r.mode  # the mode of the child that sent the frame
        elif isinstance(r, VxlanEncapsulated | VxlanDecapsulated):
            vnis[dev_id(r.node, r.dev)] = r.vni
    if not modes and not vnis:
        return network
    return Network(network.time, network.cause, network.namespaces, network.lan, modes, vnis)


def overlay_short(ns: Namespace) -> str:
    """An overlay namespace's own name, as ``ls /var/run/docker/netns`` lists it (``1-7wsculq4s0``)."""
    return ns.node.split(":", 1)[1] if ":" in ns.node else ns.node


def overlay_name(network: Network, ns: Namespace) -> str | None:
    """The network an overlay namespace belongs to (``my-overlay``), when the snapshot tells.

    The snapshot names a namespace by Docker's id (``1-7wsculq4s0``), not by the
    network's name; a container attached to it lists its networks by name. The name
    is the one network every attached container is on, less the local bridges they
    also reach (``docker_gwbridge``): None when that leaves more or fewer than one.
    """
    attached = [c for c in network.namespaces if c.kind == "container" and any(d.peer and d.peer[0] == ns.node for d in c.devices)]
    if not attached:
        return None
    common = set.intersection(*(set(c.extra.get("networks", ())) for c in attached))
    for c in attached:
        host = network.namespace(c.machine)
        for d in c.devices:
            if d.peer and host is not None and d.peer[0] == host.node:
                host_dev = host.device(d.peer[1])
                if host_dev is not None and host_dev.master:
                    common.discard(host_dev.master)  # docker_gwbridge: the network is named as its bridge
    common.discard("bridge")  # docker0's network
    return next(iter(common)) if len(common) == 1 else None


def stacked_label(device: Device, mode: str | None = None) -> str:
    """How a stacked device sits on its lower one: ``macvlan bridge``, ``ipvlan l2``, ``VLAN 10``.

    A VLAN's id is read from its name (``eth0.10``, as ``ip link add ... name eth0.10``
    and Docker's macvlan driver name them): the snapshot does not carry it.
    """
    if device.kind == "vlan":
        tail = device.name.rsplit(".", 1)
        return f"VLAN {tail[1]}" if len(tail) == 2 and tail[1].isdigit() else "VLAN"
    return f"{device.kind} {mode}" if mode else device.kind


TUNNEL_LABEL = f"VXLAN UDP {VXLAN_PORT}"
"""What a tunnel edge says: the encapsulation and the UDP port the VTEPs talk on (RFC 7348)."""


def dev_id(node: str, dev: str) -> str:
    """The graph node of a device: ``NODE/IFNAME``, as capture interfaces are named."""
    return f"{node}/{dev}"


def group_id(host: str) -> str:
    """The graph node standing for a host's collapsed containers: ``HOST/+more``."""
    return f"{host}/{GROUP_SUFFIX}"


def _subnets(device: Device) -> set[IPv4Interface]:
    out = set()
    for addr in device.addrs:
        iface = IPv4Interface(addr)
        if iface.network.prefixlen < 32 and not iface.ip.is_loopback:
            out.add(iface)
    return out


def choose_visible(network: Network, keep: Iterable[str] = (), max_containers: int | None = DEFAULT_MAX_CONTAINERS) -> dict[str, list[str]]:
    """Per Docker host, the containers drawn one by one (in creation order).

    Containers named in ``keep`` (or owning a device named there) are always
    shown; the others fill the remaining places in creation order. When only one
    container would be left over it is shown too (a "+1 more" box saves nothing).
    """
    keep_nodes = {k.split("/", 1)[0] for k in keep}
    visible: dict[str, list[str]] = {}
    for host in [n.node for n in network.of_kind("docker-host")]:
        names = [c.node for c in network.containers_of(host)]
        if max_containers is None or len(names) <= max_containers + 1:
            visible[host] = names
            continue
        chosen = {n for n in names if n in keep_nodes}
        for name in names:
            if len(chosen) >= max_containers:
                break
            chosen.add(name)
        visible[host] = [n for n in names if n in chosen]
    # containers whose machine is not a docker host (none today) are always shown
    return visible


def build_graph(network: Network, keep: Iterable[str] = (), max_containers: int | None = DEFAULT_MAX_CONTAINERS) -> nx.Graph:
    """The graph of ``network``: see the module docstring for node and edge kinds.

    ``keep`` names nodes (or devices, ``c7/eth0``) that must be drawn one by one even
    when a host's containers are collapsed; ``max_containers=None`` never collapses.
    """
    graph = nx.Graph(time=network.time, cause=network.cause)
    hidden = _hidden(network, choose_visible(network, keep, max_containers))
    _add_namespaces(graph, network, {c.node for rest in hidden.values() for c in rest})
    for host, rest in hidden.items():
        _add_group(graph, network, host, rest)
    _add_links(graph, network)
    _add_switch(graph, network)
    _add_wires(graph, network)
    _add_tunnels(graph, network)
    _add_routing(graph, network)
    return graph


def _hidden(network: Network, visible: dict[str, list[str]]) -> dict[str, list[Namespace]]:
    """Per Docker host, the containers not drawn one by one (collapsed into its group node)."""
    hidden: dict[str, list[Namespace]] = {}
    for host, shown in visible.items():
        rest = [c for c in network.containers_of(host) if c.node not in shown]
        if rest:
            hidden[host] = rest
    return hidden


def _add_namespaces(graph: nx.Graph, network: Network, hidden_nodes: set[str]) -> None:
    """A node per namespace drawn and per device of it, but the host-side veths of collapsed containers."""
    peers_in_hidden: set[str] = set()  # host-side veths whose container is collapsed
    for ns in network.namespaces:
        for d in ns.devices:
            if d.peer and d.peer[0] in hidden_nodes:
                peers_in_hidden.add(dev_id(ns.node, d.name))
    for ns in network.namespaces:
        if ns.node in hidden_nodes:
            continue
        extra = dict(ns.extra)
        if ns.kind == OVERLAY_NS:
            extra.setdefault("netns", overlay_short(ns))
            name = overlay_name(network, ns)
            if name:
                extra.setdefault("network", name)
        graph.add_node(ns.node, kind="namespace", ns_kind=ns.kind, machine=ns.machine, extra=extra)
        for d in ns.devices:
            node_id = dev_id(ns.node, d.name)
            if node_id in peers_in_hidden:
                continue
            graph.add_node(
                node_id, kind="device", parent=ns.node, name=d.name, dev_kind=d.kind, mac=d.mac,
                addrs=d.addrs, up=d.up, master=d.master, peer=d.peer,
            )
            if node_id in network.vnis:
                graph.nodes[node_id]["vni"] = network.vnis[node_id]
            if node_id in network.modes:
                graph.nodes[node_id]["mode"] = network.modes[node_id]


def _add_group(graph: nx.Graph, network: Network, host: str, rest: Sequence[Namespace]) -> None:
    """The ``host/+more`` node standing for a host's collapsed containers, linked to every device they hang from."""
    bridges, uplinks = _group_uplinks(network, host, rest)
    gid = group_id(host)
    graph.add_node(
        gid, kind="group", parent=host, members=tuple(c.node for c in rest),
        addrs=tuple(a for c in rest for d in c.devices if d.name != "lo" for a in d.addrs),
        bridges=tuple(bridges), uplinks=tuple(uplinks),
    )
    for target in uplinks:
        if target in graph:
            graph.add_edge(gid, target, kind="group")


def _group_uplinks(network: Network, host: str, rest: Sequence[Namespace]) -> tuple[list[str], list[str]]:
    """The host's bridges the collapsed containers' veths are ports of, and every device they hang from.

    The devices: those bridges, an overlay's ``br0``, a macvlan parent.
    """
    bridges: list[str] = []
    uplinks: list[str] = []
    for c in rest:
        for d in c.devices:
            peer_ns = network.namespace(d.peer[0]) if d.peer else None
            peer_dev = peer_ns.device(d.peer[1]) if peer_ns is not None and d.peer else None
            if peer_dev is None or peer_ns is None:
                continue
            if d.kind in STACKED_KINDS:
                target = dev_id(peer_ns.node, peer_dev.name)
            elif peer_dev.master:
                target = dev_id(peer_ns.node, peer_dev.master)
                if peer_ns.node == host and peer_dev.master not in bridges:
                    bridges.append(peer_dev.master)
            else:
                continue
            if target not in uplinks:
                uplinks.append(target)
    return bridges, uplinks


def _add_links(graph: nx.Graph, network: Network) -> None:
    """Veth pairs, stacked devices (to the device they sit on) and bridge ports (to their bridge)."""
    for ns in network.namespaces:
        for d in ns.devices:
            a = dev_id(ns.node, d.name)
            if a not in graph:
                continue
            if d.peer:
                b = dev_id(*d.peer)
                if b in graph and d.kind in STACKED_KINDS:
                    graph.add_edge(a, b, kind="stacked", driver=d.kind, label=stacked_label(d, network.modes.get(a)), upper=a, lower=b)
                elif b in graph and not graph.has_edge(a, b):
                    graph.add_edge(a, b, kind="veth")
            if d.master:
                b = dev_id(ns.node, d.master)
                if b in graph:
                    graph.add_edge(a, b, kind="bridge-port")


def _add_switch(graph: nx.Graph, network: Network) -> None:
    """The LAN switch, its ports, and the cables plugged into them."""
    if not network.lan:
        return
    graph.add_node(SWITCH, kind="switch")
    for port, node, dev in network.lan:
        pid = dev_id(SWITCH, port)
        graph.add_node(pid, kind="port", parent=SWITCH, name=port)
        graph.add_edge(pid, SWITCH, kind="switch-port")
        if node and dev_id(node, dev) in graph:
            graph.add_edge(dev_id(node, dev), pid, kind="cable")


def _add_wires(graph: nx.Graph, network: Network) -> None:
    """Point-to-point wires the snapshot does not list: NICs outside any switch, veth or bridge, sharing a subnet.

    The router's uplink to the internet is one.
    """
    cabled = {dev_id(n, d) for _p, n, d in network.lan}
    loose: list[tuple[str, Namespace, Device]] = []
    for ns in network.namespaces:
        if ns.kind == "container":
            continue
        for d in ns.devices:
            node_id = dev_id(ns.node, d.name)
            if d.kind == "ether" and node_id not in cabled and node_id in graph and not d.master:
                loose.append((node_id, ns, d))
    for i, (a, ns_a, da) in enumerate(loose):
        for b, ns_b, db in loose[i + 1 :]:
            if ns_a.node != ns_b.node and any(x.network == y.network for x in _subnets(da) for y in _subnets(db)):
                graph.add_edge(a, b, kind="wire")


def _add_tunnels(graph: nx.Graph, network: Network) -> None:
    """VXLAN tunnels: one overlay network's vxlan devices on different hosts (or devices of one VNI)."""
    vteps: dict[tuple[str, str], list[tuple[str, str]]] = {}  # network key -> [(machine, device)]
    for ns in network.namespaces:
        for d in ns.devices:
            node_id = dev_id(ns.node, d.name)
            if d.kind != "vxlan" or node_id not in graph:
                continue
            if ns.kind == OVERLAY_NS:
                key = ("overlay", overlay_short(ns))
            elif node_id in network.vnis:
                key = ("vni", str(network.vnis[node_id]))
            else:
                continue
            vteps.setdefault(key, []).append((ns.machine, node_id))
    for members in vteps.values():
        for i, (machine_a, a) in enumerate(members):
            for machine_b, b in members[i + 1 :]:
                if machine_a != machine_b:
                    graph.add_edge(a, b, kind="tunnel", label=TUNNEL_LABEL)


def _add_routing(graph: nx.Graph, network: Network) -> None:
    """The IP stack between the interfaces of a forwarding namespace: a Docker host's bridges to its uplinks, a router's NICs."""
    for ns in network.namespaces:
        if ns.kind not in ("docker-host", "router"):
            continue
        l3 = [dev_id(ns.node, d.name) for d in ns.devices if d.kind in ("ether", "bridge") and d.addrs and not d.master]
        uplinks = [x for x in l3 if graph.nodes[x]["dev_kind"] == "ether"]
        if ns.kind == "docker-host":
            for bridge in (x for x in l3 if graph.nodes[x]["dev_kind"] == "bridge"):
                for up in uplinks:
                    graph.add_edge(bridge, up, kind="routing")
        else:
            for i, a in enumerate(uplinks):
                for b in uplinks[i + 1 :]:
                    graph.add_edge(a, b, kind="routing")


def topology_graph(trace: Sequence[Any], at: float | None = None, *, keep: Iterable[str] = (), max_containers: int | None = DEFAULT_MAX_CONTAINERS) -> nx.Graph:
    """The graph :func:`simulator.viz.topology` draws for ``trace`` at ``at``.

    Every node and every edge of it has an artist in the figure, whose ``gid`` is
    the node's name (``c1``, ``host/docker0``) or ``EDGE:a|b`` for an edge.
    """
    return build_graph(network_at(trace, at), keep, max_containers)
