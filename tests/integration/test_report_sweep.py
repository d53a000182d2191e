"""ctsim report on a (synthetic) sweep folder: probabilities, metric ranges, fans, sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.figurecheck import check_layout
from tests.reportcheck import check_html, check_markdown

import ctsim as api
from ctsim.cli.main import main
from ctsim.outputs.folders import metadata, write_json
from ctsim.plots.style import style_context
from ctsim.plots.sweep import fan_figure
from ctsim.report.sweep import fan_data, sensitivity_ranking

N = 40
LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def ctsim(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return int(exc.value.code)


def quantiles_table(run) -> pd.DataFrame:
    long = run.results.to_iamc(0)
    parts = []
    for q in LEVELS:
        part = long.copy()
        part["quantile"] = q
        part["value"] = part["value"] * (1 + 0.3 * (q - 0.5))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep") / "steel2030-sweep"
    folder.mkdir()
    run = api.run("scenarios/steel2030.yaml")
    rng = np.random.default_rng(1)
    quantiles_table(run).to_csv(folder / "quantiles.csv", index=False)
    pd.DataFrame({
        "sample": np.arange(N),
        "peak_year_national_co2": rng.integers(2024, 2032, N),
        "cumulative_co2_gt": 416 + rng.normal(0, 10, N),
        "co2_intensity_reduction_2030_vs_2005": rng.uniform(0.6, 0.7, N),
    }).to_csv(folder / "metrics.csv", index=False)
    pd.DataFrame([
        {"id": "national_peak_before_2030", "kind": "peak_by", "variable": "Emissions|CO2|Energy and Industrial Processes",
         "description": "National CO2 peaks before 2030", "n": N, "met": 30, "probability": 0.75,
         "low_95": 0.6, "high_95": 0.86, "threshold": 0.9, "verdict": "fail"},
        {"id": "steel_peak_2030", "kind": "peak_by", "variable": "Emissions|CO2|Energy and Industrial Processes|Iron and Steel",
         "description": "Steel CO2 peaks by 2030", "n": N, "met": 40, "probability": 1.0,
         "low_95": 0.91, "high_95": 1.0, "threshold": None, "verdict": ""},
    ]).to_csv(folder / "targets.csv", index=False)
    pd.DataFrame({
        "output": ["cumulative_co2_gt"] * 3 + ["peak_year_national_co2"] * 3,
        "parameter": ["macro.gdp_growth", "steel.eaf_share", "power.solar_additions_gw"] * 2,
        "S1": [0.5, 0.1, 0.3, 0.2, 0.05, 0.6],
        "ST": [0.55, 0.12, 0.33, 0.25, 0.06, 0.7],
        "ST_conf": [0.05, 0.02, 0.03, 0.04, 0.01, 0.05],
    }).to_csv(folder / "sensitivity.csv", index=False)
    pd.DataFrame({
        "sample": np.arange(N),
        "macro.gdp_growth:scale": rng.uniform(0.8, 1.2, N),
        "steel.eaf_share:2030": rng.uniform(0.15, 0.25, N),
    }).to_csv(folder / "design.csv", index=False)
    write_json(folder / "metadata.json",
               metadata(run.resolved, ["ctsim", "sweep", "scenarios/steel2030.yaml"],
                        {"n_samples": N, "sampler": "sobol"}))
    return folder


def test_report_of_a_sweep_folder(sweep_folder, tmp_path):
    out = tmp_path / "rep"
    assert ctsim("report", str(sweep_folder), "--out", str(out)) == 0
    text, n_images = check_html(out / "report.html")
    names = {f.name for f in check_markdown(out / "report.md")}
    assert names == {"fans.png", "target_probabilities.png", "peak_years.png",
                     "sensitivity.png"} and n_images == 4
    for needle in ("steel2030 (sweep", "P(met)", "75.0%", "60.0%\u201386.0%", "fail",
                   "Cumulative CO2 over the horizon", "5\u201395 % range",
                   "macro.gdp_growth:scale", "Sampled quantity", "steel.eaf_share",
                   "Scenario hash", "Sobol".lower()):
        assert needle in text, needle
    assert "Sweep of 40 samples" in text


def test_sweep_folder_with_quantiles_only(sweep_folder, tmp_path):
    folder = tmp_path / "q-only"
    folder.mkdir()
    (folder / "quantiles.csv").write_bytes((sweep_folder / "quantiles.csv").read_bytes())
    out = tmp_path / "rep"
    assert ctsim("report", str(folder), "--out", str(out)) == 0
    _, n_images = check_html(out / "report.html")
    assert n_images == 1


def test_fan_figure_structure(sweep_folder):
    fans = fan_data(pd.read_csv(sweep_folder / "quantiles.csv"))
    target = {"id": "steel_peak_2030", "kind": "peak_by",
              "variable": "Emissions|CO2|Energy and Industrial Processes|Iron and Steel", "year": 2030}
    with style_context():
        fig = fan_figure(fans, [target])
        check_layout(fig, "fans")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 8  # six CO2 and energy panels, net GHG and methane
    (legend,) = fig.legends  # one legend for all panels
    labels = [t.get_text() for t in legend.get_texts()]
    assert {"Median", "5\u201395 % of samples", "Target: peak by (deadline)"} <= set(labels)
    for ax in axes:
        assert ax.get_ylabel().endswith(")") and "(" in ax.get_ylabel()
        assert ax.get_legend() is None
    steel = next(ax for ax in axes if "Steel" in ax.get_title(loc="left"))
    assert "peak by 2030" in [t.get_text() for t in steel.texts]


def test_sensitivity_ranking_orders_by_total_index(sweep_folder):
    ranking, index = sensitivity_ranking(pd.read_csv(sweep_folder / "sensitivity.csv"))
    assert index == "ST"
    assert list(ranking["cumulative_co2_gt"]["parameter"]) == [
        "macro.gdp_growth", "power.solar_additions_gw", "steel.eaf_share"]
    assert "conf" in ranking["peak_year_national_co2"].columns
