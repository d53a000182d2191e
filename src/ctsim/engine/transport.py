"""Road transport step: the energy service of road vehicles, split between oil and electricity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import compiled
from .inputs import OtherParams, TransportParams
from .macro import grow
from .state import State


@dataclass(frozen=True)
class RoadFlows:
    """Road energy service and its oil use (Mtce, [S]) and EV electricity (TWh, [S])."""

    service_mtce: np.ndarray
    oil_mtce: np.ndarray
    ev_twh: np.ndarray


def step_transport(tp: TransportParams, op: OtherParams, prev: State | None, growth: np.ndarray, t: int,
                   n: int) -> RoadFlows:
    """The service is the observed 2020 fleet's (oil share of 2020 oil use over the non-EV share),
    whatever the path says, then grows with GDP and the intensity change; the EV share of it runs on
    electricity."""
    if compiled.active():
        from .compiled import transport as kernels
        return RoadFlows(*kernels.step_transport(tp, op, prev, growth, t, n))
    ev = tp.ev_share[..., t]
    if prev is None:
        service = tp.road_oil_share_2020 * op.oil_total_2020_mtce / (1 - tp.ev_share_2020)
        service = service * np.ones(n)
    else:
        service = grow(prev.road_service_mtce, growth) * (1 + tp.road_intensity_change[..., t])
    return RoadFlows(service, service * (1 - ev), service * ev * tp.ev_twh_per_mtce)
