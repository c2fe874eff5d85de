"""Protocol formats as immutable values.

Each module holds one protocol: a frozen, slotted dataclass for the header and its
payload, enums for its numbers, and nothing that knows about time or devices.
``codec`` turns values into the exact bytes a capture would hold (checksums
included) and back. The DNS payload is a dnspython message, so its bytes are real
DNS wire format.
"""

from simulator.packets.addresses import BROADCAST_MAC, MacAddress
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame, EtherType
from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.packets.ipv4 import IPProtocol, IPv4Packet
from simulator.packets.udp import UdpDatagram

__all__ = [
    "BROADCAST_MAC",
    "ArpOp",
    "ArpPacket",
    "EtherType",
    "EthernetFrame",
    "IPProtocol",
    "IPv4Packet",
    "IcmpMessage",
    "IcmpType",
    "MacAddress",
    "UdpDatagram",
]
