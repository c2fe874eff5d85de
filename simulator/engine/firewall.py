"""The iptables rules Docker installs, per engine generation, written as iptables writes them.

Three generations (``shared/reference/docker-facts.md`` 7.3):

* ``isolation`` (<= 27): FORWARD jumps to DOCKER-USER and DOCKER-ISOLATION-STAGE-1,
  then four rules per bridge (established back in, DOCKER for published ports,
  out of the bridge, and bridge to bridge = ICC); traffic from one bridge to
  another dies in DOCKER-ISOLATION-STAGE-2.
* ``forward-chain`` (28.x) and ``v29`` (>= 29): FORWARD jumps to DOCKER-FORWARD,
  which splits into DOCKER-CT (established), DOCKER-BRIDGE (-> DOCKER, where
  anything not published is dropped) and an ACCEPT of what leaves a bridge; the
  raw table drops packets for a container that arrive on any other interface.
  28.x still has the isolation chains; 29 removed them.

Every bridge with masquerading gets ``POSTROUTING -s SUBNET ! -o BRIDGE -j
MASQUERADE``. Newer bridges' rules come first, as Docker inserts them.
The rule set is computed from the engine's state (pure), then installed.

Installing never moves a rule dockerd did not make (dockerd adds and deletes its own
rules one by one; it never flushes a chain the learner can write to). Each such
"foreign" rule is anchored to the Docker rule before it in its chain (the nearest
earlier one still installed; none: the start of the chain): a rule the learner
appended after Docker's stays after them, one inserted on top stays on top. Docker's
surviving rules keep their packet and byte counters.

Cost: a ``docker run`` changes a few of Docker's rules (on engines >= 28, one raw rule
per endpoint), so the work is kept to what changed. The previous rule set carries
each bridge's endpoint rules (``ruleset`` only formats the endpoints added to the
engine's list since), the set of its rule texts, and the netfilter's change count
when it was installed (equal now: nobody ran iptables since); a table whose Docker
rules are unchanged and that nobody touched since is skipped; a table that only gains
rules at the end of Docker's list (a ``docker run``) gets them appended, without
re-reading the rules in place; only new rule texts are parsed (``parse_rule`` is
memoised).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.engine.versions import EngineProfile
    from simulator.kernel.ipv4.netfilter import Chain, Counted, Netfilter


@dataclass(frozen=True)
class PublishedPort:
    """One ``-p HOST:CONTAINER/PROTO`` mapping of a running container."""

    host_ip: str
    host_port: int
    container_ip: IPv4Address
    container_port: int
    proto: str = "tcp"


@dataclass(frozen=True)
class BridgeState:
    """What the firewall needs to know about one bridge network."""

    device: str
    subnet: IPv4Network
    internal: bool = False
    icc: bool = True
    masquerade: bool = True
    # in the network's order; the engine hands the same list while endpoints are only
    # added (a docker run appends to it) and a new one when one leaves
    endpoints: Sequence[IPv4Address] = ()
    published: tuple[PublishedPort, ...] = ()


@dataclass
class RuleSet:
    """Chains and rules per table, in ``iptables -S`` order."""

    chains: dict[str, list[str]] = field(default_factory=dict)  # table -> user chains
    rules: dict[str, list[str]] = field(default_factory=dict)  # table -> "-A ..." lines
    forward_policy: str = "DROP"
    # caches for the next refresh (not part of the value): per bridge device, its
    # endpoints (the list, and how many of them had rules) and their raw-table rules;
    # per table, what ``install`` left there and the set of Docker's rule texts in it
    endpoint_rules: dict[str, tuple[Sequence[IPv4Address], int, list[str]]] = field(
        default_factory=dict, compare=False, repr=False)
    # the netfilter's change count once installed: equal later, nobody touched the tables since
    changes: int = field(default=-1, compare=False, repr=False)
    texts: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)


def _endpoint_rules(b: BridgeState, previous: RuleSet | None) -> list[str]:
    """The raw-table rule per endpoint of ``b``, formatting only endpoints new since ``previous``.

    The same list of endpoints as last time, longer: a docker run appended to it, and
    only the new endpoints are formatted, without comparing the old ones (see
    :attr:`BridgeState.endpoints`); another sequence is compared.
    """
    known = previous.endpoint_rules.get(b.device) if previous is not None else None
    if known is not None:
        endpoints, count, lines = known
        same = b.endpoints is endpoints and len(endpoints) >= count and isinstance(endpoints, list)
        if same or (len(endpoints) == count and tuple(b.endpoints[:count]) == tuple(endpoints)):
            if len(b.endpoints) == count:
                return lines
            return lines + [f"-A PREROUTING -d {ip}/32 ! -i {b.device} -j DROP" for ip in b.endpoints[count:]]
    return [f"-A PREROUTING -d {ip}/32 ! -i {b.device} -j DROP" for ip in b.endpoints]


def ruleset(profile: EngineProfile, bridges: list[BridgeState], previous: RuleSet | None = None) -> RuleSet:
    """The rules Docker keeps for ``bridges`` (oldest first in the list).

    ``previous`` (the last rule set of the same engine) only saves formatting: the
    result does not depend on it.
    """
    newest = list(reversed(bridges))
    rs = RuleSet()
    rs.chains["nat"] = ["DOCKER"]
    raw: list[str] = []
    if profile.firewall == "isolation":
        rs.chains["filter"] = ["DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER"]
        flt = _isolation_filter(newest)
    else:
        isolation = profile.firewall == "forward-chain"
        chains = ["DOCKER", "DOCKER-BRIDGE", "DOCKER-CT", "DOCKER-FORWARD"]
        chains += ["DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2"] if isolation else ["DOCKER-INTERNAL"]
        rs.chains["filter"] = chains + ["DOCKER-USER"]
        flt = _forward_chain_filter(newest, isolation)
        for b in newest:
            lines = _endpoint_rules(b, previous)
            rs.endpoint_rules[b.device] = (b.endpoints, len(b.endpoints), lines)
            raw += lines
    rs.rules = {"raw": raw, "filter": flt, "nat": _nat(profile, newest)}
    return rs


def _nat(profile: EngineProfile, newest: list[BridgeState]) -> list[str]:
    """The nat table: DOCKER from PREROUTING/OUTPUT, MASQUERADE per subnet, DNAT per published port."""
    nat = ["-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
           "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER"]
    for b in newest:
        if b.masquerade and not b.internal:
            nat.append(f"-A POSTROUTING -s {b.subnet} ! -o {b.device} -j MASQUERADE")
    if profile.firewall == "isolation":
        for b in newest:
            for p in b.published:
                nat.append(f"-A POSTROUTING -s {p.container_ip}/32 -d {p.container_ip}/32 -p {p.proto} -m {p.proto} --dport {p.container_port} -j MASQUERADE")
    if profile.firewall != "v29":
        for b in newest:
            if not b.internal:
                nat.append(f"-A DOCKER -i {b.device} -j RETURN")
    for b in newest:
        for p in b.published:
            if ":" in p.host_ip:  # an IPv6 host address: ip6tables' business, not this table's
                continue
            # a host address given to -p: the rule matches it (iptables -S writes -d before -i)
            dest = f"-d {p.host_ip}/32 " if p.host_ip not in ("", "0.0.0.0") else ""
            nat.append(f"-A DOCKER {dest}! -i {b.device} -p {p.proto} -m {p.proto} --dport {p.host_port} "
                       f"-j DNAT --to-destination {p.container_ip}:{p.container_port}")
    return nat


def _published_accepts(newest: list[BridgeState]) -> list[str]:
    """The filter table's ACCEPT in DOCKER for each published port."""
    return [f"-A DOCKER -d {p.container_ip}/32 ! -i {b.device} -o {b.device} -p {p.proto} -m {p.proto} --dport {p.container_port} -j ACCEPT"
            for b in newest for p in b.published]


