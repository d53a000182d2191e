"""Kaya / LMDI-I decomposition of the change in national CO2 between two years.

National CO2 is split into three sectors, power (p), steel (s) and the rest (o = total - p - s, so
the sectors add up to the total by construction), and each sector's CO2 is written as a product of
factors (an extended Kaya identity):

.. math::

    C_p = G \\cdot \\frac{E}{G} \\cdot \\frac{Q}{E} \\cdot \\frac{F}{Q} \\cdot \\frac{C_p}{F}, \\qquad
    C_s = G \\cdot \\frac{E}{G} \\cdot \\frac{S}{E} \\cdot \\frac{B}{S} \\cdot \\frac{C_s}{B}, \\qquad
    C_o = G \\cdot \\frac{E}{G} \\cdot \\frac{C_o}{E}

with G = GDP (billion Int$2011), E = primary energy (Mtce, substitution method), Q = electricity
generated (TWh), F = fossil (coal, gas, oil) generation (TWh), S = crude steel (Mt), B = BF-BOF steel
(Mt). The change in CO2 from year 0 to year T is split by the additive LMDI-I formula (Ang 2005,
*Energy Policy* 33, 867-871; Ang 2015, *Energy Policy* 86, 233-238):

.. math::

    \\Delta C_{x} = \\sum_i L(C_i^T, C_i^0)\\,\\ln\\frac{x_i^T}{x_i^0}, \\qquad
    L(a, b) = \\frac{a - b}{\\ln a - \\ln b}\\ (a \\ne b), \\quad L(a, a) = a

which is exact: the terms add up to C^T - C^0 (no residual). Terms are grouped for display:

- ``gdp``: G (activity);
- ``energy_intensity``: E/G;
- ``power_structure``: F/Q, the fossil share of generation;
- ``steel_structure``: B/S, the BF-BOF share of crude steel;
- ``carbon_intensity``: every other factor, i.e. the change in each sector's CO2 per unit of primary
  energy (C_i/E) apart from the two structure terms: electricity generated per unit of primary
  energy, CO2 per fossil kWh (fuel switch, efficiency, CCS), steel output per unit of primary energy,
  CO2 per t of BF-BOF steel, and the rest's CO2 per unit of primary energy.

Zero values (Ang & Liu 2007, *Energy Policy* 35, 238-246): when a sector's CO2 is zero in one of the
two years, the limit of the LMDI formula gives that sector's whole change to the factor that is zero
(or undefined, 0/0) in that year; the first such factor in the chain is taken. When it is zero in both
years the sector contributes nothing. Negative values have no logarithm and raise ValueError.

When the steel or power detail is missing from a table, that sector is folded into the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CO2 = "Emissions|CO2|Energy and Industrial Processes"
CO2_POWER = "Emissions|CO2|Energy|Supply|Electricity"
CO2_STEEL = "Emissions|CO2|Energy and Industrial Processes|Iron and Steel"
GDP = "GDP|PPP"
ENERGY = "Primary Energy [Substitution Method]"
GEN = "Secondary Energy|Electricity"
FOSSIL_GEN = tuple(f"{GEN}|{fuel}" for fuel in ("Coal", "Gas", "Oil"))
STEEL = "Production|Iron and Steel|Steel"
STEEL_BOF = "Production|Iron and Steel|Steel|Primary|BF-BOF"

#: Display groups, in waterfall order: key -> label.
GROUPS: dict[str, str] = {
    "gdp": "GDP",
    "energy_intensity": "Energy intensity of GDP",
    "carbon_intensity": "Carbon intensity of energy",
    "power_structure": "Power structure (fossil share of generation)",
    "steel_structure": "Steel structure (BF-BOF share of output)",
}

METHOD = (
    "Additive LMDI-I (Ang 2005) over an extended Kaya identity with sectors power, steel and the "
    "rest; the terms add up exactly to the change in national CO2."
)


@dataclass(frozen=True)
class _Factor:
    key: str
    label: str
    group: str
    numerator: str | tuple[str, ...]
    denominator: str | tuple[str, ...] | None


_COMMON = (
    _Factor("gdp", "GDP", "gdp", GDP, None),
    _Factor("energy_intensity", "Primary energy per unit of GDP", "energy_intensity", ENERGY, GDP),
)
_SECTORS: dict[str, tuple[_Factor, ...]] = {
    "power": (
        _Factor("power_electricity_per_energy", "Electricity generated per unit of primary energy",
                "carbon_intensity", GEN, ENERGY),
        _Factor("power_fossil_share", "Fossil share of generation", "power_structure",
                FOSSIL_GEN, GEN),
        _Factor("power_co2_per_fossil_kwh", "CO2 per unit of fossil generation",
                "carbon_intensity", CO2_POWER, FOSSIL_GEN),
    ),
    "steel": (
        _Factor("steel_output_per_energy", "Crude steel per unit of primary energy",
                "carbon_intensity", STEEL, ENERGY),
        _Factor("steel_bof_share", "BF-BOF share of crude steel", "steel_structure",
                STEEL_BOF, STEEL),
        _Factor("steel_co2_per_bof_t", "Steel CO2 per t of BF-BOF steel", "carbon_intensity",
                CO2_STEEL, STEEL_BOF),
    ),
    "other": (
        _Factor("other_co2_per_energy", "Other CO2 per unit of primary energy", "carbon_intensity",
                "other", ENERGY),
    ),
}
_SECTOR_NEEDS = {
    "power": (CO2_POWER, GEN, *FOSSIL_GEN),
    "steel": (CO2_STEEL, STEEL, STEEL_BOF),
}


@dataclass
class Decomposition:
    """The change in national CO2 from ``start_year`` to ``end_year`` split into additive terms.

    ``terms``: one row per (sector, factor) with columns ``sector``, ``key``, ``label``, ``group``
    and ``value`` (Mt CO2/yr). Their sum equals ``end_co2 - start_co2``.
    """

    start_year: int
    end_year: int
    start_co2: float
    end_co2: float
    terms: pd.DataFrame
    sectors: tuple[str, ...]
    method: str = METHOD

    @property
    def total_change(self) -> float:
        return self.end_co2 - self.start_co2

    def grouped(self) -> pd.Series:
        """Sum of the terms per display group (Mt CO2/yr), in :data:`GROUPS` order.

        A structure group whose sector was folded into the rest is left out.
        """
        sums = self.terms.groupby("group", sort=False)["value"].sum()
        keys = [g for g in GROUPS if g in sums.index]
        return pd.Series([float(sums[g]) for g in keys], index=pd.Index(keys, name="group"),
                         name="value")

    def table(self) -> pd.DataFrame:
        """The grouped terms with labels and shares of the total change (for reports)."""
        grouped = self.grouped()
        return pd.DataFrame({
            "term": [GROUPS[g] for g in grouped.index],
            "value_mt_co2": grouped.to_numpy(),
        }, index=grouped.index)


def log_mean(a: float, b: float) -> float:
    """Logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a, L(a, 0) = 0 (a, b >= 0)."""
    if a < 0 or b < 0:
        raise ValueError(f"log_mean needs non-negative values (got {a}, {b})")
    if a == 0 or b == 0:
        return 0.0
    if abs(a - b) <= 1e-12 * max(a, b):  # L(a, b) = (a + b) / 2 + O((a - b)^2): no 0/0
        return 0.5 * (a + b)
    return float((a - b) / (np.log(a) - np.log(b)))


def _value(row: pd.Series, names: str | tuple[str, ...] | None) -> float:
    if names is None:
        return 1.0
    if isinstance(names, str):
        return float(row[names])
    return float(sum(float(row[n]) for n in names))


def _ratio(row: pd.Series, factor: _Factor) -> float:
    num = _value(row, factor.numerator)
    den = _value(row, factor.denominator)
    if den == 0:
        return np.nan  # 0/0 or x/0: undefined; only reached in a sector whose CO2 is zero
    return num / den


def _has(frame: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    return all(c in frame.columns and frame[c].notna().all() for c in columns)


def _sector_terms(sector: str, factors: tuple[_Factor, ...], c0: float, c1: float,
                  row0: pd.Series, row1: pd.Series, years: tuple[int, int]) -> list[float]:
    for c, year in ((c0, years[0]), (c1, years[1])):
        if c < 0 or not np.isfinite(c):
            raise ValueError(f"LMDI needs positive CO2: {sector} CO2 is {c:g} Mt in {year}")
    x0 = np.array([_ratio(row0, f) for f in factors])
    x1 = np.array([_ratio(row1, f) for f in factors])
    if c0 == 0 and c1 == 0:
        return [0.0] * len(factors)
    if c0 > 0 and c1 > 0:
        if not (np.all(x0 > 0) and np.all(x1 > 0)):
            bad = next(f.label for f, a, b in zip(factors, x0, x1, strict=True)
                       if not (a > 0 and b > 0))
            raise ValueError(f"LMDI needs positive factors: {bad} ({sector}) is not positive")
        weight = log_mean(c1, c0)
        return [weight * float(np.log(b / a)) for a, b in zip(x0, x1, strict=True)]
    # one end is zero: the limit gives the whole change to the first vanishing factor there
    at_zero = x1 if c1 == 0 else x0
    vanishing = [i for i, x in enumerate(at_zero) if not (np.isfinite(x) and x > 0)]
    out = [0.0] * len(factors)
    out[vanishing[0] if vanishing else len(factors) - 1] = c1 - c0
    return out


def kaya_lmdi(frame: pd.DataFrame, start_year: int, end_year: int) -> Decomposition:
    """Decompose the change in national CO2 between two years of one run (see the module docs).

    ``frame``: index = year, columns = IAMC variables (``Results.to_frame()``). Needs at least
    ``Emissions|CO2|Energy and Industrial Processes``, ``GDP|PPP`` and ``Primary Energy [Substitution Method]``; the power and steel sectors are used when
    their variables are present. Raises ValueError when a year or a required variable is missing.
    """
    missing = [c for c in (CO2, GDP, ENERGY) if not _has(frame, (c,))]
    if missing:
        raise ValueError(f"decomposition needs {', '.join(missing)} in the results")
    years = (int(start_year), int(end_year))
    for year in years:
        if year not in frame.index:
            raise ValueError(f"decomposition: year {year} is not in the results "
                             f"({int(frame.index.min())}-{int(frame.index.max())})")
    rows = [frame.loc[y].copy() for y in years]
    sectors = [s for s in ("power", "steel") if _has(frame, _SECTOR_NEEDS[s])]
    for row in rows:
        row["other"] = float(row[CO2]) - sum(float(row[_SECTOR_NEEDS[s][0]]) for s in sectors)
    records = []
    for sector in (*sectors, "other"):
        factors = (*_COMMON, *_SECTORS[sector])
        co2_name = _SECTOR_NEEDS[sector][0] if sector != "other" else "other"
        c0, c1 = float(rows[0][co2_name]), float(rows[1][co2_name])
        values = _sector_terms(sector, factors, c0, c1, rows[0], rows[1], years)
        for f, v in zip(factors, values, strict=True):
            records.append({"sector": sector, "key": f.key, "label": f.label, "group": f.group,
                            "value": v})
    return Decomposition(years[0], years[1], float(rows[0][CO2]), float(rows[1][CO2]),
                         pd.DataFrame.from_records(records), (*sectors, "other"))


def default_periods(years: np.ndarray | list[int], milestone: int = 2030) -> list[tuple[int, int]]:
    """Periods a report decomposes: first year -> milestone -> last year (when inside)."""
    first, last = int(min(years)), int(max(years))
    if first < milestone < last:
        return [(first, milestone), (milestone, last)]
    return [(first, last)]
