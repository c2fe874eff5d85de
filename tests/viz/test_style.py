"""The classroom style: Hangul renders, missing glyphs are caught, colours are Okabe-Ito."""

from __future__ import annotations

from matplotlib import font_manager

from simulator.viz import missing_glyphs, topology
from simulator.viz.style import KIND_COLOUR, OKABE_ITO, classroom, new_figure, register_fonts


def test_nanum_gothic_comes_from_the_dependency():
    paths = register_fonts()
    assert any(p.endswith("NanumGothic.ttf") for p in paths)
    assert "NanumGothic" in {f.name for f in font_manager.fontManager.ttflist}


def test_korean_title_renders_every_glyph(three):
    fig = topology(three.lab.trace, title="도커 네트워크: 컨테이너 세 개와 docker0 브리지", lang="ko")
    assert missing_glyphs(fig) == set()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "도커 호스트" in texts and "인터넷" in texts


def test_missing_glyphs_reports_what_no_font_has():
    with classroom():
        fig = new_figure(300, 60)
        fig.axes[0].text(10, 20, "docker0 \U0010fffd 도커")  # a private-use code point: in no font
    assert missing_glyphs(fig) == {"\U0010fffd"}


def test_the_default_rcparams_are_left_alone():
    import matplotlib

    before = matplotlib.rcParams["font.family"]
    with classroom():
        assert matplotlib.rcParams["font.family"][0] == "NanumGothic"
    assert matplotlib.rcParams["font.family"] == before


def test_packet_colours_are_okabe_ito():
    assert set(KIND_COLOUR.values()) <= set(OKABE_ITO.values())


def test_the_font_package_is_never_imported():
    import sys

    register_fonts()
    assert "koreanize_matplotlib" not in sys.modules  # its __init__ would rewrite the caller's rcParams
