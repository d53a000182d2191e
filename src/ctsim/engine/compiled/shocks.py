"""Kernels of ctsim.engine.shocks (the reference: same operations, same order)."""

from __future__ import annotations

import math

import numpy as np

from ..axes import USER_INDUSTRY, USER_OTHER, USER_STEEL
from ._jit import jit
from ._sig import BOOL, IN, IN2, OUT, OUT2, args, at, at2, fclip, fmax, fmin, kernel, n_samples


@jit
def _signbit(x):
    return math.copysign(1.0, x) < 0.0


@kernel(BOOL, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN, IN2, IN, IN, IN, IN, IN, IN, IN,
        OUT2, OUT, OUT, OUT, OUT2, OUT, OUT, OUT, OUT)
def _rationing(first, unserved, demand, base, steel_elec, industry_share, rank_steel, rank_industry,
               rank_other, max_cut, output, production, coal, co2, captured, gdp_trend, voll, rebound, prev_gap,
               cut, steel_lost, out_output, out_coal, out_production, out_co2, out_captured, out_gap, out_gdp):
    n, n_routes = cut.shape[0], production.shape[1]
    # shocks.curtail's shortcut: nothing unserved in any sample (all +0.0) and no -0.0 load or room
    # gives +0.0 cuts everywhere (the sharing below may give -0.0 there)
    shortcut = True
    for s in range(n):
        u, el = at(unserved, s), at(steel_elec, s)
        industry = at(base, s) * at(industry_share, s)
        if (u != 0.0 or _signbit(u) or _signbit(el) or _signbit(industry)
                or _signbit(at(demand, s) - el - industry) or _signbit(at(max_cut, s))):
            shortcut = False
            break
    loads = np.empty(3)
    rank = np.empty(3)
    order = np.empty(3, dtype=np.int64)
    for s in range(n):
        u, el = at(unserved, s), at(steel_elec, s)
        if shortcut:
            for k in range(3):
                cut[s, k] = 0.0
        else:
            industry = at(base, s) * at(industry_share, s)
            loads[USER_STEEL], loads[USER_INDUSTRY], loads[USER_OTHER] = el, industry, at(demand, s) - el - industry
            rank[USER_STEEL], rank[USER_INDUSTRY], rank[USER_OTHER] = at(rank_steel, s), at(rank_industry, s), at(rank_other, s)
            for k in range(3):  # a stable sort of the three ranks (np.argsort kind="stable")
                order[k] = k
            for k in range(1, 3):
                j = k
                while j > 0 and rank[order[j]] < rank[order[j - 1]]:
                    order[j], order[j - 1] = order[j - 1], order[j]
                    j -= 1
            need = fmax(u, 0.0)
            cum = 0.0
            for k in range(3):  # policy.apply_options on the rooms in that order; the last takes the rest
                g = order[k]
                room = fmax(need if k == 2 else loads[g] * at(max_cut, s), 0.0)
                cum_next = room if k == 0 else cum + room
                cut[s, g] = fclip(need - (cum_next - room), 0.0, room)
                cum = cum_next
        kept = 1.0 - (cut[s, USER_STEEL] / el if el > 0 else 0.0)
        steel_lost[s] = at(output, s) * (1.0 - kept)
        out_output[s] = at(output, s) * kept
        for r in range(n_routes):
            out_production[s, r] = at2(production, s, r) * kept
        out_coal[s] = at(coal, s) * kept
        out_co2[s] = at(co2, s) * kept
        out_captured[s] = at(captured, s) * kept
        loss = fmin(at(voll, s) * u / fmax(at(gdp_trend, s), 1e-9), 1.0)
        gap = loss if first else fmax(loss, (1.0 - at(rebound, s)) * at(prev_gap, s))
        out_gap[s] = gap
        out_gdp[s] = at(gdp_trend, s) * (1.0 - gap)


def step_rationing(sh, prev, unserved, demand, base, mix, energy, gdp_trend, t: int):
    """:func:`ctsim.engine.shocks.step_rationing`: (cut [S, U], steel lost, GDP gap, GDP, steel output,
    production [S, R], steel coal, CO2 and captured CO2), [S] each, for the numpy module to pack.
    ``sh.max_cut_fraction`` is one value per sample (or shared), the same for every user group."""
    n = n_samples(unserved, demand, base, gdp_trend, mix.output_mt)
    out = np.empty((7, n))
    cut = np.empty((n, 3))
    production = np.empty((n, np.shape(mix.production_mt)[-1]))
    _rationing(prev is None, *args(
        unserved, demand, base, energy.electricity_twh, sh.industry_share_of_base, sh.rank_steel[..., t],
        sh.rank_industry[..., t], sh.rank_other[..., t], sh.max_cut_fraction, mix.output_mt, mix.production_mt,
        energy.coal_mtce, energy.co2_mt, energy.captured_mt, gdp_trend, sh.voll_usd_per_kwh, sh.rebound_fraction,
        0.0 if prev is None else prev.gdp_gap_frac), cut, out[0], out[1], out[2], production, out[3], out[4],
        out[5], out[6])
    return cut, out[0], out[5], out[6], out[1], production, out[2], out[3], out[4]
