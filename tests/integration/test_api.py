"""The public API: complete, documented, light to import, and the library reproduces the CLI."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import ctsim

SCENARIO = "scenarios/steel2030.yaml"


def test_import_is_light():
    code = ("import sys, time; t = time.perf_counter(); import ctsim; "
            "dt = time.perf_counter() - t; "
            "heavy = [m for m in ('pandas', 'pydantic', 'numpy', 'yaml', 'matplotlib', 'SALib') "
            "if m in sys.modules]; print(heavy, dt)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, seconds = out.stdout.rsplit(" ", 1)
    assert heavy == "[]", heavy
    assert float(seconds) < 0.5


def test_all_is_complete_and_documented():
    public = {n for n in dir(ctsim) if not n.startswith("_")} | {"__version__"}
    names = set(ctsim.__all__)
    assert len(names) == len(ctsim.__all__)
    for name in ctsim.__all__:
        obj = getattr(ctsim, name)  # every listed name resolves
        if name != "__version__":
            assert inspect.getdoc(obj), f"ctsim.{name} has no docstring"
    # every public name defined in ctsim is listed (submodules imported meanwhile are not API)
    modules = {n for n in public if inspect.ismodule(getattr(ctsim, n))}
    assert public - modules == names
    for required in ("load_scenario", "run", "sweep", "compare", "parameters", "variables",
                     "CtsimError", "ScenarioError", "UsageError", "DataError",
                     "ModelInvariantError", "Run", "Results", "SweepResult", "__version__"):
        assert required in names
    with pytest.raises(AttributeError):
        ctsim.no_such_name  # noqa: B018


def test_sweep_stays_the_function_after_the_subpackage_is_imported():
    import ctsim.sweeps.core  # noqa: F401

    assert callable(ctsim.sweep) and ctsim.sweep.__module__ == "ctsim.api"


@pytest.mark.parametrize("overrides, key, text", [
    ({"policy.carbon_prise": 100}, "policy.carbon_prise", "did you mean 'policy.carbon_price'"),
    ({"policy.carbon_price": 1e7}, "policy.carbon_price", "expected a value in [0, 10000]"),
    ({"policy.carbon_price": {2030: 50, 2065: 100}}, "policy.carbon_price.2065",
     "year outside horizon 2020-2060"),
    ({"policy.carbon_price": "high"}, "policy.carbon_price", "expected a number"),
    ({"carbon_price": 1}, "carbon_price", "did you mean 'policy.carbon_price'"),
])
def test_bad_overrides_raise_scenario_errors(overrides, key, text):
    with pytest.raises(ctsim.ScenarioError) as exc:
        ctsim.run("scenarios/baseline.yaml", overrides=overrides)
    assert exc.value.file == "<overrides>" and exc.value.key_path == key
    assert text in exc.value.message
    assert "\n" not in str(exc.value)


def test_overrides_equal_the_same_values_in_a_scenario_file(tmp_path):
    path = tmp_path / "priced.yaml"
    path.write_text(f"name: steel2030\nextends: {Path(SCENARIO).resolve()}\n"
                    "policy:\n  carbon_price: {2025: 100, 2040: 400}\n", encoding="utf-8")
    from_file = ctsim.run(path)
    overridden = ctsim.run(SCENARIO, overrides={"policy.carbon_price": {2025: 100, 2040: 400}})
    assert overridden.resolved.provenance["policy.carbon_price"] == "override"
    pd.testing.assert_frame_equal(from_file.results.to_iamc(), overridden.results.to_iamc())
    assert from_file.summary == overridden.summary
    assert overridden.summary != ctsim.run(SCENARIO).summary


def test_run_results_and_catalogues():
    run = ctsim.run(SCENARIO)
    assert isinstance(run, ctsim.Run) and isinstance(run.results, ctsim.Results)
    iamc = run.results.to_iamc()
    assert list(iamc.columns) == ["model", "scenario", "region", "variable", "unit", "year", "value"]
    co2 = run.results.series("Emissions|CO2|Energy and Industrial Processes")
    assert co2.index[0] == 2020 and co2.index[-1] == 2060
    assert set(run.summary) >= {"scenario", "metrics", "targets", "all_targets_met"}
    params, variables = ctsim.parameters(), ctsim.variables()
    assert "policy.carbon_price" in set(params["name"])
    assert set(iamc["variable"]) <= set(variables["variable"])


def test_library_sweep_equals_the_cli_folder(ctsim_main, tmp_path):
    out = tmp_path / "sw"
    res = ctsim_main("sweep", SCENARIO, "--samples", "120", "--method", "lhs", "--out", out,
                     "--no-figures")
    assert res.code == 0, res.stderr
    tables = ctsim.sweep(SCENARIO, samples=120, method="lhs").tables()
    assert sorted(tables) == ["design", "metrics", "quantiles", "sensitivity", "targets"]
    for name, frame in tables.items():
        written = pd.read_csv(out / f"{name}.csv")
        assert list(written.columns) == list(frame.columns), name
        assert len(written) == len(frame), name
    assert not (tmp_path / ".sw.chunks").exists()  # the store is removed once the folder is written


def test_check_over_a_sweep():
    verdict = ctsim.check(SCENARIO, samples=120, method="lhs")
    assert verdict.n_samples == 120 and verdict.sweep is not None
    assert all(r["threshold"] is not None for r in verdict.checks)
    assert verdict.passed == (not verdict.failed)


def test_check_with_nothing_uncertain_is_one_run(tmp_path):
    path = tmp_path / "fixed.yaml"
    path.write_text(
        "name: fixed\ntargets:\n  - {id: peak, kind: peak_by, variable: Emissions|CO2|Energy and Industrial Processes, year: 2030}\n"
        "checks: {peak: 0.9}\n", encoding="utf-8")
    verdict = ctsim.check(path)
    assert verdict.n_samples == 1 and verdict.sweep is None
    assert [r["id"] for r in verdict.checks] == ["peak"]
    assert verdict.checks[0]["probability"] in (0.0, 1.0)


def test_compare_gives_differences_and_wedges():
    comparison = ctsim.compare("scenarios/baseline.yaml", SCENARIO)
    assert comparison.names == ["baseline", "steel2030"]
    assert "steel2030 - baseline" in comparison.differences.columns
    wedges = comparison.wedges["steel2030"]
    total = sum(w for w in wedges.contributions.values())
    assert abs(total - wedges.gap).max() < 1e-6
