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
VARIABLE_COLUMNS = ("name", "variable", "unit", "description")


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
    name: str
    variable: str
    unit: str
    description: str


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
