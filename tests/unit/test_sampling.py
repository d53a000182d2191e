"""Samplers, inverse-CDF transforms, design rows -> overrides, and seeded per-sample draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ctsim.inputs import design as sampling
from ctsim.inputs.build import interpolate_path
from ctsim.inputs.randomness import sample_uniforms
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict
from ctsim.scenario.uncertain import Choice, Normal, Triangular, Uniform

YEARS = np.arange(2020, 2061)


def _resolved(uncertain: dict, **extra):
    return resolve(scenario_from_dict({"uncertain": uncertain, **extra}, name="t"))


@pytest.mark.parametrize("method", ["lhs", "random", "sobol", "morris"])
def test_unit_design_in_unit_cube_and_reproducible(method):
    a = sampling.unit_design(method, 64, 3, seed=11)
    b = sampling.unit_design(method, 64, 3, seed=11)
    c = sampling.unit_design(method, 64, 3, seed=12)
    assert a.shape == (sampling.design_size(method, 64, 3), 3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.min() >= 0.0 and a.max() <= 1.0


@pytest.mark.parametrize("n_params", [1, 2, 5, 9])
@pytest.mark.parametrize("base", [1, 8, 1024])
@pytest.mark.parametrize("seed", [0, 7])
def test_saltelli_rows_equal_salib_value_for_value(n_params, base, seed):
    """The vectorized Saltelli arrangement is SALib's sobol.sample (first order), bit for bit."""
    from SALib.sample import sobol

    from ctsim.inputs.randomness import rng

    def problem():
        return {"num_vars": n_params, "names": [f"x{i}" for i in range(n_params)],
                "bounds": [[0.0, 1.0]] * n_params}

    ours = sampling.saltelli_first_order(problem(), base, rng(seed, "design"))
    theirs = sobol.sample(problem(), base, calc_second_order=False, seed=rng(seed, "design"))
    assert ours.shape == theirs.shape == (base * (n_params + 2), n_params)
    assert ours.tobytes() == theirs.tobytes()
    # the Saltelli structure itself: AB_j is A with column j of B
    block = ours.reshape(base, n_params + 2, n_params)
    a, b = block[:, 0], block[:, -1]
    for j in range(n_params):
        expected = a.copy()
        expected[:, j] = b[:, j]
        assert np.array_equal(block[:, 1 + j], expected)


def test_design_sizes():
    assert sampling.design_size("lhs", 1000, 5) == 1000
    assert sampling.design_size("sobol", 1000, 5) == 256 * 7  # 1000 / 7 = 142.9 -> 143 -> 256
    assert sampling.design_size("morris", 1000, 5) == 167 * 6  # 1000 / 6 = 166.7 -> 167


def test_lhs_has_one_point_per_stratum():
    u = sampling.unit_design("lhs", 50, 4, seed=3)
    for j in range(4):
        assert sorted(np.floor(u[:, j] * 50).astype(int)) == list(range(50))


def test_inverse_cdf_uniform_triangular_exact():
    q = np.array([0.0, 0.25, 0.5, 1.0])
    u = Uniform(kind="uniform", low=2.0, high=6.0)
    assert np.allclose(sampling.inverse_cdf(u, q, -np.inf, np.inf), [2, 3, 4, 6], rtol=0, atol=1e-12)
    t = Triangular(kind="triangular", low=0.0, mode=0.0, high=1.0)
    # F(x) = 1 - (1 - x)^2 -> x = 1 - sqrt(1 - q)
    assert np.allclose(sampling.inverse_cdf(t, q, -np.inf, np.inf), 1 - np.sqrt(1 - q), atol=1e-12)


def test_inverse_cdf_truncated_normal_stays_in_bounds_and_matches_scipy():
    spec = Normal(kind="normal", mean=0.0, sd=1.0, lower=-0.5)
    q = np.linspace(0.001, 0.999, 101)
    x = sampling.inverse_cdf(spec, q, -np.inf, 2.0)
    assert x.min() >= -0.5 and x.max() <= 2.0 and np.all(np.diff(x) > 0)
    expected = stats.truncnorm(-0.5, 2.0).ppf(q)
    assert np.allclose(x, expected, atol=1e-9)


def test_choice_frequencies_follow_weights():
    spec = Choice(kind="choice", values=[30, 40, 50], weights=[1, 2, 1])
    x = sampling.inverse_cdf(spec, (np.arange(4000) + 0.5) / 4000, -np.inf, np.inf)
    assert [int((x == v).sum()) for v in (30, 40, 50)] == [1000, 2000, 1000]


def test_design_values_follow_specs():
    r = _resolved({"power.coal_lifetime_yr": {"kind": "uniform", "low": 30, "high": 50},
                   "macro.gdp_growth": {"kind": "triangular", "low": 0.8, "mode": 1, "high": 1.2,
                                        "scale": True}})
    d = sampling.make_design(r, 400, "lhs", seed=5)
    assert d.labels == ["power.coal_lifetime_yr", "macro.gdp_growth:scale"]
    assert np.allclose(d.values[:, 0], 30 + 20 * d.unit[:, 0], atol=1e-12)
    assert 0.8 <= d.values[:, 1].min() and d.values[:, 1].max() <= 1.2
    # LHS stratifies each margin: the sample mean is close to the triangular mean of 1.0
    assert abs(d.values[:, 1].mean() - 1.0) < 1e-3


