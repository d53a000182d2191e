"""The compiled capacity and adequacy kernels (ctsim.engine.compiled.capacity, .investment,
.adequacy) against their numpy references, call by call.

(a) Real arguments: every call of ``step_capacity`` and ``step_adequacy`` that ``simulate`` makes
for bundled scenarios under a small design (samples that differ in the carbon price, the wind and
solar additions and the coal lifetime, so that retirement limits, backup, firm, storage and energy
builds bind in some samples and not others), replayed under both backends.
(b) Edge inputs: the same calls with last year's state perturbed per sample (zero coal output, idle
plants, no backup, twice the backup), shared [1] values mixed with per-sample ones.

``step_capacity`` is bit for bit (no exp/log upstream: its one tanh, the CCS uptake, is the numpy
function's own value). ``step_adequacy`` agrees to 1e-12 relative to each output's largest
magnitude: exp, log1p, expm1 and tanh (curtailment, storage credits, logit shares, capital
recovery) come from the C library in the kernel and from numpy's SIMD routines in the reference,
one unit in the last place apart in a few percent of arguments (ctsim.engine.compiled).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from ctsim.engine import capacity, compiled, investment, simulate
from ctsim.inputs.build import build_inputs, interpolate_path, simulated_years
from ctsim.pipeline import load
from ctsim.resolve import resolve

pytest.importorskip("numba")  # the compiled backend is optional ('fast' extra); the dev install has it

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ("steel2030", "neutrality2060", "baseline", "dry-years", "clean-coal", "dual-control", "campaign-style")
PRICE_ADDS = (0.0, 150.0, 800.0, 3000.0, 0.0, 400.0)  # CNY/t from 2025
VRE_FACTORS = (1.0, 0.0, 1.5, 0.3, 3.0, 1.0)  # wind and solar additions from 2025
LIFETIMES = (None, 30.0, 40.0, None, 25.0, 50.0)  # coal lifetime (None: the scenario's)
RTOL = 1e-12


@cache
def recorded(name: str) -> dict[str, list[tuple]]:
    """The arguments of every step_capacity and step_adequacy call of a design run (numpy)."""
    resolved = resolve(load(ROOT / "scenarios" / f"{name}.yaml"))
    years = simulated_years(resolved)
    late = years >= 2025
    n = len(PRICE_ADDS)
    price = interpolate_path(resolved.values["policy.carbon_price"], years)
    over = {"policy.carbon_price": np.stack([np.where(late, price + a, price) for a in PRICE_ADDS])}
    for tech in ("wind", "solar"):
        base = interpolate_path(resolved.values[f"power.{tech}_additions_gw"], years)
        over[f"power.{tech}_additions_gw"] = np.stack([np.where(late, base * f, base) for f in VRE_FACTORS])
    life = float(np.ravel(resolved.values["power.coal_lifetime_yr"])[0])
    over["power.coal_lifetime_yr"] = np.array([life if x is None else x for x in LIFETIMES])
    inp = build_inputs(resolved, over, n, np.zeros(n, dtype=int))
    calls = {"step_capacity": [], "step_adequacy": []}
    originals = {"step_capacity": capacity.step_capacity, "step_adequacy": investment.step_adequacy}

    def spy(key):
        def record(*args):
            calls[key].append(args)
            return originals[key](*args)
        return record

    try:
        capacity.step_capacity, investment.step_adequacy = spy("step_capacity"), spy("step_adequacy")
        with compiled.use("numpy"):
            simulate(inp)
    finally:
        capacity.step_capacity, investment.step_adequacy = originals.values()
    return calls


def flat(x, prefix: str = "") -> dict:
    """{dotted field name: array (or None)} of nested dataclasses and tuples."""
    if isinstance(x, tuple):
        return {k: v for i, item in enumerate(x) for k, v in flat(item, f"{prefix}{i}.").items()}
    if is_dataclass(x):
        return {k: v for f in fields(x) for k, v in flat(getattr(x, f.name), f"{prefix}{f.name}.").items()}
    return {prefix.rstrip("."): x}


def both(fn, args):
    with compiled.use("numpy"):
        ref = fn(*args)
    with compiled.use("numba"):
        got = fn(*args)
    return flat(ref), flat(got)


def compare(ref: dict, got: dict, exact: bool) -> dict[str, float]:
    """{output: relative difference} of the outputs that disagree (shapes and dtypes must match)."""
    assert ref.keys() == got.keys()
    bad = {}
    for key, a in ref.items():
        b = got[key]
        assert (a is None) == (b is None), key
        if a is None:
            continue
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, key
        if exact:
            if not np.array_equal(a, b):
                bad[key] = float(np.max(np.abs(a - b)))
            continue
        scale = max(float(np.max(np.abs(a))), 1e-300) if a.size else 1.0
        rel = float(np.max(np.abs(a - b))) / scale if a.size else 0.0
        if not rel <= RTOL:
            bad[key] = rel
    return bad


@pytest.mark.parametrize("name", SCENARIOS)
def test_step_capacity_is_the_reference_bit_for_bit(name):
    for args in recorded(name)["step_capacity"]:
        assert compare(*both(capacity.step_capacity, args), exact=True) == {}, f"t = {args[-1]}"


def both_adequacy(args):
    """The adequacy step under both backends without its planning supply: the kernel returns None
    (the year loop then computes the supply with power.supply, as for every sample of a chunk in
    which some sample built energy: so a sample's supply never depends on the chunk)."""
    with compiled.use("numpy"):
        ref = investment.step_adequacy(*args)
    with compiled.use("numba"):
        got = investment.step_adequacy(*args)
    assert got[3] is None
    return flat(ref[:3]), flat(got[:3])


@pytest.mark.parametrize("name", SCENARIOS)
def test_step_adequacy_agrees_with_the_reference(name):
    for args in recorded(name)["step_adequacy"]:
        assert compare(*both_adequacy(args), exact=False) == {}, f"t = {args[-1]}"


def mixed(x: np.ndarray) -> bool:
    return bool(np.any(x > 0) and np.any(x == 0))


def test_the_design_takes_the_branches_in_some_samples_and_not_others():
    """The kernels' ifs are per sample: the calls above must mix samples that take them and not."""
    seen = {"deferred": 0, "backup": 0, "firm": 0, "energy": 0, "storage": 0}
    for name in SCENARIOS:
        calls = recorded(name)
        for args in calls["step_capacity"]:
            with compiled.use("numpy"):
                cap = capacity.step_capacity(*args)
            seen["deferred"] += mixed(cap.coal_retire_deferred_gw)
        for args in calls["step_adequacy"]:
            with compiled.use("numpy"):
                adq, cap, _, _ = investment.step_adequacy(*args)
            seen["backup"] += mixed(cap.coal_backup_gw - args[2].coal_backup_gw)
            seen["firm"] += mixed(adq.firm_built_gw.sum(axis=-1))
            seen["energy"] += mixed(adq.energy_built_gw.sum(axis=-1))
            seen["storage"] += mixed(adq.storage_built_gw)
    assert all(v > 0 for v in seen.values()), seen


def perturbed_states(args, rng):
    """step_capacity arguments with last year's state changed per sample (edge values mixed in)."""
    pw, pol, fleet, prev, costs, years, t = args
    n = prev.capacity_gw.shape[0]
    edges = np.array([0.0, 1.0, 0.05, 2.0, 1.0, 0.0])[:n]
    gen = prev.coal_generation_twh * np.where(rng.random(n) < 0.5, edges, rng.uniform(0.0, 1.5, n))
    backup = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0.0, 80.0, n))
    cap = prev.capacity_gw * rng.uniform(0.9, 1.1, prev.capacity_gw.shape)
    return (pw, pol, fleet, replace(prev, coal_generation_twh=gen, coal_backup_gw=backup, capacity_gw=cap,
                                    coal_retire_deferred_gw=rng.uniform(0.0, 30.0, n) * (rng.random(n) < 0.5)),
            costs, years, t)


