"""Kernel of ctsim.engine.investment.step_adequacy (the reference: same operations, same order).

The whole adequacy step is one compiled pass over the samples: firm capacity and its shortfall,
the coal units kept as backup, the firm builds (``adequacy.capped_split``) and the storage they
add, the storage that pays for shifting surplus (sized again at the start of each energy pass, on
that pass's fleet), and the energy passes (the planning supply of
ctsim.engine.power.supply with ctsim.engine.storage's curtailment, then ``energy_builds``), each
sample's numbers kept in registers. What depends on the parameters and the year's costs alone (the
firm options' costs and shares, capital recovery factors, the storage surplus ratio, the constant
term of the curtailment integral) is computed first, once per distinct row: once when every sample
shares it ([1]), per sample otherwise.

The numpy reference's shortcuts (``if np.any(...)``: work skipped when its result is zero in every
sample) become per-sample ``if``s: a sample the reference computes with a zero shortfall gets zero
builds and the same stocks, so skipping it changes no number. It returns no planning supply (None,
which the reference returns when some sample built energy in every pass): the year loop then takes
the dispatch supply from power.supply for every sample, so a sample's supply does not depend on
what the other samples of its chunk did (chunked runs equal unchunked ones bit for bit).

The scalar versions of power.supply, storage.raw_curtailment, marginal_curtailment, absorbed and
step_storage below are private to this kernel (ctsim.engine.compiled.power and .storage hold the
step kernels of those modules).
"""

from __future__ import annotations

import math

import numpy as np

from .. import adequacy as reference_adequacy
from ..adequacy import KINK_TOL, Adequacy
from ..axes import (
    COAL,
    COAL_CCS,
    EN_COAL,
    EN_NUCLEAR,
    EN_SOLAR,
    EN_WIND,
    ENERGY_OPTIONS,
    FIRM_COAL,
    FIRM_GAS,
    FIRM_NUCLEAR,
    FIRM_OPTIONS,
    FIRM_STORAGE,
    GAS,
    HYDRO,
    NTS,
    NUCLEAR,
    PHS,
    POWER_TECHS,
    SOLAR,
    STORAGE_KINDS,
    WIND,
)
from ..capacity import Capacity
from ..storage import GWH_PER_TWH, StorageStock, absorbed, softplus
from ..units import TWH_PER_GW_YEAR
from ._jit import jit
from .adequacy import (
    capital_recovery,
    capped_split,
    firm_capacity,
    logit_shares,
    storage_credit,
    storage_credits,
    surplus_ratio,
)
from .capacity import empty, sample_rows, typed_jit


@jit
def _softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@jit
def _raw_curtailment(vre, demand, flexibility, width, softplus_0):
    """storage.raw_curtailment with its constant term ``softplus(-flexibility / width)`` given."""
    d = max(demand, 1e-9)
    s = vre / d
    return d * width * (_softplus((s - flexibility) / width) - softplus_0)


@jit
def _absorbed(raw, shift):
    a = max(shift, 1e-12)
    return a * -math.expm1(-raw / a) if shift > 0 else 0.0


