"""A deterministic, layered layout of the topology graph, the way a textbook prints it.

Top to bottom::

    [c1]   [c2]   [c3]   [+27 more]       containers: eth0 pills on their bottom edge
     |      |      |      |               the veth pair crosses the namespace boundary
    +veth---veth---veth---27 x veth-----+ veth host ends on the Docker host's top edge
    |  \\      |      /                   |
    |   [ docker0   172.17.0.1/16 ]     | bridges inside the host, under their ports
    |          :  (IP forwarding, NAT)  |
    +--------[eth0]---------------------+ the host's NIC on its bottom edge
              |
    ==[port2]====[LAN switch]====        the LAN switch, one port per cable
        |                  |
    [laptop]          [router]--[internet]

Docker hosts stand side by side (``host1``, ``host2``), each with its own containers
above it; when that is wider than a slide holds at its text size, one above the other,
the upper host's NIC in its bottom-left corner so its cable passes beside the hosts
below it. Every position is computed here from text measured in points, in a
coordinate system where one unit is one point and ``y`` grows *downwards* (the
drawing code flips it), so the same graph always gives the same picture: no spring
layout, no randomness, nothing that moves between runs.

The result, a :class:`Scene`, is plain data: shapes (boxes, pills for devices,
bars for bridges and the switch), text labels and edge polylines, each tagged
with the graph node or edge it draws (its ``gid``).

The passes, a module each: :mod:`.text` measures every box's lines; :mod:`.hosts`
lays out each host's column (title, bridges' labels, container row, veth ends,
bridge bars, overlay namespaces, NICs, stacked devices, host box) and the hosts'
row; :mod:`.machines` orders the machines on the LAN and lays out their row;
:mod:`.rows` stacks the rows around the switch and places the switch;
:mod:`.edges` routes every edge by its kind and makes the :class:`Scene`. They
share a :class:`~.builder.Builder` (what is placed so far, the spacing) and hand
on typed rows (:class:`~.builder.Row`, :class:`~.builder.Frame`).
"""

from __future__ import annotations

import networkx as nx

from simulator.viz import style
from simulator.viz.layout.builder import Builder
from simulator.viz.layout.edges import make_scene, route_edges
from simulator.viz.layout.hosts import hosts_row
from simulator.viz.layout.machines import machine_order, machines_row
from simulator.viz.layout.rows import place_switch, stack_rows, switch_label
from simulator.viz.layout.scene import EdgeLine, Label, Scene, Shape, edge_gid
from simulator.viz.layout.text import title_lines
from simulator.viz.network import SWITCH, Network

__all__ = ["EdgeLine", "Label", "Scene", "Shape", "edge_gid", "layout"]


def layout(
    graph: nx.Graph, network: Network, *, lang: str = "en", title: str | None = None, subtitle: str | None = None,
    roomy: bool = False, notes: bool = False,
) -> Scene:
    """Place every node and edge of ``graph`` (built from ``network``).

    ``roomy`` leaves more space between the layers (for the arrows of a packet
    path), ``notes`` more room where stacks route (for what they changed).

    A picture wider than a slide holds at its text size is packed closer (``compact``), and, when that is
    not enough and it has several Docker hosts, laid out again with the hosts one above the other. A topology
    taller than a slide, and a path's picture (``roomy``: its legend goes under it), is laid out again with
    shorter cables and veth pairs (``tight``).

    The passes: the Docker hosts side by side, the machines below the switch, the
    title, the two rows put together around the switch, the switch and its ports,
    then every edge routed between what they join.
    """
    packing: dict[str, bool] = {}
    scene = _layout(Builder(graph, network, lang, roomy, notes), graph, network, title, subtitle)
    if scene.width > style.SLIDE_WIDTH_PT:  # wider than a slide holds at its text size: packed closer
        packing = {"compact": True}
        scene = _layout(Builder(graph, network, lang, roomy, notes, **packing), graph, network, title, subtitle)
    if scene.width > style.SLIDE_WIDTH_PT and len([h for h in network.of_kind("docker-host") if h.node in graph]) > 1:
        # still too wide, with several hosts: the hosts one above the other, when that is narrower
        stacked = _layout(Builder(graph, network, lang, roomy, notes, compact=True, stacked=True), graph, network, title, subtitle)
        if stacked.width < scene.width:
            scene, packing = stacked, {"compact": True, "stacked": True}
    if scene.height > style.SLIDE_HEIGHT_PT or roomy:  # taller than a slide (a path's always is, with its legend): packed tight
        scene = _tighter(graph, network, lang, (roomy, notes), (title, subtitle), scene, packing)
    return scene


def _tighter(graph: nx.Graph, network: Network, lang: str, spacing: tuple[bool, bool], head: tuple[str | None, str | None], scene: Scene,
             packing: dict[str, bool]) -> Scene:
    """``scene`` (taller than a slide) laid out ``tight``: the first of the ways below that fits a slide, else the
    shortest no wider than a slide (or than ``scene``): as packed as it was, packed closer, then packed with no
    line folded onto another where that makes a box wider (``narrow``)."""
    best = scene
    tries = [packing, {**packing, "compact": True}, {**packing, "compact": True, "narrow": True}]
    for i, how in enumerate(tries):
        if how in tries[:i]:
            continue
        tight = _layout(Builder(graph, network, lang, *spacing, tight=True, **how), graph, network, *head)
        if tight.width > max(style.SLIDE_WIDTH_PT, scene.width):  # (never wider than a slide for being shorter)
            continue
        if tight.height <= style.SLIDE_HEIGHT_PT and not spacing[0]:  # (a path's: the shortest, for its legend)
            return tight
        if tight.height < best.height:
            best = tight
    return best


def _layout(b: Builder, graph: nx.Graph, network: Network, title: str | None, subtitle: str | None) -> Scene:
    """:func:`layout`'s passes with the spacing ``b`` says."""
    top = hosts_row(b, network)
    sequence = machine_order(b, network)
    bottom = machines_row(b, network, sequence)
    head = title_lines(title, subtitle)
    switch_lines = switch_label(b, network)
    frame = stack_rows(b, top, bottom, sequence, head, switch_lines)
    if SWITCH in graph:
        place_switch(b, network, frame, switch_lines)
    route_edges(b, network, frame)
    return make_scene(b, network, frame)


