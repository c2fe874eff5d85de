"""The daemon's userland proxies: a ``docker-proxy`` host process per published port.

With ``--userland-proxy`` (dockerd's default) the bridge driver starts, for every
published port, ``/usr/bin/docker-proxy`` with the binding on its command line
(moby v20.10.24 ``libnetwork/portmapper/proxy_linux.go``; docker-v29.2.0
``daemon/libnetwork/portmapper/proxy_linux.go``, which opens the TCP socket itself and
hands it over: ``-use-listen-fd``). A binding on every address (``-p 8080:80``) has
a second proxy for ``::`` too, with the container's IPv4 address as its target.
The proxies stop when the container's ports are released.

Here each IPv4 TCP proxy is :class:`simulator.programs.docker_proxy.DockerProxy`,
listening in the host's namespace; its processes are in the host's process table
(``ps``) and its socket is shown as theirs (``netstat -p``, ``ss -p``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Protocol

from simulator.errors import DockerError
from simulator.kernel.ipv4.stack import SocketOwner
from simulator.kernel.ipv4.tcp import TcpError
from simulator.programs.docker_proxy import DockerProxy, SharedPort

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.firewall import PublishedPort

PROXY_PATH = "/usr/bin/docker-proxy"  # the docker-ce package's, dockerd's default --userland-proxy-path
LISTEN_BACKLOG = 4096  # Go's net.Listen: the kernel's somaxconn (4096 from Linux 5.4)
LISTEN_FD = 4  # -use-listen-fd: the socket is the proxy's second extra file (the first, fd 3, its status pipe)


class HostProcesses(Protocol):
    """The Docker host's process table, as the daemon's children appear in it."""

    def spawn(self, argv: tuple[str, ...]) -> int:
        """Start a child of dockerd; its PID on the host."""

    def exit(self, pid: int) -> None:
        """The process ended."""


@dataclass
class RunningProxies:
    """One container's proxies: the listeners and the host PIDs of their processes."""

    proxies: list[DockerProxy] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)


def command_line(binding: PublishedPort, host_ip: str, listen_fd: bool) -> tuple[str, ...]:
    """docker-proxy's argv as the daemon starts it."""
    argv = (PROXY_PATH, "-proto", binding.proto, "-host-ip", host_ip, "-host-port", str(binding.host_port),
            "-container-ip", str(binding.container_ip), "-container-port", str(binding.container_port))
    return (*argv, "-use-listen-fd") if listen_fd and binding.proto == "tcp" else argv


class UserlandProxies:
    """The proxies of one daemon's published ports."""

    def __init__(self, engine: DockerEngine) -> None:
        self.engine = engine
        self.processes: HostProcesses | None = None  # the host's process table, when the lab keeps one
        self.running: dict[str, RunningProxies] = {}  # by container id
        self.ports: dict[int, SharedPort] = {}  # the host's listening sockets, by TCP port

    @property
    def listen_fd(self) -> bool:
        """Docker >= 28 binds the socket itself and passes it (``-use-listen-fd``)."""
        return self.engine.profile.at_least("28.0")

    def start(self, container: Container, endpoint_id: str) -> None:
        """A proxy per binding of ``container`` (raises Docker's error when the host port is taken)."""
        running = RunningProxies()
        self.running[container.id] = running
        for binding in container.port_bindings:
            pids = [self._spawn(binding, host_ip) for host_ip in self._addresses(binding)]
            running.pids += [pid for pid in pids if pid is not None]
            if binding.proto == "tcp" and ":" not in binding.host_ip:
                proxy = self._listen(container, endpoint_id, binding)
                running.proxies.append(proxy)
                fd = LISTEN_FD if self.listen_fd else 3
                self.engine.machine.netns.ipv4.socket_owners[("tcp", binding.host_port)] = SocketOwner(
                    proxy.host_ip, "docker-proxy", pids[0], self.engine.machine.name, fd=fd, backlog=LISTEN_BACKLOG)

    def _spawn(self, binding: PublishedPort, host_ip: str) -> int | None:
        """The proxy's process on the host (its PID), when the lab keeps the host's process table."""
        if self.processes is None:
            return None
        return self.processes.spawn(command_line(binding, host_ip, self.listen_fd))

    @staticmethod
    def _addresses(binding: PublishedPort) -> tuple[str, ...]:
        """The host addresses the daemon binds: ``0.0.0.0`` gets its ``::`` twin."""
        return (binding.host_ip, "::") if binding.host_ip == "0.0.0.0" else (binding.host_ip,)

    def _listen(self, container: Container, endpoint_id: str, binding: PublishedPort) -> DockerProxy:
        port = self.ports.get(binding.host_port)
        if port is None or not port.proxies:
            try:
                port = SharedPort(self.engine.machine.netns, binding.host_port)
            except TcpError:
                self.stop(container)
                raise DockerError(self.engine.profile.messages.networking(self._in_use(container, endpoint_id, binding)), 125) from None
            self.ports[binding.host_port] = port
        return DockerProxy(self.engine.sim, port, IPv4Address(binding.host_ip), binding.container_ip, binding.container_port)

    def _in_use(self, container: Container, endpoint_id: str, binding: PublishedPort) -> str:
        """The bridge driver's words when something on the host already listens on the port."""
        head = f"driver failed programming external connectivity on endpoint {container.name} ({endpoint_id}): "
        if self.listen_fd:  # portallocator/osallocator_linux.go
            return head + f"failed to bind host port {binding.host_ip}:{binding.host_port}/tcp: address already in use"
        return head + f"Error starting userland proxy: listen tcp4 {binding.host_ip}:{binding.host_port}: bind: address already in use"

    def stop(self, container: Container) -> None:
        """The container's ports are released: its proxies end."""
        running = self.running.pop(container.id, None)
        if running is None:
            return
        for proxy in running.proxies:
            proxy.stop()
        if self.processes is not None:
            for pid in running.pids:
                self.processes.exit(pid)
