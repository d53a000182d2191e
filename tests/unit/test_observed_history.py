"""History is observed: 2020 to the last bundled year come from history whatever a scenario, an
override, a comparison or a sweep says; projection paths start from the last observed value."""

from __future__ import annotations

import numpy as np
import pytest

import ctsim
from ctsim import registry
from ctsim.analysis.compare import policy_wedges
from ctsim.history import (
    has_observed_series,
    last_observed_year,
    observed_parameters,
    observed_years,
)
from ctsim.inputs.build import build_inputs
from ctsim.inputs.design import make_design, overrides, resolved_for_sample
from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve

LAST = last_observed_year()


@pytest.fixture(scope="module")
def baseline(root):
    return ctsim.run(root / "scenarios" / "baseline.yaml")


@pytest.fixture(scope="module")
def higher_price(root, tmp_path_factory):
    """The acceptance case: the baseline with a higher carbon price from 2026."""
    folder = tmp_path_factory.mktemp("price")
    (folder / "price.yaml").write_text(f"extends: {root / 'scenarios' / 'baseline.yaml'}\n"
                                       "policy:\n  carbon_price: {2026: 300, 2060: 800}\n")
    return ctsim.run(folder / "price.yaml")


def _observed(results) -> np.ndarray:
    return results.years <= LAST


def test_the_observed_years_are_2020_to_the_last_bundled_year():
    from ctsim.history import history

    frame = history()
    assert observed_years() == (2020, LAST)
    assert LAST == 2024  # the bundled data end with 2024 (Ember, worldsteel); GCB CO2 with 2023
    assert frame.loc[LAST].notna().any() and LAST + 1 not in frame.index


def test_a_higher_carbon_price_from_2026_leaves_2020_2024_identical_in_every_variable(baseline,
                                                                                   higher_price):
    obs = _observed(baseline.results)
    assert set(baseline.results.arrays) == set(higher_price.results.arrays)
    for name, arr in baseline.results.arrays.items():
        assert np.array_equal(arr[:, obs], higher_price.results.arrays[name][:, obs]), name
    # ... and the price does act after them: less CO2 from 2026
    later = baseline.results.years >= 2026
    assert np.all(higher_price.results["co2_total_mt"][0, later] < baseline.results["co2_total_mt"][0, later])


def test_a_projection_path_starts_from_the_last_observed_value(higher_price):
    price = higher_price.results.series("Price|Carbon")
    observed = registry.parameters()["policy.carbon_price"].value[LAST]
    assert price[LAST] == pytest.approx(observed)
    assert price[2025] == pytest.approx((observed + 300) / 2)  # linear from 2024 to the 2026 key
    assert price[2026] == pytest.approx(300)
    path = higher_price.resolved.values["policy.carbon_price"]
    assert {y: v for y, v in path.items() if y <= LAST} == {
        y: pytest.approx(v) for y, v in registry.parameters()["policy.carbon_price"].value.items() if y <= LAST}


def test_a_number_for_an_observed_path_is_its_value_in_every_projected_year(baseline):
    run = ctsim.run(baseline.scenario, {"steel.eaf_share": 0.3})
    share = run.resolved.values["steel.eaf_share"]
    assert share[LAST + 1] == 0.3 and max(share) == LAST + 1
    assert share[2022] == pytest.approx(registry.parameters()["steel.eaf_share"].value[2022])


def test_wedges_are_zero_in_the_observed_years(baseline, higher_price, root):
    for policy in (higher_price, ctsim.run(root / "scenarios" / "neutrality2060.yaml")):
        wedges = policy_wedges(baseline.resolved, policy.resolved)
        obs = wedges.years <= LAST
        assert wedges.contributions and np.all(wedges.gap[~obs][-10:] != 0)
        for name, w in wedges.contributions.items():
            assert np.all(w[obs] == 0), name
        np.testing.assert_array_equal(wedges.reference_co2[obs], wedges.policy_co2[obs])


