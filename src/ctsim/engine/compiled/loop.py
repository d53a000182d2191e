"""The year loop's own work under the compiled backend: one kernel computes the year's outputs (loop.record,
loop.record_power_system and ghg.step_ghg: same operations, same order), writes them straight into the
year's slab of the output block [V, S] and checks them there (the guards' per-year verdict), in one pass
over the samples, instead of a dict of arrays, a copy into the slab and a pass of the guards."""

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
from ._sig import BOOL, F64, I64, IN, IN2, INDEX, OUT, OUT2, arg, at, at2, fmax, fmin, kernel
from .ghg import gases
from .guards import tile_ok

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


TILE = 128  # samples per tile: the guards check a tile of the slab [V, TILE] while it is in the cache


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
    F64, OUT2, INDEX, OUT,  # year, slab, rows, grid
    # record
    IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN,
    IN2, IN, IN, IN2, IN, IN, IN, IN, IN, IN2, IN, IN, IN, IN2, IN2, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN,
    # power system
    IN2, IN2, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN2, IN2, IN, IN, IN, IN, IN, IN, IN2, IN, IN, IN2,
    # gases
    IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN,
    # guards
    IN, IN, I64, I64, I64, INDEX, INDEX, INDEX, F64,
    ret=BOOL)
def _year(year, slab, rows, grid,
          price, gdp, ef_oil, demand, unserved, pf_co2, en_co2, oth_co2, oth_process, pf_coal,
          en_coal, oth_coal_net, oth_oil, road_oil, fleet_oil, oth_gas_net, pf_gas, land, beccs,
          daccs,
          nf, bio, substitution, cut, electricity, d_coal, pf_gen_ccs, d_gas, d_oil, end, road_ev,
          d_curt, output, production, shares, pf_gen_eff, pf_captured, en_captured, ets_power_covered, benchmark,
          ets_steel_start, steel_benchmark, steel_lost, gdp_trend, srmc_coal, srmc_gas,
          store_gw, store_gwh, curtailed_raw, absorbed, losses, peak, required, firm, gas_cap, gas_max, coal_add,
          no_new_coal, firm_b, energy_b, gas_add, no_new_gas, nuclear_add, nuclear_max, wind_add, solar_add, added,
          storage_built, backup, available,
          history_end, cmm_abatement, domestic_share, cmm_ef, ch4_oil_gas, ch4_combustion, ch4_agriculture, ch4_waste,
          n2o_kt, fgas, gwp_fossil, gwp_biogenic, gwp_n2o, cumulative_before, tcre, tcre_low, tcre_high,
          low, high, g_row, u_row, d_row, bal_total, bal_start, bal_parts, tol):
    ok = True
    n = slab.shape[1]
    for s0 in range(0, n, TILE):
        s1 = min(s0 + TILE, n)
        for b in range(s1 - s0):  # the outputs that are inputs as they are
            s = s0 + b
            slab[rows[1], s] = at(pf_co2, s)  # co2_power_mt
            slab[rows[2], s] = at(en_co2, s)  # co2_steel_mt
            slab[rows[4], s] = at(oth_co2, s)  # co2_other_energy_mt
            slab[rows[6], s] = at(oth_process, s)  # co2_process_mt
            slab[rows[8], s] = at(d_coal, s)  # gen_coal_twh
            slab[rows[9], s] = at(pf_gen_ccs, s)  # gen_coal_ccs_twh
            slab[rows[10], s] = at(d_gas, s)  # gen_gas_twh
            slab[rows[11], s] = at(d_oil, s)  # gen_oil_twh
            slab[rows[12], s] = at2(nf, s, NF_HYDRO)  # gen_hydro_twh
            slab[rows[13], s] = at2(nf, s, NF_NUCLEAR)  # gen_nuclear_twh
            slab[rows[14], s] = at2(nf, s, NF_WIND)  # gen_wind_twh
            slab[rows[15], s] = at2(nf, s, NF_SOLAR)  # gen_solar_twh
            slab[rows[16], s] = at(bio, s)  # gen_bio_twh
            slab[rows[18], s] = at2(end, s, COAL_CCS)  # cap_coal_ccs_gw
            slab[rows[19], s] = at2(end, s, GAS)  # cap_gas_gw
            slab[rows[20], s] = at2(end, s, HYDRO)  # cap_hydro_gw
            slab[rows[21], s] = at2(end, s, NUCLEAR)  # cap_nuclear_gw
            slab[rows[22], s] = at2(end, s, WIND)  # cap_wind_gw
            slab[rows[23], s] = at2(end, s, SOLAR)  # cap_solar_gw
            slab[rows[24], s] = at(demand, s)  # demand_twh
            slab[rows[25], s] = at(electricity, s)  # demand_steel_twh
            slab[rows[26], s] = at(road_ev, s)  # demand_ev_twh
            slab[rows[27], s] = at(d_curt, s)  # curtailed_twh
            slab[rows[28], s] = at(unserved, s)  # unserved_twh
        for b in range(s1 - s0):  # (more: a loop that reads few arrays keeps them in registers)
            s = s0 + b
            slab[rows[29], s] = at(output, s)  # steel_total_mt
            slab[rows[31], s] = at2(production, s, BFBOF_CCUS)  # steel_bfbof_ccus_mt
            slab[rows[32], s] = at2(production, s, EAF)  # steel_eaf_mt
            slab[rows[33], s] = at2(production, s, H2DRI)  # steel_h2dri_mt
            slab[rows[34], s] = at2(shares, s, EAF)  # steel_eaf_share
            slab[rows[36], s] = at(pf_coal, s)  # coal_power_mtce
            slab[rows[37], s] = at(en_coal, s)  # coal_steel_mtce
            slab[rows[38], s] = at(oth_coal_net, s)  # coal_other_mtce
            slab[rows[45], s] = at(price, s)  # carbon_price
            slab[rows[46], s] = at(gdp, s)  # gdp_bn
            slab[rows[49], s] = at(pf_gen_eff, s)  # gen_coal_efficient_twh
            slab[rows[51], s] = at(pf_captured, s)  # co2_captured_power_mt
            slab[rows[52], s] = at(en_captured, s)  # co2_captured_steel_mt
            slab[rows[53], s] = at(land, s)  # removal_land_mt
            slab[rows[54], s] = at(beccs, s)  # removal_beccs_mt
            slab[rows[55], s] = at(daccs, s)  # removal_daccs_mt
            slab[rows[58], s] = at(srmc_coal, s)  # srmc_coal_cny_per_mwh
            slab[rows[59], s] = at(srmc_gas, s)  # srmc_gas_cny_per_mwh
            slab[rows[62], s] = at2(cut, s, USER_STEEL)  # unserved_steel_twh
            slab[rows[63], s] = at2(cut, s, USER_INDUSTRY)  # unserved_industry_twh
            slab[rows[64], s] = at(steel_lost, s)  # steel_lost_mt
        for b in range(s1 - s0):  # (and the power system's)
            s = s0 + b
            slab[rows[66], s] = at2(store_gw, s, PHS)  # cap_storage_phs_gw
            slab[rows[67], s] = at2(store_gw, s, NTS)  # cap_storage_nts_gw
            slab[rows[68], s] = at2(store_gwh, s, PHS)  # cap_storage_phs_gwh
            slab[rows[69], s] = at2(store_gwh, s, NTS)  # cap_storage_nts_gwh
            slab[rows[70], s] = at(curtailed_raw, s)  # curtailed_raw_twh
            slab[rows[71], s] = at(absorbed, s)  # storage_absorbed_twh
            slab[rows[72], s] = at(losses, s)  # storage_losses_twh
            slab[rows[73], s] = at(peak, s)  # peak_load_gw
            slab[rows[74], s] = at(required, s)  # firm_required_gw
            slab[rows[75], s] = at(firm, s)  # firm_capacity_gw
            slab[rows[85], s] = at(backup, s)  # cap_coal_backup_gw
        for b in range(s1 - s0):  # loop.record's sums and ratios, in its order of operations
            s = s0 + b
            slab[rows[7], s] = slab[rows[24], s] - slab[rows[28], s]  # gen_total_twh
            slab[rows[0], s] = slab[rows[1], s] + slab[rows[2], s] + slab[rows[4], s] + slab[rows[6], s]  # co2_total_mt
            slab[rows[35], s] = slab[rows[36], s] + slab[rows[37], s] + slab[rows[38], s]  # coal_total_mtce
            slab[rows[39], s] = at(oth_oil, s) + at(road_oil, s) + at(fleet_oil, s)  # oil_total_mtce
            slab[rows[40], s] = at(oth_gas_net, s) + at(pf_gas, s)  # gas_total_mtce
            slab[rows[56], s] = slab[rows[53], s] + slab[rows[54], s] + slab[rows[55], s]  # removal_total_mt
            slab[rows[41], s] = (sum_row(nf, s) + slab[rows[16], s]) * MTCE_PER_TWH / at(substitution, s)  # nonfossil_pe_mtce
            slab[rows[42], s] = slab[rows[35], s] + slab[rows[39], s] + slab[rows[40], s] + slab[rows[41], s]  # pe_total_mtce
            slab[rows[3], s] = (slab[rows[25], s] - slab[rows[62], s]) * slab[rows[1], s] / fmax(slab[rows[7], s], 1e-9)  # co2_steel_indirect_mt
            slab[rows[5], s] = at(road_oil, s) * at(ef_oil, s)  # co2_road_mt
            slab[rows[17], s] = at2(end, s, COAL) + at2(end, s, COAL_CCS)  # cap_coal_gw
            slab[rows[30], s] = at2(production, s, BFBOF) + at2(production, s, BFBOF_CCUS)  # steel_bfbof_mt
            slab[rows[43], s] = (sum_row(nf, s) + slab[rows[16], s]) / fmax(slab[rows[7], s], 1e-9)  # share_nonfossil_gen
            slab[rows[44], s] = slab[rows[41], s] / slab[rows[42], s]  # share_nonfossil_pe
            slab[rows[47], s] = slab[rows[0], s] / slab[rows[46], s]  # co2_intensity
            slab[rows[48], s] = slab[rows[42], s] / slab[rows[46], s]  # energy_intensity
            slab[rows[50], s] = slab[rows[51], s] + slab[rows[52], s]  # co2_captured_mt
            slab[rows[57], s] = slab[rows[0], s] - slab[rows[56], s]  # co2_net_mt
            # ets_cost_power_bn_cny
            slab[rows[60], s] = slab[rows[45], s] * at(ets_power_covered, s) * (slab[rows[1], s] - at(benchmark, s) * (slab[rows[8], s] + slab[rows[10], s] + slab[rows[11], s])) / 1000
            # ets_cost_steel_bn_cny
            slab[rows[61], s] = slab[rows[45], s] * (1.0 if year >= at(ets_steel_start, s) else 0.0) * (slab[rows[2], s] - at(steel_benchmark, s) * slab[rows[29], s]) / 1000
            slab[rows[65], s] = at(gdp_trend, s) - slab[rows[46], s]  # gdp_loss_bn
        for b in range(s1 - s0):  # loop.record_power_system's
            s = s0 + b
            slab[rows[76], s] = at(gas_cap, s) if math.isfinite(at(gas_cap, s)) else at(gas_max, s)  # gas_supply_power_twh
            # add_coal_gw
            slab[rows[77], s] = at(coal_add, s) * (1.0 if year < at(no_new_coal, s) else 0.0) + at2(firm_b, s, FIRM_COAL) + at2(energy_b, s, EN_COAL)
            slab[rows[78], s] = at(gas_add, s) * (1.0 if year < at(no_new_gas, s) else 0.0) + at2(firm_b, s, FIRM_GAS)  # add_gas_gw
            # add_nuclear_gw
            slab[rows[79], s] = fmin(at(nuclear_add, s), at(nuclear_max, s)) + at2(firm_b, s, FIRM_NUCLEAR) + at2(energy_b, s, EN_NUCLEAR)
            slab[rows[80], s] = at(wind_add, s) + at2(energy_b, s, EN_WIND)  # add_wind_gw
            slab[rows[81], s] = at(solar_add, s) + at2(energy_b, s, EN_SOLAR)  # add_solar_gw
            slab[rows[82], s] = sum_row(added, s)  # add_storage_gw
            slab[rows[83], s] = sum_row(firm_b, s) + sum_row(energy_b, s) + at(storage_built, s)  # add_response_gw
            slab[rows[84], s] = utilisation(slab[rows[8], s], at2(available, s, COAL) + at2(available, s, COAL_CCS))  # coal_utilisation
        for b in range(s1 - s0):  # ghg.step_ghg (compiled/ghg.py) and the State's grid intensity
            s = s0 + b
            (slab[rows[86], s], slab[rows[87], s], slab[rows[88], s], slab[rows[89], s], slab[rows[90], s], slab[rows[91], s],
             slab[rows[92], s], slab[rows[93], s], slab[rows[94], s], slab[rows[95], s], slab[rows[96], s], slab[rows[97], s],
             slab[rows[98], s], slab[rows[99], s], slab[rows[100], s], slab[rows[101], s], slab[rows[102], s], slab[rows[103], s]) = gases(
                year, slab[rows[35], s], slab[rows[0], s], slab[rows[57], s], slab[rows[54], s],
                slab[rows[55], s], slab[rows[22], s], slab[rows[23], s], at(history_end, s), at(cmm_abatement, s),
                at(domestic_share, s), at(cmm_ef, s), at(ch4_oil_gas, s), at(ch4_combustion, s), at(ch4_agriculture, s), at(ch4_waste, s),
                at(n2o_kt, s), at(fgas, s), at(gwp_fossil, s), at(gwp_biogenic, s), at(gwp_n2o, s), at(cumulative_before, s), at(tcre, s),
                at(tcre_low, s), at(tcre_high, s))
            grid[s] = slab[rows[1], s] / fmax(slab[rows[8], s] + slab[rows[10], s] + slab[rows[11], s], 1e-9)
        if ok:
            ok = tile_ok(slab, s0, s1, low, high, g_row, u_row, d_row, bal_total, bal_start, bal_parts, tol)
    return ok


