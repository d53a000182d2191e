"""The regions of a provincial or grid-region run: bundled provincial data -> RegionData.

Rules (docs/provinces.md, "Equations"):
- capacity shares are observed in the observed years (2020-2024, data/regions); after them national net
  additions of a technology go where that technology's net additions of 2020-2024 went (CCS coal
  where coal went);
- relative capacity factors of hydro, nuclear, wind and solar are the region's 2020-2023 generation per
  GW over the national one;
- GDP shares are observed to 2024, then follow each province's 2015-2024 log-share trend, fading with
  the registry's half-life; demand shares are observed to 2023, then move with the GDP share to the
  power of the electricity elasticity; steel shares are observed to 2023 and then held;
- the other sectors' energy CO2 and process CO2 are shared as in CEADs 2019;
- a shock that names regions strikes only their provinces; the national shock arrays become the
  capacity-weighted means of the regional ones (hydro capacity for a drought, coal for a shortfall).
"""

from __future__ import annotations

import numpy as np

from .. import regions as region_tables
from ..engine.axes import COAL, HYDRO, NON_FOSSIL, POWER_TECHS
from ..engine.inputs import RegionData
from ..engine.regions import share
from ..regions import GRID_REGIONS
from ..scenario.shocks import shock_provinces
from .shocks import shock_arrays

__all__ = ["region_data"]


def _shares(x: np.ndarray) -> np.ndarray:
    """x [G, ...] / its sum over regions (axis 0); an all-zero column is shared evenly."""
    return share(x, axis=0)


def _path(observed: dict[int, np.ndarray], years: np.ndarray) -> tuple[np.ndarray, int]:
    """[G, Y] of observed values (flat before the first observed year); the last observed year."""
    last = max(observed)
    out = np.empty((len(observed[last]), len(years)))
    for t, y in enumerate(years):
        out[:, t] = observed[min(max(int(y), min(observed)), last)]
    return out, last


def share_paths(observed: dict[int, np.ndarray], years: np.ndarray) -> tuple[np.ndarray, int]:
    """Observed shares [G, Y] (the last one held after it) and the index of the last observed year."""
    path, last = _path({y: v / v.sum() for y, v in observed.items()}, years)
    return path, int(np.searchsorted(years, last))


def share_trend(observed: dict[int, np.ndarray], span: int = 10) -> np.ndarray:
    """Least-squares slope of log share over the last ``span`` observed years [G] (1/yr)."""
    last = max(observed)
    fit = [y for y in sorted(observed) if y > last - span]
    x = np.array(fit, dtype=float)
    logs = np.log(np.maximum(np.stack([observed[y] / observed[y].sum() for y in fit]), 1e-12))
    return ((x - x.mean())[:, None] * (logs - logs.mean(axis=0))).sum(axis=0) / ((x - x.mean()) ** 2).sum()


def _links(links: tuple[np.ndarray, np.ndarray, np.ndarray], zone_of: np.ndarray, Z: int
           ) -> tuple[np.ndarray, np.ndarray]:
    i, j, gw = links
    inter = np.zeros((Z, Z))
    intra = np.zeros(Z)
    for a, b, c in zip(zone_of[i], zone_of[j], gw, strict=True):
        if a == b:
            intra[a] += c
        else:
            inter[a, b] += c
            inter[b, a] += c
    return inter, intra


