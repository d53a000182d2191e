"""Calibrate the 2020-2024 drivers of the default scenario to bundled history.

For each historical year, in order, it solves (secant method, full engine runs) for:
  - power.{hydro,nuclear,wind,solar,gas}_cf  -> Ember generation by source (2020-2024)
  - macro.electricity_elasticity             -> total generation (2021-2024)
  - other.{coal,oil,gas}_intensity_change    -> EI coal, oil and gas use (2021-2024)
and prints the resulting registry values. ``--write`` rewrites those values in
src/ctsim/data/parameters.csv (keys after 2024 are kept; capacity factors after 2024 are set to the
mean of 2021-2024). Run: .venv/bin/python tools/calibrate.py [--write]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np

from ctsim import registry
from ctsim.history import history
from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

HIST_YEARS = range(2020, 2025)
CF = {f"power.{t}_cf": f"Secondary Energy|Electricity|{t.capitalize()}"
      for t in ("hydro", "nuclear", "wind", "solar", "gas")}
LATER = {  # from 2021: driver -> observed variable
    "macro.electricity_elasticity": "Secondary Energy|Electricity",
    "other.coal_intensity_change": "Primary Energy|Coal",
    "other.oil_intensity_change": "Primary Energy|Oil",
    "other.gas_intensity_change": "Primary Energy|Gas",
}
CSV = Path(__file__).resolve().parents[1] / "src" / "ctsim" / "data" / "parameters.csv"


def _as_path(value, years) -> dict[int, float]:
    if isinstance(value, dict):
        return dict(value)
    return {y: float(value) for y in years}


def calibrate() -> dict[str, dict[int, float]]:
    resolved = resolve(scenario_from_dict({}, "calibration"))
    values = dict(resolved.values)
    obs = history()
    drivers = {**{k: (v, HIST_YEARS) for k, v in CF.items()},
               **{k: (v, range(2021, 2025)) for k, v in LATER.items()}}
    for name in drivers:
        values[name] = _as_path(values[name], HIST_YEARS)

    def simulate(year: int, name: str, x: float) -> float:
        values[name] = {**values[name], year: x}
        res = run_resolved(type(resolved)(**{**resolved.__dict__, "values": values}))
        return float(res.series(drivers[name][0]).loc[year])

    for year in HIST_YEARS:
        for _ in range(3):  # drivers interact through coal: a few sweeps converge
            for name, (variable, years) in drivers.items():
                if year not in years:
                    continue
                target = float(obs.loc[year, variable])
                x0 = values[name][year]
                x1 = x0 + (0.01 if abs(x0) < 1 else 0.01 * x0)
                f0, f1 = simulate(year, name, x0) - target, simulate(year, name, x1) - target
                for _ in range(20):
                    if f1 == f0 or abs(f1) < 1e-9 * max(abs(target), 1):
                        break
                    x0, x1, f0 = x1, x1 - f1 * (x1 - x0) / (f1 - f0), f1
                    f1 = simulate(year, name, x1) - target
                simulate(year, name, x1)
    out = {}
    for name in drivers:
        path = {y: round(values[name][y], 5) for y in HIST_YEARS if y in drivers[name][1]}
        if name in CF:
            path[2025] = round(float(np.mean([path[y] for y in range(2021, 2025)])), 5)
        else:
            original = registry.parameters()[name].value
            path.update({y: v for y, v in _as_path(original, []).items() if y > 2024})
        out[name] = path
    return out


def _text(path: dict[int, float]) -> str:
    return ";".join(f"{y}:{v:g}" for y, v in sorted(path.items()))


def main(argv: list[str]) -> None:
    result = calibrate()
    for name, path in result.items():
        print(f"{name},{_text(path)}")
    if "--write" in argv:
        rows = list(csv.reader(CSV.open(encoding="utf-8")))
        for row in rows[1:]:
            if row[0] in result:
                row[1] = _text(result[row[0]])
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        CSV.write_text(buf.getvalue(), encoding="utf-8")
        print(f"wrote {CSV}")


if __name__ == "__main__":
    main(sys.argv[1:])
