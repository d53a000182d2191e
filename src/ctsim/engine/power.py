"""Power-sector kernels (coal fleet ageing, available capacity, dispatch) and the power steps of
the year loop (costs, demand, capacity, dispatch, fuels).

All arrays carry the sample axis first: [S] for one year, [S, K] for technologies (ctsim.engine.axes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import policy
from .axes import (
    COAL,
    COAL_CCS,
    GAS,
    HYDRO,
    NF_HYDRO,
    NF_NUCLEAR,
    NF_SOLAR,
    NF_WIND,
    NON_FOSSIL,
    NUCLEAR,
    POWER_TECHS,
    SOLAR,
    VARIABLE_RENEWABLE,
    WIND,
)
from .inputs import Factors, MacroParams, PolicyParams, PowerParams, ShockParams
from .macro import grow
from .shocks import fossil_limits
from .state import State
from .units import GCE_PER_KWH_TO_MTCE_PER_TWH, TWH_PER_GW_YEAR


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
    residual = demand_twh - must_run_twh - nonfossil_twh.sum(axis=-1)
    excess = np.maximum(-residual, 0.0)
    vre = np.where(vre_mask, nonfossil_twh, 0.0)
    other = nonfossil_twh - vre
    vre_total, other_total = vre.sum(axis=-1), other.sum(axis=-1)
    curtailed = np.minimum(excess, vre_total)
    spilled = np.minimum(excess - curtailed, other_total)
    vre_keep = 1.0 - np.divide(curtailed, vre_total, out=np.zeros_like(curtailed), where=vre_total > 0)
    other_keep = 1.0 - np.divide(spilled, other_total, out=np.zeros_like(spilled), where=other_total > 0)
    served_nonfossil = vre * vre_keep[..., None] + other * other_keep[..., None]
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


# --- steps of the year loop ----------------------------------------------------------------------
VRE_MASK = np.array(VARIABLE_RENEWABLE)


@dataclass(frozen=True)
class Costs:
    """This year's carbon price and the costs of fossil power ([S or 1] each): ETS coverage, the
    benchmark, coal heat rates by tier, net carbon costs (CNY/MWh) and short-run marginal costs."""

    carbon_price_cny_per_t: np.ndarray
    ets_power_covered: np.ndarray
    benchmark_t_per_mwh: np.ndarray
    heat_rate_fleet_gce_per_kwh: np.ndarray
    efficient_share: np.ndarray
    heat_rate_eff_gce_per_kwh: np.ndarray
    heat_rate_other_gce_per_kwh: np.ndarray
    carbon_eff_cny_per_mwh: np.ndarray
    carbon_other_cny_per_mwh: np.ndarray
    carbon_gas_cny_per_mwh: np.ndarray
    coal_price_cny_per_tce: np.ndarray  # with the shocks' price factor
    srmc_coal_cny_per_mwh: np.ndarray
    srmc_gas_cny_per_mwh: np.ndarray


def step_costs(pw: PowerParams, pol: PolicyParams, fx: Factors, sh: ShockParams, year: int, t: int) -> Costs:
    """Costs of fossil power this year: fuel plus net carbon cost under benchmarks."""
    price = pol.carbon_price[..., t]
    covered = policy.covered(year, pol.ets_power_start_year)
    bench = pol.power_benchmark_t_per_mwh[..., t]
    hr_fleet = pw.coal_heat_rate_gce_per_kwh[..., t]
    eff_share = pw.coal_efficient_share[..., t]
    hr_eff, hr_other = tier_heat_rates(hr_fleet, pw.coal_heat_rate_spread_gce_per_kwh, eff_share)
    gas_hr = pw.gas_heat_rate_gce_per_kwh
    carbon_eff = policy.carbon_cost(price, covered, hr_eff * 1e-3 * fx.coal_t_co2_per_tce, bench)
    carbon_other = policy.carbon_cost(price, covered, hr_other * 1e-3 * fx.coal_t_co2_per_tce, bench)
    carbon_gas = policy.carbon_cost(price, covered, gas_hr * 1e-3 * fx.gas_t_co2_per_tce, bench)
    coal_price = pw.coal_price_cny_per_tce[..., t] * sh.coal_price_factor[..., t]
    return Costs(price, covered, bench, hr_fleet, eff_share, hr_eff, hr_other, carbon_eff, carbon_other,
                 carbon_gas, coal_price, srmc(coal_price, hr_other, carbon_other),
                 srmc(pw.gas_price_cny_per_tce[..., t], gas_hr, carbon_gas))


def step_demand(pw: PowerParams, mp: MacroParams, prev: State | None, steel_twh: np.ndarray,
                ev_twh: np.ndarray, growth: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(base demand, total electricity demand) TWh [S]: the base (all but steel and EVs) is the 2020
    remainder, then grows with GDP times the electricity elasticity."""
    if prev is None:
        base = pw.demand_2020_twh - steel_twh - ev_twh
    else:
        base = grow(prev.base_demand_twh, mp.electricity_elasticity[..., t] * growth)
    return base, base + steel_twh + ev_twh


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
    """Stocks (GW, [S, K]) at the start and end of the year, the capacity that generates, and the
    scheduled coal retirements deferred to next year ([S])."""

    start_gw: np.ndarray
    end_gw: np.ndarray
    available_gw: np.ndarray
    coal_retire_deferred_gw: np.ndarray


