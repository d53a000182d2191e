"""Waterfall figure of a Kaya / LMDI decomposition (draws :class:`ctsim.analysis.decomposition.Decomposition`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ctsim.plots import blocks
from ctsim.plots.style import (
    DECREASE_COLOR,
    FULL_WIDTH_IN,
    INCREASE_COLOR,
    LEVEL_BAR_COLOR,
    axis_label,
    figure_title,
    pretty,
)

PANEL_HEIGHT_IN = 2.9

#: Tick labels of the display groups (ctsim.analysis.decomposition.GROUPS), short enough for a column.
SHORT_LABELS = {
    "gdp": "GDP",
    "energy_intensity": "Energy\nintensity\nof GDP",
    "carbon_intensity": "Carbon\nintensity\nof energy",
    "power_structure": "Power mix\n(fossil\nshare)",
    "steel_structure": "Steel routes\n(BF-BOF\nshare)",
}


def decomposition_figure(decompositions: Sequence, title_prefix: str | None = None,
                         region: str = "China") -> Figure:
    """One waterfall panel per decomposition (periods side by side, same CO2 axis)."""
    if not decompositions:
        raise ValueError("decomposition_figure: nothing to draw")
    n = len(decompositions)
    fig = Figure(figsize=(FULL_WIDTH_IN, 0.6 + PANEL_HEIGHT_IN * n), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False, sharey=True)[:, 0]
    top = 0.0
    for ax, dec in zip(axes, decompositions, strict=True):
        grouped = dec.grouped()
        blocks.waterfall(
            ax,
            (str(dec.start_year), dec.start_co2),
            [(SHORT_LABELS.get(g, g), float(v)) for g, v in grouped.items()],
            (str(dec.end_year), dec.end_co2),
            increase_color=INCREASE_COLOR,
            decrease_color=DECREASE_COLOR,
            total_color=LEVEL_BAR_COLOR,
        )
        ax.tick_params(axis="x", labelrotation=0, labelsize=7.5)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("center")
        ax.set_title(
            pretty(f"{dec.start_year}\u2013{dec.end_year}: national CO2 {dec.total_change:+,.0f} Mt"),
            loc="left",
        )
        ax.set_ylabel(axis_label("CO2 emissions", "Emissions|CO2|Energy and Industrial Processes"))
        levels = dec.start_co2 + np.concatenate([[0.0], np.cumsum(dec.grouped().to_numpy())])
        top = max(top, float(levels.max()), dec.end_co2)
    axes[-1].set_xlabel("Start year, drivers (additive LMDI-I terms), end year")
    axes[0].set_ylim(0, top * 1.12)
    axes[0].legend(
        handles=[Patch(color=INCREASE_COLOR, label=pretty("Raises CO2")),
                 Patch(color=DECREASE_COLOR, label=pretty("Lowers CO2")),
                 Patch(color=LEVEL_BAR_COLOR, label=pretty("National CO2"))],
        loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
    )
    fig.suptitle(figure_title("drivers of the change in CO2 emissions (Kaya/LMDI)", region,
                              title_prefix))
    return fig
