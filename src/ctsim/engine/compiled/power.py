"""Kernels of ctsim.engine.power (the reference: same operations, same order), one fused loop over the
samples per step where no transcendental is in the way; exp and tanh go through numpy's ufuncs on a
buffer of their arguments, as in compiled/storage.py, so the results are the reference's bit for bit.

Each wrapper returns the fields of the numpy function's dataclass as a tuple, in field order: the
numpy function packs them (a kernel module does not import the module it accelerates, which imports
it). A field the reference computes from values shared by all samples keeps the reference's shape
([1]), and a field the reference passes through is the same array.

Measured (steel2030, S = 20,000, CPU ms per simulated year inside simulate, numpy -> numba, on a loaded
2-core machine; 2026-12-02): step_dispatch 1.05 -> 0.20, supply 0.89 -> 0.44 (0.2 of it numpy's exp,
log1p and expm1), step_storage 0.42 -> 0.19, coal_fleet 0.26 -> 0.12, step_fuels 0.25 -> 0.08,
gas_bound 0.08 -> 0.03; step_costs 0.07 -> 0.11 and step_demand 0.05 -> 0.09 are slower: a kernel
called once a year runs cold (its code and the dispatcher's data evicted by the year's other work),
40-80 us a call whatever S, more than the few numpy operations on shared [1] values they replace.
"""

from __future__ import annotations

import math

import numpy as np

from ..axes import (
    COAL,
    COAL_CCS,
    GAS,
    HYDRO,
    NF_HYDRO,
    NF_NUCLEAR,
    NF_SOLAR,
    NF_WIND,
    NON_FOSSIL,
    NUCLEAR,
    POWER_TECHS,
    SOLAR,
    WIND,
)
from ..units import GCE_PER_KWH_TO_MTCE_PER_TWH, TWH_PER_GW_YEAR
from ._jit import jit
from .storage import (
    _raw_absorb,
    at,
    bind,
    divide_where,
    flows_of,
    npmax,
    npmin,
    rows,
    shaped,
    share_arg,
    size,
    softplus_buffer,
    softplus_finish,
)

K, N = len(POWER_TECHS), len(NON_FOSSIL)  # a [n, K] capacity or [n, N] output is passed flat: [K i + k]
KG_PER_G = 1e-3  # CNY/tce x gce/kWh x 1e-3 = CNY/MWh, and gce/kWh x 1e-3 = t/MWh (as ctsim.engine.power)


def natural(out: np.ndarray, shape: tuple[int, ...], *deps) -> np.ndarray:
    """``out`` (computed for every element of the leading ``shape``) with the shape the reference's
    result of ``deps`` has: [1] when they are all shared ([1]), where every row holds the same value."""
    if len(shape) == 1:
        if shape[0] == 1:
            return out
        r = max(d.shape[0] if type(d) is np.ndarray and d.ndim else 1 for d in deps)
        return out if r == shape[0] else out[:r]
    nat = np.broadcast_shapes(*(np.shape(d) for d in deps))
    o = out.reshape(shape)
    o = o[(0,) * (o.ndim - len(nat))] if o.ndim > len(nat) else o
    return o[tuple(slice(0, 1) if k == 1 else slice(None) for k in nat)]


# --- costs ----------------------------------------------------------------------------------------
@jit
def carbon_cost(price, covered, intensity, benchmark):
    return price * covered * (intensity - benchmark)


@jit
def srmc(fuel, heat_rate, carbon):
    return fuel * heat_rate * KG_PER_G + carbon


