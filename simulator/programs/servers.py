"""Servers that stay up: a listening socket and the callbacks behind it.

A real nginx is a master process and workers asleep in ``epoll_wait``; here it is a
TCP listener registered on the namespace's IPv4 stack (``tcp_listen``) whose
callbacks run when segments arrive, so it keeps serving after whatever command
started it has returned, and nothing runs between requests.

For each connection: wait until a request head (up to the blank line) has arrived,
answer it after the worker wakes up (scheduler latency), and keep the connection
open (HTTP/1.1 keep-alive) until the client closes its side; then close ours, so the
close is the client's FIN, our FIN-ACK, its ACK. A request that asks for
``Connection: close`` (busybox wget always does) or speaks HTTP/1.0 is answered and
then closed by the server, which therefore ends in TIME-WAIT.

What nginx 1.29 answers with its default configuration (``/usr/share/nginx/html``):
``GET /`` and ``GET /index.html`` the welcome page (615 bytes); ``HEAD`` the same
headers without the body; any other path 404 with nginx's own error page; methods
other than GET and HEAD 405; a request line it cannot parse 400. Simplified: request
bodies are not read, no ``If-Modified-Since``/ranges, no ``/50x.html``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import TYPE_CHECKING

from simulator.kernel.ipv4.tcp import TcpConnection, TcpError, TcpListener, TcpState, tcp_listen
from simulator.sim import latency

if TYPE_CHECKING:
    from ipaddress import IPv4Address

    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

EPOCH_S = 1_767_225_600  # simulated time 0 is 2026-01-01 00:00:00 UTC
NGINX_VERSION = "1.29.3"
NGINX_SERVER = f"nginx/{NGINX_VERSION}"

# /usr/share/nginx/html/index.html as the nginx 1.29 package installs it.
NGINX_INDEX_HTML = b"""<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
# The file's mtime in the image (the package's build, the day 1.29.3 was released):
# Last-Modified, and the ETag nginx derives from it ("%xT-%xO": mtime-size in hex).
NGINX_INDEX_MTIME_S = 1_761_653_110  # Tue, 28 Oct 2025 12:05:10 GMT
STATUS_TEXT = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Not Allowed"}
INDEX_PATHS = frozenset({"/", "/index.html"})
FLAVOURS = ("nginx",)


def http_date(epoch_s: float) -> str:
    """RFC 7231 7.1.1.1 IMF-fixdate: ``Thu, 01 Jan 2026 00:00:00 GMT``.

    >>> http_date(EPOCH_S)
    'Thu, 01 Jan 2026 00:00:00 GMT'
    """
    return formatdate(int(epoch_s), usegmt=True)


def nginx_error_page(status: int) -> bytes:
    """``ngx_http_special_response.c``: the page, then the tail naming the version.

    >>> len(nginx_error_page(404))
    153
    """
    title = f"{status} {STATUS_TEXT[status]}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        f"<hr><center>{NGINX_SERVER}</center>\r\n</body>\r\n</html>\r\n"
    ).encode()


@dataclass(frozen=True)
class HttpRequest:
    """A parsed request head (RFC 9112 3 and 5): header names in lower case."""

    method: str
    target: str
    version: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The target without its query string or fragment."""
        return self.target.split("?", 1)[0].split("#", 1)[0]

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept (RFC 9112 9.3: HTTP/1.1 unless ``close``)."""
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


def parse_request(head: bytes) -> HttpRequest | None:
    """The request line and headers, or None if they are not HTTP.

    >>> parse_request(b"GET / HTTP/1.1\\r\\nHost: a\\r\\n").headers
    {'host': 'a'}
    """
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[1].startswith("/"):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            return None
        headers[name.lower()] = value.strip()
    return HttpRequest(parts[0], parts[1], parts[2], headers)


