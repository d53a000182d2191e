"""Headline metrics of a run, per sample (vectorized, shared by run summaries and sweeps)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..results import Results
from .targets import peak_year, reduction_from_peak

PEAK_SERIES = {"national": "co2_total_mt", "power": "co2_power_mt", "steel": "co2_steel_mt"}
SHARE_YEARS = (2025, 2030, 2060)
#: metrics whose drivers the sweep's sensitivity figure ranks (sweep folder and report)
BAR_OUTPUTS = ("peak_year_national_co2", "cumulative_co2_gt", "co2_intensity_reduction_2030_vs_2005",
               "nonfossil_share_generation_2030")
INTENSITY_YEAR = 2030


def _at(results: Results, name: str, year: int) -> np.ndarray | None:
    idx = np.nonzero(results.years == year)[0]
    return results[name][:, idx[0]] if idx.size else None


def metrics(results: Results) -> dict[str, np.ndarray]:
    """{metric name: array [S]}; metrics for years outside the horizon are left out."""
    out: dict[str, np.ndarray] = {}
    for label, name in PEAK_SERIES.items():
        series = results[name]
        out[f"peak_year_{label}_co2"] = peak_year(series, results.years).astype(float)
        out[f"peak_{label}_co2_mt"] = series.max(axis=1)
    value = _at(results, "co2_intensity_reduction_2005", INTENSITY_YEAR)
    if value is not None:
        out[f"co2_intensity_reduction_{INTENSITY_YEAR}_vs_2005"] = value
    for year in SHARE_YEARS:
        value = _at(results, "share_nonfossil_gen", year)
        if value is not None:
            out[f"nonfossil_share_generation_{year}"] = value
    value = _at(results, "coal_total_mtce", 2030)
    if value is not None:
        out["coal_use_2030_mtce"] = value
    out["cumulative_co2_gt"] = results["co2_total_mt"].sum(axis=1) / 1000.0
    out[f"co2_{int(results.years[-1])}_mt"] = results["co2_total_mt"][:, -1]
    out["unserved_electricity_total_twh"] = results["unserved_twh"].sum(axis=1)
    if "warming_co2_k" in results.arrays:  # China's CO2 warming by the horizon end, TCRE likely range
        for name, key in WARMING.items():
            out[name] = results[key][:, -1]
    if "ghg_net_mt_co2e" in results.arrays and GHG_YEAR in results.years:  # the 2035 NDC's quantities
        out[f"net_ghg_below_peak_{GHG_YEAR}"] = reduction_from_peak(
            results["ghg_net_mt_co2e"], results.years, GHG_YEAR)[0]
        out[f"methane_{GHG_YEAR}_mt"] = _at(results, "ch4_total_mt", GHG_YEAR)
    return out


GHG_YEAR = 2035  # the 2035 NDC's year


#: metric -> engine output (K): China's warming from cumulative CO2 by the TCRE, central and range
WARMING = {"warming_co2_tcre_k": "warming_co2_k", "warming_co2_tcre_low_k": "warming_co2_low_k",
           "warming_co2_tcre_high_k": "warming_co2_high_k"}


METRIC_LABELS = {
    "peak_year_national_co2": ("National CO2 peak year", ""),
    "peak_national_co2_mt": ("National CO2 at peak", "Mt CO2/yr"),
    "peak_year_power_co2": ("Power CO2 peak year", ""),
    "peak_power_co2_mt": ("Power CO2 at peak", "Mt CO2/yr"),
    "peak_year_steel_co2": ("Steel CO2 peak year", ""),
    "peak_steel_co2_mt": ("Steel CO2 at peak", "Mt CO2/yr"),
    "co2_intensity_reduction_2030_vs_2005": ("CO2/GDP reduction 2030 vs 2005", "fraction"),
    "nonfossil_share_generation_2025": ("Non-fossil share of generation 2025", "fraction"),
    "nonfossil_share_generation_2030": ("Non-fossil share of generation 2030", "fraction"),
    "nonfossil_share_generation_2060": ("Non-fossil share of generation 2060", "fraction"),
    "coal_use_2030_mtce": ("Coal use 2030", "Mtce/yr"),
    "cumulative_co2_gt": ("Cumulative CO2 over the horizon", "Gt CO2"),
    "unserved_electricity_total_twh": ("Unserved electricity, all years", "TWh"),
    "net_ghg_below_peak_2035": ("Net GHG below its peak in 2035", "fraction"),
    "methane_2035_mt": ("Methane in 2035", "Mt CH4/yr"),
    "warming_co2_tcre_k": ("Warming from China's CO2 by the end (TCRE 0.45)", "K"),
    "warming_co2_tcre_low_k": ("  likely range, low (TCRE 0.27)", "K"),
    "warming_co2_tcre_high_k": ("  likely range, high (TCRE 0.63)", "K"),
}


def metric_label(name: str) -> tuple[str, str]:
    """(label, unit) of a metric, including the year-dependent ones."""
    if name in METRIC_LABELS:
        return METRIC_LABELS[name]
    if name.startswith("co2_") and name.endswith("_mt"):
        return f"National CO2 in {name.split('_')[1]}", "Mt CO2/yr"
    return name.replace("_", " "), ""


def peak_year_shares(metrics: Mapping[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{peak_year_* metric: (years, share of samples peaking in that year)} for the histograms."""
    out = {}
    for key, values in metrics.items():
        if not key.startswith("peak_year_"):
            continue
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if v.size:
            years, counts = np.unique(v, return_counts=True)
            out[key] = (years, counts / v.size)
    return out


def index_units(index: str, outputs) -> dict[str, str] | None:
    """{metric label: unit of its sensitivity index} for Morris μ* (in the output's unit; peak
    years in yr); None for the dimensionless Sobol and FAST indices."""
    if index != "mu_star":
        return None
    return {metric_label(o)[0]: metric_label(o)[1] or ("yr" if o.startswith("peak_year_") else
                                                        "unit of the output") for o in outputs}


def net_zero_year(results: Results, name: str = "co2_net_mt") -> np.ndarray:
    """First year from which ``name`` (default net CO2, ``Emissions|CO2``) is at most 0 in every
    later year of the horizon, per sample [S]; NaN where it never gets there."""
    series = results[name]
    stays = np.flip(np.logical_and.accumulate(np.flip(series <= 0, axis=1), axis=1), axis=1)  # [S, Y]
    first = np.argmax(stays, axis=1)
    return np.where(stays.any(axis=1), results.years[first].astype(float), np.nan)
