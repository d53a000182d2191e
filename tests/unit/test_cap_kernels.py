"""Cap ("dual control") kernels against hand-computed values."""

import numpy as np
from numpy.testing import assert_allclose

from ctsim.engine import policy


def test_cap_level_maps_the_no_cap_level_to_infinity():
    assert_allclose(policy.cap_level(np.array([5.0, 1e5, 2e5]), policy.NO_CAP_MT), [5.0, np.inf, np.inf])
    assert_allclose(policy.cap_level(np.array([0.6, -100.0]), policy.NO_CAP_REDUCTION, upper=False),
                    [0.6, np.inf])


def test_ordered_potentials_share_the_pool_in_order():
    # pool 10 units; rooms 4, 10, 10 -> cumulative reach 4, 10, 10 -> taken 4, 6, 0;
    # t per unit 1, 0.5, 2 -> potentials 4, 3, 0 Mt
    pot, per_unit = policy.ordered_potentials(np.array([10.0]), np.array([[4.0, 10.0, 10.0]]),
                                              np.array([[1.0, 0.5, 2.0]]))
    assert_allclose(pot, [[4.0, 3.0, 0.0]])
    # an option that abates nothing (per unit <= 0) takes no room: 4, 0, 6 units -> 4, 0, 12 Mt
    pot, per_unit = policy.ordered_potentials(np.array([10.0]), np.array([[4.0, 10.0, 10.0]]),
                                              np.array([[1.0, -0.1, 2.0]]))
    assert_allclose(pot, [[4.0, 0.0, 12.0]])
    assert_allclose(per_unit, [[1.0, 0.0, 2.0]])


def test_abate_uses_options_in_order_and_reports_the_binding_one():
    room = np.repeat([[4.0, 10.0, 10.0]], 4, axis=0)
    per_unit = np.repeat([[1.0, 0.5, 2.0]], 4, axis=0)
    # excess -1 (slack), 3 (option 0: 3 units), 5 (4 + 1 Mt = 2 units of option 1), 9 (7 of 9: 2 unmet)
    units, remaining, code = policy.abate(np.array([-1.0, 3.0, 5.0, 9.0]), np.full(4, 10.0), room, per_unit)
    assert_allclose(units, [[0, 0, 0], [3, 0, 0], [4, 2, 0], [4, 6, 0]])
    assert_allclose(remaining, [0.0, 0.0, 0.0, 2.0])
    assert_allclose(code, [0.0, 1.0, 2.0, 4.0])


def test_shadow_price_is_the_cost_of_the_last_option_used():
    costs = np.array([[10.0, 20.0, 30.0]] * 4)
    assert_allclose(policy.shadow_price(np.array([0.0, 1.0, 2.0, 4.0]), costs), [0.0, 10.0, 20.0, 30.0])
    assert_allclose(policy.shadow_price(np.array([1.0]), np.array([[-5.0, 1.0, 1.0]])), [0.0])


def test_intensity_cap_is_the_tighter_of_level_and_reduction():
    # GDP 100 bn$: 0.5 kg/$ -> 50 Mt; 60 % below a 2005 intensity of 1.0 kg/$ -> 40 Mt
    assert_allclose(policy.intensity_cap_mt(np.array([100.0, 100.0, 100.0]), np.array([0.5, 0.5, np.inf]),
                                            np.array([0.6, np.inf, np.inf]), np.array(1.0)),
                    [40.0, 50.0, np.inf])


def test_segments_value_and_inverse_by_hand():
    # segments 2 units at 3/unit, then 4 at 1/unit, then unbounded at 0.5/unit
    widths = np.array([[2.0, 4.0, np.inf]])
    slopes = np.array([[3.0, 1.0, 0.5]])
    x = np.array([0.0, 1.0, 2.0, 5.0, 10.0])[:, None]
    v = policy.segments_value(x[:, 0], np.repeat(widths, 5, 0), np.repeat(slopes, 5, 0))
    assert_allclose(v, [0.0, 3.0, 6.0, 9.0, 12.0])  # 6 + 3; 6 + 4 + 0.5 x 4
    assert_allclose(policy.segments_inverse(v, np.repeat(widths, 5, 0), np.repeat(slopes, 5, 0)), x[:, 0])
    # the inverse stops at the end of a finite curve
    assert_allclose(policy.segments_inverse(np.array([100.0]), widths[:, :2], slopes[:, :2]), [6.0])


def test_coal_co2_segments_reproduce_the_fuel_accounting():
    # the CO2 given up by removing coal from the top, read on the segments, equals the fall of
    # step_fuels' coal CO2, on both sides of the kink of split_coal_tiers (efficient units at
    # their maximum at 6,000 TWh, not at 3,000)
    from types import SimpleNamespace

    from ctsim.engine import power

    pw = SimpleNamespace(dispatch_cost_scale_cny_per_mwh=np.array(20.0), ccs_heat_rate_penalty=0.25,
                         ccs_capture_rate=0.9, gas_heat_rate_gce_per_kwh=220.0)
    fx = SimpleNamespace(coal_t_co2_per_tce=2.66, gas_t_co2_per_tce=1.64, oil_t_co2_per_tce=2.1)
    fleet = power.CoalFleet(ccs_frac=np.array([0.05, 0.05]), max_eff_twh=np.array([3000.0, 3000.0]),
                            max_other_twh=np.array([4000.0, 4000.0]), gap_cny_per_mwh=np.array([30.0, 30.0]),
                            hr_eff_gce_per_kwh=np.array([285.0, 285.0]),
                            hr_other_gce_per_kwh=np.array([320.0, 320.0]),
                            hr_fleet_gce_per_kwh=np.array([300.0, 300.0]), oil_mtce=np.array([1.0, 1.0]))
    coal = np.array([6000.0, 3000.0])
    widths, slopes = power.coal_co2_segments(pw, fx, fleet, coal)
    assert widths[0, 0] > 0 and widths[1, 0] == 0  # a kink only where the efficient units are full
    assert_allclose(widths.sum(axis=-1), coal)
    top = power.step_fuels(pw, fx, fleet, coal, np.zeros(2)).coal_co2_mt
    for removed in (10.0, 500.0, 2500.0):
        cut = np.full(2, removed)
        after = power.step_fuels(pw, fx, fleet, coal - cut, np.zeros(2)).coal_co2_mt
        assert_allclose(policy.segments_value(cut, widths, slopes), top - after, rtol=1e-12)
