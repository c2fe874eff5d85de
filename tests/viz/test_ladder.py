"""ladder(): one line per device along the path, time going down."""

from __future__ import annotations

import re

import pytest

from simulator.viz import ladder, missing_glyphs, style
from simulator.viz.path import plan
from tests.viz.conftest import overlapping_texts, text_boxes


def lifelines(fig):
    return [a.get_gid().split(":", 1)[1] for a in fig.axes[0].lines if (a.get_gid() or "").startswith("LIFELINE:")]


def test_devices_in_path_order(three):
    fig = ladder(three.ping_internet)
    lines = lifelines(fig)
    assert lines[0] == "c1/eth0" and lines[2:] == ["host/docker0", "host/eth0", "lan", "router/eth0", "router/eth1", "internet/eth0"]
    assert lines[1].startswith("host/veth")
    # containers and the laptop that only heard a broadcast get no line
    assert not any(x.startswith(("c2/", "c3/", "laptop/")) for x in lines)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_arrows_and_tcpdump_labels(three):
    fig = ladder(three.ping_c2c)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "ARP, Request who-has 172.17.0.3 tell 172.17.0.2" in texts
    assert "IP 172.17.0.2 > 172.17.0.3: ICMP echo request, seq 2, ttl 64" in texts
    # time axis in ms, and the one-second pause between the two echoes is cut and said
    assert "time (ms)" in texts and "0.000" in texts and "1000.000" in texts
    assert any(t.endswith("ms later") for t in texts)
    moves = [a.get_gid() for a in fig.axes[0].patches if (a.get_gid() or "").startswith("MOVE:")]
    assert len(moves) == 6 * 4  # 6 frames, 4 moves each: link, into docker0, out of it, link


def test_time_goes_down(three):
    fig = ladder(three.ping_c2c)
    ticks = [(float(t.get_text()), t.get_position()[1]) for t in fig.axes[0].texts
             if t.get_text().replace(".", "").isdigit() and not (t.get_gid() or "").startswith("NUMBER:")]
    ordered = sorted(ticks)
    assert [y for _t, y in ordered] == sorted((y for _t, y in ordered), reverse=True)


def test_chosen_devices(three):
    fig = ladder(three.ping_internet, devices=["c1/eth0", "host/docker0", ("host", "eth0"), "lan", "router/eth0"], lang="ko")
    assert lifelines(fig) == ["c1/eth0", "host/docker0", "host/eth0", "lan", "router/eth0"]
    assert missing_glyphs(fig) == set()


def test_thirty_containers(thirty):
    lines = lifelines(ladder(thirty.ping_c2c))
    assert lines[0] == "c1/eth0" and lines[-1] == "c30/eth0" and len(lines) == 5


def test_frames_carry_the_numbers_path_draws(three):
    """The ladder labels every frame with the number path circles (repeats fold into one number)."""
    from simulator.viz.path import plan

    numbers = sorted(int(t.get_gid().split(":")[1]) for t in ladder(three.ping_internet).axes[0].texts
                     if (t.get_gid() or "").startswith("LABEL:"))
    groups = plan(three.ping_internet).groups
    assert len(groups) == 12 and numbers == [g.number for g in groups]
    folded = sorted({int(t.get_gid().split(":")[1]) for t in ladder(three.ping_c2c).axes[0].texts if (t.get_gid() or "").startswith("LABEL:")})
    assert folded == [g.number for g in plan(three.ping_c2c).groups]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_ladder_too_wide_for_a_slide_leaves_out_flood_only_devices_and_host_veth_ends_and_says_so(lang):
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario("dns-forward")
    fig = ladder(featured, lang=lang)
    lines = [line.get_gid()[len("LIFELINE:"):] for line in fig.axes[0].lines if (line.get_gid() or "").startswith("LIFELINE:")]
    assert "c1/eth0" in lines and not [c for c in lines if c.startswith("host/veth")]  # c1's eth0 stands for its veth pair
    notes = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "NOTE"]
    assert notes == [{"en": "A container's line stands for both ends of its veth pair (the host end not drawn: frames cross it unchanged)",
                      "ko": "컨테이너의 선이 veth 쌍의 양 끝을 함께 나타냄 (호스트 쪽 끝 생략: 프레임이 그대로 지나감)"}[lang]]
    assert fig.get_size_inches()[0] * 72 <= style.SLIDE_WIDTH_PT + 0.5
    whole = ladder(featured, lang=lang, stop=float("inf"))  # every frame, however tall
    numbers = sorted({int(t.get_gid().removeprefix("LABEL:")) for t in whole.axes[0].texts if (t.get_gid() or "").startswith("LABEL:")})
    assert numbers == [g.number for g in plan(featured).groups]  # the numbers path circles, whatever lines are left out


