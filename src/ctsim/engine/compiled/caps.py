"""Kernels of ctsim.engine.caps: ``step_steel_cap`` and ``step_caps`` (the reference: same operations,
same order, one sample at a time; see compiled/steel.py for how arguments are passed).

Bit for bit with the reference: the one exponential on the way (the coal tiers' logit weight in
``power.coal_co2_segments``) is computed by numpy in the wrapper and handed to the kernel, and the
power fuels of the abated dispatch are ``power.step_fuels`` itself (caps.py calls it, whichever
backend runs it). The wrappers return arrays, and caps.py packs them into its dict and dataclasses
(this module does not import the module that imports it).
"""

from __future__ import annotations

import numpy as np

from ..axes import (
    BFBOF,
    BFBOF_CCUS,
    EAF,
    H2DRI,
    OPT_DEMAND_CUT,
    OPT_EAF,
    OPT_H2DRI,
    OPT_RECOVER,
    OPT_STEEL_CUT,
    OPT_TO_GAS,
    POWER_CAP_OPTIONS,
    STEEL_CAP_OPTIONS,
    STEEL_ROUTES,
    VARIABLE_RENEWABLE,
)
from ..units import GCE_PER_KWH_TO_MTCE_PER_TWH
from ._jit import jit
from .policy import (
    abate,
    apply_options,
    binding_option,
    clip,
    fmax,
    fmin,
    inline,
    intensity_cap_mt,
    segments_inverse,
    segments_value,
    shadow_price,
    where_div,
)
from .steel import at, at_t, direct_co2, rows, vector

N_STEEL_OPTIONS = len(STEEL_CAP_OPTIONS)
N_POWER_OPTIONS = len(POWER_CAP_OPTIONS)
N_ROUTES = len(STEEL_ROUTES)
VRE = np.array(VARIABLE_RENEWABLE)  # on the N axis of the dispatch's non-fossil output
SEGMENTS = 2  # coal_co2_segments: the other units first, then both tiers
STEEL_SEGMENTS = 4  # step_caps: the two coal segments, gas, then no power (a BF-BOF tonne's own CO2)
# caps.STEEL_MOVES and caps.ONLY_BFBOF, built the same way (ctsim.engine.caps imports this module, so
# this one cannot import it; tests/unit/test_compiled_steel.py checks that the tables are equal)
STEEL_MOVES = np.zeros((N_STEEL_OPTIONS, N_ROUTES))
STEEL_MOVES[:, BFBOF] = -1.0
STEEL_MOVES[OPT_EAF, EAF] = 1.0
STEEL_MOVES[OPT_H2DRI, H2DRI] = 1.0
ONLY_BFBOF = np.eye(N_ROUTES)[BFBOF]


@inline
def steel_rooms(s, t, prev_bfbof, prev_output, bfbof_fall_max, output_fall_max, scrap_supply, scrap_t_per_t,
                h2_max_share, output, p_bf, p_ccus, p_eaf, p_h2):
    """``caps.steel_rooms`` of one sample: (pool, EAF room, H2-DRI room, output cut room)."""
    bf_floor = at(prev_bfbof, s) * (1 - at(bfbof_fall_max, s)) - p_ccus
    return (fmax(p_bf - fmax(bf_floor, 0.0), 0.0),
            at(scrap_supply, s) / at(scrap_t_per_t, s) - p_eaf,
            at(h2_max_share, s) * output - p_h2,
            output - at(prev_output, s) * (1 - at(output_fall_max, s)))


