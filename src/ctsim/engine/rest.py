"""The other sectors' step: coal, oil and gas use outside power, steel and road, and process CO2."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import compiled
from .inputs import Factors, OtherParams
from .macro import grow
from .state import State


@dataclass(frozen=True)
class OtherFlows:
    """Fuel use of the other sectors (Mtce, [S]) before and after coal-to-gas switching, their CO2
    and process CO2 (Mt)."""

    coal_mtce: np.ndarray  # before switching (carried to next year)
    gas_mtce: np.ndarray
    oil_mtce: np.ndarray
    coal_net_mtce: np.ndarray  # after switching
    gas_net_mtce: np.ndarray
    co2_mt: np.ndarray  # with road oil
    process_co2_mt: np.ndarray


def step_other(op: OtherParams, fx: Factors, prev: State | None, growth: np.ndarray, power_coal: np.ndarray,
               power_gas: np.ndarray, power_oil: np.ndarray, steel_coal: np.ndarray, road_oil: np.ndarray,
               t: int) -> OtherFlows:
    """In 2020 the remainder of the observed totals; later each fuel grows with GDP and its intensity
    change. Coal-to-gas switching (boilers, heating) replaces a level of coal by gas."""
    if compiled.active():
        from .compiled import rest as kernels
        return OtherFlows(*kernels.step_other(op, fx, prev, growth, power_coal, power_gas, power_oil, steel_coal,
                                              road_oil, t))
    if prev is None:
        coal = op.coal_total_2020_mtce - power_coal - steel_coal
        gas = op.gas_total_2020_mtce - power_gas
        oil = op.oil_total_2020_mtce - power_oil - road_oil
    else:
        coal = grow(prev.coal_other_mtce, growth) * (1 + op.coal_intensity_change[..., t])
        gas = grow(prev.gas_other_mtce, growth) * (1 + op.gas_intensity_change[..., t])
        oil = grow(prev.oil_other_mtce, growth) * (1 + op.oil_intensity_change[..., t])
    switched = np.minimum(op.coal_to_gas_mtce[..., t], coal)
    coal_net = coal - switched
    gas_net = gas + switched * op.coal_to_gas_gas_per_coal
    co2 = coal_net * fx.coal_t_co2_per_tce + (oil + road_oil) * fx.oil_t_co2_per_tce + gas_net * fx.gas_t_co2_per_tce
    return OtherFlows(coal, gas, oil, coal_net, gas_net, co2,
                      op.cement_co2_mt[..., t] + op.other_industry_co2_mt[..., t])


def other_gas_estimate(op: OtherParams, prev: State | None, growth: np.ndarray, t: int) -> np.ndarray:
    """Gas the other sectors use this year after coal-to-gas switching (Mtce, [S]), as
    :func:`step_other` computes it, before power runs (it bounds gas power); +inf in the first year,
    whose other-sector gas is the remainder after power."""
    if compiled.active():
        from .compiled import rest as kernels
        return kernels.other_gas_estimate(op, prev, growth, t)
    if prev is None:
        return np.full(growth.shape if np.ndim(growth) else (1,), np.inf)
    gas = grow(prev.gas_other_mtce, growth) * (1 + op.gas_intensity_change[..., t])
    coal = grow(prev.coal_other_mtce, growth) * (1 + op.coal_intensity_change[..., t])
    return gas + np.minimum(op.coal_to_gas_mtce[..., t], coal) * op.coal_to_gas_gas_per_coal
