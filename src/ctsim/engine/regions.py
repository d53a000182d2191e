"""Regions: the provincial (or grid-region) layer of the year loop.

At ``regions: provinces`` (or ``grid``) the engine resolves the outputs in REGIONAL_OUTPUTS by region,
[S, G] a year, recorded [S, G, Y]; every additive national output is the sum of its regions.

Each year, after the national dispatch:

1. capacity by region (``step_capacity``): observed shares in observed years; then each national net
   addition of a technology is shared out by the region's allocation share (ctsim.inputs.regions), a
   net reduction in proportion to the region's stock;
2. demand by region: national demand x the region's demand share (data, then GDP-driven);
3. supply by region: non-fossil output shared by capacity x relative capacity factor x the region's
   drought factor; fossil capability shared by capacity, less a regional coal shortfall;
4. transfers (``transfer``): each region serves its own residual load first; within a transfer zone
   (a grid region) deficits draw on the surplus of the zone's regions up to the intra-zone link
   energy; between zones, deficits draw on neighbouring zones' surplus over the inter-zone links, in
   a fixed number of rounds (surplus and requests shared over the links in proportion to their
   capacity). Non-fossil surplus goes first, then spare fossil capability. What no link can bring is
   unserved in the region; surplus non-fossil power no one can take is curtailed there;
5. the national dispatch takes the regional sums (fossil generation, unserved, curtailment), so the
   national rationing, fuels and CO2 that follow see the transfer limits.

Equations, data and sources: docs/provinces.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .axes import COAL, COAL_CCS, GAS, NF_SOLAR, NF_WIND, NON_FOSSIL, POWER_TECHS, sum_last
from .inputs import RegionData, RegionalParams
from .units import TWH_PER_GW_YEAR

# Outputs resolved by region (internal names, as in ctsim/data/variables.csv). Additive ones sum to
# the national value; the intensities (per GDP) are ratios of regional sums.
REGIONAL_ADDITIVE = (
    "demand_twh", "gen_total_twh", "gen_coal_twh", "gen_gas_twh", "gen_hydro_twh", "gen_nuclear_twh",
    "gen_wind_twh", "gen_solar_twh", "cap_coal_gw", "cap_gas_gw", "cap_hydro_gw", "cap_nuclear_gw",
    "cap_wind_gw", "cap_solar_gw", "cap_storage_gw", "unserved_twh", "net_export_twh",
    "steel_total_mt", "steel_lost_mt", "co2_power_mt", "co2_steel_mt", "co2_other_energy_mt",
    "co2_process_mt", "co2_total_mt", "gdp_bn", "pe_total_mtce",
)
REGIONAL_RATIOS = ("co2_intensity", "energy_intensity")
REGIONAL_OUTPUTS = REGIONAL_ADDITIVE + REGIONAL_RATIOS
PREFIX = "regional."  # simulate() returns regional arrays [S, G, Y] under "regional.<name>"

ROUNDS = 3  # rounds of the inter-zone transport (docs/provinces.md: three rounds reach a fixed point
#             on the bundled network to < 0.1 TWh; tests/engine/test_regions.py holds it)


def share(x: np.ndarray, axis: int = -2) -> np.ndarray:
    """x / its sum over the region axis; an all-zero column is shared evenly."""
    total = x.sum(axis=axis, keepdims=True)
    n = x.shape[axis]
    return np.where(total > 0, x / np.where(total > 0, total, 1.0), 1.0 / n)


def year_shares(rp: RegionalParams, rd: RegionData, elasticity: np.ndarray, t: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """GDP and electricity demand shares of the regions in year t ([1 or S, G]). Observed, then:
    GDP shares follow each region's trend b of the last ten observed years, fading with half-life h
    (k = ln 2 / h, a = years since the last observed one), renormalised; demand shares move from the
    last observed one with the GDP share to the power of the electricity elasticity e:

        s_t ~ s_last exp(b (1 - exp(-k a)) / k),     d_t ~ d_last (s_t / s_d) ** e
    """
    tg, td = rd.gdp_obs_index, rd.demand_obs_index
    g_obs = rd.gdp_share_obs[..., t][None, :]
    if t <= tg:
        gdp = g_obs
    else:
        k = np.log(2.0) / rp.gdp_share_half_life_yr[..., None]
        grown = rd.gdp_share_obs[..., tg] * np.exp(rd.gdp_share_trend * (1.0 - np.exp(-k * (t - tg))) / k)
        gdp = share(grown, axis=-1)
    if t <= td:
        return gdp, rd.demand_share_obs[..., t][None, :]
    moved = rd.demand_share_obs[..., td] * (gdp / rd.gdp_share_obs[..., td]) ** elasticity[..., None]
    return gdp, share(moved, axis=-1)


def step_capacity(rd: RegionData, prev_gw: np.ndarray | None, prev_nat: np.ndarray | None, end_nat: np.ndarray,
                  t: int) -> np.ndarray:
    """Year-end capacity by region [S, G, K] from the national year-end stock [S, K]. Observed years:
    the observed regional shares. Later years: a net national addition dK > 0 is shared by the
    allocation shares a_g, a net reduction in proportion to the regional stock:

        K_g,t = K_g,t-1 + max(dK, 0) a_g - max(-dK, 0) K_g,t-1 / K_t-1      (sums to K_t)
    """
    if prev_gw is None or t < rd.cap_share_obs.shape[0]:
        return rd.cap_share_obs[min(t, rd.cap_share_obs.shape[0] - 1)] * end_nat[..., None, :]
    delta = end_nat - prev_nat
    grow = np.maximum(delta, 0.0)[..., None, :] * rd.add_share
    cut = np.maximum(-delta, 0.0)[..., None, :] * share(prev_gw)
    return np.maximum(prev_gw + grow - cut, 0.0)


@dataclass(frozen=True)
class Transfers:
    """The year's regional power balance ([S, G] each; non-fossil [S, G, N])."""

    demand_twh: np.ndarray
    nonfossil_twh: np.ndarray  # after regional curtailment
    local_twh: np.ndarray  # bio and oil, run where thermal capacity is
    fossil_twh: np.ndarray
    unserved_twh: np.ndarray
    curtailed_twh: np.ndarray  # curtailed for want of transfer capacity (on top of the national)
    net_export_twh: np.ndarray
    coal_frac: np.ndarray  # [S] coal's part of national fossil generation (coal + gas)
    gdp_share: np.ndarray  # [1 or S, G]


