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
4. transfers (``transfer``, ``balance``, ``move``): non-fossil surplus goes first to regions with
   residual load; fossil plants then run at one national load factor (capped regions at most their
   ``regional_caps``) and regions trade the difference, within a transfer zone (a grid region) up to the
   intra-zone link energy and between zones over the inter-zone links in ROUNDS rounds (offers split by
   what neighbours need, requests by what they have); imports that do not come are made up by the
   importer's own spare plants, then by spare plants anywhere links reach. What no link can bring is
   unserved in the region; surplus non-fossil power no one can take is curtailed there. After the
   observed years, links are first built where a shock-free planning balance leaves load short or
   clean power stranded (``expansion``);
5. the national dispatch takes the regional sums (fossil generation, unserved, curtailment), so the
   national rationing, fuels and CO2 that follow see the transfer limits.

Equations, data and sources: docs/provinces.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import compiled
from .axes import (
    COAL,
    COAL_CCS,
    GAS,
    NF_HYDRO,
    NF_SOLAR,
    NF_WIND,
    NON_FOSSIL,
    POWER_TECHS,
    VARIABLE_RENEWABLE,
    sum_last,
)
from .inputs import RegionalParams, RegionData
from .units import TWH_PER_GW_YEAR

# Outputs resolved by region (internal names, as in ctsim/data/variables.csv). Additive ones sum to
# the national value; the intensities (per GDP) are ratios of regional sums.
REGIONAL_ADDITIVE = (
    "demand_twh", "gen_total_twh", "gen_coal_twh", "gen_gas_twh", "gen_hydro_twh", "gen_nuclear_twh",
    "gen_wind_twh", "gen_solar_twh", "cap_coal_gw", "cap_gas_gw", "cap_hydro_gw", "cap_nuclear_gw",
    "cap_wind_gw", "cap_solar_gw", "cap_storage_gw", "peak_load_gw", "firm_capacity_gw", "unserved_twh",
    "net_export_twh",
    "steel_total_mt", "steel_lost_mt", "co2_power_mt", "co2_steel_mt", "co2_other_energy_mt",
    "co2_process_mt", "co2_total_mt", "gdp_bn", "pe_total_mtce",
)
REGIONAL_RATIOS = ("co2_intensity", "energy_intensity")
REGIONAL_OUTPUTS = REGIONAL_ADDITIVE + REGIONAL_RATIOS
PREFIX = "regional."  # simulate() returns regional arrays [S, G, Y] under "regional.<name>"

PLAN_PASSES = 2  # planning passes of the transmission build: the second closes what the first's
#                 proportional routing left short (tests/integration/test_provinces.py: no unserved load
#                 without shocks in any bundled scenario)
ROUNDS = 3  # rounds of the inter-zone transport (each round routes what the last one left over the
#             links with room left; docs/provinces.md, "Transfers")
OPEN_TWH = 1.0  # TWh a year: a link with less room left takes a part of a zone's offers and requests
#                 that falls linearly to none at no room (an open/closed switch at zero room moved whole
#                 offers for a change in the last bit of a round-off room; a numerical scale, not an
#                 assumption: 1 TWh is ~1e-3 of an inter-zone link's energy and ~1e13 round-offs)


def share(x: np.ndarray, axis: int) -> np.ndarray:
    """x / its sum over the region axis; an all-zero column is shared evenly."""
    total = x.sum(axis=axis, keepdims=True)
    positive = total > 0
    if positive.all():  # the common case, the same numbers as the general one below
        return x / total
    return np.where(positive, x / np.where(positive, total, 1.0), 1.0 / x.shape[axis])


