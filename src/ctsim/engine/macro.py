"""Macro kernels and step: GDP and intensities."""

from __future__ import annotations

import numpy as np

from . import compiled
from .inputs import MacroParams
from .state import State


def grow(previous: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """x_t = x_{t-1} * (1 + rate_t). Shapes broadcast over samples [S]."""
    return previous * (1.0 + rate)


def intensity(numerator: np.ndarray, gdp_bn: np.ndarray) -> np.ndarray:
    """Quantity per unit of GDP: Mt / bn$ = kg/$ (Mtce / bn$ = kgce/$)."""
    return numerator / gdp_bn


def reduction_vs_base(
    value: np.ndarray, value_anchor: np.ndarray, anchor_reduction: np.ndarray
) -> np.ndarray:
    """Fall since a base year, chained through an anchor year whose fall is known.

    reduction_t = 1 - (1 - anchor_reduction) * value_t / value_anchor

    With the anchor 2020 and ``anchor_reduction`` the officially reported fall of CO2 per unit of GDP
    from 2005 to 2020 (48.4 %), this expresses the model's intensity on the official basis.
    (One new array, the rest in place: on whole trajectories [S, Y] a fresh temporary costs more
    than the arithmetic.)
    """
    out = (1.0 - anchor_reduction) * value
    np.divide(out, value_anchor, out=out)
    return np.subtract(1.0, out, out=out)


def step_macro(mp: MacroParams, prev: State | None, t: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """GDP growth this year [S or 1] and trend GDP (bn$, [S]: without rationing losses)."""
    if compiled.active():
        from .compiled import macro as kernels
        return kernels.step_macro(mp, prev, t, n)
    growth = mp.gdp_growth[..., t]
    trend = mp.gdp_2020_bn * np.ones(n) if prev is None else grow(prev.gdp_trend_bn, growth)
    return growth, trend
