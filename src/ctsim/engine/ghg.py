"""Greenhouse gases other than CO2, all gases in CO2-equivalent, and the CO2 warming contribution.

One pure step after the sectors (docs/model.md, "Greenhouse gases"): methane from coal mining follows
the year's coal use; methane from oil and gas, agriculture, waste and other combustion, nitrous oxide
and F-gases are paths; GWP100 weights (IPCC AR6 by default, AR5 as China's inventories use) turn
them into CO2-equivalent; China's warming contribution is its cumulative fossil CO2 times the TCRE.
Also the NDC-2035 stock indicator wind + solar capacity. Arrays are [S]; paths are read at column t.
"""

from __future__ import annotations

import numpy as np

from .inputs import GhgParams
from .state import State

#: outputs of :func:`step_ghg` (internal names; IAMC names in data/variables.csv)
GHG_OUTPUTS = (
    "ch4_total_mt", "ch4_energy_mt", "ch4_fugitive_mt", "ch4_coal_mt", "ch4_oil_gas_mt",
    "ch4_combustion_mt", "ch4_agriculture_mt", "ch4_waste_mt", "ch4_coal_abated_mt",
    "n2o_kt", "fgas_mt_co2e", "ghg_gross_mt_co2e", "ghg_net_mt_co2e",
    "co2_cumulative_mt", "warming_co2_k", "warming_co2_low_k", "warming_co2_high_k",
    "cap_wind_solar_gw",
)

KT_PER_MT = 1000.0
KG_PER_T = 1000.0
MT_PER_TT = 1.0e6  # Mt per 1,000 Gt (the TCRE's unit of cumulative emissions)


def coal_mine_methane(coal_mtce: np.ndarray, domestic_share: np.ndarray, ef_kg_per_tce: np.ndarray,
                      abatement_frac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coal mine methane (IPCC 2006 Guidelines, Vol. 2, ch. 4.1, Tier 1/2: activity x emission factor).

    ``E = C d f (1 - a) / 1000`` (Mt CH4/yr) with ``C`` coal use (Mtce/yr), ``d`` the share of it
    mined in China (imported coal's mine methane is emitted abroad), ``f`` the emission factor
    (kg CH4 per tce mined, net of the recovery and use of 2020) and ``a`` the extra share of mine
    methane abated (drained and used, flared or oxidised). Returns (emitted, abated), both Mt CH4/yr.
    """
    unabated = coal_mtce * domestic_share * ef_kg_per_tce / KG_PER_T
    abated = unabated * abatement_frac
    return unabated - abated, abated


def co2_equivalent(ch4_fossil_mt: np.ndarray, ch4_biogenic_mt: np.ndarray, n2o_kt: np.ndarray,
                   fgas_mt_co2e: np.ndarray, gp: GhgParams) -> np.ndarray:
    """Non-CO2 gases in Mt CO2-equiv/yr with GWP100 weights (IPCC AR6 WG1 Table 7.15 by default):
    ``GWP_CH4,fossil M_fossil + GWP_CH4,biogenic M_bio + GWP_N2O N / 1000 + F``."""
    return (gp.gwp_ch4_fossil * ch4_fossil_mt + gp.gwp_ch4_biogenic * ch4_biogenic_mt
            + gp.gwp_n2o * n2o_kt / KT_PER_MT + fgas_mt_co2e)


def tcre_warming(cumulative_co2_mt: np.ndarray, tcre_k_per_tt: np.ndarray) -> np.ndarray:
    """Warming from cumulative CO2 by the transient climate response to cumulative emissions
    (IPCC AR6 WG1 SPM D.1.1): ``dT = TCRE x E_cum / 1000 Gt`` (K; ``E_cum`` in Mt CO2)."""
    return tcre_k_per_tt * cumulative_co2_mt / MT_PER_TT


def step_ghg(gp: GhgParams, prev: State | None, flows: dict[str, np.ndarray], year: int,
             t: int) -> dict[str, np.ndarray]:
    """The year's gases from the year's flows (``coal_total_mtce``, ``co2_total_mt``,
    ``co2_net_mt``, ``removal_beccs_mt``, ``removal_daccs_mt``, ``cap_wind_gw``, ``cap_solar_gw``;
    [S]) and last year's cumulative CO2. Levers (coal-mine methane abatement) act only after the
    last observed year ``gp.history_end_year``: observed years are history. Outputs shared by all
    samples stay [1] (the output block broadcasts them)."""
    projected = year > gp.history_end_year  # [S or 1] bool; observed years keep the calibration
    abate = np.where(projected, gp.cmm_abatement_frac[..., t], 0.0)
    coal, abated = coal_mine_methane(flows["coal_total_mtce"], gp.coal_domestic_share[..., t],
                                     gp.coal_mine_ch4_kg_per_tce[..., t], abate)
    oil_gas = gp.ch4_oil_gas_mt[..., t]
    combustion = gp.ch4_combustion_mt[..., t]
    agriculture = gp.ch4_agriculture_mt[..., t]
    waste = gp.ch4_waste_mt[..., t]
    n2o = gp.n2o_kt[..., t]
    fgas = gp.fgas_mt_co2e[..., t]
    fossil = coal + oil_gas + combustion  # fossil-origin methane (AR6 weights it higher)
    biogenic = agriculture + waste
    non_co2 = co2_equivalent(fossil, biogenic, n2o, fgas, gp)
    # cumulative fossil CO2 since 1750 after capture and engineered removals (not the land sink)
    emitted = flows["co2_total_mt"] - flows["removal_beccs_mt"] - flows["removal_daccs_mt"]
    before = gp.co2_cumulative_2019_mt if prev is None else prev.co2_cumulative_mt
    cumulative = before + emitted
    return {
        "ch4_total_mt": fossil + biogenic, "ch4_energy_mt": fossil, "ch4_fugitive_mt": coal + oil_gas,
        "ch4_coal_mt": coal, "ch4_oil_gas_mt": oil_gas, "ch4_combustion_mt": combustion,
        "ch4_agriculture_mt": agriculture, "ch4_waste_mt": waste, "ch4_coal_abated_mt": abated,
        "n2o_kt": n2o, "fgas_mt_co2e": fgas,
        "ghg_gross_mt_co2e": flows["co2_total_mt"] + non_co2,
        "ghg_net_mt_co2e": flows["co2_net_mt"] + non_co2,
        "co2_cumulative_mt": cumulative,
        "warming_co2_k": tcre_warming(cumulative, gp.tcre_k_per_tt_co2),
        "warming_co2_low_k": tcre_warming(cumulative, gp.tcre_low_k_per_tt_co2),
        "warming_co2_high_k": tcre_warming(cumulative, gp.tcre_high_k_per_tt_co2),
        "cap_wind_solar_gw": flows["cap_wind_gw"] + flows["cap_solar_gw"],
    }
