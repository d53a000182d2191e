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

__all__ = [
    "axis_label",
    "build_run_figures",
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
    "unit_label",
]
