"""Kernels of ctsim.engine.transport (the reference: same operations, same order)."""

from __future__ import annotations

import numpy as np

from ._sig import BOOL, IN, OUT, arg, at, kernel


@kernel(BOOL, IN, IN, IN, IN, IN, IN, IN, IN, OUT, OUT, OUT)
def _road(first, oil_share_2020, oil_2020, ev_2020, prev_service, growth, intensity, ev, ev_twh_per_mtce,
          service, oil, ev_twh):
    for s in range(service.shape[0]):
        if first:
            x = at(oil_share_2020, s) * at(oil_2020, s) / (1 - at(ev_2020, s))
            x = x * 1.0
        else:
            x = at(prev_service, s) * (1.0 + at(growth, s)) * (1 + at(intensity, s))
        service[s] = x
        oil[s] = x * (1 - at(ev, s))
        ev_twh[s] = x * at(ev, s) * at(ev_twh_per_mtce, s)


def step_transport(tp, op, prev, growth, t: int, n: int):
    """:func:`ctsim.engine.transport.step_transport`: the fields of its RoadFlows ([n] arrays each; the
    numpy module packs them, so that this module does not import it back)."""
    first = prev is None
    out = np.empty((3, n))
    _road(first, arg(tp.road_oil_share_2020), arg(op.oil_total_2020_mtce),
          arg(tp.ev_share_2020), arg(0.0 if first else prev.road_service_mtce),
          arg(growth), arg(tp.road_intensity_change[..., t]), arg(tp.ev_share[..., t]),
          arg(tp.ev_twh_per_mtce), *out)
    return tuple(out)
