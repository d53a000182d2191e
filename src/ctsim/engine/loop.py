"""The year loop: the only Python loop in the engine. It chains the sector steps (docs/model.md,
"Code structure"); everything inside is array arithmetic over samples. Stocks (capacity) are recorded
at year end; flows (TWh, Mt, Mt CO2) are annual totals. Equations and sources: docs/model.md.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from . import (
    capacity,
    compiled,
    ghg,
    investment,
    macro,
    policy,
    power,
    rest,
    shocks,
    steel,
    storage,
    transport,
)
from . import caps as capping
from . import regions as regional
from .adequacy import Adequacy, allowed_new
from .axes import (
    BFBOF,
    BFBOF_CCUS,
    COAL,
    COAL_CCS,
    EAF,
    EN_COAL,
    EN_NUCLEAR,
    EN_SOLAR,
    EN_WIND,
    FIRM_COAL,
    FIRM_GAS,
    FIRM_NUCLEAR,
    GAS,
    H2DRI,
    HYDRO,
    NF_HYDRO,
    NF_NUCLEAR,
    NF_SOLAR,
    NF_WIND,
    NTS,
    NUCLEAR,
    PHS,
    SOLAR,
    USER_INDUSTRY,
    USER_STEEL,
    WIND,
    sum_last,
)
from .guards import FILLED_AFTER_LOOP, YearGuard, check_year, guarded
from .inputs import BUNDLES, CALIBRATION_YEAR, Inputs
from .observed import lifetime_switch_gw
from .state import State
from .units import MTCE_PER_TWH, TWH_PER_GW_YEAR

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
    "cap_storage_gw", "cap_storage_phs_gw", "cap_storage_nts_gw", "cap_storage_gwh", "cap_storage_phs_gwh",
    "cap_storage_nts_gwh", "curtailed_share", "curtailed_raw_twh", "storage_absorbed_twh", "storage_losses_twh",
    "peak_load_gw", "firm_required_gw", "firm_capacity_gw", "gas_supply_power_twh",
    "add_coal_gw", "add_gas_gw", "add_nuclear_gw", "add_wind_gw", "add_solar_gw", "add_storage_gw",
    "add_response_gw", "coal_utilisation", "cap_coal_backup_gw",
    *capping.CAP_OUTPUTS, *ghg.GHG_OUTPUTS,
)


@guarded
def simulate(inp: Inputs) -> dict[str, np.ndarray]:
    """Run the coupled macro-power-steel-energy model. Returns {output name: array [S, Y]}.

    The backend (numpy or the compiled kernels) is chosen once for the run: ``compiled.run``."""
    with compiled.run(regional=inp.regions is not None):
        return _simulate(inp)


def _simulate(inp: Inputs) -> dict[str, np.ndarray]:
    S, Y = inp.n_samples, len(inp.years)
    # One block [Y, V, S]: a year's outputs are one contiguous [V, S] slab (cheap to write and to
    # check); out[name] is a view [S, Y] of it. Not pre-filled: every year writes every output (checked
    # on the first year), so no element is read before it is written, and a NaN the model produces
    # is caught by the guards.
    # Rows in OUTPUTS order with the caps' outputs last (the compiled kernel writes the others, in
    # that order; the caps step hands its own); out keeps the OUTPUTS order.
    in_loop = tuple(n for n in OUTPUTS if n not in FILLED_AFTER_LOOP and n not in capping.CAP_OUTPUTS
                    ) + capping.CAP_OUTPUTS
    block = np.empty((Y, len(in_loop), S))
    row = {name: i for i, name in enumerate(in_loop)}
    out = {name: block[:, row[name], :].T for name in OUTPUTS if name in row}
    guard = YearGuard(in_loop)
    # The observed years are the same for every sample when the history's inputs hold nothing per
    # sample (the usual case: history is observed, scenarios and sweeps shape the projection only):
    # they are simulated once, as one sample, into a block of their own, broadcast into the output
    # block after the loop, and the last observed year's state is widened to S. Every step is
    # elementwise over the samples, so each sample's numbers are those of the full-width run, bit
    # for bit (benchmarks/engine_same.py; tests/unit/test_engine_loop.py).
    n_once = shared_observed_years(inp)
    once = np.empty((n_once, len(in_loop), 1))
    out_once = {name: once[:, row[name], :].T for name in OUTPUTS if name in row}
    # Observed years run on the history's inputs (inp.for_year), the projection on these ones:
    # each set has its own 2020 fleet schedule and cap levels, prepared once.
    sets = {id(x): (x, capacity.initial_fleet(x.power, 1 if n_once and x is not inp else S, Y),
                    *capping.cap_levels(x.caps))
            for x in (inp, inp.for_year(CALIBRATION_YEAR))}
    # a coal supply shortfall needs a second dispatch; without one anywhere it would repeat the first
    any_shortfall = any(bool(np.any(x.shock.coal_shortfall)) for x, *_ in sets.values())
    # without a drought anywhere the dispatch supply is the adequacy step's planning supply
    any_drought = any(bool(np.any(x.shock.hydro_cf_factor != 1.0)) for x, *_ in sets.values())
    rd = inp.regions  # None: a national run
    if rd is not None:
        rnames = regional.REGIONAL_OUTPUTS if rd.outputs is None else rd.outputs
        rblock = np.empty((Y, len(rnames), S, len(rd.names)))
        rd_once = rd.take(slice(0, 1))  # (its shocks in the observed years are every sample's)
    rcap = built = None  # regional capacity [S, G, K] and links built, last year's
    full = inp
    # the costs of every year (they depend on the inputs alone), with the storage-for-surplus ratio
    # of each year from one vectorised bisection (numpy backend; the kernels compute their own)
    year_inputs = [sets[id(full.for_year(int(year)))][0] for year in full.years]
    costs_by_year = [power.step_costs(x.power, x.policy, x.factors, x.shock, int(full.years[t]), t)
                     for t, x in enumerate(year_inputs)]
    if not compiled.active():
        costs_by_year = investment.with_surplus_ratios([x.power for x in year_inputs], costs_by_year)
    prev: State | None = None  # last year's state; None in the calibration year
    for t in range(Y):
        year = int(full.years[t])
        inp, fleet_2020, caps_on, levels = sets[id(full.for_year(year))]
        n = 1 if t < n_once else S  # the samples this year is simulated for
        if t == n_once and n_once:
            prev = widen(prev, S)
            if rd is not None:
                rcap = np.repeat(rcap, S, axis=0)
                built = None if built is None else regional.Grid(
                    np.repeat(built.inter_gw, S, axis=0), np.repeat(built.intra_gw, S, axis=0))
        rd_t = rd_once if rd is not None and t < n_once else rd
        if full.history is not None and year > full.history_end and prev is not None:
            # the 2020 fleet continues on the scenario's lifetime (engine/observed.py)
            hist = full.history.power
            prev = replace(prev, coal_retire_deferred_gw=prev.coal_retire_deferred_gw + lifetime_switch_gw(
                inp.power.coal_capacity_2020_gw, inp.power.coal_mean_age_2020_yr, hist.coal_lifetime_yr,
                inp.power.coal_lifetime_yr, t, full.history_end + 1 - CALIBRATION_YEAR))
        growth, gdp_trend = macro.step_macro(inp.macro, prev, t, n)
        costs = costs_by_year[t]
        mix = steel.step_steel(inp.steel, inp.policy, inp.factors, inp.shock, prev,
                               costs.carbon_price_cny_per_t, year, t, n)
        steel_cap = capping.CAPS_OFF
        if caps_on and prev is not None:  # caps bind from the first year after the calibration year
            steel_cap, mix = capping.step_steel_cap(inp.steel, inp.policy, inp.factors, inp.caps,
                                                    prev, mix, levels, t)
        energy = steel.step_steel_energy(inp.steel, inp.factors, mix, t)
        road = transport.step_transport(inp.transport, inp.other, prev, growth, t, n)
        base, demand = power.step_demand(inp.power, inp.macro, prev, energy.electricity_twh,
                                         road.ev_twh, growth, t)
        cap = capacity.step_capacity(inp.power, inp.policy, fleet_2020, prev, costs, inp.years, t)
        store = storage.step_storage(inp.power, prev, np.zeros(n), t, n)
        gas_cap = power.gas_bound(inp.power, rest.other_gas_estimate(inp.other, prev, growth, t), year, t)
        adq, cap, store, planned = investment.step_adequacy(inp.power, prev, cap, store, demand, costs, gas_cap,
                                                            year, t)
        sup = planned if planned is not None and not any_drought else power.supply(
            inp.power, inp.shock.hydro_cf_factor[..., t], cap.generating_gw, store, demand, gas_cap, t)
        d = power.step_dispatch(inp.power, inp.shock, sup, demand, costs, any_shortfall, t)
        if rd is not None:  # the regional balance, with transfer limits, replaces the national one
            rcap = regional.step_capacity(rd_t, rcap, None if prev is None else prev.capacity_gw, cap.end_gw,
                                          max(year - CALIBRATION_YEAR, 0))
            fossil = d.coal_twh + d.gas_twh
            tr, built = regional.transfer(inp.regional, rd_t, rcap, built, sup.nonfossil_twh, d.bio_twh + d.oil_twh,
                                   sup.coal_max_twh, d.gas_max_twh, fossil, coal_fraction(inp, sup, d, costs, fossil),
                                   demand, demand / inp.power.demand_2020_twh,
                                   inp.macro.electricity_elasticity[..., t], inp.shock.hydro_cf_factor[..., t], t,
                                   None if prev is None else prev.grid_t_co2_per_mwh)
            d = regional.national_dispatch(d, tr, sup.curt.curtailed_twh)
        rat, mix, energy = shocks.step_rationing(inp.shock, prev, d.unserved_twh, demand, base, mix,
                                                 energy, gdp_trend, t)
        retrofit = power.coal_retrofit_share(inp.power, inp.factors, prev, costs, year, t)
        fleet = power.coal_fleet(inp.power, cap.generating_gw, cap.coal_early_retired_gw,
                                 cap.coal_retire_deferred_gw, costs, d, retrofit)
        pf = power.step_fuels(inp.power, inp.factors, fleet, d.coal_twh, d.gas_twh)
        other = rest.step_other(inp.other, inp.factors, prev, growth, pf.coal_mtce, pf.gas_mtce,
                                fleet.oil_mtce, energy.coal_mtce, road.oil_mtce, t)
        cap_out = capping.CAPS_OFF
        if caps_on and prev is not None:
            cap_out, d, demand, pf, mix, energy = capping.step_caps(
                inp.caps, inp.power, inp.steel, inp.policy, inp.macro, inp.factors, levels, prev, t, d,
                demand, pf, fleet, costs, rat.gdp_bn, steel_cap,
                energy.co2_mt + other.co2_mt + other.process_co2_mt, mix, energy)
        slab, views = (once[t], out_once) if t < n_once else (block[t], out)
        rec, intensity, grid, cumulative = write_year(
            slab, guard, views, in_loop, inp, t, year, prev, costs, mix, energy, road, demand, cap, d, rat, pf,
            fleet, other, cap_out, gdp_trend, store, adq, gas_cap)
        if rd is not None and rnames:
            values = regional.record(rd_t, tr, rcap, dict(zip(in_loop, slab, strict=True)) if rec is None else rec, t)
            for i, name in enumerate(rnames):
                rblock[t, i] = values[name]
        prev = State(
            gdp_trend_bn=gdp_trend, gdp_gap_frac=rat.gdp_gap_frac,
            co2_intensity_2020_kg_per_usd=intensity if prev is None else prev.co2_intensity_2020_kg_per_usd,
            capacity_gw=cap.end_gw, coal_retire_deferred_gw=cap.coal_retire_deferred_gw,
            coal_early_retired_gw=cap.coal_early_retired_gw, coal_backup_gw=cap.coal_backup_gw,
            storage_gw=store.gw, storage_gwh=store.gwh,
            coal_generation_twh=d.coal_twh,
            grid_t_co2_per_mwh=grid,
            base_demand_twh=base, road_service_mtce=road.service_mtce,
            steel_output_mt=mix.output_mt, steel_lost_mt=rat.steel_lost_mt,
            bfbof_mt=mix.production_mt[..., BFBOF] + mix.production_mt[..., BFBOF_CCUS],
            bfbof_share=mix.shares[..., BFBOF], steel_extra_share=mix.extra_share,
            coal_other_mtce=other.coal_mtce, gas_other_mtce=other.gas_mtce,
            oil_other_mtce=other.oil_mtce, co2_cumulative_mt=cumulative,
            coal_retrofit_share=np.broadcast_to(retrofit, (n,)).copy())

    block[:n_once] = once  # every sample's observed years
    out.update(reductions(full, out))
    observed = np.flatnonzero(full.years <= full.history_end)  # none without a history
    if observed.size:  # observed years anchor on the calibration year's inputs (the history's)
        for name, value in reductions(full.for_year(CALIBRATION_YEAR), out, observed).items():
            out[name][:, observed] = value
    # totals and shares of whole trajectories (one pass instead of one a year; in place where the
    # result is new: a fresh [S, Y] temporary costs more than its arithmetic)
    out["cap_storage_gw"] = out["cap_storage_phs_gw"] + out["cap_storage_nts_gw"]
    out["cap_storage_gwh"] = out["cap_storage_phs_gwh"] + out["cap_storage_nts_gwh"]
    vre = out["gen_wind_twh"] + out["gen_solar_twh"]
    vre += out["curtailed_twh"]
    vre += out["storage_losses_twh"]
    some = vre > 0
    out["curtailed_share"] = np.divide(out["curtailed_twh"], vre, out=vre, where=some)
    vre[~some] = 0.0
    if rd is not None:  # [S, G, Y] views of the regional block
        for i, name in enumerate(rnames):
            out[regional.PREFIX + name] = np.moveaxis(rblock[:, i], 0, -1)
    return out


def coal_fraction(inp: Inputs, sup: power.Supply, d: power.Dispatch, costs: power.Costs, fossil: np.ndarray
                  ) -> np.ndarray:
    """Coal's part of the national fossil output [S] for the regional balance; where the national
    dispatch ran no fossil plant, that of the merit order's first MWh (``regional.first_coal_frac``:
    gas at its planned load), not all coal."""
    out = np.ones_like(fossil)
    if not np.all(fossil > 0):
        share = power.gas_first_share(costs.srmc_gas_cny_per_mwh, costs.srmc_coal_cny_per_mwh,
                                      inp.power.dispatch_cost_scale_cny_per_mwh)
        out = out * regional.first_coal_frac(sup.gas_plan_twh, d.gas_max_twh, sup.coal_max_twh, share)
    return np.divide(d.coal_twh, fossil, out=out, where=fossil > 0)


def shared_observed_years(inp: Inputs) -> int:
    """The leading years of a run that every sample shares (simulated once: ``_simulate``): the
    observed years of a run of 2+ samples whose history holds no per-sample array (a sweep of an
    accounting metric, GWP or TCRE, varies them) and, by region, whose shocks are every sample's in
    those years."""
    hist, rd = inp.history, inp.regions
    if hist is None or inp.n_samples < 2:
        return 0
    if any(getattr(bundle, f.name).shape[0] != 1
           for bundle in (getattr(hist, s) for s in BUNDLES) for f in fields(bundle)):
        return 0
    n = int(np.count_nonzero(inp.years <= inp.history_end))
    if rd is not None and not all(np.all(x[..., :n] == x[:1, ..., :n]) for x in (rd.hydro_factor, rd.coal_shortfall)):
        return 0
    return n


def widen(state: State, n: int) -> State:
    """``state`` of one sample as the state of ``n`` identical samples (fresh arrays)."""
    return replace(state, **{f.name: np.repeat(v, n, axis=0) for f in fields(state)
                             if (v := getattr(state, f.name)) is not None})


def write_year(slab: np.ndarray, guard: YearGuard, out: dict[str, np.ndarray], in_loop: tuple[str, ...],
               inp: Inputs, t: int, year: int, prev: State | None, costs: power.Costs, mix: steel.SteelMix,
               energy: steel.SteelEnergy, road: transport.RoadFlows, demand: np.ndarray, cap: capacity.Capacity,
               d: power.Dispatch, rat: shocks.Rationing, pf: power.PowerFuels, fleet: power.CoalFleet,
               other: rest.OtherFlows, cap_out: dict, gdp_trend: np.ndarray, store: storage.StorageStock,
               adq: Adequacy, gas_cap: np.ndarray) -> tuple[dict[str, np.ndarray] | None, np.ndarray, np.ndarray,
                                                            np.ndarray]:
    """Write the year's outputs into its slab [V, S] of the output block (rows in ``in_loop`` order;
    [1]-shaped values broadcast) and check them (the guards). Returns the outputs {name: array} (None
    under the compiled backend, whose kernel writes the slab directly) and what the next year's State
    reads: CO2 intensity, power CO2 per fossil MWh and cumulative CO2 [S]."""
    if compiled.active():
        from .compiled import loop as kernels
        ok, intensity, grid, cumulative = kernels.write_year(
            slab, guard, out, in_loop, inp, t, year, prev, costs, mix, energy, road, demand, cap, d, rat, pf, fleet,
            other, cap_out, gdp_trend, store, adq, gas_cap,
            inp.ghg.co2_cumulative_2019_mt if prev is None else prev.co2_cumulative_mt)
        if not ok:  # something is off (or only round-off below zero): the full check decides and names it
            check_year(out, t, year)
        return None, intensity, grid, cumulative
    rec = record(inp, t, year, costs, mix, energy, road, demand, cap, d, rat, pf, fleet, other, cap_out, gdp_trend)
    rec.update(record_power_system(inp, t, cap, store, adq, d, gas_cap))
    rec.update(ghg.step_ghg(inp.ghg, prev, rec, year, t))  # gases after the sectors
    if t == 0 and set(rec) != set(in_loop):  # a programming error, not bad input
        raise RuntimeError("engine outputs not written each year: "
                           f"{sorted(set(in_loop) ^ set(rec))}")
    for i, name in enumerate(in_loop):  # in block order (sequential memory)
        slab[i] = rec[name]
    guard.check(slab, out, t, year)
    fossil_twh = rec["gen_coal_twh"] + rec["gen_gas_twh"] + rec["gen_oil_twh"]
    return (rec, rec["co2_intensity"], rec["co2_power_mt"] / np.maximum(fossil_twh, 1e-9),
            rec["co2_cumulative_mt"])


def reductions(inp: Inputs, out: dict[str, np.ndarray], years: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The falls of CO2 and energy intensity below 2005 [S, Y] (or in the year columns ``years``
    only), anchored on the official 2020 value."""
    anchor = inp.years.tolist().index(CALIBRATION_YEAR)  # the year the official reduction anchors
    co2, energy = out["co2_intensity"], out["energy_intensity"]
    energy = np.divide(energy if years is None else energy[:, years],
                       inp.macro.energy_intensity_2005_kgce_per_usd[..., None])
    return {
        "co2_intensity_reduction_2005": macro.reduction_vs_base(
            co2 if years is None else co2[:, years], co2[:, anchor:anchor + 1],
            inp.macro.co2_intensity_reduction_2020[..., None]),
        "energy_intensity_reduction_2005": np.subtract(1.0, energy, out=energy),
    }


