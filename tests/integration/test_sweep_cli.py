"""ctsim sweep and ctsim check as a user runs them: outputs, exit codes, interruption and --resume."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctsim.sweeps import core as sweep_module

SWEEP_FILES = ("design.csv", "metrics.csv", "quantiles.csv", "targets.csv", "sensitivity.csv")
SMALL = """\
extends: {root}/scenarios/steel2030.yaml
name: small
uncertain:
  macro.gdp_growth: {{kind: uniform, low: 0.9, high: 1.1, scale: true, from_year: 2025}}
  power.solar_additions_gw: {{kind: triangular, low: 0.8, mode: 1.0, high: 1.2, scale: true,
                             from_year: 2025}}
  steel.eaf_share: {{kind: uniform, low: 0.12, high: 0.24, year: 2030}}
  power.coal_lifetime_yr: {{kind: triangular, low: 35, mode: 40, high: 50}}
  macro.electricity_elasticity: {{kind: uniform, low: 0.9, high: 1.1, scale: true,
                                 from_year: 2025}}
sweep: {{samples: 60, method: lhs, seed: 3}}
{extra}
"""


@pytest.fixture
def scenario(tmp_path, root):
    def _make(extra: str = "", name: str = "small.yaml"):
        path = tmp_path / name
        path.write_text(SMALL.format(root=root, extra=extra), encoding="utf-8")
        return path
    return _make


def test_sweep_writes_every_output(ctsim_main, scenario, tmp_path, monkeypatch):
    from matplotlib.figure import Figure
    from tests.figurecheck import check_layout

    saved: dict[str, Figure] = {}
    savefig = Figure.savefig

    def keep(fig, fname, *args, **kwargs):
        if isinstance(fname, (str, Path)):
            saved[Path(fname).name] = fig
        return savefig(fig, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    out = tmp_path / "out"
    res = ctsim_main("sweep", scenario(), "--out", out, "--chunk-size", "25")
    assert res.code == 0, res.stderr
    for name in (*SWEEP_FILES, "metadata.json"):
        assert (out / name).is_file(), name
    design = pd.read_csv(out / "design.csv")
    metrics = pd.read_csv(out / "metrics.csv")
    assert len(design) == len(metrics) == 60
    assert list(design.columns) == [  # in the order of the inherited uncertain: block
        "sample", "macro.gdp_growth:scale_from_2025", "macro.electricity_elasticity:scale_from_2025",
        "power.solar_additions_gw:scale_from_2025", "steel.eaf_share:2030", "power.coal_lifetime_yr"]
    assert {"peak_year_national_co2", "cumulative_co2_gt", "steel_peak_2030_met",
            "steel_peak_2030_margin"} <= set(metrics.columns)
    q = pd.read_csv(out / "quantiles.csv")
    assert list(q.columns) == ["model", "scenario", "region", "variable", "unit", "year",
                               "quantile", "value"]
    assert sorted(q["quantile"].unique()) == [0.05, 0.25, 0.5, 0.75, 0.95]
    co2 = q[(q["variable"] == "Emissions|CO2|Energy and Industrial Processes") & (q["year"] == 2040)].sort_values("quantile")
    assert co2["value"].is_monotonic_increasing
    expected = np.quantile(pd.read_csv(out / "metrics.csv")["co2_2060_mt"], [0.05, 0.5, 0.95])
    last = q[(q["variable"] == "Emissions|CO2|Energy and Industrial Processes") & (q["year"] == 2060)].set_index("quantile")
    assert np.allclose(last.loc[[0.05, 0.5, 0.95], "value"], expected, rtol=1e-8)
    targets = pd.read_csv(out / "targets.csv")
    row = targets.set_index("id").loc["eaf_20pct_2030"]
    assert row["n"] == 60 and row["probability"] == pytest.approx(
        metrics["eaf_20pct_2030_met"].mean())
    assert row["low_95"] <= row["probability"] <= row["high_95"]
    sens = pd.read_csv(out / "sensitivity.csv")
    assert list(sens.columns) == ["output", "year", "parameter", "index", "value", "conf"]
    assert set(sens["index"]) == {"S1"}
    assert set(sens["year"].dropna().astype(int)) >= {2030, 2060}  # time-resolved indices
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["sweep"]["samples"] == 60 and meta["sweep"]["method"] == "lhs"
    assert meta["sweep"]["chunks"] == 3
    figures = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert figures == ["fan_charts.png", "peak_years.png", "sensitivity.png",
                       "sensitivity_over_time.png", "target_probabilities.png"]
    assert sorted(saved) == figures
    for name, fig in saved.items():  # as written: styled, nothing off the canvas or overprinted
        check_layout(fig, name)
        assert fig.get_suptitle().startswith("China: ") and "small, 60 samples" in fig.get_suptitle()
        assert {t.get_fontsize() for ax in fig.axes for t in ax.get_xticklabels()} <= {8.5}
    assert "probability" in res.stdout and "eaf_20pct_2030" in res.stdout
    # the report of the folder shows the same figures (reading the long sensitivity.csv)
    assert ctsim_main("report", out, "--out", tmp_path / "rep").code == 0
    assert sorted(p.name for p in (tmp_path / "rep" / "figures").glob("*.png")) == [
        "fans.png", "peak_years.png", "sensitivity.png", "sensitivity_over_time.png",
        "target_probabilities.png"]
    text = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "first-order Sobol index S1" in text and "_margin" not in text
    assert "100%" in res.stderr  # the progress bar goes to stderr
    assert not list(tmp_path.glob(".out.chunks"))  # the resume store is removed on success


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sweep_structured_methods(ctsim_main, scenario, tmp_path, method):
    out = tmp_path / method
    res = ctsim_main("sweep", scenario(), "--out", out, "--samples", "84", "--method", method,
                     "--no-figures")
    assert res.code == 0, res.stderr
    sens = pd.read_csv(out / "sensitivity.csv")
    expected = {"sobol": {"S1", "ST"}, "morris": {"mu_star", "mu", "sigma"}}[method]
    assert set(sens["index"]) == expected
    n = len(pd.read_csv(out / "design.csv"))
    assert n == (112 if method == "sobol" else 84)  # sobol: 84 / 7 = 12 -> 16 base points x (5 + 2)


def test_check_passes_and_fails(ctsim_main, scenario):
    ok = ctsim_main("check", scenario())
    assert ok.code == 0, ok.stdout + ok.stderr
    assert "all checks pass" in ok.stdout and "steel_peak_2030" in ok.stdout
    bad = ctsim_main("check", scenario("checks: {eaf_20pct_2030: 0.99}", "bad.yaml"))
    assert bad.code == 1
    assert "FAILED: eaf_20pct_2030" in bad.stdout


def test_check_without_uncertainty_is_one_run(ctsim_main, tmp_path):
    path = tmp_path / "single.yaml"
    target = ("targets: [{id: peak, kind: peak_by, variable: Emissions|CO2|Energy and Industrial Processes|Iron and Steel, "
              "year: 2030}, {id: eaf, kind: share_at_least, variable: Share|Production|Iron and Steel|Steel|Secondary, "
              "year: 2030, value: 0.9}]\n")
    path.write_text(target + "checks: {peak: 1.0}\n", encoding="utf-8")
    res = ctsim_main("check", path)
    assert res.code == 0 and "checks over 1 sample" in res.stdout
    path.write_text(target + "checks: {peak: 1.0, eaf: 0.5}\n", encoding="utf-8")
    res = ctsim_main("check", path)
    assert res.code == 1 and "FAILED: eaf" in res.stdout


@pytest.mark.parametrize(("extra", "args", "message"), [
    ("checks: {steel_peak_2031: 0.5}", (), "unknown target id 'steel_peak_2031'; did you mean"),
    ("", ("--method", "latin"), "--method: expected one of lhs, sobol, random, morris"),
])
def test_check_bad_input_exits_2(ctsim_main, scenario, extra, args, message):
    res = ctsim_main("check", scenario(extra), *args)
    assert res.code == 2
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_check_without_checks_exits_2(ctsim_main, tmp_path):
    path = tmp_path / "none.yaml"
    path.write_text("name: none\n", encoding="utf-8")
    res = ctsim_main("check", path)
    assert res.code == 2 and "nothing to check" in res.stderr


def test_sweep_without_uncertain_exits_2(ctsim_main, tmp_path):
    path = tmp_path / "none.yaml"
    path.write_text("name: none\n", encoding="utf-8")
    res = ctsim_main("sweep", path, "--out", tmp_path / "o")
    assert res.code == 2 and "nothing to sweep" in res.stderr
    assert not (tmp_path / "o").exists()


def test_interrupted_sweep_leaves_nothing_and_resume_gives_the_same(ctsim_main, scenario, tmp_path,
                                                                    monkeypatch):
    path = scenario()
    full = tmp_path / "full"
    assert ctsim_main("sweep", path, "--out", full, "--chunk-size", "10", "--no-figures").code == 0

    out = tmp_path / "part"
    calls = {"n": 0}
    real = sweep_module.run_chunk

    def dies_on_the_fourth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the sweep
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "run_chunk", dies_on_the_fourth)
    res = ctsim_main("sweep", path, "--out", out, "--chunk-size", "10", "--no-figures")
    assert res.code != 0 and "--resume" in res.stderr
    assert not out.exists()  # no half-written output folder
    store = tmp_path / ".part.chunks"
    assert sorted(p.name for p in store.glob("chunk-*.npz")) == [
        "chunk-000000.npz", "chunk-000001.npz", "chunk-000002.npz"]
    (store / "chunk-000003.tmp").write_bytes(b"half a chunk")  # a kill during a write
    monkeypatch.setattr(sweep_module, "run_chunk", real)

    calls["n"] = 0
    counting = real

    def count(*args, **kwargs):
        calls["n"] += 1
        return counting(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "run_chunk", count)
    res = ctsim_main("sweep", path, "--out", out, "--chunk-size", "10", "--no-figures", "--resume")
    assert res.code == 0, res.stderr
    assert calls["n"] == 3  # only the 3 unfinished chunks ran
    for name in SWEEP_FILES:
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert not store.exists()


def test_resume_refuses_chunks_of_another_sweep(ctsim_main, scenario, tmp_path, monkeypatch):
    path = scenario()
    out = tmp_path / "o"
    real = sweep_module.run_chunk

    def dies(*args, **kwargs):
        if args[1] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "run_chunk", dies)
    ctsim_main("sweep", path, "--out", out, "--chunk-size", "10", "--no-figures")
    monkeypatch.setattr(sweep_module, "run_chunk", real)
    res = ctsim_main("sweep", path, "--out", out, "--chunk-size", "10", "--no-figures", "--resume",
                     "--seed", "4")
    assert res.code == 2 and "different sweep" in res.stderr and "seed" in res.stderr


def test_the_outputs_line_names_what_the_folder_holds(ctsim_main, scenario, tmp_path):
    out = tmp_path / "out"
    res = ctsim_main("sweep", scenario(), "--out", out, "--no-figures")
    assert res.code == 0, res.stderr
    line = [x for x in res.stdout.splitlines() if x.startswith("Outputs in")][0]
    listed = line.split("(", 1)[1].rstrip(")").split(", ")
    assert listed == sorted(p.name + ("/" if p.is_dir() else "") for p in out.iterdir())
    assert "figures/" not in listed and "quantiles.csv" in listed
