"""ResolvedScenario (+ optional per-sample overrides) -> Inputs: arrays the engine reads.

Scalars become arrays of shape [S] and paths arrays of shape [S, Y] (S may be 1 for a value that
is the same in every sample: numpy broadcasting then spreads it). Paths are interpolated once here,
linearly between their years and flat outside them, never inside the year loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import registry
from ..resolve import ResolvedScenario
from .shocks import shock_arrays

CALIBRATION_YEAR = 2020  # the engine's initial state is the observed 2020 (bundled history)


def interpolate_path(value: float | dict[int, float], years: np.ndarray) -> np.ndarray:
    """{year: value} -> values at ``years`` (linear between keys, flat outside); a number -> constant."""
    if isinstance(value, dict):
        keys = np.array(sorted(value), dtype=float)
        vals = np.array([value[int(k)] for k in keys], dtype=float)
        return np.interp(years.astype(float), keys, vals)
    return np.full(years.shape, float(value))


@dataclass
class Inputs:
    """Engine inputs. ``get`` records every name read, so tests can find unused parameters."""

    years: np.ndarray  # simulated years, from the calibration year to the horizon end
    n_samples: int
    values: dict[str, np.ndarray]
    reads: set[str] = field(default_factory=set)

    def get(self, name: str) -> np.ndarray:
        self.reads.add(name)
        return self.values[name]

    def take(self, index: np.ndarray | slice) -> Inputs:
        """The inputs of a subset of samples (a chunk); shared values stay broadcast."""
        out = {}
        for k, v in self.values.items():
            out[k] = v if v.shape[0] == 1 else v[index]
        n = len(np.arange(self.n_samples)[index])
        return Inputs(self.years, n, out)


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
    """Arrays for the engine. ``overrides`` maps parameter names to per-sample values: an array [S]
    for a scalar, or [S, Y] for a path (already interpolated). Shocks become ``shocks.*`` arrays
    (stochastic ones drawn for ``sample_ids``, default 0..S-1; see ctsim.scenario.shocks)."""
    years = simulated_years(resolved)
    params = registry.parameters()
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
    values.update(shock_arrays(resolved.shocks, years, resolved.seed, n_samples, sample_ids))
    return Inputs(years=years, n_samples=n_samples, values=values)
