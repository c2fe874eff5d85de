"""Docker's iptables rules: what they are, and that refreshing them leaves the learner's own alone.

dockerd never moves a rule it did not make: a rule the learner appended stays after
Docker's, one the learner inserted on top stays on top, whatever networks and
containers come and go. Docker's surviving rules keep their counters.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from simulator import Lab
from simulator.engine import firewall
from simulator.engine.versions import profile
from simulator.kernel.ipv4.netfilter import Counted, Netfilter, parse_rule

ISOLATION_FORWARD = [
    "-A FORWARD -o {br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    "-A FORWARD -o {br} -j DOCKER",
    "-A FORWARD -i {br} ! -o {br} -j ACCEPT",
    "-A FORWARD -i {br} -o {br} -j ACCEPT",
]


def forward_rules(lab: Lab) -> list[str]:
    r = lab.sh("iptables -S FORWARD")
    assert r.exit_code == 0, r
    return r.stdout.splitlines()


def docker_forward(engine: str, bridges: list[str]) -> list[str]:
    """Docker's FORWARD rules for ``bridges`` (newest first)."""
    if engine == "29.2":
        return ["-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-FORWARD"]
    rules = ["-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-ISOLATION-STAGE-1"]
    return rules + [rule.format(br=br) for br in bridges for rule in ISOLATION_FORWARD]


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_learner_rules_stay_where_iptables_put_them(engine: str) -> None:
    lab = Lab(engine=engine)
    assert lab.sh("iptables -A FORWARD -j DROP").exit_code == 0
    assert lab.sh("iptables -I FORWARD -s 10.9.9.9 -j ACCEPT").exit_code == 0
    top, bottom = "-A FORWARD -s 10.9.9.9/32 -j ACCEPT", "-A FORWARD -j DROP"
    assert forward_rules(lab) == ["-P FORWARD DROP", top, *docker_forward(engine, ["docker0"]), bottom]

    assert lab.sh("docker network create x").exit_code == 0
    br = lab.engine.network("x").bridge_name
    assert br is not None
    both = ["-P FORWARD DROP", top, *docker_forward(engine, [br, "docker0"]), bottom]
    assert forward_rules(lab) == both
    assert lab.sh("docker run -itd --name c1 --network x alpine").exit_code == 0
    assert forward_rules(lab) == both
    assert lab.sh("docker run -itd --name c1 alpine").exit_code != 0  # refused: the name is taken
    assert forward_rules(lab) == both
    assert lab.sh("docker rm -f c1").exit_code == 0
    assert forward_rules(lab) == both
    assert lab.sh("docker network rm x").exit_code == 0
    assert forward_rules(lab) == ["-P FORWARD DROP", top, *docker_forward(engine, ["docker0"]), bottom]


def test_a_deleted_docker_rule_comes_back_in_its_place() -> None:
    lab = Lab(engine="20.10")
    before = forward_rules(lab)
    assert lab.sh("iptables -D FORWARD -j DOCKER-USER").exit_code == 0
    assert lab.sh("docker run -itd --name c1 alpine").exit_code == 0
    assert forward_rules(lab) == before


def test_the_learner_rule_in_a_docker_chain_stays_after_the_rule_it_followed() -> None:
    lab = Lab()  # 29.2: a raw-table rule per container
    assert lab.sh("docker run -itd --name c1 alpine").exit_code == 0
    assert lab.sh("iptables -t raw -A PREROUTING -s 10.1.1.1 -j DROP").exit_code == 0
    assert lab.sh("docker run -itd --name c2 alpine").exit_code == 0
    raw = lab.sh("iptables -t raw -S PREROUTING").stdout.splitlines()
    assert raw == [
        "-P PREROUTING ACCEPT",
        "-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP",
        "-A PREROUTING -s 10.1.1.1/32 -j DROP",
        "-A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP",
    ]
    assert lab.sh("docker rm -f c1").exit_code == 0  # its rule goes; none before it: the start
    assert lab.sh("iptables -t raw -S PREROUTING").stdout.splitlines() == [
        "-P PREROUTING ACCEPT",
        "-A PREROUTING -s 10.1.1.1/32 -j DROP",
        "-A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP",
    ]


