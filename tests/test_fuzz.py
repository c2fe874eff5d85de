"""Fuzzing: whatever a learner types, the lab answers like a terminal and stays sane.

hypothesis drives ``lab.sh`` with command lines built from the commands the lab
knows (with hostile option values: huge and negative numbers, NaN, unicode, empty
strings, CIDRs like ``300.1.1.1/40``, names of 10,000 characters, shell
metacharacters), with real command lines mutated (a token dropped, doubled,
swapped, replaced, a character cut), and with plain random text; it also writes
random scenario files and plays them through ``dockersim run`` with random
options. The properties:

* the answer is an exit status (0-255) with text, never a Python traceback and
  never ``dockersim: internal error`` (exit 70, the lab's last-resort catch);
* a ``docker`` command that is refused (non-zero status, nothing on stdout) leaves
  the lab as it was (containers, networks, every namespace's devices, addresses and
  iptables rules), except for what Docker itself leaves behind: a container that
  was created but failed to start;
* nothing hangs (each example has a wall-clock budget);
* the lab's invariants hold afterwards (the conftest fixture checks every lab).

``make test`` runs a few dozen examples of each (derandomized, so the suite is
reproducible); ``DOCKERSIM_FUZZ_EXAMPLES=20000`` (``make fuzz``) runs a campaign.
"""

from __future__ import annotations

import contextlib
import io
import os
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Lab
from simulator.scenario import snapshot
from tests.test_invariants import LOG_KEY, budget, check_lab

EXAMPLES = int(os.environ.get("DOCKERSIM_FUZZ_EXAMPLES", "0") or 0)
CAMPAIGN = EXAMPLES > 0
FUZZ = settings(
    max_examples=EXAMPLES or 40,
    deadline=None,
    derandomize=not CAMPAIGN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture],
)
BUDGET_S = 30  # wall-clock seconds for one example (a TimeoutError after that)


# -- values ------------------------------------------------------------------------------------

HOSTILE = [
    "", " ", "-1", "0", "1", "-0", "00", "1e309", "-1e309", "1e-400", "nan", "inf", "-inf", "0x10", "1.5", "1,5",
    "9" * 40, "-" + "9" * 40, "2147483648", "4294967296", "65535", "65536", "-65536",
    "300.1.1.1/40", "10.0.0.0/33", "10.0.0.0/-1", "172.17.0.0/16", "172.17.0.0/8", "172.17.5.0/16", "0.0.0.0/0",
    "255.255.255.255/32", "256.256.256.256", "1.2.3", "1.2.3.4.5", "::1", "fe80::1/64", "172.17.0.2", "172.18.0.1",
    "127.0.0.1", "0.0.0.0", "8.8.8.8", "a" * 10_000, "x" * 256, "☃", "컨테이너", "\u202e", "e\u0301", "\ufeff", "\t",
    "c1", "c2", "net1", "bridge", "host", "none", "docker0", "eth0", "lo", "web", "web:80", "80", "8080:80", "0:80",
    "80/udp", "1-65535:80", "127.0.0.1::80", ":::80", "container:c1", "container:", "container:nope",
    "--", "-", "--help", "-h", "'", '"', "\\", "$(reboot)", "`id`", ";", "|", "&&", ">", "*", "~", "%s%n", "{{.Name}}",
    "{{", "{{.Nope.Deeper}}", "{{json .}}", "{{range .}}", "com.docker.network.bridge.enable_icc=false",
    "com.docker.network.driver.mtu=0", "com.docker.network.driver.mtu=-5", "com.docker.network.advertise_addr_nmsgs=99",
    "com.docker.network.advertise_addr_ms=-1", "parent=eth0", "parent=nope", "parent=eth0.4095", "parent=eth0.99999",
    "macvlan_mode=private", "ipvlan_mode=l3", "=", "a=b=c",
]
NAMES = ["c1", "c2", "c3", "web", "db", "net1", "net2", "bridge", "host", "none", "nope", "c1 ", "C1", "a" * 10_000, "컨테이너", ""]
IMAGES = ["alpine", "ubuntu:14.04", "ubuntu", "busybox", "nginx", "nicolaka/netshoot", "nope", "alpine:nope", "", "☃"]


def value() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(NAMES),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=12),
        st.text(alphabet=string.digits + "./:-", max_size=20),
    )


def flag(options: list[str]) -> st.SearchStrategy[list[str]]:
    """One option, alone or with a value (hostile or not)."""
    return st.tuples(st.sampled_from(options), st.booleans(), value()).map(lambda t: [t[0], t[2]] if t[1] else [t[0]])