def zone_balance(need: np.ndarray, have_nf: np.ndarray, have_fossil: np.ndarray, room: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Within a zone: deficits met from non-fossil surplus, then spare fossil, up to ``room`` (TWh).
    Returns the non-fossil and fossil energy moved, and the deficit left ([S, Z] each)."""
    nf = np.minimum(np.minimum(need, have_nf), room)
    fo = np.minimum(np.minimum(need - nf, have_fossil), room - nf)
    return nf, fo, need - nf - fo


def inter_zone(deficit: np.ndarray, surplus_nf: np.ndarray, surplus_fo: np.ndarray, links_twh: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Transport between zones over the links [S or 1, Z, Z] (TWh a year, symmetric), ROUNDS rounds.
    In a round, zone a offers its surplus over its links in proportion to their remaining capacity and
    zone b requests its deficit the same way; the flow a->b is the least of the offer, the request and
    the link's remaining capacity (shared by both directions). Returns the deficit left, the non-fossil
    and fossil surplus left, and the net export of each zone ([S, Z])."""
    rem = np.broadcast_to(links_twh, deficit.shape + deficit.shape[-1:]).copy()
    d, nf, fo = deficit.copy(), surplus_nf.copy(), surplus_fo.copy()
    export = np.zeros_like(d)
    for _ in range(ROUNDS):
        w_out = share(rem, axis=-1)  # [S, a, b]: a's split of its offer over its links
        w_in = share(rem, axis=-2)  # [S, a, b]: b's split of its request over its links
        have = nf + fo
        offer = have[..., :, None] * w_out
        request = d[..., None, :] * w_in
        flow = np.minimum(np.minimum(offer, request), rem)
        rem = rem - flow - np.swapaxes(flow, -1, -2)
        rem = np.maximum(rem, 0.0)
        out_a = flow.sum(axis=-1)
        in_b = flow.sum(axis=-2)
        from_nf = np.minimum(out_a, nf)
        nf, fo = nf - from_nf, fo - (out_a - from_nf)
        d = d - in_b
        export = export + out_a - in_b
    return np.maximum(d, 0.0), nf, np.maximum(fo, 0.0), export


def transfer(rp: RegionalParams, rd: RegionData, rcap: np.ndarray, nonfossil_nat: np.ndarray,
             local_nat: np.ndarray, coal_max_nat: np.ndarray, gas_max_nat: np.ndarray, fossil_nat: np.ndarray,
             coal_frac: np.ndarray, demand_nat: np.ndarray, demand_growth: np.ndarray, elasticity: np.ndarray,
             t: int) -> Transfers:
    """The regional balance of the year (steps 2-4 of the module docstring)."""
    rshare = share(rcap)  # [S, G, K] regional shares of each technology's stock
    gdp_share, demand_share = year_shares(rp, rd, elasticity, t)
    demand = demand_nat[..., None] * demand_share
    # non-fossil: national output shared by capacity x relative capacity factor (x drought factor)
    weight = rshare[..., list(NON_FOSSIL)] * rd.cf_rel
    weight = weight * np.stack([rd.hydro_factor[..., t]] + [np.ones_like(rd.hydro_factor[..., t])] * 3, axis=-1) \
        if rd.any_drought else weight
    nonfossil = nonfossil_nat[..., None, :] * share(weight)
    thermal = share(rcap[..., COAL] + rcap[..., COAL_CCS] + rcap[..., GAS])  # [S, G]
    local = local_nat[..., None] * thermal
    coal_share = share(rcap[..., COAL] + rcap[..., COAL_CCS])
    coal_cap = coal_max_nat[..., None] * coal_share
    if rd.any_shortfall:  # a coal shortfall where it strikes: what coal would run there, less the shortfall
        sf = rd.coal_shortfall[..., t]
        run = fossil_nat[..., None] * coal_frac[..., None] * coal_share
        coal_cap = np.where(sf > 0, np.minimum(coal_cap, run * (1.0 - sf)), coal_cap)
    fossil_cap = coal_cap + gas_max_nat[..., None] * share(rcap[..., GAS])
    residual = demand - sum_last(nonfossil) - local
    own = np.clip(residual, 0.0, fossil_cap)  # each region serves its own residual load first
    deficit = np.maximum(residual, 0.0) - own
    surplus_nf = np.maximum(-residual, 0.0)
    spare = fossil_cap - own
    # within zones (grid regions), up to the intra-zone link energy
    growth = demand_growth[..., None] ** rp.link_demand_elasticity[..., None]
    intra = rd.intra_gw * TWH_PER_GW_YEAR * rp.link_utilisation[..., None] * growth
    z_def, z_nf, z_fo = deficit @ rd.zone, surplus_nf @ rd.zone, spare @ rd.zone
    m_nf, m_fo, z_left = zone_balance(z_def, z_nf, z_fo, intra)
    # between zones, over the inter-zone links
    links = rd.links_gw * (TWH_PER_GW_YEAR * rp.link_utilisation * growth)[..., None]
    z_unserved, nf_left, fo_left, _ = inter_zone(z_left, z_nf - m_nf, z_fo - m_fo, links)
    # back to regions: unserved in proportion to deficits, surplus used in proportion to surplus
    def to_regions(part: np.ndarray, zone_total: np.ndarray, zone_value: np.ndarray) -> np.ndarray:
        frac = np.divide(zone_value, zone_total, out=np.zeros_like(zone_value), where=zone_total > 0)
        return part * (frac @ rd.zone.T)
    unserved = to_regions(deficit, z_def, z_unserved)
    curtailed = to_regions(surplus_nf, z_nf, nf_left)
    fossil = own + to_regions(spare, z_fo, z_fo - fo_left)
    nf_used_frac = 1.0 - np.divide(curtailed, sum_last(nonfossil), out=np.zeros_like(curtailed),
                                   where=sum_last(nonfossil) > 0)
    nonfossil = nonfossil * nf_used_frac[..., None]
    supply = sum_last(nonfossil) + local + fossil
    return Transfers(demand, nonfossil, local, fossil, unserved, curtailed, supply + unserved - demand, coal_frac,
                     gdp_share)


def national_dispatch(d, tr: Transfers):
    """The national dispatch with the regional sums: fossil generation (coal and gas in their national
    proportion), unserved energy, and wind and solar less what transfer limits curtailed."""
    fossil = tr.fossil_twh.sum(axis=-1)
    extra = tr.curtailed_twh.sum(axis=-1)
    nf = tr.nonfossil_twh.sum(axis=-2)
    return replace(d, coal_twh=fossil * tr.coal_frac, gas_twh=fossil * (1.0 - tr.coal_frac),
                   unserved_twh=tr.unserved_twh.sum(axis=-1), nonfossil_twh=nf,
                   curtailed_twh=d.curtailed_twh + extra)


def record(rd: RegionData, tr: Transfers, rcap: np.ndarray, rec: dict[str, np.ndarray], t: int
           ) -> dict[str, np.ndarray]:
    """The year's regional outputs {name: [S, G]}: flows shared out of the national ones (after caps
    and rationing) so that every additive output sums to its national value."""
    shape = tr.demand_twh.shape
    nat = {k: np.broadcast_to(np.asarray(rec[k]), shape[:-1])[..., None] for k in (
        "gen_coal_twh", "gen_gas_twh", "gen_hydro_twh", "gen_nuclear_twh", "gen_wind_twh", "gen_solar_twh",
        "gen_oil_twh", "gen_bio_twh", "unserved_twh", "demand_twh", "steel_total_mt", "steel_lost_mt",
        "co2_power_mt", "co2_steel_mt", "co2_other_energy_mt", "co2_process_mt", "gdp_bn", "pe_total_mtce",
        "coal_power_mtce", "gas_total_mtce", "nonfossil_pe_mtce", "coal_steel_mtce", "cap_storage_phs_gw",
        "cap_storage_nts_gw")}
    fossil_w = share(tr.fossil_twh + 0.0)
    nfw = share(tr.nonfossil_twh, axis=-2)
    demand = nat["demand_twh"] * share(tr.demand_twh)
    unserved = nat["unserved_twh"] * share(tr.unserved_twh)
    gen = {"gen_coal_twh": nat["gen_coal_twh"] * fossil_w, "gen_gas_twh": nat["gen_gas_twh"] * fossil_w,
           "gen_hydro_twh": nat["gen_hydro_twh"] * nfw[..., 0], "gen_nuclear_twh": nat["gen_nuclear_twh"] * nfw[..., 1],
           "gen_wind_twh": nat["gen_wind_twh"] * nfw[..., NF_WIND], "gen_solar_twh": nat["gen_solar_twh"] * nfw[..., NF_SOLAR]}
    local_w = share(tr.local_twh + 0.0)
    gen_total = sum(gen.values()) + (nat["gen_oil_twh"] + nat["gen_bio_twh"]) * local_w
    steel_w = np.broadcast_to(rd.steel_share[..., t], shape)
    steel = nat["steel_total_mt"] * steel_w
    # steel lost where rationing strikes: unserved x steel output
    lost_w = share(unserved * steel_w)
    steel_lost = nat["steel_lost_mt"] * lost_w
    co2 = {"co2_power_mt": nat["co2_power_mt"] * fossil_w, "co2_steel_mt": nat["co2_steel_mt"] * steel_w,
           "co2_other_energy_mt": nat["co2_other_energy_mt"] * rd.co2_rest_share,
           "co2_process_mt": nat["co2_process_mt"] * rd.co2_process_share}
    co2_total = sum(co2.values())
    gdp = nat["gdp_bn"] * tr.gdp_share
    # primary energy where it is used: electricity's (fossil and non-fossil) by consumption, steel's
    # by steel output, the rest by the other sectors' CO2 (docs/provinces.md)
    electricity_pe = nat["coal_power_mtce"] + nat["nonfossil_pe_mtce"]
    steel_pe = nat["coal_steel_mtce"]
    rest_pe = nat["pe_total_mtce"] - electricity_pe - steel_pe
    pe = electricity_pe * share(tr.demand_twh) + steel_pe * steel_w + rest_pe * rd.co2_rest_share
    rshare = share(rcap)
    vre = share(rcap[..., POWER_TECHS.index("wind")] + rcap[..., POWER_TECHS.index("solar")])
    out = {
        "demand_twh": demand, "gen_total_twh": gen_total, **gen,
        "cap_coal_gw": rcap[..., COAL] + rcap[..., COAL_CCS], "cap_gas_gw": rcap[..., GAS],
        "cap_hydro_gw": rcap[..., POWER_TECHS.index("hydro")],
        "cap_nuclear_gw": rcap[..., POWER_TECHS.index("nuclear")],
        "cap_wind_gw": rcap[..., POWER_TECHS.index("wind")], "cap_solar_gw": rcap[..., POWER_TECHS.index("solar")],
        "cap_storage_gw": nat["cap_storage_phs_gw"] * rshare[..., POWER_TECHS.index("hydro")]
        + nat["cap_storage_nts_gw"] * vre,
        "unserved_twh": unserved, "net_export_twh": gen_total - demand + unserved,
        "steel_total_mt": steel, "steel_lost_mt": steel_lost, **co2, "co2_total_mt": co2_total,
        "gdp_bn": gdp, "pe_total_mtce": pe,
        "co2_intensity": co2_total / np.maximum(gdp, 1e-9), "energy_intensity": pe / np.maximum(gdp, 1e-9),
    }
    return out
