"""Kernels of ctsim.engine.capacity (the reference: same operations, same order).

``step_capacity`` is one compiled pass over the samples: the year's additions (the no-new-build
years, the hydro potential, the nuclear build cap), the 2020 fleet's and later builds' age-based
retirement, the economic early retirement and the step-by-step limit (``policy.coal_retirement``),
the release of last year's backup, CCS retrofits and coal-to-gas conversions. The two logit shares
(the CCS uptake and the economic early-retirement share, ``tanh`` of the costs and last year's
state) are computed by the numpy reference functions before the pass, so they are bit for bit the
reference's.

Returns the fields of :class:`ctsim.engine.capacity.Capacity` as a tuple (the numpy module packs
them: this module does not import it, so that the engine's imports stay one way).
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types

from ..axes import COAL, COAL_CCS, GAS, HYDRO, NUCLEAR, POWER_TECHS, SOLAR, WIND
from ..policy import uptake
from ..power import early_retirement_share
from ..units import TWH_PER_GW_YEAR
from ._jit import jit

# Typed entry points: every per-sample argument is a read-only array of any layout (a stride-0
# broadcast of a shared [1] value, a column of a path, or a plain [S] array), so one compiled
# signature serves every scenario and design (cache=True then compiles each kernel once per install).
_ARG = {"r": types.Array(types.float64, 1, "A", readonly=True),
        "R": types.Array(types.float64, 2, "A", readonly=True),
        "w": types.Array(types.float64, 1, "C"),
        "W": types.Array(types.float64, 2, "C"),
        "i": types.int64}


def typed_jit(codes: str):
    """``jit`` with one explicit signature: ``codes`` gives each argument's kind (r/R: read-only
    float64 1-D/2-D, w/W: writable, i: int64)."""
    return numba.njit(types.void(*(_ARG[c] for c in codes)), cache=True, error_model="numpy", nogil=True)


def sample_rows(x, n: int) -> np.ndarray:
    """``per_sample`` (ctsim.engine.compiled._jit) at a fifth of its cost (0.7 us against 3.9 us for
    np.broadcast_to, a hundred times a year per kernel): ``x`` as float64 with ``n`` rows, a [1, ...]
    value as a stride-0 view of it."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.shape[0] == n:
        return a
    if a.shape[0] != 1:
        raise ValueError(f"expected {n} rows or 1, got shape {a.shape}")
    a = np.ascontiguousarray(a)
    return np.ndarray((n, *a.shape[1:]), np.float64, a, 0, (0, *a.strides[1:]))


def empty(*shapes: tuple[int, ...]) -> list[np.ndarray]:
    """Empty float64 arrays of ``shapes``, one allocation each (as the reference allocates them: after
    the first year the allocator reuses freed blocks, where one large buffer was zeroed page by page
    each year, the outputs written or not)."""
    return [np.empty(shape) for shape in shapes]


@jit
def initial_fleet_survival(age_threshold, max_age):
    """Scalar :func:`ctsim.engine.capacity.initial_fleet_survival` (``(1 - x) ** 2`` is numpy's square)."""
    x = min(max(age_threshold / max_age, 0.0), 1.0)
    y = 1.0 - x
    return y * y


@jit
def initial_fleet_retirement(capacity_2020_gw, years_since_2020, lifetime_yr, mean_age_yr):
    max_age = 3.0 * mean_age_yr
    now = initial_fleet_survival(lifetime_yr - years_since_2020, max_age)
    if years_since_2020 == 0:
        return capacity_2020_gw * now
    before = initial_fleet_survival(lifetime_yr - years_since_2020 + 1, max_age)
    return capacity_2020_gw * (now - before)


