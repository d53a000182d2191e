"""Kernels of ctsim.engine.regions (the reference: same operations, same order, one sample at a time).

``transfer`` (with ``balance``, ``move``, ``inter_zone``, ``expansion``, ``to_zones``), ``step_capacity``,
``national_dispatch`` and ``record`` each run as one compiled pass over the samples, the loops over
regions, zones and links inside. Sums are added in numpy's order, so the results are bit for bit the
reference's: ``x.sum(axis=-1)`` is numpy's pairwise sum (:func:`_pw`), a sum over the region axis of
[S, G, K] adds region by region, ``np.add.reduceat`` (to_zones) adds a zone's first region to the
pairwise sum of the others. The reference's decisions made over all samples at once (whether any
sample has energy to move between zones; whether any sample's planning pass built a link) are taken
per sample here: a sample for which the reference's shared branch does nothing gets the same numbers
either way (a pass that builds nothing is followed by the same balance), so the results agree and a
sample's numbers never depend on the other samples of its chunk. The GDP and demand shares (``exp``,
``**``) stay in numpy (:func:`ctsim.engine.regions.year_shares`).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import replace

import numpy as np

from ..axes import (
    COAL,
    COAL_CCS,
    GAS,
    HYDRO,
    NF_HYDRO,
    NF_SOLAR,
    NF_WIND,
    NON_FOSSIL,
    NUCLEAR,
    SOLAR,
    WIND,
)
from ..units import TWH_PER_GW_YEAR
from ._jit import jit, per_sample

_NON_FOSSIL = np.array(NON_FOSSIL, dtype=np.int64)
# What the transport's helpers share in a call: the zone order (ctsim.engine.regions._zone_order),
# scratch arrays, and the module's constants (passed, not read as globals: a cached kernel would keep
# the values it was compiled with).
Scratch = namedtuple("Scratch", "order starts of tmp offer request flow rounds open_twh")


# --- sums in numpy's order ------------------------------------------------------------------------

PAIRWISE_BLOCK = 128  # numpy adds up to this many in one unrolled block (PW_BLOCKSIZE), more in halves


@jit
def _pw(a, lo, n):
    """numpy's pairwise sum of a[lo:lo + n] (what ``x.sum(axis=-1)`` gives on a contiguous row), for
    n <= PAIRWISE_BLOCK (the wrappers check it: 31 provinces, 7 grid regions). Not recursive: numba
    cannot load a recursive function from its cache (it crashes)."""
    if n < 8:
        r = -0.0
        for i in range(n):
            r += a[lo + i]
        return r
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


def _check_size(*n: int) -> None:
    if max(n) > PAIRWISE_BLOCK:
        raise ValueError(f"the compiled regional kernels add at most {PAIRWISE_BLOCK} regions or zones "
                         f"in numpy's order (got {max(n)}); run with CTSIM_ENGINE=numpy")


@jit
def _share_last(x, out):
    """share(x, axis=-1) of one sample's region vector."""
    n = x.shape[0]
    total = _pw(x, 0, n)
    if total > 0:
        for i in range(n):
            out[i] = x[i] / total
    else:
        for i in range(n):
            out[i] = 1.0 / n


@jit
def _pw_at(x, idx, lo, n):
    """:func:`_pw` of x[idx[lo]], ..., x[idx[lo + n - 1]] (the same additions, read through an index)."""
    if n < 8:
        r = -0.0
        for i in range(n):
            r += x[idx[lo + i]]
        return r
    r0, r1, r2, r3 = x[idx[lo]], x[idx[lo + 1]], x[idx[lo + 2]], x[idx[lo + 3]]
    r4, r5, r6, r7 = x[idx[lo + 4]], x[idx[lo + 5]], x[idx[lo + 6]], x[idx[lo + 7]]
    i = 8
    while i < n - (n % 8):
        r0 += x[idx[lo + i]]
        r1 += x[idx[lo + i + 1]]
        r2 += x[idx[lo + i + 2]]
        r3 += x[idx[lo + i + 3]]
        r4 += x[idx[lo + i + 4]]
        r5 += x[idx[lo + i + 5]]
        r6 += x[idx[lo + i + 6]]
        r7 += x[idx[lo + i + 7]]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += x[idx[lo + i]]
        i += 1
    return res


@jit
def _to_zones(x, order, starts, tmp, out):
    """to_zones: the regions in zone order, each zone's first region plus the pairwise sum of the rest
    (``np.add.reduceat``)."""
    G = x.shape[0]
    Z = out.shape[0]
    for z in range(Z):
        lo = starts[z]
        hi = starts[z + 1] if z + 1 < Z else G
        out[z] = x[order[lo]] + _pw_at(x, order, lo + 1, hi - lo - 1)


