"""netfilter as iptables shows it: tables, chains, rules, and how a packet walks them.

Rules are values parsed from iptables' own syntax (``-A DOCKER ! -i docker0 -p tcp
-m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80``) and printed back in
the canonical order ``iptables -S`` uses. ``evaluate`` is pure: it walks a chain
with jumps and returns, and answers with the verdict and the rule that decided.

Tables and hooks modelled (the order in ``ip_rcv``/``ip_forward``/``ip_output``):
raw PREROUTING; nat PREROUTING (new connections only); filter INPUT / FORWARD /
OUTPUT; nat OUTPUT and POSTROUTING (new connections only). The conntrack entry
made by the first packet carries the NAT decision for the rest of the connection
(see ``conntrack.py``).

Matches: ``-s``, ``-d``, ``-i``, ``-o`` (``+`` wildcard), each negatable with ``!``;
``-p tcp|udp|icmp`` with ``--dport``/``--sport``; ``-m addrtype --dst-type LOCAL``;
``-m conntrack --ctstate``. Targets: ACCEPT, DROP, RETURN, a user chain, DNAT,
SNAT, MASQUERADE, REJECT.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network

from simulator.packets.frozen import fast_init

BUILTIN_CHAINS = {
    "raw": ("PREROUTING", "OUTPUT"),
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
}
TERMINAL = {"ACCEPT", "DROP", "REJECT", "DNAT", "SNAT", "MASQUERADE"}


class IptablesError(ValueError):
    """A rule iptables itself would refuse (the message is iptables')."""


@fast_init
@dataclass(frozen=True, slots=True)
class PacketInfo:
    """What netfilter matches on."""

    src: IPv4Address
    dst: IPv4Address
    proto: str  # "icmp" | "udp" | "tcp"
    sport: int
    dport: int
    in_dev: str | None
    out_dev: str | None
    dst_local: bool
    ctstate: str  # "NEW" | "ESTABLISHED" | "RELATED"
    length: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of one chain."""

    chain: str
    target: str
    src: IPv4Network | None = None
    src_neg: bool = False
    dst: IPv4Network | None = None
    dst_neg: bool = False
    in_iface: str | None = None
    in_neg: bool = False
    out_iface: str | None = None
    out_neg: bool = False
    proto: str | None = None
    proto_match: bool = False  # "-m tcp" present
    dport: int | None = None
    sport: int | None = None
    addrtype_dst: str | None = None
    addrtype_neg: bool = False
    ctstates: tuple[str, ...] = ()
    to_destination: str | None = None
    to_source: str | None = None
    # text(), made once (FORWARD verdicts carry it per packet; the engine compares rules by it)
    _text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_text", self._format())

    def text(self) -> str:
        """``iptables -S`` form: ``-A CHAIN ... -j TARGET ...``."""
        return self._text

    def _format(self) -> str:
        out = ["-A", self.chain]
        if self.src is not None:
            out += (["!"] if self.src_neg else []) + ["-s", str(self.src)]
        if self.dst is not None:
            out += (["!"] if self.dst_neg else []) + ["-d", str(self.dst)]
        if self.in_iface is not None:
            out += (["!"] if self.in_neg else []) + ["-i", self.in_iface]
        if self.out_iface is not None:
            out += (["!"] if self.out_neg else []) + ["-o", self.out_iface]
        if self.proto is not None:
            out += ["-p", self.proto]
        if self.proto_match:
            out += ["-m", self.proto or ""]
        if self.sport is not None:
            out += ["--sport", str(self.sport)]
        if self.dport is not None:
            out += ["--dport", str(self.dport)]
        if self.addrtype_dst is not None:
            out += ["-m", "addrtype"] + (["!"] if self.addrtype_neg else []) + ["--dst-type", self.addrtype_dst]
        if self.ctstates:
            out += ["-m", "conntrack", "--ctstate", ",".join(self.ctstates)]
        out += ["-j", self.target]
        if self.to_destination is not None:
            out += ["--to-destination", self.to_destination]
        if self.to_source is not None:
            out += ["--to-source", self.to_source]
        return " ".join(out)

    def matches(self, p: PacketInfo) -> bool:
        """Whether every match of the rule holds for ``p`` (the target aside)."""
        if self.src is not None and (p.src in self.src) == self.src_neg:
            return False
        if self.dst is not None and (p.dst in self.dst) == self.dst_neg:
            return False
        if self.in_iface is not None and _iface_match(self.in_iface, p.in_dev) == self.in_neg:
            return False
        if self.out_iface is not None and _iface_match(self.out_iface, p.out_dev) == self.out_neg:
            return False
        if self.proto is not None and self.proto != p.proto:
            return False
        if self.dport is not None and self.dport != p.dport:
            return False
        if self.sport is not None and self.sport != p.sport:
            return False
        if self.addrtype_dst is not None and (self.addrtype_dst == "LOCAL" and p.dst_local) == self.addrtype_neg:
            return False
        return not (self.ctstates and p.ctstate not in self.ctstates)


def _iface_match(pattern: str, name: str | None) -> bool:
    if name is None:
        return False
    if pattern.endswith("+"):
        return name.startswith(pattern[:-1])
    return name == pattern


def _network(text: str) -> IPv4Network:
    try:
        return IPv4Network(text, strict=False)
    except ValueError:
        raise IptablesError(f"host/network `{text}' not found") from None


def parse_rule(text: str) -> tuple[str, Rule]:
    """Parse ``-A|-I|-D CHAIN spec...``; returns the command letter and the rule.

    Memoised (the engine installs the same rules again and again; the result is a
    frozen value); a refused rule raises every time.
    """
    return _parse_rule(text)


@lru_cache(maxsize=4096)
def _parse_rule(text: str) -> tuple[str, Rule]:
    words = shlex.split(text)
    if len(words) < 2 or words[0] not in ("-A", "-I", "-D", "--append", "--insert", "--delete"):
        raise IptablesError("no command specified")
    command = {"--append": "-A", "--insert": "-I", "--delete": "-D"}.get(words[0], words[0])
    chain = words[1]
    fields: dict[str, object] = {}
    negate = False
    i = 2

    def value() -> str:
        nonlocal i
        if i + 1 >= len(words):
            raise IptablesError(f"option \"{words[i]}\" requires an argument")
        i += 1
        return words[i]

    while i < len(words):
        w = words[i]
        if w == "!":
            negate = True
            i += 1
            continue
        if w in ("-s", "--source"):
            fields["src"], fields["src_neg"] = _network(value()), negate
        elif w in ("-d", "--destination"):
            fields["dst"], fields["dst_neg"] = _network(value()), negate
        elif w in ("-i", "--in-interface"):
            fields["in_iface"], fields["in_neg"] = value(), negate
        elif w in ("-o", "--out-interface"):
            fields["out_iface"], fields["out_neg"] = value(), negate
        elif w in ("-p", "--protocol"):
            fields["proto"] = value().lower()
        elif w in ("-m", "--match"):
            module = value()
            if module in ("tcp", "udp", "icmp"):
                fields["proto_match"] = True
        elif w == "--dport":
            fields["dport"] = int(value())
        elif w == "--sport":
            fields["sport"] = int(value())
        elif w == "--dst-type":
            fields["addrtype_dst"], fields["addrtype_neg"] = value(), negate
        elif w in ("--ctstate", "--state"):
            fields["ctstates"] = tuple(value().split(","))
        elif w in ("-j", "--jump"):
            fields["target"] = value()
        elif w == "--to-destination":
            fields["to_destination"] = value()
        elif w == "--to-source":
            fields["to_source"] = value()
        else:
            raise IptablesError(f"unknown option \"{w}\"")
        negate = False
        i += 1
    if "target" not in fields:
        fields["target"] = ""
    return command, Rule(chain=chain, **fields)  # type: ignore[arg-type]


@dataclass(slots=True)
class Counted:
    """A rule with its packet and byte counters (``iptables -L -v``)."""

    rule: Rule
    packets: int = 0
    bytes: int = 0


@dataclass(slots=True)
class Chain:
    """A chain of one table: its rules, and for a built-in chain its policy and the policy's counters."""

    name: str
    policy: str | None  # built-in chains have one; user chains show "-"
    rules: list[Counted] = field(default_factory=list)
    packets: int = 0
    bytes: int = 0


@fast_init
@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a hook: the target that decided and the rule (None: the policy)."""

    target: str
    rule: Rule | None
    chain: str


class Netfilter:
    """The tables of one namespace."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Chain]] = {
            table: {name: Chain(name, "ACCEPT") for name in chains} for table, chains in BUILTIN_CHAINS.items()
        }
        self._rule_count = 0
        self._drop_policies = 0  # built-in chains whose policy is DROP (set_policy keeps it)
        self.generation = 0  # bumps at every change of a rule, a chain or a policy (verdicts cached per flow check it)
        self.active = False
        """Whether any rule exists or a built-in chain drops by policy (an empty netfilter lets
        everything through untouched). Read for every packet, so it is kept up to date by
        whatever changes the rules (``rule_count``) or a policy (``set_policy``)."""

    @property
    def rule_count(self) -> int:
        """How many rules all the tables hold."""
        return self._rule_count

    @rule_count.setter
    def rule_count(self, count: int) -> None:
        """Whoever edits the chains directly (the engine's firewall) sets the count after: a change."""
        self._rule_count = count
        self.active = count > 0 or self._drop_policies > 0
        self.generation += 1

    def changed(self) -> None:
        """Rules, chains or policies were changed directly: verdicts cached per flow are stale."""
        self.generation += 1

    def set_policy(self, table: str, name: str, policy: str) -> None:
        """``iptables -t TABLE -P CHAIN POLICY``."""
        chain = self.chain(table, name)
        self._drop_policies += (policy == "DROP") - (chain.policy == "DROP")
        chain.policy = policy
        self.active = self._rule_count > 0 or self._drop_policies > 0
        self.generation += 1

    def chain(self, table: str, name: str) -> Chain:
        """A chain by name; IptablesError as iptables words it when there is none."""
        try:
            return self.tables[table][name]
        except KeyError:
            raise IptablesError("iptables: No chain/target/match by that name.") from None

    def new_chain(self, table: str, name: str) -> None:
        """``iptables -N NAME``."""
        chains = self.tables[table]
        if name in chains:
            raise IptablesError("iptables: Chain already exists.")
        chains[name] = Chain(name, None)
        self.generation += 1

    def apply(self, table: str, text: str) -> None:
        """Apply one ``-A/-I/-D`` rule, the way ``iptables -t TABLE ...`` does."""
        command, rule = parse_rule(text)
        chain = self.chain(table, rule.chain)
        self.generation += 1
        if rule.target and rule.target not in TERMINAL | {"RETURN"} and rule.target not in self.tables[table]:
            raise IptablesError(f"iptables v1.8.10 (nf_tables): Chain '{rule.target}' does not exist")
        if command == "-A":
            chain.rules.append(Counted(rule))
            self.rule_count += 1
        elif command == "-I":
            chain.rules.insert(0, Counted(rule))
            self.rule_count += 1
        else:
            for i, counted in enumerate(chain.rules):
                if counted.rule == rule:
                    del chain.rules[i]
                    self.rule_count -= 1
                    return
            raise IptablesError("iptables: Bad rule (does a matching rule exist in that chain?).")

    def remove_where(self, predicate: object) -> None:
        """Delete every rule for which ``predicate(rule)`` holds (engine clean-up)."""
        assert callable(predicate)
        self.generation += 1
        for chains in self.tables.values():
            for chain in chains.values():
                kept = [c for c in chain.rules if not predicate(c.rule)]
                self.rule_count -= len(chain.rules) - len(kept)
                chain.rules = kept

    def evaluate(self, table: str, chain_name: str, packet: PacketInfo, counted_in: list[Counted | Chain] | None = None) -> Verdict:
        """Walk a built-in chain (and the chains it jumps to); count matches.

        ``counted_in``, when given, receives every counter the walk bumped (the rules
        that matched, and the built-in chain when its policy decided), in order: the
        same walk for another packet of the flow bumps the same counters.
        """
        chains = self.tables[table]
        start = chains[chain_name]
        stack: list[tuple[Chain, int]] = []
        chain, i = start, 0
        while True:
            if i >= len(chain.rules):
                if not stack:
                    if counted_in is not None:
                        counted_in.append(start)
                    return self.policy(start, packet.length)
                chain, i = stack.pop()
                continue
            counted = chain.rules[i]
            i += 1
            rule = counted.rule
            if not rule.matches(packet):
                continue
            counted.packets += 1
            counted.bytes += packet.length
            if counted_in is not None:
                counted_in.append(counted)
            target = rule.target
            if target == "RETURN":
                if not stack:
                    if counted_in is not None:
                        counted_in.append(start)
                    return self.policy(start, packet.length)
                chain, i = stack.pop()
            elif target in TERMINAL:
                return Verdict(target, rule, chain.name)
            elif target in chains:
                stack.append((chain, i))
                chain, i = chains[target], 0
            # an empty target only counts

    @staticmethod
    def policy(start: Chain, length: int) -> Verdict:
        """The built-in chain's policy decides: count it there.

        A built-in chain's counters (``Chain FORWARD (policy DROP 0 packets, 0 bytes)``)
        are those of its policy, i.e. of the packets that reached the end of the chain
        (x_tables: the chain's underflow entry; iptables-nft: the base chain's policy
        counter) -- not of every packet that entered it.
        """
        start.packets += 1
        start.bytes += length
        return Verdict(start.policy or "ACCEPT", None, start.name)
