"""Sweep figures: fan charts of quantile trajectories, target probabilities, sensitivity rankings,
peak-year histograms and sensitivity indices over time.

Every figure only draws what ``outputs.sweep`` / ``analysis.sensitivity`` (or the report, from the CSV files)
computed: quantiles, probabilities with their Wilson intervals, shares of samples per peak year,
ranked indices. Layout rules shared by all of them: full journal width, a two-line title (what and
where / which sweep), one legend for the whole figure outside the panels, units on every axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator

from ctsim.plots import blocks
from ctsim.plots.style import (
    CATEGORY_COLORS,
    FULL_WIDTH_IN,
    MAIN_COLOR,
    OBSERVED_COLOR,
    SECTOR_COLORS,
    TARGET_COLOR,
    axis_label,
    display_scale,
    parameter_label,
    pretty,
    two_line_title,
    wrap,
)

#: (IAMC variable, axis name, panel title, colour) of the fan panels, in reading order.
FANS = (
    ("Emissions|CO2|Energy and Industrial Processes", "CO2 emissions", "National CO2", "#000000"),
    ("Emissions|CO2|Energy and Industrial Processes|Iron and Steel", "CO2 emissions", "Steel-sector CO2 (direct)",
     SECTOR_COLORS["Steel"]),
    ("Primary Energy|Coal", "Coal use", "Coal use", SECTOR_COLORS["Power"]),
    ("Share|Electricity|Non-Fossil", "Share of generation", "Non-fossil share of generation",
     MAIN_COLOR),
    ("Intensity|CO2|GDP|Reduction vs 2005", "Reduction vs 2005", "CO2 intensity of GDP",
     MAIN_COLOR),
    ("Price|Carbon", "Carbon price", "Carbon price", MAIN_COLOR),
    ("Emissions|Kyoto Gases", "Greenhouse gases", "Net greenhouse gases (GWP100)", "#000000"),
    ("Emissions|CH4", "Methane", "Methane", SECTOR_COLORS["Other energy"]),
)
FAN_KEY_COLOR = "#606060"  # legend swatches of the bands (each panel draws them in its own colour)
TITLE_HEIGHT_IN = 0.55  # two-line figure title
LEGEND_ROW_IN = 0.22  # one row of a figure legend
#: legend entry of each target kind as drawn by blocks.mark_target
TARGET_KEYS = {
    "peak_by": ("Target: peak by (deadline)", {"linestyle": "--"}),
    "intensity_reduction": ("Target: reduction at least", {"linestyle": ":", "marker": "D",
                                                           "markersize": 5}),
    "share_at_least": ("Target: at least (level, year)", {"linestyle": "none", "marker": "^",
                                                          "markersize": 7}),
    "cap": ("Target: at most (level, year)", {"linestyle": "none", "marker": "v",
                                              "markersize": 7}),
    "level_at_least": ("Target: at least (level, year)", {"linestyle": "none", "marker": "^",
                                                          "markersize": 7}),
    "reduction_from_peak": ("Target: below peak by (deadline)", {"linestyle": "--"}),
}


def _legend_rows(n_entries: int, ncol: int) -> int:
    return -(-n_entries // ncol)


def _figure_legend(fig: Figure, handles: Sequence[Any], ncol: int) -> None:
    """One legend for the whole figure, below the panels (never over data)."""
    if handles:
        fig.legend(handles=list(handles), loc="outside lower center", ncol=min(ncol, len(handles)),
                   frameon=False)


def _x_labels_on_last_row(axes: Sequence[Axes], n_shown: int, cols: int, label: str) -> None:
    """With shared x axes only the last panel of each column shows tick labels and the x label
    (also when the grid's last row is incomplete)."""
    for i, ax in enumerate(axes[:n_shown]):
        last = i + cols >= n_shown
        ax.xaxis.set_tick_params(labelbottom=last)
        ax.set_xlabel(label if last else "")


def fan_figure(
    quantiles: Mapping[str, tuple[np.ndarray, Mapping[float, np.ndarray]]],
    targets: Sequence[Mapping[str, Any]] = (),
    history: pd.DataFrame | None = None,
    title_prefix: str | None = None,
    region: str = "China",
) -> Figure | None:
    """Fan panels (5-95 % and 25-75 % bands, median) for the variables of :data:`FANS` present in
    ``quantiles`` (variable -> (years, {level: values})), in a two-column grid with shared years;
    targets drawn and labelled in their panel, observed values as dots, one legend below."""
    panels = [f for f in FANS if f[0] in quantiles]
    if not panels:
        return None
    cols = 2 if len(panels) > 1 else 1
    rows = -(-len(panels) // cols)
    n_legend = 4 + len(TARGET_KEYS)
    height = TITLE_HEIGHT_IN + 2.0 * rows + 0.35 + LEGEND_ROW_IN * _legend_rows(n_legend, 3)
    fig = Figure(figsize=(FULL_WIDTH_IN, height), layout="constrained")
    axes = list(fig.subplots(rows, cols, squeeze=False, sharex=True).ravel())
    drawn_kinds: list[str] = []
    any_observed = False
    for ax, (variable, name, title, color) in zip(axes, panels, strict=False):
        years, levels = quantiles[variable]
        scale, unit = display_scale(variable)
        scaled = {q: np.asarray(v, dtype=float) * scale for q, v in levels.items()}
        blocks.fan_chart(ax, years, scaled, "Sweep", color)
        if history is not None:
            dots = blocks.observed(ax, history, variable, label="Observed", scale=scale,
                                   min_year=float(years[0]) - 10, max_year=float(years[-1]))
            any_observed |= dots is not None
        ax.set_title(pretty(title), loc="left")
        ax.set_ylabel(axis_label(name, variable))
        ax.set_ylim(bottom=0)
        top = max((np.nanmax(v) for v in scaled.values() if np.isfinite(v).any()), default=0.0)
        if top >= 1000:
            blocks.thousands(ax)
        ax.xaxis.set_major_locator(MultipleLocator(10))
        ax.xaxis.set_minor_locator(MultipleLocator(5))
        for t in targets:
            if t.get("variable") == variable and t.get("year") is not None:
                blocks.mark_target(ax, t, scale=scale, unit=unit, label="_nolegend_")
                drawn_kinds.append(str(t.get("kind")))
    # x limits are shared: annotate once they are final
    lo = min(float(quantiles[p[0]][0][0]) for p in panels) - (10 if any_observed else 0)
    hi = max(float(quantiles[p[0]][0][-1]) for p in panels)
    for ax, (variable, *_rest) in zip(axes, panels, strict=False):
        ax.set_xlim(lo, hi)
        scale, unit = display_scale(variable)
        lines_at: dict[Any, int] = {}  # deadline lines per year: a second label goes to the top
        for t in targets:
            if t.get("variable") == variable:
                n = lines_at.get(t.get("year"), 0)
                lines_at[t.get("year")] = n + 1
                blocks.annotate_target(ax, t, scale=scale, unit=unit,
                                       at="top" if n % 2 else "bottom")
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    _x_labels_on_last_row(axes, len(panels), cols, "Year")
    handles: list[Any] = [
        Patch(facecolor=FAN_KEY_COLOR, alpha=0.18, label="5\u201395 % of samples"),
        Patch(facecolor=FAN_KEY_COLOR, alpha=0.38, label="25\u201375 % of samples"),
        Line2D([], [], color=FAN_KEY_COLOR, label="Median"),
    ]
    if any_observed:
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=3.2,
                              color=OBSERVED_COLOR, label="Observed"))
    for kind, (label, style) in TARGET_KEYS.items():
        if kind in drawn_kinds:
            handles.append(Line2D([], [], color=TARGET_COLOR, label=label, **style))
    _figure_legend(fig, handles, 3)
    fig.suptitle(two_line_title("uncertainty ranges across the sweep", region, title_prefix))
    return fig


