"""Simulated storage, curtailment and peak load 2020-2024 against the bundled observations
(data/history/storage_china.csv; national curtailment and peak load in docs/model.md, "Storage,
curtailment, firm capacity and investment")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ctsim

STORAGE = pd.read_csv(Path(ctsim.__file__).parent / "data" / "history" / "storage_china.csv").set_index("year")


@pytest.fixture(scope="module")
def arrays(baseline_run):
    res = baseline_run.results
    return {k: dict(zip(res.years, v[0], strict=True)) for k, v in res.arrays.items()}


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023, 2024])
def test_storage_power_is_the_observed_stock(arrays, year):
    assert arrays["cap_storage_phs_gw"][year] == pytest.approx(STORAGE.loc[year, "phs_gw"], rel=1e-9)
    if not np.isnan(STORAGE.loc[year, "nts_gw"]):
        assert arrays["cap_storage_nts_gw"][year] == pytest.approx(STORAGE.loc[year, "nts_gw"], rel=1e-9)


@pytest.mark.parametrize("year", [2023, 2024])
def test_new_type_storage_energy_within_3pct(arrays, year):
    assert arrays["cap_storage_nts_gwh"][year] == pytest.approx(STORAGE.loc[year, "nts_gwh"], rel=0.03)


@pytest.mark.parametrize("year, rate", [(2023, 0.0242), (2024, 0.0334)])
def test_curtailment_matches_the_national_rate(arrays, year, rate):
    # 2023: wind 2.7 %, solar 2.0 %; Jan-Jul 2024: 3.7 % and 2.9 % (NEA), weighted by output
    assert arrays["curtailed_share"][year] == pytest.approx(rate, abs=0.003)


@pytest.mark.parametrize("year, peak_gw", [(2023, 1339.0), (2024, 1451.0)])
def test_peak_load_within_3pct_of_the_reported_maximum(arrays, year, peak_gw):
    # NDRC: 1,339 GW (July 2023 record), 1,451 GW (2024, DERIVED 1,508 - 57)
    assert arrays["peak_load_gw"][year] == pytest.approx(peak_gw, rel=0.03)
