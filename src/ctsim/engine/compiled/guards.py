"""Kernels of ctsim.engine.guards: the per-year verdict of :class:`~ctsim.engine.guards.YearGuard`
in one pass over the samples (the numpy code, ``check_year``, still names what failed)."""

from __future__ import annotations

import numpy as np

from ._jit import jit
from ._sig import BOOL, F64, I64, IN, INDEX, OUT2, kernel


@jit
def tile_ok(slab, s0, s1, low, high, g, u, d, bal_total, bal_start, bal_parts, tol):
    """YearGuard's fast verdict for samples ``s0`` to ``s1 - 1`` of the year's slab [V, S] (a tile in
    the cache): every output finite and within [low, high] of its row (0 for the non-negative ones,
    [0, 1] for the shares, else unbounded), generation + unserved = demand and every total the sum of
    its parts (added in the order of the parts) within ``tol`` (BALANCE_TOLERANCE). The loops have
    no branches (they count failures), so that the compiler vectorizes them."""
    bad = 0
    for i in range(slab.shape[0]):
        lo, hi = low[i], high[i]
        for s in range(s0, s1):
            x = slab[i, s]
            bad += 0 if (x >= lo) & (x <= hi) & (x - x == 0.0) else 1  # x - x: NaN for inf and NaN
    for s in range(s0, s1):
        dem = slab[d, s]
        bad += 0 if abs(slab[g, s] + slab[u, s] - dem) <= tol * max(dem, 1.0) else 1
    for b in range(bal_total.shape[0]):
        first, last = bal_start[b], bal_start[b + 1]
        for s in range(s0, s1):
            col = slab[bal_total[b], s]
            summed = slab[bal_parts[first], s]
            for k in range(first + 1, last):
                summed += slab[bal_parts[k], s]
            bad += 0 if abs(summed - col) <= tol * max(abs(col), 1.0) else 1
    return bad == 0


@kernel(OUT2, IN, IN, I64, I64, I64, INDEX, INDEX, INDEX, F64, ret=BOOL)
def _slab_ok(slab, low, high, g, u, d, bal_total, bal_start, bal_parts, tol):
    return tile_ok(slab, 0, slab.shape[1], low, high, g, u, d, bal_total, bal_start, bal_parts, tol)


def slab_ok(guard, slab: np.ndarray) -> bool:
    """Whether the year's slab [V, S] passes ``guard``'s fast checks (the same verdict as
    :meth:`ctsim.engine.guards.YearGuard.check` computes in numpy)."""
    return _slab_ok(slab, *guard.kernel_args)
