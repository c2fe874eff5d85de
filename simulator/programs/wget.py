"""wget: BusyBox 1.36's applet (alpine, busybox images) or GNU Wget 1.21.4 (elsewhere).

Both fetch one URL the same way: read the command line (``options``), split the
URL (``url``), resolve the host, ``connect()`` (GNU Wget tries again after a
timeout, up to ``--tries``, waiting 1 s, 2 s, ... 10 s between tries), send a GET
(``--spider``: a HEAD), read the response (``httpcore.WireResponseReader``), close,
and report. What differs is what they say and with which exit status, and that is
data: one :class:`WgetBuild` row per build, its messages keyed by the step that
prints them (``None``: that build prints nothing there). A message goes to stderr
through ``say`` (silenced by ``-q``) or ``err`` (always). The final report, whose
layout differs throughout (BusyBox's progress bar, GNU's ``Saving to:`` and rate
line), is one function per build.

Exit statuses: BusyBox 1 for every failure; GNU Wget (``exits.h``) 1 generic,
2 command line, 4 network failure, 8 server error response.
Simplified: no TLS, no redirects, no chunked bodies; a saved file is not kept on
disk.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import datetime, timezone
from ipaddress import IPv4Address
from typing import Any

from simulator.kernel.ipv4.tcp import SocketTimeout, TcpConnection, TcpError, tcp_connect
from simulator.programs.httpclient import linger, read_response, terminal
from simulator.programs.httpcore import EmptyReply, WireResponse, WireResponseReader
from simulator.programs.options import MissingArgument, OptionError, OptionSpec, split
from simulator.programs.process import ProcessContext
from simulator.programs.servers import EPOCH_S
from simulator.programs.url import Url, UrlError, authority, parse_url
from simulator.sim import latency

GNU_WGET_VERSION = "1.21.4"
GNU_WGET_TRIES = 20
TERMINAL_COLUMNS = 80


@dataclass(frozen=True, slots=True)
class WgetOptions:
    """What wget's command line asked for, read once before anything is sent."""

    url: str | None = None  # the last URL given
    quiet: bool = False  # -q
    output: str | None = None  # -O FILE ("-": stdout)
    timeout_s: float | None = None  # -T
    tries: int = GNU_WGET_TRIES  # -t (0: the default)
    user_agent: str | None = None  # -U
    spider: bool = False  # --spider: HEAD, nothing saved
    server_response: bool = False  # -S: the response head on stderr


# option -> WgetOptions field ("prefix": -P, accepted and without effect here)
WGET_OPTIONS = {
    "-q": "quiet", "--quiet": "quiet", "-S": "server_response", "--server-response": "server_response",
    "--spider": "spider", "-O": "output", "--output-document": "output", "-T": "timeout_s", "--timeout": "timeout_s",
    "-U": "user_agent", "--user-agent": "user_agent", "-t": "tries", "--tries": "tries", "-P": "prefix",
}
WGET_SPEC = OptionSpec(flags="qS", valued="OTUtP", long_flags=("--quiet", "--server-response", "--spider"),
                       long_valued=("--output-document", "--timeout", "--user-agent", "--tries"))


def parse_wget_args(args: list[str]) -> WgetOptions:
    """wget's command line: bundled short options (``-qO-``), ``--name=value`` or apart.

    Raises:
        OptionError: an unknown option, or one without its value.
        ValueError: a number (``-T``, ``-t``) that is not one.

    >>> parse_wget_args(["-qO-", "http://web/"])
    WgetOptions(url='http://web/', quiet=True, output='-', timeout_s=None, tries=20, user_agent=None, spider=False, server_response=False)
    """
    parsed = split(args, WGET_SPEC)
    fields: dict[str, Any] = {}
    for option, value in parsed.options:
        attr = WGET_OPTIONS[option]
        if value is None:
            fields[attr] = True
        elif attr == "timeout_s":
            fields[attr] = float(value)
        elif attr == "tries":
            fields[attr] = int(value) or GNU_WGET_TRIES
        elif attr != "prefix":
            fields[attr] = value
    return WgetOptions(url=parsed.operands[-1] if parsed.operands else None, **fields)