def test_devices_that_only_heard_a_broadcast_get_no_line_and_a_note(three):
    fig = ladder(three.ping_c2c)  # docker0 floods c1's ARP request to the third container too, which does nothing with it
    lines = [line.get_gid() for line in fig.axes[0].lines if (line.get_gid() or "").startswith("LIFELINE:")]
    assert len(lines) == 5 and not [g for g in lines if g.startswith("LIFELINE:c3/")], lines
    notes = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "NOTE"]
    assert notes == ["Not drawn: 2 devices that only received a flooded copy and did nothing with it"]


# --- a ladder on a slide -----------------------------------------------------------------------


def labels(fig):
    """The frames' numbers as the labels show them, top to bottom."""
    found = [(-t.get_position()[1], int(t.get_gid().removeprefix("LABEL:"))) for t in fig.axes[0].texts if (t.get_gid() or "").startswith("LABEL:")]
    return [n for _y, n in sorted(found)]


def left_out(fig):
    return [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "LEFT-OUT"]


def ticks(fig):
    """The time axis's numbers, top to bottom."""
    found = [(-t.get_position()[1], t.get_text()) for t in fig.axes[0].texts if re.fullmatch(r"\d+\.\d{3}", t.get_text())]
    return [text for _y, text in sorted(found)]


def height_px(fig):
    return fig.get_size_inches()[1] * fig.slide_dpi


def moves(fig):
    """Each frame's arrow (not the dashed routings) as (gid, (x0, y0), (x1, y1)) in points, y going up."""
    out = []
    for p in fig.axes[0].patches:
        gid = p.get_gid() or ""
        if gid.startswith("MOVE:") and not gid.startswith("MOVE:-1:"):
            out.append((gid, *p._posA_posB))
    return out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_ladder_taller_than_a_slide_draws_the_first_exchange_and_says_how_to_draw_the_rest(lang):
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario("publish")  # curl from the internet to a published port: 36 frames
    fig = ladder(featured, lang=lang)
    assert height_px(fig) <= style.SLIDE_HEIGHT_PX + 0.5
    assert labels(fig) == list(range(1, 13))  # the ARPs, the SYN and the SYN-ACK back at the client, none cut in the middle
    assert left_out(fig) == [{"en": "Frames from 38.095 ms on not drawn (24 of 36): viz.ladder(trace, start=38.095)",
                              "ko": "38.095 ms부터의 프레임은 그리지 않음 (36개 중 24개): viz.ladder(trace, start=38.095)"}[lang]]
    assert missing_glyphs(fig) == set()
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_the_call_a_note_gives_draws_the_next_frames_until_every_one_is_drawn():
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario("publish")
    total = len(labels(ladder(featured, stop=float("inf"))))
    assert total == 36
    drawn, start, slides = 0, None, 0
    while True:
        fig = ladder(featured) if start is None else ladder(featured, start=start)
        slides += 1
        assert height_px(fig) <= style.SLIDE_HEIGHT_PX + 0.5
        assert labels(fig), f"nothing drawn from {start}"
        drawn += len(labels(fig))
        if start is not None:
            assert ticks(fig)[0] == f"{start:.3f}"  # the slide starts where the note said, on the same clock
            assert left_out(fig)[0] == f"Frames before {start:.3f} ms not drawn ({drawn - len(labels(fig))} of 36): viz.ladder(trace)"
        after = [n for n in left_out(fig) if n.startswith("Frames from")]
        if not after:
            break
        start = float(re.search(r"start=([\d.]+)\)$", after[0]).group(1))
    assert drawn == total and slides >= 3


def test_stop_draws_exactly_the_frames_asked_for():
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario("publish")
    whole = ladder(featured, stop=float("inf"))
    assert len(labels(whole)) == 36 and left_out(whole) == [] and height_px(whole) > style.SLIDE_HEIGHT_PX
    two = ladder(featured, start=38.095, stop=47.602)  # the client's ACK and its HEAD request, sent before the router passes the first on
    assert labels(two) == [3, 3]
    assert left_out(two) == ["Frames before 38.095 ms not drawn (12 of 36): viz.ladder(trace)",
                             "Frames from 47.602 ms on not drawn (22 of 36): viz.ladder(trace, start=47.602)"]


