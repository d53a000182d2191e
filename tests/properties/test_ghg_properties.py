"""Greenhouse-gas outputs over every bundled scenario and random levers: finite, non-negative gross
flows, gross >= net, and methane that never rises when abatement or the mine factor falls."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim import run

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
GROSS = ("ch4_total_mt", "ch4_coal_mt", "ch4_oil_gas_mt", "ch4_combustion_mt", "ch4_agriculture_mt",
         "ch4_waste_mt", "ch4_coal_abated_mt", "n2o_kt", "fgas_mt_co2e", "ghg_gross_mt_co2e",
         "co2_cumulative_mt", "warming_co2_k", "cap_wind_solar_gw")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_gross_flows_are_finite_and_non_negative(path):
    res = run(path).results
    for name in GROSS:
        assert np.isfinite(res[name]).all() and (res[name] >= 0).all(), name
    assert (res["ghg_gross_mt_co2e"] >= res["ghg_net_mt_co2e"]).all()
    assert (np.diff(res["co2_cumulative_mt"], axis=1) >= 0).all()  # no engineered removal exceeds CO2


@settings(max_examples=8)
@given(a=st.floats(0.0, 0.9), da=st.floats(0.01, 0.1), ef=st.floats(4.0, 12.0))
def test_methane_is_monotone_in_the_lever_and_the_factor(a, da, ef):
    base = ROOT / "scenarios" / "baseline.yaml"
    lo = run(base, {"ghg.cmm_abatement_frac": a, "ghg.coal_mine_ch4_kg_per_tce": ef}).results
    hi = run(base, {"ghg.cmm_abatement_frac": a + da, "ghg.coal_mine_ch4_kg_per_tce": ef}).results
    assert (hi["ch4_total_mt"] <= lo["ch4_total_mt"]).all()
    dirtier = run(base, {"ghg.cmm_abatement_frac": a, "ghg.coal_mine_ch4_kg_per_tce": ef * 1.1}).results
    assert (dirtier["ghg_net_mt_co2e"] >= lo["ghg_net_mt_co2e"]).all()
