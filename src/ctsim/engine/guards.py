"""Invariant checks run after each simulated year (see docs/model.md, "Invariants").

A violation raises :class:`~ctsim.errors.ModelInvariantError` naming the variable, the year and the
first sample where it broke (exit code 3 in the CLI): a model that produces NaN or a negative stock
says so instead of writing it to a table or a figure.
"""

from __future__ import annotations

import functools

import numpy as np

from ..errors import ModelInvariantError
from . import compiled

# Stocks and flows that cannot be negative (capacity, generation, production, fuel use, gross CO2 of
# a source, captured CO2, removals, GDP, the carbon price). Net CO2 and net ETS payments may be.
NON_NEGATIVE_PREFIXES = ("cap_", "gen_", "steel_", "coal_", "oil_", "gas_", "demand_", "unserved",
                         "curtailed", "pe_", "nonfossil_", "removal_", "co2_captured")
NON_NEGATIVE = ("co2_total_mt", "co2_power_mt", "co2_steel_mt", "co2_steel_indirect_mt",
                "co2_road_mt", "co2_process_mt", "carbon_price", "gdp_bn")
SHARES = ("share_nonfossil_gen", "share_nonfossil_pe", "steel_eaf_share")
TOLERANCE = 1e-9  # relative slack for signs and bounds (floating-point round-off only)
BALANCE_TOLERANCE = 1e-6  # relative slack for sums of parts (round-off over a few additions)

# (total, parts, what it is): a total must equal the sum of its parts, every year, every sample
BALANCES = (
    ("gen_total_twh", ("gen_coal_twh", "gen_gas_twh", "gen_oil_twh", "gen_hydro_twh",
                       "gen_nuclear_twh", "gen_wind_twh", "gen_solar_twh", "gen_bio_twh"),
     "generation by source"),
    ("steel_total_mt", ("steel_bfbof_mt", "steel_eaf_mt", "steel_h2dri_mt"), "steel output by route"),
    ("coal_total_mtce", ("coal_power_mtce", "coal_steel_mtce", "coal_other_mtce"), "coal use by sector"),
    ("pe_total_mtce", ("coal_total_mtce", "oil_total_mtce", "gas_total_mtce", "nonfossil_pe_mtce"),
     "primary energy by fuel"),
    ("co2_total_mt", ("co2_power_mt", "co2_steel_mt", "co2_other_energy_mt", "co2_process_mt"),
     "CO2 by sector"),
    ("removal_total_mt", ("removal_land_mt", "removal_beccs_mt", "removal_daccs_mt"),
     "CO2 removals by kind"),
    ("co2_captured_mt", ("co2_captured_power_mt", "co2_captured_steel_mt"), "captured CO2 by sector"),
)
FILLED_AFTER_LOOP = ("co2_intensity_reduction_2005", "energy_intensity_reduction_2005", "cap_storage_gw",
                     "cap_storage_gwh", "curtailed_share")


