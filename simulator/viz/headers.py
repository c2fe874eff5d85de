"""The headers of every frame, hop by hop, with what each hop changed.

One row per ``FrameSent`` (what ``tcpdump -e -v`` on that device would print),
in trace order: Ethernet source and destination, IPv4 source, destination and
TTL, the protocol, and the ICMP type and sequence (or the ARP operation). A cell
is highlighted when its value differs from the previous hop of the *same packet*
(the same ``flow`` going the same way; a reply is a packet of its own): that is where a router rewrote the MACs, decremented the
TTL, or where netfilter's MASQUERADE replaced the source address. A bridge
changes nothing, and the table shows it. A frame a VXLAN device wrapped for the
underlay says so (``VXLAN wrap VNI 4097 (+50 bytes): echo request, seq 1``): its
new outer headers are the changes; a tagged frame says its tag (``VLAN 10 tag (+4 bytes)``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.icmp import IcmpMessage, IcmpType
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpSegment
from simulator.packets.udp import UdpDatagram
from simulator.trace.records import CommandRun, FrameReceived, FrameSent
from simulator.viz import style
from simulator.viz.draw import Canvas
from simulator.viz.hops import follow, frame_kind, frame_numbers, vxlan_of, wrap_note
from simulator.viz.network import network_at
from simulator.viz.topology import _short
from simulator.viz.words import language, term

FIELDS = ("src_mac", "dst_mac", "src_ip", "dst_ip", "ttl", "proto", "what")
"""The header fields compared between hops (and highlighted when they change)."""

COLUMNS = (("frame", "col-frame"), ("time_ms", "col-time"), ("where", "col-where"), ("src_mac", "col-src-mac"), ("dst_mac", "col-dst-mac"),
           ("src_ip", "col-src-ip"), ("dst_ip", "col-dst-ip"), ("ttl", "col-ttl"), ("proto", "col-proto"), ("what", "col-what"))

_ICMP_WORDS = {IcmpType.ECHO_REQUEST: "echo request", IcmpType.ECHO_REPLY: "echo reply",
               IcmpType.TIME_EXCEEDED: "time exceeded", IcmpType.DEST_UNREACHABLE: "unreachable"}


def _fields(frame: Any) -> dict[str, str]:
    out = {"src_mac": str(frame.src), "dst_mac": str(frame.dst), "src_ip": "", "dst_ip": "", "ttl": "", "proto": "", "what": ""}
    payload = frame.payload
    if isinstance(payload, ArpPacket):
        out.update(src_ip=str(payload.sender_ip), dst_ip=str(payload.target_ip), proto="ARP",
                   what="request" if payload.op is ArpOp.REQUEST else "reply")
    elif isinstance(payload, IPv4Packet):
        out.update(src_ip=str(payload.src), dst_ip=str(payload.dst), ttl=str(payload.ttl), proto=payload.protocol.name)
        inner = payload.payload
        if isinstance(inner, IcmpMessage):
            what = _ICMP_WORDS.get(inner.type, f"type {int(inner.type)}")
            out["what"] = f"{what}, seq {inner.seq}" if inner.is_echo else f"{what}, code {inner.code}"
        elif isinstance(inner, UdpDatagram | TcpSegment):
            out["what"] = f"{inner.sport} > {inner.dport}"
    # what the frame carries inside a VXLAN datagram, or under its 802.1Q tag, after the wrap it got
    vx = vxlan_of(frame)
    note = wrap_note(frame)
    out["what_short"] = out["what"]
    if note is not None:
        carried = _fields(vx.inner)["what"] if vx is not None else out["what"]
        out["what"] = f"{note}: {carried}"
        out["what_short"] = f"{f'VNI {vx.vni}' if vx is not None else f'VLAN {frame.vlan}'}: {carried}"
    return out


def _carried(frame: Any) -> Any:
    """The frame inside a VXLAN wrap, or the frame without its VLAN tag (itself otherwise)."""
    vx = vxlan_of(frame)
    if vx is not None:
        return vx.inner
    return dataclasses.replace(frame, vlan=None) if frame.vlan is not None else frame


def headers_rows(trace: Sequence[Any], flow: int | None = None) -> list[dict[str, Any]]:
    """One dict per ``FrameSent``: where, when, the header fields, and which changed.

    Keys: ``hop`` (1, 2, ...: the row's number), ``frame`` (the frame's number, as
    ``path`` circles it, ``ladder`` labels it and the player steps through it: a frame
    a bridge passes on keeps its number, a routed packet gets a new one), ``time_ms`` (from the first frame), ``node``, ``dev``,
    ``where`` (``node/dev``), ``flow``, ``kind`` (``arp``, ``request``, ``reply``...),
    the :data:`FIELDS`, and ``changed``: the set of fields that differ from the
    previous hop of the same packet (same flow, same direction: an echo reply or an
    ARP reply starts afresh), empty on its first hop.

    >>> from simulator import Lab
    >>> lab = Lab(seed=1)
    >>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    >>> rows = headers_rows(lab.sh("docker exec c1 ping -c 1 8.8.8.8").trace)
    >>> [(r["where"], r["ttl"], sorted(r["changed"])) for r in rows if r["proto"] == "ICMP"][:2]
    [('c1/eth0', '64', []), ('host/eth0', '63', ['dst_mac', 'src_ip', 'src_mac', 'ttl'])]
    """
    rows: list[dict[str, Any]] = []
    previous: dict[tuple[int, str, str], dict[str, str]] = {}
    t0: float | None = None
    first = next((r.time for r in trace if isinstance(r, FrameSent | FrameReceived)), None)
    numbers = frame_numbers(follow(trace, network_at(trace, first)), flow, trace)  # the numbers path, ladder and player show
    for index, r in enumerate(trace):
        if not isinstance(r, FrameSent):
            continue
        if flow is not None and r.frame.flow != flow:
            continue
        if t0 is None:
            t0 = r.time
        values = _fields(r.frame)
        short = values.pop("what_short")
        kind = frame_kind(r.frame)
        # the same packet: one flow, one direction (an echo reply is a new packet, not a hop of the request)
        carried = _fields(_carried(r.frame))["what"]  # an ARP is told apart by its op, under any tag or wrap
        packet = (r.frame.flow, kind, carried if kind == "arp" else "")
        before = previous.get(packet)
        changed = {k for k in FIELDS if before is not None and before[k] != values[k]}
        previous[packet] = values
        rows.append({"hop": len(rows) + 1, "frame": numbers.get(index, 0), "time_ms": (r.time - t0) * 1000.0, "node": r.node, "dev": r.dev,
                     "where": f"{r.node}/{r.dev}", "flow": r.frame.flow, "kind": frame_kind(r.frame), **values, "changed": changed,
                     "packet": packet, "short": {"what": short, "where": f"{_short_node(r.node)}/{r.dev}"}})
    return rows


def repeated_hops(rows: Sequence[dict[str, Any]]) -> set[int]:
    """The hops of packets that repeat an earlier packet hop for hop (the second echo request of ``ping -c 2``).

    A packet repeats another when it is of the same kind and crosses the same devices,
    in the same order, changing the same fields at each.

    >>> hop = lambda n, packet, where: {"hop": n, "packet": packet, "kind": "request", "where": where, "changed": set()}
    >>> sorted(repeated_hops([hop(1, 1, "c1/eth0"), hop(2, 1, "host/eth0"), hop(3, 2, "c1/eth0"), hop(4, 2, "host/eth0")]))
    [3, 4]
    """
    packets: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        packets.setdefault(r["packet"], []).append(r)
    seen: set[tuple[Any, ...]] = set()
    repeated: set[int] = set()
    for hops in packets.values():
        shape = (hops[0]["kind"], tuple((r["where"], frozenset(r["changed"])) for r in hops))
        if shape in seen:
            repeated.update(r["hop"] for r in hops)
        seen.add(shape)
    return repeated


def slide_rows(rows: Sequence[dict[str, Any]], room: int) -> list[dict[str, Any]]:
    """At most ``room`` of ``rows``, keeping what changed: the table that fits a slide.

    All of them when they fit; else the hops that changed a field plus the first and
    the last hop of every packet (``packet``: one flow, one direction); else those
    without the packets that repeat an earlier one hop for hop (:func:`repeated_hops`);
    else the hops that changed a field plus every packet's first, repeats left out;
    else the first ``room`` of those.

    >>> rows = [{"hop": i, "packet": (1, "request", ""), "kind": "request", "where": f"d{i}", "changed": {"ttl"} if i == 3 else set()}
    ...         for i in range(1, 9)]
    >>> [r["hop"] for r in slide_rows(rows, 8)], [r["hop"] for r in slide_rows(rows, 4)], [r["hop"] for r in slide_rows(rows, 2)]
    ([1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 8], [1, 3])
    """
    if len(rows) <= room:
        return list(rows)
    first: dict[Any, int] = {}
    last: dict[Any, int] = {}
    for r in rows:
        first.setdefault(r["packet"], r["hop"])
        last[r["packet"]] = r["hop"]
    ends = set(first.values()) | set(last.values())
    kept = [r for r in rows if r["changed"] or r["hop"] in ends]
    if len(kept) > room:
        repeated = repeated_hops(rows)
        kept = [r for r in kept if r["hop"] not in repeated]
        if len(kept) > room:
            kept = [r for r in kept if r["changed"] or r["hop"] in set(first.values())]
    return kept[:room]


SHORT_NODE = 10
"""A namespace's name longer than this is cut in a table too wide for a slide (``host2:1-26xggirnc1`` -> ``host2:1-26…``)."""


