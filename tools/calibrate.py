"""Calibrate the 2020-2024 drivers of the default scenario to bundled history.

For each historical year, in order, it solves (secant method, full engine runs) for:
  - power.{hydro,nuclear,wind,solar,gas}_cf  -> Ember generation by source (2020-2024)
  - macro.electricity_elasticity             -> total generation (2021-2024)
  - other.{coal,oil,gas}_intensity_change    -> EI coal, oil and gas use (2021-2024)
and prints the resulting registry values. ``--write`` rewrites those values in
src/ctsim/data/parameters.csv (keys after 2024 are kept; capacity factors after 2024 are set to the
mean of 2021-2024); only the value field of a changed row is rewritten, so with unchanged values the
file stays byte for byte the same. Run: .venv/bin/python tools/calibrate.py [--write]

The observed years are what is fitted, so they are simulated from the trial values (a
counterfactual run, ``history_end=None``), not from the registry's history. ``calibrate(fit_years=...)``
fits fewer years and fills the others with the projection rule (:func:`projection_rule`): that is
the hold-out machinery of tools/validation.py.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
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
DRIVERS = {**{k: (v, HIST_YEARS) for k, v in CF.items()},
           **{k: (v, range(2021, 2025)) for k, v in LATER.items()}}
CSV = Path(__file__).resolve().parents[1] / "src" / "ctsim" / "data" / "parameters.csv"


def _as_path(value, years) -> dict[int, float]:
    if isinstance(value, dict):
        return dict(value)
    return {y: float(value) for y in years}


def projection_rule(name: str, fitted: dict[int, float]) -> float:
    """The value the registry gives a driver in a year it was not fitted: for a capacity factor the
    mean of the fitted years from 2021 (as for 2025 in the registry); for a growth driver
    (elasticity, intensity changes) the mean of its fitted years. Needs one fitted year at least."""
    years = [y for y in fitted if y >= 2021] or list(fitted)
    return float(np.mean([fitted[y] for y in years]))


def counterfactual_baseline():
    """The default scenario with its observed years simulated from its own values."""
    return replace(resolve(scenario_from_dict({}, "calibration")), history_end=None)


def calibrate(fit_years=HIST_YEARS, sweeps: int = 3, drivers: dict | None = None,
              rule=projection_rule) -> dict[str, dict[int, float]]:
    """Fitted driver paths over the years of HIST_YEARS: solved in ``fit_years``; in the other
    observed years (held out) ``rule(name, fitted)`` gives the value from the years fitted before.
    ``drivers`` defaults to all of :data:`DRIVERS`."""
    drivers = DRIVERS if drivers is None else drivers
    resolved = counterfactual_baseline()
    values = dict(resolved.values)
    obs = history()
    for name in drivers:
        values[name] = _as_path(values[name], HIST_YEARS)

    def simulate(year: int, name: str, x: float) -> float:
        values[name] = {**values[name], year: x}
        res = run_resolved(replace(resolved, values=values))
        return float(res.series(drivers[name][0]).loc[year])

    for year in HIST_YEARS:
        for name, (_variable, years) in drivers.items():
            fitted = {y: values[name][y] for y in years if y < year and y in fit_years}
            if year in years and year not in fit_years and fitted:
                values[name] = {**values[name], year: rule(name, fitted)}
        for _ in range(sweeps):  # drivers interact through coal: a few sweeps converge
            for name, (variable, years) in drivers.items():
                if year not in years or year not in fit_years:
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


def rewrite_values(text: str, result: dict[str, dict[int, float]]) -> str:
    """``text`` (parameters.csv) with the value field of each row in ``result`` set to its path.

    Only a row whose value changes is touched, and only its value field: every other byte (quoting,
    line ends, comments) is kept, so unchanged values give the same bytes."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("#") or not line.strip():
            continue
        row = next(csv.reader([line]))
        if row[0] in result and row[1] != _text(result[row[0]]):
            name, value, rest = line.split(",", 2)
            if value != row[1]:  # a quoted value: not written by this tool, leave it to a person
                raise ValueError(f"parameters.csv: {name}: expected an unquoted value")
            lines[i] = f"{name},{_text(result[row[0]])},{rest}"
    return "".join(lines)


def main(argv: list[str]) -> None:
    result = calibrate()
    for name, path in result.items():
        print(f"{name},{_text(path)}")
    if "--write" in argv:
        old = CSV.read_bytes().decode("utf-8")
        new = rewrite_values(old, result)
        if new == old:
            print(f"{CSV}: values unchanged, not rewritten")
        else:
            CSV.write_bytes(new.encode("utf-8"))
            print(f"wrote {CSV}")


if __name__ == "__main__":
    main(sys.argv[1:])
