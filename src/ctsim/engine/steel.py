"""Steel kernels (route mix within scrap limits, coal, electricity and direct CO2) and the steel
steps of the year loop. Routes are on the last axis in the order of ctsim.engine.axes
(R: BF-BOF, BF-BOF+CCUS, EAF, H2-DRI; A: the three alternatives to unabated BF-BOF).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import compiled, policy
from .axes import (
    ALT_CCUS,
    ALT_EAF,
    ALT_H2DRI,
    ALT_ROUTES,
    BFBOF,
    BFBOF_CCUS,
    EAF,
    H2DRI,
    STEEL_ROUTES,
    stack_last,
    sum_last,
)
from .inputs import Factors, PolicyParams, ShockParams, SteelParams
from .state import State

# The R axis is unabated BF-BOF followed by the alternatives in their A order (route_shares sums the
# alternatives in the A order, as it did on the stacked [S, A] shares; the kernels too).
assert (BFBOF, *ALT_ROUTES) == tuple(range(len(STEEL_ROUTES)))


def stack_alt(ccus, eaf, h2dri, *like) -> np.ndarray:
    """Values of the alternative routes on a last axis [..., A] in the A order (BF-BOF+CCUS, EAF,
    H2-DRI), broadcast together (and with ``like``, e.g. ``np.zeros(S)`` to give every sample a row)."""
    slots = [None] * len(ALT_ROUTES)
    slots[ALT_CCUS], slots[ALT_EAF], slots[ALT_H2DRI] = ccus, eaf, h2dri
    return stack_last(slots, *like)


def stack_routes(bfbof, bfbof_ccus, eaf, h2dri) -> np.ndarray:
    """Values of the four routes on a last axis [..., R] in the R order, broadcast together."""
    slots = [None] * len(STEEL_ROUTES)
    slots[BFBOF], slots[BFBOF_CCUS], slots[EAF], slots[H2DRI] = bfbof, bfbof_ccus, eaf, h2dri
    return stack_last(slots)


def route_shares(
    output_mt: np.ndarray,
    eaf_share: np.ndarray,
    h2dri_share: np.ndarray,
    ccus_share: np.ndarray,
    scrap_supply_mt: np.ndarray,
    scrap_t_per_t: np.ndarray,
) -> np.ndarray:
    """Route shares [S, 4] in the order BF-BOF (unabated), BF-BOF with CCUS, EAF, H2-DRI.

    The EAF share is capped by scrap: EAF output <= scrap supply / scrap per tonne of EAF steel.
    If the EAF and H2-DRI shares add up to more than one, they are scaled down in proportion; CCUS
    (a blast-furnace route) gets at most what they leave, so more CCUS never lowers EAF or H2-DRI;
    BF-BOF without capture takes the remainder. Shares are in [0, 1] and sum to 1.
    """
    scrap_cap = np.divide(scrap_supply_mt / scrap_t_per_t, output_mt,
                          out=np.ones_like(output_mt * scrap_supply_mt), where=output_mt > 0)
    eaf = np.minimum(eaf_share, scrap_cap)
    new_routes = eaf + h2dri_share
    scale = 1.0 / np.maximum(new_routes, 1.0)
    eaf, h2 = eaf * scale, h2dri_share * scale
    ccus = np.minimum(ccus_share, 1.0 - eaf - h2)
    low = ccus + 0.0 + eaf + h2  # (axes.sum_last of the alternatives in their A order)
    return stack_routes(np.maximum(1.0 - low, 0.0), ccus, eaf, h2)


def direct_co2(
    production_mt: np.ndarray,
    bf_coal_tce_per_t: np.ndarray,
    coal_t_co2_per_tce: np.ndarray,
    ccus_capture: np.ndarray,
    eaf_t_co2_per_t: np.ndarray,
    h2dri_t_co2_per_t: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coal Mtce [S], direct CO2 Mt [S], captured CO2 Mt [S]) from production by route [S, 4].

    BF-BOF CO2 = coal use x coal emission factor (minus the captured share on CCUS units); EAF and
    H2-DRI direct emissions (electrodes, carbon additions) are per-tonne factors.
    """
    bf_coal = (production_mt[..., BFBOF] + production_mt[..., BFBOF_CCUS]) * bf_coal_tce_per_t
    ccus_co2 = production_mt[..., BFBOF_CCUS] * bf_coal_tce_per_t * coal_t_co2_per_tce
    captured = ccus_co2 * ccus_capture
    co2 = (
        production_mt[..., BFBOF] * bf_coal_tce_per_t * coal_t_co2_per_tce
        + ccus_co2 - captured
        + production_mt[..., EAF] * eaf_t_co2_per_t
        + production_mt[..., H2DRI] * h2dri_t_co2_per_t
    )
    return bf_coal, co2, captured


