"""Scalar kernels of ctsim.engine.adequacy (the reference: same operations, same order), for the
fused adequacy step (:mod:`ctsim.engine.compiled.investment`): one sample's numbers at a time.

Scalars in, scalars out: the options of a sample (four firm or four energy options,
ctsim.engine.axes FIRM_OPTIONS and ENERGY_OPTIONS) are tuples in option order, so that a call
inside the sample loop passes no array (an array argument costs two reference-count updates).
"""

from __future__ import annotations

import math

from ..units import TWH_PER_GW_YEAR
from ._jit import jit


@jit
def peak_load(demand_twh, load_factor):
    return demand_twh / (TWH_PER_GW_YEAR * load_factor)


@jit
def vre_credit(credit_low, share, halving_share):
    return credit_low / (1.0 + max(share, 0.0) / halving_share)


@jit
def storage_credit(duration_h, hours_scale):
    return -math.expm1(-max(duration_h, 0.0) / hours_scale)


@jit
def capital_recovery(rate, lifetime_yr):
    return rate / -math.expm1(-lifetime_yr * math.log1p(rate))


# The bisection of adequacy.surplus_ratio on log x in [-12, 6]: 24 halvings, 3 exp/expm1 each (72 a
# sample when the year's costs differ by sample: 17 ms a year at S = 20,000). Its result depends only
# on which of the halving points lie below the root, so the kernel finds the root first (Newton's
# method, ~6 steps) and evaluates the function only at halving points within ROOT_SLACK of it: the
# same decisions, except where a point lies within rounding of the root (then both evaluate it).
ROOT_SLACK = 1e-9  # log x; rounding moves the computed root by < 2e-11 for q in the range below
NEWTON_Q = (1e-9, 1.0 - 1e-6)  # q outside: plain bisection (the function is flat in log x there)


@jit
def _surplus(y):
    """1 - e^-x (1 + x) at x = e^y, as adequacy.surplus_ratio computes it, and its derivative in y."""
    x = math.exp(y)
    ex = math.exp(-x)
    return -math.expm1(-x) - x * ex, x * x * ex


@jit
def _surplus_root(q):
    """The y (log x) where _surplus(y) = q, by Newton steps kept inside the bracket [-12, 6]."""
    a, b = -12.0, 6.0
    if q < 0.1:
        y = 0.5 * math.log(2.0 * q)  # 1 - e^-x (1 + x) ~ x^2 / 2
    else:
        x0 = -math.log(1.0 - q)
        y = math.log(x0 + math.log1p(x0))  # e^-x (1 + x) = 1 - q
    y = min(max(y, a), b)
    for _ in range(30):
        f, slope = _surplus(y)
        if f > q:
            b = y
        else:
            a = y
        step = (f - q) / slope if slope > 0 else math.inf
        if abs(step) < 1e-12:
            return y - step
        nxt = y - step
        y = nxt if a < nxt < b else 0.5 * (a + b)
    return y


@jit
def surplus_ratio(q):
    """Scalar :func:`ctsim.engine.adequacy.surplus_ratio` (24 bisections on log x)."""
    lo, hi = -12.0, 6.0
    root = _surplus_root(q) if NEWTON_Q[0] < q < NEWTON_Q[1] else math.nan
    for _ in range(24):
        mid = 0.5 * (lo + hi)
        if math.isnan(root) or abs(mid - root) <= ROOT_SLACK:
            x = math.exp(mid)
            above = -math.expm1(-x) - x * math.exp(-x) > q
        else:
            above = mid > root
        if above:
            hi = mid
        else:
            lo = mid
    return math.exp(0.5 * (lo + hi))


@jit
def surplus_ratio_bisection(q):
    """The plain port of :func:`ctsim.engine.adequacy.surplus_ratio` (for the tests of the above)."""
    lo, hi = -12.0, 6.0
    for _ in range(24):
        mid = 0.5 * (lo + hi)
        x = math.exp(mid)
        if -math.expm1(-x) - x * math.exp(-x) > q:
            hi = mid
        else:
            lo = mid
    return math.exp(0.5 * (lo + hi))


