"""Shock kernels (coal shortfalls, who loses power first, what rationing costs) and the
rationing step of the year loop.

Arrays carry the sample axis first. Equations: docs/model.md, "Policy levers, caps and shocks".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import compiled
from .axes import USER_INDUSTRY, USER_OTHER, USER_STEEL, USERS, stack_last
from .inputs import ShockParams
from .policy import apply_options
from .state import State
from .steel import SteelEnergy, SteelMix


def fossil_limits(coal_twh: np.ndarray, gas_twh: np.ndarray, shortfall: np.ndarray,
                  coal_max_twh: np.ndarray, gas_max_twh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum coal and gas output in a year with a coal supply shortfall (a share of the year's coal
    generation that cannot run). Gas cannot rise above what it would have run: in a fuel crunch gas
    is short too. Without a shortfall the limits are the plants' own maxima.

    coal_max' = coal x (1 - shortfall), gas_max' = gas   where shortfall > 0
    """
    hit = shortfall > 0
    return (np.where(hit, np.minimum(coal_max_twh, coal_twh * (1.0 - shortfall)), coal_max_twh),
            np.where(hit, np.minimum(gas_max_twh, gas_twh), gas_max_twh))


def curtail(unserved_twh: np.ndarray, loads_twh: np.ndarray, max_cut_frac: np.ndarray,
            rank: np.ndarray) -> np.ndarray:
    """Share out unserved electricity [S] among user groups [S, G] in order of ``rank`` [S, G]
    (lowest first). Each group loses at most max_cut_frac [S or 1] x its load, except the last in the order,
    which takes whatever is left. Returns the cut of each group [S, G]; it adds up to ``unserved``."""
    if not (unserved_twh.any() or np.signbit(unserved_twh).any() or np.signbit(loads_twh).any()
            or np.signbit(max_cut_frac).any()):
        # nothing unserved in any sample (all +0.0) and no -0.0 room: every cut is +0.0, exactly
        # what the sharing below gives (a shortcut for the common year without rationing)
        return np.zeros(np.broadcast_shapes(unserved_twh.shape + (1,), loads_twh.shape, rank.shape))
    order = np.argsort(rank, axis=-1, kind="stable")
    loads = np.take_along_axis(loads_twh, order, axis=-1)
    # one fraction per sample [S or 1] (or a scalar), the same for every group
    frac = np.take_along_axis(np.broadcast_to(np.asarray(max_cut_frac)[..., None], loads_twh.shape), order,
                              axis=-1)
    room = loads * frac
    room[..., -1] = np.maximum(unserved_twh, 0.0)  # the last group in the order takes whatever is left
    used, _ = apply_options(unserved_twh, room)
    cut = np.empty_like(used)
    np.put_along_axis(cut, order, used, axis=-1)
    return cut


def gdp_loss(unserved_twh: np.ndarray, gdp_bn: np.ndarray, voll_usd_per_kwh: np.ndarray) -> np.ndarray:
    """Share of the year's GDP lost to rationing: unserved x value of lost load / GDP, at most 1
    (TWh x $/kWh = bn$)."""
    return np.minimum(voll_usd_per_kwh * unserved_twh / np.maximum(gdp_bn, 1e-9), 1.0)


def by_user(steel, industry, other) -> np.ndarray:
    """Values of the user groups on a last axis [..., U] in the U order, broadcast together."""
    slots = [None] * len(USERS)
    slots[USER_STEEL], slots[USER_INDUSTRY], slots[USER_OTHER] = steel, industry, other
    return stack_last(slots)


@dataclass(frozen=True)
class Rationing:
    """Who lost power (TWh [S, U]), the steel output lost (Mt [S]), the GDP gap and GDP (bn$ [S])."""

    cut_twh: np.ndarray
    steel_lost_mt: np.ndarray
    gdp_gap_frac: np.ndarray
    gdp_bn: np.ndarray


def step_rationing(sh: ShockParams, prev: State | None, unserved: np.ndarray, demand: np.ndarray,
                   base: np.ndarray, mix: SteelMix, energy: SteelEnergy, gdp_trend: np.ndarray, t: int
                   ) -> tuple[Rationing, SteelMix, SteelEnergy]:
    """Share unserved electricity out among user groups in the curtailment order; steel loses output
    (with its coal and CO2) in proportion to its cut, GDP the year's loss (fading by the rebound
    fraction later; a lasting shortage keeps it)."""
    if compiled.active():
        from .compiled import shocks as kernels
        cut, steel_lost, gap, gdp, output, production, coal, co2, captured = kernels.step_rationing(
            sh, prev, unserved, demand, base, mix, energy, gdp_trend, t)
        return (Rationing(cut, steel_lost, gap, gdp), replace(mix, output_mt=output, production_mt=production),
                replace(energy, coal_mtce=coal, co2_mt=co2, captured_mt=captured))
    steel_elec = energy.electricity_twh
    industry_load = base * sh.industry_share_of_base
    loads = by_user(steel_elec, industry_load, demand - steel_elec - industry_load)
    ranks = by_user(sh.rank_steel[..., t], sh.rank_industry[..., t], sh.rank_other[..., t])
    cut = curtail(unserved, loads, sh.max_cut_fraction, ranks)
    kept = 1.0 - np.divide(cut[..., USER_STEEL], steel_elec, out=np.zeros(steel_elec.shape), where=steel_elec > 0)
    steel_lost = mix.output_mt * (1.0 - kept)
    mix = replace(mix, output_mt=mix.output_mt * kept, production_mt=mix.production_mt * kept[..., None])
    energy = replace(energy, coal_mtce=energy.coal_mtce * kept, co2_mt=energy.co2_mt * kept,
                     captured_mt=energy.captured_mt * kept)
    loss = gdp_loss(unserved, gdp_trend, sh.voll_usd_per_kwh)
    gap = loss if prev is None else np.maximum(loss, (1.0 - sh.rebound_fraction) * prev.gdp_gap_frac)
    return Rationing(cut, steel_lost, gap, gdp_trend * (1.0 - gap)), mix, energy
