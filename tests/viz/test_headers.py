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
    by_hop = {r["hop"]: r for r in headers_rows(three.ping_internet)}
    titles = {"#": "frame", "t (ms)": "time_ms", "sent on": "where", "src MAC": "src_mac", "dst MAC": "dst_mac", "src IP": "src_ip",
              "dst IP": "dst_ip", "TTL": "ttl", "proto": "proto", "type, seq": "what"}
    columns = [titles[cells[0, c].get_text().get_text()] for c in range(len(titles)) if (0, c) in cells]
    shown = [int(cells[i, 0].get_text().get_gid().removeprefix("HOP:")) for i in range(1, len(by_hop) + 1) if (i, 0) in cells]
    assert len(shown) >= 5 and any(by_hop[h]["changed"] for h in shown)
    for i, hop in enumerate(shown, start=1):
        row = by_hop[hop]
        for c, key in enumerate(columns):
            yellow = cells[i, c].get_facecolor()[:3] == tuple(int(FILL["changed"][k : k + 2], 16) / 255 for k in (1, 3, 5))
            assert yellow == (key in row["changed"]), (hop, key)
            if key != "time_ms":
                assert cells[i, c].get_text().get_text() == str(row[key]), (hop, key)
    assert "ttl" in columns
    assert min(cell.get_text().get_fontsize() for cell in cells.values()) >= 14
    assert missing_glyphs(headers(three.ping_internet, lang="ko")) == set()


def test_each_row_names_the_frame_number_path_draws(three):
    """A row's ``frame`` is the number of the frame it belongs to: the same in path, ladder and the player."""
    from simulator.viz.path import plan

    rows = headers_rows(three.ping_internet)
    assert rows and all(r["frame"] > 0 for r in rows)
    groups = plan(three.ping_internet).groups
    assert sorted({r["frame"] for r in rows}) == [g.number for g in groups]
    for g in groups:  # every row of a number is that frame, where it was sent
        mine = [r for r in rows if r["frame"] == g.number]
        assert mine[0]["where"] == g.first.start
    masq = next(r for r in rows if r["where"] == "host/eth0" and r["proto"] == "ICMP")
    assert masq["frame"] == next(g.number for g in groups if g.first.start == "host/eth0" and g.kind == "request")


def test_the_number_column_is_the_frame_number_the_path_and_the_ladder_show(three):
    """``#`` is not a row count: a frame a bridge passes on keeps its number, as in path, ladder and the player."""
    from simulator.viz import ladder

    rows = headers_rows(three.ping_c2c)
    (table,) = headers(three.ping_c2c).axes[0].tables
    cells = table.get_celld()
    numbers = [int(cells[i, 0].get_text().get_text()) for i in range(1, len(rows) + 1) if (i, 0) in cells]
    assert numbers == [r["frame"] for r in rows]
    assert len(set(numbers)) < len(numbers)  # some frame crossed a bridge: two rows, one number
    labels = {int(t.get_gid().removeprefix("LABEL:")) for t in ladder(three.ping_c2c).axes[0].texts if (t.get_gid() or "").startswith("LABEL:")}
    assert labels == set(numbers)
