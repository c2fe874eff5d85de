"""Captures open in independent decoders: scapy always, tshark where installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from scapy.all import rdpcap
from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import ARP, Ether

from simulator.cli import lab_for, play
from simulator.scenario import script as scripts
from tests.realnet import normalize


class Args:
    engine = None
    lang = None
    seed = None


@pytest.fixture(scope="module", params=scripts.builtin_names())
def capture(request, tmp_path_factory):
    sc = scripts.load(request.param)
    lab = lab_for(sc, Args())
    play(sc, lab, None, check=False)
    path = tmp_path_factory.mktemp("pcap") / f"{request.param}.pcapng"
    lab.pcap(str(path))
    return lab, path


def test_scapy_reads_every_frame_with_good_checksums(capture):
    lab, path = capture
    packets = rdpcap(str(path))
    assert len(packets) == sum(len(lab.trace.captured(n, d)) for n, d in lab.trace.devices())
    for pkt in packets:
        assert Ether in pkt and (ARP in pkt or IP in pkt)
        n = normalize(pkt)
        assert n.get("ip_checksum_ok", True) and n.get("l4_checksum_ok", True), n


def test_interfaces_are_named_node_slash_device(capture):
    lab, path = capture
    text = path.read_bytes()
    for node, dev in lab.trace.devices():
        assert f"{node}/{dev}".encode() in text


def test_pings_are_echo_pairs(capture):
    _, path = capture
    packets = rdpcap(str(path))
    requests = sum(1 for p in packets if ICMP in p and p[ICMP].type == 8)
    replies = sum(1 for p in packets if ICMP in p and p[ICMP].type == 0)
    assert replies <= requests


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed (CI installs it)")
def test_tshark_finds_no_malformed_frames_or_bad_checksums(capture):
    _, path = capture
    r = subprocess.run(
        ["tshark", "-r", str(path), "-o", "ip.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= error",
         "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "", f"tshark flagged frames: {r.stdout}"
    r = subprocess.run(["tshark", "-r", str(path), "-T", "fields", "-e", "frame.interface_name", "-e", "_ws.col.Protocol"],
                       capture_output=True, text=True, timeout=120)
    lines = [line.split("\t") for line in r.stdout.splitlines()]
    assert {proto for _, proto in lines} <= {"ARP", "ICMP", "TCP", "HTTP", "UDP", "DNS", "MySQL"}
    assert all("/" in name for name, _ in lines)


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed (CI installs it)")
def test_tshark_protocol_tree_matches_the_trace(capture):
    """Frame for frame, what Wireshark dissects is what the trace recorded."""
    lab, path = capture
    r = subprocess.run(
        ["tshark", "-r", str(path), "-T", "fields", "-E", "separator=|",
         "-e", "frame.interface_name", "-e", "eth.src", "-e", "eth.dst", "-e", "frame.protocols",
         "-e", "ip.src", "-e", "ip.dst", "-e", "ip.ttl", "-e", "arp.opcode"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    # A field repeated inside the frame (the inner frame of VXLAN, the header an ICMP error
    # quotes) comes comma-separated, outermost first: compare the outer one.
    dissected = [[cell.split(",")[0] for cell in line.split("|")] for line in r.stdout.splitlines()]
    expected = []
    for node, dev in lab.trace.devices():
        for _, frame in lab.trace.captured(node, dev):
            expected.append((f"{node}/{dev}", frame))
    assert len(dissected) == len(expected)
    by_iface: dict[str, list[list[str]]] = {}
    for row in dissected:
        by_iface.setdefault(row[0], []).append(row)
    for (iface, frame), row in zip(sorted(expected, key=lambda e: e[0]), [r for k in sorted(by_iface) for r in by_iface[k]], strict=True):
        assert row[0] == iface
        assert (row[1], row[2]) == (str(frame.src), str(frame.dst))
        payload = frame.payload
        if frame.ethertype == 0x0806:
            assert "arp" in row[3] and row[7] == str(int(payload.op))
        else:
            assert "ip" in row[3].split(":")
            assert (row[4], row[5], row[6]) == (str(payload.src), str(payload.dst), str(payload.ttl))