# --- the transport ----------------------------------------------------------------------------------

@jit
def _open(room, open_twh):
    """min(room / OPEN_TWH, 1) (room / 1.0 is room: no division in the default)."""
    return min(room, 1.0) if open_twh == 1.0 else min(room / open_twh, 1.0)


@jit
def _inter_zone(need, have, room, got, sent, h, n, w, offer, request, flow, rounds, open_twh):
    """inter_zone() of one sample, computed where a flow can be: a->b with something to send from a
    (h_a > 0), something needed in b (n_b > 0) and room on the link; every other flow is zero in the
    reference too (its offer, request or room is), so its terms add zeros and are left out. A round in
    which no zone has anything to send or to receive moves nothing, nor do the rounds after it."""
    Z = need.shape[0]
    for z in range(Z):
        got[z] = 0.0
        sent[z] = 0.0
    for _ in range(rounds):
        any_h = False
        any_n = False
        for z in range(Z):
            h[z] = max(have[z] - sent[z], 0.0)
            n[z] = max(need[z] - got[z], 0.0)
            any_h = any_h or h[z] > 0
            any_n = any_n or n[z] > 0
        if not (any_h and any_n):
            break
        for a in range(Z):  # a's offer split by what its neighbours need (share over b)
            if h[a] > 0:
                for b in range(Z):
                    w[b] = n[b] * _open(room[a, b], open_twh)
                total = _pw(w, 0, Z)
                for b in range(Z):
                    offer[a, b] = h[a] * (w[b] / total if total > 0 else 1.0 / Z)
        for b in range(Z):  # b's request split by what its neighbours have (share over a, in order)
            if n[b] > 0:
                total = 0.0
                for a in range(Z):
                    if h[a] > 0:
                        w[a] = h[a] * _open(room[a, b], open_twh)
                        total += w[a]
                    else:
                        w[a] = 0.0
                for a in range(Z):
                    request[a, b] = n[b] * (w[a] / total if total > 0 else 1.0 / Z)
        moved = False
        for a in range(Z):
            for b in range(Z):
                if h[a] > 0 and n[b] > 0 and room[a, b] > 0:
                    f = min(min(offer[a, b], request[a, b]), room[a, b])
                    moved = moved or f > 0
                else:
                    f = 0.0
                flow[a, b] = f
        if not moved:
            break
        for a in range(Z):
            for b in range(Z):
                if flow[a, b] != 0.0 or flow[b, a] != 0.0:
                    room[a, b] = max(room[a, b] - flow[a, b] - flow[b, a], 0.0)
        for a in range(Z):
            if h[a] > 0:
                sent[a] = sent[a] + _pw(flow[a], 0, Z)
        for b in range(Z):
            if n[b] > 0:
                total = flow[0, b]
                for a in range(1, Z):
                    total += flow[a, b]
                got[b] = got[b] + total


@jit
def _move(need, have, intra, links, got, sent, zc, sc):
    """move() of one sample: (got, sent) by region written, intra and links updated in place.
    ``zc``: zone scratch [10, Z]; ``sc``: a :class:`Scratch`."""
    order, starts, of, tmp, rounds, open_twh = sc.order, sc.starts, sc.of, sc.tmp, sc.rounds, sc.open_twh
    G = need.shape[0]
    Z = intra.shape[0]
    any_need = False
    any_have = False
    for g in range(G):
        any_need = any_need or need[g] != 0.0
        any_have = any_have or have[g] != 0.0
    if not (any_need and any_have):  # nothing moves: what the reference gives (zero fractions), fast
        for g in range(G):
            got[g] = 0.0
            sent[g] = 0.0
        return
    z_need, z_have, inside, need_left, have_left, zgot, zsent = zc[0], zc[1], zc[2], zc[3], zc[4], zc[5], zc[6]
    _to_zones(need, order, starts, tmp, z_need)
    _to_zones(have, order, starts, tmp, z_have)
    any_need = False
    any_have = False
    for z in range(Z):
        inside[z] = min(min(z_need[z], z_have[z]), intra[z])
        need_left[z] = z_need[z] - inside[z]
        have_left[z] = z_have[z] - inside[z]
        any_need = any_need or need_left[z] > 0
        any_have = any_have or have_left[z] > 0
    if any_need and any_have:
        _inter_zone(need_left, have_left, links, zgot, zsent, zc[7], zc[8], zc[9], sc.offer, sc.request,
                    sc.flow, rounds, open_twh)
    else:
        for z in range(Z):
            zgot[z] = 0.0
            zsent[z] = 0.0
    for z in range(Z):  # the zone fractions (zgot, zsent hold them from here)
        v = inside[z] + zgot[z]
        zgot[z] = min(v / z_need[z] if z_need[z] > 0 else 0.0, 1.0)
        v = inside[z] + zsent[z]
        zsent[z] = min(v / z_have[z] if z_have[z] > 0 else 0.0, 1.0)
    for g in range(G):
        got[g] = need[g] * zgot[of[g]]
        sent[g] = have[g] * zsent[of[g]]
    for z in range(Z):
        intra[z] = intra[z] - inside[z]


