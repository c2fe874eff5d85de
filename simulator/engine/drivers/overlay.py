"""The overlay driver: one layer-2 network across several Docker hosts, carried in VXLAN.

``docker network create -d overlay --attachable NAME`` on a swarm manager
(libnetwork ``drivers/overlay``). The cluster allocates the subnet and the VNI
(``engine/swarm.py``); nothing is built until a container on a host joins.

The first container on a host builds the network's *sandbox* there
(``joinSandbox``): a namespace ``/var/run/docker/netns/1-<10 characters of the
network id>`` holding

* ``br0``, a Linux bridge with the gateway address (``10.0.1.1/24``), and
* ``vxlan0``, a VXLAN device (VNI 4097, UDP 4789, ``learning proxy l2miss l3miss``,
  MTU 1450) created in the host's namespace as ``vx-001001-<5 of the id>``, moved in,
  renamed, and enslaved to ``br0``; its UDP socket stays in the host's namespace,
  so the tunnel runs over the host's ``eth0``.

Each container then gets a veth pair: one end ``vethN`` on ``br0``, the other its
``eth0`` with MTU 1450 (1500 minus 50 bytes of VXLAN headers) and the MAC derived
from its address (``02:42:0a:00:01:02``). The endpoint is published to the cluster
(``peerAdd``): every other host with the network writes a permanent neighbour entry
(``ip neigh``: the container's IP at its MAC on ``vxlan0``) and a VXLAN FDB entry (its
MAC behind this host's address) into its own sandbox. That is why an ARP request
from a container never crosses the tunnel: ``vxlan0``'s ``proxy`` answers it from
the neighbour table, the way Docker's overlay does.

An overlay does not lead out of the cluster: unless ``--internal``, the container
also joins ``docker_gwbridge`` (a local bridge network with ICC off and masquerade
on) as ``eth1``, and its default route goes there.

Simplified (and said so in the trace): the control plane (peer gossip over 7946)
is abstract; ``--opt encrypted`` (IPsec) is accepted but the VXLAN travels in clear;
the routing mesh (``ingress``, IPVS, the ``lb-NAME`` sandboxes) is not built: the
load-balancer addresses are reserved, nothing answers on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.engine.drivers import NetworkDriver
from simulator.engine.ipam import IpamError
from simulator.engine.swarm import Peer, SerialAddressPool, swarm_id
from simulator.errors import DockerError
from simulator.kernel import links
from simulator.kernel.devices.bridge import Bridge
from simulator.kernel.devices.veth import VethPair
from simulator.kernel.devices.vxlan import Vxlan, overlay_mtu
from simulator.kernel.namespace import NetworkNamespace
from simulator.packets.addresses import MacAddress

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Endpoint, Network
    from simulator.engine.requests import NetworkRequestSpec

VNI_OPTION = "com.docker.network.driver.overlay.vxlanid_list"
GWBRIDGE = "docker_gwbridge"
GWBRIDGE_OPTIONS = {
    "com.docker.network.bridge.enable_icc": "false",
    "com.docker.network.bridge.enable_ip_masquerade": "true",
    "com.docker.network.bridge.name": GWBRIDGE,
}


@dataclass
class OverlaySandbox:
    """One overlay network's namespace on one host."""

    ns: NetworkNamespace
    bridge: Bridge
    vxlan: Vxlan
    endpoints: set[str] = field(default_factory=set)  # endpoint ids joined here
    veths: dict[str, str] = field(default_factory=dict)  # endpoint id -> veth name in the sandbox


