"""Engine sample-years per second, for comparing two trees (issue 11: the power-system mechanisms
may cost at most 1.5x). Not a test.

    PYTHONPATH=<tree>/src python benchmarks/engine_speed.py [--samples 5000] [--repeats 5] [--engine numba]

Times ``simulate`` alone (inputs built once, outside the timing) for the bundled scenarios
steel2030 and neutrality2060 with S samples in one call (the same design for both trees: S copies of
the resolved scenario), and prints the median and best seconds and million sample-years per second (best of the
repeats: on a shared machine the minimum is the least disturbed measurement). Run the two trees
alternately, a few rounds, in the same conditions; the CPU time of the process is less disturbed
by other work on the machine than the wall time. ``--engine`` picks the backend (``numpy``, the
reference, or ``numba``, the compiled kernels; ``both`` runs each in turn, interleaved per scenario;
default ``auto``: numba when installed, as ``CTSIM_ENGINE``). The first, untimed run of each backend
includes the compile (or cache load) of its kernels; ``--first-run`` prints its time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

import ctsim
from ctsim.engine import compiled, simulate
from ctsim.inputs.build import build_inputs
from ctsim.pipeline import load
from ctsim.resolve import resolve


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--engine", choices=(*compiled.CHOICES, "both"), default="auto")
    ap.add_argument("--first-run", action="store_true", help="print the time of the first (untimed) run")
    a = ap.parse_args()
    engines = ("numpy", "numba") if a.engine == "both" else (a.engine,)
    src = Path(ctsim.__file__).resolve().parents[1]
    rev = subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    print(f"tree {src} at {rev}, S = {a.samples}")
    for name in ("steel2030", "neutrality2060"):
        resolved = resolve(load(src.parent / "scenarios" / f"{name}.yaml"))
        inp = build_inputs(resolved, n_samples=a.samples)
        for engine in engines:
            with compiled.use(engine):
                t0, c0 = time.perf_counter(), time.process_time()
                simulate(inp)  # warm-up (and the kernels' compile or cache load)
                first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
                times, cpu = [], []
                for _ in range(a.repeats):
                    t0, c0 = time.perf_counter(), time.process_time()
                    simulate(inp)
                    times.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
                backend = compiled.backend()
            t, best, best_cpu = statistics.median(times), min(times), min(cpu)
            sy = a.samples * len(inp.years)
            print(f"{name} [{backend}]: wall median {t:.3f} s, best {best:.3f} s; CPU best {best_cpu:.3f} s of "
                  f"{a.repeats}; {sy / best_cpu / 1e6:.2f} million sample-years per CPU second"
                  + (f"; first run {first:.2f} s wall, {first_cpu:.2f} s CPU" if a.first_run else ""))


if __name__ == "__main__":
    main()
