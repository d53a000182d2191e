"""trajectories.xlsx: a run in IAMC common-definitions units, with per-scenario indicators.

Sheet ``data`` is the IAMC wide table (model, scenario, region, variable, unit, one column per
year) with every value converted by ``data/units.csv`` (TWh -> EJ, Mtce -> EJ, CNY -> USD_2010,
Int$2011 -> USD_2010; other units unchanged). Sheet ``meta`` has one row per (model, scenario) with
indicators: CO2 peak year and level, net-zero year, cumulative CO2, and each target's verdict and
margin. That is the layout ``pyam.IamDataFrame("trajectories.xlsx")`` reads, meta included. Sheet
``units`` lists the conversions and their sources. The bytes depend only on the numbers: fixed
document times and zip timestamps, so the same scenario and seed give an identical file.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from .. import registry
from ..analysis.metrics import metrics, net_zero_year
from ..results import MODEL_NAME

FIXED_TIME = "2020-01-01T00:00:00Z"  # document created/modified stamp (reproducible bytes)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
EIP = "Emissions|CO2|Energy and Industrial Processes"  # the series the peak and cumulative metrics use


def iamc_units(long: pd.DataFrame) -> pd.DataFrame:
    """The IAMC long table with values and units converted to common-definitions units."""
    conv = registry.unit_conversions()
    factor = long["unit"].map({u: c.factor for u, c in conv.items()}).fillna(1.0)
    out = long.copy()
    out["value"] = long["value"] * factor
    out["unit"] = long["unit"].map({u: c.iamc_unit for u, c in conv.items()}).fillna(long["unit"])
    return out


def data_sheet(run, sample: int = 0) -> pd.DataFrame:
    """IAMC wide table (years as columns) in common-definitions units."""
    long = iamc_units(run.results.to_iamc(sample))
    wide = long.pivot_table(index=["model", "scenario", "region", "variable", "unit"],
                            columns="year", values="value", sort=False)
    return wide.reset_index()


def _target_unit(verdict: dict) -> str:
    unit = verdict.get("margin_unit", "")
    return unit


def meta_sheet(run, sample: int = 0) -> pd.DataFrame:
    """One row per scenario: indicators and target verdicts; units in the column names."""
    m = metrics(run.results)
    row: dict[str, object] = {"model": MODEL_NAME, "scenario": run.resolved.name}
    row[f"peak year ({EIP})"] = m["peak_year_national_co2"][sample]
    row[f"peak level ({EIP}) [Mt CO2/yr]"] = m["peak_national_co2_mt"][sample]
    row["net-zero year (Emissions|CO2)"] = net_zero_year(run.results)[sample]  # NaN: not reached
    row[f"cumulative {EIP} [Gt CO2]"] = m["cumulative_co2_gt"][sample]
    cat = registry.iamc_variables()
    for v in run.verdicts:
        d = v.as_dict(sample)
        unit = _target_unit(d) or cat[d["variable"]].unit
        row[f"target {d['id']} met"] = bool(d["met"])
        row[f"target {d['id']} margin [{unit}]"] = d["margin"]
    if run.verdicts:
        row["all targets met"] = bool(run.summary["all_targets_met"])
    return pd.DataFrame([row])


def units_sheet() -> pd.DataFrame:
    rows = [vars(c) for c in registry.unit_conversions().values()]
    return pd.DataFrame(rows, columns=list(registry.UNIT_COLUMNS))


def _reproducible(raw: bytes) -> bytes:
    """The same workbook with fixed document times and zip timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda mo: mo.group(1) + FIXED_TIME + mo.group(3), text)
                data = text.encode("utf-8")
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=ZIP_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_trajectories_xlsx(run, path: str | Path, sample: int = 0) -> Path:
    """Write ``trajectories.xlsx`` (sheets data, meta, units) for one run; returns the path."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        data_sheet(run, sample).to_excel(xl, sheet_name="data", index=False)
        meta_sheet(run, sample).to_excel(xl, sheet_name="meta", index=False)
        units_sheet().to_excel(xl, sheet_name="units", index=False)
    path = Path(path)
    path.write_bytes(_reproducible(buf.getvalue()))
    return path


__all__ = ["data_sheet", "iamc_units", "meta_sheet", "units_sheet", "write_trajectories_xlsx"]
