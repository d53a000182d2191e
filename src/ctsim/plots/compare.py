"""Comparison figures: scenario overlays on shared axes and the policy-wedge chart (draw only)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from ctsim.plots import blocks
from ctsim.plots.style import (
    CATEGORY_COLORS,
    FIG_HEIGHT_IN,
    FULL_WIDTH_IN,
    SCENARIO_COLORS,
    SCENARIO_LINESTYLES,
    TOTAL_COLOR,
    axis_label,
    display_scale,
    figure_title,
    pretty,
)

CO2_TOTAL = "Emissions|CO2|Energy and Industrial Processes"  # the national CO2 the wedges split

#: (IAMC variable, axis name, panel title) of the overlay panels.
OVERLAYS = (
    (CO2_TOTAL, "CO2 emissions", "National CO2"),
    ("Emissions|CO2|Energy and Industrial Processes|Iron and Steel", "CO2 emissions", "Steel-sector CO2 (direct)"),
    ("Secondary Energy|Electricity|Coal", "Generation", "Coal-fired generation"),
    ("Share|Electricity|Non-Fossil", "Share of generation", "Non-fossil share of generation"),
)


def scenario_style(i: int) -> dict:
    """Colour and line style of the i-th compared scenario (the reference, i = 0, is solid black)."""
    return {"color": SCENARIO_COLORS[i % len(SCENARIO_COLORS)],
            "linestyle": SCENARIO_LINESTYLES[i % len(SCENARIO_LINESTYLES)]}


def overlay_figure(frames: Mapping[str, pd.DataFrame], history: pd.DataFrame | None = None,
                   region: str = "China") -> Figure | None:
    """2 x 2 panels (national CO2, steel CO2, coal generation, non-fossil share), one line per
    scenario, observed history as dots; ``None`` when no panel has data."""
    panels = [o for o in OVERLAYS if any(blocks.has_data(f, o[0]) for f in frames.values())]
    if not panels:
        return None
    rows = (len(panels) + 1) // 2
    fig = Figure(figsize=(FULL_WIDTH_IN, 0.9 + 2.55 * rows), layout="constrained")
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    first = min(float(f.index.min()) for f in frames.values())
    last = max(float(f.index.max()) for f in frames.values())
    for ax, (variable, name, title) in zip(axes, panels, strict=False):
        scale, _ = display_scale(variable)
        for i, (scenario, frame) in enumerate(frames.items()):
            blocks.line(ax, frame, variable, label=scenario, scale=scale, **scenario_style(i))
        if history is not None:
            blocks.observed(ax, history, variable, label="Observed", scale=scale,
                            min_year=first - 10, max_year=last)
        ax.set_title(pretty(title), loc="left")
        ax.set_ylabel(axis_label(name, variable))
        ax.set_xlabel("Year")
        ax.set_ylim(bottom=0)
        if ax.get_ylim()[1] >= 1000:
            blocks.thousands(ax)
        ax.set_xlim(first - 10 if history is not None else first, last)  # one x axis for all panels
        ax.xaxis.set_major_locator(MultipleLocator(10))
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    handles, labels = {}, []
    for ax in axes[: len(panels)]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in handles:
                handles[lab] = h
                labels.append(lab)
    fig.legend([handles[lab] for lab in labels], labels, loc="outside lower center",
               ncol=min(len(labels), 4))
    fig.suptitle(figure_title("scenarios compared", region, " vs ".join(frames)))
    return fig


MIN_VISIBLE_GT = 0.01  # a cumulative wedge below this (it prints as 0.00) is not drawn as a bar
TOO_SMALL = "< 0.01 Gt: too small to show"
MIN_VISIBLE_MT = 5.0  # the per-year panel spans at least +-5 Mt CO2/yr


def wedge_figure(wedges, region: str = "China") -> Figure:
    """Left: CO2 avoided relative to the reference each year, stacked by parameter (avoidance above
    zero, increases below) with the net gap as a line. Right: cumulative CO2 avoided per parameter.

    A wedge whose cumulative size is below :data:`MIN_VISIBLE_GT` gets no bar (it would fill the
    axis of a tiny gap while printing +0.00): its row says so instead, as does its legend entry."""
    table = wedges.table()
    order = list(table["parameter"])
    cumulative = dict(zip(order, table["shapley_gt"].to_numpy(dtype=float), strict=True))
    small = {n for n in order if abs(cumulative[n]) < MIN_VISIBLE_GT}
    colors = {name: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, name in enumerate(order)}
    fig = Figure(figsize=(FULL_WIDTH_IN, FIG_HEIGHT_IN + 0.5 + 0.12 * len(order)),
                 layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
    years = np.asarray(wedges.years, dtype=float)
    up, down = np.zeros(len(years)), np.zeros(len(years))
    for name in order:
        w = np.asarray(wedges.contributions[name], dtype=float)
        pos, neg = np.maximum(w, 0.0), np.minimum(w, 0.0)
        label = f"{name} ({TOO_SMALL})" if name in small else name
        left.fill_between(years, up, up + pos, facecolor=colors[name], edgecolor="white",
                          linewidth=0.3, label=label, zorder=2)
        if (neg < 0).any():
            left.fill_between(years, down + neg, down, facecolor=colors[name], edgecolor="white",
                              linewidth=0.3, hatch="//", zorder=2)
        up, down = up + pos, down + neg
    left.plot(years, wedges.gap, color=TOTAL_COLOR, linewidth=1.2, zorder=3,
              label=f"Net gap ({wedges.reference} \u2212 {wedges.policy})")
    left.axhline(0.0, color="#808080", linewidth=0.8, zorder=1)
    lo, hi = left.get_ylim()
    if hi - lo < 2 * MIN_VISIBLE_MT:  # a gap of a fraction of a Mt/yr is not drawn full height
        left.set_ylim(min(lo, -MIN_VISIBLE_MT), max(hi, MIN_VISIBLE_MT))
    left.set_ylabel(axis_label(f"CO2 avoided vs {wedges.reference}", CO2_TOTAL))
    if max(abs(v) for v in left.get_ylim()) >= 1000:
        blocks.thousands(left)
    left.set_xlabel("Year")
    left.set_title(pretty("Policy wedges: CO2 avoided each year"), loc="left")
    left.margins(x=0)
    left.xaxis.set_major_locator(MultipleLocator(10))
    blocks.legend_outside(left, "below", ncol=1)

    values = table["shapley_gt"].to_numpy(dtype=float)
    shown = np.array([0.0 if n in small else v for n, v in zip(order, values, strict=True)])
    y = np.arange(len(order))[::-1]
    right.barh(y, shown, height=0.6, color=[colors[n] for n in order], zorder=3)
    for yi, value, name in zip(y, shown, order, strict=True):
        text = TOO_SMALL if name in small else f"{value:+,.2f}"
        right.annotate(text, (value, yi), xytext=(3 if value >= 0 else -3, 0),
                       textcoords="offset points", va="center",
                       ha="left" if value >= 0 else "right", fontsize=7.5,
                       color="#505050" if name in small else "black")
    right.set_yticks(y, order, fontsize=7.5)
    pad = max(0.0, 3 - len(order)) / 2  # few bars stay thin and centred
    right.set_ylim(-0.7 - pad, len(order) - 0.3 + pad)
    right.axvline(0.0, color="#808080", linewidth=0.8)
    right.grid(axis="y", visible=False)
    first, last = int(wedges.years[0]), int(wedges.years[-1])
    right.set_xlabel(pretty(f"Cumulative CO2 avoided\n{first}\u2013{last} (Gt CO2)"))
    right.set_title("Shapley contribution", loc="left")
    span = max(float(np.abs(shown).max()) if len(shown) else 0.0, 5 * MIN_VISIBLE_GT)
    right.set_xlim(min(0.0, shown.min() - 0.4 * span), max(0.0, shown.max() + 0.4 * span))
    if small and not (np.abs(shown) > 0).any():  # nothing big enough: a scale of 0.05 Gt
        right.set_xlim(-0.2 * span, 1.4 * span)
    fig.suptitle(figure_title("CO2 gap split by policy difference", region,
                              f"{wedges.policy} vs {wedges.reference}"))
    return fig
