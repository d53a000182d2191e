"""The capacity stocks of power plants: coal fleet ageing, additions, retirements, CCS retrofits and
coal-to-gas conversions (docs/model.md, "Capacity"). Arrays [S, K] (K: ctsim.engine.axes POWER_TECHS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import compiled, policy
from .axes import COAL, COAL_CCS, GAS, HYDRO, NUCLEAR, POWER_TECHS, SOLAR, WIND
from .inputs import PolicyParams, PowerParams
from .power import Costs, available_capacity, early_retirement_share
from .state import State
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


@dataclass(frozen=True)
class InitialFleet:
    """What the capacity step needs of the observed 2020 fleet and the coal build path, unwrapped once."""

    capacity_2020_gw: np.ndarray  # [S, K]
    coal_lifetime_yr: np.ndarray  # [S]
    coal_additions_gw: np.ndarray  # [S, Y] (broadcast view)


def initial_fleet(pw: PowerParams, n: int, n_years: int) -> InitialFleet:
    cap = np.zeros((n, len(POWER_TECHS)))
    cap[..., COAL] = pw.coal_capacity_2020_gw
    cap[..., GAS] = pw.gas_capacity_2020_gw
    cap[..., HYDRO] = pw.hydro_capacity_2020_gw
    cap[..., NUCLEAR] = pw.nuclear_capacity_2020_gw
    cap[..., WIND] = pw.wind_capacity_2020_gw
    cap[..., SOLAR] = pw.solar_capacity_2020_gw
    return InitialFleet(cap, np.broadcast_to(pw.coal_lifetime_yr, (n,)),
                        np.broadcast_to(pw.coal_additions_gw, (n, n_years)))


@dataclass(frozen=True)
class Capacity:
    """Stocks (GW, [S, K]) at the start and end of the year, the capacity available in the year
    (backup included; ``generating_gw`` is without it), the
    scheduled coal retirements deferred to next year ([S]), the less efficient coal capacity
    retired early so far ([S], cumulative: it raises the efficient units' share of what is left) and
    the coal capacity that reached its lifetime and retires this year ([S]: what a life extension can
    keep, ctsim.engine.investment); of the coal capacity, the units kept past their lifetime as
    backup at the start and the end of the year ([S]: firm capacity that does not generate)."""

    start_gw: np.ndarray
    end_gw: np.ndarray
    available_gw: np.ndarray
    coal_retire_deferred_gw: np.ndarray
    coal_early_retired_gw: np.ndarray
    coal_aged_out_gw: np.ndarray
    coal_backup_start_gw: np.ndarray
    coal_backup_gw: np.ndarray

    @property
    def generating_gw(self) -> np.ndarray:
        """The capacity that generates [S, K]: the available capacity without the coal backup."""
        out = self.available_gw.copy()
        out[..., COAL] -= available_capacity(self.coal_backup_start_gw, self.coal_backup_gw)
        return out


def step_capacity(pw: PowerParams, pol: PolicyParams, fleet: InitialFleet, prev: State | None, costs: Costs,
                  years: np.ndarray, t: int) -> Capacity:
    """Additions, retirements, CCS retrofits and coal-to-gas conversions of the year (docs/model.md)."""
    if compiled.active():
        from .compiled import capacity as kernels
        return Capacity(*kernels.step_capacity(pw, pol, fleet, prev, costs, years, t))
    year = int(years[t])
    cap2020, lifetime = fleet.capacity_2020_gw, fleet.coal_lifetime_yr
    n, n_years = fleet.coal_additions_gw.shape
    # technology by technology on [S] columns (the same operations as on [S, K] arrays, without the
    # [S, K] temporaries and strided column writes); the zeros of the other technologies' additions
    # and retirements are kept where they change a sign (x + 0.0 turns -0.0 into +0.0), dropped
    # where they cannot (x - 0.0 is x)
    # a scenario's no-new-coal (no-new-gas) year stops the build paths too
    coal_ok = np.where(year < pw.no_new_coal_from_year, 1.0, 0.0)
    gas_ok = np.where(year < pw.no_new_gas_from_year, 1.0, 0.0)
    add = [None] * len(POWER_TECHS)
    add[COAL] = pw.coal_additions_gw[..., t] * coal_ok
    add[COAL_CCS] = 0.0
    add[GAS] = pw.gas_additions_gw[..., t] * gas_ok
    # "develop hydropower carefully": no more than the remaining potential; nuclear "safely
    # and orderly": at most the build-rate cap.
    hydro_now = cap2020[..., HYDRO] if prev is None else prev.capacity_gw[..., HYDRO]
    add[HYDRO] = np.minimum(pw.hydro_additions_gw[..., t], np.maximum(pw.hydro_potential_gw - hydro_now, 0.0))
    add[NUCLEAR] = np.minimum(pw.nuclear_additions_gw[..., t], pw.nuclear_build_max_gw)
    add[WIND] = pw.wind_additions_gw[..., t]
    add[SOLAR] = pw.solar_additions_gw[..., t]
    retire_initial = initial_fleet_retirement(cap2020[..., COAL], t, lifetime, pw.coal_mean_age_2020_yr)
    if prev is None:
        cap_end = cap2020.copy()
        cap_start = np.empty(cap_end.shape)
        for k in range(len(POWER_TECHS)):
            cap_start[..., k] = cap_end[..., k] - add[k] + (retire_initial if k == COAL else 0.0)
        return Capacity(cap_start, cap_end, available_capacity(cap_start, cap_end), np.zeros(n), np.zeros(n),
                        np.zeros(n), np.zeros(n), np.zeros(n))
    built = years[t] - lifetime.round().astype(int) - years[0]
    retire_new = np.where(built >= 0, fleet.coal_additions_gw[np.arange(n), np.clip(built, 0, n_years - 1)], 0.0)
    cap_start = prev.capacity_gw
    end = [cap_start[..., k] + add[k] for k in range(len(POWER_TECHS))]
    start_coal, start_ccs = cap_start[..., COAL], cap_start[..., COAL_CCS]
    # age-based and mandated closures, then early retirement of the less efficient units
    # once they lose money (never below what last year's coal output needs), all within
    # the step-by-step limit
    aged = retire_initial + retire_new + prev.coal_retire_deferred_gw  # (deferrals are aged units too)
    backup = prev.coal_backup_gw  # last year's backup: released at the year's end unless kept again
    running = start_coal - backup + start_ccs
    # retrofits draw on the fleet's age mix, so the CCS stock's share of the units that reach their
    # lifetime is its share of the running fleet; they close from the CCS stock (step-by-step limited
    # like plain coal; what the limit holds back waits with the deferrals)
    aged_ccs = aged * np.minimum(start_ccs / np.maximum(running, 1e-9), 1.0)
    aged_plain = aged - aged_ccs
    closed_ccs = np.minimum(aged_ccs, np.minimum(pol.coal_retire_max_frac * start_ccs, start_ccs))
    scheduled = aged_plain + pw.coal_retirement_extra_gw[..., t]
    # economic early retirement of the less efficient units that lose money (a logit share,
    # power.early_retirement_share), within the surplus and the step-by-step limit below
    economic = (year >= pw.early_retire_from_year) * early_retirement_share(
        pw, pol, costs, cap_start, backup, prev.coal_generation_twh, t) * pw.early_retire_max_frac * (
        start_coal - backup) * (1 - costs.efficient_share)
    needed = prev.coal_generation_twh / (pw.coal_cf_reliability * TWH_PER_GW_YEAR)
    # units that generate close first; the backup is released within what the step-by-step limit
    # leaves (what it cannot release stays backup)
    closed, deferred = policy.coal_retirement(
        scheduled, economic, running - closed_ccs - needed, np.maximum(end[COAL] - backup, 0.0),
        pol.coal_retire_max_frac)
    deferred = deferred + (aged_ccs - closed_ccs)
    released = np.minimum(backup, np.maximum(
        np.minimum(pol.coal_retire_max_frac * end[COAL], end[COAL]) - closed, 0.0))
    end[COAL] = end[COAL] - (closed + released)
    end[COAL_CCS] = end[COAL_CCS] - closed_ccs
    early = prev.coal_early_retired_gw + closed - np.minimum(scheduled, closed)
    # CCS retrofits: the path, plus retrofits that pay (carbon price above capture cost)
    ccs_pays = policy.uptake(costs.carbon_price_cny_per_t * costs.ets_power_covered - pw.ccs_cost_cny_per_t_co2,
                             pw.ccs_uptake_scale_cny_per_t) * pw.ccs_retrofit_max_gw
    kept = backup - released  # backup that stays: neither retrofitted nor converted
    retrofit = np.minimum(pw.ccs_retrofit_gw[..., t] + ccs_pays, np.maximum(end[COAL] - kept, 0.0))
    end[COAL] = end[COAL] - retrofit
    end[COAL_CCS] = end[COAL_CCS] + retrofit
    to_gas = np.minimum(pw.coal_to_gas_gw[..., t], np.maximum(end[COAL] - kept, 0.0))
    end[COAL] = end[COAL] - to_gas
    end[GAS] = end[GAS] + to_gas
    cap_end = np.empty(cap_start.shape)
    for k, column in enumerate(end):
        cap_end[..., k] = column
    return Capacity(cap_start, cap_end, available_capacity(cap_start, cap_end), deferred, early,
                    np.maximum(np.minimum(aged_plain, closed), 0.0) + released, backup, kept)


def with_builds(cap: Capacity, built_gw: np.ndarray, whole_year: bool = False) -> Capacity:
    """The year's capacity with ``built_gw`` [S, K] more at year end (the adequacy step's builds);
    ``whole_year``: the builds work the whole year (planned for an expected energy shortfall and
    commissioned at its start), so they count in the start stock too."""
    end = cap.end_gw + built_gw
    start = cap.start_gw + built_gw if whole_year else cap.start_gw
    return Capacity(start, end, available_capacity(start, end), cap.coal_retire_deferred_gw,
                    cap.coal_early_retired_gw, cap.coal_aged_out_gw, cap.coal_backup_start_gw, cap.coal_backup_gw)


def with_extension(cap: Capacity, extended_gw: np.ndarray) -> Capacity:
    """The year's capacity with ``extended_gw`` [S] of the coal units that reached their lifetime
    kept as backup (emergency reserve: firm capacity that does not generate): they stay in the
    year-end stock and are released next year unless kept again (``step_capacity``)."""
    end = cap.end_gw.copy()
    end[..., COAL] += extended_gw
    return Capacity(cap.start_gw, end, available_capacity(cap.start_gw, end),
                    cap.coal_retire_deferred_gw, cap.coal_early_retired_gw,
                    cap.coal_aged_out_gw - extended_gw, cap.coal_backup_start_gw, cap.coal_backup_gw + extended_gw)