@pytest.mark.parametrize("name", ("steel2030", "neutrality2060"))
def test_kernels_agree_on_perturbed_states(name):
    rng = np.random.default_rng(17)
    calls = recorded(name)
    for cap_args, adq_args in zip(calls["step_capacity"], calls["step_adequacy"], strict=True):
        if cap_args[3] is None:
            continue
        args = perturbed_states(cap_args, rng)
        assert compare(*both(capacity.step_capacity, args), exact=True) == {}, f"t = {args[-1]}"
        with compiled.use("numpy"):
            cap = capacity.step_capacity(*args)
        pw, prev, _, store, demand, costs, gas_bound, year, t = adq_args
        demand = demand * rng.uniform(0.8, 1.3, demand.shape)  # short of firm capacity and energy in some
        new = (pw, args[3], cap, store, demand, costs, gas_bound, year, t)
        assert compare(*both_adequacy(new), exact=False) == {}, f"t = {t}"


def test_the_comparison_sees_a_difference():
    args = recorded("steel2030")["step_capacity"][20]
    ref, got = both(capacity.step_capacity, args)
    got = dict(got, end_gw=got["end_gw"] * (1 + 1e-15) + 1e-300)
    assert set(compare(ref, got, exact=True)) == {"end_gw"}
    assert compare(ref, got, exact=False) == {}


