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


# Samples per tile: the kernel runs several short loops over a tile (each reading a few arrays, which
# the compiler keeps in registers), the later ones reading outputs back while they are in the cache.
# 512 samples fill a 4 KiB page of each output row: the block is fresh memory, and a page the kernel
# writes whole while the system has just zeroed it costs less than one it comes back to (measured:
# 5.9-7.2 ms a year at S = 20,000 with 256-1,024 against 9.6 with 128, on a loaded machine).
TILE = 512


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
    # record
    IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN,
    IN2, IN, IN, IN2, IN, IN, IN, IN, IN, IN2, IN, IN, IN, IN2, IN2, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN,
    # power system
    IN2, IN2, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN2, IN2, IN, IN, IN, IN, IN, IN, IN2, IN, IN, IN2,
    # gases
    IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN,
    )
def _year(year, slab, grid,
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
          n2o_kt, fgas, gwp_fossil, gwp_biogenic, gwp_n2o, cumulative_before, tcre, tcre_low, tcre_high):
    n = slab.shape[1]
    for s0 in range(0, n, TILE):
        s1 = min(s0 + TILE, n)
        for b in range(s1 - s0):  # the outputs that are inputs as they are
            s = s0 + b
            u = np.uint64(s)  # an unsigned index: no wraparound test
            slab[1, u] = at(pf_co2, s)  # co2_power_mt
            slab[2, u] = at(en_co2, s)  # co2_steel_mt
            slab[4, u] = at(oth_co2, s)  # co2_other_energy_mt
            slab[6, u] = at(oth_process, s)  # co2_process_mt
            slab[8, u] = at(d_coal, s)  # gen_coal_twh
            slab[9, u] = at(pf_gen_ccs, s)  # gen_coal_ccs_twh
            slab[10, u] = at(d_gas, s)  # gen_gas_twh
            slab[11, u] = at(d_oil, s)  # gen_oil_twh
            slab[12, u] = at2(nf, s, NF_HYDRO)  # gen_hydro_twh
            slab[13, u] = at2(nf, s, NF_NUCLEAR)  # gen_nuclear_twh
            slab[14, u] = at2(nf, s, NF_WIND)  # gen_wind_twh
            slab[15, u] = at2(nf, s, NF_SOLAR)  # gen_solar_twh
            slab[16, u] = at(bio, s)  # gen_bio_twh
            slab[18, u] = at2(end, s, COAL_CCS)  # cap_coal_ccs_gw
            slab[19, u] = at2(end, s, GAS)  # cap_gas_gw
            slab[20, u] = at2(end, s, HYDRO)  # cap_hydro_gw
            slab[21, u] = at2(end, s, NUCLEAR)  # cap_nuclear_gw
            slab[22, u] = at2(end, s, WIND)  # cap_wind_gw
            slab[23, u] = at2(end, s, SOLAR)  # cap_solar_gw
            slab[24, u] = at(demand, s)  # demand_twh
            slab[25, u] = at(electricity, s)  # demand_steel_twh
            slab[26, u] = at(road_ev, s)  # demand_ev_twh
            slab[27, u] = at(d_curt, s)  # curtailed_twh
            slab[28, u] = at(unserved, s)  # unserved_twh
        for b in range(s1 - s0):  # (more: a loop that reads few arrays keeps them in registers)
            s = s0 + b
            u = np.uint64(s)  # an unsigned index: no wraparound test
            slab[29, u] = at(output, s)  # steel_total_mt
            slab[31, u] = at2(production, s, BFBOF_CCUS)  # steel_bfbof_ccus_mt
            slab[32, u] = at2(production, s, EAF)  # steel_eaf_mt
            slab[33, u] = at2(production, s, H2DRI)  # steel_h2dri_mt
            slab[34, u] = at2(shares, s, EAF)  # steel_eaf_share
            slab[36, u] = at(pf_coal, s)  # coal_power_mtce
            slab[37, u] = at(en_coal, s)  # coal_steel_mtce
            slab[38, u] = at(oth_coal_net, s)  # coal_other_mtce
            slab[45, u] = at(price, s)  # carbon_price
            slab[46, u] = at(gdp, s)  # gdp_bn
            slab[49, u] = at(pf_gen_eff, s)  # gen_coal_efficient_twh
            slab[51, u] = at(pf_captured, s)  # co2_captured_power_mt
            slab[52, u] = at(en_captured, s)  # co2_captured_steel_mt
            slab[53, u] = at(land, s)  # removal_land_mt
            slab[54, u] = at(beccs, s)  # removal_beccs_mt
            slab[55, u] = at(daccs, s)  # removal_daccs_mt
            slab[58, u] = at(srmc_coal, s)  # srmc_coal_cny_per_mwh
            slab[59, u] = at(srmc_gas, s)  # srmc_gas_cny_per_mwh
            slab[62, u] = at2(cut, s, USER_STEEL)  # unserved_steel_twh
            slab[63, u] = at2(cut, s, USER_INDUSTRY)  # unserved_industry_twh
            slab[64, u] = at(steel_lost, s)  # steel_lost_mt
        for b in range(s1 - s0):  # (and the power system's)
            s = s0 + b
            u = np.uint64(s)  # an unsigned index: no wraparound test
            slab[66, u] = at2(store_gw, s, PHS)  # cap_storage_phs_gw
            slab[67, u] = at2(store_gw, s, NTS)  # cap_storage_nts_gw
            slab[68, u] = at2(store_gwh, s, PHS)  # cap_storage_phs_gwh
            slab[69, u] = at2(store_gwh, s, NTS)  # cap_storage_nts_gwh
            slab[70, u] = at(curtailed_raw, s)  # curtailed_raw_twh
            slab[71, u] = at(absorbed, s)  # storage_absorbed_twh
            slab[72, u] = at(losses, s)  # storage_losses_twh
            slab[73, u] = at(peak, s)  # peak_load_gw
            slab[74, u] = at(required, s)  # firm_required_gw
            slab[75, u] = at(firm, s)  # firm_capacity_gw
            slab[85, u] = at(backup, s)  # cap_coal_backup_gw
        for b in range(s1 - s0):  # loop.record's sums and ratios, in its order of operations
            s = s0 + b
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
            slab[60, u] = slab[45, u] * at(ets_power_covered, s) * (slab[1, u] - at(benchmark, s) * (slab[8, u] + slab[10, u] + slab[11, u])) / 1000
            # ets_cost_steel_bn_cny
            slab[61, u] = slab[45, u] * (1.0 if year >= at(ets_steel_start, s) else 0.0) * (slab[2, u] - at(steel_benchmark, s) * slab[29, u]) / 1000
            slab[65, u] = at(gdp_trend, s) - slab[46, u]  # gdp_loss_bn
        for b in range(s1 - s0):  # loop.record_power_system's
            s = s0 + b
            u = np.uint64(s)  # an unsigned index: no wraparound test
            slab[76, u] = at(gas_cap, s) if math.isfinite(at(gas_cap, s)) else at(gas_max, s)  # gas_supply_power_twh
            # add_coal_gw
            slab[77, u] = at(coal_add, s) * (1.0 if year < at(no_new_coal, s) else 0.0) + at2(firm_b, s, FIRM_COAL) + at2(energy_b, s, EN_COAL)
            slab[78, u] = at(gas_add, s) * (1.0 if year < at(no_new_gas, s) else 0.0) + at2(firm_b, s, FIRM_GAS)  # add_gas_gw
            # add_nuclear_gw
            slab[79, u] = fmin(at(nuclear_add, s), at(nuclear_max, s)) + at2(firm_b, s, FIRM_NUCLEAR) + at2(energy_b, s, EN_NUCLEAR)
            slab[80, u] = at(wind_add, s) + at2(energy_b, s, EN_WIND)  # add_wind_gw
            slab[81, u] = at(solar_add, s) + at2(energy_b, s, EN_SOLAR)  # add_solar_gw
            slab[82, u] = sum_row(added, s)  # add_storage_gw
            slab[83, u] = sum_row(firm_b, s) + sum_row(energy_b, s) + at(storage_built, s)  # add_response_gw
            slab[84, u] = utilisation(slab[8, u], at2(available, s, COAL) + at2(available, s, COAL_CCS))  # coal_utilisation
        for b in range(s1 - s0):  # ghg.step_ghg (compiled/ghg.py) and the State's grid intensity
            s = s0 + b
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
    inputs = args(
        costs.carbon_price_cny_per_t, rat.gdp_bn, fx.oil_t_co2_per_tce, demand,
        d.unserved_twh, pf.co2_mt, energy.co2_mt, other.co2_mt,
        other.process_co2_mt, pf.coal_mtce, energy.coal_mtce, other.coal_net_mtce,
        other.oil_mtce, road.oil_mtce, fleet.oil_mtce, other.gas_net_mtce,
        pf.gas_mtce, rm.land_sink_mt[..., t], rm.beccs_mt[..., t], rm.daccs_mt[..., t],
        d.nonfossil_twh, d.bio_twh, fx.substitution_efficiency, rat.cut_twh,
        energy.electricity_twh, d.coal_twh, pf.gen_ccs_twh, d.gas_twh, d.oil_twh,
        cap.end_gw, road.ev_twh, d.curtailed_twh, mix.output_mt, mix.production_mt,
        mix.shares, pf.gen_eff_twh, pf.captured_mt, energy.captured_mt,
        costs.ets_power_covered, costs.benchmark_t_per_mwh, pol.ets_steel_start_year,
        pol.steel_benchmark_t_per_t[..., t], rat.steel_lost_mt, gdp_trend,
        costs.srmc_coal_cny_per_mwh, costs.srmc_gas_cny_per_mwh,
        store.gw, store.gwh, d.curtailed_raw_twh, d.storage_absorbed_twh,
        d.storage_losses_twh, adq.peak_gw, adq.required_gw, adq.firm_gw, gas_cap,
        d.gas_max_twh, pw.coal_additions_gw[..., t], pw.no_new_coal_from_year,
        adq.firm_built_gw, adq.energy_built_gw, pw.gas_additions_gw[..., t],
        pw.no_new_gas_from_year, pw.nuclear_additions_gw[..., t], pw.nuclear_build_max_gw,
        pw.wind_additions_gw[..., t], pw.solar_additions_gw[..., t], store.added_gw,
        adq.storage_built_gw, cap.coal_backup_gw, cap.available_gw,
        gp.history_end_year, gp.cmm_abatement_frac[..., t], gp.coal_domestic_share[..., t],
        gp.coal_mine_ch4_kg_per_tce[..., t], gp.ch4_oil_gas_mt[..., t],
        gp.ch4_combustion_mt[..., t], gp.ch4_agriculture_mt[..., t], gp.ch4_waste_mt[..., t],
        gp.n2o_kt[..., t], gp.fgas_mt_co2e[..., t], gp.gwp_ch4_fossil, gp.gwp_ch4_biogenic,
        gp.gwp_n2o, ghg_before, gp.tcre_k_per_tt_co2, gp.tcre_low_k_per_tt_co2,
        gp.tcre_high_k_per_tt_co2)
    if not {x.shape[0] for x in inputs} <= {1, S}:
        raise ValueError(f"compiled year loop: an input is neither [{S}, ...] nor shared ([1, ...])")
    _year(float(year), slab, grid, *inputs)
    ok = slab_ok(guard, slab)  # a pass of its own: vectorized, faster than checking inside _year
    return ok, slab[i_intensity], grid, slab[i_cumulative]