def _short_node(node: str) -> str:
    """``node`` cut to :data:`SHORT_NODE` characters and an ellipsis, keeping its host before a colon whole."""
    if len(node) <= SHORT_NODE:
        return node
    host, colon, rest = node.partition(":")
    keep = max(SHORT_NODE - len(host) - 1, 3) if colon else SHORT_NODE - 1
    return f"{host}:{rest[:keep]}…" if colon else f"{node[:keep]}…"


def _cell(row: dict[str, Any], key: str, short: bool = False) -> str:
    """The text of ``row``'s ``key`` cell; ``short``: a wrap said by its VLAN tag or VXLAN VNI alone, a long namespace cut
    (the path and the player show them whole)."""
    if key == "time_ms":
        return f"{row['time_ms']:.3f}"
    if short and key in row["short"]:
        return str(row["short"][key])
    return str(row[key])


def headers(trace: Sequence[Any], lang: str | None = None, flow: int | None = None, title: str | None = None) -> Figure:
    """Draw :func:`headers_rows` as a table, changed fields highlighted.

    Args:
        trace: one command's trace, or any slice of one.
        lang: ``"en"`` or ``"ko"`` (column titles and notes; default: the lab's language).
        flow: only the hops of this packet (``frame.flow``).
        title: the figure's title (default: the command line).
    """
    lang = language(trace, lang)
    with style.classroom():
        every = headers_rows(trace, flow)
        command = next((r.command for r in trace if isinstance(r, CommandRun)), None)
        if title is None:
            title = term("headers-title", lang, command=_short(command)) if command else term("headers-title-plain", lang)
        # a table taller than a slide keeps the hops that changed something (and each packet's ends), and says so
        room = int((style.SLIDE_HEIGHT_PT - 2 * MARGIN - TITLE_H - 2 * NOTE_H) // ROW_H) - 1
        rows = slide_rows(every, room)
        notes = [term("changed", lang)]
        if len(rows) < len(every):
            notes.append(_left_out_note(every, rows, lang))
        columns, short = _columns(rows, lang)
        heads = [term(k, lang) for _key, k in columns]
        body = [[_cell(row, key, short) for key, _k in columns] for row in rows]
        widths = _widths(columns, heads, body, short)
        margin, row_h, title_h = MARGIN, ROW_H, TITLE_H
        note_h = NOTE_H * len(notes)
        table_w = sum(widths)
        width = max(table_w, style.text_width(title, style.TITLE_PT, bold=True), *(style.text_width(n) for n in notes)) + 2 * margin
        table_h = row_h * (len(body) + 1)
        height = margin + title_h + table_h + note_h + margin
        canvas = Canvas(width, height)
        ax = canvas.ax
        ax.text(margin, canvas.y(margin), title, ha="left", va="top", fontproperties=style.font(style.TITLE_PT, bold=True), color=style.INK)

        if not body:
            body = [[""] * len(columns)]
            ax.text(width / 2, canvas.y(margin + title_h + row_h * 1.5), term("no-frames", lang), ha="center", va="center",
                    fontproperties=style.font(), color=style.MUTED)
        top = margin + title_h
        table = ax.table(
            cellText=body, colLabels=heads, cellLoc="left", colLoc="left",
            bbox=Bbox.from_bounds(margin / width, (height - top - table_h) / height, table_w / width, table_h / height),
            colWidths=[w / table_w for w in widths],
        )
        table.auto_set_font_size(False)
        table.set_zorder(2)
        for (r, c), cell in table.get_celld().items():
            key = columns[c][0]
            mono = key not in ("frame", "where", "proto", "what")
            cell.set_edgecolor("#C8C8C8")
            cell.set_linewidth(1.0)
            cell.PAD = 8 / widths[c]
            text = cell.get_text()
            if r == 0:
                cell.set_facecolor("#EDEDED")
                text.set_fontproperties(style.font(bold=True))
                continue
            text.set_fontproperties(style.font(mono=mono))
            if r - 1 < len(rows):
                row = rows[r - 1]
                if key in row["changed"]:
                    cell.set_facecolor(style.FILL["changed"])
                    text.set_fontproperties(style.font(bold=True, mono=mono))
                if key == "frame":
                    text.set_color(style.KIND_COLOUR.get(row["kind"], style.INK))
                    text.set_fontproperties(style.font(bold=True))
                    text.set_gid(f"HOP:{row['hop']}")  # which row of headers_rows this is (# shows its frame's number)
        ax.text(margin, canvas.y(height - margin - 4 - NOTE_H * (len(notes) - 1)), notes[0], ha="left", va="bottom", fontproperties=style.font(),
                color=style.INK, bbox={"boxstyle": "round,pad=0.3", "facecolor": style.FILL["changed"], "edgecolor": "none"})
        for i, note in enumerate(notes[1:], start=1):
            ax.text(margin, canvas.y(height - margin - 4 - NOTE_H * (len(notes) - 1 - i)), note, ha="left", va="bottom",
                    fontproperties=style.font(), color=style.INK).set_gid("LEFT-OUT")
        return canvas.fig


def _left_out_note(every: Sequence[dict[str, Any]], shown: Sequence[dict[str, Any]], lang: str) -> str:
    """What a shortened table says it left out: hops that changed nothing, repeated packets, or the rest after a hop."""
    kept = {r["hop"] for r in shown}
    repeated = repeated_hops(every)
    left_out = [r for r in every if r["hop"] not in kept]
    values = {"n": len(left_out), "total": len(every), "last": shown[-1]["frame"]}
    if any(r["changed"] and r["hop"] not in repeated for r in left_out):
        return term("rows-cut", lang, **values)
    if any(r["hop"] in repeated for r in left_out):
        return term("rows-repeated", lang, **values)
    return term("rows-left-out", lang, **values)


MARGIN = 28.0
ROW_H = style.line_height() + 12
TITLE_H = style.line_height(style.TITLE_PT) + 18
NOTE_H = style.line_height() + 20
CELL_PAD = 20.0  # a column is its widest text and this (8 pt before the text, the rest after)
SHORT_PAD = 14.0  # the same in a table of short cells (8 pt before, 6 after)


def _widths(columns: Sequence[tuple[str, str]], heads: Sequence[str], body: Sequence[Sequence[str]], short: bool = False) -> list[float]:
    widths = []
    for i, (key, _k) in enumerate(columns):
        mono = key not in ("frame", "where", "proto", "what")
        w = max([style.text_width(heads[i], bold=True)] + [style.text_width(line[i], bold=True, mono=mono) for line in body])
        widths.append(w + (SHORT_PAD if short else CELL_PAD))
    return widths


def _columns(rows: Sequence[dict[str, Any]], lang: str) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The columns and whether their cells are shortened: every column, else all but the time when the table
    would be wider than a slide (the ladder shows the times), else those with short cells (:func:`_cell`)."""
    no_time = tuple(c for c in COLUMNS if c[0] != "time_ms")
    for columns, short in ((COLUMNS, False), (no_time, False)):
        heads = [term(k, lang) for _key, k in columns]
        body = [[_cell(row, key, short) for key, _k in columns] for row in rows]
        if sum(_widths(columns, heads, body, short)) + 2 * MARGIN <= style.SLIDE_WIDTH_PT:
            return columns, short
    return no_time, True
