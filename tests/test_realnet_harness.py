"""Tests of the real-kernel harness (tests/realnet.py), used as a test author would.

They double as executable documentation of what the Linux kernel puts on the
wire for the basic cases the simulator must reproduce.  All addresses are
private test addresses inside namespaces the harness creates.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.realnet import RealNet, RealNetError, normalize, require_real_kernel

MAC1 = "02:42:0a:63:00:01"
MAC2 = "02:42:0a:63:00:02"
BCAST = "ff:ff:ff:ff:ff:ff"
ZERO = "00:00:00:00:00:00"
IP1 = "10.99.0.1"
IP2 = "10.99.0.2"


def _netns_list() -> str:
    # Read-only query of the host's namespace list.
    ip = shutil.which("ip", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") or "ip"
    return subprocess.run([ip, "netns", "list"], capture_output=True, text=True, check=True).stdout


def _configure_eth0(rn: RealNet, ns: str, mac: str, addr: str) -> None:
    """Give ``eth0`` in ``ns`` a fixed MAC and an address, and bring it up."""
    rn.run(ns, f"ip link set dev eth0 address {mac}")
    rn.run(ns, f"ip addr add {addr} dev eth0")
    rn.run(ns, "ip link set dev eth0 up")


def _no_igmp(frames: list[dict]) -> list[dict]:
    """Drop IGMP: a Linux bridge with multicast snooping (the kernel default,
    which docker0 keeps) joins 224.0.0.106 when it comes up and sends an IGMPv3 report
    (src 0.0.0.0 -> 224.0.0.22, from br0's MAC) at once plus one retransmission
    within ~1 s; a capture started right after `ip link set br0 up` may see them."""
    return [f for f in frames if f.get("ip_proto") != 2]


def _strip(frame: dict) -> dict:
    frame = dict(frame)
    frame.pop("time", None)
    return frame


def _arp(kind, src, dst, op, smac, sip, tmac, tip) -> dict:
    return {
        "kind": kind,
        "src_mac": src,
        "dst_mac": dst,
        "vlan": None,
        "length": 42,
        "arp_op": op,
        "arp_sender_mac": smac,
        "arp_sender_ip": sip,
        "arp_target_mac": tmac,
        "arp_target_ip": tip,
    }


def _echo(kind, src, dst, sip, dip, seq, df) -> dict:
    return {
        "kind": kind,
        "src_mac": src,
        "dst_mac": dst,
        "vlan": None,
        "length": 98,
        "src_ip": sip,
        "dst_ip": dip,
        "ttl": 64,
        "df": df,
        "ip_proto": 1,
        "icmp_type": 8 if kind == "icmp-echo-request" else 0,
        "icmp_code": 0,
        "icmp_seq": seq,
        "ip_checksum_ok": True,
        "l4_checksum_ok": True,
    }


EXPECTED_PING = [
    _arp("arp-request", MAC1, BCAST, 1, MAC1, IP1, ZERO, IP2),
    _arp("arp-reply", MAC2, MAC1, 2, MAC2, IP2, MAC1, IP1),
    # ping sets DF on requests (PMTU discovery); the kernel's echo reply has no DF.
    _echo("icmp-echo-request", MAC1, MAC2, IP1, IP2, 1, True),
    _echo("icmp-echo-reply", MAC2, MAC1, IP2, IP1, 1, False),
    _echo("icmp-echo-request", MAC1, MAC2, IP1, IP2, 2, True),
    _echo("icmp-echo-reply", MAC2, MAC1, IP2, IP1, 2, False),
]


@pytest.mark.realkernel
def test_veth_ping_arp_then_echo():
    require_real_kernel()
    with RealNet("veth") as rn:
        rn.add_namespace("c1")
        rn.add_namespace("c2")
        rn.run("c1", "ip link add eth0 type veth peer name eth0 netns {ns:c2}")
        _configure_eth0(rn, "c1", MAC1, f"{IP1}/24")
        _configure_eth0(rn, "c2", MAC2, f"{IP2}/24")

        cap = rn.capture("c2", "eth0")
        rn.run("c1", f"ping -c 2 -i 0.2 -W 2 {IP2}")
        rn.stop_captures()

        pkts = cap.packets()
        assert pkts, cap.stderr
        t0 = float(pkts[0].time)
        frames = [normalize(p, t0) for p in pkts]
        assert [_strip(f) for f in frames] == EXPECTED_PING, frames
        # Timestamps are kept: ARP + first echo are immediate, seq 2 ~0.2 s later.
        assert frames[0]["time"] == 0.0
        assert frames[3]["time"] < 0.1
        assert 0.15 < frames[4]["time"] < 1.0


@pytest.mark.realkernel
def test_bridge_capture_sees_forwarded_unicast():
    require_real_kernel()
    with RealNet("bridge") as rn:
        for name in ("br", "c1", "c2"):
            rn.add_namespace(name)
        rn.run("br", "ip link add br0 type bridge")
        rn.run("br", "ip link set br0 up")
        for i, (ns, mac, addr) in enumerate((("c1", MAC1, IP1), ("c2", MAC2, IP2)), start=1):
            rn.run(ns, f"ip link add eth0 type veth peer name veth{i} netns {{ns:br}}")
            rn.run("br", f"ip link set veth{i} master br0")
            rn.run("br", f"ip link set veth{i} up")
            _configure_eth0(rn, ns, mac, f"{addr}/24")

        # promiscuous capture (tcpdump's default) on the bridge device itself
        cap = rn.capture("br", "br0")
        rn.run("c1", f"ping -c 1 -W 2 {IP2}")
        rn.stop_captures()
        frames = _no_igmp([_strip(normalize(p)) for p in cap.packets()])
        # bridging does not route: unchanged MACs, TTL still 64
        assert frames == [EXPECTED_PING[0], EXPECTED_PING[1], EXPECTED_PING[2], EXPECTED_PING[3]], (
            frames
        )

        # Without promiscuous mode, br0 only gets the flooded broadcast.
        rn.run("c1", "ip neigh flush dev eth0")
        rn.run("c2", "ip neigh flush dev eth0")
        cap = rn.capture("br", "br0", promisc=False)
        rn.run("c1", f"ping -c 1 -W 2 {IP2}")
        rn.stop_captures()
        frames = _no_igmp([_strip(normalize(p)) for p in cap.packets()])
        assert frames == [EXPECTED_PING[0]], frames


@pytest.mark.realkernel
def test_cleanup_removes_exactly_our_namespaces():
    require_real_kernel()
    with RealNet("clean") as rn:
        names = [rn.add_namespace("a"), rn.add_namespace("b")]
        assert all(len(n) <= 30 and "/" not in n for n in names)
        listed = _netns_list()
        assert all(n in listed for n in names)
    listed = _netns_list()
    assert not any(n in listed for n in names)
    rn.close()  # idempotent


@pytest.mark.realkernel
def test_cleanup_on_exception_kills_tcpdump():
    require_real_kernel()
    with pytest.raises(RuntimeError, match="body failed"), RealNet("boom") as rn:
        names = [rn.add_namespace("a")]
        cap = rn.capture("a", "lo")
        raise RuntimeError("body failed")
    assert cap.proc.poll() is not None, "tcpdump still running"
    assert cap.packets() == []  # still readable after close
    listed = _netns_list()
    assert not any(n in listed for n in names)


@pytest.mark.realkernel
def test_run_errors_and_guards():
    require_real_kernel()
    with RealNet("guard") as rn:
        rn.add_namespace("a")
        with pytest.raises(RealNetError) as err:
            rn.run("a", "ip link set dev nosuchdev up")
        text = str(err.value)
        assert "nosuchdev" in text and "exit code" in text and "stderr" in text
        assert rn.run("a", "false", check=False).returncode == 1
        # placeholders resolve only to our namespaces; escapes are refused
        with pytest.raises(KeyError):
            rn.run("a", "ip link add x type veth peer name y netns {ns:nope}")
        with pytest.raises(ValueError):
            rn.run("a", "ip link add x type veth peer name y netns 1")
        with pytest.raises(ValueError):
            rn.run("a", "ip netns add foo")
        with pytest.raises(KeyError):
            rn.run("nope", "true")


def test_normalize_checksums_and_fields():
    """Pure unit test of normalize(); needs no kernel."""
    from scapy.layers.inet import ICMP, IP, UDP
    from scapy.layers.l2 import Dot1Q, Ether
    from scapy.layers.vxlan import VXLAN

    inner = Ether(src=MAC1, dst=MAC2) / IP(src=IP1, dst=IP2) / ICMP(seq=3)
    frame = (
        Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b")
        / Dot1Q(vlan=7)
        / IP(src="192.168.50.1", dst="192.168.50.2", flags="DF")
        / UDP(sport=40000, dport=4789)
        / VXLAN(flags=0x08, vni=42)
        / inner
    )
    raw = bytes(frame)
    d = normalize(raw)
    assert d["kind"] == "udp" and d["vlan"] == 7 and d["df"] is True
    assert d["sport"] == "ephemeral" and d["dport"] == 4789
    assert d["ip_checksum_ok"] and d["l4_checksum_ok"]
    assert d["vxlan_vni"] == 42
    assert d["inner"]["kind"] == "icmp-echo-request" and d["inner"]["icmp_seq"] == 3
    assert d["length"] == len(raw)

    bad = bytearray(bytes(Ether() / IP(src=IP1, dst=IP2) / ICMP()))
    bad[14 + 10] ^= 0xFF  # corrupt the IP header checksum
    assert normalize(bytes(bad))["ip_checksum_ok"] is False
    assert normalize(bytes(bad))["l4_checksum_ok"] is True