# --- what depends on the parameters and the year's costs alone (rows: 1 shared or S) -------------------
@typed_jit("r" * 27 + "WWwwwwww")
def _prelude(discount, nts_life, gas_life, nuclear_life, vre_life, nts_capex, gas_capex, coal_fixed,
             nuclear_capex, wind_capex, solar_capex, run_hours, credit_thermal, nts_duration, credit_hours,
             new_coal, new_gas, gas_ok, coal_ok, nuclear_room, invest_scale, cycles, nts_round_trip,
             flexibility, width, nuclear_cf, on,
             firm_shares, firm_per_gw, mwh_per_kw, x_star, nuclear_cost, wind_num, solar_num, softplus_0):
    """adequacy.firm_costs, the firm options' logit shares and credits, the storage step's surplus
    ratio (adequacy.surplus_ratio) and the energy options' capital terms, row by row."""
    cost = np.empty(len(FIRM_OPTIONS))
    allowed = np.empty(len(FIRM_OPTIONS))
    key = np.full(9, np.nan)  # the last row's parameter-only inputs: a row with the same reuses its terms
    q_last = x_last = math.nan
    crf_nts = crf_gas = crf_nuclear = crf_vre = credit_store = sp0 = math.nan
    for s in range(x_star.shape[0]):
        r = discount[s]
        run = run_hours[s] * 1e-3
        same = (r == key[0] and nts_life[s] == key[1] and gas_life[s] == key[2] and nuclear_life[s] == key[3]
                and vre_life[s] == key[4] and nts_duration[s] == key[5] and credit_hours[s] == key[6]
                and flexibility[s] == key[7] and width[s] == key[8])
        if not same:  # (the same inputs give the same numbers: reusing them changes none)
            key[0], key[1], key[2], key[3], key[4] = r, nts_life[s], gas_life[s], nuclear_life[s], vre_life[s]
            key[5], key[6], key[7], key[8] = nts_duration[s], credit_hours[s], flexibility[s], width[s]
            crf_nts = capital_recovery(r, nts_life[s])
            crf_gas = capital_recovery(r, gas_life[s])
            crf_nuclear = capital_recovery(r, nuclear_life[s])
            crf_vre = capital_recovery(r, vre_life[s])
            credit_store = storage_credit(nts_duration[s], credit_hours[s])
            sp0 = _softplus(-flexibility[s] / width[s])
        ct = credit_thermal[s]
        cost[FIRM_STORAGE] = nts_capex[s] * crf_nts / credit_store
        cost[FIRM_GAS] = (gas_capex[s] * crf_gas + new_gas[s] * run) / ct
        cost[FIRM_COAL] = (coal_fixed[s] + new_coal[s] * run) / ct
        cost[FIRM_NUCLEAR] = (nuclear_capex[s] * crf_nuclear) / ct
        allowed[FIRM_STORAGE] = 1.0
        allowed[FIRM_GAS] = gas_ok[s]
        allowed[FIRM_COAL] = coal_ok[s]
        allowed[FIRM_NUCLEAR] = 1.0 if nuclear_room[s] > 0 else 0.0
        shares = logit_shares((cost[0], cost[1], cost[2], cost[3]), (allowed[0], allowed[1], allowed[2], allowed[3]),
                              invest_scale[s])
        for o in range(len(FIRM_OPTIONS)):
            firm_shares[s, o] = shares[o]
        firm_per_gw[s, FIRM_STORAGE] = credit_store
        firm_per_gw[s, FIRM_GAS] = firm_per_gw[s, FIRM_COAL] = firm_per_gw[s, FIRM_NUCLEAR] = ct
        mwh = cycles[s] * nts_duration[s] * 1e-3
        mwh_per_kw[s] = mwh
        x_star[s] = 1.0
        if on[s] > 0:  # (read from the response year on only: 72 exp/expm1 a row)
            value = mwh * nts_round_trip[s] * new_coal[s]
            q = min(max(nts_capex[s] * crf_nts / max(value, 1e-9), 0.0), 1.0)
            if q != q_last:
                q_last, x_last = q, surplus_ratio(q)
            x_star[s] = x_last
        nuclear_cost[s] = nuclear_capex[s] * crf_nuclear / (nuclear_cf[s] * TWH_PER_GW_YEAR)
        wind_num[s] = wind_capex[s] * crf_vre
        solar_num[s] = solar_capex[s] * crf_vre
        softplus_0[s] = sp0


@jit
def _split(m, gap, room, coal_allowed, coal_cf_max, nuclear_cf, wind_cf, solar_cf, coal_fixed, new_coal,
           nuclear_cost, wind_num, solar_num, energy_scale):
    """investment._energy_split of one sample: GW of coal, nuclear, wind and solar delivering ``gap``."""
    tw = TWH_PER_GW_YEAR
    per_gw = (max(tw * coal_cf_max, 1e-9), max(tw * nuclear_cf, 1e-9), max(tw * wind_cf * (1.0 - m), 1e-9),
              max(tw * solar_cf * (1.0 - m), 1e-9))
    keep_m = max(1.0 - m, 1e-3)
    cost = (coal_fixed / (coal_cf_max * tw) + new_coal, nuclear_cost, wind_num / (wind_cf * tw * keep_m),
            solar_num / (solar_cf * tw * keep_m))
    allowed = (coal_allowed, 1.0 if room > 0 else 0.0, 1.0, 1.0)
    shares = logit_shares(cost, allowed, energy_scale)
    return capped_split(gap, shares, per_gw, EN_NUCLEAR, max(room, 0.0))


