"""``ctsim compare``: overlays, key-metric differences and policy wedges in compare.html / compare.md.

The first input is the reference. Inputs are scenario files (run now) or ``ctsim run`` folders (their
metadata.json holds every resolved parameter, so wedges can be recomputed). The numbers come from
:mod:`ctsim.analysis.compare`; this module only assembles them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..analysis.compare import (
    is_shock_player,
    metric_differences,
    policy_wedges,
    resolved_from_metadata,
    shocks_of,
)
from ..errors import UsageError
from .document import Document, Table, format_value, render_figure
from .run import (
    default_out,
    fmt_param,
    metadata_table,
    output_metadata,
    slug,
)
from .source import Source, load_source


def _resolved(src: Source):
    return src.resolved if src.resolved is not None else resolved_from_metadata(src.metadata)


#: decimals of a metric row by unit: values and differences of one row print alike
#: (Mt, Mtce, TWh and years whole; Gt with one decimal; shares in % and pp with one)
ROW_DECIMALS = {"Gt CO2": 1}


def _number(value: float, unit: str, signed: bool = False) -> str:
    decimals = ROW_DECIMALS.get(unit, 0)
    text = f"{value + 0.0:{'+' if signed else ''},.{decimals}f}"
    if signed and float(text.replace(",", "")) == 0:
        text = "+" + text.lstrip("+-")  # no "-0"
    return f"{text} {unit}".strip()


def _metrics_table(sources: list[Source]) -> tuple[Table, object]:
    diffs = metric_differences({s.name: s.metrics for s in sources})
    ref = sources[0].name
    headers = ["Metric", *[s.name for s in sources], *[f"{s.name} \u2212 {ref}" for s in sources[1:]]]
    rows = []
    for _, r in diffs.iterrows():
        unit = str(r["unit"])
        values = [r[s.name] for s in sources]
        if unit in ("fraction", ""):
            row = [str(r["label"]), *[format_value(v, unit) for v in values]]
        else:
            row = [str(r["label"]), *["n/a" if not np.isfinite(v) else _number(v, unit) for v in values]]
        for s in sources[1:]:
            d = r[f"{s.name} - {ref}"]
            if not np.isfinite(d):
                row.append("n/a")
            elif unit == "fraction":
                row.append(f"{100 * d + 0.0:+.1f} pp".replace("-0.0", "+0.0"))
            else:
                row.append(_number(d, unit, signed=True))
        rows.append(row)
    return Table(headers, rows, numeric=set(range(1, len(headers)))), diffs


def _wedge_section(doc: Document, ref: Source, pol: Source, root: Path, fmt: str,
                   csv_rows: list) -> None:
    from ..plots.compare import wedge_figure
    from ..plots.style import style_context

    doc.heading(f"Policy wedges: {pol.name} vs {ref.name}", 3)
    try:
        wedges = policy_wedges(_resolved(ref), _resolved(pol))
    except ValueError as exc:
        doc.paragraph(f"Wedges not available: {exc}.", note=True)
        return
    if not wedges.contributions:
        doc.paragraph("No parameter differs between the two scenarios, so there is no gap to "
                      "split.", note=True)
        return
    r, p = _resolved(ref), _resolved(pol)

    def shown(res, name: str) -> str:
        if is_shock_player(name):
            ids = ", ".join(str(getattr(s, "id", s)) for s in shocks_of(res, name))
            return f"{ids or 'none'} (seed {res.seed})"
        return fmt_param(res.values[name])

    doc.table(Table(["Parameter", ref.name, pol.name],
                    [[n, shown(r, n), shown(p, n)] for n in wedges.contributions]))
    with style_context():
        fig = wedge_figure(wedges)
        doc.figure(render_figure(
            fig, root, f"figures/wedges_{slug(pol.name)}_vs_{slug(ref.name)}", fmt,
            f"CO2 avoided by {pol.name} relative to {ref.name}, split by the parameters that "
            "differ (Shapley values; they add up exactly to the gap in every year).",
            fig.get_suptitle()))
    table = wedges.table()
    rows = [[r.parameter, f"{r.shapley_gt:+,.2f}", f"{r.share_of_gap:.0%}"
             if np.isfinite(r.share_of_gap) else "n/a", f"{r.alone_gt:+,.2f}",
             f"{r.last_gt:+,.2f}"] for r in table.itertuples()]
    rows.append(["Total gap", f"{wedges.gap.sum() / 1000:+,.2f}", "100%", "", ""])
    doc.table(Table(["Parameter", "Shapley (Gt CO2)", "Share of gap",
                     f"Alone on {ref.name} (Gt)", f"Last into {pol.name} (Gt)"], rows,
                    numeric={1, 2, 3, 4}))
    doc.paragraph(
        f"Method: {wedges.method} ({wedges.n_runs} model runs). A parameter's Shapley value is its "
        "one-at-a-time effect averaged over every order of switching the differences on, so it does "
        "not depend on an order; the 'alone' and 'last' columns are the two extreme orders, and their "
        "spread shows how much the parameters interact. Positive = CO2 avoided; cumulative over "
        f"{int(wedges.years[0])}\u2013{int(wedges.years[-1])}.", note=True)
    for j, year in enumerate(wedges.years):
        for name, w in wedges.contributions.items():
            csv_rows.append({"reference": ref.name, "policy": pol.name, "parameter": name,
                             "year": int(year), "co2_avoided_mt": float(w[j]),
                             "gap_mt": float(wedges.gap[j])})


def build_comparison(sources: list[Source], root: Path, fmt: str = "png") -> tuple[Document, dict]:
    """The comparison document; figures go to ``root/figures``. Also returns tables for CSV files."""
    from ..history import HISTORY_LEGEND, history
    from ..plots.compare import overlay_figure
    from ..plots.style import style_context

    if len(sources) < 2:
        raise UsageError("compare: give at least two scenario files or run folders")
    for s in sources:
        if s.kind != "run":
            raise UsageError(f"compare: {s.name} is a {s.kind} folder; compare takes single runs")
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise UsageError(f"compare: scenario names must differ (got {', '.join(names)})")
    ref = sources[0]
    doc = Document(f"ctsim compare: {' vs '.join(names)}")
    doc.paragraph(f"Reference: {ref.name} (the first input). Region: China.", note=True)
    doc.heading("Scenarios")
    doc.table(Table(["Scenario", "Description", "Scenario hash"],
                    [[s.name, " ".join(s.description.split()), str(s.metadata.get(
                        "scenario_hash", ""))] for s in sources]))
    doc.heading("Key metrics")
    table, diffs = _metrics_table(sources)
    doc.table(table)
    doc.heading("Trajectories")
    hist = history().copy()
    hist.attrs["source"] = HISTORY_LEGEND
    with style_context():
        fig = overlay_figure({s.name: s.frame for s in sources}, hist)
        if fig is not None:
            doc.figure(render_figure(
                fig, root, "figures/overlays", fmt,
                "The scenarios on shared axes; dots are observed values (OWID/GCB, Ember).",
                fig.get_suptitle()))
    doc.heading("Where the CO2 gap comes from")
    wedge_rows: list[dict] = []
    for pol in sources[1:]:
        _wedge_section(doc, ref, pol, root, fmt, wedge_rows)
    doc.heading("Metadata")
    for s in sources:
        doc.heading(s.name, 3)
        doc.table(metadata_table(s.metadata))
    return doc, {"differences": diffs, "wedges": wedge_rows}


def write_comparison(inputs: list[str | Path], out: str | Path | None = None, fmt: str = "png",
                     force: bool = False, command: list[str] | None = None) -> Path:
    """Write compare.html, compare.md, figures/, differences.csv, wedges.csv, metadata.json."""
    import pandas as pd

    from ..outputs.folders import atomic_folder, write_json
    from .document import check_output_options

    check_output_options(fmt, out, force)
    if len(inputs) < 2:
        raise UsageError("compare: give at least two scenario files or run folders")
    sources = [load_source(p, command) for p in inputs]
    outdir = Path(out) if out is not None else default_out("compare", [s.name for s in sources])
    with atomic_folder(outdir, force=force) as tmp:
        doc, tables = build_comparison(sources, tmp, fmt)
        doc.write(tmp, "compare")
        tables["differences"].to_csv(tmp / "differences.csv", index=False, float_format="%.6g")
        pd.DataFrame(tables["wedges"], columns=["reference", "policy", "parameter", "year",
                                                "co2_avoided_mt", "gap_mt"]).to_csv(
            tmp / "wedges.csv", index=False, float_format="%.6g")
        write_json(tmp / "metadata.json", output_metadata("compare", sources, command,
                                                          {"reference": sources[0].name,
                                                           "format": fmt}))
    return outdir