def _isolation_filter(newest: list[BridgeState]) -> list[str]:
    """The filter table up to 27: four FORWARD rules per bridge, and the isolation chains."""
    flt = ["-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-ISOLATION-STAGE-1"]
    for b in newest:
        if b.internal:
            flt.append(f"-A FORWARD -i {b.device} -o {b.device} -j {'ACCEPT' if b.icc else 'DROP'}")
            continue
        flt += [
            f"-A FORWARD -o {b.device} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            f"-A FORWARD -o {b.device} -j DOCKER",
            f"-A FORWARD -i {b.device} ! -o {b.device} -j ACCEPT",
        ]
        if b.icc:
            flt.append(f"-A FORWARD -i {b.device} -o {b.device} -j ACCEPT")
    # icc=false: libnetwork's setIcc appends (-A) its DROP when the network is made, while each
    # network's other rules are inserted (-I) at the top: the DROPs end FORWARD, oldest first
    # (moby v20.10.24 libnetwork/drivers/bridge/setup_ip_tables.go; checked on a real 20.10).
    flt += [f"-A FORWARD -i {b.device} -o {b.device} -j DROP" for b in reversed(newest) if not b.icc and not b.internal]
    flt += _published_accepts(newest)
    for b in newest:
        if b.internal:
            # setINC inserts "-i BR ! -d SUBNET" then "-o BR ! -s SUBNET" at the top: the second
            # comes first; iptables -S prints addresses before interfaces
            flt += [f"-A DOCKER-ISOLATION-STAGE-1 ! -s {b.subnet} -o {b.device} -j DROP", f"-A DOCKER-ISOLATION-STAGE-1 ! -d {b.subnet} -i {b.device} -j DROP"]
        else:
            flt.append(f"-A DOCKER-ISOLATION-STAGE-1 -i {b.device} ! -o {b.device} -j DOCKER-ISOLATION-STAGE-2")
    flt.append("-A DOCKER-ISOLATION-STAGE-1 -j RETURN")
    # an internal network is isolated by its two STAGE-1 rules only (setINC): no STAGE-2 rule
    flt += [f"-A DOCKER-ISOLATION-STAGE-2 -o {b.device} -j DROP" for b in newest if not b.internal]
    flt += ["-A DOCKER-ISOLATION-STAGE-2 -j RETURN", "-A DOCKER-USER -j RETURN"]
    return flt


