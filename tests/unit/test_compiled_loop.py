"""The compiled kernels of the year loop's own steps (ctsim.engine.compiled: loop, guards, shocks, rest,
transport, macro, ghg) against their numpy functions, on the bundled scenarios' real arguments and on
random and edge inputs.

No exp, log or ``**`` lies in these steps, so every comparison is bit for bit (``np.array_equal``,
with equal shapes and dtypes): the kernels do numpy's operations in numpy's order.
"""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass, replace
from functools import cache

import numpy as np
import pytest
from test_compiled_engine import LEVER_YEAR, ROOT, SCENARIOS, design_inputs

from ctsim.engine import axes, compiled, guards, loop, macro, rest, shocks, simulate, transport
from ctsim.engine.compiled import loop as loop_kernels
from ctsim.engine.compiled._sig import fclip, fmax, fmin
from ctsim.errors import ModelInvariantError
from ctsim.inputs.build import build_inputs, interpolate_path, simulated_years
from ctsim.pipeline import load
from ctsim.resolve import resolve

STEPS = {"write_year": loop, "step_rationing": shocks, "step_other": rest, "other_gas_estimate": rest,
         "step_transport": transport, "step_macro": macro}
YEARS = (0, 1, 2, 5, 10, 15, 25, 40)  # the years whose arguments are kept (t), first year included


@cache
def wide_inputs(name: str, n: int):
    """The scenario with ``n`` samples, each with its own carbon price from 2025 (0 to 2,000 CNY/t
    more)."""
    resolved = resolve(load(ROOT / "scenarios" / f"{name}.yaml"))
    years = simulated_years(resolved)
    price = interpolate_path(resolved.values["policy.carbon_price"], years)
    adds = np.linspace(0.0, 2000.0, n)[:, None] * (years >= LEVER_YEAR)
    return build_inputs(resolved, {"policy.carbon_price": price + adds}, n, np.zeros(n, dtype=int))


@cache
def captured(name: str, n: int | None = None) -> dict[str, list[tuple]]:
    """{step: [(t, args), ...]}: the arguments each step got in a numpy run of the scenario's design
    (or of ``wide_inputs(name, n)``)."""
    calls: dict[str, list[tuple]] = {step: [] for step in STEPS}
    originals = {step: getattr(module, step) for step, module in STEPS.items()}

    def spy(step):
        def call(*args):
            t = args[5] if step == "write_year" else args[-2] if step in ("step_transport", "step_macro") else args[-1]
            if t in YEARS:
                kept = list(args)
                if step == "write_year":
                    kept[0] = args[0].copy()  # the slab: written in place
                calls[step].append((t, tuple(kept)))
            return originals[step](*args)
        return call

    try:
        for step, module in STEPS.items():
            setattr(module, step, spy(step))
        with compiled.use("numpy"):
            simulate(design_inputs(name) if n is None else wide_inputs(name, n))
    finally:
        for step, module in STEPS.items():
            setattr(module, step, originals[step])
    return calls


