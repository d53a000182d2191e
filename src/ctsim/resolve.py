"""Scenario + parameter registry -> ResolvedScenario: every parameter filled, with its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import registry
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

    def changed(self) -> dict[str, float | dict[int, float]]:
        """Parameters whose value was set by a scenario file (not the registry default)."""
        return {k: v for k, v in self.values.items() if self.provenance[k] != "default"}


CAP_SECTION = "caps"  # a cap path applies from its first year: before it, no cap


def _from_first_year(p: registry.Parameter, given: float | dict[int, float]) -> float | dict[int, float]:
    """A cap path given from year y0 > 2020 gets the registry's "no cap" value in y0 - 1, so that
    linear interpolation (flat outside the keys) leaves the years before y0 uncapped."""
    if p.section != CAP_SECTION or not isinstance(given, dict) or min(given) <= 2020:
        return given
    return {min(given) - 1: p.value, **given}


def resolve(scenario: LoadedScenario) -> ResolvedScenario:
    values: dict[str, float | dict[int, float]] = {}
    provenance: dict[str, str] = {}
    for name, p in registry.parameters().items():
        section, key = name.split(".", 1)
        given = getattr(getattr(scenario.model, section), key)
        if given is None:
            values[name], provenance[name] = p.value, "default"
        else:
            values[name] = _from_first_year(p, given)
            provenance[name] = scenario.origin.get(name, "scenario")
    return ResolvedScenario(
        name=scenario.name,
        years=scenario.years,
        seed=scenario.model.seed,
        values=values,
        provenance=provenance,
        targets=scenario.targets,
        shocks=list(scenario.model.shocks),
        description=scenario.model.description,
        scenario_hash=scenario.hash,
        uncertain=dict(scenario.model.uncertain),
        sweep=scenario.model.sweep,
        checks=dict(scenario.model.checks),
    )
