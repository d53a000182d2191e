"""Provincial resolution end to end (issue 15): every bundled scenario runs by province and by grid
region, national totals are the sums of their regions, observed 2020 matches the provincial data,
no load goes unserved without a shock, and regional shocks and transfer limits act where and in the
direction they should."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ctsim.engine import simulate
from ctsim.engine.regions import REGIONAL_ADDITIVE
from ctsim.inputs.build import build_inputs
from ctsim.pipeline import load, run_resolved
from ctsim.regions import GRID_REGIONS, province_data, provinces
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
SHOCK_FREE = ("baseline.yaml", "steel2030.yaml", "neutrality2060.yaml", "campaign-style.yaml",
              "clean-coal.yaml", "dual-control.yaml", "ets-expansion.yaml", "ndc2035.yaml", "steel2025.yaml")
P = province_data()


def at(resolution: str, name: str):
    """A bundled scenario at another resolution (as its ``regions:`` key would set it)."""
    return replace(resolve(load(ROOT / "scenarios" / name)), regions=resolution)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("resolution", ["provinces", "grid"])
def test_every_scenario_runs_by_region_and_sums_to_the_nation(name, resolution):
    res = run_resolved(at(resolution, name))
    assert res.regions == (provinces() if resolution == "provinces" else GRID_REGIONS)
    for key in REGIONAL_ADDITIVE:
        total = res.regional[key].sum(axis=1)
        scale = np.maximum(np.abs(res.arrays[key]), 1.0) if key in res.arrays else 1.0
        target = res.arrays.get(key, np.zeros_like(total))  # net exports sum to zero
        np.testing.assert_array_less(np.abs(total - target) / scale, 1e-9, err_msg=f"{name} {key}")


@pytest.mark.parametrize("name", SHOCK_FREE)
def test_no_load_goes_unserved_without_a_shock(name):
    res = run_resolved(at("provinces", name))
    assert res.regional["unserved_twh"].max() < 1e-6 * res.regional["demand_twh"].max()


def test_the_national_numbers_of_a_shock_free_run_stay_the_national_run_s():
    nat = run_resolved(resolve(load(ROOT / "scenarios" / "steel2030.yaml")))
    prov = run_resolved(at("provinces", "steel2030.yaml"))
    for key in ("co2_total_mt", "gen_coal_twh", "steel_total_mt", "demand_twh"):
        np.testing.assert_allclose(prov[key], nat[key], rtol=0.02, err_msg=key)


def test_observed_2020_matches_the_provincial_data():
    res = run_resolved(at("provinces", "baseline.yaml"))
    i = list(res.years).index(2020)
    for key, col in (("gen_hydro_twh", 3), ("gen_wind_twh", 5), ("gen_solar_twh", 6), ("gen_nuclear_twh", 4)):
        model = res.regional[key][0, :, i]
        data = P.generation_twh[2020][:, col]
        # shares of the national total: within 2.5 percentage points for every province (the relative
        # capacity factors are 2020-2023 means; docs/provinces.md)
        assert np.abs(model / model.sum() - data / data.sum()).max() < 0.025, key
    thermal = res.regional["gen_coal_twh"][0, :, i] + res.regional["gen_gas_twh"][0, :, i]
    data = P.generation_twh[2020][:, 0] + P.generation_twh[2020][:, 2]
    assert np.abs(thermal / thermal.sum() - data / data.sum()).max() < 0.025  # the transfer model's output
    steel = res.regional["steel_total_mt"][0, :, i]
    np.testing.assert_allclose(steel / steel.sum(), P.steel_mt[2020] / P.steel_mt[2020].sum(), atol=1e-12)
    demand = res.regional["demand_twh"][0, :, i]
    np.testing.assert_allclose(demand / demand.sum(), P.consumption_twh[2020] / P.consumption_twh[2020].sum(),
                               atol=1e-12)


def test_the_2021_exporters_and_importers_have_the_observed_signs():
    res = run_resolved(at("provinces", "baseline.yaml"))
    i = list(res.years).index(2021)
    net = dict(zip(res.regions, res.regional["net_export_twh"][0, :, i], strict=True))
    for name in ("Inner Mongolia", "Yunnan", "Shanxi", "Sichuan"):
        assert net[name] > 50, name
    for name in ("Guangdong", "Shandong", "Zhejiang", "Beijing"):
        assert net[name] < -50, name


def drought(factor: float, regions: list[str] | None = None, utilisation: float | None = None):
    shock = {"kind": "hydro_drought", "year": 2030, "cf_factor": factor}
    if regions:
        shock["regions"] = regions
    data = {"regions": "provinces", "shocks": [shock]}
    if utilisation is not None:
        data["regional"] = {"link_utilisation": utilisation}
    return run_resolved(resolve(scenario_from_dict(data, "t")))


def test_a_drought_in_sichuan_and_yunnan_cuts_their_hydro_and_their_exports():
    base = drought(1.0, ["Sichuan", "Yunnan"])
    dry = drought(0.6, ["Sichuan", "Yunnan"])
    t = list(base.years).index(2030)
    g = [base.regions.index(n) for n in ("Sichuan", "Yunnan")]
    other = base.regions.index("Hubei")
    assert (dry.regional["gen_hydro_twh"][0, g, t] < 0.7 * base.regional["gen_hydro_twh"][0, g, t]).all()
    assert (dry.regional["net_export_twh"][0, g, t] < base.regional["net_export_twh"][0, g, t] - 10).all()
    # elsewhere hydro runs as before; the nation loses about the dry provinces' share
    assert dry.regional["gen_hydro_twh"][0, other, t] == pytest.approx(base.regional["gen_hydro_twh"][0, other, t],
                                                                       rel=0.02)
    assert dry["gen_hydro_twh"][0, t] < base["gen_hydro_twh"][0, t]


@pytest.mark.parametrize("factor", [0.9, 0.7, 0.5])
def test_a_deeper_drought_never_raises_the_dry_provinces_hydro(factor):
    t = 10
    wetter, drier = drought(factor + 0.1, ["Sichuan"]), drought(factor, ["Sichuan"])
    g = wetter.regions.index("Sichuan")
    assert drier.regional["gen_hydro_twh"][0, g, t] <= wetter.regional["gen_hydro_twh"][0, g, t] + 1e-9


def test_thinner_links_never_lower_unserved_in_the_2021_crunch():
    values = []
    for utilisation in (0.7, 0.5, 0.3):
        res = run_resolved(resolve(load(ROOT / "scenarios" / "crunch2021-provinces.yaml",
                                        {"regional.link_utilisation": utilisation})))
        values.append(res["unserved_twh"][0, list(res.years).index(2021)])
    assert values[0] <= values[1] + 1e-9 <= values[2] + 2e-9


def test_chunked_samples_give_the_numbers_of_the_whole():
    resolved = at("provinces", "crunch2021-provinces.yaml")
    years = len(build_inputs(resolved).years)
    rng = np.random.default_rng(3)
    ov = {"macro.electricity_elasticity": rng.uniform(0.8, 1.3, (4, years))}
    whole = build_inputs(resolved, ov, 4)
    out = simulate(whole)
    for i in range(4):
        part = simulate(whole.take(np.array([i])))
        for key in ("regional.unserved_twh", "regional.co2_total_mt", "co2_total_mt"):
            np.testing.assert_array_equal(part[key][0], out[key][i], err_msg=key)


def run_allocation(share: float | None):
    data = {"regions": "provinces"}
    if share is not None:
        data["allocation"] = {"wind": {"Xinjiang": share}}
    return run_resolved(resolve(scenario_from_dict(data, "t")))


def test_a_scenario_can_send_more_of_the_national_wind_build_to_a_province():
    base, more = run_allocation(None), run_allocation(0.3)
    t = -1
    g, other = base.regions.index("Xinjiang"), base.regions.index("Hebei")
    assert more.regional["cap_wind_gw"][0, g, t] > base.regional["cap_wind_gw"][0, g, t] + 50
    assert more.regional["cap_wind_gw"][0, other, t] < base.regional["cap_wind_gw"][0, other, t]
    np.testing.assert_allclose(more.regional["cap_wind_gw"][0, :, t].sum(), more["cap_wind_gw"][0, t], rtol=1e-12)
    # the observed years do not move
    i = list(base.years).index(2024)
    np.testing.assert_array_equal(more.regional["cap_wind_gw"][0, :, i], base.regional["cap_wind_gw"][0, :, i])


def test_a_larger_allocation_never_gives_the_province_less_wind():
    caps = [run_allocation(s).regional["cap_wind_gw"][0, 30, -1] for s in (0.1, 0.2, 0.4)]  # Xinjiang
    assert caps[0] <= caps[1] <= caps[2]


@pytest.mark.parametrize(("data", "key"), [
    ({"allocation": {"wind": {"Xinjiang": 0.2}}}, "allocation.wind"),
    ({"regions": "provinces", "allocation": {"wind": {"Atlantis": 0.2}}}, "allocation.wind.Atlantis"),
    ({"regions": "provinces", "allocation": {"wind": {"Xinjiang": 0.7, "Gansu": 0.5}}}, "allocation.wind"),
    ({"regions": "provinces", "shocks": [{"kind": "hydro_drought", "year": 2030, "cf_factor": 0.5,
                                          "regions": ["Narnia"]}]}, "shocks.0.regions"),
    ({"targets": [{"id": "x", "kind": "peak_by", "variable": "Emissions|CO2|Energy and Industrial Processes",
                   "year": 2030, "region": "Hebei"}]}, "region"),
    ({"regions": "provinces", "targets": [{"id": "x", "kind": "peak_by", "variable": "Price|Carbon",
                                           "year": 2030, "region": "each"}]}, "variable"),
])
def test_regional_keys_fail_with_one_line_naming_the_key(data, key):
    from ctsim.errors import ScenarioError

    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, "t")
    assert key in str(err.value) and "\n" not in str(err.value)


def run_cap(value):
    data = {"regions": "provinces"}
    if value is not None:
        data["regional_caps"] = {"power_co2_mt": {"Shandong": {2026: 500, 2030: value}}}
    return run_resolved(resolve(scenario_from_dict(data, "t")))


def test_a_binding_provincial_power_co2_cap_holds_and_the_province_imports_the_rest():
    base, capped = run_cap(None), run_cap(300.0)
    i, g = list(base.years).index(2030), base.regions.index("Shandong")
    assert base.regional["co2_power_mt"][0, g, i] > 330  # the cap binds
    # within 1 %: the cap turns into a TWh limit at last year's national CO2 per fossil MWh
    assert capped.regional["co2_power_mt"][0, g, i] == pytest.approx(300.0, rel=0.01)
    assert capped.regional["net_export_twh"][0, g, i] < base.regional["net_export_twh"][0, g, i] - 20
    assert capped["unserved_twh"][0, i] == pytest.approx(0.0, abs=1e-6)  # planned links bring it in
    np.testing.assert_allclose(capped["co2_power_mt"][0, i], base["co2_power_mt"][0, i], rtol=0.01)
    j = list(base.years).index(2025)  # before the cap nothing moves
    assert capped.regional["co2_power_mt"][0, g, j] == base.regional["co2_power_mt"][0, g, j]


def test_a_tighter_provincial_cap_never_raises_the_province_s_power_co2():
    i = 10  # 2030
    values = [run_cap(v).regional["co2_power_mt"][0, 14, i] for v in (340.0, 300.0, 250.0)]  # Shandong
    assert values[0] >= values[1] >= values[2]


@pytest.mark.parametrize(("data", "key"), [
    ({"regional_caps": {"power_co2_mt": {"Hebei": 300}}}, "regional_caps.power_co2_mt"),
    ({"regions": "provinces", "regional_caps": {"power_co2_mt": {"Atlantis": 300}}}, "regional_caps.power_co2_mt.Atlantis"),
    ({"regions": "provinces", "regional_caps": {"power_co2_mt": {"Hebei": {2022: 300}}}}, "regional_caps.power_co2_mt.Hebei.2022"),
    ({"regions": "provinces", "regional_caps": {"power_co2_mt": {"Hebei": -1}}}, "regional_caps.power_co2_mt.Hebei"),
])
def test_regional_caps_fail_with_one_line_naming_the_key(data, key):
    from ctsim.errors import ScenarioError

    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, "t")
    assert key in str(err.value) and "\n" not in str(err.value)
