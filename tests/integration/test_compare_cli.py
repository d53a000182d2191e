"""ctsim compare: files, overlays with units and legends, wedge tables; run folders as inputs."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from tests.reportcheck import check_html, check_markdown

from ctsim.cli.main import main
from ctsim.plots.compare import overlay_figure
from ctsim.plots.style import style_context
from ctsim.report.run import load_source


def ctsim(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return int(exc.value.code)


def test_compare_scenarios(tmp_path):
    out = tmp_path / "cmp"
    assert ctsim("compare", "scenarios/baseline.yaml", "scenarios/steel2030.yaml",
                 "--out", str(out)) == 0
    assert {p.name for p in out.iterdir()} == {"compare.html", "compare.md", "figures",
                                               "differences.csv", "wedges.csv", "metadata.json"}
    text, n_images = check_html(out / "compare.html")
    figures = check_markdown(out / "compare.md")
    assert n_images == len(figures) == 2
    assert "steel.eaf_share" in text and "Shapley" in text and "steel2030 \u2212 baseline" in text
    wedges = pd.read_csv(out / "wedges.csv")
    assert set(wedges["parameter"]) == {"steel.eaf_share"}
    by_year = wedges.groupby("year")
    assert (by_year["co2_avoided_mt"].sum() - by_year["gap_mt"].first()).abs().max() < 1e-6
    diffs = pd.read_csv(out / "differences.csv")
    assert "steel2030 - baseline" in diffs.columns
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["kind"] == "compare" and meta["reference"] == "baseline"


def test_compare_run_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    ctsim("run", "scenarios/baseline.yaml", "--out", str(a), "--no-figures")
    ctsim("run", "scenarios/steel2030.yaml", "--out", str(b), "--no-figures")
    out = tmp_path / "cmp"
    assert ctsim("compare", str(a), str(b), "--out", str(out)) == 0
    text, _ = check_html(out / "compare.html")
    assert "steel.eaf_share" in text  # wedges rebuilt from metadata.json parameters


def test_compare_needs_two_inputs(tmp_path, capsys):
    assert ctsim("compare", "scenarios/baseline.yaml", "--out", str(tmp_path / "x")) == 2
    assert not (tmp_path / "x").exists()
    assert capsys.readouterr().err.startswith("error: ")


def test_overlay_figure_structure():
    frames = {s: load_source(f"scenarios/{s}.yaml").frame for s in ("baseline", "steel2030")}
    with style_context():
        fig = overlay_figure(frames)
        FigureCanvasAgg(fig).draw()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    units = ["Mt CO\u2082/yr", "Mt CO\u2082/yr", "TWh/yr", "%"]
    for ax, unit in zip(visible, units, strict=True):
        assert ax.get_ylabel().endswith(f"({unit})")
        assert ax.get_xlabel() == "Year"
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["baseline", "steel2030"]


def test_differences_print_one_number_of_decimals_per_row(tmp_path):
    import re

    out = tmp_path / "cmp"
    assert ctsim("compare", "scenarios/baseline.yaml", "scenarios/steel2030.yaml", "--out", str(out)) == 0
    rows = {line.split("|")[1].strip(): [c.strip().replace("\\", "") for c in line.split("|")[2:-1]]
            for line in (out / "compare.md").read_text().splitlines()
            if line.startswith("| ") and ("CO2" in line or "Coal" in line)}
    for metric, cells in rows.items():
        numbers = [re.match(r"^[+-]?[\d,]+(\.\d+)?", c) for c in cells]
        decimals = {len(m.group(1) or ".")-1 for m in numbers if m}
        assert len(decimals) <= 1, (metric, cells)
    assert all(re.fullmatch(r"[+-]?[\d,]+\.\d Gt CO2", c) for c in rows["Cumulative CO2 over the horizon"])
    assert all(re.fullmatch(r"[+-]?[\d,]+ Mt CO2/yr", c) for c in rows["National CO2 at peak"])
