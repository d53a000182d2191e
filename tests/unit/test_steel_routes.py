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


def test_hold_bfbof_moves_low_carbon_output_back_to_bfbof():
    prod = np.array([[600.0, 0.0, 300.0, 100.0], [800.0, 0.0, 200.0, 0.0]])
    out = steel.hold_bfbof(prod, np.array([700.0, 700.0]))
    # first: 100 Mt back to BF-BOF, all of it from H2-DRI; second: already above
    assert_allclose(out, [[700.0, 0.0, 300.0, 0.0], [800.0, 0.0, 200.0, 0.0]])
    # H2-DRI exhausted first, then EAF: 150 Mt to move, 100 from H2-DRI and 50 from EAF
    assert_allclose(steel.hold_bfbof(prod[:1], np.array([750.0])), [[750.0, 0.0, 250.0, 0.0]])
    assert_allclose(out.sum(axis=1), prod.sum(axis=1))
