"""The embedded DNS server, checked by clients nobody here wrote.

The simulator's answers are served on a real loopback UDP socket and queried with
dnspython's stub resolver and, where installed, BIND's ``dig``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading

import dns.message
import dns.rcode
import dns.resolver
import pytest

from simulator import Lab


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab(seed=11)
    lab.sh("docker network create mybridge")
    for i in (1, 2, 3):
        assert lab.sh(f"docker run -itd --name web{i} --net mybridge --net-alias alicek106 alpine").exit_code == 0
    assert lab.sh("docker run -itd --name client --net mybridge alpine").exit_code == 0
    return lab


@pytest.fixture(scope="module")
def server(lab: Lab):
    """The client container's embedded DNS answers, served on 127.0.0.1:<port>."""
    resolver = lab.engine.container("client").dns
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(data)
            response, _ = resolver.respond(query)
            if response is None:  # would be forwarded upstream: answer as the lab's upstream would, NXDOMAIN
                response = dns.message.make_response(query)
                response.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(response.to_wire(want_shuffle=False), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join(2)
    sock.close()


def make_resolver(port: int) -> dns.resolver.Resolver:
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.timeout = r.lifetime = 2
    return r


def test_alias_returns_all_three_addresses_with_ttl_600(server: int):
    answer = make_resolver(server).resolve("alicek106", "A", search=False)
    assert sorted(a.address for a in answer) == ["172.18.0.2", "172.18.0.3", "172.18.0.4"]
    assert answer.rrset.ttl == 600
    flags = answer.response.flags
    assert flags & dns.flags.RA and not flags & dns.flags.AA


def test_names_are_case_insensitive_and_network_qualified(server: int):
    r = make_resolver(server)
    assert [a.address for a in r.resolve("WEB2", "A", search=False)] == ["172.18.0.3"]
    assert [a.address for a in r.resolve("web2.mybridge", "A", search=False)] == ["172.18.0.3"]


def test_aaaa_for_a_known_name_is_empty_noerror(server: int):
    with pytest.raises(dns.resolver.NoAnswer):
        make_resolver(server).resolve("web1", "AAAA", search=False)


def test_ptr_answers_name_dot_network(server: int):
    answer = make_resolver(server).resolve_address("172.18.0.4")
    assert [str(a.target) for a in answer] == ["web3.mybridge."]


def test_unknown_names_are_not_answered_locally(server: int):
    with pytest.raises(dns.resolver.NXDOMAIN):
        make_resolver(server).resolve("no-such-name.example", "A", search=False)


def test_order_changes_between_queries(server: int):
    orders = {tuple(a.address for a in make_resolver(server).resolve("alicek106", "A", search=False)) for _ in range(12)}
    assert len(orders) > 1


@pytest.mark.skipif(shutil.which("dig") is None, reason="dig is not installed (CI installs bind9-dnsutils)")
def test_dig_reads_our_answers(server: int):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(server), "alicek106", "+noall", "+answer", "+comments"],
                         capture_output=True, text=True, timeout=20).stdout
    assert "status: NOERROR" in out and "flags: qr rd ra;" in out
    answers = [line.split() for line in out.splitlines() if line.startswith("alicek106.")]
    assert sorted(a[4] for a in answers) == ["172.18.0.2", "172.18.0.3", "172.18.0.4"]
    assert all(a[1] == "600" and a[2:4] == ["IN", "A"] for a in answers)


def test_queries_really_cross_lo_and_are_redirected(lab: Lab):
    r = lab.sh("docker exec client nslookup alicek106")
    assert r.exit_code == 0 and r.stdout.count("Address: 172.18.0.") == 3
    on_lo = [f.payload for _, f in r.trace.captured("client", "lo")]
    port = lab.engine.container("client").dns.port
    assert any(p.dst.exploded == "127.0.0.11" and p.payload.dport == port for p in on_lo)  # after DNAT
    assert any(p.src.exploded == "127.0.0.11" and p.payload.sport == 53 for p in on_lo)  # reply put back to :53
