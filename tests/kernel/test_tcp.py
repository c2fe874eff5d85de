"""TCP: the segments Linux sends, their sizes and timers, through bridges and NAT."""

from __future__ import annotations

from collections.abc import Generator
from ipaddress import IPv4Address
from typing import Any

import pytest
from scapy.all import rdpcap
from scapy.layers.inet import TCP

from simulator import Lab
from simulator.kernel.ipv4.tcp import (
    EPHEMERAL_PORTS,
    SocketTimeout,
    TcpConnection,
    TcpError,
    TcpOption,
    ephemeral_port,
    parse_options,
    reset_for,
    seq_lt,
    syn_options,
    tcp_connect,
    tcp_listen,
)
from simulator.packets.codec import encode
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.programs.servers import start_http_server
from simulator.trace.records import (
    DropReason,
    FrameDropped,
    FrameReceived,
    FrameSent,
    NatTranslated,
    PacketDelivered,
    TcpStateChanged,
)
from tests.realnet import normalize

LAPTOP = IPv4Address("192.168.1.20")
HOST = IPv4Address("192.168.1.10")
REQUEST = b"GET / HTTP/1.1\r\nHost: 192.168.1.20\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"


# -- pure -------------------------------------------------------------------------------------


def test_syn_options_are_linux_layout_20_bytes():
    raw = syn_options(1460, 0x01020304, 0)
    assert len(raw) == 20
    assert raw[:8] == bytes.fromhex("020405b4 0402 080a".replace(" ", ""))
    assert raw[16:] == bytes.fromhex("01030307")  # NOP, window scale 7
    options = parse_options(raw)
    assert options[TcpOption.MSS] == (1460).to_bytes(2, "big")
    assert options[TcpOption.TIMESTAMPS][:4] == bytes.fromhex("01020304")
    assert options[TcpOption.WINDOW_SCALE] == b"\x07"
    assert TcpOption.SACK_PERMITTED in options


def test_rst_for_a_syn_is_rst_ack_seq_0_ack_seq_plus_1():
    rst = reset_for(TcpSegment(40000, 8080, 0xFFFFFFFF, 0, TcpFlags.SYN))
    assert rst is not None
    assert (rst.sport, rst.dport, rst.seq, rst.ack) == (8080, 40000, 0, 0)  # wraps around 2**32
    assert rst.flags == TcpFlags.RST | TcpFlags.ACK and rst.window == 0 and rst.options == b""


def test_rst_for_an_ack_takes_its_seq_from_the_ack_and_a_rst_gets_nothing():
    rst = reset_for(TcpSegment(40000, 80, 5, 777, TcpFlags.ACK | TcpFlags.PSH, data=b"xy"))
    assert rst is not None and (rst.seq, rst.ack, rst.flags) == (777, 0, TcpFlags.RST)
    data_no_ack = reset_for(TcpSegment(40000, 80, 5, 0, TcpFlags.FIN, data=b"xyz"))
    assert data_no_ack is not None and data_no_ack.ack == 5 + 3 + 1
    assert reset_for(TcpSegment(40000, 80, 5, 0, TcpFlags.RST)) is None


def test_sequence_comparison_wraps():
    assert seq_lt(0xFFFFFFF0, 0x10)
    assert not seq_lt(0x10, 0xFFFFFFF0)


# -- wiring: helpers --------------------------------------------------------------------------


def run(lab: Lab, gen: Generator[Any, Any, Any]) -> Any:
    process = lab.sim.env.process(gen)
    lab.sim.env.run(until=process)
    return process.value


def tcp_frames(records: Any, node: str, dev: str, received: bool = True) -> list[tuple[float, TcpSegment, IPv4Packet, int]]:
    """The TCP frames ``tcpdump -i DEV`` on NODE shows (sent and received), in order."""
    out = []
    kinds = (FrameSent, FrameReceived) if received else (FrameSent,)
    for r in records:
        if isinstance(r, kinds) and r.node == node and r.dev == dev:
            packet = r.frame.payload
            if isinstance(packet, IPv4Packet) and packet.protocol is IPProtocol.TCP:
                assert isinstance(packet.payload, TcpSegment)
                out.append((r.time, packet.payload, packet, len(encode(r.frame))))
    return out


def flags(segment: TcpSegment) -> str:
    letters = "".join(ch for flag, ch in ((TcpFlags.SYN, "S"), (TcpFlags.FIN, "F"), (TcpFlags.RST, "R"), (TcpFlags.PSH, "P")) if flag in segment.flags)
    return letters + ("." if TcpFlags.ACK in segment.flags else "")


