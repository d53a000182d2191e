"""Section 1b of `make bench`: the engine alone (``simulate``, inputs built once) on its two backends,
the plain-numpy reference and the compiled kernels (ctsim.engine.compiled), in CPU seconds (best of
the repeats: the least disturbed on a shared machine), and what the first run costs to compile.

    python benchmarks/backends.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

from ctsim.engine import compiled, simulate  # noqa: E402
from ctsim.inputs.build import build_inputs  # noqa: E402
from ctsim.pipeline import load  # noqa: E402
from ctsim.resolve import resolve  # noqa: E402

COMPILE_PROBE = """
import time, sys
t0 = time.perf_counter()
from ctsim.engine import simulate
from ctsim.inputs.build import build_inputs
from ctsim.pipeline import load
from ctsim.resolve import resolve
inp = build_inputs(resolve(load(sys.argv[1])), n_samples=10)
t1 = time.perf_counter(); simulate(inp); t2 = time.perf_counter(); simulate(inp); t3 = time.perf_counter()
print(t2 - t1 - (t3 - t2))
"""


def cpu_best(fn, repeats: int) -> float:
    fn()  # warm-up (and the compile, for the kernels)
    best = float("inf")
    for _ in range(repeats):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def rates(name: str, sizes: tuple[int, ...], repeats: int) -> list[tuple[int, float, float, int]]:
    """(S, numpy CPU s, numba CPU s, units per sample: years, or years x regions) per size."""
    resolved = resolve(load(common.ROOT / "scenarios" / f"{name}.yaml"))
    out = []
    for n in sizes:
        ov = common.design_overrides(resolved, n)
        inp = build_inputs(resolved, ov, n)
        per = len(inp.years) * (1 if inp.regions is None else len(inp.regions.names))
        times = []
        for backend in ("numpy", "numba"):
            with compiled.use(backend):
                times.append(cpu_best(lambda inp=inp: simulate(inp), repeats if n <= 20_000 else 1))
        out.append((n, *times, per))
    return out


def first_run_seconds(name: str) -> tuple[float, float, float]:
    """Seconds the first simulate of a fresh process spends more than its second: on numpy, on numba
    with an empty cache (the first run after an install: the compile) and on numba with the cache
    that run left (a later process: importing numba and loading the kernels)."""
    path = str(common.ROOT / "scenarios" / f"{name}.yaml")

    def probe(**env) -> float:
        res = subprocess.run([sys.executable, "-c", COMPILE_PROBE, path], env={**os.environ, **env},
                             capture_output=True, text=True, check=True)
        return float(res.stdout.strip())

    with tempfile.TemporaryDirectory() as cache:
        return (probe(CTSIM_ENGINE="numpy"), probe(CTSIM_ENGINE="numba", NUMBA_CACHE_DIR=cache),
                probe(CTSIM_ENGINE="numba", NUMBA_CACHE_DIR=cache))


def section(quick: bool, figures: dict) -> str:
    if not compiled.installed():
        return "## 1b. Engine backends\n\n(numba is not installed: `pip install 'ctsim[fast]'`)"
    rows = []
    for name, sizes in (("steel2030", (1_000, 20_000) if quick else (1, 1_000, 20_000, 100_000)),
                        ("neutrality2060", (20_000,)),
                        ("baseline-provinces", (200,) if quick else (2_000,))):
        for n, t_np, t_nb, per in rates(name, sizes, 3 if quick else 5):
            unit = "sample-years" if per < 100 else "province-sample-years"
            rows.append(f"| {name} | {n:,} | {n * per / t_np / 1e6:.2f} | {n * per / t_nb / 1e6:.2f} | "
                        f"{t_np / t_nb:.1f}x | {unit} |")
            if name == "steel2030" and n == 20_000:
                figures["engine_numba_2e4"] = n * per / t_nb
                figures["engine_numpy_2e4"] = n * per / t_np
            if name == "baseline-provinces":
                figures["provinces_numba"] = n * per / t_nb
    first = {name: first_run_seconds(name) for name in ("steel2030", "baseline-provinces")}
    (base, cold, warm), (base_p, cold_p, warm_p) = first["steel2030"], first["baseline-provinces"]
    figures["compile_s"] = cold - base
    return "\n".join([
        "## 1b. Engine backends: numpy reference and compiled kernels", "",
        "`simulate` alone (inputs built once), CPU seconds, best of the repeats; million units per CPU "
        "second. Both columns force their backend (`compiled.use`): with the default `CTSIM_ENGINE=auto` "
        "a national run takes the numpy column and a provincial one the numba column.", "",
        "| scenario | samples S | numpy (M/s) | numba (M/s) | speed-up | unit |", "|---|---:|---:|---:|---:|---|",
        *rows, "",
        "First run in a fresh process, seconds more than the process's second run of the same 10 samples "
        "(steel2030; baseline-provinces in brackets): numpy "
        f"{base:.2f} ({base_p:.2f}); numba after an install, empty cache (the compile, paid once: the "
        f"kernels are cached on disk, `cache=True`) {cold:.1f} ({cold_p:.1f}); numba in a later process "
        f"(importing numba and loading the cached kernels) {warm:.2f} ({warm_p:.2f}).",
    ])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    print(section(ap.parse_args().quick, {}))


if __name__ == "__main__":
    main()
