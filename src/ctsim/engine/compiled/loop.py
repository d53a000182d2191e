"""The year loop's own work under the compiled backend (loop.write_year): the year's outputs of
loop.record, loop.record_power_system and ghg.step_ghg (same operations, same order) written straight
into the year's slab of the output block [V, S], instead of a dict of arrays and a copy.

The outputs that are inputs as they are go in by numpy row copies (memory speed); one kernel computes
the others row after row, reading those back; the guards' verdict is one vectorized pass over the slab
(compiled/guards.py; numpy's check_year names a failure). Measured at S = 20,000 (steel2030, a warm
slab): 5.6 ms a year against numpy's 6.6; on the fresh block of a run, writing the slab's 17.8 MB
costs most of it in both.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ..axes import (
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
)
from ..units import MTCE_PER_TWH, TWH_PER_GW_YEAR
from ._jit import jit
from ._sig import F64, IN, IN2, OUT, OUT2, args, at, at2, fmax, fmin, kernel
from .ghg import gases
from .guards import slab_ok

# The outputs the kernel writes, in the order it computes them (loop.OUTPUTS without the ones filled
# after the loop, the caps' and the gases'; then ghg.GHG_OUTPUTS). The caps' outputs come from the
# caps step (ctsim.engine.caps) as they are: the wrapper copies them into the slab first.
RECORDED = (
    'co2_total_mt', 'co2_power_mt', 'co2_steel_mt', 'co2_steel_indirect_mt', 'co2_other_energy_mt',
    'co2_road_mt', 'co2_process_mt', 'gen_total_twh', 'gen_coal_twh', 'gen_coal_ccs_twh', 'gen_gas_twh',
    'gen_oil_twh', 'gen_hydro_twh', 'gen_nuclear_twh', 'gen_wind_twh', 'gen_solar_twh', 'gen_bio_twh',
    'cap_coal_gw', 'cap_coal_ccs_gw', 'cap_gas_gw', 'cap_hydro_gw', 'cap_nuclear_gw', 'cap_wind_gw',
    'cap_solar_gw', 'demand_twh', 'demand_steel_twh', 'demand_ev_twh', 'curtailed_twh', 'unserved_twh',
    'steel_total_mt', 'steel_bfbof_mt', 'steel_bfbof_ccus_mt', 'steel_eaf_mt', 'steel_h2dri_mt',
    'steel_eaf_share', 'coal_total_mtce', 'coal_power_mtce', 'coal_steel_mtce', 'coal_other_mtce',
    'oil_total_mtce', 'gas_total_mtce', 'nonfossil_pe_mtce', 'pe_total_mtce', 'share_nonfossil_gen',
    'share_nonfossil_pe', 'carbon_price', 'gdp_bn', 'co2_intensity', 'energy_intensity',
    'gen_coal_efficient_twh', 'co2_captured_mt', 'co2_captured_power_mt', 'co2_captured_steel_mt',
    'removal_land_mt', 'removal_beccs_mt', 'removal_daccs_mt', 'removal_total_mt', 'co2_net_mt',
    'srmc_coal_cny_per_mwh', 'srmc_gas_cny_per_mwh', 'ets_cost_power_bn_cny', 'ets_cost_steel_bn_cny',
    'unserved_steel_twh', 'unserved_industry_twh', 'steel_lost_mt', 'gdp_loss_bn', 'cap_storage_phs_gw',
    'cap_storage_nts_gw', 'cap_storage_phs_gwh', 'cap_storage_nts_gwh', 'curtailed_raw_twh',
    'storage_absorbed_twh', 'storage_losses_twh', 'peak_load_gw', 'firm_required_gw', 'firm_capacity_gw',
    'gas_supply_power_twh', 'add_coal_gw', 'add_gas_gw', 'add_nuclear_gw', 'add_wind_gw', 'add_solar_gw',
    'add_storage_gw', 'add_response_gw', 'coal_utilisation', 'cap_coal_backup_gw',
)
GASES = ("ch4_total_mt", "ch4_energy_mt", "ch4_fugitive_mt", "ch4_coal_mt", "ch4_oil_gas_mt", "ch4_combustion_mt",
         "ch4_agriculture_mt", "ch4_waste_mt", "ch4_coal_abated_mt", "n2o_kt", "fgas_mt_co2e", "ghg_gross_mt_co2e",
         "ghg_net_mt_co2e", "co2_cumulative_mt", "warming_co2_k", "warming_co2_low_k", "warming_co2_high_k",
         "cap_wind_solar_gw")


# Rows of the outputs that are inputs as they are (the wrapper copies them; the kernel reads them back):
# 1 co2_power_mt, 2 co2_steel_mt, 4 co2_other_energy_mt, 6 co2_process_mt, ...
COPIED = (1, 2, 4, 6, 8, 9, 10, 11, 16, 24, 25, 26, 27, 28, 29, 36, 37, 38, 45, 46, 49, 51, 52, 53, 54, 55, 58, 59, 64, 70, 71, 72, 73, 74, 75, 85, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 31, 32, 33, 34, 62, 63, 66, 67, 68, 69)


@jit
def utilisation(coal_twh, coal_gw):
    """Coal's capacity factor (loop.record_power_system: 0 without coal capacity)."""
    return coal_twh / (coal_gw * TWH_PER_GW_YEAR) if coal_gw > 0 else 0.0


