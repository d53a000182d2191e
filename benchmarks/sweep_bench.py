"""Section 5 of the benchmarks: whole sweeps.

First the commands a user types, in one run: ``ctsim sweep`` of steel2030 at 100,000 samples (every
output and figure) against ``ctsim validate`` of the same scenario, a 10,000-sample sweep of it at
provincial resolution, and the peak memory of 10^6 national samples (issue 17's targets). Then the
sweep loop alone (engine, metrics, verdicts, quantiles) in this process, on local processes and on
Dask, as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

FIGURES: dict[str, float] = {}
VALIDATE_FACTOR = 4.0  # issue 17: the whole 100,000-sample CLI sweep within 4x `ctsim validate`
PROVINCIAL_SECONDS = 20.0  # issue 17: a 10,000-sample provincial sweep
MILLION_MIB = 600.0  # issue 17: 10^6 national samples

# Run in a fresh interpreter so the peak RSS is the sweep's own.
CHILD = r"""
import json, resource, sys, time
import ctsim
n, method, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
options = {}
if mode.startswith("dask"):
    options["workers"] = int(mode[4:])
elif mode.startswith("proc"):
    options.update(processes=int(mode[4:]))
else:  # "inproc": one process (the default on a multi-core machine is every core, from 10,000 samples)
    options.update(processes=1)
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


def _median(runs: list, key=None):
    values = sorted(runs, key=key)
    return values[len(values) // 2]


# A launcher between this process and ctsim: Linux keeps the peak RSS of the memory a process
# replaces at exec, so a child spawned by this (large) process reports this process's peak as its
# own. The launcher is small; the child it forks starts from its peak, and its wait4 gives the
# child's own peak (its workers included) and CPU time.
_LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "ctsim", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "cpu": usage.ru_utime + usage.ru_stime,
                  "maxrss_kb": usage.ru_maxrss}))