@jit
def _balance(demand, nonfossil, local, fossil_cap_in, intra, links, has_limit, limit,
             fossil, unserved, curtailed, short, gc, zc, sc):
    """balance() of one sample; ``intra`` and ``links`` are the sample's rooms (changed in place).
    ``gc``: region scratch [8, G]."""
    G = demand.shape[0]
    load, surplus, got, sent, residual, even, fcap, a = gc[0], gc[1], gc[2], gc[3], gc[4], gc[5], gc[6], gc[7]
    for g in range(G):
        r = demand[g] - nonfossil[g] - local[g]
        load[g] = max(r, 0.0)
        surplus[g] = max(-r, 0.0)
    _move(load, surplus, intra, links, got, sent, zc, sc)
    for g in range(G):
        curtailed[g] = surplus[g] - sent[g]
        residual[g] = load[g] - got[g]
        fcap[g] = fossil_cap_in[g]
    need = _pw(residual, 0, G)
    total_cap = _pw(fcap, 0, G)
    ratio = min(need / total_cap if total_cap > 0 else 0.0, 1.0)
    for g in range(G):
        even[g] = fcap[g] * ratio
    if has_limit:
        for g in range(G):
            fcap[g] = min(fcap[g], limit[g])
            held = min(even[g], fcap[g])
            a[g] = even[g] - held
            even[g] = held  # held, until the spare plants' part is added below
        missing = _pw(a, 0, G)
        for g in range(G):
            a[g] = fcap[g] - even[g]  # room
        total = _pw(a, 0, G)
        ratio = min(missing / total if total > 0 else 0.0, 1.0)
        for g in range(G):
            even[g] = even[g] + a[g] * ratio
    for g in range(G):
        load[g] = max(residual[g] - even[g], 0.0)
        surplus[g] = max(even[g] - residual[g], 0.0)
    _move(load, surplus, intra, links, got, sent, zc, sc)
    for g in range(G):
        run = min(even[g], residual[g])
        f = run + sent[g]
        sh = residual[g] - run - got[g]
        own = min(sh, fcap[g] - f)
        short[g] = sh
        fossil[g] = f + own
        load[g] = sh - own
        surplus[g] = fcap[g] - fossil[g]
    # the rooms after the last move are not kept (the caller strikes each balance on fresh rooms)
    _move(load, surplus, intra, links, got, sent, zc, sc)
    for g in range(G):
        unserved[g] = load[g] - got[g]
        fossil[g] = fossil[g] + sent[g]


@jit
def _expansion(fossil, short, curtailed, fossil_cap, add_inter, add_intra, gc, zc, sc):
    """expansion() of one sample: add_inter [Z, Z] (symmetric) and add_intra [Z] written."""
    order, starts, tmp = sc.order, sc.starts, sc.tmp
    G = fossil.shape[0]
    Z = add_intra.shape[0]
    sh, strand, spare, fos, held, absorb = zc[0], zc[1], zc[2], zc[3], zc[4], zc[5]
    _to_zones(short, order, starts, tmp, sh)
    _to_zones(curtailed, order, starts, tmp, strand)
    x = gc[0]
    for g in range(G):
        x[g] = fossil_cap[g] - fossil[g]
    _to_zones(x, order, starts, tmp, spare)
    for z in range(Z):
        spare[z] = strand[z] + spare[z]
    _to_zones(fossil, order, starts, tmp, fos)
    for b in range(Z):
        total = spare[0] * (0.0 if b == 0 else 1.0)
        for a in range(1, Z):
            total += spare[a] * (0.0 if a == b else 1.0)
        held[b] = total
    w = zc[6]
    for a in range(Z):
        for b in range(Z):
            w[b] = fos[b] * (0.0 if a == b else 1.0)
        absorb[a] = max(_pw(w, 0, Z), strand[a])
    add = sc.offer
    for a in range(Z):
        for b in range(Z):
            off = 0.0 if a == b else 1.0
            ratio = sh[b] / max(held[b], sh[b]) if sh[b] > 0 else 0.0
            burnt = fos[b] * off
            part = burnt / absorb[a] if absorb[a] > 0 else 0.0
            add[a, b] = spare[a] * off * ratio + strand[a] * off * part
    for a in range(Z):
        for b in range(Z):
            add_inter[a, b] = add[a, b] + add[b, a]
        add_intra[a] = sh[a] + min(strand[a], fos[a])