def test_ping_twice_shows_the_first_echo_whole_and_the_second_on_the_next_slide():
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario("structure")  # docker exec network_container ping -c 2 8.8.8.8
    fig = ladder(featured)
    assert labels(fig) == list(range(1, 13)) and height_px(fig) <= style.SLIDE_HEIGHT_PX + 0.5
    assert left_out(fig) == ["Frames from 1000.000 ms on not drawn (6 of 18): viz.ladder(trace, start=1000.000)"]
    second = ladder(featured, start=1000.000)
    assert labels(second) == [3, 6, 9, 10, 11, 12] and ticks(second)[0] == "1000.000"
    assert left_out(second) == ["Frames before 1000.000 ms not drawn (12 of 18): viz.ladder(trace)"]


def test_a_ladder_that_fits_is_drawn_whole(three):
    fig = ladder(three.ping_c2c)
    assert left_out(fig) == [] and labels(fig) == [1, 2, 3, 4, 3, 4]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_macvlan_child_stands_beside_its_parent_and_its_arp_reply_goes_down_like_every_arrow(lang):
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario("macvlan")  # host1 pings its own macvlan child c1, which it cannot reach
    fig = ladder(featured, lang=lang)
    assert lifelines(fig) == ["c1/eth0", "host1/lo", "host1/eth0", "lan", "host2/eth0", "c2/eth0"]
    arrows = moves(fig)
    assert len(arrows) >= 15
    assert all(b[1] < a[1] - 2 for _gid, a, b in arrows)  # time goes down: no arrow is flat
    ends = [(round(a[0]), round(a[1]), round(b[0]), round(b[1])) for _gid, a, b in arrows]
    lying = [(p, q) for i, p in enumerate(ends) for q in ends[i + 1:] if {p[:2], p[2:]} == {q[:2], q[2:]}]
    assert lying == []  # the ARP reply does not lie on the request it answers
    reply = [gid for gid, a, b in arrows if gid.startswith("MOVE:4:c1/eth0>")]
    assert reply == ["MOVE:4:c1/eth0>host1/eth0"]
    fig.canvas.draw()
    assert overlapping_texts(fig) == []
    width = fig.get_size_inches()[0] * fig.dpi
    assert all(box.x0 >= 0 and box.x1 <= width for _text, box in text_boxes(fig))


@pytest.mark.parametrize("name", ["dns-forward", "link", "link-wordpress", "macvlan", "overlay", "publish", "structure", "vlan"])
def test_every_lesson_ladder_reads_on_a_slide(name):
    """No words over other words or off the picture, every arrow going down, and every frame either drawn or counted in a note."""
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario(name)
    fig = ladder(featured, lang="ko")
    assert height_px(fig) <= style.SLIDE_HEIGHT_PX + 0.5
    arrows = moves(fig)
    assert arrows and all(b[1] < a[1] for _gid, a, b in arrows)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []
    width, height = fig.get_size_inches() * fig.dpi
    assert all(box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height for _text, box in text_boxes(fig))
    total = len(labels(ladder(featured, stop=float("inf"))))
    said = sum(int(n) for note in left_out(fig) for n in re.findall(rf"\({total}개 중 (\d+)개\)", note))
    assert len(labels(fig)) + said == total


def test_a_macvlan_child_stands_beside_its_parent_and_a_containers_lines_stand_together():
    from tests.viz.test_slides import scenario

    _lab, featured, _title = scenario("macvlan")  # host1 pings its own macvlan child c1, which it cannot reach
    assert lifelines(ladder(featured)) == ["c1/eth0", "host1/lo", "host1/eth0", "lan", "host2/eth0", "c2/eth0"]
    _lab, featured, _title = scenario("dns-forward")  # c1's resolver on its lo, then its ping out of its eth0 through the bridge
    lines = lifelines(ladder(featured))
    assert lines[:2] == ["c1/lo", "c1/eth0"] and lines[2].startswith("host/br-") and lines[3:] == [
        "host/eth0", "lan", "router/eth0", "router/eth1", "internet/eth0"]
