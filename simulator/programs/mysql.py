"""MySQL 5.7's client/server protocol, as far as a connection shows on the wire.

The server (``mysqld`` of the ``mysql:5.7`` image) listens on 3306. For each
connection it sends the initial handshake (Protocol::HandshakeV10: version
``5.7.44``, a connection id, a 20-byte scramble, ``mysql_native_password``), reads
the client's HandshakeResponse41, checks the password the way
``mysql_native_password`` does (the client proves it knows SHA1(password) without
sending it) and answers OK or ERR 1045 "Access denied"; an unknown database is ERR
1049. A client (WordPress) then sends COM_QUIT and both close.

Simplified: no queries (a client that authenticated only quits), no TLS, one
``root@%`` account plus ``MYSQL_USER`` as the image's entrypoint creates them.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Generator
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from simulator.kernel.ipv4.tcp import (
    TcpConnection,
    TcpError,
    TcpListener,
    TcpState,
    tcp_connect,
    tcp_listen,
)
from simulator.sim import latency

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

SERVER_VERSION = "5.7.44"
PORT = 3306
AUTH_PLUGIN = "mysql_native_password"
LATIN1_SWEDISH_CI = 8  # 5.7's default character_set_server
SERVER_STATUS_AUTOCOMMIT = 0x0002
CLIENT_LONG_PASSWORD = 0x1
CLIENT_CONNECT_WITH_DB = 0x8
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000
SERVER_CAPABILITIES = 0xC1FFF7FF & ~0x800  # everything 5.7 offers but TLS (not modelled)
COM_QUIT = 0x01
ER_ACCESS_DENIED_ERROR = 1045
ER_BAD_DB_ERROR = 1049


def packet(seq: int, payload: bytes) -> bytes:
    """A protocol packet: 3-byte little-endian length, sequence id, payload."""
    return struct.pack("<I", len(payload))[:3] + bytes([seq & 0xFF]) + payload


def split_packets(buffer: bytearray) -> list[tuple[int, bytes]]:
    """Take every complete packet off the front of ``buffer``: (sequence id, payload)."""
    out = []
    while len(buffer) >= 4:
        length = int.from_bytes(buffer[:3], "little")
        if len(buffer) < 4 + length:
            break
        out.append((buffer[3], bytes(buffer[4:4 + length])))
        del buffer[:4 + length]
    return out


def scramble(password: str, salt: bytes) -> bytes:
    """mysql_native_password: SHA1(password) XOR SHA1(salt + SHA1(SHA1(password)))."""
    if not password:
        return b""
    stage1 = hashlib.sha1(password.encode()).digest()
    stage2 = hashlib.sha1(stage1).digest()
    mix = hashlib.sha1(salt + stage2).digest()
    return bytes(a ^ b for a, b in zip(stage1, mix, strict=True))


def greeting(connection_id: int, salt: bytes) -> bytes:
    """Protocol::HandshakeV10."""
    caps = SERVER_CAPABILITIES
    return (b"\x0a" + SERVER_VERSION.encode() + b"\0" + struct.pack("<I", connection_id) + salt[:8] + b"\0"
            + struct.pack("<H", caps & 0xFFFF) + bytes([LATIN1_SWEDISH_CI]) + struct.pack("<H", SERVER_STATUS_AUTOCOMMIT)
            + struct.pack("<H", caps >> 16) + bytes([len(salt) + 1]) + b"\0" * 10 + salt[8:] + b"\0"
            + AUTH_PLUGIN.encode() + b"\0")


def parse_greeting(payload: bytes) -> bytes:
    """The 20-byte scramble of a HandshakeV10."""
    version_end = payload.index(b"\0", 1)
    at = version_end + 1 + 4
    part1 = payload[at:at + 8]
    at += 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10
    part2 = payload[at:at + 12]
    return part1 + part2


def handshake_response(user: str, password: str, database: str, salt: bytes) -> bytes:
    """Protocol::HandshakeResponse41 (what PHP's mysqlnd sends)."""
    caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
    if database:
        caps |= CLIENT_CONNECT_WITH_DB
    auth = scramble(password, salt)
    out = struct.pack("<IIB", caps, 1 << 24, 33) + b"\0" * 23 + user.encode() + b"\0" + bytes([len(auth)]) + auth
    if database:
        out += database.encode() + b"\0"
    return out + AUTH_PLUGIN.encode() + b"\0"


def parse_handshake_response(payload: bytes) -> tuple[str, bytes, str]:
    """(user, auth response, database) of a HandshakeResponse41."""
    caps = struct.unpack_from("<I", payload)[0]
    at = 32
    end = payload.index(b"\0", at)
    user = payload[at:end].decode()
    at = end + 1
    length = payload[at]
    auth = payload[at + 1:at + 1 + length]
    at += 1 + length
    database = ""
    if caps & CLIENT_CONNECT_WITH_DB:
        end = payload.index(b"\0", at)
        database = payload[at:end].decode()
    return user, auth, database


def ok_packet() -> bytes:
    """OK_Packet: no rows affected, autocommit on, no warnings."""
    return b"\x00\x00\x00" + struct.pack("<HH", SERVER_STATUS_AUTOCOMMIT, 0)


def err_packet(code: int, state: str, message: str) -> bytes:
    """ERR_Packet: error code, SQL state, message."""
    return b"\xff" + struct.pack("<H", code) + b"#" + state.encode() + message.encode()


@dataclass
class MysqlServer:
    """mysqld listening on 3306 with the accounts the image's entrypoint created."""

    sim: Simulation
    netns: NetworkNamespace
    accounts: dict[str, str]  # user -> password ('' for MYSQL_ALLOW_EMPTY_PASSWORD)
    databases: set[str] = field(default_factory=set)
    port: int = PORT
    connections: int = 0
    listener: TcpListener | None = None

    def __post_init__(self) -> None:
        self.listener = tcp_listen(self.netns.ipv4, self.port, self._accept)

    def _accept(self, conn: TcpConnection) -> None:
        self.connections += 1
        salt = bytes(0x21 + self.sim.stream("mysql").randrange(0x5E) for _ in range(20))  # printable, as mysqld makes it
        session = _Session(self, conn, salt)
        low, high = latency.PROCESS_WAKEUP_S
        self.sim.call_later(low + self.sim.stream("jitter").random() * (high - low), session.greet)

    def check(self, user: str, auth: bytes, database: str, salt: bytes, peer: str) -> bytes:
        """OK, or the ERR mysqld sends."""
        password = self.accounts.get(user)
        if password is None or auth != scramble(password, salt):
            using = "YES" if auth else "NO"
            return err_packet(ER_ACCESS_DENIED_ERROR, "28000", f"Access denied for user '{user}'@'{peer}' (using password: {using})")
        if database and database not in self.databases:
            return err_packet(ER_BAD_DB_ERROR, "42000", f"Unknown database '{database}'")
        return ok_packet()

    def stop(self) -> None:
        """Close the listening socket (the container stopped)."""
        if self.listener is not None:
            self.listener.close()


@dataclass
class _Session:
    server: MysqlServer
    conn: TcpConnection
    salt: bytes
    buffer: bytearray = field(default_factory=bytearray)
    authenticated: bool = False

    def greet(self) -> None:
        """Send the initial handshake once the worker thread runs."""
        if self.conn.state is not TcpState.ESTABLISHED:
            return
        self.conn.on_readable = self._readable
        try:
            self.conn.send(packet(0, greeting(self.server.connections, self.salt)))
        except TcpError:
            return
        self._readable(self.conn)

    def _readable(self, conn: TcpConnection) -> None:
        self.buffer += conn.read_available()
        for seq, payload in split_packets(self.buffer):
            if not self.authenticated:
                user, auth, database = parse_handshake_response(payload)
                answer = self.server.check(user, auth, database, self.salt, str(conn.remote[0]))
                conn.send(packet(seq + 1, answer))
                if answer[0] != 0:
                    conn.close()
                    return
                self.authenticated = True
            elif payload[:1] == bytes([COM_QUIT]):
                conn.close()
                return
        if conn.eof and conn.state is not TcpState.CLOSED:
            conn.close()


def start_server(sim: Simulation, netns: NetworkNamespace, environ: dict[str, str]) -> MysqlServer | int:
    """What ``docker-entrypoint.sh mysqld`` does: the accounts from the environment, then listen.

    Without one of the password variables the entrypoint refuses to initialise the
    database and the container exits with status 1.
    """
    root = environ.get("MYSQL_ROOT_PASSWORD")
    if root is None and not environ.get("MYSQL_ALLOW_EMPTY_PASSWORD") and not environ.get("MYSQL_RANDOM_ROOT_PASSWORD"):
        return 1
    accounts = {"root": root if root is not None else ""}
    if environ.get("MYSQL_RANDOM_ROOT_PASSWORD"):
        accounts["root"] = "".join(chr(0x41 + sim.stream("mysql").randrange(26)) for _ in range(32))
    user, password = environ.get("MYSQL_USER"), environ.get("MYSQL_PASSWORD")
    if user and password and user != "root":
        accounts[user] = password
    databases = {"mysql", "information_schema", "performance_schema", "sys"}
    if environ.get("MYSQL_DATABASE"):
        databases.add(environ["MYSQL_DATABASE"])
    try:
        return MysqlServer(sim, netns, accounts, databases)
    except TcpError:
        return 1


def connect(sim: Simulation, netns: NetworkNamespace, ip: IPv4Address, user: str, password: str, database: str,
            timeout_s: float = 10.0) -> Generator[Any, Any, str | None]:
    """A client's login then COM_QUIT; None on success, else the error as PHP's mysqli reports it."""
    try:
        conn = yield from tcp_connect(netns.ipv4, ip, PORT, timeout_s)
    except TcpError as error:
        return f"{error}"
    buffer = bytearray()
    try:
        greeting_payload = yield from _read_packet(conn, buffer, timeout_s)
        salt = parse_greeting(greeting_payload)
        conn.send(packet(1, handshake_response(user, password, database, salt)))
        answer = yield from _read_packet(conn, buffer, timeout_s)
        if answer[:1] == b"\xff":
            conn.close()
            return answer[9:].decode()
        conn.send(packet(0, bytes([COM_QUIT])))
        conn.close()
        yield from conn.wait_closed(1.0)
    except (TcpError, ValueError) as error:
        conn.close()
        return str(error)
    return None


def _read_packet(conn: TcpConnection, buffer: bytearray, timeout_s: float) -> Generator[Any, Any, bytes]:
    while True:
        got = split_packets(buffer)
        if got:
            return got[0][1]
        data = yield from conn.recv(timeout_s)
        if not data:
            raise ValueError("Lost connection to MySQL server during query")
        buffer += data
