"""player(): one step per numbered frame, drawn up to that frame, with its PDU panel; the strip; the sentences."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from simulator import Lab
from simulator.trace import BridgeForwarded, FrameDropped, NatTranslated
from simulator.trace.explain import josa
from simulator.viz import explain, headers_rows, ladder, missing_glyphs, player, strip
from simulator.viz.path import draw, plan
from simulator.viz.player import PICTURE_DPI, Pictures, Strip, _rgba, panel_html, pdu_rows, steps


@pytest.fixture(scope="module")
def internet_steps(three):
    p = plan(three.ping_internet)
    return p, steps(three.ping_internet, the_plan=p)


def _numbers(fig) -> list[int]:
    """The numbers circled in the picture (path and legend alike)."""
    return sorted(int(t.get_gid().split(":")[1]) for t in fig.axes[0].texts if (t.get_gid() or "").startswith("NUMBER:"))


def test_one_step_per_numbered_frame_as_path_ladder_and_headers_number_them(three, internet_steps):
    p, all_steps = internet_steps
    assert len(p.groups) == 12 and len(p.markers) == 12  # `ping -c 1 8.8.8.8` from a container: twelve numbered frames
    assert [s.number for s in all_steps] == list(range(1, 13))
    assert [s.number for s in all_steps] == [g.number for g in p.groups]
    assert sorted({r["frame"] for r in headers_rows(three.ping_internet)}) == [s.number for s in all_steps]
    labels = sorted(int(t.get_gid().split(":")[1]) for t in ladder(three.ping_internet).axes[0].texts
                    if (t.get_gid() or "").startswith("LABEL:"))
    assert labels == [s.number for s in all_steps]
    for s in all_steps:  # the step is the frame path numbers so: it leaves where that frame leaves, and reads alike
        g = p.groups[s.number - 1]
        assert s.device == g.first.start and s.summary.startswith(g.label.split(",")[0])
        rows = [r for r in headers_rows(three.ping_internet) if r["frame"] == s.number]
        assert rows and rows[0]["where"] == s.device


def test_repeats_fold_into_one_step(three):
    """`ping -c 2` to a neighbour: ARP request, ARP reply, echo request ×2, echo reply ×2: four steps."""
    all_steps = steps(three.ping_c2c)
    assert [s.kind for s in all_steps] == ["arp", "arp", "request", "reply"]
    assert "×2" in all_steps[2].summary and len(all_steps) == len(plan(three.ping_c2c).groups)


@pytest.mark.parametrize("k", [1, 4, 6, 12])
def test_at_step_k_only_frames_up_to_k_are_drawn(internet_steps, k):
    p, all_steps = internet_steps
    s = all_steps[k - 1]
    fig = draw(p, highlight=s.highlight, upto=k).fig
    numbers = _numbers(fig)
    assert numbers and set(numbers) == set(range(1, k + 1))
    assert len(numbers) == 2 * k  # exactly k on the path, and their k legend lines
    arrows = [a.get_gid() for a in fig.axes[0].patches if (a.get_gid() or "").startswith("ARROW:")]
    assert arrows
    drawn = {int(g.split(":")[1]) for g in arrows} - {0}
    assert drawn == set(range(1, k + 1))
    current = [g for g in arrows if g.endswith(":current")]
    assert current and all(g.split(":")[1] in (str(k), "0") for g in current)
    assert f"CURRENT:{s.device}" in {a.get_gid() for a in fig.axes[0].patches}


def test_the_laid_together_picture_is_the_drawn_one(internet_steps):
    """The player lays parts over step 0 instead of drawing each step whole: the pictures agree."""
    p, all_steps = internet_steps
    pictures = Pictures(p, all_steps, 40, "en")
    for k in (3, 6):
        laid = pictures.pixels(k).astype(np.float32)
        whole = _rgba(draw(p, highlight=all_steps[k - 1].highlight, upto=k).fig, 40)[:, :, :3].astype(np.float32)
        assert laid.shape == whole.shape
        rms = float(np.sqrt(np.mean((laid - whole) ** 2)))
        assert rms < 6.0, rms
    assert float(np.abs(pictures.pixels(6).astype(int) - pictures.pixels(5).astype(int)).mean()) > 0.05  # a step adds ink


def test_step_back_restores_exactly_the_picture_before(three, internet_steps):
    p, all_steps = internet_steps
    box = player(three.ping_internet, widgets=True)
    box.go(3)
    before = box.picture.value
    box.forward.click()
    assert box.slider.value == 4 and box.picture.value != before
    box.back.click()
    assert box.slider.value == 3 and box.picture.value == before
    again = Pictures(p, all_steps, PICTURE_DPI, "en").png(4)  # drawn afresh, not from a cache: the same bytes
    assert again == before


def test_the_pdu_panel_marks_what_masquerade_changed(internet_steps):
    _p, all_steps = internet_steps
    masq = next(s for s in all_steps if s.device == "host/eth0" and s.kind == "request")
    assert masq.came_from == "host/docker0"
    assert {("IPv4", "TTL"), ("IPv4", "Source"), ("Ethernet II", "Source"), ("Ethernet II", "Destination")} <= masq.marked
    assert ("IPv4", "Destination") not in masq.marked
    rows = pdu_rows(masq)
    layers = [r[0] for r in rows if not r[1]]
    assert layers == ["Ethernet II", "IPv4", "ICMP"]
    ttl = next(r for r in rows if r[:2] == ("IPv4", "TTL"))
    src = next(r for r in rows if r[:2] == ("IPv4", "Source"))
    assert ttl[2:] == ("64", "63", True) and src[2:] == ("172.17.0.2", "192.168.1.10", True)
    assert next(r for r in rows if r[:2] == ("IPv4", "Destination"))[4] is False
    html = panel_html(masq)
    assert html.count("dockersim-changed") == len(masq.marked)
    assert "MASQUERADE" in html and "TTL 64 → 63" in masq.change_line("en")
    first = all_steps[0]
    assert first.came_in is None and not first.marked and "made here" in first.change_line("en")


def test_the_reasons_come_from_the_one_explain(three, internet_steps):
    _p, all_steps = internet_steps
    masq = next(s for s in all_steps if s.device == "host/eth0" and s.kind == "request")
    nat = next(r for r in masq.records if isinstance(r, NatTranslated))
    assert explain(nat) in masq.reasons
    flood = steps(three.ping_c2c)[0]
    assert any(r.startswith("docker0 floods the frame") for r in flood.reasons)


@pytest.fixture(scope="module")
def korean() -> Any:
    lab = Lab(engine="20.10", seed=1, lang="ko")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    return lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace


def test_a_korean_lab_gives_korean_captions(korean):
    all_steps = steps(korean)
    assert len(all_steps) == 12
    masq = next(s for s in all_steps if s.device == "host/eth0" and s.kind == "request")
    assert masq.heading("ko").startswith("12단계 중 6단계")
    assert all(re.search(r"[가-힣]", r) for r in masq.reasons)
    assert "에서 바뀐 필드" in masq.change_line("ko") and "TTL 64 → 63" in masq.change_line("ko")
    assert "들어온 모습" in panel_html(masq, "ko")
    s = strip(korean)
    assert s.lang == "ko" and "단계" in repr(s)
    fig = s[5]
    captions = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "CAPTION"]
    assert captions and captions[0].startswith("12단계 중 6단계")
    assert missing_glyphs(fig) == set()


def test_outside_jupyter_the_player_is_a_strip(three, tmp_path):
    s = player(three.ping_c2c)
    assert isinstance(s, Strip) and len(s) == 4 and len(list(s)) == 4
    data, size = s._repr_png_()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and size["width"] > 1000 and size["height"] > 4 * 900
    assert s.savefig(tmp_path / "strip.png")[0].read_bytes() == data
    assert s.savefig(tmp_path / "strip.pdf")[0].read_bytes()[:5] == b"%PDF-"
    files = s.savefig(tmp_path / "steps")
    assert [f.name for f in files] == ["step-01.png", "step-02.png", "step-03.png", "step-04.png"]
    with pytest.raises(ValueError, match="a strip saves to"):
        s.savefig(tmp_path / "strip.gif")


def test_the_widget_player_and_its_hooks(three):
    import ipywidgets

    box = player(three.ping_c2c, widgets=True)
    assert isinstance(box, ipywidgets.VBox) and "dockersim-player" in box._dom_classes
    assert "dockersim-step-back" in box.back._dom_classes and "dockersim-step-forward" in box.forward._dom_classes
    assert "dockersim-play" in box.play._dom_classes
    assert "dockersim-player-picture" in box.picture._dom_classes and "dockersim-player-panel" in box.panel._dom_classes
    assert box.picture.value[:8] == b"\x89PNG\r\n\x1a\n" and "Step 1 of 4" in box.panel.value
    assert box.slider.max == 3 and box.play.max == 3
    box.speed.value = 375
    assert box.play.interval == 375
    box.slider.value = 2
    assert "Step 3 of 4" in box.panel.value
    box.forward.click()
    box.forward.click()  # past the last step: stays there
    assert box.slider.value == 3
    data, metadata = box._repr_mimebundle_()  # one output: the widget's view, the strip as its fallback
    assert "application/vnd.jupyter.widget-view+json" in data and "4 steps" in data["text/plain"]
    assert "<Figure" not in data["text/plain"] and "VBox" not in data["text/plain"]
    assert data["image/png"] and 'class="dockersim-strip"' in data["text/html"] and "data:image/png;base64," in data["text/html"]
    assert "display: none" not in data["text/html"]
    assert metadata["image/png"]["width"] > 0
    assert not hasattr(box, "_ipython_display_")  # IPython shows the bundle above as the cell's one output


def test_a_headless_run_shows_the_strip_in_the_players_place(three, monkeypatch):
    """nbconvert --execute (nbclient) asks for no input: its export has no one to step, so the output is the strip."""
    import IPython
    from IPython.core.interactiveshell import InteractiveShell

    from simulator.viz.player import _headless

    class Kernel:
        def __init__(self, allow_stdin: bool) -> None:
            self.allow_stdin = allow_stdin

        def get_parent(self) -> dict[str, Any]:
            return {"header": {"msg_type": "execute_request"}, "content": {"allow_stdin": self.allow_stdin}}

    shell = InteractiveShell.instance()
    box = player(three.ping_c2c, widgets=True)
    for allow_stdin, widget in ((True, True), (False, False)):
        monkeypatch.setattr(shell, "kernel", Kernel(allow_stdin), raising=False)
        monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
        assert _headless() is (not allow_stdin)
        data, _metadata = box._repr_mimebundle_()
        assert ("application/vnd.jupyter.widget-view+json" in data) is widget
        assert 'class="dockersim-strip"' in data["text/html"] and data["image/png"]


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


def test_a_ping_nobody_answers_steps_to_its_drop(unreachable):
    all_steps = steps(unreachable, lang="ko")
    assert all_steps and all_steps[0].kind == "arp" and "×3" in all_steps[0].summary  # three ARP requests, one number
    reasons = [r for s in all_steps for r in s.reasons]
    assert any("응답하지 않았습니다" in r for r in reasons)  # the neighbour that never answered
    fig = strip(unreachable, lang="ko")[len(all_steps) - 1]
    assert missing_glyphs(fig) == set()
