"""The public API's composite calls: sweep (executors, resume store, output folder), check, compare and
the registry catalogues. ``import ctsim`` exposes them lazily (ctsim/__init__.py lists the API); each
CLI command is a thin call of one of them, so anything ``ctsim sweep`` computes, ``ctsim.sweep()``
computes too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .errors import ScenarioError, UsageError
from .outputs.sweep import SweepFolder, can_fork, chunk_text, figure_processes
from .pipeline import Run, load, run
from .resolve import resolve
from .scenario import LoadedScenario
from .scenario.uncertain import SweepSettings
from .sweeps.core import (
    PARALLEL_MIN_SAMPLES,
    ChunkStore,
    Executor,
    SweepResult,
    default_processes,
    plan_sweep,
    probability_rows,
    process_executor,
    run_sweep,
)

if TYPE_CHECKING:  # compare() imports it: a sweep does not need it (~5-10 ms of its own)
    from .analysis.compare import Wedges

Scenario = str | Path | LoadedScenario
Progress = Callable[[int, int], None]


# --- executors and the resume store --------------------------------------------------------------


def executor_for(processes: int | None = None, workers: int | None = None,
                 scheduler: str | None = None) -> Executor | None:
    """The executor of chunks: in this process (all None), ``processes`` local processes, a local
    Dask cluster of ``workers`` processes, or the Dask cluster at ``scheduler`` (needs the
    ``distributed`` extra)."""
    if processes is not None:
        if workers is not None or scheduler is not None:
            raise UsageError("give only one of --processes, --workers and --scheduler")
        if processes < 1:
            raise UsageError(f"--processes must be at least 1 (got {processes})")
        return process_executor(processes)
    if workers is None and scheduler is None:
        return None
    from .sweeps.distributed import dask_executor

    return dask_executor(workers, scheduler)


def store_folder(out: str | Path) -> Path:
    """Where a sweep writing to ``out`` keeps its finished chunks until the folder is written."""
    out = Path(out)
    return out.parent / f".{out.name}.chunks"


def kept_chunks(out: str | Path) -> Path | None:
    """The store folder of an unfinished sweep to ``out`` when it holds finished chunks (rerun with
    ``resume=True`` to continue), else None."""
    folder = store_folder(out)
    return folder if any(folder.glob("chunk-*.npz")) else None


def _check_out(out: Path | None, force: bool) -> None:
    """Refuse, before any work (and before a resume store is made beside it), an output folder
    that exists without ``force`` or that ``force`` may not replace (a root, the working folder,
    someone's own files)."""
    if out is not None and out.exists() and not out.is_dir():  # --force does not change that
        raise UsageError(f"{out}: exists and is not a folder; --out names a folder")
    if out is not None:
        from .outputs.folders import check_target

        check_target(out, force)


# --- sweep and check -----------------------------------------------------------------------------


def _requested(resolved, samples: int | None) -> int:
    """Samples a sweep of ``resolved`` is asked for (its design may round them up)."""
    return samples if samples is not None else (resolved.sweep or SweepSettings()).samples


def _has_draws(loaded) -> bool:
    """What ctsim sweep sweeps: uncertain parameters, or stochastic shocks that each sample draws."""
    return bool(loaded.model.uncertain) or any(s.kind == "stochastic" for s in loaded.model.shocks)


def _check_design_method(loaded, resolved, method: str | None) -> None:
    """Sobol and Morris vary uncertain parameters: with none, a one-line error naming the file."""
    from .inputs.design import columns

    chosen = method or (resolved.sweep.method if resolved.sweep else None)
    if chosen in ("sobol", "morris") and not columns(resolved):
        key = "--method" if method else "sweep.method"
        raise ScenarioError(loaded.path or loaded.name, key,
                            f"method {chosen} needs at least one uncertain parameter (this scenario "
                            "sweeps stochastic shocks only: use lhs or random)")


def sweep(scenario: Scenario, samples: int | None = None, seed: int | None = None,
          method: str | None = None, chunk_size: int | None = None,
          processes: int | None = None, *, workers: int | None = None,
          scheduler: str | None = None, executor: Executor | None = None,
          overrides: dict[str, Any] | None = None, out: str | Path | None = None,
          force: bool = False, figures: bool = True, store: str | Path | Literal[False] | None = None,
          resume: bool = False, progress: Progress | None = None,
          command: list[str] | None = None, notice: Callable[[str], None] | None = None,
          write_progress: Progress | None = None) -> SweepResult:
    """Sweep a scenario's uncertain parameters: the design, per-sample metrics and verdicts, target
    probabilities (Wilson intervals), quantile trajectories and sensitivity indices.

    ``samples``, ``seed`` and ``method`` (lhs, sobol, random, morris) default to the scenario's
    ``sweep:`` block (a scenario with stochastic shocks but nothing uncertain is swept too: each
    sample draws its own shocks); ``chunk_size`` is the samples per engine call (default: chunks of
    about 5,000 samples, as many as a multiple of 4). Chunks run on ``processes`` local processes
    (1: in this process), on a local Dask cluster of ``workers`` processes, on the cluster at
    ``scheduler``, or on a given ``executor``; given none of these, a sweep of 10,000 samples or
    more runs on every usable core (``os.sched_getaffinity``), a smaller one in this process.
    ``overrides`` set parameters as in :func:`ctsim.run`.

    With ``out`` the sweep folder (design.csv, metrics.csv, quantiles.csv, targets.csv,
    sensitivity.csv, metadata.json, figures/) is written there, atomically (``force`` replaces
    it), and finished chunks are kept beside it until then, so ``resume=True`` continues an
    interrupted sweep. ``store`` names another folder for the chunks (False: none). ``progress``
    is called with (samples done, total) after every chunk, ``write_progress`` with (steps done,
    total) while the folder is written (tables, sensitivity indices, files, figures).

    Sobol and Morris designs need a size of a given form; they run the next valid size at or above
    ``samples`` (``result.plan.design.requested`` keeps what was asked for), and ``notice`` is
    called with a one-line explanation when that differs from ``samples``, and when resuming finds
    a damaged chunk or plan (it is recomputed, never used).
    """
    loaded = load(scenario, overrides)
    if not _has_draws(loaded):
        raise UsageError(f"{loaded.path or loaded.name}: nothing to sweep: add an uncertain: block "
                         "or a stochastic shock (see docs/sweeps.md)")
    out = Path(out) if out is not None else None
    _check_out(out, force)
    if store is None:
        store = store_folder(out) if out is not None else None
    if resume and not store:
        raise UsageError("resume needs a store of finished chunks: give out= or store=")
    run_on = executor if executor is not None else executor_for(processes, workers, scheduler)
    painters = []  # the figure processes, forked now while this process is small (outputs/sweep.py)
    try:
        resolved = resolve(loaded)
        if (out is not None and figures and can_fork()
                and _requested(resolved, samples) >= PARALLEL_MIN_SAMPLES):
            painters = figure_processes()  # import matplotlib while the sweep is planned and run
        _check_design_method(loaded, resolved, method)
        plan = plan_sweep(resolved, samples, method, seed, chunk_size)
        if notice is not None and plan.design.size_note:
            notice(plan.design.size_note)
        if run_on is None and default_processes(plan.n_samples) > 1:  # nothing chosen: every core
            run_on = process_executor(default_processes(plan.n_samples))
        chunks = ChunkStore(store, plan, notice) if store else None
        with contextlib.ExitStack() as stack:
            folder = None
            if out is not None:
                folder = stack.enter_context(SweepFolder(out, force, figures, painter=painters,
                                                         samples=plan.n_samples))
                if folder.stream(plan):  # the workers format their chunks' lines of the CSVs
                    plan = replace(plan, context=replace(plan.context, chunk_text=chunk_text))
            try:
                result = run_sweep(plan, run_on, progress, chunks, resume,
                                   on_prefix=folder.sensitivity_known if folder else None,
                                   on_chunk=folder.add if folder else None)
            except BaseException:
                if chunks is not None and not any(chunks.folder.glob("chunk-*.npz")):
                    chunks.remove()  # nothing finished: nothing to resume from
                raise
            if folder is not None:
                folder.finish(result, command, progress=write_progress)
    finally:
        for painter in painters:
            painter.close()
    if chunks is not None:
        chunks.remove()
    return result


@dataclass
class CheckResult:
    """The verdicts of a scenario's ``checks:`` (target id -> minimum probability): one row per
    target (probability, Wilson 95 % interval, threshold, verdict), over a sweep or, when nothing
    is uncertain, one run."""

    scenario: str
    n_samples: int
    rows: list[dict]  # every target; those with a check have a threshold and a verdict
    sweep: SweepResult | None = None  # None for a single run
    run: Run | None = field(default=None, repr=False)

    @property
    def checks(self) -> list[dict]:
        """The rows that have a check."""
        return [r for r in self.rows if r["threshold"] is not None]

    @property
    def failed(self) -> list[str]:
        """Ids of the targets whose check failed."""
        return [r["id"] for r in self.rows if r["verdict"] == "fail"]

    @property
    def passed(self) -> bool:
        return not self.failed


def single_run_rows(result: Run) -> list[dict]:
    """Check rows from one run (nothing uncertain): probability 1 or 0, n = 1."""
    met = np.array([[bool(v.met[0]) for v in result.verdicts]], dtype=bool).reshape(1, -1)
    return probability_rows(result.resolved.targets, met, result.resolved.checks)


def check(scenario: Scenario, samples: int | None = None, seed: int | None = None,
          method: str | None = None, chunk_size: int | None = None,
          processes: int | None = None, *, workers: int | None = None,
          scheduler: str | None = None, executor: Executor | None = None,
          overrides: dict[str, Any] | None = None, out: str | Path | None = None,
          force: bool = False, progress: Progress | None = None,
          command: list[str] | None = None, notice: Callable[[str], None] | None = None) -> CheckResult:
    """Evaluate a scenario's checks over a sweep (options as :func:`sweep`; ``out`` also writes
    the sweep folder), or over one run when nothing is drawn (no uncertain parameter and no
    stochastic shock)."""
    loaded = load(scenario, overrides)
    if not loaded.model.checks:
        raise ScenarioError(loaded.path, "checks", "nothing to check: add a checks: block "
                            "(target id: minimum probability)")
    out = Path(out) if out is not None else None
    _check_out(out, force)
    if _has_draws(loaded):  # the rule ctsim sweep uses: stochastic shocks alone are swept too
        result = sweep(loaded, samples, seed, method, chunk_size, processes, workers=workers,
                       scheduler=scheduler, executor=executor, out=out, force=force,
                       store=False, progress=progress, command=command, notice=notice)
        return CheckResult(result.name, result.n_samples, result.probabilities(), sweep=result)
    single = run(loaded)
    return CheckResult(single.resolved.name, 1, single_run_rows(single), run=single)


# --- compare -------------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Scenarios side by side, the first the reference: their runs, the key-metric differences
    (one row per metric; a value column per scenario and ``<name> - <reference>`` columns) and,
    per other scenario, the policy wedges that split its CO2 gap to the reference by parameter."""

    runs: list[Run]
    differences: Any  # pandas.DataFrame
    wedges: dict[str, Wedges]  # policy name -> wedges relative to the reference

    @property
    def names(self) -> list[str]:
        return [r.resolved.name for r in self.runs]


def compare(reference: Scenario | Run, policy: Scenario | Run, *others: Scenario | Run) -> Comparison:
    """Compare ``policy`` (and ``others``) with ``reference``, as ``ctsim compare`` does: metric
    differences of their single runs and Shapley policy wedges of national CO2."""
    from .analysis.compare import metric_differences, policy_wedges

    runs = [s if isinstance(s, Run) else run(s) for s in (reference, policy, *others)]
    names = [r.resolved.name for r in runs]
    if len(set(names)) != len(names):
        raise UsageError(f"compare: scenario names must differ (got {', '.join(names)})")
    differences = metric_differences({r.resolved.name: r.summary["metrics"] for r in runs})
    wedges = {}
    for r in runs[1:]:
        try:
            wedges[r.resolved.name] = policy_wedges(runs[0].resolved, r.resolved)
        except ValueError as exc:  # horizons differ
            raise UsageError(f"compare: no wedges for {r.resolved.name}: {exc}") from None
    return Comparison(runs, differences, wedges)


# --- the registry catalogues ---------------------------------------------------------------------


def parameters():
    """The parameter registry as a DataFrame: name, value (a number or a {year: value} path),
    unit, lower, upper, kind, description, source; one row per parameter a scenario can set."""
    import pandas as pd

    from . import registry

    return pd.DataFrame([vars(p) for p in registry.parameters().values()],
                        columns=list(registry.PARAMETER_COLUMNS))


def variables():
    """The output catalogue as a DataFrame: name (internal), variable (IAMC), unit, codelist (``defined``
    by IAMC common-definitions or a ctsim ``extension``), description."""
    import pandas as pd

    from . import registry

    return pd.DataFrame([vars(v) for v in registry.variables().values()],
                        columns=list(registry.VARIABLE_COLUMNS))
