"""reduction_from_peak and level_at_least verdicts on hand-made series, and their schema checks."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ctsim import Results, ScenarioError
from ctsim.analysis.targets import evaluate_target, observed_before, reduction_from_peak
from ctsim.history import history
from ctsim.scenario import scenario_from_dict
from ctsim.scenario.targets import LevelAtLeast, ReductionFromPeak

FOSSIL_CO2 = "Emissions|CO2|Energy and Industrial Processes"
YEARS = np.array([2020, 2025, 2030, 2035, 2040])


def _results(name, rows, years=YEARS):
    return Results("t", years, {name: np.array(rows, dtype=float)})


def _rfp(value=0.07, year=2035, variable="Emissions|Kyoto Gases"):
    return ReductionFromPeak(id="r", kind="reduction_from_peak", variable=variable, year=year,
                             value=value)


def test_reduction_from_peak_hand_computed():
    # peaks 100 in 2025; 2035: 92 -> 8 % below (met), 94 -> 6 % (missed), exactly 93 -> met
    res = _results("ghg_net_mt_co2e", [[90, 100, 96, 92, 80], [90, 100, 96, 94, 80],
                                       [90, 100, 96, 93, 80]])
    v = evaluate_target(_rfp(), res)
    assert v.met.tolist() == [True, False, True]
    assert_allclose(v.value, [0.08, 0.06, 0.07])
    assert_allclose(v.margin, [0.01, -0.01, 0.0], atol=1e-12)
    assert v.margin_unit == "fraction" and "peak in 2025" in v.description


def test_a_series_still_rising_is_zero_below_its_peak_and_later_years_do_not_count():
    # rising to 2035: 0 % below its peak so far, whatever comes after; a later rebound above the
    # 2025 peak does not change a 2035 verdict measured from the peak before it
    res = _results("ghg_net_mt_co2e", [[90, 95, 98, 99, 50], [90, 100, 96, 92, 120]])
    v = evaluate_target(_rfp(), res)
    assert_allclose(v.value, [0.0, 0.08])
    assert v.met.tolist() == [False, True]


def test_the_peak_counts_observed_years_before_the_run():
    series = np.array([[10.0, 9.0, 8.0]])
    years = np.array([2025, 2030, 2035])
    value, peak_at = reduction_from_peak(series, years, 2035, observed=np.array([12.0, 11.0]))
    assert_allclose(value, [1 - 8 / 12])
    assert peak_at.tolist() == [2024]  # before the run's first year
    value, peak_at = reduction_from_peak(series, years, 2035)
    assert_allclose(value, [0.2])
    assert peak_at.tolist() == [2025]


def test_observed_before_reads_the_bundled_history():
    co2 = observed_before(FOSSIL_CO2, 2021)
    assert co2.size == 2021 - 1990 and co2[-1] == pytest.approx(history().loc[2020, FOSSIL_CO2])
    assert observed_before("Emissions|Kyoto Gases", 2021).size == 0  # no bundled history
    # a run starting in 2022 measures CO2's fall from the observed 2021 peak, not its own first year
    years = np.array([2022, 2030])
    res = Results("t", years, {"co2_total_mt": np.array([[11000.0, 10000.0]])})
    v = evaluate_target(_rfp(value=0.1, year=2030, variable=FOSSIL_CO2), res)
    peak = history().loc[1990:2021, FOSSIL_CO2].max()
    assert_allclose(v.value, [1 - 10000.0 / peak])
    assert "peak in 2021" in v.description


def test_level_at_least_in_the_variables_unit():
    res = _results("cap_wind_solar_gw", [[500, 1500, 3000, 3700, 4000], [500, 1500, 3000, 3500, 4000],
                                         [500, 1500, 3000, 3600, 3600]])
    t = LevelAtLeast(id="ws", kind="level_at_least", variable="Capacity|Electricity|Wind and Solar",
                     year=2035, value=3600)
    v = evaluate_target(t, res)
    assert v.met.tolist() == [True, False, True]
    assert_allclose(v.margin, [100.0, -100.0, 0.0])
    assert v.margin_unit == "GW" and "3600 GW in 2035" in v.description


@pytest.mark.parametrize("target, message", [
    ({"kind": "reduction_from_peak", "variable": "Emissions|Kyoto Gases", "year": 2035, "value": 7},
     "expected a fraction in [0, 1] (got 7)"),
    ({"kind": "level_at_least", "variable": "Capacity|Electricity|Wind+Solar", "year": 2035,
      "value": 3600}, "unknown variable 'Capacity|Electricity|Wind+Solar'"),
    ({"kind": "reduction_from_peak", "variable": "Emissions|Kyoto Gases", "year": 2070, "value": 0.07},
     "year outside horizon"),
])
def test_bad_targets_are_one_line_errors(target, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        scenario_from_dict({"targets": [{"id": "x", **target}]})