# --- the fused step ----------------------------------------------------------------------------------
@jit
def _storage(has_prev, extra_nts, phs_add, nts_add, phs_dur, nts_dur, phs_2020, nts_2020, prev_gw_p, prev_gw_n,
             prev_gwh_p, prev_gwh_n, cycles, phs_rt, nts_rt):
    """storage.step_storage of one sample: (GW, GWh, GW added) by kind, shifting capability, efficiency."""
    add_p = phs_add
    add_n = nts_add + extra_nts
    if has_prev:
        start_gwh_p, start_gwh_n = prev_gwh_p, prev_gwh_n
        gw_p, gw_n = prev_gw_p + add_p, prev_gw_n + add_n
    else:
        gw_p, gw_n = phs_2020, nts_2020
        start_gwh_p, start_gwh_n = (gw_p - add_p) * phs_dur, (gw_n - add_n) * nts_dur
    gwh_p, gwh_n = gw_p * phs_dur, gw_n * nts_dur
    avail_p, avail_n = 0.5 * (start_gwh_p + gwh_p), 0.5 * (start_gwh_n + gwh_n)
    shift = (avail_p + avail_n) * cycles / GWH_PER_TWH
    eff = (avail_p * phs_rt + avail_n * nts_rt) / max(avail_p + 0.0 + avail_n, 1e-12)
    return gw_p, gw_n, gwh_p, gwh_n, add_p, add_n, shift, eff


@typed_jit("iiii"
           "rrrrrrrrr"  # demand .. extension_share
           "rrrrrrrrr"  # wind_cf .. hydro_cf
           "RRrrrrrrRRrrrrr"  # firm_shares .. width
           "rrrrr"  # mwh_per_kw .. nuclear_cf
           "rrrrr"  # gas_cf_max .. energy_margin
           "rrrrrr"  # new_coal .. energy_scale
           "rrrrr"  # the main path's transcendentals (numpy): credits, raw curtailment (twice), absorbed
           "RRRrrr" "RRRrr"  # the capacity and storage in
           "wwwWWw" "WWWww" "WWWww"  # adequacy, capacity and storage out
           "w")  # new_state
