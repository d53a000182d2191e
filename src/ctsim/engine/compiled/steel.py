"""Kernels of ctsim.engine.steel: ``step_steel`` and ``step_steel_energy`` (the reference: same
operations, same order, bit for bit: no exp/log on the way).

One compiled pass a year over the samples: the output path and its step limit, the cost-driven
route switch (``route_switch``: ``switch_advantage``, ``turnover_switch``), ``bound_route_extra``,
``route_shares`` and ``hold_bfbof`` for one sample at a time, in registers.

Arguments are passed as the bundles hold them, without broadcasting in Python (``np.broadcast_to``
costs ~4 us an argument, more than the kernel's work at a few thousand samples): a parameter is
[S or 1] and a path [S or 1, Y], and the kernel reads row ``s`` of a per-sample array and row 0 of a
shared one (:func:`at`, :func:`at_t`). :func:`rows` checks the rows once per call.

Speed (CPU time per simulated year at S = 20,000, this project's 2-core machine, 2026-12-02):
step_steel 0.87 ms (numpy 2.27), step_steel_energy 0.12 ms (0.30). The sample loop runs scalar:
LLVM does not vectorize it (reads that pick row s or row 0, 30 arrays), and its 15 divisions a
sample (about 1.4 ns each, scalar) are half of its time. Passing shared values as floats (one
compiled version per mix of shared and per-sample parameters) measured 0.59 ms, still scalar; SIMD
would need loops over arrays of known layout (a design for the whole compiled engine, not one kernel).
"""

from __future__ import annotations

import numpy as np

from ..axes import (
    ALT_CCUS,
    ALT_EAF,
    ALT_H2DRI,
    ALT_ROUTES,
    BFBOF,
    BFBOF_CCUS,
    EAF,
    H2DRI,
    STEEL_ROUTES,
)
from ._jit import inline, jit
from .policy import clip, covered, fmax, fmin, limit_fall, where_div

N_ALT = len(ALT_ROUTES)
N_ROUTES = len(STEEL_ROUTES)


@inline
def at(a, s: int) -> float:
    """Sample ``s`` of a parameter [S or 1]."""
    return a[s] if a.shape[0] > 1 else a[0]


@inline
def at_t(a, s: int, t: int) -> float:
    """Sample ``s`` of a path [S or 1, Y] in year ``t``."""
    return a[s, t] if a.shape[0] > 1 else a[0, t]


def rows(n: int, *arrays) -> None:
    """Every argument has 1 or ``n`` rows (a mismatch would read past an array in the kernel)."""
    for a in arrays:
        if a.shape[0] != 1 and a.shape[0] != n:
            raise ValueError(f"compiled steel kernel: an argument has {a.shape[0]} rows, expected 1 or {n}")


def vector(x) -> np.ndarray:
    """``x`` as a C-contiguous float64 array with a sample axis (a Python float or 0-d array becomes
    [1]); an array that is one already is passed as it is. One memory layout for every argument
    keeps numba to one compiled version of a kernel (a strided view, e.g. a column of a sampled
    [S, Y] path, would compile another)."""
    if type(x) is np.ndarray and x.dtype == np.float64 and x.ndim > 0 and x.flags.c_contiguous:
        return x
    a = np.ascontiguousarray(x, dtype=np.float64)
    return a.reshape(1) if a.ndim == 0 else a


@jit
def route_shares(output, eaf_share, h2dri_share, ccus_share, scrap_supply, scrap_t_per_t):
    """``steel.route_shares`` of one sample: (BF-BOF, BF-BOF+CCUS, EAF, H2-DRI)."""
    scrap_cap = where_div(scrap_supply / scrap_t_per_t, output, output > 0, 1.0)
    eaf = fmin(eaf_share, scrap_cap)
    new_routes = eaf + h2dri_share
    scale = 1.0 / fmax(new_routes, 1.0)
    eaf, h2 = eaf * scale, h2dri_share * scale
    ccus = fmin(ccus_share, 1.0 - eaf - h2)
    bfbof = 1.0 - (ccus + 0.0 + eaf + h2)  # sum_last in the A order (CCUS, EAF, H2-DRI)
    return fmax(bfbof, 0.0), ccus, eaf, h2


@jit
def direct_co2(p_bf, p_ccus, p_eaf, p_h2, bf_coal, coal_co2, capture, eaf_co2, h2_co2):
    """``steel.direct_co2`` of one sample: (coal Mtce, direct CO2 Mt, captured CO2 Mt)."""
    coal = (p_bf + p_ccus) * bf_coal
    ccus_co2 = p_ccus * bf_coal * coal_co2
    captured = ccus_co2 * capture
    co2 = p_bf * bf_coal * coal_co2 + ccus_co2 - captured + p_eaf * eaf_co2 + p_h2 * h2_co2
    return coal, co2, captured