def _forward_chain_filter(newest: list[BridgeState], isolation: bool) -> list[str]:
    """The filter table from 28: DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE; 28.x keeps the isolation chains."""
    flt = ["-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-FORWARD"]
    flt += _published_accepts(newest)
    flt += [f"-A DOCKER ! -i {b.device} -o {b.device} -j DROP" for b in newest]
    flt += [f"-A DOCKER-BRIDGE -o {b.device} -j DOCKER" for b in newest]
    flt += [f"-A DOCKER-CT -o {b.device} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" for b in newest]
    flt.append("-A DOCKER-FORWARD -j DOCKER-CT")
    flt.append("-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1" if isolation else "-A DOCKER-FORWARD -j DOCKER-INTERNAL")
    flt.append("-A DOCKER-FORWARD -j DOCKER-BRIDGE")
    for b in newest:
        if not b.icc:
            flt.append(f"-A DOCKER-FORWARD -i {b.device} -o {b.device} -j DROP")
        flt.append(f"-A DOCKER-FORWARD -i {b.device} -j ACCEPT")
    if isolation:
        flt += [f"-A DOCKER-ISOLATION-STAGE-1 -i {b.device} ! -o {b.device} -j DOCKER-ISOLATION-STAGE-2" for b in newest]
        flt += [f"-A DOCKER-ISOLATION-STAGE-2 -o {b.device} -j DROP" for b in newest]
    else:
        for b in newest:
            if b.internal:
                flt += [f"-A DOCKER-INTERNAL ! -s {b.subnet} -o {b.device} -j DROP", f"-A DOCKER-INTERNAL ! -d {b.subnet} -i {b.device} -j DROP"]
    return flt


