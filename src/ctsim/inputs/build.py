"""ResolvedScenario (+ optional per-sample overrides) -> Inputs: the engine's parameter bundles.

Scalars become arrays of shape [S] and paths arrays of shape [S, Y] (S may be 1 for a value that
is the same in every sample: numpy broadcasting then spreads it). Paths are interpolated once here,
linearly between their years and flat outside them, never inside the year loop. Where each
registry parameter lands is declared once, by the bundles' fields (ctsim.engine.inputs).
"""

from __future__ import annotations

import numpy as np

from .. import registry
from ..engine.inputs import BUNDLES, CALIBRATION_YEAR, Inputs, registry_fields, shock_fields
from ..resolve import ResolvedScenario
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


def build_inputs(
    resolved: ResolvedScenario,
    overrides: dict[str, np.ndarray] | None = None,
    n_samples: int = 1,
    sample_ids: np.ndarray | None = None,
) -> Inputs:
    """The engine's Inputs. ``overrides`` maps parameter names to per-sample values: an array [S]
    for a scalar, or [S, Y] for a path (already interpolated). Shocks fill the shock arrays of the
    ``shock`` bundle (stochastic ones drawn for ``sample_ids``, default 0..S-1; see
    ctsim.scenario.shocks). Every registry parameter must be given (the resolved scenario has them
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
    sections["shock"].update({key: shocks[f"shocks.{key}"] for key in shock_fields()})
    return Inputs(years=years, n_samples=n_samples,
                  **{s: cls(**sections[s]) for s, cls in BUNDLES.items()})