def exchange(lab: Lab, close_wait_s: float = 1.0) -> Generator[Any, Any, bytes]:
    """host -> laptop:80: connect, one request, read the response, close."""
    conn = yield from tcp_connect(lab.machines["host"].netns.ipv4, LAPTOP, 80, timeout_s=5)
    conn.send(REQUEST)
    data = b""
    while b"</html>" not in data:
        data += yield from conn.recv(5)
    conn.close()
    yield from conn.wait_closed(close_wait_s)
    yield lab.sim.env.timeout(0.01)
    return data


@pytest.fixture
def lab() -> Lab:
    lab = Lab(seed=7)
    start_http_server(lab.sim, lab.machines["laptop"].netns)
    return lab


# -- wiring: the exchange ------------------------------------------------------------------------


def test_handshake_data_and_close_have_linux_sizes_and_order(lab: Lab):
    mark = lab.sim.tracer.mark()
    data = run(lab, exchange(lab))
    assert data.startswith(b"HTTP/1.1 200 OK\r\nServer: nginx/1.29.3\r\n")
    frames = tcp_frames(lab.sim.tracer.since(mark), "host", "eth0")
    seen = [(flags(s), length) for _, s, _, length in frames]
    response_len = len(data)
    assert seen == [
        ("S", 74),  # 14 + 20 + 40: MSS, SACK_PERM, TS, NOP, WS
        ("S.", 74),
        (".", 66),  # 14 + 20 + 32: NOP, NOP, TS
        ("P.", 66 + len(REQUEST)),
        (".", 66),  # the server acknowledges the request at once (quick ACK)
        ("P.", 66 + response_len),
        (".", 66),
        ("F.", 66),  # the client closes first ...
        ("F.", 66),  # ... the server's FIN carries its (delayed) ACK
        (".", 66),  # the last ACK
    ]
    syn, synack, ack = frames[0][1], frames[1][1], frames[2][1]
    assert syn.window == 64240 and synack.window == 65160
    assert synack.ack == (syn.seq + 1) & 0xFFFFFFFF and ack.ack == (synack.seq + 1) & 0xFFFFFFFF
    assert parse_options(synack.options)[TcpOption.TIMESTAMPS][4:] == parse_options(syn.options)[TcpOption.TIMESTAMPS][:4]  # TSecr echoes TSval
    client_port = syn.sport
    assert EPHEMERAL_PORTS[0] <= client_port <= EPHEMERAL_PORTS[1]
    for _, _segment, packet, _ in frames:
        assert packet.ttl == 64 and packet.dont_fragment


def test_every_state_change_is_recorded_on_both_ends(lab: Lab):
    mark = lab.sim.tracer.mark()
    run(lab, exchange(lab))
    changes = [r for r in lab.sim.tracer.since(mark) if isinstance(r, TcpStateChanged)]
    client = [(c.old, c.new) for c in changes if c.node == "host"]
    server = [(c.old, c.new) for c in changes if c.node == "laptop"]
    assert client == [
        ("CLOSED", "SYN-SENT"), ("SYN-SENT", "ESTABLISHED"), ("ESTABLISHED", "FIN-WAIT-1"),
        ("FIN-WAIT-1", "FIN-WAIT-2"), ("FIN-WAIT-2", "TIME-WAIT"),
    ]
    assert server == [
        ("CLOSED", "SYN-RECEIVED"), ("SYN-RECEIVED", "ESTABLISHED"), ("ESTABLISHED", "CLOSE-WAIT"),
        ("CLOSE-WAIT", "LAST-ACK"), ("LAST-ACK", "CLOSED"),
    ]
    assert all(c.local.endswith(":80") for c in changes if c.node == "laptop")
    lab.sim.advance(61)  # TCP_TIMEWAIT_LEN
    assert [r.new for r in lab.sim.tracer.since(mark) if isinstance(r, TcpStateChanged) and r.node == "host"][-1] == "CLOSED"
    assert not [p for p in lab.machines["host"].netns.ipv4.tcp_sockets if EPHEMERAL_PORTS[0] <= p]


def test_a_write_larger_than_the_mss_is_cut_into_segments(lab: Lab):
    blob = bytes(range(256)) * 16  # 4096 bytes

    def serve(conn: TcpConnection) -> None:
        conn.send(blob)
        conn.close()

    tcp_listen(lab.machines["laptop"].netns.ipv4, 9000, serve)

    def client() -> Generator[Any, Any, bytes]:
        conn = yield from tcp_connect(lab.machines["host"].netns.ipv4, LAPTOP, 9000)
        data = yield from conn.recv_until_close(5)
        conn.close()
        yield from conn.wait_closed(1)
        return data

    mark = lab.sim.tracer.mark()
    assert run(lab, client()) == blob
    data_segments = [s for _, s, _, _ in tcp_frames(lab.sim.tracer.since(mark), "laptop", "eth0", received=False) if s.data]
    assert [len(s.data) for s in data_segments] == [1448, 1448, 1200]  # MSS 1460 - 12 option bytes
    assert [TcpFlags.PSH in s.flags for s in data_segments] == [False, False, True]


