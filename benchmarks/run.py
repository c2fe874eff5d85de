"""dockersim benchmarks: ``make bench`` (``python benchmarks/run.py [--quick]``).

Every workload runs in a fresh worker process (so peak memory is its own) and takes
several samples; after each sample the worker measures the yardsticks
(``yardsticks.py``: raw simpy in process and callback style, and ns.py) on the same
number of hops, in the same process. The table shows, per workload, the median of
the samples with their spread (min-max), the median of the *pair ratios* to a
yardstick (which is what survives this machine's noise), the target and whether it
is met. Rates are compared with the yardstick's rate (x); times are divided by the
time the process-style yardstick takes for 10,000 hops (``Y10k``).

Options: ``--quick`` (fewer samples, labs up to 1,000 containers), ``--only NAME``
(substring of a workload name, repeatable), ``--tree PATH`` (benchmark another
checkout of the simulator, e.g. the code before an optimisation), ``--json FILE``
(write every sample), ``--before TREE`` (run every workload on that checkout too,
just before the current one, and print a before/after table), ``--big`` (also run
build-10000 on the default engine through lab.sh: Docker >= 28 floods three
gratuitous ARPs per new container to every port, N**2 deliveries, about ten minutes).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Y_HOPS = 10_000  # time figures are reported in units of 10,000 process-style yardstick hops


@dataclass
class Spec:
    """One workload configuration."""

    name: str
    workload: str
    params: dict[str, Any] = field(default_factory=dict)
    samples: int = 5
    quick_samples: int = 3
    kind: str = "rate"  # "rate" (higher is better), "time" (seconds), "size" (bytes)
    unit: str = ""
    quick: bool = True  # part of --quick
    big: bool = False  # only with --big
    timeout_s: float = 900.0


SPECS: list[Spec] = [
    Spec("import", "import_time", samples=7, quick_samples=5, kind="time", unit="s"),
    Spec("ping-pair", "ping_pair", unit="frame-hops/s"),
    Spec("trace-off", "trace_on_off", samples=5, quick_samples=3, unit="frame-hops/s"),
    Spec("trace-record", "record_size", samples=3, quick_samples=1, kind="size", unit="B/record"),
    Spec("fanin", "fanin", samples=5, quick_samples=3, unit="frame-hops/s"),
    Spec("unicast-10", "unicast", {"n": 10}, samples=7, quick_samples=5, kind="time", unit="s"),
    Spec("unicast-100", "unicast", {"n": 100}, samples=7, quick_samples=5, kind="time", unit="s"),
    Spec("unicast-1000", "unicast", {"n": 1000}, samples=5, quick_samples=3, kind="time", unit="s"),
    Spec("unicast-10000", "unicast", {"n": 10000}, samples=5, quick_samples=3, kind="time", unit="s", quick=False),
    Spec("arp-storm-1000", "arp_storm", {"n": 1000}, samples=3, quick_samples=1, kind="time", unit="s"),
    Spec("build-10", "build", {"n": 10}, samples=5, quick_samples=3, kind="time", unit="s"),
    Spec("build-100", "build", {"n": 100}, samples=5, quick_samples=3, kind="time", unit="s"),
    Spec("build-1000", "build", {"n": 1000}, samples=3, quick_samples=1, kind="time", unit="s", quick=False),
    Spec("build-1000-window", "build", {"n": 1000, "window": 20000}, samples=1, quick_samples=1, kind="time", unit="s",
         quick=False),
    Spec("build-1000-20.10", "build", {"n": 1000, "engine": "20.10"}, samples=3, quick_samples=1, kind="time", unit="s",
         quick=False),
    Spec("build-10000-20.10", "build", {"n": 10000, "engine": "20.10", "window": 20000}, samples=1, quick_samples=1,
         kind="time", unit="s", quick=False, timeout_s=1800),
    Spec("build-10000", "build", {"n": 10000}, samples=1, quick_samples=1, kind="time", unit="s", quick=False, big=True,
         timeout_s=6 * 3600),
    Spec("dns-burst", "dns_burst", samples=3, quick_samples=1, unit="lookups/s"),
    Spec("nat-egress", "nat_egress", samples=5, quick_samples=3, unit="flows/s"),
    Spec("draw-3", "draw", {"n": 3}, samples=3, quick_samples=2, kind="time", unit="s"),
    Spec("draw-30", "draw", {"n": 30}, samples=3, quick_samples=2, kind="time", unit="s"),
    Spec("draw-300", "draw", {"n": 300}, samples=3, quick_samples=1, kind="time", unit="s", quick=False),
    Spec("notebooks-en", "notebooks", {"lang": "en"}, samples=3, quick_samples=1, kind="time", unit="s"),
    Spec("notebooks-ko", "notebooks", {"lang": "ko"}, samples=3, quick_samples=1, kind="time", unit="s", quick=False),
]


# -- running ---------------------------------------------------------------------------------


def run_spec(spec: Spec, samples: int, tree: str | None) -> list[dict[str, Any]]:
    request = {"workload": spec.workload, "params": spec.params, "samples": samples}
    if tree:
        request["tree"] = tree
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", json.dumps(request)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=spec.timeout_s,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{spec.name} failed:\n{proc.stderr[-3000:]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


# -- statistics ------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def ratios(rows: list[dict[str, Any]], yard: str, kind: str, key: str | None = None) -> list[float]:
    """Per pair: the figure over the yardstick (rates), or in units of Y10k (times)."""
    out = []
    for row in rows:
        y = row["yardsticks"].get(yard)
        v = row["extra"][key] if key else row["value"]
        if not y:
            continue
        out.append(v / y if kind == "rate" else v * y / Y_HOPS)
    return out


def fmt(value: float, unit: str = "") -> str:
    if value != value:  # nan
        return "n/a"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".strip()


@dataclass
class Row:
    workload: str
    median: str
    spread: str
    ratio: str
    target: str
    met: str


def base_row(spec: Spec, rows: list[dict[str, Any]]) -> tuple[list[float], Row]:
    values = [r["value"] for r in rows]
    if spec.kind == "rate" and spec.unit == "frame-hops/s":
        ratio = f"{median(ratios(rows, 'ns.py', 'rate')):.2f}x ns.py, {median(ratios(rows, 'simpy-process', 'rate')):.2f}x simpy-proc"
    elif spec.kind == "rate":  # so many per Y10k (the time of 10,000 process-style yardstick hops)
        per_y = median([r["value"] * Y_HOPS / r["yardsticks"]["simpy-process"] for r in rows])
        ratio = f"{per_y:,.0f} per Y10k"
    elif spec.kind == "time":
        ratio = f"{median(ratios(rows, 'simpy-process', 'time')):.2f} Y10k"
    else:
        ratio = "-"
    spread = f"{fmt(min(values))} - {fmt(max(values))}" if values else "-"
    return values, Row(spec.name, fmt(median(values), spec.unit), spread, ratio, "-", "-")


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def table(results: dict[str, list[dict[str, Any]]], specs: list[Spec]) -> list[Row]:
    """One row per workload, then the rows that only exist as targets (growth, totals)."""
    out: list[Row] = []
    for spec in specs:
        rows = results.get(spec.name)
        if not rows:
            continue
        values, row = base_row(spec, rows)
        name = spec.name
        if spec.kind == "rate" and name in ("ping-pair", "fanin"):
            ns_ratio = median(ratios(rows, "ns.py", "rate"))
            proc_ratio = median(ratios(rows, "simpy-process", "rate"))
            row.target = ">= 1.0x ns.py and >= 0.5x simpy-proc per frame-hop"
            ok = None if ns_ratio != ns_ratio else (ns_ratio >= 1.0 and proc_ratio >= 0.5)
            row.met = verdict(ok)
        elif name == "trace-off":
            on = median([r["extra"]["on_hops_per_s"] for r in rows])
            gain = median([r["extra"]["off_over_on"] for r in rows])
            row.ratio += f"; off/on {gain:.2f} (on: {fmt(on)})"
        elif name == "trace-record":
            row.target = "<= 200 B"
            row.met = verdict(median(values) <= 200)
        elif name.startswith("unicast-"):
            hop_rows = [{"value": r["extra"]["hops_per_s"], "extra": {}, "yardsticks": r["yardsticks"]} for r in rows]
            ns_ratio = median(ratios(hop_rows, "ns.py", "rate"))
            proc_ratio = median(ratios(hop_rows, "simpy-process", "rate"))
            gc_share = median([r["extra"]["gc_s"] / r["value"] for r in rows])
            row.ratio += f"; per hop {ns_ratio:.2f}x ns.py, {proc_ratio:.2f}x simpy-proc; gc {gc_share:.0%}"
            row.target = ">= 1.0x ns.py and >= 0.5x simpy-proc per frame-hop"
            row.met = verdict(None if ns_ratio != ns_ratio else ns_ratio >= 1.0 and proc_ratio >= 0.5)
        elif name == "arp-storm-1000":
            peak = max(r["extra"]["peak_rss_mib"] for r in rows)
            row.median += f", peak {peak:.0f} MiB"
            row.target = "<= 10 s and <= 512 MiB"
            row.met = verdict(median(values) <= 10 and peak <= 512)
        elif name.startswith("build-"):
            kib = median([r["extra"]["kib_per_container"] for r in rows])
            row.median += f", {kib:.0f} KiB/container"
            if name.startswith("build-10000"):
                row.target = "<= 30 s and <= 50 KiB/container"
                row.met = verdict(median(values) <= 30 and kib <= 50)
            elif name.endswith("-window"):
                row.target = "<= 50 KiB/container (trace windowed)"
                row.met = verdict(kib <= 50)
        elif name == "import":
            heavy = max(r["extra"]["heavy_modules"] for r in rows)
            row.target = "<= 0.5 s, no views/heavy libraries"
            row.met = verdict(median(values) <= 0.5 and heavy == 0)
        elif name.startswith("notebooks-"):
            worst = max(r["extra"]["max_s"] for r in rows)
            count = int(rows[0]["extra"]["count"])
            row.median += f" for {count} (slowest {worst:.1f} s)"
            row.target = "each <= 10 s, all <= 120 s"
            row.met = verdict(worst <= 10 and median(values) <= 120)
        out.append(row)

    # growth exponent of the unicast run time, from 100 to the largest N measured
    sizes = [n for n in (100, 1000, 10000) if results.get(f"unicast-{n}")]
    if len(sizes) >= 2 and sizes[0] == 100:
        n_hi = sizes[-1]
        lo = results["unicast-100"]
        hi = results[f"unicast-{n_hi}"]
        raw = math.log(median([r["value"] for r in hi]) / median([r["value"] for r in lo])) / math.log(n_hi / 100)
        norm = math.log(median(ratios(hi, "simpy-process", "time")) / median(ratios(lo, "simpy-process", "time"))) / math.log(n_hi / 100)
        out.append(Row(f"unicast growth 100->{n_hi}", f"exponent {raw:.2f}", "-", f"{norm:.2f} on Y10k-normalised times",
                       "exponent <= 1.2" + ("" if n_hi == 10000 else " (measured to 1,000 only)"), verdict(max(raw, norm) <= 1.2)))

    # build-10000 extrapolated from the two largest builds measured, when not measured
    if "build-10000" not in results:
        builds = [(n, results[f"build-{n}"]) for n in (10, 100, 1000) if results.get(f"build-{n}")]
        if len(builds) >= 2:
            (n1, r1), (n2, r2) = builds[-2], builds[-1]
            t1, t2 = median([r["value"] for r in r1]), median([r["value"] for r in r2])
            k = math.log(t2 / t1) / math.log(n2 / n1)
            t10k = t2 * (10000 / n2) ** k
            kib = median([r["extra"]["kib_per_container"] for r in r2])
            out.append(Row("build-10000 (extrapolated)", f"~{fmt(t10k, 's')}", f"exponent {k:.2f} from {n1}->{n2}", "-",
                           "<= 30 s and <= 50 KiB/container", verdict(t10k <= 30) + f" ({kib:.0f} KiB/ctr at {n2})"))
    return out


def compare(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]], specs: list[Spec]) -> str:
    """Before and after, each normalised by its own yardstick pairs (the noise cancels)."""
    lines = ["| workload | before (median) | after (median) | change (yardstick-normalised) |", "|---|---|---|---|"]
    for spec in specs:
        b, a = before.get(spec.name), after.get(spec.name)
        if not b or not a or spec.kind == "size":
            continue
        nb = median(ratios(b, "simpy-process", spec.kind))
        na = median(ratios(a, "simpy-process", spec.kind))
        if spec.kind == "rate":
            change = f"{na / nb:.2f}x faster" if na >= nb else f"{nb / na:.2f}x slower"
        else:
            change = f"{nb / na:.2f}x faster" if na <= nb else f"{na / nb:.2f}x slower"
        lines.append(f"| {spec.name} | {fmt(median([r['value'] for r in b]), spec.unit)} | "
                     f"{fmt(median([r['value'] for r in a]), spec.unit)} | {change} |")
    return "\n".join(lines)


def render(rows: list[Row]) -> str:
    headers = Row("workload", "median", "spread (min - max)", "vs yardstick (median of pairs)", "target", "met")
    cols = [headers, *rows]
    widths = [max(len(getattr(r, f)) for r in cols) for f in ("workload", "median", "spread", "ratio", "target", "met")]
    lines = []
    for i, r in enumerate(cols):
        cells = [r.workload, r.median, r.spread, r.ratio, r.target, r.met]
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |")
        if i == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import simpy

        simpy_version = simpy.__version__
    except (ImportError, AttributeError):
        simpy_version = "?"
    return f"{os.cpu_count()} x {model}; Python {platform.python_version()}; simpy {simpy_version}; {platform.platform()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer samples, labs up to 1,000 containers")
    parser.add_argument("--big", action="store_true", help="also build 10,000 containers through lab.sh (slow)")
    parser.add_argument("--only", action="append", default=[], help="run workloads whose name contains this")
    parser.add_argument("--samples", type=int, default=None, help="samples per workload (overrides the defaults)")
    parser.add_argument("--tree", default=None, help="benchmark the simulator in this checkout instead")
    parser.add_argument("--json", default=None, help="write every sample to this file")
    parser.add_argument("--before", default=None, metavar="TREE",
                        help="also run each workload on this checkout, right before the current one, and compare")
    args = parser.parse_args(argv)

    specs = [s for s in SPECS if (not s.big or args.big) and (s.quick or not args.quick)]
    if args.only:
        specs = [s for s in specs if any(o in s.name for o in args.only)]
    print(f"machine: {machine()}", flush=True)
    if args.tree:
        print(f"tree: {args.tree}", flush=True)
    results: dict[str, list[dict[str, Any]]] = {}
    before: dict[str, list[dict[str, Any]]] = {}
    started = time.perf_counter()
    for spec in specs:
        samples = args.samples or (spec.quick_samples if args.quick else spec.samples)
        t0 = time.perf_counter()
        if args.before:
            try:
                before[spec.name] = run_spec(spec, samples, args.before)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"  {spec.name} (before): FAILED: {str(error)[-300:]}", flush=True)
        try:
            results[spec.name] = run_spec(spec, samples, args.tree)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            print(f"  {spec.name}: FAILED: {str(error)[-2000:]}", flush=True)
            continue
        print(f"  {spec.name}: {len(results[spec.name])} samples in {time.perf_counter() - t0:.1f} s", flush=True)
    rows = table(results, specs)
    print()
    print(render(rows))
    if before:
        print()
        print(compare(before, results, specs))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "tree": args.tree, "results": results, "before": before}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
