"""The lab's cached topology snapshots are exactly the plain walk of the whole lab.

``Lab`` takes a snapshot after every command through ``snapshot.Snapshots``, which
re-reads only the namespaces that reported a change; ``snapshot.take`` is the plain walk
(the reference). After every command of every built-in scenario, and of a few
command sequences that change a device behind Docker's back, the two must be equal,
and a namespace that did not change must be the very same tuple as before.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from simulator import Lab
from simulator.cli import lab_for, play
from simulator.scenario import script as scripts
from simulator.scenario import snapshot
from simulator.trace.records import ChunkedTuple, TopologyChanged


class Args:
    engine = None
    lang = None
    seed = None


def checked(lab: Lab) -> list[str]:
    """Compare the lab's snapshot with the plain walk after every command; returns the causes seen."""
    emit = lab._emit_topology
    causes: list[str] = []

    def emit_and_check(cause: str) -> None:
        before = lab._last_snapshot
        emit(cause)
        assert lab._last_snapshot == snapshot.take(lab), f"after {cause!r}"
        assert tuple(lab._last_snapshot.namespaces) == snapshot.take(lab).namespaces, f"after {cause!r}"
        if before is not None:
            old = {ns.node: ns for ns in before.namespaces}
            for ns in lab._last_snapshot.namespaces:
                if ns.node in old and old[ns.node] == ns:
                    assert old[ns.node] is ns, f"{ns.node} unchanged after {cause!r} but rebuilt"
        causes.append(cause)

    lab._emit_topology = emit_and_check  # type: ignore[method-assign]
    return causes


@pytest.mark.parametrize("name", scripts.builtin_names())
def test_every_command_of_every_scenario(name: str):
    sc = scripts.load(name)
    lab = lab_for(sc, Args())
    causes = checked(lab)
    play(sc, lab, None, check=False)
    assert causes


SEQUENCES = {
    "behind Docker's back": [
        "docker network create mynet",
        "docker run -itd --name c1 --net mynet alpine",
        "docker run -itd --name c2 alpine",
        "ip link set dev docker0 down",
        "ip link set dev docker0 up",
        "ip link add vx0 type veth peer name vy0",
        "ip link set vx0 address 02:00:00:00:00:aa",
        "ip link set vx0 master docker0",
        "ip link set vx0 nomaster",
        "ip link set vy0 name vz0",
        "ip addr add 10.9.9.1/24 dev vz0",
        "ip addr del 10.9.9.1/24 dev vz0",
        "ip link del vx0",
        "docker network connect mynet c2",
        "docker network disconnect mynet c2",
        "docker network disconnect bridge c2",
        "docker stop c1",
        "docker start c1",
        "docker rm -f c1",
        "docker run -itd --name c3 --net none alpine",
        "docker run -itd --name c4 --net container:c3 alpine",
        "docker run -itd --name c5 --net host alpine",
        "docker rm -f c3",
        "docker exec c2 ip link set eth0 down",
        "docker exec c2 ip link set eth0 address 02:00:00:00:00:bb",
        "docker exec c2 ip link set eth0 up",
        "ip link add link eth0 name mv0 type macvlan mode bridge",
        "ip link set eth0 down",
        "ip link set eth0 name eth9",  # mv0's tuple names its parent
        "ip link set eth9 up",
        "ip link del mv0",
    ],
    "containers come and go": [
        "docker run -itd --name n1 --net none alpine",
        "docker run -itd --name b1 alpine",
        "docker run -itd --name b2 alpine",
        "docker stop n1",  # no endpoint: stopping it changes no namespace
        "docker start n1",
        "docker restart n1",
        "docker restart b1",
        "docker network disconnect bridge b2",  # now without endpoints too
        "docker stop b2",
        "docker start b2",
        "docker network create net2",
        "docker network connect net2 b2",
        "docker run --name once alpine",  # exits on its own
        "docker run --rm alpine",
        "docker run -itd --name j1 --net container:b1 alpine",
        "docker stop b1",
        "docker start b1",
        "docker rm -f b1 n1",
        "docker run -itd --name b3 alpine; docker rm -f b2",  # one appended, one removed
        "docker create --name made alpine",
        "docker start made",
        "docker rm -f made j1 b3 once",
    ],
    "devices move and bridges rename": [
        "docker run -itd --name c1 alpine",
        "ip link add vx0 type veth peer name vy0",
        "ip link set vx0 master docker0",
        "ip link set docker0 down",
        "ip link set docker0 name br9",  # its ports name it as their master
        "ip link set br9 up",
        "ip link add br1 type bridge",
        "ip link set vy0 master br1",
        "ip link del br1",
        "ip addr add 10.1.1.1/24 dev vy0",
        "ip addr add 10.1.1.2/24 dev vy0",
        "ip addr del 10.1.1.1/24 dev vy0",
        "ip link del vy0",
    ],
}


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_command_sequences(name: str):
    lab = Lab()
    causes = checked(lab)
    for line in SEQUENCES[name]:
        lab.sh(line)
    assert len(causes) == len(SEQUENCES[name])


