"""Power kernels added for the policy levers: tier heat rates, the coal-tier split, SRMC, gas-first."""

import numpy as np
from numpy.testing import assert_allclose

from ctsim.engine import power


def test_tier_heat_rates_reproduce_the_fleet_average():
    eff, other = power.tier_heat_rates(np.array([300.0]), np.array([40.0]), np.array([0.25]))
    assert_allclose([eff[0], other[0]], [270.0, 310.0])  # 300 - 40 x 0.75, 300 + 40 x 0.25
    assert_allclose(0.25 * eff + 0.75 * other, [300.0])


def test_split_coal_tiers_equal_hours_without_gap_and_shift_with_gap():
    # max 100 and 300 TWh; 200 TWh to run. No gap: shares by capacity, 50 and 150.
    eff, other = power.split_coal_tiers(np.array([200.0, 200.0, 390.0]), np.array([100.0] * 3),
                                        np.array([300.0] * 3), np.array([0.0, 30 * np.log(3), 1e3]),
                                        np.array(30.0))
    # gap = 30 ln 3: other weight 300/3 = 100 -> efficient share 1/2 -> 100 TWh (its maximum)
    assert_allclose(eff, [50.0, 100.0, 100.0])
    assert_allclose(other, [150.0, 100.0, 290.0])


def test_srmc_units():
    # 800 CNY/tce x 300 gce/kWh = 240 CNY/MWh, plus 10 CNY/MWh carbon
    assert_allclose(power.srmc(np.array(800.0), np.array(300.0), np.array(10.0)), 250.0)


def _dispatch(gas_first):
    return power.dispatch(np.array([1000.0]), np.array([[300.0, 100.0]]), np.array([True, False]),
                          np.array([0.0]), np.array([100.0]), np.array([250.0]), np.array([400.0]),
                          gas_before_coal=np.array([gas_first]))


def test_gas_before_coal_moves_extra_gas_ahead():
    # residual 600: planned gas 100; then coal 400 and gas 100 more, or gas 150 more and coal 350
    late, early = _dispatch(False), _dispatch(True)
    assert_allclose([late["gas"][0], late["coal"][0], late["unserved"][0]], [200.0, 400.0, 0.0])
    assert_allclose([early["gas"][0], early["coal"][0], early["unserved"][0]], [250.0, 350.0, 0.0])
