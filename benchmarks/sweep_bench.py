"""Section 5 of the benchmarks: whole sweeps (engine, metrics, verdicts, quantiles; no figures),
their peak memory, and Dask against in-process."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import common

FIGURES: dict[str, float] = {}

# Run in a fresh interpreter so the peak RSS is the sweep's own.
CHILD = r"""
import json, resource, sys, time
import ctsim
n, method, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
options = {}
if mode.startswith("dask"):
    options["workers"] = int(mode[4:])
elif mode.startswith("proc"):
    options.update(processes=int(mode[4:]), chunk_size=20_000)
ctsim.load_scenario(sys.argv[4])  # load and validate outside the timing (as before)
t0 = time.perf_counter()
result = ctsim.sweep(sys.argv[4], n, method=method, **options)
t1 = time.perf_counter()
# VmHWM (this process image's peak RSS) rather than ru_maxrss, which Linux carries over exec from
# the process that started us (a benchmark that has just held gigabytes would show its own peak)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"seconds": t1 - t0, "samples": result.n_samples, "rss_mib": hwm / 1024,
                  "children_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _child(n: int, method: str = "lhs", mode: str = "inproc") -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), method, mode, str(common.SCENARIO)],
                         capture_output=True, text=True, check=True, cwd=common.ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    values = sorted(r[key] for r in runs)
    return values[len(values) // 2]


def section(quick: bool) -> str:
    rows = []
    big = 100_000 if quick else 1_000_000
    modes = [("in-process (1 core)", "inproc")]
    try:
        from ctsim.sweeps.core import process_executor  # noqa: F401
        modes.append(("2 local processes (--processes 2)", "proc2"))
    except ImportError:
        pass
    try:
        import dask.distributed  # noqa: F401
        modes.append(("Dask LocalCluster, 2 workers (--workers 2)", "dask2"))
    except ImportError:
        pass
    n = 100_000
    timing = {}
    for label, mode in modes:
        runs = [_child(n, "lhs", mode) for _ in range(1 if mode.startswith("dask") else 2)]
        timing[mode] = _median(runs, "seconds")
        FIGURES[{"inproc": "sweep_1e5_inproc", "proc2": "sweep_1e5_proc2",
                 "dask2": "sweep_1e5_dask2"}[mode]] = timing[mode]
        rss = max(max(r["rss_mib"], r["children_rss_mib"]) for r in runs)
        rows.append(f"| {n:,} | {label} | {timing[mode]:.2f} | {n / timing[mode]:,.0f} | {rss:.0f} |")
    t0 = time.perf_counter()
    big_run = _child(big, "lhs", "inproc")
    wall = time.perf_counter() - t0
    if big >= 1_000_000:
        FIGURES["rss_1e6_mib"] = big_run["rss_mib"]
    rows.append(f"| {big:,} | in-process (1 core) | {big_run['seconds']:.1f} | "
                f"{big / big_run['seconds']:,.0f} | **{big_run['rss_mib']:.0f}** |")
    return "\n".join([
        "## 5. Sweeps: time, peak memory and Dask",
        "",
        "A whole sweep of steel2030's `uncertain:` block (LHS design): inputs, engine, per-sample "
        "metrics and target verdicts, streaming quantiles of every variable; sensitivity analysis, "
        "file writing and figures excluded. Each run in a fresh process; peak RSS of that process "
        "(for Dask and local processes, the largest of the parent and its workers). The "
        "in-process sweeps use the default chunk of 5,000 samples; `--processes 2` uses 20,000 "
        "(fewer, larger results to send back).",
        "",
        "| samples | execution | seconds | samples / s | peak RSS MiB |",
        "|---:|---|---:|---:|---:|",
        *rows,
        "",
        f"(The {big:,}-sample run took {wall:.0f} s of wall time including interpreter start-up.)",
    ])