@jit
def _step_costs(year, price, start, bench, hr_fleet, eff_share, spread, gas_hr, coal_ef, gas_ef, coal_price_path,
                price_factor, gas_price, covered, hr_eff, hr_other, carbon_eff, carbon_other, carbon_gas,
                coal_price, srmc_coal, srmc_gas, new_coal, new_gas):
    y = year
    for i in range(covered.shape[0]):
        cov = 1.0 if y >= at(start, i) else 0.0
        he = at(hr_fleet, i) - at(spread, i) * (1.0 - at(eff_share, i))
        ho = at(hr_fleet, i) + at(spread, i) * at(eff_share, i)
        p = at(price, i)
        ce = carbon_cost(p, cov, he * KG_PER_G * at(coal_ef, i), at(bench, i))
        co = carbon_cost(p, cov, ho * KG_PER_G * at(coal_ef, i), at(bench, i))
        cg = carbon_cost(p, cov, at(gas_hr, i) * KG_PER_G * at(gas_ef, i), at(bench, i))
        cp = at(coal_price_path, i) * at(price_factor, i)
        gross_coal = carbon_cost(p, cov, he * KG_PER_G * at(coal_ef, i), 0.0)
        gross_gas = carbon_cost(p, cov, at(gas_hr, i) * KG_PER_G * at(gas_ef, i), 0.0)
        covered[i] = cov
        hr_eff[i] = he
        hr_other[i] = ho
        carbon_eff[i] = ce
        carbon_other[i] = co
        carbon_gas[i] = cg
        coal_price[i] = cp
        srmc_coal[i] = srmc(cp, ho, co)
        srmc_gas[i] = srmc(at(gas_price, i), at(gas_hr, i), cg)
        new_coal[i] = srmc(at(coal_price_path, i), he, gross_coal)
        new_gas[i] = srmc(at(gas_price, i), at(gas_hr, i), gross_gas)


def step_costs(pw, pol, fx, sh, year: int, t: int) -> tuple:
    """The fields of :func:`ctsim.engine.power.step_costs` (``Costs``)."""
    price, start, bench = pol.carbon_price[..., t], pol.ets_power_start_year, pol.power_benchmark_t_per_mwh[..., t]
    hr_fleet, eff_share = pw.coal_heat_rate_gce_per_kwh[..., t], pw.coal_efficient_share[..., t]
    spread, gas_hr = pw.coal_heat_rate_spread_gce_per_kwh, pw.gas_heat_rate_gce_per_kwh
    coal_ef, gas_ef = fx.coal_t_co2_per_tce, fx.gas_t_co2_per_tce
    coal_path, factor, gas_price = pw.coal_price_cny_per_tce[..., t], sh.coal_price_factor[..., t], \
        pw.gas_price_cny_per_tce[..., t]
    shape, args = bind((price, start, bench, hr_fleet, eff_share, spread, gas_hr, coal_ef, gas_ef, coal_path, factor,
                        gas_price))
    outs = rows(11, shape)
    _step_costs(float(year), *args, *outs)
    cov, he, ho, ce, co, cg, cp, sc, sg, nc, ng = shaped(outs, shape)
    if shape == (1,):  # every input shared: every field [1], as the reference's
        return (price, cov, bench, hr_fleet, eff_share, he, ho, ce, co, cg, cp, sc, sg, nc, ng)
    hr = (hr_fleet, spread, eff_share)
    coal_carbon = (price, start, *hr, coal_ef, bench)
    gas_carbon = (price, start, gas_hr, gas_ef, bench)
    return (price, natural(cov, shape, start), bench, hr_fleet, eff_share, natural(he, shape, *hr),
            natural(ho, shape, *hr), natural(ce, shape, *coal_carbon), natural(co, shape, *coal_carbon),
            natural(cg, shape, *gas_carbon), natural(cp, shape, coal_path, factor),
            natural(sc, shape, coal_path, factor, *coal_carbon), natural(sg, shape, gas_price, *gas_carbon),
            natural(nc, shape, coal_path, *coal_carbon), natural(ng, shape, gas_price, *gas_carbon))


