"""Swarm mode, as far as overlay networks need it: nodes, cluster-scoped networks, peers.

``docker swarm init`` makes a host the first manager of a cluster; ``docker swarm
join --token ... MANAGER:2377`` adds another as a worker (or manager). From then
on the cluster, not one daemon, owns overlay networks: a manager allocates each
one a subnet from the global pool (10.0.0.0/8 in /24s: ``ingress`` gets
10.0.0.0/24 since 20.10, the first user network 10.0.1.0/24), a VXLAN network id
(VNI) from 4096 upward (``ingress`` 4096, then 4097, ...), and addresses serially
(the next one after the last, wrapping). Every node with a container on the
network also gets a load-balancer address ``lb-NAME`` on it.

The data plane is simulated packet by packet (``drivers/overlay.py``,
``kernel/devices/vxlan.py``). The control plane is not: Docker's managers talk
Raft over TCP 2377 and every node gossips the network's endpoints ("peers": IP,
MAC, the host's VTEP address) over TCP/UDP 7946 (NetworkDB on memberlist).
Here joining is instant and a new endpoint's peer entries are written at once
into the overlay namespace of every other node that has the network (a
neighbour entry and a VXLAN FDB entry each, as ``peerAdd`` programs them); each
such write leaves a :class:`~simulator.trace.records.ControlPlaneProgrammed`
record that says it was abstract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.engine.ipam import AddressPool, IpamError
from simulator.errors import DockerError
from simulator.trace.records import ControlPlaneProgrammed

if TYPE_CHECKING:
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Endpoint, Network
    from simulator.packets.addresses import MacAddress
    from simulator.sim.simulation import Simulation

GLOBAL_POOL = IPv4Network("10.0.0.0/8")  # the swarm's default address pool
GLOBAL_POOL_SIZE = 24
VNI_START = 4096  # ovmanager vxlanIDStart: below it would collide with 802.1Q VLAN ids
MANAGER_PORT = 2377
ABSTRACT = (
    "control plane simulated abstractly: Docker gossips peers between nodes over TCP/UDP 7946 (NetworkDB); "
    "here the entries are written directly on every node, with no packets"
)
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def swarm_id(sim: Simulation, length: int = 25) -> str:
    """A swarmkit identity: 25 lowercase base-36 characters (node, network and cluster ids)."""
    rng = sim.stream("swarm")
    return "".join(BASE36[rng.randrange(36)] for _ in range(length))


@dataclass
class SerialAddressPool(AddressPool):
    """Swarm IPAM: addresses handed out serially, after the last one, wrapping (``serial = true``)."""

    last: int = 0

    def allocate(self, preferred: IPv4Address | None = None, in_range: bool = True) -> IPv4Address:
        """The next address after the last one given (the swarm's serial allocator)."""
        if preferred is not None:
            return super().allocate(preferred, in_range)
        scope = self.ip_range if (in_range and self.ip_range is not None) else self.subnet
        first, last = int(scope.network_address), int(scope.broadcast_address)
        size = last - first + 1
        start = max(self.last + 1, first) if first <= self.last + 1 <= last else first
        for k in range(size):
            candidate = first + (start - first + k) % size
            if candidate not in self.used:
                self.used.add(candidate)
                self.last = candidate
                return IPv4Address(candidate)
        raise IpamError("no available IPv4 addresses")


@dataclass
class SwarmNode:
    """One daemon in the cluster (``docker node ls``)."""

    id: str
    engine: DockerEngine
    role: str  # "manager" | "worker"
    addr: IPv4Address
    leader: bool = False
    gossip_id: str = ""  # NetworkDB's random suffix of the node name
    lb: dict[str, IPv4Address] = field(default_factory=dict)  # network id -> lb-NAME address
    lb_ids: dict[str, str] = field(default_factory=dict)  # network id -> its endpoint id

    @property
    def hostname(self) -> str:
        """The node's host name (``docker node ls``)."""
        return self.engine.machine.hostname

    @property
    def peer_name(self) -> str:
        """The name NetworkDB knows the node by (``Peers`` in ``docker network inspect``)."""
        return f"{self.hostname}-{self.gossip_id}"


@dataclass(frozen=True)
class Peer:
    """One endpoint of an overlay network, as the peer table carries it."""

    endpoint_id: str
    ip: IPv4Address
    mac: MacAddress
    vtep: IPv4Address
    node: str


class Swarm:
    """The cluster every daemon of a lab may join (at most one)."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.id = ""
        self.nodes: dict[str, SwarmNode] = {}  # by machine name, in join order
        self.worker_token = ""
        self.manager_token = ""
        self.networks: dict[str, Network] = {}  # cluster-scoped networks by id
        self.vnis: dict[str, int] = {}  # network id -> VNI
        self.subnets: dict[IPv4Network, str] = {}  # allocated from the global pool
        self.peers: dict[str, list[Peer]] = {}  # network id -> endpoints

    # -- membership ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether a cluster exists."""
        return bool(self.nodes)

    def node(self, engine: DockerEngine) -> SwarmNode | None:
        """The daemon's node in the cluster, or None."""
        return self.nodes.get(engine.machine.name)

    def init(self, engine: DockerEngine, addr: IPv4Address) -> SwarmNode:
        """``docker swarm init``: a new cluster with this node as its leader; ``ingress`` is created."""
        if self.node(engine) is not None:
            raise DockerError('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.')
        if self.active:
            raise DockerError("dockersim: this lab has one swarm; join it with the token 'docker swarm join-token worker' prints")
        self.id = swarm_id(self.sim)
        secret = swarm_id(self.sim, 50)
        self.worker_token = f"SWMTKN-1-{secret}-{swarm_id(self.sim)}"
        self.manager_token = f"SWMTKN-1-{secret}-{swarm_id(self.sim)}"
        node = SwarmNode(swarm_id(self.sim), engine, "manager", addr, leader=True, gossip_id=self._gossip_id())
        self.nodes[engine.machine.name] = node
        self._ingress(engine)
        return node

    def join(self, engine: DockerEngine, token: str, remote: str, addr: IPv4Address) -> SwarmNode:
        """``docker swarm join --token TOKEN HOST:2377``."""
        if self.node(engine) is not None:
            raise DockerError('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.')
        host, _, port = remote.partition(":")
        managers = {str(n.addr) for n in self.nodes.values() if n.role == "manager"}
        if not self.active or host not in managers or (port and port != str(MANAGER_PORT)):
            raise DockerError("Timeout was reached before node joined. The attempt to join the swarm will continue in the background. "
                              'Use the "docker info" command to see the current swarm status of your node.')
        if token == self.worker_token:
            role = "worker"
        elif token == self.manager_token:
            role = "manager"
        else:
            raise DockerError("invalid join token")
        node = SwarmNode(swarm_id(self.sim), engine, role, addr, gossip_id=self._gossip_id())
        self.nodes[engine.machine.name] = node
        for net in self.networks.values():
            if net.name == "ingress":
                engine.networks[net.id] = net  # every node has the ingress network
        return node

    def _gossip_id(self) -> str:
        return f"{self.sim.stream('swarm').getrandbits(48):012x}"

    def leave(self, engine: DockerEngine, force: bool) -> None:
        """``docker swarm leave``: a manager needs ``--force``."""
        node = self.node(engine)
        if node is None:
            raise DockerError("This node is not part of a swarm")
        if node.role == "manager" and not force:
            raise DockerError(
                "You are attempting to leave the swarm on a node that is participating as a manager. "
                "Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message."
            )
        del self.nodes[engine.machine.name]
        if not any(n.role == "manager" for n in self.nodes.values()):
            self.nodes.clear()
            self.networks.clear()
            self.vnis.clear()
            self.subnets.clear()
            self.peers.clear()

    def require_manager(self, engine: DockerEngine) -> SwarmNode:
        """The daemon's node, which must be a manager (the daemon's message otherwise)."""
        node = self.node(engine)
        if node is None:
            raise DockerError('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.')
        if node.role != "manager":
            raise DockerError(
                "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. "
                "Please run this command on a manager node or promote the current node to a manager."
            )
        return node

    # -- networks ----------------------------------------------------------------------------

    def allocate_subnet(self, requested: IPv4Network | None, owner: str) -> IPv4Network:
        """The subnet asked for (refused on overlap) or the next free one of the global pool."""
        if requested is not None:
            if any(requested.overlaps(s) for s in self.subnets):
                raise DockerError("invalid pool request: Pool overlaps with other one on this address space")
            self.subnets[requested] = owner
            return requested
        base = int(GLOBAL_POOL.network_address)
        step = 1 << (32 - GLOBAL_POOL_SIZE)
        for k in range(GLOBAL_POOL.num_addresses // step):
            net = IPv4Network(f"{IPv4Address(base + k * step)}/{GLOBAL_POOL_SIZE}")
            if not any(net.overlaps(s) for s in self.subnets):
                self.subnets[net] = owner
                return net
        raise DockerError("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")

    def allocate_vni(self, net_id: str) -> int:
        """The lowest free VXLAN id from 4096."""
        vni = VNI_START
        used = set(self.vnis.values())
        while vni in used:
            vni += 1
        self.vnis[net_id] = vni
        return vni

    def release_network(self, net: Network) -> None:
        """The cluster forgets a network: its VNI, peers and subnet."""
        self.networks.pop(net.id, None)
        self.vnis.pop(net.id, None)
        self.peers.pop(net.id, None)
        for subnet in [s for s, owner in self.subnets.items() if owner == net.id]:
            del self.subnets[subnet]
        for node in self.nodes.values():
            node.lb.pop(net.id, None)
            node.lb_ids.pop(net.id, None)
            node.engine.networks.pop(net.id, None)  # every node forgets a removed swarm network

    def _ingress(self, engine: DockerEngine) -> None:
        from simulator.engine.network import Network

        net_id = swarm_id(self.sim)
        subnet = self.allocate_subnet(None, net_id)
        pool = SerialAddressPool(subnet)
        gateway = pool.allocate()
        vni = self.allocate_vni(net_id)
        ingress = Network(net_id, "ingress", "overlay", self.sim.now, subnet=subnet, gateway=gateway, pool=pool,
                          options={"com.docker.network.driver.overlay.vxlanid_list": str(vni)}, ipam_options=None, scope="swarm")
        self.networks[net_id] = ingress
        engine.networks[net_id] = ingress

    def network(self, ref: str) -> Network | None:
        """A swarm network by name, id or unique id prefix, or None."""
        for net in self.networks.values():
            if net.name == ref or net.id == ref:
                return net
        matches = [n for n in self.networks.values() if ref and n.id.startswith(ref)]
        return matches[0] if len(matches) == 1 else None

    def lb_address(self, node: SwarmNode, net: Network) -> IPv4Address:
        """The node's ``lb-NAME`` address on ``net`` (allocated when the node first uses it)."""
        ip = node.lb.get(net.id)
        if ip is None and net.pool is not None:
            ip = net.pool.allocate()
            node.lb[net.id] = ip
            node.lb_ids[net.id] = f"{self.sim.stream('ids').getrandbits(256):064x}"
        assert ip is not None
        return ip

    # -- peers (NetworkDB's overlay_peer_table) ----------------------------------------------

    def peer_add(self, net: Network, endpoint: Endpoint, node: SwarmNode) -> None:
        """A local endpoint joined: every other node that has the network learns it."""
        assert endpoint.ip is not None and endpoint.mac is not None
        peer = Peer(endpoint.id, endpoint.ip, endpoint.mac, node.addr, node.engine.machine.name)
        self.peers.setdefault(net.id, []).append(peer)
        for other in self.nodes.values():
            if other is not node:
                other.engine.drivers["overlay"].program_peer(net, peer, add=True)

    def peer_delete(self, net: Network, endpoint: Endpoint) -> None:
        """An endpoint left: every other node deletes its peer entries."""
        peers = self.peers.get(net.id, [])
        gone = [p for p in peers if p.endpoint_id == endpoint.id]
        for peer in gone:
            peers.remove(peer)
            for other in self.nodes.values():
                if other.engine.machine.name != peer.node:
                    other.engine.drivers["overlay"].program_peer(net, peer, add=False)

    def remote_peers(self, net: Network, engine: DockerEngine) -> list[Peer]:
        """The network's endpoints on other nodes."""
        return [p for p in self.peers.get(net.id, []) if p.node != engine.machine.name]

    def record(self, engine: DockerEngine, namespace: str, action: str, entries: tuple[str, ...], note: str = ABSTRACT) -> None:
        """A trace record of what the control plane programmed."""
        self.sim.tracer.emit(ControlPlaneProgrammed(self.sim.now, engine.machine.name, namespace, action, entries, note))
