"""Drawing building blocks shared by the run, sweep and report figures.

Each block draws on a given matplotlib ``Axes`` and returns the artists it made (or ``None`` / an empty
list when there was nothing to draw). Blocks only draw: they never compute model quantities. A column
that is absent or entirely NaN is skipped, never an error, so an older or partial Results table still
plots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import ScaledTranslation

from ctsim.plots.style import HATCHES, OBSERVED_COLOR, OKABE_ITO, TARGET_COLOR, TOL_MUTED, pretty

LEGEND_BELOW_IN = 0.45  # gap between an axes' bottom and a legend placed below it (inches)


def has_data(frame: pd.DataFrame | None, column: str) -> bool:
    """True when ``frame`` has ``column`` with at least one finite value."""
    if frame is None or column not in frame.columns:
        return False
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    return bool(np.isfinite(values).any())


def _years(frame: pd.DataFrame) -> np.ndarray:
    return np.asarray(frame.index, dtype=float)


def _values(frame: pd.DataFrame, column: str, scale: float = 1.0) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float) * scale


def stacked_area(
    ax: Axes,
    frame: pd.DataFrame,
    columns: Sequence[str],
    labels: Sequence[str],
    colors: Sequence[str] | Mapping[str, str],
    *,
    hatches: Mapping[str, str] | None = None,
    scale: float = 1.0,
) -> list[Any]:
    """Stack ``columns`` of ``frame`` (index = year) from the bottom up as filled areas.

    ``colors`` is a sequence parallel to ``columns`` or a mapping label -> colour. Hatches default to
    :data:`ctsim.plots.style.HATCHES` (keyed by label). Missing or all-NaN columns are skipped; a NaN
    inside a series shows as a gap (it is not silently drawn as zero). Returns the area artists,
    bottom first.
    """
    if len(columns) != len(labels):
        raise ValueError("stacked_area: columns and labels differ in length")
    if not isinstance(colors, Mapping) and len(colors) != len(columns):
        raise ValueError("stacked_area: columns and colors differ in length")
    hatches = HATCHES if hatches is None else hatches
    years = _years(frame)
    bottom = np.zeros(len(years))
    artists = []
    for i, (column, label) in enumerate(zip(columns, labels, strict=True)):
        if not has_data(frame, column):
            continue
        color = colors[label] if isinstance(colors, Mapping) else colors[i]
        top = bottom + _values(frame, column, scale)
        hatch = hatches.get(label)
        artists.append(
            ax.fill_between(
                years,
                bottom,
                top,
                facecolor=color,
                edgecolor="white" if hatch else color,
                linewidth=0.0 if hatch else 0.3,
                hatch=hatch,
                label=pretty(label),
            )
        )
        bottom = top
    return artists


def line(
    ax: Axes,
    frame: pd.DataFrame | None,
    column: str,
    *,
    label: str | None = None,
    color: str | None = None,
    scale: float = 1.0,
    **kwargs: Any,
) -> Any | None:
    """Draw one column of ``frame`` (index = year) as a line; ``None`` if the column has no data."""
    if not has_data(frame, column):
        return None
    kwargs.setdefault("zorder", 3)
    (artist,) = ax.plot(
        _years(frame),
        _values(frame, column, scale),
        color=color,
        label=pretty(label if label is not None else column),
        **kwargs,
    )
    return artist


def observed(
    ax: Axes,
    history: pd.DataFrame | None,
    column: str,
    *,
    label: str = "Observed",
    scale: float = 1.0,
    min_year: float | None = None,
    max_year: float | None = None,
    hollow: bool = False,
) -> Any | None:
    """Observed values of ``column`` as black dots (``hollow``: white with a black edge, for a
    second observed series on the same axis) on top of model output; ``None`` if none."""
    if not has_data(history, column):
        return None
    years, values = _years(history), _values(history, column, scale)
    keep = np.isfinite(values)
    if min_year is not None:
        keep &= years >= min_year
    if max_year is not None:
        keep &= years <= max_year
    if not keep.any():
        return None
    (artist,) = ax.plot(
        years[keep],
        values[keep],
        linestyle="none",
        marker="o",
        markersize=3.6 if hollow else 3.2,
        markerfacecolor="white" if hollow else OBSERVED_COLOR,
        markeredgecolor=OBSERVED_COLOR if hollow else "white",
        markeredgewidth=0.8 if hollow else 0.4,
        color=OBSERVED_COLOR,
        label=pretty(label),
        zorder=6,
    )
    return artist


def fan_chart(
    ax: Axes,
    years: Sequence[float] | np.ndarray,
    quantiles: Mapping[float, Sequence[float] | np.ndarray],
    label: str,
    color: str,
) -> list[Any]:
    """Uncertainty fan: shaded 5-95 % and 25-75 % bands and the median line.

    ``quantiles`` maps a quantile level (0.05, 0.25, 0.5, 0.75, 0.95) to an array over ``years``.
    Bands whose two levels are not both given are skipped; so is the median. Returns the artists.
    """

    def get(q: float) -> np.ndarray | None:
        for level, values in quantiles.items():
            if abs(float(level) - q) < 1e-9:
                return np.asarray(values, dtype=float)
        return None

    x = np.asarray(years, dtype=float)
    artists = []
    for lo, hi, alpha in ((0.05, 0.95, 0.18), (0.25, 0.75, 0.38)):
        a, b = get(lo), get(hi)
        if a is not None and b is not None:
            band = f"{pretty(label)} {lo * 100:.0f}\u2013{hi * 100:.0f} %"
            artists.append(
                ax.fill_between(x, a, b, color=color, alpha=alpha, linewidth=0, label=band)
            )
    median = get(0.5)
    if median is not None:
        (m,) = ax.plot(x, median, color=color, label=f"{pretty(label)} median", zorder=3)
        artists.append(m)
    return artists


def _fmt(value: float) -> str:
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def target_what(target: Mapping[str, Any], scale: float = 1.0, unit: str = "") -> str:
    """What a target asks, without its id: ``"peak by 2030"``, ``"≥ 65 % by 2030"``."""
    kind = str(target.get("kind", "target"))
    year = target.get("year")
    value = target.get("value")
    suffix = f" {unit}" if unit else ""
    if kind == "peak_by":
        return f"peak by {year}"
    if value is None:
        return f"{kind.replace('_', ' ')} {year}"
    if kind == "reduction_from_peak":  # value is a fraction of the peak, whatever the axis
        return pretty(f"\u2265 {_fmt(float(value) * 100)} % below peak by {year}")
    shown = _fmt(float(value) * scale) + suffix
    if kind in ("intensity_reduction", "share_at_least", "level_at_least"):
        return pretty(f"\u2265 {shown} by {year}")
    if kind == "cap":
        return pretty(f"\u2264 {shown} in {year}")
    return pretty(f"{kind.replace('_', ' ')} {shown} in {year}")


def target_label(target: Mapping[str, Any], scale: float = 1.0, unit: str = "") -> str:
    """Short legend label: ``"steel_peak_2030: peak by 2030"``, ``"ndc: ≥ 65 % by 2030"``."""
    what = target_what(target, scale, unit)
    ident = target.get("id")
    return pretty(f"{ident}: {what}" if ident else f"Target: {what}")


def annotate_target(
    ax: Axes,
    target: Mapping[str, Any],
    *,
    scale: float = 1.0,
    unit: str = "",
    color: str = TARGET_COLOR,
    x_offset: float = 0.0,
    at: str = "bottom",
) -> Any | None:
    """Write what a target asks (:func:`target_what`) in small text beside its mark, inside the axes:
    at the foot of a deadline line (``x_offset`` shifts it, e.g. 0.5 for a line between two years'
    bars; ``at`` = "bottom" or "top"), below and to the right of a level marker. The text flips to the left of the mark when the
    mark is in the right third of the x range (call after the x limits are final)."""
    year = target.get("year")
    if year is None:
        return None
    x = float(year) + x_offset
    lo, hi = ax.get_xlim()
    right = (x - lo) > 0.66 * (hi - lo)
    common = {"color": color, "fontsize": 7, "textcoords": "offset points", "zorder": 8,
              "ha": "right" if right else "left",
              "bbox": {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none",
                       "alpha": 0.75}}
    text = target_what(target, scale, unit)
    value = target.get("level") if target.get("kind") == "reduction_from_peak" else target.get("value")
    if target.get("kind") == "peak_by" or value is None:
        top = at == "top"
        return ax.annotate(text, (x, 0.97 if top else 0.03), xycoords=("data", "axes fraction"),
                           xytext=(-3 if right else 3, 0), va="top" if top else "bottom",
                           **common)
    return ax.annotate(text, (x, float(value) * scale), xycoords="data",
                       xytext=(-6 if right else 6, -6), va="top", **common)


def mark_target(
    ax: Axes,
    target: Mapping[str, Any],
    *,
    scale: float = 1.0,
    unit: str = "",
    color: str | None = None,
    label: str | None = None,
    variant: int = 0,
) -> list[Any]:
    """Draw one target (a plain dict with ``kind``, ``year`` and, for level targets, ``value``).

    - ``peak_by``: a vertical line at the deadline; ``variant`` i (the i-th deadline on an axis)
      picks a colour and dash pattern of :data:`DEADLINE_STYLES`, so deadlines a year apart
      (2029, 2030) stay distinguishable.
    - ``intensity_reduction``: a horizontal dotted line at the target level and a diamond at the year.
    - ``share_at_least`` / ``level_at_least`` / ``cap``: an up / down triangle at (year, value) and a
      short segment.
    - ``reduction_from_peak``: a down triangle at (year, ``level``), the most the variable may be
      (``level`` = (1 - value) x peak, added by the caller who knows the series), else a deadline line.
    - another kind: a cross at (year, value), or a vertical line when it has no value.

    ``scale`` converts the target value to the axis units (100 for shares drawn in %). Returns the
    artists (empty when the target has no year).
    """
    year = target.get("year")
    if year is None:
        return []
    kind = target.get("kind")
    value = target.get("level") if kind == "reduction_from_peak" else target.get("value")
    text = label if label is not None else target_label(target, scale, unit)
    if kind == "peak_by" or value is None:
        line_color, dashes = DEADLINE_STYLES[variant % len(DEADLINE_STYLES)]
        return [ax.axvline(float(year), linestyle=dashes, linewidth=1.2, label=text,
                           color=color or line_color, zorder=7)]
    common = {"color": color or TARGET_COLOR, "zorder": 7}
    y = float(value) * scale
    if kind == "intensity_reduction":
        level = ax.axhline(y, linestyle=":", linewidth=1.1, label=text, **common)
        (point,) = ax.plot(
            [year], [y], linestyle="none", marker="D", markersize=5, label="_nolegend_", **common
        )
        return [level, point]
    marker = {"share_at_least": "^", "level_at_least": "^", "cap": "v",
              "reduction_from_peak": "v"}.get(str(kind), "X")
    (seg,) = ax.plot([year - 1.5, year + 1.5], [y, y], linewidth=1.4, label="_nolegend_", **common)
    (point,) = ax.plot(
        [year],
        [y],
        linestyle="none",
        marker=marker,
        markersize=7,
        markeredgecolor="white",
        markeredgewidth=0.5,
        label=text,
        **common,
    )
    return [seg, point]


#: (colour, dash pattern) of the 1st, 2nd, ... deadline line on an axis
DEADLINE_STYLES: tuple[tuple[str, Any], ...] = (
    (TARGET_COLOR, (0, (5, 2))),
    (TOL_MUTED["indigo"], (0, (1.2, 1.6))),
    (TOL_MUTED["olive"], (0, (7, 2, 1.5, 2))),
    (OKABE_ITO["vermillion"], (0, (3, 1.5, 1, 1.5, 1, 1.5))),
)
LEGEND_CHAR_IN = 0.068  # width of one legend character at the house font size (inches, approx.)
LEGEND_ENTRY_IN = 0.55  # handle, padding and column gap of one legend entry (inches)


def _legend_columns(labels: Sequence[str], width_in: float, most: int = 4) -> int:
    """Most columns (up to ``most``) whose widths fit ``width_in``; matplotlib fills the columns
    top to bottom, ceil(n / ncol) entries each, and a column is as wide as its longest label."""
    for ncol in range(min(most, len(labels)), 1, -1):
        rows = -(-len(labels) // ncol)
        cols = [labels[i:i + rows] for i in range(0, len(labels), rows)]
        if sum(max(map(len, c)) * LEGEND_CHAR_IN + LEGEND_ENTRY_IN for c in cols) <= width_in:
            return ncol
    return 1


def thousands(ax: Axes) -> None:
    """Y tick labels with thousands separators (12,000), as every ctsim figure prints them."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def legend_outside(
    ax: Axes,
    where: str = "right",
    first: Sequence[Any] = (),
    ncol: int | None = None,
) -> Legend | None:
    """Legend outside the data area (``where`` = "right" or "below"), never over the data.

    ``first`` are handles listed first in the given order (e.g. stacked areas top-down so the legend
    reads like the stack); every other labelled artist follows in drawing order. Duplicate labels are
    shown once.
    """
    handles, labels = ax.get_legend_handles_labels()
    ordered: list[tuple[Any, str]] = [(h, h.get_label()) for h in first]
    ordered += [
        (h, lab) for h, lab in zip(handles, labels, strict=True) if all(h is not f for f in first)
    ]
    seen: set[str] = set()
    keep_h, keep_l = [], []
    for handle, lab in ordered:
        if lab.startswith("_") or lab in seen:
            continue
        seen.add(lab)
        keep_h.append(handle)
        keep_l.append(lab)
    if not keep_h:
        return None
    if where == "right":
        return ax.legend(
            keep_h,
            keep_l,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            borderaxespad=0.0,
            ncol=ncol or 1,
        )
    if where == "below":
        if ncol is None:  # as many columns as the axes' share of the figure width holds
            grid = ax.get_subplotspec().get_gridspec() if ax.get_subplotspec() else None
            width = ax.figure.get_figwidth() / (grid.ncols if grid is not None else 1)
            ncol = _legend_columns(keep_l, width)
        # anchored a fixed distance below the axes (clear of tick labels and the x label),
        # whatever the axes' height
        below = ax.transAxes + ScaledTranslation(0.0, -LEGEND_BELOW_IN, ax.figure.dpi_scale_trans)
        return ax.legend(
            keep_h,
            keep_l,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=below,
            borderaxespad=0.0,
            ncol=ncol,
        )
    raise ValueError(f"legend_outside: where must be 'right' or 'below', got {where!r}")