def step_capacity(pw: PowerParams, pol: PolicyParams, fleet: InitialFleet, prev: State | None, costs: Costs,
                  years: np.ndarray, t: int) -> Capacity:
    """Additions, retirements, CCS retrofits and coal-to-gas conversions of the year (docs/model.md)."""
    year = int(years[t])
    cap2020, lifetime = fleet.capacity_2020_gw, fleet.coal_lifetime_yr
    n, n_years = fleet.coal_additions_gw.shape
    add = np.zeros(cap2020.shape)
    add[..., COAL] = pw.coal_additions_gw[..., t]
    add[..., GAS] = pw.gas_additions_gw[..., t]
    add[..., HYDRO] = pw.hydro_additions_gw[..., t]
    add[..., NUCLEAR] = pw.nuclear_additions_gw[..., t]
    add[..., WIND] = pw.wind_additions_gw[..., t]
    add[..., SOLAR] = pw.solar_additions_gw[..., t]
    # "develop hydropower carefully": no more than the remaining potential; nuclear "safely
    # and orderly": at most the build-rate cap.
    hydro_now = cap2020[..., HYDRO] if prev is None else prev.capacity_gw[..., HYDRO]
    add[..., HYDRO] = np.minimum(add[..., HYDRO], np.maximum(pw.hydro_potential_gw - hydro_now, 0.0))
    add[..., NUCLEAR] = np.minimum(add[..., NUCLEAR], pw.nuclear_build_max_gw)
    retire_initial = initial_fleet_retirement(cap2020[..., COAL], t, lifetime, pw.coal_mean_age_2020_yr)
    built = years[t] - lifetime.round().astype(int) - years[0]
    retire_new = np.where(built >= 0, fleet.coal_additions_gw[np.arange(n), np.clip(built, 0, n_years - 1)], 0.0)
    retire = np.zeros_like(add)
    if prev is None:
        cap_end = cap2020.copy()
        retire[..., COAL] = retire_initial
        cap_start = cap_end - add + retire
        return Capacity(cap_start, cap_end, available_capacity(cap_start, cap_end), np.zeros(n))
    cap_start = prev.capacity_gw
    cap_end = cap_start + add
    # age-based and mandated closures, then early retirement of the less efficient units
    # once they lose money (never below what last year's coal output needs), all within
    # the step-by-step limit
    scheduled = retire_initial + retire_new + pw.coal_retirement_extra_gw[..., t] + prev.coal_retire_deferred_gw
    # (decided on the coal price without shocks: owners look through a spike)
    margin = pw.coal_power_price_cny_per_mwh[..., t] - srmc(
        pw.coal_price_cny_per_tce[..., t], costs.heat_rate_other_gce_per_kwh, costs.carbon_other_cny_per_mwh
    ) - pw.coal_fixed_cost_cny_per_mwh
    economic = (year >= pw.early_retire_from_year) * policy.uptake(
        -margin, pw.dispatch_cost_scale_cny_per_mwh) * pw.early_retire_max_frac * cap_start[..., COAL] * (
        1 - costs.efficient_share)
    needed = prev.coal_generation_twh / (pw.coal_cf_reliability * TWH_PER_GW_YEAR)
    retire[..., COAL], deferred = policy.coal_retirement(
        scheduled, economic, cap_start[..., COAL] + cap_start[..., COAL_CCS] - needed,
        cap_end[..., COAL], pol.coal_retire_max_frac)
    cap_end = cap_end - retire
    # CCS retrofits: the path, plus retrofits that pay (carbon price above capture cost)
    ccs_pays = policy.uptake(costs.carbon_price_cny_per_t * costs.ets_power_covered - pw.ccs_cost_cny_per_t_co2,
                             pw.ccs_uptake_scale_cny_per_t) * pw.ccs_retrofit_max_gw
    retrofit = np.minimum(pw.ccs_retrofit_gw[..., t] + ccs_pays, cap_end[..., COAL])
    cap_end[..., COAL] -= retrofit
    cap_end[..., COAL_CCS] += retrofit
    to_gas = np.minimum(pw.coal_to_gas_gw[..., t], cap_end[..., COAL])
    cap_end[..., COAL] -= to_gas
    cap_end[..., GAS] += to_gas
    return Capacity(cap_start, cap_end, available_capacity(cap_start, cap_end), deferred)