def test_engine_inputs_of_observed_years_ignore_the_scenario_and_its_overrides(baseline):
    # a structural scalar and a path given straight to the engine (as a sweep or a comparison does)
    resolved = baseline.resolved
    years = build_inputs(resolved).years
    n = 3
    over = {"power.coal_lifetime_yr": np.array([30.0, 40.0, 50.0]),
            "policy.carbon_price": np.linspace(0, 2000, n)[:, None] * np.ones(len(years))}
    res = run_resolved(resolved, over, n_samples=n)
    obs = _observed(res)
    for name, arr in res.arrays.items():
        assert np.array_equal(arr[:, obs], np.repeat(baseline.results.arrays[name][:, obs], n, axis=0)), name
    # the lifetime acts on the projection: the 2020 fleet continues on the sampled lifetime, so a
    # shorter one leaves less coal standing, and the registry's (40 years) changes nothing
    lifetimes = np.array([30.0, 40.0, 50.0])
    res = run_resolved(resolved, {"power.coal_lifetime_yr": lifetimes}, n_samples=n)
    coal = res["cap_coal_gw"][:, years.tolist().index(2035)]
    assert coal[0] < coal[1] < coal[2]
    assert registry.parameters()["power.coal_lifetime_yr"].value == 40
    for name, arr in res.arrays.items():
        assert np.array_equal(arr[1], baseline.results.arrays[name][0]), name


def test_sweep_samples_never_change_an_observed_year(root, baseline):
    resolved = resolve(ctsim.load_scenario(root / "scenarios" / "steel2030.yaml"))
    design = make_design(resolved, 12, "lhs", seed=3)
    years = build_inputs(resolved).years
    res = run_resolved(resolved, overrides(design.columns, design.values, resolved, years),
                       n_samples=design.n_samples)
    obs = _observed(res)
    for name, arr in res.arrays.items():
        assert np.array_equal(arr[:, obs], np.repeat(arr[:1, obs], design.n_samples, axis=0)), name
    # steel2030 only changes the projection, so its observed years are the baseline's
    for name in ("co2_total_mt", "steel_eaf_mt", "cap_coal_gw"):
        np.testing.assert_array_equal(res[name][:1, obs], baseline.results[name][:, obs])
    assert np.ptp(res["co2_total_mt"][:, ~obs], axis=0).max() > 0  # the samples do differ later
    # a design row written out as a scenario keeps the observed values too
    one = resolved_for_sample(resolved, design.columns, design.values[0], years)
    for name in ("macro.gdp_growth", "power.solar_additions_gw"):
        assert {y: v for y, v in one.values[name].items() if y <= LAST} == pytest.approx(
            {y: v for y, v in _path(resolved.values[name], years).items() if y <= LAST})


def _path(value, years):
    from ctsim.inputs.build import interpolate_path

    return {int(y): float(v) for y, v in zip(years, interpolate_path(value, years), strict=True)}


def test_a_scale_without_from_year_scales_only_the_projection(baseline):
    from ctsim.scenario import scenario_from_dict

    loaded = scenario_from_dict({"uncertain": {"macro.gdp_growth": {"kind": "uniform", "low": 0.5,
                                                                    "high": 0.6, "scale": True}}})
    resolved = resolve(loaded)
    years = build_inputs(resolved).years
    design = make_design(resolved, 4, "random", seed=1)
    path = overrides(design.columns, design.values, resolved, years)["macro.gdp_growth"]
    base = np.array(list(_path(resolved.values["macro.gdp_growth"], years).values()))
    obs = years <= LAST
    np.testing.assert_array_equal(path[:, obs], np.repeat(base[None, obs], 4, axis=0))
    assert np.all(path[:, ~obs] < base[None, ~obs])