# --- demand and the gas supply bound --------------------------------------------------------------
@jit
def _step_demand(first, demand_2020, steel, ev, prev_base, elasticity, growth, base, total):
    for i in range(base.shape[0]):
        if first:
            b = at(demand_2020, i) - at(steel, i) - at(ev, i)
        else:
            b = at(prev_base, i) * (1.0 + at(elasticity, i) * at(growth, i))
        base[i] = b
        total[i] = b + at(steel, i) + at(ev, i)


def step_demand(pw, mp, prev, steel_twh, ev_twh, growth, t: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ctsim.engine.power.step_demand`: (base, total) demand."""
    first = prev is None
    d2020 = pw.demand_2020_twh
    # (in the first year the growth terms are not read: d2020 stands in, so they do not widen the shape)
    shape, args = bind((d2020, steel_twh, ev_twh, d2020 if first else prev.base_demand_twh,
                        d2020 if first else mp.electricity_elasticity[..., t], d2020 if first else growth))
    outs = rows(2, shape)
    _step_demand(first, *args, *outs)
    return shaped(outs, shape)


@jit
def _gas_bound(year, supply_bcm, mtce_per_bcm, other, gas_hr, response_from, out):
    y = year
    for i in range(out.shape[0]):
        o = at(other, i)
        if y >= at(response_from, i) and math.isfinite(o):
            out[i] = npmax(at(supply_bcm, i) * at(mtce_per_bcm, i) - o, 0.0) / (at(gas_hr, i) * GCE_PER_KWH_TO_MTCE_PER_TWH)
        else:
            out[i] = math.inf


def gas_bound(pw, other_gas_mtce, year: int, t: int) -> np.ndarray:
    """:func:`ctsim.engine.power.gas_bound`."""
    shape, args = bind((pw.gas_supply_bcm[..., t], pw.gas_mtce_per_bcm, other_gas_mtce, pw.gas_heat_rate_gce_per_kwh,
                        pw.response_from_year))
    out = np.empty(size(shape))
    _gas_bound(float(year), *args, out)
    return shaped((out,), shape)[0]


# --- supply ---------------------------------------------------------------------------------------
@jit
def _supply_pre(avail, hydro_cf, hydro_factor, nuclear_cf, wind_cf, solar_cf, demand, flexibility, width, nonfossil,
                vre, x, e):
    """Non-fossil potential output (GW x capacity factor x TWh per GW-year), wind + solar, and the
    softplus argument x of their curtailment with -|x| (``storage.raw_curtailment``)."""
    for i in range(vre.shape[0]):
        w = avail[K * i + WIND] * (at(wind_cf, i) * 1.0) * TWH_PER_GW_YEAR
        s = avail[K * i + SOLAR] * (at(solar_cf, i) * 1.0) * TWH_PER_GW_YEAR
        nonfossil[N * i + NF_HYDRO] = avail[K * i + HYDRO] * (at(hydro_cf, i) * at(hydro_factor, i) * 1.0) * TWH_PER_GW_YEAR
        nonfossil[N * i + NF_NUCLEAR] = avail[K * i + NUCLEAR] * (at(nuclear_cf, i) * 1.0) * TWH_PER_GW_YEAR
        nonfossil[N * i + NF_WIND] = w
        nonfossil[N * i + NF_SOLAR] = s
        v = w + s
        vre[i] = v
        _, xi = share_arg(v, at(demand, i), at(flexibility, i), at(width, i))
        x[i] = xi
        e[i] = -abs(xi)


@jit
def _supply_post(raw, shift, efficiency, expm1, avail, gas_cf_max, bound, gas_cf, coal_cf_max, vre, nonfossil,
                 took, back, losses, curtailed, gas_plan, gas_max, coal_max):
    """Storage flows, wind and solar net of curtailment, and the fossil plants' planned and maximum
    output."""
    for i in range(vre.shape[0]):
        a, b, losses[i], curtailed[i] = flows_of(at(raw, i), at(shift, i), at(efficiency, i), at(expm1, i))
        took[i] = a
        back[i] = b
        v = at(vre, i)
        keep = 1.0 - divide_where(at(raw, i) - b, v, 0.0)
        nonfossil[N * i + NF_WIND] *= keep
        nonfossil[N * i + NF_SOLAR] *= keep
        gas_cap = avail[K * i + GAS]
        coal_cap = avail[K * i + COAL] + avail[K * i + COAL_CCS]
        gas_max[i] = npmin(gas_cap * at(gas_cf_max, i) * TWH_PER_GW_YEAR, at(bound, i))
        gas_plan[i] = gas_cap * at(gas_cf, i) * TWH_PER_GW_YEAR
        coal_max[i] = coal_cap * at(coal_cf_max, i) * TWH_PER_GW_YEAR


def supply(pw, hydro_factor, avail_gw, store, demand, gas_bound_twh, t: int) -> tuple:
    """The fields of :func:`ctsim.engine.power.supply` (``Supply``; its ``curt``: the fields of
    ``storage.Curtailment``)."""
    shape, (hcf, hf, ncf, wcf, scf, d, f, w, shift, eff, gcf_max, bound, gcf, ccf_max, avail) = bind(
        (pw.hydro_cf[..., t], hydro_factor, pw.nuclear_cf[..., t], pw.wind_cf[..., t], pw.solar_cf[..., t], demand,
         pw.grid_flexibility[..., t], pw.curtailment_width, store.shift_twh, store.efficiency, pw.gas_cf_max,
         gas_bound_twh, pw.gas_cf[..., t], pw.coal_cf_max), cats=(avail_gw,))
    n = size(shape)
    nonfossil = np.empty((n, 4))
    vre, x, raw, z, took, back, losses, curtailed, gas_plan, gas_max, coal_max = rows(11, shape)
    buf = softplus_buffer(f, w, n)
    avail, flat_nf = avail.reshape(-1), nonfossil.reshape(-1)
    _supply_pre(avail, hcf, hf, ncf, wcf, scf, d, f, w, flat_nf, vre, x, buf[:n])
    parts = softplus_finish(buf, x, f, w, n)
    _raw_absorb(vre, d, f, w, *parts, shift, raw, z)
    np.expm1(z, out=z)
    _supply_post(raw, shift, eff, z, avail, gcf_max, bound, gcf, ccf_max, vre, flat_nf, took, back, losses,
                 curtailed, gas_plan, gas_max, coal_max)
    return (*shaped((nonfossil, vre), shape), shaped((raw, took, back, losses, curtailed), shape),
            pw.bio_generation_twh[..., t] + pw.oil_generation_twh[..., t], *shaped((gas_plan, gas_max, coal_max), shape))


# --- dispatch -------------------------------------------------------------------------------------
@jit
def dispatch_one(demand, nf0, nf1, nf2, nf3, must_run, gas_planned, gas_max, coal_max, share):
    """:func:`ctsim.engine.power.dispatch` for one sample (wind and solar: nf2, nf3, the VRE mask).
    Returns (served non-fossil x 4, curtailed, gas, coal, unserved)."""
    residual = demand - must_run - ((((nf0 + 0.0) + nf1) + nf2) + nf3)
    excess = npmax(-residual, 0.0)
    v0, v1, v2, v3 = 0.0, 0.0, nf2, nf3
    o0, o1, o2, o3 = nf0 - v0, nf1 - v1, nf2 - v2, nf3 - v3
    vre_total = (((v0 + 0.0) + v1) + v2) + v3
    other_total = (((o0 + 0.0) + o1) + o2) + o3
    curtailed = npmin(excess, vre_total)
    spilled = npmin(excess - curtailed, other_total)
    vre_keep = 1.0 - divide_where(curtailed, vre_total, 0.0)
    other_keep = 1.0 - divide_where(spilled, other_total, 0.0)
    s0 = v0 * vre_keep + o0 * other_keep
    s1 = v1 * vre_keep + o1 * other_keep
    s2 = v2 * vre_keep + o2 * other_keep
    s3 = v3 * vre_keep + o3 * other_keep
    need = npmax(residual, 0.0)
    gas_first = npmin(need, npmin(gas_planned, gas_max))
    need = need - gas_first
    gas_room = npmax(gas_max - gas_first, 0.0)
    gas_early = npmin(need * share, gas_room)
    need = need - gas_early
    coal = npmin(need, coal_max)
    need = need - coal
    gas_extra = npmin(need, gas_room - gas_early)
    return s0, s1, s2, s3, curtailed, gas_first + gas_early + gas_extra, coal, need - gas_extra


@jit
def _share_args(srmc_gas, srmc_coal, scale, z):
    for i in range(z.shape[0]):
        z[i] = 0.5 * (at(srmc_gas, i) - at(srmc_coal, i)) / at(scale, i)


@jit
def _step_dispatch(any_shortfall, demand, nonfossil, must_run, gas_plan, gas_max, coal_max, tanh, shortfall,
                   curtailed_before, served, curtailed, gas, coal, unserved, gas_max_out):
    for i in range(gas.shape[0]):
        share = 0.5 * (1.0 - at(tanh, i))
        nf0, nf1, nf2, nf3 = nonfossil[N * i + 0], nonfossil[N * i + 1], nonfossil[N * i + 2], nonfossil[N * i + 3]
        gm, cm = at(gas_max, i), at(coal_max, i)
        r = dispatch_one(at(demand, i), nf0, nf1, nf2, nf3, at(must_run, i), at(gas_plan, i), gm, cm, share)
        if any_shortfall:  # a coal supply shortfall (shocks.fossil_limits), dispatched again
            hit = at(shortfall, i) > 0
            cm = npmin(cm, r[6] * (1.0 - at(shortfall, i))) if hit else cm
            gm = npmin(gm, r[5]) if hit else gm
            r = dispatch_one(at(demand, i), nf0, nf1, nf2, nf3, at(must_run, i), npmin(at(gas_plan, i), gm), gm, cm, share)
        served[N * i + 0], served[N * i + 1], served[N * i + 2], served[N * i + 3] = r[0], r[1], r[2], r[3]
        curtailed[i] = at(curtailed_before, i) + r[4]
        gas[i] = r[5]
        coal[i] = r[6]
        unserved[i] = r[7]
        gas_max_out[i] = gm


def step_dispatch(pw, sh, sup, demand, costs, any_shortfall: bool, t: int) -> tuple:
    """The fields of :func:`ctsim.engine.power.step_dispatch` (``Dispatch``)."""
    m, share_args = bind((costs.srmc_gas_cny_per_mwh, costs.srmc_coal_cny_per_mwh, pw.dispatch_cost_scale_cny_per_mwh))
    # the logit's tanh at the costs' own shape ([1] when shared, computed in Python floats), as the reference
    if m == (1,):
        gas_c, coal_c, scale = share_args
        z = np.array([0.5 * (gas_c - coal_c) / scale])
    else:
        z = np.empty(size(m))
        _share_args(*share_args, z)
    np.tanh(z, out=z)
    c = sup.curt
    shape, (d, mr, gp, gm, cm, th, sf, cb, nf) = bind(
        (demand, sup.must_run_twh, sup.gas_plan_twh, sup.gas_max_twh, sup.coal_max_twh, z.reshape(m),
         sh.coal_shortfall[..., t], c.curtailed_twh), cats=(sup.nonfossil_twh,))
    served = np.empty((size(shape), 4))
    outs = rows(5, shape)
    _step_dispatch(bool(any_shortfall), d, nf.reshape(-1), mr, gp, gm, cm, th, sf, cb, served.reshape(-1), *outs)
    curtailed, gas, coal, unserved, gas_max = shaped(outs, shape)
    return (*shaped((served,), shape), curtailed, gas, coal, unserved, gas_max if any_shortfall else sup.gas_max_twh,
            pw.bio_generation_twh[..., t], pw.oil_generation_twh[..., t], sup.vre_potential_twh,
            c.raw_twh, c.absorbed_twh, c.losses_twh)


# --- the coal fleet and the fuels -----------------------------------------------------------------
@jit
def _coal_fleet(avail, early, past, coal_cf_max, efficient_share, retrofitted, ccs_frac, max_eff, max_other):
    for i in range(ccs_frac.shape[0]):
        plain = avail[K * i + COAL]
        coal_cap = plain + avail[K * i + COAL_CCS]
        ccs_frac[i] = divide_where(avail[K * i + COAL_CCS], coal_cap, 0.0)
        coal_max_plain = plain * at(coal_cf_max, i) * TWH_PER_GW_YEAR
        share = divide_where(at(efficient_share, i) * (plain + at(early, i) - at(past, i)), plain, 1.0)
        share = npmin(npmax(share + at(retrofitted, i), 0.0), 1.0)
        max_eff[i] = coal_max_plain * share
        max_other[i] = coal_max_plain * (1.0 - share)


def coal_fleet(pw, avail, early_retired_gw, past_lifetime_gw, costs, d, retrofitted) -> tuple:
    """The fields of :func:`ctsim.engine.power.coal_fleet` (``CoalFleet``; ``retrofitted``: the
    retrofitted share as efficient units, ``power.retrofitted_equivalent``, computed by the caller)."""
    shape, (early, past, cf, share, eq, av) = bind((early_retired_gw, past_lifetime_gw, pw.coal_cf_max,
                                                    costs.efficient_share, retrofitted), cats=(avail,))
    outs = rows(3, shape)
    _coal_fleet(av.reshape(-1), early, past, cf, share, eq, *outs)
    return (*shaped(outs, shape), costs.carbon_other_cny_per_mwh - costs.carbon_eff_cny_per_mwh,
            costs.heat_rate_eff_gce_per_kwh, costs.heat_rate_other_gce_per_kwh, costs.heat_rate_fleet_gce_per_kwh,
            d.oil_twh * pw.oil_heat_rate_gce_per_kwh * GCE_PER_KWH_TO_MTCE_PER_TWH)


@jit
def _tier_args(gap, scale, z):
    for i in range(z.shape[0]):
        z[i] = -npmax(at(gap, i), 0.0) / at(scale, i)


def tier_weight(fleet, pw) -> np.ndarray:
    """exp(-max(gap, 0) / scale) of ``split_coal_tiers`` at the gap's own shape ([1] when shared)."""
    m, args = bind((fleet.gap_cny_per_mwh, pw.dispatch_cost_scale_cny_per_mwh))
    if m == (1,):  # shared: the argument in Python floats (np.maximum's NaN rule), the exp by numpy
        gap, scale = args
        z = np.array([-(gap if gap >= 0.0 or gap != gap else 0.0) / scale])
    else:
        z = np.empty(size(m))
        _tier_args(*args, z)
    return np.exp(z, out=z).reshape(m)


@jit
def efficient_share(max_eff, max_other, weight):
    w_other = max_other * weight
    total = max_eff + w_other
    return divide_where(max_eff, total, 0.0)


@jit
def _step_fuels(coal, gas, ccs_frac, max_eff, max_other, weight, hr_eff, hr_other, hr_fleet, penalty, capture,
                gas_hr, coal_ef, gas_ef, oil_ef, oil_mtce, gen_ccs, gen_eff, coal_mtce, gas_mtce, captured,
                coal_co2, co2):
    for i in range(gen_ccs.shape[0]):
        g_ccs = at(coal, i) * at(ccs_frac, i)
        rest = at(coal, i) - g_ccs
        eff = npmin(rest * efficient_share(at(max_eff, i), at(max_other, i), at(weight, i)), at(max_eff, i))
        other = rest - eff
        unabated = (eff * at(hr_eff, i) + other * at(hr_other, i)) * GCE_PER_KWH_TO_MTCE_PER_TWH
        ccs_fuel = g_ccs * at(hr_fleet, i) * GCE_PER_KWH_TO_MTCE_PER_TWH * (1.0 + at(penalty, i))
        g = at(gas, i) * at(gas_hr, i) * GCE_PER_KWH_TO_MTCE_PER_TWH
        cap = ccs_fuel * at(capture, i) * at(coal_ef, i)
        cc = (unabated + ccs_fuel) * at(coal_ef, i) - cap
        gen_ccs[i] = g_ccs
        gen_eff[i] = eff
        coal_mtce[i] = unabated + ccs_fuel
        gas_mtce[i] = g
        captured[i] = cap
        coal_co2[i] = cc
        co2[i] = cc + g * at(gas_ef, i) + at(oil_mtce, i) * at(oil_ef, i)


def step_fuels(pw, fx, fleet, coal_twh, gas_twh) -> tuple:
    """The fields of :func:`ctsim.engine.power.step_fuels` (``PowerFuels``)."""
    shape, args = bind((coal_twh, gas_twh, fleet.ccs_frac, fleet.max_eff_twh, fleet.max_other_twh,
                        tier_weight(fleet, pw), fleet.hr_eff_gce_per_kwh, fleet.hr_other_gce_per_kwh,
                        fleet.hr_fleet_gce_per_kwh, pw.ccs_heat_rate_penalty, pw.ccs_capture_rate,
                        pw.gas_heat_rate_gce_per_kwh, fx.coal_t_co2_per_tce, fx.gas_t_co2_per_tce, fx.oil_t_co2_per_tce,
                        fleet.oil_mtce))
    outs = rows(7, shape)
    _step_fuels(*args, *outs)
    return shaped(outs, shape)


@jit
def _coal_co2_segments(coal, ccs_frac, max_eff, max_other, weight, hr_eff, hr_other, hr_fleet, penalty, capture,
                       coal_ef, widths, slopes):
    for i in range(widths.shape[0]):
        share = efficient_share(at(max_eff, i), at(max_other, i), at(weight, i))
        plain = 1.0 - at(ccs_frac, i)
        unabated = at(coal, i) * plain
        kink = divide_where(at(max_eff, i), share, math.inf)
        above = divide_where(npmax(unabated - kink, 0.0), plain, 0.0)
        above = npmin(above, at(coal, i))
        ccs = at(ccs_frac, i) * at(hr_fleet, i) * (1.0 + at(penalty, i)) * (1.0 - at(capture, i))
        per_gce = GCE_PER_KWH_TO_MTCE_PER_TWH * at(coal_ef, i)
        widths[i, 0] = above
        widths[i, 1] = at(coal, i) - above
        slopes[i, 0] = (plain * at(hr_other, i) + ccs) * per_gce
        slopes[i, 1] = (plain * (share * at(hr_eff, i) + (1.0 - share) * at(hr_other, i)) + ccs) * per_gce


def coal_co2_segments(pw, fx, fleet, coal_twh) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ctsim.engine.power.coal_co2_segments`: (widths, slopes) [..., 2]."""
    shape, args = bind((coal_twh, fleet.ccs_frac, fleet.max_eff_twh, fleet.max_other_twh, tier_weight(fleet, pw),
                        fleet.hr_eff_gce_per_kwh, fleet.hr_other_gce_per_kwh, fleet.hr_fleet_gce_per_kwh,
                        pw.ccs_heat_rate_penalty, pw.ccs_capture_rate, fx.coal_t_co2_per_tce))
    n = size(shape)
    widths, slopes = np.empty((n, 2)), np.empty((n, 2))
    _coal_co2_segments(*args, widths, slopes)
    return shaped((widths, slopes), shape)
