"""Province tile-grid maps: one square per province in its approximate geographic place.

The layout is ``data/regions/tiles.csv`` (province, row, col; row 0 north, col 0 west), so no map
data is needed. :func:`tile_map` draws any per-province values (a dict or an array in
:func:`ctsim.regions.provinces` order) with the province code and the value in each square and a
colour bar; :func:`targets_map` draws met / missed per province. Values come from an IAMC long table
(``region`` column; :meth:`ctsim.results.Results.to_iamc` or a run folder's trajectories.csv):
:func:`values_in_year` and :func:`change_between` pick them out; the figures draw, they compute no
model quantity.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ctsim import regions as _regions
from ctsim.plots.style import OKABE_ITO, TOL_MUTED, pretty

TILE_GAP = 0.06  # blank between squares, in tile widths
TILE_FIG_WIDTH_IN = 6.5
TILE_FIG_HEIGHT_IN = 5.2
MISSING_COLOR = TOL_MUTED["pale_grey"]  # a province without a value
MET_COLOR = OKABE_ITO["bluish_green"]
MISSED_COLOR = OKABE_ITO["vermillion"]
SEQUENTIAL_CMAP = "cividis"  # colour-blind safe, light = high
DIVERGING_CMAP = "RdBu_r"  # blue below zero, red above
DARK_BACKGROUND = 0.5  # relative luminance under which the square's text is white


@lru_cache(maxsize=1)
def tile_layout() -> dict[str, tuple[int, int]]:
    """Province -> (row, col) of its square, from data/regions/tiles.csv."""
    path = files("ctsim") / "data" / "regions" / "tiles.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {r["province"]: (int(r["row"]), int(r["col"])) for r in rows}


def as_province_values(values: Mapping[str, float] | Sequence[float] | np.ndarray) -> dict[str, float]:
    """A dict province -> value from a dict (names or codes, any case) or a [G] array in
    provinces() order; unknown names are an error naming them."""
    provinces = _regions.provinces()
    if isinstance(values, Mapping):
        out, unknown = {}, []
        for name, value in values.items():
            canon = _regions.canonical_region(str(name))
            if canon in provinces:
                out[canon] = float(value)
            else:
                unknown.append(str(name))
        if unknown:
            raise ValueError(f"tile map: not provinces: {', '.join(unknown)}")
        return out
    arr = np.asarray(values, dtype=float)
    if arr.shape != (len(provinces),):
        raise ValueError(f"tile map: expected {len(provinces)} values in provinces() order, "
                         f"got shape {arr.shape}")
    return dict(zip(provinces, arr.tolist(), strict=True))


def _format(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    mag = abs(value)
    if mag >= 1000:
        return f"{value:,.0f}"
    if mag >= 10:
        return f"{value:.0f}"
    if mag >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"


def _text_color(rgba) -> str:
    r, g, b = rgba[:3]
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < DARK_BACKGROUND else "black"


def _grid_axes(title: str) -> tuple[Figure, object]:
    layout = tile_layout()
    n_rows = 1 + max(r for r, _ in layout.values())
    n_cols = 1 + max(c for _, c in layout.values())
    fig = Figure(figsize=(TILE_FIG_WIDTH_IN, TILE_FIG_HEIGHT_IN), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlim(-0.1, n_cols + 0.1)
    ax.set_ylim(n_rows + 0.1, -0.1)  # row 0 at the top
    ax.set_aspect("equal")
    ax.axis("off")
    fig.suptitle(pretty(title))
    return fig, ax


def _square(ax, province: str, face, text: str) -> None:
    row, col = tile_layout()[province]
    size = 1 - TILE_GAP
    ax.add_patch(Rectangle((col + TILE_GAP / 2, row + TILE_GAP / 2), size, size, facecolor=face,
                           edgecolor="white", linewidth=0.5))
    code = dict(zip(_regions.provinces(), _regions.province_codes(), strict=True))[province]
    color = _text_color(face) if not isinstance(face, str) else "black"
    ax.text(col + 0.5, row + 0.36, code, ha="center", va="center", fontsize=8.5,
            fontweight="bold", color=color)
    ax.text(col + 0.5, row + 0.68, text, ha="center", va="center", fontsize=7, color=color)


def tile_map(values: Mapping[str, float] | Sequence[float] | np.ndarray, title: str, unit: str,
             cmap: str | None = None, diverging: bool = False) -> Figure:
    """A tile-grid map of one value per province: code and value in each square, colour bar.

    ``diverging`` centres the colours on zero (blue below, red above: a change); otherwise a
    sequential scale from the smallest to the largest value. Provinces without a (finite) value
    are grey, marked n/a.
    """
    vals = as_province_values(values)
    finite = np.array([v for v in vals.values() if np.isfinite(v)])
    fig, ax = _grid_axes(title)
    cm = colormaps[cmap or (DIVERGING_CMAP if diverging else SEQUENTIAL_CMAP)]
    if finite.size == 0:
        norm = Normalize(0.0, 1.0)
    elif diverging:
        bound = float(np.max(np.abs(finite))) or 1.0
        norm = TwoSlopeNorm(0.0, -bound, bound)
    else:
        lo, hi = float(finite.min()), float(finite.max())
        norm = Normalize(lo, hi if hi > lo else lo + 1.0)
    for province in _regions.provinces():
        value = vals.get(province, np.nan)
        face = cm(norm(value)) if np.isfinite(value) else MISSING_COLOR
        _square(ax, province, face, _format(value))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cm), ax=ax, shrink=0.7, pad=0.01)
    bar.set_label(pretty(unit))
    return fig


def targets_map(met: Mapping[str, bool], title: str) -> Figure:
    """Met (green) or missed (orange) per province; a province the target does not name is grey."""
    status = {_regions.canonical_region(str(k)): bool(v) for k, v in met.items()}
    unknown = [str(k) for k, c in zip(met, status, strict=True) if c not in _regions.provinces()]
    if unknown:
        raise ValueError(f"targets map: not provinces: {', '.join(unknown)}")
    fig, ax = _grid_axes(title)
    for province in _regions.provinces():
        if province in status:
            ok = status[province]
            _square(ax, province, MET_COLOR if ok else MISSED_COLOR, "met" if ok else "missed")
        else:
            _square(ax, province, MISSING_COLOR, "n/a")
    n_met = sum(status.values())
    ax.legend(handles=[Patch(color=MET_COLOR, label=f"met ({n_met})"),
                       Patch(color=MISSED_COLOR, label=f"missed ({len(status) - n_met})"),
                       Patch(color=MISSING_COLOR, label="no target")],
              loc="lower left", frameon=False)
    return fig


# --- values from an IAMC long table ---------------------------------------------------------------


def province_rows(long: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``long`` (IAMC long, one run) whose region is a province."""
    return long[long["region"].isin(_regions.provinces())]


