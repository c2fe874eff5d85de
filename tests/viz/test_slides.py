"""The slide rule, checked on every view of every built-in scenario, in English and Korean.

A figure goes on a 16:9 slide of 1920 x 1080 pixels (``style.SLIDE_WIDTH_PX`` x
``style.SLIDE_HEIGHT_PX``). At the density it is saved and shown at
(``View.slide_dpi``) it is at most 1920 px wide, and its smallest text's em is at
least 1/45 of the slide's height (``style.MIN_TEXT_PX``, 24 px): legible from the
back row. It is at most 1080 px tall, or listed in ``TALLER`` with its measured size
and why. The headers table is shortened to what changed when it would be taller
than the slide, and says so; so is the ladder, to the frames up to where an exchange is whole.
"""

from __future__ import annotations

import argparse
import functools
import io
from typing import Any

import pytest
from PIL import Image

from simulator import viz
from simulator.cli import featured_command, lab_for, play
from simulator.scenario import script as scripts
from simulator.viz import style
from simulator.viz.headers import _left_out_note

VIEWS = ("topology", "path", "ladder", "headers")

TOO_LARGE: dict[tuple[str, str, str], str] = {}
"""Views that do not keep the width and text rule yet, by (scenario, view, lang), with why: each is an expected
failure, and one that starts keeping the rule fails the test (strict) until it is taken off this list."""

TALLER_WHY = {
    "topology": "the Docker host with its containers, the LAN switch and the machines on the LAN stand in three rows; packed"
                " tight (short cables and veth pairs, a thin switch, lo after another line) they still need more than 1080 px at"
                " 24 px text: five containers with wrapped names and aliases, bridges in two rows, two hosts stacked (not fitted yet)",
    "path": "the topology the frames crossed, packed tight, and under it the numbered frames in one or two columns: with the"
            " LAN drawn (containers, host, switch, router and internet in rows) and ten or more frames, more than 1080 px at"
            " 24 px text (not fitted yet)",
}

TALLER: dict[tuple[str, str], tuple[str, str]] = {
    ("alias", "topology"): ("1874x1239", "1874x1239"),
    ("alias-dig", "topology"): ("1787x1239", "1801x1239"),
    ("overlay", "topology"): ("1759x2639", "1836x2639"),
    ("alias", "path"): ("1920x1330", "1920x1279"),
    ("alias-dig", "path"): ("1920x1330", "1920x1279"),
    ("dns-forward", "path"): ("1920x2195", "1920x2144"),
    ("link", "path"): ("1920x1709", "1920x1657"),
    ("link-wordpress", "path"): ("1920x1833", "1920x1781"),
    ("macvlan", "path"): ("1897x1564", "1897x1564"),
    ("overlay", "path"): ("1920x3756", "1920x3715"),
    ("publish", "path"): ("1920x1802", "1920x1751"),
    ("structure", "path"): ("1825x1709", "1900x1709"),
    ("userland", "path"): ("1920x1102", ""),
    ("vlan", "path"): ("1914x2442", "1914x2391"),
}
"""Views taller than a 1080 px slide at the density they are shown at, by (scenario, view): their size in pixels in
English and Korean, measured when listed ("" for a language in which it fits). Each is an expected failure of the height rule (why: ``TALLER_WHY``); one that
starts fitting fails the test until it is taken off this list."""


@functools.cache
def scenario(name: str) -> tuple[Any, Any, str]:
    """The built-in scenario ``name`` played: (its lab, its featured command's trace, its title)."""
    script = scripts.load(name)
    lab = lab_for(script, argparse.Namespace(lang=None, seed=None, engine=None))
    failures, _transcript, report = play(script, lab, None, True)
    assert failures == 0, report
    return lab, featured_command(lab), script.title


def figure(name: str, view: str, lang: str) -> Any:
    lab, featured, title = scenario(name)
    if view == "topology":
        return viz.topology(lab.trace, title=title, lang=lang)
    if featured is None:
        pytest.skip(f"{name} has no command whose frames a {view} would show")
    return getattr(viz, view)(featured, lang=lang)