def probability_figure(table: pd.DataFrame, title_prefix: str | None = None,
                       region: str = "China") -> Figure:
    """Horizontal bars: probability of meeting each target (columns ``id``, ``probability`` and,
    when present, ``low_95``/``high_95`` as the 95 % Wilson interval and ``threshold`` as the
    required probability, marked and written under the target's name)."""
    n = len(table)
    fig = Figure(figsize=(FULL_WIDTH_IN, TITLE_HEIGHT_IN + 1.0 + 0.45 * max(n, 2)),
                 layout="constrained")
    ax = fig.subplots()
    y = np.arange(n)[::-1]
    p = 100 * table["probability"].to_numpy(dtype=float)
    handles: list[Any] = [ax.barh(y, p, height=0.6, color=MAIN_COLOR, zorder=3,
                                  label="Probability met (share of samples)")]
    lo = hi = None
    if {"low_95", "high_95"} <= set(table.columns):
        lo = 100 * table["low_95"].to_numpy(dtype=float)
        hi = 100 * table["high_95"].to_numpy(dtype=float)
        handles.append(ax.errorbar(p, y, xerr=[p - lo, hi - p], fmt="none", ecolor="#000000",
                                   elinewidth=0.9, capsize=3, zorder=4,
                                   label="95 % interval (Wilson)"))
    thr = np.full(n, np.nan)
    if "threshold" in table.columns:
        thr = 100 * pd.to_numeric(table["threshold"], errors="coerce").to_numpy(dtype=float)
        keep = np.isfinite(thr)
        if keep.any():
            (mark,) = ax.plot(thr[keep], y[keep], linestyle="none", marker="|", markersize=15,
                              markeredgewidth=2.2, color=TARGET_COLOR, zorder=5,
                              label="Required probability")
            handles.append(mark)
    for i, (yi, value) in enumerate(zip(y, p, strict=True)):
        text = f"{value:.1f} %"
        if lo is not None:
            text += f" ({lo[i]:.1f}\u2013{hi[i]:.1f} %)"
        inside = value >= 40
        end = value if hi is None else hi[i]
        ax.annotate(text, (2.0 if inside else end, yi), xytext=(0 if inside else 4, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=7.5, zorder=6,
                    color="white" if inside else "black")
    ticks = [str(i) if not np.isfinite(t) else f"{i}\nrequired \u2265 {t:.0f} %"
             for i, t in zip(table["id"], thr, strict=True)]
    ax.set_yticks(y, ticks, fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, 102)  # room for the whiskers of intervals ending at 100 %
    ax.xaxis.set_major_locator(MultipleLocator(20))
    ax.set_xlabel("Probability of meeting the target (% of samples)")
    ax.grid(axis="y", visible=False)
    _figure_legend(fig, handles, 3)
    fig.suptitle(two_line_title("probability of meeting each target", region, title_prefix))
    return fig


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def parameter_colors(parameters: Sequence[str]) -> dict[str, str]:
    """One colour per sampled parameter, in design order, the same in every sensitivity figure."""
    return {p: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, p in enumerate(parameters)}


def sensitivity_figure(ranking: Mapping[str, pd.DataFrame], index_name: str,
                       title_prefix: str | None = None, region: str = "China",
                       units: Mapping[str, str] | None = None,
                       parameters: Sequence[str] = ()) -> Figure | None:
    """One panel per output: the parameters ranked by a sensitivity index (columns ``parameter``,
    ``value`` and optionally ``conf``), largest on top; one colour per parameter in every panel.

    ``units`` gives each output's index unit (Morris μ* is in the output's unit); by default the
    index is dimensionless. Panels share the x axis when they share the unit. ``parameters`` (the
    design's columns) fixes the colour order; parameters not in it follow in order of appearance.
    """
    outputs = [o for o, r in ranking.items() if len(r)]
    if not outputs:
        return None
    unit_of = {o: (units or {}).get(o) or "dimensionless" for o in outputs}
    shared = len(set(unit_of.values())) == 1
    n_max = max(len(ranking[o]) for o in outputs)
    cols = min(2, len(outputs))
    rows = -(-len(outputs) // cols)
    has_conf = any("conf" in ranking[o].columns and ranking[o]["conf"].notna().any()
                   for o in outputs)
    height = TITLE_HEIGHT_IN + (0.35 if has_conf else 0.1) + rows * (0.95 + 0.42 * n_max)
    fig = Figure(figsize=(FULL_WIDTH_IN, height), layout="constrained")
    axes = list(fig.subplots(rows, cols, squeeze=False, sharex=shared).ravel())
    colors = parameter_colors(list(dict.fromkeys(
        [*parameters, *(p for o in outputs for p in ranking[o]["parameter"])])))
    lows, highs = [0.0], [0.0]
    for ax, output in zip(axes, outputs, strict=False):
        r = ranking[output]
        y = np.arange(len(r))[::-1]
        values = r["value"].to_numpy(dtype=float)
        conf = r["conf"].to_numpy(dtype=float) if "conf" in r.columns else np.zeros(len(r))
        ax.barh(y, values, height=0.6, color=[colors[p] for p in r["parameter"]], zorder=3,
                xerr=np.where(np.isfinite(conf), conf, 0.0),
                error_kw={"elinewidth": 0.8, "capsize": 2})
        ax.set_yticks(y, [parameter_label(str(p)) for p in r["parameter"]], fontsize=7.5)
        ax.set_ylim(-0.6, n_max - 0.4)
        ax.set_title(wrap(pretty(output), 24), loc="left")
        ax.grid(axis="y", visible=False)
        ends = values + np.where(np.isfinite(conf), conf, 0.0) * np.sign(values)
        lows.append(float(np.nanmin(ends)))
        highs.append(float(np.nanmax(ends)))
        if not shared:
            ax.set_xlabel(wrap(pretty(f"{_capital(index_name)} ({unit_of[output]})"), 34))
    if shared:
        pad = 0.06 * (max(highs) - min(lows) or 1.0)
        axes[0].set_xlim(min(lows) - (pad if min(lows) < 0 else 0.0), max(highs) + pad)
        _x_labels_on_last_row(axes, len(outputs), cols,
                              wrap(pretty(f"{_capital(index_name)} ({unit_of[outputs[0]]})"), 34))
    for ax in axes[len(outputs):]:
        ax.set_visible(False)
    if has_conf:
        _figure_legend(fig, [Line2D([], [], color="#000000", marker="|", markersize=6,
                                    linewidth=0.8, label="95 % confidence interval of the index")], 1)
    fig.suptitle(two_line_title(f"what drives the spread: parameters ranked by {index_name}",
                                region, title_prefix))
    return fig


# --- figures written by `ctsim sweep` (fans and sensitivity bars above, plus the two below) -------

#: per-sample peak-year metric -> (panel title, IAMC variable of its peak_by targets)
PEAKS = {"peak_year_national_co2": ("National CO2", "Emissions|CO2|Energy and Industrial Processes"),
         "peak_year_power_co2": ("Power CO2", "Emissions|CO2|Energy|Supply|Electricity"),
         "peak_year_steel_co2": ("Steel CO2", "Emissions|CO2|Energy and Industrial Processes|Iron and Steel")}
INDEX_LABEL = {"S1": "first-order Sobol index S1", "ST": "total-order Sobol index ST",
               "mu_star": "Morris \u03bc*"}
#: names of the outputs whose indices are drawn over time
OUTPUT_NAMES = {"Emissions|CO2|Energy and Industrial Processes": "national CO2 emissions"}


def peak_year_figure(peak_shares: Mapping[str, tuple[np.ndarray, np.ndarray]],
                     targets: Sequence[Mapping[str, Any]], title_prefix: str | None = None,
                     region: str = "China") -> Figure | None:
    """Histograms of the per-sample peak years: ``peak_shares`` maps a :data:`PEAKS` metric to
    (years, share of samples peaking in that year, 0-1), as ``analysis.metrics.peak_year_shares`` makes them.
    A peak_by deadline is a dashed line just after its year, labelled with the deadline."""
    shown = [k for k in PEAKS if k in peak_shares]
    if not shown:
        return None
    fig = Figure(figsize=(FULL_WIDTH_IN, TITLE_HEIGHT_IN + 2.6 + LEGEND_ROW_IN),
                 layout="constrained")
    axes = fig.subplots(1, len(shown), squeeze=False, sharex=True)[0]
    deadlines = {k: [t for t in targets if t.get("variable") == PEAKS[k][1]
                     and t.get("kind") == "peak_by" and t.get("year") is not None] for k in shown}
    xs = [float(y) for k in shown for y in peak_shares[k][0]]
    xs += [float(t["year"]) + 0.5 for k in shown for t in deadlines[k]]
    lo, hi = np.floor(min(xs) / 5) * 5 - 1, np.ceil(max(xs) / 5) * 5 + 1
    handles: dict[str, Any] = {}
    for ax, key in zip(axes, shown, strict=True):
        name, variable = PEAKS[key]
        years, shares = peak_shares[key]
        handles["bars"] = ax.bar(np.asarray(years, float), 100.0 * np.asarray(shares, float),
                                 width=0.8, color=MAIN_COLOR, zorder=3,
                                 label="Share of samples peaking in that year")
        ax.set_xlim(lo, hi)
        for t in deadlines[key]:
            handles["deadline"] = ax.axvline(t["year"] + 0.5, color=TARGET_COLOR, linestyle="--",
                                             linewidth=1.1, zorder=4,
                                             label="Target deadline (peak by; line after its year)")
            blocks.annotate_target(ax, t, x_offset=0.5, at="top")
        ax.set_title(pretty(name), loc="left")
        ax.set_xlabel("Peak year")
        ax.set_ylabel("Share of samples (%)")
        ax.set_ylim(0, None)
        ax.xaxis.set_major_locator(MultipleLocator(10))
        ax.xaxis.set_minor_locator(MultipleLocator(5))
        ax.grid(axis="x", visible=False)
    _figure_legend(fig, list(handles.values()), 2)
    fig.suptitle(two_line_title("peak years across the sweep", region, title_prefix))
    return fig


def indices_over_time(table: pd.DataFrame, index: str, output: str,
                      title_prefix: str | None = None, region: str = "China",
                      unit: str = "dimensionless", parameters: Sequence[str] = ()) -> Figure | None:
    """Each parameter's sensitivity index of ``output`` per year (long table with columns
    ``output, year, parameter, index, value, conf``), with its 95 % confidence band; colours as in
    :func:`sensitivity_figure` for the same ``parameters``."""
    rows = table[(table["output"] == output) & table["year"].notna() & (table["index"] == index)]
    if rows.empty:
        return None
    n_params = rows["parameter"].nunique()
    ncol = 2
    fig = Figure(figsize=(FULL_WIDTH_IN, TITLE_HEIGHT_IN + 2.9
                          + LEGEND_ROW_IN * _legend_rows(n_params + 1, ncol)),
                 layout="constrained")
    ax = fig.subplots()
    handles = []
    colors = parameter_colors(list(dict.fromkeys([*parameters, *rows["parameter"]])))
    for param, part in rows.groupby("parameter", sort=False):
        part = part.sort_values("year")
        color = colors[param]
        x, v = part["year"].to_numpy(float), part["value"].to_numpy(float)
        conf = part["conf"].to_numpy(float)
        (line,) = ax.plot(x, v, color=color, label=parameter_label(str(param), multiline=False))
        handles.append(line)
        if np.isfinite(conf).any():
            ax.fill_between(x, v - conf, v + conf, color=color, alpha=0.2, linewidth=0)
    handles.append(Patch(facecolor=FAN_KEY_COLOR, alpha=0.2, label="95 % confidence band"))
    ax.set_xlabel("Year")
    ax.set_ylabel(wrap(pretty(f"{_capital(INDEX_LABEL.get(index, index))} ({unit})"), 32))
    ax.xaxis.set_major_locator(MultipleLocator(5))
    ax.margins(x=0)
    _figure_legend(fig, handles, ncol)
    name = OUTPUT_NAMES.get(output, output)
    fig.suptitle(two_line_title(f"what drives {name}, year by year", region, title_prefix))
    return fig
