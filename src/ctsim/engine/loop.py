"""The year loop: the only Python loop in the engine. Everything inside is array arithmetic over
samples. Stocks (capacity) are recorded at year end; flows (TWh, Mt, Mt CO2) are annual totals.
Equations and sources: docs/model.md.
"""

from __future__ import annotations

import numpy as np

from . import caps as capping
from . import macro, policy, power, shocks, steel
from .axes import NON_FOSSIL, POWER_TECHS, VARIABLE_RENEWABLES, K
from .guards import FILLED_AFTER_LOOP, YearGuard, guarded
from .inputs import CALIBRATION_YEAR, Inputs
from .units import GCE_PER_KWH_TO_MTCE_PER_TWH, MTCE_PER_TWH, TWH_PER_GW_YEAR

CAPACITY_TECHS = ("coal", "gas", "hydro", "nuclear", "wind", "solar")  # registered initial stocks
OUTPUTS = (
    "co2_total_mt", "co2_power_mt", "co2_steel_mt", "co2_steel_indirect_mt", "co2_other_energy_mt",
    "co2_road_mt", "co2_process_mt",
    "gen_total_twh", "gen_coal_twh", "gen_coal_ccs_twh", "gen_gas_twh", "gen_oil_twh",
    "gen_hydro_twh", "gen_nuclear_twh", "gen_wind_twh", "gen_solar_twh", "gen_bio_twh",
    "cap_coal_gw", "cap_coal_ccs_gw", "cap_gas_gw", "cap_hydro_gw", "cap_nuclear_gw", "cap_wind_gw",
    "cap_solar_gw",
    "demand_twh", "demand_steel_twh", "demand_ev_twh", "curtailed_twh", "unserved_twh",
    "steel_total_mt", "steel_bfbof_mt", "steel_bfbof_ccus_mt", "steel_eaf_mt", "steel_h2dri_mt",
    "steel_eaf_share",
    "coal_total_mtce", "coal_power_mtce", "coal_steel_mtce", "coal_other_mtce", "oil_total_mtce",
    "gas_total_mtce", "nonfossil_pe_mtce", "pe_total_mtce", "share_nonfossil_gen",
    "share_nonfossil_pe", "carbon_price", "gdp_bn", "co2_intensity", "co2_intensity_reduction_2005",
    "energy_intensity", "energy_intensity_reduction_2005",
    "gen_coal_efficient_twh", "co2_captured_mt", "co2_captured_power_mt", "co2_captured_steel_mt",
    "removal_land_mt", "removal_beccs_mt", "removal_daccs_mt", "removal_total_mt", "co2_net_mt",
    "srmc_coal_cny_per_mwh", "srmc_gas_cny_per_mwh", "ets_cost_power_bn_cny", "ets_cost_steel_bn_cny",
    "unserved_steel_twh", "unserved_industry_twh", "steel_lost_mt", "gdp_loss_bn",
    *capping.CAP_OUTPUTS,
)


def _route_switch(inp: Inputs, t: int, year: int, price: np.ndarray, state: dict,
                  ef_coal: np.ndarray) -> np.ndarray:
    """Route shares [S, 3] (BF-BOF+CCUS, EAF, H2-DRI) that relined blast furnaces move to this year,
    driven by each route's cost over BF-BOF including the carbon cost (docs/model.md)."""
    bf = inp.steel.bf_coal_tce_per_t[..., t] * ef_coal
    capture = inp.steel.ccus_capture_rate
    bf_mwh = inp.steel.bfbof_mwh_per_t
    stack = lambda *xs: np.stack(np.broadcast_arrays(*xs), axis=-1)  # noqa: E731
    advantage = steel.switch_advantage(
        price[:, None], policy.covered(year, inp.policy.ets_steel_start_year)[:, None], bf[:, None],
        stack(bf * (1 - capture), inp.steel.eaf_direct_t_co2_per_t, inp.steel.h2dri_direct_t_co2_per_t),
        stack(0.0 * bf_mwh, inp.steel.eaf_mwh_per_t - bf_mwh, inp.steel.h2dri_mwh_per_t - bf_mwh),
        state["marginal_t_per_mwh"][:, None],
        stack(inp.steel.ccus_cost_cny_per_t_co2 * bf * capture, inp.steel.eaf_premium_cny_per_t[..., t],
              inp.steel.h2dri_premium_cny_per_t[..., t]),
    )
    return steel.turnover_switch(state["bfbof_share"], inp.steel.bf_campaign_yr, advantage,
                                 inp.steel.switch_cost_scale_cny_per_t)