def to_zones(x: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """[..., G] -> [..., Z] zone sums, added region by region in a fixed order. Not a matrix
    product: BLAS may add in another order for another number of samples, and a sweep must give
    the same numbers whatever its chunks."""
    order, starts, _ = _zone_order(zone)
    return np.add.reduceat(x[..., order], starts, axis=-1)


def from_zones(x: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """[..., Z] -> [..., G]: each region gets its zone's value."""
    return x[..., _zone_order(zone)[2]]


_ZONE_ORDERS: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _zone_order(zone: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regions sorted by zone (stable), where each zone starts (every zone has a region), and each
    region's zone; worked out once per zone table (a run has one or two)."""
    key = zone.tobytes() + bytes(str(zone.shape), "ascii")
    if key not in _ZONE_ORDERS:
        of = zone.argmax(axis=-1)
        order = np.argsort(of, kind="stable")
        _ZONE_ORDERS[key] = (order, np.searchsorted(of[order], np.arange(zone.shape[1])), of)
    return _ZONE_ORDERS[key]


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
    if compiled.active():
        from .compiled import regions as kernels
        return kernels.step_capacity(rd, prev_gw, prev_nat, end_nat, t)
    if prev_gw is None or t < rd.cap_share_obs.shape[0]:
        return rd.cap_share_obs[min(t, rd.cap_share_obs.shape[0] - 1)] * end_nat[..., None, :]
    delta = end_nat - prev_nat
    grow = np.maximum(delta, 0.0)[..., None, :] * rd.add_share
    cut = np.maximum(-delta, 0.0)[..., None, :] * share(prev_gw, axis=-2)
    return np.maximum(prev_gw + grow - cut, 0.0)


@dataclass(frozen=True)
class Transfers:
    """The year's regional power balance ([S, G] each; non-fossil [S, G, N])."""

    demand_twh: np.ndarray
    nonfossil_twh: np.ndarray  # after regional curtailment
    local_twh: np.ndarray  # bio and oil, run where thermal capacity is
    fossil_twh: np.ndarray
    unserved_twh: np.ndarray
    curtailed_twh: np.ndarray  # clean power no region can take: the national surplus, where it is stranded
    net_export_twh: np.ndarray
    coal_frac: np.ndarray  # [S] coal's part of national fossil generation (coal + gas)
    gdp_share: np.ndarray  # [1 or S, G]


def inter_zone(need: np.ndarray, have: np.ndarray, room: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Transport between zones over links with ``room`` [S, Z, Z] (TWh a year, symmetric), ROUNDS
    rounds. In a round, zone a offers what it has over its links in proportion to what each
    neighbour needs and zone b requests what it needs in proportion to what each neighbour has, a
    link weighted by how open it is, min(room / OPEN_TWH, 1); the flow a->b is the least of the
    offer, the request and the room (shared by both directions). Returns what each zone received and
    sent ([S, Z]) and the room left."""
    got = np.zeros_like(need)
    sent = np.zeros_like(need)
    for _ in range(ROUNDS):
        # what is left to send and to receive, never below zero (round-off would flip the weights)
        h, n = np.maximum(have - sent, 0.0)[..., :, None], np.maximum(need - got, 0.0)[..., None, :]
        open_ = np.minimum(room / OPEN_TWH, 1.0)
        offer = h * share(n * open_, axis=-1)  # a's offer split by what its neighbours need
        request = n * share(h * open_, axis=-2)  # b's request split by what its neighbours have
        flow = np.minimum(np.minimum(offer, request), room)
        room = np.maximum(room - flow - np.swapaxes(flow, -1, -2), 0.0)
        sent = sent + flow.sum(axis=-1)
        got = got + flow.sum(axis=-2)
    return got, sent, room


def move(zone: np.ndarray, need: np.ndarray, have: np.ndarray, intra: np.ndarray, links: np.ndarray
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Move energy from regions that have it to regions that need it ([S, G] each): first within each
    zone, up to the intra-zone room [S, Z], then between zones over the link room [S, Z, Z]. A zone's
    receipts are shared among its regions in proportion to what they still need, its sendings in
    proportion to what they still have. Returns (received, sent) by region and the rooms left."""
    z_need, z_have = to_zones(need, zone), to_zones(have, zone)
    inside = np.minimum(np.minimum(z_need, z_have), intra)
    need_left, have_left = z_need - inside, z_have - inside
    if (need_left > 0).any() and (have_left > 0).any():
        got, sent, links = inter_zone(need_left, have_left, links)
    else:  # nothing to move between zones: what inter_zone would give, without its rounds
        got = sent = np.zeros(np.broadcast_shapes(need_left.shape, have_left.shape))

    def spread(part: np.ndarray, zone_total: np.ndarray, zone_value: np.ndarray) -> np.ndarray:
        frac = np.divide(zone_value, zone_total, out=np.zeros_like(zone_value), where=zone_total > 0)
        return part * from_zones(np.minimum(frac, 1.0), zone)
    return spread(need, z_need, inside + got), spread(have, z_have, inside + sent), intra - inside, links


def balance(zone: np.ndarray, demand: np.ndarray, nonfossil: np.ndarray, local: np.ndarray,
            fossil_cap: np.ndarray, intra: np.ndarray, links: np.ndarray, limit: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The regions' balance with the link rooms (TWh): (fossil output, unserved, curtailed, imports
    that did not come), [S, G] each.

    1. non-fossil surplus goes to where there is residual load (it displaces fossil output there);
    2. fossil plants run at one national load factor (the national merit order) and regions trade
       the difference; what links cannot carry is made up by the importer's own spare plants (the
       exporter's output falls by as much), then by spare plants anywhere the links still reach.

    ``limit`` caps a region's fossil output (a regional power-CO2 cap, TWh); what a capped region's
    load factor would have run goes to the other regions' spare plants first.
    """
    residual = demand - nonfossil - local
    load, surplus = np.maximum(residual, 0.0), np.maximum(-residual, 0.0)
    got, sent, intra, links = move(zone, load, surplus, intra, links)
    curtailed = surplus - sent
    residual = load - got
    need = residual.sum(axis=-1, keepdims=True)
    total_cap = fossil_cap.sum(axis=-1, keepdims=True)
    even = fossil_cap * np.minimum(np.divide(need, total_cap, out=np.zeros_like(need), where=total_cap > 0), 1.0)
    if limit is not None:  # a capped region's part of the national load factor goes to the others' spare plants
        fossil_cap = np.minimum(fossil_cap, limit)
        held = np.minimum(even, fossil_cap)
        missing = (even - held).sum(axis=-1, keepdims=True)
        room = fossil_cap - held
        total = room.sum(axis=-1, keepdims=True)
        even = held + room * np.minimum(np.divide(missing, total, out=np.zeros_like(total), where=total > 0), 1.0)
    got, sent, intra, links = move(zone, np.maximum(residual - even, 0.0), np.maximum(even - residual, 0.0),
                                   intra, links)
    fossil = np.minimum(even, residual) + sent
    short = residual - np.minimum(even, residual) - got  # imports that did not come
    own = np.minimum(short, fossil_cap - fossil)
    fossil = fossil + own
    got, sent, _, _ = move(zone, short - own, fossil_cap - fossil, intra, links)
    return fossil + sent, short - own - got, curtailed, short


def expansion(zone: np.ndarray, fossil: np.ndarray, unserved: np.ndarray, curtailed: np.ndarray,
              fossil_cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Link energy (TWh) to add where a planned balance leaves load unserved or clean power stranded:
    on each zone pair, a's spare (stranded clean power and spare fossil plants) towards b's shortfall,
    and a's stranded clean power towards b's fossil output (which it displaces), in proportion to what
    the other zones hold, and never more than can flow: the links into b carry at most what the other
    zones have spare (or, for the stranded power, what b and the others burn), so that a spare of
    round-off size builds links of round-off size (the build is continuous in every input):

        inter_ab = spare_a short_b / max(held_b, short_b) + strand_a fos_b / max(fos_-a, strand_a)

    with held_b the spare the zones other than b hold and fos_-a the fossil output of the zones other
    than a (a term with a zero numerator is zero). Within a zone, its own shortfall and its stranded
    power up to the zone's own fossil output (what it can displace there: a zone's surplus no one burns
    fossil for builds no link), ``intra_a = short_a + min(strand_a, fos_a)``.
    Returns (inter [S, Z, Z], symmetric, intra [S, Z])."""
    short, strand = to_zones(unserved, zone), to_zones(curtailed, zone)
    spare = strand + to_zones(fossil_cap - fossil, zone)
    fos = to_zones(fossil, zone)
    off = 1.0 - np.eye(zone.shape[1])
    held = (spare[..., :, None] * off).sum(axis=-2)  # spare the other zones hold, by short zone
    to_short = spare[..., :, None] * off * np.divide(short, np.maximum(held, short), out=np.zeros_like(short),
                                                     where=short > 0)[..., None, :]
    burnt = fos[..., None, :] * off  # [a, b]: b's fossil output that a's stranded power could displace
    absorb = np.maximum(burnt.sum(axis=-1, keepdims=True), strand[..., :, None])
    to_fossil = strand[..., :, None] * off * np.divide(burnt, absorb, out=np.zeros_like(burnt), where=absorb > 0)
    add = to_short + to_fossil
    return add + np.swapaxes(add, -1, -2), short + np.minimum(strand, fos)


@dataclass(frozen=True)
class Grid:
    """Link capacity built beyond the bundled network (GW, cumulative): inter-zone [S, Z, Z] and
    within zones [S, Z]."""

    inter_gw: np.ndarray
    intra_gw: np.ndarray


def transfer(rp: RegionalParams, rd: RegionData, rcap: np.ndarray, built: Grid | None, nonfossil_nat: np.ndarray,
             local_nat: np.ndarray, coal_max_nat: np.ndarray, gas_max_nat: np.ndarray, fossil_nat: np.ndarray,
             coal_frac: np.ndarray, demand_nat: np.ndarray, demand_growth: np.ndarray, elasticity: np.ndarray,
             hydro_factor_nat: np.ndarray, t: int, grid_t_co2_per_mwh: np.ndarray | None = None
             ) -> tuple[Transfers, Grid]:
    """The regional balance of the year (steps 2-5 of the module docstring). After the observed years,
    transmission is planned: where the balance without the year's regional shocks leaves load unserved
    or clean power stranded, links are built (``expansion``) before the year's balance is struck.
    ``nonfossil_nat`` is what the plants deliver after storage, before the national dispatch curtails
    a surplus: the regions curtail what they cannot use where it is stranded (wind and solar first), so
    the planned links and the balance see the surplus where it is, not a national curtailment shared
    out by capacity (that left the balance no slack: clean power stranded in one province while fossil
    plants ran for the load another could not reach). Hydro in a drought: the national output without it (``hydro_factor_nat`` is the national
    drought factor the dispatch used) is shared out by capacity, then each region's own factor
    applies, so a drought in one province leaves the others' hydro as it was."""
    if compiled.active():
        from .compiled import regions as kernels
        gdp_share, demand_share = year_shares(rp, rd, elasticity, t)  # exp and **: numpy on both paths
        *flows, inter, intra = kernels.transfer(
            rp, rd, rcap, built, nonfossil_nat, local_nat, coal_max_nat, gas_max_nat, fossil_nat, coal_frac,
            demand_nat, demand_growth, demand_share, hydro_factor_nat, t, grid_t_co2_per_mwh,
            _zone_order(rd.zone), ROUNDS, OPEN_TWH, PLAN_PASSES)
        return Transfers(*flows, coal_frac, gdp_share), Grid(inter, intra)
    rshare = share(rcap, axis=-2)  # [S, G, K] regional shares of each technology's stock
    gdp_share, demand_share = year_shares(rp, rd, elasticity, t)
    demand = demand_nat[..., None] * demand_share
    # non-fossil: national output shared by capacity x relative capacity factor (x drought factor)
    weight = rshare[..., list(NON_FOSSIL)] * rd.cf_rel
    planned_nf = nonfossil_nat[..., None, :] * share(weight, axis=-2)
    nonfossil = planned_nf
    if rd.any_drought:  # national hydro without the drought, shared out, then each region's drought
        undry = nonfossil_nat.copy()
        undry[..., NF_HYDRO] = nonfossil_nat[..., NF_HYDRO] / hydro_factor_nat
        planned_nf = undry[..., None, :] * share(weight, axis=-2)
        nonfossil = planned_nf.copy()
        nonfossil[..., NF_HYDRO] = planned_nf[..., NF_HYDRO] * rd.hydro_factor[..., t]
    local = local_nat[..., None] * demand_share  # biomass and oil plants: small, spread with load
    coal_share = share(rcap[..., COAL] + rcap[..., COAL_CCS], axis=-1)
    gas_cap = gas_max_nat[..., None] * share(rcap[..., GAS], axis=-1)
    planned_cap = coal_max_nat[..., None] * coal_share + gas_cap
    fossil_cap = planned_cap
    if rd.any_shortfall:  # a coal shortfall where it strikes: what coal would run there, less the shortfall
        sf = rd.coal_shortfall[..., t]
        run = fossil_nat[..., None] * coal_frac[..., None] * coal_share
        coal_cap = coal_max_nat[..., None] * coal_share
        fossil_cap = np.where(sf > 0, np.minimum(coal_cap, run * (1.0 - sf)), coal_cap) + gas_cap
    if rd.power_co2_cap_mt is not None and grid_t_co2_per_mwh is not None and t >= rd.cap_share_obs.shape[0]:
        # a binding cap on a region's power CO2: its coal and gas plants run at most cap / (CO2 per fossil
        # MWh, last year's national), planned for (links are built to import the rest)
        limit = rd.power_co2_cap_mt[..., t] / np.maximum(grid_t_co2_per_mwh, 1e-9)[..., None]  # Mt / (t/MWh) = TWh
    else:
        limit = None
    growth = demand_growth[..., None] ** rp.link_demand_elasticity[..., None]
    to_twh = TWH_PER_GW_YEAR * rp.link_utilisation[..., None]
    if built is None:
        built = Grid(np.zeros(growth.shape[:-1] + rd.links_gw.shape), np.zeros(growth.shape[:-1] + rd.intra_gw.shape))
    intra_gw = rd.intra_gw * growth + built.intra_gw
    inter_gw = rd.links_gw * growth[..., None] + built.inter_gw
    nf_total = sum_last(nonfossil)
    settled = None  # a planning balance that built nothing: the year's own when no shock changes it
    for _ in range(PLAN_PASSES if t >= rd.cap_share_obs.shape[0] else 0):  # planned transmission
        plan = balance(rd.zone, demand, sum_last(planned_nf), local, planned_cap, intra_gw * to_twh,
                       inter_gw * to_twh[..., None], limit)
        fossil, _, curtailed, short = plan
        add_inter, add_intra = expansion(rd.zone, fossil, short, curtailed,
                                         planned_cap if limit is None else np.minimum(planned_cap, limit))
        if not (add_inter.any() or add_intra.any()):  # the next pass would strike the same balance
            settled = plan
            break
        built = Grid(built.inter_gw + add_inter / to_twh[..., None], built.intra_gw + add_intra / to_twh)
        intra_gw = intra_gw + add_intra / to_twh
        inter_gw = inter_gw + add_inter / to_twh[..., None]
    if settled is not None and not (rd.any_drought or rd.any_shortfall):
        fossil, unserved, curtailed, _ = settled
    else:
        fossil, unserved, curtailed, _ = balance(rd.zone, demand, nf_total, local, fossil_cap, intra_gw * to_twh,
                                              inter_gw * to_twh[..., None], limit)
    nonfossil = nonfossil * curtailment_keep(nonfossil, nf_total, curtailed)
    supply = sum_last(nonfossil) + local + fossil
    return Transfers(demand, nonfossil, local, fossil, unserved, curtailed, supply + unserved - demand, coal_frac,
                     gdp_share), built


def curtailment_keep(nonfossil: np.ndarray, nf_total: np.ndarray, curtailed: np.ndarray) -> np.ndarray:
    """The part of each non-fossil technology's output a region keeps [S, G, N] when it curtails
    ``curtailed`` [S, G] of its ``nonfossil`` [S, G, N] (total ``nf_total``): wind and solar first, in
    proportion, then the others (hydro and nuclear), as the national dispatch curtails."""
    vre = nonfossil[..., NF_WIND] + nonfossil[..., NF_SOLAR]
    cut = np.minimum(curtailed, vre)
    vre_keep = np.clip(1.0 - np.divide(cut, vre, out=np.zeros_like(cut), where=vre > 0), 0.0, 1.0)
    other = nf_total - vre
    spill = curtailed - cut
    other_keep = np.clip(1.0 - np.divide(spill, other, out=np.zeros_like(spill), where=other > 0), 0.0, 1.0)
    return np.where(np.array(VARIABLE_RENEWABLE), vre_keep[..., None], other_keep[..., None])


def first_coal_frac(gas_plan_twh: np.ndarray, gas_max_twh: np.ndarray, coal_max_twh: np.ndarray,
                    gas_share: np.ndarray) -> np.ndarray:
    """Coal's part of the first fossil MWh of the national merit order (``power.dispatch``), [S]: the
    coal fraction the regions' fossil output takes where the national dispatch ran none. Gas runs
    first at its planned load (0); without a planned load, gas takes ``gas_share`` ahead of coal
    (1 - gas_share); coal alone when gas has no room, none when neither has any (the limit of
    coal / fossil as the national fossil need falls to zero)."""
    planned = np.minimum(gas_plan_twh, gas_max_twh) > 0
    coal_ok = coal_max_twh > 0
    return np.where(planned | ~coal_ok, 0.0, np.where(gas_max_twh > 0, 1.0 - gas_share, 1.0))


def national_dispatch(d, tr: Transfers, curtailed_twh: np.ndarray):
    """The national dispatch with the regional sums: fossil generation (coal and gas in their national
    proportion), unserved energy, and wind and solar less what the regions curtailed. The regional
    balance took the non-fossil output before the national dispatch curtailed any surplus, so the
    national curtailment is ``curtailed_twh`` (storage's, before the balance) plus the regions'."""
    if compiled.active():
        from .compiled import regions as kernels
        return kernels.national_dispatch(d, tr, curtailed_twh)
    fossil = tr.fossil_twh.sum(axis=-1)
    extra = tr.curtailed_twh.sum(axis=-1)
    nf = tr.nonfossil_twh.sum(axis=-2)
    return replace(d, coal_twh=fossil * tr.coal_frac, gas_twh=fossil * (1.0 - tr.coal_frac),
                   unserved_twh=tr.unserved_twh.sum(axis=-1), nonfossil_twh=nf,
                   curtailed_twh=curtailed_twh + extra)


def record(rd: RegionData, tr: Transfers, rcap: np.ndarray, rec: dict[str, np.ndarray], t: int
           ) -> dict[str, np.ndarray]:
    """The year's regional outputs {name: [S, G]}: flows shared out of the national ones (after caps
    and rationing) so that every additive output sums to its national value."""
    if compiled.active():
        from .compiled import regions as kernels
        return kernels.record(rd, tr, rcap, rec, t)
    shape = tr.demand_twh.shape
    nat = {k: np.asarray(rec[k])[..., None] for k in (  # [S or 1, 1]: broadcast over regions
        "gen_coal_twh", "gen_gas_twh", "gen_hydro_twh", "gen_nuclear_twh", "gen_wind_twh", "gen_solar_twh",
        "gen_oil_twh", "gen_bio_twh", "unserved_twh", "demand_twh", "steel_total_mt", "steel_lost_mt",
        "co2_power_mt", "co2_steel_mt", "co2_other_energy_mt", "co2_process_mt", "gdp_bn", "pe_total_mtce",
        "coal_power_mtce", "gas_total_mtce", "nonfossil_pe_mtce", "coal_steel_mtce", "cap_storage_phs_gw",
        "cap_storage_nts_gw", "peak_load_gw", "firm_capacity_gw")}
    fossil_w = share(tr.fossil_twh + 0.0, axis=-1)
    nfw = share(tr.nonfossil_twh, axis=-2)
    demand = nat["demand_twh"] * share(tr.demand_twh, axis=-1)
    unserved = nat["unserved_twh"] * share(tr.unserved_twh, axis=-1)
    gen = {"gen_coal_twh": nat["gen_coal_twh"] * fossil_w, "gen_gas_twh": nat["gen_gas_twh"] * fossil_w,
           "gen_hydro_twh": nat["gen_hydro_twh"] * nfw[..., 0], "gen_nuclear_twh": nat["gen_nuclear_twh"] * nfw[..., 1],
           "gen_wind_twh": nat["gen_wind_twh"] * nfw[..., NF_WIND], "gen_solar_twh": nat["gen_solar_twh"] * nfw[..., NF_SOLAR]}
    local_w = share(tr.local_twh + 0.0, axis=-1)
    gen_total = sum(gen.values()) + (nat["gen_oil_twh"] + nat["gen_bio_twh"]) * local_w
    steel_w = np.broadcast_to(rd.steel_share[..., t], shape)
    steel = nat["steel_total_mt"] * steel_w
    # steel lost where rationing strikes: unserved x steel output
    lost_w = share(unserved * steel_w, axis=-1)
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
    pe = electricity_pe * share(tr.demand_twh, axis=-1) + steel_pe * steel_w + rest_pe * rd.co2_rest_share
    rshare = share(rcap, axis=-2)
    vre = share(rcap[..., POWER_TECHS.index("wind")] + rcap[..., POWER_TECHS.index("solar")], axis=-1)
    storage = nat["cap_storage_phs_gw"] * rshare[..., POWER_TECHS.index("hydro")] + nat["cap_storage_nts_gw"] * vre
    out = {
        "demand_twh": demand, "gen_total_twh": gen_total, **gen,
        "cap_coal_gw": rcap[..., COAL] + rcap[..., COAL_CCS], "cap_gas_gw": rcap[..., GAS],
        "cap_hydro_gw": rcap[..., POWER_TECHS.index("hydro")],
        "cap_nuclear_gw": rcap[..., POWER_TECHS.index("nuclear")],
        "cap_wind_gw": rcap[..., POWER_TECHS.index("wind")], "cap_solar_gw": rcap[..., POWER_TECHS.index("solar")],
        "cap_storage_gw": storage,
        # peak load with demand; firm capacity with the dispatchable fleet and storage (docs/provinces.md)
        "peak_load_gw": nat["peak_load_gw"] * share(tr.demand_twh, axis=-1),
        "firm_capacity_gw": nat["firm_capacity_gw"] * share(
            rcap[..., COAL] + rcap[..., COAL_CCS] + rcap[..., GAS] + rcap[..., POWER_TECHS.index("nuclear")]
            + rcap[..., POWER_TECHS.index("hydro")] + storage, axis=-1),
        "unserved_twh": unserved, "net_export_twh": gen_total - demand + unserved,
        "steel_total_mt": steel, "steel_lost_mt": steel_lost, **co2, "co2_total_mt": co2_total,
        "gdp_bn": gdp, "pe_total_mtce": pe,
        "co2_intensity": co2_total / np.maximum(gdp, 1e-9), "energy_intensity": pe / np.maximum(gdp, 1e-9),
    }
    return out
