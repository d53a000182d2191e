"""Whole sweeps of another tree against this one, alternately, each a fresh process. Not a test.

    PYTHONPATH=<tree>/src python benchmarks/sweep_ab.py --base /path/to/other/tree [--mode api|cli]
        [--rounds 4] [--samples 100000] [--processes 1]

``api``: ``ctsim.sweep("steel2030", samples, method="lhs", processes)`` in a fresh interpreter,
CPU seconds of the call (its process and its children, getrusage) printed by the child; ``cli``:
``python -m ctsim sweep scenarios/steel2030.yaml --samples N -o DIR`` (figures included), the
CPU seconds (user + sys) of the whole command and its children (peak RSS: its largest process). Rounds alternate which tree runs
first. Prints best and median of each, with user and sys apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API = """
import resource, sys, ctsim
r0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
ctsim.sweep("steel2030", samples={samples}, method="lhs", processes={processes})
r1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
u = r1.ru_utime - r0.ru_utime + c1.ru_utime - c0.ru_utime
s = r1.ru_stime - r0.ru_stime + c1.ru_stime - c0.ru_stime
print(u, s, r1.ru_maxrss)
"""
CLI = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
c = resource.getrusage(resource.RUSAGE_CHILDREN)
print(c.ru_utime, c.ru_stime, c.ru_maxrss)
"""


def once(tree: Path, a) -> tuple[float, float, int]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    if a.mode == "api":
        out = subprocess.run([sys.executable, "-c", API.format(samples=a.samples, processes=a.processes)],
                             env=env, check=True, capture_output=True, text=True).stdout.split()
        return float(out[-3]), float(out[-2]), int(out[-1]) // 1024
    with tempfile.TemporaryDirectory() as tmp:
        # through a launcher of its own: RUSAGE_CHILDREN's peak RSS is the largest child ever waited
        # for, so measured here it would carry over from earlier rounds (and the other tree's)
        cmd = [sys.executable, "-m", "ctsim", "sweep", str(ROOT / "scenarios" / "steel2030.yaml"),
               "--samples", str(a.samples), "-o", str(Path(tmp) / "out")]
        out = subprocess.run([sys.executable, "-c", CLI, *cmd], env=env, check=True, capture_output=True,
                             text=True).stdout.split()
    return float(out[-3]), float(out[-2]), int(out[-1]) // 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, type=Path)
    ap.add_argument("--mode", choices=("api", "cli"), default="api")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--processes", type=int, default=1)
    a = ap.parse_args()
    runs: dict[str, list[tuple[float, float, int]]] = {"base": [], "this": []}
    for r in range(a.rounds):
        order = (("base", a.base), ("this", ROOT))
        for tag, tree in order if r % 2 == 0 else order[::-1]:
            runs[tag].append(once(tree, a))
            u, s, rss = runs[tag][-1]
            print(f"round {r} {tag}: user {u:.2f} sys {s:.2f} cpu {u + s:.2f}, peak RSS {rss} MiB",
                  flush=True)
    for tag, rs in runs.items():
        cpu = [u + s for u, s, _ in rs]
        print(f"{tag}: cpu best {min(cpu):.2f} median {statistics.median(cpu):.2f} s; user median "
              f"{statistics.median(r[0] for r in rs):.2f}, sys median {statistics.median(r[1] for r in rs):.2f}; "
              f"peak RSS max {max(r[2] for r in rs)} MiB")
    b, t = ([u + s for u, s, _ in runs[k]] for k in ("base", "this"))
    print(f"base/this: best {min(b) / min(t):.3f}x, median {statistics.median(b) / statistics.median(t):.3f}x")


if __name__ == "__main__":
    main()
