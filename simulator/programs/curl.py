"""curl and wget: HTTP/1.1 clients on the simulated TCP.

Both do what the real tools do, in the same order: parse the URL, resolve the host
(``ctx.resolve``: /etc/hosts, then DNS where the lab provides it), ``connect()`` (a
SYN, its retransmissions, a RST or a timeout), send one request, read the response
(its head, then ``Content-Length`` bytes, or up to the server's FIN), print, close.

* ``curl`` is curl 8.5.0 as Ubuntu 24.04 ships it on the lab's machines, and 8.14.1
  in Debian trixie images (nginx's): the body on stdout; ``-i``/``-I`` headers;
  ``-v`` the ``*``, ``>`` and ``<`` lines on stderr; ``-s``/``-S``; ``-o FILE``
  (with the progress meter); ``-f``; ``-m``/``--max-time``;
  ``--connect-timeout``; ``-H``, ``-A``, ``-X``, ``-d``. Several URLs reuse a
  kept-alive connection, as curl does. Errors are curl's own words and exit
  statuses: (3) URL rejected, (6) could not resolve, (7) could not connect,
  (28) timeouts, (52) empty reply, (56) receive failure, (22) with ``-f``.
* ``wget`` in busybox images (alpine, busybox) is busybox 1.36's: ``Connecting to
  HOST (IP:PORT)``, ``saving to 'index.html'``, the progress bar, ``'index.html'
  saved``; ``-q``, ``-O FILE`` / ``-O-``, ``-T SEC``, ``-U``, ``--spider``. Elsewhere
  it is GNU Wget 1.21.4's dialogue (``--DATE--  URL``, ``Connecting to ...
  connected.``, ``HTTP request sent, awaiting response... 200 OK``, ``Saving to:``).

The terminal shows what the tools print, with CRLF line ends shown as line ends.
Simplified: no TLS (an ``https://`` URL connects to port 443 and, if something
answers there, fails as curl does against a plain-HTTP server), no redirects or
chunked decoding, no IPv6, and a file "saved" by ``-o``/wget is not kept on disk
(each command gets a fresh view of the container's files).

The kernel finishes a close after the program has exited; both tools wait until
their last ACK has landed so the command's trace holds the whole exchange.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Any

from simulator.kernel.ipv4.tcp import SocketTimeout, TcpConnection, TcpError, tcp_connect
from simulator.programs.process import ProcessContext
from simulator.programs.servers import EPOCH_S
from simulator.sim import latency

CURL_VERSIONS = {"host": "8.5.0", "debian": "8.14.1"}
DEFAULT_CURL_VERSION = "8.5.0"
CURL_DEFAULT_CONNECT_TIMEOUT_S = 300.0  # DEFAULT_CONNECT_TIMEOUT in lib/connect.h
CURL_TIMER_SLACK_S = 0.001  # curl notices an expired timer on its next millisecond tick
CURL_TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n"
SCHEME_PORTS = {"http": 80, "https": 443}
BUSYBOX_WGET_TIMEOUT_S = 900.0  # G.timeout_seconds
GNU_WGET_VERSION = "1.21.4"
GNU_WGET_TRIES = 20
TERMINAL_COLUMNS = 80


class UrlError(Exception):
    """A URL curl rejects; ``code`` is curl's exit status, the message its wording."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Url:
    """``scheme://host[:port]/path?query`` as curl splits it."""

    scheme: str
    host: str
    port: int
    path: str
    port_given: bool = False

    @property
    def host_port(self) -> str:
        """The ``Host:`` header: the port only when it is not the scheme's default."""
        if self.port_given and self.port != SCHEME_PORTS.get(self.scheme):
            return f"{self.host}:{self.port}"
        return self.host

    @property
    def text(self) -> str:
        return f"{self.scheme}://{self.host_port}{self.path}"


