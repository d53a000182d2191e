"""The adequacy step of the year loop: the investment that responds when firm capacity or energy
falls short (docs/model.md, "Firm capacity and investment"). Kernels: ctsim.engine.adequacy.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import adequacy as ad
from . import compiled
from .axes import (
    COAL,
    EN_COAL,
    EN_NUCLEAR,
    EN_SOLAR,
    EN_WIND,
    ENERGY_OPTIONS,
    FIRM_COAL,
    FIRM_GAS,
    FIRM_NUCLEAR,
    FIRM_OPTIONS,
    FIRM_STORAGE,
    GAS,
    NF_HYDRO,
    NUCLEAR,
    POWER_TECHS,
    SOLAR,
    WIND,
    stack_last,
    sum_last,
)
from .capacity import Capacity, with_builds, with_extension
from .inputs import PowerParams
from .power import Costs, Supply, supply
from .state import State
from .storage import StorageStock, marginal_curtailment, raw_curtailment, softplus, step_storage
from .units import TWH_PER_GW_YEAR

ENERGY_PASSES = 3  # energy-build passes a year (numerical: each corrects the last one's linearisation; what
# three leave short of the requirement is at most 3.3e-6 of demand, 0.04 TWh in campaign-style 2031 with ~900
# TWh to build (the property test's prices), usually round-off; four passes: 1.3e-10)


def step_adequacy(pw: PowerParams, prev: State | None, cap: Capacity, store: StorageStock, demand: np.ndarray,
                  costs: Costs, gas_bound_twh: np.ndarray, year: int, t: int
                  ) -> tuple[ad.Adequacy, Capacity, StorageStock, Supply | None]:
    """Build what the year's firm capacity and energy lack, from the first response year on.

    1. Firm capacity: required = peak x (1 + reserve margin); a shortfall is met first by keeping
       coal units that reach their lifetime this year as backup (firm capacity that does not
       generate; at most ``coal_extension_share`` of them): an existing unit costs its fixed O&M
       and no capital, so it comes before any new option. The rest is met by the allowed firm
       options (new-type storage, gas, coal, nuclear within its build cap) in logit shares of their
       cost per firm kW-yr.
    2. Storage for surplus: new-type storage is built up to the shifting capability at which one
       more kW just pays: the coal it displaces (its cycles x the share of them that finds surplus,
       the derivative of ``storage.absorbed``, x round trip x a new coal unit's running cost)
       equals its capital cost; at most what last year's coal output leaves to displace. The
       target grows continuously with the surplus and with the carbon price. It is sized on the
       year's final fleet: again at the start of every energy pass, on the fleet with the builds
       so far (``surplus_storage``).
    3. Energy: if the fleet (with those builds, without shocks, without the backup) still cannot
       deliver the year's demand with ``energy_margin`` to spare and with ``planning_hydro_shortfall``
       of its hydro output held back (a dry year), coal (if allowed), nuclear (within
       its cap), wind and solar are built in logit shares of their cost per delivered MWh
       (``energy_builds``: a wind or solar MWh's margin counts the storage for surplus that grows
       with it), in up to ``ENERGY_PASSES`` passes; they are commissioned for the whole year
       (planned ahead). Storage and energy builds are thus one plan: the fleet's storage is what
       pays on the fleet's surplus, and the fleet with that storage just delivers the year's
       energy, at any carbon price (a higher price builds more storage and less wind and solar,
       delivering the same).

    Returns (adequacy flows, capacity with the builds, storage with the built storage, and the
    planning supply of the final fleet without shocks, None if energy builds changed the fleet after
    it was computed). The ``if``s are shortcuts that skip work whose result is all zeros.
    """
    if compiled.active():
        from .compiled import investment as kernels
        return kernels.step_adequacy(pw, prev, cap, store, demand, costs, gas_bound_twh, year, t, ENERGY_PASSES)
    n = demand.shape[0]
    zeros = np.zeros(n)
    on = np.where(year >= pw.response_from_year, 1.0, 0.0)
    active = bool(np.any(on > 0))  # (a shortcut: before the response year nothing is built)
    coal_ok, gas_ok = ad.allowed_new(pw, year)
    peak = ad.peak_load(demand, pw.load_factor[..., t])
    required = peak * (1.0 + pw.reserve_margin)
    nuclear_room = np.maximum(pw.nuclear_build_max_gw - pw.nuclear_additions_gw[..., t], 0.0)
    # 1. firm capacity
    firm = ad.firm_capacity(pw, cap.end_gw, store.gw, store.gwh, demand, t)
    cap_firm, store_start = cap, store  # (the stocks of that firm capacity)
    short = np.maximum(required - firm, 0.0) * on
    if active and np.any(short > 0):  # (a shortcut: with no shortfall anywhere nothing is kept)
        # (never negative: a round-off below 0 would differ with the chunk's other samples)
        extended = np.maximum(np.minimum(short / pw.credit_thermal, pw.coal_extension_share * cap.coal_aged_out_gw),
                              0.0)
        cap = with_extension(cap, extended)
        short = np.maximum(short - extended * pw.credit_thermal, 0.0)
    firm_built = np.zeros((n, len(FIRM_OPTIONS)))
    if active and np.any(short > 0):  # (a shortcut: with no shortfall anywhere the builds are all 0)
        allowed = [np.ones(1)] * len(FIRM_OPTIONS)
        allowed[FIRM_GAS], allowed[FIRM_COAL] = gas_ok, coal_ok
        allowed[FIRM_NUCLEAR] = np.where(nuclear_room > 0, 1.0, 0.0)
        shares_f = ad.logit_shares(ad.firm_costs(pw, costs.new_coal_cny_per_mwh, costs.new_gas_cny_per_mwh, t),
                                   stack_last(allowed), pw.invest_cost_scale_cny_per_kw_yr)
        credit = [None] * len(FIRM_OPTIONS)
        credit[FIRM_STORAGE] = ad.storage_credit(pw.nts_duration_h[..., t], pw.storage_credit_hours)
        credit[FIRM_GAS] = credit[FIRM_COAL] = credit[FIRM_NUCLEAR] = pw.credit_thermal
        per_gw = stack_last(credit)
        firm_built = ad.capped_split(short, shares_f, per_gw, FIRM_NUCLEAR, nuclear_room)
        built = np.zeros((n, len(POWER_TECHS)))
        built[..., GAS] = firm_built[..., FIRM_GAS]
        built[..., COAL] = firm_built[..., FIRM_COAL]
        built[..., NUCLEAR] = firm_built[..., FIRM_NUCLEAR]
        cap = with_builds(cap, built)
        store = step_storage(pw, prev, firm_built[..., FIRM_STORAGE], t, n)
    # 2. storage for surplus, sized on the fleet of each energy pass (below), so that the year's
    # storage is what pays on the surplus of the year's final fleet
    econ_gw, growth, to_kink = zeros, zeros, zeros
    store_firm = store
    if active:
        sizing = surplus_sizing(pw, costs, t)
        coal_prev = zeros if prev is None else prev.coal_generation_twh
    # 3. energy: what the fleet can deliver without shocks; builds for the gap, then further passes
    # for what the linearised one before (one marginal curtailment rate for the whole block) left short
    energy_built = np.zeros((n, len(ENERGY_OPTIONS)))
    room = nuclear_room - firm_built[..., FIRM_NUCLEAR]
    for _ in range(ENERGY_PASSES):
        if active:
            econ_gw, growth, to_kink = surplus_storage(pw, cap, store_firm, demand, sizing, coal_prev, on, t)
            if np.any(econ_gw > 0):
                store = step_storage(pw, prev, firm_built[..., FIRM_STORAGE] + econ_gw, t, n)
        sup = supply(pw, np.ones(1), cap.generating_gw, store, demand, gas_bound_twh, t)
        if not active:
            break
        deliverable = sum_last(sup.nonfossil_twh) + sup.must_run_twh + sup.gas_max_twh + sup.coal_max_twh
        # (holding back what a dry year would take of hydro: planning sees no drought, it plans for one)
        gap = np.maximum(demand * (1.0 + pw.energy_margin) + pw.planning_hydro_shortfall * sup.nonfossil_twh[..., NF_HYDRO]
                         - deliverable, 0.0) * on
        if not np.any(gap > 0):  # (a shortcut: nothing to build anywhere)
            break
        built = energy_builds_with_gap(pw, costs, sup, store, demand, gap, coal_ok, room, t, growth, to_kink, sizing[0])
        energy_built = energy_built + built
        room = room - built[..., EN_NUCLEAR]
        built_e = np.zeros((n, len(POWER_TECHS)))
        built_e[..., COAL] = built[..., EN_COAL]
        built_e[..., NUCLEAR] = built[..., EN_NUCLEAR]
        built_e[..., WIND] = built[..., EN_WIND]
        built_e[..., SOLAR] = built[..., EN_SOLAR]
        cap = with_builds(cap, built_e, whole_year=True)
        sup = None  # the fleet changed: the planning supply no longer holds
    else:  # (every pass built: the storage for surplus of the final fleet)
        econ_gw, _, _ = surplus_storage(pw, cap, store_firm, demand, sizing, coal_prev, on, t)
        if np.any(econ_gw > 0):
            store = step_storage(pw, prev, firm_built[..., FIRM_STORAGE] + econ_gw, t, n)
    if cap is not cap_firm or store is not store_start:  # (a shortcut: nothing kept or built, the same firm)
        firm = ad.firm_capacity(pw, cap.end_gw, store.gw, store.gwh, demand, t)
    return ad.Adequacy(peak, required, firm, firm_built, energy_built, econ_gw), cap, store, sup


def surplus_sizing(pw: PowerParams, costs: Costs, t: int) -> tuple[np.ndarray, np.ndarray]:
    """(x*, MWh charged per kW-yr) of the storage-for-surplus step ([S or 1]): x* = surplus / shifting
    capability at which the share of a kW's cycles that finds surplus, d(absorbed)/dA = 1 - e^-x (1 + x),
    equals its capital cost over the coal its full cycles would displace (cycles x duration x round
    trip x a new coal unit's running cost with carbon)."""
    mwh_per_kw = pw.storage_cycles_per_yr * pw.nts_duration_h[..., t] * 1e-3  # charged per kW-yr
    if costs.storage_surplus_ratio is not None:  # computed before the loop (with_surplus_ratios)
        return costs.storage_surplus_ratio, mwh_per_kw
    return ad.surplus_ratio(_surplus_share(pw, costs, t, mwh_per_kw)), mwh_per_kw


def _surplus_share(pw: PowerParams, costs: Costs, t: int, mwh_per_kw: np.ndarray) -> np.ndarray:
    """The share q of a kW's cycles that must find surplus for it to pay (surplus_sizing), [S or 1]."""
    value = mwh_per_kw * pw.nts_round_trip * costs.new_coal_cny_per_mwh
    cost = pw.nts_capex_cny_per_kw[..., t] * ad.capital_recovery(pw.discount_rate, pw.nts_lifetime_yr)
    return np.clip(cost / np.maximum(value, 1e-9), 0.0, 1.0)


def with_surplus_ratios(pws: list[PowerParams], costs: list[Costs]) -> list[Costs]:
    """The years' costs (year t: ``pws[t]``, ``costs[t]``) with x* of surplus_sizing attached, the
    bisection run once on all years [S or 1, Y] instead of once a year: the same numbers (elementwise),
    ~300 numpy calls a run instead of ~300 a year."""
    shares = [_surplus_share(pw, c, t, pw.storage_cycles_per_yr * pw.nts_duration_h[..., t] * 1e-3)
              for t, (pw, c) in enumerate(zip(pws, costs, strict=True))]
    x_star = ad.surplus_ratio(np.stack(np.broadcast_arrays(*shares), axis=-1))
    return [replace(c, storage_surplus_ratio=x_star[..., t]) for t, c in enumerate(costs)]


def surplus_storage(pw: PowerParams, cap: Capacity, store: StorageStock, demand: np.ndarray,
                    sizing: tuple[np.ndarray, np.ndarray], coal_prev: np.ndarray, on: np.ndarray, t: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Storage for surplus on the fleet ``cap``: (GW [S] of new-type storage built, dA/dC0 [S], TWh [S]
    of wind and solar potential before storage starts to grow).

    Storage is built up to the shifting capability A* = C0 / x* (C0: the fleet's surplus before
    storage, ``raw_curtailment``), at most the capability of ``store`` (the storage before this step)
    plus last year's coal output (there must be coal to displace). dA/dC0 is 1 / x* where A* is
    inside those bounds (or at the lower one: the storage grows with the next MWh of surplus), else
    0. Where A* is below the lower bound (the storage standing already shifts more than pays), the
    third value is how much more wind and solar potential V raises the surplus to x* A (the
    inverse of ``raw_curtailment``), else inf: an energy pass stops there (energy_builds), because
    beyond it the storage grows and each MWh delivers more."""
    x_star, mwh_per_kw = sizing
    vre = (cap.available_gw[..., WIND] * pw.wind_cf[..., t] + cap.available_gw[..., SOLAR] * pw.solar_cf[..., t]
           ) * TWH_PER_GW_YEAR
    flex, width = pw.grid_flexibility[..., t], pw.curtailment_width
    raw = raw_curtailment(vre, demand, flex, width)
    want = raw / x_star
    low = store.shift_twh
    top = low + coal_prev  # no more than coal to displace
    econ_gw = on * np.maximum(np.minimum(want, top) - low, 0.0) / (0.5 * mwh_per_kw)
    ahead = want < low * (1.0 - ad.KINK_TOL)
    growth = on * np.where(~ahead & (want < top), 1.0 / x_star, 0.0)
    d = np.maximum(demand, 1e-9)
    y = x_star * low / (d * width) + softplus(-flex / width)  # softplus((V_k / d - F) / w) = y at the kink
    v_kink = d * (flex + width * (y + np.log(-np.expm1(-np.maximum(y, 1e-300)))))
    to_kink = np.where(ahead & (on > 0), np.maximum(v_kink - vre, 0.0), np.inf)
    return econ_gw, growth, to_kink


# The PowerParams fields energy_builds reads (itself and through storage.marginal_curtailment,
# raw_curtailment, _energy_split and adequacy.energy_costs): energy_builds_with_gap hands it these only
ENERGY_BUILD_PARAMS = ("grid_flexibility", "curtailment_width", "nts_round_trip", "wind_cf", "solar_cf", "coal_cf_max",
                       "nuclear_cf", "energy_cost_scale_cny_per_mwh", "discount_rate", "coal_fixed_cost_cny_per_kw_yr",
                       "nuclear_capex_cny_per_kw", "nuclear_lifetime_yr", "wind_capex_cny_per_kw",
                       "solar_capex_cny_per_kw", "vre_lifetime_yr")


class _Fields:
    """Named values as attributes, nothing else (a read of any other name fails)."""

    def __init__(self, values: dict[str, np.ndarray]):
        self.__dict__.update(values)


def energy_builds_with_gap(pw: PowerParams, costs: Costs, sup: Supply, store: StorageStock, demand: np.ndarray,
                           gap: np.ndarray, coal_ok: np.ndarray, room: np.ndarray, t: int,
                           growth: np.ndarray | float = 0.0, to_kink: np.ndarray | float = np.inf,
                           x_star: np.ndarray | float = 1.0) -> np.ndarray:
    """``energy_builds`` [S, O_energy], computed for the samples with a gap only: a sample without one
    builds +0.0 GW of every option there (a zero gap splits into zeros: each option's share x 0, the
    nuclear cap's overflow 0; with or without the crossing step), so the numbers are the same and the
    work is that of the samples that build (a pass builds in 0-40 % of a sweep's samples). The year's
    values of the per-sample inputs are taken on those samples; ``pw`` is handed on as its
    ``ENERGY_BUILD_PARAMS`` only (paths cut to year t), so a field read that the list lacks fails."""
    n = demand.shape[0]
    some = gap > 0
    if some.all():
        return energy_builds(pw, costs, sup, store, demand, gap, coal_ok, room, t, growth, to_kink, x_star)
    rows = np.flatnonzero(some)

    def take(x):  # a per-sample value's rows; a shared one ([1], a scalar) as it is
        return x[rows] if getattr(x, "ndim", 0) and x.shape[0] == n else x

    params = {}
    for name in ENERGY_BUILD_PARAMS:
        value = getattr(pw, name)
        params[name] = take(value[..., t:t + 1] if value.ndim == 2 else value)  # a path: year t only
    built = energy_builds(_Fields(params), replace(costs, new_coal_cny_per_mwh=take(costs.new_coal_cny_per_mwh)),
                          replace(sup, vre_potential_twh=take(sup.vre_potential_twh)),
                          replace(store, shift_twh=take(store.shift_twh), efficiency=take(store.efficiency)),
                          demand[rows], gap[rows], take(coal_ok), take(room), 0, take(growth), take(to_kink),
                          take(x_star))
    out = np.zeros((n, len(ENERGY_OPTIONS)))
    out[rows] = built
    return out


def energy_builds(pw: PowerParams, costs: Costs, sup: Supply, store: StorageStock, demand: np.ndarray,
                  gap: np.ndarray, coal_ok: np.ndarray, room: np.ndarray, t: int,
                  growth: np.ndarray | float = 0.0, to_kink: np.ndarray | float = np.inf,
                  x_star: np.ndarray | float = 1.0) -> np.ndarray:
    """GW [S, O_energy] of coal (if allowed), nuclear (within ``room``), wind and solar, in logit
    shares of their cost per delivered MWh, that deliver ``gap`` TWh this year at the fleet's
    margin: a wind or solar MWh is lost at the marginal curtailment rate m, less what storage takes
    in and returns (round trip). Storage takes in d absorbed / d raw = e^-x of it (x = raw / A,
    ctsim.engine.storage.absorbed), and where storage for surplus grows with the surplus
    (``growth`` = dA/d raw, ``surplus_storage``) also (1 - e^-x (1 + x)) dA/d raw more, and the
    new storage's round trip lifts the fleet's: with A = raw / x*, one MWh more of wind and solar
    delivers 1 - m (1 - rt_nts (1 - e^-x*) / x*). Where the builds would add more than ``to_kink``
    TWh of wind and solar potential, the point where storage for surplus starts to grow and the
    margin steepens, they are built up to it at this margin and the rest of the gap at the margin
    there (``x_star``: the storage's surplus ratio): one linear step across it would build more than
    the gap, which cannot be taken back."""
    zeros = np.zeros(demand.shape)
    m = marginal_curtailment(sup.vre_potential_twh, demand, pw.grid_flexibility[..., t], pw.curtailment_width)
    raw = raw_curtailment(sup.vre_potential_twh, demand, pw.grid_flexibility[..., t], pw.curtailment_width)
    a = np.maximum(store.shift_twh, 1e-12)
    x = raw / a
    taken = np.where(store.shift_twh > 0, np.exp(-x), 0.0)
    # d absorbed / d raw with the storage growing with the surplus (dA/dC0 = ``growth``):
    # e^-x + (1 - e^-x (1 + x)) dA/dC0
    grows = np.where(store.shift_twh > 0, growth, 0.0)
    m = m * (1.0 - taken * store.efficiency
             - grows * ((-np.expm1(-x) - x * np.exp(-x)) * store.efficiency
                        + -np.expm1(-x) * (pw.nts_round_trip - store.efficiency)))
    built = _energy_split(pw, costs, m, gap, coal_ok, room, t, zeros)
    # a pass that would cross the point where storage for surplus starts to grow builds up to it at
    # this margin and the rest of the gap at the margin there (the storage at its target, x = x*)
    full = TWH_PER_GW_YEAR
    more_vre = (built[..., EN_WIND] * pw.wind_cf[..., t] + built[..., EN_SOLAR] * pw.solar_cf[..., t]) * full
    cross = more_vre > to_kink
    if np.any(cross):  # (a shortcut: no pass crosses it anywhere)
        first = np.where(cross, to_kink / np.maximum(more_vre, 1e-300), 1.0)
        x_k = np.broadcast_to(x_star, demand.shape)
        m_k = marginal_curtailment(sup.vre_potential_twh + np.where(cross, to_kink, 0.0), demand,
                                   pw.grid_flexibility[..., t], pw.curtailment_width)
        m_k = m_k * (1.0 - pw.nts_round_trip * -np.expm1(-x_k) / x_k)
        rest = _energy_split(pw, costs, m_k, np.where(cross, gap * (1.0 - first), 0.0), coal_ok,
                             room - built[..., EN_NUCLEAR] * first, t, zeros)
        built = built * first[..., None] + rest
    return built


def _energy_split(pw: PowerParams, costs: Costs, m: np.ndarray, gap: np.ndarray, coal_ok: np.ndarray,
                  room: np.ndarray, t: int, zeros: np.ndarray) -> np.ndarray:
    """GW [S, O_energy] of the energy options that deliver ``gap`` TWh at a wind and solar marginal
    loss ``m``, in logit shares of their cost per delivered MWh (nuclear within ``room``)."""
    full = TWH_PER_GW_YEAR  # energy builds work the whole year (capacity.with_builds)
    per_gw = [None] * len(ENERGY_OPTIONS)  # TWh delivered this year per GW built
    per_gw[EN_COAL] = full * pw.coal_cf_max
    per_gw[EN_NUCLEAR] = full * pw.nuclear_cf[..., t]
    per_gw[EN_WIND] = full * pw.wind_cf[..., t] * (1.0 - m)
    per_gw[EN_SOLAR] = full * pw.solar_cf[..., t] * (1.0 - m)
    allowed = [np.ones(1)] * len(ENERGY_OPTIONS)
    allowed[EN_COAL] = coal_ok
    allowed[EN_NUCLEAR] = np.where(room > 0, 1.0, 0.0)
    shares = ad.logit_shares(ad.energy_costs(pw, costs.new_coal_cny_per_mwh, m, t), stack_last(allowed, zeros),
                             pw.energy_cost_scale_cny_per_mwh)
    return ad.capped_split(gap, shares, np.maximum(stack_last(per_gw, zeros), 1e-9), EN_NUCLEAR,
                           np.maximum(room, 0.0))
