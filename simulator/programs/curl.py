"""curl: an HTTP/1.1 client on the simulated TCP, as curl 8.5.0 (Ubuntu 24.04) and 8.14.1 (Debian trixie images) print it.

curl does what the real tool does, in the same order: parse the URL (``url``),
resolve the host (``ctx.resolve``: /etc/hosts, then DNS where the lab provides it),
``connect()`` (a SYN, its retransmissions, a RST or a timeout), send one request,
read the response (``httpcore.WireResponseReader``: its head, then
``Content-Length`` bytes, or up to the server's FIN), print, close. The body goes
to stdout; ``-i``/``-I`` headers; ``-v`` the ``*``, ``>`` and ``<`` lines on stderr;
``-s``/``-S``; ``-o FILE`` (with the progress meter); ``-f``; ``-m``/``--max-time``;
``--connect-timeout``; ``-H``, ``-A``, ``-X``, ``-d``. Several URLs reuse a
kept-alive connection, as curl does. Errors are curl's own words and exit statuses:
(3) URL rejected, (6) could not resolve, (7) could not connect, (28) timeouts,
(52) empty reply, (56) receive failure, (22) with ``-f``. ``wget`` is in ``wget``.

The terminal shows what the tools print, with CRLF line ends shown as line ends.
Simplified: no TLS (an ``https://`` URL connects to port 443 and, if something
answers there, fails as curl does against a plain-HTTP server), no redirects or
chunked decoding, no IPv6, and a file "saved" by ``-o`` is not kept on disk
(each command gets a fresh view of the container's files).

The kernel finishes a close after the program has exited; curl waits until its
last ACK has landed so the command's trace holds the whole exchange.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

from simulator.kernel.ipv4.tcp import SocketTimeout, TcpConnection, TcpError, tcp_connect
from simulator.programs.httpclient import linger, read_response, terminal
from simulator.programs.httpcore import EmptyReply, WireResponse, WireResponseReader
from simulator.programs.options import OPERAND, MissingArgument, OptionError, OptionSpec, scan
from simulator.programs.process import ProcessContext
from simulator.programs.url import Url, UrlError, parse_url

__all__ = ["CurlOptions", "CurlUsage", "UrlError", "curl", "parse_curl_args", "parse_url", "progress_meter"]

CURL_NEWER_VERBOSE = "8.6.0"  # "* using HTTP/1.x", "* Request completely sent off": 8.14.1 prints them, 8.5.0 does not
CURL_NEWER_MESSAGES = "7.40.0"  # below: curl 7.35.0 of Ubuntu 14.04 and its older wording (see _Curl.legacy)
CURL_DEFAULT_CONNECT_TIMEOUT_S = 300.0  # DEFAULT_CONNECT_TIMEOUT in lib/connect.h
CURL_TIMER_SLACK_S = 0.001  # curl notices an expired timer on its next millisecond tick
NOT_MODELLED_OPTION = 126  # as the lab answers for any program it does not model
CURL_TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n"


@dataclass(frozen=True, slots=True)
class CurlOptions:
    """What curl's command line asked for, read once before anything is sent."""

    urls: tuple[str, ...] = ()
    silent: bool = False  # -s
    show_error: bool = False  # -S
    verbose: bool = False  # -v
    include: bool = False  # -i
    head: bool = False  # -I
    fail: bool = False  # -f
    output: str | None = None  # -o
    max_time_s: float | None = None  # -m
    connect_timeout_s: float | None = None  # --connect-timeout
    method: str | None = None  # -X
    data: str | None = None  # -d
    headers: tuple[str, ...] = ()  # -H, each
    user_agent: str | None = None  # -A


# Each option curl knows, its long and short spelling, and the CurlOptions field it sets
# (None: accepted and without effect here).
CURL_FLAGS: dict[str, str | None] = {
    "-s": "silent", "--silent": "silent", "-S": "show_error", "--show-error": "show_error",
    "-v": "verbose", "--verbose": "verbose", "-i": "include", "--include": "include",
    "-I": "head", "--head": "head", "-f": "fail", "--fail": "fail",
    **dict.fromkeys(("-L", "--location", "-k", "--insecure", "-4", "--ipv4", "--http1.1", "-N", "--no-buffer",
                     "--compressed", "-#", "--progress-bar", "--no-progress-meter")),
}
CURL_VALUED = {
    "-o": "output", "--output": "output", "-m": "max_time_s", "--max-time": "max_time_s",
    "--connect-timeout": "connect_timeout_s", "-X": "method", "--request": "method",
    "-d": "data", "--data": "data", "-H": "headers", "--header": "headers",
    "-A": "user_agent", "--user-agent": "user_agent", "--url": "urls",
}
CURL_SPEC = OptionSpec(
    flags="".join(k[1] for k in CURL_FLAGS if len(k) == 2),
    valued="".join(k[1] for k in CURL_VALUED if len(k) == 2),
    long_flags=tuple(k for k in CURL_FLAGS if k.startswith("--")),
    long_valued=tuple(k for k in CURL_VALUED if k.startswith("--")),
)


