"""A flooded broadcast ARP is delivered in aggregate, or shares one crossing for its veth ports: nothing a learner sees changes.

Each test builds the same lab in each way (all at once, a shared crossing, one
crossing per port: the path every other frame takes), and compares what a learner
can observe: every command's output, every trace record in order, the counters of
every device, the neighbour tables and the capture file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import simulator.kernel.devices.bridge as bridge_module
from simulator import Lab
from simulator.kernel.devices.flood import AggregateArrival, FloodArrival
from simulator.sim import latency
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
    "docker run -itd --cap-add NET_ADMIN --name c8 alpine",
    "docker exec c8 ip link set eth0 down",
    "docker run -itd --name c9 alpine",  # a port whose peer is down: flooded port by port
    "docker exec c8 ip link set eth0 up",
    "docker run -itd --name c10 alpine",  # all at once again
    "docker exec c1 ifconfig eth0",
    "docker exec c8 ifconfig eth0",
    "ip -s link",
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


def test_a_flood_all_at_once_or_shared_shows_what_one_crossing_per_port_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arrivals = []
    acting: list[int] = []
    pinned = []
    real_arrive, real_deliver, real_pin = FloodArrival.arrive, AggregateArrival._deliver, AggregateArrival.pin

    def counted(self: FloodArrival, frame: Any) -> None:
        arrivals.append(len(self.peers))
        real_arrive(self, frame)

    def delivered(self: AggregateArrival, frame: Any, who: list[int]) -> None:
        acting.append(len(who))
        real_deliver(self, frame, who)

    def pin(self: AggregateArrival) -> None:
        pinned.append(self)
        real_pin(self)

    monkeypatch.setattr(FloodArrival, "arrive", counted)
    monkeypatch.setattr(AggregateArrival, "_deliver", delivered)
    monkeypatch.setattr(AggregateArrival, "pin", pin)
    aggregate = observe(tmp_path, "aggregate")
    assert len(acting) > 20 and max(acting) >= 1  # all at once, often; c6's gratuitous ARPs taken by c1 one by one
    assert arrivals and max(arrivals) >= 5  # the shared crossing too: requests for an address, the flood with c8 down
    monkeypatch.setattr(bridge_module, "aggregable", lambda frame: False)
    acting.clear()
    shared = observe(tmp_path, "shared")
    assert not acting
    monkeypatch.setattr(bridge_module, "floodable", lambda frame: False)
    arrivals.clear()
    per_port = observe(tmp_path, "per-port")
    assert not arrivals
    for way in (aggregate, shared):
        assert way["transcript"] == per_port["transcript"]
        assert len(way["records"]) == len(per_port["records"]) > 500
        assert way["records"] == per_port["records"]
        assert way["counters"] == per_port["counters"]
        assert way["neighbours"] == per_port["neighbours"]
        assert way["pcap"] == per_port["pcap"]
    assert any(state != "FAILED" and ip == "172.17.0.4" for _, ip, state in aggregate["neighbours"]["c1"])
    assert "RX packets" in dict((c, out) for c, out, _, _ in aggregate["transcript"])["docker exec c8 ifconfig eth0"]


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

    aggregate = kept()
    monkeypatch.setattr(bridge_module, "aggregable", lambda frame: False)
    shared = kept()
    monkeypatch.setattr(bridge_module, "floodable", lambda frame: False)
    per_port = kept()
    assert shared[0] > 0 and len(shared[1]) >= window
    assert aggregate == shared == per_port


def test_a_peer_going_down_while_the_flood_crosses_drops_it_as_port_by_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The members change between the bridge sending a flood all at once and its arrival: the peers are the ones it was sent to."""
    real_forward = bridge_module._forward_frame
    pinned = []
    real_pin = AggregateArrival.pin

    def pin(self: AggregateArrival) -> None:
        pinned.append(self)
        real_pin(self)

    def observe_with_a_peer_down() -> dict[str, Any]:
        lab = Lab(seed=5, trace_window=None)
        for i in range(4):
            lab.sh(f"docker run -itd --name c{i} alpine")
        target = lab.engine.container("c1").netns
        assert target is not None
        done = []

        def forward(bridge: Any, what: Any) -> None:
            real_forward(bridge, what)
            frame = what[0]
            if not done and type(frame.payload).__name__ == "ArpPacket" and str(frame.payload.sender_ip) == "172.17.0.6":
                done.append(True)  # c4's first gratuitous ARP: c1's eth0 goes down while it crosses, up again later
                bridge.sim.env.deliver(latency.VETH_S / 2, lambda ns, name: ns.set_down(name), target, "eth0")
                bridge.sim.env.deliver(latency.VETH_S * 2, lambda ns, name: ns.set_up(name), target, "eth0")

        monkeypatch.setattr(bridge_module, "_forward_frame", forward)
        outputs = [lab.sh(command).stdout for command in ("docker run -itd --name c4 alpine", "sleep 2", "docker exec c1 ifconfig eth0", "ip -s link")]
        assert done
        counters = {(ns.node, dev.name): (dev.rx_packets, dev.rx_bytes, dev.tx_packets, dev.tx_bytes, dev.rx_dropped)
                    for ns in [lab.machines["host"].netns] + [c.netns for c in lab.engine.containers.values() if c.netns is not None]
                    for dev in ns.devices.values()}
        return {"outputs": outputs, "records": [repr(r) for r in lab.trace], "counters": counters}

    monkeypatch.setattr(AggregateArrival, "pin", pin)
    aggregate = observe_with_a_peer_down()
    assert pinned
    monkeypatch.setattr(bridge_module, "floodable", lambda frame: False)
    per_port = observe_with_a_peer_down()
    assert aggregate == per_port
    assert any("FrameDropped" in r and "'c1'" in r and "device down" in r for r in aggregate["records"])


