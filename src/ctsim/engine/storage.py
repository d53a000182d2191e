"""Storage and flexibility: pumped-hydro and new-type (battery) storage stocks, wind and solar
curtailment as a smooth function of their share net of flexibility, and the energy storage shifts
(with round-trip losses). Equations and sources: docs/model.md, "Storage and curtailment".

Arrays carry the sample axis first ([S] for one year); the storage kinds are the last axis of the
stocks ([S, 2], ctsim.engine.axes STORAGE_KINDS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import compiled
from .axes import NTS, PHS, STORAGE_KINDS, stack_last, sum_last
from .inputs import PowerParams
from .state import State
from .units import GWH_PER_TWH


def softplus(x: np.ndarray) -> np.ndarray:
    """ln(1 + e^x), computed without overflow: max(x, 0) + ln(1 + e^-|x|)."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def raw_curtailment(vre_twh: np.ndarray, demand_twh: np.ndarray, flexibility: np.ndarray,
                    width: np.ndarray) -> np.ndarray:
    """Wind and solar output (TWh, [S]) the grid cannot absorb before storage.

    The marginal curtailment rate of a wind or solar MWh is a logistic in the wind+solar share of
    demand s = V / D net of the grid's flexibility F (transmission, hydro, demand response and
    flexible thermal units, as a share of demand), with width w:

        m(s) = 1 / (1 + exp(-(s - F) / w))

    Total curtailment is its integral from 0 to V, C0 = D w [softplus((s - F) / w) - softplus(-F / w)],
    so 0 <= C0 < V and d(V - C0)/dV = 1 - m > 0: more wind or solar never delivers less.
    """
    if compiled.active():
        from .compiled import storage as kernels
        return kernels.raw_curtailment(vre_twh, demand_twh, flexibility, width)
    d = np.maximum(demand_twh, 1e-9)
    s = vre_twh / d
    return d * width * (softplus((s - flexibility) / width) - softplus(-flexibility / width))


def marginal_curtailment(vre_twh: np.ndarray, demand_twh: np.ndarray, flexibility: np.ndarray,
                         width: np.ndarray) -> np.ndarray:
    """m(s) of :func:`raw_curtailment`: the share of one more wind or solar MWh that is curtailed."""
    if compiled.active():
        from .compiled import storage as kernels
        return kernels.marginal_curtailment(vre_twh, demand_twh, flexibility, width)
    s = vre_twh / np.maximum(demand_twh, 1e-9)
    return 0.5 * (1.0 + np.tanh(0.5 * (s - flexibility) / width))


def absorbed(raw_twh: np.ndarray, shift_twh: np.ndarray) -> np.ndarray:
    """Surplus storage takes in (TWh, [S]): a smooth minimum of the surplus and the storage's
    yearly shifting capability A, A (1 - exp(-C0 / A)) (0 when A = 0; below both C0 and A)."""
    a = np.maximum(shift_twh, 1e-12)
    return np.where(shift_twh > 0, a * -np.expm1(-raw_twh / a), 0.0)


@dataclass(frozen=True)
class StorageStock:
    """Storage at year end by kind [S, 2] (GW and GWh), the additions of the year [S, 2] (GW), and
    the yearly shifting capability (TWh [S]) and round-trip efficiency [S] of the fleet available."""

    gw: np.ndarray
    gwh: np.ndarray
    added_gw: np.ndarray
    shift_twh: np.ndarray
    efficiency: np.ndarray


def initial_storage(pw: PowerParams, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Observed storage at the end of 2020 (GW, GWh), [S, 2]."""
    gw = np.zeros((n, len(STORAGE_KINDS)))
    gw[..., PHS] = pw.phs_capacity_2020_gw
    gw[..., NTS] = pw.nts_capacity_2020_gw
    gwh = gw * durations(pw, 0)
    return gw, gwh


def durations(pw: PowerParams, t: int) -> np.ndarray:
    """Hours of storage per GW of new builds by kind, [S or 1, 2]."""
    return stack_last((pw.phs_duration_h, pw.nts_duration_h[..., t]))


def step_storage(pw: PowerParams, prev: State | None, extra_nts_gw: np.ndarray, t: int, n: int
                 ) -> StorageStock:
    """Storage stocks: last year's power (GW) plus the build paths (and ``extra_nts_gw`` [S] of
    new-type storage the adequacy step builds); nothing retires before 2060 in the observed and
    planned fleets (batteries are replaced like for like, so the stock is net). The energy (GWh) is
    the power x the year's duration: ``power.nts_duration_h`` is the fleet's mean duration (observed
    2023-2024 as stock GWh / stock GW), the fleet is augmented and renewed towards it. So the
    energy of a year depends on the power standing, not on when it was built: more storage built
    earlier never means less energy later."""
    if compiled.active():
        from .compiled import storage as kernels
        return StorageStock(*kernels.step_storage(pw, prev, extra_nts_gw, t, n))
    add = np.zeros((n, len(STORAGE_KINDS)))
    add[..., PHS] = pw.phs_additions_gw[..., t]
    add[..., NTS] = pw.nts_additions_gw[..., t] + extra_nts_gw
    if prev is None:
        gw, _ = initial_storage(pw, n)
        start_gw = gw - add
        start_gwh = start_gw * durations(pw, t)
    else:
        start_gw, start_gwh = prev.storage_gw, prev.storage_gwh
        gw = start_gw + add
    gwh = gw * durations(pw, t)
    avail_gwh = 0.5 * (start_gwh + gwh)  # the stock that works during the year
    shift = (avail_gwh[..., PHS] + avail_gwh[..., NTS]) * pw.storage_cycles_per_yr / GWH_PER_TWH
    total = np.maximum(sum_last(avail_gwh), 1e-12)
    eff = (avail_gwh[..., PHS] * pw.phs_round_trip + avail_gwh[..., NTS] * pw.nts_round_trip) / total
    return StorageStock(gw, gwh, add, shift, eff)


@dataclass(frozen=True)
class Curtailment:
    """Wind and solar output the grid cannot absorb (raw), what storage takes in, returns and loses,
    and what is curtailed (TWh, [S] each)."""

    raw_twh: np.ndarray
    absorbed_twh: np.ndarray
    returned_twh: np.ndarray
    losses_twh: np.ndarray
    curtailed_twh: np.ndarray


def curtailment(pw: PowerParams, store: StorageStock, vre_twh: np.ndarray, demand_twh: np.ndarray,
                t: int) -> Curtailment:
    """Curtailment of a year's wind and solar potential (``raw_curtailment``) after storage takes in
    what it can (``absorbed``) and returns it with its round-trip efficiency."""
    if compiled.active():
        from .compiled import storage as kernels
        return Curtailment(*kernels.curtailment(pw, store, vre_twh, demand_twh, t))
    raw = raw_curtailment(vre_twh, demand_twh, pw.grid_flexibility[..., t], pw.curtailment_width)
    took = absorbed(raw, store.shift_twh)
    back = took * store.efficiency
    return Curtailment(raw, took, back, took - back, raw - took)