def test_loopback_connections_use_the_loopback_mss(lab: Lab):
    stack = lab.machines["laptop"].netns.ipv4
    mark = lab.sim.tracer.mark()

    def client() -> Generator[Any, Any, None]:
        conn = yield from tcp_connect(stack, IPv4Address("127.0.0.1"), 80)
        conn.close()
        yield from conn.wait_closed(1)

    run(lab, client())
    syn = tcp_frames(lab.sim.tracer.since(mark), "laptop", "lo", received=False)[0][1]
    assert parse_options(syn.options)[TcpOption.MSS] == (65495).to_bytes(2, "big")
    assert syn.window == 65495


# -- refusals, drops, retransmissions -------------------------------------------------------------


def test_a_closed_port_answers_rst_ack_and_connect_is_refused(lab: Lab):
    mark = lab.sim.tracer.mark()

    def client() -> Generator[Any, Any, TcpError]:
        with pytest.raises(TcpError) as info:
            yield from tcp_connect(lab.machines["host"].netns.ipv4, LAPTOP, 8080)
        return info.value

    error = run(lab, client())
    assert error.errno == "ECONNREFUSED" and str(error) == "Connection refused"
    records = lab.sim.tracer.since(mark)
    frames = tcp_frames(records, "laptop", "eth0", received=False)
    syn = tcp_frames(records, "host", "eth0", received=False)[0][1]
    _, rst, rst_packet, rst_len = frames[0]
    assert flags(rst) == "R." and rst.seq == 0 and rst.ack == (syn.seq + 1) & 0xFFFFFFFF
    assert rst_len == 54 and rst.window == 0 and rst_packet.ident == 0
    drops = [r for r in records if isinstance(r, FrameDropped) and r.reason is DropReason.NO_SOCKET]
    assert drops and drops[0].node == "laptop" and "8080" in drops[0].detail


def test_a_stray_ack_to_a_listening_port_gets_a_rst_with_its_ack_as_seq(lab: Lab):
    mark = lab.sim.tracer.mark()
    stray = IPv4Packet(HOST, LAPTOP, IPProtocol.TCP, TcpSegment(45000, 80, 1000, 424242, TcpFlags.ACK))
    lab.machines["host"].netns.ipv4.send(stray)
    lab.sim.advance(0.01)
    rst = tcp_frames(lab.sim.tracer.since(mark), "laptop", "eth0", received=False)[0][1]
    assert (flags(rst), rst.seq, rst.ack) == ("R", 424242, 0)


def test_a_dropped_syn_is_retransmitted_on_linux_timer_until_connect_gives_up(lab: Lab):
    lab.sh("iptables -A INPUT -p tcp --dport 80 -j DROP", on="laptop")
    mark = lab.sim.tracer.mark()
    start = lab.sim.now

    def client() -> Generator[Any, Any, TcpError]:
        with pytest.raises(TcpError) as info:
            yield from tcp_connect(lab.machines["host"].netns.ipv4, LAPTOP, 80)
        return info.value

    error = run(lab, client())
    assert error.errno == "ETIMEDOUT" and str(error) == "Connection timed out"
    assert lab.sim.now - start == pytest.approx(127.0)  # tcp_syn_retries = 6
    syns = tcp_frames(lab.sim.tracer.since(mark), "host", "eth0", received=False)
    assert [round(t - start) for t, *_ in syns] == [0, 1, 3, 7, 15, 31, 63]
    assert len({s.seq for _, s, _, _ in syns}) == 1  # the same SYN again
    dropped = [r for r in lab.sim.tracer.since(mark) if isinstance(r, FrameDropped) and r.reason is DropReason.FILTERED]
    assert len(dropped) == 7 and all(r.node == "laptop" for r in dropped)


def test_a_program_timeout_abandons_the_syn_quietly(lab: Lab):
    lab.sh("iptables -A INPUT -p tcp --dport 80 -j DROP", on="laptop")
    mark = lab.sim.tracer.mark()
    start = lab.sim.now

    def client() -> Generator[Any, Any, None]:
        with pytest.raises(SocketTimeout):
            yield from tcp_connect(lab.machines["host"].netns.ipv4, LAPTOP, 80, timeout_s=2.5)

    run(lab, client())
    assert lab.sim.now - start == pytest.approx(2.5)
    lab.sim.advance(10)
    syns = tcp_frames(lab.sim.tracer.since(mark), "host", "eth0", received=False)
    assert [flags(s) for _, s, _, _ in syns] == ["S", "S"]  # 0 s and 1 s; nothing after, no RST


