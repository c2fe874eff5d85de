"""A frame in a few words: tcpdump's line without the noise, an iptables rule's target.

What the views print beside an arrow and what :mod:`simulator.trace.explain` puts
in its sentences, so the two always name a frame alike. It reads only packet
values.
"""

from __future__ import annotations

import re

from simulator.packets.ethernet import EthernetFrame
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.udp import UdpDatagram
from simulator.packets.vxlan import VxlanPacket

_NOISE = (re.compile(r", length \d+"), re.compile(r", id \d+"))


def vxlan_of(frame: EthernetFrame) -> VxlanPacket | None:
    """The VXLAN packet a frame carries (UDP to port 4789 between two VTEPs), or None."""
    ip = frame.payload
    if isinstance(ip, IPv4Packet) and isinstance(ip.payload, UdpDatagram) and isinstance(ip.payload.payload, VxlanPacket):
        return ip.payload.payload
    return None


def shorten(frame: EthernetFrame) -> str:
    """tcpdump's line without the MACs, the ICMP id and the lengths.

    ``IP 172.17.0.2 > 8.8.8.8: ICMP echo request, seq 1, ttl 64``; a VXLAN frame
    says its VNI and then the frame inside, shortened alike
    (``IP 192.168.1.10 > 192.168.1.11: VXLAN vni 4097: IP 10.0.1.2 > 10.0.1.4: ICMP echo request, seq 1, ttl 64``);
    a tagged frame starts with its tag, as ``tcpdump -e`` prints it (``vlan 10, IP ...``).
    """
    vx = vxlan_of(frame)
    if vx is not None:
        assert isinstance(frame.payload, IPv4Packet)
        return f"IP {frame.payload.src} > {frame.payload.dst}: VXLAN vni {vx.vni}: {shorten(vx.inner)}"
    text = frame.payload.summary()
    for pattern in _NOISE:
        text = pattern.sub("", text)
    return f"vlan {frame.vlan}, {text}" if frame.vlan is not None else text


def rule_target(rule: str) -> str:
    """The ``-j TARGET`` of an iptables rule as ``iptables -S`` prints it (``MASQUERADE``)."""
    m = re.search(r"-j (\S+)", rule)
    return m.group(1) if m else rule
