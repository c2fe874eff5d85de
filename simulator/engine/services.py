"""What an image's default command serves once its container starts.

A real image runs a server in the foreground (nginx, mysqld, apache2); here each
is a listener on the container's namespace, started by the engine when the
container starts and stopped with it. Which one an image runs is data: the
image's ``service`` names a row of ``SERVICES``. A starter returns the running
service, or the exit status of a container whose server could not start (the
port already taken in a shared namespace).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from simulator.kernel.ipv4.tcp import TcpError

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine


class Service(Protocol):
    """A server an image runs: it stops when its container does."""

    def stop(self) -> None:
        """Close its listening sockets."""


Starter = Callable[["DockerEngine", "Container"], "Service | int"]


def nginx(engine: DockerEngine, container: Container) -> Service | int:
    """nginx listens on port 80; it exits (1) when something already listens there (host mode)."""
    from simulator.programs.servers import start_http_server

    assert container.netns is not None
    try:
        return start_http_server(engine.sim, container.netns, 80)
    except TcpError:
        return 1


SERVICES: dict[str, Starter] = {"nginx": nginx}


def start(engine: DockerEngine, container: Container) -> Service | int | None:
    """Start what ``container``'s image serves: the service, an exit status, or None (serves nothing)."""
    starter = SERVICES.get(container.image.service)
    if starter is None or container.netns is None:
        return None
    return starter(engine, container)
