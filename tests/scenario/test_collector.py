"""A large lab freezes what it keeps, so the garbage collector stops walking it; removals give it back."""

from __future__ import annotations

import gc

import pytest

import simulator.scenario.collector as collector
from simulator import Lab


@pytest.fixture
def small_is_large(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(collector, "FREEZE_FROM", 2)
    yield
    collector.Collector.thaw()


@pytest.mark.usefixtures("small_is_large")
def test_a_growing_large_lab_is_frozen_and_a_removal_thaws_it() -> None:
    lab = Lab(seed=1)
    assert lab.sh("docker run -itd --name c0 alpine").exit_code == 0
    assert not collector.Collector.frozen and gc.get_freeze_count() == 0  # one container: a small lab
    assert lab.sh("docker run -itd --name c1 alpine").exit_code == 0
    assert collector.Collector.frozen and gc.get_freeze_count() > 0
    assert lab.sh("docker exec c0 ping -c 1 172.17.0.3").exit_code == 0  # nothing removed: frozen again
    assert collector.Collector.frozen
    assert lab.sh("docker stop c1").exit_code == 0  # its veth pair and namespace go
    assert not collector.Collector.frozen and gc.get_freeze_count() == 0
    assert lab.sh("docker start c1").exit_code == 0
    assert collector.Collector.frozen
    assert lab.sh("docker network create n1").exit_code == 0
    assert lab.sh("docker network rm n1").exit_code == 0
    assert not collector.Collector.frozen


@pytest.mark.usefixtures("small_is_large")
def test_a_dropped_frozen_lab_is_collected_once_the_next_lab_is_made() -> None:
    lab = Lab(seed=1)
    for i in range(3):
        lab.sh(f"docker run -itd --name c{i} alpine")
    assert collector.Collector.frozen and gc.get_freeze_count() > 0
    del lab  # (the test harness keeps every lab for its invariant checks: it is not freed here)
    Lab(seed=2)
    assert not collector.Collector.frozen and gc.get_freeze_count() == 0


def test_a_small_lab_never_freezes() -> None:
    lab = Lab(seed=1)
    for i in range(3):
        lab.sh(f"docker run -itd --name c{i} alpine")
    assert not collector.Collector.frozen and gc.get_freeze_count() == 0