"""


def _command(*args: str) -> dict:
    """Wall and CPU seconds (the ctsim process and its workers) and peak RSS (the largest process
    of its tree, as ``/usr/bin/time -f %M`` reports it) of ``python -m ctsim *args``."""
    env = {**os.environ, "PYTHONPATH": str(common.ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], cwd=common.ROOT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    result = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {"code": proc.returncode}
    if result["code"] not in (0, 1):  # 1: a validate finding or a failed check is still a run
        raise RuntimeError(f"ctsim {' '.join(args)} failed ({result['code']}): {proc.stderr[-500:]}")
    return {"wall": wall, "cpu": result["cpu"], "rss_mib": result["maxrss_kb"] / 1024}


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def cli_section(quick: bool, folder: Path) -> list[str]:
    scenario = str(common.SCENARIO)
    provinces = folder / "steel2030-provinces.yaml"
    provinces.write_text(f"extends: {scenario}\nname: steel2030-provinces\nregions: provinces\n",
                         encoding="utf-8")
    out = str(folder / "out")
    sweep = ("sweep", scenario, "--samples", "100000", "--out", out, "--force")
    validate = _median([_command("validate", scenario) for _ in range(3)], key=lambda r: r["wall"])
    default = _median([_command(*sweep) for _ in range(1 if quick else 2)], key=lambda r: r["wall"])
    one = _command(*sweep, "--processes", "1")
    prov = _command("sweep", str(provinces), "--samples", "10000", "--method", "lhs", "--out", out,
                    "--force")
    million = None if quick else _command("sweep", scenario, "--samples", "1000000", "--method",
                                          "lhs", "--out", out, "--force")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ratio = default["wall"] / validate["wall"]
    FIGURES.update(cli_sweep_1e5=default["wall"], cli_validate=validate["wall"],
                   cli_sweep_ratio=ratio, cli_provinces_1e4=prov["wall"])
    rows = [
        ("`ctsim validate steel2030.yaml`", validate),
        ("`ctsim sweep steel2030.yaml --samples 100000` (default: every core)", default),
        ("the same with `--processes 1`", one),
        ("`ctsim sweep` steel2030 by province, `--samples 10000 --method lhs`", prov),
    ]
    if million is not None:
        FIGURES["cli_rss_1e6_mib"] = million["rss_mib"]
        rows.append(("`ctsim sweep steel2030.yaml --samples 1000000 --method lhs`", million))
    table = [f"| {label} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss_mib']:.0f} |"
             for label, r in rows]
    targets = [
        f"| whole 100,000-sample CLI sweep <= {VALIDATE_FACTOR:g}x `ctsim validate` | "
        f"{default['wall']:.1f} s = {ratio:.1f}x {validate['wall']:.2f} s | "
        f"{_verdict(ratio <= VALIDATE_FACTOR)} |",
        f"| 10,000-sample provincial sweep < {PROVINCIAL_SECONDS:g} s | {prov['wall']:.1f} s | "
        f"{_verdict(prov['wall'] < PROVINCIAL_SECONDS)} |",
        f"| 10^6 national samples < {MILLION_MIB:g} MB peak | " + (
            f"{million['rss_mib']:.0f} MiB | {_verdict(million['rss_mib'] * 1.048576 < MILLION_MIB)} |"
            if million is not None else "not run (--quick) | n/a |"),
    ]
    return [
        f"Whole commands in fresh processes on this machine ({cores} usable cores), one run each "
        "after the first (medians of 3 validates and of 2 sweeps outside `--quick`): wall and CPU "
        "seconds (CPU includes the worker processes), peak RSS of the largest process (parent, "
        "chunk worker or figure process: what `/usr/bin/time -f %M` reports). The sweeps write "
        "every output and figure. The provincial sweep is steel2030's `uncertain:` block with "
        "`regions: provinces` (baseline-provinces.yaml has nothing uncertain).",
        "",
        "| command | wall s | CPU s | peak RSS MiB |",
        "|---|---:|---:|---:|",
        *table,
        "",
        "| issue 17 target | measured in this run | verdict |",
        "|---|---|---|",
        *targets,
    ]


def loop_section(quick: bool) -> list[str]:
    rows = []
    big = 100_000 if quick else 1_000_000
    modes = [("in-process (1 core)", "inproc"), ("2 local processes (--processes 2)", "proc2")]
    try:
        import dask.distributed  # noqa: F401
        modes.append(("Dask LocalCluster, 2 workers (--workers 2)", "dask2"))
    except ImportError:
        pass
    n = 100_000
    timing = {}
    for label, mode in modes:
        runs = [_child(n, "lhs", mode) for _ in range(1 if mode.startswith("dask") else 2)]
        timing[mode] = _median([r["seconds"] for r in runs])
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
    return [
        "The sweep loop alone, through `ctsim.sweep()` without an output folder (LHS design): "
        "inputs, engine, per-sample metrics and target verdicts, streaming quantiles of every "
        "variable; no sensitivity analysis, files or figures. Each run in a fresh process; peak "
        "RSS of that process (for Dask and local processes, the largest of the parent and its "
        "workers). Default chunks (about 5,000 samples, as many as a multiple of 4).",
        "",
        "| samples | execution | seconds | samples / s | peak RSS MiB |",
        "|---:|---|---:|---:|---:|",
        *rows,
        "",
        f"(The {big:,}-sample run took {wall:.0f} s of wall time including interpreter start-up.)",
    ]


# Where a CLI sweep spends its time: the command run in a fresh interpreter with its phases wrapped
# (wall interval and CPU of each call, in the parent, each chunk worker and the figure process),
# written one JSON line per call to a log that every process appends to.
_PHASES = r"""
import functools, json, os, sys, time
T0, LOG = time.perf_counter(), sys.argv[1]
def rec(name, w0, w1, cpu):
    with open(LOG, "a") as fh:
        fh.write(json.dumps([os.getpid(), name, w0 - T0, w1 - T0, cpu]) + "\n")
def wrap(owner, attr, name=None):
    fn = getattr(owner, attr)
    @functools.wraps(fn)
    def inner(*a, **k):
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            return fn(*a, **k)
        finally:
            rec(name or attr, w0, time.perf_counter(), time.process_time() - c0)
    setattr(owner, attr, inner)
