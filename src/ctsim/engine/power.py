"""Power-sector kernels: coal fleet ageing, available capacity and dispatch.

All arrays carry the sample axis first: [S] for one year, [S, K] for technologies.
"""

from __future__ import annotations

import numpy as np

from .units import TWH_PER_GW_YEAR


def initial_fleet_survival(age_threshold: np.ndarray, max_age: np.ndarray) -> np.ndarray:
    """Share of the initial (2020) coal fleet at least ``age_threshold`` years old.

    The fleet's age density is assumed to fall linearly from age 0 to ``max_age`` (a young fleet:
    half of China's coal capacity was under ten years old in 2020), so
    P(age >= a) = (1 - a / max_age)^2 for 0 <= a <= max_age, 1 below 0 and 0 above max_age.
    With a mean age m the maximum age is 3 m (mean of this density = max_age / 3).
    """
    x = np.clip(age_threshold / max_age, 0.0, 1.0)
    return (1.0 - x) ** 2


def initial_fleet_retirement(
    capacity_2020_gw: np.ndarray, years_since_2020: int, lifetime_yr: np.ndarray, mean_age_yr: np.ndarray
) -> np.ndarray:
    """GW of the 2020 coal fleet that reaches ``lifetime_yr`` during this year.

    A unit aged a in 2020 retires in year 2020 + (lifetime - a): the share retiring in year t is
    P(age >= L - t) - P(age >= L - t + 1), t = years since 2020; in 2020 itself every unit already
    at or past its lifetime retires, P(age >= L), so the whole 2020 fleet retires exactly once.
    """
    max_age = 3.0 * mean_age_yr
    now = initial_fleet_survival(lifetime_yr - years_since_2020, max_age)
    if years_since_2020 == 0:
        return capacity_2020_gw * now
    before = initial_fleet_survival(lifetime_yr - years_since_2020 + 1, max_age)
    return capacity_2020_gw * (now - before)


def available_capacity(start_gw: np.ndarray, end_gw: np.ndarray) -> np.ndarray:
    """Capacity that generates during a year: the mean of the stocks at its start and end (GW)."""
    return 0.5 * (start_gw + end_gw)


def potential_generation(capacity_gw: np.ndarray, capacity_factor: np.ndarray) -> np.ndarray:
    """TWh = GW x capacity factor x 8.76 TWh per GW-year."""
    return capacity_gw * capacity_factor * TWH_PER_GW_YEAR


def dispatch(
    demand_twh: np.ndarray,
    nonfossil_twh: np.ndarray,
    vre_mask: np.ndarray,
    must_run_twh: np.ndarray,
    gas_planned_twh: np.ndarray,
    gas_max_twh: np.ndarray,
    coal_max_twh: np.ndarray,
) -> dict[str, np.ndarray]:
    """Meet demand from non-fossil output first, then gas at its planned load, coal, extra gas.

    Parameters
    ----------
    demand_twh : [S] electricity demand.
    nonfossil_twh : [S, N] potential output of the non-fossil technologies with capacity.
    vre_mask : [N] bool, True for wind and solar (curtailed first when supply exceeds demand; the
        remaining excess spills from the other non-fossil technologies in proportion).
    must_run_twh : [S] exogenous output (bioenergy and oil plants).
    gas_planned_twh, gas_max_twh, coal_max_twh : [S] gas at its planned utilisation, gas and coal
        at their maximum utilisation.

    Returns
    -------
    dict with ``nonfossil`` [S, N] (after curtailment), ``curtailed`` [S] (wind and solar only),
    ``spilled`` [S] (other non-fossil), ``gas``, ``coal``, ``unserved`` [S]. Served generation plus
    unserved equals demand exactly.
    """
    residual = demand_twh - must_run_twh - nonfossil_twh.sum(axis=1)
    excess = np.maximum(-residual, 0.0)
    vre = np.where(vre_mask, nonfossil_twh, 0.0)
    other = nonfossil_twh - vre
    vre_total, other_total = vre.sum(axis=1), other.sum(axis=1)
    curtailed = np.minimum(excess, vre_total)
    spilled = np.minimum(excess - curtailed, other_total)
    vre_keep = 1.0 - np.divide(curtailed, vre_total, out=np.zeros_like(curtailed), where=vre_total > 0)
    other_keep = 1.0 - np.divide(spilled, other_total, out=np.zeros_like(spilled), where=other_total > 0)
    served_nonfossil = vre * vre_keep[:, None] + other * other_keep[:, None]
    need = np.maximum(residual, 0.0)
    gas_first = np.minimum(need, gas_planned_twh)
    need = need - gas_first
    coal = np.minimum(need, coal_max_twh)
    need = need - coal
    gas_extra = np.minimum(need, np.maximum(gas_max_twh - gas_first, 0.0))
    unserved = need - gas_extra
    return {
        "nonfossil": served_nonfossil,
        "curtailed": curtailed,
        "spilled": spilled,
        "gas": gas_first + gas_extra,
        "coal": coal,
        "unserved": unserved,
    }