def test_ephemeral_ports_come_from_linux_range_even_first(lab: Lab):
    stack = lab.machines["host"].netns.ipv4
    ports = {ephemeral_port(stack) for _ in range(50)}
    assert all(EPHEMERAL_PORTS[0] <= p <= EPHEMERAL_PORTS[1] and p % 2 == 0 for p in ports)


def test_listening_twice_on_a_port_is_address_in_use(lab: Lab):
    with pytest.raises(TcpError, match="Address already in use"):
        tcp_listen(lab.machines["laptop"].netns.ipv4, 80, lambda conn: None)


# -- captures and NAT ---------------------------------------------------------------------------------


def test_scapy_decodes_the_segments_with_valid_checksums_and_options(lab: Lab, tmp_path):
    mark = lab.sim.tracer.mark()
    run(lab, exchange(lab))
    path = tmp_path / "tcp.pcapng"
    lab.sim.tracer.since(mark).to_pcap(str(path))
    packets = [p for p in rdpcap(str(path)) if TCP in p]
    assert len(packets) >= 20  # host/eth0 and laptop/eth0
    for pkt in packets:
        n = normalize(pkt)
        assert n["ip_checksum_ok"] and n["l4_checksum_ok"], n
    syn = next(p for p in packets if str(p[TCP].flags) == "S")
    names = [name for name, _ in syn[TCP].options]
    assert names == ["MSS", "SAckOK", "Timestamp", "NOP", "WScale"]
    assert dict(syn[TCP].options)["MSS"] == 1460 and dict(syn[TCP].options)["WScale"] == 7
    assert syn[TCP].dataofs * 4 == 40


def test_container_to_internet_tcp_is_masqueraded_twice_and_answered():
    lab = Lab(seed=3)
    # the lab's internet machine already runs a web server on port 80 (topologies.build)
    assert lab.sh("docker run -itd --name c1 alpine").exit_code == 0
    r = lab.sh("docker exec c1 wget -qO- http://93.184.216.34/")
    assert r.exit_code == 0 and "<title>Welcome to nginx!</title>" in r.stdout
    nat = [rec for rec in r.trace if isinstance(rec, NatTranslated) and not rec.reply]
    first = [rec for rec in nat if rec.node == "host"][0]
    assert first.before.startswith("172.17.0.2:") and first.after.startswith("192.168.1.10:")
    assert first.before.endswith("> 93.184.216.34:80") and "MASQUERADE" in first.rule
    assert any(rec.node == "router" and rec.after.startswith("203.0.113.2:") for rec in nat)
    replies = [rec for rec in r.trace if isinstance(rec, NatTranslated) and rec.reply]
    assert any(rec.node == "host" and rec.after.endswith("> 172.17.0.2:" + first.before.split(":")[1].split(" ")[0]) for rec in replies)
    delivered = [rec.to for rec in r.trace if isinstance(rec, PacketDelivered) and rec.node == "internet"]
    assert delivered[0] == "tcp socket 0.0.0.0:80 (LISTEN)"  # the SYN, to the listening socket
    assert delivered[1].startswith("tcp socket 93.184.216.34:80 <-> 203.0.113.2:")  # then to the connection
    server_side = [c for c in r.trace if isinstance(c, TcpStateChanged) and c.node == "internet"]
    assert server_side[0].remote.startswith("203.0.113.2:")  # the server sees the router's WAN address
    container_side = [c for c in r.trace if isinstance(c, TcpStateChanged) and c.node == "c1"]
    assert [c.new for c in container_side] == ["SYN-SENT", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"]  # Connection: close


def test_curl_from_the_nginx_image_is_masqueraded_too():
    lab = Lab(seed=4)
    # the lab's internet machine already runs a web server on port 80 (topologies.build)
    assert lab.sh("docker run -d --name web nginx").exit_code == 0
    r = lab.sh("docker exec web curl -s http://93.184.216.34/")
    assert r.exit_code == 0 and r.stdout.startswith("<!DOCTYPE html>")
    host_nat = [rec for rec in r.trace if isinstance(rec, NatTranslated) and rec.node == "host" and not rec.reply]
    assert host_nat and host_nat[0].before.startswith("172.17.0.2:") and host_nat[0].after.startswith("192.168.1.10:")
    client = [c.new for c in r.trace if isinstance(c, TcpStateChanged) and c.node == "web"]
    assert client == ["SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"]