@dataclass(frozen=True)
class Dispatch:
    """Generation of the year (TWh, [S]; non-fossil [S, N]) and what gas could still run."""

    nonfossil_twh: np.ndarray
    curtailed_twh: np.ndarray
    gas_twh: np.ndarray
    coal_twh: np.ndarray
    unserved_twh: np.ndarray
    gas_max_twh: np.ndarray
    bio_twh: np.ndarray
    oil_twh: np.ndarray


def step_dispatch(pw: PowerParams, sh: ShockParams, cap: Capacity, demand: np.ndarray, costs: Costs,
                  any_shortfall: bool, t: int) -> Dispatch:
    """Dispatch demand (``dispatch``), again under a coal supply shortfall if the year has one."""
    avail = cap.available_gw
    ones = np.ones(demand.shape)
    cf = np.empty(demand.shape + (len(NON_FOSSIL),))
    cf[..., NF_HYDRO] = pw.hydro_cf[..., t] * ones
    cf[..., NF_NUCLEAR] = pw.nuclear_cf[..., t] * ones
    cf[..., NF_WIND] = pw.wind_cf[..., t] * ones
    cf[..., NF_SOLAR] = pw.solar_cf[..., t] * ones
    cf[..., NF_HYDRO] *= sh.hydro_cf_factor[..., t]
    nonfossil = potential_generation(avail[..., NON_FOSSIL], cf)
    bio = pw.bio_generation_twh[..., t]
    oil_gen = pw.oil_generation_twh[..., t]
    gas_cap, coal_cap = avail[..., GAS], avail[..., COAL] + avail[..., COAL_CCS]
    gas_plan = potential_generation(gas_cap, pw.gas_cf[..., t])
    gas_max = potential_generation(gas_cap, pw.gas_cf_max)
    coal_max = potential_generation(coal_cap, pw.coal_cf_max)
    gas_first = costs.srmc_gas_cny_per_mwh < costs.srmc_coal_cny_per_mwh
    d = dispatch(demand, nonfossil, VRE_MASK, bio + oil_gen, gas_plan, gas_max, coal_max, gas_before_coal=gas_first)
    # a coal supply shortfall: coal (and gas, short too) cannot reach what they would have run
    if any_shortfall:
        coal_max, gas_max = fossil_limits(d["coal"], d["gas"], sh.coal_shortfall[..., t], coal_max, gas_max)
        d = dispatch(demand, nonfossil, VRE_MASK, bio + oil_gen, np.minimum(gas_plan, gas_max),
                     gas_max, coal_max, gas_before_coal=gas_first)
    return Dispatch(d["nonfossil"], d["curtailed"], d["gas"], d["coal"], d["unserved"], gas_max, bio, oil_gen)


