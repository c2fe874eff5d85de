"""Shared labs for the view tests: built once per session (they take milliseconds)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from simulator import Lab  # noqa: E402


@dataclass
class Traces:
    lab: Any
    ping_c2c: Any  # docker exec c1 ping -c 2 172.17.0.3: ARP, then two echoes over docker0
    ping_internet: Any  # docker exec c1 ping -c 1 8.8.8.8: docker0, MASQUERADE, the LAN, the router, the internet


@pytest.fixture(scope="session")
def three() -> Traces:
    lab = Lab(engine="20.10", seed=1)
    for name in ("c1", "c2", "c3"):
        assert lab.sh(f"docker run -itd --name {name} ubuntu:14.04").exit_code == 0
    c2c = lab.sh("docker exec c1 ping -c 2 172.17.0.3")
    internet = lab.sh("docker exec c1 ping -c 1 8.8.8.8")
    assert c2c.exit_code == 0 and internet.exit_code == 0
    return Traces(lab, c2c.trace, internet.trace)


@pytest.fixture(scope="session")
def thirty() -> Traces:
    lab = Lab(engine="20.10", seed=1)
    for i in range(1, 31):
        assert lab.sh(f"docker run -itd --name c{i} ubuntu:14.04").exit_code == 0
    c2c = lab.sh("docker exec c1 ping -c 1 172.17.0.31")  # c30, far past the collapse threshold
    internet = lab.sh("docker exec c17 ping -c 1 8.8.8.8")
    assert c2c.exit_code == 0 and internet.exit_code == 0
    return Traces(lab, c2c.trace, internet.trace)


@pytest.fixture(scope="session")
def unreachable() -> Any:
    """A ping nobody answers: three ARP requests, then a drop (neigh-failed)."""
    lab = Lab(engine="20.10", seed=1)
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    return lab.sh("docker exec c1 ping -c 1 172.17.0.99").trace


@pytest.fixture(scope="session")
def overlay() -> tuple[Any, Any]:
    """Two swarm nodes, one attachable overlay, ov1 on host1 pinging ov2 on host2: (lab, the ping's trace)."""
    lab = Lab(hosts=2, seed=1)
    r = lab.sh("docker swarm init --advertise-addr 192.168.1.10")
    token = re.search(r"SWMTKN-\S+", r.stdout)
    assert token is not None
    lab.sh(f"docker swarm join --token {token.group(0)} 192.168.1.10:2377", on="host2")
    lab.sh("docker network create -d overlay --attachable my-overlay")
    lab.sh("docker run -itd --name ov1 --net my-overlay ubuntu:14.04")
    lab.sh("docker run -itd --name ov2 --net my-overlay ubuntu:14.04", on="host2")
    ping = lab.sh("docker exec ov1 ping -c 2 ov2")
    assert ping.exit_code == 0
    return lab, ping.trace


@pytest.fixture(scope="session")
def macvlan() -> tuple[Any, Any, Any]:
    """c1 (host1) and c2 (host2) on macvlan over eth0, host1's shim mac0: (lab, c1 pinging c2, host1 pinging c1 via mac0)."""
    lab = Lab(engine="20.10", hosts=2, seed=1)
    create = ("docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range={} --gateway=192.168.1.1"
              " -o macvlan_mode=bridge -o parent=eth0 my_macvlan")
    lab.sh(create.format("192.168.1.64/28"))
    lab.sh(create.format("192.168.1.80/28"), on="host2")
    lab.sh("docker run -itd --name c1 --net my_macvlan ubuntu:14.04")
    lab.sh("docker run -itd --name c2 --net my_macvlan ubuntu:14.04", on="host2")
    c2c = lab.sh("docker exec c1 ping -c 1 192.168.1.80")
    for command in ("ip link add mac0 link eth0 type macvlan mode bridge", "ip addr add 192.168.1.99/32 dev mac0",
                    "ip link set mac0 up", "ip route add 192.168.1.64/28 dev mac0"):
        assert lab.sh(command).exit_code == 0
    shim = lab.sh("ping -c 1 192.168.1.64")
    assert c2c.exit_code == 0 and shim.exit_code == 0
    return lab, c2c.trace, shim.trace


@pytest.fixture(scope="session")
def vlan() -> tuple[Any, Any]:
    """red1 (host1) and red2 (host2) on macvlan over the VLAN 10 sub-interface eth0.10: (lab, red1 pinging red2)."""
    lab = Lab(hosts=2, seed=1)
    lab.sh("docker network create -d macvlan --subnet=10.10.0.0/24 --ip-range=10.10.0.64/28 -o parent=eth0.10 red")
    lab.sh("docker network create -d macvlan --subnet=10.10.0.0/24 --ip-range=10.10.0.80/28 -o parent=eth0.10 red", on="host2")
    lab.sh("docker run -itd --name red1 --net red ubuntu:14.04")
    lab.sh("docker run -itd --name red2 --net red ubuntu:14.04", on="host2")
    ping = lab.sh("docker exec red1 ping -c 1 10.10.0.80")
    assert ping.exit_code == 0
    return lab, ping.trace


def text_boxes(fig: Any) -> list[tuple[str, Any]]:
    """(text, display bbox) of every visible, non-empty text of ``fig``."""
    renderer = fig.canvas.get_renderer()
    out = []
    for t in fig.findobj(matplotlib.text.Text):
        if t.get_visible() and t.get_text().strip() and t.figure is not None:
            patch = t.get_bbox_patch()
            box = patch.get_window_extent(renderer) if patch is not None else t.get_window_extent(renderer)
            out.append((t.get_text(), box))
    return out


def overlapping_texts(fig: Any, shrink: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap (by more than ``shrink`` pixels each way)."""
    boxes = text_boxes(fig)
    pairs = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1 :]:
            if a.x0 + shrink < b.x1 - shrink and b.x0 + shrink < a.x1 - shrink and a.y0 + shrink < b.y1 - shrink and b.y0 + shrink < a.y1 - shrink:
                pairs.append((ta, tb))
    return pairs
