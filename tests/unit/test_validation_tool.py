"""tools/validation.py: the hold-out machinery predicts held-out years from fitted ones, and the
pathway table's ctsim columns are the runs' values, each published number beside its source."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import ctsim
from ctsim import registry

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import validation as val  # noqa: E402


def test_with_rule_keeps_the_fitted_years_and_sets_the_held_out_ones():
    paths = {"power.solar_cf": {2020: 0.1, 2021: 0.2, 2022: 0.4, 2023: 0.9, 2024: 0.9, 2025: 0.5},
             "macro.electricity_elasticity": {2021: 1.0, 2022: 2.0, 2023: 9.0, 2024: 9.0, 2025: 0.9}}
    out = val.with_rule(paths, 2023, val.RULES["persistence"])
    assert out["power.solar_cf"] == {2020: 0.1, 2021: 0.2, 2022: 0.4, 2023: pytest.approx(0.3),
                                     2024: pytest.approx(0.3), 2025: 0.5}
    assert out["macro.electricity_elasticity"][2023] == pytest.approx(1.5)
    reg = val.with_rule(paths, 2023, val.RULES["registry 2025"])
    assert reg["macro.electricity_elasticity"][2024] == 0.9  # the registry's 2025 assumption


def test_hold_out_reports_errors_of_the_held_out_years_only():
    drivers = {"power.solar_cf": val.cal.DRIVERS["power.solar_cf"]}
    errors = val.hold_out(2023, sweeps=1, drivers=drivers)
    for by_year in errors.values():
        years = {y for (_, y) in by_year}
        assert years == {2023, 2024}
        solar = [by_year[(registry.variables()["gen_solar_twh"].variable, y)] for y in (2023, 2024)]
        assert all(np.isfinite(solar)) and all(abs(e) > 1e-4 for e in solar)  # predicted, not fitted
    co2 = registry.variables()["co2_total_mt"].variable
    assert (co2, 2023) in errors["persistence"]
    assert (co2, 2024) not in errors["persistence"]  # no observed 2024 CO2 bundled (GCB to 2023)


def test_the_pathway_table_shows_the_runs_and_sources(root):
    runs = {n: ctsim.run(root / "scenarios" / f"{n}.yaml") for n in ("baseline", "neutrality2060")}
    table = val.pathways_table(runs)
    co2_2030 = runs["baseline"].results["co2_total_mt"][0, list(runs["baseline"].results.years).index(2030)]
    assert f"| National CO2 (Gt CO2) | 2030 | {co2_2030 / 1000:,.1f} |" in table
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        published, source = cells[-2], cells[-1]
        assert published == val.NOT_FOUND or source, line  # a published number names its source