def parse_url(text: str) -> Url:
    """Split a URL the way curl's URL parser does (a missing scheme means http).

    >>> parse_url("172.17.0.2:8080/x?y=1")
    Url(scheme='http', host='172.17.0.2', port=8080, path='/x?y=1', port_given=True)
    >>> parse_url("http://:80/")
    Traceback (most recent call last):
    ...
    simulator.programs.curl.UrlError: URL rejected: No host part in the URL
    """
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "http", text
    scheme = scheme.lower()
    if not scheme.isalnum():
        raise UrlError(3, "URL rejected: Bad scheme")
    if scheme not in SCHEME_PORTS:
        raise UrlError(1, f'Protocol "{scheme}" not supported')
    cut = len(rest)
    for ch in "/?#":
        at = rest.find(ch)
        if at != -1:
            cut = min(cut, at)
    authority, path = rest[:cut], rest[cut:]
    path = path.split("#", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
    host, colon, port_text = authority.rpartition(":") if ":" in authority else (authority, "", "")
    if any(ch.isspace() for ch in text):
        raise UrlError(3, "URL rejected: Malformed input to a URL function")
    if not host:
        raise UrlError(3, "URL rejected: No host part in the URL")
    port = SCHEME_PORTS[scheme]
    if colon and port_text:
        if not port_text.isdecimal() or int(port_text) > 65535:
            raise UrlError(3, "URL rejected: Port number was not a decimal number between 0 and 65535")
        port = int(port_text)
    return Url(scheme, host.lower(), port, path, bool(colon and port_text))


@dataclass
class HttpResponse:
    """A response as it came off the wire: the head, parsed, and the body."""

    version: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    head: bytes
    body: bytes = b""

    @property
    def status_line(self) -> str:
        return f"{self.version} {self.status} {self.reason}".rstrip()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def content_length(self) -> int | None:
        value = self.header("content-length")
        return int(value) if value is not None and value.isdecimal() else None

    @property
    def keep_alive(self) -> bool:
        connection = (self.header("connection") or "").lower()
        return connection != "close" if self.version == "HTTP/1.1" else connection == "keep-alive"


@dataclass
class _Transfer:
    """Bytes seen so far (for curl's timeout message)."""

    received: int = 0
    expected: int | None = None
    response: HttpResponse | None = None


class EmptyReply(Exception):
    """The server closed the connection without sending a byte."""


def parse_response_head(head: bytes) -> HttpResponse:
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers.append((name, value.strip()))
    return HttpResponse(version, int(code) if code.isdecimal() else 0, reason, headers, head)


def read_response(conn: TcpConnection, head_only: bool, deadline: float | None, transfer: _Transfer) -> Generator[Any, Any, HttpResponse]:
    """Read one response: the head, then its body (RFC 9112 6.3, without chunked).

    Raises TcpError (a reset), SocketTimeout (the deadline), EmptyReply.
    """
    env = conn.sim.env
    buffer = bytearray()
    response: HttpResponse | None = None
    while True:
        if response is None and b"\r\n\r\n" in buffer:
            head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
            response = parse_response_head(head)
            transfer.response = response
            buffer[:] = rest
            if head_only or response.status in (204, 304) or 100 <= response.status < 200:
                transfer.expected = 0
            else:
                transfer.expected = response.content_length
        if response is not None:
            transfer.received = len(buffer)
            if transfer.expected is not None and len(buffer) >= transfer.expected:
                response.body = bytes(buffer[: transfer.expected])
                return response
        left = None if deadline is None else max(0.0, deadline - env.now)
        data = yield from conn.recv(left)
        if not data:
            if response is None:
                if not buffer:
                    raise EmptyReply()
                response = parse_response_head(bytes(buffer))
            response.body = bytes(buffer)
            return response
        buffer += data


def _terminal(data: bytes) -> str:
    """What a terminal shows for bytes written to it."""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def _linger(conns: list[TcpConnection]) -> Generator[Any, Any, None]:
    """Let the close handshakes finish so the command's trace shows them.

    Wait (at most a second) for each connection to reach TIME-WAIT or CLOSED; from
    TIME-WAIT our last ACK is still on its way, so wait one more round trip.
    """
    for conn in conns:
        yield from conn.wait_closed(1.0)
    waiting = [c for c in conns if c.state.value == "TIME-WAIT"]
    if waiting:
        srtt = max((c.srtt_s or 0.0) for c in waiting)
        yield waiting[0].sim.env.timeout(srtt + 1e-4)


# -- curl ------------------------------------------------------------------------------------


@dataclass
class CurlOptions:
    urls: list[str] = field(default_factory=list)
    silent: bool = False
    show_error: bool = False
    verbose: bool = False
    include: bool = False
    head: bool = False
    fail: bool = False
    output: str | None = None
    max_time_s: float | None = None
    connect_timeout_s: float | None = None
    method: str | None = None
    data: str | None = None
    headers: list[str] = field(default_factory=list)
    user_agent: str | None = None


CURL_FLAGS = {
    "-s": "silent", "--silent": "silent", "-S": "show_error", "--show-error": "show_error",
    "-v": "verbose", "--verbose": "verbose", "-i": "include", "--include": "include",
    "-I": "head", "--head": "head", "-f": "fail", "--fail": "fail",
}
CURL_IGNORED = {"-L", "--location", "-k", "--insecure", "-4", "--ipv4", "--http1.1", "-N", "--no-buffer", "--compressed", "-#", "--progress-bar", "--no-progress-meter"}
CURL_VALUED = {
    "-o": "output", "--output": "output", "-m": "max_time_s", "--max-time": "max_time_s",
    "--connect-timeout": "connect_timeout_s", "-X": "method", "--request": "method",
    "-d": "data", "--data": "data", "-H": "headers", "--header": "headers",
    "-A": "user_agent", "--user-agent": "user_agent",
}
CURL_SHORT_FLAGS = {k[1]: v for k, v in CURL_FLAGS.items() if len(k) == 2}
CURL_SHORT_VALUED = {k[1]: v for k, v in CURL_VALUED.items() if len(k) == 2}
CURL_SHORT_IGNORED = {k[1] for k in CURL_IGNORED if len(k) == 2}


class CurlUsage(Exception):
    """A command line curl refuses (exit 2)."""


def parse_curl_args(args: list[str]) -> CurlOptions:
    """curl's getopt: bundled short flags (``-sSv``), values attached or apart."""
    opts = CurlOptions()

    def set_value(attr: str, option: str, value: str) -> None:
        if attr in ("max_time_s", "connect_timeout_s"):
            try:
                number = float(value)
            except ValueError:
                raise CurlUsage(f"option {option}: expected a proper numerical parameter") from None
            setattr(opts, attr, number)
        elif attr == "headers":
            opts.headers.append(value)
        else:
            setattr(opts, attr, value)

    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            name, eq, inline = a.partition("=")
            if name in CURL_FLAGS:
                setattr(opts, CURL_FLAGS[name], True)
            elif name in CURL_IGNORED:
                pass
            elif name in CURL_VALUED:
                if eq:
                    value = inline
                elif i + 1 < len(args):
                    i += 1
                    value = args[i]
                else:
                    raise CurlUsage(f"option {name}: requires parameter")
                set_value(CURL_VALUED[name], name, value)
            elif name == "--url" and i + 1 < len(args):
                i += 1
                opts.urls.append(args[i])
            else:
                raise CurlUsage(f"option {name}: is unknown")
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in CURL_SHORT_FLAGS:
                    setattr(opts, CURL_SHORT_FLAGS[ch], True)
                elif ch in CURL_SHORT_IGNORED:
                    pass
                elif ch in CURL_SHORT_VALUED:
                    value = a[j + 1 :]
                    if not value:
                        if i + 1 >= len(args):
                            raise CurlUsage(f"option -{ch}: requires parameter")
                        i += 1
                        value = args[i]
                    set_value(CURL_SHORT_VALUED[ch], f"-{ch}", value)
                    break
                else:
                    raise CurlUsage(f"option -{ch}: is unknown")
                j += 1
        else:
            opts.urls.append(a)
        i += 1
    return opts


def _request(method: str, url: Url, version: str, opts: CurlOptions) -> bytes:
    headers = [("Host", url.host_port), ("User-Agent", opts.user_agent or f"curl/{version}"), ("Accept", "*/*")]
    body = b""
    if opts.data is not None:
        body = opts.data.encode()
        headers += [("Content-Length", str(len(body))), ("Content-Type", "application/x-www-form-urlencoded")]
    for line in opts.headers:
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        headers = [(k, v) for k, v in headers if k.lower() != name.lower()]
        if value:
            headers.append((name, value))
    lines = [f"{method} {url.path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _max5(n: float) -> str:
    """lib/progress.c max5data: a number in five characters."""
    value = int(n)
    if value < 100000:
        return f"{value:5d}"
    if value < 10000 * 1024:
        return f"{value // 1024:4d}k"
    if value < 100 * 1024 * 1024:
        return f"{value // (1 << 20):2d}.{(value % (1 << 20)) // ((1 << 20) // 10)}M"
    return f"{value // (1 << 20):4d}M"


def _time2str(seconds: float) -> str:
    s = int(seconds)
    if s <= 0:
        return "--:--:--"
    return f"{s // 3600:2d}:{(s // 60) % 60:02d}:{s % 60:02d}"


def progress_meter(size: int, seconds: float) -> str:
    """The meter curl draws on stderr when the body goes to a file (its final state)."""
    speed = size / seconds if seconds > 0 else float(size)
    percent = 100 if size else 0
    return (
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
        "                                 Dload  Upload   Total   Spent    Left  Speed\n"
        f"{percent:3d} {_max5(size)}  {percent:3d} {_max5(size)}    0     0  {_max5(speed)}      0 "
        f"{_time2str(seconds)} {_time2str(seconds)} --:--:-- {_max5(speed)}\n"
    )


class _Curl:
    """One curl invocation: its options, its kept-alive connections, its output."""

    def __init__(self, ctx: ProcessContext, opts: CurlOptions) -> None:
        self.ctx = ctx
        self.opts = opts
        self.version = CURL_VERSIONS.get(ctx.flavour, DEFAULT_CURL_VERSION)
        self.modern = self.version != DEFAULT_CURL_VERSION
        self.env = ctx.sim.env
        self.start_op = self.env.now
        self.kept: dict[tuple[IPv4Address, int], TcpConnection] = {}
        self.used: list[TcpConnection] = []
        self.pending: list[str] = []

    def verbose(self, line: str) -> None:
        if self.opts.verbose:
            self.ctx.err(line + "\n")

    def fail(self, status: int, message: str, closing: bool = True) -> int:
        """failf(): a ``*`` line now; ``curl: (N) ...`` once the transfer is over."""
        self.verbose(f"* {message}")
        if closing:
            self.verbose("* Closing connection")
        if not self.opts.silent or self.opts.show_error:
            self.pending.append(f"curl: ({status}) {message}\n")
        return status

    def run(self) -> Generator[Any, Any, int]:
        code = 0
        for text in self.opts.urls:
            code = yield from self.transfer(text)
            for line in self.pending:
                self.ctx.err(line)
            self.pending.clear()
        for conn in self.used:
            conn.close()  # curl exits: the kernel sends FIN on each socket
        yield from _linger(self.used)
        return code

    def connect(self, url: Url, ip: IPv4Address, start: float) -> Generator[Any, Any, TcpConnection | int]:
        """A kept-alive connection, a new one, or curl's exit status."""
        env, opts = self.env, self.opts
        conn = self.kept.pop((ip, url.port), None)
        if conn is not None and conn.state.value == "ESTABLISHED" and not conn.eof:
            self.verbose(f"* Re-using existing connection with host {url.host}")
            return conn
        self.verbose(f"*   Trying {ip}:{url.port}...")
        connect_budget = opts.connect_timeout_s if opts.connect_timeout_s is not None else CURL_DEFAULT_CONNECT_TIMEOUT_S
        budget = connect_budget - (env.now - start)
        by_max_time = opts.max_time_s is not None and opts.max_time_s - (env.now - self.start_op) < budget
        if opts.max_time_s is not None and by_max_time:
            budget = opts.max_time_s - (env.now - self.start_op)
        try:
            conn = yield from tcp_connect(self.ctx.netns.ipv4, ip, url.port, max(0.0, budget) + CURL_TIMER_SLACK_S)
        except SocketTimeout:
            elapsed = int((env.now - start) * 1000)
            if by_max_time:  # multi_handle_timeout while CONNECTING
                return self.fail(28, f"Connection timed out after {elapsed} milliseconds")
            return self.fail(28, f"Failed to connect to {url.host} port {url.port} after {elapsed} ms: Timeout was reached")
        except TcpError as error:
            elapsed = int((env.now - start) * 1000)
            if error.local is not None and error.errno != "ENETUNREACH":
                self.verbose(f"* connect to {ip} port {url.port} from {error.local[0]} port {error.local[1]} failed: {error}")
            else:
                self.verbose(f"* Immediate connect fail for {ip}: {error}")
            # cf-socket: a connect() the kernel timed out becomes CURLE_OPERATION_TIMEDOUT
            status = 28 if error.errno == "ETIMEDOUT" else 7
            return self.fail(status, f"Failed to connect to {url.host} port {url.port} after {elapsed} ms: Couldn't connect to server")
        self.used.append(conn)
        self.verbose(f"* Connected to {url.host} ({ip}) port {url.port}")
        if self.modern:
            self.verbose("* using HTTP/1.x")
        return conn

    def transfer(self, text: str) -> Generator[Any, Any, int]:
        """One URL: resolve, connect, request, response, output; curl's exit status."""
        ctx, env, opts = self.ctx, self.env, self.opts
        start = env.now
        try:
            url = parse_url(text)
        except UrlError as error:
            return self.fail(error.code, str(error), closing=False)
        try:
            ip = IPv4Address(url.host)
        except ValueError:
            resolved = None
            if ctx.resolve is not None:
                resolved = yield from ctx.resolve(url.host)
            if resolved is None:
                return self.fail(6, f"Could not resolve host: {url.host}")
            ip = IPv4Address(resolved)
            self.verbose(f"* Host {url.host}:{url.port} was resolved.\n* IPv6: (none)\n* IPv4: {ip}")
        connected = yield from self.connect(url, ip, start)
        if isinstance(connected, int):
            return connected
        conn = connected
        if url.scheme == "https":  # no TLS here: a plain-HTTP peer answers the ClientHello with junk
            conn.close()
            return self.fail(35, "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number")
        method = opts.method or ("HEAD" if opts.head else "POST" if opts.data is not None else "GET")
        request = _request(method, url, self.version, opts)
        try:
            conn.send(request)
        except TcpError as error:
            return self.fail(55, f"Send failure: {error}")
        for line in request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n"):
            self.verbose(f"> {line}")
        self.verbose("> ")
        if self.modern:
            self.verbose("* Request completely sent off")
        transfer = _Transfer()
        deadline = None if opts.max_time_s is None else self.start_op + opts.max_time_s + CURL_TIMER_SLACK_S
        try:
            response = yield from read_response(conn, method == "HEAD", deadline, transfer)
        except SocketTimeout:
            conn.close()
            elapsed = int((env.now - start) * 1000)
            got = f"{transfer.received} out of {transfer.expected}" if transfer.expected is not None else f"{transfer.received}"
            return self.fail(28, f"Operation timed out after {elapsed} milliseconds with {got} bytes received")
        except EmptyReply:
            conn.close()
            return self.fail(52, "Empty reply from server")
        except TcpError as error:
            return self.fail(56, f"Recv failure: {error}")
        head_lines = response.head.decode("latin-1").split("\r\n")
        for line in head_lines:
            self.verbose(f"< {line}")
        self.verbose("< ")
        failed = opts.fail and response.status >= 400
        if not failed:
            shown = ""
            if opts.include or opts.head:
                shown += "\n".join(head_lines) + "\n\n"
            if not opts.head:
                if opts.output is not None:
                    if not opts.silent:
                        ctx.err(progress_meter(len(response.body), env.now - start))
                else:
                    shown += _terminal(response.body)
            ctx.out(shown)
        keep = response.keep_alive and conn.state.value == "ESTABLISHED" and not conn.eof
        code = self.fail(22, f"The requested URL returned error: {response.status}", closing=False) if failed else 0
        if keep:
            self.kept[(ip, url.port)] = conn
            self.verbose(f"* Connection #0 to host {url.host} left intact")
        else:
            self.verbose("* Closing connection")
            conn.close()
        return code


def curl(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``curl [options] URL...``."""
    try:
        opts = parse_curl_args(argv[1:])
    except CurlUsage as error:
        ctx.err(f"curl: {error}\n{CURL_TRY}")
        return 2
    if not opts.urls:
        ctx.err(("curl: no URL specified\n" if argv[1:] else "") + CURL_TRY)
        return 2
    return (yield from _Curl(ctx, opts).run())


# -- wget ------------------------------------------------------------------------------------


@dataclass
class WgetOptions:
    url: str | None = None
    quiet: bool = False
    output: str | None = None
    timeout_s: float | None = None
    tries: int = GNU_WGET_TRIES
    user_agent: str | None = None
    spider: bool = False
    server_response: bool = False


WGET_SHORT_FLAGS = {"q": "quiet", "S": "server_response"}
WGET_SHORT_VALUED = {"O": "output", "T": "timeout_s", "U": "user_agent", "t": "tries", "P": "prefix"}
WGET_LONG = {
    "--quiet": "quiet", "--server-response": "server_response", "--spider": "spider",
    "--output-document": "output", "--timeout": "timeout_s", "--user-agent": "user_agent", "--tries": "tries",
}


def parse_wget_args(args: list[str]) -> WgetOptions:
    """getopt for wget: bundled short options (``-qO-``), ``--name=value`` or apart."""
    opts = WgetOptions()

    def set_value(attr: str, value: str) -> None:
        if attr == "timeout_s":
            opts.timeout_s = float(value)
        elif attr == "tries":
            opts.tries = int(value) or GNU_WGET_TRIES
        elif attr != "prefix":
            setattr(opts, attr, value)

    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            name, eq, inline = a.partition("=")
            attr = WGET_LONG.get(name)
            if attr is None:
                raise CurlUsage(f"unrecognized option '{a}'")
            if attr in ("quiet", "server_response", "spider"):
                setattr(opts, attr, True)
            else:
                if not eq:
                    if i + 1 >= len(args):
                        raise CurlUsage(f"option '{name}' requires an argument")
                    i += 1
                    inline = args[i]
                set_value(attr, inline)
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in WGET_SHORT_FLAGS:
                    setattr(opts, WGET_SHORT_FLAGS[ch], True)
                elif ch in WGET_SHORT_VALUED:
                    value = a[j + 1 :]
                    if not value:
                        if i + 1 >= len(args):
                            raise CurlUsage(f"option requires an argument -- '{ch}'")
                        i += 1
                        value = args[i]
                    set_value(WGET_SHORT_VALUED[ch], value)
                    break
                else:
                    raise CurlUsage(f"invalid option -- '{ch}'")
                j += 1
        else:
            opts.url = a
        i += 1
    return opts


def _wget_filename(url: Url, opts: WgetOptions) -> str:
    if opts.output is not None:
        return opts.output
    name = url.path.split("?", 1)[0].rsplit("/", 1)[-1]
    return name or "index.html"


def wget(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``wget [options] URL``: busybox's in busybox images, GNU Wget's elsewhere."""
    if ctx.busybox:
        return (yield from _busybox_wget(ctx, argv))
    return (yield from _gnu_wget(ctx, argv))


def _busybox_wget(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    try:
        opts = parse_wget_args(argv[1:])
    except (CurlUsage, ValueError) as error:
        ctx.err(f"wget: {error}\nBusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n")
        return 1
    if opts.url is None:
        ctx.err("BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n")
        return 1
    try:
        url = parse_url(opts.url)
    except UrlError:
        ctx.err(f"wget: not an http or ftp url: {opts.url}\n")
        return 1
    env = ctx.sim.env
    stack = ctx.netns.ipv4
    timeout_s = opts.timeout_s if opts.timeout_s is not None else BUSYBOX_WGET_TIMEOUT_S
    authority = opts.url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    try:
        ip = IPv4Address(url.host)
    except ValueError:
        resolved = None
        if ctx.resolve is not None:
            resolved = yield from ctx.resolve(url.host)
        if resolved is None:
            ctx.err(f"wget: bad address '{url.host}'\n")
            return 1
        ip = IPv4Address(resolved)
    if not opts.quiet:
        ctx.err(f"Connecting to {authority} ({ip}:{url.port})\n")
    start = env.now
    try:
        conn = yield from tcp_connect(stack, ip, url.port, timeout_s)  # set_alarm() around connect
    except SocketTimeout:
        ctx.err("wget: download timed out\n")
        return 1
    except TcpError as error:
        ctx.err(f"wget: can't connect to remote host ({ip}): {error}\n")
        return 1
    if url.scheme == "https":
        conn.close()
        yield from _linger([conn])
        ctx.err("wget: error getting response: Connection reset by peer\n")
        return 1
    method = "HEAD" if opts.spider else "GET"
    # busybox always asks the server to close: it will not send a second request
    request = f"{method} {url.path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: {opts.user_agent or 'Wget'}\r\nConnection: close\r\n\r\n"
    conn.send(request.encode())
    transfer = _Transfer()
    try:
        response = yield from read_response(conn, method == "HEAD", env.now + timeout_s, transfer)
    except SocketTimeout:
        conn.close()
        ctx.err("wget: download timed out\n")
        return 1
    except EmptyReply:
        conn.close()
        yield from _linger([conn])
        ctx.err("wget: error getting response\n")
        return 1
    except TcpError as error:
        ctx.err(f"wget: error getting response: {error}\n")
        return 1
    conn.close()
    yield from _linger([conn])
    if opts.server_response and not opts.quiet:
        ctx.err("".join(f"  {line}\n" for line in response.head.decode("latin-1").split("\r\n")))
    if not 200 <= response.status < 300:
        ctx.err(f"wget: server returned error: {response.status_line}\n")
        return 1
    if opts.spider:
        if not opts.quiet:
            ctx.err("remote file exists\n")
        return 0
    to_stdout = opts.output == "-"
    name = "-" if to_stdout else _wget_filename(url, opts)
    if not opts.quiet:
        ctx.err("writing to stdout\n" if to_stdout else f"saving to '{name}'\n")
    if to_stdout:
        ctx.out(_terminal(response.body))
    if not opts.quiet:
        ctx.err(_busybox_progress(name, len(response.body), env.now - start) + ("written to stdout\n" if to_stdout else f"'{name}' saved\n"))
    return 0


def _busybox_progress(name: str, size: int, seconds: float) -> str:
    """libbb/progress.c bb_progress_update, final call, on an 80-column terminal."""
    bar = TERMINAL_COLUMNS - 48
    shown = size
    unit = 0
    while shown >= 100000:
        unit += 1
        shown >>= 10
    return f"{name[:20]:<20}{100:4d}% |{'*' * bar}|{shown:6d}{' kMGTPEZY'[unit]} 0:00:00 ETA\n"


def _gnu_wget(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    try:
        opts = parse_wget_args(argv[1:])
    except (CurlUsage, ValueError) as error:
        ctx.err(f"wget: {error}\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n")
        return 2
    if opts.url is None:
        ctx.err("wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n")
        return 1
    try:
        url = parse_url(opts.url)
    except UrlError:
        ctx.err(f"{opts.url}: Unsupported scheme.\n")
        return 1
    env = ctx.sim.env
    stack = ctx.netns.ipv4
    say = (lambda text: None) if opts.quiet else ctx.err

    def stamp() -> str:
        from datetime import datetime, timezone

        return datetime.fromtimestamp(EPOCH_S + env.now, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")

    say(f"--{stamp()}--  {url.text}\n")
    try:
        ip = IPv4Address(url.host)
        named = False
    except ValueError:
        resolved = None
        if ctx.resolve is not None:
            resolved = yield from ctx.resolve(url.host)
        if resolved is None:
            say(f"Resolving {url.host} ({url.host})... failed: Temporary failure in name resolution.\n")
            ctx.err(f"wget: unable to resolve host address ‘{url.host}’\n")
            return 4
        ip = IPv4Address(resolved)
        named = True
        say(f"Resolving {url.host} ({url.host})... {ip}\n")
    where = f"{url.host} ({url.host})|{ip}|:{url.port}" if named else f"{ip}:{url.port}"
    conn: TcpConnection | None = None
    for attempt in range(1, opts.tries + 1):
        if attempt > 1:
            yield env.timeout(min(attempt - 1, 10))  # --waitretry 10: 1 s, 2 s, ... 10 s
            say(f"--{stamp()}--  (try:{attempt:2d})  {url.text}\n")
        say(f"Connecting to {where}... ")
        try:
            conn = yield from tcp_connect(stack, ip, url.port, opts.timeout_s)
        except SocketTimeout:
            say("failed: Connection timed out.\nRetrying.\n\n")
            continue
        except TcpError as error:
            say(f"failed: {error}.\n")
            if error.errno == "ETIMEDOUT":
                say("Retrying.\n\n")
                continue
            return 4
        say("connected.\n")
        break
    if conn is None:
        say("Giving up.\n\n")
        return 4
    method = "HEAD" if opts.spider else "GET"
    request = (
        f"{method} {url.path} HTTP/1.1\r\nHost: {url.host_port}\r\nUser-Agent: {opts.user_agent or 'Wget/' + GNU_WGET_VERSION}\r\n"
        "Accept: */*\r\nAccept-Encoding: identity\r\nConnection: Keep-Alive\r\n\r\n"
    )
    conn.send(request.encode())
    say("HTTP request sent, awaiting response... ")
    transfer = _Transfer()
    try:
        response = yield from read_response(conn, method == "HEAD", None if opts.timeout_s is None else env.now + opts.timeout_s, transfer)
    except (SocketTimeout, EmptyReply, TcpError) as error:
        text = "No data received" if isinstance(error, EmptyReply) else "Read error (Connection timed out) in headers" if isinstance(error, SocketTimeout) else f"Read error ({error}) in headers"
        say(f"{text}.\nGiving up.\n\n")
        conn.close()
        yield from _linger([conn])
        return 4
    conn.close()
    yield from _linger([conn])
    say(f"{response.status} {response.reason}\n")
    if response.status >= 400:
        say(f"{stamp()} ERROR {response.status}: {response.reason}.\n\n")
        return 8
    size = len(response.body)
    kind = (response.header("content-type") or "").split(";")[0]
    say(f"Length: {size} [{kind}]\n" if size < 1024 else f"Length: {size} ({_gnu_size(size)}) [{kind}]\n")
    if opts.spider:
        say("Remote file exists.\n\n")
        return 0
    to_stdout = opts.output == "-"
    name = _wget_filename(url, opts)
    say(f"Saving to: ‘{'STDOUT' if to_stdout else name}’\n\n")
    if to_stdout:
        ctx.out(_terminal(response.body))
    low, high = latency.PROCESS_WAKEUP_S  # the body came with the head: read in one wakeup
    seconds = low + ctx.sim.stream("jitter").random() * (high - low)
    shown = "-" if to_stdout else name
    say(f"{shown[:19]:<19} 100%[===================>] {size:>7,}  --.-KB/s    in 0s      \n\n")
    rate = _gnu_rate(size / seconds)
    if to_stdout:
        say(f"{stamp()} ({rate}) - written to stdout [{size}/{size}]\n\n")
    else:
        say(f"{stamp()} ({rate}) - ‘{name}’ saved [{size}/{size}]\n\n")
    return 0


def _gnu_size(n: int) -> str:
    """Wget's human size in ``Length: 12345 (12K)``: K, M, G of 1024."""
    value = n / 1024
    unit = "K"
    for bigger in ("M", "G"):
        if value < 1024:
            break
        value /= 1024
        unit = bigger
    return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"


def _gnu_rate(bytes_per_s: float) -> str:
    """retr_rate: B/s, KB/s, MB/s, GB/s (powers of 1024), 2, 1 or 0 decimals."""
    rate = bytes_per_s
    units = ("B/s", "KB/s", "MB/s", "GB/s")
    unit = 0
    while rate >= 1024 and unit < len(units) - 1:
        rate /= 1024
        unit += 1
    precision = 0 if rate >= 99.95 else 1 if rate >= 9.995 else 2
    return f"{rate:.{precision}f} {units[unit]}"
