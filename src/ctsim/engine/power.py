"""Power-sector kernels (available capacity, merit order, dispatch, coal tiers) and the power steps of
the year loop (costs, demand, supply, dispatch, fuels). Capacity stocks: ctsim.engine.capacity;
storage and curtailment: ctsim.engine.storage; firm capacity and investment: ctsim.engine.adequacy.

All arrays carry the sample axis first: [S] for one year, [S, K] for technologies (ctsim.engine.axes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import compiled, policy, storage
from .adequacy import capital_recovery
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
    SOLAR,
    VARIABLE_RENEWABLE,
    WIND,
    stack_last,
    sum_last,
)
from .inputs import Factors, MacroParams, PolicyParams, PowerParams, ShockParams
from .macro import grow
from .shocks import fossil_limits
from .state import State
from .units import GCE_PER_KWH_TO_MTCE_PER_TWH, TWH_PER_GW_YEAR


def available_capacity(start_gw: np.ndarray, end_gw: np.ndarray) -> np.ndarray:
    """Capacity that generates during a year: the mean of the stocks at its start and end (GW)."""
    return 0.5 * (start_gw + end_gw)


def potential_generation(capacity_gw: np.ndarray, capacity_factor: np.ndarray) -> np.ndarray:
    """TWh = GW x capacity factor x 8.76 TWh per GW-year."""
    return capacity_gw * capacity_factor * TWH_PER_GW_YEAR


def gas_first_share(srmc_gas: np.ndarray, srmc_coal: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Share of the demand beyond gas at its planned load that gas takes ahead of coal (a logit on
    the cost gap): 1 / (1 + exp((srmc_gas - srmc_coal) / scale)). Half at equal costs; rises
    continuously as coal gets dearer (a carbon price), instead of a switch."""
    return 0.5 * (1.0 - np.tanh(0.5 * (srmc_gas - srmc_coal) / scale))


