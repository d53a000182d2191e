"""Policy kernels: ETS coverage and carbon costs, cost-driven uptake, step limits and caps.

Pure functions of arrays with the sample axis first ([S] for one year). Equations and sources:
docs/model.md, section "Policy levers, caps and shocks".
"""

from __future__ import annotations

import numpy as np

from .axes import stack_last, sum_last


def covered(year: int, start_year: np.ndarray) -> np.ndarray:
    """ETS coverage of a sector in ``year``: 1.0 from ``start_year`` on, else 0.0 (shape of start_year)."""
    return np.where(year >= start_year, 1.0, 0.0)


def carbon_cost(
    price_cny_per_t: np.ndarray,
    coverage: np.ndarray,
    intensity_t_per_unit: np.ndarray,
    benchmark_t_per_unit: np.ndarray,
) -> np.ndarray:
    """Net carbon cost per unit of output under output-based (benchmark) allocation.

    cost = price x coverage x (intensity - benchmark)   [CNY per MWh or per t of product]

    A unit receives ``benchmark`` free allowances per unit of output and surrenders ``intensity``,
    so it pays for the excess and earns for the shortfall. Differences between two units sharing a
    benchmark do not depend on the benchmark: p x (I_a - I_b).
    """
    return price_cny_per_t * coverage * (intensity_t_per_unit - benchmark_t_per_unit)


