"""trajectories.xlsx: common-definitions units in sheet data, indicators in sheet meta (issue 12)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ctsim
from ctsim import registry
from ctsim.analysis.metrics import net_zero_year
from ctsim.outputs.xlsx import write_trajectories_xlsx
from ctsim.results import Results

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "data" / "common_definitions_variables.csv"
EIP = "Emissions|CO2|Energy and Industrial Processes"


@pytest.fixture(scope="module")
def neutral(tmp_path_factory):
    run = ctsim.run(ROOT / "scenarios" / "neutrality2060.yaml")
    path = write_trajectories_xlsx(run, tmp_path_factory.mktemp("x") / "trajectories.xlsx")
    return run, pd.read_excel(path, sheet_name=None), path


def _row(data: pd.DataFrame, variable: str) -> pd.Series:
    rows = data[data["variable"] == variable]
    assert len(rows) == 1, variable
    return rows.iloc[0]


def test_sheets_and_iamc_columns(neutral):
    _, book, _ = neutral
    assert list(book) == ["data", "meta", "units"]
    data = book["data"]
    assert list(data.columns[:5]) == ["model", "scenario", "region", "variable", "unit"]
    assert [int(c) for c in data.columns[5:]] == list(range(2020, 2061))
    assert list(book["meta"].columns[:2]) == ["model", "scenario"]


def test_values_are_converted_to_common_definitions_units(neutral):
    run, book, _ = neutral
    data, frame = book["data"], run.results.to_frame(0)
    gen = _row(data, "Secondary Energy|Electricity")
    assert gen["unit"] == "EJ/yr"
    assert gen[2030] == pytest.approx(frame.loc[2030, "Secondary Energy|Electricity"] * 0.0036, rel=1e-12)
    coal = _row(data, "Primary Energy|Coal")
    assert coal["unit"] == "EJ/yr"
    assert coal[2020] == pytest.approx(frame.loc[2020, "Primary Energy|Coal"] * 0.0293076, rel=1e-12)
    price = _row(data, "Price|Carbon")
    assert price["unit"] == "USD_2010/t CO2"
    assert price[2030] == pytest.approx(frame.loc[2030, "Price|Carbon"] * 0.122677, rel=1e-12)
    co2 = _row(data, EIP)  # already in the codelist unit: unchanged
    assert co2["unit"] == "Mt CO2/yr" and co2[2040] == pytest.approx(frame.loc[2040, EIP], rel=1e-15)


def test_every_codelist_variable_is_in_its_codelist_unit(neutral):
    _, book, _ = neutral
    with SNAPSHOT.open(encoding="utf-8") as fh:
        codelist = {r["variable"]: r["unit"] for r in csv.DictReader(x for x in fh if not x.startswith("#"))}
    units = dict(zip(book["data"]["variable"], book["data"]["unit"], strict=True))
    defined = [v.variable for v in registry.variables().values() if v.codelist == "defined" and v.variable in units]
    assert len(defined) > 30
    for name in defined:
        assert units[name] == codelist[name], name


def test_meta_has_the_indicators_and_every_target(neutral):
    run, book, _ = neutral
    meta = book["meta"].iloc[0]
    summary = run.summary
    assert meta["scenario"] == "neutrality2060"
    assert meta[f"peak year ({EIP})"] == summary["metrics"]["peak_year_national_co2"]["value"]
    assert meta[f"peak level ({EIP}) [Mt CO2/yr]"] == pytest.approx(
        summary["metrics"]["peak_national_co2_mt"]["value"])
    assert meta[f"cumulative {EIP} [Gt CO2]"] == pytest.approx(summary["metrics"]["cumulative_co2_gt"]["value"])
    net = run.results.to_frame(0)["Emissions|CO2"]
    year = int(meta["net-zero year (Emissions|CO2)"])
    assert (net.loc[year:] <= 0).all() and net.loc[year - 1] > 0
    for t in summary["targets"]:
        assert bool(meta[f"target {t['id']} met"]) == t["met"]
        margin = [c for c in book["meta"].columns if c.startswith(f"target {t['id']} margin [")]
        assert len(margin) == 1 and meta[margin[0]] == pytest.approx(t["margin"])
    assert "target net_zero_co2_2060 margin [Mt CO2/yr]" in book["meta"].columns


def test_same_run_gives_identical_bytes(neutral, tmp_path):
    run, _, path = neutral
    again = write_trajectories_xlsx(run, tmp_path / "again.xlsx")
    assert again.read_bytes() == path.read_bytes()


def test_net_zero_year_is_the_first_year_it_stays_at_or_below_zero():
    years = np.arange(2020, 2026)
    series = np.array([[5.0, -1.0, 2.0, -1.0, 0.0, -3.0],    # dips in 2021, stays from 2023
                       [5.0, 4.0, 3.0, 2.0, 1.0, 0.5],       # never
                       [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0],  # from the start
                       [5.0, 4.0, 3.0, 2.0, 1.0, -0.5]])     # only the last year
    res = Results("t", years, {"co2_net_mt": series})
    out = net_zero_year(res)
    assert out[0] == 2023 and np.isnan(out[1]) and out[2] == 2020 and out[3] == 2025


def test_a_run_folder_has_the_xlsx(tmp_path):
    run = ctsim.run(ROOT / "scenarios" / "baseline.yaml")
    from ctsim.outputs.folders import write_run

    out = write_run(run, tmp_path / "out", figures=False)
    book = pd.read_excel(out / "trajectories.xlsx", sheet_name=None)
    assert set(book) == {"data", "meta", "units"}
    assert len(book["data"]) == len(run.results.to_wide(0))