def electricity(production_mt: np.ndarray, mwh_per_t: np.ndarray) -> np.ndarray:
    """TWh [S] = sum over routes of Mt x MWh/t (1 Mt x 1 MWh/t = 1 TWh); mwh_per_t is [S or 1, 4]."""
    return sum_last(production_mt * mwh_per_t)


def switch_advantage(
    carbon_price: np.ndarray, coverage: np.ndarray, bf_t_co2_per_t: np.ndarray,
    route_t_co2_per_t: np.ndarray, extra_mwh_per_t: np.ndarray, grid_t_co2_per_mwh: np.ndarray,
    premium_cny_per_t: np.ndarray,
) -> np.ndarray:
    """Saving (CNY/t) of making a tonne by each alternative route instead of BF-BOF, [S, A].

    a_r = p x coverage x (I_bf - I_r - dE_r x m) - premium_r

    I: direct CO2 per tonne; dE_r: extra grid electricity per tonne (MWh/t) valued at the CO2
    per fossil MWh m (t/MWh, last year's power CO2 over coal, gas and oil output: extra load is met
    by fossil units while they run; the benchmark cancels between routes); premium_r: cost over BF-BOF
    excluding carbon. Arrays broadcast to [S, A]; scalars per sample are [S, 1].
    """
    return carbon_price * coverage * (
        bf_t_co2_per_t - route_t_co2_per_t - extra_mwh_per_t * grid_t_co2_per_mwh
    ) - premium_cny_per_t