@jit
def _weight(cost, allowed, low, scale):
    """allowed x exp(-max(c - low, 0) / scale), c = cost if allowed else low; the exp skipped where its
    value is known exactly: a forbidden option's weight is 0 x exp(..) = 0, the cheapest's exp(-0) = 1."""
    if allowed == 0.0:
        return 0.0
    gap = max((cost if allowed > 0 else low) - low, 0.0)
    return allowed * (1.0 if gap == 0.0 else math.exp(-gap / scale))


@jit
def logit_shares(cost, allowed, scale):
    """:func:`ctsim.engine.adequacy.logit_shares` of one sample's four options (tuples in and out)."""
    low = math.inf
    for o in range(4):
        low = min(low, cost[o] if allowed[o] > 0 else math.inf)
    if not math.isfinite(low):
        low = 0.0
    w0 = _weight(cost[0], allowed[0], low, scale)
    w1 = _weight(cost[1], allowed[1], low, scale)
    w2 = _weight(cost[2], allowed[2], low, scale)
    w3 = _weight(cost[3], allowed[3], low, scale)
    total = w0 + 0.0 + w1 + w2 + w3
    if not total > 0:
        return (0.0, 0.0, 0.0, 0.0)
    return (w0 / total, w1 / total, w2 / total, w3 / total)


@jit
def capped_split(need, shares, per_unit, capped, room):
    """:func:`ctsim.engine.adequacy.capped_split` of one sample's four options (tuples in and out)."""
    want_c = shares[capped] * need / per_unit[capped]
    built_c = min(want_c, room)
    left = (want_c - built_c) * per_unit[capped]
    others = 1.0 - shares[capped]
    spread = left / others if others > 0 else 0.0
    b0 = built_c if capped == 0 else shares[0] * need / per_unit[0] + shares[0] * spread / per_unit[0]
    b1 = built_c if capped == 1 else shares[1] * need / per_unit[1] + shares[1] * spread / per_unit[1]
    b2 = built_c if capped == 2 else shares[2] * need / per_unit[2] + shares[2] * spread / per_unit[2]
    b3 = built_c if capped == 3 else shares[3] * need / per_unit[3] + shares[3] * spread / per_unit[3]
    return (b0, b1, b2, b3)


@jit
def storage_credits(phs_gw, nts_gw, phs_gwh, nts_gwh, credit_hours):
    """The capacity credits (pumped hydro, new-type) of one sample's storage in ``firm_capacity``."""
    return (storage_credit(phs_gwh / phs_gw if phs_gw > 0 else 0.0, credit_hours),
            storage_credit(nts_gwh / nts_gw if nts_gw > 0 else 0.0, credit_hours))


@jit
def firm_capacity(coal, coal_ccs, gas, hydro, nuclear, wind, solar, phs_gw, nts_gw, credit_phs, credit_nts,
                  demand_twh, wind_cf, solar_cf, credit_thermal, credit_hydro, credit_wind, credit_solar,
                  halving_share):
    """:func:`ctsim.engine.adequacy.firm_capacity` of one sample's fleet (GW by technology) and storage
    (its credits from ``storage_credits``)."""
    d = max(demand_twh, 1e-9)
    wind_share = wind * wind_cf * TWH_PER_GW_YEAR / d
    solar_share = solar * solar_cf * TWH_PER_GW_YEAR / d
    thermal = coal + coal_ccs + gas + nuclear
    return (thermal * credit_thermal + hydro * credit_hydro
            + wind * vre_credit(credit_wind, wind_share, halving_share)
            + solar * vre_credit(credit_solar, solar_share, halving_share)
            + phs_gw * credit_phs + nts_gw * credit_nts)
