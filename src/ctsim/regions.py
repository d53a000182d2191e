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
from functools import lru_cache
from importlib import resources

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
