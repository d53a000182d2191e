"""Section 3 of docs/performance.md: the machine's floor, measured in the same run as the engine.

1. Memory bandwidth: numpy fill (write), copy (read + write) and add (2 reads + write) over arrays
   far larger than any cache, in GB/s, and what it allows for the engine's [S, Y, V] outputs.
2. Writing the recorded outputs once ([S, Y, V] float64, chunked as the engine is).
3. Arithmetic: the engine's elementwise passes per sample-year (PASSES) run as
   - a pure-numpy toy: PASSES ufunc calls per simulated year over [S] arrays (a chunk of samples),
   - a fused kernel: numba if importable (it is not a dependency); otherwise, if a C compiler is on
     PATH, the same passes as one C loop over samples (compiled here with -O2, called via ctypes),
     as a stand-in for a compiled kernel; neither is needed for `make bench` to run.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import common
import numpy as np

# Elementwise passes per sample-year of the engine as issue 17 reported them (its profile of the
# national engine on main, 2026-12-01: 546 numpy calls per simulated year, 435 element passes per
# sample-year); section 3c also counts them in the run (count_passes.py) and times both counts.
PASSES = 435
BIG = 32 * 2**20  # float64 elements per array (256 MiB): far larger than any cache of this machine


def bandwidth() -> dict[str, float]:
    """GB/s (10^9 bytes) of fill, copy and add, counting the bytes each must move (median of 5)."""
    a = np.ones(BIG)
    b = np.ones(BIG)
    c = np.ones(BIG)  # all pages touched before timing
    nbytes = a.nbytes
    out = {}
    for label, fn, moved in (("fill (write)", lambda: c.fill(2.0), 1),
                             ("copy (read + write)", lambda: np.copyto(c, a), 2),
                             ("add (2 reads + write)", lambda: np.add(a, b, out=c), 3)):
        t = common.median_time(fn, repeats=5, warmup=1, clock=time.process_time)
        out[label] = moved * nbytes / t / 1e9
    return out


def output_fill(n: int, Y: int, V: int) -> float:
    """Seconds to allocate and write [S, Y, V] float64 once, in the engine's chunks."""
    def fill():
        for start in range(0, n, common.CHUNK):
            np.empty((min(common.CHUNK, n - start), Y, V)).fill(1.0)

    return common.median_time(fill, repeats=5)


def numpy_toy(S: int, Y: int, passes: int = PASSES, inplace: bool = True) -> float:
    """Sample-years per second of `passes` ufunc calls per year over [S] arrays, in place (numpy's
    best case) or each call returning a fresh array (as most of the engine's expressions do)."""
    rng = np.random.default_rng(0)
    xs = [rng.uniform(0.5, 1.5, S) for _ in range(6)]
    ops = (np.multiply, np.add, np.maximum, np.subtract, np.minimum)

    def run():
        for _ in range(Y):
            for k in range(passes):
                a, b = xs[k % 6], xs[(k + 1) % 6]
                if inplace:
                    ops[k % 5](a, b, out=a)
                else:
                    xs[k % 6] = ops[k % 5](a, b)
            for x in xs:  # keep values bounded
                np.clip(x, 0.5, 1.5, out=x)

    t = common.median_time(run, repeats=5, clock=time.process_time)
    return S * Y / t


LANES = 32  # samples the C kernel keeps in registers together (#define L below)
C_KERNEL = r"""
#include <math.h>
#define L 32
/* passes elementwise operations per sample-year, fused: L samples at a time stay in registers
   through all passes (the compiler maps the lane loops onto vector instructions); same op cycle as
   numpy_toy. S must be a multiple of L. */
void kernel(double *x0, double *x1, const double *c, long S, long Y, long passes) {
    for (long y = 0; y < Y; y++) {
        for (long s0 = 0; s0 < S; s0 += L) {
            double a[L], b[L];
            for (int l = 0; l < L; l++) { a[l] = x0[s0 + l]; b[l] = x1[s0 + l]; }
            for (long k = 0; k < passes; k++) {
                double v = c[k];
                switch (k % 5) {
                    case 0: for (int l = 0; l < L; l++) a[l] = a[l] * v; break;
                    case 1: for (int l = 0; l < L; l++) b[l] = b[l] + v; break;
                    case 2: for (int l = 0; l < L; l++) a[l] = a[l] > b[l] ? a[l] : b[l]; break;
                    case 3: for (int l = 0; l < L; l++) b[l] = b[l] - a[l] * 1e-3; break;
                    default: for (int l = 0; l < L; l++) a[l] = a[l] < v + 1.0 ? a[l] : v + 1.0; break;
                }
            }
            for (int l = 0; l < L; l++) { x0[s0 + l] = a[l]; x1[s0 + l] = b[l]; }
        }
    }
}
"""