def _regional_shocks(shocks: list, years: np.ndarray, seed: int, n_samples: int, sample_ids,
                     names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Drought factor and coal shortfall by province [rows, G, Y]: shocks without regions strike every
    province (stochastic ones too), shocks with regions only theirs."""
    everywhere = [s for s in shocks if not getattr(s, "regions", None)]
    base = shock_arrays(everywhere, years, seed, n_samples, sample_ids)
    hydro = np.repeat(base["shocks.hydro_cf_factor"][:, None, :], len(names), axis=1)
    shortfall = np.repeat(base["shocks.coal_shortfall"][:, None, :], len(names), axis=1)
    for s in shocks:
        if not getattr(s, "regions", None):
            continue
        struck = shock_provinces(s.regions)[0]
        mask = np.array([n in struck for n in names])
        if s.kind == "hydro_drought":
            hydro[:, mask, years == s.year] *= s.cf_factor
        elif s.kind == "power_rationing":
            shortfall[:, mask, years == s.year] += s.shortfall * s.duration_months / 12
        elif s.kind == "coal_price_spike":
            span = (years >= s.start) & (years <= s.end)
            shortfall[:, mask, span] += s.supply_shortfall
    return hydro, shortfall


def cap_paths(caps: dict, names: tuple[str, ...], years: np.ndarray) -> np.ndarray | None:
    """[G, Y] caps from {region: value or {year: value}} (linear between years, flat after the last,
    none before the first); inf where a region has no cap. None without caps."""
    if not caps:
        return None
    out = np.full((len(names), len(years)), np.inf)
    for name, value in caps.items():
        points = value if isinstance(value, dict) else {int(years[-1]): float(value)}
        keys = np.array(sorted(points), dtype=float)
        vals = np.array([points[int(k)] for k in keys])
        path = np.interp(years.astype(float), keys, vals)
        first = keys[0] if isinstance(value, dict) else -np.inf
        out[names.index(name)] = np.where(years >= first, path, np.inf)
    return out


def allocated(default: np.ndarray, names: tuple[str, ...], allocation: dict) -> np.ndarray:
    """Shares of national additions [G, K]: a scenario's shares for the regions it names, the rest
    of 1 shared by the default rule among the others (CCS coal with coal)."""
    out = default.copy()
    for tech, shares in allocation.items():
        cols = [POWER_TECHS.index(tech)] + ([POWER_TECHS.index("coal_ccs")] if tech == "coal" else [])
        named = np.array([n in shares for n in names])
        given = np.array([shares.get(n, 0.0) for n in names])
        for k in cols:
            rest = np.where(named, 0.0, default[:, k])
            total = rest.sum()
            spread = rest / total if total > 0 else np.where(named, 0.0, 1.0) / max((~named).sum(), 1)
            out[:, k] = given + (1.0 - given.sum()) * spread
    return out


def region_data(resolution: str, shocks: list, years: np.ndarray, seed: int, n_samples: int,
                sample_ids, allocation: dict | None = None, caps: dict | None = None
                ) -> tuple[RegionData, dict[str, np.ndarray]]:
    """The RegionData of a run at ``resolution`` ("provinces" or "grid") and the national shock
    arrays that go with it (capacity-weighted means of the regional ones)."""
    pdat = region_tables.province_data()
    names_p = pdat.names
    G = len(names_p)
    grid = np.asarray(pdat.grid)
    onehot = np.zeros((G, len(GRID_REGIONS)))
    onehot[np.arange(G), grid] = 1.0
    obs_years = sorted(pdat.capacity_gw)
    cap_obs = np.stack([pdat.capacity_gw[y] for y in obs_years])  # [H, G, K]
    first, last = obs_years[0], obs_years[-1]
    added = np.maximum(pdat.capacity_gw[last] - pdat.capacity_gw[first], 0.0)
    added[:, POWER_TECHS.index("coal_ccs")] = added[:, COAL]
    gen_years = sorted(pdat.generation_twh)
    gen = sum(pdat.generation_twh[y] for y in gen_years)
    cap_gen = sum(pdat.capacity_gw[y] for y in gen_years)
    nf = list(NON_FOSSIL)
    hydro_w, shortfall = _regional_shocks(shocks, years, seed, n_samples, sample_ids, names_p)
    gdp_share, gdp_last = share_paths(pdat.gdp_bn, years)
    demand_share, demand_last = share_paths(pdat.consumption_twh, years)
    steel_share, _ = _path({y: _shares(v) for y, v in pdat.steel_mt.items()}, years)
    co2 = pdat.co2_2019_mt
    co2_rest, co2_process = _shares(co2[:, 3]), _shares(co2[:, 2])
    hydro_cap = cap_obs[-1][:, HYDRO]
    coal_cap = cap_obs[-1][:, COAL]
    if resolution == "grid":
        agg = onehot
        names = GRID_REGIONS
        zone = np.eye(len(GRID_REGIONS))
        inter, _ = _links(pdat.links_gw, grid, len(GRID_REGIONS))
        intra = np.full(len(GRID_REGIONS), np.inf)
        hw = hydro_cap[:, None] * onehot
        cw = coal_cap[:, None] * onehot
        hydro_r = np.einsum("sgy,gz->szy", hydro_w, _shares(hw))
        short_r = np.einsum("sgy,gz->szy", shortfall, _shares(cw))
        cap_obs_r = np.einsum("hgk,gz->hzk", cap_obs, agg)
        added_r, gen_r, capg_r = added.T @ agg, gen.T @ agg, cap_gen.T @ agg
        added_r, gen_r, capg_r = added_r.T, gen_r.T, capg_r.T
        dem, gdp, steel = agg.T @ demand_share, agg.T @ gdp_share, agg.T @ steel_share
        trend = share_trend({y: v @ agg for y, v in pdat.gdp_bn.items()})
        rest, proc = co2_rest @ agg, co2_process @ agg
    else:
        names, zone = names_p, onehot
        inter, intra = _links(pdat.links_gw, grid, len(GRID_REGIONS))
        hydro_r, short_r, cap_obs_r = hydro_w, shortfall, cap_obs
        added_r, gen_r, capg_r = added, gen, cap_gen
        dem, gdp, steel, rest, proc = demand_share, gdp_share, steel_share, co2_rest, co2_process
        trend = share_trend(pdat.gdp_bn)
    cf = np.divide(gen_r[:, nf], capg_r[:, nf], out=np.zeros((len(names), len(nf))), where=capg_r[:, nf] > 0)
    cf_nat = gen_r[:, nf].sum(axis=0) / np.maximum(capg_r[:, nf].sum(axis=0), 1e-9)
    cf_rel = np.where(capg_r[:, nf] > 0, cf / np.where(cf_nat > 0, cf_nat, 1.0), 1.0)
    rd = RegionData(
        names=tuple(names), zone=zone, links_gw=inter, intra_gw=intra,
        cap_share_obs=np.stack([_shares(c) for c in cap_obs_r]),
        add_share=allocated(_shares(added_r), tuple(names), allocation or {}), cf_rel=cf_rel,
        demand_share_obs=dem, demand_obs_index=demand_last, gdp_share_obs=gdp, gdp_obs_index=gdp_last,
        gdp_share_trend=trend, steel_share=steel, co2_rest_share=rest, co2_process_share=proc,
        hydro_factor=hydro_r, coal_shortfall=short_r,
        any_drought=bool(np.any(hydro_r != 1.0)), any_shortfall=bool(np.any(short_r != 0.0)),
        power_co2_cap_mt=cap_paths((caps or {}).get("power_co2_mt", {}), tuple(names), years))
    # national shocks: capacity-weighted means of the provincial ones
    national = {"shocks.hydro_cf_factor": np.einsum("sgy,g->sy", hydro_w, _shares(hydro_cap)),
                "shocks.coal_shortfall": np.einsum("sgy,g->sy", shortfall, _shares(coal_cap))}
    return rd, national
