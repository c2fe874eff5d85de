"""Docker's embedded DNS server (libnetwork ``resolver.go``), one per sandbox.

Containers on a user-defined network get ``nameserver 127.0.0.11``. dockerd listens
on 127.0.0.11 at a random UDP port *inside the container's namespace* and installs
NAT rules there, so a query to 127.0.0.11:53 is DNATed to that port on its way out
through ``lo`` (chain DOCKER_OUTPUT) and the answer's source is put back to :53
(DOCKER_POSTROUTING); the trace shows the query take that path.

Answers: the container names, network-scoped aliases, short ids and hostnames of
the networks the container is on, and ``name.network``, case-insensitively (a
``--link TARGET:ALIAS`` of this container: ALIAS answers as TARGET); for a
name several containers share, every address, shuffled on each query; TTL 600;
RA set, AA clear, no OPT record, names written in full (not compressed: libnetwork
compresses only what it relays from upstream, see ``packets.dns_wire``). A known
name with no address of the asked type gets an empty NOERROR. PTR for a container address answers ``name.network.``. Anything else is
forwarded to the host's nameservers (from the host's namespace on engines >= 28,
from the container's before), 4 s each; an answer (NXDOMAIN included) is passed
back. When none answers, engines >= 24 say SERVFAIL and older ones say nothing at
all, so the client times out. Containers only on internal networks never forward
on engines >= 26 (SERVFAIL at once); older ones try from the container's namespace,
which has no way out.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.reversename
import dns.rrset

from simulator.kernel.ipv4.stack import SocketOwner
from simulator.packets import dns_wire
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.udp import UdpDatagram
from simulator.programs import resolver
from simulator.trace.records import PacketDelivered

if TYPE_CHECKING:
    from collections.abc import Generator
    from typing import Any

    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Endpoint

RESOLVER_IP = IPv4Address("127.0.0.11")
TTL_S = 600
UPSTREAM_TIMEOUT_S = 4.0
MAX_UPSTREAMS = 3


class EmbeddedDns:
    """The resolver dockerd runs for one container."""

    def __init__(self, engine: DockerEngine, container: Container) -> None:
        self.engine = engine
        self.container = container
        netns = container.netns
        assert netns is not None
        self.netns = netns
        self.port = resolver.bind_ephemeral(engine.sim, netns, self._on_query)
        # dockerd listens from the host's PID namespace: `netstat -p` in the container shows "-"
        netns.ipv4.socket_owners[("udp", self.port)] = SocketOwner(RESOLVER_IP, "dockerd", None, engine.machine.name)
        nf = netns.ipv4.netfilter
        for chain in ("DOCKER_OUTPUT", "DOCKER_POSTROUTING"):
            nf.new_chain("nat", chain)
        nf.apply("nat", "-A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT")
        nf.apply("nat", "-A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING")
        nf.apply("nat", f"-A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:{self.port}")
        nf.apply("nat", f"-A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport {self.port} -j SNAT --to-source :53")

    # -- names ----------------------------------------------------------------------------

    def _endpoints_in_order(self) -> list[Endpoint]:
        eps = list(self.container.endpoints.values())
        eps.sort(key=lambda ep: (ep.network.internal, ep.network.name))
        return eps

    def names_of(self, ep: Endpoint) -> list[str]:
        """The names an endpoint answers to on its network: container name, aliases, short id."""
        c = ep.container
        names = []
        if c.name_explicit or self.engine.profile.at_least("25"):
            names.append(c.name)
        names += list(ep.aliases)
        names += [c.short_id, c.hostname]
        return [n.lower() for n in names]

    def lookup(self, name: str) -> tuple[bool, list[IPv4Address]]:
        """(the name exists in Docker's domain, its IPv4 addresses) on the first network that knows it."""
        name = name.lower().rstrip(".")
        # --link TARGET:ALIAS on a user-defined network: the alias names the target for this
        # container only (libnetwork CreateOptionAlias; the endpoint's aliases map)
        linked = {alias.lower(): target.lower() for target, alias in self.container.links}
        for ep in self._endpoints_in_order():
            net = ep.network
            if net.is_default_bridge or net.name == "docker_gwbridge":  # the gateway bridge has no names
                continue
            short = name
            if name.endswith("." + net.name.lower()):
                short = name[: -len(net.name) - 1]
            short = linked.get(short, short)
            found = [other.ip for other in net.endpoints.values() if other.ip is not None and short in self.names_of(other)]
            if found:
                return True, list(dict.fromkeys(found))
        return False, []

    def reverse(self, ip: IPv4Address) -> str | None:
        """A PTR answer (``name.network.``) for an address on the container's user-defined networks."""
        for ep in self._endpoints_in_order():
            for other in ep.network.endpoints.values():
                if other.ip == ip and not ep.network.is_default_bridge and ep.network.name != "docker_gwbridge":
                    return f"{other.container.name}.{ep.network.name}."
        return None

    # -- the server ---------------------------------------------------------------------------

    def respond(self, query: dns.message.Message) -> tuple[dns.message.Message | None, str]:
        """The local answer to ``query`` and why, or (None, why) when it must go upstream.

        Pure with respect to the network: reads the engine's endpoints, touches no socket.
        """
        question = query.question[0]
        response = dns.message.make_response(query)
        response.use_edns(False)  # the embedded server answers without an OPT record
        response.flags |= dns.flags.RA
        qname = question.name.to_text()
        if question.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
            exists, ips = self.lookup(qname)
            if exists:
                if question.rdtype == dns.rdatatype.A and ips:
                    ips = list(ips)
                    self.engine.sim.stream("dns").shuffle(ips)
                    response.answer.append(dns.rrset.from_text(question.name, TTL_S, "IN", "A", *[str(ip) for ip in ips]))
                found = ", ".join(str(i) for i in ips) if question.rdtype == dns.rdatatype.A else ""
                return response, f"embedded DNS: {qname} -> {found or 'no ' + dns.rdatatype.to_text(question.rdtype) + ' record (NOERROR)'}"
        elif question.rdtype == dns.rdatatype.PTR:
            try:
                ip: IPv4Address | None = IPv4Address(dns.reversename.to_address(question.name))
            except Exception:
                ip = None
            target = self.reverse(ip) if ip is not None else None
            if target is not None:
                response.answer.append(dns.rrset.from_text(question.name, TTL_S, "IN", "PTR", target))
                return response, f"embedded DNS: {ip} is {target}"
        return None, f"embedded DNS: {qname} is not a container name: forward upstream"

    def _on_query(self, packet: IPv4Packet, datagram: UdpDatagram) -> None:
        query = datagram.payload
        if not isinstance(query, dns.message.Message) or not query.question:
            return
        sim = self.engine.sim
        response, why = self.respond(query)
        sim.tracer.emit(PacketDelivered(sim.now, self.netns.node, packet.flow, packet, why))
        if response is not None:
            self._reply(packet, datagram, response, compress=False)
        else:
            sim.env.process(self._forward(packet, datagram, query))

    def _reply(self, packet: IPv4Packet, datagram: UdpDatagram, response: dns.message.Message, compress: bool) -> None:
        # resolver.go: an answer of its own leaves uncompressed; one relayed from upstream is
        # compressed (resp.Compress = true), in 20.10 and 29.x alike
        wire = dns_wire.encode(response, compress=compress)
        reply = UdpDatagram(self.port, datagram.sport, response, wire)
        out = IPv4Packet(RESOLVER_IP, packet.src, IPProtocol.UDP, reply, dont_fragment=False, flow=packet.flow)
        self.netns.ipv4._send_quietly(out)

    def _forward(self, packet: IPv4Packet, datagram: UdpDatagram, query: dns.message.Message) -> Generator[Any, Any, None]:
        engine = self.engine
        servers = self.upstreams()
        response = None
        if servers and (self.has_external_access() or not engine.profile.dns_internal_no_forward):
            netns = engine.machine.netns if engine.profile.at_least("28") else self.netns
            for server in servers[:MAX_UPSTREAMS]:
                upstream_query = dns.message.from_wire(query.to_wire(want_shuffle=False))
                upstream_query.id = engine.sim.stream("dns").randrange(0x10000)
                answers = yield from resolver.exchange(engine.sim, netns, server, [upstream_query], UPSTREAM_TIMEOUT_S)
                answer = answers.get(upstream_query.id)
                if answer is None or answer.rcode() in (dns.rcode.SERVFAIL, dns.rcode.REFUSED):
                    continue
                response = dns.message.from_wire(answer.to_wire(want_shuffle=False))
                response.id = query.id
                break
        if response is None and not engine.profile.dns_servfail_on_forward_failure:
            return  # resolver.go (20.10): `if resp == nil { return }`, no answer; the client times out
        if response is None:
            response = dns.message.make_response(query)
            response.flags |= dns.flags.RA
            response.set_rcode(dns.rcode.SERVFAIL)
        self._reply(packet, datagram, response, compress=True)

    def upstreams(self) -> list[IPv4Address]:
        """The container's ``--dns`` servers, else the host's: where names the DNS does not know are forwarded."""
        out = []
        for text in self.container.dns_servers or self.engine.machine.resolv_conf_nameservers:
            try:
                out.append(IPv4Address(text))
            except ValueError:
                continue
        return out

    def has_external_access(self) -> bool:
        """Whether the container is on a network that is not internal."""
        return any(not ep.network.internal for ep in self.container.endpoints.values())

    def close(self) -> None:
        """Stop listening on 127.0.0.11."""
        self.netns.ipv4.udp_sockets.pop(self.port, None)
        self.netns.ipv4.socket_owners.pop(("udp", self.port), None)