@jit
def _any_nonzero(inter, intra):
    Z = intra.shape[0]
    for a in range(Z):
        if intra[a] != 0.0:
            return True
        for b in range(Z):
            if inter[a, b] != 0.0:
                return True
    return False


@jit
def _transfer(rcap, nonfossil_nat, local_nat, coal_max, gas_max, fossil_nat, coal_frac, demand_nat, demand_share,
              hydro_nat, hydro_reg, shortfall, cf_rel, nf_techs, has_limit, limit, growth, to_twh, links_gw,
              intra_gw0, built_inter, built_intra, passes, any_drought, any_shortfall, sc,
              demand, nonfossil, local, fossil, unserved, curtailed, net_export, out_inter, out_intra):
    S, G, _ = rcap.shape
    N = nf_techs.shape[0]
    Z = intra_gw0.shape[0]
    weight = np.empty((G, N))
    planned_nf = np.empty((G, N))
    x = np.empty(G)
    coal_share = np.empty(G)
    gas_share = np.empty(G)
    planned_cap = np.empty(G)
    fossil_cap = np.empty(G)
    exp_cap = np.empty(G)
    pnf = np.empty(G)
    nf_total = np.empty(G)
    pf, pu, pc, ps = np.empty(G), np.empty(G), np.empty(G), np.empty(G)
    short = np.empty(G)
    gc = np.empty((8, G))
    zc = np.empty((10, Z))
    intra_gw = np.empty(Z)
    inter_gw = np.empty((Z, Z))
    intra_r = np.empty(Z)
    links_r = np.empty((Z, Z))
    add_inter = np.empty((Z, Z))
    add_intra = np.empty(Z)
    for s in range(S):
        # non-fossil: national output shared by capacity x relative capacity factor (x drought factor)
        for j in range(N):
            k = nf_techs[j]
            total = rcap[s, 0, k]
            for g in range(1, G):
                total += rcap[s, g, k]
            for g in range(G):
                rs = rcap[s, g, k] / total if total > 0 else 1.0 / G
                weight[g, j] = rs * cf_rel[g, j]
            total = weight[0, j]
            for g in range(1, G):
                total += weight[g, j]
            for g in range(G):
                weight[g, j] = weight[g, j] / total if total > 0 else 1.0 / G
        for j in range(N):
            v = nonfossil_nat[s, j]
            if any_drought and j == NF_HYDRO:
                v = nonfossil_nat[s, j] / hydro_nat[s]
            for g in range(G):
                planned_nf[g, j] = v * weight[g, j]
                nonfossil[s, g, j] = planned_nf[g, j]
        if any_drought:
            for g in range(G):
                nonfossil[s, g, NF_HYDRO] = planned_nf[g, NF_HYDRO] * hydro_reg[s, g]
        for g in range(G):
            demand[s, g] = demand_nat[s] * demand_share[s, g]
            local[s, g] = local_nat[s] * demand_share[s, g]
            x[g] = rcap[s, g, COAL] + rcap[s, g, COAL_CCS]
        _share_last(x, coal_share)
        for g in range(G):
            x[g] = rcap[s, g, GAS]
        _share_last(x, gas_share)
        for g in range(G):
            gas_cap = gas_max[s] * gas_share[g]
            coal_cap = coal_max[s] * coal_share[g]
            planned_cap[g] = coal_cap + gas_cap
            fossil_cap[g] = planned_cap[g]
            if any_shortfall:
                sf = shortfall[s, g]
                run = fossil_nat[s] * coal_frac[s] * coal_share[g]
                fossil_cap[g] = (min(coal_cap, run * (1.0 - sf)) if sf > 0 else coal_cap) + gas_cap
            exp_cap[g] = min(planned_cap[g], limit[s, g]) if has_limit else planned_cap[g]
            p = planned_nf[g, 0] + 0.0
            v = nonfossil[s, g, 0] + 0.0
            for j in range(1, N):
                p += planned_nf[g, j]
                v += nonfossil[s, g, j]
            pnf[g] = p
            nf_total[g] = v
        for z in range(Z):
            intra_gw[z] = intra_gw0[z] * growth[s] + built_intra[s, z]
            out_intra[s, z] = built_intra[s, z]
            for y in range(Z):
                inter_gw[z, y] = links_gw[z, y] * growth[s] + built_inter[s, z, y]
                out_inter[s, z, y] = built_inter[s, z, y]
        settled = False
        for _ in range(passes):  # planned transmission
            for z in range(Z):
                intra_r[z] = intra_gw[z] * to_twh[s]
                for y in range(Z):
                    links_r[z, y] = inter_gw[z, y] * to_twh[s]
            _balance(demand[s], pnf, local[s], planned_cap, intra_r, links_r, has_limit, limit[s],
                     pf, pu, pc, ps, gc, zc, sc)
            _expansion(pf, ps, pc, exp_cap, add_inter, add_intra, gc, zc, sc)
            if not _any_nonzero(add_inter, add_intra):
                settled = True
                break
            for z in range(Z):
                out_intra[s, z] = out_intra[s, z] + add_intra[z] / to_twh[s]
                intra_gw[z] = intra_gw[z] + add_intra[z] / to_twh[s]
                for y in range(Z):
                    out_inter[s, z, y] = out_inter[s, z, y] + add_inter[z, y] / to_twh[s]
                    inter_gw[z, y] = inter_gw[z, y] + add_inter[z, y] / to_twh[s]
        if settled and not (any_drought or any_shortfall):
            for g in range(G):
                fossil[s, g] = pf[g]
                unserved[s, g] = pu[g]
                curtailed[s, g] = pc[g]
        else:
            for z in range(Z):
                intra_r[z] = intra_gw[z] * to_twh[s]
                for y in range(Z):
                    links_r[z, y] = inter_gw[z, y] * to_twh[s]
            _balance(demand[s], nf_total, local[s], fossil_cap, intra_r, links_r, has_limit, limit[s],
                     fossil[s], unserved[s], curtailed[s], short, gc, zc, sc)
        for g in range(G):  # curtailment_keep: wind and solar first, then the others
            vre = nonfossil[s, g, NF_WIND] + nonfossil[s, g, NF_SOLAR]
            cut = min(curtailed[s, g], vre)
            vre_keep = min(max(1.0 - (cut / vre if vre > 0 else 0.0), 0.0), 1.0)
            other = nf_total[g] - vre
            spill = curtailed[s, g] - cut
            other_keep = min(max(1.0 - (spill / other if other > 0 else 0.0), 0.0), 1.0)
            for j in range(N):
                nonfossil[s, g, j] = nonfossil[s, g, j] * (vre_keep if j == NF_WIND or j == NF_SOLAR else other_keep)
            v = nonfossil[s, g, 0] + 0.0
            for j in range(1, N):
                v += nonfossil[s, g, j]
            supply = v + local[s, g] + fossil[s, g]
            net_export[s, g] = supply + unserved[s, g] - demand[s, g]


