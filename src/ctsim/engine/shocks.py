"""Shock kernels: coal shortfalls, who loses power first, and what rationing costs.

Arrays carry the sample axis first. Equations: docs/model.md, "Policy levers, caps and shocks".
"""

from __future__ import annotations

import numpy as np

from .policy import apply_options


def fossil_limits(coal_twh: np.ndarray, gas_twh: np.ndarray, shortfall: np.ndarray,
                  coal_max_twh: np.ndarray, gas_max_twh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum coal and gas output in a year with a coal supply shortfall (a share of the year's coal
    generation that cannot run). Gas cannot rise above what it would have run: in a fuel crunch gas
    is short too. Without a shortfall the limits are the plants' own maxima.

    coal_max' = coal x (1 - shortfall), gas_max' = gas   where shortfall > 0
    """
    hit = shortfall > 0
    return (np.where(hit, np.minimum(coal_max_twh, coal_twh * (1.0 - shortfall)), coal_max_twh),
            np.where(hit, np.minimum(gas_max_twh, gas_twh), gas_max_twh))


def curtail(unserved_twh: np.ndarray, loads_twh: np.ndarray, max_cut_frac: np.ndarray,
            rank: np.ndarray) -> np.ndarray:
    """Share out unserved electricity [S] among user groups [S, G] in order of ``rank`` [S, G]
    (lowest first). Each group loses at most max_cut_frac x its load, except the last in the order,
    which takes whatever is left. Returns the cut of each group [S, G]; it adds up to ``unserved``."""
    order = np.argsort(rank, axis=-1, kind="stable")
    loads = np.take_along_axis(loads_twh, order, axis=-1)
    frac = np.take_along_axis(np.broadcast_to(max_cut_frac, loads_twh.shape), order, axis=-1)
    room = loads * frac
    room[:, -1] = np.maximum(unserved_twh, 0.0)  # the last group takes whatever is left
    used, _ = apply_options(unserved_twh, room)
    cut = np.empty_like(used)
    np.put_along_axis(cut, order, used, axis=-1)
    return cut


def gdp_loss(unserved_twh: np.ndarray, demand_twh: np.ndarray, elasticity: np.ndarray) -> np.ndarray:
    """Share of the year's GDP lost to rationing: elasticity x unserved / demand, at most 1."""
    return np.minimum(elasticity * unserved_twh / np.maximum(demand_twh, 1e-9), 1.0)
