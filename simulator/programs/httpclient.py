"""The socket side of curl and wget: read one response off a connection, close politely.

The protocol is ``httpcore``'s (no I/O); the tools' dialogues are in ``curl`` and
``wget``; what is left is the waiting: ``recv()`` until the reader has a whole
response or the deadline passes, and, after ``close()``, waiting for the close
handshake so that the command's trace holds the whole exchange (the kernel would
finish it after the program exited).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simulator.kernel.ipv4.tcp import TcpConnection
from simulator.programs.httpcore import WireResponse, WireResponseReader


def read_response(conn: TcpConnection, reader: WireResponseReader, deadline: float | None) -> Generator[Any, Any, WireResponse]:
    """Feed ``reader`` what arrives on ``conn`` until a response is complete.

    Raises:
        TcpError: the connection was reset.
        SocketTimeout: ``deadline`` (simulated time) passed first.
        EmptyReply: the server closed without a byte.
    """
    env = conn.sim.env
    while True:
        left = None if deadline is None else max(0.0, deadline - env.now)
        data = yield from conn.recv(left)
        response = reader.feed(data)
        if response is not None:
            return response


def terminal(data: bytes) -> str:
    """What a terminal shows for bytes written to it (CRLF line ends shown as line ends)."""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def linger(conns: list[TcpConnection]) -> Generator[Any, Any, None]:
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