def _option_text(error: OptionError) -> str:
    """glibc getopt_long's words for a refused option."""
    if isinstance(error, MissingArgument):
        if error.option.startswith("--"):
            return f"option '{error.option}' requires an argument"
        return f"option requires an argument -- '{error.letter}'"
    if error.option.startswith("--"):
        return f"unrecognized option '{error.word}'"
    return f"invalid option -- '{error.letter}'"


Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Step:
    """A message one build prints at one step: where it goes, and its template (``str.format``)."""

    text: str
    always: bool = False  # stderr even under -q (an error), else only without -q

    def show(self, ctx: ProcessContext, quiet: bool, **values: object) -> None:
        """Print it, filled with ``values``."""
        if self.always or not quiet:
            ctx.err(self.text.format(**values))


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """What a build does when the response does not come: its message, and how it hangs up."""

    step: Step
    close: bool = True  # close() the socket
    linger: bool = True  # and wait for the close handshake
    message_first: bool = False  # say so before hanging up (GNU), or after (BusyBox)


@dataclass(frozen=True, slots=True)
class WgetBuild:
    """What one wget build says at each step, and with which exit status."""

    usage: str  # after a refused command line
    usage_status: int
    missing_url: str
    bad_url: Step
    failure: int  # a network failure (BusyBox 1, GNU NETWORKFAILURE 4)
    default_timeout_s: float | None
    retries: bool  # GNU: try again after a connect() timeout, up to --tries
    steps: dict[str, Step | None]
    read_failures: dict[type[Exception], ReadFailure]
    request: Callable[[str, Url, WgetOptions, str], bytes]  # (method, url, options, URL as typed)
    report: Callable[[ProcessContext, WgetOptions, Url, WireResponse, float, Say], int]
    tls_reset: Step | None = None  # an https:// URL: BusyBox's TLS helper sees a reset


def _busybox_request(method: str, url: Url, opts: WgetOptions, typed: str) -> bytes:
    """BusyBox always asks the server to close: it will not send a second request."""
    return (f"{method} {url.path} HTTP/1.1\r\nHost: {authority(typed)}\r\nUser-Agent: {opts.user_agent or 'Wget'}\r\n"
            "Connection: close\r\n\r\n").encode()


def _gnu_request(method: str, url: Url, opts: WgetOptions, typed: str) -> bytes:
    """GNU Wget's request: it offers to keep the connection."""
    return (f"{method} {url.path} HTTP/1.1\r\nHost: {url.host_port}\r\nUser-Agent: {opts.user_agent or 'Wget/' + GNU_WGET_VERSION}\r\n"
            "Accept: */*\r\nAccept-Encoding: identity\r\nConnection: Keep-Alive\r\n\r\n").encode()


def _file_name(url: Url, opts: WgetOptions) -> str:
    """Where the body goes: ``-O``'s name, else the URL's last part."""
    return opts.output if opts.output is not None else url.file_name


def _busybox_report(ctx: ProcessContext, opts: WgetOptions, url: Url, response: WireResponse, seconds: float, say: Say) -> int:
    """BusyBox: ``-S``'s head, an error for anything but 2xx, else ``saving to`` and the progress bar."""
    if opts.server_response:
        say("".join(f"  {line}\n" for line in response.head.decode("latin-1").split("\r\n")))
    if not 200 <= response.status < 300:
        ctx.err(f"wget: server returned error: {response.status_line}\n")
        return 1  # BusyBox: 1 for every failure
    if opts.spider:
        say("remote file exists\n")
        return 0
    to_stdout = opts.output == "-"
    name = "-" if to_stdout else _file_name(url, opts)
    say("writing to stdout\n" if to_stdout else f"saving to '{name}'\n")
    if to_stdout:
        ctx.out(terminal(response.body))
    say(_busybox_progress(name, len(response.body)) + ("written to stdout\n" if to_stdout else f"'{name}' saved\n"))
    return 0


def _busybox_progress(name: str, size: int) -> str:
    """libbb/progress.c bb_progress_update, final call, on an 80-column terminal."""
    bar = TERMINAL_COLUMNS - 48
    shown = size
    unit = 0
    while shown >= 100000:
        unit += 1
        shown >>= 10
    return f"{name[:20]:<20}{100:4d}% |{'*' * bar}|{shown:6d}{' kMGTPEZY'[unit]} 0:00:00 ETA\n"