def text_sizes_px(fig: Any) -> list[float]:
    """The em of every visible text of ``fig``, in pixels at the density it is saved at."""
    return [style.text_px(t.get_fontsize(), fig.slide_dpi) for t in style._texts(fig) if t.get_text().strip() and t.get_visible()]


def cases() -> list[Any]:
    out = []
    for name in scripts.builtin_names():
        for view in VIEWS:
            for lang in ("en", "ko"):
                reason = TOO_LARGE.get((name, view, lang))
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                out.append(pytest.param(name, view, lang, marks=marks, id=f"{name}-{view}-{lang}"))
    return out


@pytest.mark.parametrize(("name", "view", "lang"), cases())
def test_every_view_fits_a_slide_and_reads_from_the_back_row(name, view, lang):
    fig = figure(name, view, lang)
    width_in, height_in = fig.get_size_inches()
    sizes = text_sizes_px(fig)
    assert sizes, "a view with no text"
    assert width_in * fig.slide_dpi <= style.SLIDE_WIDTH_PX + 0.5
    assert min(sizes) >= style.MIN_TEXT_PX, f"smallest text {min(sizes):.1f} px at {fig.slide_dpi:.0f} dpi"
    assert viz.missing_glyphs(fig) == set()
    height_px = height_in * fig.slide_dpi
    measured = TALLER.get((name, view), ("", ""))[lang == "ko"]
    if measured:
        assert height_px > style.SLIDE_HEIGHT_PX + 0.5, f"{name} {view} ({lang}) fits a slide's height now: take it off TALLER"
        pytest.xfail(f"{round(width_in * fig.slide_dpi)}x{round(height_px)} px (listed at {measured}): {TALLER_WHY[view]}")
    assert height_px <= style.SLIDE_HEIGHT_PX + 0.5, f"{round(height_px)} px tall"


def test_a_saved_png_is_as_wide_as_the_rule_says(three, thirty):
    for fig in (viz.path(three.ping_internet), viz.topology(thirty.lab.trace), viz.headers(three.ping_internet, lang="ko")):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        width_px, _ = Image.open(io.BytesIO(buffer.getvalue())).size
        assert width_px <= style.SLIDE_WIDTH_PX
        assert abs(width_px - fig.get_size_inches()[0] * fig.slide_dpi) <= 1
        png, shown = fig._repr_png_()
        assert (shown["width"], shown["height"]) == (round(fig.get_size_inches()[0] * fig.slide_dpi), round(fig.get_size_inches()[1] * fig.slide_dpi))
        assert Image.open(io.BytesIO(png)).size[0] == pytest.approx(2 * shown["width"], abs=2)


def test_a_figure_wider_than_a_slide_is_saved_narrower():
    with style.classroom():
        fig = style.new_figure(2 * style.SLIDE_WIDTH_PT, 300)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert Image.open(io.BytesIO(buffer.getvalue())).size[0] == style.SLIDE_WIDTH_PX
    assert fig.slide_dpi == pytest.approx(style.SLIDE_DPI / 2)


def test_the_path_legend_is_below_the_drawing(three):
    fig = viz.path(three.ping_c2c)  # a drawing wider than tall: the legend goes under it
    ax = fig.axes[0]
    legend = [t for t in ax.texts if (t.get_gid() or "").startswith("LEGEND:")]
    boxes = [p for p in ax.patches if p.get_gid() in ("c1", "c3", "host")]
    assert len(legend) >= 3 and len(boxes) == 3
    lowest_box = min(p.get_y() for p in boxes)  # matplotlib's y grows upwards
    assert all(t.get_position()[1] < lowest_box for t in legend)


def shown_rows(fig: Any, rows: list[dict[str, Any]]) -> dict[int, tuple[int, int]]:
    """A drawn headers table's rows: {its hop (``headers_rows``' row): (the table's row, the number its ``#`` shows)}."""
    (table,) = fig.axes[0].tables
    cells = table.get_celld()
    out = {}
    for i in range(1, len(rows) + 1):
        if (i, 0) in cells:
            text = cells[i, 0].get_text()
            out[int(text.get_gid().removeprefix("HOP:"))] = (i, int(text.get_text()))
    return out


