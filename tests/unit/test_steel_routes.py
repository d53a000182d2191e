"""Steel route switching kernels against hand-computed values."""

import numpy as np
from numpy.testing import assert_allclose

from ctsim.engine import steel


def test_switch_advantage():
    # 200 CNY/t x (1.5 - 0.2 - 0.2 MWh x 0.8) = 228; minus premium 150 -> 78
    a = steel.switch_advantage(np.array([[200.0]]), np.array([[1.0]]), np.array([[1.5]]),
                               np.array([[0.2, 1.5]]), np.array([[0.2, 0.0]]), np.array([[0.8]]),
                               np.array([[150.0, 0.0]]))
    assert_allclose(a, [[78.0, 0.0]])


def test_turnover_switch_moves_only_relined_capacity_by_each_route_saving():
    # BF-BOF share 0.8, campaign 20 yr -> 4 % relined, a third per route; savings 10 and 100 of scale
    # 200 -> u = 0.05, 0.5 of that third; nothing where no route pays; u = 1, 1, 0.5 of each third
    moved = steel.turnover_switch(np.array([0.8, 0.8, 0.8]), np.array(20.0),
                                  np.array([[10.0, 100.0, -5.0], [-1.0, -2.0, -3.0], [300.0, 250.0, 100.0]]),
                                  np.array(200.0))
    assert_allclose(moved, np.array([[0.002, 0.02, 0.0], [0.0, 0.0, 0.0], [0.04, 0.04, 0.02]]) / 3)


def test_turnover_switch_rises_continuously_with_a_route_saving():
    adv = np.stack([np.full(50, 50.0), np.linspace(-100, 400, 50), np.zeros(50)], axis=-1)
    moved = steel.turnover_switch(np.full(50, 0.8), np.array(20.0), adv, np.array(200.0))
    assert np.all(np.diff(moved[:, 1]) >= 0) and np.max(np.abs(np.diff(moved[:, 1]))) < 0.0021 / 3


def test_hold_bfbof_moves_cost_driven_output_back_first_h2dri_then_eaf():
    prod = np.array([[600.0, 0.0, 300.0, 100.0], [800.0, 0.0, 200.0, 0.0], [600.0, 0.0, 300.0, 100.0]])
    zero = np.zeros(3)
    # first: 100 Mt back to BF-BOF; H2-DRI's 30 Mt cost-driven output (100 - 70 requested), then 70 of EAF's
    # 100 cost-driven (300 - 200); second: already above the floor; third: H2-DRI all requested, so EAF's
    # cost-driven output gives the 100 Mt
    out = steel.hold_bfbof(prod, np.array([700.0, 700.0, 700.0]), np.array([200.0, 150.0, 200.0]),
                           np.array([70.0, 0.0, 100.0]), zero)
    assert_allclose(out, [[700.0, 0.0, 230.0, 70.0], [800.0, 0.0, 200.0, 0.0], [700.0, 0.0, 200.0, 100.0]])
    assert_allclose(out.sum(axis=1), prod.sum(axis=1))


def test_hold_bfbof_cuts_the_requested_output_last_h2dri_first():
    # 300 Mt to move: 100 cost-driven EAF (300 - 200 requested), then the 100 Mt of requested H2-DRI,
    # then 100 of the 200 Mt of requested EAF
    out = steel.hold_bfbof(np.array([[600.0, 0.0, 300.0, 100.0]]), np.array([900.0]), np.array([200.0]),
                           np.array([100.0]), np.zeros(1))
    assert_allclose(out, [[900.0, 0.0, 100.0, 0.0]])
    # a floor above total output keeps all of it BF-BOF
    out = steel.hold_bfbof(np.array([[600.0, 0.0, 300.0, 100.0]]), np.array([1200.0]), np.array([200.0]),
                           np.array([100.0]), np.zeros(1))
    assert_allclose(out, [[1000.0, 0.0, 0.0, 0.0]])


def test_hold_bfbof_gives_ccus_back_what_eaf_and_h2dri_took_from_it():
    # 100 Mt back from EAF (cost-driven); CCUS wanted 80 Mt and got 50 (route_shares gave it what EAF
    # and H2-DRI left): 30 Mt to CCUS, 70 Mt to unabated BF-BOF
    out = steel.hold_bfbof(np.array([[550.0, 50.0, 300.0, 100.0]]), np.array([700.0]), np.array([200.0]),
                           np.array([100.0]), np.array([80.0]))
    assert_allclose(out, [[620.0, 80.0, 200.0, 100.0]])
    # CCUS already has what it wanted: all of it to unabated BF-BOF
    out = steel.hold_bfbof(np.array([[550.0, 50.0, 300.0, 100.0]]), np.array([700.0]), np.array([200.0]),
                           np.array([100.0]), np.array([40.0]))
    assert_allclose(out, [[650.0, 50.0, 200.0, 100.0]])


def test_hold_bfbof_a_higher_price_cost_driven_eaf_never_takes_requested_h2dri():
    # neutrality2060 in 2032 at +0 and +30 CNY/t (issue 11): the higher price adds 10 Mt of cost-driven EAF
    # and lowers the floor by 8 Mt; the first sample is above its floor, the second is held 0.9 Mt up.
    # H2-DRI (all requested) keeps its 41.86 Mt in both; it gave up 0.887 Mt to the EAF before.
    prod = np.array([[630.513, 9.1, 228.527, 41.86], [620.228, 9.1, 238.812, 41.86]])
    out = steel.hold_bfbof(prod, np.array([638.261, 630.215]), np.full(2, 182.0), np.full(2, 41.86),
                           np.full(2, 9.1))
    assert_allclose(out[:, 3], [41.86, 41.86])
    assert np.all(np.diff(out[:, 2]) >= 0) and np.all(np.diff(out[:, 0] + out[:, 1]) <= 0)