def flags(options: list[str], max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(flag(options), max_size=max_size).map(lambda groups: [w for g in groups for w in g])


def name() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NAMES), value())


RUN_FLAGS = ["-d", "-i", "-t", "-it", "-itd", "--name", "--net", "--network", "--ip", "--net-alias", "--network-alias",
             "--alias", "--hostname", "-h", "-p", "--publish", "-P", "-e", "--env", "--link", "--rm", "--dns", "--mac-address",
             "--privileged", "--cap-add", "-v", "--expose", "--nope"]
NET_CREATE_FLAGS = ["-d", "--driver", "--subnet", "--gateway", "--ip-range", "-o", "--opt", "--internal", "--attachable",
                    "--aux-address", "--ipv6", "--scope", "--label", "--ipam-driver"]
PROGRAM_LINES = [
    ["ping", "-c", "2", "172.17.0.1"], ["ping", "-c", "1", "c1"], ["ping", "-c", "1", "-W", "1", "8.8.8.8"], ["ping"],
    ["ip", "addr"], ["ip", "route"], ["ip", "neigh"], ["ip", "link"], ["ip", "-s", "link"], ["ip", "route", "add", "10.9.0.0/16", "dev", "eth0"],
    ["ifconfig"], ["ifconfig", "eth0"], ["hostname"], ["cat", "/etc/hosts"], ["cat", "/etc/resolv.conf"], ["env"],
    ["nslookup", "c1"], ["nslookup", "web"], ["dig", "web"], ["dig", "+short", "c1"], ["curl", "http://c1/"],
    ["curl", "-s", "http://172.17.0.2:80/"], ["wget", "-qO-", "http://web/"], ["sleep", "1"], ["echo", "hi"],
    ["getent", "hosts", "c1"], ["bash"], ["sh"], ["exit"], ["true"], ["false"],
]
HOST_LINES = [
    ["brctl", "show"], ["bridge", "fdb", "show"], ["bridge", "link"], ["iptables", "-S"], ["iptables", "-t", "nat", "-S"],
    ["iptables", "-L", "-n", "-v"], ["iptables", "-A", "FORWARD", "-j", "DROP"], ["iptables", "-t", "nat", "-A", "POSTROUTING", "-j", "MASQUERADE"],
    ["ip", "link", "add", "br9", "type", "bridge"], ["ip", "link", "add", "v1", "type", "veth", "peer", "name", "v2"],
    ["ip", "link", "set", "eth0", "down"], ["ip", "addr", "add", "10.1.1.1/24", "dev", "eth0"], ["ip", "netns", "add", "n1"],
    ["sleep", "1"], ["sleep", "300"], ["ping", "-c", "1", "192.168.1.1"], ["docker", "ps", "-a"], ["docker", "network", "ls"],
]


def program_line() -> st.SearchStrategy[list[str]]:
    """A tool with its usual arguments, some replaced or extended by hostile values."""
    return st.tuples(st.sampled_from(PROGRAM_LINES), st.lists(st.tuples(st.integers(0, 6), value()), max_size=3)).map(_splice)


def host_line() -> st.SearchStrategy[list[str]]:
    return st.tuples(st.sampled_from(HOST_LINES + PROGRAM_LINES), st.lists(st.tuples(st.integers(0, 8), value()), max_size=3)).map(_splice)


def _splice(t: tuple[list[str], list[tuple[int, str]]]) -> list[str]:
    words = list(t[0])
    for at, word in t[1]:
        if at < len(words) and at % 2:
            words[at] = word
        else:
            words.insert(min(at, len(words)), word)
    return words


def docker_line() -> st.SearchStrategy[list[str]]:
    d = ["docker"]
    return st.one_of(
        st.tuples(flags(RUN_FLAGS, 6), st.sampled_from(IMAGES + ["☃"]), st.lists(value(), max_size=2)).map(lambda t: [*d, "run", *t[0], t[1], *t[2]]),
        st.tuples(flags(RUN_FLAGS, 4), st.sampled_from(IMAGES)).map(lambda t: [*d, "create", *t[0], t[1]]),
        st.tuples(flags(NET_CREATE_FLAGS, 5), name()).map(lambda t: [*d, "network", "create", *t[0], t[1]]),
        st.tuples(st.sampled_from(["connect", "disconnect"]), flags(["--ip", "--alias", "-f", "--link"], 2), name(), name())
        .map(lambda t: [*d, "network", t[0], *t[1], t[2], t[3]]),
        st.tuples(st.sampled_from(["rm", "inspect", "ls", "prune", "nope", ""]), flags(["-f", "--format", "-q", "--filter"], 2), st.lists(name(), max_size=2))
        .map(lambda t: [*d, "network", t[0], *t[1], *t[2]]),
        st.tuples(st.sampled_from(["stop", "start", "restart", "kill", "rm", "inspect", "port", "logs", "attach", "pause", "rename"]),
                  flags(["-f", "-t", "--time", "--format", "-s"], 2), st.lists(name(), min_size=0, max_size=2))
        .map(lambda t: [*d, t[0], *t[1], *t[2]]),
        st.tuples(flags(["-a", "-q", "--format", "--filter", "--no-trunc"], 2)).map(lambda t: [*d, "ps", *t[0]]),
        st.tuples(flags(["-it", "-i", "-t", "-d", "-e", "-u", "-w"], 2), name(), program_line()).map(lambda t: [*d, "exec", *t[0], t[1], *t[2]]),
        st.tuples(st.sampled_from(["swarm", "node", "service", "version", "info", "images", "volume", "system", "nope", ""]),
                  st.lists(value(), max_size=3)).map(lambda t: [*d, t[0], *t[1]]),
    )


