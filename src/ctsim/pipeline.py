"""The library's pipeline in one place: load -> resolve -> inputs -> simulate -> results -> verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .analysis.targets import Verdict, evaluate
from .engine import simulate
from .inputs.build import build_inputs
from .resolve import ResolvedScenario, resolve
from .results import Results
from .scenario import LoadedScenario, load_scenario


@dataclass
class Run:
    scenario: LoadedScenario
    resolved: ResolvedScenario
    results: Results
    verdicts: list[Verdict]


def run_resolved(resolved: ResolvedScenario, overrides: dict[str, np.ndarray] | None = None,
                 n_samples: int = 1, sample_ids: np.ndarray | None = None) -> Results:
    """Simulate ``n_samples`` samples; ``sample_ids`` (default 0..S-1) are their global indices,
    which per-sample random draws (stochastic shocks) depend on."""
    inputs = build_inputs(resolved, overrides, n_samples, sample_ids)
    arrays = simulate(inputs)
    start, end = resolved.years
    return Results.from_engine(resolved.name, inputs.years, arrays, start, end)


def run(scenario: str | Path | LoadedScenario) -> Run:
    """Run one scenario (a sweep of one sample) and evaluate its targets."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    resolved = resolve(loaded)
    results = run_resolved(resolved)
    return Run(loaded, resolved, results, evaluate(resolved.targets, results))