@pytest.mark.parametrize("overrides_, key, fragment", [
    ({"policy.carbon_price": {2022: 300, 2060: 800}}, "policy.carbon_price.2022",
     "2022 is an observed year (2020-2024 come from history"),
    ({"macro.gdp_2020_bn": 25000}, "macro.gdp_2020_bn", "is an observed value (2020-2024"),
])
def test_an_override_of_an_observed_year_is_a_one_line_error(baseline, overrides_, key, fragment):
    with pytest.raises(ctsim.ScenarioError) as err:
        ctsim.run(baseline.scenario, overrides_)
    text = str(err.value)
    assert "\n" not in text and f"<overrides>: {key}: " in text and fragment in text


def test_a_path_without_an_observed_series_may_key_observed_years(baseline):
    # no CCS retrofits were observed as a series: a ramp from a 2022 key is allowed; it shapes the
    # projection (2025 lies on the ramp) while the observed years stay history
    run = ctsim.run(baseline.scenario, {"power.ccs_retrofit_gw": {2022: 0, 2032: 10}})
    assert run.resolved.values["power.ccs_retrofit_gw"] == {2022: 0, 2032: 10}
    obs = _observed(run.results)
    for name, arr in baseline.results.arrays.items():
        assert np.array_equal(arr[:, obs], run.results.arrays[name][:, obs]), name
    # the ramp's 3 GW in 2025 on top of the retrofits that pay (the same carbon price in both runs)
    t = list(run.results.years).index(2025)
    added = run.results["cap_coal_ccs_gw"][0, t] - baseline.results["cap_coal_ccs_gw"][0, t]
    assert added == pytest.approx(3.0)


def test_a_counterfactual_replays_history(root):
    replay = ctsim.run(root / "scenarios" / "rationing2021.yaml")
    assert replay.resolved.history_end is None
    t = list(replay.results.years).index(2021)
    assert replay.results["unserved_twh"][0, t] > 0  # the 2021 shock acts in an observed year


def test_which_parameters_have_an_observed_series():
    params = registry.parameters()
    observed = set(observed_parameters())
    # statistics and calibrated drivers of 2020-2024, and the 2020 initial state
    assert {"macro.gdp_growth", "power.solar_additions_gw", "power.wind_cf", "steel.output_mt",
            "policy.carbon_price", "other.coal_intensity_change", "power.coal_capacity_2020_gw",
            "macro.gdp_2020_bn"} <= observed
    # assumptions held constant, caps and structural scalars have none
    assert not {"power.ccs_retrofit_gw", "caps.national_co2_mt", "removals.beccs_mt",
                "power.coal_lifetime_yr", "factors.coal_t_co2_per_tce"} & observed
    for name in observed:
        p = params[name]
        assert (p.kind == "path" and min(p.value) <= LAST) or any(
            tag in p.key for tag in ("_2020", "_2019", "_2005"))
    assert all(has_observed_series(params[n]) == (n in observed) for n in params)


def test_the_2020_fleet_continues_on_a_changed_lifetime_without_double_or_missed_retirements():
    from ctsim.engine.capacity import initial_fleet_retirement, initial_fleet_survival
    from ctsim.engine.observed import lifetime_switch_gw

    cap, age, hist, ts = np.array([1000.0]), np.array([14.0]), np.array([40.0]), 5
    for life in (25.0, 30.0, 40.0, 45.0, 60.0):
        L = np.array([life])
        total = sum(initial_fleet_retirement(cap, t, hist, age) for t in range(ts))  # history's years
        for t in range(ts, 41):
            step = initial_fleet_retirement(cap, t, L, age) + lifetime_switch_gw(cap, age, hist, L, t, ts)
            assert step[0] >= -1e-12  # never a negative retirement
            total = total + step
            # cumulative retirement = max(the new lifetime's, what history already retired)
            expected = cap * np.maximum(initial_fleet_survival(L - t, 3 * age),
                                        initial_fleet_survival(hist - (ts - 1), 3 * age))
            np.testing.assert_allclose(total, expected, rtol=1e-12, atol=1e-9)
    same = [lifetime_switch_gw(cap, age, hist, hist, t, ts)[0] for t in range(ts, 41)]
    assert same == [0.0] * len(same)  # the registry's lifetime: bit for bit no change