def test_an_internal_network_has_its_isolation_rules_once() -> None:
    lab = Lab(engine="20.10")
    assert lab.sh("docker network create --internal n").exit_code == 0
    br = lab.engine.network("n").bridge_name
    subnet = lab.engine.network("n").subnet
    assert lab.sh("docker network create m").exit_code == 0
    assert lab.sh("docker network create k").exit_code == 0
    rules = lab.sh("iptables -S DOCKER-ISOLATION-STAGE-1").stdout.splitlines()
    assert rules.count(f"-A DOCKER-ISOLATION-STAGE-1 ! -d {subnet} -i {br} -j DROP") == 1
    assert rules.count(f"-A DOCKER-ISOLATION-STAGE-1 ! -s {subnet} -o {br} -j DROP") == 1
    assert lab.sh("docker network rm n").exit_code == 0
    assert br not in lab.sh("iptables -S").stdout


# -- the pure functions --------------------------------------------------------------------


def bridge(device: str, subnet: str, *ips: str, **kw: object) -> firewall.BridgeState:
    return firewall.BridgeState(device, IPv4Network(subnet), endpoints=tuple(IPv4Address(ip) for ip in ips), **kw)  # type: ignore[arg-type]


PUBLISHED = (
    firewall.PublishedPort("0.0.0.0", 8080, IPv4Address("172.18.0.2"), 80),
    firewall.PublishedPort("0.0.0.0", 5353, IPv4Address("172.18.0.2"), 53, "udp"),
)
BRIDGES = [
    bridge("docker0", "172.17.0.0/16", "172.17.0.2", "172.17.0.3"),
    bridge("br-a", "172.18.0.0/16", "172.18.0.2", icc=False, published=PUBLISHED),
    bridge("br-b", "172.19.0.0/16", "172.19.0.2", internal=True),
    bridge("br-c", "172.20.0.0/16", masquerade=False),
]


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_every_docker_rule_reads_back_as_iptables_prints_it(engine: str) -> None:
    rules = firewall.ruleset(profile(engine), BRIDGES)
    for lines in rules.rules.values():
        for line in lines:
            assert parse_rule(line)[1].text() == line


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_the_previous_rule_set_only_saves_work(engine: str) -> None:
    prof = profile(engine)
    first = firewall.ruleset(prof, BRIDGES)
    grown = [*BRIDGES[:-1], bridge("br-c", "172.20.0.0/16", "172.20.0.2", "172.20.0.3", masquerade=False)]
    shrunk = [bridge("docker0", "172.17.0.0/16", "172.17.0.3"), *BRIDGES[1:]]
    for bridges in (BRIDGES, grown, shrunk, BRIDGES[1:]):
        assert firewall.ruleset(prof, bridges, first) == firewall.ruleset(prof, bridges)


def chain_texts(nf: Netfilter, table: str, chain: str) -> list[str]:
    return [c.rule.text() for c in nf.tables[table][chain].rules]


