"""The single-run function EMA Workbench drives (importable by its worker processes)."""

from __future__ import annotations

from functools import lru_cache

import common
import numpy as np

from ctsim.engine import simulate
from ctsim.inputs.build import build_inputs, interpolate_path


@lru_cache(maxsize=1)
def _setup():
    resolved = common.resolved_default()
    years = build_inputs(resolved).years
    bases = {n: interpolate_path(resolved.values[n], years) for n in common.SCALED}
    return resolved, years, bases


def factors_from_overrides(resolved, overrides, n) -> np.ndarray:
    """Recover the scale factors of the first n design rows (for EMA's Scenario objects)."""
    years = build_inputs(resolved).years
    i = int(np.searchsorted(years, 2030))
    cols = [overrides[k][:n, i] / interpolate_path(resolved.values[k], years)[i] for k in common.SCALED]
    return np.stack(cols, axis=1)


def run_one(**factors) -> dict:
    resolved, years, bases = _setup()
    policy = years >= 2025
    ov = {}
    for j, name in enumerate(common.SCALED):
        f = factors[f"f{j}"]
        ov[name] = np.where(policy, f * bases[name], bases[name])[None, :]
    out = simulate(build_inputs(resolved, ov, 1))
    return {"co2_last": float(out["co2_total_mt"][0, -1])}


def trivial(**factors) -> dict:
    """A model that returns at once: what EMA Workbench itself costs per experiment."""
    return {"co2_last": factors["f0"]}
