"""Rationing shocks (hypothesis): steel falls and power goes unserved in the shock year, never without."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict


@settings(max_examples=10, deadline=None)
@given(st.integers(2025, 2060), st.floats(0.01, 1.0), st.integers(1, 12))  # shocks strike after history
def test_rationing_lowers_steel_and_leaves_power_unserved(year, shortfall, months):
    shock = {"kind": "power_rationing", "year": year, "shortfall": shortfall, "duration_months": months}
    base = run_resolved(resolve(scenario_from_dict({}, "b")))
    hit = run_resolved(resolve(scenario_from_dict({"shocks": [shock]}, "s")))
    y = list(base.years).index(year)
    assert hit["Unserved Energy|Electricity"][0, y] > 0
    assert np.all(base["Unserved Energy|Electricity"] == 0)
    assert hit["Production|Iron and Steel|Steel"][0, y] < base["Production|Iron and Steel|Steel"][0, y]
    assert hit["GDP|PPP"][0, y] < base["GDP|PPP"][0, y]
    served = hit["Secondary Energy|Electricity"] + hit["Unserved Energy|Electricity"]
    np.testing.assert_allclose(served, hit["Final Energy|Electricity"], rtol=1e-9)
