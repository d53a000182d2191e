"""Kaya / LMDI-I decomposition: exact additivity, hand-computed cases, zeros, missing detail, figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import ctsim as api
from ctsim.analysis.decomposition import GROUPS, default_periods, kaya_lmdi, log_mean
from ctsim.plots.decomposition import decomposition_figure
from ctsim.plots.style import style_context

GEN = "Secondary Energy|Electricity"


def toy(**changes: tuple[float, float]) -> pd.DataFrame:
    """Two years (2020, 2030) of a run with every column the decomposition reads."""
    base = {
        "Emissions|CO2|Energy and Industrial Processes": (100.0, 100.0),
        "Emissions|CO2|Energy|Supply|Electricity": (40.0, 40.0),
        "Emissions|CO2|Energy and Industrial Processes|Iron and Steel": (20.0, 20.0),
        "GDP|PPP": (1000.0, 1000.0),
        "Primary Energy [Substitution Method]": (50.0, 50.0),
        GEN: (80.0, 80.0),
        f"{GEN}|Coal": (50.0, 50.0),
        f"{GEN}|Gas": (5.0, 5.0),
        f"{GEN}|Oil": (1.0, 1.0),
        "Production|Iron and Steel|Steel": (10.0, 10.0),
        "Production|Iron and Steel|Steel|Primary|BF-BOF": (9.0, 9.0),
    }
    base.update(changes)
    return pd.DataFrame({k: list(v) for k, v in base.items()}, index=[2020, 2030])


def test_log_mean_hand_values():
    assert log_mean(2.0, 2.0) == 2.0
    assert log_mean(math.e, 1.0) == pytest.approx(math.e - 1.0)
    assert log_mean(4.0, 0.0) == 0.0
    assert log_mean(1.0, float(np.nextafter(1.0, 2.0))) == pytest.approx(1.0)  # no 0/0
    with pytest.raises(ValueError):
        log_mean(-1.0, 1.0)


def test_gdp_only_change_goes_to_gdp_term():
    # everything scales with GDP (x1.5) at constant intensities: the whole change is activity
    frame = toy().copy()
    frame.loc[2030] = frame.loc[2020] * 1.5
    dec = kaya_lmdi(frame, 2020, 2030)
    grouped = dec.grouped()
    assert grouped["gdp"] == pytest.approx(50.0, rel=1e-12)
    assert grouped.drop("gdp").abs().max() < 1e-9


def test_fossil_share_change_goes_to_power_structure():
    # fossil generation and power CO2 halve, everything else constant: power structure -20 Mt
    frame = toy(**{
        "Emissions|CO2|Energy and Industrial Processes": (100.0, 80.0),
        "Emissions|CO2|Energy|Supply|Electricity": (40.0, 20.0),
        f"{GEN}|Coal": (50.0, 25.0),
        f"{GEN}|Gas": (5.0, 2.5),
        f"{GEN}|Oil": (1.0, 0.5),
    })
    dec = kaya_lmdi(frame, 2020, 2030)
    grouped = dec.grouped()
    assert grouped["power_structure"] == pytest.approx(-20.0, rel=1e-12)
    assert grouped.drop("power_structure").abs().max() < 1e-9


def test_sector_reaching_zero_gives_its_change_to_the_vanishing_factor():
    frame = toy(**{
        "Emissions|CO2|Energy and Industrial Processes": (100.0, 60.0),
        "Emissions|CO2|Energy|Supply|Electricity": (40.0, 0.0),
        f"{GEN}|Coal": (50.0, 0.0),
        f"{GEN}|Gas": (5.0, 0.0),
        f"{GEN}|Oil": (1.0, 0.0),
    })
    dec = kaya_lmdi(frame, 2020, 2030)
    power = dec.terms[dec.terms.sector == "power"].set_index("key")["value"]
    assert power["power_fossil_share"] == pytest.approx(-40.0)
    assert power.drop("power_fossil_share").abs().max() == 0.0
    assert dec.terms["value"].sum() == pytest.approx(-40.0, rel=1e-12)


def test_missing_steel_detail_folds_steel_into_the_rest():
    frame = toy(**{"Emissions|CO2|Energy and Industrial Processes": (100.0, 90.0)}).drop(
        columns=["Production|Iron and Steel|Steel", "Production|Iron and Steel|Steel|Primary|BF-BOF"])
    dec = kaya_lmdi(frame, 2020, 2030)
    assert dec.sectors == ("power", "other")
    assert "steel_structure" not in dec.grouped().index
    assert dec.terms["value"].sum() == pytest.approx(-10.0, rel=1e-12)


def test_errors_are_clear():
    with pytest.raises(ValueError, match="GDP"):
        kaya_lmdi(toy().drop(columns=["GDP|PPP"]), 2020, 2030)
    with pytest.raises(ValueError, match="year 2040"):
        kaya_lmdi(toy(), 2020, 2040)
    with pytest.raises(ValueError, match="positive"):
        kaya_lmdi(toy(**{"Emissions|CO2|Energy and Industrial Processes": (100.0, 50.0)}), 2020, 2030)  # rest would be negative


@pytest.fixture(scope="module")
def baseline_frame() -> pd.DataFrame:
    return api.run("scenarios/baseline.yaml").results.to_frame()


def test_terms_add_up_exactly_on_a_model_run(baseline_frame):
    years = baseline_frame.index.to_numpy()
    pairs = [*default_periods(years), (int(years[0]), int(years[-1])), (2025, 2026)]
    for start, end in pairs:
        dec = kaya_lmdi(baseline_frame, start, end)
        total = baseline_frame.loc[end, "Emissions|CO2|Energy and Industrial Processes"] - baseline_frame.loc[start, "Emissions|CO2|Energy and Industrial Processes"]
        scale = max(abs(total), baseline_frame.loc[start, "Emissions|CO2|Energy and Industrial Processes"])
        assert abs(dec.terms["value"].sum() - total) <= 1e-9 * scale
        assert abs(dec.grouped().sum() - total) <= 1e-9 * scale
        assert dec.total_change == pytest.approx(total, rel=1e-12)
        assert set(dec.grouped().index) == set(GROUPS)


def test_default_periods():
    assert default_periods(np.arange(2020, 2061)) == [(2020, 2030), (2030, 2060)]
    assert default_periods(np.arange(2020, 2031)) == [(2020, 2030)]


def test_waterfall_figure_structure(baseline_frame):
    decs = [kaya_lmdi(baseline_frame, a, b) for a, b in default_periods(baseline_frame.index)]
    with style_context():
        fig = decomposition_figure(decs, "baseline")
        FigureCanvasAgg(fig).draw()
    axes = fig.axes
    assert len(axes) == 2
    for ax, dec in zip(axes, decs, strict=True):
        assert "(Mt CO2/yr)" in ax.get_ylabel().replace("\u2082", "2")
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks[0] == str(dec.start_year) and ticks[-1] == str(dec.end_year)
        assert "GDP" in ticks
        bars = list(ax.patches)
        assert len(bars) == len(dec.grouped()) + 2
        # the last step bar ends where the end bar's top is
        assert bars[-2].get_y() + bars[-2].get_height() == pytest.approx(dec.end_co2, rel=1e-9)
    legend = axes[0].get_legend()
    assert {t.get_text() for t in legend.get_texts()} == {
        "Raises CO\u2082", "Lowers CO\u2082", "National CO\u2082"}
    assert "China" in fig.get_suptitle() and "baseline" in fig.get_suptitle()
