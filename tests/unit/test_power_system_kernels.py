"""Storage, curtailment and adequacy kernels against hand-computed values (docs/model.md, "Storage,
curtailment, firm capacity and investment")."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ctsim.engine import adequacy as ad
from ctsim.engine import storage


def test_softplus_is_stable_and_exact():
    x = np.array([-800.0, -1.0, 0.0, 1.0, 800.0])
    assert_allclose(storage.softplus(x), [0.0, np.log1p(np.exp(-1.0)), np.log(2.0), 1 + np.log1p(np.exp(-1.0)), 800.0])


def test_raw_curtailment_is_the_integral_of_the_logistic_marginal_rate():
    d, f, w = np.array([1000.0]), np.array(0.3), np.array(0.05)
    v = np.array([400.0])  # s = 0.4
    expected = 1000 * 0.05 * (np.log1p(np.exp(2.0)) - np.log1p(np.exp(-6.0)))
    assert_allclose(storage.raw_curtailment(v, d, f, w), [expected])
    # numerical integral of m(s) dV
    grid = np.linspace(0, 400, 40001)
    m = storage.marginal_curtailment(grid, np.full_like(grid, 1000.0), f, w)
    assert_allclose(np.trapezoid(m, grid), expected, rtol=1e-6)


def test_more_potential_never_delivers_less():
    v = np.linspace(0, 3000, 301)
    d = np.full_like(v, 1000.0)
    delivered = v - storage.raw_curtailment(v, d, np.array(0.3), np.array(0.06))
    assert np.all(np.diff(delivered)[v[1:] <= 1000] > 0)  # strictly while m < 1 in floating point
    assert np.all(np.diff(delivered) >= -1e-9)  # beyond, 1 - m underflows: flat up to round-off
    assert np.all(storage.raw_curtailment(v, d, np.array(0.3), np.array(0.06)) < v + 1e-12)


def test_storage_absorbs_a_smooth_minimum_of_surplus_and_capability():
    raw, shift = np.array([10.0, 100.0, 50.0, 5.0]), np.array([100.0, 10.0, 50.0, 0.0])
    got = storage.absorbed(raw, shift)
    assert_allclose(got, [100 * (1 - np.exp(-0.1)), 10 * (1 - np.exp(-10)), 50 * (1 - np.exp(-1)), 0.0])
    assert np.all(got <= np.minimum(raw, shift) + 1e-12)


def test_peak_load_and_capital_recovery():
    assert_allclose(ad.peak_load(np.array([8760.0]), np.array(0.8)), [1250.0])  # 8,760 TWh / (8.76 x 0.8)
    # 6 % over 20 years: 0.06 / (1 - 1.06^-20) = 0.0871846
    assert_allclose(ad.capital_recovery(np.array(0.06), np.array(20.0)), 0.06 / (1 - 1.06 ** -20))


def test_capacity_credits_fall_with_share_and_rise_with_duration():
    assert_allclose(ad.vre_credit(np.array(0.2), np.array([0.0, 0.1, 0.3]), np.array(0.1)), [0.2, 0.1, 0.05])
    assert_allclose(ad.storage_credit(np.array([2.0, 4.0]), np.array(2.0)), [1 - np.exp(-1), 1 - np.exp(-2)])


def test_logit_shares_follow_costs_and_respect_forbidden_options():
    cost = np.array([[100.0, 200.0, 100.0]])
    shares = ad.logit_shares(cost, np.array([[1.0, 1.0, 0.0]]), np.array(100.0))
    w = np.array([1.0, np.exp(-1.0), 0.0])
    assert_allclose(shares, [w / w.sum()])
    assert_allclose(ad.logit_shares(cost, np.zeros((1, 3)), np.array(100.0)), [[0.0, 0.0, 0.0]])
    # an option's share falls continuously as its cost rises
    c2 = np.stack([np.full(50, 100.0), np.linspace(50, 400, 50)], axis=-1)
    s2 = ad.logit_shares(c2, np.ones((1, 2)), np.array(100.0))[:, 1]
    assert np.all(np.diff(s2) < 0)


def test_capped_split_moves_what_the_capped_option_cannot_take():
    # need 100 firm GW; shares 0.5/0.25/0.25; per GW 1, 0.5, 1; option 0 capped at 20 GW
    built = ad.capped_split(np.array([100.0]), np.array([[0.5, 0.25, 0.25]]), np.array([[1.0, 0.5, 1.0]]), 0,
                            np.array([20.0]))
    # option 0 wants 50, takes 20; 30 of need goes to the others 1:1 -> +15 each of need
    assert_allclose(built, [[20.0, (25 + 15) / 0.5, 25 + 15]])
    assert_allclose((built * [1.0, 0.5, 1.0]).sum(), 100.0)


@pytest.mark.parametrize("q", [1e-4, 0.1, 0.5, 0.9, 0.999])
def test_surplus_ratio_inverts_the_marginal_absorption(q):
    x = ad.surplus_ratio(np.array([q]))[0]
    assert -np.expm1(-x) - x * np.exp(-x) == pytest.approx(q, rel=1e-4)
