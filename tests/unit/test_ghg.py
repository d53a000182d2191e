"""The GHG step (engine/ghg.py): kernels against hand-computed numbers, the lever acting only after
the observed years, the GWP choice, totals and the TCRE warming."""

from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ctsim import registry, run
from ctsim.engine.ghg import co2_equivalent, coal_mine_methane, tcre_warming

BASELINE = "scenarios/baseline.yaml"
AR5 = {"ghg.gwp_ch4_fossil": 28.0, "ghg.gwp_ch4_biogenic": 28.0, "ghg.gwp_n2o": 265.0}


def test_coal_mine_methane_hand_computed():
    # 1,000 Mtce x 0.9 mined at home x 8 kg/tce = 7.2 Mt; a quarter abated
    emitted, abated = coal_mine_methane(np.array([1000.0]), np.array([0.9]), np.array([8.0]),
                                        np.array([0.25]))
    assert_allclose(emitted, [5.4])
    assert_allclose(abated, [1.8])


def test_co2_equivalent_hand_computed():
    gp = SimpleNamespace(gwp_ch4_fossil=29.8, gwp_ch4_biogenic=27.0, gwp_n2o=273.0)
    value = co2_equivalent(np.array([10.0]), np.array([20.0]), np.array([1500.0]), np.array([300.0]), gp)
    assert_allclose(value, [298.0 + 540.0 + 409.5 + 300.0])


def test_tcre_warming_hand_computed():
    assert_allclose(tcre_warming(np.array([1.0e6, 5.0e5]), np.array([0.45])), [0.45, 0.225])


@pytest.fixture(scope="module")
def base(root):
    return run(root / BASELINE).results


def _at(results, name, year):
    return results[name][0, list(results.years).index(year)]


def test_sectors_add_up_and_the_totals_follow_their_definitions(base):
    parts = sum(base[k] for k in ("ch4_coal_mt", "ch4_oil_gas_mt", "ch4_combustion_mt",
                                  "ch4_agriculture_mt", "ch4_waste_mt"))
    assert_allclose(base["ch4_total_mt"], parts, rtol=1e-12)
    assert_allclose(base["ch4_fugitive_mt"], base["ch4_coal_mt"] + base["ch4_oil_gas_mt"], rtol=1e-12)
    assert_allclose(base["ghg_gross_mt_co2e"] - base["ghg_net_mt_co2e"], base["removal_total_mt"],
                    rtol=1e-9)
    p = {k: registry.parameters()[f"ghg.{k}"].value for k in ("gwp_ch4_fossil", "gwp_ch4_biogenic", "gwp_n2o")}
    non_co2 = (p["gwp_ch4_fossil"] * base["ch4_energy_mt"]
               + p["gwp_ch4_biogenic"] * (base["ch4_agriculture_mt"] + base["ch4_waste_mt"])
               + p["gwp_n2o"] * base["n2o_kt"] / 1000 + base["fgas_mt_co2e"])
    assert_allclose(base["ghg_gross_mt_co2e"], base["co2_total_mt"] + non_co2, rtol=1e-12)
    assert_allclose(base["cap_wind_solar_gw"], base["cap_wind_gw"] + base["cap_solar_gw"], rtol=1e-12)


def test_coal_mine_methane_follows_coal_use(base):
    ef = registry.parameters()["ghg.coal_mine_ch4_kg_per_tce"].value
    assert_allclose(_at(base, "ch4_coal_mt", 2020), _at(base, "coal_total_mtce", 2020) * 0.93 * ef / 1000)
    # with the share and the factor flat after 2024, coal-mine methane moves with coal use
    ratio = base["ch4_coal_mt"][0] / base["coal_total_mtce"][0]
    after = np.asarray(base.years) >= 2024
    assert_allclose(ratio[after], ratio[after][0], rtol=1e-12)


def test_cumulative_co2_and_warming(base):
    start = registry.parameters()["ghg.co2_cumulative_2019_mt"].value
    emitted = base["co2_total_mt"] - base["removal_beccs_mt"] - base["removal_daccs_mt"]
    assert_allclose(base["co2_cumulative_mt"][0], start + np.cumsum(emitted[0]), rtol=1e-12)
    assert_allclose(base["warming_co2_k"], 0.45 * base["co2_cumulative_mt"] / 1e6, rtol=1e-12)
    assert np.all(base["warming_co2_low_k"] < base["warming_co2_k"])
    assert np.all(base["warming_co2_k"] < base["warming_co2_high_k"])
    # 227 Gt to 2019 plus the century's emissions: a fifth to a third of a degree by 2060
    assert 0.15 < _at(base, "warming_co2_k", 2060) < 0.4


def test_abatement_acts_only_after_the_observed_years(root, base):
    lever = run(root / BASELINE, {"ghg.cmm_abatement_frac": 0.5}).results
    for year in (2020, 2021, 2022, 2023, 2024):  # observed: history, whatever the lever says
        assert _at(lever, "ch4_coal_mt", year) == _at(base, "ch4_coal_mt", year)
        assert _at(lever, "ch4_coal_abated_mt", year) == 0.0
    for year in (2025, 2035, 2060):
        assert_allclose(_at(lever, "ch4_coal_mt", year), 0.5 * _at(base, "ch4_coal_mt", year))
        assert_allclose(_at(lever, "ch4_coal_abated_mt", year), _at(lever, "ch4_coal_mt", year))
    assert np.all(lever["ghg_net_mt_co2e"] <= base["ghg_net_mt_co2e"])
    assert np.array_equal(lever["co2_total_mt"], base["co2_total_mt"])  # methane only


def test_more_abatement_never_raises_methane(root):
    levels = [run(root / BASELINE, {"ghg.cmm_abatement_frac": a}).results["ch4_total_mt"][0]
              for a in (0.0, 0.2, 0.6, 1.0)]
    for lower, higher in zip(levels, levels[1:], strict=False):
        assert np.all(higher <= lower) and np.any(higher < lower)


def test_ar5_gwp_choice_changes_only_the_co2_equivalent(root, base):
    ar5 = run(root / BASELINE, AR5).results
    assert np.array_equal(ar5["ch4_total_mt"], base["ch4_total_mt"])
    expected = (base["ghg_net_mt_co2e"] + (28.0 - 29.8) * base["ch4_energy_mt"]
                + (28.0 - 27.0) * (base["ch4_agriculture_mt"] + base["ch4_waste_mt"])
                + (265.0 - 273.0) * base["n2o_kt"] / 1000)
    assert_allclose(ar5["ghg_net_mt_co2e"], expected, rtol=1e-12)


def test_run_metrics_report_the_2035_ndc_quantities_and_warming(root):
    result = run(root / "scenarios" / "ndc2035.yaml")
    m = result.summary["metrics"]
    verdict = next(v for v in result.verdicts if v.id == "ndc2035_net_ghg_7pct")
    assert m["net_ghg_below_peak_2035"]["value"] == pytest.approx(float(verdict.value[0]), rel=1e-12)
    assert m["methane_2035_mt"]["value"] == pytest.approx(_at(result.results, "ch4_total_mt", 2035))
    low, mid, high = (m[k]["value"] for k in ("warming_co2_tcre_low_k", "warming_co2_tcre_k",
                                              "warming_co2_tcre_high_k"))
    assert low == pytest.approx(mid * 0.27 / 0.45) and high == pytest.approx(mid * 0.63 / 0.45)