def _scratch(zone_order, rounds, open_twh) -> Scratch:
    order, starts, of = (np.asarray(a, dtype=np.int64) for a in zone_order)
    Z = starts.shape[0]
    return Scratch(order, starts, of, np.empty(order.shape[0]), np.empty((Z, Z)), np.empty((Z, Z)), np.empty((Z, Z)),
                   int(rounds), float(open_twh))


def transfer(rp, rd, rcap, built, nonfossil_nat, local_nat, coal_max_nat, gas_max_nat, fossil_nat, coal_frac,
             demand_nat, demand_growth, demand_share, hydro_factor_nat, t, grid_t_co2_per_mwh, zone_order, rounds,
             open_twh, plan_passes):
    """:func:`ctsim.engine.regions.transfer` in one compiled pass over the samples, given what it
    takes from ctsim.engine.regions (which imports this module, not the other way round): the year's
    demand shares, the zone order and the transport's constants. Returns the Transfers' flows
    (demand, non-fossil, local, fossil, unserved, curtailed, net exports) and the links built (inter,
    intra), for the caller to pack."""
    rcap = np.asarray(rcap, dtype=np.float64)
    S, G, _ = rcap.shape
    Z = rd.zone.shape[1]
    _check_size(G, Z)
    N = len(NON_FOSSIL)
    H = rd.cap_share_obs.shape[0]
    has_limit = rd.power_co2_cap_mt is not None and grid_t_co2_per_mwh is not None and t >= H
    if has_limit:
        limit = rd.power_co2_cap_mt[..., t] / np.maximum(grid_t_co2_per_mwh, 1e-9)[..., None]
    else:
        limit = np.zeros((1, G))
    growth = np.asarray(demand_growth)[..., None] ** rp.link_demand_elasticity[..., None]
    to_twh = TWH_PER_GW_YEAR * rp.link_utilisation[..., None]
    if built is None:  # zeros of the later years' shape and type (a cached kernel compiles once per types)
        bi, bz = np.zeros((S, Z, Z)), np.zeros((S, Z))
    else:
        bi, bz = built.inter_gw, built.intra_gw

    def ps(x):  # read-only views all: numba compiles a kernel once per argument types, writable or not
        a = per_sample(x, S)
        return np.broadcast_to(a, a.shape)
    out = [np.empty((S, G)) for _ in range(7)]
    nonfossil = np.empty((S, G, N))
    out_inter, out_intra = np.empty((S, Z, Z)), np.empty((S, Z))
    _transfer(rcap, ps(nonfossil_nat), ps(local_nat), ps(coal_max_nat), ps(gas_max_nat), ps(fossil_nat),
              ps(coal_frac), ps(demand_nat), ps(demand_share), ps(hydro_factor_nat), ps(rd.hydro_factor[..., t]),
              ps(rd.coal_shortfall[..., t]), np.asarray(rd.cf_rel, dtype=np.float64), _NON_FOSSIL, has_limit,
              ps(limit), ps(growth[..., 0]), ps(to_twh[..., 0]), np.asarray(rd.links_gw, dtype=np.float64),
              np.asarray(rd.intra_gw, dtype=np.float64), ps(bi), ps(bz),
              plan_passes if t >= H else 0, bool(rd.any_drought), bool(rd.any_shortfall),
              _scratch(zone_order, rounds, open_twh),
              out[0], nonfossil, out[1], out[2], out[3], out[4], out[5], out_inter, out_intra)
    demand, local, fossil, unserved, curtailed, net_export = out[:6]
    # numpy's shapes: demand and local are [1, G] when their national values are shared
    if np.broadcast_shapes(np.shape(demand_nat) + (1,), np.shape(demand_share))[0] == 1:
        demand = demand[:1]
    if np.broadcast_shapes(np.shape(local_nat) + (1,), np.shape(demand_share))[0] == 1:
        local = local[:1]
    return demand, nonfossil, local, fossil, unserved, curtailed, net_export, out_inter, out_intra


