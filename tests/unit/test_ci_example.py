"""docs/examples/ctsim-check.yml (issue 12): it parses, docs/ci.md shows it as it is, and every ctsim
command it runs is a real command with real options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "ctsim-check.yml"


def _workflow() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _ctsim_commands() -> list[list[str]]:
    runs = [step["run"] for job in _workflow()["jobs"].values() for step in job["steps"] if "run" in step]
    return [shlex.split(line) for run in runs for line in run.splitlines() if line.startswith("ctsim ")]


def test_the_workflow_parses_as_a_github_actions_workflow():
    flow = _workflow()
    assert flow["name"] and "check" in flow["jobs"]
    assert True in flow or "on" in flow  # YAML 1.1 reads the key `on` as True
    steps = flow["jobs"]["check"]["steps"]
    assert any(s.get("uses", "").startswith("actions/checkout@") for s in steps)
    assert any(s.get("if") == "always()" for s in steps)  # the artifact is kept when a check fails


def test_docs_ci_md_shows_the_shipped_file():
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n(name: ctsim checks\n.*?)```", text, re.S)
    body = "".join(line for line in EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("#"))
    assert block == body
    assert "examples/ctsim-check.yml" in text


def test_its_ctsim_commands_and_options_exist(ctsim_help):
    commands = _ctsim_commands()
    assert [c[1] for c in commands] == ["validate", "check"]
    for argv in commands:
        usage = ctsim_help(argv[1])
        for opt in (a for a in argv[2:] if a.startswith("--")):
            assert opt in usage, (argv, opt)
        for path in (a for a in argv[2:] if a.startswith("scenarios/")):
            assert list(ROOT.glob(path)), path


def test_the_gate_it_runs_is_a_scenario_with_checks():
    (check,) = [c for c in _ctsim_commands() if c[1] == "check"]
    assert "checks:" in (ROOT / check[2]).read_text(encoding="utf-8")