@jit
def _step_steel_cap(t, bf_coal, coal_co2, capture, eaf_co2, h2_co2, scrap_supply, scrap_t_per_t, h2_max_share,
                    eaf_premium, h2_premium, margin, bfbof_fall_max, output_fall_max, cap_mt,
                    prev_bfbof, prev_output, production_in, output_in, shares_in,
                    code_out, price_out, remaining_out, cut_out, production, output, shares):
    room, per_unit_co2, units = np.empty(N_STEEL_OPTIONS), np.empty(N_STEEL_OPTIONS), np.empty(N_STEEL_OPTIONS)
    potential, per_unit, costs = np.empty(N_STEEL_OPTIONS), np.empty(N_STEEL_OPTIONS), np.empty(N_STEEL_OPTIONS)
    p = np.empty(N_ROUTES)
    for s in range(output.shape[0]):
        i_bf = at(bf_coal, s) * at(coal_co2, s)
        i_eaf, i_h2 = at(eaf_co2, s), at(h2_co2, s)
        for r in range(N_ROUTES):
            p[r] = at_t(production_in, s, r)
        out = at(output_in, s)
        co2 = direct_co2(p[BFBOF], p[BFBOF_CCUS], p[EAF], p[H2DRI], at(bf_coal, s), at(coal_co2, s),
                         at(capture, s), i_eaf, i_h2)[1]
        pool, room[OPT_EAF], room[OPT_H2DRI], room[OPT_STEEL_CUT] = steel_rooms(
            s, t, prev_bfbof, prev_output, bfbof_fall_max, output_fall_max, scrap_supply, scrap_t_per_t,
            h2_max_share, out, p[BFBOF], p[BFBOF_CCUS], p[EAF], p[H2DRI])
        per_unit_co2[OPT_EAF], per_unit_co2[OPT_H2DRI] = i_bf - i_eaf, i_bf - i_h2
        per_unit_co2[OPT_STEEL_CUT] = i_bf
        remaining, code = abate(co2 - at(cap_mt, s), pool, room, per_unit_co2, units, potential, per_unit)
        for r in range(N_ROUTES):  # production + units @ STEEL_MOVES
            moved = 0.0
            for o in range(N_STEEL_OPTIONS):
                moved += units[o] * STEEL_MOVES[o, r]
            p[r] = p[r] + moved
        out = out - units[OPT_STEEL_CUT]
        d = fmax(out, 1e-9)
        for r in range(N_ROUTES):
            production[s, r] = p[r]
            shares[s, r] = p[r] / d if code > 0 else at_t(shares_in, s, r)
        output[s] = out
        costs[OPT_EAF] = at(eaf_premium, s) / (i_bf - i_eaf)
        costs[OPT_H2DRI] = at(h2_premium, s) / (i_bf - i_h2)
        costs[OPT_STEEL_CUT] = at(margin, s) / i_bf
        code_out[s], price_out[s] = code, shadow_price(code, costs)
        remaining_out[s], cut_out[s] = remaining, units[OPT_STEEL_CUT]


def step_steel_cap(sp, pol, fx, cp, prev, mix, levels, t):
    """:func:`ctsim.engine.caps.step_steel_cap`: ({cap output: array} of the outputs it sets, and the
    production, output and shares of the mix after abatement), which caps.py packs."""
    args = tuple(map(vector, (
        sp.bf_coal_tce_per_t[..., t], fx.coal_t_co2_per_tce, sp.ccus_capture_rate, sp.eaf_direct_t_co2_per_t,
        sp.h2dri_direct_t_co2_per_t, sp.scrap_supply_mt[..., t], sp.scrap_t_per_t_eaf, sp.h2dri_max_share[..., t],
        sp.eaf_premium_cny_per_t[..., t], sp.h2dri_premium_cny_per_t[..., t], cp.steel_margin_cny_per_t,
        pol.bfbof_fall_max_frac, pol.steel_output_fall_max_frac, levels.steel_mt[..., t], prev.bfbof_mt, prev.steel_output_mt,
        mix.production_mt, mix.output_mt, mix.shares)))
    n = mix.output_mt.shape[0]
    rows(n, *args)
    code, price, remaining, cut, output = (np.empty(n) for _ in range(5))
    production, shares = np.empty((n, N_ROUTES)), np.empty((n, N_ROUTES))
    _step_steel_cap(t, *args, code, price, remaining, cut, production, output, shares)
    return (dict(cap_binding_steel=code, carbon_shadow_price=price, cap_shortfall_mt=remaining,
                 steel_cap_cut_mt=cut), production, output, shares)


@inline
def coal_co2_segments(s, coal, ccs_frac, max_eff, max_other, decay, hr_eff, hr_other, hr_fleet, penalty,
                      ccs_capture, coal_co2, widths, slopes):
    """``power.coal_co2_segments`` of one sample into ``widths``, ``slopes`` [2]; ``decay`` is its
    exp(-max(gap, 0) / scale), computed by numpy."""
    w_other = at(max_other, s) * at(decay, s)
    m_eff = at(max_eff, s)
    total = m_eff + w_other
    share = where_div(m_eff, total, total > 0, 0.0)
    plain = 1.0 - at(ccs_frac, s)
    unabated = coal * plain
    kink = where_div(m_eff, share, share > 0, np.inf)
    above = where_div(fmax(unabated - kink, 0.0), plain, plain > 0, 0.0)
    above = fmin(above, coal)
    ccs = at(ccs_frac, s) * at(hr_fleet, s) * (1 + at(penalty, s)) * (1 - at(ccs_capture, s))
    per_gce = GCE_PER_KWH_TO_MTCE_PER_TWH * at(coal_co2, s)
    h_eff, h_other = at(hr_eff, s), at(hr_other, s)
    widths[0], widths[1] = above, coal - above
    slopes[0] = (plain * h_other + ccs) * per_gce
    slopes[1] = (plain * (share * h_eff + (1 - share) * h_other) + ccs) * per_gce


