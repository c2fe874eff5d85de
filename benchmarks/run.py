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
just before the current one, and print a before/after table), ``--big`` (also build
10,000 containers through lab.sh on both engines, for the growth exponent 1,000 ->
10,000: about ten seconds on either engine on an idle machine; on the current engine
Docker >= 28 floods three gratuitous ARPs per new container to every port, about 300
million frame records in the whole trace for 10,000 containers, each flood delivered
and kept in aggregate; ``build-2000``, not part of ``--quick``, gives the growth from
1,000).

Every ratio that decides a speed target is the median of at least 9 pairs (``--quick``
keeps that), shown with the spread of the pair ratios (min - max). Builds run each
sample in a fresh worker (``Spec.fresh``): memory per container is only honest for the
first lab a process builds (later samples reuse the memory the previous lab freed).
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
    fresh: bool = False  # each sample in its own worker process (memory figures)
    timeout_s: float = 900.0


SPECS: list[Spec] = [
    Spec("import", "import_time", samples=7, quick_samples=5, kind="time", unit="s"),
    Spec("ping-pair", "ping_pair", samples=9, quick_samples=9, unit="frame-hops/s"),
    Spec("trace-off", "trace_on_off", samples=9, quick_samples=9, unit="frame-hops/s"),
    Spec("trace-record", "record_size", samples=3, quick_samples=1, kind="size", unit="B/record"),
    Spec("fanin", "fanin", samples=9, quick_samples=9, unit="frame-hops/s"),
    Spec("unicast-10", "unicast", {"n": 10}, samples=7, quick_samples=5, kind="time", unit="s"),
    Spec("unicast-100", "unicast", {"n": 100}, samples=9, quick_samples=9, kind="time", unit="s"),
    Spec("unicast-1000", "unicast", {"n": 1000}, samples=9, quick_samples=9, kind="time", unit="s"),
    Spec("unicast-10000", "unicast", {"n": 10000}, samples=9, quick_samples=9, kind="time", unit="s", quick=False,
         timeout_s=3600),
    Spec("unicast-10000-freeze", "unicast", {"n": 10000, "freeze": True}, samples=9, quick_samples=9, kind="time",
         unit="s", quick=False, timeout_s=3600),
    Spec("arp-storm-1000", "arp_storm", {"n": 1000}, samples=3, quick_samples=1, kind="time", unit="s"),
    Spec("build-10", "build", {"n": 10}, samples=5, quick_samples=3, kind="time", unit="s", fresh=True),
    Spec("build-250", "build", {"n": 250}, samples=3, quick_samples=3, kind="time", unit="s", fresh=True),
    Spec("build-1000", "build", {"n": 1000}, samples=3, quick_samples=3, kind="time", unit="s", fresh=True),
    Spec("build-2000", "build", {"n": 2000}, samples=1, quick_samples=1, kind="time", unit="s", quick=False,
         fresh=True, timeout_s=3 * 3600),
    Spec("build-1000-freeze", "build", {"n": 1000, "freeze": True}, samples=3, quick_samples=1, kind="time",
         unit="s", quick=False, fresh=True),
    Spec("build-1000-window", "build", {"n": 1000, "window": 20000}, samples=3, quick_samples=1, kind="time",
         unit="s", quick=False, fresh=True),
    Spec("build-10000", "build", {"n": 10000}, samples=1, quick_samples=1, kind="time", unit="s", quick=False,
         big=True, fresh=True, timeout_s=6 * 3600),
    Spec("build-250-20.10", "build", {"n": 250, "engine": "20.10"}, samples=3, quick_samples=3, kind="time",
         unit="s", fresh=True),
    Spec("build-1000-20.10", "build", {"n": 1000, "engine": "20.10"}, samples=3, quick_samples=3, kind="time",
         unit="s", fresh=True),
    Spec("build-10000-20.10", "build", {"n": 10000, "engine": "20.10"}, samples=1, quick_samples=1, kind="time",
         unit="s", quick=False, big=True, fresh=True, timeout_s=3600),
    Spec("long-ping", "long_ping", samples=1, quick_samples=1, kind="size", unit="MiB", quick=False, timeout_s=3600),
    Spec("dns-burst", "dns_burst", samples=3, quick_samples=1, unit="lookups/s"),
    Spec("nat-egress", "nat_egress", samples=5, quick_samples=3, unit="flows/s"),
    Spec("draw-3", "draw", {"n": 3}, samples=3, quick_samples=2, kind="time", unit="s"),
    Spec("draw-30", "draw", {"n": 30}, samples=3, quick_samples=2, kind="time", unit="s"),
    Spec("draw-300", "draw", {"n": 300}, samples=3, quick_samples=1, kind="time", unit="s", quick=False),
    Spec("notebooks-en", "notebooks", {"lang": "en"}, samples=3, quick_samples=1, kind="time", unit="s"),
    Spec("notebooks-ko", "notebooks", {"lang": "ko"}, samples=3, quick_samples=1, kind="time", unit="s", quick=False),
]

