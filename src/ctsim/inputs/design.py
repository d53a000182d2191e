"""Uncertain parameters -> a design [S, P]: samplers, inverse-CDF transforms and per-sample overrides.

Samplers produce points in the unit hypercube (``Design.unit``): scipy.stats.qmc for Latin hypercube,
numpy for plain random sampling, and SALib's samplers where the analysis needs a structured design
(Saltelli cross-sampling for Sobol indices, trajectories for Morris). Columns are then mapped
through the inverse CDF of each distribution (``Design.values``: the sampled numbers themselves,
values or scale factors). Analysers (sensitivity.py) read ``unit``; the model reads ``values``.

All randomness derives from ``numpy.random.SeedSequence(seed)`` with a fixed spawn key per purpose
(:func:`ctsim.inputs.randomness.rng`), and the whole design is drawn before any model run, so splitting the
samples into chunks can never change a number. Per-sample draws made later (stochastic shocks) use
:func:`ctsim.inputs.randomness.sample_uniforms`, which depends on the seed, a
purpose and the global sample index only.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from .. import registry
from ..errors import ScenarioError
from ..resolve import ResolvedScenario
from ..scenario.uncertain import Choice, allowed_interval
from .build import interpolate_path
from .randomness import rng

MORRIS_LEVELS = 4  # grid levels of the Morris design (SALib's default)
UNIT_EDGE = 1e-12  # unit points are kept this far inside (0, 1), so no inverse CDF returns +-inf


# ---------------------------------------------------------------------------------------------
# design


@dataclass(frozen=True)
class Column:
    """One uncertain input: the registry parameter, how the sample applies, its distribution."""

    name: str
    spec: object  # an uncertainty.Dist
    kind: str  # registry kind: scalar | path

    @property
    def label(self) -> str:
        """Header in design.csv: ``name`` (a value), ``name:scale`` or ``name:YEAR``."""
        if self.spec.scale:
            since = f"_from_{self.spec.from_year}" if self.spec.from_year is not None else ""
            return f"{self.name}:scale{since}"
        return f"{self.name}:{self.spec.year}" if self.spec.year is not None else self.name


def columns(resolved: ResolvedScenario) -> list[Column]:
    params = registry.parameters()
    return [Column(name, spec, params[name].kind) for name, spec in resolved.uncertain.items()]


@dataclass
class Design:
    columns: list[Column]
    method: str
    seed: int
    requested: int  # samples asked for; sobol and morris designs may hold more (the next valid size)
    unit: np.ndarray  # [S, P] in [0, 1]: the sampler's points (analysers read these)
    values: np.ndarray  # [S, P]: sampled values or scale factors (the model reads these)

    @property
    def n_samples(self) -> int:
        return self.unit.shape[0]

    @property
    def size_note(self) -> str | None:
        """Why the design holds more samples than were asked for, or None."""
        if self.n_samples == self.requested:
            return None
        return size_note_for(self.method, self.requested, len(self.columns))

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def problem(self) -> dict:
        """SALib problem over the unit hypercube (the design's ``unit`` columns)."""
        return {"num_vars": len(self.columns), "names": self.labels,
                "bounds": [[0.0, 1.0]] * len(self.columns)}


def design_size(method: str, samples: int, n_params: int) -> int:
    """Rows the design will have, never fewer than ``samples``: ``samples`` for lhs/random; for
    sobol N (P + 2) with N the smallest power of two (at least 2) that reaches ``samples``; for
    morris r (P + 1) with r = ceil(samples / (P + 1)) trajectories (at least 2)."""
    if method == "sobol":
        base = max(2, -(-samples // (n_params + 2)))
        return (2 ** math.ceil(math.log2(base))) * (n_params + 2)
    if method == "morris":
        return max(2, -(-samples // (n_params + 1))) * (n_params + 1)
    return samples


def size_note_for(method: str, samples: int, n_params: int) -> str | None:
    """Why a design holds more rows than asked for (sobol, morris), or None when it holds exactly
    ``samples``."""
    size = design_size(method, samples, n_params)
    if size == samples:
        return None
    if method == "sobol":
        why = (f"sobol needs N x (P + 2) samples with N a power of two (P = {n_params} uncertain "
               f"parameters, N = {size // (n_params + 2):,})")
    else:
        why = (f"morris needs r x (P + 1) samples, r trajectories of P + 1 points (P = {n_params} "
               f"uncertain parameters, r = {size // (n_params + 1):,})")
    return f"running {size:,} samples, not {samples:,}: {why}; this is the next valid size up"


def unit_design(method: str, samples: int, n_params: int, seed: int) -> np.ndarray:
    """Points in [0, 1]^P from the named sampler."""
    gen = rng(seed, "design")
    if method in ("sobol", "morris") and n_params == 0:
        raise ScenarioError(None, "sweep.method", f"method {method} needs at least one uncertain "
                            "parameter (use lhs or random to sweep stochastic shocks alone)")
    if method == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=n_params, rng=gen).random(samples) if n_params else \
            np.empty((samples, 0))
    if method == "random":
        return gen.random((samples, n_params))
    problem = {"num_vars": n_params, "names": [f"x{i}" for i in range(n_params)],
               "bounds": [[0.0, 1.0]] * n_params}
    if method == "sobol":
        base = design_size(method, samples, n_params) // (n_params + 2)
        return saltelli_first_order(problem, base, gen)
    if method == "morris":
        from SALib.sample import morris

        trajectories = design_size(method, samples, n_params) // (n_params + 1)
        return morris.sample(problem, trajectories, num_levels=MORRIS_LEVELS, seed=gen)
    raise ValueError(f"unknown sampling method {method}")  # the schema and the CLI check methods


def saltelli_first_order(problem: dict, base: int, gen: np.random.Generator) -> np.ndarray:
    """``SALib.sample.sobol.sample(problem, base, calc_second_order=False, seed=gen)`` value for
    value (tested against it): the same scrambled Sobol' points [base, 2P] (A, then B), arranged as
    Saltelli's rows A_i, AB_i with column j of B for j = 1..P, B_i, and scaled by SALib. SALib
    fills those rows one element at a time in Python (0.1 s at 16,384 x 7 rows of 5 parameters, in
    the serial start of a sweep); here they are copied as whole arrays. Only ungrouped problems
    (``problem`` without ``groups``, as :func:`unit_design` makes them)."""
    from SALib.util import scale_samples
    from scipy.stats import qmc

    p = problem["num_vars"]
    points = qmc.Sobol(d=2 * p, scramble=True, seed=gen).random(base)
    a, b = points[:, :p], points[:, p:]
    rows = np.empty((base, p + 2, p))
    rows[:, 0] = a
    rows[:, 1:p + 1] = a[:, None, :]
    j = np.arange(p)
    rows[:, 1 + j, j] = b  # row 1 + j: A with column j taken from B
    rows[:, p + 1] = b
    return scale_samples(rows.reshape(base * (p + 2), p), problem)


def quantile_levels(unit: np.ndarray, method: str) -> np.ndarray:
    """Probability levels the inverse CDFs are evaluated at. A Morris grid level k/(L-1) maps to the
    middle of the k-th of L equal-probability bins, so the grid's ends stay finite for any
    distribution; other designs are only kept inside (0, 1) by :data:`UNIT_EDGE`."""
    if method == "morris":
        return (unit * (MORRIS_LEVELS - 1) + 0.5) / MORRIS_LEVELS
    return np.clip(unit, UNIT_EDGE, 1.0 - UNIT_EDGE)


def inverse_cdf(spec, q: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Values at probability levels ``q`` of ``spec`` truncated to [lo, hi]."""
    if isinstance(spec, Choice):
        values = np.array(spec.values, dtype=float)
        cum = np.cumsum(spec.probabilities())
        idx = np.minimum(np.searchsorted(cum, q, side="right"), len(values) - 1)
        return values[idx]
    dist = spec.frozen()
    s_lo, s_hi = spec.support()
    a, b = dist.cdf(max(lo, s_lo)), dist.cdf(min(hi, s_hi))
    return dist.ppf(a + q * (b - a))


def make_design(resolved: ResolvedScenario, samples: int, method: str, seed: int) -> Design:
    """Draw the design of a sweep (all of it, before any model run)."""
    cols = columns(resolved)
    unit = unit_design(method, samples, len(cols), seed)
    q = quantile_levels(unit, method)
    params = registry.parameters()
    values = np.empty_like(unit)
    for j, col in enumerate(cols):
        lo, hi = allowed_interval(col.spec, params[col.name], resolved.values[col.name])
        values[:, j] = inverse_cdf(col.spec, q[:, j], lo, hi)
    return Design(cols, method, seed, samples, unit, values)


# ---------------------------------------------------------------------------------------------
# design rows -> parameter values


def _key_points(value: float | dict[int, float], years: np.ndarray) -> dict[int, float]:
    """A path's key points; a constant path counts as key points at the first and last year."""
    if isinstance(value, dict):
        return dict(value)
    return {int(years[0]): float(value), int(years[-1]): float(value)}


def _with_year(value: float | dict[int, float], year: int, x: float, years: np.ndarray) -> dict:
    keys = _key_points(value, years)
    keys[year] = x
    return dict(sorted(keys.items()))


def _scaled_years(col: Column, years: np.ndarray, history_end: int | None) -> np.ndarray:
    """Years a ``scale`` applies to: the projected years (all years of a counterfactual), or those
    from ``from_year`` on if it is later. Observed years are history: no sample scales them."""
    first = years[0] if history_end is None else history_end + 1
    return years >= max(first, col.spec.from_year if col.spec.from_year is not None else first)


def overrides(design_columns: list[Column], values: np.ndarray, resolved: ResolvedScenario,
              years: np.ndarray) -> dict[str, np.ndarray]:
    """Per-sample engine overrides for rows ``values`` [n, P] of a design: [n] for a scalar,
    [n, Y] for a path (interpolated over the simulated ``years``)."""
    out: dict[str, np.ndarray] = {}
    for j, col in enumerate(design_columns):
        x = values[:, j]
        base = resolved.values[col.name]
        if col.kind == "scalar":
            out[col.name] = x * float(base) if col.spec.scale else x.copy()
        elif col.spec.scale:
            path = interpolate_path(base, years)[None, :]
            out[col.name] = np.where(_scaled_years(col, years, resolved.history_end),
                                     x[:, None] * path, path)
        else:  # interpolation is linear in the key values: path = A + x * B
            keys = _with_year(base, col.spec.year, 0.0, years)
            a = interpolate_path(keys, years)
            b = interpolate_path({k: float(k == col.spec.year) for k in keys}, years)
            out[col.name] = a[None, :] + x[:, None] * b[None, :]
    return out


def resolved_for_sample(resolved: ResolvedScenario, design_columns: list[Column],
                        row: np.ndarray, years: np.ndarray) -> ResolvedScenario:
    """The single-run scenario equal to one design row (values written as a scenario would)."""
    values = dict(resolved.values)
    for col, x in zip(design_columns, np.asarray(row, dtype=float), strict=True):
        base, x = resolved.values[col.name], float(x)
        if col.kind == "scalar":
            values[col.name] = float(base) * x if col.spec.scale else x
        elif col.spec.scale and (col.spec.from_year is not None or resolved.history_end is not None):
            path = interpolate_path(base, years)  # written out year by year
            scaled = np.where(_scaled_years(col, years, resolved.history_end), path * x, path)
            values[col.name] = {int(y): float(v) for y, v in zip(years, scaled, strict=True)}
        elif col.spec.scale:  # a counterfactual of history: the whole path
            values[col.name] = ({k: v * x for k, v in base.items()} if isinstance(base, dict)
                                else float(base) * x)
        else:
            values[col.name] = _with_year(base, col.spec.year, x, years)
    return dataclasses.replace(resolved, values=values, uncertain={})
