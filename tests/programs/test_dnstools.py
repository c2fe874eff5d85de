"""dig, getent and BusyBox nslookup against Docker 20.10's embedded DNS, as the real tools print them.

The expected outputs are the real ones (dockerd 20.10.24, BIND 9.18's dig, glibc's
getent, BusyBox nslookup), taken from ``tests/realdocker``'s sequence 16.
"""

from __future__ import annotations

import pytest

from simulator import Lab


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab(engine="20.10")
    for command in (
        "docker network create --subnet 10.11.0.0/24 dnsnet",
        "docker run -itd --name srva --net dnsnet --network-alias shared --network-alias alpha ubuntu:14.04",
        "docker run -itd --name srvb --net dnsnet --network-alias shared busybox",
        "docker run -itd --name probe --net dnsnet nicolaka/netshoot",
    ):
        assert lab.sh(command).exit_code == 0, command
    return lab


def out(lab: Lab, command: str, status: int = 0) -> str:
    r = lab.sh(command)
    assert r.exit_code == status, (command, r.stdout, r.stderr)
    return r.stdout


def test_dig_noall_answer_prints_the_answer_records_only(lab: Lab) -> None:
    assert out(lab, "docker exec probe dig +noall +answer srva") == "srva.\t\t\t600\tIN\tA\t10.11.0.2\n"
    assert out(lab, "docker exec probe dig +noall +answer @127.0.0.11 srvb.dnsnet") == "srvb.dnsnet.\t\t600\tIN\tA\t10.11.0.3\n"


def test_dig_display_options_switch_the_parts_of_the_output(lab: Lab) -> None:
    assert out(lab, "docker exec probe dig +short +noall srva") == ""
    text = out(lab, "docker exec probe dig +nocomments srva")
    assert text.startswith("\n; <<>> DiG ") and "<<>> +nocomments srva\n;; global options: +cmd\n;srva.\t\t\t\tIN\tA\nsrva.\t\t\t600" in text
    assert ";; Got answer" not in text and "SECTION" not in text and text.endswith(";; MSG SIZE  rcvd: 42\n\n")
    text = out(lab, "docker exec probe dig +noquestion +nostats srva")
    assert text.endswith("ADDITIONAL: 0\n\n;; ANSWER SECTION:\nsrva.\t\t\t600\tIN\tA\t10.11.0.2\n\n")
    assert out(lab, "docker exec probe dig +noall +answer +comments srva").startswith(";; Got answer:\n")
    stats = out(lab, "docker exec probe dig +noall +answer +stats srva")
    assert stats.startswith("srva.\t\t\t600\tIN\tA\t10.11.0.2\n;; Query time: ") and stats.endswith("rcvd: 42\n\n")


def test_dig_refuses_an_option_it_does_not_know(lab: Lab) -> None:
    r = lab.sh("docker exec probe dig +bogus srva")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.startswith("Invalid option: +bogus\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n")
    assert lab.sh("docker exec probe dig +tcp +notrace +time=2 +short srva").stdout == "10.11.0.2\n"


def test_the_embedded_dns_writes_names_in_full_so_the_reply_is_42_bytes(lab: Lab) -> None:
    assert ";; MSG SIZE  rcvd: 42\n" in out(lab, "docker exec probe dig srva")  # 38 if compressed
    assert ";; MSG SIZE  rcvd: 56\n" in out(lab, "docker exec probe dig srvb.dnsnet")


def test_getent_hosts_lists_every_address_of_a_shared_alias(lab: Lab) -> None:
    lines = out(lab, "docker exec probe getent hosts shared").splitlines()
    assert sorted(lines) == ["10.11.0.2       shared", "10.11.0.3       shared"]
    assert out(lab, "docker exec probe getent hosts 10.11.0.3") == "10.11.0.3       srvb.dnsnet\n"
    r = lab.sh("docker exec probe getent hosts nosuch.invalid srva")
    assert (r.exit_code, r.stdout) == (2, "10.11.0.2       srva\n")


def test_getent_hosts_asks_for_ipv6_first_so_localhost_is_the_ipv6_line(lab: Lab) -> None:
    assert out(lab, "docker exec probe getent hosts localhost") == "::1             localhost ip6-localhost ip6-loopback\n"


def test_busybox_nslookup_prints_the_empty_aaaa_answer_as_a_bare_header(lab: Lab) -> None:
    text = out(lab, "docker exec srvb nslookup srva")
    head = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"
    blocks = ["Non-authoritative answer:\nName:\tsrva\nAddress: 10.11.0.2\n\n", "Non-authoritative answer:\n\n"]
    assert text in (head + blocks[0] + blocks[1], head + blocks[1] + blocks[0])  # in the order they arrive
    assert "Can't find" not in text


def test_busybox_nslookup_of_an_address_asks_ptr(lab: Lab) -> None:
    assert out(lab, "docker exec srvb nslookup 10.11.0.3") == (
        "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\n3.0.11.10.in-addr.arpa\tname = srvb.dnsnet\n\n")


def test_busybox_nslookup_type_option_and_errors(lab: Lab) -> None:
    assert out(lab, "docker exec srvb nslookup -type=a srva.dnsnet") == (
        "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tsrva.dnsnet\nAddress: 10.11.0.2\n\n")
    r = lab.sh("docker exec srvb nslookup -type=bogus srva")
    assert (r.exit_code, r.stderr) == (1, 'nslookup: invalid query type "bogus"\n')
    r = lab.sh("docker exec srvb nslookup -x srva")
    assert r.exit_code == 1 and "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]" in r.stderr


def test_dig_tries_three_times_and_reports_each_time_out() -> None:
    # 20.10 sends no answer when it cannot forward (here: an internal network); BIND 9.18+ says so per try
    lab = Lab(engine="20.10")
    assert lab.sh("docker network create --internal private").exit_code == 0
    assert lab.sh("docker run -itd --name p2 --net private nicolaka/netshoot").exit_code == 0
    before = lab.sim.now
    r = lab.sh("docker exec p2 dig example.com")
    assert r.exit_code == 9
    assert r.stdout == (";; communications error to 127.0.0.11#53: timed out\n" * 3
                        + "\n; <<>> DiG 9.20.15 <<>> example.com\n;; global options: +cmd\n;; no servers could be reached\n")
    assert lab.sim.now - before >= 15.0


def test_dig_options_may_be_shortened_to_a_unique_beginning(lab: Lab) -> None:
    text = out(lab, "docker exec probe dig +noans +nostat srva")
    assert "ANSWER SECTION" not in text and "Query time" not in text and ";; QUESTION SECTION:\n;srva." in text


def test_a_capture_holds_the_embedded_dns_reply_as_sent_42_bytes_of_dns(lab: Lab, tmp_path) -> None:
    from scapy.layers.inet import UDP
    from scapy.utils import rdpcap

    r = lab.sh("docker exec probe dig srva")
    path = tmp_path / "dig.pcapng"
    r.trace.to_pcap(str(path))
    replies = [bytes(p[UDP].payload) for p in rdpcap(str(path)) if UDP in p and p[UDP].sport == 53]
    assert replies, "no DNS reply in the capture"
    assert all(len(payload) == 42 and payload.count(b"\x04srva\x00") == 2 for payload in replies)