def test_install_anchors_foreign_rules_and_keeps_counters() -> None:
    prof = profile("20.10")
    nf = Netfilter()
    one = firewall.ruleset(prof, BRIDGES[:1])
    firewall.install(nf, one, None)
    nf.apply("filter", "-A FORWARD -s 10.0.0.1/32 -j DROP")  # after docker0's last rule
    nf.apply("filter", "-I FORWARD -s 10.0.0.2/32 -j ACCEPT")  # on top
    nf.apply("filter", "-A DOCKER-ISOLATION-STAGE-2 -s 10.0.0.3/32 -j DROP")  # after the RETURN
    forward = nf.tables["filter"]["FORWARD"].rules
    middle = Counted(parse_rule("-A FORWARD -s 10.0.0.4/32 -j DROP")[1])
    forward.insert(5, middle)  # iptables -I FORWARD 5: after "-o docker0 -j DOCKER"
    nf.rule_count += 1
    user = forward[1]
    assert user.rule.text() == "-A FORWARD -j DOCKER-USER"
    user.packets, user.bytes = 3, 252
    learner = forward[-1]
    learner.packets = 5

    two = firewall.ruleset(prof, BRIDGES[:2])
    firewall.install(nf, two, one)
    br_a = [
        "-A FORWARD -o br-a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A FORWARD -o br-a -j DOCKER",
        "-A FORWARD -i br-a ! -o br-a -j ACCEPT",
    ]
    icc_off = "-A FORWARD -i br-a -o br-a -j DROP"  # appended (setIcc): after what a learner appended
    docker0 = [rule.format(br="docker0") for rule in ISOLATION_FORWARD]
    assert chain_texts(nf, "filter", "FORWARD") == [
        "-A FORWARD -s 10.0.0.2/32 -j ACCEPT",
        "-A FORWARD -j DOCKER-USER",
        "-A FORWARD -j DOCKER-ISOLATION-STAGE-1",
        *br_a,
        *docker0[:2],
        "-A FORWARD -s 10.0.0.4/32 -j DROP",
        *docker0[2:],
        "-A FORWARD -s 10.0.0.1/32 -j DROP",
        icc_off,
    ]
    assert chain_texts(nf, "filter", "DOCKER-ISOLATION-STAGE-2")[-1] == "-A DOCKER-ISOLATION-STAGE-2 -s 10.0.0.3/32 -j DROP"
    forward = nf.tables["filter"]["FORWARD"].rules
    assert forward[1] is user and (user.packets, user.bytes) == (3, 252)
    assert forward[-2] is learner and learner.packets == 5
    assert nf.rule_count == sum(len(c.rules) for t in nf.tables.values() for c in t.values())

    # docker0 goes: its followers follow the nearest earlier Docker rule still there
    three = firewall.ruleset(prof, BRIDGES[1:2])
    firewall.install(nf, three, two)
    assert chain_texts(nf, "filter", "FORWARD") == [
        "-A FORWARD -s 10.0.0.2/32 -j ACCEPT",
        "-A FORWARD -j DOCKER-USER",
        "-A FORWARD -j DOCKER-ISOLATION-STAGE-1",
        *br_a,
        "-A FORWARD -s 10.0.0.4/32 -j DROP",
        "-A FORWARD -s 10.0.0.1/32 -j DROP",
        icc_off,
    ]
    assert nf.tables["filter"]["FORWARD"].rules[1] is user
    assert nf.rule_count == sum(len(c.rules) for t in nf.tables.values() for c in t.values())


def test_installing_the_same_rules_again_changes_nothing() -> None:
    prof = profile("29.2")
    nf = Netfilter()
    one = firewall.ruleset(prof, BRIDGES)
    firewall.install(nf, one, None)
    nf.apply("raw", "-A PREROUTING -s 10.0.0.1/32 -j DROP")
    layout = {(t, n): list(c.rules) for t, chains in nf.tables.items() for n, c in chains.items()}
    again = firewall.ruleset(prof, BRIDGES, one)
    firewall.install(nf, again, one)
    after = {(t, n): list(c.rules) for t, chains in nf.tables.items() for n, c in chains.items()}
    assert after.keys() == layout.keys()
    for key, rules in layout.items():
        assert len(after[key]) == len(rules) and all(a is b for a, b in zip(after[key], rules, strict=True)), key


@pytest.mark.parametrize("engine", ["20.10", None])
def test_the_learners_forward_policy_stays(engine: str | None) -> None:
    """dockerd sets FORWARD's policy to DROP once, when it enables forwarding; it does not undo ``-P``."""
    lab = Lab(seed=1, engine=engine)
    assert lab.sh("iptables -S FORWARD").stdout.startswith("-P FORWARD DROP\n")
    assert lab.sh("iptables -P FORWARD ACCEPT").exit_code == 0
    lab.sh("docker network create x")
    lab.sh("docker run -itd --name c1 --network x alpine")
    lab.sh("docker rm -f c1")
    assert lab.sh("iptables -S FORWARD").stdout.startswith("-P FORWARD ACCEPT\n")


