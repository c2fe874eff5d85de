"""Image comparison against committed PNG baselines (tests/viz/baseline/).

A picture that changes on purpose gets a new baseline: run
``DOCKERSIM_REGEN_BASELINES=1 pytest tests/viz/test_baseline.py``, look at the new
PNG, and commit it. A missing baseline fails (it would otherwise pass silently).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

from simulator import viz

BASELINE = Path(__file__).parent / "baseline"
TOLERANCE = 10.0  # RMS over 0-255: text anti-aliasing may differ a little between FreeType builds


def figure(name, lab):
    """The figure ``name``; ``lab(fixture)`` builds a shared lab only when a figure needs it."""
    return {
        "topology_3": lambda: viz.topology(lab("three").lab.trace),
        "topology_30": lambda: viz.topology(lab("thirty").lab.trace),
        "topology_3_ko": lambda: viz.topology(lab("three").lab.trace, lang="ko"),
        "path_internet": lambda: viz.path(lab("three").ping_internet),
        "ladder_c2c": lambda: viz.ladder(lab("three").ping_c2c),
        "headers_internet": lambda: viz.headers(lab("three").ping_internet),
        "topology_overlay": lambda: viz.topology(lab("overlay")[0].trace),  # overlay namespaces in their hosts, the tunnel
        "path_overlay": lambda: viz.path(lab("overlay")[1]),  # the VXLAN wrap and unwrap
        "topology_macvlan": lambda: viz.topology(lab("macvlan")[0].trace),  # children on their NIC, the shim mac0
    }[name]()


@pytest.mark.parametrize("name", ["topology_3", "topology_30", "topology_3_ko", "path_internet", "ladder_c2c", "headers_internet",
                                  "topology_overlay", "path_overlay", "topology_macvlan"])
def test_matches_baseline(name, request, tmp_path):
    expected = BASELINE / f"{name}.png"
    actual = tmp_path / f"{name}.png"
    figure(name, request.getfixturevalue).savefig(actual)
    if os.environ.get("DOCKERSIM_REGEN_BASELINES"):
        expected.parent.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        pytest.skip(f"baseline written: {expected}")
    assert expected.exists(), f"no baseline {expected}: run with DOCKERSIM_REGEN_BASELINES=1, look at it, commit it"
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result
