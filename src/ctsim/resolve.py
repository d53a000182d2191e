"""Scenario + parameter registry -> ResolvedScenario: every parameter filled, with its provenance.

History is observed: the years 2020 to the last year of bundled data (:func:`ctsim.history.observed_years`)
are not a scenario's to change. A path a scenario gives for a parameter with an observed series
(:func:`ctsim.history.has_observed_series`) keeps the registry's values in the observed years and
starts its projection from the last observed value, interpolating linearly to the scenario's first
key after it (the loader already refused keys in observed years). A path without an observed series
starts from the registry's last observed value too, unless the scenario gives keys in observed
years itself. A number given for a path is its value in every projected year. A scenario marked
``counterfactual: true`` (a replay of history) keeps its paths as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import registry
from .history import has_observed_series, last_observed_year
from .regions import canonical_region, region_names
from .scenario import LoadedScenario


@dataclass(frozen=True)
class ResolvedScenario:
    name: str
    years: tuple[int, int]
    seed: int
    values: dict[str, float | dict[int, float]]
    provenance: dict[str, str]  # name -> "default" | "scenario:<file>" | "inherited:<file>"
    targets: list = field(default_factory=list)
    shocks: list = field(default_factory=list)
    description: str = ""
    scenario_hash: str = ""
    uncertain: dict = field(default_factory=dict)  # name -> distribution spec (scenario/uncertain.py)
    sweep: object = None  # uncertainty.SweepSettings
    checks: dict[str, float] = field(default_factory=dict)  # target id -> minimum probability
    # Last observed year: years up to it are history (the engine simulates them with the registry's
    # values, whatever this scenario says). None for a counterfactual of history (a replay).
    history_end: int | None = field(default_factory=last_observed_year)
    regions: str = "national"  # spatial resolution: national, grid or provinces
    allocation: dict = field(default_factory=dict)  # technology -> {region: share of national additions}
    regional_caps: dict = field(default_factory=dict)  # kind -> {region: value or {year: value}}

    def changed(self) -> dict[str, float | dict[int, float]]:
        """Parameters whose value was set by a scenario file (not the registry default)."""
        return {k: v for k, v in self.values.items() if self.provenance[k] != "default"}


CAP_SECTION = "caps"  # a cap path applies from its first year: before it, no cap


def _from_first_year(p: registry.Parameter, given: float | dict[int, float]) -> float | dict[int, float]:
    """A cap path given from year y0 > 2020 gets the registry's "no cap" value in y0 - 1, so that
    linear interpolation (flat outside the keys) leaves the years before y0 uncapped."""
    if not isinstance(given, dict) or min(given) <= 2020:
        return given
    return {min(given) - 1: p.value, **given}


def observed_values(p: registry.Parameter, last: int) -> dict[int, float]:
    """The registry's values of path ``p`` in the observed years 2020..``last`` (interpolated)."""
    years = np.arange(2020, last + 1)
    default = p.value
    if isinstance(default, dict):
        keys = sorted(default)
        vals = np.interp(years, keys, [default[k] for k in keys])
    else:
        vals = np.full(len(years), float(default))
    return {int(y): float(v) for y, v in zip(years, vals, strict=True)}


def projection_path(p: registry.Parameter, given: float | dict[int, float],
                    last: int | None) -> float | dict[int, float]:
    """The resolved value of path ``p`` that a scenario sets to ``given`` (see the module)."""
    if p.section == CAP_SECTION:
        return _from_first_year(p, given)
    if last is None:  # a counterfactual of history: the path as written
        return given
    if isinstance(given, dict) and min(given) <= last and not has_observed_series(p):
        return given  # a path without an observed series may shape the observed years' keys
    later = ({y: v for y, v in given.items() if y > last} if isinstance(given, dict)
             else {last + 1: float(given)})
    return {**observed_values(p, last), **later}


def expand_targets(targets: list, resolution: str) -> list:
    """The targets with a concrete region each: a target in ``region: each`` becomes one target a
    region of the run (id ``<id>@<region>``); a named region is spelt as ctsim spells it."""
    out = []
    for t in targets:
        region = getattr(t, "region", None)
        if region is None:
            out.append(t)
        elif region.strip().lower() == "each":
            out += [t.model_copy(update={"id": f"{t.id}@{name}", "region": name})
                    for name in region_names(resolution)]
        else:
            out.append(t.model_copy(update={"region": canonical_region(region)}))
    return out


def resolve(scenario: LoadedScenario) -> ResolvedScenario:
    last = None if getattr(scenario.model, "counterfactual", False) else last_observed_year()
    values: dict[str, float | dict[int, float]] = {}
    provenance: dict[str, str] = {}
    for name, p in registry.parameters().items():
        section, key = name.split(".", 1)
        given = getattr(getattr(scenario.model, section), key)
        if given is None:
            values[name], provenance[name] = p.value, "default"
        else:
            values[name] = projection_path(p, given, last) if p.kind == "path" else given
            provenance[name] = scenario.origin.get(name, "scenario")
    return ResolvedScenario(
        name=scenario.name,
        years=scenario.years,
        seed=scenario.model.seed,
        values=values,
        provenance=provenance,
        targets=expand_targets(scenario.targets, getattr(scenario.model, "regions", "national")),
        shocks=list(scenario.model.shocks),
        description=scenario.model.description,
        scenario_hash=scenario.hash,
        uncertain=dict(scenario.model.uncertain),
        sweep=scenario.model.sweep,
        checks=dict(scenario.model.checks),
        history_end=last,
        regions=getattr(scenario.model, "regions", "national"),
        allocation={tech: {canonical_region(k): v for k, v in shares.items()}
                    for tech, shares in getattr(scenario.model, "allocation", {}).items()},
        regional_caps={kind: {canonical_region(k): v for k, v in caps.items()}
                       for kind, caps in getattr(scenario.model, "regional_caps", {}).items()},
    )