@jit
def sum_row(x, s):
    """axes.sum_last of sample s of x [S or 1, C] (fewer than 8 categories: left to right from +0.0)."""
    r = min(s, x.shape[0] - 1)
    acc = x[r, 0] + 0.0
    for k in range(1, x.shape[1]):
        acc += x[r, k]
    return acc


@kernel(
    F64, OUT2, OUT,  # year, slab, grid
    IN, IN, IN, IN, IN, IN, IN2, IN, IN2, IN2, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN2, IN2, IN, IN, IN, IN,
    IN, IN, IN2, IN, IN2, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN,
)
def _year(year, slab, grid,
          ef_oil, oth_oil, road_oil, fleet_oil, oth_gas_net, pf_gas, nf, substitution, end, production,
          ets_power_covered, benchmark, ets_steel_start, steel_benchmark, gdp_trend, gas_cap, gas_max,
          coal_add, no_new_coal, firm_b, energy_b, gas_add, no_new_gas, nuclear_add, nuclear_max, wind_add,
          solar_add, added, storage_built, available, history_end, cmm_abatement, domestic_share, cmm_ef,
          ch4_oil_gas, ch4_combustion, ch4_agriculture, ch4_waste, n2o_kt, fgas, gwp_fossil, gwp_biogenic,
          gwp_n2o, cumulative_before, tcre, tcre_low, tcre_high):
    n = slab.shape[1]
    # (the outputs that are inputs as they are: the wrapper has copied them into their rows)
    # loop.record's sums and ratios, in its order of operations
    for s in range(n):
        u = np.uint64(s)  # an unsigned index: no wraparound test
        slab[7, u] = slab[24, u] - slab[28, u]  # gen_total_twh
        slab[0, u] = slab[1, u] + slab[2, u] + slab[4, u] + slab[6, u]  # co2_total_mt
        slab[35, u] = slab[36, u] + slab[37, u] + slab[38, u]  # coal_total_mtce
        slab[39, u] = at(oth_oil, s) + at(road_oil, s) + at(fleet_oil, s)  # oil_total_mtce
        slab[40, u] = at(oth_gas_net, s) + at(pf_gas, s)  # gas_total_mtce
        slab[56, u] = slab[53, u] + slab[54, u] + slab[55, u]  # removal_total_mt
        slab[41, u] = (sum_row(nf, s) + slab[16, u]) * MTCE_PER_TWH / at(substitution, s)  # nonfossil_pe_mtce
        slab[42, u] = slab[35, u] + slab[39, u] + slab[40, u] + slab[41, u]  # pe_total_mtce
        slab[3, u] = (slab[25, u] - slab[62, u]) * slab[1, u] / fmax(slab[7, u], 1e-9)  # co2_steel_indirect_mt
        slab[5, u] = at(road_oil, s) * at(ef_oil, s)  # co2_road_mt
        slab[17, u] = at2(end, s, COAL) + at2(end, s, COAL_CCS)  # cap_coal_gw
        slab[30, u] = at2(production, s, BFBOF) + at2(production, s, BFBOF_CCUS)  # steel_bfbof_mt
        slab[43, u] = (sum_row(nf, s) + slab[16, u]) / fmax(slab[7, u], 1e-9)  # share_nonfossil_gen
        slab[44, u] = slab[41, u] / slab[42, u]  # share_nonfossil_pe
        slab[47, u] = slab[0, u] / slab[46, u]  # co2_intensity
        slab[48, u] = slab[42, u] / slab[46, u]  # energy_intensity
        slab[50, u] = slab[51, u] + slab[52, u]  # co2_captured_mt
        slab[57, u] = slab[0, u] - slab[56, u]  # co2_net_mt
        # ets_cost_power_bn_cny
        slab[60, u] = (slab[45, u] * at(ets_power_covered, s)
                       * (slab[1, u] - at(benchmark, s) * (slab[8, u] + slab[10, u] + slab[11, u])) / 1000)
        # ets_cost_steel_bn_cny
        slab[61, u] = (slab[45, u] * (1.0 if year >= at(ets_steel_start, s) else 0.0)
                       * (slab[2, u] - at(steel_benchmark, s) * slab[29, u]) / 1000)
        slab[65, u] = at(gdp_trend, s) - slab[46, u]  # gdp_loss_bn
    # loop.record_power_system's
    for s in range(n):
        u = np.uint64(s)  # an unsigned index: no wraparound test
        slab[76, u] = at(gas_cap, s) if math.isfinite(at(gas_cap, s)) else at(gas_max, s)  # gas_supply_power_twh
        # add_coal_gw
        slab[77, u] = (at(coal_add, s) * (1.0 if year < at(no_new_coal, s) else 0.0) + at2(firm_b, s, FIRM_COAL)
                       + at2(energy_b, s, EN_COAL))
        slab[78, u] = at(gas_add, s) * (1.0 if year < at(no_new_gas, s) else 0.0) + at2(firm_b, s, FIRM_GAS)  # add_gas_gw
        # add_nuclear_gw
        slab[79, u] = (fmin(at(nuclear_add, s), at(nuclear_max, s)) + at2(firm_b, s, FIRM_NUCLEAR)
                       + at2(energy_b, s, EN_NUCLEAR))
        slab[80, u] = at(wind_add, s) + at2(energy_b, s, EN_WIND)  # add_wind_gw
        slab[81, u] = at(solar_add, s) + at2(energy_b, s, EN_SOLAR)  # add_solar_gw
        slab[82, u] = sum_row(added, s)  # add_storage_gw
        slab[83, u] = sum_row(firm_b, s) + sum_row(energy_b, s) + at(storage_built, s)  # add_response_gw
        slab[84, u] = utilisation(slab[8, u], at2(available, s, COAL) + at2(available, s, COAL_CCS))  # coal_utilisation
    for s in range(n):  # ghg.step_ghg (compiled/ghg.py) and the State's grid intensity
        u = np.uint64(s)  # an unsigned index: no wraparound test
        (slab[86, u], slab[87, u], slab[88, u], slab[89, u], slab[90, u], slab[91, u],
         slab[92, u], slab[93, u], slab[94, u], slab[95, u], slab[96, u], slab[97, u],
         slab[98, u], slab[99, u], slab[100, u], slab[101, u], slab[102, u], slab[103, u]) = gases(
            year, slab[35, u], slab[0, u], slab[57, u], slab[54, u],
            slab[55, u], slab[22, u], slab[23, u], at(history_end, s), at(cmm_abatement, s),
            at(domestic_share, s), at(cmm_ef, s), at(ch4_oil_gas, s), at(ch4_combustion, s), at(ch4_agriculture, s), at(ch4_waste, s),
            at(n2o_kt, s), at(fgas, s), at(gwp_fossil, s), at(gwp_biogenic, s), at(gwp_n2o, s), at(cumulative_before, s), at(tcre, s),
            at(tcre_low, s), at(tcre_high, s))
        grid[u] = slab[1, u] / fmax(slab[8, u] + slab[10, u] + slab[11, u], 1e-9)