def quote(words: list[str]) -> str:
    """A command line a shell would split back into ``words``."""
    import shlex

    return " ".join(shlex.quote(w) for w in words)


SEED_LINES = [
    "docker run -itd --name c1 alpine",
    "docker network create --subnet 10.10.0.0/24 net1",
    "docker run -itd --name c2 --net net1 --net-alias web ubuntu:14.04",
    "docker network connect net1 c1",
    "docker exec c1 ping -c 2 172.17.0.1",
    "docker run -d --name web -p 8080:80 nginx",
    "ip addr show docker0",
    "docker inspect -f '{{.NetworkSettings.IPAddress}}' c1",
]


def mutated_line() -> st.SearchStrategy[str]:
    """A real command line with one or two edits."""

    def mutate(t: tuple[str, list[tuple[int, int, str]]]) -> str:
        words = t[0].split()
        for kind, at, word in t[1]:
            at %= max(1, len(words))
            if kind == 0 and words:
                del words[at]
            elif kind == 1 and words:
                words.insert(at, words[at])
            elif kind == 2:
                words.insert(at, word)
            elif kind == 3 and words:
                words[at] = word
            elif kind == 4 and len(words) > 1:
                words[at], words[-1] = words[-1], words[at]
            elif kind == 5 and words and words[at]:
                words[at] = words[at][:-1]
        return quote(words)

    return st.tuples(st.sampled_from(SEED_LINES), st.lists(st.tuples(st.integers(0, 5), st.integers(0, 20), value()), min_size=1, max_size=2)).map(mutate)


def command_line() -> st.SearchStrategy[tuple[str, str | None]]:
    """(line, on): what a learner might type, and where."""
    return st.one_of(
        docker_line().map(quote).map(lambda line: (line, None)),
        host_line().map(quote).map(lambda line: (line, None)),
        mutated_line().map(lambda line: (line, None)),
        st.text(max_size=60).map(lambda line: (line, None)),
        st.tuples(host_line().map(quote), st.sampled_from(["laptop", "internet", "host", "router", "host2", "nope", ""]))
        .map(lambda t: (t[0], t[1] or None)),
    )


# -- the properties ----------------------------------------------------------------------------


def fingerprint(lab: Lab) -> Any:
    """Everything a refused docker command must leave as it was."""
    engine = lab.engine
    containers = sorted((c.id, c.name, c.state, tuple(sorted(c.endpoints))) for c in engine.containers.values())
    networks = sorted((n.id, n.name, n.driver, str(n.subnet)) for n in engine.networks.values())
    netfilter = engine.machine.netns.ipv4.netfilter
    # The rules in their order: refreshing Docker's rules leaves a learner's own where they were.
    rules = sorted((t, ch.name, ch.policy, tuple(c.rule.text() for c in ch.rules)) for t, chains in netfilter.tables.items() for ch in chains.values())
    return containers, networks, rules, snapshot.take(lab)


def check_answer(lab: Lab, line: str, on: str | None) -> Any:
    before = fingerprint(lab) if line.lstrip().startswith("docker") and on is None and not lab._attached else None
    result = lab.sh(line, on=on)
    text = result.stdout + result.stderr
    assert isinstance(result.exit_code, int) and 0 <= result.exit_code <= 255, (line, result)
    assert result.exit_code != 70 and "internal error" not in text, f"{line!r} crashed:\n{result.stderr}"
    assert "Traceback (most recent call last)" not in text, f"{line!r} printed a traceback:\n{text}"
    if before is not None and result.exit_code != 0 and not result.stdout.strip() and " exec " not in f" {line} ":
        after = fingerprint(lab)
        if after != before:
            # Docker leaves a container that was created but could not start
            created = {c[0] for c in after[0]} - {c[0] for c in before[0]}
            kept = [c for c in after[0] if c[0] not in created or c[2] not in ("created", "exited")]
            assert (kept, *after[1:3]) == (before[0], *before[1:3]), f"{line!r} was refused ({result.stderr.strip()!r}) but changed the lab"
    return result


