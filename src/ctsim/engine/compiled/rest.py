"""Kernels of ctsim.engine.rest (the reference: same operations, same order)."""

from __future__ import annotations

import math

import numpy as np

from ._sig import BOOL, IN, OUT, args, at, fmin, kernel, n_samples


@kernel(BOOL, *[IN] * 20, *[OUT] * 6)
def _other(first, coal_2020, gas_2020, oil_2020, power_coal, power_gas, power_oil, steel_coal, road_oil,
           prev_coal, prev_gas, prev_oil, growth, coal_change, gas_change, oil_change, to_gas, gas_per_coal,
           ef_coal, ef_oil, ef_gas, out_coal, out_gas, out_oil, out_coal_net, out_gas_net, out_co2):
    for s in range(out_coal.shape[0]):
        if first:
            coal = at(coal_2020, s) - at(power_coal, s) - at(steel_coal, s)
            gas = at(gas_2020, s) - at(power_gas, s)
            oil = at(oil_2020, s) - at(power_oil, s) - at(road_oil, s)
        else:
            g = 1.0 + at(growth, s)
            coal = at(prev_coal, s) * g * (1 + at(coal_change, s))
            gas = at(prev_gas, s) * g * (1 + at(gas_change, s))
            oil = at(prev_oil, s) * g * (1 + at(oil_change, s))
        switched = fmin(at(to_gas, s), coal)
        coal_net = coal - switched
        gas_net = gas + switched * at(gas_per_coal, s)
        out_coal[s], out_gas[s], out_oil[s] = coal, gas, oil
        out_coal_net[s], out_gas_net[s] = coal_net, gas_net
        out_co2[s] = coal_net * at(ef_coal, s) + (oil + at(road_oil, s)) * at(ef_oil, s) + gas_net * at(ef_gas, s)


def step_other(op, fx, prev, growth, power_coal, power_gas, power_oil, steel_coal, road_oil, t: int):
    """:func:`ctsim.engine.rest.step_other`: the fields of its OtherFlows ([S] arrays; process CO2 is
    the sum of two paths, in numpy, with their shape)."""
    first = prev is None
    n = n_samples(power_coal, power_gas, power_oil, steel_coal, road_oil, growth,
                  *(() if first else (prev.coal_other_mtce,)))
    prev_coal, prev_gas, prev_oil = (0.0, 0.0, 0.0) if first else (
        prev.coal_other_mtce, prev.gas_other_mtce, prev.oil_other_mtce)
    out = np.empty((6, n))
    _other(first, *args(
        op.coal_total_2020_mtce, op.gas_total_2020_mtce, op.oil_total_2020_mtce, power_coal, power_gas, power_oil,
        steel_coal, road_oil, prev_coal, prev_gas, prev_oil, growth, op.coal_intensity_change[..., t],
        op.gas_intensity_change[..., t], op.oil_intensity_change[..., t], op.coal_to_gas_mtce[..., t],
        op.coal_to_gas_gas_per_coal, fx.coal_t_co2_per_tce, fx.oil_t_co2_per_tce, fx.gas_t_co2_per_tce), *out)
    return (*out, op.cement_co2_mt[..., t] + op.other_industry_co2_mt[..., t])


@kernel(IN, IN, IN, IN, IN, IN, IN, OUT)
def _gas_estimate(prev_gas, prev_coal, growth, gas_change, coal_change, to_gas, gas_per_coal, out):
    for s in range(out.shape[0]):
        g = 1.0 + at(growth, s)
        gas = at(prev_gas, s) * g * (1 + at(gas_change, s))
        coal = at(prev_coal, s) * g * (1 + at(coal_change, s))
        out[s] = gas + fmin(at(to_gas, s), coal) * at(gas_per_coal, s)


def other_gas_estimate(op, prev, growth, t: int) -> np.ndarray:
    """:func:`ctsim.engine.rest.other_gas_estimate`."""
    if prev is None:
        return np.full(growth.shape if np.ndim(growth) else (1,), math.inf)
    n = n_samples(prev.gas_other_mtce, prev.coal_other_mtce, growth)
    out = np.empty(n)
    _gas_estimate(*args(
        prev.gas_other_mtce, prev.coal_other_mtce, growth, op.gas_intensity_change[..., t],
        op.coal_intensity_change[..., t], op.coal_to_gas_mtce[..., t], op.coal_to_gas_gas_per_coal), out)
    return out
