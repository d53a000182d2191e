"""ResolvedScenario (+ optional per-sample overrides) -> Inputs: the engine's parameter bundles.

Scalars become arrays of shape [S] and paths arrays of shape [S, Y] (S may be 1 for a value that
is the same in every sample: numpy broadcasting then spreads it). Paths are interpolated once here,
linearly between their years and flat outside them, never inside the year loop (the resolved path
of a scenario already holds the observed years: ctsim.resolve). Where each registry parameter lands
is declared once, by the bundles' fields (ctsim.engine.inputs).

History is observed: the Inputs carry the history's inputs (the registry's values, no shocks,
shared by all samples) and the last observed year, and the engine simulates the observed years
with them whatever the scenario, its overrides or a sweep's samples say (a counterfactual
scenario, ``history_end`` None, has none). Accounting metrics (GWP weights, the TCRE:
ctsim.history.is_accounting) are the scenario's in every year.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from .. import registry
from ..engine.inputs import BUNDLES, CALIBRATION_YEAR, Inputs, registry_fields, shock_fields
from ..history import is_accounting
from ..resolve import ResolvedScenario
from .regions import region_data
from .shocks import shock_arrays

__all__ = ["build_inputs", "interpolate_path", "simulated_years"]


def interpolate_path(value: float | dict[int, float], years: np.ndarray) -> np.ndarray:
    """{year: value} -> values at ``years`` (linear between keys, flat outside); a number -> constant."""
    if isinstance(value, dict):
        keys = np.array(sorted(value), dtype=float)
        vals = np.array([value[int(k)] for k in keys], dtype=float)
        return np.interp(years.astype(float), keys, vals)
    return np.full(years.shape, float(value))


def simulated_years(resolved: ResolvedScenario) -> np.ndarray:
    """Years the engine steps through: from the calibration year (or an earlier start) to the end."""
    start, end = resolved.years
    return np.arange(min(CALIBRATION_YEAR, start), end + 1)


@lru_cache(maxsize=8)
def history_inputs(end: int) -> Inputs:
    """The registry's inputs (no shocks) over the simulated years to ``end``: what was observed.
    Shared by every run (frozen, so never changed); ``take`` keeps them broadcast."""

    years = np.arange(CALIBRATION_YEAR, end + 1)
    resolved = ResolvedScenario(name="history", years=(int(years[0]), end), seed=0,
                                values={n: p.value for n, p in registry.parameters().items()},
                                provenance={}, history_end=None)
    return build_inputs(resolved)


def build_inputs(
    resolved: ResolvedScenario,
    overrides: dict[str, np.ndarray] | None = None,
    n_samples: int = 1,
    sample_ids: np.ndarray | None = None,
    regional_outputs: tuple[str, ...] | None = None,
) -> Inputs:
    """The engine's Inputs. ``overrides`` maps parameter names to per-sample values: an array [S]
    for a scalar, or [S, Y] for a path (already interpolated). Shocks fill the shock arrays of the
    ``shock`` bundle (stochastic ones drawn for ``sample_ids``, default 0..S-1; see
    ctsim.scenario.shocks). ``regional_outputs`` limits the regional outputs recorded at provincial
    or grid resolution (None: all). Every registry parameter must be given (the resolved scenario has them
    all); a name that is no bundle field raises KeyError."""
    years = simulated_years(resolved)
    params = registry.parameters()
    where = registry_fields()
    values: dict[str, np.ndarray] = {}
    for name, value in resolved.values.items():
        if params[name].kind == "path":
            values[name] = interpolate_path(value, years)[None, :]
        else:
            values[name] = np.array([float(value)])
    for name, arr in (overrides or {}).items():
        arr = np.asarray(arr, dtype=float)
        expected = (n_samples,) if params[name].kind == "scalar" else (n_samples, len(years))
        if arr.shape != expected:
            raise ValueError(f"override {name}: shape {arr.shape}, expected {expected}")
        values[name] = np.asfortranarray(arr)  # the engine reads one year (a column) at a time
    unknown = set(values) - set(where)
    if unknown:
        raise KeyError(f"parameters that are no engine input: {sorted(unknown)}")
    sections: dict[str, dict[str, np.ndarray]] = {s: {} for s in BUNDLES}
    for name, arr in values.items():
        section, key = where[name]
        sections[section][key] = arr
    shocks = shock_arrays(resolved.shocks, years, resolved.seed, n_samples, sample_ids)
    regions = None
    resolution = getattr(resolved, "regions", "national")
    if resolution != "national":
        regions, national = region_data(resolution, resolved.shocks, years, resolved.seed,
                                        n_samples, sample_ids, getattr(resolved, "allocation", {}),
                                        getattr(resolved, "regional_caps", {}))
        regions = replace(regions, outputs=regional_outputs)
        if any(getattr(s, "regions", None) for s in resolved.shocks):
            shocks.update(national)  # a shock in named regions: the national arrays are their means
    sections["shock"].update({key: shocks[f"shocks.{key}"] for key in shock_fields()})
    history = None
    if resolved.history_end is not None:
        history = replace(history_inputs(int(years[-1])), n_samples=n_samples)
        # accounting metrics (GWP weights, TCRE) apply to the observed years too: one metric a run
        for name in (n for n in values if is_accounting(params[n])):
            section, key = where[name]
            bundle = replace(getattr(history, section), **{key: sections[section][key]})
            history = replace(history, **{section: bundle})
    return Inputs(years=years, n_samples=n_samples, history=history, regions=regions,
                  history_end=CALIBRATION_YEAR - 1 if history is None else resolved.history_end,
                  **{s: cls(**sections[s]) for s, cls in BUNDLES.items()})