def dispatch(
    demand_twh: np.ndarray,
    nonfossil_twh: np.ndarray,
    vre_mask: np.ndarray,
    must_run_twh: np.ndarray,
    gas_planned_twh: np.ndarray,
    gas_max_twh: np.ndarray,
    coal_max_twh: np.ndarray,
    gas_share: np.ndarray | float = 0.0,
) -> dict[str, np.ndarray]:
    """Meet demand from non-fossil output first, then gas at its planned load, then coal and extra
    gas: gas takes ``gas_share`` of the remaining need ahead of coal (within its room), coal the
    rest, and gas what coal cannot meet.

    Parameters
    ----------
    demand_twh : [S] electricity demand.
    nonfossil_twh : [S, N] output of the non-fossil technologies with capacity (after curtailment).
    vre_mask : [N] bool, True for wind and solar (curtailed first when supply exceeds demand; the
        remaining excess spills from the other non-fossil technologies in proportion).
    must_run_twh : [S] exogenous output (bioenergy and oil plants).
    gas_planned_twh, gas_max_twh, coal_max_twh : [S] gas at its planned utilisation, gas and coal
        at their maximum output (gas within its fuel supply).
    gas_share : [S] share of the need beyond planned gas that gas takes first (``gas_first_share``).

    Returns
    -------
    dict with ``nonfossil`` [S, N] (after curtailment), ``curtailed`` [S] (wind and solar only),
    ``spilled`` [S] (other non-fossil), ``gas``, ``coal``, ``unserved`` [S]. Served generation plus
    unserved equals demand exactly.
    """
    residual = demand_twh - must_run_twh - sum_last(nonfossil_twh)
    excess = np.maximum(-residual, 0.0)
    vre = np.where(vre_mask, nonfossil_twh, 0.0)
    other = nonfossil_twh - vre
    vre_total, other_total = sum_last(vre), sum_last(other)
    curtailed = np.minimum(excess, vre_total)
    spilled = np.minimum(excess - curtailed, other_total)
    vre_keep = 1.0 - np.divide(curtailed, vre_total, out=np.zeros_like(curtailed), where=vre_total > 0)
    other_keep = 1.0 - np.divide(spilled, other_total, out=np.zeros_like(spilled), where=other_total > 0)
    served_nonfossil = vre * vre_keep[..., None] + other * other_keep[..., None]
    need = np.maximum(residual, 0.0)
    gas_first = np.minimum(need, np.minimum(gas_planned_twh, gas_max_twh))
    need = need - gas_first
    gas_room = np.maximum(gas_max_twh - gas_first, 0.0)
    gas_early = np.minimum(need * gas_share, gas_room)
    need = need - gas_early
    coal = np.minimum(need, coal_max_twh)
    need = need - coal
    gas_extra = np.minimum(need, gas_room - gas_early)
    unserved = need - gas_extra
    return {
        "nonfossil": served_nonfossil,
        "curtailed": curtailed,
        "spilled": spilled,
        "gas": gas_first + gas_early + gas_extra,
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
    new_coal_cny_per_mwh: np.ndarray  # fuel and gross carbon cost of a new (efficient) coal unit
    new_gas_cny_per_mwh: np.ndarray  # fuel and gross carbon cost of a new gas unit
    # x* of the storage-for-surplus sizing at these costs (investment.surplus_sizing), when the year loop
    # computed it for all years at once (investment.with_surplus_ratios); None: the step computes it
    storage_surplus_ratio: np.ndarray | None = None


def running_hours(capacity_gw: np.ndarray, backup_gw: np.ndarray, coal_twh: np.ndarray) -> np.ndarray:
    """Running hours of the coal units that generate (the backup earns a capacity payment, not
    energy): 1000 x coal TWh / (plain coal - backup + CCS coal) GW."""
    running = capacity_gw[..., COAL] - backup_gw + capacity_gw[..., COAL_CCS]
    return 1e3 * coal_twh / np.maximum(running, 1e-9)


def retrofitted_equivalent(pw: PowerParams, retrofit_share: np.ndarray) -> np.ndarray:
    """The retrofitted share of plain coal as a share of efficient units: each retrofitted unit
    counts in proportion of its saving to the tiers' heat-rate gap."""
    return retrofit_share * (pw.retrofit_heat_rate_saving_gce_per_kwh / pw.coal_heat_rate_spread_gce_per_kwh)


def early_retirement_share(pw: PowerParams, pol: PolicyParams, costs: Costs, prev_capacity_gw: np.ndarray, prev_backup_gw: np.ndarray,
                           prev_coal_twh: np.ndarray, t: int) -> np.ndarray:
    """Share [S or 1] of the less efficient coal units that would close this year because they lose
    money (docs/model.md, "Coal retirement"): ``uptake(-margin, scale)``, a binary logit of the typical
    unit's operating margin (half of them close at break-even; ``power.dispatch_cost_scale_cny_per_mwh``
    spreads the units' margins), with

        margin = P_power - (coal price x heat rate_other x 1e-3 + carbon_ahead) - FOM x 1000 / h_{t-1}

    ``carbon_ahead`` is the net carbon cost at the benchmark ``power.retire_benchmark_lookahead_yr``
    years ahead (a closure is decided on the allocation the unit will face, not this year's). Decided
    on the coal price without shocks (owners look through a spike); the fixed cost per MWh rises as
    utilisation (last year's running hours of the generating units: the backup earns a capacity
    payment, not energy) falls, so idle plants lose money. Shared by both engines (numpy arithmetic:
    the compiled capacity kernel takes the share as an input)."""
    hours = running_hours(prev_capacity_gw, prev_backup_gw, prev_coal_twh)
    path = pol.power_benchmark_t_per_mwh
    lead = np.rint(pw.retire_benchmark_lookahead_yr).astype(np.int64)
    rows = max(path.shape[0], lead.shape[0])
    ahead = np.broadcast_to(path, (rows, path.shape[-1]))[
        np.arange(rows), np.clip(t + np.broadcast_to(lead, (rows,)), 0, path.shape[-1] - 1)]
    carbon_ahead = costs.carbon_other_cny_per_mwh + costs.carbon_price_cny_per_t * costs.ets_power_covered * (
        costs.benchmark_t_per_mwh - ahead)
    margin = pw.coal_power_price_cny_per_mwh[..., t] - srmc(
        pw.coal_price_cny_per_tce[..., t], costs.heat_rate_other_gce_per_kwh, carbon_ahead
    ) - pw.coal_fixed_om_cny_per_kw_yr * 1e3 / np.maximum(hours, 1.0)  # (1 h: a guard against 0)
    return policy.uptake(-margin, pw.dispatch_cost_scale_cny_per_mwh)


def coal_retrofit_share(pw: PowerParams, fx: Factors, prev: State | None, costs: Costs, year: int, t: int
                        ) -> np.ndarray:
    """Share [S or 1] of the plain coal fleet retrofitted for efficiency because the carbon price makes
    it pay (docs/model.md, "Efficiency retrofits the carbon price adds"; cumulative, from
    ``power.response_from_year``: the observed years are observed). A retrofit saves
    ``s = power.retrofit_heat_rate_saving_gce_per_kwh`` on each MWh, worth ``v(p) = s (coal price +
    p cov ef)`` (the coal price without shocks: owners look through a spike, as in
    ``early_retirement_share``): under output-based allocation a lower intensity
    saves ``p s ef`` whatever the benchmark. It costs ``c`` = capex x capital recovery over
    ``power.retrofit_lifetime_yr``, per MWh of last year's running hours. The share of the less
    efficient units for which it pays is the binary logit ``u(v - c)`` at the dispatch cost scale;
    the retrofits that pay without a carbon price, ``u(v(0) - c)``, are the heat-rate path's own
    (``power.coal_heat_rate_gce_per_kwh``), so each year adds only what the price adds,
    ``[u(v(p) - c) - u(v(0) - c)] x power.retrofit_max_frac`` of the less efficient units not yet
    retrofitted: none at no price, more at a higher one, smoothly. Shared by both engines (numpy
    arithmetic: the compiled fleet kernel takes the share as an input)."""
    before = np.zeros(1) if prev is None or prev.coal_retrofit_share is None else prev.coal_retrofit_share
    if prev is None or not np.any(year >= pw.response_from_year):
        return before
    hours = running_hours(prev.capacity_gw, prev.coal_backup_gw, prev.coal_generation_twh)
    saving = pw.retrofit_heat_rate_saving_gce_per_kwh * 1e-3  # tce per MWh
    fuel = saving * pw.coal_price_cny_per_tce[..., t]
    carbon = saving * costs.carbon_price_cny_per_t * costs.ets_power_covered * fx.coal_t_co2_per_tce
    cost = pw.retrofit_capex_cny_per_kw * capital_recovery(pw.discount_rate, pw.retrofit_lifetime_yr) * 1e3 / (
        np.maximum(hours, 1.0))  # (1 h: a guard against 0)
    scale = pw.dispatch_cost_scale_cny_per_mwh
    added = policy.uptake(fuel + carbon - cost, scale) - policy.uptake(fuel - cost, scale)
    rest = np.maximum(1.0 - costs.efficient_share - before, 0.0)
    return before + np.where(year >= pw.response_from_year, added * pw.retrofit_max_frac * rest, 0.0)


def step_costs(pw: PowerParams, pol: PolicyParams, fx: Factors, sh: ShockParams, year: int, t: int) -> Costs:
    """Costs of fossil power this year: fuel plus net carbon cost under benchmarks."""
    if compiled.active():
        from .compiled import power as kernels
        return Costs(*kernels.step_costs(pw, pol, fx, sh, year, t))
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
    # investment looks at the whole carbon cost of new units (no benchmark allocation: the
    # benchmarks reward existing units' output, a plant that does not exist yet earns none)
    gross_coal = policy.carbon_cost(price, covered, hr_eff * 1e-3 * fx.coal_t_co2_per_tce, 0.0)
    gross_gas = policy.carbon_cost(price, covered, gas_hr * 1e-3 * fx.gas_t_co2_per_tce, 0.0)
    gas_price = pw.gas_price_cny_per_tce[..., t]
    return Costs(price, covered, bench, hr_fleet, eff_share, hr_eff, hr_other, carbon_eff, carbon_other,
                 carbon_gas, coal_price, srmc(coal_price, hr_other, carbon_other),
                 srmc(gas_price, gas_hr, carbon_gas), srmc(pw.coal_price_cny_per_tce[..., t], hr_eff, gross_coal),
                 srmc(gas_price, gas_hr, gross_gas))


def step_demand(pw: PowerParams, mp: MacroParams, prev: State | None, steel_twh: np.ndarray,
                ev_twh: np.ndarray, growth: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(base demand, total electricity demand) TWh [S]: the base (all but steel and EVs) is the 2020
    remainder, then grows with GDP times the electricity elasticity."""
    if compiled.active():
        from .compiled import power as kernels
        return kernels.step_demand(pw, mp, prev, steel_twh, ev_twh, growth, t)
    if prev is None:
        base = pw.demand_2020_twh - steel_twh - ev_twh
    else:
        base = grow(prev.base_demand_twh, mp.electricity_elasticity[..., t] * growth)
    return base, base + steel_twh + ev_twh


@dataclass(frozen=True)
class Dispatch:
    """Generation of the year (TWh, [S]; non-fossil [S, N], wind and solar including what storage
    returned), what gas could still run, and the storage flows: surplus absorbed, energy lost in
    storage, and wind and solar curtailed (before storage: ``curtailed_raw_twh``)."""

    nonfossil_twh: np.ndarray
    curtailed_twh: np.ndarray
    gas_twh: np.ndarray
    coal_twh: np.ndarray
    unserved_twh: np.ndarray
    gas_max_twh: np.ndarray
    bio_twh: np.ndarray
    oil_twh: np.ndarray
    vre_potential_twh: np.ndarray
    curtailed_raw_twh: np.ndarray
    storage_absorbed_twh: np.ndarray
    storage_losses_twh: np.ndarray


@dataclass(frozen=True)
class Supply:
    """What the available fleet can deliver in a year (TWh, [S]; non-fossil [S, N] after curtailment
    and storage): the input of dispatch and of the energy-adequacy check."""

    nonfossil_twh: np.ndarray
    vre_potential_twh: np.ndarray
    curt: storage.Curtailment
    must_run_twh: np.ndarray
    gas_plan_twh: np.ndarray
    gas_max_twh: np.ndarray
    coal_max_twh: np.ndarray


def supply(pw: PowerParams, hydro_factor: np.ndarray, avail_gw: np.ndarray, store: storage.StorageStock,
           demand: np.ndarray, gas_bound_twh: np.ndarray, t: int) -> Supply:
    """Potential output of the available capacity [S, K]: non-fossil by capacity factor, wind and
    solar net of curtailment (``storage.curtailment``, storage returning what it absorbed), gas at
    its planned and maximum load (within ``gas_bound_twh``, its fuel supply) and coal at its maximum.
    ``hydro_factor`` [S or 1] scales the hydro capacity factor (a drought; 1 for planning)."""
    if compiled.active():
        from .compiled import power as kernels
        nonfossil, vre, curt, *rest = kernels.supply(pw, hydro_factor, avail_gw, store, demand, gas_bound_twh, t)
        return Supply(nonfossil, vre, storage.Curtailment(*curt), *rest)
    # technology by technology on [S] columns (numpy's passes over an [S, 4] array with a short last
    # axis and its gathered copy cost more than the arithmetic)
    hydro = potential_generation(avail_gw[..., HYDRO], pw.hydro_cf[..., t] * hydro_factor)
    nuclear = potential_generation(avail_gw[..., NUCLEAR], pw.nuclear_cf[..., t])
    wind = potential_generation(avail_gw[..., WIND], pw.wind_cf[..., t])
    solar = potential_generation(avail_gw[..., SOLAR], pw.solar_cf[..., t])
    vre = wind + solar
    curt = storage.curtailment(pw, store, vre, demand, t)
    keep = 1.0 - np.divide(curt.raw_twh - curt.returned_twh, vre, out=np.zeros_like(vre), where=vre > 0)
    slots = [None] * len(NON_FOSSIL)
    slots[NF_HYDRO], slots[NF_NUCLEAR], slots[NF_WIND], slots[NF_SOLAR] = hydro, nuclear, wind * keep, solar * keep
    nonfossil = stack_last(slots, demand)
    gas_cap, coal_cap = avail_gw[..., GAS], avail_gw[..., COAL] + avail_gw[..., COAL_CCS]
    gas_max = np.minimum(potential_generation(gas_cap, pw.gas_cf_max), gas_bound_twh)
    return Supply(nonfossil, vre, curt, pw.bio_generation_twh[..., t] + pw.oil_generation_twh[..., t],
                  potential_generation(gas_cap, pw.gas_cf[..., t]), gas_max,
                  potential_generation(coal_cap, pw.coal_cf_max))


def gas_bound(pw: PowerParams, other_gas_mtce: np.ndarray, year: int, t: int) -> np.ndarray:
    """Most gas power can generate (TWh, [S]): the gas supply path (bcm, on the model's energy basis)
    less the gas the other sectors use, at the gas plants' heat rate; no bound in observed years
    (their gas use is what was observed) or where ``other_gas_mtce`` is unknown (+inf)."""
    if compiled.active():
        from .compiled import power as kernels
        return kernels.gas_bound(pw, other_gas_mtce, year, t)
    supply_mtce = pw.gas_supply_bcm[..., t] * pw.gas_mtce_per_bcm
    twh = np.maximum(supply_mtce - other_gas_mtce, 0.0) / (pw.gas_heat_rate_gce_per_kwh * GCE_PER_KWH_TO_MTCE_PER_TWH)
    return np.where((year >= pw.response_from_year) & np.isfinite(other_gas_mtce), twh, np.inf)


def step_dispatch(pw: PowerParams, sh: ShockParams, sup: Supply, demand: np.ndarray, costs: Costs,
                  any_shortfall: bool, t: int) -> Dispatch:
    """Dispatch demand (``dispatch``) from the year's supply, again under a coal supply shortfall if
    the year has one."""
    if compiled.active():
        from .compiled import power as kernels
        return Dispatch(*kernels.step_dispatch(pw, sh, sup, demand, costs, any_shortfall, t))
    share = gas_first_share(costs.srmc_gas_cny_per_mwh, costs.srmc_coal_cny_per_mwh,
                            pw.dispatch_cost_scale_cny_per_mwh)
    gas_plan, gas_max, coal_max = sup.gas_plan_twh, sup.gas_max_twh, sup.coal_max_twh
    d = dispatch(demand, sup.nonfossil_twh, VRE_MASK, sup.must_run_twh, gas_plan, gas_max, coal_max, share)
    # a coal supply shortfall: coal (and gas, short too) cannot reach what they would have run
    if any_shortfall:
        coal_max, gas_max = fossil_limits(d["coal"], d["gas"], sh.coal_shortfall[..., t], coal_max, gas_max)
        d = dispatch(demand, sup.nonfossil_twh, VRE_MASK, sup.must_run_twh, np.minimum(gas_plan, gas_max),
                     gas_max, coal_max, share)
    c = sup.curt
    return Dispatch(d["nonfossil"], c.curtailed_twh + d["curtailed"], d["gas"], d["coal"], d["unserved"], gas_max,
                    pw.bio_generation_twh[..., t], pw.oil_generation_twh[..., t], sup.vre_potential_twh,
                    c.raw_twh, c.absorbed_twh, c.losses_twh)


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


def coal_fleet(pw: PowerParams, avail: np.ndarray, early_retired_gw: np.ndarray, past_lifetime_gw: np.ndarray,
               costs: Costs, d: Dispatch, retrofit_share: np.ndarray) -> CoalFleet:
    """The coal fleet of the year: the efficient units are the path's share of the fleet there would
    be without early retirement (which takes the less efficient units, E) and without the units still
    running past their lifetime (life extensions and deferred retirements, D: old, less efficient
    units), s (K + E - D) / K, plus the retrofitted share ``retrofit_share`` (coal_retrofit_share) in
    proportion of a retrofit's saving to the tiers' heat-rate gap, between none and all."""
    retrofitted = retrofitted_equivalent(pw, retrofit_share)
    if compiled.active():
        from .compiled import power as kernels
        return CoalFleet(*kernels.coal_fleet(pw, avail, early_retired_gw, past_lifetime_gw, costs, d, retrofitted))
    coal_cap = avail[..., COAL] + avail[..., COAL_CCS]
    ccs_frac = np.divide(avail[..., COAL_CCS], coal_cap, out=np.zeros(coal_cap.shape), where=coal_cap > 0)
    coal_max_plain = potential_generation(avail[..., COAL], pw.coal_cf_max)
    plain = avail[..., COAL]
    eff_share = np.clip(np.divide(costs.efficient_share * (plain + early_retired_gw - past_lifetime_gw), plain,
                                  out=np.ones(plain.shape), where=plain > 0) + retrofitted, 0.0, 1.0)
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


def coal_co2_segments(pw: PowerParams, fx: Factors, fleet: CoalFleet, coal_twh: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Power coal CO2 given up per TWh of coal generation removed from the top of the dispatch, as
    two linear segments ([S, 2] each: widths in TWh, slopes in t/MWh), exactly as ``step_fuels``
    counts it. ``split_coal_tiers`` runs the efficient units at their maximum above a kink and
    shares the rest in proportion below it, so the first TWh removed come off the other units
    (their heat rate), the rest off both in the logit's proportion. The two widths add up to
    ``coal_twh``; the first is 0 when the efficient units are not at their maximum."""
    if compiled.active():
        from .compiled import power as kernels
        return kernels.coal_co2_segments(pw, fx, fleet, coal_twh)
    w_other = fleet.max_other_twh * np.exp(
        -np.maximum(fleet.gap_cny_per_mwh, 0.0) / pw.dispatch_cost_scale_cny_per_mwh)
    total = fleet.max_eff_twh + w_other
    share = np.divide(fleet.max_eff_twh, total, out=np.zeros_like(total), where=total > 0)
    plain = 1.0 - fleet.ccs_frac  # unabated coal per TWh of coal
    unabated = coal_twh * plain
    kink = np.divide(fleet.max_eff_twh, share, out=np.full_like(share, np.inf), where=share > 0)
    above = np.divide(np.maximum(unabated - kink, 0.0), plain, out=np.zeros_like(plain), where=plain > 0)
    above = np.minimum(above, coal_twh)
    ccs = fleet.ccs_frac * fleet.hr_fleet_gce_per_kwh * (1 + pw.ccs_heat_rate_penalty) * (
        1 - pw.ccs_capture_rate)
    per_gce = GCE_PER_KWH_TO_MTCE_PER_TWH * fx.coal_t_co2_per_tce  # Mt per TWh per gce/kWh = t/MWh
    hi = (plain * fleet.hr_other_gce_per_kwh + ccs) * per_gce
    lo = (plain * (share * fleet.hr_eff_gce_per_kwh + (1 - share) * fleet.hr_other_gce_per_kwh) + ccs) * per_gce
    return stack_last((above, coal_twh - above)), stack_last((hi, lo))


def step_fuels(pw: PowerParams, fx: Factors, fleet: CoalFleet, coal_twh: np.ndarray, gas_twh: np.ndarray
               ) -> PowerFuels:
    """Power-sector coal and gas use, captured CO2 and CO2 of a dispatch."""
    if compiled.active():
        from .compiled import power as kernels
        return PowerFuels(*kernels.step_fuels(pw, fx, fleet, coal_twh, gas_twh))
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
