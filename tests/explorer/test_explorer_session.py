"""The explorer's session: page state -> scenario document -> run, without a browser."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

import ctsim
from ctsim.explorer.levers import ASSUMPTION_GROUPS, CHARTS, LEVER_GROUPS, PROJECTION_START
from ctsim.explorer.session import Session, iamc_csv, scenario_yaml, variable_names

IAMC = {name: v[0] for name, v in variable_names().items()}  # internal -> IAMC name (one place)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def session(root):
    return Session(root / "scenarios" / "steel2030.yaml")


def test_every_lever_is_a_registry_parameter_within_its_bounds(session):
    params = ctsim.parameters().set_index("name")
    for group in (*LEVER_GROUPS, *ASSUMPTION_GROUPS):
        for lever in group.levers:
            assert lever.param in params.index, lever.param
            bounded = session.levers[lever.param]
            row = params.loc[lever.param]
            if lever.kind in ("value", "level", "cap"):
                assert row.lower <= bounded.lo < bounded.hi <= row.upper, lever.param
            if lever.lo is None:  # no range of its own: exactly the registry's
                assert (bounded.lo, bounded.hi) == (row.lower, row.upper)


def test_slider_ranges_units_and_descriptions_reach_the_page(session):
    params = ctsim.parameters().set_index("name")
    levers = [lv for g in session.meta()["levers"] + session.meta()["assumptions"] for lv in g["levers"]]
    lifetime = next(lv for lv in levers if lv["param"] == "power.coal_lifetime_yr")
    row = params.loc["power.coal_lifetime_yr"]
    assert (lifetime["min"], lifetime["max"]) == (row.lower, row.upper)
    for lv in levers:
        assert lv["unit"] == params.loc[lv["param"]].unit
        assert lv["description"] == params.loc[lv["param"]].description


def test_chart_variables_come_from_the_output_catalogue():
    names = variable_names()
    catalogue = set(ctsim.variables().variable)
    for _cid, _title, lines in CHARTS:
        for name, _label in lines:
            assert names[name][0] in catalogue


def test_empty_state_is_the_scenario_itself(session, root):
    doc, run = session.run_state("")
    assert doc["name"] == "steel2030"
    plain = ctsim.run(root / "scenarios" / "steel2030.yaml")
    for name in plain.results.arrays:
        np.testing.assert_array_equal(run.results[name], plain.results[name])


def test_scale_multiplies_the_projection_and_keeps_history(session):
    base = session.base_value("policy.carbon_price")
    doc = session.document(session.parse_state("policy.carbon_price=2"))
    path = doc["policy"]["carbon_price"]
    # the carbon price has an observed series: the document sets no observed year (that would be
    # an error in a scenario file) and doubles every projected key
    assert min(path) >= PROJECTION_START
    for year, value in base.items():
        if year >= PROJECTION_START:
            assert path[year] == pytest.approx(2 * value)
    _doc, run = session.run_state("policy.carbon_price=2")
    years = run.results.years
    observed = years < PROJECTION_START
    price = run.results["Price|Carbon"]
    np.testing.assert_array_equal(price[:, observed], session.baseline.results["Price|Carbon"][:, observed])
    assert price[0, years == 2030][0] > session.baseline.results["Price|Carbon"][0, years == 2030][0]


def test_scale_is_clipped_to_the_registry_bounds(session):
    doc = session.document(session.parse_state("steel.eaf_share=2.5"))
    assert max(doc["steel"]["eaf_share"].values()) == 1.0  # 0.45 x 2.5 > 1: the share's upper bound


def test_levers_move_the_results_the_right_way(session):
    _, base = session.run_state("")
    _, high = session.run_state("policy.carbon_price=4")
    _, nocoal = session.run_state("no_new_coal=1")
    co2 = base.results[IAMC["co2_total_mt"]][0]
    assert high.results[IAMC["co2_total_mt"]][0][-1] < co2[-1]
    assert nocoal.results[IAMC["cap_coal_gw"]][0][-1] < base.results[IAMC["cap_coal_gw"]][0][-1]


def test_no_new_coal_zeroes_the_projected_coal_build(session):
    doc = session.document(session.parse_state("no_new_coal=1&power.coal_additions_gw=2"))
    path = doc["power"]["coal_additions_gw"]
    base = session.base_value("power.coal_additions_gw")
    assert all(v == 0 for y, v in path.items() if y >= PROJECTION_START)
    assert min(path) >= PROJECTION_START  # observed additions are history: the document sets none
    assert any(v > 0 for y, v in base.items() if y < PROJECTION_START)


def test_shocks_and_caps_reach_the_document(session):
    state = "shock.rationing.on=1&shock.rationing.year=2030&caps.national_co2_mt=9000"
    doc, run = session.run_state(state)
    assert doc["shocks"][-1] == {"id": "explore_rationing", "kind": "power_rationing", "year": 2030,
                                 "shortfall": 0.1}
    assert doc["caps"]["national_co2_mt"] == {2030: 9000.0}
    years = list(run.results.years)
    assert run.results[IAMC["unserved_twh"]][0][years.index(2030)] > 0
    _, free = session.run_state("")
    i = years.index(2035)
    assert run.results[IAMC["co2_total_mt"]][0][i] < free.results[IAMC["co2_total_mt"]][0][i]  # the cap binds
    assert run.results[IAMC["cap_binding_national"]][0][i] > 0


@pytest.mark.parametrize("state, message", [
    ("policy.carbon_price=abc", "<explorer>: policy.carbon_price: expected a number (got 'abc')"),
    ("policy.carbon_price=9", "<explorer>: policy.carbon_price: expected a slider value in [0, 5] (got 9)"),
    ("policy.carbon_price=nan", "expected a finite number"),
    ("nosuch=1", "<explorer>: nosuch: unknown lever"),
    ("shock.flood.on=1", "<explorer>: shock.flood.on: unknown shock setting"),
    ("power.coal_lifetime_yr=5", "power.coal_lifetime_yr: expected a value in [20, 80] yr (got 5)"),
    ("shock.drought.on=1&shock.drought.cf_factor=3", "shocks.0.cf_factor"),
    ("shock.rationing.on=1&shock.rationing.year=2030.5", "shocks.0.year"),
    ("&".join(["policy.carbon_price=1"] * 300), "<explorer>: more than 200 settings in the page state"),
])
def test_bad_state_is_one_line_naming_the_key(session, state, message):
    with pytest.raises(ctsim.ScenarioError) as info:
        session.run_state(state)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_yaml_reproduces_the_run_exactly(session, tmp_path):
    state = "policy.carbon_price=3.35&steel.h2dri_share=2.15&shock.drought.on=1&macro.gdp_growth=0.85"
    doc, run = session.run_state(state)
    path = tmp_path / "explored.yaml"
    path.write_text(scenario_yaml(doc), encoding="utf-8")
    again = ctsim.run(path)
    assert again.resolved.name == "steel2030-explored"
    for name in run.results.arrays:
        np.testing.assert_array_equal(again.results[name], run.results[name], err_msg=name)
    assert yaml.safe_load(path.read_text())["name"] == "steel2030-explored"
    csv = iamc_csv(run).splitlines()
    assert csv[0] == "model,scenario,region,variable,unit,year,value"


def test_payload_is_exact_and_json_safe(session):
    import json

    _, run = session.run_state("policy.carbon_price=2")
    data = json.loads(json.dumps(session.payload(run), allow_nan=False))
    co2 = data["series"][IAMC["co2_total_mt"]]
    assert co2 == [float(v) for v in run.results[IAMC["co2_total_mt"]][0]]
    assert [v["id"] for v in data["verdicts"]] == [t.id for t in run.resolved.targets]
    assert data["effective"]["policy.carbon_price"]["2060"] == 2 * session.base_value("policy.carbon_price")[2060]


def test_page_runs_skip_only_what_a_single_run_ignores(session):
    state = "policy.carbon_price=1.7&steel.eaf_share=1.3"
    _, whole = session.run_state(state)
    _, fast = session.run_state(state, whole=False)
    assert whole.resolved.uncertain and not fast.resolved.uncertain
    for name in whole.results.arrays:
        np.testing.assert_array_equal(fast.results[name], whole.results[name], err_msg=name)


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml")))
def test_every_bundled_scenario_explores_and_downloads_exactly(name, tmp_path):
    session = Session(ROOT / "scenarios" / f"{name}.yaml")
    meta = session.meta()
    assert meta["scenario"] == name and meta["baseline"]["verdicts"] is not None
    doc, run = session.run_state("policy.carbon_price=2&shock.drought.on=1&transport.ev_share=1.2")
    path = tmp_path / "x.yaml"
    path.write_text(scenario_yaml(doc), encoding="utf-8")
    again = ctsim.run(path)
    for var in run.results.arrays:
        np.testing.assert_array_equal(again.results[var], run.results[var], err_msg=f"{name}: {var}")


def test_storage_levers_build_storage_and_no_new_coal_bans_coal_investment(session):
    years = session.baseline.results.years
    storage = IAMC["cap_storage_gw"]
    _doc, more = session.run_state("power.nts_additions_gw=3")
    at = years >= PROJECTION_START
    assert np.all(more.results[storage][0, at] >= session.baseline.results[storage][0, at])
    assert more.results[storage][0, -1] > session.baseline.results[storage][0, -1]
    doc, nocoal = session.run_state("no_new_coal=1")
    assert doc["power"]["no_new_coal_from_year"] == PROJECTION_START
    added = nocoal.results[IAMC["add_coal_gw"]]
    assert np.all(added[0, at] == 0)  # neither the build path nor the adequacy step builds coal
    assert np.any(session.baseline.results[IAMC["add_coal_gw"]][0, at] > 0)
