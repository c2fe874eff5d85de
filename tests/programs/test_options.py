"""Command lines split as getopt splits them, and refused in each real tool's words."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.programs.options import (
    OPERAND,
    MissingArgument,
    OptionSpec,
    UnknownOption,
    scan,
    split,
)

SPEC = OptionSpec(flags="qS", valued="OT", long_flags=("--quiet", "--spider"), long_valued=("--timeout",))


def test_short_options_bundle_and_take_the_rest_of_the_word_or_the_next():
    assert split(["-qSO-", "url"], SPEC).options == (("-q", None), ("-S", None), ("-O", "-"))
    assert split(["-qO", "-", "url"], SPEC).options == (("-q", None), ("-O", "-"))
    assert split(["-T5"], SPEC).options == (("-T", "5"),)


def test_long_options_take_their_value_after_an_equals_sign_or_apart():
    assert split(["--timeout=5", "--timeout", "6", "--quiet"], SPEC).options == (
        ("--timeout", "5"), ("--timeout", "6"), ("--quiet", None))


def test_operands_stand_anywhere_and_a_lone_dash_is_one():
    parsed = split(["a", "-q", "-", "b"], SPEC)
    assert parsed.operands == ("a", "-", "b")
    assert list(scan(["a", "-q", "b"], SPEC)) == [(OPERAND, "a"), ("-q", None), (OPERAND, "b")]


def test_refusals_name_the_option_as_typed():
    with pytest.raises(UnknownOption) as unknown:
        split(["-qx"], SPEC)
    assert (unknown.value.option, unknown.value.letter) == ("-x", "x")
    with pytest.raises(UnknownOption) as long:
        split(["--nope=1"], SPEC)
    assert (long.value.option, long.value.word) == ("--nope", "--nope=1")
    with pytest.raises(MissingArgument) as missing:
        split(["url", "-O"], SPEC)
    assert missing.value.option == "-O"
    with pytest.raises(MissingArgument):
        split(["--timeout"], SPEC)


def test_scan_stops_at_the_first_bad_word_in_order():
    words = scan(["-q", "--nope"], SPEC)
    assert next(words) == ("-q", None)
    with pytest.raises(UnknownOption):
        next(words)


# -- the tools ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab(seed=5)
    assert lab.sh("docker run -itd --name a1 alpine").exit_code == 0
    assert lab.sh("docker run -itd --name u1 ubuntu:14.04").exit_code == 0
    return lab


def refusal(lab: Lab, command: str) -> tuple[int, str]:
    """The exit status and the error of a command refused before it does anything (nothing on stdout)."""
    r = lab.sh(command)
    assert r.stdout == ""
    return r.exit_code, r.stderr


GNU_USAGE = "Usage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n"
CURL_TAIL = "curl: try 'curl --help' or 'curl --manual' for more information\n"


REFUSALS = [
    ("wget --nope http://93.184.216.34/", 2, "wget: unrecognized option '--nope'\n" + GNU_USAGE),
    ("wget -x http://93.184.216.34/", 2, "wget: invalid option -- 'x'\n" + GNU_USAGE),
    ("wget http://93.184.216.34/ -O", 2, "wget: option requires an argument -- 'O'\n" + GNU_USAGE),
    ("wget --timeout", 2, "wget: option '--timeout' requires an argument\n" + GNU_USAGE),
    ("wget", 1, "wget: missing URL\n" + GNU_USAGE),
    ("curl --nope http://93.184.216.34/", 2, "curl: option --nope: is unknown\n" + CURL_TAIL),
    ("curl http://93.184.216.34/ -o", 2, "curl: option -o: requires parameter\n" + CURL_TAIL),
    ("curl -m soon http://93.184.216.34/", 2, "curl: option -m: expected a proper numerical parameter\n" + CURL_TAIL),
]


@pytest.mark.parametrize(("command", "status", "error"), REFUSALS, ids=[command for command, _, _ in REFUSALS])
def test_gnu_wget_and_curl_refuse_in_their_own_words(lab: Lab, command: str, status: int, error: str):
    assert refusal(lab, command) == (status, error)


def test_busybox_wget_refuses_with_its_usage_and_status_1(lab: Lab):
    status, error = refusal(lab, "docker exec a1 wget -x http://93.184.216.34/")
    assert status == 1
    assert error.startswith("wget: invalid option -- 'x'\nBusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: wget ")


def test_curl_fetches_urls_in_the_order_given_with_or_without_url(lab: Lab):
    r = lab.sh("curl -s http://93.184.216.34/nope --url http://93.184.216.34/")
    assert r.exit_code == 0
    assert r.stdout.index("404 Not Found") < r.stdout.index("Welcome to nginx!")


def test_ping_takes_a_value_inside_a_bundle_as_getopt_does(lab: Lab):
    r = lab.sh("docker exec u1 ping -qc 1 127.0.0.1")
    assert r.exit_code == 0 and "1 packets transmitted, 1 received" in r.stdout and "bytes from" not in r.stdout
    r = lab.sh("docker exec u1 ping -qx 127.0.0.1")  # (the real one goes on with its usage, not modelled)
    assert r.exit_code == 2 and r.stderr.startswith("ping: invalid option -- 'x'\n")
    r = lab.sh("docker exec u1 ping -c 0 --nope 127.0.0.1")  # the first bad word is reported, as getopt meets it
    assert r.stderr == "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n"
    r = lab.sh("docker exec a1 ping -f 127.0.0.1")  # BusyBox's ping has no flood
    assert r.exit_code == 1 and r.stderr.startswith("ping: ") and "f" in r.stderr.splitlines()[0][len("ping: "):]


def test_tcpdump_reads_its_options_as_getopt_does(lab: Lab):
    from simulator.programs.tcpdump import TcpdumpOptions, parse_options

    assert parse_options(["-nnec2", "-i", "eth0", "icmp"]) == TcpdumpOptions("eth0", 2, True, ("icmp",))
    status, error = refusal(lab, "tcpdump -c")  # (the real one goes on with its version and usage, not modelled)
    assert status == 1 and error.startswith("tcpdump: option requires an argument -- 'c'\n")
    status, error = refusal(lab, "tcpdump -nxz")
    assert status == 1 and error.startswith("tcpdump: invalid option -- 'x'\n")
    assert refusal(lab, "tcpdump -c 0") == (1, "tcpdump: invalid packet count 0\n")
