"""HTTP/1.1 framing with no I/O and no clock: bytes in, events out (RFC 9112).

h11 keeps each side's state machine (request line, headers, Content-Length or
chunked bodies, keep-alive cycles); this module gives the simulator's programs the
few shapes they need on top of it:

- a client (apt's HTTP method) builds request bytes with :func:`request_bytes` and
  feeds whatever the socket returned to a :class:`ResponseReader` until it hands back
  a complete :class:`Response`;
- a server (the package mirror, the web servers images run) feeds bytes to a
  :class:`RequestReader`, gets each complete :class:`Request`, and answers with
  :func:`response_bytes`;
- curl and wget, which print the head they received byte for byte (``curl -i``,
  ``-v``, ``wget -S``) and cope with whatever a server sends, feed a
  :class:`WireResponseReader`: it frames one response as curl does (the head up to
  the empty line, then ``Content-Length`` bytes or up to the server's FIN) and keeps
  the head as it came, without h11's judgement.

Sockets, timers and retries stay in the programs: this is only the protocol.

>>> reader = WireResponseReader(head_only=False)
>>> reader.feed(b"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhel") is None
True
>>> reader.received, reader.expected
(3, 5)
>>> reader.feed(b"lo").body
b'hello'

>>> raw = request_bytes("GET", "/ubuntu/dists/trusty/InRelease", "archive.ubuntu.com")
>>> server = RequestReader()
>>> [r.target for r in server.feed(raw)]
['/ubuntu/dists/trusty/InRelease']
>>> answer, keep_alive = server.respond(200, [("Content-Type", "text/plain")], b"hello")
>>> client = ResponseReader()
>>> client.expect("GET", "/ubuntu/dists/trusty/InRelease", "archive.ubuntu.com")
>>> client.feed(answer)[0].body
b'hello'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import h11

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 400: "Bad Request",
           404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error"}


class HttpError(Exception):
    """The peer broke the protocol (h11's ProtocolError, in the words a client prints)."""


@dataclass(frozen=True)
class Request:
    """One request as a server received it: header names in lower case."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    @property
    def host(self) -> str:
        """The Host header without its port (RFC 9110 7.2)."""
        return (self.header("host") or "").rsplit(":", 1)[0].lower()

    @property
    def path(self) -> str:
        """The target without its query string."""
        return self.target.split("?", 1)[0]


@dataclass
class Response:
    """One response as a client received it."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    keep_alive: bool = True

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)


def request_bytes(method: str, target: str, host: str, headers: list[tuple[str, str]] | None = None) -> bytes:
    """The bytes of one request with no body (``GET``/``HEAD``), Host first."""
    conn = h11.Connection(h11.CLIENT)
    data = conn.send(h11.Request(method=method, target=target, headers=[("Host", host), *(headers or [])]))
    data += conn.send(h11.EndOfMessage()) or b""
    return data or b""


def _text(value: bytes) -> str:
    return value.decode("latin-1")


@dataclass
class RequestReader:
    """The server side of one connection: bytes in, complete requests out."""

    conn: h11.Connection = field(default_factory=lambda: h11.Connection(h11.SERVER))
    _current: h11.Request | None = None
    _body: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> list[Request]:
        """Every request completed by ``data`` (``b""`` is the client's FIN).

        Raises HttpError on bytes that are not HTTP/1.x.
        """
        self.conn.receive_data(data)
        return [Request(_text(req.method), _text(req.target), tuple((_text(k), _text(v)) for k, v in req.headers), body)
                for req, body in _messages(self, h11.Request, next_cycle=False)]

    def respond(self, status: int, headers: list[tuple[str, str]], body: bytes = b"", head_only: bool = False) -> tuple[bytes, bool]:
        """The bytes answering the last request, and whether the connection stays open for another."""
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers = [*headers, ("Content-Length", str(len(body)))]
        data = self.conn.send(h11.Response(status_code=status, headers=headers, reason=REASONS.get(status, "").encode())) or b""
        if body and not head_only:
            data += self.conn.send(h11.Data(data=body)) or b""
        data += self.conn.send(h11.EndOfMessage()) or b""
        if self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE:
            self.conn.start_next_cycle()
            return data, True
        return data, False