def _step_adequacy(t, year, has_prev, passes,
                   demand, response_from, no_coal, no_gas, load_factor, reserve_margin, nuclear_max, nuclear_add,
                   extension_share,
                   wind_cf, solar_cf, credit_hours, credit_thermal, credit_hydro, credit_wind, credit_solar,
                   halving, hydro_cf,
                   firm_shares, firm_per_gw, phs_add, nts_add, phs_dur, nts_dur, phs_2020, nts_2020, prev_gw,
                   prev_gwh, cycles, phs_rt, nts_rt, flexibility, width,
                   mwh_per_kw, x_star, prev_coal_twh, softplus_0, nuclear_cf,
                   gas_cf_max, coal_cf_max, must_run, gas_bound, energy_margin,
                   new_coal, coal_fixed, nuclear_cost, wind_num, solar_num, energy_scale,
                   credit_phs0, credit_nts0, raw_surplus0, raw_supply0, absorbed0,
                   cap_start, cap_end, cap_avail, aged_in, backup_start, backup_in,
                   store_gw, store_gwh, store_added, shift_in, eff_in,
                   peak, required, firm, firm_built, energy_built, econ_gw,
                   start, end, avail, aged_out, backup,
                   gw, gwh, added, shift, eff,
                   new_state):
    tw = TWH_PER_GW_YEAR
    new_state[0] = 0.0
    for s in range(demand.shape[0]):
        on = 1.0 if year >= response_from[s] else 0.0
        d = demand[s]
        # the sample's capacity (start, end, available) and storage, in registers
        st_c, st_n, st_w, st_s = cap_start[s, COAL], cap_start[s, NUCLEAR], cap_start[s, WIND], cap_start[s, SOLAR]
        en_c, en_x, en_g, en_h = cap_end[s, COAL], cap_end[s, COAL_CCS], cap_end[s, GAS], cap_end[s, HYDRO]
        en_n, en_w, en_s = cap_end[s, NUCLEAR], cap_end[s, WIND], cap_end[s, SOLAR]
        av_c, av_x, av_g, av_h = cap_avail[s, COAL], cap_avail[s, COAL_CCS], cap_avail[s, GAS], cap_avail[s, HYDRO]
        av_n, av_w, av_s = cap_avail[s, NUCLEAR], cap_avail[s, WIND], cap_avail[s, SOLAR]
        aged, bk = aged_in[s], backup_in[s]
        gw_p, gw_n, gwh_p, gwh_n = store_gw[s, PHS], store_gw[s, NTS], store_gwh[s, PHS], store_gwh[s, NTS]
        add_p, add_n, sh, ef = store_added[s, PHS], store_added[s, NTS], shift_in[s], eff_in[s]
        peak_s = d / (tw * load_factor[s])
        required_s = peak_s * (1.0 + reserve_margin[s])
        nuclear_room = max(nuclear_max[s] - nuclear_add[s], 0.0)
        ct = credit_thermal[s]
        # 1. firm capacity: the coal units reaching their lifetime kept as backup, then the firm options
        firm_s = firm_capacity(en_c, en_x, en_g, en_h, en_n, en_w, en_s, gw_p, gw_n, credit_phs0[s], credit_nts0[s],
                               d, wind_cf[s], solar_cf[s], ct, credit_hydro[s], credit_wind[s], credit_solar[s],
                               halving[s])
        short = max(required_s - firm_s, 0.0) * on
        changed = short > 0  # (the sample's capacity or storage differs from the step's input)
        if short > 0:
            extended = max(min(short / ct, extension_share[s] * aged), 0.0)
            en_c = en_c + extended
            av_c = 0.5 * (st_c + en_c)
            aged = aged - extended
            bk = bk + extended
            short = max(short - extended * ct, 0.0)
        fb = (0.0, 0.0, 0.0, 0.0)
        restock = False
        if short > 0:
            fb = capped_split(short, (firm_shares[s, 0], firm_shares[s, 1], firm_shares[s, 2], firm_shares[s, 3]),
                              (firm_per_gw[s, 0], firm_per_gw[s, 1], firm_per_gw[s, 2], firm_per_gw[s, 3]),
                              FIRM_NUCLEAR, nuclear_room)
            en_g = en_g + fb[FIRM_GAS]
            en_c = en_c + fb[FIRM_COAL]
            en_n = en_n + fb[FIRM_NUCLEAR]
            av_g = 0.5 * (cap_start[s, GAS] + en_g)
            av_c = 0.5 * (st_c + en_c)
            av_n = 0.5 * (st_n + en_n)
            restock = True
        if has_prev:
            prev_p, prev_n, prev_hp, prev_hn = prev_gw[s, PHS], prev_gw[s, NTS], prev_gwh[s, PHS], prev_gwh[s, NTS]
        else:
            prev_p = prev_n = prev_hp = prev_hn = 0.0
        if restock:
            gw_p, gw_n, gwh_p, gwh_n, add_p, add_n, sh, ef = _storage(
                has_prev, fb[FIRM_STORAGE], phs_add[s], nts_add[s], phs_dur[s], nts_dur[s], phs_2020[s],
                nts_2020[s], prev_p, prev_n, prev_hp, prev_hn, cycles[s], phs_rt[s], nts_rt[s])
        # 2. storage for surplus: sized at the start of each energy pass, on that pass's fleet
        econ = 0.0
        sh_firm = sh  # the storage's shifting capability before it
        coal_prev = prev_coal_twh[s] if has_prev else 0.0
        # 3. energy: the planning supply (power.supply with hydro factor 1) and builds for its gap
        eb_c = eb_n = eb_w = eb_s = 0.0
        room = nuclear_room - fb[FIRM_NUCLEAR]
        gen_backup = 0.5 * (backup_start[s] + bk)
        done = False  # (a pass found nothing to build: the storage is that of the final fleet)
        for p in range(passes):
            growth = 0.0
            to_kink = math.inf
            if on > 0:
                # (the first pass: the wind and solar of the step's input, which the firm step does not change)
                raw_s = raw_surplus0[s] if p == 0 else _raw_curtailment(
                    (av_w * wind_cf[s] + av_s * solar_cf[s]) * tw, d, flexibility[s], width[s], softplus_0[s])
                want = raw_s / x_star[s]
                top = sh_firm + coal_prev
                econ = on * max(min(want, top) - sh_firm, 0.0) / (0.5 * mwh_per_kw[s])
                ahead = want < sh_firm * (1.0 - KINK_TOL)
                if not ahead and want < top:
                    growth = on * (1.0 / x_star[s])
                if ahead:
                    dd = max(d, 1e-9)
                    y = x_star[s] * sh_firm / (dd * width[s]) + softplus_0[s]
                    v_kink = dd * (flexibility[s] + width[s] * (y + math.log(-math.expm1(-max(y, 1e-300)))))
                    to_kink = max(v_kink - (av_w * wind_cf[s] + av_s * solar_cf[s]) * tw, 0.0)
                if econ > 0:
                    changed = restock = True
                    gw_p, gw_n, gwh_p, gwh_n, add_p, add_n, sh, ef = _storage(
                        has_prev, fb[FIRM_STORAGE] + econ, phs_add[s], nts_add[s], phs_dur[s], nts_dur[s],
                        phs_2020[s], nts_2020[s], prev_p, prev_n, prev_hp, prev_hn, cycles[s], phs_rt[s], nts_rt[s])
            gen_c = av_c - gen_backup
            nf_h = av_h * hydro_cf[s] * tw
            nf_n = av_n * nuclear_cf[s] * tw
            nf_w = av_w * wind_cf[s] * tw
            nf_s = av_s * solar_cf[s] * tw
            vre = nf_w + nf_s
            # (the first pass: the wind and solar of the step's input; its storage unless some was built)
            raw = raw_supply0[s] if p == 0 else _raw_curtailment(vre, d, flexibility[s], width[s], softplus_0[s])
            took = absorbed0[s] if p == 0 and not restock else _absorbed(raw, sh)
            back = took * ef
            keep = 1.0 - ((raw - back) / vre if vre > 0 else 0.0)
            nf_w *= keep
            nf_s *= keep
            g_max = min(av_g * gas_cf_max[s] * tw, gas_bound[s])
            c_max = (gen_c + av_x) * coal_cf_max[s] * tw
            if not on > 0:
                done = True
                break
            deliverable = nf_h + 0.0 + nf_n + nf_w + nf_s + must_run[s] + g_max + c_max
            gap = max(d * (1.0 + energy_margin[s]) - deliverable, 0.0) * on
            if not gap > 0:
                done = True
                break
            # energy_builds
            m = 0.5 * (1.0 + math.tanh(0.5 * (vre / max(d, 1e-9) - flexibility[s]) / width[s]))
            xs = raw / max(sh, 1e-12)
            taken = math.exp(-xs) if sh > 0 else 0.0
            grows = growth if sh > 0 else 0.0
            m = m * (1.0 - taken * ef
                     - grows * ((-math.expm1(-xs) - xs * math.exp(-xs)) * ef + -math.expm1(-xs) * (nts_rt[s] - ef)))
            coal_allowed = 1.0 if year < no_coal[s] else 0.0
            b = _split(m, gap, room, coal_allowed, coal_cf_max[s], nuclear_cf[s], wind_cf[s], solar_cf[s],
                       coal_fixed[s], new_coal[s], nuclear_cost[s], wind_num[s], solar_num[s], energy_scale[s])
            more_vre = (b[EN_WIND] * wind_cf[s] + b[EN_SOLAR] * solar_cf[s]) * tw
            if more_vre > to_kink:  # up to where storage for surplus starts to grow, the rest at the margin there
                first = to_kink / max(more_vre, 1e-300)
                m_k = 0.5 * (1.0 + math.tanh(0.5 * ((vre + to_kink) / max(d, 1e-9) - flexibility[s]) / width[s]))
                m_k = m_k * (1.0 - nts_rt[s] * -math.expm1(-x_star[s]) / x_star[s])
                rest = _split(m_k, gap * (1.0 - first), room - b[EN_NUCLEAR] * first, coal_allowed, coal_cf_max[s],
                              nuclear_cf[s], wind_cf[s], solar_cf[s], coal_fixed[s], new_coal[s], nuclear_cost[s],
                              wind_num[s], solar_num[s], energy_scale[s])
                b = (b[0] * first + rest[0], b[1] * first + rest[1], b[2] * first + rest[2], b[3] * first + rest[3])
            changed = True
            eb_c, eb_n, eb_w, eb_s = eb_c + b[EN_COAL], eb_n + b[EN_NUCLEAR], eb_w + b[EN_WIND], eb_s + b[EN_SOLAR]
            room = room - b[EN_NUCLEAR]
            en_c, st_c = en_c + b[EN_COAL], st_c + b[EN_COAL]
            en_n, st_n = en_n + b[EN_NUCLEAR], st_n + b[EN_NUCLEAR]
            en_w, st_w = en_w + b[EN_WIND], st_w + b[EN_WIND]
            en_s, st_s = en_s + b[EN_SOLAR], st_s + b[EN_SOLAR]
            av_c, av_n = 0.5 * (st_c + en_c), 0.5 * (st_n + en_n)
            av_w, av_s = 0.5 * (st_w + en_w), 0.5 * (st_s + en_s)
        if not done:  # (every pass built: the storage for surplus of the final fleet)
            raw_s = _raw_curtailment((av_w * wind_cf[s] + av_s * solar_cf[s]) * tw, d, flexibility[s], width[s],
                                     softplus_0[s])
            econ = on * max(min(raw_s / x_star[s], sh_firm + coal_prev) - sh_firm, 0.0) / (0.5 * mwh_per_kw[s])
            if econ > 0:
                changed = restock = True
                gw_p, gw_n, gwh_p, gwh_n, add_p, add_n, sh, ef = _storage(
                    has_prev, fb[FIRM_STORAGE] + econ, phs_add[s], nts_add[s], phs_dur[s], nts_dur[s],
                    phs_2020[s], nts_2020[s], prev_p, prev_n, prev_hp, prev_hn, cycles[s], phs_rt[s], nts_rt[s])
        # adequacy, capacity and storage of the year
        peak[s], required[s], econ_gw[s] = peak_s, required_s, econ
        if changed:
            credit_p, credit_n = storage_credits(gw_p, gw_n, gwh_p, gwh_n, credit_hours[s]) if restock else (
                credit_phs0[s], credit_nts0[s])
            firm_s = firm_capacity(en_c, en_x, en_g, en_h, en_n, en_w, en_s, gw_p, gw_n, credit_p, credit_n, d,
                                   wind_cf[s], solar_cf[s], ct, credit_hydro[s], credit_wind[s], credit_solar[s],
                                   halving[s])
        firm[s] = firm_s
        for o in range(len(FIRM_OPTIONS)):
            firm_built[s, o] = fb[o]
        energy_built[s, EN_COAL], energy_built[s, EN_NUCLEAR] = eb_c, eb_n
        energy_built[s, EN_WIND], energy_built[s, EN_SOLAR] = eb_w, eb_s
        # capacity and storage: written once some sample changed them (the samples before it copied),
        # else the step's input arrays are its output, as in the reference
        if changed and not new_state[0]:
            new_state[0] = 1.0
            for r in range(s):
                for k in range(cap_start.shape[1]):
                    start[r, k], end[r, k], avail[r, k] = cap_start[r, k], cap_end[r, k], cap_avail[r, k]
                aged_out[r], backup[r] = aged_in[r], backup_in[r]
                for j in range(store_gw.shape[1]):
                    gw[r, j], gwh[r, j], added[r, j] = store_gw[r, j], store_gwh[r, j], store_added[r, j]
                shift[r], eff[r] = shift_in[r], eff_in[r]
        if new_state[0]:
            start[s, COAL], start[s, COAL_CCS], start[s, GAS] = st_c, cap_start[s, COAL_CCS], cap_start[s, GAS]
            start[s, HYDRO], start[s, NUCLEAR] = cap_start[s, HYDRO], st_n
            start[s, WIND], start[s, SOLAR] = st_w, st_s
            end[s, COAL], end[s, COAL_CCS], end[s, GAS], end[s, HYDRO] = en_c, en_x, en_g, en_h
            end[s, NUCLEAR], end[s, WIND], end[s, SOLAR] = en_n, en_w, en_s
            avail[s, COAL], avail[s, COAL_CCS], avail[s, GAS], avail[s, HYDRO] = av_c, av_x, av_g, av_h
            avail[s, NUCLEAR], avail[s, WIND], avail[s, SOLAR] = av_n, av_w, av_s
            aged_out[s], backup[s] = aged, bk
            gw[s, PHS], gw[s, NTS], gwh[s, PHS], gwh[s, NTS] = gw_p, gw_n, gwh_p, gwh_n
            added[s, PHS], added[s, NTS], shift[s], eff[s] = add_p, add_n, sh, ef