@typed_jit("iiiiRrRrrr" "rrrrrr" "rr" "Rrrrrr" "rrrrrr" "rrr" "WwWWwwww")
def _step_capacity(has_prev, t, year, since_start, cap2020, lifetime, coal_path, mean_age, no_coal, no_gas,
                   add_coal, add_gas, add_hydro, add_nuclear, add_wind, add_solar,
                   hydro_potential, nuclear_max,
                   prev_cap, prev_deferred, prev_backup, prev_coal_twh, prev_early, extra,
                   retire_share, early_from, early_max, eff_share, cf_reliability, max_frac,
                   ccs_pays, ccs_path, to_gas_path,
                   start, backup_start, end, avail, deferred, early, aged_out, backup_end):
    n_years = coal_path.shape[1]
    n_k = start.shape[1]
    for s in range(end.shape[0]):
        life = lifetime[s]
        retire_initial = initial_fleet_retirement(cap2020[s, COAL], t, life, mean_age[s])
        hydro_now = prev_cap[s, HYDRO] if has_prev else cap2020[s, HYDRO]
        add_h = min(add_hydro[s], max(hydro_potential[s] - hydro_now, 0.0))
        add_n = min(add_nuclear[s], nuclear_max[s])
        add_c = add_coal[s] * (1.0 if year < no_coal[s] else 0.0)
        add_g = add_gas[s] * (1.0 if year < no_gas[s] else 0.0)
        if not has_prev:
            for k in range(n_k):
                end[s, k] = cap2020[s, k]
            start[s, COAL] = end[s, COAL] - add_c + retire_initial
            start[s, COAL_CCS] = end[s, COAL_CCS] - 0.0 + 0.0
            start[s, GAS] = end[s, GAS] - add_g + 0.0
            start[s, HYDRO] = end[s, HYDRO] - add_h + 0.0
            start[s, NUCLEAR] = end[s, NUCLEAR] - add_n + 0.0
            start[s, WIND] = end[s, WIND] - add_wind[s] + 0.0
            start[s, SOLAR] = end[s, SOLAR] - add_solar[s] + 0.0
            for k in range(n_k):
                avail[s, k] = 0.5 * (start[s, k] + end[s, k])
            deferred[s] = early[s] = aged_out[s] = backup_start[s] = backup_end[s] = 0.0
            continue
        built = since_start - int(np.rint(life))
        retire_new = coal_path[s, min(max(built, 0), n_years - 1)] if built >= 0 else 0.0
        coal_start = prev_cap[s, COAL]
        ccs_start = prev_cap[s, COAL_CCS]
        gas_start = prev_cap[s, GAS]
        coal_end = coal_start + add_c
        aged = retire_initial + retire_new + prev_deferred[s]
        backup = prev_backup[s]
        running = coal_start - backup + ccs_start
        aged_ccs = aged * min(ccs_start / max(running, 1e-9), 1.0)
        aged_plain = aged - aged_ccs
        closed_ccs = min(aged_ccs, min(max_frac[s] * ccs_start, ccs_start))
        scheduled = aged_plain + extra[s]
        economic = ((1.0 if year >= early_from[s] else 0.0) * retire_share[s]
                    * early_max[s] * (coal_start - backup) * (1 - eff_share[s]))
        needed = prev_coal_twh[s] / (cf_reliability[s] * TWH_PER_GW_YEAR)
        # policy.coal_retirement
        capacity = max(coal_end - backup, 0.0)
        allowed = min(max_frac[s] * capacity, capacity)
        wanted = scheduled + min(economic, max(running - closed_ccs - needed, 0.0))
        closed = min(wanted, allowed)
        deferred[s] = scheduled - min(scheduled, closed) + (aged_ccs - closed_ccs)
        released = min(backup, max(min(max_frac[s] * coal_end, coal_end) - closed, 0.0))
        coal_end = coal_end - (closed + released)
        early[s] = prev_early[s] + closed - min(scheduled, closed)
        kept = backup - released
        retrofit = min(ccs_path[s] + ccs_pays[s], max(coal_end - kept, 0.0))
        coal_end -= retrofit
        to_gas = min(to_gas_path[s], max(coal_end - kept, 0.0))
        coal_end -= to_gas
        hydro_start, nuclear_start = prev_cap[s, HYDRO], prev_cap[s, NUCLEAR]
        wind_start, solar_start = prev_cap[s, WIND], prev_cap[s, SOLAR]
        ccs_end = ccs_start + 0.0 - closed_ccs + retrofit
        gas_end = gas_start + add_g + to_gas
        hydro_end, nuclear_end = hydro_start + add_h, nuclear_start + add_n
        wind_end, solar_end = wind_start + add_wind[s], solar_start + add_solar[s]
        end[s, COAL], end[s, COAL_CCS], end[s, GAS] = coal_end, ccs_end, gas_end
        end[s, HYDRO], end[s, NUCLEAR], end[s, WIND], end[s, SOLAR] = hydro_end, nuclear_end, wind_end, solar_end
        avail[s, COAL] = 0.5 * (coal_start + coal_end)
        avail[s, COAL_CCS] = 0.5 * (ccs_start + ccs_end)
        avail[s, GAS] = 0.5 * (gas_start + gas_end)
        avail[s, HYDRO] = 0.5 * (hydro_start + hydro_end)
        avail[s, NUCLEAR] = 0.5 * (nuclear_start + nuclear_end)
        avail[s, WIND] = 0.5 * (wind_start + wind_end)
        avail[s, SOLAR] = 0.5 * (solar_start + solar_end)
        aged_out[s] = max(min(aged_plain, closed), 0.0) + released
        backup_end[s] = kept


