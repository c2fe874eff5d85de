"""Pictures of a simulation, drawn from its trace and nothing else.

Every view takes a :class:`simulator.trace.Trace` (a lab's whole trace, or one
command's ``r.trace``) and returns a matplotlib Figure sized to its content, in
the classroom style of :mod:`simulator.viz.style` (14 pt or larger, thick lines,
the Okabe-Ito colours, Hangul through the bundled NanumGothic). Each saves to
PNG, SVG and PDF with ``fig.savefig(path)``.

* :func:`topology`: the network at a moment, laid out as a textbook prints it;
* :func:`path`: one command's frames, numbered, hop by hop on that network;
* :func:`ladder`: a sequence diagram, one line per device, time going down;
* :func:`headers`: the header fields at every hop, what each hop changed;
* :func:`player`: a Jupyter step-through, one step per numbered frame (the strip outside Jupyter);
* :func:`strip`: the player's steps as one picture, each with its caption;
* :func:`explain`: one record in one sentence (:mod:`simulator.trace.explain`).

The pieces underneath: :mod:`~simulator.viz.network` reads ``TopologyChanged``
snapshots into a networkx graph (:func:`topology_graph`), :mod:`~simulator.viz.layout`
places it deterministically, :mod:`~simulator.viz.draw` draws it, and
:mod:`~simulator.viz.hops` strings frame records into journeys. The path is planned
(:mod:`~simulator.viz.path_plan`, :mod:`~simulator.viz.path_place`,
:mod:`~simulator.viz.path_legend`) into a :class:`~simulator.viz.path_model.PathPlan`
before :mod:`~simulator.viz.path` draws it; the player's steps and their reasons come
from :mod:`~simulator.viz.steps`, its pictures from :mod:`~simulator.viz.strip`. The ladder's
lines are chosen in :mod:`~simulator.viz.ladder_columns`, its rows and labels planned in
:mod:`~simulator.viz.ladder_rows`, and the frames a slide holds picked in
:mod:`~simulator.viz.ladder_window`. This package
imports only :mod:`simulator.trace` and :mod:`simulator.packets` (plus matplotlib
and networkx); nothing in the simulator imports it.

>>> from simulator import Lab, viz
>>> lab = Lab(seed=1)
>>> _ = lab.sh("docker run -itd --name c1 ubuntu:14.04")
>>> fig = viz.topology(lab.trace)
>>> fig.savefig(__import__("io").BytesIO(), format="svg")
"""

from __future__ import annotations

from simulator.trace.explain import explain  # the one explain (it reads only records), re-exported

# The functions are bound here after their modules load, so ``viz.path`` is the
# function, not the module ``simulator.viz.path`` that the import system would
# otherwise leave under that name. Importing this package loads matplotlib:
# nothing in the simulator imports it, so only those who draw pay for it.
from simulator.viz.headers import headers, headers_rows
from simulator.viz.ladder import ladder
from simulator.viz.network import topology_graph
from simulator.viz.path import path
from simulator.viz.player import player, strip
from simulator.viz.style import missing_glyphs
from simulator.viz.topology import topology

__all__ = [
    "explain",
    "headers",
    "headers_rows",
    "ladder",
    "missing_glyphs",
    "path",
    "player",
    "strip",
    "topology",
    "topology_graph",
]