# --- capacity, the national sums, the recorded outputs ---------------------------------------------

@jit
def _step_capacity(prev_gw, prev_nat, end_nat, add_share, out):
    S, G, K = out.shape
    for s in range(S):
        for k in range(K):
            delta = end_nat[s, k] - prev_nat[s, k]
            grow = max(delta, 0.0)
            cut = max(-delta, 0.0)
            total = prev_gw[s, 0, k]
            for g in range(1, G):
                total += prev_gw[s, g, k]
            for g in range(G):
                sh = prev_gw[s, g, k] / total if total > 0 else 1.0 / G
                out[s, g, k] = max(prev_gw[s, g, k] + grow * add_share[g, k] - cut * sh, 0.0)


def step_capacity(rd, prev_gw, prev_nat, end_nat, t):
    """:func:`ctsim.engine.regions.step_capacity` (the observed years stay in numpy: one product)."""
    if prev_gw is None or t < rd.cap_share_obs.shape[0]:
        return rd.cap_share_obs[min(t, rd.cap_share_obs.shape[0] - 1)] * end_nat[..., None, :]
    prev_gw = np.asarray(prev_gw, dtype=np.float64)
    S = max(prev_gw.shape[0], np.shape(end_nat)[0], np.shape(prev_nat)[0])
    out = np.empty((S, *prev_gw.shape[1:]))
    _step_capacity(per_sample(prev_gw, S), per_sample(prev_nat, S), per_sample(end_nat, S),
                   np.asarray(rd.add_share, dtype=np.float64), out)
    return out


@jit
def _national(fossil, curtailed, unserved, nonfossil, coal_frac, curtailed_nat, coal, gas, unserved_out, nf_out,
              curtailed_out):
    S, G = fossil.shape
    N = nonfossil.shape[2]
    for s in range(S):
        f = _pw(fossil[s], 0, G)
        coal[s] = f * coal_frac[s]
        gas[s] = f * (1.0 - coal_frac[s])
        unserved_out[s] = _pw(unserved[s], 0, G)
        curtailed_out[s] = curtailed_nat[s] + _pw(curtailed[s], 0, G)
        for j in range(N):
            v = nonfossil[s, 0, j]
            for g in range(1, G):
                v += nonfossil[s, g, j]
            nf_out[s, j] = v


def national_dispatch(d, tr, curtailed_twh):
    """:func:`ctsim.engine.regions.national_dispatch`."""
    S, G = tr.fossil_twh.shape
    N = tr.nonfossil_twh.shape[-1]
    _check_size(G)
    coal, gas, unserved, curtailed = (np.empty(S) for _ in range(4))
    nf = np.empty((S, N))
    _national(np.ascontiguousarray(tr.fossil_twh), np.ascontiguousarray(tr.curtailed_twh),
              np.ascontiguousarray(tr.unserved_twh), np.ascontiguousarray(tr.nonfossil_twh),
              per_sample(tr.coal_frac, S), per_sample(curtailed_twh, S), coal, gas, unserved, nf, curtailed)
    return replace(d, coal_twh=coal, gas_twh=gas, unserved_twh=unserved, nonfossil_twh=nf, curtailed_twh=curtailed)


