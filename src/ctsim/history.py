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


# --- observed years ---------------------------------------------------------------------------

FIRST_OBSERVED_YEAR = 2020  # the engine's calibration year: its initial state is the observed 2020


@lru_cache(maxsize=1)
def last_observed_year() -> int:
    """The last year of bundled history (any observed series has a value in it)."""
    frame = history()
    return int(frame.dropna(how="all").index.max())


def observed_years() -> tuple[int, int]:
    """(first, last) observed year: these years are history, whatever a scenario says."""
    return FIRST_OBSERVED_YEAR, last_observed_year()


def observed_text() -> str:
    """The observed years as a message shows them: ``2020-2024``."""
    first, last = observed_years()
    return f"{first}-{last}"


OBSERVED_STATE_TAGS = ("_2020", "_2019", "_2005")  # a scalar named for a year is that year's observed value


def has_observed_series(p) -> bool:
    """Whether registry parameter ``p`` (a :class:`ctsim.registry.Parameter`) is observed in the
    observed years, so that no scenario may set those years.

    A path has an observed series when its registry default has a key in an observed year (the
    registry's 2020-2024 values are statistics or calibrated to them, each row cites its source);
    a path whose default is one constant (an assumption such as no CCS retrofits, or a cap) has
    none. A scalar named for a year (``..._2020_...``, ``..._2019_...``, ``..._2005_...``) is that
    year's observed value. Other scalars are structural (emission factors, lifetimes, cost
    scales): a scenario may set them, and they act from the first projected year (the observed
    years are simulated with the registry's values, see :func:`ctsim.inputs.build.build_inputs`)."""
    if p.kind == "path":
        return isinstance(p.value, dict) and min(p.value) <= last_observed_year()
    return any(tag in p.key for tag in OBSERVED_STATE_TAGS)


ACCOUNTING_KEY_PREFIXES = ("gwp_", "tcre_")  # CO2-equivalence weights and the warming per tonne


def is_accounting(p) -> bool:
    """Whether registry parameter ``p`` is an accounting metric (GWP100 weights, the TCRE): it
    converts outcomes into reporting quantities (CO2-equivalent, warming) without changing what
    happened, so a scenario's value applies in every year, the observed ones included (one metric
    for a whole trajectory)."""
    return p.key.startswith(ACCOUNTING_KEY_PREFIXES)


def observed_parameters() -> list[str]:
    """Names of the registry parameters with an observed series (see :func:`has_observed_series`)."""
    from . import registry

    return [name for name, p in registry.parameters().items() if has_observed_series(p)]