def turnover_switch(
    bfbof_share: np.ndarray, campaign_yr: np.ndarray, advantage: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Share of output [S, A] moving from unabated BF-BOF to each alternative route this year.

    Only blast furnaces due for relining (1 / campaign of ``bfbof_share``, the BF-BOF share the
    policy paths leave, so that one route's uptake never shrinks another's pool) can switch. Each of the
    A routes draws on its own 1 / A of them by its own saving, u_r = clip(a_r / scale, 0, 1) (the
    share of plants for which it pays, plant costs spread over ``scale``). No route is chosen by a
    switch, and a route's uptake depends on its own saving only: it rises continuously with it and
    another route getting cheaper never takes furnaces from it (so a higher carbon price never
    lowers any route's share through competition).
    """
    relined = bfbof_share / campaign_yr
    n = advantage.shape[-1]  # (route by route: the same numbers as on [S, A] with [S, 1] broadcast, faster)
    return stack_last([relined * np.clip(advantage[..., a] / scale, 0.0, 1.0) / n for a in range(n)])


def hold_bfbof(production_mt: np.ndarray, bfbof_min_mt: np.ndarray, eaf_requested_mt: np.ndarray,
               h2dri_requested_mt: np.ndarray, ccus_wanted_mt: np.ndarray) -> np.ndarray:
    """Keep BF-BOF output (both BF-BOF routes) at least ``bfbof_min_mt`` [S] (capped by total output).
    Production [S, 4]; ``*_requested_mt`` [S] the EAF and H2-DRI output of the requested (policy)
    shares; ``ccus_wanted_mt`` [S] the BF-BOF+CCUS output of its requested and cost-driven shares.

    EAF and H2-DRI give way in this order: H2-DRI's cost-driven output (beyond the requested), EAF's
    cost-driven output, H2-DRI's requested output, EAF's requested output. The requested output is
    the policy path, which the carbon price does not move, so the part of it that gives way,
    ``max(Q - (P - B_min), 0)`` (``Q`` requested EAF + H2-DRI output, ``P`` total output, ``B_min`` the
    floor, lower at a higher price), never grows with the price: a higher price cannot hand one route's
    policy output to another route's cost-driven switch (it did: more cost-driven EAF, held back,
    took requested H2-DRI's place). Within each, H2-DRI waits first: the held blast furnaces make the
    ore-based primary steel H2-DRI was to replace, at the higher cost; EAF's cost-driven output gives
    way only for what H2-DRI's cannot cover, which more H2-DRI output at a higher price does not grow.

    What they give up goes back to BF-BOF with CCUS up to ``ccus_wanted_mt`` (``route_shares`` gave
    CCUS only what EAF and H2-DRI left), then to unabated BF-BOF.
    """
    eaf, h2, ccus = production_mt[..., EAF], production_mt[..., H2DRI], production_mt[..., BFBOF_CCUS]
    move = np.clip(bfbof_min_mt - (production_mt[..., BFBOF] + ccus), 0.0, eaf + h2)
    req_eaf, req_h2 = np.minimum(eaf_requested_mt, eaf), np.minimum(h2dri_requested_mt, h2)
    from_h2 = np.minimum(move, h2 - req_h2)
    left = move - from_h2
    from_eaf = np.minimum(left, eaf - req_eaf)
    left = left - from_eaf
    from_h2_req = np.minimum(left, req_h2)
    to_ccus = np.clip(ccus_wanted_mt - ccus, 0.0, move)
    out = production_mt.copy()
    out[..., H2DRI] -= from_h2 + from_h2_req
    out[..., EAF] -= from_eaf + (left - from_h2_req)
    out[..., BFBOF_CCUS] += to_ccus
    out[..., BFBOF] += move - to_ccus
    return out


# --- steps of the year loop ----------------------------------------------------------------------
@dataclass(frozen=True)
class SteelMix:
    """Steel output (Mt [S]), production by route (Mt [S, R]), route shares [S, R] and the cost-driven
    extra shares of the alternatives [S, A] (carried to next year)."""

    output_mt: np.ndarray
    production_mt: np.ndarray
    shares: np.ndarray
    extra_share: np.ndarray


@dataclass(frozen=True)
class SteelEnergy:
    """Coal (Mtce), direct and captured CO2 (Mt) and grid electricity (TWh) of a steel mix, [S] each."""

    coal_mtce: np.ndarray
    co2_mt: np.ndarray
    captured_mt: np.ndarray
    electricity_twh: np.ndarray


def route_switch(sp: SteelParams, pol: PolicyParams, fx: Factors, prev: State, price: np.ndarray,
                 year: int, t: int) -> np.ndarray:
    """Route shares [S, A] that relined blast furnaces move to this year, driven by each route's cost
    over BF-BOF including the carbon cost (docs/model.md)."""
    bf = sp.bf_coal_tce_per_t[..., t] * fx.coal_t_co2_per_tce
    capture = sp.ccus_capture_rate
    bf_mwh = sp.bfbof_mwh_per_t
    covered = policy.covered(year, pol.ets_steel_start_year)
    # route by route on [S] (or shared [1]) values, in the A order: the same numbers as switch_advantage
    # on [S, A] arrays with [S, 1] per-sample values, without numpy's slow broadcasting along a short axis
    route = [None] * len(ALT_ROUTES)
    extra = [None] * len(ALT_ROUTES)
    premium = [None] * len(ALT_ROUTES)
    route[ALT_CCUS], route[ALT_EAF], route[ALT_H2DRI] = (bf * (1 - capture), sp.eaf_direct_t_co2_per_t,
                                                         sp.h2dri_direct_t_co2_per_t)
    extra[ALT_CCUS], extra[ALT_EAF], extra[ALT_H2DRI] = (0.0 * bf_mwh, sp.eaf_mwh_per_t - bf_mwh,
                                                         sp.h2dri_mwh_per_t - bf_mwh)
    premium[ALT_CCUS], premium[ALT_EAF], premium[ALT_H2DRI] = (
        sp.ccus_cost_cny_per_t_co2 * bf * capture, sp.eaf_premium_cny_per_t[..., t], sp.h2dri_premium_cny_per_t[..., t])
    advantage = stack_last([switch_advantage(price, covered, bf, route[a], extra[a], prev.grid_t_co2_per_mwh,
                                             premium[a]) for a in range(len(ALT_ROUTES))])
    requested = sp.eaf_share[..., t] + sp.h2dri_share[..., t] + sp.ccus_share[..., t]
    return turnover_switch(np.maximum(1.0 - requested, 0.0) * np.ones(prev.bfbof_share.shape), sp.bf_campaign_yr,
                           advantage, sp.switch_cost_scale_cny_per_t)


def bound_route_extra(sp: SteelParams, t: int, output: np.ndarray, requested: np.ndarray,
                      extra: np.ndarray) -> np.ndarray:
    """Cost-driven route shares stay within scrap (EAF) and H2-DRI capacity, on top of the
    requested (policy) shares; what cannot switch stays BF-BOF."""
    scrap_cap = sp.scrap_supply_mt[..., t] / sp.scrap_t_per_t_eaf / np.maximum(output, 1e-9)
    room = stack_alt(np.ones_like(output), scrap_cap - requested[..., ALT_EAF],
                     sp.h2dri_max_share[..., t] - requested[..., ALT_H2DRI])
    return np.clip(extra, 0.0, np.maximum(room, 0.0))


def step_steel(sp: SteelParams, pol: PolicyParams, fx: Factors, sh: ShockParams, prev: State | None,
               price: np.ndarray, year: int, t: int, n: int) -> SteelMix:
    """Output and route mix: the output path (part of last year's rationing loss made up, within the
    step limit), requested plus cost-driven route shares within scrap and H2-DRI capacity, and BF-BOF
    output falling at most step by step."""
    if compiled.active():
        from .compiled import steel as kernels
        return SteelMix(*kernels.step_steel(sp, pol, fx, sh, prev, price, year, t, n))
    output = sp.output_mt[..., t] * np.ones(n)
    if prev is not None:  # part of last year's output lost to rationing is made up; step-by-step limit
        output = policy.limit_fall(output + sh.rebound_fraction * prev.steel_lost_mt, prev.steel_output_mt,
                                   pol.steel_output_fall_max_frac)
    requested = stack_alt(sp.ccus_share[..., t], sp.eaf_share[..., t], sp.h2dri_share[..., t], np.zeros(n))
    extra = np.zeros((n, len(ALT_ROUTES))) if prev is None else prev.steel_extra_share + route_switch(
        sp, pol, fx, prev, price, year, t)
    extra = bound_route_extra(sp, t, output, requested, extra)
    low = requested + extra
    shares = route_shares(output, low[..., ALT_EAF], low[..., ALT_H2DRI], low[..., ALT_CCUS],
                          sp.scrap_supply_mt[..., t], sp.scrap_t_per_t_eaf)
    production = output[..., None] * shares
    if prev is not None:  # BF-BOF output falls step by step: low-carbon routes wait for the rest
        production = hold_bfbof(production, prev.bfbof_mt * (1 - pol.bfbof_fall_max_frac),
                                output * requested[..., ALT_EAF], output * requested[..., ALT_H2DRI],
                                output * low[..., ALT_CCUS])
        shares = production / np.maximum(output, 1e-9)[..., None]
    return SteelMix(output, production, shares, extra)


def step_steel_energy(sp: SteelParams, fx: Factors, mix: SteelMix, t: int) -> SteelEnergy:
    """Coal, direct CO2, captured CO2 and electricity of the year's steel mix."""
    if compiled.active():
        from .compiled import steel as kernels
        return SteelEnergy(*kernels.step_steel_energy(sp, fx, mix, t))
    coal, co2, captured = direct_co2(mix.production_mt, sp.bf_coal_tce_per_t[..., t], fx.coal_t_co2_per_tce,
                                     sp.ccus_capture_rate, sp.eaf_direct_t_co2_per_t, sp.h2dri_direct_t_co2_per_t)
    mwh_per_t = stack_routes(sp.bfbof_mwh_per_t, sp.bfbof_mwh_per_t, sp.eaf_mwh_per_t, sp.h2dri_mwh_per_t)
    return SteelEnergy(coal, co2, captured, electricity(mix.production_mt, mwh_per_t))
