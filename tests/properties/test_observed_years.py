"""History is observed (hypothesis): whatever a scenario sets after 2024 (paths, structural scalars,
shocks, caps), every output in 2020-2024 equals the baseline's, bit for bit."""

from functools import lru_cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.history import last_observed_year
from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict


@lru_cache(maxsize=1)
def _baseline():
    return run_resolved(resolve(scenario_from_dict({}, "b")))


@settings(max_examples=12, deadline=None)
@given(st.floats(0, 3000), st.floats(0.05, 0.6), st.floats(25, 60), st.floats(2.5, 2.9),
       st.floats(0, 300), st.integers(2025, 2060), st.floats(0, 0.5), st.floats(5000, 12000))
def test_nothing_a_scenario_sets_changes_an_observed_year(price_2035, eaf_2040, lifetime, coal_factor,
                                                          closures, shock_year, shortfall, cap_2030):
    data = {
        "policy": {"carbon_price": {2035: price_2035}, "coal_retire_max_frac": 0.2},
        "steel": {"eaf_share": {2040: eaf_2040}},
        "power": {"coal_lifetime_yr": lifetime, "coal_retirement_extra_gw": {2026: closures}},
        "factors": {"coal_t_co2_per_tce": coal_factor},
        "caps": {"national_co2_mt": {2030: cap_2030}},
        "shocks": [{"kind": "power_rationing", "year": shock_year, "shortfall": shortfall}],
    }
    res, base = run_resolved(resolve(scenario_from_dict(data, "s"))), _baseline()
    observed = res.years <= last_observed_year()
    for name, arr in base.arrays.items():
        assert np.array_equal(res.arrays[name][:, observed], arr[:, observed]), name