def test_many_containers_share_chunks_between_records():
    lab = Lab()
    checked(lab)
    for k in range(150):
        lab.sh(f"docker run -itd --name c{k} alpine")
    records: list[Any] = [r for r in lab.trace if type(r) is TopologyChanged]
    first, last = records[-2].snapshot.namespaces, records[-1].snapshot.namespaces
    assert isinstance(last, ChunkedTuple) and len(last) == len(first) + 1
    assert first.chunks[1] is last.chunks[1]  # the containers in between did not change
    assert pickle.loads(pickle.dumps(records[-1])) == records[-1]
    assert hash(last) == hash(tuple(last)) and last[-1] == tuple(last)[-1] and last[3:5] == tuple(last)[3:5]


def test_many_containers_stopped_and_removed_in_the_middle():
    lab = Lab(engine="20.10")
    checked(lab)
    for k in range(80):  # more than a chunk of namespaces, and of the host's devices
        lab.sh(f"docker run -itd --name c{k} alpine")
    lab.sh("docker run -itd --name quiet --net none alpine")
    for line in ["docker stop c3", "docker rm c3", "docker rm -f c10 c11 c70", "docker stop quiet",
                 "docker start c3 quiet || docker start quiet", "docker restart c40", "docker network disconnect bridge c50", "docker stop c50",
                 "docker run -itd --name late alpine", "docker network create n2", "docker network connect n2 c5",
                 "docker rm -f c0"]:
        lab.sh(line)


def test_a_command_reads_what_it_changed_only(monkeypatch: pytest.MonkeyPatch):
    lab = Lab(engine="20.10")
    for k in range(100):
        lab.sh(f"docker run -itd --name c{k} alpine")
    reads: list[str] = []
    row = snapshot._row
    monkeypatch.setattr(snapshot, "_row", lambda dev, *rest: reads.append(dev.name) or row(dev, *rest))
    lab.sh("docker run -itd --name last alpine")
    assert len(reads) <= 6, reads  # the new container's lo and eth0, the host's new veth end
    reads.clear()
    lab.sh("docker ps")
    assert reads == []
    assert lab._last_snapshot == snapshot.take(lab)


def test_nothing_changed_gives_the_same_snapshot():
    lab = Lab()
    lab.sh("docker run -itd --name c1 alpine")
    before = lab._last_snapshot
    lab.sh("docker ps")
    assert lab._last_snapshot is before


def test_exited_containers_are_not_looked_at_again(monkeypatch: pytest.MonkeyPatch):
    lab = Lab(engine="20.10")
    checked(lab)
    for k in range(60):
        lab.sh(f"docker run --name gone{k} alpine true")  # started, then exited: no namespace shown
    for k in range(3):
        lab.sh(f"docker run -itd --name s{k} alpine")
    lab.sh("docker stop s0 s1 s2")
    placed: list[str] = []
    place = snapshot.Snapshots._place
    monkeypatch.setattr(snapshot.Snapshots, "_place", lambda self, host, cs, ns, view, offset, c: placed.append(c.name) or place(
        self, host, cs, ns, view, offset, c))
    lab.sh("docker run -itd --name next alpine")
    assert placed == ["next"]
    placed.clear()
    lab.sh("docker start s1")  # a stopped one that starts again is found by its new namespace
    assert placed == ["s1"]
    assert lab._last_snapshot.namespace("s1") is not None
