"""The bundled provincial data (ctsim.regions): shapes, order, and national sums within the tolerances
data/regions/SOURCES.md states."""

import numpy as np
import pytest

from ctsim import registry
from ctsim.engine.axes import COAL, GAS, HYDRO, NUCLEAR, SOLAR, WIND
from ctsim.history import history
from ctsim.regions import GRID_REGIONS, canonical_region, province_data, provinces, to_grid

P = province_data()
PARAM = {n: p.value for n, p in registry.parameters().items()}


def test_thirty_one_provinces_in_order_with_finite_non_negative_data():
    assert len(P.names) == 31 and P.names == provinces()
    for table in (P.capacity_gw, P.generation_twh, P.consumption_twh, P.gdp_bn, P.steel_mt):
        for arr in table.values():
            assert arr.shape[0] == 31 and np.isfinite(arr).all() and (arr >= 0).all()
    assert P.co2_2019_mt.shape == (31, 4) and (P.co2_2019_mt >= 0).all()
    assert set(P.grid) == set(range(len(GRID_REGIONS)))


@pytest.mark.parametrize(("tech", "key", "rel"), [
    (HYDRO, "power.hydro_capacity_2020_gw", 0.01), (NUCLEAR, "power.nuclear_capacity_2020_gw", 0.01),
    (WIND, "power.wind_capacity_2020_gw", 0.01), (SOLAR, "power.solar_capacity_2020_gw", 0.01),
    (COAL, "power.coal_capacity_2020_gw", 0.05)])
def test_2020_capacity_sums_match_the_national_values(tech, key, rel):
    assert P.capacity_gw[2020][:, tech].sum() == pytest.approx(float(PARAM[key]), rel=rel)


def test_thermal_capacity_holds_coal_and_the_rest():
    cap = P.capacity_gw[2020]
    assert cap[:, COAL].sum() + cap[:, GAS].sum() == pytest.approx(1245.2, rel=1e-3)  # CEC thermal 2020


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_crude_steel_sums_to_the_national_output(year):
    national = float(history().loc[year, "Production|Iron and Steel|Steel"])  # worldsteel
    assert P.steel_mt[year].sum() == pytest.approx(national, rel=0.01)


def test_hebei_makes_the_most_steel():
    i = P.names.index("Hebei")
    assert P.steel_mt[2021][i] == pytest.approx(225, abs=3)
    assert int(np.argmax(P.steel_mt[2021])) == i


def test_consumption_sums_to_whole_society_demand():
    # NEA whole-society consumption 2020: 7,509.3 TWh (the collection's national check); generation
    # (Ember via OWID) is a little above consumption every year
    assert P.consumption_twh[2020].sum() == pytest.approx(7509.3, rel=1e-3)
    for year in (2021, 2022, 2023):
        gen = float(history().loc[year, "Secondary Energy|Electricity"])
        assert 0.95 < P.consumption_twh[year].sum() / gen < 1.0


def test_the_big_exporters_generate_more_than_they_use_in_2021():
    for name in ("Inner Mongolia", "Yunnan", "Shanxi"):
        i = P.names.index(name)
        assert P.generation_twh[2021][i].sum() > P.consumption_twh[2021][i] + 100
    for name in ("Guangdong", "Zhejiang"):
        i = P.names.index(name)
        assert P.generation_twh[2021][i].sum() < P.consumption_twh[2021][i] - 100


def test_links_join_known_provinces_and_total_the_modellers_table():
    i, j, gw = P.links_gw
    assert len(gw) == 56 and (i != j).all() and gw.sum() == pytest.approx(506, rel=0.01)


def test_the_2021_lists():
    red = {n for n, (a, b) in zip(P.names, P.barometer_2021h1, strict=True) if 1 in (a, b)}
    assert {"Jiangsu", "Guangdong", "Yunnan", "Ningxia"} <= red and "Beijing" not in red
    assert P.barometer_2021h1[P.names.index("Tibet")].tolist() == [0, 0]  # not assessed
    assert P.rationing_2021_press.sum() == 15 and P.rationing_2021_press[P.names.index("Liaoning")]


def test_grid_aggregation_and_names():
    x = np.arange(31.0)
    assert to_grid(x).sum() == pytest.approx(x.sum())
    assert canonical_region("he") == "Hebei" and canonical_region("inner mongolia") == "Inner Mongolia"
    assert canonical_region("Southwest") == "Southwest" and canonical_region("Atlantis") is None
