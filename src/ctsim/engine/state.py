"""The year-to-year state: what one simulated year hands to the next.

Stocks are values at year end, flows annual totals (docs/model.md, "Code structure"). Arrays are
[S] unless noted; category axes come last (ctsim.engine.axes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class State:
    """Year-end state of the coupled model, read by the next year's steps."""

    gdp_trend_bn: np.ndarray  # GDP without rationing losses
    gdp_gap_frac: np.ndarray  # share of trend GDP lost, fading by the rebound fraction
    co2_intensity_2020_kg_per_usd: np.ndarray  # the calibration year's CO2 intensity (caps anchor)
    capacity_gw: np.ndarray  # [S, K] installed capacity at year end
    storage_gw: np.ndarray  # [S, 2] storage power by kind (pumped hydro, new-type) at year end
    storage_gwh: np.ndarray  # [S, 2] storage energy by kind at year end
    coal_retire_deferred_gw: np.ndarray  # scheduled coal retirements the step limit deferred
    coal_early_retired_gw: np.ndarray  # less efficient coal retired early so far (cumulative)
    coal_backup_gw: np.ndarray  # coal kept past its lifetime as backup (firm, does not generate)
    coal_generation_twh: np.ndarray
    grid_t_co2_per_mwh: np.ndarray  # power CO2 per fossil MWh (extra load is met by fossil units)
    base_demand_twh: np.ndarray  # electricity demand other than steel and EVs
    road_service_mtce: np.ndarray  # road transport energy service (oil-equivalent)
    steel_output_mt: np.ndarray
    steel_lost_mt: np.ndarray  # output lost to rationing
    bfbof_mt: np.ndarray  # output of both BF-BOF routes
    bfbof_share: np.ndarray  # share of unabated BF-BOF in output
    steel_extra_share: np.ndarray  # [S, A] cost-driven route shares on top of the requested ones
    coal_other_mtce: np.ndarray  # coal, gas and oil use of the other sectors before coal-to-gas
    gas_other_mtce: np.ndarray
    oil_other_mtce: np.ndarray
    co2_cumulative_mt: np.ndarray | None = None  # fossil CO2 since 1750 to year end (engine/ghg.py)
    coal_retrofit_share: np.ndarray | None = None  # plain coal retrofitted because of the carbon price