# the national values record() reads, in this order (columns of ``nat`` in _record)
_NAT = ("gen_coal_twh", "gen_gas_twh", "gen_hydro_twh", "gen_nuclear_twh", "gen_wind_twh", "gen_solar_twh",
        "gen_oil_twh", "gen_bio_twh", "unserved_twh", "demand_twh", "steel_total_mt", "steel_lost_mt",
        "co2_power_mt", "co2_steel_mt", "co2_other_energy_mt", "co2_process_mt", "gdp_bn", "pe_total_mtce",
        "coal_power_mtce", "gas_total_mtce", "nonfossil_pe_mtce", "coal_steel_mtce", "cap_storage_phs_gw",
        "cap_storage_nts_gw", "peak_load_gw", "firm_capacity_gw")
(N_COAL, N_GAS, N_HYDRO, N_NUCLEAR, N_WIND, N_SOLAR, N_OIL, N_BIO, N_UNSERVED, N_DEMAND, N_STEEL, N_LOST,
 N_CO2P, N_CO2S, N_CO2O, N_CO2X, N_GDP, N_PE, N_COALP, N_GAS_PE, N_NFPE, N_COALS, N_PHS, N_NTS, N_PEAK,
 N_FIRM) = range(len(_NAT))
# the outputs _record writes, in this order (rows of its output)
_OUT = ("demand_twh", "gen_total_twh", "gen_coal_twh", "gen_gas_twh", "gen_hydro_twh", "gen_nuclear_twh",
        "gen_wind_twh", "gen_solar_twh", "cap_coal_gw", "cap_gas_gw", "cap_hydro_gw", "cap_nuclear_gw",
        "cap_wind_gw", "cap_solar_gw", "cap_storage_gw", "peak_load_gw", "firm_capacity_gw", "unserved_twh",
        "net_export_twh", "steel_total_mt", "steel_lost_mt", "co2_power_mt", "co2_steel_mt", "co2_other_energy_mt",
        "co2_process_mt", "co2_total_mt", "gdp_bn", "pe_total_mtce", "co2_intensity", "energy_intensity")
(O_DEMAND, O_GEN, O_COAL, O_GAS, O_HYDRO, O_NUCLEAR, O_WIND, O_SOLAR, O_CAP_COAL, O_CAP_GAS, O_CAP_HYDRO,
 O_CAP_NUCLEAR, O_CAP_WIND, O_CAP_SOLAR, O_STORAGE, O_PEAK, O_FIRM, O_UNSERVED, O_NET, O_STEEL, O_LOST, O_CO2P,
 O_CO2S, O_CO2O, O_CO2X, O_CO2, O_GDP, O_PE, O_CO2I, O_PEI) = range(len(_OUT))