def test_a_long_headers_table_keeps_what_changed_and_says_so():
    _lab, featured, _title = scenario("publish")
    rows = viz.headers_rows(featured)
    fig = viz.headers(featured)
    table = shown_rows(fig, rows)
    kept = [r for r in rows if r["hop"] in table]
    shown = [number for _i, number in table.values()]
    assert 5 <= len(shown) < len(rows)
    assert shown == [r["frame"] for r in kept]  # the # column is the frame's number, the one path, ladder and player show
    assert [i for i, _n in table.values()] == list(range(1, len(kept) + 1))
    assert fig.get_size_inches()[1] * fig.slide_dpi <= style.SLIDE_HEIGHT_PX
    assert shown == sorted(shown) and shown[0] == 1
    changed = [r["hop"] for r in rows if r["changed"]]
    kept_hops = {r["hop"] for r in kept}
    assert changed and {h for h in changed if h <= kept[-1]["hop"]} <= kept_hops  # up to where it stops, every hop that changed something
    note = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "LEFT-OUT"]
    n, total = len(rows) - len(shown), len(rows)
    assert note in ([f"{n} of {total} hops left out: the table stops at frame {shown[-1]} (# is the frame's number, as in the path)"],
                    [f"{n} of {total} hops left out, all of them hops that changed nothing (# is the frame's number, as in the path)"],
                    [f"{n} of {total} hops left out: unchanged hops, repeated packets (# is the frame's number, as in the path)"])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_headers_table_cut_short_says_where_it_stops_by_frame_number(lang):
    from simulator import Lab

    lab = Lab(engine="20.10", seed=1, lang=lang)
    assert lab.sh("docker run -itd --name c1 ubuntu:14.04").exit_code == 0
    trace = lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace
    rows = viz.headers_rows(trace)
    cut = rows[:3] + [dict(rows[-2], changed={"ttl"})]  # a table that stops after the frame of its fourth row
    note = _left_out_note(rows, cut, lang)
    last = rows[-2]["frame"]
    assert last != rows[-2]["hop"]  # the row count and the frame number differ here: the note must say the frame's
    expected = {"en": f"{len(rows) - 4} of {len(rows)} hops left out: the table stops at frame {last} (# is the frame's number, as in the path)",
                "ko": f"홉 {len(rows)}개 중 {len(rows) - 4}개는 생략: 표는 {last}번 프레임까지 (# 열은 경로 그림과 같은 프레임 번호)"}
    assert note == expected[lang]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_ping_repeated_shows_its_first_packet_and_says_the_rest_repeat_it(lang):
    from simulator import Lab

    lab = Lab(engine="20.10", seed=1, lang=lang)
    assert lab.sh("docker run -itd --name c1 ubuntu:14.04").exit_code == 0
    trace = lab.sh("docker exec c1 ping -c 3 8.8.8.8").trace
    rows = viz.headers_rows(trace)
    fig = viz.headers(trace)
    (table,) = fig.axes[0].tables
    cells = table.get_celld()
    columns = [cells[0, c].get_text().get_text() for c in range(12) if (0, c) in cells]
    what = columns.index("type, seq" if lang == "en" else "종류, seq")
    shown = {hop: cells[i, what].get_text().get_text() for hop, (i, _number) in shown_rows(fig, rows).items()}
    assert any(w == "echo request, seq 1" for w in shown.values()) and any(w == "echo reply, seq 1" for w in shown.values())
    assert not any(w.endswith(("seq 2", "seq 3")) for w in shown.values())  # the same path again: left out
    first_changed = [r["hop"] for r in rows if r["changed"] and r["what"].endswith("seq 1")]
    assert first_changed and set(first_changed) <= set(shown)  # every rewrite of the first echo and its reply is there
    note = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "LEFT-OUT"]
    expected = {"en": f"{len(rows) - len(shown)} of {len(rows)} hops left out: unchanged hops, repeated packets (# is the frame's number, as in the path)",
                "ko": f"홉 {len(rows)}개 중 {len(rows) - len(shown)}개 생략: 바뀐 것 없는 홉, 되풀이된 패킷 (#은 경로 그림과 같은 프레임 번호)"}
    assert note == [expected[lang]]
    assert viz.missing_glyphs(fig) == set()