# Speed targets (issue 16), on the median pair ratio to raw simpy in process style.
HOP_TARGETS = {"ping-pair": 0.8, "fanin": 0.8, "unicast-1000": 0.6, "unicast-10000": 0.5}
GROWTH_TARGET = 1.1  # build-N exponent, 250 -> 1,000 and 1,000 -> 10,000, on both engines
BUILD_10K_S = 30.0
KIB_PER_CONTAINER = 50.0
LONG_PING_MIB = 100.0


# -- running ---------------------------------------------------------------------------------


def run_spec(spec: Spec, samples: int, tree: str | None) -> list[dict[str, Any]]:
    """The samples of one workload: in one worker, or one worker per sample (``fresh``)."""
    if spec.fresh:
        return [row for _ in range(samples) for row in _run_worker(spec, 1, tree)]
    return _run_worker(spec, samples, tree)


def _run_worker(spec: Spec, samples: int, tree: str | None) -> list[dict[str, Any]]:
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


def with_spread(values: list[float], suffix: str = "x") -> str:
    """``median`` followed by ``(min - max)`` of the pair ratios."""
    good = [v for v in values if v == v]
    if not good:
        return "n/a"
    if len(good) == 1:
        return f"{good[0]:.2f}{suffix} (1 pair)"
    return f"{median(good):.2f}{suffix} ({min(good):.2f} - {max(good):.2f}, {len(good)} pairs)"


@dataclass
class Row:
    workload: str
    median: str
    spread: str
    ratio: str
    target: str
    met: str


def hop_ratios(rows: list[dict[str, Any]], yard: str, per_hop_key: str | None) -> list[float]:
    """Frame-hops per second over the yardstick's hops per second, one per pair."""
    return ratios(rows, yard, "rate", per_hop_key)


def hop_cell(rows: list[dict[str, Any]], per_hop_key: str | None = None) -> tuple[str, float]:
    """The speed cell (simpy-proc with its spread first, then the others), and the deciding median."""
    proc = hop_ratios(rows, "simpy-process", per_hop_key)
    others = []
    for yard in ("simpy-callback", "ns.py", "ns.py-wire"):
        m = median(hop_ratios(rows, yard, per_hop_key))
        others.append(f"{m:.2f}x {yard}" if m == m else f"{yard} n/a")
    return f"{with_spread(proc)} simpy-proc; " + ", ".join(others), median(proc)


def base_row(spec: Spec, rows: list[dict[str, Any]]) -> tuple[list[float], Row]:
    values = [r["value"] for r in rows]
    if spec.kind == "rate" and spec.unit == "frame-hops/s":
        ratio = hop_cell(rows)[0]
    elif spec.kind == "rate":  # so many per Y10k (the time of 10,000 process-style yardstick hops)
        per_y = median([r["value"] * Y_HOPS / r["yardsticks"]["simpy-process"] for r in rows])
        ratio = f"{per_y:,.0f} per Y10k"
    elif spec.kind == "time":
        ratio = with_spread(ratios(rows, "simpy-process", "time"), " Y10k")
    else:
        ratio = "-"
    spread = f"{fmt(min(values))} - {fmt(max(values))}" if len(values) > 1 else ("one sample" if values else "-")
    return values, Row(spec.name, fmt(median(values), spec.unit), spread, ratio, "-", "-")


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def exponent(results: dict[str, list[dict[str, Any]]], lo: str, hi: str, n_lo: int, n_hi: int) -> tuple[float, float] | None:
    """Growth exponent of the median times (raw, and on Y10k-normalised times)."""
    a, b = results.get(lo), results.get(hi)
    if not a or not b:
        return None
    raw = math.log(median([r["value"] for r in b]) / median([r["value"] for r in a])) / math.log(n_hi / n_lo)
    norm = math.log(median(ratios(b, "simpy-process", "time")) / median(ratios(a, "simpy-process", "time"))) / math.log(n_hi / n_lo)
    return raw, norm


