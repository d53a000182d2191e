"""The power and storage kernels (ctsim.engine.compiled.power, .storage) against their numpy reference.

Every kernel must give the reference's numbers bit for bit (``np.array_equal``), with the same shapes
and dtypes, field by field: the kernels leave exp, log1p, expm1 and tanh to numpy's own ufuncs on the
same arguments (compiled/storage.py), so no transcendental is computed differently and nothing is
left to a tolerance. Checked on (a) the real arguments of every call that the year loop, the adequacy
step and the caps make in bundled scenarios (captured while they run), and (b) random and edge
inputs: zeros, floors and logit branches taken by some samples and not others, shared [1] and
per-sample values mixed, a region axis, NaN and inf.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from tests.unit.test_compiled_engine import ROOT, design_inputs

from ctsim.engine import caps, compiled, investment, power, simulate, storage
from ctsim.inputs.build import build_inputs
from ctsim.pipeline import load
from ctsim.resolve import resolve

POWER_STEPS = ("step_costs", "step_demand", "supply", "gas_bound", "step_dispatch", "coal_fleet", "step_fuels",
               "coal_co2_segments")
STORAGE_STEPS = ("step_storage", "curtailment", "raw_curtailment", "marginal_curtailment")
# modules that call these functions by their own name (from ... import ...)
IMPORTERS = (investment, caps)
SCENARIOS = ("steel2030", "rationing2021", "dual-control", "dry-years", "neutrality2060", "crunch2021-provinces")


def fields(x):
    """A result as a flat list of arrays (dataclasses and tuples unpacked, in order)."""
    if dataclasses.is_dataclass(x):
        return [a for f in dataclasses.fields(x) for a in fields(getattr(x, f.name))]
    if isinstance(x, tuple):
        return [a for v in x for a in fields(v)]
    return [x]


def assert_same(ref, got, where=""):
    a, b = fields(ref), fields(got)
    assert type(ref) is type(got) and len(a) == len(b), where
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        if x is None or y is None:  # an optional field left unset (Costs.storage_surplus_ratio)
            assert x is y, (where, k)
            continue
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape and x.dtype == y.dtype, (where, k, x.shape, y.shape, x.dtype, y.dtype)
        assert np.array_equal(x, y, equal_nan=True), (where, k, np.max(np.abs(x - y)))


def both(f, *args):
    with compiled.use("numpy"):
        ref = f(*args)
    with compiled.use("numba"):
        got = f(*args)
    return ref, got


@cache
def captured(name: str) -> tuple:
    """(function name, function, arguments) of every call the scenario's run makes (numpy backend)."""
    calls = []
    mp = pytest.MonkeyPatch()
    try:
        for mod, names in ((power, POWER_STEPS), (storage, STORAGE_STEPS)):
            for fname in names:
                f = getattr(mod, fname)

                def spy(*args, _f=f, _n=fname):
                    calls.append((_n, _f, args))
                    return _f(*args)

                mp.setattr(mod, fname, spy)
                for user in IMPORTERS:
                    if hasattr(user, fname):
                        mp.setattr(user, fname, spy)
        with compiled.use("numpy"):
            simulate(design_inputs(name))
    finally:
        mp.undo()
    return tuple(calls)


@pytest.mark.parametrize("name", SCENARIOS)
def test_kernels_give_the_reference_numbers_on_the_bundled_scenarios(name):
    calls = captured(name)
    for k, (fname, f, args) in enumerate(calls):
        ref, got = both(f, *args)
        assert_same(ref, got, f"{name}: call {k} of {fname}")


def test_the_captured_calls_reach_every_kernel_and_both_dispatch_branches():
    calls = [c for name in SCENARIOS for c in captured(name)]
    assert {n for n, _, _ in calls} == set(POWER_STEPS + STORAGE_STEPS)
    flags = {args[5] for n, _, args in calls if n == "step_dispatch"}
    assert flags == {True, False}  # a second dispatch under a coal shortfall in some scenarios
    # and the design's samples differ, so the kernels' branches split samples within one call
    hits = [np.asarray(args[2].coal_max_twh) for n, _, args in calls if n == "step_dispatch"]
    assert any(len(np.unique(h)) > 2 for h in hits)


