"""A flooded broadcast ARP shares one crossing for its veth ports: nothing a learner sees changes.

Each test builds the same lab twice, once with the shared crossing and once with one
crossing per port (the path every other frame takes), and compares what a learner
can observe: every command's output, every trace record in order, the counters of
every device, the neighbour tables and the capture file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import simulator.kernel.devices.bridge as bridge_module
from simulator import Lab
from simulator.kernel.devices.flood import FloodArrival
from simulator.trace.records import FrameReceived, FrameSent

COMMANDS = [
    *(f"docker run -itd --name c{i} alpine" for i in range(6)),
    "docker exec c1 ping -c 1 c2",  # no name resolution on docker0: fails, touches nothing
    "docker exec c1 ping -c 1 172.17.0.4",  # c1 now has a neighbour entry for c3's address
    "docker stop c3",
    "docker rm c3",
    "docker exec c2 ping -c 1 172.17.0.4",  # c2 has one too, FAILED this time
    "docker run -itd --name c6 alpine",  # takes 172.17.0.4: its gratuitous ARPs update c1's and c2's entries
    "docker exec c1 ip neigh",
    "docker exec c2 ip neigh",
    "docker run -itd --name c7 alpine",
    "docker stop -t 0 c7",  # stops while its later gratuitous ARPs would be on the wire
    "docker network create n1",
    "docker run -itd --name d1 --net n1 alpine",
    "docker run -itd --name d2 --net n1 alpine",
    "docker exec d1 ping -c 2 d2",
    "ip -s link show docker0",
    "sleep 5",
]


def observe(tmp_path: Path, name: str) -> dict[str, Any]:
    lab = Lab(seed=5, trace_window=None)
    transcript = []
    for command in COMMANDS:
        r = lab.sh(command)
        transcript.append((command, r.stdout, r.stderr, r.exit_code))
    counters = {}
    neighbours = {}
    spaces = [machine.netns for machine in lab.machines.values()]
    spaces += [c.netns for engine in lab.engines.values() for c in engine.containers.values() if c.netns is not None]
    assert spaces
    for ns in spaces:
        for dev in ns.devices.values():
            counters[(ns.node, dev.name)] = (dev.rx_packets, dev.rx_bytes, dev.tx_packets, dev.tx_bytes, dev.rx_dropped)
        neighbours[ns.node] = sorted((k[0], str(k[1]), e.state) for k, e in ns.ipv4.neighbours.entries.items())
    path = tmp_path / f"{name}.pcapng"
    lab.pcap(path)
    return {"transcript": transcript, "records": [repr(r) for r in lab.trace], "counters": counters,
            "neighbours": neighbours, "pcap": path.read_bytes()}


def test_a_shared_crossing_shows_what_one_crossing_per_port_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arrivals = []
    real_arrive = FloodArrival.arrive

    def counted(self: FloodArrival, frame: Any) -> None:
        arrivals.append(len(self.peers))
        real_arrive(self, frame)

    monkeypatch.setattr(FloodArrival, "arrive", counted)
    shared = observe(tmp_path, "shared")
    assert arrivals and max(arrivals) >= 5  # the path under test was taken, for floods to many ports
    monkeypatch.setattr(bridge_module, "floodable", lambda frame: False)
    per_port = observe(tmp_path, "per-port")
    assert shared["transcript"] == per_port["transcript"]
    assert len(shared["records"]) == len(per_port["records"]) > 500
    assert shared["records"] == per_port["records"]
    assert shared["counters"] == per_port["counters"]
    assert shared["neighbours"] == per_port["neighbours"]
    assert any(state != "FAILED" and ip == "172.17.0.4" for _, ip, state in shared["neighbours"]["c1"])
    assert shared["pcap"] == per_port["pcap"]


def test_tcpdump_on_another_containers_veth_still_shows_the_gratuitous_arp() -> None:
    lab = Lab(seed=5)
    lab.sh("docker run -itd --name c0 alpine")
    veth = next(line.split("@")[0] for line in lab.sh("ip -br link").stdout.splitlines() if line.startswith("veth"))
    lab.sh("docker run -itd --name c1 alpine")  # 172.17.0.3; its later gratuitous ARPs come after the command
    r = lab.sh(f"tcpdump -i {veth} -n -c 2 arp")
    assert "ARP, Request who-has 172.17.0.3 tell 172.17.0.3, length 28" in r.stdout
    sent = [rec for rec in lab.trace if type(rec) is FrameSent and rec.dev == veth]
    received = [rec for rec in lab.trace if type(rec) is FrameReceived and rec.node == "c0" and rec.dev == "eth0"]
    assert len(sent) == len(received) >= 2  # every frame the bridge sent c0 reached it, counted


@pytest.mark.parametrize("window", [37, 101])
def test_a_window_cuts_a_flood_where_it_cuts_port_by_port(window: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def kept() -> tuple[int, list[str]]:
        lab = Lab(seed=5, trace_window=window)
        for command in COMMANDS[:9]:
            lab.sh(command)
        return lab.sim.tracer.dropped, [repr(r) for r in lab.trace]

    shared = kept()
    monkeypatch.setattr(bridge_module, "floodable", lambda frame: False)
    per_port = kept()
    assert shared[0] > 0 and len(shared[1]) >= window
    assert shared == per_port
