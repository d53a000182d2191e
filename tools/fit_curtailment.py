"""Fit the grid flexibility F of the curtailment function (docs/model.md, "Storage and curtailment")
to China's observed national wind and solar curtailment (docs: power.grid_flexibility).

For each year with an observed rate c, the wind+solar potential is V = generation / (1 - c) and the
share s = V / D (D: total generation, OWID/Ember in the bundled history); F solves
    raw(F) - absorbed(raw(F)) = c V
with raw(F) = D w [softplus((s - F) / w) - softplus(-F / w)] and storage's absorption
A (1 - exp(-raw / A)), A = available storage GWh x cycles / 1000 (bundled history/storage_china.csv;
2015-2019 without storage, whose stocks were not found). Prints F by year.

    python tools/fit_curtailment.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HIST = Path(__file__).resolve().parents[1] / "src" / "ctsim" / "data" / "history"
WIDTH = 0.06  # power.curtailment_width
CYCLES = 300.0  # power.storage_cycles_per_yr
PHS_H = 6.0  # power.phs_duration_h
# Observed national curtailment (wind, solar), share of potential output (power-facts.md section 3);
# 2015-2019: wind only (solar not found)
OBSERVED = {2015: (0.152, None), 2016: (0.17, None), 2017: (0.12, None), 2018: (0.07, None),
            2019: (0.04, None), 2023: (0.027, 0.020), 2024: (0.037, 0.029)}
# 2020-2022: no national rate found; linear between 2019 and 2023 (as power.wind_cf / solar_cf assume)
OBSERVED.update({2020: (0.0368, 0.036), 2021: (0.0335, 0.032), 2022: (0.0303, 0.028)})
OBSERVED = dict(sorted(OBSERVED.items()))
NTS_2020_GWH = 3.3 * 2.1  # power.nts_capacity_2020_gw x power.nts_duration_h (2020)


def softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def main() -> None:
    e = pd.read_csv(HIST / "owid_energy_china.csv")
    e = e[e.country == "China"].set_index("year")
    st = pd.read_csv(HIST / "storage_china.csv").set_index("year")
    for year, (cw, cs) in OBSERVED.items():
        wind, solar, d = (e.loc[year, k] for k in ("wind_electricity", "solar_electricity", "electricity_generation"))
        cs = cw if cs is None else cs
        v = wind / (1 - cw) + solar / (1 - cs)
        curtailed = v - wind - solar
        s = v / d
        a = 0.0
        if year in st.index:
            def gwh(y):
                nts = NTS_2020_GWH if y == 2020 else st.loc[y, "nts_gwh"]
                return st.loc[y, "phs_gw"] * PHS_H + (0.0 if np.isnan(nts) else nts)
            before = gwh(year - 1) if year - 1 in st.index else gwh(year)  # 2020: the year-end stock
            a = 0.5 * (gwh(year) + before) * CYCLES / 1000
        lo, hi = -1.0, 2.0
        for _ in range(200):
            f = 0.5 * (lo + hi)
            raw = d * WIDTH * (softplus((s - f) / WIDTH) - softplus(-f / WIDTH))
            net = raw - (a * -np.expm1(-raw / a) if a > 0 else 0.0)
            lo, hi = (f, hi) if net > curtailed else (lo, f)
        print(f"{year}: share {s:.4f}, curtailment {curtailed / v:.4f}, storage shift {a:6.1f} TWh, F = {f:.4f}")


if __name__ == "__main__":
    main()
