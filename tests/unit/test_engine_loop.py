"""The observed years simulated once (``ctsim.engine.loop.shared_observed_years``): a run of many
samples whose history holds nothing per sample simulates 2020 to the last observed year as one
sample and widens that state (and, by region, the regional capacity and links) to every sample.
Every output must be, bit for bit, what the run gives with every year simulated for every sample;
the shortcut must not be taken where the observed years can differ between samples."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_compiled_engine import ROOT

from ctsim.engine import compiled, loop, simulate
from ctsim.inputs.build import build_inputs
from ctsim.pipeline import load
from ctsim.resolve import resolve


def _inputs(name: str, overrides: dict, n: int):
    return build_inputs(resolve(load(ROOT / "scenarios" / f"{name}.yaml")), overrides, n)


def _price_design(name: str, n: int):
    """``n`` samples of ``name``, each with its own carbon price from 2025 and its own growth."""
    resolved = resolve(load(ROOT / "scenarios" / f"{name}.yaml"))
    years = build_inputs(resolved).years
    price = np.interp(years, [2025, 2060], [60.0, 600.0]) * (years >= 2025)
    factor = np.linspace(0.5, 3.0, n)[:, None]
    growth = np.linspace(0.8, 1.2, n)[:, None] * np.ones(len(years))
    return build_inputs(resolved, {"policy.carbon_price": np.asfortranarray(price * factor),
                                   "macro.gdp_growth": np.asfortranarray(
                                       growth * build_inputs(resolved).macro.gdp_growth)}, n)


def _bytes(out: dict) -> dict:
    return {k: (v.shape, v.dtype, np.ascontiguousarray(v).tobytes()) for k, v in out.items()}


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize("name", ["steel2030", "campaign-style", "dual-control", "baseline-provinces"])
def test_observed_years_once_give_the_numbers_of_every_sample_simulated(name, backend, monkeypatch):
    inp = _price_design(name, 7)
    observed = int(np.count_nonzero(inp.years <= inp.history_end))
    assert observed >= 5 and loop.shared_observed_years(inp) == observed
    with compiled.use(backend):
        once = simulate(inp)
        monkeypatch.setattr(loop, "shared_observed_years", lambda _inp: 0)
        every = simulate(inp)
    assert _bytes(once) == _bytes(every)
    # the design differs by sample in the projection, not in the observed years
    co2 = once["co2_total_mt"]
    assert np.all(co2[:, :observed] == co2[:1, :observed]) and np.ptp(co2[:, -1]) > 0


def test_not_taken_when_the_history_differs_by_sample_or_for_one_sample():
    # an accounting metric applies to the observed years too (inputs.build): they differ by sample
    gwp = _inputs("steel2030", {"ghg.gwp_ch4_fossil": np.array([25.0, 29.8, 35.0])}, 3)
    assert gwp.history.ghg.gwp_ch4_fossil.shape == (3,)
    assert loop.shared_observed_years(gwp) == 0
    out = simulate(gwp)
    assert np.ptp(out["ghg_gross_mt_co2e"][:, 0]) > 0  # the observed years, simulated for every sample
    assert loop.shared_observed_years(_inputs("steel2030", {}, 1)) == 0
    # a counterfactual of history simulates every year with the scenario's inputs
    resolved = resolve(load(ROOT / "scenarios" / "steel2030.yaml"))
    assert loop.shared_observed_years(build_inputs(replace(resolved, history_end=None), n_samples=4)) == 0
    # crunch2021-provinces replays 2021 with the scenario's shocks (a counterfactual of history)
    assert loop.shared_observed_years(_inputs("crunch2021-provinces", {}, 2)) == 0