def fresh_lab(seed: int, hosts: int = 1) -> Lab:
    lab = Lab(seed=seed, hosts=hosts)
    lab.sh("docker run -itd --name c1 alpine")
    lab.sh("docker network create net1")
    return lab


def keeps_invariants(request: pytest.FixtureRequest, lab: Lab) -> None:
    """The conftest fixture checks every lab at teardown; here each example is checked, so it shrinks."""
    problems, _ = check_lab(lab, request.node.stash[LOG_KEY])
    assert not problems, "\n".join(problems[:10])


@FUZZ
@given(st.integers(0, 3), st.lists(command_line(), min_size=1, max_size=6))
def test_command_lines_get_a_terminal_answer(request: pytest.FixtureRequest, seed: int, lines: list[tuple[str, str | None]]) -> None:
    with budget(BUDGET_S):
        lab = fresh_lab(seed)
        for line, on in lines:
            check_answer(lab, line, on)
        keeps_invariants(request, lab)


@FUZZ
@given(st.lists(docker_line().map(quote), min_size=2, max_size=8))
def test_docker_sequences_get_a_terminal_answer(request: pytest.FixtureRequest, lines: list[str]) -> None:
    with budget(BUDGET_S):
        lab = fresh_lab(0)
        for line in lines:
            check_answer(lab, line, None)
        keeps_invariants(request, lab)


@FUZZ
@given(st.lists(command_line(), min_size=1, max_size=4))
def test_two_hosts_get_a_terminal_answer(request: pytest.FixtureRequest, lines: list[tuple[str, str | None]]) -> None:
    with budget(BUDGET_S):
        lab = fresh_lab(1, hosts=2)
        for line, on in lines:
            check_answer(lab, line, on)
        keeps_invariants(request, lab)


# -- scenario files and options ----------------------------------------------------------------

META_KEYS = ["engine", "seed", "hosts", "lang", "title", "nope", "", "SEED"]


def scenario_line() -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(META_KEYS), value()).map(lambda t: f"#! {t[0]}: {t[1]}"),
        command_line().map(lambda t: f"$ {t[0]}" if t[1] is None else f"{t[1]}$ {t[0]}"),
        st.sampled_from(["...", "# narration", "#", "$", "\\$ not a command", "PING ...", "...", "a...b...c", "", "\\"]),
        st.text(max_size=40),
    )


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    from simulator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return code, out.getvalue(), err.getvalue()


@FUZZ
@given(
    st.lists(scenario_line(), max_size=12),
    st.lists(st.sampled_from([["--engine", "20.10"], ["--engine", "29.2"], ["--check"], ["--quiet"], ["--lang", "ko"]]), max_size=3),
    st.lists(st.tuples(st.sampled_from(["--engine", "--seed", "--lang", "--hosts", "--nope", "--pcap"]), value()), max_size=2),
)
def test_scenario_files_and_options_get_a_terminal_answer(tmp_path_factory: pytest.TempPathFactory, lines: list[str],
                                                          good: list[list[str]], hostile: list[tuple[str, str]]) -> None:
    folder = tmp_path_factory.mktemp("scenario")
    path = folder / "lesson.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    argv = ["run", str(path), *[w for g in good for w in g]]
    for option, text in hostile:
        if option == "--pcap":
            text = str(folder / "out.pcapng")
        argv += [option, text]
    with budget(BUDGET_S):
        code, out, err = run_cli(argv)
    assert isinstance(code, int) and 0 <= code <= 255
    assert "Traceback (most recent call last)" not in out + err
    assert "internal error" not in out + err, err


@FUZZ
@given(st.binary(max_size=200))
def test_scenario_files_that_are_not_text_get_a_terminal_answer(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("scenario")) / "lesson.txt"
    path.write_bytes(data)
    with budget(BUDGET_S):
        code, out, err = run_cli(["run", str(path), "--check"])
    assert isinstance(code, int) and "Traceback (most recent call last)" not in out + err


@FUZZ
@given(st.lists(value(), max_size=4))
def test_the_program_options_get_a_terminal_answer(words: list[str]) -> None:
    with budget(BUDGET_S):
        code, out, err = run_cli(["run", "structure", "--quiet", *words])
    assert isinstance(code, int) and 0 <= code <= 255
    assert "Traceback (most recent call last)" not in out + err
