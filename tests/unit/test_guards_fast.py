"""The fast per-year guard agrees with the full check, and kernels accept shared (broadcast) ranks."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim import ModelInvariantError
from ctsim.engine.guards import YearGuard, check_year
from ctsim.engine.shocks import curtail

NAMES = ("gen_total_twh", "gen_coal_twh", "gen_gas_twh", "gen_oil_twh", "gen_hydro_twh",
         "gen_nuclear_twh", "gen_wind_twh", "gen_solar_twh", "gen_bio_twh", "unserved_twh",
         "demand_twh", "share_nonfossil_gen", "co2_net_mt", "share_nonfossil_pe", "steel_eaf_share")


def _slab(S=4):
    rng = np.random.default_rng(0)
    parts = rng.uniform(0, 100, (8, S))
    total = parts.sum(axis=0)
    rows = [total, *parts, np.zeros(S), total, rng.uniform(0, 1, S), rng.uniform(-5, 5, S),
            rng.uniform(0, 1, S), rng.uniform(0, 1, S)]
    return np.array(rows)


def _verdict(fn):
    try:
        fn()
        return None
    except ModelInvariantError as exc:
        return (exc.variable, exc.year, exc.sample)


@pytest.mark.parametrize("row, col, value, breaks", [
    (None, None, None, False), (1, 2, np.nan, True), (2, 0, -3.0, True), (11, 3, 1.5, True),
    (0, 1, 1e9, True), (12, 0, -1e6, False),  # net CO2 may be negative
    (9, 2, -1e-13, False),  # round-off below zero is tolerated by both
])
def test_fast_guard_matches_full_check(row, col, value, breaks):
    slab = _slab()
    if row is not None:
        slab[row, col] = value
    block = slab[None]  # one year
    out = {n: block[:, i, :].T for i, n in enumerate(NAMES)}
    fast = _verdict(lambda: YearGuard(NAMES).check(block[0], out, 0, 2020))
    full = _verdict(lambda: check_year(out, 0, 2020))
    assert fast == full
    assert (fast is not None) == breaks


def test_curtail_with_shared_ranks_equals_per_sample_ranks():
    rng = np.random.default_rng(0)
    S = 50
    unserved, loads = rng.uniform(0, 100, S), rng.uniform(10, 100, (S, 3))
    ranks = np.array([[2.0, 0.0, 1.0]])
    shared = curtail(unserved, loads, np.array([0.5]), ranks)
    per_sample = curtail(unserved, loads, np.array([0.5]), np.broadcast_to(ranks, (S, 3)).copy())
    np.testing.assert_array_equal(shared, per_sample)
    np.testing.assert_allclose(shared.sum(axis=1), unserved)


def test_curtail_without_unserved_matches_the_sharing():
    """The shortcut for a year without rationing gives what the sharing gives sample by sample."""
    rng = np.random.default_rng(1)
    S = 20
    loads, ranks = rng.uniform(10, 100, (S, 3)), np.array([[2.0, 0.0, 1.0]])
    unserved = np.zeros(S)
    unserved[0] = 5.0  # one sample rationed: the general sharing runs for all samples
    general = curtail(unserved, loads, np.array([0.5]), ranks)
    shortcut = curtail(np.zeros(S), loads, np.array([0.5]), ranks)
    assert shortcut.shape == general.shape
    np.testing.assert_array_equal(shortcut[1:], general[1:])
    assert not np.signbit(general[1:]).any() and not shortcut.any()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 11])
def test_sum_last_is_numpys_sum_bit_for_bit(n):
    from ctsim.engine.axes import sum_last
    rng = np.random.default_rng(n)
    x = rng.standard_normal((3000, n)) * np.exp(rng.uniform(-30, 30, (3000, n)))
    x[:10] = -0.0  # signed zeros keep their sign
    x[10, 0], x[11, -1], x[12, 0] = np.nan, np.inf, -np.inf
    got, want = sum_last(x), x.sum(axis=-1)
    assert got.shape == want.shape
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))
    shared = x[:1]  # a [1, n] shared parameter
    assert np.array_equal(sum_last(shared), shared.sum(axis=-1), equal_nan=True)
