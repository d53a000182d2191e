"""Macro kernels and target verdicts on hand-made series."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim import Results
from ctsim.analysis.targets import evaluate_target, peak_year
from ctsim.engine import macro
from ctsim.scenario.targets import Cap, IntensityReduction, PeakBy, ShareAtLeast


def test_grow_and_intensity():
    assert macro.grow(np.array([100.0]), np.array([0.05]))[0] == pytest.approx(105)
    assert macro.intensity(np.array([11000.0]), np.array([24000.0]))[0] == pytest.approx(0.458333, 1e-5)


def test_reduction_chained_through_anchor():
    # anchor fell 48.4 % since 2005; intensity then falls by a further 20 %
    r = macro.reduction_vs_base(np.array([0.8]), np.array([1.0]), np.array([0.484]))
    assert r[0] == pytest.approx(1 - 0.516 * 0.8)


def _results(**series):
    years = np.arange(2020, 2031)
    return Results("t", years, {k: np.atleast_2d(np.asarray(v, float)) for k, v in series.items()})


def test_peak_year_first_maximum():
    years = np.arange(2020, 2025)
    assert peak_year(np.array([[1, 3, 3, 2, 1.0]]), years)[0] == 2021


def test_peak_by_met_and_missed():
    co2 = [10, 11, 12, 13, 12, 11, 10, 9, 8, 7, 6]  # peak 2023
    r = _results(co2_total_mt=co2)
    met = evaluate_target(PeakBy(id="a", kind="peak_by", variable="Emissions|CO2|Energy and Industrial Processes", year=2025), r)
    missed = evaluate_target(PeakBy(id="b", kind="peak_by", variable="Emissions|CO2|Energy and Industrial Processes", year=2022), r)
    assert met.met[0] and met.margin[0] == 2 and met.value[0] == 2023
    assert not missed.met[0] and missed.margin[0] == -1


def test_intensity_share_and_cap():
    r = _results(co2_intensity_reduction_2005=np.linspace(0.5, 0.7, 11),
                 share_nonfossil_gen=np.linspace(0.3, 0.5, 11), co2_total_mt=np.linspace(100, 80, 11))
    v = evaluate_target(IntensityReduction(
        id="i", kind="intensity_reduction", variable="Intensity|CO2|GDP|Reduction vs 2005",
        year=2030, value=0.65), r)
    assert v.met[0] and v.margin[0] == pytest.approx(0.05)
    s = evaluate_target(ShareAtLeast(id="s", kind="share_at_least",
                                     variable="Share|Electricity|Non-Fossil", year=2025, value=0.45), r)
    assert not s.met[0] and s.margin[0] == pytest.approx(-0.05)
    c = evaluate_target(Cap(id="c", kind="cap", variable="Emissions|CO2|Energy and Industrial Processes", year=2030, value=85), r)
    assert c.met[0] and c.margin[0] == pytest.approx(5)


def test_share_exactly_at_target_counts_as_met():
    r = _results(steel_eaf_share=np.full(11, 0.1 + 0.05))  # 0.15000000000000002 in floating point
    v = evaluate_target(ShareAtLeast(id="e", kind="share_at_least",
                                     variable="Share|Production|Iron and Steel|Steel|Secondary", year=2025, value=0.15), r)
    assert v.met[0]
