"""Scenario shocks -> engine arrays over the simulated years ([1, Y], or [S, Y] when stochastic).

Stochastic shocks are drawn for all samples at once with counter-based uniforms
(:func:`ctsim.inputs.build.randomness.sample_uniforms`): the draws of a sample depend only on (seed, shock
position, global sample index), so chunking never changes a number. The shock kinds are defined in
ctsim.scenario.shocks; equations: docs/model.md, "Policy levers, caps and shocks".
"""

from __future__ import annotations

import numpy as np

from ..scenario.shocks import USERS, Severity
from .randomness import sample_uniforms


def draw_stochastic(seed: int, position: int, sample_ids: np.ndarray, n_years: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Uniform draws (occurrence, severity) in [0, 1), each [S, Y], for the stochastic shock at
    ``position`` in the scenario's shock list, vectorized over the samples ``sample_ids``.

    Each array is ``sample_uniforms(seed, purpose, sample_ids, n_years)`` with its own purpose
    (``shock <position> occurrence`` / ``severity``): a pure function of (seed, position, global
    sample index, year column), so a sample's draws do not depend on which others are drawn with it.
    """
    ids = np.asarray(sample_ids)
    return (sample_uniforms(seed, f"shock {position} occurrence", ids, n_years),
            sample_uniforms(seed, f"shock {position} severity", ids, n_years))


def severity_quantile(u: np.ndarray, severity: Severity) -> np.ndarray:
    """Inverse CDF of the severity distribution, uniform on [low, high], at levels ``u``."""
    return severity.low + u * (severity.high - severity.low)


def shock_arrays(shocks: list, years: np.ndarray, seed: int, n_samples: int = 1,
                 sample_ids: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Engine arrays of all shocks: [1, Y] when deterministic, [S, Y] when a shock is stochastic."""
    stochastic = any(s.kind == "stochastic" for s in shocks)
    rows = n_samples if stochastic else 1
    ids = np.arange(n_samples) if sample_ids is None else np.asarray(sample_ids)
    shortfall = np.zeros((rows, len(years)))
    hydro = np.ones((rows, len(years)))
    price = np.ones((rows, len(years)))
    rank = {u: np.full((rows, len(years)), float(i)) for i, u in enumerate(USERS)}
    for position, s in enumerate(shocks):
        if s.kind == "power_rationing":
            at = years == s.year
            shortfall[:, at] += s.shortfall * s.duration_months / 12
            for i, user in enumerate(s.curtailment_order + [u for u in USERS if u not in s.curtailment_order]):
                rank[user][:, at] = i
        elif s.kind == "hydro_drought":
            hydro[:, years == s.year] *= s.cf_factor
        elif s.kind == "coal_price_spike":
            span = (years >= s.start) & (years <= s.end)
            price[:, span] *= s.price_factor
            shortfall[:, span] += s.supply_shortfall
        else:
            occur, u = draw_stochastic(seed, position, ids, len(years))
            window = (years >= s.from_year) & (years <= s.to_year)
            hit = (occur < s.probability) & window
            severity = severity_quantile(u, s.severity)
            if s.shock == "power_rationing":
                shortfall += np.where(hit, severity * s.duration_months / 12, 0.0)
            elif s.shock == "hydro_drought":
                hydro *= np.where(hit, 1.0 - severity, 1.0)
            else:
                price *= np.where(hit, severity, 1.0)
    out = {
        "shocks.coal_shortfall": np.minimum(shortfall, 1.0),
        "shocks.hydro_cf_factor": hydro,
        "shocks.coal_price_factor": price,
    }
    out.update({f"shocks.rank_{u}": r for u, r in rank.items()})
    return out