def _bound_route_extra(inp: Inputs, t: int, output: np.ndarray, requested: np.ndarray,
                       extra: np.ndarray) -> np.ndarray:
    """Cost-driven route shares stay within scrap (EAF) and H2-DRI capacity, on top of the
    requested (policy) shares; what cannot switch stays BF-BOF."""
    scrap_cap = inp.steel.scrap_supply_mt[..., t] / inp.steel.scrap_t_per_t_eaf / np.maximum(
        output, 1e-9)
    room = np.stack(np.broadcast_arrays(
        np.ones_like(output), scrap_cap - requested[:, 1],
        inp.steel.h2dri_max_share[..., t] - requested[:, 2]), axis=-1)
    return np.clip(extra, 0.0, np.maximum(room, 0.0))


def _power_fuels(inp: Inputs, coal_twh: np.ndarray, gas_twh: np.ndarray, fleet: dict) -> dict:
    """Power-sector coal and gas use (Mtce), captured CO2 and CO2 (Mt) of a dispatch; ``fleet``
    holds the year's CCS share, coal tiers and heat rates, and the oil plants' fuel."""
    gen_ccs = coal_twh * fleet["ccs_frac"]
    gen_eff, gen_other = power.split_coal_tiers(
        coal_twh - gen_ccs, fleet["max_eff"], fleet["max_other"], fleet["gap"],
        inp.power.dispatch_cost_scale_cny_per_mwh)
    unabated = (gen_eff * fleet["hr_eff"] + gen_other * fleet["hr_other"]) * GCE_PER_KWH_TO_MTCE_PER_TWH
    ccs_fuel = gen_ccs * fleet["hr_fleet"] * GCE_PER_KWH_TO_MTCE_PER_TWH * (1 + inp.power.ccs_heat_rate_penalty)
    gas = gas_twh * inp.power.gas_heat_rate_gce_per_kwh * GCE_PER_KWH_TO_MTCE_PER_TWH
    captured = ccs_fuel * inp.power.ccs_capture_rate * inp.factors.coal_t_co2_per_tce
    coal_co2 = (unabated + ccs_fuel) * inp.factors.coal_t_co2_per_tce - captured
    co2 = coal_co2 + gas * inp.factors.gas_t_co2_per_tce + fleet["oil"] * inp.factors.oil_t_co2_per_tce
    return {"gen_ccs": gen_ccs, "gen_eff": gen_eff, "coal": unabated + ccs_fuel, "gas": gas,
            "captured": captured, "coal_co2": coal_co2, "co2": co2}


