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
    gas_before_coal: np.ndarray | bool = False,
) -> dict[str, np.ndarray]:
    """Meet demand from non-fossil output first, then gas at its planned load, coal, extra gas.

    Where ``gas_before_coal`` is True (gas is cheaper than the marginal coal once carbon costs are
    counted), extra gas runs before coal instead of after it.

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
    gas_room = np.maximum(gas_max_twh - gas_first, 0.0)
    gas_early = np.where(gas_before_coal, np.minimum(need, gas_room), 0.0)
    need = need - gas_early
    coal = np.minimum(need, coal_max_twh)
    need = need - coal
    gas_extra = np.minimum(need, gas_room - gas_early)
    unserved = need - gas_extra
    gas_extra = gas_extra + gas_early
    return {
        "nonfossil": served_nonfossil,
        "curtailed": curtailed,
        "spilled": spilled,
        "gas": gas_first + gas_extra,
        "coal": coal,
        "unserved": unserved,
    }


def tier_heat_rates(
    fleet_gce_per_kwh: np.ndarray, spread_gce_per_kwh: np.ndarray, efficient_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Heat rates of the efficient and the other coal units (gce/kWh), [S] each.

    hr_eff = hr - spread x (1 - s), hr_other = hr + spread x s, with s the efficient share of coal
    capacity, so that equal running hours (s of the output from efficient units) reproduce the
    fleet average hr exactly and hr_other - hr_eff = spread.
    """
    return (fleet_gce_per_kwh - spread_gce_per_kwh * (1.0 - efficient_share),
            fleet_gce_per_kwh + spread_gce_per_kwh * efficient_share)


def split_coal_tiers(
    coal_twh: np.ndarray, max_eff_twh: np.ndarray, max_other_twh: np.ndarray,
    cost_gap_cny_per_mwh: np.ndarray, scale_cny_per_mwh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Split coal generation [S] between efficient and other units (a logit on the cost gap).

    China dispatches coal units largely by equal running hours, which the split reproduces when the
    gap is zero. A carbon cost makes the other (less efficient) units dearer by ``gap``; their
    weight falls by exp(-gap / scale):

        share_eff = m_eff / (m_eff + m_other x exp(-gap / scale))

    with m the units' maximum output. Efficient output is capped at its maximum; the rest runs on the
    other units. Returns (efficient TWh, other TWh), which add up to ``coal_twh``.
    """
    w_other = max_other_twh * np.exp(-np.maximum(cost_gap_cny_per_mwh, 0.0) / scale_cny_per_mwh)
    total = max_eff_twh + w_other
    share = np.divide(max_eff_twh, total, out=np.zeros_like(total), where=total > 0)
    eff = np.minimum(coal_twh * share, max_eff_twh)
    return eff, coal_twh - eff


def srmc(fuel_cny_per_tce: np.ndarray, heat_rate_gce_per_kwh: np.ndarray,
         carbon_cny_per_mwh: np.ndarray) -> np.ndarray:
    """Short-run marginal cost (CNY/MWh) = fuel price x heat rate + net carbon cost.

    CNY/tce x gce/kWh x 1e-3 = CNY/MWh (1 gce/kWh = 1 kgce/MWh = 1e-3 tce/MWh).
    """
    return fuel_cny_per_tce * heat_rate_gce_per_kwh * 1e-3 + carbon_cny_per_mwh
