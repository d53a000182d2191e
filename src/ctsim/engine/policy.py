"""Policy kernels: ETS coverage and carbon costs, cost-driven uptake, step limits and caps.

Pure functions of arrays with the sample axis first ([S] for one year). Equations and sources:
docs/model.md, section "Policy levers, caps and shocks".
"""

from __future__ import annotations

import numpy as np


def covered(year: int, start_year: np.ndarray) -> np.ndarray:
    """ETS coverage of a sector in ``year``: 1.0 from ``start_year`` on, else 0.0 (shape of start_year)."""
    return np.where(year >= start_year, 1.0, 0.0)


def carbon_cost(
    price_cny_per_t: np.ndarray,
    coverage: np.ndarray,
    intensity_t_per_unit: np.ndarray,
    benchmark_t_per_unit: np.ndarray,
) -> np.ndarray:
    """Net carbon cost per unit of output under output-based (benchmark) allocation.

    cost = price x coverage x (intensity - benchmark)   [CNY per MWh or per t of product]

    A unit receives ``benchmark`` free allowances per unit of output and surrenders ``intensity``,
    so it pays for the excess and earns for the shortfall. Differences between two units sharing a
    benchmark do not depend on the benchmark: p x (I_a - I_b).
    """
    return price_cny_per_t * coverage * (intensity_t_per_unit - benchmark_t_per_unit)


def uptake(margin: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Share of an option taken up when it pays: clip(margin / scale, 0, 1).

    ``margin`` is the saving of the option over the incumbent (CNY per unit, positive when it
    pays); ``scale`` is the margin at which the whole eligible stock takes the option up (spread of
    costs across plants). Zero margin or less gives zero uptake.
    """
    return np.clip(margin / scale, 0.0, 1.0)


def limit_fall(wanted: np.ndarray, previous: np.ndarray, max_fall_frac: np.ndarray) -> np.ndarray:
    """Step-by-step limit: a quantity may fall by at most ``max_fall_frac`` of last year's value.

    result = max(wanted, previous x (1 - max_fall_frac)); rises are never limited.
    """
    return np.maximum(wanted, previous * (1.0 - max_fall_frac))


def apply_options(excess: np.ndarray, potentials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Abate ``excess`` [S] with options used in order, each up to its potential [S, O].

    Returns (used [S, O], remaining excess [S]). Option o is used only after options 0..o-1 are
    exhausted: used_o = min(potential_o, max(excess - sum(potential_0..o-1), 0)).
    """
    potentials = np.maximum(potentials, 0.0)
    before = np.cumsum(potentials, axis=-1) - potentials
    need = np.maximum(excess, 0.0)[:, None]
    used = np.clip(need - before, 0.0, potentials)
    return used, np.maximum(excess, 0.0) - used.sum(axis=-1)


def binding_option(used: np.ndarray, remaining: np.ndarray) -> np.ndarray:
    """Code of the last option used [S]: 0 when the cap does not bind, o + 1 for option o, and
    n_options + 1 when the options could not meet the cap (``remaining`` > 0)."""
    n = used.shape[-1]
    any_used = used > 0
    last = np.where(any_used.any(axis=-1), n - np.argmax(any_used[:, ::-1], axis=-1), 0)
    return np.where(remaining > 1e-9, n + 1, last).astype(float)


def coal_retirement(
    scheduled_gw: np.ndarray, economic_gw: np.ndarray, surplus_gw: np.ndarray,
    capacity_gw: np.ndarray, max_frac: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Coal capacity retired this year under the step-by-step limit, and the scheduled retirements
    deferred to next year (GW, [S] each).

    scheduled (age, mandated closures, earlier deferrals) goes first, then economic early
    retirement, which never exceeds the surplus the fleet can spare. The total is at most
    ``max_frac`` x capacity and never more than the capacity:

        retired  = min(scheduled + min(economic, surplus), max_frac x K, K)
        deferred = scheduled - min(scheduled, retired)
    """
    allowed = np.minimum(max_frac * capacity_gw, capacity_gw)
    wanted = scheduled_gw + np.minimum(economic_gw, np.maximum(surplus_gw, 0.0))
    retired = np.minimum(wanted, allowed)
    return retired, scheduled_gw - np.minimum(scheduled_gw, retired)
