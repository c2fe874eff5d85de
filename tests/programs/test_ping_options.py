"""``ping -q``, ``ping -f`` and short intervals for root, as iputils and BusyBox print them."""

from __future__ import annotations

import re

import pytest

from simulator import Lab
from simulator.programs import ping, userland


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -itd --name c2 ubuntu:14.04")
    lab.sh("docker run -itd --name a1 alpine")
    return lab


SUMMARY = re.compile(
    r"\n--- 172\.17\.0\.3 ping statistics ---\n"
    r"(\d+) packets transmitted, (\d+) received, 0% packet loss, time \d+ms\n"
    r"rtt min/avg/max/mdev = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms"
)


def test_quiet_prints_the_header_and_the_summary_only(lab: Lab):
    r = lab.sh("docker exec c1 ping -q -c 3 172.17.0.3")
    assert r.exit_code == 0 and r.stderr == ""
    head = "PING 172.17.0.3 (172.17.0.3) 56(84) bytes of data.\n"
    assert r.stdout.startswith(head) and "bytes from" not in r.stdout
    match = SUMMARY.fullmatch(r.stdout[len(head):].removesuffix("\n"))
    assert match is not None and match.group(1) == match.group(2) == "3"


def test_quiet_busybox(lab: Lab):
    r = lab.sh("docker exec a1 ping -q -c 2 172.17.0.3")
    assert r.exit_code == 0
    assert r.stdout.startswith("PING 172.17.0.3 (172.17.0.3): 56 data bytes\n\n--- 172.17.0.3 ping statistics ---\n")
    assert "seq=" not in r.stdout and "2 packets transmitted, 2 packets received, 0% packet loss\n" in r.stdout


def test_flood_prints_a_dot_per_request_and_a_backspace_per_reply(lab: Lab):
    start = lab.sim.now
    r = lab.sh("docker exec c1 ping -f -c 5 172.17.0.3")
    assert r.exit_code == 0 and r.stderr == ""
    assert lab.sim.now - start < 0.05  # paced by the replies, not by a 1 s interval
    body = r.stdout.split("\n", 1)[1]
    assert body.startswith(".\b \b" * 5 + "\n--- 172.17.0.3 ping statistics ---\n5 packets transmitted, 5 received")
    assert re.search(r"rtt min/avg/max/mdev = [\d./]+ ms, ipg/ewma \d+\.\d{3}/\d+\.\d{3} ms\n\Z", r.stdout)


def test_flood_quiet_and_unanswered_flood(lab: Lab):
    r = lab.sh("docker exec c1 ping -fq -c 50 172.17.0.3")
    assert "." not in r.stdout.split("\n")[1] and "50 packets transmitted, 50 received" in r.stdout
    start = lab.sim.now
    r = lab.sh("docker exec c1 ping -f -c 3 172.17.0.99")  # nobody answers: 100 requests a second
    assert r.exit_code == 1
    assert r.stdout.split("\n")[1] == "...EEE"
    assert "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 20ms\nipg/ewma 10.000/0.000 ms\n" in r.stdout
    assert lab.sim.now - start >= 0.02


def test_root_may_ping_faster_than_every_200ms(lab: Lab):
    start = lab.sim.now
    r = lab.sh("docker exec c1 ping -c 3 -i 0.01 172.17.0.3")
    assert r.exit_code == 0 and r.stderr == "" and r.stdout.count("bytes from 172.17.0.3") == 3
    assert lab.sim.now - start == pytest.approx(0.02, abs=0.005)
    assert ", time 20ms\n" in r.stdout
    assert lab.sh("ping -c 2 -i 0.05 172.17.0.3").exit_code == 0  # on the host too


def test_busybox_has_no_flood(lab: Lab):
    r = lab.sh("docker exec a1 ping -f -c 1 172.17.0.3")
    assert (r.exit_code, r.stderr) == (1, "ping: invalid option -- 'f'\n")


@pytest.mark.parametrize(
    ("profile", "argv", "message"),
    [
        ("ubuntu-14.04", ["ping", "-i", "0.1", "x"], "ping: cannot flood; minimal interval, allowed for user, is 200ms"),
        ("ubuntu-14.04", ["ping", "-f", "x"], "ping: cannot flood; minimal interval, allowed for user, is 200ms"),
        ("host", ["ping", "-i", "0.001", "x"], "ping: cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)"),
    ],
)
def test_a_user_other_than_root_is_refused_short_intervals(profile: str, argv: list[str], message: str):
    with pytest.raises(ping.PingUsageError) as refused:
        ping.parse_options(argv, userland.PROFILES[profile], uid=1000)
    assert (refused.value.message, refused.value.status) == (message, 2)
    assert ping.parse_options(argv, userland.PROFILES[profile], uid=0).target == "x"
    assert ping.parse_options(["ping", "-i", "0.01", "x"], userland.HOST, uid=1000).interval_s == 0.01  # 2 ms floor
