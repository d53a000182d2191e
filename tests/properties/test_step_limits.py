"""Step-by-step limits hold in every year of every sample (hypothesis over orders to cut)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

LIMITS = {"coal_retire_max_frac": 0.04, "steel_output_fall_max_frac": 0.03, "bfbof_fall_max_frac": 0.05}


@settings(max_examples=10, deadline=None)
@given(st.floats(0, 300), st.floats(200, 1000), st.floats(0.15, 0.9), st.floats(0, 3000))
def test_step_limits_are_never_exceeded(closures_gw, steel_2030, eaf_2035, price_2035):
    data = {
        "policy": {**LIMITS, "carbon_price": {2035: price_2035}},
        "power": {"coal_retirement_extra_gw": {2025: 0, 2026: closures_gw}},
        "steel": {"output_mt": {2030: steel_2030},
                  "eaf_share": {2035: eaf_2035}, "scrap_supply_mt": 2000},
    }
    res = run_resolved(resolve(scenario_from_dict(data, "limits")))
    after = res.years[1:] >= 2025  # the limits act on the projection; 2020-2024 are history
    coal = res["Capacity|Electricity|Coal"][0]
    assert np.all((coal[1:] >= coal[:-1] * (1 - LIMITS["coal_retire_max_frac"]) - 1e-9)[after])
    steel = res["Production|Iron and Steel|Steel"][0]
    assert np.all((steel[1:] >= steel[:-1] * (1 - LIMITS["steel_output_fall_max_frac"]) - 1e-9)[after])
    bf = res["Production|Iron and Steel|Steel|Primary|BF-BOF"][0]
    assert np.all((bf[1:] >= bf[:-1] * (1 - LIMITS["bfbof_fall_max_frac"]) - 1e-9)[after])


def test_campaign_without_limits_forces_investment_instead_of_leaving_power_unserved():
    # issue 11: closures by order are met by the adequacy response (storage, gas, nuclear, wind,
    # solar or new coal), so the campaign's cost is forced investment, not unbounded unserved power
    res = run_resolved(resolve(scenario_from_dict({
        "policy": {"coal_retire_max_frac": 1.0},
        "power": {"coal_retirement_extra_gw": {2025: 0, 2026: 150, 2030: 150, 2031: 0}}}, "c")))
    limited = run_resolved(resolve(scenario_from_dict({
        "power": {"coal_retirement_extra_gw": {2025: 0, 2026: 150, 2030: 150, 2031: 0}}}, "l")))
    response = "Capacity Additions|Electricity|Adequacy Response"
    assert res[response].sum() > limited[response].sum() + 100.0
    assert (res.arrays["unserved_twh"] <= 1e-3 * res.arrays["demand_twh"]).all()
