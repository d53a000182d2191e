"""Shock kernels, shock schema and the draws of stochastic shocks."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from ctsim import ScenarioError
from ctsim.engine import shocks
from ctsim.inputs.build import build_inputs
from ctsim.inputs.shocks import draw_stochastic, shock_arrays
from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict


def test_fossil_limits_only_bind_with_a_shortfall():
    coal, gas = shocks.fossil_limits(np.array([1000.0, 1000.0]), np.array([200.0, 200.0]),
                                     np.array([0.0, 0.1]), np.array([1500.0, 1500.0]),
                                     np.array([400.0, 400.0]))
    assert_allclose(coal, [1500.0, 900.0])
    assert_allclose(gas, [400.0, 200.0])


def test_curtail_follows_the_order_with_caps():
    # loads steel 100, industry 200, other 1000; at most 10 % of a group's load before moving on
    loads = np.array([[100.0, 200.0, 1000.0]] * 3)
    ranks = np.array([[0, 1, 2], [0, 1, 2], [2, 0, 1]], dtype=float)
    cut = shocks.curtail(np.array([5.0, 50.0, 50.0]), loads, np.array(0.1), ranks)
    assert_allclose(cut, [[5, 0, 0], [10, 20, 20], [0, 20, 30]])
    assert_allclose(cut.sum(axis=1), [5.0, 50.0, 50.0])


def test_gdp_loss_is_unserved_times_value_of_lost_load_over_gdp():
    # 100 TWh x 0.9 $/kWh = 90 bn$ of a 30,000 bn$ GDP = 0.3 %; capped at the whole GDP
    assert_allclose(shocks.gdp_loss(np.array([100.0, 0.0, 1e6]), np.array([30000.0, 30000.0, 30000.0]),
                                    np.array(0.9)), [0.003, 0.0, 1.0])


def _scenario(shock_list, seed=7):
    return resolve(scenario_from_dict({"seed": seed, "shocks": shock_list}, "s"))


STOCHASTIC = {"kind": "stochastic", "shock": "power_rationing", "probability": 0.3,
              "severity": {"low": 0.05, "high": 0.2}, "from_year": 2025, "to_year": 2060}


def test_same_seed_same_shocks_and_chunks_equal_the_whole():
    res = _scenario([STOCHASTIC])
    whole = build_inputs(res, n_samples=6).shock.coal_shortfall
    again = build_inputs(res, n_samples=6).shock.coal_shortfall
    chunk = build_inputs(res, n_samples=2, sample_ids=np.array([3, 4])).shock.coal_shortfall
    single = build_inputs(res, n_samples=1, sample_ids=np.array([5])).shock.coal_shortfall
    assert np.array_equal(whole, again)
    assert np.array_equal(chunk, whole[3:5])
    assert np.array_equal(single[0], whole[5])
    assert np.array_equal(build_inputs(res, n_samples=6).take(slice(3, 5)).shock.coal_shortfall,
                          chunk)
    assert (whole[:, :5] == 0).all() and (whole > 0).any()  # nothing before from_year
    other = build_inputs(_scenario([STOCHASTIC], seed=8), n_samples=6).shock.coal_shortfall
    assert not np.allclose(other, whole)


def test_draws_per_sample_do_not_depend_on_the_others():
    ids = np.arange(1000)
    occur, sev = draw_stochastic(1, 0, ids, 41)
    parts = [draw_stochastic(1, 0, ids[a:a + 97], 41) for a in range(0, 1000, 97)]
    assert np.array_equal(occur, np.vstack([p[0] for p in parts]))
    assert np.array_equal(sev, np.vstack([p[1] for p in parts]))
    shuffled = np.random.default_rng(0).permutation(ids)
    o, s = draw_stochastic(1, 0, shuffled, 41)  # any order, any subset: rows follow the sample id
    assert np.array_equal(o, occur[shuffled]) and np.array_equal(s, sev[shuffled])
    far = np.array([999_999, 5])  # a late sample of a 10^6 sweep, alone or with another
    assert np.array_equal(draw_stochastic(1, 0, far, 41)[0][0], draw_stochastic(1, 0, far[:1], 41)[0][0])


def test_draws_are_deterministic_and_keyed_by_seed_and_position():
    ids = np.arange(500)
    occur, sev = draw_stochastic(11, 0, ids, 30)
    again = draw_stochastic(11, 0, ids, 30)
    assert np.array_equal(occur, again[0]) and np.array_equal(sev, again[1])
    assert occur.shape == sev.shape == (500, 30)
    assert 0 <= min(occur.min(), sev.min()) and max(occur.max(), sev.max()) < 1
    for other in (draw_stochastic(12, 0, ids, 30), draw_stochastic(11, 1, ids, 30)):
        assert not np.any(occur == other[0]) and not np.any(sev == other[1])  # ~2^-53 per pair
    assert not np.any(occur == sev)  # occurrence and severity are separate streams
    # two identical stochastic shocks in one scenario strike independently
    res = _scenario([STOCHASTIC, STOCHASTIC])
    one = build_inputs(_scenario([STOCHASTIC]), n_samples=200).shock.coal_shortfall
    two = build_inputs(res, n_samples=200).shock.coal_shortfall
    assert not np.array_equal(two, 2 * one) and np.all(two >= one)


HYDRO = {"kind": "stochastic", "shock": "hydro_drought", "probability": 0.15,
         "severity": {"low": 0.05, "high": 0.20}, "from_year": 2035, "to_year": 2060}


@pytest.fixture(scope="module")
def many_droughts():
    """Hydro factors of 200,000 samples of a 2020-2060 scenario with a stochastic drought."""
    res = _scenario([HYDRO], seed=2024)
    years = np.arange(2020, 2061)
    return years, shock_arrays(res.shocks, years, res.seed, 200_000)["shocks.hydro_cf_factor"]


def test_occurrence_frequency_matches_the_annual_probability(many_droughts):
    years, hydro = many_droughts
    window = (years >= 2035) & (years <= 2060)
    assert np.all(hydro[:, ~window] == 1.0)
    hit = hydro[:, window] < 1.0
    n, p = hit.size, HYDRO["probability"]
    # 5 standard deviations of a binomial count: fails by chance with probability ~6e-7
    assert abs(hit.sum() - n * p) < 5 * np.sqrt(n * p * (1 - p))
    per_year = hit.mean(axis=0)  # every year, not only on average
    assert np.all(np.abs(per_year - p) < 5 * np.sqrt(p * (1 - p) / hit.shape[0]))
    # years strike independently: a sample's count of dry years is Binomial(26, p) in mean and variance
    counts = hit.sum(axis=1)
    k = window.sum()
    assert abs(counts.var() / (k * p * (1 - p)) - 1) < 0.03
    lag = np.corrcoef(hit[:, :-1].ravel(), hit[:, 1:].ravel())[0, 1]
    assert abs(lag) < 5 / np.sqrt(hit[:, 1:].size)


def test_severity_quantiles_match_the_uniform_distribution(many_droughts):
    _, hydro = many_droughts
    severity = 1.0 - hydro[hydro < 1.0]
    low, high = HYDRO["severity"]["low"], HYDRO["severity"]["high"]
    assert low <= severity.min() and severity.max() <= high + 1e-15
    levels = np.linspace(0.01, 0.99, 99)
    expected = low + levels * (high - low)
    # the sample quantile's standard error is sqrt(q (1 - q) / n) / density; 5 of them at most
    tolerance = 5 * np.sqrt(levels * (1 - levels) / severity.size) * (high - low)
    assert np.all(np.abs(np.quantile(severity, levels) - expected) < tolerance)
    assert stats.kstest(severity, stats.uniform(low, high - low).cdf).pvalue > 1e-4


@pytest.mark.parametrize("kind, key", [("power_rationing", "shocks.coal_shortfall"),
                                       ("coal_price_spike", "shocks.coal_price_factor")])
def test_other_stochastic_kinds_map_severity_to_their_arrays(kind, key):
    low, high = (0.1, 0.4) if kind == "power_rationing" else (1.5, 3.0)
    spec = dict(STOCHASTIC, shock=kind, probability=0.5, severity={"low": low, "high": high},
                duration_months=6)
    res = _scenario([spec])
    years = np.arange(2020, 2061)
    arr = shock_arrays(res.shocks, years, res.seed, 5000)[key]
    occur, u = draw_stochastic(res.seed, 0, np.arange(5000), len(years))
    hit = (occur < 0.5) & (years >= 2025)
    value = low + u * (high - low)
    expected = np.where(hit, value * 6 / 12 if kind == "power_rationing" else value,
                        0.0 if kind == "power_rationing" else 1.0)
    assert np.array_equal(arr, expected)
    assert 0.45 < hit[:, years >= 2025].mean() < 0.55


def test_deterministic_shocks_make_annual_arrays():
    years = np.arange(2020, 2031)
    out = shock_arrays(_scenario([{"kind": "power_rationing", "year": 2027, "shortfall": 0.2,
                                   "duration_months": 6},
                                  {"kind": "coal_price_spike", "start": 2026, "end": 2028,
                                   "price_factor": 2.0}]).shocks, years, 0)
    assert_allclose(out["shocks.coal_shortfall"][0, years == 2027], [0.1])
    assert_allclose(out["shocks.coal_price_factor"][0], np.where((years >= 2026) & (years <= 2028), 2, 1))


@pytest.mark.parametrize("shock, message", [
    ({"kind": "power_rationng", "year": 2027, "shortfall": 0.1}, "did you mean 'power_rationing'"),
    ({"kind": "power_rationing", "year": 2070, "shortfall": 0.1}, "year outside horizon"),
    ({"kind": "power_rationing", "year": 2027, "shortfal": 0.1}, "unknown key 'shortfal'"),
    ({"kind": "coal_price_spike", "start": 2030, "end": 2029, "price_factor": 2}, "end before start"),
])
def test_bad_shocks_give_one_line_errors(shock, message):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({"shocks": [shock]}, "bad")
    assert message in str(err.value) and "shocks.0" in str(err.value)
    assert "\n" not in str(err.value)


def test_coal_price_spike_moves_dispatch_to_gas():
    spike = {"kind": "coal_price_spike", "start": 2030, "end": 2031, "price_factor": 2.5}
    base, hit = run_resolved(_scenario([])), run_resolved(_scenario([spike]))
    y = list(base.years).index(2030)
    assert hit["Secondary Energy|Electricity|Gas"][0, y] > base["Secondary Energy|Electricity|Gas"][0, y]
    assert hit["Secondary Energy|Electricity|Coal"][0, y] < base["Secondary Energy|Electricity|Coal"][0, y]


def test_a_sampled_max_cut_fraction_caps_each_sample_by_its_own_fraction():
    # one fraction per sample (a sweep over shock.max_cut_fraction): [S] against loads [S, 3]
    from pathlib import Path

    from ctsim.engine import compiled, simulate
    from ctsim.pipeline import load

    fracs = np.array([0.02, 0.08, 0.3, 1.0])
    cut = shocks.curtail(np.full(4, 50.0), np.full((4, 3), 100.0), fracs, np.tile([0.0, 1.0, 2.0], (4, 1)))
    np.testing.assert_allclose(cut[:, 0], np.minimum(fracs * 100.0, 50.0))
    np.testing.assert_allclose(cut.sum(axis=1), 50.0)
    resolved = resolve(load(Path(__file__).resolve().parents[2] / "scenarios" / "rationing2021.yaml"))
    ids = np.zeros(len(fracs), dtype=int)
    for backend in ("numpy", "numba"):
        with compiled.use(backend):
            together = simulate(build_inputs(resolved, {"shock.max_cut_fraction": fracs}, len(fracs), ids))
            for i, f in enumerate(fracs):
                alone = simulate(build_inputs(resolved, {"shock.max_cut_fraction": np.array([f])}, 1, ids[:1]))
                np.testing.assert_array_equal(together["unserved_steel_twh"][i], alone["unserved_steel_twh"][0])
    assert len(np.unique(together["unserved_steel_twh"][:, 1])) > 1  # the fraction matters in 2021
