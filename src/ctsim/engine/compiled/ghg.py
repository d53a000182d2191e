"""The year's gases for one sample (ctsim.engine.ghg.step_ghg: same operations, same order), for the
year loop's kernel (compiled/loop.py), which computes them with the year's other outputs."""

from __future__ import annotations

from ..ghg import KG_PER_T, KT_PER_MT, MT_PER_TT
from ._jit import jit


@jit
def gases(year, coal_total, co2_total, co2_net, beccs, daccs, cap_wind, cap_solar, history_end, cmm_abatement,
          domestic_share, cmm_ef, oil_gas, combustion, agriculture, waste, n2o, fgas, gwp_fossil, gwp_biogenic,
          gwp_n2o, before, tcre, tcre_low, tcre_high):
    """ghg.GHG_OUTPUTS of one sample, in that order (scalars in, a tuple out)."""
    abate = cmm_abatement if year > history_end else 0.0  # observed years keep the calibration
    unabated = coal_total * domestic_share * cmm_ef / KG_PER_T
    abated = unabated * abate
    coal = unabated - abated
    fossil = coal + oil_gas + combustion
    biogenic = agriculture + waste
    non_co2 = gwp_fossil * fossil + gwp_biogenic * biogenic + gwp_n2o * n2o / KT_PER_MT + fgas
    emitted = co2_total - beccs - daccs
    cumulative = before + emitted
    return (fossil + biogenic, fossil, coal + oil_gas, coal, oil_gas, combustion, agriculture, waste, abated,
            n2o, fgas, co2_total + non_co2, co2_net + non_co2, cumulative, tcre * cumulative / MT_PER_TT,
            tcre_low * cumulative / MT_PER_TT, tcre_high * cumulative / MT_PER_TT, cap_wind + cap_solar)
