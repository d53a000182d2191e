"""``ctsim sweep`` and ``ctsim check`` (registered in ctsim.cli.main; heavy imports inside functions).

sweep: design -> chunks -> engine -> metrics, verdicts, quantiles, sensitivity -> output folder.
check: the scenario's ``checks:`` (target id -> minimum probability) over a sweep (or one run when
nothing is uncertain); exit 0 when all pass, 1 when one fails, 2 on bad input.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

METHOD_HELP = "lhs | sobol | random | morris (default: the scenario's sweep.method)"


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise."""

    def __init__(self, label: str, stream=None):
        self.label, self.stream = label, stream or sys.stderr
        self.start, self.last = time.monotonic(), -1
        self.tty = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        pct = int(100 * done / max(total, 1))
        if not self.tty and (pct // 10 == self.last // 10 and done < total):
            return
        self.last = pct
        bar = "#" * (pct * 30 // 100)
        line = (f"{self.label} [{bar:<30}] {pct:3d}%  {done:,}/{total:,} samples  "
                f"{time.monotonic() - self.start:.1f} s")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _executor(workers: int | None, scheduler: str | None, processes: int | None = None):
    from ..errors import UsageError

    if processes is not None:
        if workers is not None or scheduler is not None:
            raise UsageError("give only one of --processes, --workers and --scheduler")
        if processes < 1:
            raise UsageError(f"--processes must be at least 1 (got {processes})")
        from ..sweeps.core import process_executor

        return process_executor(processes)
    if workers is None and scheduler is None:
        return None
    from ..sweeps.distributed import dask_executor

    return dask_executor(workers, scheduler)


def _store_folder(outdir: Path) -> Path:
    return outdir.parent / f".{outdir.name}.chunks"


def run_sweep_command(scenario: Path, samples, method, seed, chunk_size, workers, scheduler,
                      resume: bool, store_dir: Path | None, label: str, processes: int | None = None):
    """Load, plan and run a sweep (the part shared by sweep and check). Returns (result, store)."""
    from ..resolve import resolve
    from ..scenario import load_scenario
    from ..sweeps.core import ChunkStore, plan_sweep, run_sweep

    resolved = resolve(load_scenario(scenario))
    executor = _executor(workers, scheduler, processes)
    plan = plan_sweep(resolved, samples, method, seed, chunk_size)
    store = ChunkStore(store_dir, plan.fingerprint()) if store_dir is not None else None
    try:
        result = run_sweep(plan, executor, Progress(label), store, resume)
    except BaseException:
        if store is not None and any(store.folder.glob("chunk-*.npz")):
            typer.echo(f"finished chunks kept in {store.folder}/; rerun with --resume to continue",
                       err=True)
        raise
    return result, store


def _print_targets(rows: list[dict], checks_only: bool = False) -> None:
    rows = [r for r in rows if r["threshold"] is not None] if checks_only else rows
    if not rows:
        return
    width = max(len(r["id"]) for r in rows)
    typer.echo(f"\n  {'target':<{width}}  probability  95 % interval    threshold  verdict")
    for r in rows:
        threshold = "" if r["threshold"] is None else f"{r['threshold']:.0%}"
        verdict = {"pass": "pass", "fail": "FAIL", "": ""}[r["verdict"]]
        typer.echo(f"  {r['id']:<{width}}  {r['probability']:>10.1%}  "
                   f"[{r['low_95']:6.1%}, {r['high_95']:6.1%}]  {threshold:>9}  {verdict}")


def _fmt(value: float, unit: str) -> str:
    if unit == "fraction":
        return f"{value:.1%}"
    if unit == "":  # years
        return f"{value:.0f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _print_summary(result) -> None:
    from ..analysis.metrics import metric_label

    plan = result.plan
    typer.echo(f"\n{plan.context.resolved.name}: {plan.n_samples:,} samples "
               f"({plan.design.method}, seed {plan.design.seed})")
    summary = result.metric_summary()
    width = max(len(metric_label(k)[0]) for k in summary)
    typer.echo(f"  {'metric':<{width}}  {'5 %':>10} {'median':>10} {'95 %':>10}")
    for name, (lo, mid, hi) in summary.items():
        label, unit = metric_label(name)
        typer.echo(f"  {label:<{width}}  {_fmt(lo, unit):>10} {_fmt(mid, unit):>10} {_fmt(hi, unit):>10}  "
                   f"{'' if unit == 'fraction' else unit}")
    _print_targets(result.probabilities())


def _write(result, outdir: Path, force: bool, figures: bool) -> None:
    from ..analysis.sensitivity import analyze
    from ..outputs.sweep import write_sweep

    plan = result.plan
    sens = analyze(plan.design, result.metrics,
                   ("Emissions|CO2", plan.report_years, result.series))
    write_sweep(result, sens, outdir, force=force, figures=figures,
                command=["ctsim", *sys.argv[1:]])


Samples = Annotated[int | None, typer.Option(help="Number of model runs (default: sweep.samples)")]
Method = Annotated[str | None, typer.Option(help=METHOD_HELP)]
Seed = Annotated[int | None, typer.Option(help="Seed of the design (default: sweep.seed or seed)")]
Workers = Annotated[int | None, typer.Option(help="Run chunks on a local Dask cluster of N processes")]
Processes = Annotated[int | None, typer.Option(help="Run chunks on N local processes without Dask "
                                                    "(e.g. 2 on a 2-core laptop)")]
Scheduler = Annotated[str | None, typer.Option(help="Run chunks on an existing Dask cluster "
                                                    "(tcp://host:8786)")]
ChunkSize = Annotated[int | None, typer.Option(help="Samples per engine call (default 5000)")]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing output folder")]


def _check_options(method: str | None, outdir: Path | None, force: bool) -> None:
    from ..errors import UsageError
    from ..scenario.uncertain import METHODS

    if method is not None and method not in METHODS:
        raise UsageError(f"--method: expected one of {', '.join(METHODS)} (got {method!r})")
    if outdir is not None and outdir.exists() and not force:
        raise UsageError(f"{outdir}: output folder exists; use --force to replace it")


def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario file with an uncertain: block")],
    samples: Samples = None, method: Method = None, seed: Seed = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default out/<name>-sweep/)")] = None,
    force: Force = False, workers: Workers = None, scheduler: Scheduler = None,
    chunk_size: ChunkSize = None, processes: Processes = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the finished chunks of "
                                                          "an interrupted sweep")] = False,
    figures: Annotated[bool, typer.Option(help="Write figures/*.png")] = True,
) -> None:
    """Sweep the uncertain parameters: design, metrics, quantiles, target probabilities,
    sensitivity indices and figures."""
    from ..errors import UsageError
    from ..scenario import load_scenario

    loaded = load_scenario(scenario)
    if not loaded.model.uncertain:
        raise UsageError(f"{scenario}: nothing to sweep: add an uncertain: block "
                         "(see docs/sweeps.md)")
    outdir = out or Path("out") / f"{loaded.name}-sweep"
    _check_options(method, outdir, force)
    result, store = run_sweep_command(scenario, samples, method, seed, chunk_size, workers,
                                      scheduler, resume, _store_folder(outdir), "sweep",
                                      processes)
    _write(result, outdir, force, figures)
    store.remove()
    _print_summary(result)
    typer.echo(f"\nOutputs in {outdir}/ (design.csv, metrics.csv, quantiles.csv, targets.csv, "
               "sensitivity.csv, metadata.json, figures/)")


