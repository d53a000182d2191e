"""China's 31 provinces and their grid regions (ctsim/data/regions/provinces.csv).

Provinces are named in pinyin as in the National Bureau of Statistics' English tables (codes are the
ISO 3166-2:CN suffixes). Grid regions follow the State Grid / China Southern Grid branches: CREA's
six (china_co2, inst/extdata/grids.xlsx) with State Grid's Southwest branch (Sichuan, Chongqing,
Tibet; set up in 2017) split from Central and Northwest, and Inner Mongolia (Mengxi in North China,
Mengdong in Northeast) counted in North China, where most of its load and exports sit. Sources:
data/regions/SOURCES.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from .history import history

NATION = "China"
GRID_REGIONS = ("North", "Northeast", "East", "Central", "Southwest", "South", "Northwest")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], ...]:
    with (resources.files("ctsim") / "data" / "regions" / "provinces.csv").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def provinces() -> tuple[str, ...]:
    """The 31 provinces (pinyin) in the bundled order: the G axis at provincial resolution."""
    return tuple(r["province"] for r in _table())


def province_codes() -> tuple[str, ...]:
    return tuple(r["code"] for r in _table())


def grid_of_provinces() -> tuple[int, ...]:
    """Index into GRID_REGIONS of each province."""
    return tuple(GRID_REGIONS.index(r["grid_region"]) for r in _table())


def region_names(resolution: str) -> tuple[str, ...]:
    """The G regions of a resolution: () for national, the grid regions, or the provinces."""
    return {"national": (), "grid": GRID_REGIONS, "provinces": provinces()}[resolution]


def canonical_region(name: str) -> str | None:
    """A province or grid region by name or code, any case ("hebei", "HE", "Inner Mongolia"); None if
    unknown. "China" is the nation."""
    key = name.strip().lower()
    if key == NATION.lower():
        return NATION
    for r in _table():
        if key in (r["province"].lower(), r["code"].lower()):
            return r["province"]
    for g in GRID_REGIONS:
        if key == g.lower():
            return g
    return None


@dataclass(frozen=True)
class ProvinceData:
    """The bundled provincial data as arrays over the provinces (G, in ``provinces()`` order).

    Capacity [G, 7] and generation [G, 7] are in ctsim.engine.axes.POWER_TECHS order (coal, coal_ccs
    (zero), gas, hydro, nuclear, wind, solar); "gas" is the thermal capacity that is not coal (gas,
    biomass and other thermal plants), and thermal generation is split into coal and gas by the
    national split of the year (bundled history), so the provincial thermal total is observed and the
    split is an assumption. Sources and gap fills: data/regions/SOURCES.md."""

    names: tuple[str, ...]
    grid: np.ndarray  # [G] index into GRID_REGIONS
    capacity_gw: dict[int, np.ndarray]  # 2020-2024, year end
    generation_twh: dict[int, np.ndarray]  # 2020-2023
    consumption_twh: dict[int, np.ndarray]  # 2010-2023, whole-society electricity consumption
    gdp_bn: dict[int, np.ndarray]  # 2005-2024, nominal, bn CNY
    population_m: dict[int, np.ndarray]  # 2005-2024
    steel_mt: dict[int, np.ndarray]  # 2005-2023, crude steel
    co2_2019_mt: np.ndarray  # [G, 4] CEADs 2019: power and heat, ferrous metals, process, rest of scope 1
    links_gw: tuple[np.ndarray, np.ndarray, np.ndarray]  # (i, j, GW) undirected province-pair links
    barometer_2021h1: np.ndarray  # [G, 2] NDRC warning levels: intensity, total (1 red, 2 yellow, 3 green, 0 none)
    rationing_2021_press: np.ndarray  # [G] bool: named in the 2021 press reports of rationing
    fyp14_energy_intensity_cut: np.ndarray  # [G] 2025 vs 2020, the province's own 14th FYP target (NaN: not found)
    fyp14_national_cut: float  # the national 14th FYP target (13.5 %), the default


def _read(name: str) -> list[dict[str, str]]:
    with (resources.files("ctsim") / "data" / "regions" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _by_year(rows: list[dict[str, str]], cols: tuple[str, ...], index: dict[str, int]) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    for r in rows:
        y = int(r["year"])
        arr = out.setdefault(y, np.zeros((len(index), len(cols))))
        arr[index[r["province"]]] = [float(r[c]) if r[c] != "" else np.nan for c in cols]
    return out


@lru_cache(maxsize=1)
def province_data() -> ProvinceData:
    """The bundled provincial data (read once)."""
    names = provinces()
    index = {n: i for i, n in enumerate(names)}
    cap = _by_year(_read("capacity.csv"), ("coal", "gas_other_thermal", "hydro", "nuclear", "wind", "solar"), index)
    capacity = {y: np.insert(v, 1, 0.0, axis=1) for y, v in cap.items()}
    gen = _by_year(_read("generation.csv"), ("thermal", "hydro", "nuclear", "wind", "solar"), index)
    hist = history()
    generation = {}
    for y, v in gen.items():
        coal, gas = (float(hist.loc[y, f"Secondary Energy|Electricity|{s}"]) for s in ("Coal", "Gas"))
        arr = np.zeros((len(names), 7))
        arr[:, 0], arr[:, 2] = v[:, 0] * coal / (coal + gas), v[:, 0] * gas / (coal + gas)
        arr[:, 3:] = v[:, 1:]
        generation[y] = arr
    econ = _by_year(_read("economy.csv"), ("gdp_bn_cny", "population_m", "electricity_twh", "crude_steel_mt"), index)
    co2 = np.zeros((len(names), 4))
    for r in _read("co2_ceads_2019.csv"):
        tot, power, ferrous, process = (float(r[k]) for k in ("total", "power_heat", "ferrous_metals", "process"))
        co2[index[r["province"]]] = [power, ferrous, process, max(tot - power - ferrous - process, 0.0)]
    links = _read("links.csv")
    crunch = {r["province"]: r for r in _read("crunch_2021.csv")}
    fyp = {r["region"]: r["energy_intensity_cut_2025_vs_2020"] for r in _read("fyp14_targets.csv")}
    return ProvinceData(
        names=names, grid=np.array(grid_of_provinces()), capacity_gw=capacity, generation_twh=generation,
        consumption_twh={y: v[:, 2] for y, v in econ.items() if not np.isnan(v[:, 2]).any()},
        gdp_bn={y: v[:, 0] for y, v in econ.items()}, population_m={y: v[:, 1] for y, v in econ.items()},
        steel_mt={y: v[:, 3] for y, v in econ.items() if not np.isnan(v[:, 3]).any()},
        co2_2019_mt=co2,
        links_gw=(np.array([index[r["from"]] for r in links]), np.array([index[r["to"]] for r in links]),
                  np.array([float(r["gw"]) for r in links])),
        barometer_2021h1=np.array([[int(crunch[n]["barometer_intensity_2021h1"]),
                                    int(crunch[n]["barometer_total_2021h1"])] for n in names]),
        rationing_2021_press=np.array([crunch[n]["rationing_reported_2021"] == "1" for n in names]),
        fyp14_energy_intensity_cut=np.array([float(fyp[n]) if n in fyp else np.nan for n in names]),
        fyp14_national_cut=float(fyp["China"]),
    )


def to_grid(values: np.ndarray) -> np.ndarray:
    """[..., G provinces] -> [..., 7 grid regions], summed."""
    onehot = np.zeros((len(provinces()), len(GRID_REGIONS)))
    onehot[np.arange(onehot.shape[0]), grid_of_provinces()] = 1.0
    return values @ onehot
