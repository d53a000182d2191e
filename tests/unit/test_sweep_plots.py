"""Sweep figures: structure and layout, not pixels (units on axes, legend entries, every text on the
canvas, no overprinted tick labels, no layout warnings; pytest turns warnings into errors)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from tests.figurecheck import check_layout, visible_axes

from ctsim.analysis.metrics import peak_year_shares
from ctsim.plots import sweep as figs
from ctsim.plots.style import one_line, parameter_label, style_context, two_line_title
from ctsim.report.sweep import long_sensitivity_index, sensitivity_ranking

PREFIX = "steel2030, 1,792 samples (sobol)"  # as long as a real sweep's description
YEARS = np.arange(2020, 2061, dtype=float)
LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
PARAMS = ["macro.gdp_growth:scale_from_2025", "macro.electricity_elasticity:scale_from_2025",
          "power.solar_additions_gw:scale_from_2025", "steel.eaf_share:2030",
          "power.coal_lifetime_yr"]
TARGETS = [
    {"id": "national_peak_before_2030", "kind": "peak_by", "variable": "Emissions|CO2|Energy and Industrial Processes",
     "year": 2029},
    {"id": "steel_peak_2030", "kind": "peak_by", "variable": "Emissions|CO2|Energy and Industrial Processes|Iron and Steel",
     "year": 2030},
    {"id": "intensity_65pct_2030", "kind": "intensity_reduction",
     "variable": "Intensity|CO2|GDP|Reduction vs 2005", "year": 2030, "value": 0.65},
    {"id": "nonfossil_generation_39pct_2025", "kind": "share_at_least",
     "variable": "Share|Electricity|Non-Fossil", "year": 2025, "value": 0.39},
]
FAN_LEVELS = {"Emissions|CO2|Energy and Industrial Processes": 12000.0, "Emissions|CO2|Energy and Industrial Processes|Iron and Steel": 1500.0,
              "Primary Energy|Coal": 3000.0, "Share|Electricity|Non-Fossil": 0.6,
              "Intensity|CO2|GDP|Reduction vs 2005": 0.7, "Price|Carbon": 300.0}


def fans() -> dict:
    t = (YEARS - 2020) / 40
    return {v: (YEARS, {q: level * (1 + 0.4 * (q - 0.5) * t) for q in LEVELS})
            for v, level in FAN_LEVELS.items()}


def history() -> pd.DataFrame:
    years = np.arange(2005, 2025)
    return pd.DataFrame({"Emissions|CO2|Energy and Industrial Processes": np.linspace(6000, 12000, years.size),
                         "Share|Electricity|Non-Fossil": np.linspace(0.18, 0.36, years.size)},
                        index=years)


def probabilities() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [t["id"] for t in TARGETS] + ["eaf_20pct_2030"],
        "probability": [0.837, 1.0, 0.998, 1.0, 0.05],
        "low_95": [0.819, 0.998, 0.995, 0.998, 0.04],
        "high_95": [0.853, 1.0, 0.999, 1.0, 0.06],
        "threshold": [0.6, 0.9, 0.7, None, None],
    })


def ranking() -> dict[str, pd.DataFrame]:
    outputs = ["National CO2 peak year", "Cumulative CO2 over the horizon",
               "CO2/GDP reduction 2030 vs 2005", "Non-fossil share of generation 2030"]
    rng = np.random.default_rng(0)
    return {o: pd.DataFrame({"parameter": PARAMS, "value": np.sort(rng.uniform(-0.01, 0.8, 5))[::-1],
                             "conf": rng.uniform(0, 0.1, 5)}) for o in outputs}


def long_sensitivity() -> pd.DataFrame:
    rows = []
    for k, p in enumerate(PARAMS):
        for year in range(2025, 2061):
            rows.append({"output": "Emissions|CO2|Energy and Industrial Processes", "year": year, "parameter": p, "index": "ST",
                         "value": 0.5 / (k + 1), "conf": 0.05})
        for o, v in (("cumulative_co2_gt", 0.1 * k), ("peak_year_national_co2", 0.6 - 0.1 * k)):
            rows += [{"output": o, "year": None, "parameter": p, "index": "ST", "value": v,
                      "conf": 0.02},
                     {"output": o, "year": None, "parameter": p, "index": "S1", "value": v / 2,
                      "conf": 0.02}]
    return pd.DataFrame(rows)


def peak_shares() -> dict:
    rng = np.random.default_rng(1)
    return peak_year_shares({"peak_year_national_co2": rng.integers(2024, 2040, 500),
                             "peak_year_power_co2": rng.integers(2024, 2046, 500),
                             "peak_year_steel_co2": np.full(500, 2020.0)})


def build(name: str):
    with style_context():
        fig = {
            "fans": lambda: figs.fan_figure(fans(), TARGETS, history(), PREFIX),
            "probabilities": lambda: figs.probability_figure(probabilities(), PREFIX),
            "sensitivity": lambda: figs.sensitivity_figure(
                ranking(), figs.INDEX_LABEL["ST"], PREFIX),
            "peak_years": lambda: figs.peak_year_figure(peak_shares(), TARGETS, PREFIX),
            "over_time": lambda: figs.indices_over_time(long_sensitivity(), "ST", "Emissions|CO2|Energy and Industrial Processes",
                                                        PREFIX),
        }[name]()
        FigureCanvasAgg(fig).draw()
    return fig


def legend_labels(fig) -> list[str]:
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()]


FIGURES = ("fans", "probabilities", "sensitivity", "peak_years", "over_time")


@pytest.mark.parametrize("name", FIGURES)
def test_layout_every_text_on_the_canvas_no_overprint(name):
    check_layout(build(name), name)


@pytest.mark.parametrize("name", FIGURES)
def test_title_says_what_and_where(name):
    fig = build(name)
    title = fig.get_suptitle()
    assert title.startswith("China: ") and PREFIX in title
    assert "\n" not in one_line(title)


def test_fan_figure_grid_shared_legend_targets_labelled():
    fig = build("fans")
    axes = visible_axes(fig)
    assert len(axes) == 6
    assert all(ax.get_legend() is None for ax in axes)  # one legend for the figure
    labels = legend_labels(fig)
    assert {"5\u201395 % of samples", "25\u201375 % of samples", "Median", "Observed",
            "Target: peak by (deadline)", "Target: reduction at least",
            "Target: at least (level, year)"} <= set(labels)
    for ax in axes:
        assert ax.get_ylabel().endswith(")") and "(" in ax.get_ylabel()
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert np.allclose(np.diff(ticks), 10)  # a tick every 10 years
    assert [ax.get_xlabel() for ax in axes[-2:]] == ["Year", "Year"]
    national = next(ax for ax in axes if ax.get_title(loc="left") == "National CO\u2082")
    assert "peak by 2029" in [t.get_text() for t in national.texts]
    share = next(ax for ax in axes if "Non-fossil" in ax.get_title(loc="left"))
    assert "\u2265 39 % by 2025" in [t.get_text() for t in share.texts]


def test_probability_figure_intervals_and_thresholds():
    fig = build("probabilities")
    (ax,) = visible_axes(fig)
    assert ax.get_xlabel().endswith("(% of samples)")
    assert set(legend_labels(fig)) == {"Probability met (share of samples)",
                                       "95 % interval (Wilson)", "Required probability"}
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "national_peak_before_2030\nrequired \u2265 60 %"
    assert ticks[3] == "nonfossil_generation_39pct_2025"  # no threshold, no requirement line
    texts = [t.get_text() for t in ax.texts]
    assert "83.7 % (81.9\u201385.3 %)" in texts and "5.0 % (4.0\u20136.0 %)" in texts


def test_sensitivity_figure_labels_and_shared_axis():
    fig = build("sensitivity")
    axes = visible_axes(fig)
    assert len(axes) == 4
    assert axes[0].get_yticklabels()[0].get_text() in {parameter_label(p) for p in PARAMS}
    assert axes[-1].get_xlabel() == "Total-order Sobol index ST\n(dimensionless)"
    assert axes[0].get_xlim() == axes[3].get_xlim()
    assert legend_labels(fig) == ["95 % confidence interval of the index"]


def test_morris_indices_carry_the_output_unit():
    units = {o: u for o, u in zip(ranking(), ["yr", "Gt CO2", "fraction", "fraction"],
                                  strict=True)}
    with style_context():
        fig = figs.sensitivity_figure(ranking(), figs.INDEX_LABEL["mu_star"], PREFIX, units=units)
        FigureCanvasAgg(fig).draw()
    labels = [ax.get_xlabel() for ax in visible_axes(fig)]
    assert labels[0] == "Morris \u03bc* (yr)" and labels[1] == "Morris \u03bc* (Gt CO\u2082)"


def test_peak_year_figure_deadlines_marked():
    fig = build("peak_years")
    axes = visible_axes(fig)
    assert [ax.get_title(loc="left") for ax in axes] == ["National CO\u2082", "Power CO\u2082",
                                                         "Steel CO\u2082"]
    for ax in axes:
        assert ax.get_ylabel() == "Share of samples (%)" and ax.get_xlabel() == "Peak year"
    national, _, steel = axes
    assert [line.get_xdata()[0] for line in national.get_lines()] == [2029.5]
    assert "peak by 2029" in [t.get_text() for t in national.texts]
    assert "peak by 2030" in [t.get_text() for t in steel.texts]
    heights = [p.get_height() for p in steel.patches]
    assert heights == [pytest.approx(100.0)]
    assert "Target deadline (peak by; line after its year)" in legend_labels(fig)


def test_indices_over_time_legend_and_units():
    fig = build("over_time")
    (ax,) = visible_axes(fig)
    assert ax.get_ylabel() == "Total-order Sobol index ST\n(dimensionless)"
    labels = legend_labels(fig)
    assert "macro.gdp_growth, \u00d7 factor from 2025" in labels
    assert "95 % confidence band" in labels
    assert "national CO\u2082 emissions" in fig.get_suptitle()


def test_parameter_label_is_one_to_one_with_the_design_column():
    assert parameter_label("macro.gdp_growth:scale_from_2025") == (
        "macro.gdp_growth\n\u00d7 factor from 2025")
    assert parameter_label("macro.gdp_growth:scale") == "macro.gdp_growth\n\u00d7 factor"
    assert parameter_label("steel.eaf_share:2030", multiline=False) == "steel.eaf_share, in 2030"
    assert parameter_label("power.coal_lifetime_yr") == "power.coal_lifetime_yr"
    labels = [*PARAMS, "macro.gdp_growth:scale", "macro.gdp_growth:2030", "macro.gdp_growth"]
    assert len({parameter_label(p) for p in labels}) == len(labels)


def test_two_line_title():
    assert two_line_title("peak years", "China", "s, 10 samples") == "China: peak years\ns, 10 samples"
    assert one_line("China: CO2\ns") == "China: CO2 \u2014 s"


def test_peak_year_shares_counts_samples_per_year():
    shares = peak_year_shares({"peak_year_national_co2": np.array([2025, 2025, 2030, np.nan]),
                               "cumulative_co2_gt": np.array([1.0, 2.0, 3.0, 4.0])})
    assert list(shares) == ["peak_year_national_co2"]
    years, share = shares["peak_year_national_co2"]
    assert years.tolist() == [2025, 2030] and share.tolist() == [2 / 3, 1 / 3]


def test_long_sensitivity_ranking_uses_whole_horizon_rows():
    table = long_sensitivity()
    assert long_sensitivity_index(table) == "ST"
    ranking_, index = sensitivity_ranking(table)
    assert index == "ST"
    assert list(ranking_) == ["peak_year_national_co2", "cumulative_co2_gt"]  # sweep figure order
    top = ranking_["cumulative_co2_gt"]
    assert top["parameter"].iloc[0] == "power.coal_lifetime_yr"
    assert top["value"].iloc[0] == pytest.approx(0.4) and "conf" in top.columns
    assert len(top) == len(PARAMS)  # not the per-year rows of Emissions|CO2|Energy and Industrial Processes


def test_a_parameter_has_one_colour_in_both_sensitivity_figures():
    from matplotlib.colors import to_hex

    with style_context():
        bars = figs.sensitivity_figure(ranking(), "index", PREFIX, parameters=PARAMS[::-1])
        lines = figs.indices_over_time(long_sensitivity(), "ST", "Emissions|CO2|Energy and Industrial Processes", PREFIX,
                                       parameters=PARAMS[::-1])
    ax = visible_axes(bars)[0]
    bar_colors = {t.get_text(): to_hex(p.get_facecolor())
                  for t, p in zip(ax.get_yticklabels(), ax.patches, strict=True)}
    line_colors = {line.get_label(): to_hex(line.get_color()) for line in visible_axes(lines)[0].lines}
    for p in PARAMS:
        assert bar_colors[parameter_label(p)] == line_colors[parameter_label(p, multiline=False)]
    assert line_colors[parameter_label(PARAMS[-1], multiline=False)] == "#332288"  # design order
