"""The scenario library ships in the package: a bare name (``steel2030``) runs, validates, extends and
explores from any folder, as after ``pip install`` without the repository."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

import ctsim
from ctsim.cli.main import main
from ctsim.errors import ScenarioError

try:
    import tomllib
except ImportError:  # Python 3.10: the same parser, as pip vendors it
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "ctsim"


def cli(*args) -> int:
    with pytest.raises(SystemExit) as exc:
        main(list(map(str, args)))
    return exc.value.code


def test_the_library_is_the_repository_scenarios_folder():
    bundled = ctsim.bundled_scenarios()
    assert sorted(bundled) == sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    for name, path in bundled.items():
        assert path.read_bytes() == (ROOT / "scenarios" / f"{name}.yaml").read_bytes()


@pytest.mark.parametrize("name", ["baseline", "steel2030", "neutrality2060"])
def test_a_name_loads_the_same_scenario_as_its_file(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here
    by_name = ctsim.load_scenario(name)
    by_file = ctsim.load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    assert by_name.name == by_file.name == name
    assert by_name.raw == by_file.raw


def test_extends_a_bundled_name_as_its_file(tmp_path):
    (tmp_path / "by_name.yaml").write_text("extends: baseline\nname: x\npolicy:\n  carbon_price: {2026: 100, 2060: 800}\n")
    (tmp_path / "by_path.yaml").write_text(f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nname: x\n"
                                          "policy:\n  carbon_price: {2026: 100, 2060: 800}\n")
    a, b = (ctsim.run(tmp_path / f) for f in ("by_name.yaml", "by_path.yaml"))
    assert a.results.to_iamc().equals(b.results.to_iamc())
    assert a.resolved.values["policy.carbon_price"] != ctsim.run("baseline").resolved.values["policy.carbon_price"]


def test_an_unknown_name_is_one_line_listing_the_library(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match="bundled scenario .*steel2030"):
        ctsim.load_scenario("steel2031")
    (tmp_path / "s.yaml").write_text("extends: basline\n")
    assert cli("validate", tmp_path / "s.yaml") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "extends" in err and "baseline" in err


def test_a_local_file_of_that_name_is_not_read_as_the_library(tmp_path, monkeypatch):
    # only a name that is no file refers to the library; a scenario file called so stays the user's
    monkeypatch.chdir(tmp_path)
    (tmp_path / "steel2030").mkdir()
    with pytest.raises(ScenarioError):
        ctsim.load_scenario("steel2030")


def test_run_and_scenarios_work_outside_the_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli("run", "steel2030", "--no-figures") == 0
    assert (tmp_path / "out" / "steel2030" / "trajectories.csv").is_file()
    capsys.readouterr()
    assert cli("scenarios") == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[:-1]]
    assert listed == list(ctsim.bundled_scenarios())


def test_explore_defaults_to_the_bundled_steel2030(tmp_path, monkeypatch):
    from ctsim.cli.explore import DEFAULT_SCENARIO
    from ctsim.explorer.server import make_server

    monkeypatch.chdir(tmp_path)
    server = make_server(DEFAULT_SCENARIO, 0)
    try:
        assert server.session.loaded.name == "steel2030"
    finally:
        server.server_close()


def test_every_data_file_of_the_package_is_in_its_package_data():
    """A file the package reads but the wheel leaves out works in the repository and fails after
    ``pip install``: every non-Python file under src/ctsim must match a package-data pattern."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["ctsim"]
    files = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
             if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert any(f.startswith("scenarios/") for f in files)
    def packaged(f: str, pattern: str) -> bool:  # setuptools' glob: one folder level per part, no recursion
        path, pat = PurePosixPath(f), PurePosixPath(pattern)
        return len(path.parts) == len(pat.parts) and path.match(pattern)

    missing = [f for f in files if not any(packaged(f, pat) for pat in patterns)]
    assert not missing, missing


def test_extends_a_name_that_is_a_local_folder_keeps_the_path_meaning(tmp_path):
    (tmp_path / "baseline").mkdir()
    (tmp_path / "s.yaml").write_text("extends: baseline\n")
    with pytest.raises(ScenarioError, match=r"ending in \.yaml or \.yml \(got baseline\)"):
        ctsim.load_scenario(tmp_path / "s.yaml")
