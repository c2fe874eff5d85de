"""Every record of a real run has a sentence, in both languages."""

from __future__ import annotations

import re

from simulator import Lab
from simulator.trace.explain import explain


def test_every_record_of_a_lesson_explains_itself_in_english_and_korean():
    lab = Lab(engine="20.10", seed=4)
    lab.sh("docker network create mybridge")
    lab.sh("docker run -itd --name aa --net mybridge --net-alias web ubuntu:14.04")
    lab.sh("docker run -itd --name bb --net mybridge ubuntu:14.04")
    lab.sh("docker exec bb ping -c 2 web")
    lab.sh("docker exec bb ping -c 1 8.8.8.8")
    lab.sh("docker exec bb ping -c 1 -W 1 172.18.0.99")
    lab.sh("sleep 10")
    kinds = set()
    for record in lab.trace:
        en, ko = explain(record, "en"), explain(record, "ko")
        assert en and ko and en != ko
        assert re.search(r"[가-힣]", ko), ko
        kinds.add(type(record).__name__)
    assert {"FrameSent", "BridgeForwarded", "RouteChosen", "NeighbourChanged", "NatTranslated", "FrameDropped", "PacketDelivered"} <= kinds


def test_a_forward_names_the_fdb_entry():
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -itd --name c2 ubuntu:14.04")
    r = lab.sh("docker exec c1 ping -c 2 172.17.0.3")
    sentences = [explain(rec) for rec in r.trace if type(rec).__name__ == "BridgeForwarded"]
    assert any("FDB says 02:42:ac:11:00:03 is there" in s for s in sentences)
    assert any("because it is a broadcast" in s for s in sentences)
