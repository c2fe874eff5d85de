"""path(): numbered arrows hop by hop, what changed, why it stopped."""

from __future__ import annotations

from simulator.viz import missing_glyphs, path
from simulator.viz.path import plan
from tests.viz.conftest import overlapping_texts


def texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_container_to_container(three):
    fig = path(three.ping_c2c)
    p = plan(three.ping_c2c)
    legend = [text for _n, _k, text in p.legend]
    assert legend[0].startswith("ARP, Request who-has 172.17.0.3")  # ARP first
    assert "seq 1, 2" in legend[2] and legend[2].endswith("×2")  # the second echo is folded into the first
    # one arrow per move, numbered, along c1/eth0 -> veth -> docker0 -> veth -> c2/eth0
    request = [(a.src, a.dst) for a in p.arrows if a.group == 3]
    assert request[0][0] == "c1/eth0" and request[1][1] == "host/docker0" and request[-1][1] == "c2/eth0"
    assert {a.get_gid() for a in fig.axes[0].patches if (a.get_gid() or "").startswith("MARK:")} == {f"MARK:{n}" for n in (1, 2, 3, 4)}
    # a path that stays on the host leaves the LAN out of the picture
    assert "router" not in p.scene.shapes
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_to_the_internet_shows_ttl_and_nat(three):
    fig = path(three.ping_internet)
    notes = [t for t in texts(fig) if t.startswith("TTL")]
    assert "TTL 64→63\nSNAT 172.17.0.2→192.168.1.10" in notes
    assert "TTL 63→62\nSNAT 192.168.1.10→203.0.113.2" in notes
    assert "TTL 63→62\ndst 192.168.1.10→172.17.0.2 (reply: NAT undone)" in notes
    gids = {a.get_gid() for a in fig.axes[0].patches}
    assert "ARROW:0:host/docker0>host/eth0" in gids  # the host routed it (dashed)
    assert any(g and g.startswith("ARROW:") and g.endswith(">internet/eth0") for g in gids)
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_one_flow(three):
    flows = {r.flow for r in three.ping_internet if type(r).__name__ == "RouteChosen"}
    (flow,) = flows
    p = plan(three.ping_internet, flow=flow)
    assert p.groups[0].kind == "arp" and {g.kind for g in p.groups} == {"arp", "request", "reply"}


def test_a_drop_is_ringed_and_named(unreachable):
    fig = path(unreachable)
    assert "DROP:c1/eth0" in {a.get_gid() for a in fig.axes[0].patches}
    assert "✗ neigh-failed" in texts(fig)
    assert missing_glyphs(fig) == set()


def test_thirty_containers_collapse_around_the_path(thirty):
    p = plan(thirty.ping_c2c)
    assert {"c1", "c30", "host/+more"} <= set(p.scene.shapes)  # both ends shown, the crowd folded
    assert any(a.dst == "host/+more" for a in p.arrows)  # the ARP broadcast reached them too
    fig = path(thirty.ping_c2c)
    assert fig.get_figwidth() < 30
    fig.canvas.draw()
    assert overlapping_texts(fig) == []


def test_korean(three):
    fig = path(three.ping_internet, lang="ko")
    assert "프레임 (순서대로)" in texts(fig)
    assert missing_glyphs(fig) == set()