def test_a_changed_result_is_seen():
    ref = captured("steel2030")[0]
    _, f, args = next(c for c in captured("steel2030") if c[0] == "step_fuels")
    r = f(*args)
    changed = dataclasses.replace(r, co2_mt=np.nextafter(r.co2_mt, np.inf))
    with pytest.raises(AssertionError):
        assert_same(r, changed)
    assert ref  # (the capture ran)


# --- random and edge inputs -----------------------------------------------------------------------
S = 64
T = 20


@cache
def base():
    """steel2030's inputs for S samples (every parameter shared: [1]) and a generator."""
    inp = build_inputs(resolve(load(ROOT / "scenarios" / "steel2030.yaml")), n_samples=S)
    return inp, np.random.default_rng(17)


def rng_for(seed):
    return np.random.default_rng(seed)


def mixed(rng, lo, hi, zeros=0.2, shared=False):
    """Per-sample values in [lo, hi) with some exact zeros, or one shared [1] value."""
    if shared:
        return np.array([rng.uniform(lo, hi)])
    x = rng.uniform(lo, hi, S)
    x[rng.random(S) < zeros] = 0.0
    return x


def capacity(rng):
    gw = rng.uniform(0.0, 1500.0, (S, 7))
    gw[rng.random((S, 7)) < 0.15] = 0.0
    return gw


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shared", [False, True])
def test_curtailment_kernels_on_random_inputs(seed, shared):
    rng = rng_for(seed)
    vre = mixed(rng, 0.0, 8000.0)
    demand = mixed(rng, 0.0, 12000.0)  # 0: the demand floor
    flex = mixed(rng, 0.0, 0.6, zeros=0.0, shared=shared)
    width = mixed(rng, 0.01, 0.3, zeros=0.0, shared=shared)
    for f in (storage.raw_curtailment, storage.marginal_curtailment):
        assert_same(*both(f, vre, demand, flex, width), f.__name__)
    # a region axis [S, G], and a NaN that must come through
    vre2 = rng.uniform(0.0, 500.0, (S, 5))
    demand2 = rng.uniform(0.0, 900.0, (S, 5))
    demand2[3, 2] = np.nan
    for f in (storage.raw_curtailment, storage.marginal_curtailment):
        assert_same(*both(f, vre2, demand2, flex[..., None] if not shared else flex, 0.1), f.__name__ + " [S, G]")


def storage_stock(rng, n=S):
    shift = mixed(rng, 0.0, 300.0, zeros=0.3)
    return storage.StorageStock(rng.uniform(0, 100, (n, 2)), rng.uniform(0, 400, (n, 2)), np.zeros((n, 2)),
                                shift, rng.uniform(0.7, 0.9, n))


@pytest.mark.parametrize("seed", range(4))
def test_storage_kernels_on_random_inputs(seed):
    inp, _ = base()
    rng = rng_for(seed)
    pw = inp.power
    t = T
    store = storage_stock(rng)
    vre = mixed(rng, 0.0, 6000.0)
    demand = mixed(rng, 1000.0, 12000.0, zeros=0.1)
    assert_same(*both(storage.curtailment, pw, store, vre, demand, t), "curtailment")
    # per-sample storage paths and an extra build in some samples
    pw2 = dataclasses.replace(pw, nts_additions_gw=rng.uniform(0, 50, (S, pw.nts_additions_gw.shape[-1])),
                              phs_round_trip=rng.uniform(0.7, 0.8, S))
    extra = mixed(rng, 0.0, 30.0, zeros=0.5)
    for p in (pw, pw2):
        assert_same(*both(storage.step_storage, p, None, extra, t, S), "step_storage, first year")
        prev = _state(inp, rng)
        assert_same(*both(storage.step_storage, p, prev, extra, t, S), "step_storage")
        assert_same(*both(storage.step_storage, p, prev, np.zeros(S), t, S), "step_storage, no extra")