import ctsim, ctsim.api as api, ctsim.cli.main as cli
import ctsim.sweeps.core as core, ctsim.sweeps.streaming as st, ctsim.outputs.sweep as osw
rec("start-up and imports", T0, time.perf_counter(), time.process_time())
for owner, attr, name in [
        (ctsim, "load_scenario", "load and validate the scenario"), (api, "resolve", "resolve"),
        (api, "plan_sweep", "plan: design and pilot"), (core, "chunk_results", "engine (inputs + simulate)"),
        (core, "metrics", "metrics"), (core, "evaluate", "target verdicts"),
        (st.Grid, "counts", "histograms"), (core.ChunkStore, "save", "resume files"),
        (osw, "chunk_text", "CSV lines of the chunks"), (core, "sensitivity_rows", "sensitivity indices"),
        (st.Accumulator, "quantiles", "quantiles"), (osw, "write_csv", "CSV files written whole"),
        (osw, "write_figures", "figures"), (osw.FigureProcess, "wait", "waiting for the figures")]:
    if hasattr(owner, attr):
        wrap(owner, attr, name)
if hasattr(api, "chunk_text"):  # imported by name: the sweep must send the wrapped one
    api.chunk_text = osw.chunk_text
sys.argv = ["ctsim", *sys.argv[2:]]
try:
    cli.main()
except SystemExit:
    pass
rec("whole command", T0, time.perf_counter(), time.process_time())
"""


def phases(*args: str) -> list[str]:
    """Table of the phases of ``ctsim *args`` (a sweep): CPU seconds per phase and process, and
    when each phase ran (seconds from the start, first call to end of the last)."""
    with tempfile.TemporaryDirectory(prefix="ctsim-phases-") as tmp:
        log = Path(tmp) / "phases.log"
        log.touch()
        env = {**os.environ, "PYTHONPATH": str(common.ROOT / "src")}
        subprocess.run([sys.executable, "-c", _PHASES, str(log), *args], cwd=common.ROOT, env=env,
                       capture_output=True, text=True, check=True)
        calls = [json.loads(line) for line in log.read_text().splitlines()]
    parent = calls[0][0]
    painters = {pid for pid, name, *_ in calls if name == "figures" and pid != parent}
    workers = [pid for pid in dict.fromkeys(c[0] for c in calls) if pid not in painters | {parent}]
    names = {parent: "parent", **{pid: "figure process" for pid in painters},
             **{pid: f"worker {i + 1}" for i, pid in enumerate(workers)}}
    table: dict[tuple[str, str], list[float]] = {}
    for pid, name, w0, w1, cpu in calls:
        row = table.setdefault((names[pid], name), [0, 0.0, w0, w1])
        row[0] += 1
        row[1] += cpu
        row[2], row[3] = min(row[2], w0), max(row[3], w1)
    lines = ["| process | phase | calls | CPU s | from s | to s |", "|---|---|---:|---:|---:|---:|"]
    for (who, name), (n, cpu, w0, w1) in sorted(table.items(), key=lambda kv: kv[1][2]):
        lines.append(f"| {who} | {name} | {n} | {cpu:.2f} | {w0:.2f} | {w1:.2f} |")
    return lines


def section(quick: bool) -> str:
    with tempfile.TemporaryDirectory(prefix="ctsim-sweep-bench-") as tmp:
        cli = cli_section(quick, Path(tmp))
    return "\n".join([
        "## 5. Sweeps: the command against `ctsim validate`, memory, processes and Dask",
        "",
        *cli,
        "",
        *loop_section(quick),
    ])


if __name__ == "__main__":
    # this section alone: python benchmarks/sweep_bench.py [--quick]; the phases of the 100,000-
    # sample CLI sweep: python benchmarks/sweep_bench.py --phases [more ctsim sweep options]
    if "--phases" in sys.argv:
        extra = [a for a in sys.argv[1:] if a != "--phases"]
        with tempfile.TemporaryDirectory(prefix="ctsim-phases-out-") as out:
            print("\n".join(phases("sweep", str(common.SCENARIO), "--samples", "100000",
                                    "--out", out + "/sweep", *extra)))
    else:
        print(section("--quick" in sys.argv))