def waterfall(
    ax: Axes,
    start: tuple[str, float],
    steps: Sequence[tuple[str, float]],
    end: tuple[str, float],
    *,
    increase_color: str,
    decrease_color: str,
    total_color: str,
) -> list[Any]:
    """Waterfall: a full bar for ``start``, a floating bar per step, a full bar for ``end``.

    Each step bar runs from the running total before it to the running total after it, coloured by
    its sign, with its value written beside it; thin connectors join the bars. The bars only draw the
    given numbers (the caller makes sure the steps add up). Returns the bar containers.
    """
    labels = [start[0], *[s[0] for s in steps], end[0]]
    x = np.arange(len(labels))
    bars = [ax.bar(x[0], start[1], color=total_color, width=0.6, zorder=3)]
    level = float(start[1])
    tops = [level]
    for i, (_, value) in enumerate(steps, start=1):
        color = increase_color if value >= 0 else decrease_color
        bars.append(ax.bar(x[i], value, bottom=level, color=color, width=0.6, zorder=3))
        ax.annotate(
            f"{value:+,.0f}",
            (x[i], level + max(value, 0.0)),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
        )
        level += float(value)
        tops.append(level)
    bars.append(ax.bar(x[-1], end[1], color=total_color, width=0.6, zorder=3))
    for i, value in ((0, float(start[1])), (len(labels) - 1, float(end[1]))):
        ax.annotate(f"{value:,.0f}", (x[i], value), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7.5)
    for i, top in enumerate(tops):
        ax.plot([x[i] + 0.3, x[i + 1] - 0.3], [top, top], color="#808080", linewidth=0.6, zorder=2)
    ax.set_xticks(x, [pretty(label) for label in labels], rotation=30, ha="right")
    ax.grid(axis="x", visible=False)
    return bars
