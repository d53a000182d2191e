"""ctsim report: files written, HTML self-contained and parseable, figures exist, errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.reportcheck import check_html, check_markdown

from ctsim.cli.main import main

SCENARIO = "scenarios/steel2030.yaml"


def ctsim(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return int(exc.value.code)


@pytest.fixture(scope="module")
def scenario_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rep") / "report"
    assert ctsim("report", SCENARIO, "--out", str(out)) == 0
    return out


def test_report_from_a_scenario_file(scenario_report):
    out = scenario_report
    assert {p.name for p in out.iterdir()} == {"report.html", "report.md", "figures",
                                               "metadata.json"}
    text, n_images = check_html(out / "report.html")
    figures = check_markdown(out / "report.md")
    assert n_images == len(figures) >= 8
    names = {f.name for f in figures}
    assert {"emissions_by_sector.png", "generation_mix.png", "capacity.png", "steel_routes.png",
            "coal_use.png", "co2_intensity.png", "carbon_price.png", "decomposition.png"} <= names
    for needle in ("steel_peak_2030", "intensity_65pct_2030", "National CO2 peak year",
                   "Cumulative CO2", "steel.eaf_share", "scenario:steel2030.yaml",
                   "Scenario hash", "20240101", "Steel guideline of February 2022",
                   "Power structure (fossil share of generation)"):
        assert needle in text, needle
    # the claim about embedding is true of each file: the HTML embeds, the Markdown links
    md = (out / "report.md").read_text()
    assert "report.html embeds every figure" in text and "report.md links the files" in md
    assert "data:image/png;base64," in (out / "report.html").read_text() and "](figures/" in md
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["kind"] == "report" and meta["inputs"][0]["name"] == "steel2030"
    assert meta["inputs"][0]["scenario_hash"] and meta["inputs"][0]["seed"] == 20240101


def test_report_from_a_run_folder_and_svg(tmp_path):
    run_dir, out = tmp_path / "run", tmp_path / "rep"
    ctsim("run", "scenarios/baseline.yaml", "--out", str(run_dir), "--no-figures")
    assert ctsim("report", str(run_dir), "--out", str(out), "--format", "svg") == 0
    figures = check_markdown(out / "report.md")
    assert figures and all(f.suffix == ".svg" for f in figures)
    text, n_images = check_html(out / "report.html")
    assert n_images == len(figures)
    assert "national_peak_before_2030" in text and "baseline" in text
    # targets come from metadata.json, so the intensity target is drawn and listed
    assert "intensity_65pct_2030" in text


def test_report_of_two_inputs_has_a_section_each(tmp_path, scenario_report):
    out = tmp_path / "both"
    assert ctsim("report", "scenarios/baseline.yaml", SCENARIO, "--out", str(out)) == 0
    text, _ = check_html(out / "report.html")
    assert "baseline (run)" in text and "steel2030 (run)" in text
    names = {f.name for f in check_markdown(out / "report.md")}
    assert "baseline-decomposition.png" in names and "steel2030-decomposition.png" in names


def test_bad_inputs_exit_2_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "rep"
    assert ctsim("report", str(tmp_path / "missing.yaml"), "--out", str(out)) == 2
    assert ctsim("report", str(tmp_path), "--out", str(out)) == 2  # a folder that is no output
    assert ctsim("report", SCENARIO, "--out", str(out), "--format", "gif") == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(line.startswith("error: ") for line in err)


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    assert ctsim("report", SCENARIO, "--out", str(out)) == 2
    assert list(out.iterdir()) == []


def test_readme_and_docs_figures_exist():
    # made by `make report`; the README shows one of them
    for md in ("README.md", "docs/figures/report/report.md", "docs/figures/compare/compare.md"):
        assert check_markdown(Path(md)), md