def _state(inp, rng):
    """A State with random storage and demand (the fields the power and storage steps read)."""
    prev = next(args[1] for n, _, args in captured("steel2030") if n == "step_storage" and args[1] is not None)
    return dataclasses.replace(prev, storage_gw=rng.uniform(0, 100, (S, 2)), storage_gwh=rng.uniform(0, 400, (S, 2)),
                               base_demand_twh=rng.uniform(5000, 9000, S))


def costs_for(inp, rng, sampled: bool, year=2035, t=T):
    pol, pw = inp.policy, inp.power
    if sampled:  # a sampled carbon price, coal price and spread; the rest shared
        pol = dataclasses.replace(pol, carbon_price=rng.uniform(0, 800, (S, pol.carbon_price.shape[-1])))
        pw = dataclasses.replace(pw, coal_price_cny_per_tce=rng.uniform(500, 1500, (S, pw.coal_price_cny_per_tce.shape[-1])),
                                 coal_heat_rate_spread_gce_per_kwh=rng.uniform(0, 40, S))
    return pw, pol


@pytest.mark.parametrize("sampled", [False, True])
@pytest.mark.parametrize("year", [2021, 2035])
def test_costs_demand_and_gas_bound_on_random_inputs(sampled, year):
    inp, _ = base()
    rng = rng_for(year)
    pw, pol = costs_for(inp, rng, sampled)
    t = year - 2020
    ref, got = both(power.step_costs, pw, pol, inp.factors, inp.shock, year, t)
    assert_same(ref, got, "step_costs")
    # the fields keep the reference's shapes: [1] where all their inputs are shared
    assert [np.shape(a) for a in fields(got)] == [np.shape(a) for a in fields(ref)]
    prev = _state(inp, rng)
    steel, ev = mixed(rng, 0, 600), mixed(rng, 0, 900)
    growth = mixed(rng, -0.05, 0.08, shared=not sampled)
    for p in (None, prev):
        assert_same(*both(power.step_demand, pw, inp.macro, p, steel, ev, growth, t), "step_demand")
    other = mixed(rng, 0.0, 400.0)
    other[::7] = np.inf  # unknown: no bound
    other[1] = 1e6  # more than the supply: a bound of 0
    assert_same(*both(power.gas_bound, pw, other, year, t), "gas_bound")
    assert_same(*both(power.gas_bound, pw, np.array([np.inf]), year, t), "gas_bound, shared")


def supply_args(inp, rng, t=T):
    pw = inp.power
    avail = capacity(rng)
    store = storage_stock(rng)
    demand = mixed(rng, 2000.0, 12000.0, zeros=0.05)
    bound = mixed(rng, 0.0, 3000.0, zeros=0.2)
    bound[::5] = np.inf
    return pw, avail, store, demand, bound


