"""headers(): per hop header fields, the changes highlighted."""

from __future__ import annotations

from simulator.viz import headers, headers_rows, missing_glyphs
from simulator.viz.style import FILL


def test_rows_per_frame_sent(three):
    rows = headers_rows(three.ping_internet)
    sent = [r for r in three.ping_internet if type(r).__name__ == "FrameSent"]
    assert len(rows) == len(sent)
    assert rows[0]["where"] == "c1/eth0" and rows[0]["proto"] == "ARP" and rows[0]["dst_mac"] == "ff:ff:ff:ff:ff:ff"


def test_a_router_changes_macs_and_ttl_a_bridge_changes_nothing(three):
    icmp = [r for r in headers_rows(three.ping_internet) if r["proto"] == "ICMP" and r["what"].startswith("echo request")]
    by_where = {r["where"]: r for r in icmp}
    assert by_where["c1/eth0"]["changed"] == set()
    assert by_where["host/eth0"]["changed"] == {"src_mac", "dst_mac", "src_ip", "ttl"}  # routed + MASQUERADE
    assert (by_where["host/eth0"]["src_ip"], by_where["host/eth0"]["ttl"]) == ("192.168.1.10", "63")
    assert by_where["lan/port1"]["changed"] == set()  # the switch forwards unchanged
    assert by_where["router/eth1"]["ttl"] == "62"
    replies = [r for r in headers_rows(three.ping_internet) if r["what"].startswith("echo reply")]
    assert replies[0]["changed"] == set()  # a reply is a packet of its own


def test_flow_filter(three):
    rows = headers_rows(three.ping_c2c, flow=headers_rows(three.ping_c2c)[-1]["flow"])
    assert {r["proto"] for r in rows} == {"ICMP"}


def test_table_highlights_changes(three):
    fig = headers(three.ping_internet)
    (table,) = fig.axes[0].tables
    cells = table.get_celld()
    rows = headers_rows(three.ping_internet)
    columns = ["hop", "time_ms", "where", "src_mac", "dst_mac", "src_ip", "dst_ip", "ttl", "proto", "what"]
    for i, row in enumerate(rows, start=1):
        for c, key in enumerate(columns):
            yellow = cells[i, c].get_facecolor()[:3] == tuple(int(FILL["changed"][k : k + 2], 16) / 255 for k in (1, 3, 5))
            assert yellow == (key in row["changed"]), (i, key)
    assert cells[0, 7].get_text().get_text() == "TTL"
    assert min(cell.get_text().get_fontsize() for cell in cells.values()) >= 14
    assert missing_glyphs(headers(three.ping_internet, lang="ko")) == set()


def test_the_hop_column_is_the_frame_number_path_draws(three):
    """A row's ``#`` is the number of the frame it belongs to: the same in path, ladder and the player."""
    from simulator.viz.path import plan

    rows = headers_rows(three.ping_internet)
    assert rows and all(r["hop"] > 0 for r in rows)
    groups = plan(three.ping_internet).groups
    assert sorted({r["hop"] for r in rows}) == [g.number for g in groups]
    for g in groups:  # every row of a number is that frame, where it was sent
        mine = [r for r in rows if r["hop"] == g.number]
        assert mine[0]["where"] == g.first.start
    masq = next(r for r in rows if r["where"] == "host/eth0" and r["proto"] == "ICMP")
    assert masq["hop"] == next(g.number for g in groups if g.first.start == "host/eth0" and g.kind == "request")
