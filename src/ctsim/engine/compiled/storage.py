"""Kernels of ctsim.engine.storage (the reference: same operations, same order)."""

from __future__ import annotations

import math

import numpy as np

from ._jit import jit


@jit
def softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@jit
def _raw_curtailment(vre, demand, flexibility, width, out):
    for i in range(out.shape[0]):
        d = max(demand[i], 1e-9)
        s = vre[i] / d
        w = width[i]
        out[i] = d * w * (softplus((s - flexibility[i]) / w) - softplus(-flexibility[i] / w))


def raw_curtailment(vre_twh, demand_twh, flexibility, width) -> np.ndarray:
    """:func:`ctsim.engine.storage.raw_curtailment`, any leading shape ([S] or [S, G])."""
    args = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in
                                 (vre_twh, demand_twh, flexibility, width)))
    out = np.empty(args[0].shape)
    _raw_curtailment(*(np.ravel(a) for a in args), out.reshape(-1))
    return out
