"""Caps ("dual control" of carbon): the per-year glue between the cap kernels in policy.py and
the year loop. A cap that binds is met by the sector's abatement options in the documented order
(docs/model.md, "Caps"); without any cap none of this runs.
"""

from __future__ import annotations

import numpy as np

from . import policy, steel
from .inputs import Inputs

CAP_OUTPUTS = ("cap_binding_power", "cap_binding_steel", "cap_binding_national", "carbon_shadow_price",
               "cap_shortfall_mt", "demand_cap_cut_twh", "steel_cap_cut_mt")
CAPS_OFF = dict.fromkeys(CAP_OUTPUTS, 0.0)  # a year in which no cap binds


def cap_levels(inp: Inputs) -> tuple[bool, dict[str, np.ndarray]]:
    """Cap paths [S or 1, Y] with absent caps as +inf, and whether any cap is present at all (a
    structural switch read once before the loop: without caps the cap code never runs)."""
    caps = {k: policy.cap_level(getattr(inp.caps, f"{k}_co2_mt"), policy.NO_CAP_MT) for k in ("national", "power", "steel")}
    caps["kg_per_usd"] = policy.cap_level(inp.caps.co2_intensity_kg_per_usd, policy.NO_CAP_KG_PER_USD)
    caps["reduction"] = policy.cap_level(inp.caps.co2_intensity_reduction_2005, policy.NO_CAP_REDUCTION,
                                         upper=False)
    return bool(any(np.isfinite(c).any() for c in caps.values())), caps


def steel_cap(inp: Inputs, t: int, production: np.ndarray, output: np.ndarray, shares: np.ndarray,
               state: dict, caps: dict, ef_coal: np.ndarray) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """Abate direct steel CO2 above the steel cap (docs/model.md, "Caps"): more EAF within scrap,
    then H2-DRI within capacity, then lower output, each displacing unabated BF-BOF tonnes within
    the step-by-step limits. Returns (cap outputs, production [S, 4], output, shares)."""
    i_bf = inp.steel.bf_coal_tce_per_t[..., t] * ef_coal
    i_eaf, i_h2 = inp.steel.eaf_direct_t_co2_per_t, inp.steel.h2dri_direct_t_co2_per_t
    co2 = steel.direct_co2(production, inp.steel.bf_coal_tce_per_t[..., t], ef_coal,
                           inp.steel.ccus_capture_rate, i_eaf, i_h2)[1]
    rooms = steel_rooms(inp, t, production, output, state)
    stack = lambda *xs: np.stack(np.broadcast_arrays(*xs), axis=-1)  # noqa: E731
    units, remaining, code = policy.abate(co2 - caps["steel"][:, t], rooms["pool"],
                                          stack(rooms["eaf"], rooms["h2dri"], rooms["cut"]),
                                          stack(i_bf - i_eaf, i_bf - i_h2, i_bf))
    production = production + units @ np.array([[-1.0, 0, 1, 0], [-1, 0, 0, 1], [-1, 0, 0, 0]])
    output = output - units[:, 2]
    shares = np.where(code[:, None] > 0, production / np.maximum(output, 1e-9)[:, None], shares)
    costs = stack(inp.steel.eaf_premium_cny_per_t[..., t] / (i_bf - i_eaf),
                  inp.steel.h2dri_premium_cny_per_t[..., t] / (i_bf - i_h2),
                  inp.caps.steel_margin_cny_per_t / i_bf)
    return (dict(CAPS_OFF, cap_binding_steel=code, carbon_shadow_price=policy.shadow_price(code, costs),
                 cap_shortfall_mt=remaining, steel_cap_cut_mt=units[:, 2]), production, output, shares)


def steel_rooms(inp: Inputs, t: int, production: np.ndarray, output: np.ndarray, state: dict) -> dict:
    """What a cap can still move in steel this year (Mt, [S] each): unabated BF-BOF above the
    BF-BOF step limit (the pool), EAF room within scrap, H2-DRI room within capacity, and output
    above the output step limit."""
    bf_floor = state["bfbof_mt"] * (1 - inp.policy.bfbof_fall_max_frac) - production[:, 1]
    return {"pool": np.maximum(production[:, 0] - np.maximum(bf_floor, 0.0), 0.0),
            "eaf": inp.steel.scrap_supply_mt[..., t] / inp.steel.scrap_t_per_t_eaf - production[:, 2],
            "h2dri": inp.steel.h2dri_max_share[..., t] * output - production[:, 3],
            "cut": output - state["steel_made"] * (1 - inp.policy.steel_output_fall_max_frac)}


