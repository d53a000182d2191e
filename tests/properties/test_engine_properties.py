"""Engine properties: batching equivalence, invariants and monotone responses (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ctsim.inputs.build import build_inputs, interpolate_path
from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

RESOLVED = resolve(scenario_from_dict({}, "props"))
YEARS = build_inputs(RESOLVED).years
SCALES = ("power.solar_additions_gw", "power.wind_additions_gw", "macro.gdp_growth",
          "steel.eaf_share", "power.coal_additions_gw")


POLICY_YEARS = YEARS >= 2025  # 2020-2024 are observed history; levers act from 2025


def _scaled(name: str, factors: np.ndarray) -> np.ndarray:
    """The default path with its 2025+ part multiplied by each sample's factor."""
    base = interpolate_path(RESOLVED.values[name], YEARS)
    return np.where(POLICY_YEARS, factors[:, None] * base[None, :], base[None, :])


def _overrides(factors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: _scaled(name, f) for name, f in factors.items()}


factor_lists = st.lists(st.floats(0.3, 2.0), min_size=3, max_size=3)


@given(st.fixed_dictionaries({name: factor_lists for name in SCALES}))
def test_batched_rows_equal_single_runs(factors):
    arrays = {k: np.array(v) for k, v in factors.items()}
    batch = run_resolved(RESOLVED, _overrides(arrays), n_samples=3)
    for i in range(3):
        single = run_resolved(RESOLVED, _overrides({k: v[i:i + 1] for k, v in arrays.items()}), 1)
        for name, arr in batch.arrays.items():
            np.testing.assert_allclose(arr[i], single.arrays[name][0], rtol=1e-12, atol=1e-9,
                                       err_msg=name)


@given(st.fixed_dictionaries({name: factor_lists for name in SCALES}))
def test_invariants_hold_under_perturbation(factors):
    arrays = {k: np.array(v) for k, v in factors.items()}
    res = run_resolved(RESOLVED, _overrides(arrays), n_samples=3)
    a = res.arrays
    for name in ("share_nonfossil_gen", "share_nonfossil_pe", "steel_eaf_share"):
        assert ((a[name] >= -1e-12) & (a[name] <= 1 + 1e-12)).all(), name
    routes = a["steel_bfbof_mt"] + a["steel_eaf_mt"] + a["steel_h2dri_mt"]
    np.testing.assert_allclose(routes, a["steel_total_mt"], rtol=1e-12)
    np.testing.assert_allclose(a["gen_total_twh"] + a["unserved_twh"], a["demand_twh"], rtol=1e-9)
    for name in a:
        if name.startswith(("cap_", "gen_", "coal_", "steel_")):
            assert (a[name] >= -1e-9).all(), name


@given(st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_more_solar_never_raises_coal_generation(f1, f2):
    lo, hi = sorted((f1, f2))
    res = run_resolved(RESOLVED, _overrides({"power.solar_additions_gw": np.array([lo, hi])}), 2)
    assert (res["gen_coal_twh"][1] <= res["gen_coal_twh"][0] + 1e-9).all()
