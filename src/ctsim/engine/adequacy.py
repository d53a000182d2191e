"""Firm capacity and the investment that responds to it: peak demand, capacity credits, the firm
capacity a reserve margin needs, and the cheapest allowed options built (smooth logit shares) when
firm capacity or energy falls short. Equations and sources: docs/model.md, "Firm capacity and
investment".

Arrays carry the sample axis first ([S]); options are the last axis ([S, O], ctsim.engine.axes
FIRM_OPTIONS and ENERGY_OPTIONS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import divide_or
from .axes import (
    COAL,
    COAL_CCS,
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
    HYDRO,
    NTS,
    NUCLEAR,
    PHS,
    SOLAR,
    WIND,
    stack_last,
)
from .inputs import PowerParams
from .units import TWH_PER_GW_YEAR

KINK_TOL = 1e-9  # (numerical) storage for surplus standing within this share of its target counts as at it
# (ctsim.engine.investment; here so that the compiled kernels read it without importing investment)

def peak_load(demand_twh: np.ndarray, load_factor: np.ndarray) -> np.ndarray:
    """Peak load (GW) = annual demand / (8.76 TWh per GW-year x load factor)."""
    return demand_twh / (TWH_PER_GW_YEAR * load_factor)


def vre_credit(credit_low: np.ndarray, share: np.ndarray, halving_share: np.ndarray) -> np.ndarray:
    """Capacity credit of wind or solar, declining with its share of demand:
    credit = credit_low / (1 + share / halving_share) (credit_low at a small share, half of it at
    ``halving_share``)."""
    return credit_low / (1.0 + np.maximum(share, 0.0) / halving_share)


def storage_credit(duration_h: np.ndarray, hours_scale: np.ndarray) -> np.ndarray:
    """Capacity credit of storage of a given duration: 1 - exp(-duration / scale)."""
    return -np.expm1(-np.maximum(duration_h, 0.0) / hours_scale)


def surplus_ratio(q: np.ndarray, iterations: int = 24) -> np.ndarray:
    """x > 0 with 1 - e^-x (1 + x) = q, for q in [0, 1] (bisection on log x, [S]): the ratio of
    surplus to storage shifting capability at which a kW more of storage finds surplus in a share q
    of its cycles. q -> 0 gives x -> 0 (storage up to all the surplus), q -> 1 gives x -> inf."""
    lo, hi = np.full(q.shape, -12.0), np.full(q.shape, 6.0)  # log x
    for _ in range(iterations):  # fixed count: vectorised over samples, no data-dependent loop
        mid = 0.5 * (lo + hi)
        x = np.exp(mid)
        above = -np.expm1(-x) - x * np.exp(-x) > q
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    return np.exp(0.5 * (lo + hi))


def capital_recovery(rate: np.ndarray, lifetime_yr: np.ndarray) -> np.ndarray:
    """Capital recovery factor r / (1 - (1 + r)^-n): yearly payment per unit of capital."""
    return rate / -np.expm1(-lifetime_yr * np.log1p(rate))


def logit_shares(cost: np.ndarray, allowed: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Shares [S, O] of options by cost [S, O] (GCAM-style logit): w_o = allowed_o x
    exp(-(c_o - min c) / scale), s_o = w_o / sum w. ``allowed`` in [0, 1] (0 forbids an option); an
    option's share falls continuously as its cost rises. All options forbidden gives zero shares."""
    # option by option on [S] columns (the same operations as on [S, O] arrays: numpy's reduction and
    # broadcasting along a short last axis are many times slower than elementwise passes over columns)
    options = range(cost.shape[-1])
    ok = [allowed[..., o] > 0 for o in options]
    low = np.where(ok[0], cost[..., 0], np.inf)
    for o in options[1:]:  # the minimum over the allowed options (exact in any order)
        low = np.minimum(low, np.where(ok[o], cost[..., o], np.inf))
    low = np.where(np.isfinite(low), low, 0.0)
    scale = np.asarray(scale)
    w = [allowed[..., o] * np.exp(-np.maximum(np.where(ok[o], cost[..., o], low) - low, 0.0) / scale)
         for o in options]
    total = w[0] + 0.0  # (sum_last: left to right from +0.0)
    for o in options[1:]:
        total = total + w[o]
    return stack_last([divide_or(w_o, total, 0.0) for w_o in w])


def capped_split(need: np.ndarray, shares: np.ndarray, per_unit: np.ndarray, capped: int, room: np.ndarray
                 ) -> np.ndarray:
    """Build [S, O] (GW) meeting ``need`` [S] with ``shares`` [S or 1, O], each GW of option o giving
    ``per_unit`` [S or 1, O] of the need; option ``capped`` takes at most ``room`` [S or 1] GW and
    what it cannot take goes to the others in proportion to their shares."""
    n_opt = shares.shape[-1]
    want = [shares[..., o] * need / per_unit[..., o] for o in range(n_opt)]
    built_c = np.minimum(want[capped], room)
    left = (want[capped] - built_c) * per_unit[..., capped]
    others = 1.0 - shares[..., capped]
    spread = divide_or(left, others, 0.0)
    out = np.empty(need.shape + (n_opt,))
    for o in range(n_opt):
        out[..., o] = built_c if o == capped else want[o] + shares[..., o] * spread / per_unit[..., o]
    return out


