"""Shared labs for the view tests: built once per session (they take milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from simulator import Lab  # noqa: E402


@dataclass
class Traces:
    lab: Any
    ping_c2c: Any  # docker exec c1 ping -c 2 172.17.0.3: ARP, then two echoes over docker0
    ping_internet: Any  # docker exec c1 ping -c 1 8.8.8.8: docker0, MASQUERADE, the LAN, the router, the internet


@pytest.fixture(scope="session")
def three() -> Traces:
    lab = Lab(engine="20.10", seed=1)
    for name in ("c1", "c2", "c3"):
        assert lab.sh(f"docker run -itd --name {name} ubuntu:14.04").exit_code == 0
    c2c = lab.sh("docker exec c1 ping -c 2 172.17.0.3")
    internet = lab.sh("docker exec c1 ping -c 1 8.8.8.8")
    assert c2c.exit_code == 0 and internet.exit_code == 0
    return Traces(lab, c2c.trace, internet.trace)


@pytest.fixture(scope="session")
def thirty() -> Traces:
    lab = Lab(engine="20.10", seed=1)
    for i in range(1, 31):
        assert lab.sh(f"docker run -itd --name c{i} ubuntu:14.04").exit_code == 0
    c2c = lab.sh("docker exec c1 ping -c 1 172.17.0.31")  # c30, far past the collapse threshold
    internet = lab.sh("docker exec c17 ping -c 1 8.8.8.8")
    assert c2c.exit_code == 0 and internet.exit_code == 0
    return Traces(lab, c2c.trace, internet.trace)


@pytest.fixture(scope="session")
def unreachable() -> Any:
    """A ping nobody answers: three ARP requests, then a drop (neigh-failed)."""
    lab = Lab(engine="20.10", seed=1)
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    return lab.sh("docker exec c1 ping -c 1 172.17.0.99").trace


def text_boxes(fig: Any) -> list[tuple[str, Any]]:
    """(text, display bbox) of every visible, non-empty text of ``fig``."""
    renderer = fig.canvas.get_renderer()
    out = []
    for t in fig.findobj(matplotlib.text.Text):
        if t.get_visible() and t.get_text().strip() and t.figure is not None:
            patch = t.get_bbox_patch()
            box = patch.get_window_extent(renderer) if patch is not None else t.get_window_extent(renderer)
            out.append((t.get_text(), box))
    return out


def overlapping_texts(fig: Any, shrink: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap (by more than ``shrink`` pixels each way)."""
    boxes = text_boxes(fig)
    pairs = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1 :]:
            if a.x0 + shrink < b.x1 - shrink and b.x0 + shrink < a.x1 - shrink and a.y0 + shrink < b.y1 - shrink and b.y0 + shrink < a.y1 - shrink:
                pairs.append((ta, tb))
    return pairs
