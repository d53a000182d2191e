"""The compiled regional kernels (ctsim.engine.compiled.regions) against the numpy reference
(ctsim.engine.regions), bit for bit: no exp, log or ** is computed in a kernel (the GDP and demand
shares and the link growth stay in numpy on both paths), and sums are added in numpy's order.

(a) the arguments each regional step got in real runs: the bundled provincial scenarios under the
lever design of test_compiled_engine (step limits, builds and rationing taken by some samples and not
others), and a scenario with a binding provincial CO2 cap, a regional drought and a regional coal
shortfall in the projection (the planning passes with shocks and limits);
(b) the same arguments changed to edge cases: no capacity of a technology in any region, no links,
shared [1]-shaped values mixed with per-sample ones.
"""

from __future__ import annotations

import sys
from dataclasses import fields, replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from ctsim.engine import compiled, loop, simulate
from ctsim.engine import regions as rg
from ctsim.inputs.build import build_inputs, interpolate_path, simulated_years
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_compiled_engine import design_inputs  # noqa: E402

STEPS = ("step_capacity", "transfer", "national_dispatch", "record")
SHOCKED = {  # the projection with every regional branch: a cap, a drought and a coal shortfall by region
    "regions": "provinces",
    "regional_caps": {"power_co2_mt": {"Shandong": {2026: 500, 2030: 300}, "Jiangsu": 250}},
    "shocks": [
        {"kind": "hydro_drought", "year": 2035, "cf_factor": 0.6, "regions": ["Sichuan", "Yunnan"]},
        {"kind": "power_rationing", "year": 2040, "shortfall": 0.2, "duration_months": 4,
         "curtailment_order": ["steel", "industry", "other"], "regions": ["Guangdong", "Hebei"]},
    ],
}


def shocked_inputs():
    resolved = resolve(scenario_from_dict(SHOCKED, "shocked"))
    n = 4
    path = interpolate_path(resolved.values["macro.electricity_elasticity"], simulated_years(resolved))
    over = {"macro.electricity_elasticity": np.array([0.8, 1.0, 1.1, 1.3])[:, None] * path}
    return build_inputs(resolved, over, n, np.zeros(n, dtype=int))


@cache
def captured(name: str) -> dict[str, list[tuple]]:
    """{step: [(args, numpy result), ...]} of a numpy run."""
    calls: dict[str, list[tuple]] = {s: [] for s in STEPS}
    originals = {s: getattr(rg, s) for s in STEPS}

    def spy(step):
        def call(*args):
            result = originals[step](*args)
            calls[step].append((args, result))
            return result
        return call

    inp = shocked_inputs() if name == "shocked" else design_inputs(name)
    try:
        for s in STEPS:
            setattr(loop.regional, s, spy(s))
        with compiled.use("numpy"):
            simulate(inp)
    finally:
        for s in STEPS:
            setattr(loop.regional, s, originals[s])
    return calls


def arrays(x) -> list[np.ndarray]:
    """The arrays of a step's result, in a fixed order."""
    if isinstance(x, dict):
        return [np.asarray(x[k]) for k in sorted(x)]
    if isinstance(x, tuple):
        return [a for item in x for a in arrays(item)]
    if hasattr(x, "__dataclass_fields__"):
        return [np.asarray(getattr(x, f.name)) for f in fields(x) if isinstance(getattr(x, f.name), np.ndarray)]
    return [np.asarray(x)]


def assert_same(ref, got, what: str, broadcast: bool = False) -> None:
    """Equal arrays of equal shapes and dtypes (``broadcast``: a [1, G] row of the reference, an
    output every sample shares, may come as [S, G]: record's outputs are written into [S, G] blocks)."""
    a, b = arrays(ref), arrays(got)
    assert len(a) == len(b), what
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if broadcast and x.shape != y.shape:
            x = np.broadcast_to(x, y.shape)
        assert x.shape == y.shape and x.dtype == y.dtype, f"{what} #{i}: {x.shape} {y.shape}"
        assert np.array_equal(x, y), f"{what} #{i}: max diff {np.max(np.abs(x - y))}"


def numba_of(step: str, args):
    with compiled.use("numba"):
        return getattr(rg, step)(*args)


