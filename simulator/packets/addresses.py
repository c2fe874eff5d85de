"""Link-layer addresses.

A MAC address is six bytes. :class:`MacAddress` is a ``bytes`` subclass, so it
hashes and compares as fast as bytes (the bridge FDB and the neighbour table are
keyed by it) and prints the way ``ip link`` prints it: ``02:42:ac:11:00:02``.
IPv4 addresses are the standard library's :class:`ipaddress.IPv4Address`.
"""

from __future__ import annotations

import random
from ipaddress import IPv4Address


class MacAddress(bytes):
    """A 48-bit IEEE 802 MAC address.

    >>> MacAddress.parse("02:42:AC:11:00:02")
    MacAddress('02:42:ac:11:00:02')
    >>> MacAddress.parse("ff:ff:ff:ff:ff:ff").is_broadcast
    True
    """

    __slots__ = ()

    def __new__(cls, value: bytes) -> MacAddress:
        if len(value) != 6:
            raise ValueError(f"a MAC address has 6 bytes, not {len(value)}")
        return super().__new__(cls, value)

    @classmethod
    def parse(cls, text: str) -> MacAddress:
        """Parse ``aa:bb:cc:dd:ee:ff`` (case-insensitive)."""
        parts = text.split(":")
        if len(parts) != 6 or not all(len(p) in (1, 2) for p in parts):
            raise ValueError(f"invalid MAC address: {text!r}")
        return cls(bytes(int(p, 16) for p in parts))

    @classmethod
    def from_ipv4(cls, ip: IPv4Address, prefix: bytes = b"\x02\x42") -> MacAddress:
        """Docker <= 27: ``02:42`` followed by the four bytes of the address."""
        return cls(prefix + ip.packed)

    @classmethod
    def random_local(cls, rng: random.Random) -> MacAddress:
        """A random locally administered unicast address.

        Like Linux ``eth_random_addr`` and Docker >= 28 ``GenerateRandomMAC``:
        46 random bits, first octet with the multicast bit clear and the local bit set.
        """
        raw = bytearray(rng.getrandbits(48).to_bytes(6, "big"))
        raw[0] = (raw[0] & 0xFE) | 0x02
        return cls(bytes(raw))

    @property
    def is_broadcast(self) -> bool:
        """Whether this is the broadcast address, ``ff:ff:ff:ff:ff:ff``."""
        return self == BROADCAST_MAC

    @property
    def is_multicast(self) -> bool:
        """True for group addresses (broadcast included): the I/G bit."""
        return bool(self[0] & 0x01)

    def __str__(self) -> str:
        return ":".join(f"{b:02x}" for b in self)

    def __repr__(self) -> str:
        return f"MacAddress('{self}')"


BROADCAST_MAC = MacAddress(b"\xff" * 6)
ZERO_MAC = MacAddress(b"\x00" * 6)
