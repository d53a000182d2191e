"""Shared helpers for the benchmarks: timing medians, machine description, the benchmark design."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "steel2030.yaml"
# Parameters perturbed in the benchmark design (each a scale factor on its 2025+ path).
SCALED = ("macro.gdp_growth", "macro.electricity_elasticity", "power.solar_additions_gw",
          "power.wind_additions_gw", "steel.eaf_share", "steel.output_mt")


def median_time(fn, repeats: int = 5, warmup: int = 1, clock=time.perf_counter) -> float:
    """Median time (s) of ``fn()`` over ``repeats`` runs after ``warmup`` runs: wall time, or the
    process's CPU time with ``clock=time.process_time`` (less disturbed by other work on the machine,
    for single-threaded work in this process)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}; Linux {platform.release()}; Python "
            f"{platform.python_version()}; numpy {np.__version__}")


def resolved_default():
    from ctsim import load_scenario
    from ctsim.resolve import resolve

    return resolve(load_scenario(SCENARIO))


def design_overrides(resolved, n: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Per-sample overrides: each SCALED path times a factor in [0.7, 1.3] from 2025 on."""
    from ctsim.inputs.build import build_inputs, interpolate_path

    years = build_inputs(resolved).years
    rng = np.random.default_rng(seed)
    policy = years >= 2025
    out = {}
    for name in SCALED:
        base = interpolate_path(resolved.values[name], years)
        f = rng.uniform(0.7, 1.3, n)
        out[name] = np.where(policy, f[:, None] * base[None, :], base[None, :])
    return out


CHUNK = 20_000  # samples per engine call in the benchmarks


def engine_time(resolved, overrides, n, chunk=CHUNK) -> float:
    """Seconds for inputs + engine over n samples, in chunks along the sample axis."""
    from ctsim.engine import simulate
    from ctsim.inputs.build import build_inputs

    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        simulate(build_inputs(resolved, take(overrides, slice(start, stop)), stop - start))
    return time.perf_counter() - t0


def take(overrides: dict[str, np.ndarray], index) -> dict[str, np.ndarray]:
    return {k: v[index] for k, v in overrides.items()}


def run_subprocess(args: list[str], repeats: int = 5) -> tuple[float, float]:
    """(median wall seconds, peak RSS MiB of the child) of a command run ``repeats`` times."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    walls, rss = [], []
    for i in range(repeats + 1):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout.split()
        if i:  # the first run warms file caches
            walls.append(float(out[0]))
            rss.append(float(out[1]))
    return statistics.median(walls), max(rss)