def _rows(*values) -> int:
    """1 when every value is shared by all samples, else S."""
    return max(np.shape(v)[0] if np.ndim(v) else 1 for v in values)


def _main_path(pw, cap, store, demand, t, active):
    """What the step's main path (no sample builds) takes from exp, log1p and expm1, computed by the
    reference's own numpy functions on the step's input (vectorised: numpy's SIMD routines cost about
    1 ns a value, the C library's 5 to 12 ns, and a sample's chain of them bounds the fused loop):
    the storage credits of firm_capacity, the raw curtailment of the storage step and of the first
    planning supply, and what storage absorbs of it. The kernel recomputes them (C library) for a
    sample whose storage or wind and solar changed."""
    dur = np.divide(store.gwh, store.gw, out=np.zeros_like(store.gwh), where=store.gw > 0)
    credit = reference_adequacy.storage_credit(dur, pw.storage_credit_hours)
    d = np.maximum(demand, 1e-9)
    flex, width = pw.grid_flexibility[..., t], pw.curtailment_width
    const = softplus(-flex / width)

    def raw_curtailment(vre):  # storage.raw_curtailment (the reference formula, not its kernel)
        return d * width * (softplus((vre / d - flex) / width) - const)

    avail, wind_cf, solar_cf = cap.available_gw, pw.wind_cf[..., t], pw.solar_cf[..., t]
    raw_supply = raw_curtailment(avail[..., WIND] * wind_cf * TWH_PER_GW_YEAR
                                 + avail[..., SOLAR] * solar_cf * TWH_PER_GW_YEAR)
    raw_surplus = raw_curtailment((avail[..., WIND] * wind_cf + avail[..., SOLAR] * solar_cf) * TWH_PER_GW_YEAR
                                  ) if active else np.zeros(1)
    return (credit[..., PHS], credit[..., NTS], raw_surplus, raw_supply, absorbed(raw_supply, store.shift_twh))


