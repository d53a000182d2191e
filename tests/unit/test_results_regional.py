"""IAMC tables, run folders, figures and the report of a provincial run (issue 15, item 6).

The engine's provincial layer lands separately; these tests build provincial Results by hand
(tests/provincial.py) from a national run, as the Results contract allows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.provincial import provincial_run, with_regional_values

import ctsim
from ctsim import registry
from ctsim.engine.regions import REGIONAL_ADDITIVE
from ctsim.outputs.folders import write_run
from ctsim.outputs.xlsx import data_sheet
from ctsim.plots.run import build_province_figures, first_unserved_year, province_verdicts
from ctsim.plots.style import style_context
from ctsim.regions import provinces
from ctsim.report.run import build_report
from ctsim.report.source import load_source, source_from_run

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["model", "scenario", "region", "variable", "unit", "year"]


@pytest.fixture(scope="module")
def runs():
    national = ctsim.run(ROOT / "scenarios" / "steel2030.yaml")
    short = dict.fromkeys(("Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia"), 3.0)
    prov = with_regional_values(provincial_run(national), "unserved_twh", 2021, short)
    return national, prov


def test_national_table_has_only_china_and_the_provincial_one_starts_with_it(runs):
    national, prov = runs
    nat = national.results.to_iamc(0)
    assert set(nat["region"]) == {"China"}
    long = provincial_run(national).results.to_iamc(0)
    head = long.iloc[:len(nat)].reset_index(drop=True)
    pd.testing.assert_frame_equal(head, nat)  # China's rows exactly as a national run's
    assert list(long["region"].drop_duplicates()) == ["China", *provinces()]


def test_a_row_per_province_for_each_regional_variable_and_sums_equal_the_nation(runs):
    _, prov = runs
    long = prov.results.to_iamc(0)
    cat = registry.variables()
    regional = [k for k in cat if k in prov.results.regional]
    n_years = len(prov.results.years)
    assert (long["region"] == "Hebei").sum() == len(regional) * n_years
    assert "Trade|Secondary Energy|Electricity [Volume]" in set(long["variable"])
    prov_rows = long[long["region"] != "China"]
    sums = prov_rows.groupby(["variable", "year"])["value"].sum()
    china = long[long["region"] == "China"].set_index(["variable", "year"])["value"]
    for key in REGIONAL_ADDITIVE:
        if key in prov.results.arrays:
            v = cat[key].variable
            np.testing.assert_allclose(sums[v].to_numpy(), china[v].to_numpy(), rtol=1e-12)
    hebei = long[(long["region"] == "Hebei") & (long["variable"] == cat["co2_total_mt"].variable)]
    np.testing.assert_array_equal(hebei["value"].to_numpy(),
                                  prov.results.regional_array("co2_total_mt", "Hebei")[0])


def test_iamc_layout_is_what_pyam_reads(runs):
    _, prov = runs
    long = prov.results.to_iamc(0)
    assert list(long.columns) == KEYS + ["value"]
    assert not long.duplicated(KEYS).any()  # pyam refuses duplicate index rows
    assert long["value"].dtype == float and long["year"].dtype.kind == "i"
    every = prov.results.to_iamc(None)
    assert list(every.columns) == ["sample", *KEYS, "value"]
    assert len(every) == len(long) * prov.results.n_samples


def test_wide_table_and_frames_per_region(runs):
    national, prov = runs
    plain = provincial_run(national)
    wide = plain.results.to_wide(0)
    assert list(wide.columns[:5]) == KEYS[:5]
    assert wide["region"].nunique() == 32
    pd.testing.assert_frame_equal(national.results.to_wide(0),
                                  wide[wide["region"] == "China"].reset_index(drop=True))
    pd.testing.assert_frame_equal(plain.results.to_frame(0), national.results.to_frame(0))
    hebei = prov.results.to_frame(0, "Hebei")
    assert hebei.index.name == "year" and "Production|Iron and Steel|Steel" in hebei
    both = prov.results.to_frame(0, None)
    assert both.index.names == ["region", "year"] and both.index.get_level_values(0).nunique() == 32
    with pytest.raises(KeyError, match="region 'Atlantis' is not in these results"):
        prov.results.to_frame(0, "Atlantis")
    with pytest.raises(KeyError, match="none, a national run"):
        national.results.to_frame(0, "Hebei")


def test_xlsx_data_sheet_has_the_province_rows_in_common_definitions_units(runs):
    _, prov = runs
    data = data_sheet(prov)
    row = data[(data["region"] == "Hebei") & (data["variable"] == "Secondary Energy|Electricity")]
    assert len(row) == 1 and row["unit"].iloc[0] == "EJ/yr"
    twh = prov.results.regional_array("gen_total_twh", "Hebei")[0, 0]
    assert row[int(prov.results.years[0])].iloc[0] == pytest.approx(twh * 0.0036)


def test_unserved_map_year_is_2021_or_the_first_year_with_unserved(runs):
    _, prov = runs
    long = prov.results.to_iamc(0)
    assert first_unserved_year(long) == 2021
    later = long.copy()
    unserved = later["variable"] == "Unserved Energy|Electricity"
    later.loc[unserved & (later["year"] == 2021), "value"] = 0.0
    later.loc[unserved & (later["year"] == 2024) & (later["region"] == "Sichuan"), "value"] = 1.0
    assert first_unserved_year(later) == 2024
    later.loc[unserved, "value"] = 0.0
    assert first_unserved_year(later) is None
    with style_context():
        figures = build_province_figures(later)
    assert "provinces_unserved_share.png" not in figures  # nothing to show: not drawn


def test_province_verdicts_group_by_target_and_province():
    verdicts = [{"id": "ei", "region": "Hebei", "met": False}, {"id": "ei", "region": "JS", "met": True},
                {"id": "peak", "met": True}, {"id": "grid", "region": "North", "met": True}]
    assert province_verdicts(verdicts) == {"ei": {"Hebei": False, "Jiangsu": True}}


def test_run_folder_of_a_provincial_run_has_rows_and_tile_maps(runs, tmp_path):
    national, prov = runs
    out = write_run(provincial_run(national), tmp_path / "prov")
    long = pd.read_csv(out / "trajectories.csv")
    assert long["region"].nunique() == 32
    names = {p.name for p in (out / "figures").iterdir()}
    assert {"provinces_co2_change.png", "provinces_co2_intensity_change.png"} <= names
    nat = write_run(national, tmp_path / "nat")
    nat_names = {p.name for p in (nat / "figures").iterdir()}
    assert not any(n.startswith("provinces_") for n in nat_names)
    assert nat_names == names - {n for n in names if n.startswith("provinces_")}
    # a report of the folder draws China's national figures and the tile maps
    src = load_source(out)
    pd.testing.assert_frame_equal(src.frame, load_source(nat).frame, check_exact=False, rtol=1e-5)
    assert src.provinces is not None and set(src.provinces["region"]) == set(provinces())


def test_report_of_a_provincial_run_includes_tile_maps_and_a_national_one_does_not(runs, tmp_path):
    national, prov = runs
    src = source_from_run(prov)
    base = src.verdicts[0]  # a provincial verdict: a verdict that names its province
    src.verdicts = [*src.verdicts, {**base, "id": "ei", "region": "Hebei", "met": False},
                    {**base, "id": "ei", "region": "Jiangsu", "met": True}]
    doc = build_report([src], tmp_path / "p")
    doc.write(tmp_path / "p", "report")
    text = (tmp_path / "p" / "report.md").read_text(encoding="utf-8")
    assert "Regions: China and its 31 provinces" in text and "Provinces that meet" in text
    figs = {p.name for p in (tmp_path / "p" / "figures").iterdir()}
    assert {"provinces_co2_change.png", "provinces_unserved_share.png",
            "provinces_target_ei.png"} <= figs
    build_report([source_from_run(national)], tmp_path / "n").write(tmp_path / "n", "report")
    assert "Region: China." in (tmp_path / "n" / "report.md").read_text(encoding="utf-8")
    assert not any(p.name.startswith("provinces_") for p in (tmp_path / "n" / "figures").iterdir())


def test_grid_resolution_gets_rows_per_grid_region_and_no_tile_maps(runs, tmp_path):
    import dataclasses

    from ctsim.regions import GRID_REGIONS

    national, prov = runs
    res = national.results
    gen = res.arrays["gen_total_twh"]
    grid = dataclasses.replace(res, regional={"gen_total_twh": np.repeat(gen[:, None, :] / 7, 7, 1)},
                               regions=GRID_REGIONS, resolution="grid")
    long = grid.to_iamc(0)
    assert list(long["region"].drop_duplicates()) == ["China", *GRID_REGIONS]
    assert (long["region"] == "Southwest").sum() == len(res.years)
    out = write_run(dataclasses.replace(national, results=grid), tmp_path / "grid")
    assert not any(p.name.startswith("provinces_") for p in (out / "figures").iterdir())
