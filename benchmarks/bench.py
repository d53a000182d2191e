"""ctsim benchmarks: `make bench` runs this and writes docs/performance.md.

Sections (issue 6): 1 engine throughput vs samples and years; 2 vectorized vs per-sample loop vs EMA
Workbench; 3 the output-writing floor; 4 CLI and import times; 5 sweep time, peak memory and Dask; 6 provincial resolution (bench_provinces.py).
Timings are medians of several runs on this machine; ratios are measured in the same run. Never used
as assertions in the test suite.

    python benchmarks/bench.py [--quick] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

from ctsim.engine import simulate  # noqa: E402
from ctsim.engine.loop import OUTPUTS  # noqa: E402
from ctsim.inputs.build import build_inputs  # noqa: E402

CHUNK = 20_000


def engine_time(resolved, overrides, n, chunk=CHUNK) -> float:
    """Seconds for inputs + engine over n samples, in chunks along the sample axis."""
    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        inp = build_inputs(resolved, common.take(overrides, slice(start, stop)), stop - start)
        simulate(inp)
    return time.perf_counter() - t0


def section_throughput(resolved, quick: bool) -> tuple[str, dict]:
    sizes = [1, 1_000, 10_000, 100_000] + ([] if quick else [1_000_000])
    Y = len(build_inputs(resolved).years)
    pool = common.design_overrides(resolved, CHUNK)
    rows, stats = [], {}
    for n in sizes:
        ov = {k: np.resize(v, (n, v.shape[1])) for k, v in pool.items()} if n > CHUNK else \
            common.take(pool, slice(0, n))
        reps = 5 if n <= 10_000 else (3 if n <= 100_000 else 1)
        t = common.median_time(lambda ov=ov, n=n: engine_time(resolved, ov, n), repeats=reps,
                               warmup=1 if n <= 100_000 else 0)
        stats[n] = t
        rows.append(f"| {n:,} | {t:.4f} | {n * Y / t / 1e6:.2f} | {t / n * 1e6:.1f} |")
    years_rows = []
    n = 10_000
    for end in (2030, 2040, 2050, 2060, 2080, 2100):
        r = type(resolved)(**{**resolved.__dict__, "years": (2020, end)})
        ov = common.design_overrides(r, n)
        t = common.median_time(lambda r=r, ov=ov: engine_time(r, ov, n), repeats=3)
        years_rows.append(f"| {end - 2020 + 1} | {t:.3f} | {t / (end - 2020 + 1) * 1e3:.2f} |")
    text = "\n".join([
        "## 1. Engine throughput",
        "",
        f"Inputs + engine for the steel2030 scenario, {Y} years, six parameters varied per sample, "
        f"chunks of {CHUNK:,} samples.",
        "",
        "| samples S | seconds (median) | million sample-years / s | microseconds / sample |",
        "|---:|---:|---:|---:|",
        *rows,
        "",
        f"Time against the number of years (S = {n:,}): linear if seconds per year stays flat.",
        "",
        "| years | seconds | ms per year |",
        "|---:|---:|---:|",
        *years_rows,
    ])
    return text, stats


def _single(resolved, ov_row) -> float:
    inp = build_inputs(resolved, ov_row, 1)
    out = simulate(inp)
    return float(out["co2_total_mt"][0, -1])


def section_peers(resolved, quick: bool) -> tuple[str, dict]:
    n = 10_000
    n_loop = 300 if quick else 1_000
    n_ema = 100 if quick else 300
    ov = common.design_overrides(resolved, n)
    t_vec = common.median_time(lambda: engine_time(resolved, ov, n), repeats=5)
    t0 = time.perf_counter()
    for i in range(n_loop):
        _single(resolved, common.take(ov, slice(i, i + 1)))
    t_loop = (time.perf_counter() - t0) / n_loop
    ema_rows, stats = [], {"vector": t_vec / n, "loop": t_loop}
    try:
        ema = _ema_times(resolved, ov, n_ema)
    except ImportError:
        ema = {}
        ema_rows.append("| EMA Workbench | not installed (`pip install -e '.[bench]'`) | | |")
    for label, per in ema.items():
        stats[label] = per
        ema_rows.append(f"| {label} | {per * 1e3:.2f} | {per / stats['vector']:.0f}x | |")
    per_vec = stats["vector"]
    FIGURES["loop_ratio"] = t_loop / per_vec
    for label, per in ema.items():
        FIGURES["ema_seq_ratio" if "Sequential" in label else "ema_mp_ratio"] = per / per_vec
    text = "\n".join([
        "## 2. Vectorized sweep against a per-sample loop and EMA Workbench",
        "",
        f"The same design of {n:,} samples (six scale factors). The vectorized engine runs all "
        f"{n:,} at once; the Python loop calls the same engine once per sample (S = 1) for the first "
        f"{n_loop:,} rows; EMA Workbench 2.5 drives the same single-run function for the first "
        f"{n_ema:,} rows with its SequentialEvaluator and with its MultiprocessingEvaluator "
        "(2 processes). Per-sample times of the slower methods are measured on those subsets (they "
        "are constant per sample) and compared per sample.",
        "",
        "| method | ms per sample | slower than vectorized | |",
        "|---|---:|---:|---|",
        f"| vectorized (S = {n:,}) | {per_vec * 1e3:.4f} | 1x | total {t_vec:.2f} s |",
        f"| Python loop, S = 1 per call | {t_loop * 1e3:.2f} | {t_loop / per_vec:.0f}x | |",
        *ema_rows,
    ])
    return text, stats


def _ema_times(resolved, ov, n_ema: int) -> dict[str, float]:
    import logging

    from ema_workbench import (
        MultiprocessingEvaluator,
        RealParameter,
        ScalarOutcome,
        Scenario,
        SequentialEvaluator,
        perform_experiments,
    )
    from ema_workbench.em_framework.model import Model

    logging.getLogger("EMA").setLevel(logging.ERROR)
    import ema_model

    model = Model("ctsim", function=ema_model.run_one)
    model.uncertainties = [RealParameter(f"f{i}", 0.7, 1.3) for i in range(len(common.SCALED))]
    model.outcomes = [ScalarOutcome("co2_last")]
    factors = ema_model.factors_from_overrides(resolved, ov, n_ema)
    scenarios = [Scenario(f"s{i}", **{f"f{j}": float(factors[i, j]) for j in range(factors.shape[1])})
                 for i in range(n_ema)]
    out = {}
    t0 = time.perf_counter()
    with SequentialEvaluator(model) as ev:
        perform_experiments(model, scenarios=scenarios, evaluator=ev, log_progress=False)
    out["EMA Workbench, SequentialEvaluator"] = (time.perf_counter() - t0) / n_ema
    t0 = time.perf_counter()
    with MultiprocessingEvaluator(model, n_processes=2) as ev:
        perform_experiments(model, scenarios=scenarios, evaluator=ev, log_progress=False)
    out["EMA Workbench, MultiprocessingEvaluator (2)"] = (time.perf_counter() - t0) / n_ema
    return out


FIGURES: dict[str, float] = {}  # key figures of this run, for the targets table


def section_floor(resolved, engine_stats: dict) -> str:
    n = 100_000
    Y = len(build_inputs(resolved).years)
    V = len(OUTPUTS)

    def fill():
        for start in range(0, n, CHUNK):
            a = np.empty((min(CHUNK, n - start), Y, V))
            a.fill(1.0)

    t_floor = common.median_time(fill, repeats=5)
    t_eng = engine_stats.get(n)
    ratio = f"{t_eng / t_floor:.1f}x" if t_eng else "n/a"
    if t_eng:
        FIGURES["engine_vs_floor"] = t_eng / t_floor
    return "\n".join([
        "## 3. Floor: writing the recorded outputs once",
        "",
        f"numpy allocating and writing [S, Y, V] float64 once, S = {n:,}, Y = {Y}, V = {V} "
        f"({n * Y * V * 8 / 2**30:.2f} GiB, in chunks of {CHUNK:,}): **{t_floor:.3f} s**. "
        f"The engine for the same S takes {t_eng:.3f} s, **{ratio}** the floor.",
    ])


def section_cli() -> str:
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for label, args in [
            ("`ctsim --help`", [py, "-m", "ctsim", "--help"]),
            ("`import ctsim`", [py, "-c", "import ctsim"]),
            ("`import ctsim.cli.main`", [py, "-c", "import ctsim.cli.main"]),
            ("`ctsim run scenarios/steel2030.yaml` (with figures)",
             [py, "-m", "ctsim", "run", str(common.SCENARIO), "--out", f"{tmp}/o", "--force"]),
            ("`ctsim run ... --no-figures`",
             [py, "-m", "ctsim", "run", str(common.SCENARIO), "--out", f"{tmp}/o", "--force",
              "--no-figures"]),
        ]:
            wall, rss = common.run_subprocess(args)
            FIGURES.setdefault(f"cli:{label}", wall)
            rows.append(f"| {label} | {wall:.3f} | {rss:.0f} |")
    heavy = subprocess.run(
        [py, "-c", "import sys, ctsim.cli.main; print(','.join(m for m in ('matplotlib', 'scipy.stats', "
         "'SALib', 'dask', 'pandas', 'pydantic') if m in sys.modules))"],
        capture_output=True, text=True, check=True).stdout.strip()
    return "\n".join([
        "## 4. Command-line start-up and a single run",
        "",
        "Whole-process wall time (median of 5 after a warm-up) and peak RSS.",
        "",
        "| command | seconds | peak RSS MiB |",
        "|---|---:|---:|",
        *rows,
        "",
        f"Heavy modules loaded by `import ctsim.cli.main`: {heavy or 'none'} (matplotlib, scipy.stats, "
        "SALib and dask are imported only by the commands that use them).",
    ])


def section_sweep(quick: bool) -> str:
    try:
        from ctsim import sweeps  # noqa: F401
    except ImportError:
        return "## 5. Sweeps, memory and Dask\n\n(the sweep pipeline is not installed)"
    import sweep_bench

    text = sweep_bench.section(quick)
    FIGURES.update(sweep_bench.FIGURES)
    return text


def _row(target: str, measured: str, ok: bool | None) -> str:
    verdict = "n/a" if ok is None else ("met" if ok else "**missed**")
    return f"| {target} | {measured} | {verdict} |"


def section_targets() -> str:
    f = FIGURES
    help_s = f.get("cli:`ctsim --help`")
    sweep_1 = f.get("sweep_1e5_inproc")
    sweep_2 = f.get("sweep_1e5_proc2")
    rows = [
        _row("10^5-sample sweep (engine, metrics, verdicts, quantiles) <= 3 s",
             f"{sweep_1:.1f} s on one core; {sweep_2:.1f} s with `--processes 2`" if sweep_1 and sweep_2
             else "not measured", (min(sweep_1, sweep_2) <= 3.0) if sweep_1 and sweep_2 else None),
        _row(">= 100x faster than the per-sample loop", f"{f['loop_ratio']:.0f}x", f["loop_ratio"] >= 100),
        _row(">= 300x faster than EMA Workbench (sequential)",
             f"{f['ema_seq_ratio']:.0f}x" if "ema_seq_ratio" in f else "EMA not installed",
             (f["ema_seq_ratio"] >= 300) if "ema_seq_ratio" in f else None),
        _row("engine within 20x of the output-writing floor",
             f"{f['engine_vs_floor']:.1f}x" if "engine_vs_floor" in f else "n/a",
             (f["engine_vs_floor"] <= 20) if "engine_vs_floor" in f else None),
        _row("`ctsim --help` < 0.5 s", f"{help_s:.2f} s" if help_s else "n/a",
             (help_s < 0.5) if help_s else None),
        _row("peak memory of a 10^6-sample sweep < 2 GB",
             f"{f['rss_1e6_mib']:.0f} MiB" if "rss_1e6_mib" in f else "not run (--quick)",
             (f["rss_1e6_mib"] < 2048) if "rss_1e6_mib" in f else None),
    ]
    return "\n".join(["## Targets (issue 6), from the figures of this run (sections below)", "",
                      "| target | measured in this run | verdict |", "|---|---|---|", *rows])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    ap.add_argument("--out", default=str(common.ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    resolved = common.resolved_default()
    started = time.perf_counter()
    parts = []
    text, stats = section_throughput(resolved, args.quick)
    print(text, "\n", flush=True)
    parts.append(text)
    text, _ = section_peers(resolved, args.quick)
    print(text, "\n", flush=True)
    parts.append(text)
    import bench_provinces

    for text in (section_floor(resolved, stats), section_cli(), section_sweep(args.quick),
                 bench_provinces.section(2_000 if args.quick else 10_000)):
        print(text, "\n", flush=True)
        parts.append(text)
    parts.insert(0, section_targets())
    notes = Path(__file__).with_name("NOTES.md")
    if notes.exists():  # what was changed and what it bought (kept by hand, numbers cited there)
        parts.append(notes.read_text(encoding="utf-8").strip())
    header = "\n".join([
        "# Performance",
        "",
        f"Generated by `make bench` (`python benchmarks/bench.py`) on "
        f"{dt.date.today().isoformat()}; machine: {common.machine()}. "
        f"The whole benchmark took {time.perf_counter() - started:.0f} s.",
        "",
    ])
    Path(args.out).write_text(header + "\n" + "\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