def step_adequacy(pw, prev, cap, store, demand, costs, gas_bound_twh, year, t, passes):
    """:func:`ctsim.engine.investment.step_adequacy` (``passes``: its ``ENERGY_PASSES``)."""
    n = demand.shape[0]
    year = int(year)
    has_prev = prev is not None
    nuclear_room = np.maximum(pw.nuclear_build_max_gw - pw.nuclear_additions_gw[..., t], 0.0)
    on = np.where(year >= pw.response_from_year, 1.0, 0.0)
    coal_ok = np.where(year < pw.no_new_coal_from_year, 1.0, 0.0)
    gas_ok = np.where(year < pw.no_new_gas_from_year, 1.0, 0.0)
    pre_in = (pw.discount_rate, pw.nts_lifetime_yr, pw.gas_lifetime_yr, pw.nuclear_lifetime_yr, pw.vre_lifetime_yr,
              pw.nts_capex_cny_per_kw[..., t], pw.gas_capex_cny_per_kw, pw.coal_fixed_cost_cny_per_kw_yr,
              pw.nuclear_capex_cny_per_kw, pw.wind_capex_cny_per_kw[..., t], pw.solar_capex_cny_per_kw[..., t],
              pw.firm_run_hours, pw.credit_thermal, pw.nts_duration_h[..., t], pw.storage_credit_hours,
              costs.new_coal_cny_per_mwh, costs.new_gas_cny_per_mwh, gas_ok, coal_ok, nuclear_room,
              pw.invest_cost_scale_cny_per_kw_yr, pw.storage_cycles_per_yr, pw.nts_round_trip,
              pw.grid_flexibility[..., t], pw.curtailment_width, pw.nuclear_cf[..., t], on)
    rows = _rows(*pre_in)
    firm_shares, firm_per_gw = np.empty((rows, len(FIRM_OPTIONS))), np.empty((rows, len(FIRM_OPTIONS)))
    mwh_per_kw, x_star, nuclear_cost, wind_num, solar_num, softplus_0 = (np.empty(rows) for _ in range(6))
    _prelude(*(sample_rows(v, rows) for v in pre_in), firm_shares, firm_per_gw, mwh_per_kw, x_star, nuclear_cost,
             wind_num, solar_num, softplus_0)

    def one(value):
        return sample_rows(value, n)

    def col(path):
        return sample_rows(path[..., t], n)

    zero = np.zeros(1)
    k, j = len(POWER_TECHS), len(STORAGE_KINDS)
    o = len(FIRM_OPTIONS)
    (peak, required, firm, econ_gw, firm_built, energy_built, start, end, avail, aged_out, backup, gw, gwh, added,
     shift, eff) = empty((n,), (n,), (n,), (n,), (n, o), (n, len(ENERGY_OPTIONS)), (n, k), (n, k), (n, k), (n,),
                         (n,), (n, j), (n, j), (n, j), (n,), (n,))
    new_state = np.zeros(1)
    must_run = pw.bio_generation_twh[..., t] + pw.oil_generation_twh[..., t]
    main_path = _main_path(pw, cap, store, demand, t, bool(np.any(on > 0)))
    _step_adequacy(
        t, year, int(has_prev), int(passes),
        one(demand), one(pw.response_from_year), one(pw.no_new_coal_from_year), one(pw.no_new_gas_from_year),
        col(pw.load_factor), one(pw.reserve_margin), one(pw.nuclear_build_max_gw), col(pw.nuclear_additions_gw),
        one(pw.coal_extension_share),
        col(pw.wind_cf), col(pw.solar_cf), one(pw.storage_credit_hours), one(pw.credit_thermal),
        one(pw.credit_hydro), one(pw.credit_wind), one(pw.credit_solar), one(pw.credit_vre_halving_share),
        col(pw.hydro_cf),
        sample_rows(firm_shares, n), sample_rows(firm_per_gw, n), col(pw.phs_additions_gw), col(pw.nts_additions_gw),
        one(pw.phs_duration_h), col(pw.nts_duration_h), one(pw.phs_capacity_2020_gw), one(pw.nts_capacity_2020_gw),
        sample_rows(prev.storage_gw if has_prev else np.zeros((1, j)), n),
        sample_rows(prev.storage_gwh if has_prev else np.zeros((1, j)), n),
        one(pw.storage_cycles_per_yr), one(pw.phs_round_trip), one(pw.nts_round_trip), col(pw.grid_flexibility),
        one(pw.curtailment_width),
        one(mwh_per_kw), one(x_star), one(prev.coal_generation_twh if has_prev else zero), one(softplus_0),
        col(pw.nuclear_cf),
        one(pw.gas_cf_max), one(pw.coal_cf_max), one(must_run), one(gas_bound_twh),
        one(pw.energy_margin),
        one(costs.new_coal_cny_per_mwh), one(pw.coal_fixed_cost_cny_per_kw_yr), one(nuclear_cost), one(wind_num),
        one(solar_num), one(pw.energy_cost_scale_cny_per_mwh),
        *(one(x) for x in main_path),
        one(cap.start_gw), one(cap.end_gw), one(cap.available_gw), one(cap.coal_aged_out_gw),
        one(cap.coal_backup_start_gw), one(cap.coal_backup_gw),
        one(store.gw), one(store.gwh), one(store.added_gw), one(store.shift_twh), one(store.efficiency),
        peak, required, firm, firm_built, energy_built, econ_gw,
        start, end, avail, aged_out, backup,
        gw, gwh, added, shift, eff,
        new_state)
    adequacy = Adequacy(peak, required, firm, firm_built, energy_built, econ_gw)
    if new_state[0]:
        capacity = Capacity(start, end, avail, cap.coal_retire_deferred_gw, cap.coal_early_retired_gw, aged_out,
                            cap.coal_backup_start_gw, backup)
        stock = StorageStock(gw, gwh, added, shift, eff)
    else:  # nothing kept, built or stored in any sample
        capacity, stock = cap, store
    # (no planning supply: the year loop computes the dispatch supply with power.supply, so that a
    # sample's supply never depends on whether another sample in the chunk built: a supply of this
    # kernel's arithmetic would differ from power.supply's by a unit in the last place, and the loop
    # takes the planning supply only when no sample built energy)
    return adequacy, capacity, stock, None