@guarded
def simulate(inp: Inputs) -> dict[str, np.ndarray]:
    """Run the coupled macro-power-steel-energy model. Returns {output name: array [S, Y]}."""
    S, Y = inp.n_samples, len(inp.years)
    # One block [Y, V, S]: a year's outputs are one contiguous [V, S] slab (cheap to write and to
    # check); out[name] is a view [S, Y] of it. Not pre-filled: every year writes every output (checked
    # on the first year), so no element is read before it is written, and a NaN the model produces
    # is caught by the guards.
    in_loop = tuple(n for n in OUTPUTS if n not in FILLED_AFTER_LOOP)
    block = np.empty((Y, len(in_loop), S))
    out = {name: block[:, i, :].T for i, name in enumerate(in_loop)}
    guard = YearGuard(in_loop)
    nf_idx = [K[t] for t in NON_FOSSIL]
    vre_mask = np.array([t in VARIABLE_RENEWABLES for t in NON_FOSSIL])
    cf_names = {t: f"{t}_cf" for t in NON_FOSSIL}
    add_names = {t: f"{t}_additions_gw" for t in CAPACITY_TECHS}
    ef_coal, ef_oil, ef_gas = inp.factors.coal_t_co2_per_tce, inp.factors.oil_t_co2_per_tce, inp.factors.gas_t_co2_per_tce
    mwh_per_t = np.stack(np.broadcast_arrays(
        inp.steel.bfbof_mwh_per_t, inp.steel.bfbof_mwh_per_t, inp.steel.eaf_mwh_per_t,
        inp.steel.h2dri_mwh_per_t), axis=-1)
    coal_add_hist = np.broadcast_to(inp.power.coal_additions_gw, (S, Y))
    lifetime = np.broadcast_to(inp.power.coal_lifetime_yr, (S,))
    cap2020 = np.zeros((S, len(POWER_TECHS)))
    for tech in CAPACITY_TECHS:
        cap2020[:, K[tech]] = getattr(inp.power, f"{tech}_capacity_2020_gw")
    rows = np.arange(S)
    # a coal supply shortfall needs a second dispatch; without one anywhere it would repeat the first
    any_shortfall = bool(np.any(inp.shock.coal_shortfall))
    caps_on, cap_paths = capping.cap_levels(inp)

    cap_end = cap_start = None
    state: dict[str, np.ndarray] = {}
    for t in range(Y):
        # --- macro -------------------------------------------------------------------------
        g = inp.macro.gdp_growth[..., t]
        gdp_trend = inp.macro.gdp_2020_bn * np.ones(S) if t == 0 else macro.grow(state["gdp_trend"], g)
        rebound = inp.shock.rebound_fraction

        year = int(inp.years[t])
        price = inp.policy.carbon_price[..., t]
        # --- costs of fossil power this year (fuel + net carbon cost under benchmarks) ------
        cov_power = policy.covered(year, inp.policy.ets_power_start_year)
        bench = inp.policy.power_benchmark_t_per_mwh[..., t]
        hr_fleet = inp.power.coal_heat_rate_gce_per_kwh[..., t]
        eff_share = inp.power.coal_efficient_share[..., t]
        hr_eff, hr_other = power.tier_heat_rates(
            hr_fleet, inp.power.coal_heat_rate_spread_gce_per_kwh, eff_share)
        gas_hr = inp.power.gas_heat_rate_gce_per_kwh
        carbon = {  # net carbon cost, CNY/MWh
            k: policy.carbon_cost(price, cov_power, hr * 1e-3 * ef, bench)
            for k, hr, ef in (("eff", hr_eff, ef_coal), ("other", hr_other, ef_coal), ("gas", gas_hr, ef_gas))
        }
        coal_price = inp.power.coal_price_cny_per_tce[..., t] * inp.shock.coal_price_factor[..., t]
        srmc_coal = power.srmc(coal_price, hr_other, carbon["other"])
        srmc_gas = power.srmc(inp.power.gas_price_cny_per_tce[..., t], gas_hr, carbon["gas"])

        # --- steel -------------------------------------------------------------------------
        output = inp.steel.output_mt[..., t] * np.ones(S)
        if t > 0:  # part of last year's output lost to rationing is made up; step-by-step limit
            output = policy.limit_fall(output + rebound * state["steel_lost"], state["steel_made"],
                                       inp.policy.steel_output_fall_max_frac)
        requested = np.stack(np.broadcast_arrays(
            inp.steel.ccus_share[..., t], inp.steel.eaf_share[..., t],
            inp.steel.h2dri_share[..., t], np.zeros(S)), axis=-1)[:, :3]
        extra = np.zeros((S, 3)) if t == 0 else state["steel_extra"] + _route_switch(
            inp, t, year, price, state, ef_coal)
        extra = _bound_route_extra(inp, t, output, requested, extra)
        low = requested + extra
        shares = steel.route_shares(
            output, low[:, 1], low[:, 2], low[:, 0], inp.steel.scrap_supply_mt[..., t],
            inp.steel.scrap_t_per_t_eaf,
        )
        production = output[:, None] * shares
        if t > 0:  # BF-BOF output falls step by step: low-carbon routes wait for the rest
            production = steel.hold_bfbof(production, state["bfbof_mt"] * (1 - inp.policy.bfbof_fall_max_frac))
            shares = production / np.maximum(output, 1e-9)[:, None]
        steel_cap = capping.CAPS_OFF
        if caps_on and t > 0:
            steel_cap, production, output, shares = capping.steel_cap(
                inp, t, production, output, shares, state, cap_paths, ef_coal)
        steel_coal, steel_co2, steel_captured = steel.direct_co2(
            production, inp.steel.bf_coal_tce_per_t[..., t], ef_coal,
            inp.steel.ccus_capture_rate, inp.steel.eaf_direct_t_co2_per_t,
            inp.steel.h2dri_direct_t_co2_per_t,
        )
        steel_elec = steel.electricity(production, mwh_per_t)

        # --- road transport ----------------------------------------------------------------
        ev = inp.transport.ev_share[..., t]
        if t == 0:
            road_service = inp.transport.road_oil_share_2020 * inp.other.oil_total_2020_mtce / (
                1 - inp.transport.ev_share_2020)  # the observed 2020 fleet, whatever the path says
            road_service = road_service * np.ones(S)
        else:
            road_service = macro.grow(state["road"], g) * (1 + inp.transport.road_intensity_change[..., t])
        road_oil = road_service * (1 - ev)
        ev_elec = road_service * ev * inp.transport.ev_twh_per_mtce

        # --- electricity demand ------------------------------------------------------------
        if t == 0:
            base = inp.power.demand_2020_twh - steel_elec - ev_elec
        else:
            base = macro.grow(state["base"], inp.macro.electricity_elasticity[..., t] * g)
        demand = base + steel_elec + ev_elec

        # --- capacity ----------------------------------------------------------------------
        add = np.zeros((S, len(POWER_TECHS)))
        for tech in CAPACITY_TECHS:
            add[:, K[tech]] = getattr(inp.power, add_names[tech])[..., t]
        # "develop hydropower carefully": no more than the remaining potential; nuclear "safely
        # and orderly": at most the build-rate cap.
        hydro_now = cap2020[:, K["hydro"]] if t == 0 else cap_end[:, K["hydro"]]
        add[:, K["hydro"]] = np.minimum(add[:, K["hydro"]],
                                        np.maximum(inp.power.hydro_potential_gw - hydro_now, 0.0))
        add[:, K["nuclear"]] = np.minimum(add[:, K["nuclear"]], inp.power.nuclear_build_max_gw)
        retire_initial = power.initial_fleet_retirement(
            cap2020[:, K["coal"]], t, lifetime, inp.power.coal_mean_age_2020_yr)
        built = inp.years[t] - lifetime.round().astype(int) - inp.years[0]
        retire_new = np.where(built >= 0, coal_add_hist[rows, np.clip(built, 0, Y - 1)], 0.0)
        retire = np.zeros_like(add)
        if t == 0:
            cap_end = cap2020.copy()
            retire[:, K["coal"]] = retire_initial
            cap_start = cap_end - add + retire
        else:
            cap_start = cap_end
            cap_end = cap_start + add
            # age-based and mandated closures, then early retirement of the less efficient units
            # once they lose money (never below what last year's coal output needs), all within
            # the step-by-step limit
            scheduled = retire_initial + retire_new + inp.power.coal_retirement_extra_gw[..., t] \
                + state["retire_deferred"]
            # (decided on the coal price without shocks: owners look through a spike)
            margin = inp.power.coal_power_price_cny_per_mwh[..., t] - power.srmc(
                inp.power.coal_price_cny_per_tce[..., t], hr_other, carbon["other"]) - inp.power.coal_fixed_cost_cny_per_mwh
            economic = (year >= inp.power.early_retire_from_year) * policy.uptake(
                -margin, inp.power.dispatch_cost_scale_cny_per_mwh) * inp.power.early_retire_max_frac * cap_start[:, K["coal"]] * (1 - eff_share)
            needed = state["coal_twh"] / (inp.power.coal_cf_reliability * TWH_PER_GW_YEAR)
            retire[:, K["coal"]], deferred = policy.coal_retirement(
                scheduled, economic, cap_start[:, K["coal"]] + cap_start[:, K["coal_ccs"]] - needed,
                cap_end[:, K["coal"]], inp.policy.coal_retire_max_frac)
            cap_end = cap_end - retire
            # CCS retrofits: the path, plus retrofits that pay (carbon price above capture cost)
            ccs_pays = policy.uptake(price * cov_power - inp.power.ccs_cost_cny_per_t_co2,
                                     inp.power.ccs_uptake_scale_cny_per_t) * inp.power.ccs_retrofit_max_gw
            retrofit = np.minimum(inp.power.ccs_retrofit_gw[..., t] + ccs_pays, cap_end[:, K["coal"]])
            cap_end[:, K["coal"]] -= retrofit
            cap_end[:, K["coal_ccs"]] += retrofit
            to_gas = np.minimum(inp.power.coal_to_gas_gw[..., t], cap_end[:, K["coal"]])
            cap_end[:, K["coal"]] -= to_gas
            cap_end[:, K["gas"]] += to_gas
        avail = power.available_capacity(cap_start, cap_end)

        # --- dispatch ----------------------------------------------------------------------
        cf = np.stack([getattr(inp.power, cf_names[tech])[..., t] * np.ones(S) for tech in NON_FOSSIL], axis=-1)
        cf[:, NON_FOSSIL.index("hydro")] *= inp.shock.hydro_cf_factor[..., t]
        nonfossil = power.potential_generation(avail[:, nf_idx], cf)
        bio = inp.power.bio_generation_twh[..., t]
        oil_gen = inp.power.oil_generation_twh[..., t]
        gas_cap, coal_cap = avail[:, K["gas"]], avail[:, K["coal"]] + avail[:, K["coal_ccs"]]
        gas_plan = power.potential_generation(gas_cap, inp.power.gas_cf[..., t])
        gas_max = power.potential_generation(gas_cap, inp.power.gas_cf_max)
        coal_max = power.potential_generation(coal_cap, inp.power.coal_cf_max)
        d = power.dispatch(demand, nonfossil, vre_mask, bio + oil_gen, gas_plan, gas_max, coal_max,
                           gas_before_coal=srmc_gas < srmc_coal)
        # a coal supply shortfall: coal (and gas, short too) cannot reach what they would have run
        if any_shortfall:
            coal_max, gas_max = shocks.fossil_limits(
                d["coal"], d["gas"], inp.shock.coal_shortfall[..., t], coal_max, gas_max)
            d = power.dispatch(demand, nonfossil, vre_mask, bio + oil_gen, np.minimum(gas_plan, gas_max),
                               gas_max, coal_max, gas_before_coal=srmc_gas < srmc_coal)
        # who loses power: user groups in the curtailment order; steel loses output in proportion
        industry_load = base * inp.shock.industry_share_of_base
        loads = np.stack([steel_elec, industry_load, demand - steel_elec - industry_load], axis=-1)
        ranks = np.stack(np.broadcast_arrays(*(getattr(inp.shock, f"rank_{u}")[..., t]
                                               for u in ("steel", "industry", "other"))), axis=-1)
        cut = shocks.curtail(d["unserved"], loads, inp.shock.max_cut_fraction, ranks)
        kept = 1.0 - np.divide(cut[:, 0], steel_elec, out=np.zeros(S), where=steel_elec > 0)
        steel_lost = output * (1.0 - kept)
        output, production = output * kept, production * kept[:, None]
        steel_coal, steel_co2, steel_captured = steel_coal * kept, steel_co2 * kept, steel_captured * kept
        loss = shocks.gdp_loss(d["unserved"], demand, inp.shock.gdp_loss_per_unserved)
        # a year's loss fades by the rebound fraction each later year; a lasting shortage keeps it
        gap = loss if t == 0 else np.maximum(loss, (1.0 - rebound) * state["gdp_gap"])
        gdp = gdp_trend * (1.0 - gap)
        ccs_frac = np.divide(avail[:, K["coal_ccs"]], coal_cap, out=np.zeros(S), where=coal_cap > 0)
        coal_max_plain = power.potential_generation(avail[:, K["coal"]], inp.power.coal_cf_max)
        fleet = {"ccs_frac": ccs_frac, "max_eff": coal_max_plain * eff_share,
                 "max_other": coal_max_plain * (1 - eff_share), "gap": carbon["other"] - carbon["eff"],
                 "hr_eff": hr_eff, "hr_other": hr_other, "hr_fleet": hr_fleet,
                 "oil": oil_gen * inp.power.oil_heat_rate_gce_per_kwh * GCE_PER_KWH_TO_MTCE_PER_TWH}
        pf = _power_fuels(inp, d["coal"], d["gas"], fleet)

        if t == 0:
            coal_other = inp.other.coal_total_2020_mtce - pf["coal"] - steel_coal
            gas_other = inp.other.gas_total_2020_mtce - pf["gas"]
            oil_other = inp.other.oil_total_2020_mtce - fleet["oil"] - road_oil
        else:
            coal_other = macro.grow(state["coal_other"], g) * (1 + inp.other.coal_intensity_change[..., t])
            gas_other = macro.grow(state["gas_other"], g) * (1 + inp.other.gas_intensity_change[..., t])
            oil_other = macro.grow(state["oil_other"], g) * (1 + inp.other.oil_intensity_change[..., t])
        # coal-to-gas switching outside power (boilers, heating): a level of coal replaced by gas
        switched = np.minimum(inp.other.coal_to_gas_mtce[..., t], coal_other)
        coal_other_net = coal_other - switched
        gas_other_net = gas_other + switched * inp.other.coal_to_gas_gas_per_coal
        co2_other = coal_other_net * ef_coal + (oil_other + road_oil) * ef_oil + gas_other_net * ef_gas
        co2_process = inp.other.cement_co2_mt[..., t] + inp.other.other_industry_co2_mt[..., t]
        cap = capping.CAPS_OFF
        if caps_on and t > 0:  # caps bind from the first year after the calibration year
            bf_coal = inp.steel.bf_coal_tce_per_t[..., t]
            national = {"gdp": gdp, "intensity_2020": out["co2_intensity"][:, 0], "steel_cap": steel_cap,
                        "other_co2": steel_co2 + co2_other + co2_process, "bf_t_co2_per_t": bf_coal * ef_coal,
                        "bf_mwh_per_t": inp.steel.bfbof_mwh_per_t,
                        "steel_rooms": capping.steel_rooms(inp, t, production, output, state)}
            cap, d, demand, steel_cut = capping.after_dispatch(
                inp, t, d, demand, pf, fleet, vre_mask, gas_max, cap_paths, coal_price, national)
            pf = _power_fuels(inp, d["coal"], d["gas"], fleet)
            production = production - steel_cut[:, None] * np.array([1.0, 0.0, 0.0, 0.0])
            output = output - steel_cut
            shares = np.where(steel_cut[:, None] > 0, production / np.maximum(output, 1e-9)[:, None], shares)
            steel_coal, steel_co2 = steel_coal - steel_cut * bf_coal, steel_co2 - steel_cut * bf_coal * ef_coal
            steel_elec = steel_elec - steel_cut * national["bf_mwh_per_t"]
        gen_ccs, gen_eff, coal_power, gas_power = pf["gen_ccs"], pf["gen_eff"], pf["coal"], pf["gas"]
        oil_power, captured_power, co2_power = fleet["oil"], pf["captured"], pf["co2"]
        gen_total = demand - d["unserved"]
        co2_total = co2_power + steel_co2 + co2_other + co2_process

        coal_total = coal_power + steel_coal + coal_other_net
        oil_total = oil_other + road_oil + oil_power
        gas_total = gas_other_net + gas_power
        removals = {k: getattr(inp.removals, f"{k}_mt")[..., t] * np.ones(S) for k in ("land_sink", "beccs", "daccs")}
        removal_total = removals["land_sink"] + removals["beccs"] + removals["daccs"]
        nonfossil_gen = d["nonfossil"].sum(axis=1) + bio
        nonfossil_pe = nonfossil_gen * MTCE_PER_TWH / inp.factors.substitution_efficiency
        pe_total = coal_total + oil_total + gas_total + nonfossil_pe

        # --- record ------------------------------------------------------------------------
        rec = {
            "co2_total_mt": co2_total, "co2_power_mt": co2_power, "co2_steel_mt": steel_co2,
            "co2_steel_indirect_mt": (steel_elec - cut[:, 0]) * co2_power / np.maximum(gen_total, 1e-9),
            "co2_other_energy_mt": co2_other, "co2_road_mt": road_oil * ef_oil,
            "co2_process_mt": co2_process * np.ones(S),
            "gen_total_twh": gen_total, "gen_coal_twh": d["coal"], "gen_coal_ccs_twh": gen_ccs,
            "gen_gas_twh": d["gas"], "gen_oil_twh": oil_gen * np.ones(S), "gen_bio_twh": bio * np.ones(S),
            "demand_twh": demand, "demand_steel_twh": steel_elec, "demand_ev_twh": ev_elec,
            "curtailed_twh": d["curtailed"], "unserved_twh": d["unserved"],
            "steel_total_mt": output, "steel_bfbof_mt": production[:, 0] + production[:, 1],
            "steel_bfbof_ccus_mt": production[:, 1], "steel_eaf_mt": production[:, 2],
            "steel_h2dri_mt": production[:, 3], "steel_eaf_share": shares[:, 2],
            "coal_total_mtce": coal_total, "coal_power_mtce": coal_power,
            "coal_steel_mtce": steel_coal, "coal_other_mtce": coal_other_net,
            "oil_total_mtce": oil_total, "gas_total_mtce": gas_total,
            "nonfossil_pe_mtce": nonfossil_pe, "pe_total_mtce": pe_total,
            "share_nonfossil_gen": nonfossil_gen / np.maximum(gen_total, 1e-9),
            "share_nonfossil_pe": nonfossil_pe / pe_total,
            "carbon_price": price * np.ones(S), "gdp_bn": gdp,
            "co2_intensity": co2_total / gdp, "energy_intensity": pe_total / gdp,
            "gen_coal_efficient_twh": gen_eff, "co2_captured_power_mt": captured_power,
            "co2_captured_steel_mt": steel_captured, "co2_captured_mt": captured_power + steel_captured,
            "removal_land_mt": removals["land_sink"], "removal_beccs_mt": removals["beccs"],
            "removal_daccs_mt": removals["daccs"], "removal_total_mt": removal_total,
            "co2_net_mt": co2_total - removal_total,
            # net ETS payments: Mt x CNY/t = million CNY; / 1000 -> bn CNY
            "ets_cost_power_bn_cny": price * cov_power * (
                co2_power - bench * (d["coal"] + d["gas"] + oil_gen)) / 1000,
            "ets_cost_steel_bn_cny": price * policy.covered(year, inp.policy.ets_steel_start_year) * (
                steel_co2 - inp.policy.steel_benchmark_t_per_t[..., t] * output) / 1000,
            "unserved_steel_twh": cut[:, 0], "unserved_industry_twh": cut[:, 1],
            "steel_lost_mt": steel_lost, "gdp_loss_bn": gdp_trend - gdp,
            "srmc_coal_cny_per_mwh": srmc_coal * np.ones(S), "srmc_gas_cny_per_mwh": srmc_gas * np.ones(S),
            **cap,
        }
        for i, tech in enumerate(NON_FOSSIL):
            rec[f"gen_{tech}_twh"] = d["nonfossil"][:, i]
        for tech in POWER_TECHS:
            rec[f"cap_{tech}_gw"] = cap_end[:, K[tech]]
        rec["cap_coal_gw"] = cap_end[:, K["coal"]] + cap_end[:, K["coal_ccs"]]
        rec["gen_coal_twh"] = d["coal"]
        if t == 0 and set(rec) != set(in_loop):  # a programming error, not bad input
            raise RuntimeError(f"engine outputs not written each year: {sorted(set(in_loop) ^ set(rec))}")
        for name, value in rec.items():
            out[name][:, t] = value
        guard.check(block[t], out, t, year)
        coal_t_per_mwh = hr_other * 1e-3 * ef_coal
        marginal = np.where(d["coal"] > 0, coal_t_per_mwh, np.where(d["gas"] > 0, gas_hr * 1e-3 * ef_gas, 0.0))
        state.update(retire_deferred=deferred if t > 0 else np.zeros(S), coal_twh=d["coal"],
                     steel_made=output, bfbof_mt=production[:, 0] + production[:, 1])
        state.update(steel_extra=extra, bfbof_share=shares[:, 0], marginal_t_per_mwh=marginal,
                     steel_lost=steel_lost, gdp_gap=gap)
        state.update(gdp_trend=gdp_trend, road=road_service, base=base, coal_other=coal_other,
                     gas_other=gas_other, oil_other=oil_other)

    anchor = inp.years.tolist().index(CALIBRATION_YEAR)  # the year the official reduction anchors
    out["co2_intensity_reduction_2005"] = macro.reduction_vs_base(
        out["co2_intensity"], out["co2_intensity"][:, anchor:anchor + 1],
        inp.macro.co2_intensity_reduction_2020[:, None],
    )
    out["energy_intensity_reduction_2005"] = 1.0 - out["energy_intensity"] / inp.macro.energy_intensity_2005_kgce_per_usd[:, None]
    return out
