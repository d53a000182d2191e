"""Render the parameter registry as Markdown (docs/parameters.md is generated from it)."""

from __future__ import annotations

from . import registry


def _value(p: registry.Parameter) -> str:
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
        "A scenario file overrides any of them as `section: {key: value}`; path parameters take a",
        "number or `{year: value}` (linear between years, flat outside).",
        "",
    ]
    for section, params in registry.sections().items():
        lines += [f"## `{section}`", "", "| key | default | unit | bounds | kind | description | source |",
                  "|---|---|---|---|---|---|---|"]
        for p in params:
            row = [f"`{p.key}`", _value(p), p.unit, f"{p.lower:g} .. {p.upper:g}", p.kind,
                   p.description, p.source]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        lines.append("")
    return "\n".join(lines)