# Options real curl has (curl(1), src/tool_getparam.c) that the simulator does not model: refused with a
# word of the simulator, never as curl's "is unknown", which would tell a learner curl lacks them.
CURL_REAL_SHORT = frozenset("0123456#:aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwxXyYzZ")
CURL_REAL_LONG = frozenset({
    "--version", "--help", "--manual", "--data-raw", "--data-binary", "--data-urlencode", "--json", "--user", "--cookie",
    "--cookie-jar", "--proxy", "--noproxy", "--resolve", "--connect-to", "--interface", "--local-port", "--dns-servers",
    "--trace", "--trace-ascii", "--trace-time", "--write-out", "--remote-name", "--remote-name-all", "--dump-header",
    "--referer", "--range", "--retry", "--retry-delay", "--retry-max-time", "--http2", "--http2-prior-knowledge",
    "--http1.0", "--http0.9", "--get", "--form", "--upload-file", "--cacert", "--capath", "--cert", "--key",
    "--limit-rate", "--keepalive-time", "--no-keepalive", "--unix-socket", "--abstract-unix-socket", "--tcp-nodelay",
    "--tcp-fastopen", "--path-as-is", "--ipv6", "--raw", "--location-trusted", "--max-redirs", "--netrc", "--output-dir",
    "--create-dirs", "--styled-output", "--tlsv1", "--tlsv1.2", "--tlsv1.3", "--ssl", "--ssl-reqd", "--crlf", "--append",
    "--list-only", "--quote", "--fail-with-body", "--stderr", "--config", "--globoff", "--libcurl", "--parallel",
    "--max-filesize", "--speed-limit", "--speed-time", "--expect100-timeout", "--happy-eyeballs-timeout-ms",
    "--junk-session-cookies", "--anyauth", "--basic", "--digest", "--ntlm", "--negotiate", "--oauth2-bearer",
    "--proxy-user", "--socks5", "--socks5-hostname", "--preproxy", "--cert-type", "--ciphers", "--pinnedpubkey",
    "--time-cond", "--remote-time", "--continue-at", "--ignore-content-length", "--disable", "--no-sessionid",
    "--trace-config", "--variable", "--url-query", "--etag-save", "--etag-compare", "--hsts", "--alt-svc",
})


def _real_option(option: str) -> bool:
    """Whether real curl has ``option`` (``-V``, ``--version``)."""
    if option.startswith("--"):
        return option.split("=", 1)[0] in CURL_REAL_LONG
    return len(option) == 2 and option[1] in CURL_REAL_SHORT


class CurlUsage(Exception):
    """A command line curl refuses (exit 2); the message is curl's, after ``curl: ``."""


def _usage_text(error: Exception) -> str:
    """curl's words for a refused option (``option -x: is unknown``)."""
    if isinstance(error, MissingArgument):
        return f"option {error.option}: requires parameter"
    if isinstance(error, OptionError):
        return f"option {error.option}: is unknown"
    return str(error)


def parse_curl_args(args: list[str]) -> CurlOptions:
    """curl's command line: bundled short flags (``-sSv``), values attached or apart.

    Raises:
        OptionError: an unknown option, or one without its value.
        CurlUsage: a value curl cannot read.

    >>> options = parse_curl_args(["-sSm", "5", "http://web/"])
    >>> options.urls, options.silent, options.show_error, options.verbose, options.max_time_s
    (('http://web/',), True, True, False, 5.0)
    """
    fields: dict[str, Any] = {}
    urls: list[str] = []
    headers: list[str] = []
    for option, value in scan(args, CURL_SPEC):
        if option == OPERAND or option == "--url":
            urls.append(value or "")
        elif value is None:
            attr = CURL_FLAGS[option]
            if attr is not None:
                fields[attr] = True
        elif option in ("-H", "--header"):
            headers.append(value)
        elif option in ("-m", "--max-time", "--connect-timeout"):
            try:
                fields[CURL_VALUED[option]] = float(value)
            except ValueError:
                raise CurlUsage(f"option {option}: expected a proper numerical parameter") from None
        else:
            fields[CURL_VALUED[option]] = value
    return CurlOptions(urls=tuple(urls), headers=tuple(headers), **fields)


