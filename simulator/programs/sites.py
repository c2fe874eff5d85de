"""Web sites served over h11 (``httpcore``): the package mirrors, Apache's httpd, WordPress.

A site is a function from a request to an answer that may take time (a
generator run as a simpy process: WordPress asks its database first). A
:class:`SiteServer` listens on a port of a namespace; each connection is served
one request after another, kept alive until the client closes it or a response
says ``Connection: close``. The nginx server (``servers``) can hand a connection
over to a site by its Host header, as a CDN front end does (the mirrors live
behind example.com's address).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.kernel.ipv4.tcp import TcpConnection, TcpError, TcpListener, TcpState, tcp_listen
from simulator.programs.httpcore import HttpError, Request, RequestReader
from simulator.sim import latency

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation


@dataclass(frozen=True)
class Answer:
    """What a site answers: status, headers (without Content-Length), body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


Site = Callable[[Request], Generator[Any, Any, Answer]]


class SiteConnection:
    """One client connection: requests in, answers out, in order."""

    def __init__(self, sim: Simulation, conn: TcpConnection, received: bytes, site: Site) -> None:
        self.sim = sim
        self.conn = conn
        self.site = site
        self.reader = RequestReader()
        self.pending = bytearray(received)
        self.queue: list[Request] = []
        self.busy = False
        self.scheduled = False
        conn.on_readable = self._readable
        self._readable(conn)

    def _readable(self, conn: TcpConnection) -> None:
        """Wake the worker once per batch of segments (epoll), after scheduler latency."""
        if self.scheduled:
            return
        self.scheduled = True
        low, high = latency.PROCESS_WAKEUP_S
        self.sim.call_later(low + self.sim.stream("jitter").random() * (high - low), self._read)

    def _read(self) -> None:
        self.scheduled = False
        conn = self.conn
        if conn.state is TcpState.CLOSED:
            return
        data = bytes(self.pending) + conn.read_available()
        self.pending.clear()
        try:
            if data:
                self.queue += self.reader.feed(data)
        except HttpError:
            conn.close()
            return
        if not self.busy and self.queue:
            self.busy = True
            self.sim.env.process(self._serve())
        elif not self.busy and conn.eof:
            conn.close()

    def _serve(self) -> Generator[Any, Any, None]:
        while self.queue:
            request = self.queue.pop(0)
            answer = yield from self.site(request)
            data, keep_alive = self.reader.respond(answer.status, list(answer.headers), answer.body,
                                                   head_only=request.method == "HEAD")
            try:
                self.conn.send(data)
            except TcpError:
                break
            if not keep_alive or any(k.lower() == "connection" and v.lower() == "close" for k, v in answer.headers):
                self.conn.close()
                self.queue.clear()
                break
        self.busy = False
        if self.conn.eof and self.conn.state is not TcpState.CLOSED:
            self.conn.close()


class SiteServer:
    """A listening web server: ``site`` answers every request on ``port``."""

    def __init__(self, sim: Simulation, netns: NetworkNamespace, port: int, site: Site) -> None:
        self.sim = sim
        self.site = site
        self.listener: TcpListener = tcp_listen(netns.ipv4, port, self._accept)

    def _accept(self, conn: TcpConnection) -> None:
        SiteConnection(self.sim, conn, b"", self.site)

    def stop(self) -> None:
        """Close the listening socket (open connections finish)."""
        self.listener.close()


def handoff(site: Site) -> Callable[[Simulation, TcpConnection, bytes], None]:
    """A taker for ``servers.HttpServer.sites``: serve the connection as ``site`` from now on."""

    def take(sim: Simulation, conn: TcpConnection, received: bytes) -> None:
        SiteConnection(sim, conn, received, site)

    return take
