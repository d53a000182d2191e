"""Shock kernels, shock schema and the draws of stochastic shocks."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ctsim.api import run_resolved
from ctsim.engine import shocks
from ctsim.errors import ScenarioError
from ctsim.inputs import build_inputs
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict
from ctsim.shockspec import draw_stochastic, shock_arrays


def test_fossil_limits_only_bind_with_a_shortfall():
    coal, gas = shocks.fossil_limits(np.array([1000.0, 1000.0]), np.array([200.0, 200.0]),
                                     np.array([0.0, 0.1]), np.array([1500.0, 1500.0]),
                                     np.array([400.0, 400.0]))
    assert_allclose(coal, [1500.0, 900.0])
    assert_allclose(gas, [400.0, 200.0])


def test_curtail_follows_the_order_with_caps():
    # loads steel 100, industry 200, other 1000; at most 10 % of a group's load before moving on
    loads = np.array([[100.0, 200.0, 1000.0]] * 3)
    ranks = np.array([[0, 1, 2], [0, 1, 2], [2, 0, 1]], dtype=float)
    cut = shocks.curtail(np.array([5.0, 50.0, 50.0]), loads, np.array(0.1), ranks)
    assert_allclose(cut, [[5, 0, 0], [10, 20, 20], [0, 20, 30]])
    assert_allclose(cut.sum(axis=1), [5.0, 50.0, 50.0])


def test_gdp_loss_is_elasticity_times_unserved_share():
    assert_allclose(shocks.gdp_loss(np.array([100.0, 0.0]), np.array([10000.0, 10000.0]), np.array(0.3)),
                    [0.003, 0.0])


def _scenario(shock_list, seed=7):
    return resolve(scenario_from_dict({"seed": seed, "shocks": shock_list}, "s"))


STOCHASTIC = {"kind": "stochastic", "shock": "power_rationing", "probability": 0.3,
              "severity": {"low": 0.05, "high": 0.2}, "from_year": 2025, "to_year": 2060}


def test_same_seed_same_shocks_and_chunks_equal_the_whole():
    res = _scenario([STOCHASTIC])
    whole = build_inputs(res, n_samples=6).values["shocks.coal_shortfall"]
    again = build_inputs(res, n_samples=6).values["shocks.coal_shortfall"]
    chunk = build_inputs(res, n_samples=2, sample_ids=np.array([3, 4])).values["shocks.coal_shortfall"]
    assert_allclose(whole, again)
    assert_allclose(chunk, whole[3:5])
    assert (whole[:, :5] == 0).all() and (whole > 0).any()  # nothing before from_year
    other = build_inputs(_scenario([STOCHASTIC], seed=8), n_samples=6).values["shocks.coal_shortfall"]
    assert not np.allclose(other, whole)


def test_draws_per_sample_do_not_depend_on_the_others():
    a, _ = draw_stochastic(1, 0, np.array([0, 1, 2]), 5)
    b, _ = draw_stochastic(1, 0, np.array([2]), 5)
    assert_allclose(a[2], b[0])


def test_deterministic_shocks_make_annual_arrays():
    years = np.arange(2020, 2031)
    out = shock_arrays(_scenario([{"kind": "power_rationing", "year": 2027, "shortfall": 0.2,
                                   "duration_months": 6},
                                  {"kind": "coal_price_spike", "start": 2021, "end": 2022,
                                   "price_factor": 2.0}]).shocks, years, 0)
    assert_allclose(out["shocks.coal_shortfall"][0, years == 2027], [0.1])
    assert_allclose(out["shocks.coal_price_factor"][0], np.where((years >= 2021) & (years <= 2022), 2, 1))


@pytest.mark.parametrize("shock, message", [
    ({"kind": "power_rationng", "year": 2027, "shortfall": 0.1}, "did you mean 'power_rationing'"),
    ({"kind": "power_rationing", "year": 2070, "shortfall": 0.1}, "year outside horizon"),
    ({"kind": "power_rationing", "year": 2027, "shortfal": 0.1}, "unknown key 'shortfal'"),
    ({"kind": "coal_price_spike", "start": 2030, "end": 2029, "price_factor": 2}, "end before start"),
])
def test_bad_shocks_give_one_line_errors(shock, message):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({"shocks": [shock]}, "bad")
    assert message in str(err.value) and "shocks.0" in str(err.value)
    assert "\n" not in str(err.value)


def test_coal_price_spike_moves_dispatch_to_gas():
    spike = {"kind": "coal_price_spike", "start": 2030, "end": 2031, "price_factor": 2.5}
    base, hit = run_resolved(_scenario([])), run_resolved(_scenario([spike]))
    y = list(base.years).index(2030)
    assert hit["Secondary Energy|Electricity|Gas"][0, y] > base["Secondary Energy|Electricity|Gas"][0, y]
    assert hit["Secondary Energy|Electricity|Coal"][0, y] < base["Secondary Energy|Electricity|Coal"][0, y]