def _by_province(long: pd.DataFrame, variable: str, year: int) -> pd.Series:
    rows = province_rows(long)
    rows = rows[(rows["variable"] == variable) & (rows["year"] == year)]
    if rows.empty:
        raise KeyError(f"no provincial values of {variable} in {year}")
    return rows.set_index("region")["value"].astype(float)


def values_in_year(long: pd.DataFrame, variable: str, year: int) -> dict[str, float]:
    """Province -> value of ``variable`` in ``year``."""
    return _by_province(long, variable, year).to_dict()


def change_between(long: pd.DataFrame, variable: str, start: int, end: int,
                   percent: bool = True) -> dict[str, float]:
    """Province -> change of ``variable`` from ``start`` to ``end``: in percent of the start value
    (NaN where it is 0) or, ``percent=False``, in the variable's unit."""
    a, b = _by_province(long, variable, start), _by_province(long, variable, end)
    diff = b - a.reindex(b.index)
    if percent:
        base = a.reindex(b.index).where(a.reindex(b.index) != 0)
        diff = 100.0 * diff / base
    return diff.to_dict()


def year_map(long: pd.DataFrame, variable: str, year: int, title: str, unit: str,
             scale: float = 1.0, **kw) -> Figure:
    """Tile map of a variable in a year (values x ``scale``, e.g. 100 for a share in %)."""
    vals = {k: v * scale for k, v in values_in_year(long, variable, year).items()}
    return tile_map(vals, title, unit, **kw)


def change_map(long: pd.DataFrame, variable: str, start: int, end: int, title: str,
               percent: bool = True, unit: str | None = None, **kw) -> Figure:
    """Tile map of the change of a variable between two years (diverging colours)."""
    vals = change_between(long, variable, start, end, percent)
    return tile_map(vals, title, "%" if percent else (unit or ""), diverging=True, **kw)


__all__ = ["as_province_values", "change_between", "change_map", "province_rows", "targets_map",
           "tile_layout", "tile_map", "values_in_year", "year_map"]
