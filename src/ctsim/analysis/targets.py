"""Targets -> verdicts per sample, with a margin (how far from meeting it; positive = met)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import registry
from ..history import history
from ..regions import province_data
from ..resolve import expand_targets
from ..results import REGION, Results


def _unit(variable: str) -> str:
    """The catalogue unit of an output variable (the margin unit of a cap or neutral_by target)."""
    from .. import registry

    return registry.iamc_variables()[variable].unit


EPS = 1e-9  # comparisons forgive floating-point round-off only (a path set exactly at a target meets it)


@dataclass
class Verdict:
    id: str
    kind: str
    variable: str
    met: np.ndarray  # bool [S]
    margin: np.ndarray  # float [S], in the unit named by ``margin_unit``; >= 0 when met
    # (years, fraction, or the variable's own unit for cap and neutral_by targets)
    margin_unit: str
    value: np.ndarray  # the evaluated quantity [S] (peak year, reduction, share, level)
    description: str
    region: str = "China"  # where it was evaluated
    target: str = ""  # the scenario's target id (a target in 'each' region has one verdict a region)

    def as_dict(self, sample: int = 0) -> dict:
        out = {
            "id": self.id, "kind": self.kind, "variable": self.variable,
            "met": bool(self.met[sample]), "value": float(self.value[sample]),
            "margin": float(self.margin[sample]), "margin_unit": self.margin_unit,
            "description": self.description,
        }
        if self.region != REGION:
            out.update(region=self.region, target=self.target or self.id)
        return out


def peak_year(series: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Year of the maximum of each row [S, Y] -> [S] (the first year it is reached)."""
    return years[np.argmax(series, axis=1)]


def _at(series: np.ndarray, years: np.ndarray, year: int) -> np.ndarray:
    return series[:, int(np.searchsorted(years, year))]


def observed_before(variable: str, first_year: int) -> np.ndarray:
    """Bundled observed values of an IAMC variable in the years before ``first_year`` (empty when
    the history has no such variable), so that a peak counts observed years a run does not hold."""
    table = history()
    if variable not in table.columns:
        return np.empty(0)
    column = table[variable]
    return column[(column.index < first_year) & column.notna()].to_numpy(dtype=float)