@dataclass
class ResponseReader:
    """The client side of one connection: bytes in, complete responses out.

    ``head_only``: the request was HEAD, so the response has no body.
    """

    conn: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
    _current: h11.Response | None = None
    _body: bytearray = field(default_factory=bytearray)
    received: int = 0

    def expect(self, method: str, target: str, host: str) -> None:
        """Tell the reader a request went out (h11 frames the answer by it)."""
        self.conn.send(h11.Request(method=method, target=target, headers=[("Host", host)]))
        self.conn.send(h11.EndOfMessage())

    def feed(self, data: bytes) -> list[Response]:
        """Every response completed by ``data`` (``b""``: the server closed)."""
        self.conn.receive_data(data)
        self.received += len(data)
        done: list[Response] = []
        for res, body in _messages(self, h11.Response, next_cycle=True):
            headers = tuple((_text(k), _text(v)) for k, v in res.headers)
            keep = not any(k == "connection" and v.lower() == "close" for k, v in headers)
            done.append(Response(res.status_code, _text(res.reason), headers, body, keep))
        return done


def _messages(reader: RequestReader | ResponseReader, kind: type[Any], next_cycle: bool) -> Iterator[tuple[Any, bytes]]:
    """Each message of ``kind`` that the bytes received so far complete, with its body.

    A message cut across segments waits in the reader (``_current``, ``_body``) for the
    rest. ``next_cycle``: the client starts the next request/response cycle itself once
    both sides are done (the server does so when it answers).
    """
    conn = reader.conn
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as error:
            raise HttpError(str(error)) from error
        if event is h11.NEED_DATA or event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
            return
        if isinstance(event, kind):
            reader._current, reader._body = event, bytearray()
        elif isinstance(event, h11.Data):
            reader._body += event.data
        elif isinstance(event, h11.EndOfMessage) and reader._current is not None:
            yield reader._current, bytes(reader._body)
            reader._current = None
            if next_cycle and conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                conn.start_next_cycle()


class EmptyReply(Exception):
    """The server closed the connection without sending a byte."""


@dataclass
class WireResponse:
    """A response as it came off the wire: the head, split but kept verbatim, and the body."""

    version: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    head: bytes
    body: bytes = b""

    @property
    def status_line(self) -> str:
        """``HTTP/1.1 404 Not Found``, as wget quotes it."""
        return f"{self.version} {self.status} {self.reason}".rstrip()

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def content_length(self) -> int | None:
        """``Content-Length`` when it is a number (RFC 9112 6.3), else None: read up to the FIN."""
        value = self.header("content-length")
        return int(value) if value is not None and value.isdecimal() else None

    @property
    def keep_alive(self) -> bool:
        """Whether the server keeps the connection for another request (RFC 9112 9.3)."""
        connection = (self.header("connection") or "").lower()
        return connection != "close" if self.version == "HTTP/1.1" else connection == "keep-alive"


def parse_response_head(head: bytes) -> WireResponse:
    """The status line and header fields of ``head`` (the bytes before the empty line)."""
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers.append((name, value.strip()))
    return WireResponse(version, int(code) if code.isdecimal() else 0, reason, headers, head)


@dataclass
class WireResponseReader:
    """One response framed as curl frames it (RFC 9112 6.3, without chunked): bytes in.

    ``received`` counts the body bytes so far and ``expected`` is the length the head
    announced (None: up to the FIN), for curl's "with X out of Y bytes received".
    ``head_only``: the request was HEAD, so no body follows (nor after 1xx, 204, 304).
    """

    head_only: bool
    response: WireResponse | None = None
    received: int = 0
    expected: int | None = None
    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> WireResponse | None:
        """The complete response once ``data`` finishes it (``b""``: the server's FIN), else None.

        Raises:
            EmptyReply: the server closed without sending a byte.
        """
        if not data:
            if self.response is None:
                if not self._buffer:
                    raise EmptyReply()
                self.response = parse_response_head(bytes(self._buffer))
            self.response.body = bytes(self._buffer)
            return self.response
        self._buffer += data
        if self.response is None and b"\r\n\r\n" in self._buffer:
            head, _, rest = bytes(self._buffer).partition(b"\r\n\r\n")
            self.response = parse_response_head(head)
            self._buffer[:] = rest
            status = self.response.status
            no_body = self.head_only or status in (204, 304) or 100 <= status < 200
            self.expected = 0 if no_body else self.response.content_length
        if self.response is None:
            return None
        self.received = len(self._buffer)
        if self.expected is not None and len(self._buffer) >= self.expected:
            self.response.body = bytes(self._buffer[: self.expected])
            return self.response
        return None
