"""``docker-proxy``: Docker's userland proxy, one process per published port.

With ``--userland-proxy`` (on by default) the daemon starts, for each published
port, ``docker-proxy`` on the host. It listens on the host port; for each
connection it accepts, it dials the container's address and port from the host
(so the container sees the bridge's address, 172.17.0.1, as the client) and copies
bytes both ways; when one side sends its FIN, the proxy half-closes the other
(``CloseWrite``), and it closes both once both directions are done
(moby ``cmd/docker-proxy/tcp_proxy.go``). It is what answers where the iptables
DNAT does not apply: ``curl localhost:8080`` on the host (nat OUTPUT skips
127.0.0.0/8) and a container reaching the host's address through docker0 (the DNAT
rule has ``! -i docker0``).

Simplified: TCP only; proxies bound to different addresses of one port share one
listening socket (the stack binds ports, not addresses), which dispatches by the
address a connection was made to and resets one made to another (``netstat`` shows
the port once); no IPv6 listener (the simulator's stack is IPv4), though the
daemon's second proxy for ``::`` is listed as a process.
"""

from __future__ import annotations

from collections.abc import Generator
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from simulator.kernel.ipv4.tcp import TcpConnection, TcpError, TcpListener, tcp_connect, tcp_listen

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

ANY = IPv4Address("0.0.0.0")
DIAL_TIMEOUT_S = 30.0  # net.Dial's default is the kernel's: give up with the SYN retries


class SharedPort:
    """One host port's listening socket, shared by the proxies of its addresses (``-p IP:PORT:...`` twice)."""

    def __init__(self, netns: NetworkNamespace, port: int) -> None:
        self.netns = netns
        self.port = port
        self.proxies: dict[IPv4Address, DockerProxy] = {}
        self.listener: TcpListener = tcp_listen(netns.ipv4, port, self._accept)  # TcpError(EADDRINUSE): a host program has it

    def _accept(self, client: TcpConnection) -> None:
        proxy = self.proxies.get(client.local_ip) or self.proxies.get(ANY)
        if proxy is None:
            client.abort("docker-proxy: not an address it listens on")
            return
        proxy.accept(client)

    def close(self) -> None:
        """The last proxy of the port stopped: the socket closes."""
        self.listener.close()
        self.netns.ipv4.socket_owners.pop(("tcp", self.port), None)


class DockerProxy:
    """One ``docker-proxy -proto tcp`` process: the connections to its address and port, each relayed to the container."""

    def __init__(self, sim: Simulation, port: SharedPort, host_ip: IPv4Address, container_ip: IPv4Address, container_port: int) -> None:
        self.sim = sim
        self.port = port
        self.host_ip = host_ip
        self.container_ip = container_ip
        self.container_port = container_port
        self.connections = 0
        port.proxies[host_ip] = self

    def accept(self, client: TcpConnection) -> None:
        """A connection to the proxy's address: dial the container and relay."""
        self.connections += 1
        self.sim.env.process(self._relay(client))

    def _relay(self, client: TcpConnection) -> Generator[Any, Any, None]:
        """Dial the container, then copy both ways until both sides have finished."""
        try:
            backend = yield from tcp_connect(self.port.netns.ipv4, self.container_ip, self.container_port, DIAL_TIMEOUT_S)
        except TcpError:
            client.close()  # tcp_proxy.go: "Can't forward traffic to backend": the client's connection closes
            return
        self.sim.env.process(_copy(client, backend))
        self.sim.env.process(_copy(backend, client))

    def stop(self) -> None:
        """The daemon stops the proxy; the port's socket closes with its last proxy."""
        if self.port.proxies.get(self.host_ip) is self:
            del self.port.proxies[self.host_ip]
        if not self.port.proxies:
            self.port.close()


def _copy(source: TcpConnection, target: TcpConnection) -> Generator[Any, Any, None]:
    """``io.Copy(target, source)``, then ``target.CloseWrite()``: the peer's FIN passed on."""
    while True:
        try:
            data = yield from source.recv()
        except TcpError:
            target.abort("docker-proxy: the other side was reset")
            return
        if not data:
            target.close()
            return
        try:
            target.send(data)
        except TcpError:
            source.abort("docker-proxy: the other side was reset")
            return
