"""The eight figures of one run, each drawn from the IAMC columns of a single-run frame.

A builder returns ``None`` when the frame has no data for its figure, otherwise a :class:`Built`: the
figure, its panels and what it shows. Per panel it records which IAMC variables are shown and how:
``level`` (the y value can be read off the axis: lines, stack totals, the bottom group of a stack) or
``stacked`` (a layer whose y position depends on the layers below). :mod:`ctsim.plots.run` then adds
targets, observed history, limits, legends and titles in one common step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ctsim.plots import blocks
from ctsim.plots.style import (
    FIG_HEIGHT_IN,
    FULL_WIDTH_IN,
    MAIN_COLOR,
    OKABE_ITO,
    ROUTE_COLORS,
    SECTOR_COLORS,
    STORAGE_COLOR,
    TECH_COLORS,
    TOTAL_COLOR,
    UNSERVED_COLOR,
    axis_label,
    display_scale,
    pretty,
)

TECHS = ("Coal", "Gas", "Oil", "Nuclear", "Hydro", "Biomass", "Wind", "Solar")  # bottom -> top


@dataclass
class Panel:
    """One axis and what it shows: variable -> ("level" | "stacked", display scale, unit)."""

    ax: Axes
    legend: str = "below"  # below the axes: a legend at the right took ~40 % of a single panel
    shown: dict[str, tuple[str, float, str]] = field(default_factory=dict)
    stack: list[Any] = field(default_factory=list)
    nonneg: bool = True

    def show(self, variable: str, mode: str = "level") -> None:
        scale, unit = display_scale(variable)
        self.shown[variable] = (mode, scale, unit)


LEGEND_BELOW_HEIGHT_IN = 0.9  # extra figure height for the legend rows below the axes


@dataclass
class Built:
    fig: Figure
    panels: list[Panel]
    what: str  # the title says what and where: "{region}: {what} — {prefix}"


def new_figure(n_panels: int = 1, height: float = FIG_HEIGHT_IN + LEGEND_BELOW_HEIGHT_IN) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(FULL_WIDTH_IN, height), layout="constrained")
    axes = fig.subplots(1, n_panels, squeeze=False)[0]
    for ax in axes:
        ax.margins(x=0)
        ax.set_xlabel("Year")
    return fig, list(axes)


def _minus(frame: pd.DataFrame, total: str, part: str, name: str) -> tuple[pd.DataFrame, str]:
    """Display frame with ``total`` split into ``total - part`` (column ``name``) when part exists."""
    if not (blocks.has_data(frame, total) and blocks.has_data(frame, part)):
        return frame, total
    out = frame.copy()
    rest = pd.to_numeric(frame[total], errors="coerce") - pd.to_numeric(
        frame[part], errors="coerce"
    )
    out[name] = rest.clip(lower=0.0)  # the CCS part is a subset; clip float round-off
    return out, name


def _stack_group(
    panel: Panel,
    frame: pd.DataFrame,
    layers: Sequence[tuple[str, str]],
    colors: Mapping[str, str],
    unit_of: str,
) -> None:
    """Stack (variable, label) layers; a variable is a level when all layers below it are present."""
    present = [(v, lab) for v, lab in layers if blocks.has_data(frame, v)]
    scale, _ = display_scale(unit_of)
    panel.stack += blocks.stacked_area(
        panel.ax, frame, [v for v, _ in present], [lab for _, lab in present], colors, scale=scale
    )
    for v, _ in present:
        panel.show(v, "stacked")


def _emissions(frame: pd.DataFrame) -> Built | None:
    total, net = "Emissions|CO2|Energy and Industrial Processes", "Emissions|CO2"
    layers = [
        ("Emissions|CO2|Energy|Supply|Electricity", "Power"),
        ("Emissions|CO2|Energy and Industrial Processes|Iron and Steel", "Steel"),
        ("Emissions|CO2|Energy|Other", "Other energy"),
        ("Emissions|CO2|Industrial Processes|Other than Iron and Steel", "Industrial processes"),
    ]
    if not any(blocks.has_data(frame, v) for v, _ in [*layers, (total, ""), (net, "")]):
        return None
    fig, (ax,) = new_figure()
    panel = Panel(ax)
    _stack_group(panel, frame, layers, SECTOR_COLORS, total)
    if blocks.has_data(frame, layers[0][0]):
        panel.show(layers[0][0], "level")  # bottom layer: readable as a level
    if blocks.line(ax, frame, total, label="Total CO2", color=TOTAL_COLOR):
        panel.show(total)
    if blocks.line(ax, frame, net, label="Net CO2", color=SECTOR_COLORS["Net"], linestyle="--"):
        panel.show(net)
        panel.nonneg = bool((pd.to_numeric(frame[net], errors="coerce") >= 0).all())
    ax.set_ylabel(axis_label("CO2 emissions", total))
    return Built(fig, [panel], "CO2 emissions by sector")


def _tech_layers(prefix: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    coal, ccs = f"{prefix}|Coal", f"{prefix}|Coal|w/ CCS"
    shown, coal_rest = _minus(frame, coal, ccs, f"{prefix}|Coal|w/o CCS")
    layers = [(coal_rest, "Coal")]
    if coal_rest != coal:
        layers.append((ccs, "Coal w/ CCS"))
    layers += [(f"{prefix}|{t}", t) for t in TECHS[1:]]
    return shown, layers


def _mark_coal_level(panel: Panel, frame: pd.DataFrame, prefix: str) -> None:
    if blocks.has_data(frame, f"{prefix}|Coal"):  # coal (+ CCS on top of it) is the bottom group
        panel.show(f"{prefix}|Coal", "level")


def _generation(frame: pd.DataFrame) -> Built | None:
    prefix, demand, unserved = (
        "Secondary Energy|Electricity",
        "Final Energy|Electricity",
        "Unserved Energy|Electricity",
    )
    shown, layers = _tech_layers(prefix, frame)
    if not any(blocks.has_data(shown, v) for v, _ in layers) and not blocks.has_data(frame, demand):
        return None
    fig, (ax,) = new_figure()
    panel = Panel(ax)
    _stack_group(panel, shown, layers, TECH_COLORS, prefix)
    _mark_coal_level(panel, frame, prefix)
    present = [v for v, _ in layers if blocks.has_data(shown, v)]
    if len(present) == len(layers):
        panel.show(prefix, "level")  # full stack: its top is total served generation
    if present and blocks.has_data(frame, unserved) and float(frame[unserved].max()) > 0:
        # drawn on top of the stack, so the stack plus this band reaches demand
        top = sum(pd.to_numeric(shown[v], errors="coerce").to_numpy(dtype=float) for v in present)
        gap = pd.to_numeric(frame[unserved], errors="coerce").to_numpy(dtype=float)
        ax.fill_between(
            frame.index.to_numpy(dtype=float),
            top,
            top + gap,
            color=UNSERVED_COLOR,
            linewidth=0.0,
            label="Unserved demand",
            zorder=2,
        )
    if blocks.line(ax, frame, demand, label="Demand", color=TOTAL_COLOR):
        panel.show(demand)
    ax.set_ylabel(axis_label("Electricity generation", prefix))
    return Built(fig, [panel], "electricity generation by technology")


def _capacity(frame: pd.DataFrame) -> Built | None:
    prefix = "Capacity|Electricity"
    shown, layers = _tech_layers(prefix, frame)
    backup = f"{prefix}|Coal|Backup"
    if layers[0][1] == "Coal" and blocks.has_data(shown, backup) and float(shown[backup].max()) > 0:
        # coal kept past its lifetime as backup (firm, does not generate): hatched on the coal
        # that generates
        shown, rest = _minus(shown, layers[0][0], backup, f"{prefix}|Coal|Generating")
        layers = [(rest, "Coal"), (backup, "Coal backup"), *layers[1:]]
    if not any(blocks.has_data(shown, v) for v, _ in layers):
        return None
    fig, (ax,) = new_figure()
    panel = Panel(ax)
    _stack_group(panel, shown, layers, TECH_COLORS, f"{prefix}|Coal")
    _mark_coal_level(panel, frame, prefix)
    # storage is not generation: a line of its power beside the stack, with the peak load that
    # firm capacity must cover (docs/model.md, firm capacity)
    storage, peak = f"{prefix}|Storage", "Peak Load|Electricity"
    if blocks.line(ax, frame, storage, label="Storage (power)", color=STORAGE_COLOR, linestyle="--"):
        panel.show(storage)
    if blocks.line(ax, frame, peak, label="Peak load", color=TOTAL_COLOR, linestyle=":"):
        panel.show(peak)
    ax.set_ylabel(axis_label("Installed capacity", f"{prefix}|Coal"))
    return Built(fig, [panel], "installed power capacity by technology")


STEEL = "Production|Iron and Steel|Steel"
STEEL_CO2 = "Emissions|CO2|Energy and Industrial Processes|Iron and Steel"
STEEL_CO2_INDIRECT = "Indirect Emissions|CO2|Iron and Steel"


def _steel(frame: pd.DataFrame) -> Built | None:
    prefix, co2 = STEEL, STEEL_CO2
    bof_total = f"{prefix}|Primary|BF-BOF"
    shown, bof = _minus(frame, bof_total, f"{bof_total}|w/ CCS", f"{bof_total}|w/o CCS")
    layers = [(bof, "BF-BOF")]
    if bof != bof_total:
        layers.append((f"{bof_total}|w/ CCS", "BF-BOF w/ CCS"))
    layers += [(f"{prefix}|Secondary", "EAF"), (f"{prefix}|Primary|H2-DRI", "H2-DRI")]
    has_routes = any(blocks.has_data(shown, v) for v, _ in layers) or blocks.has_data(frame, prefix)
    if not has_routes and not blocks.has_data(frame, co2):
        return None
    fig, (ax1, ax2) = new_figure(2, height=FIG_HEIGHT_IN + 0.6)
    routes, emis = Panel(ax1, legend="below"), Panel(ax2, legend="below")
    _stack_group(routes, shown, layers, ROUTE_COLORS, prefix)
    if blocks.has_data(frame, bof_total):
        routes.show(bof_total, "level")
    if blocks.line(ax1, frame, prefix, label="Total", color=TOTAL_COLOR, linewidth=1.0):
        routes.show(prefix)
    ax1.set_ylabel(axis_label("Crude steel", prefix))
    ax1.set_title("Production by route", loc="left")
    if blocks.line(ax2, frame, co2, label="Direct CO2", color=SECTOR_COLORS["Steel"]):
        emis.show(co2)
    indirect = STEEL_CO2_INDIRECT
    if blocks.line(
        ax2,
        frame,
        indirect,
        label="Indirect CO2 (electricity)",
        color=SECTOR_COLORS["Steel"],
        linestyle="-.",
        linewidth=1.1,
    ):
        emis.show(indirect)
    ax2.set_ylabel(axis_label("Steel CO2 emissions", co2))
    ax2.set_title(pretty("CO2 from steel making"), loc="left")
    return Built(fig, [routes, emis], "crude steel routes and CO2")


def _coal(frame: pd.DataFrame) -> Built | None:
    total = "Primary Energy|Coal"
    layers = [
        (f"{total}|Electricity", "Power"),
        (f"{total}|Iron and Steel", "Steel"),
        (f"{total}|Other", "Other energy"),
    ]
    if not any(blocks.has_data(frame, v) for v, _ in [*layers, (total, "")]):
        return None
    fig, (ax,) = new_figure()
    panel = Panel(ax)
    _stack_group(panel, frame, layers, SECTOR_COLORS, total)
    if blocks.has_data(frame, layers[0][0]):
        panel.show(layers[0][0], "level")
    if blocks.line(ax, frame, total, label="Total coal", color=TOTAL_COLOR, linewidth=1.0):
        panel.show(total)
    ax.set_ylabel(axis_label("Coal use", total))
    return Built(fig, [panel], "coal use by sector")


#: methane sources, bottom -> top, and their colours (Okabe-Ito: distinct for colour-blind readers)
CH4_LAYERS = (
    ("Emissions|CH4|Energy|Supply|Solids|Fugitive", "Coal mines", OKABE_ITO["black"]),
    ("Emissions|CH4|Energy|Supply|Oil and Gas|Fugitive", "Oil and gas", OKABE_ITO["orange"]),
    ("Emissions|CH4|Energy|Demand", "Fuel combustion", OKABE_ITO["vermillion"]),
    ("Emissions|CH4|AFOLU|Agriculture", "Agriculture", OKABE_ITO["bluish_green"]),
    ("Emissions|CH4|Waste", "Waste", OKABE_ITO["sky_blue"]),
)


def _greenhouse_gases(frame: pd.DataFrame) -> Built | None:
    """Net and gross greenhouse gases (CO2-equivalent) and methane by source (Mt CH4)."""
    net, gross, ch4 = "Emissions|Kyoto Gases", "Gross Emissions|Kyoto Gases", "Emissions|CH4"
    if not any(blocks.has_data(frame, v) for v in (net, gross, ch4)):
        return None
    fig, (ax1, ax2) = new_figure(2, height=FIG_HEIGHT_IN + 0.6)
    totals, methane = Panel(ax1, legend="below"), Panel(ax2, legend="below")
    if blocks.line(ax1, frame, gross, label="Gross (before land sink and removals)",
                   color=TOTAL_COLOR):
        totals.show(gross)
    if blocks.line(ax1, frame, net, label="Net", color=SECTOR_COLORS["Net"], linestyle="--"):
        totals.show(net)
        totals.nonneg = bool((pd.to_numeric(frame[net], errors="coerce") >= 0).all())
    ax1.set_ylabel(axis_label("Greenhouse gases", net))
    ax1.set_title("All Kyoto gases, GWP100", loc="left")
    layers = [(v, label) for v, label, _ in CH4_LAYERS]
    _stack_group(methane, frame, layers, {label: c for _, label, c in CH4_LAYERS}, ch4)
    if blocks.has_data(frame, layers[0][0]):
        methane.show(layers[0][0], "level")  # bottom layer: readable as a level
    if blocks.line(ax2, frame, ch4, label="Total methane", color=TOTAL_COLOR, linewidth=1.0):
        methane.show(ch4)
    ax2.set_ylabel(axis_label("Methane", ch4))
    ax2.set_title("Methane by source", loc="left")
    return Built(fig, [totals, methane], "greenhouse gases and methane by source")


def _single(
    variable: str, name: str, what: str, label: str
) -> Callable[[pd.DataFrame], Built | None]:
    def build(frame: pd.DataFrame) -> Built | None:
        if not blocks.has_data(frame, variable):
            return None
        fig, (ax,) = new_figure()
        panel = Panel(ax)
        panel.show(variable)
        blocks.line(
            ax, frame, variable, label=label, color=MAIN_COLOR, scale=panel.shown[variable][1]
        )
        ax.set_ylabel(axis_label(name, variable))
        return Built(fig, [panel], what)

    return build


BUILDERS: dict[str, Callable[[pd.DataFrame], Built | None]] = {
    "emissions_by_sector.png": _emissions,
    "greenhouse_gases.png": _greenhouse_gases,
    "generation_mix.png": _generation,
    "capacity.png": _capacity,
    "steel_routes.png": _steel,
    "coal_use.png": _coal,
    "co2_intensity.png": _single(
        "Intensity|CO2|GDP|Reduction vs 2005",
        "CO2 intensity reduction vs 2005",
        "CO2 intensity of GDP, reduction since 2005",
        "Model",
    ),
    "carbon_price.png": _single(
        "Price|Carbon", "Carbon price", "national ETS carbon price", "Carbon price"
    ),
}