def test_a_new_endpoint_rule_goes_after_the_learners_rule_that_followed_docker() -> None:
    """docker run on 29: one raw rule more, appended; the learner's rule and Docker's counters stay."""
    prof = profile("29.2")
    nf = Netfilter()
    one = firewall.ruleset(prof, [bridge("docker0", "172.17.0.0/16", "172.17.0.2")])
    firewall.install(nf, one, None)
    nf.apply("raw", "-A PREROUTING -s 10.0.0.1/32 -j DROP")  # after Docker's endpoint rule
    first = nf.tables["raw"]["PREROUTING"].rules[0]
    first.packets = 7
    two = firewall.ruleset(prof, [bridge("docker0", "172.17.0.0/16", "172.17.0.2", "172.17.0.3")], one)
    firewall.install(nf, two, one)
    three = firewall.ruleset(prof, [bridge("docker0", "172.17.0.0/16", "172.17.0.2", "172.17.0.3", "172.17.0.4")], two)
    firewall.install(nf, three, two)  # nobody touched the table since: the new rule is appended
    expected = [
        "-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP",
        "-A PREROUTING -s 10.0.0.1/32 -j DROP",
        "-A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP",
        "-A PREROUTING -d 172.17.0.4/32 ! -i docker0 -j DROP",
    ]
    assert chain_texts(nf, "raw", "PREROUTING") == expected
    assert nf.tables["raw"]["PREROUTING"].rules[0] is first and first.packets == 7
    assert nf.rule_count == sum(len(c.rules) for t in nf.tables.values() for c in t.values())
    # the full reinstall gives the same table
    firewall._install_table(nf.tables["raw"], three.rules["raw"], set(three.rules["raw"]))
    assert chain_texts(nf, "raw", "PREROUTING") == expected


def test_a_growing_endpoint_list_formats_only_the_new_endpoints_and_installs_them_at_the_end() -> None:
    """The engine hands the same list while docker run appends to it: each refresh is what a fresh one would be."""
    prof = profile("29.2")
    nf = Netfilter()
    fresh = Netfilter()
    ips = [IPv4Address("172.17.0.2")]
    state = firewall.BridgeState("docker0", IPv4Network("172.17.0.0/16"), endpoints=ips)
    previous = firewall.ruleset(prof, [state])
    firewall.install(nf, previous, None)
    for last in range(3, 40):
        ips.append(IPv4Address(f"172.17.0.{last}"))
        rules = firewall.ruleset(prof, [state], previous)
        assert rules == firewall.ruleset(prof, [firewall.BridgeState("docker0", IPv4Network("172.17.0.0/16"), endpoints=tuple(ips))])
        assert len(previous.endpoint_rules["docker0"][2]) == last - 2  # the previous rule set is left as it was
        firewall.install(nf, rules, previous)
        previous = rules
    firewall.install(fresh, previous, None)
    for table, chains in fresh.tables.items():
        for name in chains:
            assert chain_texts(nf, table, name) == chain_texts(fresh, table, name), (table, name)
    assert len(chain_texts(nf, "raw", "PREROUTING")) == 38
    ips.pop(0)  # (the engine starts a new list when an endpoint leaves; a changed list is compared, not trusted)
    state = firewall.BridgeState("docker0", IPv4Network("172.17.0.0/16"), endpoints=list(ips))
    shrunk = firewall.ruleset(prof, [state], previous)
    assert shrunk == firewall.ruleset(prof, [state])
    firewall.install(nf, shrunk, previous)
    assert chain_texts(nf, "raw", "PREROUTING")[0] == "-A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP"
    assert len(chain_texts(nf, "raw", "PREROUTING")) == 37
