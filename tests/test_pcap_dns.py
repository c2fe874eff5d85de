"""The alias scenario's capture decodes as DNS in decoders nobody here wrote, every answer present."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from scapy.all import rdpcap
from scapy.layers.dns import DNS

from simulator.cli import lab_for, play
from simulator.scenario import script as scripts


class Args:
    engine = None
    lang = None
    seed = None


@pytest.fixture(scope="module")
def alias_capture(tmp_path_factory):
    sc = scripts.load("alias")
    lab = lab_for(sc, Args())
    play(sc, lab, None, check=False)
    path = tmp_path_factory.mktemp("dns") / "alias.pcapng"
    lab.pcap(str(path))
    return path


def test_scapy_decodes_every_alias_answer(alias_capture):
    answers = []
    for pkt in rdpcap(str(alias_capture)):
        if DNS in pkt and pkt[DNS].qr == 1 and pkt[DNS].qd and pkt[DNS].qd[0].qname == b"alicek106." and pkt[DNS].ancount:
            answers.append(sorted(pkt[DNS].an[i].rdata for i in range(pkt[DNS].ancount)))
    assert answers, "no DNS answers for alicek106 in the capture"
    assert all(a == ["172.18.0.2", "172.18.0.3", "172.18.0.4"] for a in answers)


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed (CI installs it)")
def test_tshark_sees_dns_with_three_answers(alias_capture):
    r = subprocess.run(
        ["tshark", "-r", str(alias_capture), "-Y", "dns.flags.response == 1 && dns.qry.type == 1 && dns.qry.name == \"alicek106\"",
         "-T", "fields", "-e", "dns.count.answers", "-e", "dns.a", "-e", "dns.resp.ttl", "-e", "frame.interface_name"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines() if line.strip()]
    assert rows
    for count, addresses, ttls, iface in rows:
        assert count == "3"
        assert sorted(addresses.split(",")) == ["172.18.0.2", "172.18.0.3", "172.18.0.4"]
        assert set(ttls.split(",")) == {"600"}
        assert iface.endswith("/lo")  # the embedded DNS answers inside the container, through lo
