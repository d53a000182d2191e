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


if __name__ == "__main__":  # this section alone: python benchmarks/sweep_bench.py [--quick]
    print(section("--quick" in sys.argv))
