"""Connection tracking and the NAT it carries (nf_conntrack, nf_nat).

The first packet of a connection creates an entry with its original tuple; the
nat table decides, once, what to rewrite (DNAT at PREROUTING/OUTPUT, SNAT or
MASQUERADE at POSTROUTING). The reply tuple is the inverse of the rewritten
original. Every later packet, in either direction, is rewritten from the entry
without walking the nat table again, which is how replies to a masqueraded ping
find their way back to the container.

For ICMP echo the identifier plays the port (RFC 5508 behaviour). ICMP errors
about a tracked packet are RELATED; translating the quoted header inside them is
simplified away (the outer header is translated).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

Tuple5 = tuple[str, IPv4Address, int, IPv4Address, int]  # proto, src, sport, dst, dport
Key = tuple[str, int, int, int, int]  # the same with integer addresses (hashing an IPv4Address runs Python code)


def _key(t: Tuple5) -> Key:
    return (t[0], int(t[1]), t[2], int(t[3]), t[4])


@dataclass(slots=True)
class ConntrackEntry:
    original: Tuple5
    reply: Tuple5
    dnat: tuple[IPv4Address, int] | None = None
    snat: tuple[IPv4Address, int] | None = None
    dnat_rule: str = ""
    snat_rule: str = ""
    confirmed: bool = False
    seen_reply: bool = False


def invert(t: Tuple5) -> Tuple5:
    """The tuple of the other direction."""
    proto, src, sport, dst, dport = t
    return (proto, dst, dport, src, sport)


class Conntrack:
    """The conntrack table of one namespace."""

    def __init__(self) -> None:
        self.by_tuple: dict[Key, tuple[ConntrackEntry, bool]] = {}
        # Bumps when entries are removed (the stack's per-flow cache checks it). A new connection changes
        # nothing cached: a verdict is kept per connection state (NEW, ESTABLISHED, RELATED).
        self.generation = 0

    def find(self, t: Tuple5) -> tuple[ConntrackEntry, bool] | None:
        """The entry and whether ``t`` is its reply direction."""
        return self.by_tuple.get(_key(t))

    def new(self, t: Tuple5) -> ConntrackEntry:
        """An unconfirmed entry for a connection's first packet."""
        return ConntrackEntry(t, invert(t))

    def confirm(self, entry: ConntrackEntry) -> None:
        """Insert the entry once its first packet has passed POSTROUTING."""
        if entry.confirmed:
            return
        proto, src, sport, dst, dport = entry.original
        if entry.dnat is not None:
            dst, dport = entry.dnat
        if entry.snat is not None:
            src, sport = entry.snat
        entry.reply = invert((proto, src, sport, dst, dport))
        entry.confirmed = True
        self.by_tuple[_key(entry.original)] = (entry, False)
        self.by_tuple[_key(entry.reply)] = (entry, True)

    def port_in_use(self, reply_tuple: Tuple5) -> bool:
        """Whether a connection already answers to ``reply_tuple`` (NAT picks another port)."""
        return _key(reply_tuple) in self.by_tuple

    def forget(self, predicate: object) -> None:
        """Delete the entries for which ``predicate(entry)`` holds (``conntrack -D``)."""
        assert callable(predicate)
        self.generation += 1
        for key in [k for k, (e, _) in self.by_tuple.items() if predicate(e)]:
            del self.by_tuple[key]