def record(inp: Inputs, t: int, year: int, costs: power.Costs, mix: steel.SteelMix, energy: steel.SteelEnergy,
           road: transport.RoadFlows, demand: np.ndarray, cap: capacity.Capacity, d: power.Dispatch,
           rat: shocks.Rationing, pf: power.PowerFuels, fleet: power.CoalFleet, other: rest.OtherFlows,
           cap_out: dict, gdp_trend: np.ndarray) -> dict[str, np.ndarray]:
    """The year's outputs {output name: [S], or [1] where shared by all samples (the block broadcasts
    it)} from the flows of the steps and the year-end stocks."""
    price, gdp, ef_oil = costs.carbon_price_cny_per_t, rat.gdp_bn, inp.factors.oil_t_co2_per_tce
    production, output, end = mix.production_mt, mix.output_mt, cap.end_gw
    gen_total = demand - d.unserved_twh
    co2_power, steel_co2 = pf.co2_mt, energy.co2_mt
    co2_total = co2_power + steel_co2 + other.co2_mt + other.process_co2_mt
    coal_total = pf.coal_mtce + energy.coal_mtce + other.coal_net_mtce
    oil_total = other.oil_mtce + road.oil_mtce + fleet.oil_mtce
    gas_total = other.gas_net_mtce + pf.gas_mtce
    land = inp.removals.land_sink_mt[..., t]
    beccs = inp.removals.beccs_mt[..., t]
    daccs = inp.removals.daccs_mt[..., t]
    removal_total = land + beccs + daccs
    nonfossil_gen = sum_last(d.nonfossil_twh) + d.bio_twh
    nonfossil_pe = nonfossil_gen * MTCE_PER_TWH / inp.factors.substitution_efficiency
    pe_total = coal_total + oil_total + gas_total + nonfossil_pe
    steel_cut = rat.cut_twh[..., USER_STEEL]
    return {
        "co2_total_mt": co2_total, "co2_power_mt": co2_power, "co2_steel_mt": steel_co2,
        "co2_steel_indirect_mt": (energy.electricity_twh - steel_cut) * co2_power / np.maximum(gen_total, 1e-9),
        "co2_other_energy_mt": other.co2_mt, "co2_road_mt": road.oil_mtce * ef_oil,
        "co2_process_mt": other.process_co2_mt,
        "gen_total_twh": gen_total, "gen_coal_twh": d.coal_twh, "gen_coal_ccs_twh": pf.gen_ccs_twh,
        "gen_gas_twh": d.gas_twh, "gen_oil_twh": d.oil_twh, "gen_bio_twh": d.bio_twh,
        "gen_hydro_twh": d.nonfossil_twh[..., NF_HYDRO], "gen_nuclear_twh": d.nonfossil_twh[..., NF_NUCLEAR],
        "gen_wind_twh": d.nonfossil_twh[..., NF_WIND], "gen_solar_twh": d.nonfossil_twh[..., NF_SOLAR],
        "cap_coal_gw": end[..., COAL] + end[..., COAL_CCS], "cap_coal_ccs_gw": end[..., COAL_CCS],
        "cap_gas_gw": end[..., GAS], "cap_hydro_gw": end[..., HYDRO], "cap_nuclear_gw": end[..., NUCLEAR],
        "cap_wind_gw": end[..., WIND], "cap_solar_gw": end[..., SOLAR],
        "demand_twh": demand, "demand_steel_twh": energy.electricity_twh, "demand_ev_twh": road.ev_twh,
        "curtailed_twh": d.curtailed_twh, "unserved_twh": d.unserved_twh,
        "steel_total_mt": output, "steel_bfbof_mt": production[..., BFBOF] + production[..., BFBOF_CCUS],
        "steel_bfbof_ccus_mt": production[..., BFBOF_CCUS], "steel_eaf_mt": production[..., EAF],
        "steel_h2dri_mt": production[..., H2DRI], "steel_eaf_share": mix.shares[..., EAF],
        "coal_total_mtce": coal_total, "coal_power_mtce": pf.coal_mtce,
        "coal_steel_mtce": energy.coal_mtce, "coal_other_mtce": other.coal_net_mtce,
        "oil_total_mtce": oil_total, "gas_total_mtce": gas_total,
        "nonfossil_pe_mtce": nonfossil_pe, "pe_total_mtce": pe_total,
        "share_nonfossil_gen": nonfossil_gen / np.maximum(gen_total, 1e-9),
        "share_nonfossil_pe": nonfossil_pe / pe_total,
        "carbon_price": price, "gdp_bn": gdp,
        "co2_intensity": co2_total / gdp, "energy_intensity": pe_total / gdp,
        "gen_coal_efficient_twh": pf.gen_eff_twh, "co2_captured_power_mt": pf.captured_mt,
        "co2_captured_steel_mt": energy.captured_mt, "co2_captured_mt": pf.captured_mt + energy.captured_mt,
        "removal_land_mt": land, "removal_beccs_mt": beccs, "removal_daccs_mt": daccs,
        "removal_total_mt": removal_total, "co2_net_mt": co2_total - removal_total,
        # net ETS payments: Mt x CNY/t = million CNY; / 1000 -> bn CNY
        "ets_cost_power_bn_cny": price * costs.ets_power_covered * (
            co2_power - costs.benchmark_t_per_mwh * (d.coal_twh + d.gas_twh + d.oil_twh)) / 1000,
        "ets_cost_steel_bn_cny": price * policy.covered(year, inp.policy.ets_steel_start_year) * (
            steel_co2 - inp.policy.steel_benchmark_t_per_t[..., t] * output) / 1000,
        "unserved_steel_twh": steel_cut, "unserved_industry_twh": rat.cut_twh[..., USER_INDUSTRY],
        "steel_lost_mt": rat.steel_lost_mt, "gdp_loss_bn": gdp_trend - gdp,
        "srmc_coal_cny_per_mwh": costs.srmc_coal_cny_per_mwh,
        "srmc_gas_cny_per_mwh": costs.srmc_gas_cny_per_mwh,
        **cap_out,
    }


