"""What one frame-hop costs, in CPU time and in Python calls, before and after a change.

``python benchmarks/hopcost.py --before /path/to/old/checkout [--pairs 9] [--pings 1000]``

On a shared machine wall-clock rates swing with the load, and even the pair ratios to
a yardstick spread widely. Two figures are steadier: the **CPU time** of the process
per frame-hop (``time.process_time``, which other processes' load disturbs far less),
and the **number of Python function calls** per frame-hop, counted by ``cProfile``,
which does not depend on the machine at all. Each sample is a fresh process running
ping-pair (two containers on docker0, ``ping -c PINGS -i 0.2`` through ``lab.sh``,
warm caches) with the trace on and with it off; the before and after processes
alternate, and the change is the median over pairs of the before/after CPU ratio
(above 1: faster), with its spread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def measure(pings: int, trace: bool) -> dict[str, float]:
    """In this process: CPU microseconds and Python calls per frame-hop of ping-pair."""
    import cProfile
    import gc
    import pstats

    from simulator import Lab
    from simulator.trace.records import FrameReceived

    def lab_ready() -> Lab:
        lab = Lab(seed=1)
        lab.sh("docker run -itd --name c1 alpine")
        lab.sh("docker run -itd --name c2 alpine")
        lab.sh("docker exec c1 ping -c 1 172.17.0.3")  # warm: ARP and FDB
        lab.sim.tracer.enabled = trace
        gc.collect()
        return lab

    lab = lab_ready()
    hops = 4 * pings  # request and reply, each across two veth links
    mark = lab.sim.tracer.mark()
    start = time.process_time()
    r = lab.sh(f"docker exec c1 ping -c {pings} -i 0.2 172.17.0.3")
    cpu = time.process_time() - start
    assert f"{pings} packets received" in r.stdout, r.stdout[-300:]
    if trace:
        hops = sum(1 for record in lab.sim.tracer.since(mark) if type(record) is FrameReceived)
    lab = lab_ready()
    profile = cProfile.Profile()
    profile.enable()
    lab.sh(f"docker exec c1 ping -c {pings} -i 0.2 172.17.0.3")
    profile.disable()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return {"cpu_us_per_hop": cpu / hops * 1e6, "calls_per_hop": calls / hops}


def run_worker(tree: Path, pings: int, trace: bool) -> dict[str, float]:
    """One fresh process measuring the simulator of ``tree``."""
    code = (  # the simulator from ``tree``, this file's ``measure``
        f"import sys, json, importlib.util; sys.path.insert(0, {str(tree)!r}); "
        f"spec = importlib.util.spec_from_file_location('hopcost', {__file__!r}); m = importlib.util.module_from_spec(spec); "
        f"spec.loader.exec_module(m); print(json.dumps(m.measure({pings}, {trace})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tree)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def summary(ratios: list[float]) -> str:
    """Median of the pair ratios, with their spread and count."""
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f} - {max(ratios):.2f}, {len(ratios)} pairs)"


def main(argv: list[str]) -> int:
    """Alternate before and after processes, trace on then off, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the checkout to compare with")
    parser.add_argument("--pairs", type=int, default=9)
    parser.add_argument("--pings", type=int, default=1000)
    args = parser.parse_args(argv)
    before_tree, after_tree = Path(args.before).resolve(), ROOT
    print("| ping-pair | CPU per frame-hop, before | after | before/after CPU, per pair (median, spread) | Python calls per frame-hop, before -> after |")
    print("|---|---|---|---|---|")
    for trace in (True, False):
        samples: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for i in range(args.pairs):
            order = [("before", before_tree), ("after", after_tree)]
            for name, tree in order if i % 2 == 0 else order[::-1]:
                samples[name].append(run_worker(tree, args.pings, trace))
        ratios = [b["cpu_us_per_hop"] / a["cpu_us_per_hop"] for b, a in zip(samples["before"], samples["after"], strict=True)]
        cpu_b = statistics.median(s["cpu_us_per_hop"] for s in samples["before"])
        cpu_a = statistics.median(s["cpu_us_per_hop"] for s in samples["after"])
        calls_b = statistics.median(s["calls_per_hop"] for s in samples["before"])
        calls_a = statistics.median(s["calls_per_hop"] for s in samples["after"])
        label = "trace on" if trace else "trace off"
        print(f"| {label} | {cpu_b:.1f} us | {cpu_a:.1f} us | {summary(ratios)} | {calls_b:.1f} -> {calls_a:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
