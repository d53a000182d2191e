"""Sweep figures: fan charts of quantile trajectories, target probabilities, sensitivity rankings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator

from ctsim.plots import blocks
from ctsim.plots.style import (
    CATEGORY_COLORS,
    FULL_WIDTH_IN,
    MAIN_COLOR,
    SECTOR_COLORS,
    TARGET_COLOR,
    axis_label,
    display_scale,
    figure_title,
    pretty,
)

#: (IAMC variable, axis name, panel title, colour) of the fan panels, in reading order.
FANS = (
    ("Emissions|CO2", "CO2 emissions", "National CO2", "#000000"),
    ("Emissions|CO2|Industry|Steel", "CO2 emissions", "Steel-sector CO2 (direct)",
     SECTOR_COLORS["Steel"]),
    ("Primary Energy|Coal", "Coal use", "Coal use", SECTOR_COLORS["Power"]),
    ("Share|Electricity|Non-Fossil", "Share of generation", "Non-fossil share of generation",
     MAIN_COLOR),
    ("Intensity|CO2|GDP|Reduction vs 2005", "Reduction vs 2005", "CO2 intensity of GDP",
     MAIN_COLOR),
    ("Price|Carbon", "Carbon price", "Carbon price", MAIN_COLOR),
)


def fan_figure(
    quantiles: Mapping[str, tuple[np.ndarray, Mapping[float, np.ndarray]]],
    targets: Sequence[Mapping[str, Any]] = (),
    history: pd.DataFrame | None = None,
    title_prefix: str | None = None,
    region: str = "China",
) -> Figure | None:
    """Fan panels (5-95 % and 25-75 % bands, median) for the variables of :data:`FANS` present in
    ``quantiles`` (variable -> (years, {level: values})); targets and observed values drawn."""
    panels = [f for f in FANS if f[0] in quantiles]
    if not panels:
        return None
    rows = (len(panels) + 1) // 2
    fig = Figure(figsize=(FULL_WIDTH_IN, 0.9 + 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    for ax, (variable, name, title, color) in zip(axes, panels, strict=False):
        years, levels = quantiles[variable]
        scale, unit = display_scale(variable)
        blocks.fan_chart(ax, years, {q: np.asarray(v) * scale for q, v in levels.items()},
                         "Sweep", color)
        if history is not None:
            blocks.observed(ax, history, variable, label="Observed", scale=scale,
                            min_year=float(years[0]) - 10, max_year=float(years[-1]))
        for t in targets:
            if t.get("variable") == variable:
                blocks.mark_target(ax, t, scale=scale, unit=unit)
        ax.set_title(pretty(title), loc="left")
        ax.set_ylabel(axis_label(name, variable))
        ax.set_xlabel("Year")
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MultipleLocator(10))
        blocks.legend_outside(ax, "below", ncol=1)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(figure_title("uncertainty ranges across the sweep", region, title_prefix))
    return fig


def probability_figure(table: pd.DataFrame, title_prefix: str | None = None,
                       region: str = "China") -> Figure:
    """Horizontal bars: probability of meeting each target (columns ``id``, ``probability`` and,
    when present, ``low_95``/``high_95`` as an interval and ``threshold`` as a marker)."""
    n = len(table)
    fig = Figure(figsize=(FULL_WIDTH_IN, 1.3 + 0.38 * max(n, 2)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(n)[::-1]
    p = 100 * table["probability"].to_numpy(dtype=float)
    ax.barh(y, p, height=0.6, color=MAIN_COLOR, zorder=3, label="Probability met")
    if {"low_95", "high_95"} <= set(table.columns):
        lo = 100 * table["low_95"].to_numpy(dtype=float)
        hi = 100 * table["high_95"].to_numpy(dtype=float)
        ax.errorbar(p, y, xerr=[p - lo, hi - p], fmt="none", ecolor="#000000", elinewidth=0.9,
                    capsize=3, zorder=4, label="95 % interval (Wilson)")
    if "threshold" in table.columns:
        thr = pd.to_numeric(table["threshold"], errors="coerce").to_numpy(dtype=float)
        keep = np.isfinite(thr)
        if keep.any():
            ax.plot(100 * thr[keep], y[keep], linestyle="none", marker="|", markersize=14,
                    markeredgewidth=2, color=TARGET_COLOR, zorder=5, label="Required probability")
    for yi, value in zip(y, p, strict=True):
        ax.annotate(f"{value:.0f} %", (min(value, 100.0), yi), xytext=(4, 5),
                    textcoords="offset points", va="bottom", fontsize=7.5)
    ax.set_yticks(y, [str(i) for i in table["id"]], fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, 105)
    ax.set_xlabel("Probability of meeting the target (%)")
    ax.grid(axis="y", visible=False)
    blocks.legend_outside(ax, "right")
    fig.suptitle(figure_title("probability of meeting each target", region, title_prefix))
    return fig


def sensitivity_figure(ranking: Mapping[str, pd.DataFrame], index_name: str,
                       title_prefix: str | None = None, region: str = "China") -> Figure | None:
    """One panel per output: the parameters ranked by a sensitivity index (columns ``parameter``,
    ``value`` and optionally ``conf``), largest on top."""
    outputs = [o for o, r in ranking.items() if len(r)]
    if not outputs:
        return None
    n_max = max(len(ranking[o]) for o in outputs)
    cols = min(2, len(outputs))
    rows = (len(outputs) + cols - 1) // cols
    fig = Figure(figsize=(FULL_WIDTH_IN, 0.9 + rows * (0.6 + 0.3 * n_max)), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    params = list(dict.fromkeys(p for o in outputs for p in ranking[o]["parameter"]))
    colors = {p: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, p in enumerate(params)}
    for ax, output in zip(axes, outputs, strict=False):
        r = ranking[output]
        y = np.arange(len(r))[::-1]
        values = r["value"].to_numpy(dtype=float)
        conf = r["conf"].to_numpy(dtype=float) if "conf" in r.columns else None
        ax.barh(y, values, height=0.6, color=[colors[p] for p in r["parameter"]], zorder=3,
                xerr=conf, error_kw={"elinewidth": 0.8, "capsize": 2})
        ax.set_yticks(y, list(r["parameter"]), fontsize=7.5)
        ax.set_title(pretty(output), loc="left")
        ax.set_xlabel(f"{index_name} (dimensionless)")
        ax.set_xlim(left=min(0.0, float(np.nanmin(values))))
        ax.grid(axis="y", visible=False)
    for ax in axes[len(outputs):]:
        ax.set_visible(False)
    fig.suptitle(figure_title(f"what drives the spread: parameters ranked by {index_name}", region,
                              title_prefix))
    return fig


# --- figures written by `ctsim sweep` (fans and sensitivity bars above, plus the two below) -------

#: per-sample peak-year metric -> (panel title, IAMC variable of its peak_by targets)
PEAKS = {"peak_year_national_co2": ("National CO2", "Emissions|CO2"),
         "peak_year_power_co2": ("Power CO2", "Emissions|CO2|Energy|Supply|Electricity"),
         "peak_year_steel_co2": ("Steel CO2", "Emissions|CO2|Industry|Steel")}
INDEX_LABEL = {"S1": "first-order Sobol S1", "ST": "total Sobol ST", "mu_star": "Morris \u03bc*"}


def peak_year_figure(peak_years: Mapping[str, np.ndarray], targets: Sequence[Mapping[str, Any]],
                     title_prefix: str | None = None, region: str = "China") -> Figure | None:
    """Histograms of the per-sample peak years (share of samples per year), peak_by deadlines."""
    shown = [k for k in PEAKS if k in peak_years]
    if not shown:
        return None
    fig = Figure(figsize=(FULL_WIDTH_IN, 3.2), layout="constrained")
    axes = fig.subplots(1, len(shown), squeeze=False)[0]
    handles: dict[str, Any] = {}
    for ax, key in zip(axes, shown, strict=True):
        name, variable = PEAKS[key]
        values = np.asarray(peak_years[key])
        years, counts = np.unique(values, return_counts=True)
        ax.bar(years, 100.0 * counts / len(values), width=0.8, color=MAIN_COLOR, zorder=3,
               label="Samples")
        for t in targets:
            if t.get("variable") == variable and t.get("kind") == "peak_by":
                ax.axvline(t["year"] + 0.5, color=TARGET_COLOR, linestyle="--",
                           label=f"{t['id']}: peak by {t['year']}")
        ax.set_title(pretty(name), loc="left")
        ax.set_xlabel("Peak year")
        ax.set_ylabel("Share of samples (%)")
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, h)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=2,
               fontsize="small", frameon=False)
    fig.suptitle(figure_title("peak years across the sweep", region, title_prefix))
    return fig


def indices_over_time(table: pd.DataFrame, index: str, output: str,
                      title_prefix: str | None = None, region: str = "China") -> Figure | None:
    """Each parameter's sensitivity index of ``output`` per year (long table with columns
    ``output, year, parameter, index, value, conf``), with its 95 % confidence band."""
    rows = table[(table["output"] == output) & table["year"].notna() & (table["index"] == index)]
    if rows.empty:
        return None
    fig = Figure(figsize=(FULL_WIDTH_IN, 3.4), layout="constrained")
    ax = fig.subplots()
    for k, (param, part) in enumerate(rows.groupby("parameter", sort=False)):
        part = part.sort_values("year")
        color = CATEGORY_COLORS[k % len(CATEGORY_COLORS)]
        x, v = part["year"].to_numpy(float), part["value"].to_numpy(float)
        conf = part["conf"].to_numpy(float)
        ax.plot(x, v, color=color, label=param)
        if np.isfinite(conf).any():
            ax.fill_between(x, v - conf, v + conf, color=color, alpha=0.2, linewidth=0)
    ax.set_xlabel("Year")
    ax.set_ylabel(pretty(f"{INDEX_LABEL.get(index, index)} of {output}"))
    ax.margins(x=0)
    blocks.legend_outside(ax, "below", ncol=2)
    fig.suptitle(figure_title(f"what drives {output}, year by year", region, title_prefix))
    return fig