def after_dispatch(inp: Inputs, t: int, d: dict, demand: np.ndarray, pf: dict, fleet: dict,
                         vre_mask: np.ndarray, gas_max: np.ndarray, caps: dict, coal_price: np.ndarray,
                         national: dict) -> tuple[dict, dict, np.ndarray, np.ndarray]:
    """Abate power CO2 above the power cap and national CO2 above the national and intensity caps
    (docs/model.md, "Caps"). Power: recovered wind/solar output, then coal-to-gas, then demand
    reduction, each displacing coal. National: power options first, then lower BF-BOF steel output,
    then a shortfall. ``national`` holds GDP, the 2020 intensity, the CO2 of every sector before
    the power options, the steel cap outputs and the steel rooms. Returns (cap outputs, dispatch,
    demand, steel output cut Mt)."""
    coal = d["coal"]
    ci = np.divide(pf["coal_co2"], coal, out=np.zeros_like(coal), where=coal > 0)  # t/MWh, average
    gi = inp.power.gas_heat_rate_gce_per_kwh * 1e-3 * inp.factors.gas_t_co2_per_tce
    vre = np.where(vre_mask, d["nonfossil"], 0.0).sum(axis=1)
    intensity_2005 = national["intensity_2020"] / (1 - inp.macro.co2_intensity_reduction_2020)
    national_cap = np.minimum(caps["national"][:, t], policy.intensity_cap_mt(
        national["gdp"], caps["kg_per_usd"][:, t], caps["reduction"][:, t], intensity_2005))
    x_national = pf["co2"] + national["other_co2"] - national_cap
    x_power = pf["co2"] - caps["power"][:, t]
    stack = lambda *xs: np.stack(np.broadcast_arrays(*xs), axis=-1)  # noqa: E731
    units, remaining, code = policy.abate(
        np.maximum(x_power, x_national), coal,
        stack(inp.caps.nonfossil_recoverable_frac * vre, gas_max - d["gas"],
              inp.caps.demand_cut_max_frac * demand),
        stack(ci, ci - gi, ci))
    recovered, to_gas, cut = units[:, 0], units[:, 1], units[:, 2]
    abated = np.maximum(np.maximum(x_power, x_national), 0.0) - remaining
    # national: what power could not remove falls on BF-BOF output (its grid electricity comes off
    # coal, then gas), within what the steel cap left of the output and BF-BOF step limits
    rooms, bf_i = national["steel_rooms"], national["bf_t_co2_per_t"]
    fossil_after = np.maximum(coal - recovered - to_gas - cut, 0.0) + d["gas"] + to_gas
    steel_left = np.minimum(np.minimum(rooms["cut"], rooms["pool"]), np.divide(
        fossil_after, national["bf_mwh_per_t"], out=np.full_like(coal, np.inf),
        where=national["bf_mwh_per_t"] > 0))
    steel_units, short_national, steel_code = policy.abate(
        x_national - abated, steel_left,
        steel_left[:, None], bf_i[:, None])
    steel_cut = steel_units[:, 0]
    saved = steel_cut * national["bf_mwh_per_t"]
    coal_after = np.maximum(coal - recovered - to_gas - cut, 0.0)
    coal_saved = np.minimum(saved, coal_after)
    scale = 1.0 + np.divide(recovered, vre, out=np.zeros_like(vre), where=vre > 0)
    d = dict(d, nonfossil=np.where(vre_mask, d["nonfossil"] * scale[:, None], d["nonfossil"]),
             coal=coal_after - coal_saved, gas=d["gas"] + to_gas - (saved - coal_saved))
    # cost per tonne of each option over the coal fuel it saves (CNY/MWh / t/MWh)
    coal_fuel = coal_price * fleet["hr_fleet"] * 1e-3
    gas_fuel = inp.power.gas_price_cny_per_tce[..., t] * inp.power.gas_heat_rate_gce_per_kwh * 1e-3
    per_t = lambda cost, dt: np.divide(cost, dt, out=np.zeros_like(coal), where=dt > 0)  # noqa: E731
    costs = stack(per_t(inp.caps.flexibility_cost_cny_per_mwh - coal_fuel, ci),
                  per_t(gas_fuel - coal_fuel, ci - gi),
                  per_t(inp.caps.demand_cut_cost_cny_per_mwh - coal_fuel, ci))
    steel_price = policy.shadow_price(steel_code, (inp.caps.steel_margin_cny_per_t / bf_i)[:, None])
    national_code = np.where(x_national > 0, np.where(steel_code > 0, steel_code + 1, 1.0), 0.0)
    prior = national["steel_cap"]
    out = dict(prior, cap_binding_power=code, cap_binding_national=national_code,
               carbon_shadow_price=np.maximum.reduce([policy.shadow_price(code, costs), steel_price,
                                                      prior["carbon_shadow_price"] * np.ones_like(coal)]),
               cap_shortfall_mt=np.maximum.reduce([np.maximum(x_power - abated, 0.0), short_national,
                                                   prior["cap_shortfall_mt"] * np.ones_like(coal)]),
               demand_cap_cut_twh=cut, steel_cap_cut_mt=prior["steel_cap_cut_mt"] + steel_cut)
    return out, d, demand - cut - saved, steel_cut
