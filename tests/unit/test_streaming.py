"""Fixed-grid histogram quantiles (streaming.py) and the Wilson interval (targets.py)."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.analysis.targets import wilson_interval
from ctsim.sweeps.streaming import BINS, Accumulator, Grid, column_bounds, exact_quantiles

LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def _accumulate(grid, values, chunk):
    acc = Accumulator(grid)
    for a in range(0, len(values), chunk):
        part = values[a:a + chunk]
        acc.add(grid.counts([part[:, :2], part[:, 2:]]), part.min(axis=0), part.max(axis=0))
    return acc


def test_histogram_quantiles_within_one_bin_of_exact():
    rng = np.random.default_rng(0)
    values = np.column_stack([rng.normal(10, 2, 20000), rng.lognormal(0, 1, 20000),
                              rng.uniform(-5, 5, 20000), np.full(20000, 3.25)])
    grid = Grid.from_pilot(values[:2048])
    acc = _accumulate(grid, values, 3000)
    got, exact = acc.quantiles(LEVELS), exact_quantiles(values, LEVELS)
    assert np.all(np.abs(got - exact) <= grid.width[None, :] + 1e-12)
    assert np.array_equal(got[:, 3], np.full(5, 3.25))  # a constant series is exact


def test_accumulation_independent_of_chunking_and_order():
    rng = np.random.default_rng(1)
    values = rng.gamma(2.0, 3.0, size=(5000, 3))
    grid = Grid.from_pilot(values[:500])
    a = _accumulate(grid, values, 5000)
    b = _accumulate(grid, values[::-1], 777)
    assert np.array_equal(a.counts, b.counts)
    assert np.array_equal(a.quantiles(LEVELS), b.quantiles(LEVELS))


def test_values_outside_the_grid_are_counted_and_clamped():
    grid = Grid.from_pilot(np.array([[0.0] * 3, [1.0] * 3]))  # grid spans [-0.5, 1.5]
    values = np.array([[-10.0], [0.2], [0.4], [5.0]])
    acc = _accumulate(grid, np.hstack([values, values, values]), 4)
    assert acc.outside == 6
    assert acc.counts.shape == (3, BINS + 2)
    q = acc.quantiles((0.0, 1.0))
    assert np.allclose(q[:, 0], [-10.0, 5.0])


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [
    (5, 10, 0.236593, 0.763407),  # Wilson (1927) by hand: centre 0.5, half 0.263407
    (0, 10, 0.0, 0.277533),
    (10, 10, 0.722467, 1.0),
    (81, 100, 0.722212, 0.874852),
])
def test_wilson_interval_hand_values(k, n, lo, hi):
    got = wilson_interval(k, n)
    assert got == pytest.approx((lo, hi), abs=1e-6)


def _counts_one_by_one(grid, values):
    """Each value's bin worked out on its own, as the grid's docstring defines it."""
    out = np.zeros((values.shape[1], BINS + 2), dtype=np.int64)
    for k in range(values.shape[1]):
        for x in values[:, k]:
            b = int(min(max(np.floor((x - grid.low[k]) / grid.width[k]), -1), BINS)) + 1
            out[k, b] += 1
    return out


@pytest.mark.parametrize("layout", ["samples-major", "years-major"])
def test_counts_are_each_value_in_its_own_bin_in_either_memory_layout(layout):
    """Grid.counts reads a block as its transpose (the engine records year-major): the counts are
    those of each value binned on its own, for C-ordered blocks and for year-major views alike,
    with values on bin edges, on the grid's ends and far outside it."""
    rng = np.random.default_rng(7)
    pilot = rng.normal(size=(300, 5))
    grid = Grid.from_pilot(pilot)
    values = rng.normal(size=(257, 5)) * 1.6
    values[:5] = grid.low + grid.width * np.array([0, 1, BINS, BINS + 1, 3])[:, None]
    values[5] = grid.low - 1e300
    values[6] = -np.inf
    values[7] = np.inf
    if layout == "years-major":
        values = np.ascontiguousarray(values.T).T  # [n, k] view of a [k, n] array
    blocks = [values[:, :2], values[:, 2:]]
    assert np.array_equal(grid.counts(blocks), _counts_one_by_one(grid, values))


@pytest.mark.parametrize("layout", ["samples-major", "years-major"])
def test_constant_columns_are_counted_in_the_bin_of_their_value(layout):
    """Given the columns' minima and maxima, Grid.counts puts all n values of a column whose
    minimum equals its maximum in the bin of that value without binning each one: the counts are
    those of each value binned on its own, for constant columns inside, below, above and on the
    edges of the grid, for blocks wholly constant, partly constant and not constant, and for a
    column of +0.0 and -0.0 (equal minimum and maximum)."""
    rng = np.random.default_rng(11)
    pilot = rng.normal(size=(300, 7))
    grid = Grid.from_pilot(pilot)
    values = rng.normal(size=(129, 7)) * 1.6
    values[:, 0] = grid.low[0] + 17.3 * grid.width[0]  # inside the grid
    values[:, 1] = grid.low[1] - 5.0  # below it
    values[:, 3] = grid.low[3] + BINS * grid.width[3]  # on its upper end
    values[:, 4] = grid.low[4] + 3 * grid.width[4]  # on a bin edge
    values[:, 6] = np.where(np.arange(129) % 2, 0.0, -0.0)
    if layout == "years-major":
        values = np.ascontiguousarray(values.T).T
    blocks = [values[:, :2], values[:, 2:5], values[:, 5:]]  # constant, partly, partly
    vmin = np.concatenate([b.min(axis=0) for b in blocks])
    vmax = np.concatenate([b.max(axis=0) for b in blocks])
    assert list(vmin == vmax) == [True, True, False, True, True, False, True]
    expected = _counts_one_by_one(grid, values)
    got = grid.counts(blocks, vmin, vmax)
    assert np.array_equal(got, expected)
    assert np.array_equal(got, grid.counts(blocks))  # the same without minima and maxima
    assert got.sum() == 129 * 7


def test_column_bounds_are_those_of_the_joined_blocks():
    """Block by block, the minima and maxima of the columns side by side (NaN included), and the
    grid they give is the pilot's."""
    rng = np.random.default_rng(3)
    parts = [rng.normal(size=(300, k)) for k in (4, 1, 7)]
    parts[1][5, 0] = np.nan
    parts[2] = np.asfortranarray(parts[2])  # a strided view, as the engine's records are
    flat = np.concatenate(parts, axis=1)
    lo, hi = column_bounds(parts)
    np.testing.assert_array_equal(lo, flat.min(axis=0))
    np.testing.assert_array_equal(hi, flat.max(axis=0))
    a, b = Grid.from_pilot(flat), Grid.from_bounds(lo, hi)
    np.testing.assert_array_equal(a.low, b.low)
    np.testing.assert_array_equal(a.width, b.width)