@cache
def _rows(in_loop: tuple[str, ...], caps: tuple[str, ...]) -> tuple[tuple[int, ...], int, int]:
    """Check that the slab's first rows are the kernel's outputs (RECORDED + GASES, in that order)
    and the others the caps' outputs; return the caps' rows and the rows of the two outputs the
    State reads (co2_intensity, co2_cumulative_mt)."""
    written = RECORDED + GASES
    if in_loop[:len(written)] != written or sorted(in_loop[len(written):]) != sorted(caps):
        raise RuntimeError("compiled year loop: engine outputs not written each year (or not in the kernel's "
                           f"order): {sorted(set(in_loop) ^ set(written + caps))}")
    index = {n: i for i, n in enumerate(in_loop)}
    return tuple(index[n] for n in caps), index["co2_intensity"], index["co2_cumulative_mt"]


def write_year(slab, guard, out, in_loop, inp, t, year, prev, costs, mix, energy, road, demand, cap, d, rat, pf,
               fleet, other, cap_out, gdp_trend, store, adq, gas_cap, ghg_before):
    """:func:`ctsim.engine.loop.write_year`: returns (None, co2_intensity, grid intensity,
    cumulative CO2) [S] (the first and last are views of the slab) and whether the guards passed
    (the numpy module runs ``guards.check_year`` when they did not)."""
    S = slab.shape[1]
    cap_rows, i_intensity, i_cumulative = _rows(in_loop, tuple(cap_out))
    for i, name in zip(cap_rows, cap_out, strict=True):
        slab[i] = cap_out[name]
    fx, pw, pol, rm, gp = inp.factors, inp.power, inp.policy, inp.removals, inp.ghg
    for x in (d.nonfossil_twh, store.added_gw, adq.firm_built_gw, adq.energy_built_gw):
        if np.shape(x)[-1] >= 8:  # sum_row adds left to right; numpy's sum is pairwise from 8 on
            raise ValueError("compiled year loop: a category axis of 8 or more")
    grid = np.empty(S)
    # the outputs that are inputs as they are: numpy copies rows fast ([1] values broadcast)
    for i, x in zip(COPIED, (
            pf.co2_mt, energy.co2_mt, other.co2_mt, other.process_co2_mt, d.coal_twh, pf.gen_ccs_twh,
            d.gas_twh, d.oil_twh, d.bio_twh, demand, energy.electricity_twh, road.ev_twh, d.curtailed_twh,
            d.unserved_twh, mix.output_mt, pf.coal_mtce, energy.coal_mtce, other.coal_net_mtce,
            costs.carbon_price_cny_per_t, rat.gdp_bn, pf.gen_eff_twh, pf.captured_mt, energy.captured_mt,
            rm.land_sink_mt[..., t], rm.beccs_mt[..., t], rm.daccs_mt[..., t], costs.srmc_coal_cny_per_mwh,
            costs.srmc_gas_cny_per_mwh, rat.steel_lost_mt, d.curtailed_raw_twh, d.storage_absorbed_twh,
            d.storage_losses_twh, adq.peak_gw, adq.required_gw, adq.firm_gw, cap.coal_backup_gw,
            d.nonfossil_twh[..., NF_HYDRO], d.nonfossil_twh[..., NF_NUCLEAR], d.nonfossil_twh[..., NF_WIND],
            d.nonfossil_twh[..., NF_SOLAR], cap.end_gw[..., COAL_CCS], cap.end_gw[..., GAS],
            cap.end_gw[..., HYDRO], cap.end_gw[..., NUCLEAR], cap.end_gw[..., WIND], cap.end_gw[..., SOLAR],
            mix.production_mt[..., BFBOF_CCUS], mix.production_mt[..., EAF], mix.production_mt[..., H2DRI],
            mix.shares[..., EAF], rat.cut_twh[..., USER_STEEL], rat.cut_twh[..., USER_INDUSTRY],
            store.gw[..., PHS], store.gw[..., NTS], store.gwh[..., PHS], store.gwh[..., NTS]), strict=True):
        slab[i] = x
    inputs = args(
        fx.oil_t_co2_per_tce, other.oil_mtce, road.oil_mtce, fleet.oil_mtce, other.gas_net_mtce, pf.gas_mtce,
        d.nonfossil_twh, fx.substitution_efficiency, cap.end_gw, mix.production_mt, costs.ets_power_covered,
        costs.benchmark_t_per_mwh, pol.ets_steel_start_year, pol.steel_benchmark_t_per_t[..., t], gdp_trend,
        gas_cap, d.gas_max_twh, pw.coal_additions_gw[..., t], pw.no_new_coal_from_year, adq.firm_built_gw,
        adq.energy_built_gw, pw.gas_additions_gw[..., t], pw.no_new_gas_from_year,
        pw.nuclear_additions_gw[..., t], pw.nuclear_build_max_gw, pw.wind_additions_gw[..., t],
        pw.solar_additions_gw[..., t], store.added_gw, adq.storage_built_gw, cap.available_gw,
        gp.history_end_year, gp.cmm_abatement_frac[..., t], gp.coal_domestic_share[..., t],
        gp.coal_mine_ch4_kg_per_tce[..., t], gp.ch4_oil_gas_mt[..., t], gp.ch4_combustion_mt[..., t],
        gp.ch4_agriculture_mt[..., t], gp.ch4_waste_mt[..., t], gp.n2o_kt[..., t], gp.fgas_mt_co2e[..., t],
        gp.gwp_ch4_fossil, gp.gwp_ch4_biogenic, gp.gwp_n2o, ghg_before, gp.tcre_k_per_tt_co2,
        gp.tcre_low_k_per_tt_co2, gp.tcre_high_k_per_tt_co2)
    if not {x.shape[0] for x in inputs} <= {1, S}:
        raise ValueError(f"compiled year loop: an input is neither [{S}, ...] nor shared ([1, ...])")
    _year(float(year), slab, grid, *inputs)
    ok = slab_ok(guard, slab)  # a pass of its own: vectorized, faster than checking inside _year
    return ok, slab[i_intensity], grid, slab[i_cumulative]