def install(netfilter: Netfilter, new: RuleSet, old: RuleSet | None) -> None:
    """Replace Docker's rules (``old``) with ``new``; keep everything else, where it was, and the counters.

    A rule whose text is one of ``old``'s is Docker's (the first of a chain with that text
    gives its counters to the same rule in ``new``); any other rule is foreign and stays
    after the Docker rule it followed (see the module docstring).
    """
    from simulator.kernel.ipv4.netfilter import Chain

    for table, chains in new.chains.items():
        for name in chains:
            if name not in netfilter.tables[table]:
                netfilter.tables[table][name] = Chain(name, None)
    if old is None:
        # dockerd sets the policy once, when it turns IP forwarding on at start; a
        # learner's ``iptables -P FORWARD ACCEPT`` later stays (docker-facts.md 7.3).
        netfilter.set_policy("filter", "FORWARD", new.forward_policy)
    untouched = old is not None and old.changes == netfilter.generation
    for table in ("raw", "filter", "nat"):
        docker = new.rules.get(table, [])
        previous = old.rules.get(table, []) if old is not None else []
        if untouched and docker == previous:
            if old is not None and table in old.texts:
                new.texts[table] = old.texts.pop(table)
            continue
        seen = old.texts.pop(table, None) if old is not None else None  # (handed on: this old set is not asked again)
        if seen is None:
            seen = set(previous)
        appended = _appended(docker, previous, seen) if untouched else None
        if appended is not None:  # docker run: a few rules after the ones in place
            _append_rules(netfilter.tables[table], appended)
            seen.update(appended)
            new.texts[table] = seen
            continue
        _install_table(netfilter.tables[table], docker, seen)
    netfilter.rule_count = sum(len(c.rules) for t in netfilter.tables.values() for c in t.values())
    new.changes = netfilter.generation


def _appended(docker: list[str], previous: list[str], seen: set[str]) -> list[str] | None:
    """The rules ``docker`` adds after ``previous`` (whose texts are ``seen``), when it only adds new, distinct texts at its end."""
    n = len(previous)
    if len(docker) <= n or docker[:n] != previous:
        return None
    added = docker[n:]
    if len(seen) != n or len(set(added)) != len(added) or not seen.isdisjoint(added):
        return None
    return added


def _append_rules(chains: dict[str, Chain], added: list[str]) -> None:
    """What ``_install_table`` would make of a table left as installed plus ``added``: each at its chain's end."""
    from simulator.kernel.ipv4.netfilter import Counted, parse_rule

    for text in added:
        counted = Counted(parse_rule(text)[1])
        chains[counted.rule.chain].rules.append(counted)


def _install_table(chains: dict[str, Chain], docker: list[str], previous: set[str]) -> None:
    """Put ``docker`` (rule texts, in order) into ``chains`` in place of the ``previous`` ones."""
    from simulator.kernel.ipv4.netfilter import Counted, parse_rule

    kept = set(docker)
    counters: dict[str, Counted] = {}
    after: dict[str, list[Counted]] = {}  # Docker rule text -> the foreign rules that follow it
    for chain in chains.values():
        head: list[Counted] = []
        anchor: str | None = None
        for counted in chain.rules:
            text = counted.rule.text()
            if text in previous:
                counters.setdefault(text, counted)
                if text in kept:
                    anchor = text
            elif anchor is None:
                head.append(counted)
            else:
                after.setdefault(anchor, []).append(counted)
        chain.rules = head
    for text in docker:
        counted = counters.get(text) or Counted(parse_rule(text)[1])
        rules = chains[counted.rule.chain].rules
        rules.append(counted)
        follow = after.pop(text, None)
        if follow:
            rules += follow
