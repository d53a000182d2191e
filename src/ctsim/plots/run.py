"""Figures of one run: build them (:func:`build_run_figures`) and write them (:func:`save_run_figures`).

The figures are drawn by :mod:`ctsim.plots.figures`; this module adds what is common to all of them.
Targets: a ``peak_by`` target goes on every axis showing its variable (also as a stacked layer); a level
target (``cap``, ``share_at_least``, ``intensity_reduction``) and observed history only where the
variable is shown as a level. A target whose variable is in no figure gets a panel in ``targets.png``,
so every target given is drawn somewhere (or logged at INFO when its variable is not in the results).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from ctsim.plots import blocks, tiles
from ctsim.plots.figures import BUILDERS, Built, Panel, new_figure
from ctsim.plots.style import (
    DPI,
    FIG_HEIGHT_IN,
    FULL_WIDTH_IN,
    MAIN_COLOR,
    axis_label,
    figure_title,
    pretty,
    style_context,
)

log = logging.getLogger(__name__)

MAX_TARGET_PANELS_IN_A_ROW = 2  # targets.png: more panels than this are stacked in rows
TARGET_ROW_HEIGHT_IN = 2.3
HISTORY_LOOKBACK_YEARS = 10  # observed points shown this many years before the first model year
CHANGE_YEARS = (2020, 2030)  # province maps: change over the 14th and 15th five-year plans
CRUNCH_YEAR = 2021  # province map of unserved electricity: the 2021 power crunch (issue 15)
CO2 = "Emissions|CO2|Energy and Industrial Processes"
CO2_PER_GDP = "Intensity|CO2|GDP"
UNSERVED = "Unserved Energy|Electricity"
DEMAND = "Final Energy|Electricity"

#: China's updated NDC (submitted 28 Oct 2021): CO2 per unit of GDP down by over 65 % from 2005 by
#: 2030 (https://lpr.adb.org/resource/peoples-republic-chinas-nationally-determined-contributions-
#: updated-submission-2021; docs/sources.md entry NDC-2021). Drawn on co2_intensity.png
#: when the run brings no intensity target of its own (reference_targets=False turns it off).
NDC_INTENSITY_TARGET = {
    "id": "NDC 2021",
    "kind": "intensity_reduction",
    "variable": "Intensity|CO2|GDP|Reduction vs 2005",
    "base_year": 2005,
    "year": 2030,
    "value": 0.65,
}


def _with_peak_level(target: Mapping[str, Any], frame: pd.DataFrame) -> Mapping[str, Any]:
    """A ``reduction_from_peak`` target with its ``level``: (1 - value) x the series' peak up to the
    target year (as analysis.targets evaluates it, from the run's years), drawn as a ceiling."""
    variable, year = target.get("variable"), target.get("year")
    if target.get("kind") != "reduction_from_peak" or variable not in frame or year is None:
        return target
    upto = frame[variable][frame.index <= year]
    if upto.empty:
        return target
    return {**target, "level": (1.0 - float(target["value"])) * float(upto.max())}


def _observed_label(history: pd.DataFrame, variable: str) -> str:
    sources = history.attrs.get("sources")
    source = sources.get(variable) if isinstance(sources, Mapping) else history.attrs.get("source")
    return f"Observed ({source})" if source else "Observed"


def _observed_labels(history: pd.DataFrame, variables: list[str]) -> dict[str, tuple[str, bool]]:
    """Legend label and hollow marker of each observed series of one axis: one series is plain
    "Observed (source)"; several are told apart ("Observed total (source)", "Observed coal")."""
    if len(variables) == 1:
        return {variables[0]: (_observed_label(history, variables[0]), False)}
    total = min(variables, key=len)  # the parent (e.g. Secondary Energy|Electricity) is the total
    out = {total: (_observed_label(history, total).replace("Observed", "Observed total", 1), False)}
    for v in variables:
        if v != total:
            out[v] = (f"Observed {v.split('|')[-1].lower()}", True)
    return out


def _finish(
    built: Built,
    frame: pd.DataFrame,
    targets: Sequence[Mapping[str, Any]],
    history: pd.DataFrame | None,
    placed: set[int],
) -> None:
    """Add observed history and targets to every panel, then fix limits and legends.

    Years: every panel spans the same years, from HISTORY_LOOKBACK_YEARS before the first model
    year when observed history is drawn (the decade the projection continues), otherwise from the
    first model year, to the last model year.
    """
    first_year, last_year = float(frame.index.min()), float(frame.index.max())
    start = first_year - HISTORY_LOOKBACK_YEARS if history is not None else first_year
    for panel in built.panels:
        ax = panel.ax
        if history is not None:
            levels = [v for v, (mode, _s, _u) in panel.shown.items()
                      if mode == "level" and blocks.has_data(history, v)]
            labels = _observed_labels(history, levels) if levels else {}
            for variable in levels:
                label, hollow = labels[variable]
                blocks.observed(ax, history, variable, label=label, scale=panel.shown[variable][1],
                                min_year=start, max_year=last_year, hollow=hollow)
        deadlines = 0
        for i, target in enumerate(targets):
            target = _with_peak_level(target, frame)
            entry = panel.shown.get(str(target.get("variable")))
            if entry is None or (entry[0] != "level" and target.get("kind") != "peak_by"):
                continue
            variant = deadlines if target.get("kind") == "peak_by" else 0
            if blocks.mark_target(ax, target, scale=entry[1], unit=entry[2], variant=variant):
                placed.add(i)
                deadlines += target.get("kind") == "peak_by"
        if panel.nonneg:
            ax.set_ylim(bottom=0)
        ax.set_xlim(start, last_year)
        if max(abs(v) for v in ax.get_ylim()) >= 1000:
            blocks.thousands(ax)
        lo, hi = ax.get_xlim()
        step = next(
            s
            for s in (1, 2, 5, 10, 20, 50)
            if (hi - lo) / s <= (7 if len(built.panels) == 1 else 6)
        )
        ax.xaxis.set_major_locator(MultipleLocator(step))
        blocks.legend_outside(ax, panel.legend, first=panel.stack[::-1])


def _target_panel_names(variable: str) -> tuple[str, str]:
    """Title (the catalogue's description, shortened) and y-axis name of a target panel."""
    import textwrap

    from ctsim import registry

    found = registry.iamc_variables().get(variable)
    title = found.description.split(" (")[0] if found else variable
    title = "\n".join(textwrap.wrap(title, 32, max_lines=2, placeholder="…"))  # half a figure wide
    return title, "Share" if found is not None and found.unit == "1" else variable.split("|")[-1]


def _targets_figure(frame: pd.DataFrame, targets: Sequence[Mapping[str, Any]]) -> Built | None:
    """One small panel per variable whose targets no run figure could show."""
    variables = list(dict.fromkeys(str(t.get("variable")) for t in targets))
    variables = [v for v in variables if blocks.has_data(frame, v)]
    for t in targets:
        if not blocks.has_data(frame, str(t.get("variable"))):
            log.info(
                "target %s not drawn: %s is not in the results", t.get("id"), t.get("variable")
            )
    if not variables:
        return None
    if len(variables) <= MAX_TARGET_PANELS_IN_A_ROW:
        fig, axes = new_figure(len(variables), height=FIG_HEIGHT_IN + 0.6)
        legend = "below"
    else:  # one panel per row, legends at the right: a row of three leaves no room for legends
        fig = Figure(figsize=(FULL_WIDTH_IN, TARGET_ROW_HEIGHT_IN * len(variables)),
                     layout="constrained")
        axes = list(fig.subplots(len(variables), 1, squeeze=False)[:, 0])
        for ax in axes:
            ax.margins(x=0)
            ax.set_xlabel("Year")
        legend = "right"
    panels = []
    for ax, variable in zip(axes, variables, strict=True):
        panel = Panel(ax, legend=legend)
        panel.show(variable)
        blocks.line(
            ax, frame, variable, label="Model", color=MAIN_COLOR, scale=panel.shown[variable][1]
        )
        name, unit = _target_panel_names(variable)
        ax.set_title(pretty(name), loc="left")
        ax.set_ylabel(axis_label(unit, variable))
        panels.append(panel)
    return Built(fig, panels, "targets not shown in other figures")


def build_run_figures(
    frame: pd.DataFrame,
    targets: Sequence[Mapping[str, Any]] | None = None,
    history: pd.DataFrame | None = None,
    title_prefix: str | None = None,
    *,
    region: str = "China",
    reference_targets: bool = True,
    provinces: pd.DataFrame | None = None,
    targets_met: Mapping[str, Mapping[str, bool]] | None = None,
) -> dict[str, Figure]:
    """Build the run figures as matplotlib Figures keyed by file name (figures without data are left out).

    Call inside :func:`ctsim.plots.style.style_context` if you save them yourself.
    ``provinces`` (the IAMC long rows of a provincial run) adds the province tile maps of
    :func:`build_province_figures`; ``targets_met`` is {target id: {province: met}}.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise ValueError("frame has no rows: nothing to plot")
    frame = frame.sort_index()
    history = history.sort_index() if history is not None else None
    given = [dict(t) for t in (targets or [])]
    drawn = list(given)
    if reference_targets and not any(
        t.get("kind") == "intensity_reduction"
        and t.get("variable") == NDC_INTENSITY_TARGET["variable"]
        for t in given
    ):
        drawn.append(dict(NDC_INTENSITY_TARGET))
    placed: set[int] = set()
    figures: dict[str, Figure] = {}
    for name, build in BUILDERS.items():
        built = build(frame)
        if built is None:
            log.info("%s skipped: no data for it in the results", name)
            continue
        _finish(built, frame, drawn, history, placed)
        built.fig.suptitle(figure_title(built.what, region, title_prefix))
        figures[name] = built.fig
    left = [t for i, t in enumerate(given) if i not in placed]
    built = _targets_figure(frame, left) if left else None
    if built is not None:
        _finish(built, frame, left, history, set())
        built.fig.suptitle(figure_title(built.what, region, title_prefix))
        figures["targets.png"] = built.fig
    if provinces is not None:
        figures.update(build_province_figures(provinces, targets_met, title_prefix))
    return figures


def first_unserved_year(long: pd.DataFrame, preferred: int = CRUNCH_YEAR) -> int | None:
    """``preferred`` (2021) when some province has unserved electricity then, else the first year
    with any; None when there is none."""
    rows = tiles.province_rows(long)
    rows = rows[(rows["variable"] == UNSERVED) & (rows["value"] > 0)]
    if rows.empty:
        return None
    years = sorted(int(y) for y in rows["year"].unique())
    return preferred if preferred in years else years[0]


def _unserved_share(long: pd.DataFrame, year: int) -> dict[str, float]:
    """Province -> unserved electricity in % of demand (drawn, not a model output)."""
    unserved = tiles.values_in_year(long, UNSERVED, year)
    demand = tiles.values_in_year(long, DEMAND, year)
    return {k: 100.0 * v / demand[k] if demand.get(k) else float("nan") for k, v in unserved.items()}


def province_verdicts(verdicts: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, bool]]:
    """{target id: {province: met}} from verdict dicts that name a province (``region``)."""
    from ctsim import regions

    out: dict[str, dict[str, bool]] = {}
    for v in verdicts:
        region = regions.canonical_region(str(v.get("region") or ""))
        if region in regions.provinces():
            out.setdefault(str(v.get("target") or v.get("id", "")), {})[region] = bool(v.get("met"))
    return out


def build_province_figures(
    long: pd.DataFrame,
    targets_met: Mapping[str, Mapping[str, bool]] | None = None,
    title_prefix: str | None = None,
) -> dict[str, Figure]:
    """Tile maps of a provincial run (IAMC long rows with a province ``region``): CO2 change
    2020-2030, unserved electricity share in 2021 (or the first year with unserved > 0), CO2 per
    GDP change 2020-2030, and targets met per province. A map whose data are missing is skipped."""
    figures: dict[str, Figure] = {}
    a, b = CHANGE_YEARS
    for name, variable, what in (
        ("provinces_co2_change.png", CO2, f"change in CO2 {a}–{b}"),
        ("provinces_co2_intensity_change.png", CO2_PER_GDP, f"change in CO2 per GDP {a}–{b}"),
    ):
        try:
            fig = tiles.change_map(long, variable, a, b, figure_title(what, "Provinces", title_prefix))
        except KeyError as exc:
            log.info("%s skipped: %s", name, exc.args[0])
            continue
        figures[name] = fig
    year = first_unserved_year(long)
    if year is not None:
        figures["provinces_unserved_share.png"] = tiles.tile_map(
            _unserved_share(long, year),
            figure_title(f"unserved electricity in {year}", "Provinces", title_prefix),
            "% of demand")
    else:
        log.info("provinces_unserved_share.png skipped: no unserved electricity in any province")
    for target_id, met in (targets_met or {}).items():
        figures[f"provinces_target_{_file_part(target_id)}.png"] = tiles.targets_map(
            met, figure_title(f"target {target_id} met", "Provinces", title_prefix))
    return figures


def _file_part(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-") or "target"


def save_run_figures(
    frame: pd.DataFrame,
    outdir: str | Path,
    targets: Sequence[Mapping[str, Any]] | None = None,
    history: pd.DataFrame | None = None,
    title_prefix: str | None = None,
    *,
    region: str = "China",
    reference_targets: bool = True,
    provinces: pd.DataFrame | None = None,
    targets_met: Mapping[str, Mapping[str, bool]] | None = None,
) -> list[Path]:
    """Write the figures of one run as PNG (dpi 150) into ``outdir`` (created) and return their paths.

    ``frame``: one run, index = year, columns = IAMC variable names (see data/variables.csv).
    ``targets``: plain dicts (``id``, ``kind``, ``variable``, ``year``, ``value``); ``history``: observed
    values in the same layout (``history.attrs["source"]`` or ``attrs["sources"][variable]`` names the
    source in the legend). Figures with no data in ``frame`` are not written.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with style_context():
        figures = build_run_figures(
            frame,
            targets,
            history,
            title_prefix,
            region=region,
            reference_targets=reference_targets,
            provinces=provinces,
            targets_met=targets_met,
        )
        for name, fig in figures.items():
            path = out / name
            fig.savefig(path, dpi=DPI, metadata={"Software": None})
            paths.append(path)
    return paths
