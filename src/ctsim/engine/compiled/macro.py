"""Kernels of ctsim.engine.macro (the reference: same operations, same order)."""

from __future__ import annotations

import numpy as np

from ._sig import IN, OUT, arg, at, kernel


@kernel(IN, IN, OUT)
def _trend(previous, growth, out):
    for s in range(out.shape[0]):
        out[s] = at(previous, s) * (1.0 + at(growth, s))


def step_macro(mp, prev, t: int, n: int):
    """:func:`ctsim.engine.macro.step_macro`: growth is the path's column (a view, as in numpy)."""
    growth = mp.gdp_growth[..., t]
    if prev is None:
        return growth, mp.gdp_2020_bn * np.ones(n)
    trend = np.empty(n)
    _trend(arg(prev.gdp_trend_bn), arg(growth), trend)
    return growth, trend