CASES = ["baseline-provinces", "crunch2021-provinces", "shocked"]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("step", STEPS)
def test_each_regional_kernel_equals_numpy_bit_for_bit_on_real_arguments(name, step):
    calls = captured(name)[step]
    assert len(calls) == 41
    for args, ref in calls:
        assert_same(ref, numba_of(step, args), f"{name} {step} year {args[-1] if step != 'transfer' else args[14]}",
                    broadcast=step == "record")


def test_the_shocked_case_takes_every_branch():
    calls = captured("shocked")["transfer"]
    rd = calls[0][0][1]
    assert rd.any_drought and rd.any_shortfall and rd.power_co2_cap_mt is not None
    built = [c[1][1] for c in calls]
    assert built[-1].inter_gw.max() > 0  # links are planned and built


@pytest.mark.parametrize("name", ["baseline-provinces", "shocked"])
def test_transfer_kernel_on_edge_inputs(name):
    # a late year's real arguments, changed: (1) no wind in any region and no coal in sample 0, (2) no
    # links built and no bundled links (nothing moves between zones), (3) shared [1]-shaped national
    # values, (4) a year of tenfold demand in half the samples (short everywhere, the limits bind), (5) a
    # tenth of the demand in half the samples (a surplus: regions curtail wind and solar, then the others)
    args, _ = captured(name)["transfer"][30]
    rcap = args[2].copy()
    rcap[..., 5] = 0.0
    rcap[0, :, 0] = 0.0
    variants = [list(args) for _ in range(5)]
    variants[0][2] = rcap
    variants[1][3] = None
    variants[1][1] = replace(args[1], links_gw=np.zeros_like(args[1].links_gw))
    variants[2][4] = args[4][:1]
    variants[2][6] = args[6][:1]
    demand = args[10].copy()
    demand[::2] *= 10.0
    variants[3][10] = demand
    low = args[10].copy()
    low[::2] *= 0.1
    variants[4][10] = low
    for i, v in enumerate(variants):
        with compiled.use("numpy"):
            ref = rg.transfer(*v)
        assert_same(ref, numba_of("transfer", v), f"variant {i}")
    with compiled.use("numpy"):  # the tenfold demand leaves load unserved in those samples only
        unserved = rg.transfer(*variants[3])[0].unserved_twh.sum(axis=-1)
    assert (unserved[::2] > 0).all()
    with compiled.use("numpy"):  # the tenth: hydro and nuclear spilled where wind and solar are all curtailed
        nf = rg.transfer(*variants[4])[0].nonfossil_twh
    assert (nf[::2, :, 2:].sum(axis=-1) == 0).any() and (nf[::2, :, :2].sum(axis=-1) > 0).any()


def test_record_and_capacity_kernels_on_edge_inputs():
    args, _ = captured("baseline-provinces")["record"][30]
    rd, tr, rcap, rec, t = args
    zero = replace(tr, unserved_twh=np.zeros_like(tr.unserved_twh), fossil_twh=-0.0 * tr.fossil_twh)
    shared = dict(rec, gdp_bn=np.asarray(rec["gdp_bn"])[:1], unserved_twh=np.zeros(1))
    for v in ((rd, zero, rcap, rec, t), (rd, tr, rcap * 0.0, shared, t)):
        with compiled.use("numpy"):
            ref = rg.record(*v)
        assert_same(ref, numba_of("record", v), "record", broadcast=True)
    args, _ = captured("baseline-provinces")["step_capacity"][30]
    rd, prev_gw, prev_nat, end_nat, t = args
    cut = end_nat.copy()
    cut[::2] *= 0.5  # a net reduction in half the samples
    prev0 = prev_gw.copy()
    prev0[:, :, 2] = 0.0  # a technology with no stock anywhere
    for v in ((rd, prev_gw, prev_nat, cut, t), (rd, prev0, prev_nat, end_nat, t), (rd, None, None, end_nat, 0)):
        with compiled.use("numpy"):
            ref = rg.step_capacity(*v)
        assert_same(ref, numba_of("step_capacity", v), "step_capacity")


def test_record_kernel_writes_only_the_outputs_a_run_records():
    # a sweep records few regional outputs (rd.outputs): the kernel computes those, the same numbers
    args, ref = captured("baseline-provinces")["record"][30]
    rd, tr, rcap, rec, t = args
    few = ("unserved_twh", "co2_total_mt", "energy_intensity")
    got = numba_of("record", (replace(rd, outputs=few), tr, rcap, rec, t))
    assert set(got) == set(few)
    for name in few:
        assert np.array_equal(np.broadcast_to(ref[name], got[name].shape), got[name]), name
