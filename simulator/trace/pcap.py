"""pcapng export: what Wireshark opens.

One Section Header Block, one Interface Description Block per simulated device,
named ``NODE/IFNAME`` (``if_name`` option), link type Ethernet, nanosecond
timestamps (``if_tsresol`` = 9), and one Enhanced Packet Block per captured frame
with the frame's exact bytes. Timestamps are simulated time counted from a fixed
epoch, so the same run writes the same file byte for byte.

Format: the pcapng specification (IETF draft-ietf-opsawg-pcapng), sections 4.1-4.3.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from simulator.packets.codec import encode
from simulator.trace.records import BridgeForwarded, FrameReceived, FrameSent
from simulator.trace.tracer import capture_point

if TYPE_CHECKING:
    from simulator.trace.tracer import Trace

# 2026-01-01T00:00:00Z: simulated time 0 in captures.
EPOCH_NS = 1_767_225_600 * 1_000_000_000
LINKTYPE_ETHERNET = 1
SNAPLEN = 262144


def _pad4(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % 4)


def _option(code: int, value: bytes) -> bytes:
    return struct.pack("<HH", code, len(value)) + _pad4(value)


def _block(block_type: int, body: bytes) -> bytes:
    total = 12 + len(body)
    return struct.pack("<II", block_type, total) + body + struct.pack("<I", total)


def section_header() -> bytes:
    options = _option(4, b"dockersim") + _option(0, b"")  # shb_userappl
    body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + options
    return _block(0x0A0D0D0A, body)


def interface_description(name: str) -> bytes:
    options = _option(2, name.encode()) + _option(9, bytes([9])) + _option(0, b"")
    body = struct.pack("<HHI", LINKTYPE_ETHERNET, 0, SNAPLEN) + options
    return _block(0x00000001, body)


def enhanced_packet(interface_id: int, time_s: float, data: bytes) -> bytes:
    ts = EPOCH_NS + round(time_s * 1_000_000_000)
    body = struct.pack("<IIIII", interface_id, ts >> 32, ts & 0xFFFFFFFF, len(data), len(data)) + _pad4(data)
    return _block(0x00000006, body)


def pcapng_bytes(trace: Trace, devices: list[tuple[str, str]] | None = None) -> bytes:
    """The capture of ``trace`` on ``devices`` (default: every device that saw a frame)."""
    wanted = devices if devices is not None else trace.devices()
    index = {dev: i for i, dev in enumerate(wanted)}
    out = [section_header()]
    out += [interface_description(f"{node}/{dev}") for node, dev in wanted]
    cache: dict[int, bytes] = {}
    for r in trace:
        key = capture_point(r)
        if key is None:
            continue
        assert isinstance(r, FrameSent | FrameReceived | BridgeForwarded)
        i = index.get(key)
        if i is None:
            continue
        raw = cache.get(id(r.frame))
        if raw is None:
            raw = cache[id(r.frame)] = encode(r.frame)
        out.append(enhanced_packet(i, r.time, raw))
    return b"".join(out)


def write_pcapng(trace: Trace, path: str, devices: list[tuple[str, str]] | None = None) -> None:
    with open(path, "wb") as f:
        f.write(pcapng_bytes(trace, devices))