@dataclass(frozen=True)
class CoalFleet:
    """The year's coal fleet as the fuel accounting sees it ([S] each): CCS share of coal capacity,
    maximum output of the efficient and the other units, their carbon-cost gap, heat rates, and the
    oil plants' fuel (Mtce)."""

    ccs_frac: np.ndarray
    max_eff_twh: np.ndarray
    max_other_twh: np.ndarray
    gap_cny_per_mwh: np.ndarray
    hr_eff_gce_per_kwh: np.ndarray
    hr_other_gce_per_kwh: np.ndarray
    hr_fleet_gce_per_kwh: np.ndarray
    oil_mtce: np.ndarray


def coal_fleet(pw: PowerParams, cap: Capacity, costs: Costs, d: Dispatch) -> CoalFleet:
    avail = cap.available_gw
    coal_cap = avail[..., COAL] + avail[..., COAL_CCS]
    ccs_frac = np.divide(avail[..., COAL_CCS], coal_cap, out=np.zeros(coal_cap.shape), where=coal_cap > 0)
    coal_max_plain = potential_generation(avail[..., COAL], pw.coal_cf_max)
    eff_share = costs.efficient_share
    return CoalFleet(ccs_frac, coal_max_plain * eff_share, coal_max_plain * (1 - eff_share),
                     costs.carbon_other_cny_per_mwh - costs.carbon_eff_cny_per_mwh,
                     costs.heat_rate_eff_gce_per_kwh, costs.heat_rate_other_gce_per_kwh,
                     costs.heat_rate_fleet_gce_per_kwh,
                     d.oil_twh * pw.oil_heat_rate_gce_per_kwh * GCE_PER_KWH_TO_MTCE_PER_TWH)


@dataclass(frozen=True)
class PowerFuels:
    """Fuel use (Mtce), captured CO2 and CO2 (Mt) of the power sector ([S] each)."""

    gen_ccs_twh: np.ndarray
    gen_eff_twh: np.ndarray
    coal_mtce: np.ndarray
    gas_mtce: np.ndarray
    captured_mt: np.ndarray
    coal_co2_mt: np.ndarray
    co2_mt: np.ndarray


def step_fuels(pw: PowerParams, fx: Factors, fleet: CoalFleet, coal_twh: np.ndarray, gas_twh: np.ndarray
               ) -> PowerFuels:
    """Power-sector coal and gas use, captured CO2 and CO2 of a dispatch."""
    gen_ccs = coal_twh * fleet.ccs_frac
    gen_eff, gen_other = split_coal_tiers(
        coal_twh - gen_ccs, fleet.max_eff_twh, fleet.max_other_twh, fleet.gap_cny_per_mwh,
        pw.dispatch_cost_scale_cny_per_mwh)
    unabated = (gen_eff * fleet.hr_eff_gce_per_kwh + gen_other * fleet.hr_other_gce_per_kwh) \
        * GCE_PER_KWH_TO_MTCE_PER_TWH
    ccs_fuel = gen_ccs * fleet.hr_fleet_gce_per_kwh * GCE_PER_KWH_TO_MTCE_PER_TWH * (1 + pw.ccs_heat_rate_penalty)
    gas = gas_twh * pw.gas_heat_rate_gce_per_kwh * GCE_PER_KWH_TO_MTCE_PER_TWH
    captured = ccs_fuel * pw.ccs_capture_rate * fx.coal_t_co2_per_tce
    coal_co2 = (unabated + ccs_fuel) * fx.coal_t_co2_per_tce - captured
    co2 = coal_co2 + gas * fx.gas_t_co2_per_tce + fleet.oil_mtce * fx.oil_t_co2_per_tce
    return PowerFuels(gen_ccs, gen_eff, unabated + ccs_fuel, gas, captured, coal_co2, co2)


def marginal_co2(pw: PowerParams, fx: Factors, costs: Costs, d: Dispatch) -> np.ndarray:
    """CO2 per MWh of the marginal fossil unit (t/MWh, [S]): the less efficient coal units if coal
    ran, else gas if gas ran, else 0 (values steel's extra grid electricity next year)."""
    coal_t_per_mwh = costs.heat_rate_other_gce_per_kwh * 1e-3 * fx.coal_t_co2_per_tce
    return np.where(d.coal_twh > 0, coal_t_per_mwh,
                    np.where(d.gas_twh > 0, pw.gas_heat_rate_gce_per_kwh * 1e-3 * fx.gas_t_co2_per_tce, 0.0))
