"""An overlay network's own namespace, drawn as a box inside its Docker host: the veth ends of its
containers on its top edge, ``br0`` under them, its name, and ``vxlan0`` with its VNI on its bottom edge."""

from __future__ import annotations

from simulator.viz import style
from simulator.viz.layout.builder import Builder
from simulator.viz.layout.scene import Shape
from simulator.viz.layout.spacing import BAR_GAP, GAP_CONTAINERS, OV_DROP, OVERLAY_KIND, PAD
from simulator.viz.layout.text import Line, bridge_lines, lo_lines, measure, pill_w
from simulator.viz.network import Namespace, dev_id
from simulator.viz.words import term


def overlay_box(b: Builder, ns: Namespace, ports: dict[str, float], top: float, min_x: float, bag: list[object],
                 reach: float | None = None) -> tuple[float, float, float]:
    """An overlay network's namespace inside its host: veth ends on the top edge (under their
    containers), ``br0`` under them, the namespace's name, ``vxlan0`` on the bottom edge with its VNI.
    ``reach``: an x the bar must reach under too (where the "+N more" box's link drops).

    Returns the box's left and right x and its bottom y.
    """
    g = b.g
    extra = g.nodes[ns.node].get("extra", {})
    name = term("overlay-ns", b.lang, id=extra.get("netns", ns.node)) + (f" ({extra['network']})" if extra.get("network") else "")
    title = Line(name, bold=True, gid=ns.node)
    head = [title, *lo_lines(ns)]  # (its lo on a line of its own even when tight: after the name it widens the host)
    head_w, head_h = measure(head)
    devs = [dev_id(ns.node, d.name) for d in ns.devices if d.kind != "loopback" and dev_id(ns.node, d.name) in g]
    bars = [d for d in devs if g.nodes[d]["dev_kind"] == "bridge"]
    vteps = [d for d in devs if g.nodes[d]["dev_kind"] == "vxlan"]
    others = [d for d in devs if d not in bars and d not in vteps and d not in ports]  # ports with nothing drawn above
    xs = dict(ports)
    at = max(xs.values(), default=min_x + PAD + 20)
    for d in others:
        at += pill_w(g.nodes[d]["name"]) + GAP_CONTAINERS / 2
        xs[d] = at
    bar_lines = {d: bridge_lines(d, g.nodes[d]["name"], g.nodes[d]["addrs"], g.nodes[d]["mac"], b.tight) for d in bars}
    bar_h = max((measure(ls)[1] + 2 * 8 for ls in bar_lines.values()), default=0.0)
    lo = max(min(xs.values(), default=min_x + PAD) - 40, min_x + PAD)
    hi = max([max(xs.values(), default=lo) + 40, *(lo + measure(ls)[0] + 2 * PAD for ls in bar_lines.values()), (reach or 0.0) + 40])
    # vxlan0 and its VNI on the bottom edge, right of the name
    vni_lines = {v: [Line(f"VNI {g.nodes[v]['vni']}", mono=True, gid=v)] if "vni" in g.nodes[v] else [] for v in vteps}
    tail = sum(pill_w(g.nodes[v]["name"]) + 12 + measure(vni_lines[v])[0] + 24 for v in vteps)
    x0 = lo - PAD
    x1 = max(hi + PAD, x0 + PAD + head_w + 30 + tail + PAD)
    bar_y = top + OV_DROP
    bars_bottom = bar_y + len(bars) * (bar_h + BAR_GAP) - (BAR_GAP if bars else 0.0)
    bottom = bars_bottom + 12 + head_h + 12
    vx_at = x1 - PAD - tail
    for v in vteps:
        vw = pill_w(g.nodes[v]["name"])
        b.pill(v, vx_at + vw / 2, bottom, OVERLAY_KIND, bag)
        vx_at += vw + 12
        tw, th = measure(vni_lines[v])
        b.add_lines(vni_lines[v], vx_at, bottom - th - 4, v, bag)
        hi = max(hi, vx_at - 12 - vw / 2 + 40)
        vx_at += tw + 24
    x1 = max(x1, hi + PAD)
    b.add_shape(Shape(ns.node, "box", x0, top, x1 - x0, bottom - top, style.FILL[OVERLAY_KIND], style.EDGE[OVERLAY_KIND], owner=ns.machine), bag)
    for i, d in enumerate(bars):
        y = bar_y + i * (bar_h + BAR_GAP)
        b.add_shape(Shape(d, "bar", lo, y, hi - lo, bar_h, style.FILL["bridge"], style.EDGE["bridge"], owner=ns.node), bag)
        b.add_lines(bar_lines[d], lo + PAD, y + 8, d, bag)
    for d, cx in xs.items():
        b.pill(d, cx, top, OVERLAY_KIND, bag)
    b.add_lines(head, x0 + PAD, bars_bottom + 12, ns.node, bag)
    return x0, x1, bottom