def test_a_short_headers_table_is_whole(three):
    fig = viz.headers(three.ping_c2c)
    (table,) = fig.axes[0].tables
    assert max(r for r, _c in table.get_celld()) == len(viz.headers_rows(three.ping_c2c))
    assert not [t for t in fig.axes[0].texts if t.get_gid() == "LEFT-OUT"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_headers_table_too_wide_says_a_wrap_by_its_vni_and_cuts_long_namespaces(lang):
    _lab, featured, _title = scenario("overlay")
    rows = viz.headers_rows(featured)
    fig = viz.headers(featured, lang=lang)
    (table,) = fig.axes[0].tables
    cells = table.get_celld()
    heads = [cells[0, c].get_text().get_text() for c in range(12) if (0, c) in cells]
    assert "t (ms)" not in heads
    where, what = heads.index("sent on" if lang == "en" else "송신 장치"), heads.index("type, seq" if lang == "en" else "종류, seq")
    shown = {hop: i for hop, (i, _number) in shown_rows(fig, rows).items()}
    by_hop = {r["hop"]: r for r in rows}
    wrapped = [h for h in shown if by_hop[h]["what"].startswith("VXLAN wrap VNI 4097 (+50 bytes): ")]
    assert wrapped, "no wrapped hop in the table"
    for h in wrapped:
        assert cells[shown[h], what].get_text().get_text() == by_hop[h]["what"].replace("VXLAN wrap VNI 4097 (+50 bytes)", "VNI 4097")
    cut = [h for h in shown if ":" in by_hop[h]["node"]]  # the overlay's namespace on a host, host1:1-<network id>
    assert cut, "no overlay namespace in the table"
    for h in cut:
        node, dev = by_hop[h]["node"], by_hop[h]["dev"]
        assert cells[shown[h], where].get_text().get_text() == f"{node[:10]}…/{dev}"
    assert all(cells[shown[h], where].get_text().get_text() == by_hop[h]["where"] for h in shown if h not in cut)


def test_a_headers_table_that_fits_keeps_its_cells_whole():
    from simulator import Lab

    lab = Lab(engine="20.10", seed=1)
    assert lab.sh("docker run -itd --name c1 ubuntu:14.04").exit_code == 0
    trace = lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace
    rows = viz.headers_rows(trace)
    fig = viz.headers(trace)
    (table,) = fig.axes[0].tables
    cells = table.get_celld()
    by_hop = {r["hop"]: r for r in rows}
    shown = [(h, number, cells[i, 2].get_text().get_text()) for h, (i, number) in shown_rows(fig, rows).items()]
    assert len(shown) >= 5 and all(where == by_hop[h]["where"] and number == by_hop[h]["frame"] for h, number, where in shown)
    assert cells[0, 1].get_text().get_text() == "t (ms)"


@functools.cache
def alias_lab() -> tuple[Any, Any, Any]:
    """The alias lesson: three containers share the alias alicek106; (lab, a ping of it, an nslookup of it)."""
    from simulator import Lab

    lab = Lab(engine="20.10", seed=8)
    assert lab.sh("docker network create mybridge").exit_code == 0
    for i in (1, 2, 3):
        assert lab.sh(f"docker run -itd --name network_alias_container{i} --net mybridge --net-alias alicek106 ubuntu:14.04").exit_code == 0
    assert lab.sh("docker run -itd --name network_alias_ping --net mybridge ubuntu:14.04").exit_code == 0
    assert lab.sh("docker run -itd --name dns_client --net mybridge busybox").exit_code == 0
    ping = lab.sh("docker exec network_alias_ping ping -c 1 alicek106")
    lookup = lab.sh("docker exec dns_client nslookup alicek106")
    assert ping.exit_code == 0 and lookup.exit_code == 0
    return lab, ping.trace, lookup.trace


@pytest.mark.parametrize(("lang", "word"), [("en", "alias"), ("ko", "별칭")])
def test_the_alias_pictures_show_the_aliases(lang, word):
    lab, ping, _lookup = alias_lab()
    for fig in (viz.topology(lab.trace, lang=lang), viz.path(ping, lang=lang)):
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert texts.count(f"{word} alicek106") == 3  # by each of the three containers that carry it, and no other
        assert viz.missing_glyphs(fig) == set()


def test_the_snapshot_carries_the_aliases_per_network():
    lab, _ping, _lookup = alias_lab()
    from simulator.trace.records import TopologyChanged

    latest = [r for r in lab.trace if isinstance(r, TopologyChanged)][-1]
    containers = {ns.node: ns.container for ns in latest.snapshot.namespaces if ns.container is not None}
    assert containers["network_alias_container2"].aliases == (("mybridge", ("alicek106",)),)
    assert containers["dns_client"].aliases == ()


@pytest.mark.parametrize(("lang", "words"), [("en", "Docker's embedded DNS server"), ("ko", "도커 내장 DNS 서버")])
def test_the_dns_query_path_shows_the_embedded_resolver(lang, words):
    _lab, _ping, lookup = alias_lab()
    nat = [r for r in lookup if type(r).__name__ == "NatTranslated" and not r.reply]
    assert nat, "the query was not redirected"
    real = nat[0].after.split(" > ")[-1]  # 127.0.0.11:<the resolver's own port>, as the DNAT rule wrote it
    assert real.startswith("127.0.0.11:") and real != "127.0.0.11:53"
    fig = viz.path(lookup, lang=lang)
    notes = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "NOTE:dns_client/lo"]
    assert notes == [f"DNAT 127.0.0.11:53→{real}\n{words}"]
    assert viz.missing_glyphs(fig) == set()