def _compile_c() -> ctypes.CDLL | None:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    tmp = Path(tempfile.mkdtemp(prefix="ctsim-floor-"))
    src, lib = tmp / "k.c", tmp / "k.so"
    src.write_text(C_KERNEL)
    r = subprocess.run([cc, "-O3", "-march=native", "-fPIC", "-shared", str(src), "-o", str(lib), "-lm"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    dll = ctypes.CDLL(str(lib))
    p = ctypes.POINTER(ctypes.c_double)
    dll.kernel.argtypes = [p, p, p, ctypes.c_long, ctypes.c_long, ctypes.c_long]
    return dll


def fused(S: int, Y: int, passes: int = PASSES) -> tuple[bool, str, float | None]:
    """(numba used, what ran, sample-years per second or None) of a fused kernel with `passes`
    operations per sample-year."""
    try:
        import numba  # noqa: F401
    except ImportError:
        have_numba = False
    else:
        have_numba = True
    rng = np.random.default_rng(0)
    x0, x1 = rng.uniform(0.5, 1.5, S), rng.uniform(0.5, 1.5, S)
    coef = rng.uniform(0.99, 1.01, passes)
    if have_numba:
        import numba

        @numba.njit(cache=False)
        def kern(x0, x1, c, Y):
            for _ in range(Y):
                for s in range(x0.shape[0]):
                    a, b = x0[s], x1[s]
                    for k in range(c.shape[0]):
                        v = c[k]
                        m = k % 5
                        if m == 0:
                            a = a * v
                        elif m == 1:
                            b = b + v
                        elif m == 2:
                            a = max(a, b)
                        elif m == 3:
                            b = b - a * 1e-3
                        else:
                            a = min(a, v + 1.0)
                    x0[s], x1[s] = a, b

        kern(x0, x1, coef, 1)  # compile
        t = common.median_time(lambda: kern(x0, x1, coef, Y), repeats=5, clock=time.process_time)
        return True, f"numba {numba.__version__} (`@njit`)", S * Y / t
    if S % LANES:
        raise ValueError(f"fused: S = {S} must be a multiple of {LANES}")
    dll = _compile_c()
    if dll is None:
        return False, "numba is not installed and there is no C compiler on PATH", None
    p = ctypes.POINTER(ctypes.c_double)
    args = (x0.ctypes.data_as(p), x1.ctypes.data_as(p), coef.ctypes.data_as(p), S, Y, passes)
    t = common.median_time(lambda: dll.kernel(*args), repeats=5, clock=time.process_time)
    return False, "the same passes as one C loop over samples (cc -O3 -march=native, called via ctypes)", S * Y / t


def section(resolved, engine_stats: dict, figures: dict, quick: bool) -> str:
    from ctsim.engine import simulate
    from ctsim.inputs.build import build_inputs

    inp = build_inputs(resolved)
    Y = len(inp.years)
    V = len(simulate(inp))  # outputs the engine returns, [S, Y] each
    bw = bandwidth()
    write_bw = bw["fill (write)"]
    n = 100_000
    t_fill = output_fill(n, Y, V)
    t_eng = engine_stats.get(n)
    S_toy = 5_120  # a multiple of the C kernel's lane block
    import count_passes

    counted = count_passes.count(resolved, 2_000)
    p_run = int(round(counted["passes"]))
    pass_counts = [PASSES] + ([p_run] if p_run != PASSES else [])
    toys = {p: numpy_toy(S_toy, Y, p) for p in pass_counts}
    fuseds = {p: fused(S_toy, Y, p) for p in pass_counts}
    have_numba, what = fuseds[PASSES][:2]
    toy, fast = toys[PASSES], fuseds[PASSES][2]
    toy_alloc = numpy_toy(S_toy, Y, PASSES, inplace=False)
    # the engine alone at the toy's S, inputs built once, CPU time: like for like with the toy rows
    inp_toy = build_inputs(resolved, common.design_overrides(resolved, S_toy), S_toy)
    eng_cpu = S_toy * Y / common.median_time(lambda: simulate(inp_toy), repeats=5,
                                             clock=time.process_time)
    figures["engine_cpu_rate"] = eng_cpu
    figures.update(passes_counted=counted["passes"], calls_counted=counted["calls_per_year"])
    cores = os.cpu_count() or 1
    eng_rate = n * Y / t_eng if t_eng else None
    figures.update(bw_write_gbs=write_bw, bw_copy_gbs=bw["copy (read + write)"], toy_rate=toy,
                   fill_s=t_fill)
    if fast:
        figures["fused_rate"] = fast
    if t_eng:
        figures["engine_vs_floor"] = t_eng / t_fill
        figures["engine_rate"] = eng_rate
    per_sy64, per_sy32 = V * 8, V * 4
    rows_bw = [f"| {k} | {v:.1f} |" for k, v in bw.items()]
    lines = [
        "## 3. The floor, measured on this machine",
        "",
        "### 3a. Memory bandwidth",
        "",
        f"numpy over three arrays of {BIG * 8 / 2**20:.0f} MiB each (far larger than the caches), "
        "median CPU time of 5, counting the bytes each operation must move (10^9 bytes per GB):",
        "",
        "| operation | GB/s |",
        "|---|---:|",
        *rows_bw,
        "",
        f"What it means for the outputs: the engine returns V = {V} outputs of [S, Y] float64, "
        f"{per_sy64:,} bytes per sample-year ({per_sy32:,} as float32). Writing them once at the "
        f"measured write bandwidth allows at most **{write_bw * 1e9 / per_sy64 / 1e6:.1f} M sample-years/s** "
        f"as float64 ({write_bw * 1e9 / per_sy32 / 1e6:.1f} M as float32) on one core; the arrays the "
        f"year loop works on are [S] per chunk ({common.CHUNK:,} samples: {common.CHUNK * 8 // 1024} KiB), "
        "small enough for the caches, so only the recorded outputs need main-memory bandwidth.",
        "",
        "### 3b. Writing the recorded outputs once",
        "",
        f"numpy allocating and writing [S, Y, V] float64 once, S = {n:,}, Y = {Y}, V = {V} "
        f"({n * Y * V * 8 / 2**30:.2f} GiB, in chunks of {common.CHUNK:,}): **{t_fill:.3f} s** "
        f"({n * Y / t_fill / 1e6:.1f} M sample-years/s, page faults of fresh allocations included)."
        + (f" The engine (section 1, same S) takes {t_eng:.3f} s, **{t_eng / t_fill:.1f}x** this floor."
           if t_eng else " (The engine at S = 100,000 was not timed in this run.)"),
        "",
        "### 3c. Arithmetic",
        "",
        f"Issue 17 reported {PASSES} elementwise passes per sample-year (546 numpy calls per simulated "
        "year) from its own profile. This run counts them again with `benchmarks/count_passes.py` "
        f"(every input array viewed as an ndarray subclass that records each numpy call and the elements "
        f"it produces, S = {counted['S']:,}; outputs bit-identical to the plain run: "
        f"{'yes' if counted['identical'] else '**no**'}): **{counted['calls_per_year']:.0f} numpy calls per "
        f"simulated year, {counted['small_calls_per_year']:.0f} of them on arrays smaller than [S] (shared "
        f"values, where the call overhead is the whole cost), {counted['passes']:.0f} element passes per "
        "sample-year**. That count includes reductions, array creation and functions such as `np.where` "
        "and misses indexing, slice assignment and calls on arrays the engine creates from nothing, so "
        "it is not the issue's measure exactly; both counts are timed:",
        "",
        "| | passes per sample-year | million sample-years / s (one core; toy and fused: CPU time, median of 5) |",
        "|---|---:|---:|",
    ]
    if eng_rate:
        lines.append(f"| the engine (section 1: inputs + engine, S = {n:,}, wall time) | - | {eng_rate / 1e6:.2f} |")
    lines.append(f"| the engine (`simulate` alone, inputs built once, S = {S_toy:,}, CPU time, median of 5) | "
                 f"{counted['passes']:.0f} counted | {eng_cpu / 1e6:.2f} |")
    for p in pass_counts:
        lines.append(f"| pure-numpy toy: in-place ufunc calls over [{S_toy:,}] arrays, one per pass | {p} | "
                     f"{toys[p] / 1e6:.2f} |")
    lines.append(f"| pure-numpy toy, each call returning a fresh [{S_toy:,}] array | {PASSES} | "
                 f"{toy_alloc / 1e6:.2f} |")
    for p in pass_counts:
        w, r = fuseds[p][1], fuseds[p][2]
        lines.append(f"| fused: {w} | {p} | {r / 1e6:.1f} |" if r else
                     f"| fused kernel | {p} | not measured: {w} |")
    lines += [
        "",
        "The in-place numpy toy is the ceiling of a numpy engine that keeps that many passes: every "
        "pass is one call over the chunk, read and written through the cache, with no temporaries "
        f"(with a fresh array per call, as in most of the engine's expressions: {toy_alloc / 1e6:.2f} M)"
        + f"; the engine (`simulate` alone, same S, CPU time) reaches {eng_cpu / toy:.0%} of the "
        f"{PASSES}-pass toy" + (f" and {eng_cpu / toys[p_run]:.0%} of the {p_run}-pass one" if p_run != PASSES
                                else "")
        + f", so a numpy engine with these passes could gain at most {toy / eng_cpu:.1f}x"
        + (f" ({toys[p_run] / eng_cpu:.1f}x with the counted passes)." if p_run != PASSES else ".")
        + (" The fused row keeps each sample's values in registers across all passes, which is what a "
           "compiled kernel buys; it is an upper bound for plain arithmetic (multiply, add, min, max, "
           "no divisions, exponentials, sorts or branches on data, which the engine has), not a port of "
           "the engine." if fast else "")
        + ("" if have_numba else " numba is not installed in this environment, so no numba kernel was "
           "timed here (issue 17 measured five ported kernels at 8-13x their numpy versions)."),
        "",
        f"Per core and per machine ({cores} cores): the toy and fused figures are single-threaded; "
        f"{cores} processes could at most multiply them by {cores} while the outputs' bandwidth (3a) "
        "is shared by all cores.",
    ]
    return "\n".join(lines)
