"""Frame-by-frame comparison of simulated and real captures, with a readable diff.

Both sides go through the same path: pcap(ng) bytes -> scapy -> ``tests.realnet.normalize``.
The simulator's side is written with ``simulator.trace.pcap.write_pcapng`` (one file per
device, exactly what ``Lab.pcap`` exports), so the comparison also covers the exporter.

What is compared for every frame (``normalize`` keeps it; what varies between runs --
IP id, ICMP id, payload timestamps -- it already drops): frame kind, source and
destination MAC, length, for ARP the operation and the four addresses, for IPv4 the
addresses, TTL, DF, protocol and header checksum, for ICMP type, code, sequence and
checksum.  Order matters.  Times are compared with a tolerance (``time_tol``) relative
to a reference frame chosen by the caller (the first frame the sender puts on its wire).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from tests.realnet import normalize, read_pcap

__all__ = ["DeviceDiff", "sim_packets", "frames", "compare_frames", "describe", "ignorable"]

TIME_KEY = "time"


def sim_packets(trace: Any, node: str, dev: str) -> list:
    """Scapy packets of the simulator's capture of ``node``/``dev`` (via its pcapng writer)."""
    from simulator.trace.pcap import write_pcapng

    fd, path = tempfile.mkstemp(prefix="dsim-sim-", suffix=".pcapng")
    os.close(fd)
    try:
        write_pcapng(trace, path, devices=[(node, dev)])
        return read_pcap(path)
    finally:
        os.unlink(path)


def ignorable(frame: dict) -> str | None:
    """Why a real frame is left out of the comparison (None: it is compared).

    * IGMP: a Linux bridge with multicast snooping (docker0 keeps the default) joins
      224.0.0.106 when it comes up and reports it; the model has no IGMP.
    * IPv6: disabled in every namespace (the harness); anything left is noise.
    """
    if frame.get("ip_proto") == 2:
        return "igmp"
    if frame.get("ethertype") == 0x86DD:
        return "ipv6"
    return None


def frames(packets: list, t0: float | None) -> list[dict]:
    return [normalize(p, t0) for p in packets]


def describe(f: dict) -> str:
    """One line with every compared field of a normalized frame."""
    kind = f.get("kind", "?")
    macs = f"{f.get('src_mac')} > {f.get('dst_mac')}"
    if kind.startswith("arp"):
        if f.get("arp_op") == 1:
            body = f"who-has {f['arp_target_ip']} tell {f['arp_sender_ip']} (sha {f['arp_sender_mac']} tha {f['arp_target_mac']})"
        else:
            body = f"{f['arp_sender_ip']} is-at {f['arp_sender_mac']} (to {f['arp_target_ip']} {f['arp_target_mac']})"
        text = f"ARP {body}"
    elif "src_ip" in f:
        flags = "DF" if f.get("df") else "--"
        text = f"IP {f['src_ip']} > {f['dst_ip']} ttl {f['ttl']} {flags} {kind}"
        if "icmp_seq" in f:
            text += f" seq {f['icmp_seq']}"
        if "icmp_type" in f and kind == "other":
            text += f" icmp {f['icmp_type']}/{f['icmp_code']}"
        if not f.get("ip_checksum_ok", True) or not f.get("l4_checksum_ok", True):
            text += " BAD-CSUM"
    else:
        text = f"{kind} ethertype {f.get('ethertype')}"
    return f"{macs}, {text}, len {f.get('length')}"


def _key(f: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in f.items() if k != TIME_KEY))


@dataclass
class DeviceDiff:
    """The comparison of one device's capture."""

    name: str
    sim: list[dict]
    real: list[dict]
    ignored: list[tuple[str, dict]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    table: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self) -> str:
        head = f"== {self.name}: {len(self.sim)} simulated, {len(self.real)} real frames"
        if self.ignored:
            kinds: dict[str, int] = {}
            for why, _f in self.ignored:
                kinds[why] = kinds.get(why, 0) + 1
            head += " (real frames ignored: " + ", ".join(f"{n} {k}" for k, n in kinds.items()) + ")"
        lines = [head, self.table]
        if self.problems:
            lines.append("problems:")
            lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def _fmt_time(f: dict | None) -> str:
    if f is None or TIME_KEY not in f:
        return "       "
    return f"{f[TIME_KEY]:7.3f}"


def compare_frames(name: str, sim: list[dict], real_all: list[dict], time_tol: float = 1.5, width: int = 190) -> DeviceDiff:
    """Align and compare two normalized frame lists; build a side-by-side table."""
    real: list[dict] = []
    ignored: list[tuple[str, dict]] = []
    for f in real_all:
        why = ignorable(f)
        if why:
            ignored.append((why, f))
        else:
            real.append(f)
    diff = DeviceDiff(name, sim, real, ignored)
    a = [_key(f) for f in sim]
    b = [_key(f) for f in real]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    rows: list[str] = []
    col = width // 2 - 12

    def row(mark: str, fs: dict | None, fr: dict | None) -> None:
        ls = describe(fs) if fs else ""
        lr = describe(fr) if fr else ""
        rows.append(f"{mark} {_fmt_time(fs)} {ls[:col]:<{col}} | {_fmt_time(fr)} {lr[:col]}")
        # descriptions are long: show the rest on continuation lines
        rest_s, rest_r = ls[col:], lr[col:]
        while rest_s or rest_r:
            rows.append(f"{'':2} {'':7} {rest_s[:col]:<{col}} | {'':7} {rest_r[:col]}")
            rest_s, rest_r = rest_s[col:], rest_r[col:]

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                fs, fr = sim[i1 + k], real[j1 + k]
                mark = "  "
                if TIME_KEY in fs and TIME_KEY in fr and abs(fs[TIME_KEY] - fr[TIME_KEY]) > time_tol:
                    mark = "T!"
                    diff.problems.append(
                        f"#{i1 + k + 1} {describe(fs)}: at {fs[TIME_KEY]:.3f} s in the simulator, "
                        f"{fr[TIME_KEY]:.3f} s in the kernel (tolerance {time_tol} s)"
                    )
                row(mark, fs, fr)
            continue
        n = max(i2 - i1, j2 - j1)
        for k in range(n):
            fs = sim[i1 + k] if i1 + k < i2 else None
            fr = real[j1 + k] if j1 + k < j2 else None
            row("!!", fs, fr)
            if fs is not None and fr is not None:
                fields = sorted((set(fs) | set(fr)) - {TIME_KEY})
                delta = [f"{k2}: sim {fs.get(k2)!r} real {fr.get(k2)!r}" for k2 in fields if fs.get(k2) != fr.get(k2)]
                diff.problems.append(f"frame differs ({'; '.join(delta)}): sim [{describe(fs)}] real [{describe(fr)}]")
            elif fs is not None:
                diff.problems.append(f"only in the simulator: {_fmt_time(fs).strip()} s {describe(fs)}")
            else:
                assert fr is not None
                diff.problems.append(f"only in the kernel: {_fmt_time(fr).strip()} s {describe(fr)}")
    header = f"   {'t':>7} {'simulator':<{col}} | {'t':>7} real kernel"
    diff.table = "\n".join([header] + rows)
    return diff
