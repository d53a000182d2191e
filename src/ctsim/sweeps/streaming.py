"""Quantiles of many series over many samples in bounded memory: fixed-grid histograms.

A sweep reports quantiles of every output variable in every year (K = variables x years series). Keeping
all S x K values is impossible for large S (10^6 samples x ~2,000 series = 16 GB), so each chunk adds
its values to integer histograms on a fixed grid per series. Integer counts add up exactly in any
order, so the result depends neither on the chunking nor on which process ran a chunk.

The grid of each series spans the range seen in a *pilot* (the first :data:`PILOT` samples, fixed by
the design, never by the chunking) widened by half that range on each side, in :data:`BINS` bins, plus
an underflow and an overflow bin. Exact minima and maxima are tracked too. A quantile is read by linear
interpolation inside its bin (error at most one bin width: 1/1024 of the pilot's range) and clamped to
[min, max]; when all values of a series are equal it is exact. When the sweep has no more samples than
the pilot, the pilot's exact quantiles are used instead (numpy's linear definition).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PILOT = 2048  # samples that fix the grid (and below which quantiles are exact)
BINS = 2048  # bins per series inside the grid
WIDEN = 0.5  # the grid extends this fraction of the pilot range beyond it on each side
QUANTILE_BLOCK = 256  # series whose quantiles are read together (bounds the temporaries)
MIN_HALF_WIDTH = 1e-9  # relative half-width of the grid of a series that was constant in the pilot


def exact_quantiles(values: np.ndarray, levels) -> np.ndarray:
    """[Q, K] quantiles of ``values`` [S, K] (numpy's default linear interpolation)."""
    return np.quantile(values, np.asarray(levels, dtype=float), axis=0)


@dataclass(frozen=True)
class Grid:
    """Histogram grid per series: bin b (0..BINS-1) covers [low + b * width, low + (b+1) * width)."""

    low: np.ndarray  # [K]
    width: np.ndarray  # [K]

    @classmethod
    def from_pilot(cls, values: np.ndarray) -> Grid:
        return cls.from_bounds(values.min(axis=0), values.max(axis=0))

    @classmethod
    def from_bounds(cls, lo: np.ndarray, hi: np.ndarray) -> Grid:
        """The grid of series whose pilot minima are ``lo`` and maxima ``hi`` [K] (what
        :meth:`from_pilot` reads of its values; :func:`column_bounds` gives them block by block)."""
        span = hi - lo
        half = np.where(span > 0, span * (0.5 + WIDEN),
                        np.maximum(np.abs(lo), 1.0) * MIN_HALF_WIDTH)
        centre = lo + span / 2
        return cls(centre - half, 2 * half / BINS)

    def counts(self, blocks: list[np.ndarray], vmin: np.ndarray | None = None,
               vmax: np.ndarray | None = None) -> np.ndarray:
        """Histogram [K, BINS + 2] of the columns of ``blocks`` (arrays [n, k_i] side by side, sum
        of k_i = K): column 0 counts values below the grid, column BINS + 1 values above it.

        One block at a time: no [n, K] copy, and each bincount scatters into a block's own
        k_i x (BINS + 2) counters, small enough to stay in cache (3x faster than one bincount over
        all K series; identical counts). A block is read as its transpose [k_i, n]: the engine
        records by year, so each year's values are contiguous there (1.6x faster than across
        them); the bin of each value, and so each count, is the same in either order.

        Given the columns' minima and maxima (``vmin``, ``vmax`` [K]), a column whose minimum
        equals its maximum (observed years, outputs no uncertain parameter reaches: ~44 % of
        steel2030's series in a chunk) is counted without a pass over its values: all n fall in
        the bin of its one value, worked out by the same arithmetic (identical counts, tested)."""
        k = self.low.shape[0]
        n = blocks[0].shape[0] if blocks else 0
        # a chunk's counts fit 16 bits up to 65,535 samples: half the bytes to send back and store
        out = np.empty((k, BINS + 2), dtype=np.uint16 if n <= np.iinfo(np.uint16).max else np.int32)
        varies = None if vmin is None or vmax is None or n == 0 else ~(vmin == vmax)  # NaN varies
        offset = 0
        for block in blocks:
            kb = block.shape[1]
            cols = slice(offset, offset + kb)
            offset = cols.stop
            if varies is None or varies[cols].all():
                out[cols] = self._count(block.T, cols)
                continue
            rows = np.flatnonzero(varies[cols])
            fixed = np.flatnonzero(~varies[cols])
            target = out[cols]
            target[fixed] = 0
            const = vmin[cols][fixed]  # the one value of each constant column
            bins = self._bins(const[:, None], cols.start + fixed)[:, 0]
            target[fixed, bins] = n
            if rows.size:
                target[rows] = self._count(block.T[rows], cols.start + rows)
        return out

    def _bins(self, values: np.ndarray, series, first=1) -> np.ndarray:
        """Bin of ``values`` [k, n] of ``series`` (k) plus ``first`` (an int or [k, 1]): with the
        default, 0 counts values below the grid and BINS + 1 values above it."""
        pos = np.subtract(values, self.low[series][:, None])
        pos /= self.width[series][:, None]
        np.floor(pos, out=pos)
        np.clip(pos, -1, BINS, out=pos)
        index = pos.astype(np.intp)
        index += first
        return index

    def _count(self, values: np.ndarray, series) -> np.ndarray:
        """Histogram [k, BINS + 2] of ``values`` [k, n] of ``series`` (k)."""
        kb = values.shape[0]
        # row r's bins are counted at r * (BINS + 2) + bin: one bincount for the k series
        index = self._bins(values, series, (np.arange(kb) * (BINS + 2) + 1)[:, None])
        counts = np.bincount(index.ravel(order="K"), minlength=kb * (BINS + 2))
        return counts.reshape(kb, BINS + 2)


def column_bounds(blocks: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Minima and maxima [K] of the columns of ``blocks`` (arrays [n, k_i] side by side), one
    block at a time: its maxima are read while its values are still in cache from its minima
    (not every block's minima, then every block's maxima), and no [n, K] copy is made (the pilot's
    ~80 MB). The same values as ``np.concatenate(blocks, axis=1).min(axis=0)`` and ``.max``."""
    k = sum(b.shape[1] for b in blocks)
    dtype = np.result_type(*blocks) if blocks else np.float64
    lo, hi = np.empty(k, dtype), np.empty(k, dtype)
    offset = 0
    for block in blocks:
        cols = slice(offset, offset + block.shape[1])
        offset = cols.stop
        np.min(block, axis=0, out=lo[cols])
        np.max(block, axis=0, out=hi[cols])
    return lo, hi


class Accumulator:
    """Sum of histograms and exact minima/maxima over chunks; quantiles at the end."""

    def __init__(self, grid: Grid):
        self.grid = grid
        k = grid.low.shape[0]
        # int32: a bin holds at most the sweep's samples, which check_memory keeps below 2^31 (~9e8)
        # (half the memory of int64; cumsum and sum read them as int64)
        self.counts = np.zeros((k, BINS + 2), dtype=np.int32)
        self.min = np.full(k, np.inf)
        self.max = np.full(k, -np.inf)

    def add(self, counts: np.ndarray, vmin: np.ndarray, vmax: np.ndarray) -> None:
        self.counts += counts
        np.minimum(self.min, vmin, out=self.min)
        np.maximum(self.max, vmax, out=self.max)

    @property
    def outside(self) -> int:
        """Values that fell outside the grid (their quantiles are interpolated less finely)."""
        return int(self.counts[:, 0].sum() + self.counts[:, -1].sum())

    def quantiles(self, levels) -> np.ndarray:
        """[Q, K] quantiles read from the histograms, :data:`QUANTILE_BLOCK` series at a time (each
        series on its own: the same numbers, without [K, BINS] temporaries of 80 MB each)."""
        k = self.counts.shape[0]
        out = np.empty((len(levels), k))
        for a in range(0, k, QUANTILE_BLOCK):
            out[:, a:a + QUANTILE_BLOCK] = self._quantiles(slice(a, a + QUANTILE_BLOCK), levels)
        return out

    def _quantiles(self, block: slice, levels) -> np.ndarray:
        counts, low, width = self.counts[block], self.grid.low[block], self.grid.width[block]
        vmin, vmax = self.min[block], self.max[block]
        n = counts[0].sum()  # every series holds every sample
        cum = np.cumsum(counts, axis=1)  # [K, B+2]
        # bin edges including the under/overflow bins, which reach to the exact min / max
        inner = low[:, None] + width[:, None] * np.arange(BINS + 1)[None, :]
        left = np.concatenate([np.minimum(vmin, low)[:, None], inner], axis=1)
        right = np.concatenate([inner, np.maximum(vmax, inner[:, -1])[:, None]], axis=1)
        rows = np.arange(cum.shape[0])
        out = np.empty((len(levels), cum.shape[0]))
        for i, q in enumerate(levels):
            target = q * n
            b = np.minimum((cum < target).sum(axis=1), BINS + 1)  # first bin reaching the rank
            before = np.where(b > 0, cum[rows, np.maximum(b - 1, 0)], 0)
            inside = counts[rows, b]
            frac = np.divide(target - before, inside, out=np.zeros(len(rows)), where=inside > 0)
            value = left[rows, b] + frac * (right[rows, b] - left[rows, b])
            out[i] = np.clip(value, vmin, vmax)
        return out
