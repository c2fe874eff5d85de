"""What a frame is, in a few words: the kind its arrow is drawn as, the addresses it names, a key to find it by.

The views colour an arrow by :func:`frame_kind` (an ARP exchange, a request, its reply,
an error), note what a VXLAN or VLAN device adds (:func:`wrap_note`), and find a frame
again by :func:`frame_key` (frames are immutable values, equal when their bytes are).
Only packet values are read here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from ipaddress import IPv4Address

import dns.flags
import dns.message

from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.codec import encode
from simulator.packets.ethernet import EthernetFrame
from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.trace.frames import vxlan_of


def wrap_note(frame: EthernetFrame) -> str | None:
    """``VXLAN wrap VNI 4097 (+50 bytes)`` for an encapsulated frame, ``VLAN 10 tag (+4 bytes)`` for a tagged one."""
    vx = vxlan_of(frame)
    if vx is not None:
        return f"VXLAN wrap VNI {vx.vni} (+{frame.length - vx.inner.length} bytes)"
    if frame.vlan is not None:
        return f"VLAN {frame.vlan} tag (+{frame.length - dataclasses.replace(frame, vlan=None).length} bytes)"
    return None


def frame_kind(frame: EthernetFrame) -> str:
    """``arp``, ``request``, ``reply``, ``error`` or ``other``: what colour its arrow is (a VXLAN frame: its inner frame's)."""
    vx = vxlan_of(frame)
    if vx is not None:
        return frame_kind(vx.inner)
    payload = frame.payload
    if isinstance(payload, ArpPacket):
        return "arp"
    if isinstance(payload, IPv4Packet):
        inner = payload.payload
        if isinstance(inner, IcmpMessage):
            if inner.type is IcmpType.ECHO_REQUEST:
                return "request"
            if inner.type is IcmpType.ECHO_REPLY:
                return "reply"
            return "error"
        if isinstance(inner, UdpDatagram) and isinstance(inner.payload, dns.message.Message):
            return "reply" if inner.payload.flags & dns.flags.QR else "request"  # a DNS message: its QR bit says which
        if isinstance(inner, UdpDatagram | TcpSegment):
            # the client's port is the ephemeral one: a request goes to the well-known port
            if (inner.dport < 1024) != (inner.sport < 1024):
                return "request" if inner.dport < 1024 else "reply"
            return "request" if inner.dport < inner.sport else "reply"
    return "other"


def ip_of(frame: EthernetFrame) -> IPv4Packet | None:
    return frame.payload if isinstance(frame.payload, IPv4Packet) else None


def addresses_in(frame: EthernetFrame) -> list[IPv4Address]:
    """The IPv4 addresses a frame names (IP source and destination, or ARP's)."""
    payload = frame.payload
    if isinstance(payload, IPv4Packet):
        return [payload.src, payload.dst]
    if isinstance(payload, ArpPacket):
        return [payload.sender_ip, payload.target_ip]
    return []


def is_arp_request(frame: EthernetFrame) -> bool:
    return isinstance(frame.payload, ArpPacket) and frame.payload.op is ArpOp.REQUEST


def frame_key(frame: EthernetFrame) -> Hashable:
    """A hashable stand-in for ``frame``, equal for equal frames.

    Frames are frozen values and hash, except those carrying a DNS message (a
    dnspython ``Message`` is mutable): for those, the exact bytes on the wire.
    """
    try:
        hash(frame)
    except TypeError:
        return encode(frame)
    return frame


def bare_key(frame: EthernetFrame) -> Hashable:
    """:func:`frame_key` of the frame without its 802.1Q tag: one frame above and below a VLAN device."""
    return frame_key(dataclasses.replace(frame, vlan=None) if frame.vlan is not None else frame)
