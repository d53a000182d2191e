"""Caps ("dual control"): a binding cap is met unless the shortfall says it could not be; a slack
cap changes nothing, bit for bit; a cap path leaves the years before its first year uncapped."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

CAP_VARIABLES = {"power_co2_mt": "Emissions|CO2|Energy|Supply|Electricity", "national_co2_mt": "Emissions|CO2|Energy and Industrial Processes",
                 "steel_co2_mt": "Emissions|CO2|Energy and Industrial Processes|Iron and Steel"}


def _run(caps: dict, extra: dict | None = None):
    return run_resolved(resolve(scenario_from_dict({"caps": caps, **(extra or {})}, "caps")))


@settings(max_examples=10, deadline=None)
@given(st.floats(1500, 6000), st.floats(500, 6000), st.floats(0, 800))
def test_binding_power_cap_is_met_unless_short(cap_2025, cap_2040, price_2035):
    res = _run({"power_co2_mt": {2025: cap_2025, 2040: cap_2040}},
               {"policy": {"carbon_price": {2035: price_2035}}})
    cap = np.interp(res.years, [2025, 2040], [cap_2025, cap_2040])
    emitted = res[CAP_VARIABLES["power_co2_mt"]][0]
    short = res["Emissions|CO2|Cap Shortfall"][0]
    capped = res.years >= 2025
    assert np.all(((emitted <= cap * (1 + 1e-9)) | (short > 0))[capped])
    code = res["Cap|Binding Option|Power"][0]
    assert np.all((code == 4) == (short > 1e-9))  # the shortfall is reported where options ran out
    assert np.all(code[~capped] == 0)  # no cap before its first year
    assert np.all(res["Price|Carbon|Shadow"][0] >= 0)


def test_a_slack_cap_changes_nothing_bit_for_bit():
    free = _run({})
    slack = _run({"power_co2_mt": 90000})  # present (the cap code runs) but never reached
    assert set(free.arrays) == set(slack.arrays)
    for name, arr in free.arrays.items():
        assert np.array_equal(arr, slack.arrays[name]), name


def test_a_tight_cap_uses_every_option_and_reports_the_rest_as_shortfall():
    res = _run({"power_co2_mt": {2030: 1000}})
    t = list(res.years).index(2030)
    assert res["Cap|Binding Option|Power"][0, t] == 4
    assert res["Emissions|CO2|Cap Shortfall"][0, t] > 0
    assert res["Final Energy|Electricity|Cap Reduction"][0, t] > 0
    assert res["Unserved Energy|Electricity"][0, t] == 0  # demand reduction is not unserved power


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(sorted(CAP_VARIABLES)), st.floats(0.5, 1.05), st.floats(0.3, 1.05))
def test_every_cap_is_met_unless_short(key, f_2025, f_2040):
    free = _run({})
    level = free[CAP_VARIABLES[key]][0]
    t25, t40 = list(free.years).index(2025), list(free.years).index(2040)
    cap_2025, cap_2040 = level[t25] * f_2025, level[t40] * f_2040
    res = _run({key: {2025: cap_2025, 2040: cap_2040}})
    cap = np.interp(res.years, [2025, 2040], [cap_2025, cap_2040])
    emitted, short = res[CAP_VARIABLES[key]][0], res["Emissions|CO2|Cap Shortfall"][0]
    assert np.all(((emitted <= cap * (1 + 1e-9)) | (short > 0))[res.years >= 2025])


@settings(max_examples=8, deadline=None)
@given(st.floats(0.5, 0.75))
def test_intensity_cap_is_met_unless_short(reduction_2030):
    res = _run({"co2_intensity_reduction_2005": {2025: 0.577, 2030: reduction_2030}})
    reached = res["co2_intensity_reduction_2005"][0]
    wanted = np.interp(res.years, [2025, 2030], [0.577, reduction_2030])
    short = res["Emissions|CO2|Cap Shortfall"][0]
    assert np.all(((reached >= wanted - 1e-9) | (short > 0))[res.years >= 2025])
