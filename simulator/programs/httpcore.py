"""HTTP/1.1 framing with no I/O and no clock: bytes in, events out (RFC 9112).

h11 keeps each side's state machine (request line, headers, Content-Length or
chunked bodies, keep-alive cycles); this module gives the simulator's programs the
few shapes they need on top of it:

- a client (apt's HTTP method) builds request bytes with :func:`request_bytes` and
  feeds whatever the socket returned to a :class:`ResponseReader` until it hands back
  a complete :class:`Response`;
- a server (the package mirror, the web servers images run) feeds bytes to a
  :class:`RequestReader`, gets each complete :class:`Request`, and answers with
  :func:`response_bytes`.

Sockets, timers and retries stay in the programs: this is only the protocol.

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