def _stamp(ctx: ProcessContext) -> str:
    """GNU Wget's timestamp: the simulated wall clock in UTC."""
    return datetime.fromtimestamp(EPOCH_S + ctx.sim.env.now, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _gnu_report(ctx: ProcessContext, opts: WgetOptions, url: Url, response: WireResponse, seconds: float, say: Say) -> int:
    """GNU Wget: the status, ``Length:``, ``Saving to:``, the bar and the rate line."""
    say(f"{response.status} {response.reason}\n")
    if response.status >= 400:
        say(f"{_stamp(ctx)} ERROR {response.status}: {response.reason}.\n\n")
        return 8  # exits.h WGET_EXIT_SERVER_ERROR
    size = len(response.body)
    kind = (response.header("content-type") or "").split(";")[0]
    say(f"Length: {size} [{kind}]\n" if size < 1024 else f"Length: {size} ({_gnu_size(size)}) [{kind}]\n")
    if opts.spider:
        say("Remote file exists.\n\n")
        return 0
    to_stdout = opts.output == "-"
    name = _file_name(url, opts)
    say(f"Saving to: ‘{'STDOUT' if to_stdout else name}’\n\n")
    if to_stdout:
        ctx.out(terminal(response.body))
    low, high = latency.PROCESS_WAKEUP_S  # the body came with the head: read in one wakeup
    read_s = low + ctx.sim.stream("jitter").random() * (high - low)
    shown = "-" if to_stdout else name
    say(f"{shown[:19]:<19} 100%[===================>] {size:>7,}  --.-KB/s    in 0s      \n\n")
    rate = _gnu_rate(size / read_s)
    if to_stdout:
        say(f"{_stamp(ctx)} ({rate}) - written to stdout [{size}/{size}]\n\n")
    else:
        say(f"{_stamp(ctx)} ({rate}) - ‘{name}’ saved [{size}/{size}]\n\n")
    return 0


_BUSYBOX_USAGE = ("BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\n"
                  "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
                  "\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n")
_GNU_USAGE = "Usage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n"

BUSYBOX = WgetBuild(
    usage=_BUSYBOX_USAGE, usage_status=1, missing_url=_BUSYBOX_USAGE,
    bad_url=Step("wget: not an http or ftp url: {typed}\n", always=True),
    failure=1, default_timeout_s=900.0, retries=False,  # G.timeout_seconds
    steps={
        "start": None, "resolved": None, "retry": None,
        "resolve_failed": None,
        "resolve_error": Step("wget: bad address '{host}'\n", always=True),
        "connecting": Step("Connecting to {authority} ({ip}:{port})\n"),
        "connect_timeout": Step("wget: download timed out\n", always=True),
        "connect_failed": Step("wget: can't connect to remote host ({ip}): {error}\n", always=True),
        "retrying": None, "connected": None, "give_up": None, "request_sent": None,
    },
    read_failures={
        SocketTimeout: ReadFailure(Step("wget: download timed out\n", always=True), linger=False),
        EmptyReply: ReadFailure(Step("wget: error getting response\n", always=True)),
        TcpError: ReadFailure(Step("wget: error getting response: {error}\n", always=True), close=False, linger=False),
    },
    request=_busybox_request, report=_busybox_report,
    tls_reset=Step("wget: error getting response: Connection reset by peer\n", always=True),
)

GNU = WgetBuild(
    usage=_GNU_USAGE, usage_status=2, missing_url="wget: missing URL\n" + _GNU_USAGE,
    bad_url=Step("{typed}: Unsupported scheme.\n", always=True),
    failure=4, default_timeout_s=None, retries=True,
    steps={
        "start": Step("--{stamp}--  {url}\n"),
        "resolved": Step("Resolving {host} ({host})... {ip}\n"),
        "resolve_failed": Step("Resolving {host} ({host})... failed: Temporary failure in name resolution.\n"),
        "resolve_error": Step("wget: unable to resolve host address ‘{host}’\n", always=True),
        "retry": Step("--{stamp}--  (try:{attempt:2d})  {url}\n"),
        "connecting": Step("Connecting to {where}... "),
        "connect_timeout": Step("failed: Connection timed out.\n"),
        "connect_failed": Step("failed: {error}.\n"),
        "retrying": Step("Retrying.\n\n"),
        "connected": Step("connected.\n"),
        "give_up": Step("Giving up.\n\n"),
        "request_sent": Step("HTTP request sent, awaiting response... "),
    },
    read_failures={
        SocketTimeout: ReadFailure(Step("Read error (Connection timed out) in headers.\nGiving up.\n\n"), message_first=True),
        EmptyReply: ReadFailure(Step("No data received.\nGiving up.\n\n"), message_first=True),
        TcpError: ReadFailure(Step("Read error ({error}) in headers.\nGiving up.\n\n"), message_first=True),
    },
    request=_gnu_request, report=_gnu_report,
)


def wget(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``wget [options] URL``: BusyBox's in BusyBox images, GNU Wget's elsewhere."""
    build = BUSYBOX if ctx.userland.busybox is not None else GNU
    try:
        opts = parse_wget_args(argv[1:])
    except (OptionError, ValueError) as error:
        text = _option_text(error) if isinstance(error, OptionError) else str(error)
        ctx.err(f"wget: {text}\n{build.usage}")
        return build.usage_status
    if opts.url is None:
        ctx.err(build.missing_url)
        return 1
    try:
        url = parse_url(opts.url)
    except UrlError:
        build.bad_url.show(ctx, opts.quiet, typed=opts.url)
        return 1
    return (yield from _Fetch(ctx, build, opts, url).run())


class _Fetch:
    """One wget run past its command line: resolve, connect, request, response, report."""

    def __init__(self, ctx: ProcessContext, build: WgetBuild, opts: WgetOptions, url: Url) -> None:
        self.ctx = ctx
        self.build = build
        self.opts = opts
        self.url = url
        self.typed = opts.url or ""
        self.env = ctx.sim.env
        self.timeout_s = opts.timeout_s if opts.timeout_s is not None else build.default_timeout_s
        self.named = False  # the URL names the host (not an address): GNU Wget says how it resolved

    def say(self, text: str) -> None:
        """A progress message on stderr, unless ``-q``."""
        if not self.opts.quiet:
            self.ctx.err(text)

    def step(self, name: str, **values: object) -> None:
        """The build's message for step ``name``, if it prints one."""
        found = self.build.steps[name]
        if found is not None:
            found.show(self.ctx, self.opts.quiet, **values)

    def run(self) -> Generator[Any, Any, int]:
        """The whole fetch; wget's exit status."""
        url = self.url
        self.step("start", stamp=_stamp(self.ctx), url=url.text)
        ip = yield from self.resolve()
        if ip is None:
            return self.build.failure
        start = self.env.now
        conn = yield from self.connect(ip)
        if isinstance(conn, int):
            return conn
        if url.scheme == "https" and self.build.tls_reset is not None:
            conn.close()
            yield from linger([conn])
            self.build.tls_reset.show(self.ctx, self.opts.quiet)
            return self.build.failure
        method = "HEAD" if self.opts.spider else "GET"
        conn.send(self.build.request(method, url, self.opts, self.typed))
        self.step("request_sent")
        reader = WireResponseReader(head_only=method == "HEAD")
        deadline = None if self.timeout_s is None else self.env.now + self.timeout_s
        try:
            response = yield from read_response(conn, reader, deadline)
        except (SocketTimeout, EmptyReply, TcpError) as error:
            failure = next(f for kind, f in self.build.read_failures.items() if isinstance(error, kind))
            if failure.message_first:
                failure.step.show(self.ctx, self.opts.quiet, error=error)
            if failure.close:
                conn.close()
            if failure.linger:
                yield from linger([conn])
            if not failure.message_first:
                failure.step.show(self.ctx, self.opts.quiet, error=error)
            return self.build.failure
        conn.close()
        yield from linger([conn])
        return self.build.report(self.ctx, self.opts, url, response, self.env.now - start, self.say)

    def resolve(self) -> Generator[Any, Any, IPv4Address | None]:
        """The host's address (a literal, or the resolver's answer); None, said, when there is none."""
        host = self.url.host
        try:
            return IPv4Address(host)
        except ValueError:
            pass
        resolved = None
        if self.ctx.resolve is not None:
            resolved = yield from self.ctx.resolve(host)
        if resolved is None:
            self.step("resolve_failed", host=host)
            self.step("resolve_error", host=host)
            return None
        self.step("resolved", host=host, ip=resolved)
        self.named = True
        return IPv4Address(resolved)

    def connect(self, ip: IPv4Address) -> Generator[Any, Any, TcpConnection | int]:
        """A connection, trying again after timeouts when the build does; else the exit status."""
        url = self.url
        where = f"{url.host} ({url.host})|{ip}|:{url.port}" if self.named else f"{ip}:{url.port}"
        tries = self.opts.tries if self.build.retries else 1
        for attempt in range(1, tries + 1):
            if attempt > 1:
                yield self.env.timeout(min(attempt - 1, 10))  # --waitretry 10: 1 s, 2 s, ... 10 s
                self.step("retry", stamp=_stamp(self.ctx), attempt=attempt, url=url.text)
            self.step("connecting", authority=authority(self.typed), ip=ip, port=url.port, where=where)
            try:
                conn: TcpConnection = yield from tcp_connect(self.ctx.netns.ipv4, ip, url.port, self.timeout_s)
            except SocketTimeout:
                self.step("connect_timeout")
                self.step("retrying")
                continue
            except TcpError as error:
                self.step("connect_failed", ip=ip, error=error)
                if error.errno == "ETIMEDOUT":
                    self.step("retrying")
                    continue
                return self.build.failure
            self.step("connected")
            return conn
        self.step("give_up")
        return self.build.failure


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
