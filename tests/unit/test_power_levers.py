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


def _dispatch(gas_share):
    return power.dispatch(np.array([1000.0]), np.array([[300.0, 100.0]]), np.array([True, False]),
                          np.array([0.0]), np.array([100.0]), np.array([250.0]), np.array([400.0]),
                          gas_share=np.array([gas_share]))


def test_gas_share_moves_extra_gas_ahead_of_coal():
    # residual 600: planned gas 100; need 500. Share 0: coal 400, then gas 100 more. Share 1: gas
    # its room 150 first, coal 350. Share 0.2: gas 100 first (0.2 x 500), coal 400 -> gas 200, coal 400
    late, early, mid = _dispatch(0.0), _dispatch(1.0), _dispatch(0.2)
    assert_allclose([late["gas"][0], late["coal"][0], late["unserved"][0]], [200.0, 400.0, 0.0])
    assert_allclose([early["gas"][0], early["coal"][0], early["unserved"][0]], [250.0, 350.0, 0.0])
    assert_allclose([mid["gas"][0], mid["coal"][0], mid["unserved"][0]], [200.0, 400.0, 0.0])
    # share 0.25 (gas 125 first): coal 375
    assert_allclose(_dispatch(0.25)["coal"], [375.0])


def test_gas_first_share_is_a_smooth_logit_of_the_cost_gap():
    share = power.gas_first_share(np.array([300.0, 330.0, 360.0]), np.array([330.0]), np.array(30.0))
    assert_allclose(share, [1 / (1 + np.exp(-1.0)), 0.5, 1 / (1 + np.exp(1.0))])
    assert np.all(np.diff(power.gas_first_share(np.linspace(0, 1000, 50), np.array(500.0), np.array(30.0))) < 0)