def test_a_topology_wider_than_a_slide_is_packed_names_wrapped_and_one_that_fits_is_not(three):
    lab, _ping, _lookup = alias_lab()
    fig = viz.topology(lab.trace)
    names = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "network_alias_container1"]
    assert names[:2] == ["network_alias_", "container1"]
    assert fig.get_size_inches()[0] * fig.slide_dpi <= style.SLIDE_WIDTH_PX + 0.5 and fig.slide_dpi == style.SLIDE_DPI
    small = viz.topology(three.lab.trace)
    assert [t.get_text() for t in small.axes[0].texts if t.get_gid() == "c1"][:1] == ["c1"]
    assert [t.get_text() for t in small.axes[0].texts if t.get_gid() == "lan"] == ["LAN switch (lan)   192.168.1.0/24"]


def test_the_switch_label_goes_on_two_lines_rather_than_widen_the_picture():
    lab, _featured, title = scenario("macvlan")
    fig = viz.topology(lab.trace, title=title)
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "lan"] == ["LAN switch (lan)", "192.168.1.0/24"]
    assert fig.get_size_inches()[0] * fig.slide_dpi <= style.SLIDE_WIDTH_PX + 0.5


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_resolver_note_stands_beside_the_title_over_its_container_and_covers_nothing(lang):
    _lab, featured, _title = scenario("userland")
    fig = viz.path(featured, lang=lang)
    ax = fig.axes[0]
    fig.canvas.draw()  # (a note's frame has its size once drawn)
    renderer = fig.canvas.get_renderer()
    (note,) = [t for t in ax.texts if (t.get_gid() or "").startswith("NOTE:") and "127.0.0.11:53" in t.get_text()]
    (title,) = [t for t in ax.texts if t.get_gid() == "title"]
    box = note.get_bbox_patch().get_window_extent(renderer)
    head = title.get_window_extent(renderer)
    assert box.y0 < head.y1 and box.y1 > head.y0 and (box.x1 < head.x0 or box.x0 > head.x1)  # on the title's line, beside it
    c1 = next(p for p in ax.patches if p.get_gid() == note.get_gid().removeprefix("NOTE:").split("/")[0]).get_window_extent(renderer)
    assert box.x1 > c1.x0 and box.x0 < c1.x1 and box.y0 > c1.y1  # over its container
    covered = [p.get_gid() for p in ax.patches if p.get_gid() and p is not note.get_bbox_patch() and box.overlaps(p.get_window_extent(renderer))]
    assert covered == []