def test_morris_grid_maps_to_finite_bin_midpoints():
    r = _resolved({"power.coal_lifetime_yr": {"kind": "normal", "mean": 40, "sd": 3,
                                              "lower": 25, "upper": 55}})
    d = sampling.make_design(r, 40, "morris", seed=1)
    levels = np.unique(d.values[:, 0])
    expected = stats.truncnorm(-5, 5, loc=40, scale=3).ppf([0.125, 0.375, 0.625, 0.875])
    assert len(levels) >= 2 and all(np.isclose(expected, v, atol=1e-9).any() for v in levels)
    assert np.isfinite(d.values).all()


def test_overrides_match_resolved_for_sample():
    r = _resolved({"steel.eaf_share": {"kind": "uniform", "low": 0.1, "high": 0.3, "year": 2035},
                   "macro.gdp_growth": {"kind": "uniform", "low": 0.8, "high": 1.2, "scale": True},
                   "macro.electricity_elasticity": {"kind": "uniform", "low": 0.8, "high": 1.2,
                                                    "scale": True, "from_year": 2025},
                   "steel.ccus_share": {"kind": "uniform", "low": 0.0, "high": 0.2, "year": 2040},
                   "power.coal_lifetime_yr": {"kind": "uniform", "low": 0.9, "high": 1.1,
                                              "scale": True}})
    d = sampling.make_design(r, 5, "random", seed=2)
    ov = sampling.overrides(d.columns, d.values, r, YEARS)
    for i in range(5):
        single = sampling.resolved_for_sample(r, d.columns, d.values[i], YEARS)
        for name, arr in ov.items():
            expected = (interpolate_path(single.values[name], YEARS)
                        if arr.ndim == 2 else single.values[name])
            assert np.allclose(arr[i], expected, rtol=1e-14, atol=1e-15), name
    # eaf_share keeps its other key points; the 2035 value is the sample
    assert single.values["steel.eaf_share"][2035] == d.values[4, 0]
    assert single.values["steel.eaf_share"][2030] == r.values["steel.eaf_share"][2030]
    # from_year keeps the years before it as they were
    base = interpolate_path(r.values["macro.electricity_elasticity"], YEARS)
    elast = ov["macro.electricity_elasticity"]
    assert np.array_equal(elast[:, YEARS < 2025], np.broadcast_to(base[YEARS < 2025], (5, 5)))
    assert np.allclose(elast[:, YEARS >= 2025], d.values[:, [2]] * base[YEARS >= 2025])
    # a constant path (ccus_share = 0) gets key points at the first and last year
    assert set(single.values["steel.ccus_share"]) == {2020, 2040, 2060}


def test_sample_uniforms_depend_on_global_index_only():
    idx = np.arange(1000)
    whole = sample_uniforms(42, "shock", idx, 3)
    parts = np.vstack([sample_uniforms(42, "shock", idx[a:a + 128], 3)
                       for a in range(0, 1000, 128)])
    assert np.array_equal(whole, parts)
    assert whole.min() >= 0 and whole.max() < 1
    assert abs(whole.mean() - 0.5) < 0.02
    assert not np.array_equal(whole, sample_uniforms(43, "shock", idx, 3))
    assert not np.array_equal(whole, sample_uniforms(42, "other", idx, 3))
    assert stats.kstest(whole.ravel(), "uniform").pvalue > 1e-3


@pytest.mark.parametrize("method, per", [("sobol", 2), ("morris", 1)])
@pytest.mark.parametrize("n_params", [1, 5, 12])
@pytest.mark.parametrize("samples", [1, 10, 56, 1000, 10_000, 100_000])
def test_sobol_and_morris_sizes_are_the_smallest_valid_size_at_or_above_the_request(method, per, n_params,
                                                                                     samples):
    from ctsim.inputs.design import design_size, size_note_for

    size, unit = design_size(method, samples, n_params), n_params + per
    assert size >= samples and size % unit == 0
    base = size // unit
    if method == "sobol":
        assert base >= 2 and base & (base - 1) == 0                      # a power of two
        assert base == 2 or (base // 2) * unit < samples                 # and the smallest that reaches
    else:
        assert base >= 2 and (base == 2 or (base - 1) * unit < samples)
    note = size_note_for(method, samples, n_params)
    assert (note is None) == (size == samples)
    if note:
        assert f"running {size:,} samples, not {samples:,}" in note


def test_lhs_and_random_sizes_are_exact():
    from ctsim.inputs.design import design_size, size_note_for

    assert design_size("lhs", 777, 5) == design_size("random", 777, 5) == 777
    assert size_note_for("lhs", 777, 5) is None
