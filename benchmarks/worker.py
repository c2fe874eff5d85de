"""Run one workload in this (fresh) process and print one JSON line per sample.

``python -m benchmarks.worker '{"workload": "unicast", "params": {"n": 100}, "samples": 5}'``

Each line: ``{"value": ..., "extra": {...}, "yardsticks": {"simpy-process": hops/s, ...}}``.
The yardsticks are measured right after each sample, in the same process, so the
two figures of a pair saw the same machine load. ``"tree"`` runs another checkout of
the simulator (``PYTHONPATH`` first), for before/after comparisons in one run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    request = json.loads(argv[1])
    tree = request.get("tree")
    if tree:
        sys.path.insert(0, tree)
        os.environ["PYTHONPATH"] = tree + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(1 if tree else 0, root)
    import simulator
    from benchmarks import workloads, yardsticks

    if tree:
        assert str(Path(simulator.__file__).resolve()).startswith(str(Path(tree).resolve())), simulator.__file__
    fn = getattr(workloads, request["workload"])
    for measured in fn(request["samples"], **request.get("params", {})):
        yard = yardsticks.measure_all()
        print(json.dumps({"value": measured.value, "extra": measured.extra, "yardsticks": yard}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
