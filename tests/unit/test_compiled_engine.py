"""The compiled engine (numba kernels, ctsim.engine.compiled) against the plain-numpy reference.

Every bundled scenario (national and provincial) runs a small design under both backends: samples
that vary the carbon price, wind and solar additions and the hydro capacity factor (a drought) from
2025, so that the kernels' branches (step limits, builds, caps, rationing) are taken by some samples
and not others in the same call. Every output must agree to ``compiled.TOLERANCE`` relative to its
largest magnitude (bit for bit where no exp/log/** lies upstream: see the module docstring).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from ctsim.engine import compiled, simulate
from ctsim.errors import UsageError
from ctsim.inputs.build import build_inputs, interpolate_path, simulated_years
from ctsim.pipeline import load
from ctsim.resolve import resolve

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
LEVER_YEAR = 2025
PRICE_ADDS = (0.0, 100.0, 600.0, 2500.0, 0.0, 300.0, 0.0, 1500.0)  # CNY/t from 2025
VRE_FACTORS = (1.0, 1.0, 1.5, 0.5, 3.0, 1.2, 2.0, 0.0)  # wind and solar additions from 2025
HYDRO_FACTORS = (1.0, 0.85, 1.0, 0.7, 1.0, 1.0, 0.95, 0.7)  # hydro capacity factor from 2025 (a shock)


@cache
def design_inputs(name: str):
    """The scenario's inputs for the design above (the same shock draws in every sample)."""
    resolved = resolve(load(ROOT / "scenarios" / f"{name}.yaml"))
    years = simulated_years(resolved)
    late = years >= LEVER_YEAR
    n = len(PRICE_ADDS)
    price = interpolate_path(resolved.values["policy.carbon_price"], years)
    over = {"policy.carbon_price": np.stack([np.where(late, price + a, price) for a in PRICE_ADDS])}
    for tech in ("wind", "solar"):
        base = interpolate_path(resolved.values[f"power.{tech}_additions_gw"], years)
        over[f"power.{tech}_additions_gw"] = np.stack([np.where(late, base * f, base) for f in VRE_FACTORS])
    inp = build_inputs(resolved, over, n, np.zeros(n, dtype=int))
    hydro = np.where(late, np.array(HYDRO_FACTORS)[:, None], 1.0)
    return replace(inp, shock=replace(inp.shock, hydro_cf_factor=np.broadcast_to(
        inp.shock.hydro_cf_factor, (n, len(years))) * hydro))


@cache
def reference(name: str) -> dict[str, np.ndarray]:
    with compiled.use("numpy"):
        return simulate(design_inputs(name))


def disagreement(ref: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> dict[str, float]:
    """{output: largest difference relative to the output's largest magnitude} where it exceeds
    the tolerance."""
    assert set(ref) == set(got)
    bad = {}
    for name, a in ref.items():
        b = got[name]
        assert a.shape == b.shape, name
        scale = max(float(np.max(np.abs(a))), 1e-300)
        rel = float(np.max(np.abs(a - b))) / scale
        if not rel <= compiled.TOLERANCE:  # NaN fails too
            bad[name] = rel
    return bad


@pytest.mark.parametrize("name", SCENARIOS)
def test_compiled_engine_agrees_with_the_numpy_reference(name):
    with compiled.use("numba"):
        got = simulate(design_inputs(name))
    assert disagreement(reference(name), got) == {}


def test_the_comparison_sees_a_difference():
    ref = reference("steel2030")
    changed = dict(ref, gen_coal_twh=ref["gen_coal_twh"] * (1 + 1e-7))
    assert set(disagreement(ref, changed)) == {"gen_coal_twh"}


def test_the_design_takes_branches_in_some_samples_and_not_others():
    # the samples differ from each other in the projection, in power and in steel
    ref = reference("steel2030")
    t = 2035 - 2020
    for out in ("gen_coal_twh", "cap_storage_nts_gw", "steel_eaf_mt", "add_response_gw"):
        assert len(np.unique(ref[out][:, t])) > 2, out
    unserved = ref["unserved_twh"][:, t]  # a drought without new wind and solar is short, the others not
    assert (unserved == 0).any() and (unserved > 0).any()


def test_backend_choice():
    with compiled.use("numpy"):
        assert compiled.backend() == "numpy"
        with compiled.use("numba"):
            assert compiled.backend() == "numba"
        assert not compiled.active()
    with pytest.raises(UsageError, match="CTSIM_ENGINE: expected one of auto, numpy, numba"):
        with compiled.use("fortran"):
            pass


def test_auto_compiles_regional_runs_only():
    # auto: the kernels where they measured faster (provincial and grid runs), numpy for national ones
    with compiled.use("auto"):
        with compiled.run(regional=False):
            assert compiled.backend() == "numpy"
        with compiled.run(regional=True):
            assert compiled.backend() == "numba"
            with compiled.run(regional=False):  # a run inside a run keeps the outer choice
                assert compiled.backend() == "numba"
        assert compiled.backend() == "numpy"  # outside a run: numba only when chosen by name
    with compiled.use("numba"), compiled.run(regional=False):
        assert compiled.backend() == "numba"
