"""The registries shipped in ``ctsim/data``: default parameters and the output variable catalogue.

``parameters.csv`` holds every number the engine uses (value, unit, bounds, source); ``variables.csv``
maps the engine's internal output names to IAMC variable names and units. Both are read once per
process and cached; nothing is computed at import time.
"""

from __future__ import annotations

import csv
import difflib
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import DataError

PARAMETER_COLUMNS = ("name", "value", "unit", "lower", "upper", "kind", "description", "source")
VARIABLE_COLUMNS = ("name", "variable", "unit", "codelist", "description")
UNIT_COLUMNS = ("unit", "iamc_unit", "factor", "source")
RENAME_COLUMNS = ("old", "new")


@dataclass(frozen=True)
class Parameter:
    """One registered default. ``value`` is a float (kind ``scalar``) or a {year: value} dict (``path``)."""

    name: str
    value: float | dict[int, float]
    unit: str
    lower: float
    upper: float
    kind: str
    description: str
    source: str

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[1]

    @property
    def is_assumption(self) -> bool:
        return self.source.upper().startswith("ASSUMPTION")


@dataclass(frozen=True)
class Variable:
    """One output: internal name, IAMC name and unit; ``codelist`` is ``defined`` when the IAMC
    common-definitions codelist defines the name, ``extension`` when ctsim adds it in the same style."""

    name: str
    variable: str
    unit: str
    codelist: str
    description: str


@dataclass(frozen=True)
class UnitConversion:
    """value in ``iamc_unit`` = value in ``unit`` x ``factor`` (data/units.csv)."""

    unit: str
    iamc_unit: str
    factor: float
    source: str


def parse_path_text(text: str) -> float | dict[int, float]:
    """Parse a registry value: ``"0.5"`` -> 0.5; ``"2020:1;2030:2"`` -> {2020: 1.0, 2030: 2.0}."""
    text = text.strip()
    if ":" not in text:
        return float(text)
    out: dict[int, float] = {}
    for item in text.split(";"):
        year, value = item.split(":")
        out[int(year)] = float(value)
    return out


def _bound(text: str, default: float) -> float:
    return float(text) if text.strip() else default


