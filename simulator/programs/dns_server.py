"""A recursive resolver on the simulated internet (what 8.8.8.8 is to the lab).

It answers from a small table of names the lab knows (``example.com``,
``dns.google``, ...) with RA set, AA clear, a TTL of 300 s, and NXDOMAIN for
anything else. It stands for the whole DNS hierarchy behind a public resolver:
the recursion itself is not simulated, which the trace says.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.reversename
import dns.rrset

from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.udp import UdpDatagram
from simulator.trace.records import PacketDelivered

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

TTL_S = 300
PROCESSING_S = 0.0008


def answer(query: dns.message.Message, zone: dict[str, str]) -> dns.message.Message:
    """The response of a recursive resolver that knows ``zone`` (name -> IPv4)."""
    response = dns.message.make_response(query)
    response.flags |= dns.flags.RA
    if query.edns >= 0:
        response.use_edns(0, payload=512)  # what 8.8.8.8 advertises
    if not query.question:
        response.set_rcode(dns.rcode.FORMERR)
        return response
    question = query.question[0]
    name = question.name.to_text().rstrip(".").lower()
    if question.rdtype == dns.rdatatype.PTR:
        for host, ip in zone.items():
            if dns.reversename.from_address(ip).to_text().rstrip(".") == name:
                response.answer.append(dns.rrset.from_text(question.name, TTL_S, "IN", "PTR", host + "."))
                return response
        response.set_rcode(dns.rcode.NXDOMAIN)
        return response
    if name not in zone:
        response.set_rcode(dns.rcode.NXDOMAIN)
        return response
    if question.rdtype == dns.rdatatype.A:
        response.answer.append(dns.rrset.from_text(question.name, TTL_S, "IN", "A", zone[name]))
    return response


def start(sim: Simulation, netns: NetworkNamespace, zone: dict[str, str], port: int = 53) -> None:
    """Listen on UDP ``port`` in ``netns`` and answer every query."""

    def on_datagram(packet: IPv4Packet, datagram: UdpDatagram) -> None:
        query = datagram.payload
        if not isinstance(query, dns.message.Message):
            return
        reply = answer(query, zone)
        sim.tracer.emit(PacketDelivered(sim.now, netns.node, packet.flow, packet, "dns resolver (recursion not simulated: answered from the lab's table)"))
        out = IPv4Packet(packet.dst, packet.src, IPProtocol.UDP, UdpDatagram(port, datagram.sport, reply), dont_fragment=False)
        netns.ipv4.send_later(PROCESSING_S, out)  # the answer points back at the query (FrameSent.cause)

    netns.ipv4.udp_sockets[port] = on_datagram


__all__ = ["answer", "start", "IPv4Address"]
