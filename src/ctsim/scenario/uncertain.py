"""Scenario keys for sweeps: ``uncertain:`` (distribution specs), ``sweep:`` and ``checks:``.

An uncertain entry names a registered parameter and a distribution of one number per sample:

- a scalar parameter: the number is its value (or, with ``scale: true``, a factor on its value);
- a path parameter: either ``scale: true`` (the number multiplies the whole path) or ``year: Y``
  (the number is the path's value in year Y; the other key points stay and linear interpolation
  joins them; a constant path counts as key points at the first and last simulated year). With
  ``scale: true, from_year: Y`` only the path's values from year Y on are scaled.

No sample changes an observed year (2020 to the last year of bundled history): a ``scale`` acts
on the projected years only (from the first year after history, or ``from_year`` if later), a
``year`` in an observed year is refused for a path with an observed series, and the engine
simulates the observed years with the registry's values whatever a sample says (so a sampled
scalar acts from the first projected year).

Distributions are small typed specs, a tagged union on ``kind``; :meth:`Dist.frozen` turns one into
a ``scipy.stats`` object. A distribution is truncated to the parameter's registry bounds only when
less than :data:`MAX_MASS_OUTSIDE` of it lies outside them; otherwise the scenario is rejected, so a
sample never silently leaves the range the engine was built for.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from .. import registry
from ..errors import ScenarioError
from ..history import has_observed_series, last_observed_year, observed_text
from .types import STRICT, Number

METHODS = ("lhs", "sobol", "random", "morris")
DEFAULT_SAMPLES = 1000
MAX_MASS_OUTSIDE = 1e-6  # larger probability outside the parameter's bounds is an error


class _Dist(BaseModel):
    model_config = STRICT
    scale: bool = Field(False, description="The sample multiplies the parameter (a whole path)")
    year: int | None = Field(None, description="Path parameters: the sample is the value in this year")
    from_year: int | None = Field(None, description=(
        "With scale on a path: scale only the values from this year on (observed years are never scaled)"))
    description: str = Field("", description="Why this range (a source or an argument)")

    def support(self) -> tuple[float, float]:
        """Interval the samples lie in (before truncation to the parameter's bounds)."""
        raise NotImplementedError

    def frozen(self):
        """The ``scipy.stats`` frozen distribution (``choice`` has none: see inputs/design.py)."""
        raise NotImplementedError


class Uniform(_Dist):
    """Uniform on [low, high]."""

    kind: Literal["uniform"]
    low: Number
    high: Number

    @model_validator(mode="after")
    def _order(self):
        if not self.low < self.high:
            raise ValueError(f"expected low < high (got {self.low:g}, {self.high:g})")
        return self

    def support(self):
        return self.low, self.high

    def frozen(self):
        from scipy import stats

        return stats.uniform(loc=self.low, scale=self.high - self.low)


class Triangular(_Dist):
    """Triangular on [low, high] with its peak at ``mode``."""

    kind: Literal["triangular"]
    low: Number
    mode: Number
    high: Number

    @model_validator(mode="after")
    def _order(self):
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(f"expected low <= mode <= high and low < high (got {self.low:g}, "
                             f"{self.mode:g}, {self.high:g})")
        return self

    def support(self):
        return self.low, self.high

    def frozen(self):
        from scipy import stats

        width = self.high - self.low
        return stats.triang(c=(self.mode - self.low) / width, loc=self.low, scale=width)


class _Truncatable(_Dist):
    lower: Number | None = Field(None, description="Truncate below this value (optional)")
    upper: Number | None = Field(None, description="Truncate above this value (optional)")

    @model_validator(mode="after")
    def _bounds(self):
        lo, hi = self.support()
        if not lo < hi:
            raise ValueError(f"expected lower < upper (got {lo:g}, {hi:g})")
        return self


class Normal(_Truncatable):
    """Normal with mean and standard deviation ``sd``, optionally truncated to [lower, upper]."""

    kind: Literal["normal"]
    mean: Number
    sd: Number = Field(gt=0)

    def support(self):
        return (-math.inf if self.lower is None else self.lower,
                math.inf if self.upper is None else self.upper)

    def frozen(self):
        from scipy import stats

        return stats.norm(loc=self.mean, scale=self.sd)


class Lognormal(_Truncatable):
    """Log-normal with the given ``median`` and ``sigma`` (standard deviation of the logarithm)."""

    kind: Literal["lognormal"]
    median: Number = Field(gt=0)
    sigma: Number = Field(gt=0)

    def support(self):
        return (0.0 if self.lower is None else max(0.0, self.lower),
                math.inf if self.upper is None else self.upper)

    def frozen(self):
        from scipy import stats

        return stats.lognorm(s=self.sigma, scale=self.median)


class Choice(_Dist):
    """One of ``values``, with optional ``weights`` (equal by default)."""

    kind: Literal["choice"]
    values: list[Number] = Field(min_length=1)
    weights: list[Number] | None = None

    @model_validator(mode="after")
    def _weights(self):
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(f"expected one weight per value (got {len(self.weights)} "
                                 f"weights for {len(self.values)} values)")
            if min(self.weights) < 0 or sum(self.weights) <= 0:
                raise ValueError("expected non-negative weights with a positive sum")
        return self

    def support(self):
        return min(self.values), max(self.values)

    def probabilities(self) -> list[float]:
        w = self.weights or [1.0] * len(self.values)
        return [x / sum(w) for x in w]


Dist = Annotated[Uniform | Triangular | Normal | Lognormal | Choice, Field(discriminator="kind")]
DIST_KINDS = {"uniform": Uniform, "triangular": Triangular, "normal": Normal,
              "lognormal": Lognormal, "choice": Choice}


class SweepSettings(BaseModel):
    """``sweep:`` defaults for ``ctsim sweep`` and ``ctsim check`` (command-line options override)."""

    model_config = STRICT
    samples: int = Field(DEFAULT_SAMPLES, ge=1, description="Number of model runs (at most)")
    method: Literal["lhs", "sobol", "random", "morris"] = Field(
        "lhs", description="lhs | sobol (Saltelli design, Sobol indices) | random | morris")
    seed: int | None = Field(None, ge=0, description="Seed of the design (default: the scenario seed)")


# ---------------------------------------------------------------------------------------------
# semantic checks (need the registry and the scenario's own values)


def _key_values(value: float | dict[int, float]) -> list[float]:
    return list(value.values()) if isinstance(value, dict) else [float(value)]


def allowed_interval(spec: _Dist, param: registry.Parameter,
                     base: float | dict[int, float]) -> tuple[float, float]:
    """Interval the sampled number must stay in so the parameter stays within its registry bounds.

    For ``scale`` every key value v of the base times the factor f must lie in [lower, upper]; the
    interpolated path then does too (it is a convex combination of key values).
    """
    if not spec.scale:
        return param.lower, param.upper
    lo, hi = -math.inf, math.inf
    for v in _key_values(base):
        if v > 0:
            lo, hi = max(lo, param.lower / v), min(hi, param.upper / v)
        elif v < 0:
            lo, hi = max(lo, param.upper / v), min(hi, param.lower / v)
        elif not param.lower <= 0 <= param.upper:
            return math.inf, -math.inf
    return lo, hi


def mass_outside(spec: _Dist, lo: float, hi: float) -> float:
    """Probability that a sample of ``spec`` falls outside [lo, hi]."""
    if isinstance(spec, Choice):
        return sum(p for v, p in zip(spec.values, spec.probabilities(), strict=True)
                   if not lo <= v <= hi)
    dist = spec.frozen()
    s_lo, s_hi = spec.support()
    total = dist.cdf(s_hi) - dist.cdf(s_lo)
    inside = dist.cdf(min(hi, s_hi)) - dist.cdf(max(lo, s_lo)) if min(hi, s_hi) > max(lo, s_lo) else 0
    return float(1.0 - inside / total)


def _check_observed(p: registry.Parameter, spec: _Dist, where: str, path: Path) -> None:
    """No sample may change an observed year: an observed initial value (a scalar named for its
    year) is not uncertain, and a path with an observed series takes no ``year`` in the observed
    years. (A ``scale`` acts on the projected years only: see inputs/design.py.)"""
    if not has_observed_series(p):
        return
    last = last_observed_year()
    if p.kind == "scalar":
        raise ScenarioError(path, where, f"{p.name} is an observed value ({observed_text()} come "
                                         "from history); a sweep cannot make it uncertain")
    if spec.year is not None and spec.year <= last:
        raise ScenarioError(path, f"{where}.year", f"{spec.year} is an observed year "
                            f"({observed_text()} come from history); a sample can set {p.name} "
                            f"from {last + 1}")


def check_uncertain(model: BaseModel, path: Path) -> None:
    """Parameter names (with did-you-mean), modes, years and bounds of ``uncertain:`` entries."""
    params = registry.parameters()
    start, end = model.years.start, model.years.end
    for name, spec in model.uncertain.items():
        where = f"uncertain.{name}"
        if name not in params:
            hint = registry.did_you_mean(name, params)
            raise ScenarioError(path, where, f"unknown parameter '{name}'{hint} (see `ctsim params`)")
        p = params[name]
        if p.kind == "path" and spec.scale == (spec.year is not None):
            raise ScenarioError(path, where, "a path parameter needs exactly one of 'scale: true' "
                                             "(a factor on the whole path) or 'year: Y' (its value in Y)")
        if p.kind == "scalar" and spec.year is not None:
            raise ScenarioError(path, f"{where}.year", f"'{name}' is a scalar, not a path (got year "
                                                       f"{spec.year})")
        for key in ("year", "from_year"):
            year = getattr(spec, key)
            if year is not None and not start <= year <= end:
                raise ScenarioError(path, f"{where}.{key}",
                                    f"year outside horizon {start}-{end} (got {year})")
        if spec.from_year is not None and not (spec.scale and p.kind == "path"):
            raise ScenarioError(path, f"{where}.from_year",
                                "from_year goes with 'scale: true' on a path parameter")
        if not getattr(model, "counterfactual", False):
            _check_observed(p, spec, where, path)
        section, key = name.split(".", 1)
        base = getattr(getattr(model, section), key)
        base = p.value if base is None else base
        lo, hi = allowed_interval(spec, p, base)
        outside = mass_outside(spec, lo, hi)
        if outside > MAX_MASS_OUTSIDE:
            unit = "" if p.unit in ("", "1") else f" {p.unit}"
            bounds = f"the bounds [{p.lower:g}, {p.upper:g}]{unit} of {name}"
            if spec.scale:
                bounds = f"[{lo:.6g}, {hi:.6g}], the factors that keep {name} within {bounds}"
            raise ScenarioError(
                path, where, f"probability {outside:.3g} of sampling outside {bounds} (at most "
                f"{MAX_MASS_OUTSIDE:g} allowed); narrow the distribution or give lower/upper",
            )


# Memory a sweep keeps per sample (design row, metrics, verdicts and margins, sensitivity inputs):
# docs/sweeps.md measured a 1.17 GB peak for 10^6 samples with default outputs, so 1.2 kB a sample
# (an upper bound: the peak includes the fixed cost of one chunk).
SWEEP_BYTES_PER_SAMPLE = 1_200
MAX_SWEEP_BYTES = 2**40  # 1 TiB: more than any machine ctsim runs on; a larger sweep is a typo


def human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000 or unit == "EB":
            return f"{n:,.3g} {unit}" if n < 1000 else f"{n:,.0f} {unit}"
        n /= 1000
    return ""  # unreachable


def sweep_memory(samples: int) -> int:
    """Estimated peak memory (bytes) of a sweep of ``samples`` samples with default outputs."""
    return int(samples) * SWEEP_BYTES_PER_SAMPLE


def check_sweep(model: BaseModel, path: Path) -> None:
    """A ``sweep.samples`` whose memory need is absurd is refused before any work."""
    need = sweep_memory(model.sweep.samples)
    if need > MAX_SWEEP_BYTES:
        raise ScenarioError(
            path, "sweep.samples",
            f"{model.sweep.samples:,} samples need about {human_bytes(need)} of memory "
            f"({human_bytes(SWEEP_BYTES_PER_SAMPLE)} per sample), more than the "
            f"{human_bytes(MAX_SWEEP_BYTES)} ctsim allows; use fewer samples",
        )


def check_checks(model: BaseModel, path: Path) -> None:
    """``checks:`` name targets of the scenario, with probabilities in [0, 1]."""
    ids = [t.id for t in model.targets]
    for target_id, prob in model.checks.items():
        where = f"checks.{target_id}"
        if target_id not in ids:
            hint = registry.did_you_mean(target_id, ids)
            raise ScenarioError(path, where, f"unknown target id '{target_id}'{hint}")
        if not 0.0 <= prob <= 1.0:
            raise ScenarioError(path, where, f"expected a probability in [0, 1] (got {prob:g})")


def scenario_fields() -> dict[str, Any]:
    """The fields this module adds to the scenario model."""
    return {
        "uncertain": (dict[str, Dist], Field(default_factory=dict, description=(
            "Uncertain parameters: registry name -> distribution (uniform, triangular, normal, "
            "lognormal, choice); for a path add 'scale: true' or 'year: Y'"))),
        "sweep": (SweepSettings, Field(default_factory=SweepSettings,
                                       description="Sweep defaults: samples, method, seed")),
        "checks": (dict[str, Number], Field(default_factory=dict, description=(
            "Target id -> minimum probability of meeting it (ctsim check exits 1 below it)"))),
    }
