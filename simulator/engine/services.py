"""What an image's default command serves once its container starts.

A real image runs a server in the foreground (nginx, mysqld, apache2); here each
is a listener on the container's namespace, started by the engine when the
container starts and stopped with it. Which one an image runs is data: the
image's ``service`` names a row of ``SERVICES``. A starter returns the running
service, or the exit status of a container whose server could not start (the
port already taken in a shared namespace).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any, Protocol

from simulator.engine import container_logs
from simulator.kernel.ipv4.stack import SocketOwner
from simulator.kernel.ipv4.tcp import TcpError

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine
    from simulator.kernel.namespace import NetworkNamespace


class Service(Protocol):
    """A server an image runs: it stops when its container does."""

    def stop(self) -> None:
        """Close its listening sockets."""


Starter = Callable[["DockerEngine", "Container"], "Service | int"]


@dataclass
class Owned:
    """A server and the listening socket ``netstat -p`` shows as its PID 1's."""

    server: Service
    netns: NetworkNamespace
    port: int

    def stop(self) -> None:
        """Close the server and forget who held its socket."""
        self.server.stop()
        self.netns.ipv4.socket_owners.pop(("tcp", self.port), None)


def _owned(server: Service, container: Container, port: int, program: str, backlog: int, fd: int = 3) -> Owned:
    """``server``, its socket on ``port`` held by the container's main process (PID 1)."""
    assert container.netns is not None
    container.netns.ipv4.socket_owners[("tcp", port)] = SocketOwner(IPv4Address("0.0.0.0"), program, 1, container.id, fd=fd, backlog=backlog)
    return Owned(server, container.netns, port)


# nginx's two workers (worker_processes auto on the lab host's 2 CPUs, dockercli.info.HOST_CPUS): the PIDs
# after those the entrypoint's scripts used, as nginx's start-up logs commonly show them.
NGINX_WORKER_PIDS = (29, 30)


def _log(engine: DockerEngine, container: Container, lines: container_logs.Lines) -> None:
    """The main process's start-up lines into the container's log (docker logs)."""
    for stream, text in lines:
        container.log.write(engine.sim.now, stream, text)


def _nofile(engine: DockerEngine) -> str:
    """A container's RLIMIT_NOFILE (soft:hard), inherited from containerd's unit.

    Up to 24 Docker's and containerd's units set LimitNOFILE=infinity (1048576 on
    Ubuntu); from 25 (moby#45534) and containerd 2 the units leave systemd's default.
    """
    return "1024:524288" if engine.profile.at_least("25.0") else "1048576:1048576"


def nginx(engine: DockerEngine, container: Container) -> Service | int:
    """nginx listens on port 80; it exits (1) when something already listens there (host mode)."""
    from simulator.programs.servers import NGINX_VERSION, start_http_server

    assert container.netns is not None
    _log(engine, container, container_logs.nginx(engine.sim.now, NGINX_VERSION, engine.profile.kernel, NGINX_WORKER_PIDS, _nofile(engine)))
    try:
        server = start_http_server(engine.sim, container.netns, 80)
    except TcpError:
        return 1
    server.access_log = lambda line: container.log.write(engine.sim.now, "stdout", line)  # access.log -> /dev/stdout
    # nginx's master process is the container's PID 1 (netstat -p names it)
    return _owned(server, container, 80, "nginx: master process nginx -g daemon off;", 511, fd=6)


def environ(container: Container) -> dict[str, str]:
    """The main process's environment: the image's ENV, then ``-e``."""
    out = dict(item.partition("=")[::2] for item in container.image.env)
    out.update(dict(item.partition("=")[::2] for item in container.env))
    return out


def httpd(engine: DockerEngine, container: Container) -> Service | int:
    """httpd-foreground: Apache on port 80 with the image's default page."""
    from simulator.programs import sites, webapps

    assert container.netns is not None
    try:
        server = sites.SiteServer(engine.sim, container.netns, 80, webapps.httpd(engine.sim))
    except TcpError:
        return 1
    return _owned(server, container, 80, "httpd -DFOREGROUND", 511)


def mysql(engine: DockerEngine, container: Container) -> Service | int:
    """docker-entrypoint.sh mysqld: needs a root password setting, then listens on 3306."""
    from simulator.programs import mysql as mysqld

    assert container.netns is not None
    if container.image.tag == "5.7":
        _log(engine, container, container_logs.mysql_57(engine.sim.now, environ(container)))
    server = mysqld.start_server(engine.sim, container.netns, environ(container))
    if isinstance(server, int):
        return server
    return _owned(server, container, mysqld.PORT, "mysqld", 80)  # back_log: 80 in 5.7


def wordpress(engine: DockerEngine, container: Container) -> Service | int:
    """apache2-foreground: WordPress on port 80, asking its database on every page."""
    from simulator.engine.container_files import container_files
    from simulator.programs import resolver, sites, webapps

    netns = container.netns
    assert netns is not None

    def resolve(name: str) -> Generator[Any, Any, str | None]:
        """The database's address, as the container's resolver finds it (its /etc/hosts, then DNS)."""
        files = container_files(engine, container)
        lookup = yield from resolver.resolve(engine.sim, netns, files, name, ("A",))
        v4 = [a for a in lookup.addresses if ":" not in a]
        return v4[0] if v4 else None

    address = next((str(ep.ip) for ep in container.endpoints.values() if ep.ip is not None), "127.0.1.1")  # host mode: hostname -i
    _log(engine, container, container_logs.wordpress(engine.sim.now, environ(container), address, webapps.WORDPRESS_SERVER, webapps.PHP_VERSION))
    try:
        server = sites.SiteServer(engine.sim, netns, 80, webapps.wordpress(engine.sim, netns, environ(container), resolve))
    except TcpError:
        return 1
    return _owned(server, container, 80, "apache2 -DFOREGROUND", 511)


SERVICES: dict[str, Starter] = {"nginx": nginx, "httpd": httpd, "mysql": mysql, "wordpress": wordpress}


def start(engine: DockerEngine, container: Container) -> Service | int | None:
    """Start what ``container``'s image serves: the service, an exit status, or None (serves nothing)."""
    starter = SERVICES.get(container.image.service)
    if starter is None or container.netns is None:
        return None
    return starter(engine, container)
