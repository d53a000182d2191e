"""The CLI as a user runs it: files written, exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from ctsim.cli.main import main

REQUIRED_VARIABLES = [
    "Emissions|CO2|Energy and Industrial Processes", "Emissions|CO2|Energy|Supply|Electricity", "Emissions|CO2|Energy and Industrial Processes|Iron and Steel",
    "Secondary Energy|Electricity", "Secondary Energy|Electricity|Coal",
    "Secondary Energy|Electricity|Gas", "Secondary Energy|Electricity|Hydro",
    "Secondary Energy|Electricity|Nuclear", "Secondary Energy|Electricity|Wind",
    "Secondary Energy|Electricity|Solar", "Capacity|Electricity|Coal", "Capacity|Electricity|Gas",
    "Capacity|Electricity|Hydro", "Capacity|Electricity|Nuclear", "Capacity|Electricity|Wind",
    "Capacity|Electricity|Solar", "Production|Iron and Steel|Steel", "Production|Iron and Steel|Steel|Primary|BF-BOF",
    "Production|Iron and Steel|Steel|Secondary", "Production|Iron and Steel|Steel|Primary|H2-DRI", "Primary Energy|Coal", "Price|Carbon",
    "GDP|PPP", "Unserved Energy|Electricity",
]


def cli(*args) -> int:
    with pytest.raises(SystemExit) as exc:
        main(list(map(str, args)))
    return exc.value.code


@pytest.fixture(scope="module")
def steel2030_out(tmp_path_factory, root):
    out = tmp_path_factory.mktemp("run") / "steel2030"
    code = subprocess.run(
        [sys.executable, "-m", "ctsim", "run", str(root / "scenarios/steel2030.yaml"), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    return out, code


def test_run_writes_everything(steel2030_out):
    out, proc = steel2030_out
    assert proc.returncode == 0, proc.stderr
    assert "Targets" in proc.stdout and "steel_peak_2030" in proc.stdout
    for name in ("trajectories.csv", "trajectories_wide.csv", "summary.json", "metadata.json"):
        assert (out / name).stat().st_size > 0
    figures = {p.name for p in (out / "figures").glob("*.png")}
    assert {"emissions_by_sector.png", "generation_mix.png", "capacity.png", "steel_routes.png",
            "coal_use.png", "co2_intensity.png"} <= figures


def test_trajectories_are_iamc_long(steel2030_out):
    out, _ = steel2030_out
    df = pd.read_csv(out / "trajectories.csv")
    assert list(df.columns) == ["model", "scenario", "region", "variable", "unit", "year", "value"]
    assert set(df["region"]) == {"China"} and set(df["scenario"]) == {"steel2030"}
    assert set(REQUIRED_VARIABLES) <= set(df["variable"])
    assert not df["value"].isna().any()
    assert not df.duplicated(["model", "scenario", "region", "variable", "year"]).any()
    assert df["year"].min() == 2020 and df["year"].max() == 2060
    units = df.drop_duplicates("variable").set_index("variable")["unit"]
    assert units["Emissions|CO2|Energy and Industrial Processes"] == "Mt CO2/yr" and units["Capacity|Electricity|Solar"] == "GW"
    assert units["Primary Energy|Coal"] == "Mtce/yr" and units["Price|Carbon"] == "CNY/t CO2"


def test_summary_and_metadata(steel2030_out):
    out, _ = steel2030_out
    summary = json.loads((out / "summary.json").read_text())
    m = summary["metrics"]
    for key in ("peak_year_national_co2", "peak_power_co2_mt", "peak_year_steel_co2",
                "co2_intensity_reduction_2030_vs_2005", "nonfossil_share_generation_2025",
                "nonfossil_share_generation_2030", "nonfossil_share_generation_2060",
                "coal_use_2030_mtce", "cumulative_co2_gt", "co2_2060_mt"):
        assert key in m
    ids = {t["id"] for t in summary["targets"]}
    assert {"steel_peak_2030", "eaf_15pct_2025", "eaf_20pct_2030", "national_peak_before_2030",
            "intensity_65pct_2030"} <= ids
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["ctsim_version"] and len(meta["scenario_hash"]) == 16
    assert meta["seed"] == 20240101
    p = meta["parameters"]
    assert p["steel.eaf_share"]["provenance"] == "scenario:steel2030.yaml"
    assert p["steel.output_mt"]["provenance"] == "default"
    assert "World Steel Association" in meta["attribution"]


def test_existing_output_needs_force(steel2030_out, root, capsys):
    out, _ = steel2030_out
    before = (out / "summary.json").stat().st_mtime_ns
    assert cli("run", root / "scenarios/steel2030.yaml", "--out", out, "--no-figures") == 2
    err = capsys.readouterr().err.strip()
    assert "--force" in err and len(err.splitlines()) == 1
    assert (out / "summary.json").stat().st_mtime_ns == before
    assert cli("run", root / "scenarios/steel2030.yaml", "--out", out, "--no-figures", "--force") == 0
    assert not (out / "figures").exists()  # replaced whole, atomically


def test_missed_target_exits_1(write_yaml, tmp_path, root):
    path = write_yaml("strict.yaml", f"extends: {root / 'scenarios/baseline.yaml'}\ntargets:\n"
                      "  - {id: zero_2030, kind: cap, variable: Emissions|CO2|Energy and Industrial Processes, year: 2030, value: 0}\n")
    assert cli("run", path, "--out", tmp_path / "o", "--no-figures") == 1
    assert (tmp_path / "o" / "summary.json").exists()


def test_bad_input_exits_2_with_one_line_and_no_output(write_yaml, tmp_path, capsys):
    path = write_yaml("bad.yaml", "steel: {eaf_shares: 0.2}\n")
    assert cli("run", path, "--out", tmp_path / "o") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "steel.eaf_shares" in err and "did you mean 'eaf_share'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()
    assert not any(tmp_path.glob(".o.tmp-*"))


def test_validate_schema_params(root, write_yaml, capsys):
    assert cli("validate", root / "scenarios/baseline.yaml", root / "scenarios/steel2030.yaml") == 0
    bad = write_yaml("bad.yaml", "years: {start: 2030, end: 2020}\n")
    assert cli("validate", root / "scenarios/baseline.yaml", bad) == 2
    capsys.readouterr()
    assert cli("schema") == 0
    schema = json.loads(capsys.readouterr().out)
    assert "steel" in schema["properties"]
    assert cli("params", "eaf") == 0
    out = capsys.readouterr().out
    assert "steel.eaf_share" in out and "source:" in out
    assert cli("params", "no-such-parameter") == 2


def test_every_bundled_scenario_validates_and_runs(root):
    from ctsim import run

    for path in sorted((root / "scenarios").glob("*.yaml")):
        result = run(path)
        assert result.results.n_samples == 1, path


def test_engine_does_not_import_plotting_or_cli():
    code = ("import sys, ctsim.pipeline, ctsim.engine; "
            "bad = [m for m in ('matplotlib', 'typer', 'ctsim.cli.main', 'ctsim.plots') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


def test_python_dash_m_and_version():
    proc = subprocess.run([sys.executable, "-m", "ctsim", "--version"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("ctsim ")


def test_a_fully_electric_road_fleet_runs(write_yaml, tmp_path):
    # the 2020 road fleet is sized from the observed 2020 EV share, so an EV path of 1 everywhere
    # is a valid scenario (it once divided by zero and ended with exit 3)
    path = write_yaml("ev.yaml", "transport: {ev_share: 1}\n")
    assert cli("run", path, "--out", tmp_path / "ev", "--no-figures") in (0, 1)
    import pandas as pd

    df = pd.read_csv(tmp_path / "ev" / "trajectories.csv")
    road = df[df["variable"] == "Emissions|CO2|Energy|Demand|Transportation|Road"]
    assert (road[road["year"] >= 2025]["value"] == 0).all()  # the projection; 2020-2024 are history
    assert (road[road["year"] <= 2024]["value"] > 0).all()


def test_short_out_option_writes_where_it_says(root, tmp_path):
    out = tmp_path / "short"
    assert cli("run", root / "scenarios/steel2030.yaml", "-o", out, "--no-figures") == 0
    assert (out / "trajectories.csv").is_file()


@pytest.mark.parametrize("command", ["run", "sweep", "report", "compare"])
def test_every_command_that_writes_a_folder_takes_o_for_out(command, capsys):
    assert cli(command, "--help") == 0
    assert "-o" in capsys.readouterr().out.split("--out", 1)[1].split("\n", 1)[0]


def test_quiet_after_the_command_is_the_same_as_before_it(root, tmp_path, capsys):
    scenario = root / "scenarios/steel2030.yaml"
    assert cli("-q", "run", scenario, "-o", tmp_path / "a", "--no-figures") == 0
    before = capsys.readouterr()
    assert cli("run", scenario, "-o", tmp_path / "b", "--no-figures", "-q") == 0
    after = capsys.readouterr()
    assert after.out.replace(str(tmp_path / "b"), "X") == before.out.replace(str(tmp_path / "a"), "X")
    assert after.err == before.err
    assert cli("run", scenario, "-o", tmp_path / "c", "--no-figures") == 0
    assert len(capsys.readouterr().out) > len(before.out)  # quiet did cut the output


def test_global_flags_are_moved_only_before_a_double_dash():
    from ctsim.cli.main import hoist_global_flags
    assert hoist_global_flags(["run", "x.yaml", "-q"]) == ["-q", "run", "x.yaml"]
    assert hoist_global_flags(["run", "--", "-q"]) == ["run", "--", "-q"]
    assert hoist_global_flags(["-v", "sweep", "x.yaml"]) == ["-v", "sweep", "x.yaml"]


def test_a_command_keeps_its_own_flag_of_a_global_name():
    from ctsim.cli.main import hoist_global_flags
    # explore has --quiet/--verbose of its own (request logging): they stay its own; -q is the app's
    assert hoist_global_flags(["explore", "x.yaml", "--verbose", "-q"]) == ["-q", "explore", "x.yaml", "--verbose"]


def test_the_outputs_line_lists_figures_only_when_they_are_written(root, tmp_path, capsys):
    scenario = root / "scenarios/steel2030.yaml"
    assert cli("run", scenario, "-o", tmp_path / "n", "--no-figures") == 0
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("Outputs in")][0]
    assert "figures/" not in line and "summary.json" in line


def test_the_outputs_line_lists_what_the_folder_holds(root, tmp_path, capsys):
    out = tmp_path / "o"
    assert cli("run", root / "scenarios/steel2030.yaml", "-o", out, "--no-figures") == 0
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("Outputs in")][0]
    listed = line.split("(", 1)[1].rstrip(")").split(", ")
    assert sorted(listed) == sorted(p.name for p in out.iterdir()) and "trajectories_wide.csv" in listed