@cache
def _rows(in_loop: tuple[str, ...], caps: tuple[str, ...]) -> tuple[np.ndarray, tuple[int, ...], int, int]:
    """Slab rows of the kernel's outputs (RECORDED + GASES), of the caps' outputs, and of the two
    outputs the State reads (co2_intensity, co2_cumulative_mt)."""
    written = RECORDED + GASES
    if sorted(written + caps) != sorted(in_loop):  # a programming error, not bad input
        raise RuntimeError("compiled year loop: engine outputs not written each year: "
                           f"{sorted(set(in_loop) ^ set(written + caps))}")
    index = {n: i for i, n in enumerate(in_loop)}
    return (np.array([index[n] for n in written], dtype=np.int64), tuple(index[n] for n in caps),
            index["co2_intensity"], index["co2_cumulative_mt"])


def write_year(slab, guard, out, in_loop, inp, t, year, prev, costs, mix, energy, road, demand, cap, d, rat, pf,
               fleet, other, cap_out, gdp_trend, store, adq, gas_cap, ghg_before):
    """:func:`ctsim.engine.loop.write_year`: returns (None, co2_intensity, grid intensity,
    cumulative CO2) [S] (the first and last are views of the slab) and whether the guards passed
    (the numpy module runs ``guards.check_year`` when they did not)."""
    S = slab.shape[1]
    rows, cap_rows, i_intensity, i_cumulative = _rows(in_loop, tuple(cap_out))
    for i, name in zip(cap_rows, cap_out, strict=True):
        slab[i] = cap_out[name]
    fx, pw, pol, rm, gp = inp.factors, inp.power, inp.policy, inp.removals, inp.ghg
    for x in (d.nonfossil_twh, store.added_gw, adq.firm_built_gw, adq.energy_built_gw):
        if np.shape(x)[-1] >= 8:  # sum_row adds left to right; numpy's sum is pairwise from 8 on
            raise ValueError("compiled year loop: a category axis of 8 or more")
    grid = np.empty(S)
    inputs = (
        arg(costs.carbon_price_cny_per_t), arg(rat.gdp_bn), arg(fx.oil_t_co2_per_tce), arg(demand),
        arg(d.unserved_twh), arg(pf.co2_mt), arg(energy.co2_mt), arg(other.co2_mt),
        arg(other.process_co2_mt), arg(pf.coal_mtce), arg(energy.coal_mtce), arg(other.coal_net_mtce),
        arg(other.oil_mtce), arg(road.oil_mtce), arg(fleet.oil_mtce), arg(other.gas_net_mtce),
        arg(pf.gas_mtce), arg(rm.land_sink_mt[..., t]), arg(rm.beccs_mt[..., t]), arg(rm.daccs_mt[..., t]),
        arg(d.nonfossil_twh), arg(d.bio_twh), arg(fx.substitution_efficiency), arg(rat.cut_twh),
        arg(energy.electricity_twh), arg(d.coal_twh), arg(pf.gen_ccs_twh), arg(d.gas_twh), arg(d.oil_twh),
        arg(cap.end_gw), arg(road.ev_twh), arg(d.curtailed_twh), arg(mix.output_mt), arg(mix.production_mt),
        arg(mix.shares), arg(pf.gen_eff_twh), arg(pf.captured_mt), arg(energy.captured_mt),
        arg(costs.ets_power_covered), arg(costs.benchmark_t_per_mwh), arg(pol.ets_steel_start_year),
        arg(pol.steel_benchmark_t_per_t[..., t]), arg(rat.steel_lost_mt), arg(gdp_trend),
        arg(costs.srmc_coal_cny_per_mwh), arg(costs.srmc_gas_cny_per_mwh),
        arg(store.gw), arg(store.gwh), arg(d.curtailed_raw_twh), arg(d.storage_absorbed_twh),
        arg(d.storage_losses_twh), arg(adq.peak_gw), arg(adq.required_gw), arg(adq.firm_gw), arg(gas_cap),
        arg(d.gas_max_twh), arg(pw.coal_additions_gw[..., t]), arg(pw.no_new_coal_from_year),
        arg(adq.firm_built_gw), arg(adq.energy_built_gw), arg(pw.gas_additions_gw[..., t]),
        arg(pw.no_new_gas_from_year), arg(pw.nuclear_additions_gw[..., t]), arg(pw.nuclear_build_max_gw),
        arg(pw.wind_additions_gw[..., t]), arg(pw.solar_additions_gw[..., t]), arg(store.added_gw),
        arg(adq.storage_built_gw), arg(cap.coal_backup_gw), arg(cap.available_gw),
        arg(gp.history_end_year), arg(gp.cmm_abatement_frac[..., t]), arg(gp.coal_domestic_share[..., t]),
        arg(gp.coal_mine_ch4_kg_per_tce[..., t]), arg(gp.ch4_oil_gas_mt[..., t]),
        arg(gp.ch4_combustion_mt[..., t]), arg(gp.ch4_agriculture_mt[..., t]), arg(gp.ch4_waste_mt[..., t]),
        arg(gp.n2o_kt[..., t]), arg(gp.fgas_mt_co2e[..., t]), arg(gp.gwp_ch4_fossil), arg(gp.gwp_ch4_biogenic),
        arg(gp.gwp_n2o), arg(ghg_before), arg(gp.tcre_k_per_tt_co2), arg(gp.tcre_low_k_per_tt_co2),
        arg(gp.tcre_high_k_per_tt_co2))
    if any(x.shape[0] != S and x.shape[0] != 1 for x in inputs):
        raise ValueError(f"compiled year loop: an input is neither [{S}, ...] nor shared ([1, ...])")
    ok = _year(float(year), slab, rows, grid, *inputs, *guard.kernel_args)
    return ok, slab[i_intensity], grid, slab[i_cumulative]
