"""Batching: row i of a sweep equals a single run of design row i; chunking changes no number."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ctsim.analysis.metrics import metrics
from ctsim.analysis.targets import evaluate
from ctsim.engine.inputs import shock_fields
from ctsim.inputs.build import build_inputs
from ctsim.inputs.design import resolved_for_sample
from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict
from ctsim.sweeps import core as sw
from ctsim.sweeps.streaming import PILOT

SCENARIO = {
    "seed": 99,
    "uncertain": {
        "macro.gdp_growth": {"kind": "triangular", "low": 0.8, "mode": 1.0, "high": 1.2, "scale": True},
        "macro.electricity_elasticity": {"kind": "uniform", "low": 0.8, "high": 1.2, "scale": True},
        "power.solar_additions_gw": {"kind": "uniform", "low": 0.6, "high": 1.3, "scale": True},
        "steel.eaf_share": {"kind": "normal", "mean": 0.2, "sd": 0.03, "lower": 0.12,
                            "upper": 0.28, "year": 2030},
        "power.coal_lifetime_yr": {"kind": "choice", "values": [30, 35, 40, 45, 50]},
        "power.coal_cf_max": {"kind": "uniform", "low": 0.95, "high": 1.05, "scale": True},
    },
    "shocks": [  # per-sample random draws: must follow the sample, not the chunk
        {"kind": "stochastic", "shock": "hydro_drought", "probability": 0.2,
         "severity": {"low": 0.05, "high": 0.15}, "from_year": 2025, "to_year": 2040},
    ],
    "targets": [
        {"id": "peak", "kind": "peak_by", "variable": "Emissions|CO2|Energy and Industrial Processes", "year": 2029},
        {"id": "eaf", "kind": "share_at_least", "variable": "Share|Production|Iron and Steel|Steel|Secondary",
         "year": 2030, "value": 0.2},
    ],
}


@pytest.fixture(scope="module")
def resolved():
    return resolve(scenario_from_dict(SCENARIO, name="equiv"))


@pytest.mark.parametrize("method", ["lhs", "sobol", "morris", "random"])
def test_row_i_of_a_sweep_equals_a_single_run(resolved, method):
    plan = sw.plan_sweep(resolved, samples=40, method=method, chunk_size=7)
    whole = sw.chunk_results(plan.context, plan.design.values)
    result = sw.run_sweep(plan)
    years = plan.context.years
    whole_shock = build_inputs(resolved, n_samples=plan.n_samples).shock
    shocks = {k: getattr(whole_shock, k) for k in shock_fields()}
    for i in (0, 3, plan.n_samples - 1):
        single_resolved = resolved_for_sample(resolved, plan.design.columns, plan.design.values[i],
                                              years)
        single = run_resolved(single_resolved, sample_ids=np.array([i]))
        single_shocks = vars(build_inputs(single_resolved, sample_ids=np.array([i])).shock)
        for name, arr in shocks.items():  # the stochastic draws themselves are bit-identical
            assert np.array_equal(single_shocks[name][0], arr[i]), name
        for name, arr in single.arrays.items():
            np.testing.assert_allclose(whole.arrays[name][i], arr[0], rtol=1e-12, atol=1e-9,
                                       err_msg=name)
        for name, value in metrics(single).items():
            np.testing.assert_allclose(result.metrics[name][i], value[0], rtol=1e-12, err_msg=name)
        verdicts = evaluate(resolved.targets, single)
        assert [bool(v.met[0]) for v in verdicts] == list(result.met[i])


def _assert_same(a: sw.SweepResult, b: sw.SweepResult) -> None:
    assert a.metrics.keys() == b.metrics.keys()
    for k in a.metrics:
        assert np.array_equal(a.metrics[k], b.metrics[k], equal_nan=True), k
    assert np.array_equal(a.met, b.met)
    assert np.array_equal(a.margin, b.margin)
    assert np.array_equal(a.series, b.series)
    assert np.array_equal(a.quantiles, b.quantiles)


def test_chunked_equals_unchunked_exact_quantiles(resolved):
    a = sw.run_sweep(sw.plan_sweep(resolved, samples=300, chunk_size=300))
    b = sw.run_sweep(sw.plan_sweep(resolved, samples=300, chunk_size=37))
    _assert_same(a, b)


def test_chunked_equals_unchunked_streaming_quantiles(resolved):
    n = PILOT + 500
    a = sw.run_sweep(sw.plan_sweep(resolved, samples=n, chunk_size=n))
    b = sw.run_sweep(sw.plan_sweep(resolved, samples=n, chunk_size=611))
    assert a.plan.context.grid is not None
    _assert_same(a, b)
    # chunks finishing in another order give the same result
    plan = b.plan
    shuffled = plan.chunks()[::-1]
    collector = sw.Collector(plan)
    for i, s, e in shuffled:
        collector.add(sw.run_chunk(plan.context, i, s, plan.design.values[s:e]))
    _assert_same(collector.result(), b)


def test_streaming_quantiles_close_to_exact(resolved):
    """A histogram quantile lies within one bin width of the order statistics around its rank."""
    n = PILOT + 500
    plan = sw.plan_sweep(resolved, samples=n, chunk_size=1000)
    result = sw.run_sweep(plan)
    res = sw.chunk_results(plan.context, plan.design.values)
    widths = plan.context.grid.width.reshape(len(plan.context.variables), -1)
    for v, name in enumerate(plan.context.variables):
        ordered = np.sort(res.arrays[name], axis=0)
        for iq, q in enumerate(sw.QUANTILES):
            lo = ordered[max(int(np.floor(q * n)) - 1, 0)] - widths[v] * (1 + 1e-9)
            hi = ordered[min(int(np.ceil(q * n)), n - 1)] + widths[v] * (1 + 1e-9)
            got = result.quantiles[iq, v]
            assert np.all((lo <= got) & (got <= hi)), (name, q)


def test_seed_changes_design_and_settings_come_from_the_scenario(resolved):
    a = sw.plan_sweep(resolved, samples=20)
    b = sw.plan_sweep(resolved, samples=20, seed=100)
    assert a.design.seed == 99 and not np.array_equal(a.design.values, b.design.values)
    custom = dataclasses.replace(resolved, sweep=resolved.sweep.model_copy(
        update={"samples": 12, "method": "random"}))
    plan = sw.plan_sweep(custom)
    assert plan.n_samples == 12 and plan.design.method == "random"


def test_local_processes_equal_in_process(resolved):
    plan = sw.plan_sweep(resolved, samples=PILOT + 300, chunk_size=700)
    a = sw.run_sweep(plan)
    b = sw.run_sweep(sw.plan_sweep(resolved, samples=PILOT + 300, chunk_size=700),
                     sw.process_executor(2))
    _assert_same(a, b)