@jit
def _step_caps(t, bf_coal, scrap_supply, h2_max_share, national_mt, power_mt, kg_per_usd, reduction_2005,
               gas_price, coal_co2, gas_co2, gas_hr, bf_mwh, scrap_t_per_t, bfbof_fall_max, output_fall_max,
               reduction_2020, recoverable, demand_cut_max, flexibility_cost, demand_cut_cost, margin,
               ccs_penalty, ccs_capture, prev_intensity, prev_bfbof, prev_output,
               coal_twh, nonfossil_twh, gas_max_twh, gas_twh, demand, gdp, other_co2, pf_coal_co2, pf_co2,
               ccs_frac, max_eff, max_other, decay, hr_eff, hr_other, hr_fleet, coal_price, prior_price,
               prior_shortfall, prior_cut, production_in, output_in, shares_in, e_coal, e_co2, e_electricity,
               code_out, national_out, price_out, shortfall_out, demand_cut_out, steel_cut_out,
               nonfossil_out, coal_out, gas_out, demand_out, production, output, shares,
               e_coal_out, e_co2_out, e_electricity_out):
    widths, slopes = np.empty(SEGMENTS), np.empty(SEGMENTS)
    opt_slopes = np.empty((N_POWER_OPTIONS, SEGMENTS))
    room, reach, start = np.empty(N_POWER_OPTIONS), np.empty(N_POWER_OPTIONS), np.empty(N_POWER_OPTIONS)
    at_start, potential = np.empty(N_POWER_OPTIONS), np.empty(N_POWER_OPTIONS)
    used, units, option_costs = np.empty(N_POWER_OPTIONS), np.empty(N_POWER_OPTIONS), np.empty(N_POWER_OPTIONS)
    s_widths, s_slopes = np.empty(STEEL_SEGMENTS), np.empty(STEEL_SEGMENTS)
    gas_in = np.zeros(N_POWER_OPTIONS)
    for s in range(coal_twh.shape[0]):
        coal = at(coal_twh, s)
        b_coal = at(bf_coal, s)
        bf_i = b_coal * at(coal_co2, s)
        b_mwh = at(bf_mwh, s)
        out_in = at(output_in, s)
        p_bf, p_ccus = at_t(production_in, s, BFBOF), at_t(production_in, s, BFBOF_CCUS)
        p_eaf, p_h2 = at_t(production_in, s, EAF), at_t(production_in, s, H2DRI)
        pool, _, _, cut_room = steel_rooms(s, t, prev_bfbof, prev_output, bfbof_fall_max, output_fall_max,
                                           scrap_supply, scrap_t_per_t, h2_max_share, out_in, p_bf, p_ccus,
                                           p_eaf, p_h2)
        ci = where_div(at(pf_coal_co2, s), coal, coal > 0, 0.0)
        gi = at(gas_hr, s) * 1e-3 * at(gas_co2, s)
        vre = 0.0
        for k in range(VRE.shape[0]):
            v = at_t(nonfossil_twh, s, k) if VRE[k] else 0.0
            vre = v + 0.0 if k == 0 else vre + v
        intensity_2005 = at(prev_intensity, s) / (1 - at(reduction_2020, s))
        national_cap = fmin(at(national_mt, s), intensity_cap_mt(
            at(gdp, s), at(kg_per_usd, s), at(reduction_2005, s), intensity_2005))
        co2 = at(pf_co2, s)
        x_national = co2 + at(other_co2, s) - national_cap
        x_power = co2 - at(power_mt, s)
        coal_co2_segments(s, coal, ccs_frac, max_eff, max_other, decay, hr_eff, hr_other, hr_fleet,
                          ccs_penalty, ccs_capture, coal_co2, widths, slopes)
        gas_in[OPT_TO_GAS] = gi
        room[OPT_RECOVER] = at(recoverable, s) * vre
        room[OPT_TO_GAS] = at(gas_max_twh, s) - at(gas_twh, s)
        room[OPT_DEMAND_CUT] = at(demand_cut_max, s) * at(demand, s)
        acc = 0.0
        previous = 0.0
        for o in range(N_POWER_OPTIONS):
            lowest = 0.0
            for k in range(SEGMENTS):
                opt_slopes[o, k] = slopes[k] - gas_in[o]
                lowest = opt_slopes[o, k] if k == 0 else fmin(lowest, opt_slopes[o, k])
            r = fmax(room[o], 0.0) if lowest > 0 else 0.0
            acc = r if o == 0 else acc + r
            reach[o] = fmin(acc, coal)
            start[o] = reach[o] - (reach[o] - previous)
            previous = reach[o]
            at_start[o] = segments_value(start[o], widths, opt_slopes[o])
            potential[o] = segments_value(reach[o], widths, opt_slopes[o]) - at_start[o]
        wanted = fmax(x_power, x_national)
        remaining = apply_options(wanted, potential, used)
        for o in range(N_POWER_OPTIONS):
            units[o] = clip(segments_inverse(at_start[o] + used[o], widths, opt_slopes[o]) - start[o], 0.0,
                            reach[o] - start[o]) if used[o] > 0 else 0.0
        code = binding_option(used, remaining)
        recovered, to_gas, cut = units[OPT_RECOVER], units[OPT_TO_GAS], units[OPT_DEMAND_CUT]
        abated = fmax(wanted, 0.0) - remaining
        # national: what power could not remove falls on BF-BOF output
        removed = recovered + to_gas + cut
        gas = at(gas_twh, s)
        fossil_after = fmax(coal - removed, 0.0) + gas + to_gas
        steel_left = fmin(fmin(cut_room, pool), where_div(fossil_after, b_mwh, b_mwh > 0, np.inf))
        hi_left = fmax(widths[0] - removed, 0.0)
        lo_left = fmax(coal - removed, 0.0) - hi_left
        s_widths[0] = where_div(hi_left, b_mwh, b_mwh > 0, 0.0)
        s_widths[1] = where_div(lo_left, b_mwh, b_mwh > 0, 0.0)
        s_widths[2] = where_div(gas + to_gas, b_mwh, b_mwh > 0, 0.0)
        s_widths[3] = np.inf
        s_slopes[0] = bf_i + b_mwh * slopes[0]
        s_slopes[1] = bf_i + b_mwh * slopes[1]
        s_slopes[2] = bf_i + b_mwh * gi
        s_slopes[3] = bf_i
        need = fmax(x_national - abated, 0.0)
        steel_used = fmin(need, segments_value(fmax(steel_left, 0.0), s_widths, s_slopes)
                          if steel_left > 0 else 0.0)
        short_national = need - steel_used
        steel_code = 2.0 if short_national > 1e-9 else (1.0 if steel_used > 0 else 0.0)  # binding_option
        steel_cut = fmin(segments_inverse(steel_used, s_widths, s_slopes), fmax(steel_left, 0.0)) \
            if steel_used > 0 else 0.0
        saved = steel_cut * b_mwh
        coal_after = fmax(coal - recovered - to_gas - cut, 0.0)
        coal_saved = fmin(saved, coal_after)
        scale = 1.0 + where_div(recovered, vre, vre > 0, 0.0)
        for k in range(VRE.shape[0]):
            v = at_t(nonfossil_twh, s, k)
            nonfossil_out[s, k] = v * scale if VRE[k] else v
        coal_out[s] = coal_after - coal_saved
        gas_out[s] = gas + to_gas - (saved - coal_saved)
        # cost per tonne of each option over the coal fuel it saves
        coal_fuel = at(coal_price, s) * at(hr_fleet, s) * 1e-3
        gas_fuel = at(gas_price, s) * at(gas_hr, s) * 1e-3
        option_costs[OPT_RECOVER] = where_div(at(flexibility_cost, s) - coal_fuel, ci, ci > 0, 0.0)
        option_costs[OPT_TO_GAS] = where_div(gas_fuel - coal_fuel, ci - gi, ci - gi > 0, 0.0)
        option_costs[OPT_DEMAND_CUT] = where_div(at(demand_cut_cost, s) - coal_fuel, ci, ci > 0, 0.0)
        steel_price = fmax(at(margin, s) / bf_i, 0.0) if steel_code > 0 else 0.0  # shadow_price, one option
        code_out[s] = code
        national_out[s] = (steel_code + 1 if steel_code > 0 else 1.0) if x_national > 0 else 0.0
        price_out[s] = fmax(fmax(shadow_price(code, option_costs), steel_price), at(prior_price, s) * 1.0)
        shortfall_out[s] = fmax(fmax(fmax(x_power - abated, 0.0), short_national), at(prior_shortfall, s) * 1.0)
        demand_cut_out[s] = cut
        steel_cut_out[s] = at(prior_cut, s) + steel_cut
        demand_out[s] = at(demand, s) - cut - saved
        # steel loses the BF-BOF tonnes cut, with their coal, CO2 and electricity
        out = out_in - steel_cut
        d = fmax(out, 1e-9)
        for r in range(N_ROUTES):
            p = at_t(production_in, s, r) - steel_cut * ONLY_BFBOF[r]
            production[s, r] = p
            shares[s, r] = p / d if steel_cut > 0 else at_t(shares_in, s, r)
        output[s] = out
        e_coal_out[s] = at(e_coal, s) - steel_cut * b_coal
        e_co2_out[s] = at(e_co2, s) - steel_cut * b_coal * at(coal_co2, s)
        e_electricity_out[s] = at(e_electricity, s) - steel_cut * b_mwh


