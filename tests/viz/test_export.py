"""Every view saves to PNG, SVG and PDF."""

from __future__ import annotations

import io

import pytest

from simulator import viz

MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


@pytest.mark.parametrize("view", ["topology", "path", "ladder", "headers"])
def test_saves_in_three_formats(three, view):
    trace = three.lab.trace if view == "topology" else three.ping_internet
    fig = getattr(viz, view)(trace, lang="ko")
    for fmt, magic in MAGIC.items():
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        assert buffer.getvalue().startswith(magic), fmt
        assert len(buffer.getvalue()) > 5000


def test_public_names_are_the_functions():
    assert callable(viz.path) and callable(viz.topology) and callable(viz.ladder) and callable(viz.headers) and callable(viz.player)
    assert set(viz.__all__) >= {"topology", "topology_graph", "path", "ladder", "headers", "headers_rows", "player", "missing_glyphs"}
