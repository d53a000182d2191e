"""ctsim's output names against the IAMC common-definitions variable codelist (issue 12).

Every variable is either defined by the codelist (same name; same unit, or a unit with a documented
conversion in data/units.csv) or a ctsim extension whose name the codelist does not use. The
snapshot is tests/data/common_definitions_variables.csv, expanded from the codelist by
tools/codelist_snapshot.py.
"""

from __future__ import annotations

import csv
import importlib.util
import math
from pathlib import Path

import pytest

from ctsim import registry
from ctsim.errors import ScenarioError
from ctsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "data" / "common_definitions_variables.csv"
CODELIST_FOLDER = ROOT.parent / "shared" / "reference" / "common-definitions" / "variable"
VARIABLES = list(registry.variables().values())


def _snapshot() -> dict[str, str]:
    with SNAPSHOT.open(encoding="utf-8", newline="") as fh:
        return {r["variable"]: r["unit"] for r in csv.DictReader(line for line in fh if not line.startswith("#"))}


CODELIST = _snapshot()


def test_snapshot_holds_the_codelist_names_the_issue_quotes():
    for name in ("Production|Iron and Steel|Steel|Secondary", "Emissions|CO2|Energy and Industrial Processes",
                 "Carbon Removal|Geological Storage|Direct Air Capture", "Final Energy|Transportation|Electricity"):
        assert name in CODELIST
    assert CODELIST["Secondary Energy|Electricity"] == "EJ/yr"


@pytest.mark.parametrize("v", VARIABLES, ids=lambda v: v.name)
def test_variable_is_defined_with_its_unit_or_a_listed_extension(v):
    assert v.codelist in ("defined", "extension"), f"{v.name}: codelist must be defined or extension"
    if v.codelist == "defined":
        assert v.variable in CODELIST, f"{v.variable} is marked defined but is not in the codelist"
        iamc_unit = CODELIST[v.variable]
        if v.unit != iamc_unit:
            conv = registry.unit_conversions().get(v.unit)
            assert conv is not None and conv.iamc_unit == iamc_unit, \
                f"{v.variable}: unit {v.unit} is not the codelist's {iamc_unit} and has no conversion to it"
    else:
        assert v.variable not in CODELIST, f"{v.variable} is in the codelist: mark it defined"


def test_names_are_unique_and_in_the_codelist_style():
    names = [v.variable for v in VARIABLES]
    assert len(names) == len(set(names))
    for n in names:
        assert all(part == part.strip() and part for part in n.split("|")), n


def test_docs_variables_md_is_generated_from_the_catalogue():
    text = (ROOT / "docs" / "variables.md").read_text(encoding="utf-8")
    assert text == registry.variables_markdown() + "\n", "docs/variables.md is stale: run `make docs`"
    for v in VARIABLES:
        assert f"`{v.variable.replace('|', chr(92) + '|')}`" in text


# --- conversion factors: each recomputed from the constants its source states ----------------------

EXPECTED_FACTORS = {
    "TWh/yr": 3.6e15 / 1e18,                                   # J per TWh / J per EJ
    "Mtce/yr": 7000 * 4.1868e3 * 1e3 * 1e6 / 1e18,            # kcal/kg x J/kcal x kg/t x t/Mt / J per EJ
    "CNY/t CO2": 1 / 6.8976 * 96.166 / 113.648,
    "bn CNY/yr": 1 / 6.8976 * 96.166 / 113.648,
    "CNY/MWh": 1 / 6.8976 * 96.166 / 113.648,
    "billion Int$2011/yr": 96.166 / 98.164,
}


@pytest.mark.parametrize("unit", sorted(EXPECTED_FACTORS))
def test_conversion_factor_follows_from_its_stated_constants(unit):
    conv = registry.unit_conversions()[unit]
    assert math.isclose(conv.factor, EXPECTED_FACTORS[unit], rel_tol=5e-6), (unit, conv.factor)


def test_every_conversion_is_tested_and_targets_a_codelist_unit():
    convs = registry.unit_conversions()
    assert set(convs) == set(EXPECTED_FACTORS)
    codelist_units = set(CODELIST.values())
    for c in convs.values():
        assert c.iamc_unit in codelist_units or c.iamc_unit == "USD_2010/MWh", c


def test_one_twh_is_3_6_petajoules_and_one_mtce_29_3_petajoules():
    convs = registry.unit_conversions()
    assert 1000 * convs["TWh/yr"].factor == pytest.approx(3.6)        # 1000 TWh = 3.6 EJ
    assert 1000 * convs["Mtce/yr"].factor == pytest.approx(29.3076)   # 1 Gtce = 29.3 EJ


# --- renamed variables ------------------------------------------------------------------------------

def test_renames_point_to_current_names_and_old_names_are_gone():
    current = registry.iamc_variables()
    for old, new in registry.renamed_variables().items():
        assert new in current, new
        assert old not in current, old


def test_a_target_with_an_old_name_says_what_it_was_renamed_to(tmp_path):
    f = tmp_path / "old.yaml"
    f.write_text("name: old\nextends: " + str(ROOT / "scenarios" / "baseline.yaml") + "\ntargets:\n"
                 "  - {id: steel_peak, kind: peak_by, variable: Emissions|CO2|Industry|Steel, year: 2030}\n",
                 encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(f)
    msg = str(err.value)
    assert "renamed to 'Emissions|CO2|Energy and Industrial Processes|Iron and Steel'" in msg
    assert "\n" not in msg and str(f) in msg


@pytest.mark.skipif(not CODELIST_FOLDER.is_dir(), reason="the codelist folder is not next to the repository")
def test_snapshot_equals_a_fresh_expansion_of_the_codelist(tmp_path):
    spec = importlib.util.spec_from_file_location("codelist_snapshot", ROOT / "tools" / "codelist_snapshot.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / "snap.csv"
    assert tool.main([str(CODELIST_FOLDER), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == SNAPSHOT.read_text(encoding="utf-8")


def test_an_error_in_a_users_target_names_its_id_not_its_merged_position(tmp_path):
    f = tmp_path / "mine.yaml"   # baseline brings 3 targets first: this one is the 4th after merging
    f.write_text("name: mine\nextends: " + str(ROOT / "scenarios" / "baseline.yaml") + "\ntargets:\n"
                 "  - {id: my_peak, kind: peak_by, variable: Emissions|CO2, year: 2070}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(f)
    assert err.value.key_path == "targets.my_peak.year" and "targets.3" not in str(err.value)
