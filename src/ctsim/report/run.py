"""``ctsim report``: one self-contained report.html (and report.md with figure files) per call.

An input is a scenario file (run on the fly), an output folder of ``ctsim run`` (trajectories.csv,
summary.json, metadata.json) or of ``ctsim sweep`` (see :mod:`ctsim.report.sweep`). Each input
becomes a section: headline table (targets with verdicts and margins, headline metrics), figures,
a Kaya/LMDI decomposition, the scenario's description, the parameters that differ from the defaults
(with sources) and the metadata needed to reproduce it.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .. import __version__
from ..errors import UsageError
from ..scenario.load import is_library_name
from .document import Document, Table, format_value, render_figure
from .source import SCENARIO_SUFFIXES, Source, load_source

#: Captions of the run figures (ctsim.plots.figures.BUILDERS), what a reader should look for.
CAPTIONS = {
    "emissions_by_sector.png": "National CO2 by sector (stacked) with the total; dots are observed "
    "emissions (Global Carbon Budget via OWID); dashed lines mark peak deadlines.",
    "generation_mix.png": "Electricity generation by technology (stacked) and demand; dots are "
    "observed totals (Ember/EI via OWID).",
    "capacity.png": "Installed power capacity by technology at year end.",
    "steel_routes.png": "Crude steel output by route (left) and the steel sector's direct and "
    "indirect CO2 (right).",
    "coal_use.png": "Coal use by sector (stacked) with the economy-wide total.",
    "co2_intensity.png": "Fall in CO2 per unit of GDP since 2005 against the 2030 target (65 %).",
    "carbon_price.png": "National ETS allowance price.",
    "targets.png": "Targets whose variables appear in no other figure.",
    "provinces_co2_change.png": "Change in each province's CO2 from 2020 to 2030 (%), one square "
    "per province in its approximate place; blue falls, red rises.",
    "provinces_co2_intensity_change.png": "Change in each province's CO2 per unit of GDP from 2020 "
    "to 2030 (%).",
    "provinces_unserved_share.png": "Electricity demand each province could not serve, in % of its "
    "demand, in 2021 (or the first year with unserved electricity).",
}
PROVINCE_TARGET_CAPTION = "Provinces that meet (green) or miss (orange) a provincial target."


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "scenario"



# --- sections ---------------------------------------------------------------------------------


def _target_value(verdict: dict) -> tuple[str, str]:
    unit = verdict.get("margin_unit", "")
    if verdict.get("kind") == "peak_by":
        return f"peak in {format_value(verdict['value'])}", format_value(verdict["margin"], "years")
    if unit == "fraction":
        return format_value(verdict["value"], "fraction"), f"{verdict['margin']:+.1%}"
    if unit and unit != "variable unit":  # level_at_least: value and margin in the variable's unit
        return format_value(verdict["value"], unit), f"{verdict['margin']:+,.4g} {unit}"
    return format_value(verdict["value"]), f"{verdict['margin']:+,.4g}"


def targets_table(verdicts: list[dict]) -> Table:
    rows, classes = [], {}
    for i, v in enumerate(verdicts):
        value, margin = _target_value(v)
        met = bool(v.get("met"))
        rows.append([str(v.get("id", "")), str(v.get("description", "")),
                     "met" if met else "MISSED", value, margin])
        classes[(i, 2)] = "met" if met else "missed"
    return Table(["Target", "Requirement", "Verdict", "Value", "Margin (+ = met)"], rows,
                 numeric={3, 4}, classes=classes)


def metrics_table(metrics: dict[str, dict]) -> Table:
    rows = [[str(m.get("label", name)), format_value(m.get("value"), str(m.get("unit", "")))]
            for name, m in metrics.items()]
    return Table(["Metric", "Value"], rows, numeric={1})


def fmt_param(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{y}: {float(v):g}" for y, v in value.items())
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def changed_parameters_table(metadata: dict) -> Table | None:
    """Parameters whose provenance is not the registry default, with defaults and sources."""
    from .. import registry

    known = registry.parameters()
    rows = []
    for name, p in (metadata.get("parameters") or {}).items():
        if p.get("provenance", "default") == "default":
            continue
        default = fmt_param(known[name].value) if name in known else "n/a"
        rows.append([name, fmt_param(p.get("value")), default, str(p.get("unit", "")),
                     str(p.get("provenance", "")), str(p.get("source", ""))])
    if not rows:
        return None
    return Table(["Parameter", "Value", "Default", "Unit", "Set in", "Source of the default"], rows)


def metadata_table(metadata: dict) -> Table:
    years = metadata.get("years")
    rows = [
        ["ctsim version", str(metadata.get("ctsim_version", "n/a"))],
        ["Scenario", str(metadata.get("scenario", "n/a"))],
        ["Scenario hash", str(metadata.get("scenario_hash", "n/a"))],
        ["Seed", str(metadata.get("seed", "n/a"))],
        ["Years", f"{years[0]}\u2013{years[1]}" if years else "n/a"],
        ["Created", str(metadata.get("created", "n/a"))],
        ["Command", " ".join(metadata.get("command") or []) or "n/a"],
    ]
    for key in ("n_samples", "sampler"):
        if key in metadata:
            rows.append([key.replace("_", " ").capitalize(), str(metadata[key])])
    return Table(["Field", "Value"], rows)


def _run_figures(src: Source, root: Path, prefix: str, fmt: str) -> list:
    from ..history import HISTORY_LEGEND, history
    from ..plots import build_run_figures
    from ..plots.run import province_verdicts
    from ..plots.style import style_context

    hist = history().copy()
    hist.attrs["source"] = HISTORY_LEGEND
    blocks = []
    with style_context():
        figures = build_run_figures(src.frame, src.targets, hist, title_prefix=src.name,
                                    provinces=src.provinces,
                                    targets_met=province_verdicts(src.verdicts)
                                    if src.provinces is not None else None)
        for name, fig in figures.items():
            stem = f"figures/{prefix}{Path(name).stem}"
            caption = CAPTIONS.get(name, "")
            if name.startswith("provinces_target_"):
                caption = PROVINCE_TARGET_CAPTION
            blocks.append(render_figure(fig, root, stem, fmt, caption, fig.get_suptitle()))
    return blocks


def decomposition_section(doc: Document, frame: pd.DataFrame, name: str, root: Path,
                          prefix: str, fmt: str, level: int) -> None:
    """Waterfall figure and table of the Kaya/LMDI decomposition (skipped with a note if it fails)."""
    from ..analysis.decomposition import GROUPS, METHOD, default_periods, kaya_lmdi
    from ..plots.decomposition import decomposition_figure
    from ..plots.style import style_context

    doc.heading("Drivers of the change in CO2 (Kaya/LMDI)", level)
    try:
        decs = [kaya_lmdi(frame, a, b) for a, b in default_periods(frame.index.to_numpy())]
    except ValueError as exc:
        doc.paragraph(f"Decomposition not available: {exc}.", note=True)
        return
    with style_context():
        fig = decomposition_figure(decs, name)
        doc.figure(render_figure(
            fig, root, f"figures/{prefix}decomposition", fmt,
            "Change in national CO2 split into additive LMDI-I terms; blue lowers, orange raises "
            "CO2.", fig.get_suptitle()))
    groups = [g for g in GROUPS if all(g in d.grouped().index for d in decs)]
    headers = ["Driver", *[f"{d.start_year}\u2013{d.end_year} (Mt CO2/yr)" for d in decs]]
    rows = [[GROUPS[g], *[f"{d.grouped()[g]:+,.0f}" for d in decs]] for g in groups]
    rows.append(["Total change", *[f"{d.total_change:+,.0f}" for d in decs]])
    doc.table(Table(headers, rows, numeric=set(range(1, len(headers)))))
    doc.paragraph(METHOD + " See docs/report.md for the identity and the handling of zeros.",
                  note=True)


def _reproduce(src: Source) -> str:
    if src.path is not None and (src.path.suffix.lower() in SCENARIO_SUFFIXES or is_library_name(src.path)):
        return f"ctsim run {src.path}"
    command = src.metadata.get("command")
    return " ".join(command) if command else "n/a"


def source_section(doc: Document, src: Source, root: Path, fmt: str, prefix: str = "") -> None:
    """Append one input's section to ``doc`` (figures are written under ``root/figures`` with
    ``prefix`` before their names; a prefix means the report has several inputs)."""
    many = bool(prefix)
    level = 3 if many else 2
    where = f", read from {src.path}" if src.path is not None else ""
    if many:
        doc.heading(f"{src.name} ({src.kind})", 2)
    doc.paragraph(f"Input: {src.name} ({src.kind}{where}).", note=True)
    doc.heading("Scenario", level)
    doc.paragraph(src.description.strip() or "(The scenario file has no description.)")
    if src.kind == "sweep":
        from .sweep import sweep_sections

        sweep_sections(doc, src, root, prefix, fmt, level)
    else:
        doc.heading("Headline", level)
        if src.verdicts:
            doc.table(targets_table(src.verdicts))
        else:
            doc.paragraph("The scenario states no targets.", note=True)
        if src.metrics:
            doc.table(metrics_table(src.metrics))
        doc.heading("Figures", level)
        for block in _run_figures(src, root, prefix, fmt):
            doc.figure(block)
        decomposition_section(doc, src.frame, src.name, root, prefix, fmt, level)
    doc.heading("Parameters that differ from the defaults", level)
    table = changed_parameters_table(src.metadata)
    if table is None:
        doc.paragraph("None: every parameter is at its registry default (see `ctsim params`).")
    else:
        doc.table(table)
        doc.paragraph("Every other parameter is at its registry default (`ctsim params` lists "
                      "them with units, bounds and sources).", note=True)
    doc.heading("Metadata", level)
    doc.table(metadata_table(src.metadata))
    doc.paragraph("Reproduce with:", note=True)
    doc.code(_reproduce(src))
    if src.metadata.get("attribution"):
        doc.paragraph(str(src.metadata["attribution"]), note=True)


def build_report(sources: list[Source], root: Path, fmt: str = "png") -> Document:
    """The report document for ``sources``; figure files are written into ``root/figures``."""
    if not sources:
        raise UsageError("report: give at least one scenario file or output folder")
    names = ", ".join(s.name for s in sources)
    doc = Document(f"ctsim report: {names}")
    where = ("Regions: China and its 31 provinces (tile maps)"
             if any(s.provinces is not None for s in sources) else "Region: China")
    doc.paragraph(f"Made by ctsim {__version__} on "
                  f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}. {where}. "
                  "report.html embeds every figure and needs no network; report.md links the "
                  "files in figures/.", note=True)
    slugs = [slug(s.name) for s in sources]
    for i, src in enumerate(sources):
        prefix = "" if len(sources) == 1 else (
            f"{slugs[i]}-" if slugs.count(slugs[i]) == 1 else f"{slugs[i]}-{i + 1}-")
        source_section(doc, src, root, fmt, prefix)
    return doc


def output_metadata(kind: str, sources: list[Source], command: list[str] | None,
                    extra: dict | None = None) -> dict:
    """metadata.json of a report or comparison folder: the tool, the call and every input's metadata."""
    return {
        "ctsim_version": __version__,
        "kind": kind,
        "command": command if command is not None else sys.argv,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": [{"name": s.name, "kind": s.kind, "path": str(s.path) if s.path else None,
                    "scenario_hash": s.metadata.get("scenario_hash"),
                    "seed": s.metadata.get("seed"), "metadata": s.metadata} for s in sources],
        **(extra or {}),
    }


def default_out(kind: str, names: list[str]) -> Path:
    return Path("out") / f"{kind}-{slug('+'.join(names))}"


def write_report(inputs: list[str | Path], out: str | Path | None = None, fmt: str = "png",
                 force: bool = False, command: list[str] | None = None) -> Path:
    """Read every input, then write report.html, report.md, figures/ and metadata.json atomically."""
    from ..outputs.folders import atomic_folder, write_json
    from .document import check_output_options

    check_output_options(fmt, out, force)
    sources = [load_source(p, command) for p in inputs]
    outdir = Path(out) if out is not None else default_out("report", [s.name for s in sources])
    with atomic_folder(outdir, force=force) as tmp:
        doc = build_report(sources, tmp, fmt)
        doc.write(tmp, "report")
        write_json(tmp / "metadata.json", output_metadata("report", sources, command,
                                                          {"format": fmt}))
    return outdir
