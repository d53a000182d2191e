"""Steel kernels: route mix within scrap limits, coal, electricity and direct CO2."""

from __future__ import annotations

import numpy as np


def route_shares(
    output_mt: np.ndarray,
    eaf_share: np.ndarray,
    h2dri_share: np.ndarray,
    ccus_share: np.ndarray,
    scrap_supply_mt: np.ndarray,
    scrap_t_per_t: np.ndarray,
) -> np.ndarray:
    """Route shares [S, 4] in the order BF-BOF (unabated), BF-BOF with CCUS, EAF, H2-DRI.

    The EAF share is capped by scrap: EAF output <= scrap supply / scrap per tonne of EAF steel.
    If the requested EAF, H2-DRI and CCUS shares add up to more than one, they are scaled down in
    proportion; BF-BOF without capture takes the remainder. Shares are in [0, 1] and sum to 1.
    """
    scrap_cap = np.divide(scrap_supply_mt / scrap_t_per_t, output_mt,
                          out=np.ones_like(output_mt * scrap_supply_mt), where=output_mt > 0)
    eaf = np.minimum(eaf_share, scrap_cap)
    low = np.stack(np.broadcast_arrays(ccus_share, eaf, h2dri_share), axis=-1)
    total = low.sum(axis=-1, keepdims=True)
    low = np.where(total > 1.0, low / np.maximum(total, 1.0), low)
    bfbof = 1.0 - low.sum(axis=-1, keepdims=True)
    return np.concatenate([np.maximum(bfbof, 0.0), low], axis=-1)


def direct_co2(
    production_mt: np.ndarray,
    bf_coal_tce_per_t: np.ndarray,
    coal_t_co2_per_tce: np.ndarray,
    ccus_capture: np.ndarray,
    eaf_t_co2_per_t: np.ndarray,
    h2dri_t_co2_per_t: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coal Mtce [S], direct CO2 Mt [S], captured CO2 Mt [S]) from production by route [S, 4].

    BF-BOF CO2 = coal use x coal emission factor (minus the captured share on CCUS units); EAF and
    H2-DRI direct emissions (electrodes, carbon additions) are per-tonne factors.
    """
    bf_coal = (production_mt[:, 0] + production_mt[:, 1]) * bf_coal_tce_per_t
    ccus_co2 = production_mt[:, 1] * bf_coal_tce_per_t * coal_t_co2_per_tce
    captured = ccus_co2 * ccus_capture
    co2 = (
        production_mt[:, 0] * bf_coal_tce_per_t * coal_t_co2_per_tce
        + ccus_co2 - captured
        + production_mt[:, 2] * eaf_t_co2_per_t
        + production_mt[:, 3] * h2dri_t_co2_per_t
    )
    return bf_coal, co2, captured


def electricity(production_mt: np.ndarray, mwh_per_t: np.ndarray) -> np.ndarray:
    """TWh [S] = sum over routes of Mt x MWh/t (1 Mt x 1 MWh/t = 1 TWh); mwh_per_t is [S or 1, 4]."""
    return (production_mt * mwh_per_t).sum(axis=-1)


def switch_advantage(
    carbon_price: np.ndarray, coverage: np.ndarray, bf_t_co2_per_t: np.ndarray,
    route_t_co2_per_t: np.ndarray, extra_mwh_per_t: np.ndarray, marginal_t_co2_per_mwh: np.ndarray,
    premium_cny_per_t: np.ndarray,
) -> np.ndarray:
    """Saving (CNY/t) of making a tonne by each alternative route instead of BF-BOF, [S, A].

    a_r = p x coverage x (I_bf - I_r - dE_r x m) - premium_r

    I: direct CO2 per tonne; dE_r: extra grid electricity per tonne (MWh/t) valued at the marginal
    CO2 of power m (t/MWh; the benchmark cancels between routes); premium_r: cost over BF-BOF
    excluding carbon. Arrays broadcast to [S, A]; scalars per sample are [S, 1].
    """
    return carbon_price * coverage * (
        bf_t_co2_per_t - route_t_co2_per_t - extra_mwh_per_t * marginal_t_co2_per_mwh
    ) - premium_cny_per_t


def turnover_switch(
    bfbof_share: np.ndarray, campaign_yr: np.ndarray, advantage: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Share of output [S, A] moving from unabated BF-BOF to each alternative route this year.

    Only blast furnaces due for relining (1 / campaign of the BF-BOF share) can switch; of those a
    share clip(a* / scale, 0, 1) takes the route with the largest saving a*, the rest is relined.
    """
    relined = bfbof_share / campaign_yr
    best = np.argmax(advantage, axis=-1)
    onehot = np.arange(advantage.shape[-1]) == best[:, None]
    take = np.clip(np.take_along_axis(advantage, best[:, None], axis=-1) / scale[..., None], 0.0, 1.0)
    return onehot * (relined[:, None] * take)


def hold_bfbof(production_mt: np.ndarray, bfbof_min_mt: np.ndarray) -> np.ndarray:
    """Keep BF-BOF output (both BF-BOF routes) at least ``bfbof_min_mt`` [S] (capped by total output):
    EAF and H2-DRI give up output in proportion, which goes to unabated BF-BOF. Production [S, 4]."""
    bf = production_mt[:, 0] + production_mt[:, 1]
    low = production_mt[:, 2] + production_mt[:, 3]
    move = np.clip(bfbof_min_mt - bf, 0.0, low)
    keep = 1.0 - np.divide(move, low, out=np.zeros_like(low), where=low > 0)
    out = production_mt.copy()
    out[:, 2:] *= keep[:, None]
    out[:, 0] += move
    return out
