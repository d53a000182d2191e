"""Steel kernels against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.engine import steel


def _shares(output, eaf, h2, ccus, scrap, per_t=1.0):
    a = lambda x: np.array([x], dtype=float)  # noqa: E731
    return steel.route_shares(a(output), a(eaf), a(h2), a(ccus), a(scrap), a(per_t))[0]


def test_route_shares_within_scrap():
    # 1000 Mt, EAF 20 %, H2 5 %, CCUS 10 %, scrap 300 Mt at 1 t/t (cap 30 %): no binding limit
    np.testing.assert_allclose(_shares(1000, 0.2, 0.05, 0.1, 300), [0.65, 0.10, 0.20, 0.05])


def test_eaf_share_capped_by_scrap():
    # scrap 110 Mt at 1.1 t/t allows 100 Mt of EAF in 1000 Mt: 10 % although 30 % was asked
    np.testing.assert_allclose(_shares(1000, 0.3, 0.0, 0.0, 110, 1.1), [0.9, 0.0, 0.1, 0.0])


def test_shares_scaled_down_when_they_exceed_one():
    s = _shares(100, 0.6, 0.6, 0.0, 1000)
    np.testing.assert_allclose(s, [0.0, 0.0, 0.5, 0.5])
    assert s.sum() == pytest.approx(1.0)


def test_ccus_gives_way_to_eaf_and_h2dri_when_shares_exceed_one():
    s = _shares(100, 0.5, 0.3, 0.4, 1000)
    np.testing.assert_allclose(s, [0.0, 0.2, 0.5, 0.3])


def test_direct_co2_hand_values():
    prod = np.array([[800.0, 100.0, 90.0, 10.0]])  # BF-BOF, BF-BOF CCUS, EAF, H2-DRI (Mt)
    coal, co2, captured = steel.direct_co2(prod, np.array([0.5]), np.array([2.7]),
                                           np.array([0.6]), np.array([0.2]), np.array([0.05]))
    assert coal[0] == pytest.approx(900 * 0.5)
    assert captured[0] == pytest.approx(100 * 0.5 * 2.7 * 0.6)
    expected = 800 * 0.5 * 2.7 + 100 * 0.5 * 2.7 * 0.4 + 90 * 0.2 + 10 * 0.05
    assert co2[0] == pytest.approx(expected)


def test_electricity_is_mt_times_mwh_per_t():
    prod = np.array([[800.0, 100.0, 90.0, 10.0]])
    mwh = np.array([[0.1, 0.1, 0.5, 3.5]])
    assert steel.electricity(prod, mwh)[0] == pytest.approx(80 + 10 + 45 + 35)
