"""Netfilter's hooks in the IPv4 path, connection tracking and NAT (``nf_nat_core.c``).

A hook walks a built-in chain (one without rules answers with its policy at once).
Conntrack finds the connection of a packet by its 5-tuple (ICMP echo by identifier);
the first packet of a connection walks nat PREROUTING or OUTPUT (DNAT) and nat
POSTROUTING (MASQUERADE, SNAT, with a fresh port when the mapping is taken), and the
binding is kept: later packets of the connection, both ways, are rewritten from the
entry without walking nat again. An ICMP error about a masqueraded packet goes back
to its first sender (``nf_nat_icmp_reply_translation``). ``br_netfilter`` makes
IPv4 packets that a bridge forwards walk the same hooks. Each translation is a
``NatTranslated`` record.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from simulator.kernel.ipv4.addresses import Ipv4Addresses
from simulator.kernel.ipv4.conntrack import ConntrackEntry, Tuple5, invert
from simulator.kernel.ipv4.netfilter import Chain, Counted, PacketInfo, Rule, Verdict
from simulator.packets.codec import decode_ipv4, encode_ipv4
from simulator.packets.icmp import IcmpMessage
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.trace.records import FilterVerdict, NatTranslated


class NetfilterHooks(Ipv4Addresses):
    """The iptables hooks, conntrack and NAT of one stack."""

    # -- br_netfilter --------------------------------------------------------------------------

    def br_netfilter(self, packet: IPv4Packet, bridge: str, copies: int) -> list[IPv4Packet | None]:
        """iptables for a packet a bridge forwards port to port (net/bridge/br_netfilter_hooks.c).

        With br_netfilter loaded and ``bridge-nf-call-iptables = 1``, an IPv4 packet
        that a bridge forwards from one port to others walks the IPv4 hooks as if it
        were routed, the bridge being both ``-i`` and ``-o`` (the ports themselves are
        only visible to ``-m physdev``): PREROUTING once (br_nf_pre_routing: raw,
        conntrack, nat for a new connection), then for each copy FORWARD
        (br_nf_forward_ip) and POSTROUTING (br_nf_post_routing: nat, conntrack
        confirmation). Nothing is routed: the TTL and the MACs stay. This is how
        Docker's ``-A FORWARD -i docker0 -o docker0 -j DROP`` (icc=false) works.

        Returns, for each copy, the packet to send (after NAT) or None when dropped.
        Simplified: a DNAT to an address behind another port is not re-routed.
        """
        if not self.netfilter.active:
            return [packet] * copies
        verdict = self._hook("raw", "PREROUTING", packet, bridge, None, "NEW")
        if verdict.target == "DROP":
            self._filtered(packet, bridge, None, "raw", verdict.rule)
            return [None] * copies
        packet, ct, ctstate = self._nat_before_routing(packet, bridge, "PREROUTING")
        out: list[IPv4Packet | None] = []
        for _ in range(copies):
            verdict = self._hook("filter", "FORWARD", packet, bridge, bridge, ctstate)
            rule_text = verdict.rule.text() if verdict.rule else f"-P FORWARD {verdict.target}"
            self.sim.tracer.emit(FilterVerdict(self.sim.env.now, self.namespace.node, packet.flow, "FORWARD", rule_text, verdict.target))
            if verdict.target in ("DROP", "REJECT"):
                self._filtered(packet, bridge, None, "FORWARD", verdict.rule)
                out.append(None)
                continue
            out.append(self._nat_postrouting(packet, bridge, ct) if ct is not None else packet)
        return out

    # -- netfilter glue ----------------------------------------------------------------------

    @staticmethod
    def _ports(packet: IPv4Packet) -> tuple[str, int, int]:
        message = packet.payload
        if isinstance(message, IcmpMessage):
            return "icmp", message.ident, message.ident
        if isinstance(message, UdpDatagram):
            return "udp", message.sport, message.dport
        return "tcp", message.sport, message.dport

    def _hook(self, table: str, chain: str, packet: IPv4Packet, in_dev: str | None, out_dev: str | None, ctstate: str) -> Verdict:
        """Walk a built-in chain; one without rules answers with its policy at once.

        A filter or raw verdict is kept per flow (``flows.py``), keyed by everything a
        rule can match on; a packet that finds one bumps the counters its walk would
        have bumped. (nat chains are walked once per connection: nothing to keep.)
        """
        start = self.netfilter.tables[table][chain]
        if not start.rules:
            return self.netfilter.policy(start, packet.length)
        if table == "nat":
            return self.netfilter.evaluate(table, chain, self._info(packet, in_dev, out_dev, ctstate))
        proto, sport, dport = self._ports(packet)
        dst = packet.dst
        local = self.is_local(dst)
        key = (table, chain, proto, int(packet.src), sport, int(dst), dport, in_dev, out_dev, local, ctstate)
        flows = self._flows()
        cached = flows.verdicts.get(key)
        if cached is not None:
            verdict, counted = cached
            length = packet.length
            for counter in counted:
                counter.packets += 1
                counter.bytes += length
            return verdict
        walked: list[Counted | Chain] = []
        info = PacketInfo(packet.src, dst, proto, sport, dport, in_dev, out_dev, local, ctstate, packet.length)
        verdict = self.netfilter.evaluate(table, chain, info, walked)
        flows.remember_verdict(key, verdict, walked)
        return verdict

    def _info(self, packet: IPv4Packet, in_dev: str | None, out_dev: str | None, ctstate: str) -> PacketInfo:
        proto, sport, dport = self._ports(packet)
        return PacketInfo(packet.src, packet.dst, proto, sport, dport, in_dev, out_dev, self.is_local(packet.dst), ctstate, packet.length)

    def _tuple(self, packet: IPv4Packet) -> Tuple5:
        proto, sport, dport = self._ports(packet)
        return (proto, packet.src, sport, packet.dst, dport)

    @staticmethod
    def _rewrite(packet: IPv4Packet, src: IPv4Address | None = None, sport: int | None = None,
                 dst: IPv4Address | None = None, dport: int | None = None) -> IPv4Packet:
        message = packet.payload
        if isinstance(message, IcmpMessage):
            ident = sport if sport is not None else dport
            if ident is not None and message.is_echo:
                message = replace(message, ident=ident)
        elif isinstance(message, UdpDatagram | TcpSegment):
            if sport is not None:
                message = replace(message, sport=sport)
            if dport is not None:
                message = replace(message, dport=dport)
        return replace(packet, src=src or packet.src, dst=dst or packet.dst, payload=message)

    def _nat_before_routing(self, packet: IPv4Packet, in_dev: str | None, hook: str) -> tuple[IPv4Packet, tuple[ConntrackEntry, bool] | None, str]:
        """Conntrack lookup plus destination NAT (nat PREROUTING or OUTPUT)."""
        message = packet.payload
        if isinstance(message, IcmpMessage) and not message.is_echo:
            return self._related_error(packet, message, hook), None, "RELATED"
        t = self._tuple(packet)
        found = self.conntrack.find(t)
        if found is not None:
            entry, is_reply = found
            if is_reply:
                entry.seen_reply = True
                if entry.snat is not None:
                    before = packet
                    packet = self._rewrite(packet, dst=entry.original[1], dport=entry.original[2])
                    self._nat_record(hook, entry.snat_rule + " (reply)", before, packet, True)
            elif entry.dnat is not None:
                before = packet
                packet = self._rewrite(packet, dst=entry.dnat[0], dport=entry.dnat[1])
                self._nat_record(hook, entry.dnat_rule, before, packet, False)
            return packet, found, "ESTABLISHED" if (is_reply or entry.seen_reply) else "NEW"
        entry = self.conntrack.new(t)
        verdict = self._hook("nat", hook, packet, in_dev, None, "NEW")
        if verdict.target == "DNAT" and verdict.rule is not None and verdict.rule.to_destination:
            ip, port = _host_port(verdict.rule.to_destination, t[4])
            entry.dnat = (ip, port)
            entry.dnat_rule = verdict.rule.text()
            before = packet
            packet = self._rewrite(packet, dst=ip, dport=port)
            self._nat_record(hook, entry.dnat_rule, before, packet, False)
        return packet, (entry, False), "NEW"

    def _related_error(self, packet: IPv4Packet, message: IcmpMessage, hook: str) -> IPv4Packet:
        """An ICMP error about a masqueraded packet goes back to the packet's first sender.

        ``nf_nat_icmp_reply_translation``: the quoted header is the packet as it left
        (after SNAT), so it is the inverse of the connection's reply tuple; the error's
        destination and the quoted source are put back to the original sender's, which is
        how ``traceroute`` from a container hears from the routers beyond its host.
        """
        try:
            inner = decode_ipv4(message.quoted)
        except Exception:
            return packet
        quoted = inner.payload
        if not isinstance(quoted, UdpDatagram | TcpSegment) and not (isinstance(quoted, IcmpMessage) and quoted.is_echo):
            return packet
        found = self.conntrack.find(invert(self._tuple(inner)))
        if found is None:
            return packet
        entry, is_reply = found
        if not is_reply or entry.snat is None or packet.dst != entry.snat[0]:
            return packet
        restored = self._rewrite(inner, src=entry.original[1], sport=entry.original[2])
        error = replace(message, quoted=encode_ipv4(restored)[: len(message.quoted)])
        translated = replace(packet, dst=entry.original[1], payload=error)
        self._nat_record(hook, entry.snat_rule + " (related ICMP error)", packet, translated, True)
        return translated

    def _undo_dnat_for_local_reply(self, packet: IPv4Packet, ct: tuple[ConntrackEntry, bool]) -> IPv4Packet:
        """A reply to a connection this host DNATed in nat OUTPUT: its source put back (nat at NF_INET_LOCAL_IN).

        ``curl HOST_IP:8080`` on the Docker host: OUTPUT's DNAT sent the SYN to the
        container; the SYN-ACK comes back from 172.17.0.2:80 and is delivered here, so
        the reverse rewrite happens on input (nf_nat_ipv4_local_in), not in POSTROUTING.
        """
        entry, is_reply = ct
        if not is_reply or entry.dnat is None or not entry.confirmed:
            return packet
        restored = self._rewrite(packet, src=entry.original[3], sport=entry.original[4])
        self._nat_record("INPUT", entry.dnat_rule + " (reply)", packet, restored, True)
        return restored

    def _nat_postrouting(self, packet: IPv4Packet, out_dev: str, ct: tuple[ConntrackEntry, bool]) -> IPv4Packet:
        """Source NAT (nat POSTROUTING) for a new connection, or its reversal."""
        entry, is_reply = ct
        if entry.confirmed:
            if not is_reply and entry.snat is not None:
                before = packet
                packet = self._rewrite(packet, src=entry.snat[0], sport=entry.snat[1])
                self._nat_record("POSTROUTING", entry.snat_rule, before, packet, False)
            elif is_reply and entry.dnat is not None:
                before = packet
                packet = self._rewrite(packet, src=entry.original[3], sport=entry.original[4])
                self._nat_record("POSTROUTING", entry.dnat_rule + " (reply)", before, packet, True)
            return packet
        verdict = self._hook("nat", "POSTROUTING", packet, None, out_dev, "NEW")
        rule: Rule | None = verdict.rule
        new_src: IPv4Address | None = None
        if verdict.target == "MASQUERADE":
            new_src = self.primary_address(out_dev, packet.dst)
        new_port: int | None = None
        if verdict.target == "SNAT" and rule is not None and rule.to_source:
            host, _, port_text = rule.to_source.partition(":")
            new_src = IPv4Address(host) if host else packet.src
            new_port = int(port_text) if port_text else None
        if new_src is not None and rule is not None:
            proto, sport, dport = self._ports(packet)
            port = new_port if new_port is not None else sport
            while self.conntrack.port_in_use((proto, packet.dst, dport, new_src, port)):
                port = 1024 + self.sim.stream("ports").randrange(64511)
            entry.snat = (new_src, port)
            entry.snat_rule = rule.text()
            before = packet
            packet = self._rewrite(packet, src=new_src, sport=port)
            self._nat_record("POSTROUTING", entry.snat_rule, before, packet, False)
        self.conntrack.confirm(entry)
        return packet

    def _nat_record(self, chain: str, rule: str, before: IPv4Packet, after: IPv4Packet, reply: bool) -> None:
        tracer = self.sim.tracer
        tracer.emit(
            NatTranslated(self.sim.env.now, self.namespace.node, after.flow, chain, rule, _endpoints(before), _endpoints(after), reply, tracer.back())
        )


def _host_port(text: str, default_port: int) -> tuple[IPv4Address, int]:
    host, _, port = text.partition(":")
    return IPv4Address(host), int(port) if port else default_port


def _endpoints(packet: IPv4Packet) -> str:
    message = packet.payload
    if isinstance(message, IcmpMessage):
        return f"{packet.src} > {packet.dst} (icmp id {message.ident})"
    return f"{packet.src}:{message.sport} > {packet.dst}:{message.dport}"
