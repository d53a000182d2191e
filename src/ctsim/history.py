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
    "Historical data: Our World in Data (CC BY 4.0), based on Global Carbon Budget, Jones et al. "
    "(2024), Energy Institute, Ember, Maddison Project; steel: Source: World Steel Association."
)

HISTORY_LEGEND = "OWID/GCB, Jones et al., Ember, worldsteel"  # short source names for figure legends

# Jones et al. (2024) methane and N2O reach OWID in Mt CO2-eq, converted with these AR6 GWP100
# (OWID's ETL, docs/sources.md [OWID-ETL-2024-GWP]): 29.8 for the fossil component of CH4, 27.2 for
# its land component (agriculture and land use), 273 for N2O. Back to tonnes of gas, methane uses
# the mass-weighted factor for an agriculture share of 0.40, the share the registry's CH4 calibration
# assumes (parameters.csv ghg.ch4_agriculture_mt, [Lin-2021-ESSD]): 29.8 x 0.60 + 27.2 x 0.40.
OWID_GWP_CH4 = 29.8 * 0.60 + 27.2 * 0.40  # t CO2-eq per t CH4 (28.76)
OWID_GWP_N2O = 273.0  # t CO2-eq per t N2O

# IAMC variable -> (file, column, factor)
_OWID = {
    "Emissions|CO2|Energy and Industrial Processes": ("owid_co2_china.csv", "co2", 1.0),
    "GDP|PPP": ("owid_co2_china.csv", "gdp", 1e-9),
    "Emissions|CH4": ("owid_co2_china.csv", "methane", 1.0 / OWID_GWP_CH4),  # Mt CH4/yr
    "Emissions|N2O": ("owid_co2_china.csv", "nitrous_oxide", 1000.0 / OWID_GWP_N2O),  # kt N2O/yr
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
