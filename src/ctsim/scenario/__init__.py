"""The input language: scenario files (YAML, pydantic schema generated from the registry), their
value types, targets, shocks and uncertain parameters, and ``extends`` inheritance."""

from .load import (
    LoadedScenario,
    bundled_scenarios,
    json_schema,
    load_scenario,
    scenario_from_dict,
    scenario_model,
    with_overrides,
)

__all__ = ["LoadedScenario", "bundled_scenarios", "json_schema", "load_scenario", "scenario_from_dict", "scenario_model",
           "with_overrides"]