@pytest.mark.parametrize("seed", range(4))
def test_supply_dispatch_fleet_and_fuels_on_random_inputs(seed):
    inp, _ = base()
    rng = rng_for(100 + seed)
    t = T
    pw, avail, store, demand, bound = supply_args(inp, rng)
    for hydro in (np.ones(1), rng.uniform(0.6, 1.0, S)):
        ref, got = both(power.supply, pw, hydro, avail, store, demand, bound, t)
        assert_same(ref, got, "supply")
    sup = ref
    costs = both(power.step_costs, *costs_for(inp, rng, sampled=bool(seed % 2)), inp.factors, inp.shock, 2035, t)[0]
    shortfall = np.where(rng.random(S) < 0.5, rng.uniform(0.0, 0.4, S), 0.0)
    sh = dataclasses.replace(inp.shock, coal_shortfall=np.broadcast_to(shortfall[:, None], (S, 41)).copy())
    for any_shortfall in (False, True):
        ref, got = both(power.step_dispatch, pw, sh, sup, demand, costs, any_shortfall, t)
        assert_same(ref, got, f"step_dispatch, any_shortfall={any_shortfall}")
    d = ref
    assert (d.unserved_twh > 0).any() and (d.unserved_twh == 0).any()  # shortage in some samples only
    early, past = mixed(rng, 0.0, 80.0, zeros=0.4), mixed(rng, 0.0, 200.0, zeros=0.4)
    retrofit = rng.uniform(0.0, 0.3, S)  # retrofitted shares (power.coal_retrofit_share), per sample
    retrofit[rng.random(S) < 0.3] = 0.0
    ref, got = both(power.coal_fleet, pw, avail, early, past, costs, d, retrofit)
    assert_same(ref, got, "coal_fleet")
    fleet = ref
    for fuels_pw in (pw, dataclasses.replace(pw, ccs_capture_rate=rng.uniform(0.8, 0.95, S))):
        assert_same(*both(power.step_fuels, fuels_pw, inp.factors, fleet, d.coal_twh, d.gas_twh), "step_fuels")
        assert_same(*both(power.coal_co2_segments, fuels_pw, inp.factors, fleet, d.coal_twh), "coal_co2_segments")
    # all coal capacity with CCS (plain share 0) and all of it without; a negative cost gap
    all_ccs = avail.copy()
    all_ccs[:S // 2, 1] += all_ccs[:S // 2, 0]
    all_ccs[:S // 2, 0] = 0.0
    fleet2 = both(power.coal_fleet, pw, all_ccs, early, past, costs, d, np.zeros(1))[0]
    fleet2 = dataclasses.replace(fleet2, gap_cny_per_mwh=rng.uniform(-20, 40, S))
    assert_same(*both(power.step_fuels, pw, inp.factors, fleet2, d.coal_twh, d.gas_twh), "step_fuels, CCS")
    assert_same(*both(power.coal_co2_segments, pw, inp.factors, fleet2, d.coal_twh), "segments, CCS")


def test_a_region_axis_is_accepted():
    """[S, G] arrays (as a regional caller would pass them) give the reference's [S, G] results."""
    inp, _ = base()
    rng = rng_for(7)
    pw, t, g = inp.power, T, 3
    avail = rng.uniform(0.0, 300.0, (S, g, 7))
    avail[rng.random((S, g, 7)) < 0.15] = 0.0
    store = storage.StorageStock(np.zeros((S, g, 2)), np.zeros((S, g, 2)), np.zeros((S, g, 2)),
                                 rng.uniform(0.0, 50.0, (S, g)), rng.uniform(0.7, 0.9, (S, g)))
    demand = rng.uniform(100.0, 3000.0, (S, g))
    bound = np.where(rng.random((S, g)) < 0.3, np.inf, rng.uniform(0.0, 800.0, (S, g)))
    sup, got = both(power.supply, pw, np.ones(1), avail, store, demand, bound, t)
    assert_same(sup, got, "supply [S, G]")
    assert sup.nonfossil_twh.shape == (S, g, 4)
    costs = both(power.step_costs, pw, inp.policy, inp.factors, inp.shock, 2035, t)[0]
    d, got = both(power.step_dispatch, pw, inp.shock, sup, demand, costs, True, t)
    assert_same(d, got, "step_dispatch [S, G]")
    fleet, got = both(power.coal_fleet, pw, avail, rng.uniform(0, 5, (S, g)), rng.uniform(0, 9, (S, g)), costs, d,
                      rng.uniform(0.0, 0.3, (S, g)))
    assert_same(fleet, got, "coal_fleet [S, G]")
    assert_same(*both(power.step_fuels, pw, inp.factors, fleet, d.coal_twh, d.gas_twh), "step_fuels [S, G]")
    assert_same(*both(power.gas_bound, pw, rng.uniform(0, 50, (S, g)), 2035, t), "gas_bound [S, G]")