@dataclass(frozen=True)
class Adequacy:
    """Peak load, firm capacity required and available after investment (GW, [S]), the GW built for
    firm capacity [S, O_firm] and for energy [S, O_energy], and new-type storage built because
    shifting surplus wind and solar pays (GW [S])."""

    peak_gw: np.ndarray
    required_gw: np.ndarray
    firm_gw: np.ndarray
    firm_built_gw: np.ndarray
    energy_built_gw: np.ndarray
    storage_built_gw: np.ndarray


def firm_capacity(pw: PowerParams, cap_gw: np.ndarray, storage_gw: np.ndarray, storage_gwh: np.ndarray,
                  demand_twh: np.ndarray, t: int) -> np.ndarray:
    """Firm capacity (GW, [S]) of a fleet [S, K] with storage [S, 2]: capacity x capacity credit."""
    d = np.maximum(demand_twh, 1e-9)
    wind_share = cap_gw[..., WIND] * pw.wind_cf[..., t] * TWH_PER_GW_YEAR / d
    solar_share = cap_gw[..., SOLAR] * pw.solar_cf[..., t] * TWH_PER_GW_YEAR / d
    dur = np.divide(storage_gwh, storage_gw, out=np.zeros_like(storage_gwh), where=storage_gw > 0)
    credit_store = storage_credit(dur, pw.storage_credit_hours)
    thermal = cap_gw[..., COAL] + cap_gw[..., COAL_CCS] + cap_gw[..., GAS] + cap_gw[..., NUCLEAR]
    return (thermal * pw.credit_thermal + cap_gw[..., HYDRO] * pw.credit_hydro
            + cap_gw[..., WIND] * vre_credit(pw.credit_wind, wind_share, pw.credit_vre_halving_share)
            + cap_gw[..., SOLAR] * vre_credit(pw.credit_solar, solar_share, pw.credit_vre_halving_share)
            + storage_gw[..., PHS] * credit_store[..., PHS] + storage_gw[..., NTS] * credit_store[..., NTS])


def allowed_new(pw: PowerParams, year: int) -> tuple[np.ndarray, np.ndarray]:
    """(coal, gas) new-build permission this year: 1 before the scenario's no-new-build year, else 0."""
    return (np.where(year < pw.no_new_coal_from_year, 1.0, 0.0),
            np.where(year < pw.no_new_gas_from_year, 1.0, 0.0))


def firm_costs(pw: PowerParams, srmc_coal: np.ndarray, srmc_gas: np.ndarray, t: int) -> np.ndarray:
    """Yearly cost of a kW of firm capacity by option (CNY per firm kW-yr, [S or 1, O_firm]): capital
    recovery (or the coal fixed-cost standard) plus fuel and carbon over the firm units' running
    hours, divided by the option's capacity credit. (Storage's value in shifting surplus is its own
    investment step: ctsim.engine.investment.)"""
    r = pw.discount_rate
    run = pw.firm_run_hours * 1e-3  # MWh per kW-yr
    dur = pw.nts_duration_h[..., t]
    store = pw.nts_capex_cny_per_kw[..., t] * capital_recovery(r, pw.nts_lifetime_yr) / storage_credit(
        dur, pw.storage_credit_hours)
    gas = (pw.gas_capex_cny_per_kw * capital_recovery(r, pw.gas_lifetime_yr) + srmc_gas * run) / pw.credit_thermal
    coal = (pw.coal_fixed_cost_cny_per_kw_yr + srmc_coal * run) / pw.credit_thermal
    nuclear = (pw.nuclear_capex_cny_per_kw * capital_recovery(r, pw.nuclear_lifetime_yr)) / pw.credit_thermal
    out = [None] * len(FIRM_OPTIONS)
    out[FIRM_STORAGE], out[FIRM_GAS], out[FIRM_COAL], out[FIRM_NUCLEAR] = store, gas, coal, nuclear
    return stack_last(out, srmc_coal)


def energy_costs(pw: PowerParams, srmc_coal: np.ndarray, m_curtail: np.ndarray, t: int) -> np.ndarray:
    """Levelised cost of a MWh delivered by each energy option (CNY/MWh, [S, O_energy]): capital
    recovery per MWh at the option's utilisation (wind and solar net of marginal curtailment) plus
    fuel and carbon for coal."""
    r = pw.discount_rate
    hours = TWH_PER_GW_YEAR  # MWh per kW-yr at full load (8.76)
    keep = np.maximum(1.0 - m_curtail, 1e-3)
    coal = pw.coal_fixed_cost_cny_per_kw_yr / (pw.coal_cf_max * hours) + srmc_coal
    nuclear = pw.nuclear_capex_cny_per_kw * capital_recovery(r, pw.nuclear_lifetime_yr) / (
        pw.nuclear_cf[..., t] * hours)
    wind = pw.wind_capex_cny_per_kw[..., t] * capital_recovery(r, pw.vre_lifetime_yr) / (
        pw.wind_cf[..., t] * hours * keep)
    solar = pw.solar_capex_cny_per_kw[..., t] * capital_recovery(r, pw.vre_lifetime_yr) / (
        pw.solar_cf[..., t] * hours * keep)
    out = [None] * len(ENERGY_OPTIONS)
    out[EN_COAL], out[EN_NUCLEAR], out[EN_WIND], out[EN_SOLAR] = coal, nuclear, wind, solar
    return stack_last(out, srmc_coal)
