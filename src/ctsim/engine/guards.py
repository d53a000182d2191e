"""Invariant checks run after each simulated year (see docs/model.md, "Invariants")."""

from __future__ import annotations

import numpy as np

from ..errors import ModelInvariantError

NON_NEGATIVE_PREFIXES = ("cap_", "gen_", "steel_", "coal_", "oil_", "gas_", "demand_", "unserved",
                         "curtailed", "pe_", "nonfossil_")
SHARES = ("share_nonfossil_gen", "share_nonfossil_pe", "steel_eaf_share")
TOLERANCE = 1e-9  # relative slack for balances and bounds (floating-point round-off only)


def _fail(out: dict, name: str, bad: np.ndarray, t: int, year: int, what: str) -> None:
    sample = int(np.argmax(bad))
    value = out[name][sample, t]
    raise ModelInvariantError(name, year, sample, f"{what} (got {value!r})")


def check_year(out: dict[str, np.ndarray], t: int, year: int) -> None:
    """Raise ModelInvariantError on NaN/inf, negative stocks or flows, shares outside [0, 1], or an
    electricity balance that does not close (generation + unserved = demand)."""
    for name, arr in out.items():
        col = arr[:, t]
        if np.isnan(col).all() and name.endswith("_2005"):
            continue  # filled after the loop
        bad = ~np.isfinite(col)
        if bad.any():
            _fail(out, name, bad, t, year, "not a finite number")
        if name.startswith(NON_NEGATIVE_PREFIXES):
            bad = col < -TOLERANCE * (1 + np.abs(col).max())
            if bad.any():
                _fail(out, name, bad, t, year, "negative value")
    for name in SHARES:
        col = out[name][:, t]
        bad = (col < -TOLERANCE) | (col > 1 + TOLERANCE)
        if bad.any():
            _fail(out, name, bad, t, year, "share outside [0, 1]")
    served = out["gen_total_twh"][:, t] + out["unserved_twh"][:, t]
    demand = out["demand_twh"][:, t]
    bad = np.abs(served - demand) > 1e-6 * np.maximum(demand, 1.0)
    if bad.any():
        _fail(out, "gen_total_twh", bad, t, year, "generation + unserved differs from demand")
    parts = sum(out[f"gen_{k}_twh"][:, t] for k in
                ("coal", "gas", "oil", "hydro", "nuclear", "wind", "solar", "bio"))
    bad = np.abs(parts - out["gen_total_twh"][:, t]) > 1e-6 * np.maximum(demand, 1.0)
    if bad.any():
        _fail(out, "gen_total_twh", bad, t, year, "generation by source does not add up to the total")
