"""Every built-in scenario ships its expected transcript; the simulator must reproduce it."""

from __future__ import annotations

import pytest

from simulator.cli import lab_for, play
from simulator.scenario import script as scripts
from simulator.trace.pcap import pcapng_bytes


class Args:
    engine = None
    lang = None
    seed = None


@pytest.mark.parametrize("name", scripts.builtin_names())
def test_transcript_matches(name: str):
    sc = scripts.load(name)
    failures, _, report = play(sc, lab_for(sc, Args()), None, check=True)
    assert failures == 0, "\n".join(report)


@pytest.mark.parametrize("name", scripts.builtin_names())
def test_same_seed_same_capture_and_transcript(name: str):
    sc = scripts.load(name)
    runs = []
    for _ in range(2):
        lab = lab_for(sc, Args())
        _, transcript, _ = play(sc, lab, None, check=False)
        runs.append((transcript, pcapng_bytes(lab.trace)))
    assert runs[0] == runs[1]