def step_caps(cp, pw, sp, pol, mp, fx, levels, prev, t, d, demand, pf, fleet, costs, gdp, steel_cap, other_co2,
              mix, energy):
    """:func:`ctsim.engine.caps.step_caps` up to the power fuels of the new dispatch: (cap outputs,
    the dispatch's non-fossil, coal and gas TWh, demand, the mix's production, output and shares,
    the energy's coal, CO2 and electricity), which caps.py packs."""
    decay = np.exp(-np.maximum(fleet.gap_cny_per_mwh, 0.0) / pw.dispatch_cost_scale_cny_per_mwh)
    prior = steel_cap
    args = tuple(map(vector, (
        sp.bf_coal_tce_per_t[..., t], sp.scrap_supply_mt[..., t], sp.h2dri_max_share[..., t],
        levels.national_mt[..., t], levels.power_mt[..., t], levels.kg_per_usd[..., t],
        levels.reduction_2005[..., t], pw.gas_price_cny_per_tce[..., t], fx.coal_t_co2_per_tce,
        fx.gas_t_co2_per_tce, pw.gas_heat_rate_gce_per_kwh, sp.bfbof_mwh_per_t, sp.scrap_t_per_t_eaf,
        pol.bfbof_fall_max_frac, pol.steel_output_fall_max_frac, mp.co2_intensity_reduction_2020,
        cp.nonfossil_recoverable_frac, cp.demand_cut_max_frac, cp.flexibility_cost_cny_per_mwh,
        cp.demand_cut_cost_cny_per_mwh, cp.steel_margin_cny_per_t, pw.ccs_heat_rate_penalty,
        pw.ccs_capture_rate, prev.co2_intensity_2020_kg_per_usd, prev.bfbof_mt, prev.steel_output_mt,
        d.coal_twh, d.nonfossil_twh, d.gas_max_twh, d.gas_twh, demand, gdp, other_co2, pf.coal_co2_mt,
        pf.co2_mt, fleet.ccs_frac, fleet.max_eff_twh, fleet.max_other_twh, decay, fleet.hr_eff_gce_per_kwh,
        fleet.hr_other_gce_per_kwh, fleet.hr_fleet_gce_per_kwh, costs.coal_price_cny_per_tce,
        prior["carbon_shadow_price"], prior["cap_shortfall_mt"], prior["steel_cap_cut_mt"],
        mix.production_mt, mix.output_mt, mix.shares, energy.coal_mtce, energy.co2_mt, energy.electricity_twh)))
    n = d.coal_twh.shape[0]
    rows(n, *args)
    code, national, price, shortfall, demand_cut, steel_cut = (np.empty(n) for _ in range(6))
    coal, gas, demand_after, output, e_coal, e_co2, e_electricity = (np.empty(n) for _ in range(7))
    nonfossil = np.empty(d.nonfossil_twh.shape)
    production, shares = np.empty((n, N_ROUTES)), np.empty((n, N_ROUTES))
    _step_caps(t, *args, code, national, price, shortfall, demand_cut, steel_cut, nonfossil, coal, gas,
               demand_after, production, output, shares, e_coal, e_co2, e_electricity)
    out = dict(prior, cap_binding_power=code, cap_binding_national=national, carbon_shadow_price=price,
               cap_shortfall_mt=shortfall, demand_cap_cut_twh=demand_cut, steel_cap_cut_mt=steel_cut)
    return (out, (nonfossil, coal, gas), demand_after, (production, output, shares),
            (e_coal, e_co2, e_electricity))
