"""Caps ("dual control" of carbon): the per-year glue between the cap kernels in policy.py and
the year loop. A cap that binds is met by the sector's abatement options in the documented order
(docs/model.md, "Caps"); without any cap none of this runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import compiled, policy, steel
from .axes import (
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
    STEEL_CAP_OPTIONS,
    STEEL_ROUTES,
    stack_last,
    sum_last,
)
from .inputs import CapsParams, Factors, MacroParams, PolicyParams, PowerParams, SteelParams
from .power import VRE_MASK, CoalFleet, Costs, Dispatch, PowerFuels, coal_co2_segments, step_fuels
from .state import State
from .steel import SteelEnergy, SteelMix

CAP_OUTPUTS = ("cap_binding_power", "cap_binding_steel", "cap_binding_national", "carbon_shadow_price",
               "cap_shortfall_mt", "demand_cap_cut_twh", "steel_cap_cut_mt")
CAPS_OFF = dict.fromkeys(CAP_OUTPUTS, 0.0)  # a year in which no cap binds

# Production moved by a unit of each steel-cap option [O, R]: EAF and H2-DRI replace unabated
# BF-BOF tonnes; an output cut removes them.
STEEL_MOVES = np.zeros((len(STEEL_CAP_OPTIONS), len(STEEL_ROUTES)))
STEEL_MOVES[:, BFBOF] = -1.0
STEEL_MOVES[OPT_EAF, EAF] = 1.0
STEEL_MOVES[OPT_H2DRI, H2DRI] = 1.0
ONLY_BFBOF = np.eye(len(STEEL_ROUTES))[BFBOF]  # [R]: 1 for unabated BF-BOF


@dataclass(frozen=True)
class CapLevels:
    """Cap paths [S or 1, Y], +inf where a cap is absent."""

    national_mt: np.ndarray
    power_mt: np.ndarray
    steel_mt: np.ndarray
    kg_per_usd: np.ndarray
    reduction_2005: np.ndarray


@dataclass(frozen=True)
class SteelRooms:
    """What a cap can still move in steel this year (Mt, [S] each)."""

    pool: np.ndarray  # unabated BF-BOF above the BF-BOF step limit
    eaf: np.ndarray  # EAF room within scrap
    h2dri: np.ndarray  # H2-DRI room within capacity
    cut: np.ndarray  # output above the output step limit


def cap_levels(cp: CapsParams) -> tuple[bool, CapLevels]:
    """Cap paths with absent caps as +inf, and whether any cap is present at all (a structural
    switch read once before the loop: without caps the cap code never runs)."""
    levels = CapLevels(policy.cap_level(cp.national_co2_mt, policy.NO_CAP_MT),
                       policy.cap_level(cp.power_co2_mt, policy.NO_CAP_MT),
                       policy.cap_level(cp.steel_co2_mt, policy.NO_CAP_MT),
                       policy.cap_level(cp.co2_intensity_kg_per_usd, policy.NO_CAP_KG_PER_USD),
                       policy.cap_level(cp.co2_intensity_reduction_2005, policy.NO_CAP_REDUCTION, upper=False))
    on = any(np.isfinite(c).any() for c in (levels.national_mt, levels.power_mt, levels.steel_mt,
                                            levels.kg_per_usd, levels.reduction_2005))
    return bool(on), levels


def steel_rooms(sp: SteelParams, pol: PolicyParams, prev: State, mix: SteelMix, t: int) -> SteelRooms:
    """Unabated BF-BOF above the BF-BOF step limit (the pool), EAF room within scrap, H2-DRI room
    within capacity, and output above the output step limit."""
    production, output = mix.production_mt, mix.output_mt
    bf_floor = prev.bfbof_mt * (1 - pol.bfbof_fall_max_frac) - production[..., BFBOF_CCUS]
    return SteelRooms(np.maximum(production[..., BFBOF] - np.maximum(bf_floor, 0.0), 0.0),
                      sp.scrap_supply_mt[..., t] / sp.scrap_t_per_t_eaf - production[..., EAF],
                      sp.h2dri_max_share[..., t] * output - production[..., H2DRI],
                      output - prev.steel_output_mt * (1 - pol.steel_output_fall_max_frac))


def step_steel_cap(sp: SteelParams, pol: PolicyParams, fx: Factors, cp: CapsParams, prev: State,
                   mix: SteelMix, levels: CapLevels, t: int) -> tuple[dict, SteelMix]:
    """Abate direct steel CO2 above the steel cap (docs/model.md, "Caps"): more EAF within scrap,
    then H2-DRI within capacity, then lower output, each displacing unabated BF-BOF tonnes within
    the step-by-step limits. Returns (cap outputs, the mix after abatement)."""
    if compiled.active():
        from .compiled import caps as kernels
        out, production, output, shares = kernels.step_steel_cap(sp, pol, fx, cp, prev, mix, levels, t)
        return dict(CAPS_OFF, **out), replace(mix, production_mt=production, output_mt=output, shares=shares)
    i_bf = sp.bf_coal_tce_per_t[..., t] * fx.coal_t_co2_per_tce
    i_eaf, i_h2 = sp.eaf_direct_t_co2_per_t, sp.h2dri_direct_t_co2_per_t
    co2 = steel.direct_co2(mix.production_mt, sp.bf_coal_tce_per_t[..., t], fx.coal_t_co2_per_tce,
                           sp.ccus_capture_rate, i_eaf, i_h2)[1]
    rooms = steel_rooms(sp, pol, prev, mix, t)
    units, remaining, code = policy.abate(
        co2 - levels.steel_mt[..., t], rooms.pool,
        policy.stack_options({OPT_EAF: rooms.eaf, OPT_H2DRI: rooms.h2dri, OPT_STEEL_CUT: rooms.cut}),
        policy.stack_options({OPT_EAF: i_bf - i_eaf, OPT_H2DRI: i_bf - i_h2, OPT_STEEL_CUT: i_bf}))
    production = mix.production_mt + units @ STEEL_MOVES
    output = mix.output_mt - units[..., OPT_STEEL_CUT]
    shares = np.where(code[..., None] > 0, production / np.maximum(output, 1e-9)[..., None], mix.shares)
    costs = policy.stack_options({OPT_EAF: sp.eaf_premium_cny_per_t[..., t] / (i_bf - i_eaf),
                                  OPT_H2DRI: sp.h2dri_premium_cny_per_t[..., t] / (i_bf - i_h2),
                                  OPT_STEEL_CUT: cp.steel_margin_cny_per_t / i_bf})
    return (dict(CAPS_OFF, cap_binding_steel=code, carbon_shadow_price=policy.shadow_price(code, costs),
                 cap_shortfall_mt=remaining, steel_cap_cut_mt=units[..., OPT_STEEL_CUT]),
            replace(mix, production_mt=production, output_mt=output, shares=shares))


def step_caps(cp: CapsParams, pw: PowerParams, sp: SteelParams, pol: PolicyParams, mp: MacroParams,
              fx: Factors, levels: CapLevels, prev: State, t: int, d: Dispatch, demand: np.ndarray,
              pf: PowerFuels, fleet: CoalFleet, costs: Costs, gdp: np.ndarray, steel_cap: dict,
              other_co2: np.ndarray, mix: SteelMix, energy: SteelEnergy
              ) -> tuple[dict, Dispatch, np.ndarray, PowerFuels, SteelMix, SteelEnergy]:
    """Abate power CO2 above the power cap and national CO2 above the national and intensity caps
    (docs/model.md, "Caps"). Power: recovered wind/solar output, then coal-to-gas, then demand
    reduction, each displacing coal. National: power options first, then lower BF-BOF steel output,
    then a shortfall. ``other_co2`` is the CO2 of every sector but power; ``steel_cap`` the steel
    cap outputs. Returns (cap outputs, dispatch, demand, power fuels, steel mix and energy), all after
    abatement."""
    if compiled.active():
        from .compiled import caps as kernels
        out, (nonfossil, coal, gas), demand, (production, output, shares), (e_coal, e_co2, e_twh) = \
            kernels.step_caps(cp, pw, sp, pol, mp, fx, levels, prev, t, d, demand, pf, fleet, costs, gdp,
                              steel_cap, other_co2, mix, energy)
        d = replace(d, nonfossil_twh=nonfossil, coal_twh=coal, gas_twh=gas)
        return (out, d, demand, step_fuels(pw, fx, fleet, d.coal_twh, d.gas_twh),
                replace(mix, production_mt=production, output_mt=output, shares=shares),
                replace(energy, coal_mtce=e_coal, co2_mt=e_co2, electricity_twh=e_twh))
    coal = d.coal_twh
    bf_coal = sp.bf_coal_tce_per_t[..., t]
    bf_i = bf_coal * fx.coal_t_co2_per_tce
    bf_mwh = sp.bfbof_mwh_per_t
    rooms = steel_rooms(sp, pol, prev, mix, t)
    ci = np.divide(pf.coal_co2_mt, coal, out=np.zeros_like(coal), where=coal > 0)  # t/MWh, average
    gi = pw.gas_heat_rate_gce_per_kwh * 1e-3 * fx.gas_t_co2_per_tce
    vre = sum_last(np.where(VRE_MASK, d.nonfossil_twh, 0.0))
    intensity_2005 = prev.co2_intensity_2020_kg_per_usd / (1 - mp.co2_intensity_reduction_2020)
    national_cap = np.minimum(levels.national_mt[..., t], policy.intensity_cap_mt(
        gdp, levels.kg_per_usd[..., t], levels.reduction_2005[..., t], intensity_2005))
    x_national = pf.co2_mt + other_co2 - national_cap
    x_power = pf.co2_mt - levels.power_mt[..., t]
    # the options displace coal from the top of the dispatch; each TWh gives up the coal CO2 that
    # step_fuels counts for it (two segments: the other units first, then both tiers), less the gas
    # that replaces it, so the cap is met exactly whatever the carbon price did to the dispatch
    widths, slopes = coal_co2_segments(pw, fx, fleet, coal)
    gas_in = policy.stack_options({OPT_RECOVER: 0.0, OPT_TO_GAS: gi, OPT_DEMAND_CUT: 0.0})
    opt_slopes = slopes[..., None, :] - gas_in[..., None]  # [S, O, 2]
    opt_widths = np.broadcast_to(widths[..., None, :], opt_slopes.shape)
    room = policy.stack_options({OPT_RECOVER: cp.nonfossil_recoverable_frac * vre,
                                 OPT_TO_GAS: d.gas_max_twh - d.gas_twh,
                                 OPT_DEMAND_CUT: cp.demand_cut_max_frac * demand})
    room = np.where(opt_slopes.min(axis=-1) > 0, np.maximum(room, 0.0), 0.0)
    reach = np.minimum(np.cumsum(room, axis=-1), coal[..., None])
    start = reach - np.diff(reach, axis=-1, prepend=0.0)
    at_start = policy.segments_value(start, opt_widths, opt_slopes)
    potential = policy.segments_value(reach, opt_widths, opt_slopes) - at_start
    used, remaining = policy.apply_options(np.maximum(x_power, x_national), potential)
    units = np.where(used > 0, np.clip(policy.segments_inverse(at_start + used, opt_widths, opt_slopes)
                                       - start, 0.0, reach - start), 0.0)
    code = policy.binding_option(used, remaining)
    recovered, to_gas, cut = units[..., OPT_RECOVER], units[..., OPT_TO_GAS], units[..., OPT_DEMAND_CUT]
    abated = np.maximum(np.maximum(x_power, x_national), 0.0) - remaining
    # national: what power could not remove falls on BF-BOF output (its grid electricity comes off
    # coal, then gas), within what the steel cap left of the output and BF-BOF step limits; a tonne
    # cut abates its direct CO2 and the power CO2 of its electricity
    removed = recovered + to_gas + cut
    fossil_after = np.maximum(coal - removed, 0.0) + d.gas_twh + to_gas
    steel_left = np.minimum(np.minimum(rooms.cut, rooms.pool), np.divide(
        fossil_after, bf_mwh, out=np.full_like(coal, np.inf), where=bf_mwh > 0))
    hi_left = np.maximum(widths[..., 0] - removed, 0.0)
    lo_left = np.maximum(coal - removed, 0.0) - hi_left
    in_mt = lambda twh: np.divide(twh, bf_mwh, out=np.zeros_like(coal), where=bf_mwh > 0)  # noqa: E731
    s_widths = stack_last((in_mt(hi_left), in_mt(lo_left), in_mt(d.gas_twh + to_gas), np.full_like(coal, np.inf)))
    s_slopes = stack_last((bf_i + bf_mwh * slopes[..., 0], bf_i + bf_mwh * slopes[..., 1], bf_i + bf_mwh * gi,
                           bf_i))
    need = np.maximum(x_national - abated, 0.0)
    steel_used = np.minimum(need, np.where(steel_left > 0, policy.segments_value(
        np.maximum(steel_left, 0.0), s_widths, s_slopes), 0.0))
    short_national = need - steel_used
    steel_code = policy.binding_option(steel_used[..., None], short_national)
    steel_cut = np.where(steel_used > 0, np.minimum(policy.segments_inverse(steel_used, s_widths, s_slopes),
                                                    np.maximum(steel_left, 0.0)), 0.0)
    saved = steel_cut * bf_mwh
    coal_after = np.maximum(coal - recovered - to_gas - cut, 0.0)
    coal_saved = np.minimum(saved, coal_after)
    scale = 1.0 + np.divide(recovered, vre, out=np.zeros_like(vre), where=vre > 0)
    d = replace(d, nonfossil_twh=np.where(VRE_MASK, d.nonfossil_twh * scale[..., None], d.nonfossil_twh),
                coal_twh=coal_after - coal_saved, gas_twh=d.gas_twh + to_gas - (saved - coal_saved))
    # cost per tonne of each option over the coal fuel it saves (CNY/MWh / t/MWh)
    coal_fuel = costs.coal_price_cny_per_tce * fleet.hr_fleet_gce_per_kwh * 1e-3
    gas_fuel = pw.gas_price_cny_per_tce[..., t] * pw.gas_heat_rate_gce_per_kwh * 1e-3
    per_t = lambda cost, dt: np.divide(cost, dt, out=np.zeros_like(coal), where=dt > 0)  # noqa: E731
    option_costs = policy.stack_options({OPT_RECOVER: per_t(cp.flexibility_cost_cny_per_mwh - coal_fuel, ci),
                                         OPT_TO_GAS: per_t(gas_fuel - coal_fuel, ci - gi),
                                         OPT_DEMAND_CUT: per_t(cp.demand_cut_cost_cny_per_mwh - coal_fuel, ci)})
    steel_price = policy.shadow_price(steel_code, (cp.steel_margin_cny_per_t / bf_i)[..., None])
    national_code = np.where(x_national > 0, np.where(steel_code > 0, steel_code + 1, 1.0), 0.0)
    prior = steel_cap
    out = dict(prior, cap_binding_power=code, cap_binding_national=national_code,
               carbon_shadow_price=np.maximum.reduce([policy.shadow_price(code, option_costs), steel_price,
                                                      prior["carbon_shadow_price"] * np.ones_like(coal)]),
               cap_shortfall_mt=np.maximum.reduce([np.maximum(x_power - abated, 0.0), short_national,
                                                   prior["cap_shortfall_mt"] * np.ones_like(coal)]),
               demand_cap_cut_twh=cut, steel_cap_cut_mt=prior["steel_cap_cut_mt"] + steel_cut)
    # the power fuels of the new dispatch; steel loses the BF-BOF tonnes cut, with their coal,
    # CO2 and electricity
    pf = step_fuels(pw, fx, fleet, d.coal_twh, d.gas_twh)
    production = mix.production_mt - steel_cut[..., None] * ONLY_BFBOF
    output = mix.output_mt - steel_cut
    shares = np.where(steel_cut[..., None] > 0, production / np.maximum(output, 1e-9)[..., None], mix.shares)
    mix = replace(mix, production_mt=production, output_mt=output, shares=shares)
    energy = replace(energy, coal_mtce=energy.coal_mtce - steel_cut * bf_coal,
                     co2_mt=energy.co2_mt - steel_cut * bf_coal * fx.coal_t_co2_per_tce,
                     electricity_twh=energy.electricity_twh - steel_cut * bf_mwh)
    return out, d, demand - cut - saved, pf, mix, energy
