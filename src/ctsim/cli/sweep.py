"""``ctsim sweep`` and ``ctsim check`` (registered in ctsim.cli.main; heavy imports inside functions).

sweep: ``ctsim.sweep`` (design -> chunks -> engine -> metrics, verdicts, quantiles, sensitivity ->
output folder), then a summary table. check: ``ctsim.check`` (the scenario's ``checks:`` over a sweep,
or one run when nothing is uncertain); exit 0 when all pass, 1 when one fails, 2 on bad input.
The commands parse, call the library, print; the progress bar is a callback they pass in.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .console import Progress, echo, note

METHOD_HELP = "lhs | sobol | random | morris (default: the scenario's sweep.method)"


def _print_targets(rows: list[dict]) -> None:
    if not rows:
        return
    width = max(len(r["id"]) for r in rows)
    echo(f"\n  {'target':<{width}}  probability  95 % interval    threshold  verdict")
    for r in rows:
        threshold = "" if r["threshold"] is None else f"{r['threshold']:.0%}"
        verdict = {"pass": "pass", "fail": "FAIL", "": ""}[r["verdict"]]
        echo(f"  {r['id']:<{width}}  {r['probability']:>10.1%}  "
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
    echo(f"\n{plan.context.resolved.name}: {plan.n_samples:,} samples "
               f"({plan.design.method}, seed {plan.design.seed})")
    summary = result.metric_summary()
    width = max(len(metric_label(k)[0]) for k in summary)
    echo(f"  {'metric':<{width}}  {'5 %':>10} {'median':>10} {'95 %':>10}")
    for name, (lo, mid, hi) in summary.items():
        label, unit = metric_label(name)
        echo(f"  {label:<{width}}  {_fmt(lo, unit):>10} {_fmt(mid, unit):>10} {_fmt(hi, unit):>10}  "
                   f"{'' if unit == 'fraction' else unit}")
    _print_targets(result.probabilities())


Samples = Annotated[int | None, typer.Option(help="Number of model runs (default: sweep.samples)")]
Method = Annotated[str | None, typer.Option(help=METHOD_HELP)]
Seed = Annotated[int | None, typer.Option(help="Seed of the design (default: sweep.seed or seed)")]
Workers = Annotated[int | None, typer.Option(help="Run chunks on a local Dask cluster of N processes")]
Processes = Annotated[int | None, typer.Option(help="Run chunks on N local processes without Dask "
                                                    "(default: every usable core for 10,000 "
                                                    "samples or more, else 1; 1 runs in this "
                                                    "process)")]
Scheduler = Annotated[str | None, typer.Option(help="Run chunks on an existing Dask cluster "
                                                    "(tcp://host:8786)")]
ChunkSize = Annotated[int | None, typer.Option(help="Samples per engine call (default: about 5000, "
                                                 "as many chunks as a multiple of 4)")]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing output folder")]


def _check_method(method: str | None) -> None:
    from ..errors import UsageError
    from ..scenario.uncertain import METHODS

    if method is not None and method not in METHODS:
        raise UsageError(f"--method: expected one of {', '.join(METHODS)} (got {method!r})")


def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (or bundled name) with an uncertain: block")],
    samples: Samples = None, method: Method = None, seed: Seed = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default out/<name>-sweep/)")] = None,
    force: Force = False, workers: Workers = None, scheduler: Scheduler = None,
    chunk_size: ChunkSize = None, processes: Processes = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the finished chunks of "
                                                          "an interrupted sweep")] = False,
    figures: Annotated[bool, typer.Option(help="Write figures/*.png")] = True,
) -> None:
    """Sweep the uncertain parameters: design, metrics, quantiles, target probabilities,
    sensitivity indices and figures."""
    import ctsim
    from ctsim.api import kept_chunks

    _check_method(method)
    loaded = ctsim.load_scenario(scenario)
    outdir = out or Path("out") / f"{loaded.name}-sweep"
    try:
        result = ctsim.sweep(loaded, samples, seed, method, chunk_size, processes, workers=workers,
                             scheduler=scheduler, out=outdir, force=force, figures=figures,
                             resume=resume, progress=Progress("sweep"),
                             write_progress=Progress("write", unit="steps"),
                             command=["ctsim", *sys.argv[1:]], notice=note)
    except BaseException:
        kept = kept_chunks(outdir)
        if kept is not None:
            typer.echo(f"finished chunks kept in {kept}/; rerun with --resume to continue", err=True)
        raise
    _print_summary(result)
    written = sorted(p.name + ("/" if p.is_dir() else "") for p in outdir.iterdir())
    echo(f"\nOutputs in {outdir}/ ({', '.join(written)})")


def check(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (or bundled name) with a checks: block")],
    samples: Samples = None, method: Method = None, seed: Seed = None,
    workers: Workers = None, scheduler: Scheduler = None, chunk_size: ChunkSize = None,
    processes: Processes = None,
    out: Annotated[Path | None, typer.Option(help="Also write the sweep's output folder here")] = None,
    force: Force = False,
) -> None:
    """Evaluate the scenario's checks (minimum probabilities of meeting targets). Exit 0 when all
    pass, 1 when one fails, 2 on bad input."""
    import ctsim

    _check_method(method)
    result = ctsim.check(scenario, samples, seed, method, chunk_size, processes, workers=workers,
                         scheduler=scheduler, out=out, force=force, progress=Progress("check"),
                         command=["ctsim", *sys.argv[1:]], notice=note)
    n = result.n_samples
    echo(f"\n{result.scenario}: checks over {n:,} sample{'s' * (n != 1)}")
    _print_targets(result.checks)
    failed = result.failed
    typer.echo(f"\n{'FAILED: ' + ', '.join(failed) if failed else 'all checks pass'}")
    if failed:
        raise typer.Exit(1)