def full(x) -> str:
    """A number in full (shortest repr that reads back exactly; ``-2`` not ``-2.0``): a message
    about a difference must not round it away (``%.6g`` showed 22933.5 for both sides)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def _fail(out: dict, name: str, bad: np.ndarray, t: int, year: int, what: str) -> None:
    sample = int(np.argmax(bad))
    raise ModelInvariantError(name, year, sample, f"{what} (got {full(out[name][sample, t])})")


def _balance(out: dict, t: int, year: int, total: str, parts: tuple[str, ...], what: str) -> None:
    if total not in out or not all(p in out for p in parts):
        return  # an engine without this output (older or reduced) has nothing to balance
    col = out[total][:, t]
    summed = sum(out[p][:, t] for p in parts)
    bad = np.abs(summed - col) > BALANCE_TOLERANCE * np.maximum(np.abs(col), 1.0)
    if bad.any():
        s = int(np.argmax(bad))
        raise ModelInvariantError(
            total, year, s,
            f"{what} does not add up: {' + '.join(parts)} = {full(summed[s])}, "
            f"total {full(col[s])} (difference {full(summed[s] - col[s])})",
        )


def check_year(out: dict[str, np.ndarray], t: int, year: int) -> None:
    """Raise ModelInvariantError on NaN/inf, negative stocks or flows, shares outside [0, 1], an
    electricity balance that does not close (generation + unserved = demand), or a total that is
    not the sum of its parts (see BALANCES)."""
    for name, arr in out.items():
        if name in FILLED_AFTER_LOOP:
            continue
        col = arr[:, t]
        bad = ~np.isfinite(col)
        if bad.any():
            _fail(out, name, bad, t, year, "not a finite number")
        if name.startswith(NON_NEGATIVE_PREFIXES) or name in NON_NEGATIVE:
            bad = col < -TOLERANCE * (1 + np.abs(col).max())
            if bad.any():
                _fail(out, name, bad, t, year, "negative value")
    for name in SHARES:
        col = out[name][:, t]
        bad = (col < -TOLERANCE) | (col > 1 + TOLERANCE)
        if bad.any():
            _fail(out, name, bad, t, year, "share outside [0, 1]")
    served = out["gen_total_twh"][:, t] + out["unserved_twh"][:, t]
    demand = out["demand_twh"][:, t]
    bad = np.abs(served - demand) > BALANCE_TOLERANCE * np.maximum(demand, 1.0)
    if bad.any():
        s = int(np.argmax(bad))
        raise ModelInvariantError(
            "gen_total_twh", year, s,
            f"generation + unserved differs from demand: {full(out['gen_total_twh'][s, t])} + "
            f"{full(out['unserved_twh'][s, t])} = {full(served[s])}, demand {full(demand[s])} "
            f"(difference {full(served[s] - demand[s])})")
    for total, parts, what in BALANCES:
        _balance(out, t, year, total, parts, what)


class YearGuard:
    """Fast per-year checks on the contiguous [V, S] slab of one year's outputs.

    All checks run as a few vectorized reductions over the whole slab; only when one of them fails
    does :func:`check_year` run to name the variable, year and sample. The verdict is the same as
    calling ``check_year`` every year (tested), at a fraction of the cost for large S.
    """

    def __init__(self, names: tuple[str, ...]):
        index = {n: i for i, n in enumerate(names)}
        self.nonneg = np.array([i for n, i in index.items()
                                if n.startswith(NON_NEGATIVE_PREFIXES) or n in NON_NEGATIVE], dtype=int)
        self.shares = np.array([index[n] for n in SHARES if n in index], dtype=int)
        self.balances = [(index[total], [index[p] for p in parts])
                         for total, parts, _ in BALANCES
                         if total in index and all(p in index for p in parts)]
        self.served = (index["gen_total_twh"], index["unserved_twh"], index["demand_twh"])
        # the sums the numpy check compares, as rows (total, parts): generation + unserved against
        # demand, then the balances. The demand row is one of the non-negative outputs, checked first
        # (every element >= 0.0), so max(|demand|, 1) there is max(demand, 1) of check_year.
        g, u, d = self.served
        if d not in set(self.nonneg.tolist()):  # a programming error, not bad input
            raise RuntimeError("demand_twh must be one of the non-negative outputs")
        self.sums = [(d, [g, u])] + [(total, list(parts)) for total, parts in self.balances]
        self.sum_totals = np.array([total for total, _ in self.sums], dtype=np.intp)
        self._buffers: tuple[np.ndarray, np.ndarray] | None = None
        # the same checks as flat arrays, for the compiled kernel (ctsim.engine.compiled.guards): each
        # row's bounds (0 for the non-negative outputs, [0, 1] for the shares) and the balances
        low, high = np.full(len(names), -np.inf), np.full(len(names), np.inf)
        low[self.nonneg] = 0.0
        low[self.shares], high[self.shares] = 0.0, 1.0
        parts = [p for _, ps in self.balances for p in ps]
        start = np.cumsum([0] + [len(ps) for _, ps in self.balances])
        self.kernel_args = (low, high, *self.served, np.array([b for b, _ in self.balances], dtype=np.int64),
                            start.astype(np.int64), np.array(parts, dtype=np.int64), BALANCE_TOLERANCE)

    def check(self, slab: np.ndarray, out: dict[str, np.ndarray], t: int, year: int) -> None:
        if compiled.active():
            from .compiled import guards as kernels
            if not kernels.slab_ok(self, slab):
                check_year(out, t, year)
            return
        # Two passes over the slab, a row minimum and maximum (np.minimum/np.maximum propagate NaN,
        # and an infinity shows as an extreme), then the sums of parts (generation + unserved against
        # demand, the balances) written as rows of one [B, S] buffer and compared with their bounds
        # in one go: the numbers of check_year's comparisons (the same additions in the same order).
        lo, hi = np.minimum.reduce(slab, axis=1), np.maximum.reduce(slab, axis=1)
        ok = bool(np.isfinite(lo).all() and np.isfinite(hi).all())
        if ok and self.nonneg.size:
            ok = lo[self.nonneg].min() >= 0.0
        if ok and self.shares.size:
            ok = lo[self.shares].min() >= 0.0 and hi[self.shares].max() <= 1.0
        if ok:
            if self._buffers is None or self._buffers[0].shape[1] != slab.shape[1]:
                self._buffers = (np.empty((len(self.sums), slab.shape[1])), np.empty((len(self.sums), slab.shape[1])))
            diff, bound = self._buffers
            for b, (total, parts) in enumerate(self.sums):
                row = diff[b]
                if len(parts) > 1:
                    np.add(slab[parts[0]], slab[parts[1]], out=row)
                else:
                    np.copyto(row, slab[parts[0]])
                for p in parts[2:]:
                    row += slab[p]
                row -= slab[total]
            np.abs(diff, out=diff)
            np.take(slab, self.sum_totals, axis=0, out=bound)
            np.abs(bound, out=bound)
            np.maximum(bound, 1.0, out=bound)
            np.multiply(BALANCE_TOLERANCE, bound, out=bound)
            ok = bool((diff <= bound).all())
        if not ok:  # something is off (or only round-off below zero): the full check decides
            check_year(out, t, year)


def check_final(out: dict[str, np.ndarray], years: np.ndarray) -> None:
    """After the loop: the outputs computed from whole trajectories are finite too."""
    for name in FILLED_AFTER_LOOP:
        if name not in out:
            continue
        bad = ~np.isfinite(out[name])
        if bad.any():
            sample, t = (int(i) for i in np.argwhere(bad)[0])
            raise ModelInvariantError(name, int(years[t]), sample,
                                      f"not a finite number (got {full(out[name][sample, t])})")


def guarded(simulate):
    """Run ``simulate(inputs)`` with numpy's floating-point warnings silenced (a NaN or an overflow
    is reported once, by the guards, as a ModelInvariantError naming variable, year and sample,
    instead of as a stream of RuntimeWarnings) and check the outputs filled after the loop."""

    @functools.wraps(simulate)
    def run(inp, *args, **kwargs):
        with np.errstate(all="ignore"):
            out = simulate(inp, *args, **kwargs)
        check_final(out, inp.years)
        return out

    return run
