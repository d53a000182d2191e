"""ctsim benchmarks: `make bench` runs this and writes docs/performance.md.

Sections (issues 6 and 17): 1 engine throughput vs samples and years; 1b the engine's two backends,
numpy and compiled (backends.py), and the first run's compile; 2 ctsim and its peers, each
comparison stated for what it compares (peers.py: vectorized, S = 1, EMA Workbench driving ctsim and
EMA alone, the explorer's round trip, En-ROADS' published 60 ms); 3 the machine's floor (floor.py:
memory bandwidth, writing the outputs once, the arithmetic of the engine's passes); 4 CLI and import
times; 5 sweep time, peak memory and Dask; 6 provincial resolution (bench_provinces.py).
Timings are medians of several runs on this machine; ratios are measured in the same run. Never used
as assertions in the test suite.

    python benchmarks/bench.py [--quick] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backends  # noqa: E402
import common  # noqa: E402
import floor  # noqa: E402
import peers  # noqa: E402

from ctsim.inputs.build import build_inputs  # noqa: E402

CHUNK = common.CHUNK
engine_time = common.engine_time


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


FIGURES: dict[str, float] = {}  # key figures of this run, for the targets table


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


def _row(target: str, measured: str, ok: bool | None, comparison: bool = False) -> str:
    verdict = "comparison" if comparison else "n/a" if ok is None else ("met" if ok else "**missed**")
    return f"| {target} | {measured} | {verdict} |"


def section_targets() -> str:
    f = FIGURES
    help_s = f.get("cli:`ctsim --help`")
    sweep_1 = f.get("sweep_1e5_inproc")
    sweep_2 = f.get("sweep_1e5_proc2")
    vec, single = f["vector_s"], f["single_s"]
    ema = "ema_seq" in f
    page = f.get("explorer_page_ms")
    rate = f.get("engine_rate_1e4")
    rows = [
        _row("10^5-sample sweep (engine, metrics, verdicts, quantiles) <= 3 s (issue 6)",
             f"{sweep_1:.1f} s on one core; {sweep_2:.1f} s with `--processes 2`" if sweep_1 and sweep_2
             else "not measured", (min(sweep_1, sweep_2) <= 3.0) if sweep_1 and sweep_2 else None),
        _row("vectorized sweep >= 100x cheaper per sample than ctsim run once per sample (S = 1, "
             "in process) (issue 6)",
             f"{f['loop_ratio']:.0f}x ({single * 1e3:.1f} ms vs {vec * 1e3:.3f} ms)", f["loop_ratio"] >= 100),
        _row("EMA Workbench driving ctsim at S = 1, per experiment, against ctsim's vectorized cost per "
             "sample (section 2, D / A; this is ctsim's S = 1 cost, not EMA's speed)",
             f"{f['ema_seq'] / vec:.0f}x sequential, {f['ema_mp2'] / vec:.0f}x with 2 processes"
             if ema else "EMA not installed", None, comparison=True),
        _row("EMA Workbench's own overhead per experiment (trivial model) against ctsim's vectorized cost "
             "per sample (section 2, F / A)",
             f"{f['ema_bare_seq'] * 1e3:.3f} ms vs {vec * 1e3:.3f} ms: {f['ema_bare_seq'] / vec:.1f}x"
             if ema else "EMA not installed", None, comparison=True),
        _row("ctsim's single run against En-ROADS' published 60 ms per run (section 2, B; different "
             "model and machine)",
             f"{single * 1e3:.1f} ms inputs + engine ({single * 1e3 / peers.ENROADS_MS:.2f}x)"
             + (f"; explorer slider to redrawn graph {page:.0f} ms ({page / peers.ENROADS_MS:.2f}x)"
                if page else ""), None, comparison=True),
        _row("explorer: slider to redrawn graph, median < 100 ms (issue 16)",
             f"{page:.0f} ms" if page else "not measured (no headless Chromium)",
             (page < 100) if page else None),
        _row(">= 8 M sample-years/s per core, national engine (issue 17)",
             f"{f['engine_numba_2e4'] / 1e6:.2f} M compiled, {f['engine_numpy_2e4'] / 1e6:.2f} M numpy "
             "(simulate alone, S = 20,000, section 1b)" + (f"; inputs + engine {rate / 1e6:.2f} M at "
                                                           "S = 10,000 (section 1)" if rate else "")
             if "engine_numba_2e4" in f else "numba not installed",
             (f["engine_numba_2e4"] >= 8e6) if "engine_numba_2e4" in f else None),
        _row("provincial engine at least as many province-sample-years/s (issue 17)",
             f"{f['provinces_numba'] / 1e6:.2f} M (baseline-provinces, section 1b)"
             if "provinces_numba" in f else "numba not installed",
             (f["provinces_numba"] >= 8e6) if "provinces_numba" in f else None),
        _row("engine within 20x of the output-writing floor (issue 6)",
             f"{f['engine_vs_floor']:.1f}x" if "engine_vs_floor" in f else "n/a",
             (f["engine_vs_floor"] <= 20) if "engine_vs_floor" in f else None),
        _row("`ctsim --help` < 0.5 s (issue 6)", f"{help_s:.2f} s" if help_s else "n/a",
             (help_s < 0.5) if help_s else None),
        _row("peak memory of a 10^6-sample sweep < 2 GB (issue 6)",
             f"{f['rss_1e6_mib']:.0f} MiB" if "rss_1e6_mib" in f else "not run (--quick)",
             (f["rss_1e6_mib"] < 2048) if "rss_1e6_mib" in f else None),
        _row("whole 100,000-sample CLI sweep <= 4x `ctsim validate`, 2 cores (issue 17; section 5)",
             f"{f['cli_sweep_1e5']:.1f} s = {f['cli_sweep_ratio']:.1f}x {f['cli_validate']:.2f} s"
             if "cli_sweep_ratio" in f else "not measured", (f["cli_sweep_ratio"] <= 4)
             if "cli_sweep_ratio" in f else None),
        _row("10,000-sample provincial sweep < 20 s (issue 17; section 5)",
             f"{f['cli_provinces_1e4']:.1f} s" if "cli_provinces_1e4" in f else "not measured",
             (f["cli_provinces_1e4"] < 20) if "cli_provinces_1e4" in f else None),
        _row("10^6 national samples < 600 MB peak, whole CLI sweep (issue 17; section 5)",
             f"{f['cli_rss_1e6_mib']:.0f} MiB ({f['cli_rss_1e6_mib'] * 1.048576:.0f} MB)"
             if "cli_rss_1e6_mib" in f else "not run (--quick)",
             (f["cli_rss_1e6_mib"] * 1.048576 < 600) if "cli_rss_1e6_mib" in f else None),
    ]
    return "\n".join([
        "## Targets (issues 6, 16 and 17), from the figures of this run (sections below)", "",
        "Rows marked \"comparison\" have no target: each says what it compares.", "",
        "| target or comparison | measured in this run | verdict |", "|---|---|---|", *rows])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    ap.add_argument("--out", default=str(common.ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    resolved = common.resolved_default()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.perf_counter()
    parts = []
    text, stats = section_throughput(resolved, args.quick)
    print(text, "\n", flush=True)
    parts.append(text)
    text = backends.section(args.quick, FIGURES)
    print(text, "\n", flush=True)
    parts.append(text)
    Y = len(build_inputs(resolved).years)
    if 10_000 in stats:
        FIGURES["engine_rate_1e4"] = 10_000 * Y / stats[10_000]
    cli = section_cli()  # first: section 2 compares with its `ctsim run --no-figures` process
    text = peers.section(resolved, args.quick, FIGURES.get("cli:`ctsim run ... --no-figures`"), FIGURES)
    print(text, "\n", flush=True)
    parts.append(text)
    text = floor.section(resolved, stats, FIGURES, args.quick)
    print(text, "\n", flush=True)
    parts.append(text)
    print(cli, "\n", flush=True)
    parts.append(cli)
    import bench_provinces

    for text in (section_sweep(args.quick), bench_provinces.section(2_000 if args.quick else 10_000)):
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
        f"The whole benchmark took {time.perf_counter() - started:.0f} s; load average (1, 5, 15 min) "
        f"{load} at its start and {', '.join(f'{x:.1f}' for x in os.getloadavg())} at its end (on a "
        "shared machine wall times carry that noise; the CPU times in sections 2-3 less so).",
        "",
    ])
    Path(args.out).write_text(header + "\n" + "\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
