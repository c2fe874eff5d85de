"""Random sequences of docker commands keep the engine and the kernel model consistent.

After every step: no address or MAC twice on a network; every running container on a
bridge network has exactly one veth on the host per endpoint, plugged into that
network's bridge; ``docker network inspect`` agrees with what the container's
namespace really holds; and a refused command changed nothing.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator import Lab
from simulator.kernel.devices.veth import Veth
from simulator.scenario import snapshot

CONTAINERS = ["c1", "c2", "c3"]
NETWORKS = ["bridge", "n1", "n2", "n3"]
ENGINES = ["20.10", "29.2"]


class DockerCommands(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.lab = Lab(engine=ENGINES[0])

    def run(self, command: str) -> None:
        before = snapshot.take(self.lab), self.lab.sh("docker ps -a --no-trunc").stdout
        r = self.lab.sh(command)
        assert "internal error" not in r.stderr and "Traceback" not in r.stderr, (command, r.stderr)
        if r.exit_code != 0 and not r.stdout:
            after = snapshot.take(self.lab), self.lab.sh("docker ps -a --no-trunc").stdout
            assert after == before, f"refused command changed the lab: {command}: {r.stderr}"

    @rule(engine=st.sampled_from(ENGINES))
    def new_lab(self, engine: str) -> None:
        self.lab = Lab(engine=engine)

    @rule(net=st.sampled_from(NETWORKS[1:]),
          subnet=st.sampled_from(["", "--subnet 10.9.0.0/24", "--subnet 10.9.0.0/24 --ip-range 10.9.0.128/25", "--subnet 10.9.0.0/30", "--internal"]))
    def create_network(self, net: str, subnet: str) -> None:
        self.run(f"docker network create {subnet} {net}")

    @rule(net=st.sampled_from(NETWORKS))
    def remove_network(self, net: str) -> None:
        self.run(f"docker network rm {net}")

    @rule(name=st.sampled_from(CONTAINERS), net=st.sampled_from(NETWORKS + ["host", "none", "container:c1"]),
          image=st.sampled_from(["alpine", "ubuntu:14.04", "nginx"]))
    def run_container(self, name: str, net: str, image: str) -> None:
        self.run(f"docker run -itd --name {name} --net {net} {image}")

    @rule(name=st.sampled_from(CONTAINERS), net=st.sampled_from(NETWORKS), ip=st.sampled_from(["", "--ip 10.9.0.2", "--ip 172.18.0.9", "--alias web"]))
    def connect(self, name: str, net: str, ip: str) -> None:
        self.run(f"docker network connect {ip} {net} {name}")

    @rule(name=st.sampled_from(CONTAINERS), net=st.sampled_from(NETWORKS))
    def disconnect(self, name: str, net: str) -> None:
        self.run(f"docker network disconnect {net} {name}")

    @rule(name=st.sampled_from(CONTAINERS), verb=st.sampled_from(["stop", "start", "restart", "rm", "rm -f", "kill"]))
    def lifecycle(self, name: str, verb: str) -> None:
        self.run(f"docker {verb} {name}")

    @invariant()
    def no_duplicate_addresses_or_macs(self) -> None:
        for net in self.lab.engine.networks.values():
            ips = [ep.ip for ep in net.endpoints.values()]
            macs = [ep.mac for ep in net.endpoints.values()]
            assert len(ips) == len(set(ips)), net.name
            assert len(macs) == len(set(macs)), net.name
            assert net.gateway not in ips

    @invariant()
    def one_veth_per_bridge_endpoint(self) -> None:
        engine = self.lab.engine
        host = engine.machine.netns
        for c in engine.containers.values():
            if not c.running or c.netns is None or c.netns is host or c.network_mode.is_container:
                continue
            for name, ep in c.endpoints.items():
                assert ep.host_ifname is not None and ep.host_ifname in host.devices, (c.name, name)
                veth = host.devices[ep.host_ifname]
                assert isinstance(veth, Veth) and veth.peer.namespace is c.netns
                assert veth.master is not None and veth.master.name == ep.network.bridge_name
            peers = [d for d in host.devices.values() if isinstance(d, Veth) and d.peer.namespace is c.netns]
            assert len(peers) == len(c.endpoints), c.name
        stopped = [c for c in engine.containers.values() if not c.running]
        for c in stopped:
            assert not c.endpoints

    @invariant()
    def inspect_agrees_with_the_kernel(self) -> None:
        engine = self.lab.engine
        for net in list(engine.networks.values()):
            if net.driver != "bridge":
                continue
            data = json.loads(self.lab.sh(f"docker network inspect {net.id}").stdout)[0]
            for cid, info in data["Containers"].items():
                c = engine.containers[cid]
                ep = c.endpoints[net.name]
                assert c.netns is not None
                dev = c.netns.devices[ep.ifname]
                assert info["MacAddress"] == str(dev.mac)
                held = [f"{a.ip}/{a.prefixlen}" for a in c.netns.ipv4.addresses_of(ep.ifname)]
                assert held == [info["IPv4Address"]]


TestDockerCommands = DockerCommands.TestCase
TestDockerCommands.settings = settings(
    max_examples=int(os.environ.get("DOCKERSIM_STATEFUL_EXAMPLES", "40")),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
