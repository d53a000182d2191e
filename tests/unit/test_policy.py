"""Policy kernels against hand-computed values."""

import numpy as np
from numpy.testing import assert_allclose

from ctsim.engine import policy


def test_covered_from_start_year_on():
    assert_allclose(policy.covered(2024, np.array([2021.0, 2025.0, 2024.0])), [1.0, 0.0, 1.0])


def test_carbon_cost_is_price_times_excess_over_benchmark():
    # 100 CNY/t x (0.95 - 0.88) t/MWh = 7 CNY/MWh; a unit below the benchmark earns; uncovered pays 0
    cost = policy.carbon_cost(np.array([100.0, 100.0, 100.0]), np.array([1.0, 1.0, 0.0]),
                              np.array([0.95, 0.40, 0.95]), np.array([0.88, 0.88, 0.88]))
    assert_allclose(cost, [7.0, -48.0, 0.0])


def test_uptake_is_a_binary_logit():
    # 1 / (1 + exp(-m / s)) with s = 50: m = -50 -> 1 / (1 + e) = 0.26894, 0 -> 0.5, 100 -> 0.88080
    m = np.array([-50.0, 0.0, 100.0, -1e6, 1e6])
    assert_allclose(policy.uptake(m, np.array(50.0)), [0.2689414, 0.5, 0.8807971, 0.0, 1.0], rtol=1e-6)
    fine = np.linspace(-500.0, 500.0, 201)
    assert np.all(np.diff(policy.uptake(fine, np.array(50.0))) > 0)  # strictly rising: no switch


def test_limit_fall_only_limits_falls():
    # previous 100, max fall 5 %: wanted 80 -> 95; wanted 97 stays; a rise to 120 stays
    assert_allclose(policy.limit_fall(np.array([80.0, 97.0, 120.0]), np.array(100.0), np.array(0.05)),
                    [95.0, 97.0, 120.0])


def test_apply_options_in_order():
    pots = np.array([[10.0, 20.0, 30.0], [10.0, 20.0, 30.0], [10.0, 20.0, 30.0], [10.0, 20.0, 30.0]])
    used, rest = policy.apply_options(np.array([0.0, 5.0, 25.0, 70.0]), pots)
    assert_allclose(used, [[0, 0, 0], [5, 0, 0], [10, 15, 0], [10, 20, 30]])
    assert_allclose(rest, [0.0, 0.0, 0.0, 10.0])
    assert_allclose(policy.binding_option(used, rest), [0.0, 1.0, 2.0, 4.0])


def test_coal_retirement_scheduled_first_economic_within_surplus_all_within_the_limit():
    # capacity 1000, limit 5 % = 50. (a) 20 scheduled + min(40, surplus 10) = 30;
    # (b) 70 scheduled -> 50 retired, 20 deferred; (c) no limit (1.0): 70 + min(40, 100) = 110
    retired, deferred = policy.coal_retirement(
        np.array([20.0, 70.0, 70.0]), np.array([40.0, 40.0, 40.0]), np.array([10.0, 100.0, 100.0]),
        np.array([1000.0, 1000.0, 1000.0]), np.array([0.05, 0.05, 1.0]))
    assert_allclose(retired, [30.0, 50.0, 110.0])
    assert_allclose(deferred, [0.0, 20.0, 0.0])
