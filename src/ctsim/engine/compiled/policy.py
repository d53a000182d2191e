"""Scalar kernels of ctsim.engine.policy (the reference: same operations, same order), for the
compiled steps to call one sample at a time.

``fmax``/``fmin``/``clip`` are numpy's ``maximum``/``minimum``/``clip`` on two floats: a NaN in
either argument gives NaN (Python's ``max`` drops one), and between equal values (+0.0 and -0.0) the
second argument wins, as in numpy. The option helpers work on small 1-D arrays (one row of the
reference's [S, O] arrays) that the caller allocates once per call, not once a sample, and are
inlined into the caller (:data:`inline`).
"""

from __future__ import annotations

import math

from ._jit import inline, jit


@jit
def fmax(a: float, b: float) -> float:
    return a if (a > b or a != a) else b


@jit
def fmin(a: float, b: float) -> float:
    return a if (a < b or a != a) else b


@jit
def clip(x: float, lo: float, hi: float) -> float:
    return fmin(fmax(x, lo), hi)


@jit
def where_div(a: float, b: float, condition: bool, otherwise: float) -> float:
    """``np.divide(a, b, out=<otherwise>, where=condition)`` for one element."""
    return a / b if condition else otherwise


@jit
def covered(year, start_year: float) -> float:
    return 1.0 if year >= start_year else 0.0


@jit
def carbon_cost(price: float, coverage: float, intensity: float, benchmark: float) -> float:
    return price * coverage * (intensity - benchmark)


@jit
def uptake(margin: float, scale: float) -> float:
    # libm's tanh: agrees with numpy's to an ulp or so, not bit for bit (compiled/__init__.py)
    return 0.5 * (1.0 + math.tanh(0.5 * margin / scale))


@jit
def limit_fall(wanted: float, previous: float, max_fall_frac: float) -> float:
    return fmax(wanted, previous * (1.0 - max_fall_frac))


@jit
def coal_retirement(scheduled: float, economic: float, surplus: float, capacity: float, max_frac: float):
    allowed = fmin(max_frac * capacity, capacity)
    wanted = scheduled + fmin(economic, fmax(surplus, 0.0))
    retired = fmin(wanted, allowed)
    return retired, scheduled - fmin(scheduled, retired)


@jit
def cap_level(value: float, no_cap: float, upper: bool) -> float:
    absent = value >= no_cap if upper else value <= no_cap
    return math.inf if absent else value


@jit
def intensity_cap_mt(gdp_bn: float, cap_kg_per_usd: float, reduction_2005: float,
                     intensity_2005_kg_per_usd: float) -> float:
    by_level = cap_kg_per_usd * gdp_bn
    by_reduction = (intensity_2005_kg_per_usd * (1.0 - reduction_2005) * gdp_bn
                    if math.isfinite(reduction_2005) else math.inf)
    return fmin(by_level, by_reduction)


@inline
def sum_last(x) -> float:
    """:func:`ctsim.engine.axes.sum_last` of one row (fewer than 8 elements): left to right from +0.0."""
    acc = x[0] + 0.0
    for k in range(1, x.shape[0]):
        acc += x[k]
    return acc


@inline
def apply_options(excess: float, potentials, used) -> float:
    """Fills ``used`` [O]; returns the remaining excess. ``potentials`` is clipped at 0 in place."""
    need = fmax(excess, 0.0)
    acc = 0.0
    for o in range(potentials.shape[0]):
        p = fmax(potentials[o], 0.0)
        potentials[o] = p
        acc = p if o == 0 else acc + p  # np.cumsum
        used[o] = clip(need - (acc - p), 0.0, p)
    return fmax(excess, 0.0) - sum_last(used)


@inline
def binding_option(used, remaining: float) -> float:
    n = used.shape[0]
    if remaining > 1e-9:
        return float(n + 1)
    for o in range(n - 1, -1, -1):
        if used[o] > 0:
            return float(o + 1)
    return 0.0


@inline
def ordered_potentials(pool: float, room, abatement_per_unit, potential, per_unit) -> None:
    """Fills ``potential`` and ``per_unit`` [O] (``room`` is left unchanged)."""
    cap = fmax(pool, 0.0)
    acc = 0.0
    previous = 0.0
    for o in range(room.shape[0]):
        pu = fmax(abatement_per_unit[o], 0.0)
        per_unit[o] = pu
        r = fmax(room[o], 0.0) if pu > 0 else 0.0
        acc = r if o == 0 else acc + r
        reach = fmin(acc, cap)
        potential[o] = (reach - previous) * pu
        previous = reach


@inline
def abate(excess: float, pool: float, room, abatement_per_unit, units, scratch_potential, scratch_per_unit):
    """Fills ``units`` [O]; returns (remaining excess, binding option code). The scratch arrays [O]
    are overwritten (``scratch_potential`` ends as the options' used abatement)."""
    ordered_potentials(pool, room, abatement_per_unit, scratch_potential, scratch_per_unit)
    used = units  # apply_options writes used into units, then units are used / per unit
    remaining = apply_options(excess, scratch_potential, used)
    code = binding_option(used, remaining)
    for o in range(units.shape[0]):
        units[o] = where_div(used[o], scratch_per_unit[o], scratch_per_unit[o] > 0, 0.0)
    return remaining, code


@inline
def shadow_price(code: float, costs) -> float:
    n = costs.shape[0]
    idx = min(max(int(code) - 1, 0), n - 1)
    return fmax(costs[idx], 0.0) if code > 0 else 0.0


@inline
def segments_value(x: float, widths, slopes) -> float:
    """``policy.segments_value`` of one row: widths, slopes [K]."""
    start = 0.0
    acc = 0.0
    for k in range(widths.shape[0]):
        w = widths[k]
        if k == 1:
            start = widths[0]
        elif k > 1:
            start = start + widths[k - 1]
        v = clip(x - start, 0.0, w) * slopes[k] if w > 0 else 0.0
        acc = v + 0.0 if k == 0 else acc + v
    return acc


@inline
def segments_inverse(v: float, widths, slopes) -> float:
    """``policy.segments_inverse`` of one row: widths, slopes [K]."""
    before = 0.0
    acc = 0.0
    previous = 0.0
    for k in range(widths.shape[0]):
        w, s = widths[k], slopes[k]
        value = w * s if w > 0 else 0.0
        if k == 1:
            before = previous
        elif k > 1:
            before = before + previous
        part = clip(v - before, 0.0, value)
        frac = part / s if (s > 0 and w > 0) else 0.0
        m = fmin(frac, w)
        acc = m + 0.0 if k == 0 else acc + m
        previous = value
    return acc