def step_capacity(pw, pol, fleet, prev, costs, years, t):
    """:func:`ctsim.engine.capacity.step_capacity`: the fields of its ``Capacity``, in order."""
    year = int(years[t])
    n = fleet.coal_additions_gw.shape[0]
    k = len(POWER_TECHS)
    has_prev = prev is not None
    # (a parameter and cost value, through tanh: the reference's own function, on [1] or [S])
    ccs_pays = uptake(costs.carbon_price_cny_per_t * costs.ets_power_covered - pw.ccs_cost_cny_per_t_co2,
                      pw.ccs_uptake_scale_cny_per_t) * pw.ccs_retrofit_max_gw
    zero = np.zeros(1)
    # (the early-retirement share: the reference's own numpy function, on [1] or [S])
    retire_share = early_retirement_share(pw, pol, costs, prev.capacity_gw, prev.coal_backup_gw,
                                          prev.coal_generation_twh, t) if has_prev else zero
    if has_prev:
        state = (sample_rows(prev.capacity_gw, n), *(sample_rows(x, n) for x in (
            prev.coal_retire_deferred_gw, prev.coal_backup_gw, prev.coal_generation_twh,
            prev.coal_early_retired_gw)))
    else:
        state = (sample_rows(fleet.capacity_2020_gw, n), *(sample_rows(zero, n) for _ in range(4)))
    end, avail, deferred, early, aged_out, backup_end = empty((n, k), (n, k), (n,), (n,), (n,), (n,))
    # (with last year's state the kernel leaves these to last year's arrays, as the reference does)
    start, backup_start = (prev.capacity_gw, prev.coal_backup_gw) if has_prev else (np.empty((n, k)), np.empty(n))

    def col(path):
        return sample_rows(path[..., t], n)

    def one(value):
        return sample_rows(value, n)

    _step_capacity(
        int(has_prev), t, year, int(years[t] - years[0]), sample_rows(fleet.capacity_2020_gw, n),
        one(fleet.coal_lifetime_yr), sample_rows(fleet.coal_additions_gw, n), one(pw.coal_mean_age_2020_yr),
        one(pw.no_new_coal_from_year), one(pw.no_new_gas_from_year),
        col(pw.coal_additions_gw), col(pw.gas_additions_gw), col(pw.hydro_additions_gw),
        col(pw.nuclear_additions_gw), col(pw.wind_additions_gw), col(pw.solar_additions_gw),
        one(pw.hydro_potential_gw), one(pw.nuclear_build_max_gw),
        *state, col(pw.coal_retirement_extra_gw),
        one(retire_share), one(pw.early_retire_from_year), one(pw.early_retire_max_frac), one(costs.efficient_share),
        one(pw.coal_cf_reliability), one(pol.coal_retire_max_frac),
        one(ccs_pays), col(pw.ccs_retrofit_gw), col(pw.coal_to_gas_gw),
        start if not has_prev else np.empty((1, k)), backup_start if not has_prev else np.empty(1),
        end, avail, deferred, early, aged_out, backup_end)
    return start, end, avail, deferred, early, aged_out, backup_start, backup_end
