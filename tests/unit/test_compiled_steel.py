"""The compiled steel, cap and policy kernels (ctsim.engine.compiled.steel, .caps, .policy) against
their numpy functions, bit for bit.

Bit for bit because nothing transcendental lies upstream inside these kernels: the one exponential
of step_caps (the coal tiers' logit weight) is computed by numpy in the kernel's wrapper, and the
power fuels it returns are ``power.step_fuels`` itself; those fuels are compared to rtol 1e-12 in
case another backend computes them through its own exp (compiled/__init__.py).

(a) the arguments of every call in the bundled scenarios, captured while ``simulate`` runs on
numpy, with a small design of carbon prices, wind and solar additions and droughts; dual-control is
the one scenario with caps (national and intensity), so a variant adds steel and power caps that
bind in some samples and years; (b) those arguments perturbed per sample (step limits binding in some
samples and not others, zero output, caps from slack to unmeetable, shared [1] and per-sample values
mixed) and scalar edge cases of the policy helpers.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from ctsim.engine import caps, compiled, loop, simulate, steel
from ctsim.engine import policy as pol_np
from ctsim.engine.compiled import policy as pol_nb
from ctsim.inputs.build import build_inputs, interpolate_path, simulated_years
from ctsim.pipeline import load
from ctsim.resolve import resolve

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml") if not p.stem.endswith("-provinces"))
STEPS = {"step_steel": steel, "step_steel_energy": steel, "step_steel_cap": caps, "step_caps": caps}
LEVER_YEAR = 2025
PRICE_ADDS = (0.0, 100.0, 600.0, 2500.0, 0.0, 300.0, 0.0, 1500.0)  # CNY/t from 2025
VRE_FACTORS = (1.0, 1.0, 1.5, 0.5, 3.0, 1.2, 2.0, 0.0)
HYDRO_FACTORS = (1.0, 0.85, 1.0, 0.7, 1.0, 1.0, 0.95, 0.7)
N = len(PRICE_ADDS)


def design_inputs(name: str, all_caps: bool = False):
    resolved = resolve(load(ROOT / "scenarios" / f"{name}.yaml"))
    years = simulated_years(resolved)
    late = years >= LEVER_YEAR
    price = interpolate_path(resolved.values["policy.carbon_price"], years)
    over = {"policy.carbon_price": np.stack([np.where(late, price + a, price) for a in PRICE_ADDS])}
    for tech in ("wind", "solar"):
        base = interpolate_path(resolved.values[f"power.{tech}_additions_gw"], years)
        over[f"power.{tech}_additions_gw"] = np.stack([np.where(late, base * f, base) for f in VRE_FACTORS])
    inp = build_inputs(resolved, over, N, np.zeros(N, dtype=int))
    inp = replace(inp, shock=replace(inp.shock, hydro_cf_factor=np.ascontiguousarray(np.broadcast_to(
        inp.shock.hydro_cf_factor, (N, len(years))) * np.where(late, np.array(HYDRO_FACTORS)[:, None], 1.0))))
    if all_caps:  # steel and power caps from slack to unmeetable across the samples, falling over time
        fall = np.clip((years - LEVER_YEAR) / 20.0, 0.0, 1.0)
        steel_cap = np.array([1800, 1500, 1400, 1200, 900, 1e5, 1600, 600.0])[:, None] * (1 - 0.5 * fall)
        power_cap = np.array([5000, 4600, 1e5, 4200, 4000, 3000, 4800, 1e5])[:, None] * (1 - 0.6 * fall)
        inp = replace(inp, caps=replace(inp.caps, steel_co2_mt=steel_cap, power_co2_mt=power_cap))
    return inp


@cache
def captured(name: str, all_caps: bool = False) -> dict[str, list]:
    """{step: [(args, numpy result), ...]} of every call while simulate runs on numpy."""
    calls = {step: [] for step in STEPS}
    originals = {step: getattr(module, step) for step, module in STEPS.items()}

    def recorder(step):
        def run(*args):
            result = originals[step](*args)
            calls[step].append((args, result))
            return result
        return run

    try:
        for step, module in STEPS.items():
            setattr(module, step, recorder(step))
        with compiled.use("numpy"):
            simulate(design_inputs(name, all_caps))
    finally:
        for step, module in STEPS.items():
            setattr(module, step, originals[step])
    return calls


def flatten(x, prefix=""):
    """{name: array} of a result: dataclass fields, dict items and tuple items, nested."""
    if is_dataclass(x):
        return {k: v for f in fields(x) for k, v in flatten(getattr(x, f.name), f"{prefix}.{f.name}").items()}
    if isinstance(x, dict):
        return {k: v for key in sorted(x) for k, v in flatten(x[key], f"{prefix}[{key}]").items()}
    if isinstance(x, tuple):
        return {k: v for i, item in enumerate(x) for k, v in flatten(item, f"{prefix}[{i}]").items()}
    return {prefix: x}


def power_fuels(name: str) -> bool:
    return name.startswith("[3]")  # step_caps returns (out, dispatch, demand, power fuels, mix, energy)


def differences(ref, got) -> list[str]:
    """Names of the outputs that differ (type, shape, dtype or a value; NaN equals NaN)."""
    a, b = flatten(ref), flatten(got)
    assert a.keys() == b.keys()
    bad = []
    for name, x in a.items():
        y = b[name]
        if isinstance(x, np.ndarray) != isinstance(y, np.ndarray):
            bad.append(f"{name}: type")
        elif isinstance(x, np.ndarray) and (x.shape != y.shape or x.dtype != y.dtype):
            bad.append(f"{name}: shape {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
        elif power_fuels(name):
            if not np.allclose(x, y, rtol=1e-12, atol=0.0, equal_nan=True):
                bad.append(name)
        elif not np.array_equal(x, y, equal_nan=True):
            bad.append(name)
    return bad


def compare(step: str, args, ref=None) -> list[str]:
    function = getattr(STEPS[step], step)
    if ref is None:
        with compiled.use("numpy"):
            ref = function(*args)
    with compiled.use("numba"):
        got = function(*args)
    return differences(ref, got)


@pytest.mark.parametrize("name,all_caps", [(n, False) for n in NATIONAL] + [("dual-control", True)])
def test_kernels_agree_on_the_bundled_scenarios(name, all_caps):
    calls = captured(name, all_caps)
    bad = {(step, i): diff for step, items in calls.items() for i, (args, ref) in enumerate(items)
           if (diff := compare(step, args, ref))}
    assert bad == {}
    assert len(calls["step_steel"]) == len(calls["step_steel_energy"]) > 30
    if name == "dual-control":
        assert len(calls["step_caps"]) == len(calls["step_steel_cap"]) > 30


def cap_outputs(name, all_caps, step):
    """The cap outputs of every captured call of ``step``, years on axis 0."""
    outs = [flatten(result[0]) for _, result in captured(name, all_caps)[step]]
    return {k: np.array([np.broadcast_to(o[k], (N,)) for o in outs]) for k in outs[0]}


def test_the_caps_bind_in_some_samples_and_years_and_not_others():
    # the comparisons above cover every branch of the cap kernels: each option and the shortfall
    steel_codes = cap_outputs("dual-control", True, "step_steel_cap")["[cap_binding_steel]"]
    assert set(np.unique(steel_codes)) == {0.0, 1.0, 2.0, 3.0, 4.0}
    out = cap_outputs("dual-control", True, "step_caps")
    assert {0.0, 1.0, 2.0, 3.0} <= set(np.unique(out["[cap_binding_power]"]))
    assert {0.0, 1.0} <= set(np.unique(out["[cap_binding_national]"]))
    national = cap_outputs("dual-control", False, "step_caps")["[cap_binding_national]"]
    assert (national == 0).any() and (national > 0).any()


# --- (b) perturbed arguments ---------------------------------------------------------------------
def calls_of(step: str, name="dual-control", all_caps=True, every=4):
    return [args for args, _ in captured(name, all_caps)[step][1::every]]


RNG = np.random.default_rng(17)


def mixed(x, low, high, rng):
    """``x`` [1 or S] made per-sample: random factors between low and high, a few samples 0."""
    v = np.broadcast_to(np.asarray(x, dtype=float), (N, *np.shape(x)[1:])) * rng.uniform(low, high, N).reshape(
        (N,) + (1,) * (np.ndim(x) - 1))
    v = v.copy()
    v[rng.integers(0, N, 2)] = 0.0
    return v


def test_step_steel_on_perturbed_state_and_parameters():
    rng = np.random.default_rng(1)
    for sp, pol, fx, sh, prev, price, year, t, n in calls_of("step_steel"):
        if prev is None:
            assert compare("step_steel", (sp, pol, fx, sh, prev, price, year, t, n)) == []
            continue
        if n == 1:  # an observed year (simulated once, loop.shared_observed_years): perturbed as N samples
            prev, n = loop.widen(prev, N), N
        for _ in range(3):
            extra = rng.uniform(-0.05, 0.3, (n, 3)) * (rng.uniform(size=(n, 1)) > 0.3)
            state = replace(prev, steel_output_mt=prev.steel_output_mt * rng.uniform(0.8, 1.5, n),
                            steel_lost_mt=mixed(prev.steel_output_mt * 0.1, 0, 1, rng),
                            bfbof_mt=prev.bfbof_mt * rng.uniform(0.5, 2.0, n),
                            grid_t_co2_per_mwh=mixed(prev.grid_t_co2_per_mwh, 0.5, 2, rng),
                            steel_extra_share=extra)
            params = replace(sp, output_mt=mixed(sp.output_mt, 0.5, 1.5, rng),
                             scrap_supply_mt=mixed(sp.scrap_supply_mt, 0.2, 3.0, rng),
                             eaf_share=sp.eaf_share * rng.uniform(0, 3, (n, 1)),
                             h2dri_share=sp.h2dri_share + rng.uniform(0, 0.6, (n, 1)),
                             h2dri_max_share=mixed(sp.h2dri_max_share + 0.1, 0, 1, rng),
                             switch_cost_scale_cny_per_t=sp.switch_cost_scale_cny_per_t * rng.uniform(0.1, 2, n))
            policy = replace(pol, ets_steel_start_year=rng.choice([2020.0, year, year + 1.0], n),
                             bfbof_fall_max_frac=rng.uniform(0, 0.2, n))
            p = rng.uniform(0, 3000, n) * (rng.uniform(size=n) > 0.2)
            assert compare("step_steel", (params, policy, fx, sh, state, p, year, t, n)) == []


def test_step_steel_energy_on_random_production():
    rng = np.random.default_rng(2)
    for sp, fx, mix, t in calls_of("step_steel_energy", every=8):
        production = rng.uniform(0, 600, mix.production_mt.shape) * (rng.uniform(size=(N, 4)) > 0.25)
        params = replace(sp, ccus_capture_rate=rng.uniform(0, 1, N),
                         bfbof_mwh_per_t=mixed(sp.bfbof_mwh_per_t, 0.5, 2, rng))
        assert compare("step_steel_energy", (params, fx, replace(mix, production_mt=production), t)) == []


def test_step_steel_cap_from_slack_to_unmeetable():
    rng = np.random.default_rng(3)
    for sp, pol, fx, cp, prev, mix, levels, t in calls_of("step_steel_cap"):
        co2 = steel.step_steel_energy(sp, fx, mix, t).co2_mt
        for _ in range(3):
            cap = np.where(rng.uniform(size=N) < 0.2, np.inf, co2 * rng.uniform(0.3, 1.2, N))
            path = np.repeat(cap[:, None], levels.steel_mt.shape[-1], axis=1)
            state = replace(prev, bfbof_mt=prev.bfbof_mt * rng.uniform(0.3, 1.2, N),
                            steel_output_mt=prev.steel_output_mt * rng.uniform(0.9, 1.3, N))
            params = replace(sp, scrap_supply_mt=mixed(sp.scrap_supply_mt, 0.5, 2, rng),
                             h2dri_max_share=mixed(sp.h2dri_max_share + 0.05, 0, 2, rng))
            lv = replace(levels, steel_mt=path)
            assert compare("step_steel_cap", (params, pol, fx, cp, state, mix, lv, t)) == []


def test_step_caps_from_slack_to_unmeetable():
    rng = np.random.default_rng(4)
    for (cp, pw, sp, pol, mp, fx, levels, prev, t, d, demand, pf, fleet, costs, gdp, steel_cap, other_co2, mix,
         energy) in calls_of("step_caps"):
        y = levels.power_mt.shape[-1]
        for _ in range(3):
            power_cap = np.where(rng.uniform(size=N) < 0.2, np.inf, pf.co2_mt * rng.uniform(0.5, 1.1, N))
            national = np.where(rng.uniform(size=N) < 0.2, np.inf,
                                (pf.co2_mt + other_co2) * rng.uniform(0.6, 1.1, N))
            lv = replace(levels, power_mt=np.repeat(power_cap[:, None], y, axis=1),
                         national_mt=np.repeat(national[:, None], y, axis=1))
            dispatch = replace(d, gas_twh=d.gas_twh * rng.uniform(0, 1, N),
                               coal_twh=mixed(d.coal_twh, 0.5, 1.5, rng))
            params = replace(cp, demand_cut_max_frac=mixed(cp.demand_cut_max_frac, 0, 3, rng),
                             nonfossil_recoverable_frac=rng.uniform(0, 0.2, N))
            args = (params, pw, sp, pol, mp, fx, lv, prev, t, dispatch, demand, pf, fleet, costs, gdp, steel_cap,
                    other_co2, mix, energy)
            assert compare("step_caps", args) == []
        # a first cap year: the steel cap outputs are the CAPS_OFF floats
        assert compare("step_caps", (cp, pw, sp, pol, mp, fx, levels, prev, t, d, demand, pf, fleet, costs, gdp,
                                     caps.CAPS_OFF, other_co2, mix, energy)) == []


# --- the scalar policy helpers -------------------------------------------------------------------
EDGE = np.array([0.0, -0.0, 1.0, -1.0, 1e-300, 3.5, np.inf, -np.inf, np.nan, 1e9])


def test_fmax_fmin_clip_are_numpy_maximum_minimum_clip():
    for a in EDGE:
        for b in EDGE:
            for got, ref in ((pol_nb.fmax(a, b), np.maximum(a, b)), (pol_nb.fmin(a, b), np.minimum(a, b))):
                assert np.array_equal(got, ref, equal_nan=True) and np.signbit(got) == np.signbit(ref), (a, b)
            ref = np.clip(np.array([a]), 0.0, np.array([b]))[0]
            assert np.array_equal(pol_nb.clip(a, 0.0, b), ref, equal_nan=True), (a, b)


@np.errstate(all="ignore")  # inf x 0 and inf - inf in the edge values: the NaN is compared, not warned
def test_scalar_policy_helpers_against_numpy():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(0, 100, 200), EDGE])
    y = np.concatenate([rng.uniform(-1, 2, 200), EDGE[::-1]])
    z = rng.uniform(0, 1, x.size)
    each = np.vectorize
    assert np.array_equal(each(pol_nb.covered)(2030, x + 2030), pol_np.covered(2030, x + 2030))
    assert np.array_equal(each(pol_nb.carbon_cost)(x, z, y, z), pol_np.carbon_cost(x, z, y, z), equal_nan=True)
    assert np.array_equal(each(pol_nb.limit_fall)(x, y, z), pol_np.limit_fall(x, y, z), equal_nan=True)
    retired = pol_np.coal_retirement(x, y, z, np.abs(x), z)
    for got, ref in zip(each(pol_nb.coal_retirement)(x, y, z, np.abs(x), z), retired, strict=True):
        assert np.array_equal(got, ref, equal_nan=True)
    assert np.array_equal(each(pol_nb.cap_level)(x * 1e3, pol_np.NO_CAP_MT, True),
                          pol_np.cap_level(x * 1e3, pol_np.NO_CAP_MT), equal_nan=True)
    assert np.array_equal(each(pol_nb.cap_level)(x, -50.0, False), pol_np.cap_level(x, -50.0, upper=False),
                          equal_nan=True)
    red = np.where(z < 0.2, np.inf, np.where(z > 0.9, -np.inf, y))
    assert np.array_equal(each(pol_nb.intensity_cap_mt)(x, z, red, y), pol_np.intensity_cap_mt(x, z, red, y),
                          equal_nan=True)
    # tanh: libm against numpy's SIMD routine, one ulp apart in a few % of arguments; a share near 0
    # is 1 + tanh(-large), where that ulp of tanh (~1e-16 absolute) is all of the share's digits
    finite = np.isfinite(x) & np.isfinite(y)
    got = each(pol_nb.uptake)(x[finite], np.abs(y[finite]) + 1.0)
    assert np.allclose(got, pol_np.uptake(x[finite], np.abs(y[finite]) + 1.0), rtol=1e-12, atol=1e-15)


def test_option_helpers_against_numpy():
    rng = np.random.default_rng(6)
    for k in (1, 2, 3, 4):
        for _ in range(200):
            room = rng.uniform(-1, 3, k) * (rng.uniform(size=k) > 0.2)
            per = rng.uniform(-0.5, 2, k) * (rng.uniform(size=k) > 0.2)
            pool, excess = rng.uniform(-1, 6), rng.uniform(-2, 8) * (rng.uniform() > 0.1)
            units_ref, remaining_ref, code_ref = pol_np.abate(np.array([excess]), np.array([pool]), room[None],
                                                              per[None])
            units, potential, per_unit = np.empty(k), np.empty(k), np.empty(k)
            remaining, code = pol_nb.abate(excess, pool, room.copy(), per.copy(), units, potential, per_unit)
            assert np.array_equal(units, units_ref[0]) and remaining == remaining_ref[0] and code == code_ref[0]
            costs = rng.normal(0, 100, k)
            assert pol_nb.shadow_price(code, costs) == pol_np.shadow_price(code_ref, costs[None])[0]
            widths = np.where(rng.uniform(size=k) < 0.2, 0.0, rng.uniform(0, 3, k))
            if rng.uniform() < 0.5:
                widths[-1] = np.inf
            slopes = rng.uniform(-0.2, 2, k)
            for x in (0.0, rng.uniform(0, 10), 1e9):
                ref = pol_np.segments_value(np.array([x]), widths[None], slopes[None])[0]
                assert np.array_equal(pol_nb.segments_value(x, widths, slopes), ref, equal_nan=True)
                ref = pol_np.segments_inverse(np.array([x]), widths[None], slopes[None])[0]
                assert np.array_equal(pol_nb.segments_inverse(x, widths, slopes), ref, equal_nan=True)


def test_the_kernels_copies_of_the_cap_tables_are_the_tables():
    from ctsim.engine.compiled import caps as kernels

    assert np.array_equal(kernels.STEEL_MOVES, caps.STEEL_MOVES)
    assert np.array_equal(kernels.ONLY_BFBOF, caps.ONLY_BFBOF)