def assert_same(ref, got, where=""):
    """Bit for bit, the same structure, shapes and dtypes (dataclasses, tuples, dicts, arrays)."""
    if is_dataclass(ref):
        assert type(ref) is type(got), where
        for f in fields(ref):
            assert_same(getattr(ref, f.name), getattr(got, f.name), f"{where}.{f.name}")
    elif isinstance(ref, (tuple, list)):
        assert len(ref) == len(got), where
        for i, (a, b) in enumerate(zip(ref, got, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(ref, dict):
        assert set(ref) == set(got), where
        for k in ref:
            assert_same(ref[k], got[k], f"{where}[{k}]")
    elif ref is None:
        assert got is None, where
    else:
        a, b = np.asarray(ref), np.asarray(got)
        assert a.shape == b.shape and a.dtype == b.dtype, (where, a.shape, b.shape, a.dtype, b.dtype)
        assert np.array_equal(a, b, equal_nan=True), (where, a, b)
        assert np.array_equal(np.signbit(a), np.signbit(b)), (where, "sign of zero")


def run(step, args, backend):
    with compiled.use(backend), np.errstate(all="ignore"):
        return getattr(STEPS[step], step)(*args)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("step", [s for s in STEPS if s != "write_year"])
def test_step_kernels_agree_bit_for_bit_on_the_bundled_scenarios(name, step):
    calls = captured(name)[step]
    assert {t for t, _ in calls} >= {0, 1, 40}
    for t, args in calls:
        assert_same(run(step, args, "numpy"), run(step, args, "numba"), f"{name} {step} t={t}")


def write(args, backend):
    """loop.write_year on a fresh slab (NaN: a row not written shows): (slab, returned values)."""
    args = list(args)
    t = args[5]
    block = np.full((t + 1, *args[0].shape), np.nan)  # the out views the guards read when they fail
    args[0], args[2] = block[t], {n: block[:, i, :].T for i, n in enumerate(args[3])}
    with compiled.use(backend), np.errstate(all="ignore"):
        ret = loop.write_year(*args)
    return args[0], ret[1:]


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_year_record_kernel_writes_the_numpy_slab(name):
    """record + record_power_system + ghg.step_ghg + the caps' outputs, straight into the slab."""
    for t, args in captured(name)["write_year"]:
        ref_slab, ref = write(args, "numpy")
        got_slab, got = write(args, "numba")
        assert not np.isnan(got_slab).any(), "a row the kernel did not write"
        assert_same(ref_slab, got_slab, f"{name} slab t={t}")
        assert_same(ref, got, f"{name} state t={t}")


def test_the_year_record_kernel_on_many_samples():
    """1,100 samples, each with its own carbon price: every sample written, bit for bit."""
    for t, args in captured("ndc2035", 1100)["write_year"]:
        ref_slab, ref = write(args, "numpy")
        got_slab, got = write(args, "numba")
        assert not np.isnan(got_slab).any(), "a sample the kernel did not write"
        assert_same(ref_slab, got_slab, f"slab t={t}")
        assert_same(ref, got, f"state t={t}")
    assert len(np.unique(ref_slab[list(args[3]).index("co2_power_mt")])) > 100  # the samples differ


def test_the_kernel_writes_the_engine_outputs_in_order():
    in_loop = tuple(n for n in loop.OUTPUTS if n not in guards.FILLED_AFTER_LOOP)
    written = loop_kernels.RECORDED + loop_kernels.GASES
    assert len(set(written)) == len(written)
    assert sorted(written + loop.capping.CAP_OUTPUTS) == sorted(in_loop)
    assert loop_kernels.GASES == loop.ghg.GHG_OUTPUTS
    with pytest.raises(RuntimeError, match="not written each year"):
        loop_kernels._rows(in_loop + ("made_up_output",), loop.capping.CAP_OUTPUTS)


def test_the_kernels_name_the_categories_as_axes_does():
    assert (compiled_shocks().USER_STEEL, compiled_shocks().USER_INDUSTRY, compiled_shocks().USER_OTHER) == (
        axes.USER_STEEL, axes.USER_INDUSTRY, axes.USER_OTHER)


def compiled_shocks():
    from ctsim.engine.compiled import shocks as kernels
    return kernels


# --- random and edge inputs -------------------------------------------------------------------------

def rationing_args(rng, S, unserved, *, shared_ranks=False, ties=False):
    """step_rationing's arguments from the steel2030 design's first projected year, with ``unserved``
    and random loads, ranks (ties: equal ranks) and parameters, some shared ([1]) and some per sample."""
    t, args = next((t, a) for t, a in captured("steel2030")["step_rationing"] if t == 5)
    sh, prev, _, demand, base, mix, energy, gdp_trend, _ = args
    pick = lambda x: np.resize(x, (S, *np.shape(x)[1:]))  # noqa: E731
    Y = sh.rank_steel.shape[-1]
    ranks = (rng.integers(0, 2, (3, 1 if shared_ranks else S, Y)) if ties
             else np.argsort(rng.random((3, 1 if shared_ranks else S, Y)), axis=0)).astype(float)
    sh = replace(sh, rank_steel=ranks[0], rank_industry=ranks[1], rank_other=ranks[2],
                 max_cut_fraction=rng.uniform(0, 0.4, 1), voll_usd_per_kwh=rng.uniform(1, 10, S))
    steel_elec = rng.uniform(0, 1, S) * pick(energy.electricity_twh)
    steel_elec[::7] = 0.0  # no steel electricity in some samples: nothing kept to divide
    energy = replace(energy, electricity_twh=steel_elec, coal_mtce=pick(energy.coal_mtce),
                     co2_mt=pick(energy.co2_mt), captured_mt=pick(energy.captured_mt))
    mix = replace(mix, output_mt=pick(mix.output_mt), production_mt=pick(mix.production_mt),
                  shares=pick(mix.shares), extra_share=pick(mix.extra_share))
    prev = replace(prev, gdp_gap_frac=rng.uniform(0, 0.05, S))
    return (sh, prev, unserved, pick(demand), pick(base), mix, energy, pick(gdp_trend), t)


@pytest.mark.parametrize("case", ["none unserved", "some unserved", "all unserved", "more than demand",
                                  "-0.0 unserved", "ties", "shared ranks"])
def test_rationing_kernel_on_edge_inputs(case):
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    S = 257
    unserved = {
        "none unserved": np.zeros(S),
        "some unserved": np.where(rng.random(S) < 0.3, rng.uniform(0, 300, S), 0.0),
        "all unserved": rng.uniform(1, 500, S),
        "more than demand": np.full(S, 1e5),
        "-0.0 unserved": np.where(rng.random(S) < 0.5, -0.0, 0.0),
        "ties": rng.uniform(0, 300, S),
        "shared ranks": rng.uniform(0, 300, S),
    }[case]
    args = rationing_args(rng, S, unserved, ties=case == "ties", shared_ranks=case == "shared ranks")
    ref, got = run("step_rationing", args, "numpy"), run("step_rationing", args, "numba")
    assert_same(ref, got, case)
    if case in ("some unserved", "all unserved"):  # the cut is shared out, not all by one group
        cut = ref[0].cut_twh
        assert (cut > 0).sum(axis=-1).max() >= 2
        assert np.allclose(cut.sum(axis=-1), np.maximum(unserved, 0.0))


def test_rationing_kernel_in_the_first_year():
    rng = np.random.default_rng(7)
    args = list(rationing_args(rng, 64, rng.uniform(0, 100, 64)))
    args[1] = None  # no previous year: the gap is this year's loss
    assert_same(run("step_rationing", args, "numpy"), run("step_rationing", args, "numba"))


@pytest.mark.parametrize("step", ["step_other", "other_gas_estimate", "step_transport", "step_macro"])
def test_small_step_kernels_on_random_inputs(step):
    """Random growth, per-sample and shared parameters, coal-to-gas binding in some samples."""
    rng = np.random.default_rng(3)
    S = 129
    t, args = next((t, a) for t, a in captured("neutrality2060")[step] if t == 10)
    args = list(args)
    prev = args[{"step_other": 2, "other_gas_estimate": 1, "step_transport": 2, "step_macro": 1}[step]]
    prev = replace(prev, **{f.name: rng.uniform(0.5, 1.5, S) * np.resize(getattr(prev, f.name), S)
                            for f in fields(prev) if f.name in (
                                "coal_other_mtce", "gas_other_mtce", "oil_other_mtce", "road_service_mtce",
                                "gdp_trend_bn")})
    growth = rng.uniform(-0.05, 0.1, S)
    if step == "step_other":
        op, fx = args[0], args[1]
        op = replace(op, coal_to_gas_mtce=np.broadcast_to(rng.uniform(0, 2 * float(np.max(prev.coal_other_mtce)),
                                                                        (S, op.coal_to_gas_mtce.shape[-1])),
                                                            (S, op.coal_to_gas_mtce.shape[-1])))
        args = [op, fx, prev, growth, *(rng.uniform(0, 500, S) for _ in range(4)), np.array([3.0]), t]
    elif step == "other_gas_estimate":
        args = [replace(args[0], coal_to_gas_gas_per_coal=rng.uniform(0.5, 1, S)), prev, growth, t]
    elif step == "step_transport":
        args = [args[0], args[1], prev, growth, t, S]
    else:
        args = [args[0], prev, t, S]
    assert_same(run(step, args, "numpy"), run(step, args, "numba"), step)


def test_scalar_helpers_are_numpys_minimum_maximum_and_clip():
    values = (-0.0, 0.0, 1.0, -1.0, np.nan, np.inf, -np.inf)
    n = 64  # numpy's array loops (what the reference runs), not its scalar path
    for a in values:
        for b in values:
            A, B = np.full(n, a), np.full(n, b)
            assert_same(np.maximum(A, B)[0], np.float64(fmax(a, b)))
            assert_same(np.minimum(A, B)[0], np.float64(fmin(a, b)))
            for c in values:
                assert_same(np.clip(A, b, np.full(n, c))[0], np.float64(fclip(a, b, c)))


# --- guards -------------------------------------------------------------------------------------------

@cache
def a_year():
    """A real slab (steel2030, t = 15) and the guard and output names that go with it."""
    t, args = next((t, a) for t, a in captured("steel2030")["write_year"] if t == 15)
    slab, _ = write(args, "numpy")
    return slab, args[1], args[3]


def verdicts(slab, guard, names):
    """(numpy's verdict, the kernel's verdict, numpy's message, the kernel path's message)."""
    block = slab[None]
    out = {n: block[:, i, :].T for i, n in enumerate(names)}
    messages = []
    for backend in ("numpy", "numba"):
        with compiled.use(backend):
            try:
                guard.check(slab, out, 0, 2035)
                messages.append(None)
            except ModelInvariantError as e:
                messages.append(str(e))
    from ctsim.engine.compiled import guards as kernels
    numpy_fast = fast_verdict(guard, slab)
    return numpy_fast, kernels.slab_ok(guard, slab), messages


def fast_verdict(guard, slab):
    """YearGuard.check's fast numpy verdict (before check_year decides)."""
    called = []
    original = guards.check_year
    guards.check_year = lambda *a: called.append(1)
    try:
        with compiled.use("numpy"):
            guard.check(slab, {}, 0, 2035)
    finally:
        guards.check_year = original
    return not called


BREAKS = {
    "nothing": lambda s, ix: None,
    "nan": lambda s, ix: s.__setitem__((ix["gen_coal_twh"], 3), np.nan),
    "inf in a free output": lambda s, ix: s.__setitem__((ix["co2_net_mt"], 5), np.inf),
    "-inf": lambda s, ix: s.__setitem__((ix["ets_cost_power_bn_cny"], 0), -np.inf),
    "negative stock": lambda s, ix: s.__setitem__((ix["cap_wind_gw"], 2), -1.0),
    "round-off below zero": lambda s, ix: s.__setitem__((ix["cap_coal_ccs_gw"], 2), -1e-15),
    "-0.0": lambda s, ix: s.__setitem__((ix["cap_coal_ccs_gw"], 1), -0.0),
    "share above one": lambda s, ix: s.__setitem__((ix["share_nonfossil_pe"], 6), 1.5),
    "negative net CO2 is fine": lambda s, ix: s.__setitem__((ix["co2_net_mt"], 4), -100.0),
    "generation short of demand": lambda s, ix: s.__setitem__((ix["demand_twh"], 7), s[ix["demand_twh"], 7] + 50),
    "a total off its parts": lambda s, ix: s.__setitem__((ix["steel_total_mt"], 1), s[ix["steel_total_mt"], 1] * 1.01),
    "a part off within the tolerance": lambda s, ix: s.__setitem__((ix["coal_steel_mtce"], 1),
                                                                   s[ix["coal_steel_mtce"], 1] * (1 + 1e-12)),
}


@pytest.mark.parametrize("case", list(BREAKS))
def test_the_guard_kernel_gives_numpys_verdict_and_message(case):
    base, guard, names = a_year()
    slab = base.copy()
    BREAKS[case](slab, {n: i for i, n in enumerate(names)})
    numpy_fast, kernel_fast, messages = verdicts(slab, guard, names)
    assert numpy_fast == kernel_fast
    assert messages[0] == messages[1]
    expected_pass = case in ("nothing", "negative net CO2 is fine", "-0.0", "a part off within the tolerance")
    assert kernel_fast == expected_pass
    if case in ("nan", "negative stock", "share above one", "a total off its parts", "inf in a free output"):
        assert messages[0] is not None


def test_the_guard_kernel_on_every_sample_position():
    """A break in the last sample of a tile, the first of the next and the very last is seen."""
    base, guard, names = a_year()
    wide = np.repeat(base, 40, axis=1)  # 320 samples: more than two tiles of the kernel
    row = names.index("gen_solar_twh")
    for s in (0, 127, 128, 255, 256, wide.shape[1] - 1):
        slab = wide.copy()
        slab[row, s] = np.nan
        assert fast_verdict(guard, slab) is False
        from ctsim.engine.compiled import guards as kernels
        assert kernels.slab_ok(guard, slab) is False
    from ctsim.engine.compiled import guards as kernels
    assert kernels.slab_ok(guard, wide) is True


def test_a_failing_year_under_the_compiled_loop_names_what_numpy_names():
    """A NaN input reaches the outputs: both backends raise the same ModelInvariantError."""
    inp = design_inputs("steel2030")
    bad = replace(inp, removals=replace(inp.removals, beccs_mt=copy.copy(np.array(inp.removals.beccs_mt, float))))
    bad.removals.beccs_mt[..., 12] = np.nan
    messages = []
    for backend in ("numpy", "numba"):
        with compiled.use(backend), pytest.raises(ModelInvariantError) as e:
            simulate(bad)
        messages.append(str(e.value))
    assert messages[0] == messages[1]
    assert "2032" in messages[0]