def uptake(margin: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Share of an option taken up (a binary logit against the incumbent):

        share = 1 / (1 + exp(-margin / scale))

    ``margin`` is the saving of the option over the incumbent at the typical unit (CNY per unit,
    positive when it pays); unit-level costs spread around it (a logistic distribution of scale
    ``scale``), so the share is the part of the eligible stock for which the option pays. Half at
    zero margin; rises smoothly and strictly with the margin, never a switch (computed through tanh,
    which cannot overflow).
    """
    return 0.5 * (1.0 + np.tanh(0.5 * margin / scale))


def limit_fall(wanted: np.ndarray, previous: np.ndarray, max_fall_frac: np.ndarray) -> np.ndarray:
    """Step-by-step limit: a quantity may fall by at most ``max_fall_frac`` of last year's value.

    result = max(wanted, previous x (1 - max_fall_frac)); rises are never limited.
    """
    return np.maximum(wanted, previous * (1.0 - max_fall_frac))


def apply_options(excess: np.ndarray, potentials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Abate ``excess`` [S] with options used in order, each up to its potential [S, O].

    Returns (used [S, O], remaining excess [S]). Option o is used only after options 0..o-1 are
    exhausted: used_o = min(potential_o, max(excess - sum(potential_0..o-1), 0)).
    """
    potentials = np.maximum(potentials, 0.0)
    before = np.cumsum(potentials, axis=-1) - potentials
    need = np.maximum(excess, 0.0)[..., None]
    used = np.clip(need - before, 0.0, potentials)
    return used, np.maximum(excess, 0.0) - sum_last(used)


def binding_option(used: np.ndarray, remaining: np.ndarray) -> np.ndarray:
    """Code of the last option used [S]: 0 when the cap does not bind, o + 1 for option o, and
    n_options + 1 when the options could not meet the cap (``remaining`` > 0)."""
    n = used.shape[-1]
    any_used = used > 0
    last = np.where(any_used.any(axis=-1), n - np.argmax(any_used[..., ::-1], axis=-1), 0)
    return np.where(remaining > 1e-9, n + 1, last).astype(float)


def coal_retirement(
    scheduled_gw: np.ndarray, economic_gw: np.ndarray, surplus_gw: np.ndarray,
    capacity_gw: np.ndarray, max_frac: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Coal capacity retired this year under the step-by-step limit, and the scheduled retirements
    deferred to next year (GW, [S] each).

    scheduled (age, mandated closures, earlier deferrals) goes first, then economic early
    retirement, which never exceeds the surplus the fleet can spare. The total is at most
    ``max_frac`` x capacity and never more than the capacity:

        retired  = min(scheduled + min(economic, surplus), max_frac x K, K)
        deferred = scheduled - min(scheduled, retired)
    """
    allowed = np.minimum(max_frac * capacity_gw, capacity_gw)
    wanted = scheduled_gw + np.minimum(economic_gw, np.maximum(surplus_gw, 0.0))
    retired = np.minimum(wanted, allowed)
    return retired, scheduled_gw - np.minimum(scheduled_gw, retired)


# --- caps ("dual control" of carbon) -------------------------------------------------------------
# A cap at or beyond its "no cap" level (the registry default, a level no emission path reaches)
# is no cap: it becomes +inf, so it can never bind and never changes a number.
NO_CAP_MT = 1e5  # Mt CO2/yr (national, power, steel caps)
NO_CAP_KG_PER_USD = 100.0  # kg CO2 per Int$2011 (intensity cap)
NO_CAP_REDUCTION = -100.0  # fraction (reduction of CO2 intensity vs 2005)


def cap_level(value: np.ndarray, no_cap: float, upper: bool = True) -> np.ndarray:
    """A cap parameter with its "no cap" level mapped to +inf (``upper``: values >= no_cap; else
    values <= no_cap, for a reduction, which caps from below). Shape of ``value``."""
    value = np.asarray(value, dtype=float)
    absent = value >= no_cap if upper else value <= no_cap
    return np.where(absent, np.inf, value)


def intensity_cap_mt(gdp_bn: np.ndarray, cap_kg_per_usd: np.ndarray, reduction_2005: np.ndarray,
                     intensity_2005_kg_per_usd: np.ndarray) -> np.ndarray:
    """National CO2 (Mt) allowed by the intensity caps this year, [S]: the tighter of

        cap_kg_per_usd x GDP   and   I_2005 x (1 - reduction_2005) x GDP

    (kg/$ x bn$ = Mt). A cap that is +inf (absent) gives +inf; so does a reduction at -inf.
    """
    by_level = cap_kg_per_usd * gdp_bn
    by_reduction = np.where(np.isfinite(reduction_2005),
                            intensity_2005_kg_per_usd * (1.0 - reduction_2005) * gdp_bn, np.inf)
    return np.minimum(by_level, by_reduction)


def ordered_potentials(pool: np.ndarray, room: np.ndarray, abatement_per_unit: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Abatement potentials (Mt CO2, [S, O]) of options that share one pool used in order.

    Each option o displaces up to ``room_o`` units (TWh of coal, Mt of BF-BOF steel) of a pool of
    ``pool`` units [S]; option o only gets what options 0..o-1 left, because it is used only after
    they are exhausted: with C_o = min(room_0 + ... + room_o, pool), option o takes C_o - C_{o-1}.
    An option that abates nothing or less per unit (``abatement_per_unit`` [S, O] <= 0, t per unit)
    takes no room. Returns (potential Mt [S, O], abatement per unit clipped at 0 [S, O]).
    """
    per_unit = np.maximum(abatement_per_unit, 0.0)
    room = np.where(per_unit > 0, np.maximum(room, 0.0), 0.0)
    reach = np.minimum(np.cumsum(room, axis=-1), np.maximum(pool, 0.0)[..., None])
    taken = np.diff(reach, axis=-1, prepend=0.0)
    return taken * per_unit, per_unit


def abate(excess_mt: np.ndarray, pool: np.ndarray, room: np.ndarray, abatement_per_unit: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Meet ``excess_mt`` [S] (emissions above the cap; <= 0 when the cap does not bind) with
    options used in order (``ordered_potentials``, ``apply_options``).

    Returns (units of each option used [S, O], remaining excess Mt [S] (> 0: unmet), binding
    option code [S]: 0 no binding, o + 1 for option o, O + 1 when all options are exhausted).
    """
    potential, per_unit = ordered_potentials(pool, room, abatement_per_unit)
    used, remaining = apply_options(excess_mt, potential)
    units = np.divide(used, per_unit, out=np.zeros_like(used), where=per_unit > 0)
    return units, remaining, binding_option(used, remaining)


def shadow_price(code: np.ndarray, cost_cny_per_t: np.ndarray) -> np.ndarray:
    """Carbon shadow price (CNY/t CO2) [S]: the cost per tonne of the last option used (code o + 1
    -> option o; code O + 1, all exhausted -> the last option), 0 where the cap does not bind;
    never below 0 (an option cheaper than free is not what the cap costs)."""
    n = cost_cny_per_t.shape[-1]
    idx = np.clip(code.astype(int) - 1, 0, n - 1)
    price = np.take_along_axis(cost_cny_per_t, idx[..., None], axis=-1)[..., 0]
    return np.where(code > 0, np.maximum(price, 0.0), 0.0)


def stack_options(values: dict[int, np.ndarray]) -> np.ndarray:
    """Values of a cap's options {named option index: array} on a last axis [..., O], each at its
    index (ctsim.engine.axes), broadcast together."""
    return stack_last([values[i] for i in range(len(values))])


# --- piecewise-linear abatement curves -----------------------------------------------------------
def segments_value(x: np.ndarray, widths: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """Value at ``x`` [S] of a piecewise-linear curve from 0 made of segments [S, K] taken in order
    (``widths`` >= 0 units, ``slopes`` per unit): sum_k slope_k x clip(x - start_k, 0, width_k)."""
    start = _starts(widths)
    taken = np.clip(x[..., None] - start, 0.0, widths)
    return sum_last(np.where(widths > 0, taken * slopes, 0.0))


def segments_inverse(v: np.ndarray, widths: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """The x [S] at which the curve of ``segments_value`` (slopes > 0) reaches ``v`` (at most the
    curve's end): each segment contributes its width where v passes it, its fraction where v ends in
    it."""
    values = np.where(widths > 0, widths * slopes, 0.0)
    before = _starts(values)
    part = np.clip(v[..., None] - before, 0.0, values)
    frac = np.divide(part, slopes, out=np.zeros_like(part), where=(slopes > 0) & (widths > 0))
    return sum_last(np.minimum(frac, widths))


def _starts(widths: np.ndarray) -> np.ndarray:
    """Where each segment starts [S, K] (a last segment may be infinite)."""
    return np.concatenate([np.zeros_like(widths[..., :1]), np.cumsum(widths[..., :-1], axis=-1)], axis=-1)
