"""Report sections of a ``ctsim sweep`` output folder: target probabilities, metric ranges, fan
charts and sensitivity rankings.

Files read (each optional except that one of quantiles.csv / metrics.csv must exist):

- ``quantiles.csv``: IAMC long with a ``quantile`` column (0.05, 0.25, 0.5, 0.75, 0.95);
- ``metrics.csv``: one row per sample, one column per headline metric (``sample`` is ignored);
- ``targets.csv``: one row per target with ``id`` and ``probability`` (``low_95``, ``high_95``,
  ``threshold``, ``description``, ``n`` when present);
- ``sensitivity.csv``: long table with a parameter column (``parameter`` / ``name``), an output
  column (``output`` / ``metric`` / ``target``) and an index column (the first of ``ST``, ``S1``,
  ``mu_star``, ``delta``, ``S``, ``index``; its ``*_conf`` column as an interval);
- ``design.csv``: the sampled parameter values, one column per sampled quantity;
- ``metadata.json`` (as for runs: version, scenario hash, seed, parameters, targets).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.metrics import BAR_OUTPUTS
from .document import Document, Table, format_value, render_figure
from .source import SweepData

INDEX_COLUMNS = ("ST", "S1", "mu_star", "delta", "S", "index")
PARAMETER_COLUMNS = ("parameter", "name", "param")
OUTPUT_COLUMNS = ("output", "metric", "target", "variable")
INDEX_NAMES = {"ST": "total-order Sobol index ST", "S1": "first-order Sobol index S1",
               "mu_star": "Morris \u03bc*", "delta": "Borgonovo \u03b4"}
TOP_PARAMETERS = 8
MAX_SENSITIVITY_PANELS = 4


# --- tables -----------------------------------------------------------------------------------


def fan_data(quantiles: pd.DataFrame) -> dict[str, tuple[np.ndarray, dict[float, np.ndarray]]]:
    """quantiles.csv -> {variable: (years, {level: values})} (numeric levels only)."""
    q = quantiles.copy()
    q["level"] = pd.to_numeric(q["quantile"], errors="coerce")
    q = q[q["level"].notna()]
    out = {}
    for variable, group in q.groupby("variable", sort=False):
        wide = group.pivot_table(index="year", columns="level", values="value").sort_index()
        out[str(variable)] = (wide.index.to_numpy(dtype=float),
                              {float(level): wide[level].to_numpy(dtype=float)
                               for level in wide.columns})
    return out


def probability_table(targets: pd.DataFrame) -> Table:
    rows = []
    for _, t in targets.iterrows():
        interval = (f"{t['low_95']:.1%}\u2013{t['high_95']:.1%}"
                    if {"low_95", "high_95"} <= set(t.index) else "n/a")
        threshold = pd.to_numeric(pd.Series([t.get("threshold")]), errors="coerce").iloc[0]
        rows.append([str(t["id"]), str(t.get("description", "") or ""),
                     f"{float(t['probability']):.1%}", interval,
                     str(int(t["n"])) if "n" in t.index and pd.notna(t["n"]) else "n/a",
                     f"{threshold:.0%}" if pd.notna(threshold) else "",
                     str(t.get("verdict", "") or "") if pd.notna(t.get("verdict", "")) else ""])
    return Table(["Target", "Requirement", "P(met)", "95 % interval", "Samples", "Required",
                  "Check"], rows, numeric={2, 3, 4, 5})


def metric_ranges(metrics: pd.DataFrame) -> Table:
    """Median and 5-95 % range of every per-sample metric."""
    from ..analysis.metrics import metric_label

    rows = []
    for column in metrics.columns:
        if column == "sample" or str(column).endswith(("_met", "_margin")):
            continue
        values = pd.to_numeric(metrics[column], errors="coerce").dropna().to_numpy(dtype=float)
        if not values.size:
            continue
        label, unit = metric_label(str(column))
        q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
        rows.append([label, format_value(q50, unit),
                     f"{format_value(q05, unit)} \u2013 {format_value(q95, unit)}"])
    return Table(["Metric", "Median", "5\u201395 % range"], rows, numeric={1, 2})


def _pick(columns, candidates) -> str | None:
    lower = {str(c).lower(): c for c in columns}
    return next((lower[c.lower()] for c in candidates if c.lower() in lower), None)


LONG_SENSITIVITY = {"output", "parameter", "index", "value"}  # as ctsim sweep writes it
LONG_INDEX_ORDER = ("ST", "mu_star", "S1", "delta", "S")


def long_sensitivity_index(table: pd.DataFrame) -> str | None:
    """Index a long sensitivity.csv (``output, year, parameter, index, value, conf``) is ranked by:
    the first of ST, mu_star, S1, ... present in its ``index`` column; None for a wide table."""
    if not LONG_SENSITIVITY <= set(table.columns):
        return None
    present = set(table["index"].astype(str))
    return next((i for i in LONG_INDEX_ORDER if i in present), None) or (
        str(table["index"].iloc[0]) if len(table) else None)


def sensitivity_ranking(table: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], str | None]:
    """{output: top parameters (parameter, value[, conf])} and the index used, from sensitivity.csv
    (long, as ``ctsim sweep`` writes it: whole-horizon rows only; or wide, one column per index)."""
    index = long_sensitivity_index(table)
    if index is not None:
        rows = table[table["index"].astype(str) == index]
        if "year" in rows.columns:
            rows = rows[rows["year"].isna()]
        table = rows.rename(columns={"value": index, "conf": f"{index}_conf"}).drop(
            columns=["index"])
    param = _pick(table.columns, PARAMETER_COLUMNS)
    index = _pick(table.columns, INDEX_COLUMNS)
    if param is None or index is None:
        return {}, None
    output = _pick(table.columns, OUTPUT_COLUMNS)
    conf = _pick(table.columns, (f"{index}_conf",))
    groups = list(table.groupby(output, sort=False)) if output else [("National CO2", table)]
    preferred = {name: i for i, name in enumerate(BAR_OUTPUTS)}  # the sweep figure's outputs first
    groups.sort(key=lambda g: preferred.get(str(g[0]), len(preferred)))
    ranking = {}
    for name, group in groups[:MAX_SENSITIVITY_PANELS]:
        r = pd.DataFrame({"parameter": group[param].astype(str),
                          "value": pd.to_numeric(group[index], errors="coerce")})
        if conf is not None:
            r["conf"] = pd.to_numeric(group[conf], errors="coerce").to_numpy()
        r = r.dropna(subset=["value"]).sort_values("value", ascending=False)
        ranking[str(name)] = r.head(TOP_PARAMETERS).reset_index(drop=True)
    return ranking, str(index)


def data_metric_names(data: SweepData) -> set[str]:
    return set(data.metrics.columns) if data.metrics is not None else set()


def design_table(design: pd.DataFrame) -> Table:
    rows = []
    for column in design.columns:
        if column == "sample":
            continue
        v = pd.to_numeric(design[column], errors="coerce").dropna().to_numpy(dtype=float)
        if v.size:
            rows.append([str(column), f"{v.min():.4g}", f"{np.median(v):.4g}", f"{v.max():.4g}"])
    return Table(["Sampled quantity", "Min", "Median", "Max"], rows, numeric={1, 2, 3})


# --- sections ---------------------------------------------------------------------------------


def sweep_sections(doc: Document, src, root: Path, prefix: str, fmt: str, level: int) -> None:
    """Headline (probabilities, metric ranges), figures and the design of a sweep."""
    from ..analysis.metrics import index_units, metric_label, peak_year_shares
    from ..history import HISTORY_LEGEND, history
    from ..plots import sweep as figs
    from ..plots.style import one_line, style_context, unit_label

    data: SweepData = src.sweep
    doc.heading("Headline", level)
    if data.n_samples:
        doc.paragraph(f"Sweep of {data.n_samples:,} samples.", note=True)
    has_probabilities = (data.targets is not None and len(data.targets)
                         and {"id", "probability"} <= set(data.targets.columns))
    if has_probabilities:
        doc.table(probability_table(data.targets))
    if data.metrics is not None:
        doc.table(metric_ranges(data.metrics))
    doc.heading("Figures", level)
    hist = history().copy()
    hist.attrs["source"] = HISTORY_LEGEND

    def add(fig, stem: str, caption: str) -> None:
        if fig is not None:
            doc.figure(render_figure(fig, root, f"figures/{prefix}{stem}", fmt, caption,
                                     one_line(fig.get_suptitle())))

    with style_context():  # figures take the style when they are built
        if data.quantiles is not None:
            add(figs.fan_figure(fan_data(data.quantiles), src.targets, hist, src.name), "fans",
                "Median (line), 25-75 % (dark band) and 5-95 % (light band) of the sampled "
                "trajectories; dots are observed values; targets are drawn and labelled in their "
                "panel.")
        if has_probabilities:
            add(figs.probability_figure(data.targets, src.name), "target_probabilities",
                "Share of samples meeting each target with its 95 % Wilson interval; the mark is "
                "the probability a check requires.")
        if data.metrics is not None:
            shares = peak_year_shares({str(c): data.metrics[c].to_numpy()
                                       for c in data.metrics.columns})
            add(figs.peak_year_figure(shares, src.targets, src.name), "peak_years",
                "Share of samples peaking in each year; the dashed line follows the last year "
                "that meets a peak-by target.")
        if data.sensitivity is not None:
            design_columns = ([str(c) for c in data.design.columns if c != "sample"]
                              if data.design is not None else [])
            ranking, index = sensitivity_ranking(data.sensitivity)
            units = index_units(index or "", [k for k in ranking if k in data_metric_names(data)])
            ranking = {metric_label(k)[0] if k in data_metric_names(data) else k: v
                       for k, v in ranking.items()}
            index_name = INDEX_NAMES.get(index or "", index)
            fig = (figs.sensitivity_figure(ranking, index_name, src.name, units=units,
                                           parameters=design_columns)
                   if index else None)
            if fig is not None:
                add(fig, "sensitivity",
                    f"Parameters ranked by the {index_name} (top {TOP_PARAMETERS} per output; "
                    "whiskers show the 95 % confidence interval where given).")
            else:
                doc.paragraph("sensitivity.csv has no recognised parameter and index columns.",
                              note=True)
            long_index = long_sensitivity_index(data.sensitivity)
            if long_index is not None and "year" in data.sensitivity.columns:
                unit = unit_label("Emissions|CO2|Energy and Industrial Processes") if long_index == "mu_star" else "dimensionless"
                add(figs.indices_over_time(data.sensitivity, long_index, "Emissions|CO2|Energy and Industrial Processes",
                                           src.name, unit=unit, parameters=design_columns),
                    "sensitivity_over_time",
                    f"The {INDEX_NAMES.get(long_index, long_index)} of national CO2 emissions in "
                    "each year, with its 95 % confidence band.")
    doc.paragraph("A decomposition needs one trajectory; report a scenario file for it.",
                  note=True)
    if data.design is not None:
        doc.heading("Sampled parameters", level)
        doc.table(design_table(data.design))
