"""Bundled historical series (ctsim/data/history) as IAMC-named wide tables.

Attribution: OWID data are CC BY 4.0 (Our World in Data, based on the Global Carbon Budget, Energy
Institute, Ember, Maddison Project); steel data: "Source: World Steel Association". See
data/history/LICENSE.md and SOURCES.md.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from .engine.units import MTCE_PER_TWH

ATTRIBUTION = (
    "Historical data: Our World in Data (CC BY 4.0), based on Global Carbon Budget, Energy Institute, "
    "Ember, Maddison Project; steel: Source: World Steel Association."
)

HISTORY_LEGEND = "OWID/GCB, Ember, worldsteel"  # short source name for figure legends

# IAMC variable -> (file, column, factor)
_OWID = {
    "Emissions|CO2|Energy and Industrial Processes": ("owid_co2_china.csv", "co2", 1.0),
    "GDP|PPP": ("owid_co2_china.csv", "gdp", 1e-9),
    "Secondary Energy|Electricity": ("owid_energy_china.csv", "electricity_generation", 1.0),
    "Secondary Energy|Electricity|Coal": ("owid_energy_china.csv", "coal_electricity", 1.0),
    "Secondary Energy|Electricity|Gas": ("owid_energy_china.csv", "gas_electricity", 1.0),
    "Secondary Energy|Electricity|Oil": ("owid_energy_china.csv", "oil_electricity", 1.0),
    "Secondary Energy|Electricity|Hydro": ("owid_energy_china.csv", "hydro_electricity", 1.0),
    "Secondary Energy|Electricity|Nuclear": ("owid_energy_china.csv", "nuclear_electricity", 1.0),
    "Secondary Energy|Electricity|Wind": ("owid_energy_china.csv", "wind_electricity", 1.0),
    "Secondary Energy|Electricity|Solar": ("owid_energy_china.csv", "solar_electricity", 1.0),
    "Secondary Energy|Electricity|Biomass": ("owid_energy_china.csv", "biofuel_electricity", 1.0),
    "Primary Energy|Coal": ("owid_energy_china.csv", "coal_consumption", MTCE_PER_TWH),
    "Primary Energy|Oil": ("owid_energy_china.csv", "oil_consumption", MTCE_PER_TWH),
    "Primary Energy|Gas": ("owid_energy_china.csv", "gas_consumption", MTCE_PER_TWH),
    "Primary Energy [Substitution Method]": ("owid_energy_china.csv", "primary_energy_consumption", MTCE_PER_TWH),
}


def _read(name: str) -> pd.DataFrame:
    with (resources.files("ctsim") / "data" / "history" / name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh)


@lru_cache(maxsize=1)
def history() -> pd.DataFrame:
    """Observed China series: index year, IAMC variable columns (units as in variables.csv)."""
    cols = {}
    for variable, (file, column, factor) in _OWID.items():
        df = _read(file)
        df = df[df["country"] == "China"].set_index("year")
        cols[variable] = df[column].astype(float) * factor
    steel = _read("steel_china.csv")
    steel = steel[(steel["metric"] == "crude_steel_production") & (steel["preferred"] == 1)]
    cols["Production|Iron and Steel|Steel"] = steel.set_index("year")["value"].astype(float) / 1000.0
    frame = pd.DataFrame(cols).sort_index()
    frame.index.name = "year"
    frame["Share|Electricity|Non-Fossil"] = (
        frame[[f"Secondary Energy|Electricity|{k}" for k in ("Hydro", "Nuclear", "Wind", "Solar",
                                                            "Biomass")]].sum(axis=1)
        / frame["Secondary Energy|Electricity"]
    )
    return frame