@jit
def _step_steel(has_prev, year, t, output_mt, eaf_share, h2dri_share, ccus_share, scrap_supply_mt,
                scrap_t_per_t, bf_coal, coal_co2, capture, eaf_co2, h2_co2, bf_mwh, eaf_mwh, h2_mwh,
                campaign, eaf_premium, h2_premium, ccus_cost, switch_scale, h2_max_share,
                ets_start, output_fall_max, bfbof_fall_max, rebound, price,
                prev_lost, prev_output, prev_extra, grid_co2, prev_bfbof,
                output, production, shares, extra):
    ext = np.empty(N_ALT)
    for s in range(output.shape[0]):
        out = at(output_mt, s) * 1.0
        if has_prev:
            out = limit_fall(out + at(rebound, s) * at(prev_lost, s), at(prev_output, s), at(output_fall_max, s))
        req = ext  # this sample's extra shares before bound_route_extra
        r_ccus, r_eaf, r_h2 = at(ccus_share, s), at(eaf_share, s), at(h2dri_share, s)
        if has_prev:
            # route_switch: switch_advantage and turnover_switch
            bf = at(bf_coal, s) * at(coal_co2, s)
            cap = at(capture, s)
            b_mwh = at(bf_mwh, s)
            grid = at(grid_co2, s)
            pc = at(price, s) * covered(year, at(ets_start, s))
            adv_ccus = pc * (bf - bf * (1 - cap) - 0.0 * b_mwh * grid) - at(ccus_cost, s) * bf * cap
            adv_eaf = pc * (bf - at(eaf_co2, s) - (at(eaf_mwh, s) - b_mwh) * grid) - at(eaf_premium, s)
            adv_h2 = pc * (bf - at(h2_co2, s) - (at(h2_mwh, s) - b_mwh) * grid) - at(h2_premium, s)
            requested = r_eaf + r_h2 + r_ccus
            relined = fmax(1.0 - requested, 0.0) * 1.0 / at(campaign, s)
            scale = at(switch_scale, s)
            req[ALT_CCUS] = relined * clip(adv_ccus / scale, 0.0, 1.0) / N_ALT
            req[ALT_EAF] = relined * clip(adv_eaf / scale, 0.0, 1.0) / N_ALT
            req[ALT_H2DRI] = relined * clip(adv_h2 / scale, 0.0, 1.0) / N_ALT
            for a in range(N_ALT):
                req[a] = at_t(prev_extra, s, a) + req[a]
        else:
            for a in range(N_ALT):
                req[a] = 0.0
        # bound_route_extra
        scrap = at(scrap_supply_mt, s)
        scrap_t = at(scrap_t_per_t, s)
        scrap_cap = scrap / scrap_t / fmax(out, 1e-9)
        e_ccus = clip(req[ALT_CCUS], 0.0, fmax(1.0, 0.0))
        e_eaf = clip(req[ALT_EAF], 0.0, fmax(scrap_cap - r_eaf, 0.0))
        e_h2 = clip(req[ALT_H2DRI], 0.0, fmax(at(h2_max_share, s) - r_h2, 0.0))
        extra[s, ALT_CCUS], extra[s, ALT_EAF], extra[s, ALT_H2DRI] = e_ccus, e_eaf, e_h2
        sh_bf, sh_ccus, sh_eaf, sh_h2 = route_shares(out, r_eaf + e_eaf, r_h2 + e_h2, r_ccus + e_ccus,
                                                     scrap, scrap_t)
        p_bf, p_ccus, p_eaf, p_h2 = out * sh_bf, out * sh_ccus, out * sh_eaf, out * sh_h2
        if has_prev:  # hold_bfbof, then the shares of the held production
            bf_min = at(prev_bfbof, s) * (1 - at(bfbof_fall_max, s))
            move = clip(bf_min - (p_bf + p_ccus), 0.0, p_eaf + p_h2)
            req_eaf, req_h2 = fmin(out * r_eaf, p_eaf), fmin(out * r_h2, p_h2)
            from_h2 = fmin(move, p_h2 - req_h2)
            left = move - from_h2
            from_eaf = fmin(left, p_eaf - req_eaf)
            left = left - from_eaf
            from_h2_req = fmin(left, req_h2)
            to_ccus = clip(out * (r_ccus + e_ccus) - p_ccus, 0.0, move)
            p_h2 -= from_h2 + from_h2_req
            p_eaf -= from_eaf + (left - from_h2_req)
            p_ccus += to_ccus
            p_bf += move - to_ccus
            d = fmax(out, 1e-9)
            sh_bf, sh_ccus, sh_eaf, sh_h2 = p_bf / d, p_ccus / d, p_eaf / d, p_h2 / d
        output[s] = out
        production[s, BFBOF], production[s, BFBOF_CCUS], production[s, EAF], production[s, H2DRI] = \
            p_bf, p_ccus, p_eaf, p_h2
        shares[s, BFBOF], shares[s, BFBOF_CCUS], shares[s, EAF], shares[s, H2DRI] = sh_bf, sh_ccus, sh_eaf, sh_h2