def take(x, i: int, n: int):
    """Sample ``i`` of a step's argument (arrays with ``n`` rows, inside dataclasses too)."""
    if isinstance(x, np.ndarray):
        return x[i:i + 1] if x.ndim and x.shape[0] == n else x
    if is_dataclass(x):
        return replace(x, **{f.name: take(getattr(x, f.name), i, n) for f in fields(x)})
    return x


@pytest.mark.parametrize("name", ("steel2030", "neutrality2060"))
def test_a_sample_of_the_kernels_does_not_depend_on_its_chunk(name):
    """Sample i of a call equals the call on sample i alone, bit for bit (a chunked sweep equals the
    unchunked one): the kernels' shortcuts and shared terms are per sample or per distinct row."""
    calls = recorded(name)
    with compiled.use("numba"):
        for fn, key, outputs in ((capacity.step_capacity, "step_capacity", lambda r: r),
                                 (investment.step_adequacy, "step_adequacy", lambda r: r[:3])):
            for args in calls[key][::4]:
                n = len(PRICE_ADDS)
                whole = flat(outputs(fn(*args)))
                for i in range(n):
                    alone = flat(outputs(fn(*(take(a, i, n) for a in args))))
                    for k, v in alone.items():
                        ref = whole[k] if whole[k].shape[0] != n else whole[k][i:i + 1]
                        assert np.array_equal(np.broadcast_to(ref, v.shape), v), (key, args[-1], i, k)


def test_surplus_ratio_takes_the_bisections_decisions():
    """The kernel's surplus ratio (a root first, the bisection's function evaluated only near it)
    returns what the plain bisection returns, on random and edge shares, and numpy's to 1e-12."""
    from ctsim.engine import adequacy as ad
    from ctsim.engine.compiled import adequacy as kernels

    rng = np.random.default_rng(5)
    q = np.clip(np.concatenate([rng.random(20000), 10 ** rng.uniform(-14, 0, 5000),
                                1 - 10 ** rng.uniform(-16, 0, 5000),
                                [0.0, 1.0, 1e-9, 1 - 1e-6, 0.5, np.nextafter(1e-9, 1), np.nextafter(1 - 1e-6, 0)]]), 0, 1)
    fast = np.array([kernels.surplus_ratio(v) for v in q])
    plain = np.array([kernels.surplus_ratio_bisection(v) for v in q])
    assert np.array_equal(fast, plain)
    np.testing.assert_allclose(fast, ad.surplus_ratio(q), rtol=1e-12, atol=0)
