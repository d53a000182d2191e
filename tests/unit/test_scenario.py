"""Scenario files: schema, time paths, inheritance and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ctsim import ScenarioError, load_scenario
from ctsim.inputs.build import build_inputs, interpolate_path
from ctsim.resolve import resolve
from ctsim.scenario import json_schema


def test_interpolation_linear_between_keys_flat_outside():
    years = np.arange(2020, 2041)
    v = interpolate_path({2025: 1.0, 2035: 3.0}, years)
    assert v[0] == 1.0 and v[5] == 1.0 and v[10] == 2.0 and v[15] == 3.0 and v[-1] == 3.0
    np.testing.assert_array_equal(interpolate_path(0.5, years), np.full(21, 0.5))


def test_name_defaults_to_file_stem(write_yaml):
    s = load_scenario(write_yaml("my-case.yaml", "seed: 3\n"))
    assert s.name == "my-case" and s.model.seed == 3 and s.years == (2020, 2060)


def _projected(path: dict) -> dict:
    """The keys of a resolved path after the observed years (which hold the registry's history)."""
    return {y: v for y, v in path.items() if y > 2024}


def test_extends_overrides_only_what_it_names(write_yaml):
    write_yaml("parent.yaml", "steel: {eaf_share: 0.3, h2dri_share: 0.05}\nseed: 1\n"
               "targets:\n  - {id: a, kind: peak_by, variable: Emissions|CO2|Energy and Industrial Processes, year: 2030}\n")
    child = write_yaml("child.yaml", "extends: parent.yaml\nsteel: {eaf_share: 0.25}\n"
                       "targets:\n  - {id: b, kind: peak_by, variable: Emissions|CO2|Energy and Industrial Processes, year: 2028}\n")
    s = load_scenario(child)
    r = resolve(s)
    assert _projected(r.values["steel.eaf_share"]) == {2025: 0.25}  # a number: every projected year
    assert _projected(r.values["steel.h2dri_share"]) == {2025: 0.05}
    assert r.provenance["steel.eaf_share"].startswith("scenario:")
    assert r.provenance["steel.h2dri_share"].startswith("inherited:")
    assert r.provenance["steel.output_mt"] == "default"
    assert [t.id for t in s.targets] == ["a", "b"] and s.model.seed == 1


def test_extends_list_applied_in_order(write_yaml):
    write_yaml("a.yaml", "steel: {eaf_share: 0.2}\n")
    write_yaml("b.yaml", "steel: {eaf_share: 0.3}\n")
    s = load_scenario(write_yaml("c.yaml", "extends: [a.yaml, b.yaml]\n"))
    assert _projected(resolve(s).values["steel.eaf_share"]) == {2025: 0.3}


def test_a_child_path_replaces_the_parent_path_whole(write_yaml):
    write_yaml("p.yaml", "steel: {eaf_share: {2025: 0.1, 2050: 0.5}}\n")
    s = load_scenario(write_yaml("c.yaml", "extends: p.yaml\nsteel: {eaf_share: {2030: 0.2}}\n"))
    assert _projected(resolve(s).values["steel.eaf_share"]) == {2030: 0.2}


@pytest.mark.parametrize(
    "text, key, fragment",
    [
        ("stel: {}\n", "stel", "did you mean 'steel'"),
        ("steel: {eaf_shar: 0.2}\n", "steel.eaf_shar", "did you mean 'eaf_share'"),
        ("steel: {eaf_share: high}\n", "steel.eaf_share", "expected a number"),
        ("steel: {eaf_share: 1.5}\n", "steel.eaf_share", "expected a value in [0, 1] (a fraction) (got 1.5)"),
        ("steel: {eaf_share: {2065: 0.2}}\n", "steel.eaf_share.2065", "outside horizon 2020-2060"),
        ("steel: {eaf_share: .nan}\n", "steel.eaf_share", "finite"),
        ("years: {start: 2050, end: 2030}\n", "years.end", "must end after it starts"),
        ("seed: -1\n", "seed", "greater than or equal to 0"),
        ("seed: abc\n", "seed", "expected an integer"),
        ("targets:\n  - {id: x, kind: peek_by, variable: Emissions|CO2|Energy and Industrial Processes, year: 2030}\n",
         "targets.0", "did you mean 'peak_by'"),
        ("targets:\n  - {id: x, kind: peak_by, variable: Emissions|CO3, year: 2030}\n",
         "targets.x.variable", "did you mean 'Emissions|CO2'"),
        ("targets:\n  - {id: x, kind: peak_by, variable: Emissions|CO2|Energy and Industrial Processes}\n",
         "targets.0.year", "required"),
    ],
)
def test_errors_are_one_line_with_file_and_key(write_yaml, text, key, fragment):
    path = write_yaml("bad.yaml", text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: {key}: "), msg
    assert fragment in msg


def test_duplicate_keys_and_bad_yaml(write_yaml):
    with pytest.raises(ScenarioError, match="duplicate key 'seed'"):
        load_scenario(write_yaml("d.yaml", "seed: 1\nseed: 2\n"))
    with pytest.raises(ScenarioError, match="line 3"):
        load_scenario(write_yaml("y.yaml", "seed: 1\nsteel: {eaf_share: [\n"))


def test_unsafe_tags_are_refused(write_yaml):
    with pytest.raises(ScenarioError, match="invalid YAML"):
        load_scenario(write_yaml("t.yaml", "name: !!python/object/apply:os.system ['echo hi']\n"))


def test_extends_cycle_and_missing_file(write_yaml):
    write_yaml("a.yaml", "extends: b.yaml\n")
    b = write_yaml("b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="inheritance cycle"):
        load_scenario(b)
    with pytest.raises(ScenarioError, match="inherited file not found: nope.yaml"):
        load_scenario(write_yaml("c.yaml", "extends: nope.yaml\n"))
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(b.parent / "missing.yaml")


def test_error_in_parent_names_the_parent_file(write_yaml):
    parent = write_yaml("parent.yaml", "steel: {eaf_share: 2}\n")
    child = write_yaml("child.yaml", "extends: parent.yaml\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert str(err.value).startswith(f"{parent.resolve()}: steel.eaf_share")


def test_horizon_shorter_than_default(write_yaml):
    s = load_scenario(write_yaml("h.yaml", "years: {start: 2020, end: 2035}\n"))
    inputs = build_inputs(resolve(s))
    assert inputs.years[0] == 2020 and inputs.years[-1] == 2035


def test_json_schema_lists_sections_and_target_kinds():
    schema = json_schema()
    text = json.dumps(schema)
    for key in ("macro", "power", "steel", "targets", "extends", "years", "seed"):
        assert key in schema["properties"]
    for kind in ("peak_by", "intensity_reduction", "share_at_least", "cap"):
        assert kind in text


def test_scenario_hash_changes_with_content(write_yaml):
    a = load_scenario(write_yaml("a.yaml", "seed: 1\n"))
    b = load_scenario(write_yaml("b.yaml", "seed: 2\n"))
    a2 = load_scenario(write_yaml("a2.yaml", "seed: 1\nname: a\n"))
    assert a.hash != b.hash
    assert a.hash == a2.hash  # same content, same name