_NONE = np.zeros(1)
_NONE_ALT = np.zeros((1, N_ALT))


def step_steel(sp, pol, fx, sh, prev, price, year, t, n):
    """:func:`ctsim.engine.steel.step_steel`: the fields of its SteelMix (which steel.py packs: this
    module does not import the module that imports it)."""
    has_prev = prev is not None
    state = ((vector(prev.steel_lost_mt), vector(prev.steel_output_mt), vector(prev.steel_extra_share),
              vector(prev.grid_t_co2_per_mwh), vector(prev.bfbof_mt))
             if has_prev else (_NONE, _NONE, _NONE_ALT, _NONE, _NONE))
    args = (*map(vector, (
        sp.output_mt[..., t], sp.eaf_share[..., t], sp.h2dri_share[..., t], sp.ccus_share[..., t],
        sp.scrap_supply_mt[..., t], sp.scrap_t_per_t_eaf,
        sp.bf_coal_tce_per_t[..., t], fx.coal_t_co2_per_tce, sp.ccus_capture_rate, sp.eaf_direct_t_co2_per_t,
        sp.h2dri_direct_t_co2_per_t, sp.bfbof_mwh_per_t, sp.eaf_mwh_per_t, sp.h2dri_mwh_per_t,
        sp.bf_campaign_yr, sp.eaf_premium_cny_per_t[..., t], sp.h2dri_premium_cny_per_t[..., t],
        sp.ccus_cost_cny_per_t_co2, sp.switch_cost_scale_cny_per_t, sp.h2dri_max_share[..., t],
        pol.ets_steel_start_year,
        pol.steel_output_fall_max_frac, pol.bfbof_fall_max_frac, sh.rebound_fraction, price)), *state)
    rows(n, *args)
    output, production = np.empty(n), np.empty((n, N_ROUTES))
    shares, extra = np.empty((n, N_ROUTES)), np.empty((n, N_ALT))
    _step_steel(has_prev, year, t, *args, output, production, shares, extra)
    return output, production, shares, extra


@jit
def _step_steel_energy(t, production, bf_coal, coal_co2, capture, eaf_co2, h2_co2, bf_mwh, eaf_mwh, h2_mwh,
                       coal, co2, captured, electricity):
    for s in range(coal.shape[0]):
        p_bf, p_ccus = production[s, BFBOF], production[s, BFBOF_CCUS]
        p_eaf, p_h2 = production[s, EAF], production[s, H2DRI]
        coal[s], co2[s], captured[s] = direct_co2(p_bf, p_ccus, p_eaf, p_h2, at_t(bf_coal, s, t), at(coal_co2, s),
                                                  at(capture, s), at(eaf_co2, s), at(h2_co2, s))
        b_mwh = at(bf_mwh, s)
        electricity[s] = p_bf * b_mwh + 0.0 + p_ccus * b_mwh + p_eaf * at(eaf_mwh, s) + p_h2 * at(h2_mwh, s)


def step_steel_energy(sp, fx, mix, t):
    """:func:`ctsim.engine.steel.step_steel_energy`: the fields of its SteelEnergy."""
    production = vector(mix.production_mt)
    n = production.shape[0]
    args = tuple(map(vector, (sp.bf_coal_tce_per_t, fx.coal_t_co2_per_tce, sp.ccus_capture_rate,
                              sp.eaf_direct_t_co2_per_t, sp.h2dri_direct_t_co2_per_t, sp.bfbof_mwh_per_t,
                              sp.eaf_mwh_per_t, sp.h2dri_mwh_per_t)))
    rows(n, *args)
    coal, co2, captured, electricity = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    _step_steel_energy(t, production, *args, coal, co2, captured, electricity)
    return coal, co2, captured, electricity
