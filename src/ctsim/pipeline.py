"""The library's pipeline in one place: load -> resolve -> inputs -> simulate -> results -> verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .analysis.metrics import metric_label, metrics
from .analysis.targets import Verdict, evaluate
from .engine import simulate
from .inputs.build import build_inputs
from .resolve import ResolvedScenario, resolve
from .results import Results
from .scenario import LoadedScenario, load_scenario, with_overrides


@dataclass
class Run:
    """One scenario run: the loaded and resolved scenario, its :class:`~ctsim.Results` (one
    sample) and the verdicts of its targets; :attr:`summary` is what summary.json holds."""

    scenario: LoadedScenario
    resolved: ResolvedScenario
    results: Results
    verdicts: list[Verdict]

    @cached_property
    def summary(self) -> dict:
        """Headline metrics and target verdicts (sample 0): the content of summary.json."""
        return run_summary(self)


def run_summary(run: Run) -> dict:
    """summary.json content: headline metrics and target verdicts of a single run (sample 0)."""
    out_metrics = {}
    for name, arr in metrics(run.results).items():
        label, unit = metric_label(name)
        out_metrics[name] = {"label": label, "value": float(arr[0]), "unit": unit}
    verdicts = [v.as_dict(0) for v in run.verdicts]
    return {
        "scenario": run.resolved.name,
        "description": run.resolved.description,
        "years": list(run.resolved.years),
        "metrics": out_metrics,
        "targets": verdicts,
        "all_targets_met": all(v["met"] for v in verdicts),
    }


def load(scenario: str | Path | LoadedScenario,
         overrides: dict[str, Any] | None = None) -> LoadedScenario:
    """A scenario file (or an already loaded scenario) with validated parameter ``overrides``."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    return with_overrides(loaded, overrides) if overrides else loaded


def run_resolved(resolved: ResolvedScenario, overrides: dict[str, np.ndarray] | None = None,
                 n_samples: int = 1, sample_ids: np.ndarray | None = None,
                 regional_outputs: tuple[str, ...] | None = None) -> Results:
    """Simulate ``n_samples`` samples; ``sample_ids`` (default 0..S-1) are their global indices,
    which per-sample random draws (stochastic shocks) depend on. ``overrides`` are engine arrays
    ([S] or [S, Y] per parameter), not validated: use :func:`run` for user-given values.
    ``regional_outputs`` limits the regional outputs kept (internal names; None: all)."""
    inputs = build_inputs(resolved, overrides, n_samples, sample_ids, regional_outputs)
    arrays = simulate(inputs)
    start, end = resolved.years
    regions = () if inputs.regions is None else inputs.regions.names
    return Results.from_engine(resolved.name, inputs.years, arrays, start, end, regions=regions,
                               resolution=getattr(resolved, "regions", "national"))


def run(scenario: str | Path | LoadedScenario, overrides: dict[str, Any] | None = None) -> Run:
    """Run one scenario and evaluate its targets.

    ``scenario`` is a scenario file or a loaded scenario (:func:`ctsim.load_scenario`);
    ``overrides`` maps registry parameter names to values or ``{year: value}`` paths, e.g.
    ``{"policy.carbon_price": {2030: 150}}``, validated like a scenario file (a misspelt name,
    a value out of bounds or a path year outside the horizon raises :class:`ctsim.ScenarioError`).
    """
    loaded = load(scenario, overrides)
    resolved = resolve(loaded)
    results = run_resolved(resolved)
    return Run(loaded, resolved, results, evaluate(resolved.targets, results))