class OverlayDriver(NetworkDriver):
    """libnetwork's ``overlay`` driver, on one host."""

    name = "overlay"
    provides_gateway = False  # the default route goes through docker_gwbridge

    def __init__(self, engine: DockerEngine) -> None:
        super().__init__(engine)
        self.sandboxes: dict[str, OverlaySandbox] = {}  # by network id

    # -- the cluster's part (on a manager) --------------------------------------------------

    def allocate_network(self, spec: NetworkRequestSpec) -> Network:
        """``docker network create -d overlay``: the swarm allocates id, subnet, gateway and VNI."""
        from simulator.engine.network import Network

        engine = self.engine
        swarm = engine.swarm
        if swarm is None or swarm.node(engine) is None:
            raise DockerError('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.')
        node = swarm.node(engine)
        assert node is not None
        if node.role != "manager":
            raise DockerError("Cannot create a multi-host network from a worker node. Please create the network from a manager node.")
        if swarm.network(spec.name) is not None:
            raise DockerError(f"network with name {spec.name} already exists")
        net_id = swarm_id(engine.sim)
        subnet = swarm.allocate_subnet(spec.subnet, net_id)
        pool = SerialAddressPool(subnet, ip_range=spec.ip_range)
        try:
            for ip in (spec.aux or {}).values():
                pool.allocate(ip)
            gateway = pool.allocate(spec.gateway) if spec.gateway is not None else pool.allocate()
        except IpamError as error:
            swarm.subnets.pop(subnet, None)
            raise DockerError(str(error)) from None
        vni = swarm.allocate_vni(net_id)
        options = dict(spec.options or {})
        options[VNI_OPTION] = str(vni)
        net = Network(
            net_id, spec.name, "overlay", engine.sim.now + engine.sim.stream("clock").random(),
            subnet=subnet, gateway=gateway, ip_range=spec.ip_range, pool=pool, internal=spec.internal,
            attachable=spec.attachable, options=options, labels=dict(spec.labels or {}), ipam_options=None,
            aux_addresses={k: str(v) for k, v in (spec.aux or {}).items()}, scope="swarm",
        )
        swarm.networks[net_id] = net
        if "encrypted" in options:
            swarm.record(engine, "", "network create", (f"{spec.name}: --opt encrypted",),
                         "encryption is not simulated: Docker would protect this network's VXLAN traffic with IPsec ESP; here it travels in clear")
        return net

    def free_network(self, net: Network) -> None:
        """``docker network rm`` on a manager: the cluster forgets the network."""
        swarm = self.engine.swarm
        if swarm is not None:
            swarm.require_manager(self.engine)
            swarm.release_network(net)

    def endpoint_mac(self, net: Network, ip: IPv4Address) -> MacAddress:
        """``02:42`` + the IPv4 address, on every engine."""
        return MacAddress.from_ipv4(ip)  # ov_endpoint.go: still 02:42 + the IPv4 address

    def create(self, net: Network) -> None:
        """Nothing yet: the sandbox is built when the first local container joins."""
        pass  # lazy: the sandbox is built when the first local container joins

    def delete(self, net: Network) -> None:
        """Nothing left: the sandbox went with the last local endpoint."""
        pass

    # -- the host's part ---------------------------------------------------------------------

    def namespaces(self) -> list[NetworkNamespace]:
        """The overlay sandboxes (br0, vxlan0) on this host."""
        return [s.ns for s in self.sandboxes.values()]

    def sandbox_name(self, net: Network) -> str:
        """``osl.GenerateKey``: the file under /var/run/docker/netns, ``1-`` and 10 characters of the id."""
        return f"1-{net.id[:10]}"

    def _sandbox(self, net: Network) -> OverlaySandbox:
        box = self.sandboxes.get(net.id)
        if box is not None:
            return box
        engine = self.engine
        sim = engine.sim
        host_ns = engine.machine.netns
        assert net.subnet is not None and net.gateway is not None
        vni = int(net.options[VNI_OPTION].split(",")[0])
        ns = NetworkNamespace(sim, f"{engine.machine.name}:{self.sandbox_name(net)}")
        ns.set_up("lo")
        ns.add_address("lo", "127.0.0.1/8", broadcast=False)
        mtu = overlay_mtu()
        rng = sim.stream("macs")
        bridge = Bridge(sim, "br0", MacAddress.random_local(rng), mtu=mtu)
        ns.add_device(bridge)
        ns.add_address("br0", f"{net.gateway}/{net.subnet.prefixlen}")
        # createVxlan in the host namespace, then moved into the sandbox and renamed (AddInterface)
        vxlan = links.add_vxlan(host_ns, f"vx-{vni:06x}-{net.id[:5]}", vni, learning=True, proxy=True, l2miss=True,
                                l3miss=True, mtu=mtu, mac=MacAddress.random_local(rng))
        links.move(vxlan, ns, "vxlan0")
        bridge.add_port(vxlan)
        ns.set_up("vxlan0")
        ns.set_up("br0")
        box = OverlaySandbox(ns, bridge, vxlan)
        self.sandboxes[net.id] = box
        swarm = engine.swarm
        if swarm is not None:
            node = swarm.node(engine)
            if node is not None:
                swarm.lb_address(node, net)
            peers = swarm.remote_peers(net, engine)
            for peer in peers:
                self._program(box, peer, add=True)
            if peers:  # initSandboxPeerDB
                swarm.record(engine, ns.node, "peer db replay", tuple(line for p in peers for line in _entries(p)))
        return box

    def _destroy(self, net: Network) -> None:
        box = self.sandboxes.pop(net.id, None)
        if box is None:
            return
        box.vxlan.close()
        for name in list(box.ns.devices):
            if name != "lo":
                box.ns.remove_device(name)

    def join(self, net: Network, endpoint: Endpoint) -> None:
        """A veth from the container to the network's br0; the peer database learns the endpoint."""
        engine = self.engine
        swarm = engine.swarm
        node = swarm.node(engine) if swarm is not None else None
        if swarm is None or node is None:
            raise DockerError(f"Could not attach to network {net.name}: This node is not part of a swarm")
        if not net.attachable:
            raise DockerError(engine.profile.messages.networking(
                f"Could not attach to network {net.name}: rpc error: code = PermissionDenied desc = network {net.name} not manually attachable"))
        sandbox = endpoint.container.netns
        assert sandbox is not None and endpoint.ip is not None and endpoint.mac is not None and net.subnet is not None
        engine.networks.setdefault(net.id, net)
        box = self._sandbox(net)
        sim = engine.sim
        rng = sim.stream("macs")
        mtu = box.vxlan.mtu
        index = 0
        while f"veth{index}" in box.ns.devices:
            index += 1
        in_box = f"veth{index}"
        temp = engine.random_veth_name()
        pair = VethPair(sim, engine.random_veth_name(), MacAddress.random_local(rng), temp, MacAddress.random_local(rng), mtu)
        host_end, ctr_end = pair.a, pair.b
        host_end.tx_queue_len = ctr_end.tx_queue_len = 0
        engine.machine.netns.add_device(host_end)
        engine.machine.netns.add_device(ctr_end)
        links.move(host_end, box.ns, in_box)
        box.bridge.add_port(host_end)
        box.ns.set_up(in_box)
        links.move(ctr_end, sandbox, endpoint.ifname)
        ctr_end.mac = endpoint.mac
        ctr_end.ipv6 = engine.profile.ipv6_link_local
        sandbox.add_address(endpoint.ifname, f"{endpoint.ip}/{net.subnet.prefixlen}")
        sandbox.set_up(endpoint.ifname)
        box.endpoints.add(endpoint.id)
        box.veths[endpoint.id] = in_box
        swarm.peer_add(net, endpoint, node)
        if not net.internal:
            self._join_gwbridge(endpoint)

    def _join_gwbridge(self, endpoint: Endpoint) -> None:
        """``sb.needDefaultGW``: a container on an overlay also gets docker_gwbridge, for the way out."""
        engine = self.engine
        container = endpoint.container
        if GWBRIDGE in container.endpoints:
            return
        gw = ensure_gwbridge(engine)
        from simulator.engine.container import NetworkRequest

        try:
            engine.sandboxes.attach(container, gw, NetworkRequest(gw.id))
        except IpamError as error:
            raise DockerError(str(error)) from None

    def leave(self, net: Network, endpoint: Endpoint) -> None:
        """The veth goes; the last local endpoint takes the sandbox with it."""
        engine = self.engine
        box = self.sandboxes.get(net.id)
        sandbox = endpoint.container.netns
        if sandbox is not None and endpoint.ifname in sandbox.devices:
            sandbox.remove_device(endpoint.ifname)
        if box is None:
            return
        in_box = box.veths.pop(endpoint.id, None)
        if in_box is not None and in_box in box.ns.devices:
            box.ns.remove_device(in_box)
        box.endpoints.discard(endpoint.id)
        if engine.swarm is not None:
            engine.swarm.peer_delete(net, endpoint)
        if not box.endpoints:
            self._destroy(net)  # leaveSandbox: the last local endpoint takes the namespace with it

    def program_peer(self, net: Network, peer: Peer, add: bool) -> None:
        """``peerAdd``/``peerDelete`` on this host, when the control plane tells it about a remote endpoint."""
        box = self.sandboxes.get(net.id)
        if box is None:
            return  # no local container on the network yet: the peer db is replayed when one joins
        self._program(box, peer, add)
        swarm = self.engine.swarm
        assert swarm is not None
        swarm.record(self.engine, box.ns.node, "peer add" if add else "peer delete", _entries(peer))

    def _program(self, box: OverlaySandbox, peer: Peer, add: bool) -> None:
        table = box.ns.ipv4.neighbours
        if add:
            table.add_permanent("vxlan0", peer.ip, peer.mac)
            if peer.mac not in box.vxlan.fdb:
                box.vxlan.fdb_add(peer.mac, peer.vtep)
        else:
            table.delete("vxlan0", peer.ip)
            box.vxlan.fdb.pop(peer.mac, None)


def _entries(peer: Peer) -> tuple[str, ...]:
    return (f"{peer.ip} dev vxlan0 lladdr {peer.mac} PERMANENT", f"{peer.mac} dev vxlan0 dst {peer.vtep} self permanent")


def ensure_gwbridge(engine: DockerEngine) -> Network:
    """``docker_gwbridge``: made on demand (swarm init/join, or the first overlay endpoint)."""
    net = engine.network_by_name(GWBRIDGE)
    if net is not None:
        return net
    from simulator.engine.requests import NetworkRequestSpec

    net = engine.create_network(NetworkRequestSpec(GWBRIDGE, options=dict(GWBRIDGE_OPTIONS)))
    return net