@jit
def _record(nat, fossil, nonfossil, demand, unserved, local, gdp_share, rcap, steel_share, rest_share,
            process_share, slot, out):
    S, G, K = rcap.shape
    n_out = slot.shape[0]
    v = np.empty(n_out)  # one region's outputs, written to the recorded ones
    w = np.empty((12, G))
    fossil_w, demand_w, unserved_w, local_w, lost_w, vre_w, firm_w, x = w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]
    storage_w = np.empty(G)
    nf_w = w[8:12]  # hydro, nuclear, wind, solar (the N axis)
    hydro_w, nuclear_w, wind_w, solar_w = w[8], w[9], w[NF_WIND + 8], w[NF_SOLAR + 8]
    for s in range(S):
        n = nat[s]
        for g in range(G):
            x[g] = fossil[s, g] + 0.0
        _share_last(x, fossil_w)
        for j in range(4):  # share(nonfossil, axis=-2): region by region
            total = nonfossil[s, 0, j]
            for g in range(1, G):
                total += nonfossil[s, g, j]
            for g in range(G):
                nf_w[j, g] = nonfossil[s, g, j] / total if total > 0 else 1.0 / G
        _share_last(demand[s], demand_w)
        _share_last(unserved[s], unserved_w)
        for g in range(G):
            x[g] = local[s, g] + 0.0
        _share_last(x, local_w)
        for g in range(G):
            x[g] = n[N_UNSERVED] * unserved_w[g] * steel_share[g]
        _share_last(x, lost_w)
        for g in range(G):
            x[g] = rcap[s, g, WIND] + rcap[s, g, SOLAR]
        _share_last(x, vre_w)
        total = rcap[s, 0, HYDRO]
        for g in range(1, G):
            total += rcap[s, g, HYDRO]
        for g in range(G):
            hydro_cap_w = rcap[s, g, HYDRO] / total if total > 0 else 1.0 / G
            storage = n[N_PHS] * hydro_cap_w + n[N_NTS] * vre_w[g]
            storage_w[g] = storage
            x[g] = rcap[s, g, COAL] + rcap[s, g, COAL_CCS] + rcap[s, g, GAS] + rcap[s, g, NUCLEAR] \
                + rcap[s, g, HYDRO] + storage
        _share_last(x, firm_w)
        for g in range(G):
            d = n[N_DEMAND] * demand_w[g]
            u = n[N_UNSERVED] * unserved_w[g]
            coal, gas = n[N_COAL] * fossil_w[g], n[N_GAS] * fossil_w[g]
            hydro, nuclear = n[N_HYDRO] * hydro_w[g], n[N_NUCLEAR] * nuclear_w[g]
            wind, solar = n[N_WIND] * wind_w[g], n[N_SOLAR] * solar_w[g]
            gen_total = 0.0 + coal + gas + hydro + nuclear + wind + solar + (n[N_OIL] + n[N_BIO]) * local_w[g]
            steel_w = steel_share[g]
            co2p, co2s = n[N_CO2P] * fossil_w[g], n[N_CO2S] * steel_w
            co2o, co2x = n[N_CO2O] * rest_share[g], n[N_CO2X] * process_share[g]
            co2 = 0.0 + co2p + co2s + co2o + co2x
            gdp = n[N_GDP] * gdp_share[s, g]
            electricity_pe = n[N_COALP] + n[N_NFPE]
            steel_pe = n[N_COALS]
            rest_pe = n[N_PE] - electricity_pe - steel_pe
            pe = electricity_pe * demand_w[g] + steel_pe * steel_w + rest_pe * rest_share[g]
            v[O_STORAGE] = storage_w[g]
            v[O_DEMAND] = d
            v[O_GEN] = gen_total
            v[O_COAL] = coal
            v[O_GAS] = gas
            v[O_HYDRO] = hydro
            v[O_NUCLEAR] = nuclear
            v[O_WIND] = wind
            v[O_SOLAR] = solar
            v[O_CAP_COAL] = rcap[s, g, COAL] + rcap[s, g, COAL_CCS]
            v[O_CAP_GAS] = rcap[s, g, GAS]
            v[O_CAP_HYDRO] = rcap[s, g, HYDRO]
            v[O_CAP_NUCLEAR] = rcap[s, g, NUCLEAR]
            v[O_CAP_WIND] = rcap[s, g, WIND]
            v[O_CAP_SOLAR] = rcap[s, g, SOLAR]
            v[O_PEAK] = n[N_PEAK] * demand_w[g]
            v[O_FIRM] = n[N_FIRM] * firm_w[g]
            v[O_UNSERVED] = u
            v[O_NET] = gen_total - d + u
            v[O_STEEL] = n[N_STEEL] * steel_w
            v[O_LOST] = n[N_LOST] * lost_w[g]
            v[O_CO2P] = co2p
            v[O_CO2S] = co2s
            v[O_CO2O] = co2o
            v[O_CO2X] = co2x
            v[O_CO2] = co2
            v[O_GDP] = gdp
            v[O_PE] = pe
            v[O_CO2I] = co2 / max(gdp, 1e-9)
            v[O_PEI] = pe / max(gdp, 1e-9)
            for o in range(n_out):
                if slot[o] >= 0:
                    out[slot[o], s, g] = v[o]


def record(rd, tr, rcap, rec, t):
    """:func:`ctsim.engine.regions.record`: {name: [S, G]} (views of one block), the outputs the run
    records only (``rd.outputs``; all when None): a sweep's 30 x [S, G] a year it would not keep were
    a third of this step's time (fresh memory)."""
    S, G = np.broadcast_shapes(tr.demand_twh.shape, tr.fossil_twh.shape, np.shape(rcap)[:2])
    _check_size(G)
    names = _OUT if rd.outputs is None else tuple(n for n in _OUT if n in rd.outputs)
    slot = np.full(len(_OUT), -1, dtype=np.int64)
    for i, name in enumerate(names):
        slot[_OUT.index(name)] = i
    nat = np.empty((S, len(_NAT)))
    for i, k in enumerate(_NAT):
        nat[:, i] = rec[k]
    out = np.empty((len(names), S, G))
    _record(nat, per_sample(tr.fossil_twh, S), per_sample(tr.nonfossil_twh, S), per_sample(tr.demand_twh, S),
            per_sample(tr.unserved_twh, S), per_sample(tr.local_twh, S), per_sample(tr.gdp_share, S),
            per_sample(rcap, S), np.ascontiguousarray(rd.steel_share[..., t], dtype=np.float64),
            np.asarray(rd.co2_rest_share, dtype=np.float64), np.asarray(rd.co2_process_share, dtype=np.float64),
            slot, out)
    return dict(zip(names, out, strict=True))
