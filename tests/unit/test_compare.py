"""Policy wedges (Shapley): efficiency, hand-checked two-parameter case, sampled fallback; metric diffs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ctsim import load_scenario
from ctsim import pipeline as api
from ctsim.analysis import compare
from ctsim.analysis.compare import differing_parameters, metric_differences, policy_wedges
from ctsim.inputs.build import build_inputs, interpolate_path
from ctsim.resolve import resolve

ROOT = Path(__file__).resolve().parents[2]


def scenario(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\n{body}", encoding="utf-8")
    return path


def resolved(path) -> object:
    return resolve(load_scenario(path))


def co2(res, overrides=None) -> np.ndarray:
    return api.run_resolved(res, overrides, 1)["co2_total_mt"][0]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wedges")
    ref = resolved(ROOT / "scenarios" / "baseline.yaml")
    pol = resolved(scenario(tmp, "two", "power:\n  ccs_retrofit_gw: {2030: 0, 2035: 10, 2060: 10}\n"
                                       "steel:\n  eaf_share: {2030: 0.25, 2060: 0.5}\n"))
    return ref, pol


def test_differing_parameters_compares_paths_by_value(tmp_path):
    ref = resolved(ROOT / "scenarios" / "baseline.yaml")
    same = resolved(scenario(tmp_path, "same", "power:\n  ccs_retrofit_gw: {2030: 0, 2050: 0}\n"))
    assert differing_parameters(ref, same) == []  # written differently, same path
    other = resolved(scenario(tmp_path, "other", "years: {start: 2020, end: 2050}\n"))
    with pytest.raises(ValueError, match="horizons differ"):
        differing_parameters(ref, other)


def test_two_parameter_shapley_matches_hand_formula(pair):
    ref, pol = pair
    names = differing_parameters(ref, pol)
    assert names == ["power.ccs_retrofit_gw", "steel.eaf_share"]
    w = policy_wedges(ref, pol)
    years = build_inputs(ref).years
    only = {n: {n: interpolate_path(pol.values[n], years)[None, :]} for n in names}
    v0, v12 = co2(ref), co2(pol)
    v1, v2 = co2(ref, only[names[0]]), co2(ref, only[names[1]])
    # phi_1 = 1/2 [(v1 - v0) + (v12 - v2)]; wedges are CO2 avoided, i.e. -phi
    expected = -0.5 * ((v1 - v0) + (v12 - v2))
    np.testing.assert_allclose(w.contributions[names[0]], expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(w.alone[names[0]], v0 - v1, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(w.last[names[0]], v2 - v12, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(w.reference_co2, v0, rtol=1e-12)
    np.testing.assert_allclose(w.policy_co2, v12, rtol=1e-12)
    total = sum(w.contributions.values())
    np.testing.assert_allclose(total, v0 - v12, rtol=1e-9, atol=1e-9 * v0.max())
    assert w.n_runs == 4 and "exact" in w.method
    table = w.table()
    assert table["share_of_gap"].sum() == pytest.approx(1.0, rel=1e-9)


def test_sampled_orders_stay_efficient(pair, monkeypatch):
    ref, pol = pair
    exact = policy_wedges(ref, pol)
    monkeypatch.setattr(compare, "MAX_EXACT", 1)
    sampled = policy_wedges(ref, pol)
    assert "random orders" in sampled.method
    gap = sampled.gap
    np.testing.assert_allclose(sum(sampled.contributions.values()), gap, rtol=1e-9,
                               atol=1e-9 * sampled.reference_co2.max())
    # with two parameters an order and its reverse cover both orders: the estimate is exact
    for name in exact.contributions:
        np.testing.assert_allclose(sampled.contributions[name], exact.contributions[name],
                                   rtol=1e-9, atol=1e-6)


def test_no_difference_gives_no_wedge():
    ref = resolved(ROOT / "scenarios" / "baseline.yaml")
    w = policy_wedges(ref, ref)
    assert w.contributions == {} and np.all(w.gap == 0)


def test_metric_differences():
    table = metric_differences({
        "a": {"x": {"label": "X", "value": 1.0, "unit": "Mt"}, "y": {"label": "Y", "value": 2.0}},
        "b": {"x": {"label": "X", "value": 4.0, "unit": "Mt"}},
    })
    row = table.set_index("metric")
    assert row.loc["x", "b - a"] == 3.0
    assert np.isnan(row.loc["y", "b"]) and np.isnan(row.loc["y", "b - a"])


def test_each_shock_kind_is_one_more_player_and_uses_the_single_run_draws(tmp_path):
    ref = resolved(ROOT / "scenarios" / "baseline.yaml")
    dry = ROOT / "scenarios" / "dry-years.yaml"
    pol_path = tmp_path / "dry-steel.yaml"
    pol_path.write_text(f"extends: {dry}\nsteel:\n  eaf_share: {{2030: 0.25, 2060: 0.5}}\n",
                        encoding="utf-8")
    pol = resolved(pol_path)
    assert differing_parameters(ref, pol) == ["steel.eaf_share", "shocks: drought"]
    w = policy_wedges(ref, pol)
    np.testing.assert_allclose(w.policy_co2, co2(pol), rtol=1e-12)
    np.testing.assert_allclose(w.reference_co2, co2(ref), rtol=1e-12)
    np.testing.assert_allclose(sum(w.contributions.values()), w.gap, rtol=1e-9,
                               atol=1e-9 * w.reference_co2.max())
    assert w.contributions["shocks: drought"].sum() < 0  # droughts add coal power: negative wedge


def test_rationing_and_drought_are_separate_wedges(tmp_path):
    ref = resolved(ROOT / "scenarios" / "baseline.yaml")
    pol_path = tmp_path / "dry-crunch.yaml"
    pol_path.write_text(
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nshocks:\n"
        "  - {id: dry2026, kind: hydro_drought, year: 2026, cf_factor: 0.80}\n"
        "  - {id: random_droughts, kind: stochastic, shock: hydro_drought, probability: 0.3,"
        " severity: {low: 0.05, high: 0.2}, from_year: 2035, to_year: 2060}\n"
        "  - {id: crunch2027, kind: power_rationing, year: 2027, shortfall: 0.10, duration_months: 3,"
        " curtailment_order: [steel, industry, other]}\n", encoding="utf-8")
    pol = resolved(pol_path)
    assert differing_parameters(ref, pol) == ["shocks: drought", "shocks: rationing"]
    w = policy_wedges(ref, pol)
    np.testing.assert_allclose(w.policy_co2, co2(pol), rtol=1e-12)   # all switched = the policy run
    np.testing.assert_allclose(sum(w.contributions.values()), w.gap, rtol=1e-9,
                               atol=1e-9 * w.reference_co2.max())
    assert w.contributions["shocks: drought"].sum() < 0
    rationing = w.contributions["shocks: rationing"]
    assert abs(rationing).sum() > 0 and np.all(rationing[w.years < 2027] == 0)


def test_a_wedge_too_small_to_see_says_so_instead_of_a_full_bar(tmp_path):
    from ctsim.analysis.compare import Wedges
    from ctsim.plots import style
    from ctsim.plots.compare import TOO_SMALL, wedge_figure

    years = np.arange(2020, 2061)
    tiny = np.full(len(years), 0.15)                 # 41 x 0.15 Mt = 0.006 Gt over the horizon
    big = np.linspace(0.0, 80.0, len(years))         # ~1.6 Gt
    w = Wedges("ref", "pol", years, np.full(len(years), 1000.0), 1000.0 - tiny - big,
               {"caps.tiny": tiny, "steel.eaf_share": big})
    with style.style_context():
        fig = wedge_figure(w)
    right = fig.axes[1]
    widths = {t.get_text(): p.get_width() for t, p in zip(right.get_yticklabels(), right.patches,
                                                            strict=True)}
    assert widths["caps.tiny"] == 0.0 and widths["steel.eaf_share"] > 1.0
    texts = [t.get_text() for t in right.texts]
    assert TOO_SMALL in texts and "+0.00" not in texts
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"caps.tiny ({TOO_SMALL})" in legend
    fig.savefig(tmp_path / "w.png")

    only_tiny = Wedges("ref", "pol", years, np.full(len(years), 1000.0), 1000.0 - tiny, {"caps.tiny": tiny})
    with style.style_context():
        fig = wedge_figure(only_tiny)
    lo, hi = fig.axes[1].get_xlim()
    assert hi - lo >= 0.05  # the scale is not blown up to a 0.006 Gt wedge
    lo, hi = fig.axes[0].get_ylim()
    assert hi - lo >= 10  # nor the per-year panel to a 0.15 Mt/yr one
    fig.savefig(tmp_path / "tiny.png")
