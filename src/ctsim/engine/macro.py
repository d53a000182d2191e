"""Macro kernels: GDP and intensities."""

from __future__ import annotations

import numpy as np


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
    """
    return 1.0 - (1.0 - anchor_reduction) * value / value_anchor
