"""tools/calibrate.py: `make calibrate` leaves parameters.csv byte for byte alone when no value
changes, rewrites only the value field of a changed row, and its hold-out machinery (used by
tools/validation.py) fits the years it is given and predicts the others from them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ctsim import registry
from ctsim.history import history

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import calibrate as cal  # noqa: E402


def _registry_result() -> dict[str, dict[int, float]]:
    return {name: dict(registry.parameters()[name].value) for name in cal.DRIVERS}


def test_unchanged_values_rewrite_the_file_byte_for_byte():
    text = cal.CSV.read_bytes().decode("utf-8")
    assert cal.rewrite_values(text, _registry_result()) == text


def test_a_changed_value_rewrites_only_its_value_field():
    text = cal.CSV.read_bytes().decode("utf-8")
    result = _registry_result()
    result["power.solar_cf"] = {**result["power.solar_cf"], 2024: 0.125}
    new = cal.rewrite_values(text, result)
    changed = [(a, b) for a, b in zip(text.splitlines(True), new.splitlines(True), strict=True) if a != b]
    assert len(changed) == 1
    old_line, new_line = changed[0]
    assert new_line.startswith("power.solar_cf,") and "2024:0.125;" in new_line
    assert old_line.split(",", 2)[2] == new_line.split(",", 2)[2]  # unit, bounds, quoted text kept


def test_the_hold_out_fits_the_given_years_and_predicts_the_others():
    drivers = {"power.solar_cf": cal.DRIVERS["power.solar_cf"]}
    out = cal.calibrate(fit_years=range(2020, 2022), sweeps=1, drivers=drivers)["power.solar_cf"]
    assert out[2022] == pytest.approx(out[2021], abs=1e-5)  # the rule: mean of fitted years from 2021
    assert out[2023] == out[2022] == out[2024]
    res_values = dict(cal.counterfactual_baseline().values)
    res_values["power.solar_cf"] = out
    from dataclasses import replace

    from ctsim.pipeline import run_resolved

    res = run_resolved(replace(cal.counterfactual_baseline(), values=res_values))
    sim, obs = res.series("Secondary Energy|Electricity|Solar"), history()["Secondary Energy|Electricity|Solar"]
    for year in (2020, 2021):  # fitted: reproduced
        assert sim[year] == pytest.approx(obs[year], rel=1e-4)
    assert abs(sim[2024] / obs[2024] - 1) > 1e-3  # held out: a prediction, not a fit
