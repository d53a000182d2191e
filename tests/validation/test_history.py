"""Simulated 2020-2024 against bundled history (OWID/GCB, Ember, worldsteel).

Tolerances (also in docs/model.md, "Calibration and validation"):
- 2020 (calibration year): generation by source within 2 %, crude steel exact, national CO2 within 3 %.
- 2021-2024 (validation years, drivers set to what was observed): coal generation, total generation,
  crude steel and national CO2 (to 2023, the last GCB year) within 5 %.
"""

from __future__ import annotations

import pytest

from ctsim.history import history

H = history()
SOURCES = ("Coal", "Gas", "Oil", "Hydro", "Nuclear", "Wind", "Solar", "Biomass")


@pytest.fixture(scope="module")
def sim(baseline_run):
    return baseline_run.results.to_frame(0)


@pytest.mark.parametrize("source", SOURCES)
def test_2020_generation_by_source_within_2pct(sim, source):
    col = f"Secondary Energy|Electricity|{source}"
    assert sim.loc[2020, col] == pytest.approx(H.loc[2020, col], rel=0.02)


def test_2020_steel_and_co2(sim):
    assert sim.loc[2020, "Production|Iron and Steel|Steel"] == pytest.approx(1064.8, rel=1e-9)
    assert sim.loc[2020, "Emissions|CO2|Energy and Industrial Processes"] == pytest.approx(H.loc[2020, "Emissions|CO2|Energy and Industrial Processes"], rel=0.03)
    assert sim.loc[2020, "Secondary Energy|Electricity"] == pytest.approx(
        H.loc[2020, "Secondary Energy|Electricity"], rel=0.02)


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
@pytest.mark.parametrize(
    "variable",
    ["Secondary Energy|Electricity|Coal", "Secondary Energy|Electricity", "Production|Iron and Steel|Steel",
     "Primary Energy|Coal"],
)
def test_2021_2024_track_history_within_5pct(sim, year, variable):
    assert sim.loc[year, variable] == pytest.approx(H.loc[year, variable], rel=0.05)


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_national_co2_2021_2023_within_5pct(sim, year):
    assert sim.loc[year, "Emissions|CO2|Energy and Industrial Processes"] == pytest.approx(H.loc[year, "Emissions|CO2|Energy and Industrial Processes"], rel=0.05)


def test_intensity_reduction_follows_reported_2020_value(sim):
    # 2020 anchored at the NEA-reported 48.4 %; CO2/GDP then fell 3.8 / 0.8 / 0 / 3.4 % in
    # 2021-2024 (china-facts 1.2): the model's 2024 reduction should lie near 1 - 0.516 * 0.925.
    # Tolerance 2.5 points: the model's CO2 follows GCB, which grew ~9 % over 2020-2023 while the
    # official intensity figures imply ~14 % growth by 2024 (a difference of data, see docs/model.md).
    assert sim.loc[2020, "Intensity|CO2|GDP|Reduction vs 2005"] == pytest.approx(0.484)
    reported_2024 = 1 - 0.516 * (1 - 0.038) * (1 - 0.008) * (1 - 0.0) * (1 - 0.034)
    assert sim.loc[2024, "Intensity|CO2|GDP|Reduction vs 2005"] == pytest.approx(reported_2024, abs=0.025)


def test_non_fossil_share_of_primary_energy_near_ei(sim):
    # EI low-carbon share (substitution method) 15.6 % in 2020 and 19.7 % in 2024 (china-facts 3.2)
    assert sim.loc[2020, "Share|Primary Energy|Non-Fossil"] == pytest.approx(0.156, abs=0.01)
    assert sim.loc[2024, "Share|Primary Energy|Non-Fossil"] == pytest.approx(0.197, abs=0.015)