def _request(method: str, url: Url, version: str, opts: CurlOptions, agent_first: bool = False) -> bytes:
    """The request curl sends: Host, User-Agent, Accept, then ``-d``'s and ``-H``'s headers
    (``agent_first``: User-Agent before Host, as lib/http.c of curl 7.35 ordered them)."""
    agent = ("User-Agent", opts.user_agent or f"curl/{version}")
    headers = [agent, ("Host", url.host_port)] if agent_first else [("Host", url.host_port), agent]
    headers.append(("Accept", "*/*"))
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
        self.version = ctx.userland.curl
        self.modern = ctx.userland.curl_at_least(CURL_NEWER_VERBOSE)
        # curl 7.35.0 (Ubuntu 14.04): "Hostname was NOT found in DNS cache", "Trying IP...", "port 80 (#0)",
        # User-Agent before Host, "Failed to connect to H port N: <strerror>", "Closing connection 0"
        self.legacy = not ctx.userland.curl_at_least(CURL_NEWER_MESSAGES)
        self.env = ctx.sim.env
        self.start_op = self.env.now
        self.kept: dict[tuple[IPv4Address, int], TcpConnection] = {}
        self.used: list[TcpConnection] = []
        self.pending: list[str] = []

    def verbose(self, line: str) -> None:
        """A ``-v`` line on stderr."""
        if self.opts.verbose:
            self.ctx.err(line + "\n")

    def fail(self, status: int, message: str, closing: bool = True) -> int:
        """failf(): a ``*`` line now; ``curl: (N) ...`` once the transfer is over."""
        self.verbose(f"* {message}")
        if closing:
            self.verbose("* Closing connection 0" if self.legacy else "* Closing connection")
        if not self.opts.silent or self.opts.show_error:
            self.pending.append(f"curl: ({status}) {message}\n")
        return status

    def run(self) -> Generator[Any, Any, int]:
        """Every URL in turn, each one's error after it; the last one's status."""
        code = 0
        for text in self.opts.urls:
            code = yield from self.transfer(text)
            for line in self.pending:
                self.ctx.err(line)
            self.pending.clear()
        for conn in self.used:
            conn.close()  # curl exits: the kernel sends FIN on each socket
        yield from linger(self.used)
        return code

    def connect(self, url: Url, ip: IPv4Address, start: float) -> Generator[Any, Any, TcpConnection | int]:
        """A kept-alive connection, a new one, or curl's exit status."""
        env, opts = self.env, self.opts
        conn = self.kept.pop((ip, url.port), None)
        if conn is not None and conn.state.value == "ESTABLISHED" and not conn.eof:
            self.verbose(f"* Re-using existing connection with host {url.host}")
            return conn
        self.verbose(f"*   Trying {ip}..." if self.legacy else f"*   Trying {ip}:{url.port}...")
        connect_budget = opts.connect_timeout_s if opts.connect_timeout_s is not None else CURL_DEFAULT_CONNECT_TIMEOUT_S
        budget = connect_budget - (env.now - start)
        by_max_time = opts.max_time_s is not None and opts.max_time_s - (env.now - self.start_op) < budget
        if opts.max_time_s is not None and by_max_time:
            budget = opts.max_time_s - (env.now - self.start_op)
        try:
            conn = yield from tcp_connect(self.ctx.netns.ipv4, ip, url.port, max(0.0, budget) + CURL_TIMER_SLACK_S)
        except SocketTimeout:
            elapsed = int((env.now - start) * 1000)
            if by_max_time or self.legacy:  # multi_handle_timeout while CONNECTING
                return self.fail(28, f"Connection timed out after {elapsed} milliseconds")
            return self.fail(28, f"Failed to connect to {url.host} port {url.port} after {elapsed} ms: Timeout was reached")
        except TcpError as error:
            elapsed = int((env.now - start) * 1000)
            if error.local is not None and error.errno != "ENETUNREACH":
                source = "" if self.legacy else f" from {error.local[0]} port {error.local[1]}"
                self.verbose(f"* connect to {ip} port {url.port}{source} failed: {error}")
            else:
                self.verbose(f"* Immediate connect fail for {ip}: {error}")
            # cf-socket: a connect() the kernel timed out becomes CURLE_OPERATION_TIMEDOUT
            status = 28 if error.errno == "ETIMEDOUT" else 7
            if self.legacy:  # lib/connect.c of 7.35: the host, the port and strerror(errno)
                return self.fail(7, f"Failed to connect to {url.host} port {url.port}: {error}")
            return self.fail(status, f"Failed to connect to {url.host} port {url.port} after {elapsed} ms: Couldn't connect to server")
        self.used.append(conn)
        self.verbose(f"* Connected to {url.host} ({ip}) port {url.port}" + (" (#0)" if self.legacy else ""))
        if self.modern:
            self.verbose("* using HTTP/1.x")
        return conn

    def transfer(self, text: str) -> Generator[Any, Any, int]:
        """One URL: resolve, connect, request, response, output; curl's exit status."""
        start = self.env.now
        try:
            url = parse_url(text)
        except UrlError as error:
            return self.fail(error.code, str(error), closing=False)
        rest = text.split("://", 1)[-1]
        if self.legacy and "/" not in rest:  # 7.35's url.c adds the path itself and says so
            self.verbose(f"* Rebuilt URL to: {text if '://' in text else 'http://' + text}/")
        ip = yield from self.address(url)
        if ip is None:
            return self.fail(6, f"Could not resolve host: {url.host}")
        connected = yield from self.connect(url, ip, start)
        if isinstance(connected, int):
            return connected
        conn = connected
        if url.scheme == "https":  # no TLS here: a plain-HTTP peer answers the ClientHello with junk
            conn.close()
            return self.fail(35, "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number")
        opts = self.opts
        method = opts.method or ("HEAD" if opts.head else "POST" if opts.data is not None else "GET")
        request = _request(method, url, self.version, opts, agent_first=self.legacy)
        try:
            conn.send(request)
        except TcpError as error:
            return self.fail(55, f"Send failure: {error}")
        for line in request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n"):
            self.verbose(f"> {line}")
        self.verbose("> ")
        if self.modern:
            self.verbose("* Request completely sent off")
        response = yield from self.receive(conn, method, start)
        if isinstance(response, int):
            return response
        failed = opts.fail and response.status >= 400
        if not failed:
            self.show(response, start)
        keep = response.keep_alive and conn.state.value == "ESTABLISHED" and not conn.eof
        code = self.fail(22, f"The requested URL returned error: {response.status}", closing=False) if failed else 0
        if keep:
            self.kept[(ip, url.port)] = conn
            self.verbose(f"* Connection #0 to host {url.host} left intact")
        else:
            self.verbose("* Closing connection 0" if self.legacy else "* Closing connection")
            conn.close()
        return code

    def address(self, url: Url) -> Generator[Any, Any, IPv4Address | None]:
        """The host's address: a literal, or what the resolver says (None: not found)."""
        try:
            return IPv4Address(url.host)
        except ValueError:
            pass
        resolved = None
        if self.legacy:
            self.verbose("* Hostname was NOT found in DNS cache")
        if self.ctx.resolve is not None:
            resolved = yield from self.ctx.resolve(url.host)
        if resolved is None:
            return None
        ip = IPv4Address(resolved)
        if not self.legacy:
            self.verbose(f"* Host {url.host}:{url.port} was resolved.\n* IPv6: (none)\n* IPv4: {ip}")
        return ip

    def receive(self, conn: TcpConnection, method: str, start: float) -> Generator[Any, Any, WireResponse | int]:
        """The response, its head echoed under ``-v``; or curl's exit status when it does not come."""
        opts = self.opts
        reader = WireResponseReader(head_only=method == "HEAD")
        deadline = None if opts.max_time_s is None else self.start_op + opts.max_time_s + CURL_TIMER_SLACK_S
        try:
            response: WireResponse = yield from read_response(conn, reader, deadline)
        except SocketTimeout:
            conn.close()
            elapsed = int((self.env.now - start) * 1000)
            got = f"{reader.received} out of {reader.expected}" if reader.expected is not None else f"{reader.received}"
            return self.fail(28, f"Operation timed out after {elapsed} milliseconds with {got} bytes received")
        except EmptyReply:
            conn.close()
            return self.fail(52, "Empty reply from server")
        except TcpError as error:
            return self.fail(56, f"Recv failure: {error}")
        for line in response.head.decode("latin-1").split("\r\n"):
            self.verbose(f"< {line}")
        self.verbose("< ")
        return response

    def show(self, response: WireResponse, start: float) -> None:
        """What the response prints: the head under ``-i``/``-I``, the body, or the meter under ``-o``."""
        opts = self.opts
        shown = ""
        if opts.include or opts.head:
            shown += "\n".join(response.head.decode("latin-1").split("\r\n")) + "\n\n"
        if not opts.head:
            if opts.output is not None:
                if not opts.silent:
                    self.ctx.err(progress_meter(len(response.body), self.env.now - start))
            else:
                shown += terminal(response.body)
        self.ctx.out(shown)


def curl(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``curl [options] URL...``."""
    try:
        opts = parse_curl_args(argv[1:])
    except (CurlUsage, OptionError) as error:
        if isinstance(error, OptionError) and not isinstance(error, MissingArgument) and _real_option(error.option):
            ctx.err(f"dockersim: curl: option {error.option}: curl has this option, but the simulator does not model it\n")
            return NOT_MODELLED_OPTION
        ctx.err(f"curl: {_usage_text(error)}\n{CURL_TRY}")
        return 2
    if not opts.urls:
        ctx.err(("curl: no URL specified\n" if argv[1:] else "") + CURL_TRY)
        return 2
    return (yield from _Curl(ctx, opts).run())
