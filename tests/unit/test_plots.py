"""Figures of one run: structure, not pixels (files, labels with units, legends, colours, targets)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D

from ctsim.plots import (
    build_run_figures,
    fan_chart,
    mark_target,
    save_run_figures,
    stacked_area,
    style,
    unit_label,
)

EXPECTED = {
    "emissions_by_sector.png",
    "generation_mix.png",
    "capacity.png",
    "steel_routes.png",
    "coal_use.png",
    "co2_intensity.png",
    "carbon_price.png",
}
TECHS = ["Coal", "Coal w/ CCS", "Gas", "Oil", "Nuclear", "Hydro", "Wind", "Solar", "Biomass"]
ROUTES = ["BF-BOF", "BF-BOF w/ CCS", "EAF", "H2-DRI"]
STEEL_PEAK = {
    "id": "steel_peak_2030",
    "kind": "peak_by",
    "variable": "Emissions|CO2|Energy and Industrial Processes|Iron and Steel",
    "year": 2030,
}
TARGETS = [
    STEEL_PEAK,
    {
        "id": "ndc_intensity",
        "kind": "intensity_reduction",
        "variable": "Intensity|CO2|GDP|Reduction vs 2005",
        "base_year": 2005,
        "year": 2030,
        "value": 0.65,
    },
    {
        "id": "eaf_share",
        "kind": "share_at_least",
        "variable": "Share|Production|Iron and Steel|Steel|Secondary",
        "year": 2025,
        "value": 0.15,
    },
    {
        "id": "coal_cap",
        "kind": "cap",
        "variable": "Primary Energy|Coal",
        "year": 2030,
        "value": 4200,
    },
]


def ramp(
    years: np.ndarray, start: float, end: float, begin: int = 2020, finish: int = 2060
) -> np.ndarray:
    t = np.clip((years - begin) / (finish - begin), 0.0, 1.0)
    return start + (end - start) * t


def synthetic_frame() -> pd.DataFrame:
    """A plausible China run 2020-2060 with every column the figures use."""
    y = np.arange(2020, 2061)
    gen = {
        "Coal": ramp(y, 4630, 1500),
        "Coal|w/ CCS": ramp(y, 0, 600, 2032),
        "Gas": ramp(y, 250, 600),
        "Oil": ramp(y, 10, 2),
        "Nuclear": ramp(y, 366, 1500),
        "Hydro": ramp(y, 1355, 1800),
        "Wind": ramp(y, 467, 4500),
        "Solar": ramp(y, 261, 4200),
        "Biomass": ramp(y, 135, 300),
    }
    cap = {
        "Coal": ramp(y, 1080, 600),
        "Coal|w/ CCS": ramp(y, 0, 150, 2032),
        "Gas": ramp(y, 98, 250),
        "Oil": ramp(y, 2, 1),
        "Nuclear": ramp(y, 50, 200),
        "Hydro": ramp(y, 370, 500),
        "Wind": ramp(y, 282, 2000),
        "Solar": ramp(y, 253, 2500),
        "Biomass": ramp(y, 30, 60),
    }
    unserved = np.where((y >= 2030) & (y <= 2032), 80.0, 0.0)
    served = sum(v for k, v in gen.items() if k != "Coal|w/ CCS")
    steel = ramp(y, 1065, 700)
    eaf_share = ramp(y, 0.10, 0.50)
    h2 = ramp(y, 0, 100, 2030)
    eaf = steel * eaf_share
    bof = steel - eaf - h2
    bof_ccs = ramp(y, 0, 0.3, 2030) * bof
    co2_steel = (
        1.9 * (bof - bof_ccs) + 0.3 * bof_ccs + 0.05 * (eaf + h2) - ramp(y, 0, 150, 2025, 2030)
    )
    co2_power = (
        0.82 * (gen["Coal"] - gen["Coal|w/ CCS"]) + 0.1 * gen["Coal|w/ CCS"] + 0.37 * gen["Gas"]
    )
    co2_other = ramp(y, 3600, 1200)
    co2_proc = ramp(y, 1300, 500)
    total = co2_power + co2_steel + co2_other + co2_proc
    coal_power, coal_steel, coal_other = 0.30 * gen["Coal"], 0.55 * bof, ramp(y, 1300, 300)
    cols = {f"Secondary Energy|Electricity|{k}": v for k, v in gen.items()}
    cols |= {f"Capacity|Electricity|{k}": v for k, v in cap.items()}
    cols |= {
        "Secondary Energy|Electricity": served,
        "Final Energy|Electricity": served + unserved,
        "Unserved Energy|Electricity": unserved,
        "Production|Iron and Steel|Steel": steel,
        "Production|Iron and Steel|Steel|Primary|BF-BOF": bof,
        "Production|Iron and Steel|Steel|Primary|BF-BOF|w/ CCS": bof_ccs,
        "Production|Iron and Steel|Steel|Secondary": eaf,
        "Production|Iron and Steel|Steel|Primary|H2-DRI": h2,
        "Share|Production|Iron and Steel|Steel|Secondary": eaf_share,
        "Emissions|CO2|Energy and Industrial Processes": total,
        "Emissions|CO2": total - ramp(y, 0, 1500, 2030),
        "Emissions|CO2|Energy|Supply|Electricity": co2_power,
        "Emissions|CO2|Energy and Industrial Processes|Iron and Steel": co2_steel,
        "Indirect Emissions|CO2|Iron and Steel": 0.6 * ramp(y, 80, 300) * co2_power / served,
        "Emissions|CO2|Energy|Other": co2_other,
        "Emissions|CO2|Industrial Processes|Other than Iron and Steel": co2_proc,
        "Primary Energy|Coal": coal_power + coal_steel + coal_other,
        "Primary Energy|Coal|Electricity": coal_power,
        "Primary Energy|Coal|Iron and Steel": coal_steel,
        "Primary Energy|Coal|Other": coal_other,
        "Intensity|CO2|GDP|Reduction vs 2005": 1 - (1 - 0.484) * np.exp(-0.045 * (y - 2020)),
        "Price|Carbon": ramp(y, 50, 600),
        "Share|Electricity|Non-Fossil": ramp(y, 0.34, 0.9),
    }
    return pd.DataFrame(cols, index=pd.Index(y, name="year"))


def synthetic_history() -> pd.DataFrame:
    y = np.arange(2005, 2024)
    hist = pd.DataFrame(
        {
            "Emissions|CO2|Energy and Industrial Processes": ramp(y, 6000, 11900, 2005, 2023),
            "Production|Iron and Steel|Steel": ramp(y, 355, 1019, 2005, 2023),
            "Secondary Energy|Electricity|Coal": ramp(y, 2000, 5700, 2005, 2023),
            "Intensity|CO2|GDP|Reduction vs 2005": ramp(y, 0.0, 0.51, 2005, 2023),
        },
        index=pd.Index(y, name="year"),
    )
    hist.attrs["source"] = "OWID"
    return hist


@pytest.fixture(scope="module")
def figures():
    with style.style_context():
        yield build_run_figures(synthetic_frame(), TARGETS, synthetic_history(), "steel2030")


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def area_colours(fig) -> dict[str, str]:
    """Legend label -> face colour of the stacked areas of a figure."""
    out = {}
    for ax in fig.axes:
        for coll in ax.collections:
            if not coll.get_label().startswith("_"):
                out[coll.get_label()] = to_hex(coll.get_facecolor()[0])
    return out


def test_every_file_is_written_and_not_empty(tmp_path):
    outdir = tmp_path / "figs" / "nested"
    paths = save_run_figures(
        synthetic_frame(), outdir, targets=[STEEL_PEAK], title_prefix="steel2030"
    )
    assert {p.name for p in paths} == EXPECTED
    for p in paths:
        assert p.parent == outdir
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert p.stat().st_size > 10_000


def test_every_axis_has_a_year_axis_and_a_unit(figures):
    assert EXPECTED <= set(figures)
    for name, fig in figures.items():
        for ax in fig.axes:
            assert ax.get_xlabel() == "Year", name
            label = ax.get_ylabel()
            assert "(" in label and label.endswith(")") and len(label.split("(")[-1]) > 1, (
                name,
                label,
            )


def test_units_come_from_the_catalogue(figures):
    assert (
        figures["emissions_by_sector.png"].axes[0].get_ylabel()
        == "CO\u2082 emissions (Mt CO\u2082/yr)"
    )
    assert figures["generation_mix.png"].axes[0].get_ylabel().endswith("(TWh/yr)")
    assert figures["capacity.png"].axes[0].get_ylabel().endswith("(GW)")
    assert figures["coal_use.png"].axes[0].get_ylabel().endswith("(Mtce/yr)")
    assert figures["co2_intensity.png"].axes[0].get_ylabel().endswith("(%)")
    assert figures["carbon_price.png"].axes[0].get_ylabel().endswith("(CNY/t CO\u2082)")


def test_titles_say_what_where_and_which_scenario(figures):
    for fig in figures.values():
        title = fig.get_suptitle()
        assert title.startswith("China: ") and title.endswith("steel2030")


def test_legends_name_every_technology_and_route(figures):
    gen = legend_texts(figures["generation_mix.png"].axes[0])
    for tech in TECHS + ["Demand", "Unserved demand"]:
        assert tech in gen
    assert set(TECHS) <= set(legend_texts(figures["capacity.png"].axes[0]))
    assert set(ROUTES) <= set(legend_texts(figures["steel_routes.png"].axes[0]))
    emis = legend_texts(figures["emissions_by_sector.png"].axes[0])
    assert {
        "Power",
        "Steel",
        "Other energy",
        "Industrial processes",
        "Total CO\u2082",
        "Net CO\u2082",
    } <= set(emis)


def test_stack_legend_reads_top_down(figures):
    labels = legend_texts(figures["generation_mix.png"].axes[0])
    assert (
        labels.index("Solar")
        < labels.index("Wind")
        < labels.index("Coal w/ CCS")
        < labels.index("Coal")
    )


def test_same_technology_same_colour_everywhere(figures):
    gen = area_colours(figures["generation_mix.png"])
    cap = area_colours(figures["capacity.png"])
    for tech in TECHS:
        assert gen[tech] == cap[tech] == style.TECH_COLORS[tech].lower()
    steel = area_colours(figures["steel_routes.png"])
    for route in ROUTES:
        assert steel[route] == style.ROUTE_COLORS[route].lower()
    assert (
        area_colours(figures["coal_use.png"])["Steel"]
        == area_colours(figures["emissions_by_sector.png"])["Steel"]
    )


def test_palette_has_one_distinct_colour_per_category():
    for table in (style.TECH_COLORS, style.ROUTE_COLORS, style.SECTOR_COLORS):
        assert len(set(table.values())) == len(table)


def vertical_lines(ax, text):
    return [ln for ln in ax.get_lines() if text in ln.get_label() and len(set(ln.get_xdata())) == 1]


def test_peak_by_target_is_a_labelled_vertical_line(figures):
    steel_co2_ax = figures["steel_routes.png"].axes[1]
    (vline,) = vertical_lines(steel_co2_ax, "steel_peak_2030")
    assert vline.get_xdata()[0] == 2030 and vline.get_linestyle() == "--"
    assert "peak by 2030" in vline.get_label()
    assert any("steel_peak_2030" in t for t in legend_texts(steel_co2_ax))
    # the steel layer of the sector stack shows the deadline too
    assert vertical_lines(figures["emissions_by_sector.png"].axes[0], "steel_peak_2030")
    # but not a figure without steel CO2
    assert not vertical_lines(figures["capacity.png"].axes[0], "steel_peak_2030")


def test_intensity_target_is_a_level_and_a_marker_in_percent(figures):
    ax = figures["co2_intensity.png"].axes[0]
    lines = [ln for ln in ax.get_lines() if "ndc_intensity" in ln.get_label()]
    assert lines and all(np.allclose(ln.get_ydata(), 65.0) for ln in lines)
    markers = [ln for ln in ax.get_lines() if ln.get_marker() == "D"]
    assert markers and markers[0].get_xdata()[0] == 2030 and markers[0].get_ydata()[0] == 65.0
    # a run target replaces the NDC reference line
    assert not any("NDC 2021" in t for t in legend_texts(ax))


def test_ndc_reference_drawn_without_targets(tmp_path):
    figs = build_run_figures(synthetic_frame())
    assert any(
        "NDC 2021" in t and "65 %" in t for t in legend_texts(figs["co2_intensity.png"].axes[0])
    )
    figs = build_run_figures(synthetic_frame(), reference_targets=False)
    assert legend_texts(figs["co2_intensity.png"].axes[0]) == ["Model"]


def test_level_targets_are_placed_where_readable(figures):
    coal_ax = figures["coal_use.png"].axes[0]
    (cap,) = [ln for ln in coal_ax.get_lines() if "coal_cap" in ln.get_label()]
    assert cap.get_marker() == "v" and cap.get_ydata()[0] == 4200
    # the EAF share is in no run figure: it gets a panel of its own, in percent
    ax = figures["targets.png"].axes[0]
    (share,) = [ln for ln in ax.get_lines() if "eaf_share" in ln.get_label()]
    assert share.get_marker() == "^" and share.get_ydata()[0] == pytest.approx(15.0)
    assert ax.get_ylabel().endswith("(%)")


def test_observed_history_is_drawn_with_its_source(figures):
    for name, ax_i in [
        ("emissions_by_sector.png", 0),
        ("steel_routes.png", 0),
        ("generation_mix.png", 0),
        ("co2_intensity.png", 0),
    ]:
        ax = figures[name].axes[ax_i]
        assert "Observed (OWID)" in legend_texts(ax), name
    (obs,) = [
        ln
        for ln in figures["co2_intensity.png"].axes[0].get_lines()
        if ln.get_label() == "Observed (OWID)"
    ]
    assert obs.get_xdata().min() >= 2005 and obs.get_ydata().max() == pytest.approx(51.0)


def test_legends_sit_outside_the_data_area(figures):
    for name, fig in figures.items():
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        for ax in fig.axes:
            legend = ax.get_legend()
            assert legend is not None, name
            assert not legend.get_window_extent(renderer).overlaps(
                ax.get_window_extent(renderer)
            ), name
            fig_box = fig.bbox
            box = legend.get_window_extent(renderer)
            assert box.x0 >= fig_box.x0 - 1 and box.x1 <= fig_box.x1 + 1, name
            assert box.y0 >= fig_box.y0 - 1, name


def test_missing_optional_columns_do_not_crash(tmp_path):
    frame = synthetic_frame().drop(
        columns=[
            "Emissions|CO2",
            "Secondary Energy|Electricity|Coal|w/ CCS",
            "Capacity|Electricity|Oil",
            "Production|Iron and Steel|Steel|Primary|H2-DRI",
            "Production|Iron and Steel|Steel|Primary|BF-BOF|w/ CCS",
            "Unserved Energy|Electricity",
            "Indirect Emissions|CO2|Iron and Steel",
            "Price|Carbon",
            "Primary Energy|Coal|Other",
        ]
    )
    frame["Capacity|Electricity|Nuclear"] = np.nan
    history = synthetic_history().drop(columns=["Production|Iron and Steel|Steel"])
    targets = [
        *TARGETS,
        {"id": "ghost", "kind": "cap", "variable": "Emissions|CH4", "year": 2030, "value": 1.0},
    ]
    paths = save_run_figures(frame, tmp_path, targets=targets, history=history)
    assert {p.name for p in paths} == (EXPECTED - {"carbon_price.png"}) | {"targets.png"}
    figs = build_run_figures(frame)
    gen = legend_texts(figs["generation_mix.png"].axes[0])
    assert "Coal" in gen and "Coal w/ CCS" not in gen and "Unserved demand" not in gen
    assert "Nuclear" not in legend_texts(figs["capacity.png"].axes[0])


def test_a_frame_with_only_emissions_writes_one_figure(tmp_path):
    frame = synthetic_frame()[["Emissions|CO2|Energy and Industrial Processes"]]
    paths = save_run_figures(frame, tmp_path, reference_targets=False)
    assert [p.name for p in paths] == ["emissions_by_sector.png"]


def test_bad_frame_is_a_clear_error(tmp_path):
    with pytest.raises(TypeError, match="DataFrame"):
        save_run_figures({"Emissions|CO2|Energy and Industrial Processes": [1.0]}, tmp_path)
    with pytest.raises(ValueError, match="no rows"):
        save_run_figures(pd.DataFrame(), tmp_path)


def test_unit_label_reads_the_catalogue():
    assert unit_label("Emissions|CO2|Energy and Industrial Processes") == "Mt CO2/yr"
    assert unit_label("Capacity|Electricity|Solar") == "GW"
    assert unit_label("Emissions|CO2") == "Mt CO2/yr"  # inherits its parent's unit
    assert style.axis_label("Carbon price", "Price|Carbon") == "Carbon price (CNY/t CO\u2082)"
    with pytest.raises(KeyError, match="did you mean"):
        unit_label("Emisions|CO2")


def test_building_blocks_on_a_bare_axis():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    frame = synthetic_frame()
    areas = stacked_area(
        ax,
        frame,
        ["Capacity|Electricity|Wind", "missing", "Capacity|Electricity|Solar"],
        ["Wind", "Missing", "Solar"],
        style.TECH_COLORS,
    )
    assert [a.get_label() for a in areas] == ["Wind", "Solar"]
    years = np.arange(2020, 2031)
    q = {
        0.05: years * 0.0,
        0.25: years * 0.0 + 1,
        0.5: years * 0.0 + 2,
        0.75: years * 0.0 + 3,
        0.95: years * 0.0 + 4,
    }
    artists = fan_chart(ax, years, q, "CO2", "#0072B2")
    assert [a.get_label() for a in artists] == [
        "CO\u2082 5\u201395 %",
        "CO\u2082 25\u201375 %",
        "CO\u2082 median",
    ]
    assert len(fan_chart(ax, years, {0.5: years * 1.0}, "x", "k")) == 1
    assert mark_target(ax, {"kind": "peak_by", "variable": "x"}) == []  # no year: nothing to draw
    (vline,) = mark_target(ax, {"kind": "peak_by", "variable": "x", "year": 2030})
    assert isinstance(vline, Line2D) and vline.get_label() == "Target: peak by 2030"


def test_importing_ctsim_does_not_import_matplotlib():
    code = "import sys, ctsim; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_inputs_are_not_mutated():
    frame, history = synthetic_frame(), synthetic_history()
    targets = [dict(t) for t in TARGETS]
    before = (frame.copy(), history.copy(), [dict(t) for t in targets])
    build_run_figures(frame.iloc[::-1], targets, history)
    pd.testing.assert_frame_equal(frame, before[0])
    pd.testing.assert_frame_equal(history, before[1])
    assert targets == before[2]


def test_unserved_band_and_negative_net_emissions():
    frame = synthetic_frame().drop(columns=["Secondary Energy|Electricity|Oil"])
    frame["Emissions|CO2"] = frame["Emissions|CO2|Energy and Industrial Processes"] - 4000.0
    history = synthetic_history()
    history.attrs = {"sources": {"Emissions|CO2|Energy and Industrial Processes": "GCB 2024"}}
    figs = build_run_figures(frame, history=history)
    assert "Unserved demand" in legend_texts(figs["generation_mix.png"].axes[0])
    ax = figs["emissions_by_sector.png"].axes[0]
    assert ax.get_ylim()[0] < 0  # net-negative years stay visible
    assert "Observed (GCB 2024)" in legend_texts(ax)
    assert "Observed" in legend_texts(figs["generation_mix.png"].axes[0])  # no source given


# --- issue 12: legends below, distinguishable deadlines, one start year, separators ---------------


def _draw(fig):
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    return renderer


@pytest.mark.parametrize("name", ["emissions_by_sector.png", "coal_use.png", "co2_intensity.png",
                                  "generation_mix.png", "capacity.png", "carbon_price.png"])
def test_single_panel_legend_is_below_and_the_axes_keep_the_width(figures, name):
    fig = figures[name]
    renderer = _draw(fig)
    (ax,) = fig.axes
    box, legend = ax.get_window_extent(renderer), ax.get_legend().get_window_extent(renderer)
    assert legend.y1 <= box.y0, name                    # below the axes
    assert box.width >= 0.8 * fig.bbox.width, name      # a legend at the right took ~40 %


def test_two_deadlines_on_one_axis_differ_in_colour_and_dashes():
    targets = [dict(STEEL_PEAK),
               {"id": "national_peak", "kind": "peak_by", "year": 2029,
                "variable": "Emissions|CO2|Energy and Industrial Processes"}]
    targets[0]["variable"] = "Emissions|CO2|Energy and Industrial Processes"
    with style.style_context():
        figs = build_run_figures(synthetic_frame(), targets, synthetic_history())
    ax = figs["emissions_by_sector.png"].axes[0]
    (a,) = vertical_lines(ax, "steel_peak_2030")
    (b,) = vertical_lines(ax, "national_peak")
    assert to_hex(a.get_color()) != to_hex(b.get_color())
    assert a._dash_pattern != b._dash_pattern


def test_every_run_figure_starts_ten_years_before_the_model_with_history(figures):
    first = synthetic_frame().index.min()
    for name, fig in figures.items():
        for ax in fig.axes:
            assert ax.get_xlim()[0] == first - 10, name
    with style.style_context():
        bare = build_run_figures(synthetic_frame(), TARGETS)  # no history: from the first model year
    for name, fig in bare.items():
        for ax in fig.axes:
            assert ax.get_xlim()[0] == first, name


def test_large_values_print_thousands_separators(figures):
    fig = figures["emissions_by_sector.png"]
    _draw(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    big = [lab for lab in labels if len(lab.replace(",", "").lstrip("−-")) >= 4]
    assert big and all("," in lab for lab in big), labels


def test_two_observed_series_on_one_axis_have_two_legend_entries():
    history = synthetic_history()
    history["Secondary Energy|Electricity"] = history["Secondary Energy|Electricity|Coal"] / 0.6
    with style.style_context():
        figs = build_run_figures(synthetic_frame(), [], history)
    texts = legend_texts(figs["generation_mix.png"].axes[0])
    observed = [t for t in texts if t.startswith("Observed")]
    assert len(observed) == 2 and observed[0] != observed[1], texts
    assert any(t.startswith("Observed total") for t in observed)
    assert any(t == "Observed coal" for t in observed)


def test_capacity_shows_coal_backup_only_when_a_run_keeps_some(figures):
    assert "Coal backup" not in legend_texts(figures["capacity.png"].axes[0])
    frame = synthetic_frame()
    y = frame.index.to_numpy()
    frame["Capacity|Electricity|Coal|Backup"] = ramp(y, 0, 200, 2035)
    with style.style_context():
        built = build_run_figures(frame, TARGETS, synthetic_history(), "steel2030")
    ax = built["capacity.png"].axes[0]
    assert "Coal backup" in legend_texts(ax)
    # the coal that generates and the backup stack up to the coal capacity (CCS on top of it)
    tops = [max(p.get_paths()[0].vertices[:, 1]) for p in ax.collections if p.get_label() == "Coal backup"]
    assert tops and tops[0] <= float(frame["Capacity|Electricity|Coal"].max()) + 1e-9