def table(results: dict[str, list[dict[str, Any]]], specs: list[Spec]) -> list[Row]:
    """One row per workload, then the rows that only exist as targets (growth, totals)."""
    out: list[Row] = []
    for spec in specs:
        rows = results.get(spec.name)
        if not rows:
            continue
        values, row = base_row(spec, rows)
        name = spec.name
        if name in ("ping-pair", "fanin"):
            cell, proc = hop_cell(rows)
            row.target = f">= {HOP_TARGETS[name]}x simpy-proc per frame-hop"
            row.met = verdict(None if proc != proc else proc >= HOP_TARGETS[name])
        elif name == "trace-off":
            on = median([r["extra"]["on_hops_per_s"] for r in rows])
            row.ratio += f"; off/on {with_spread([r['extra']['off_over_on'] for r in rows])} (on: {fmt(on)})"
        elif name == "trace-record":
            row.target = "<= 200 B"
            row.met = verdict(median(values) <= 200)
        elif name.startswith("unicast-"):
            hop_rows = [{"value": r["extra"]["hops_per_s"], "extra": {}, "yardsticks": r["yardsticks"]} for r in rows]
            cell, proc = hop_cell(hop_rows)
            gc_share = median([r["extra"]["gc_s"] / r["value"] for r in rows])
            row.ratio = f"per hop {cell}; gc {gc_share:.0%}"
            if name in HOP_TARGETS:
                row.target = f">= {HOP_TARGETS[name]}x simpy-proc per frame-hop"
                row.met = verdict(None if proc != proc else proc >= HOP_TARGETS[name])
        elif name == "arp-storm-1000":
            peak = max(r["extra"]["peak_rss_mib"] for r in rows)
            row.median += f", peak {peak:.0f} MiB"
            row.target = "<= 10 s and <= 512 MiB"
            row.met = verdict(median(values) <= 10 and peak <= 512)
        elif name.startswith("build-"):
            kibs = [r["extra"]["kib_per_container"] for r in rows]
            kib = median(kibs)
            gc_share = median([r["extra"].get("gc_s", math.nan) / r["value"] for r in rows])
            row.median += f", {kib:.0f} KiB/container" + (f" ({min(kibs):.0f} - {max(kibs):.0f})" if len(kibs) > 1 else "")
            row.ratio += f"; gc {gc_share:.0%}" if gc_share == gc_share else ""
            if name.startswith("build-10000"):
                row.target = f"<= {BUILD_10K_S:.0f} s and <= {KIB_PER_CONTAINER:.0f} KiB/container, full trace"
                row.met = verdict(median(values) <= BUILD_10K_S and kib <= KIB_PER_CONTAINER)
            elif "window" not in name and "freeze" not in name:
                row.target = f"<= {KIB_PER_CONTAINER:.0f} KiB/container, full trace"
                row.met = verdict(kib <= KIB_PER_CONTAINER)
        elif name == "long-ping":
            row.median = f"+{median(values):.0f} MiB kept, {median([r['extra']['seconds'] for r in rows]):.1f} s"
            row.target = f"<= {LONG_PING_MIB:.0f} MiB"
            row.met = verdict(median(values) <= LONG_PING_MIB)
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
    for n_hi in (1000, 10000):
        k = exponent(results, "unicast-100", f"unicast-{n_hi}", 100, n_hi)
        if k is not None:
            out.append(Row(f"unicast growth 100->{n_hi}", f"exponent {k[0]:.2f}", "-", f"{k[1]:.2f} on Y10k-normalised times",
                           "-", "-"))

    # growth exponents of build-N, on both engines
    for engine, suffix in (("current", ""), ("20.10", "-20.10")):
        for n_lo, n_hi in ((250, 1000), (1000, 10000)):
            k = exponent(results, f"build-{n_lo}{suffix}", f"build-{n_hi}{suffix}", n_lo, n_hi)
            if k is None:
                continue
            out.append(Row(f"build growth {n_lo}->{n_hi}, {engine} engine", f"exponent {k[0]:.2f}", "-",
                           f"{k[1]:.2f} on Y10k-normalised times", f"exponent <= {GROWTH_TARGET}",
                           verdict(max(k) <= GROWTH_TARGET)))
        if f"build-10000{suffix}" not in results and results.get(f"build-1000{suffix}"):
            k = exponent(results, f"build-250{suffix}", f"build-1000{suffix}", 250, 1000)
            if k is not None:
                t1000 = median([r["value"] for r in results[f"build-1000{suffix}"]])
                t10k = t1000 * 10 ** k[0]
                out.append(Row(f"build-10000, {engine} engine (extrapolated, not measured: --big)", f"~{fmt(t10k, 's')}",
                               f"exponent {k[0]:.2f} from 250->1000", "-", f"<= {BUILD_10K_S:.0f} s",
                               verdict(t10k <= BUILD_10K_S) + " (extrapolated)"))
    return out


