"""Scenario keys uncertain:, sweep: and checks: (bad inputs are data in tests/data/bad_sweep/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctsim import ScenarioError, load_scenario

BAD = Path(__file__).resolve().parents[1] / "data" / "bad_sweep"


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: ...'"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_sweep_input_is_one_line_error(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert _expected(path) in message


def test_valid_uncertain_block_loads(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(
        "uncertain:\n"
        "  macro.gdp_growth: {kind: uniform, low: 0.8, high: 1.2, scale: true}\n"
        "  steel.eaf_share: {kind: normal, mean: 0.2, sd: 0.03, lower: 0.1, upper: 0.3, year: 2030}\n"
        "  power.coal_lifetime_yr: {kind: choice, values: [30, 40, 50], weights: [1, 2, 1]}\n"
        "  power.coal_cf_max: {kind: lognormal, median: 0.75, sigma: 0.05, upper: 1}\n"
        "sweep: {samples: 64, method: sobol, seed: 7}\n", encoding="utf-8")
    model = load_scenario(path).model
    assert list(model.uncertain) == ["macro.gdp_growth", "steel.eaf_share", "power.coal_lifetime_yr",
                                     "power.coal_cf_max"]
    assert model.sweep.method == "sobol" and model.sweep.samples == 64 and model.sweep.seed == 7


def test_child_overrides_one_uncertain_entry(tmp_path):
    (tmp_path / "parent.yaml").write_text(
        "uncertain:\n"
        "  power.coal_lifetime_yr: {kind: uniform, low: 30, high: 50}\n"
        "  macro.gdp_growth: {kind: uniform, low: 0.9, high: 1.1, scale: true}\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text(
        "extends: parent.yaml\nuncertain:\n"
        "  power.coal_lifetime_yr: {kind: triangular, low: 35, mode: 40, high: 45}\n",
        encoding="utf-8")
    unc = load_scenario(tmp_path / "child.yaml").model.uncertain
    assert unc["power.coal_lifetime_yr"].kind == "triangular"
    assert unc["macro.gdp_growth"].high == 1.1