def check(
    scenario: Annotated[Path, typer.Argument(help="Scenario file with a checks: block")],
    samples: Samples = None, method: Method = None, seed: Seed = None,
    workers: Workers = None, scheduler: Scheduler = None, chunk_size: ChunkSize = None,
    processes: Processes = None,
    out: Annotated[Path | None, typer.Option(help="Also write the sweep's output folder here")] = None,
    force: Force = False,
) -> None:
    """Evaluate the scenario's checks (minimum probabilities of meeting targets). Exit 0 when all
    pass, 1 when one fails, 2 on bad input."""
    from ..errors import ScenarioError
    from ..scenario import load_scenario

    loaded = load_scenario(scenario)
    if not loaded.model.checks:
        raise ScenarioError(scenario, "checks", "nothing to check: add a checks: block "
                            "(target id: minimum probability)")
    _check_options(method, out, force)
    if loaded.model.uncertain:
        result, _ = run_sweep_command(scenario, samples, method, seed, chunk_size, workers,
                                      scheduler, False, None, "check", processes)
        rows = result.probabilities()
        if out is not None:
            _write(result, out, force, True)
        n = result.plan.n_samples
    else:
        rows = _single_run_rows(loaded)
        n = 1
    typer.echo(f"\n{loaded.name}: checks over {n:,} sample{'s' * (n != 1)}")
    _print_targets(rows, checks_only=True)
    failed = [r["id"] for r in rows if r["verdict"] == "fail"]
    typer.echo(f"\n{'FAILED: ' + ', '.join(failed) if failed else 'all checks pass'}")
    if failed:
        raise typer.Exit(1)


def _single_run_rows(loaded) -> list[dict]:
    """Check rows from one run (nothing uncertain): probability 1 or 0, n = 1."""
    import numpy as np

    from ..pipeline import run
    from ..sweeps.core import probability_rows

    result = run(loaded)
    met = np.array([[bool(v.met[0]) for v in result.verdicts]], dtype=bool).reshape(1, -1)
    return probability_rows(result.resolved.targets, met, result.resolved.checks)