def compare(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]], specs: list[Spec]) -> str:
    """Before and after, each sample normalised by its own yardstick pair (the noise cancels).

    The change is the median over sample pairs (i-th before, i-th after, run back to
    back) of the after/before ratio of the normalised figures, with its spread.
    """
    lines = ["| workload | before (median) | after (median) | speed after / before, yardstick-normalised (spread) |",
             "|---|---|---|---|"]
    for spec in specs:
        b, a = before.get(spec.name), after.get(spec.name)
        if not b or not a:
            continue
        key = "hops_per_s" if spec.name.startswith("unicast-") else None
        kind = "rate" if key else spec.kind
        if kind == "size":
            nb = [r["value"] for r in b]
            na = [r["value"] for r in a]
        else:
            nb = ratios(b, "simpy-process", kind, key)
            na = ratios(a, "simpy-process", kind, key)
        if not nb or not na:
            continue
        # > 1 is better for rates; for times and sizes, before/after (so > 1 is still better)
        gains = [(y / x if kind == "rate" else x / y) for x, y in zip(nb, na, strict=False)]
        word = "(above 1: faster)" if kind != "size" else "(above 1: smaller)"
        lines.append(f"| {spec.name} | {fmt(median([r['value'] for r in b]), spec.unit)} | "
                     f"{fmt(median([r['value'] for r in a]), spec.unit)} | {with_spread(gains)} {word} |")
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
    parser.add_argument("--big", action="store_true",
                        help="also build 10,000 containers through lab.sh on both engines (slow: opt-in)")
    parser.add_argument("--only", action="append", default=[], help="run workloads whose name contains this")
    parser.add_argument("--skip", action="append", default=[], help="skip workloads whose name contains this")
    parser.add_argument("--samples", type=int, default=None, help="samples per workload (overrides the defaults)")
    parser.add_argument("--tree", default=None, help="benchmark the simulator in this checkout instead")
    parser.add_argument("--json", default=None, help="write every sample to this file")
    parser.add_argument("--before", default=None, metavar="TREE",
                        help="also run each workload on this checkout, right before the current one, and compare")
    parser.add_argument("--report", nargs="+", default=None, metavar="FILE", help="print the tables of saved --json runs")
    args = parser.parse_args(argv)
    if args.report:
        return report(args.report)

    specs = [s for s in SPECS if (not s.big or args.big) and (s.quick or not args.quick)]
    if args.only:
        specs = [s for s in specs if any(o in s.name for o in args.only)]
    specs = [s for s in specs if not any(o in s.name for o in args.skip)]
    print(f"machine: {machine()}", flush=True)
    if args.tree:
        print(f"tree: {args.tree}", flush=True)
    results: dict[str, list[dict[str, Any]]] = {}
    before: dict[str, list[dict[str, Any]]] = {}
    started = time.perf_counter()
    for spec in specs:
        samples = args.samples or (spec.quick_samples if args.quick else spec.samples)
        t0 = time.perf_counter()
        try:
            if args.before:  # before and after alternate, a third of the samples at a time
                rounds = min(3, samples)
                for k in range(rounds):
                    part = samples // rounds + (1 if k < samples % rounds else 0)
                    before.setdefault(spec.name, []).extend(run_spec(spec, part, args.before))
                    results.setdefault(spec.name, []).extend(run_spec(spec, part, args.tree))
            else:
                results[spec.name] = run_spec(spec, samples, args.tree)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            print(f"  {spec.name}: FAILED: {str(error)[-2000:]}", flush=True)
            continue
        print(f"  {spec.name}: {len(results[spec.name])} samples in {time.perf_counter() - t0:.1f} s", flush=True)
        if args.json:  # after each workload, so a long run interrupted keeps what it measured
            save(args.json, args.tree, results, before)
    rows = table(results, specs)
    print()
    print(render(rows))
    if before:
        print()
        print(compare(before, results, specs))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if args.json:
        save(args.json, args.tree, results, before)
    return 0


def save(path: str, tree: str | None, results: dict[str, list[dict[str, Any]]], before: dict[str, list[dict[str, Any]]]) -> None:
    Path(path).write_text(json.dumps({"machine": machine(), "tree": tree, "results": results, "before": before}, indent=1))


def report(paths: list[str]) -> int:
    """``--report FILE...``: the table (and before/after) of saved runs, merged."""
    results: dict[str, list[dict[str, Any]]] = {}
    before: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        data = json.loads(Path(path).read_text())
        results.update(data["results"])
        before.update(data.get("before") or {})
    print(render(table(results, SPECS)))
    if before:
        print()
        print(compare(before, results, SPECS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
