"""Figures for ctsim results (matplotlib only; draws results, never computes model quantities).

Nothing else in ctsim imports this package, so the library runs without loading matplotlib. Figures
are built as ``matplotlib.figure.Figure`` objects (no pyplot), so no backend is selected or changed and
nothing is left open in a global figure registry.

Public API::

    save_run_figures(frame, outdir, targets=None, history=None, title_prefix=None) -> list[Path]
    build_run_figures(frame, targets=None, history=None, title_prefix=None) -> dict[str, Figure]
    stacked_area(ax, frame, columns, labels, colors)   line(ax, frame, column, label=..., color=...)
    fan_chart(ax, years, quantiles, label, color)      mark_target(ax, target, scale=1.0, unit="")
    observed(ax, history, column, label=...)           legend_outside(ax, where="right" | "below")
    tile_map(values, title, unit, cmap=None, diverging=False) -> Figure   (province tile-grid map)
    year_map(long, variable, year, title, unit)   change_map(long, variable, start, end, title)
    targets_map({province: met}, title)
"""

from __future__ import annotations

from ctsim.plots.blocks import (
    fan_chart,
    legend_outside,
    line,
    mark_target,
    observed,
    stacked_area,
    target_label,
)
from ctsim.plots.run import build_run_figures, save_run_figures
from ctsim.plots.style import axis_label, figure_title, style_context, unit_label
from ctsim.plots.tiles import change_map, targets_map, tile_map, year_map

__all__ = [
    "axis_label",
    "build_run_figures",
    "change_map",
    "fan_chart",
    "figure_title",
    "legend_outside",
    "line",
    "mark_target",
    "observed",
    "save_run_figures",
    "stacked_area",
    "style_context",
    "target_label",
    "targets_map",
    "tile_map",
    "unit_label",
    "year_map",
]