def reduction_from_peak(series: np.ndarray, years: np.ndarray, year: int,
                        observed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(fall below the peak in ``year``, peak year), per row of ``series`` [S, Y]: ``1 - x_year /
    max(x_t, t <= year)``, the maximum taken over observed years before the series (``observed``)
    and the series up to ``year``. The peak year is the series' first year of that maximum (the
    first simulated year minus one when an earlier observed year is higher)."""
    upto = series[:, years <= year]
    peak = upto.max(axis=1)
    peak_at = years[np.argmax(upto, axis=1)]
    if observed is not None and observed.size:
        before = observed.max()
        peak_at = np.where(before > peak, years[0] - 1, peak_at)
        peak = np.maximum(peak, before)
    return 1.0 - _at(series, years, year) / peak, peak_at


def _unit(variable: str) -> str:
    var = registry.iamc_variables().get(variable)
    return var.unit if var is not None else "variable unit"


def evaluate_target(target, results: Results, national: bool = True) -> Verdict:
    """The verdict of one target on ``results`` (``national`` False for a region's results: no
    observed national history counts then)."""
    years = results.years
    series = results[target.variable]
    kind = target.kind
    if kind == "peak_by":
        py = peak_year(series, years)
        margin = (target.year - py).astype(float)
        return Verdict(target.id, kind, target.variable, py <= target.year, margin, "years",
                       py.astype(float), f"peak at or before {target.year}")
    if kind == "intensity_reduction":
        if target.variable.endswith("Reduction vs 2005") and target.base_year == 2005:
            value = _at(series, years, target.year)
        else:  # a level variable: its fall from base_year (which must be in the horizon)
            value = 1.0 - _at(series, years, target.year) / _at(series, years, target.base_year)
        return Verdict(target.id, kind, target.variable, value >= target.value - EPS,
                       value - target.value, "fraction", value,
                       f"at least {target.value:.0%} below {target.base_year} by {target.year}")
    if kind == "share_at_least":
        value = _at(series, years, target.year)
        return Verdict(target.id, kind, target.variable, value >= target.value - EPS,
                       value - target.value, "fraction", value,
                       f"share at least {target.value:.0%} in {target.year}")
    if kind == "cap":
        value = _at(series, years, target.year)
        return Verdict(target.id, kind, target.variable, value <= target.value + EPS * max(1.0, abs(target.value)),
                       target.value - value, _unit(target.variable), value,
                       f"at most {target.value:g} in {target.year}")
    if kind == "neutral_by":
        later = series[:, years >= target.year]
        value = later.max(axis=1)
        return Verdict(target.id, kind, target.variable, value <= target.value + EPS * max(1.0, abs(target.value)),
                       target.value - value, _unit(target.variable), value,
                       f"at most {target.value:g} from {target.year} on")
    if kind == "reduction_from_peak":
        value, peak_at = reduction_from_peak(series, years, target.year,
                                             observed_before(target.variable, int(years[0])) if national
                                             else None)
        peak_text = (f"peak in {int(peak_at[0])}" if np.all(peak_at == peak_at[0])
                     else "peak year per sample")
        return Verdict(target.id, kind, target.variable, value >= target.value - EPS,
                       value - target.value, "fraction", value,
                       f"at least {target.value:.0%} below peak by {target.year} ({peak_text})")
    if kind == "level_at_least":
        value = _at(series, years, target.year)
        unit = _unit(target.variable)
        return Verdict(target.id, kind, target.variable,
                       value >= target.value - EPS * max(1.0, abs(target.value)),
                       value - target.value, unit, value,
                       f"at least {target.value:g} {unit} in {target.year}")
    raise ValueError(f"unknown target kind {kind}")  # unreachable: the schema checks kinds


def evaluate(targets: list, results: Results) -> list[Verdict]:
    """Verdicts of the targets, in order; a target with ``region: each`` gives one verdict a region
    of the run (id ``<target>@<region>``, as ctsim.resolve.expand_targets spells it)."""
    out: list[Verdict] = []
    for t in expand_targets(targets, results.resolution):
        region = getattr(t, "region", None)
        out.append(evaluate_target(t, results) if region is None else _regional_verdict(t, results, region))
    return out


def regional_view(results: Results, region: str) -> Results:
    """The results of one region as a Results of its own (its regional arrays, [S, Y])."""
    g = results.regions.index(region)
    return Results(results.scenario, results.years, {k: v[:, g] for k, v in results.regional.items()})


def _regional_verdict(t, results: Results, name: str) -> Verdict:
    if getattr(t, "value_from", None) == "fyp14":  # the region's own plan value (China: the national)
        t = t.model_copy(update={"value": fyp14_cut(name)})
    if name == REGION:
        v = evaluate_target(t, results)
    else:
        v = evaluate_target(t, regional_view(results, name), national=False)
    v.region, v.target = name, t.id.split("@")[0]
    return v


def fyp14_cut(province: str) -> float:
    """A province's 14th FYP energy-intensity cut (2025 vs 2020), the national 13.5 % where its own
    is not found (data/regions/fyp14_targets.csv)."""
    data = province_data()
    own = data.fyp14_energy_intensity_cut[data.names.index(province)] if province in data.names else np.nan
    return float(data.fyp14_national_cut if np.isnan(own) else own)


WILSON_Z = 1.959963984540054  # two-sided 95 % normal quantile


def wilson_interval(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (Wilson 1927, JASA 22: 209-212).

    centre = (p + z^2 / 2n) / (1 + z^2 / n); half = z sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n).
    Unlike the normal approximation it stays inside [0, 1] and is not empty at p = 0 or 1.
    """
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the interval always contains p (clamping only removes round-off at p = 0 or 1)
    return float(min(p, max(0.0, centre - half))), float(max(p, min(1.0, centre + half)))