def test_ports_leaving_going_down_and_coming_back_show_what_port_by_port_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host-side veth set down and up, taken off the bridge and put back; a second network connected and disconnected."""
    sent = []
    real_send = bridge_module.send_aggregate

    def send(frame: Any, ports: Any) -> bool:
        done = real_send(frame, ports)
        sent.append(done)
        return done

    def observe_changes() -> tuple[list[tuple[str, str, str, int]], list[str], dict[tuple[str, str], tuple[int, ...]]]:
        lab = Lab(seed=7, trace_window=None)
        transcript = []

        def sh(command: str) -> None:
            r = lab.sh(command)
            transcript.append((command, r.stdout, r.stderr, r.exit_code))

        sh("docker network create n1")
        for i in range(5):
            sh(f"docker run -itd --name a{i} alpine")
        sh("docker network connect n1 a1")
        sh("docker run -itd --name b1 --net n1 alpine")
        veth = [line.split("@")[0] for line in lab.sh("ip -br link").stdout.splitlines() if line.startswith("veth")][1]
        for command in (f"ip link set {veth} down", "docker run -itd --name a6 alpine", f"ip link set {veth} up",
                        "docker run -itd --name a7 alpine", f"ip link set {veth} nomaster", "docker run -itd --name a8 alpine",
                        f"ip link set {veth} master docker0", "docker run -itd --name a9 alpine", "docker exec a2 ping -c 1 172.17.0.3",
                        "docker network disconnect n1 a1", "docker rm -f a3", "docker run -itd --name a10 alpine", "sleep 3",
                        "ip -s link", "docker exec a2 ifconfig", "bridge fdb show"):
            sh(command)
        assert all(code == 0 for _, _, _, code in transcript)
        spaces = [m.netns for m in lab.machines.values()] + [c.netns for c in lab.engine.containers.values() if c.netns is not None]
        counters = {(ns.node, d.name): (d.rx_packets, d.rx_bytes, d.tx_packets, d.tx_bytes, d.rx_dropped)
                    for ns in spaces for d in ns.devices.values()}
        return transcript, [repr(r) for r in lab.trace], counters

    monkeypatch.setattr(bridge_module, "send_aggregate", send)
    aggregate = observe_changes()
    assert sum(sent) > 20  # most floods all at once
    monkeypatch.setattr(bridge_module, "floodable", lambda frame: False)
    per_port = observe_changes()
    assert aggregate == per_port