def _read_csv(filename: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = resources.files("ctsim") / "data" / filename
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    if not rows or tuple(rows[0].keys()) != columns:
        raise DataError(f"{filename}: expected columns {', '.join(columns)}")
    return rows


@lru_cache(maxsize=1)
def parameters() -> dict[str, Parameter]:
    """All registered parameters, keyed by ``section.key``."""
    out: dict[str, Parameter] = {}
    for i, row in enumerate(_read_csv("parameters.csv", PARAMETER_COLUMNS), start=2):
        try:
            p = Parameter(
                name=row["name"],
                value=parse_path_text(row["value"]),
                unit=row["unit"],
                lower=_bound(row["lower"], -math.inf),
                upper=_bound(row["upper"], math.inf),
                kind=row["kind"],
                description=row["description"],
                source=row["source"],
            )
        except (ValueError, TypeError) as exc:
            raise DataError(f"parameters.csv line {i}: {exc}") from None
        if p.name in out:
            raise DataError(f"parameters.csv line {i}: duplicate parameter {p.name}")
        if p.kind not in ("scalar", "path") or "." not in p.name:
            raise DataError(f"parameters.csv line {i}: bad kind or name for {p.name}")
        if p.kind == "scalar" and isinstance(p.value, dict):
            raise DataError(f"parameters.csv line {i}: scalar {p.name} has a path value")
        out[p.name] = p
    return out


def sections() -> dict[str, list[Parameter]]:
    """Parameters grouped by scenario section (``macro``, ``power``, ...), in registry order."""
    out: dict[str, list[Parameter]] = {}
    for p in parameters().values():
        out.setdefault(p.section, []).append(p)
    return out


@lru_cache(maxsize=1)
def variables() -> dict[str, Variable]:
    """Output catalogue keyed by internal name."""
    return {r["name"]: Variable(**r) for r in _read_csv("variables.csv", VARIABLE_COLUMNS)}


@lru_cache(maxsize=1)
def iamc_variables() -> dict[str, Variable]:
    """Output catalogue keyed by IAMC variable name."""
    return {v.variable: v for v in variables().values()}


@lru_cache(maxsize=1)
def unit_conversions() -> dict[str, UnitConversion]:
    """ctsim unit -> its conversion to the IAMC common-definitions unit (data/units.csv)."""
    rows = _read_csv("units.csv", UNIT_COLUMNS)
    return {r["unit"]: UnitConversion(r["unit"], r["iamc_unit"], float(r["factor"]), r["source"]) for r in rows}


@lru_cache(maxsize=1)
def renamed_variables() -> dict[str, str]:
    """Old IAMC name -> its current name, for variables renamed to common-definitions names."""
    return {r["old"]: r["new"] for r in _read_csv("renamed_variables.csv", RENAME_COLUMNS)}


def did_you_mean(word: str, choices) -> str:
    """A ``; did you mean 'x'?`` suffix, or an empty string when nothing is close."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


# --- docs/parameters.md is generated from the registry (make docs) -------------------------------


def _markdown_value(p: Parameter) -> str:
    if isinstance(p.value, dict):
        return "; ".join(f"{y}: {v:g}" for y, v in p.value.items())
    return f"{p.value:g}"


def parameters_markdown() -> str:
    lines = [
        "# Parameters",
        "",
        "Generated from `src/ctsim/data/parameters.csv` by `make docs` (`ctsim params` prints the same).",
        "Every default the engine uses is here, with its unit, bounds and source. Rows whose source",
        "starts with ASSUMPTION could not be sourced and say why; DERIVED rows show their arithmetic.",
        "Keys in square brackets, e.g. `[NDRC-2021-coal-power]`, resolve in [sources.md](sources.md).",
        "A scenario file overrides any of them as `section: {key: value}`; path parameters take a",
        "number or `{year: value}` (linear between years, flat after the last). 2020-2024 are history:",
        "a scenario's path starts from the observed 2024 value (docs/scenarios.md, \"Observed years\").",
        "",
    ]
    for section, params in sections().items():
        lines += [f"## `{section}`", "", "| key | default | unit | bounds | kind | description | source |",
                  "|---|---|---|---|---|---|---|"]
        for p in params:
            row = [f"`{p.key}`", _markdown_value(p), p.unit, f"{p.lower:g} .. {p.upper:g}", p.kind,
                   p.description, p.source]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        lines.append("")
    return "\n".join(lines)


# --- docs/variables.md is generated from the catalogue (make docs) --------------------------------

VARIABLES_PREAMBLE = """# Output variables

Generated from `src/ctsim/data/variables.csv` by `make docs`. Every output of a run, with its IAMC
name and the unit of `trajectories.csv` (the units China's analysts use: TWh, Mtce, CNY).
`trajectories.xlsx` reports the same numbers in IAMC common-definitions units (EJ/yr, USD_2010);
its factors are in `src/ctsim/data/units.csv`, with sources in [sources.md](sources.md). Its
sheet `meta` holds, per scenario, the CO2 peak year and level, the net-zero year, cumulative CO2 and
each target's verdict and margin (the net-zero year is empty when net CO2 does not reach zero
within the horizon, and pyam then leaves that column out); `pyam.IamDataFrame("trajectories.xlsx")`
reads data and meta
(checked with pyam-iamc 3.3.0, which needed SQLAlchemy < 2.1 for its ixmp4 0.14 at the time).

**codelist** says whether the [IAMC common-definitions](https://github.com/IAMconsortium/common-definitions)
variable codelist defines the name (`defined`, same quantity, unit as below or converted in the
xlsx) or ctsim adds it in the same `A|B|C` style (`extension`). `tests/unit/test_common_definitions.py`
checks both against a snapshot of the codelist (`tests/data/common_definitions_variables.csv`,
made by `tools/codelist_snapshot.py`).

Extensions, and why the codelist name is not used:

- **Steel routes** (`Production|Iron and Steel|Steel|Primary|BF-BOF`, `...|Primary|H2-DRI`): the
  codelist stops at Primary/Secondary; ctsim's scrap-EAF route is `...|Steel|Secondary` (defined).
- **Steel CO2** `Emissions|CO2|Energy and Industrial Processes|Iron and Steel`: the codelist splits
  steel CO2 into `Emissions|CO2|Energy|Demand|Industry|Iron and Steel` (fuel) and
  `Emissions|CO2|Industrial Processes|Iron and Steel` (reductant). ctsim has one coal intensity of
  the BF-BOF route that covers both, so it reports their sum under the codelist's own
  "Energy and Industrial Processes" wording; for the same reason the rest of industry's process CO2
  is `Emissions|CO2|Industrial Processes|Other than Iron and Steel`, and steel capture is
  `Carbon Capture|Energy and Industrial Processes|Iron and Steel`.
- **Primary energy** `Primary Energy [Substitution Method]` and
  `Primary Energy|Non-Fossil [Substitution Method]`: the codelist's `Primary Energy` uses the
  direct-equivalent method; ctsim (and China's statistics, and the Energy Institute history it
  calibrates to) count non-fossil electricity at fossil-equivalent primary energy. Coal, oil and
  gas are the same in both methods and keep the codelist names.
- **Unserved electricity, curtailment, rationing losses, cap diagnostics, shares, intensities,
  marginal costs and ETS costs**: quantities the codelist does not define.

`Emissions|CO2` is the codelist's net national CO2 (energy, industrial processes, land use and
carbon removals). Before issue 12 ctsim used that name for the total without land use, which is now
`Emissions|CO2|Energy and Industrial Processes` (the OWID/Global Carbon Budget `co2` series). A
scenario target with a renamed variable is an error that names the new one (the list is in
`src/ctsim/data/renamed_variables.csv`); a target on `Emissions|CO2` written for the old meaning
must be changed by hand: the name is still valid, so ctsim cannot tell.
"""


def variables_markdown() -> str:
    lines = [VARIABLES_PREAMBLE, "| IAMC variable | unit | codelist | internal name | description |",
             "|---|---|---|---|---|"]
    for v in variables().values():
        row = [f"`{v.variable}`", v.unit, v.codelist, f"`{v.name}`", v.description]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)
