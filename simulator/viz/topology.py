"""The network at one moment, drawn as a textbook prints it.

``topology(trace, at)`` finds the ``TopologyChanged`` snapshot in force at
simulated time ``at`` (by default the latest one), reads it into a networkx graph
(:func:`simulator.viz.network.topology_graph`: namespaces, devices, the LAN switch,
links), places every node with the deterministic layered layout of
:mod:`simulator.viz.layout` (containers above the Docker host, bridges inside it,
the switch below, the router and the internet beyond) and draws it.

Past ``max_containers`` containers on one host, the rest are drawn as a single
"+N more" box, so a lab of 30 containers reads as well as one of 3.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from matplotlib.figure import Figure

from simulator.viz import style
from simulator.viz.draw import draw_scene
from simulator.viz.layout import Scene, layout
from simulator.viz.network import DEFAULT_MAX_CONTAINERS, OVERLAY_NS, build_graph, network_at
from simulator.viz.words import language, term


def _short(command: str, limit: int = 70) -> str:
    return command if len(command) <= limit else command[: limit - 1] + "…"


def topology_scene(
    trace: Sequence[Any], at: float | None = None, *, title: str | None = None, lang: str = "en",
    keep: Iterable[str] = (), max_containers: int | None = DEFAULT_MAX_CONTAINERS, subtitle: str | None = None,
    roomy: bool = False, notes: bool = False, hosts_only: bool = False,
) -> Scene:
    """The laid-out picture :func:`topology` draws (shared with the path view).

    ``hosts_only`` leaves out the LAN and the machines on it (for a path that never
    leaves the Docker hosts).
    """
    network = network_at(trace, at)
    if hosts_only:
        inside = tuple(n for n in network.namespaces if n.kind in ("docker-host", "container", OVERLAY_NS))
        network = dataclasses.replace(network, namespaces=inside, lan=())
    graph = build_graph(network, keep, max_containers)
    if title is None:
        title = term("topology-title", lang, t=f"{network.time:.3f}")
        if subtitle is None and network.cause:
            subtitle = term("after", lang, cause=_short(network.cause))
    return layout(graph, network, lang=lang, title=title, subtitle=subtitle, roomy=roomy, notes=notes)


def topology(
    trace: Sequence[Any], at: float | None = None, title: str | None = None, lang: str | None = None,
    *, max_containers: int | None = DEFAULT_MAX_CONTAINERS,
) -> Figure:
    """Draw the network as it stood at simulated time ``at`` (default: the latest snapshot).

    Args:
        trace: a :class:`simulator.trace.Trace` (``lab.trace`` or one command's ``r.trace``).
        at: simulated seconds; the latest ``TopologyChanged`` at or before it is drawn.
        title: the figure's title (default: the time and the command that last changed it).
        lang: ``"en"`` or ``"ko"`` (default: the lab's language).
        max_containers: containers drawn one by one per host before the rest are
            collapsed into a "+N more" box (``None``: never collapse).

    Returns:
        A matplotlib Figure sized to its content (it saves to PNG, SVG and PDF).

    >>> from simulator import Lab, viz
    >>> lab = Lab(seed=1)
    >>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    >>> fig = viz.topology(lab.trace)
    >>> sorted(a.get_gid() for a in fig.axes[0].patches if a.get_gid() in ("c1", "host/docker0"))
    ['c1', 'host/docker0']
    """
    with style.classroom():
        scene = topology_scene(trace, at, title=title, lang=language(trace, lang), max_containers=max_containers)
        return draw_scene(scene).fig
