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


def test_turnover_switch_moves_only_relined_capacity_to_the_best_route():
    # BF-BOF share 0.8, campaign 20 yr -> 4 % relined; best saving 100 of scale 200 -> half switches
    moved = steel.turnover_switch(np.array([0.8, 0.8]), np.array(20.0),
                                  np.array([[10.0, 100.0, -5.0], [-1.0, -2.0, -3.0]]), np.array(200.0))
    assert_allclose(moved, [[0.0, 0.02, 0.0], [0.0, 0.0, 0.0]])


def test_hold_bfbof_moves_low_carbon_output_back_to_bfbof():
    prod = np.array([[600.0, 0.0, 300.0, 100.0], [800.0, 0.0, 200.0, 0.0]])
    out = steel.hold_bfbof(prod, np.array([700.0, 700.0]))
    # first: 100 Mt back to BF-BOF, EAF and H2-DRI give up a quarter each; second: already above
    assert_allclose(out, [[700.0, 0.0, 225.0, 75.0], [800.0, 0.0, 200.0, 0.0]])
    assert_allclose(out.sum(axis=1), prod.sum(axis=1))