def record_power_system(inp: Inputs, t: int, cap: capacity.Capacity, store: storage.StorageStock,
                        adq: Adequacy, d: power.Dispatch, gas_cap: np.ndarray) -> dict[str, np.ndarray]:
    """The year's storage, curtailment, firm-capacity and investment outputs {name: [S]}."""
    pw, year = inp.power, int(inp.years[t])
    firm_b, energy_b = adq.firm_built_gw, adq.energy_built_gw
    coal_ok, gas_ok = allowed_new(pw, year)
    coal_cap = cap.available_gw[..., COAL] + cap.available_gw[..., COAL_CCS]
    return {
        "cap_storage_phs_gw": store.gw[..., PHS],
        "cap_storage_nts_gw": store.gw[..., NTS],
        "cap_storage_phs_gwh": store.gwh[..., PHS], "cap_storage_nts_gwh": store.gwh[..., NTS],
        "curtailed_raw_twh": d.curtailed_raw_twh, "storage_absorbed_twh": d.storage_absorbed_twh,
        "storage_losses_twh": d.storage_losses_twh,
        "peak_load_gw": adq.peak_gw, "firm_required_gw": adq.required_gw, "firm_capacity_gw": adq.firm_gw,
        "gas_supply_power_twh": np.where(np.isfinite(gas_cap), gas_cap, d.gas_max_twh),
        "add_coal_gw": pw.coal_additions_gw[..., t] * coal_ok + firm_b[..., FIRM_COAL] + energy_b[..., EN_COAL],
        "add_gas_gw": pw.gas_additions_gw[..., t] * gas_ok + firm_b[..., FIRM_GAS],
        "add_nuclear_gw": np.minimum(pw.nuclear_additions_gw[..., t], pw.nuclear_build_max_gw)
        + firm_b[..., FIRM_NUCLEAR] + energy_b[..., EN_NUCLEAR],
        "add_wind_gw": pw.wind_additions_gw[..., t] + energy_b[..., EN_WIND],
        "add_solar_gw": pw.solar_additions_gw[..., t] + energy_b[..., EN_SOLAR],
        "add_storage_gw": sum_last(store.added_gw),
        "add_response_gw": sum_last(firm_b) + sum_last(energy_b) + adq.storage_built_gw,
        "cap_coal_backup_gw": cap.coal_backup_gw,
        "coal_utilisation": np.divide(d.coal_twh, coal_cap * TWH_PER_GW_YEAR, out=np.zeros_like(coal_cap),
                                      where=coal_cap > 0),
    }
