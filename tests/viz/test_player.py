"""player(): the step-through, its static strip, and the sentences that explain each step."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from simulator.trace import BridgeForwarded, FrameDropped, NatTranslated
from simulator.trace.explain import josa
from simulator.viz import explain, missing_glyphs, player
from simulator.viz.player import steps


@pytest.fixture(scope="module")
def c2c_strip(three):
    return player(three.ping_c2c)


def test_outside_jupyter_the_player_is_a_strip(three, c2c_strip):
    figures = c2c_strip
    assert isinstance(figures, list) and all(isinstance(f, Figure) for f in figures)
    assert len(figures) == len(steps(three.ping_c2c))
    captions = [t.get_text() for t in figures[0].axes[0].texts if t.get_gid() == "CAPTION"]
    assert captions[0].startswith("Step 1 of")


def test_each_step_highlights_what_acted(three, c2c_strip):
    all_steps = steps(three.ping_c2c)
    forward = next(s for s in all_steps if isinstance(s.record, BridgeForwarded) and s.record.action == "forward")
    assert forward.device == "host/docker0" and forward.segment[1] == "host/docker0"
    fig = c2c_strip[forward.index - 1]
    gids = {a.get_gid() for a in fig.axes[0].patches}
    assert "CURRENT:host/docker0" in gids
    assert sum(1 for g in gids if g and g.endswith(":current")) == 1


def test_the_widget_player(three):
    import ipywidgets

    box = player(three.ping_c2c, widgets=True)
    assert isinstance(box, ipywidgets.VBox)
    controls, panel, image = box.children
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n" and "Step 1 of" in panel.value
    slider = controls.children[2]
    slider.value = 5
    assert "Step 6 of" in panel.value


def test_explanations_in_english_and_korean(three):
    fwd = next(r for r in three.ping_c2c if isinstance(r, BridgeForwarded) and r.action == "forward")
    port = fwd.egress[0]
    assert explain(fwd).startswith(f"docker0 forwarded the frame to {port} because its FDB says {fwd.frame.dst} is there.")
    assert explain(fwd, "ko").startswith(
        f"docker0은 FDB에 {josa(str(fwd.frame.dst), '이/가')} {port} 쪽에 있다고 기록되어 있어 프레임을 그 포트로 전달했습니다.")
    nat = next(r for r in three.ping_internet if isinstance(r, NatTranslated))
    assert "MASQUERADE" in explain(nat) and "192.168.1.10" in explain(nat, "ko")


def test_every_record_has_a_sentence(three, unreachable):
    for trace in (three.ping_internet, unreachable):
        for record in trace:
            for lang in ("en", "ko"):
                sentence = explain(record, lang)
                assert sentence and sentence != type(record).__name__
    drop = next(r for r in unreachable if isinstance(r, FrameDropped))
    assert "nobody answered" in explain(drop) and "응답하지 않았습니다" in explain(drop, "ko")


def test_korean_particles():
    assert josa("docker0", "은/는") == "docker0은"
    assert josa("veth9a397c4", "이/가") == "veth9a397c4가"
    assert josa("호스트", "을/를") == "호스트를"
    assert josa("eth1", "으로/로") == "eth1로"
    assert josa("02:42:ac:11:00:03", "으로/로") == "02:42:ac:11:00:03으로"


def test_korean_strip_renders(unreachable):
    figures = player(unreachable, lang="ko")
    assert all(missing_glyphs(f) == set() for f in figures[::3])