def nginx_response(request: HttpRequest | None, now_s: float) -> tuple[bytes, bool]:
    """nginx's answer to one request at simulated time ``now_s``: (bytes, keep-alive)."""
    if request is None:
        status, body, keep_alive, head_only = 400, nginx_error_page(400), False, False
    else:
        keep_alive = request.keep_alive
        head_only = request.method == "HEAD"
        if request.method not in ("GET", "HEAD"):
            status, body = 405, nginx_error_page(405)
        elif request.path in INDEX_PATHS:
            status, body = 200, NGINX_INDEX_HTML
        else:
            status, body = 404, nginx_error_page(404)
    headers = [
        f"HTTP/1.1 {status} {STATUS_TEXT[status]}",
        f"Server: {NGINX_SERVER}",
        f"Date: {http_date(EPOCH_S + now_s)}",
        "Content-Type: text/html",
        f"Content-Length: {len(body)}",
    ]
    if status == 200:
        headers.append(f"Last-Modified: {http_date(NGINX_INDEX_MTIME_S)}")
    headers.append(f"Connection: {'keep-alive' if keep_alive else 'close'}")
    if status == 200:
        headers += [f'ETag: "{NGINX_INDEX_MTIME_S:x}-{len(body):x}"', "Accept-Ranges: bytes"]
    data = ("\r\n".join(headers) + "\r\n\r\n").encode()
    if not head_only:
        data += body
    return data, keep_alive


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def access_line(client: IPv4Address, request: HttpRequest, response: bytes, now_s: float) -> str:
    """One line of nginx's access log in the image's ``main`` format (/etc/nginx/nginx.conf of nginx:latest).

    ``$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
    "$http_referer" "$http_user_agent" "$http_x_forwarded_for"``; an absent value is ``-``.
    """
    head, _, body = response.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1].decode()
    t = datetime.datetime.fromtimestamp(EPOCH_S + now_s, tz=datetime.timezone.utc)
    moment = f"{t.day:02d}/{_MONTHS[t.month - 1]}/{t.year}:{t.hour:02d}:{t.minute:02d}:{t.second:02d} +0000"  # $time_local, TZ=UTC
    line = f"{request.method} {request.target} {request.version}"
    fields = [request.headers.get(name) or "-" for name in ("referer", "user-agent", "x-forwarded-for")]
    return f'{client} - - [{moment}] "{line}" {status} {len(body)} "{fields[0]}" "{fields[1]}" "{fields[2]}"\n'


class HttpServer:
    """One listening HTTP server (the state behind ``start_http_server``)."""

    def __init__(self, sim: Simulation, netns: NetworkNamespace, port: int, flavour: str) -> None:
        self.sim = sim
        self.netns = netns
        self.port = port
        self.flavour = flavour
        self.requests = 0
        self.access_log: Callable[[str], None] | None = None  # where nginx's access.log goes (the image: stdout)
        # Virtual hosts served by other code: Host header -> who takes the connection over
        # (with the bytes received so far), as one CDN front end serves many names.
        self.sites: dict[str, Callable[[Simulation, TcpConnection, bytes], None]] = {}
        self._buffers: dict[TcpConnection, bytearray] = {}
        self._scheduled: set[TcpConnection] = set()
        self.listener: TcpListener = tcp_listen(netns.ipv4, port, self._accept)

    def _accept(self, conn: TcpConnection) -> None:
        self._buffers[conn] = bytearray()
        conn.on_readable = self._readable
        if conn.eof or conn.available:  # data came with the handshake's ACK
            self._readable(conn)

    def _readable(self, conn: TcpConnection) -> None:
        """Wake the worker (epoll) once per batch of events."""
        if conn in self._scheduled or conn not in self._buffers:
            return
        self._scheduled.add(conn)
        low, high = latency.PROCESS_WAKEUP_S
        self.sim.call_later(low + self.sim.stream("jitter").random() * (high - low), lambda: self._serve(conn))

    def _serve(self, conn: TcpConnection) -> None:
        self._scheduled.discard(conn)
        buffer = self._buffers.get(conn)
        if buffer is None:
            return
        if conn.state is TcpState.CLOSED:
            del self._buffers[conn]
            return
        buffer += conn.read_available()
        while b"\r\n\r\n" in buffer:
            head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
            request = parse_request(head)
            site = self.sites.get(request.headers.get("host", "").rsplit(":", 1)[0].lower()) if request else None
            if site is not None:
                del self._buffers[conn]
                site(self.sim, conn, bytes(buffer))
                return
            buffer[:] = rest
            self.requests += 1
            data, keep_alive = nginx_response(request, self.sim.now)
            if self.access_log is not None and request is not None:
                self.access_log(access_line(conn.remote_ip, request, data, self.sim.now))
            try:
                conn.send(data)
            except TcpError:
                break
            if not keep_alive:
                del self._buffers[conn]
                conn.close()
                return
        if conn.eof:
            del self._buffers[conn]
            conn.close()

    def stop(self) -> None:
        """Close the listening socket (connections already open finish)."""
        self.listener.close()
        self.netns.ipv4.socket_owners.pop(("tcp", self.port), None)


def start_http_server(sim: Simulation, netns: NetworkNamespace, port: int = 80, flavour: str = "nginx") -> HttpServer:
    """Listen on ``0.0.0.0:port`` in ``netns`` and answer as nginx 1.29 does.

    The server stays up (a listener on the stack, no process). Raises TcpError
    (EADDRINUSE) if something already listens on the port.

    >>> from simulator.kernel.namespace import NetworkNamespace
    >>> from simulator.sim.simulation import Simulation
    >>> sim = Simulation()
    >>> start_http_server(sim, NetworkNamespace(sim, "web")).port
    80
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown server flavour {flavour!r} (known: {', '.join(FLAVOURS)})")
    return HttpServer(sim, netns, port, flavour)
