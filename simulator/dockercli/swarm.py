"""``docker swarm init|join|join-token|leave`` and ``docker node ls``, printed like the CLI.

Joining a swarm also prepares what overlay networks need on the node: the
``ingress`` network is known and ``docker_gwbridge`` (a local bridge network,
ICC off, masquerade on) is created, its first address after the gateway taken by
the ingress sandbox (the routing mesh itself is not simulated). The handshake with
the manager (TLS on TCP 2377) is not simulated packet by packet: the trace says
so.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.dockercli import output
from simulator.dockercli.base import NONE, CliOutcome, Command, Group, Table, exactly
from simulator.dockercli.parser import Flag, Parsed
from simulator.engine.drivers.overlay import ensure_gwbridge
from simulator.engine.swarm import MANAGER_PORT
from simulator.errors import CliError, DockerError

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.swarm import Swarm

SWARM_USAGE = """
Usage:  docker swarm COMMAND

Manage Swarm

Commands:
  init        Initialize a swarm
  join        Join a swarm as a node and/or manager
  join-token  Manage join tokens
  leave       Leave the swarm

Run 'docker swarm COMMAND --help' for more information on a command.
"""
HANDSHAKE = "joined without packets: the manager handshake (TLS over TCP 2377) and Raft are not simulated"


def _outcome(stdout: str = "", stderr: str = "", exit_code: int = 0) -> CliOutcome:
    return CliOutcome(stdout=stdout, stderr=stderr, exit_code=exit_code, changed=bool(stdout) and not exit_code)


def _swarm_of(engine: DockerEngine) -> Swarm:
    if engine.swarm is None:
        raise DockerError("dockersim: this daemon is not part of a lab that can form a swarm")
    return engine.swarm


def _advertise(engine: DockerEngine, text: str | None) -> IPv4Address:
    """``--advertise-addr``: an address, or the address of the interface with the default route."""
    ns = engine.machine.netns
    if text:
        host = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
        if host in ns.devices:
            addr = ns.ipv4.primary_address(host)
            if addr is None:
                raise DockerError(f"interface {host} has no usable IPv4 address")
            return addr
        try:
            return IPv4Address(host)
        except ValueError:
            raise DockerError("advertise address must be a non-zero IP address or network interface (with optional port number)") from None
    route = ns.ipv4.routes.lookup(IPv4Address("8.8.8.8"))
    addr = ns.ipv4.primary_address(route.dev) if route is not None else None
    if addr is None:
        raise DockerError("could not choose an IP address to advertise since this system has no default route")
    return addr


def _prepare_node(engine: DockerEngine) -> None:
    """What a node builds on joining: docker_gwbridge, with the ingress sandbox's address taken."""
    gw = ensure_gwbridge(engine)
    if gw.pool is not None:
        gw.pool.allocate()  # ingress-sbox's endpoint (the routing mesh is not simulated)


def init(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker swarm init [--advertise-addr ADDR]``: this node, the manager of a new swarm."""
    engine = cli.engine
    cluster = _swarm_of(engine)
    addr = _advertise(engine, p.value("advertise-addr"))
    node = cluster.init(engine, addr)
    _prepare_node(engine)
    cluster.record(engine, "", "swarm init", (f"node {node.id} ({engine.machine.hostname}) manager at {addr}:{MANAGER_PORT}",), HANDSHAKE)
    text = (
        f"Swarm initialized: current node ({node.id}) is now a manager.\n\n"
        "To add a worker to this swarm, run the following command:\n\n"
        f"    docker swarm join --token {cluster.worker_token} {addr}:{MANAGER_PORT}\n\n"
        "To add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n"
    )
    return _outcome(text)


def join(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker swarm join --token TOKEN MANAGER:2377``."""
    engine = cli.engine
    cluster = _swarm_of(engine)
    token = p.value("token") or ""
    if not token:
        raise DockerError("invalid join token")
    node = cluster.join(engine, token, p.args[0], _advertise(engine, p.value("advertise-addr")))
    _prepare_node(engine)
    cluster.record(engine, "", "swarm join", (f"node {node.id} ({engine.machine.hostname}) {node.role} at {node.addr}",), HANDSHAKE)
    return _outcome(f"This node joined a swarm as a {node.role}.\n")


def join_token(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker swarm join-token [-q] worker|manager``: the command a node joins with."""
    engine = cli.engine
    cluster = _swarm_of(engine)
    role = p.args[0]
    if role not in ("worker", "manager"):
        raise CliError(f"unknown role {role}\n", 1)
    node = cluster.require_manager(engine)
    token = cluster.worker_token if role == "worker" else cluster.manager_token
    if p.flag("quiet"):
        return _outcome(token + "\n")
    return _outcome(
        f"To add a {role} to this swarm, run the following command:\n\n"
        f"    docker swarm join --token {token} {node.addr}:{MANAGER_PORT}\n\n"
    )


def leave(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker swarm leave [-f]``."""
    _swarm_of(cli.engine).leave(cli.engine, p.flag("force"))
    return _outcome("Node left the swarm.\n")


def node_ls(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker node ls``: managers only."""
    engine = cli.engine
    cluster = _swarm_of(engine)
    me = cluster.require_manager(engine)
    rows = []
    for n in sorted(cluster.nodes.values(), key=lambda n: n.hostname):
        status = "Leader" if n.leader else ("Reachable" if n.role == "manager" else "")
        rows.append([n.id + (" *" if n is me else ""), n.hostname, "Ready", "Active", status, n.engine.profile.version])
    return _outcome(output.table(["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"], rows))


NODE_LS = Command("node ls", node_ls, (Flag("quiet", "q"), Flag("filter", "f", value=True, repeat=True)))


def node(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker node ls`` (or ``list``); any other word: the usage, on stderr."""
    args = p.args
    if not args or args[0] not in ("ls", "list"):
        return _outcome(stderr="\nUsage:  docker node COMMAND\n\nManage Swarm nodes\n", exit_code=0 if not args else 1)
    return NODE_LS(cli, args[1:])


SWARM = Group("swarm", SWARM_USAGE, {
    "init": Command("swarm init", init, (Flag("advertise-addr", value=True), Flag("listen-addr", value=True),
                                         Flag("data-path-port", value=True), Flag("force-new-cluster")), NONE),
    "join": Command("swarm join", join, (Flag("token", value=True), Flag("advertise-addr", value=True),
                                         Flag("listen-addr", value=True)), exactly(1)),
    "join-token": Command("swarm join-token", join_token, (Flag("quiet", "q"), Flag("rotate")), exactly(1)),
    "leave": Command("swarm leave", leave, (Flag("force", "f"),)),
}, usage_changes=True)

COMMANDS: Table = {"swarm": SWARM, "node": Command("node", node, flags=None)}
