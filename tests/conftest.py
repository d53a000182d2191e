"""Shared fixtures. Hypothesis runs derandomized (same examples every run) so CI is reproducible."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=30,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def baseline_run():
    from ctsim import run

    return run(SCENARIOS / "baseline.yaml")


@pytest.fixture
def write_yaml(tmp_path):
    """Write a scenario file into tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def ctsim_help(capsys):
    """The --help text of a ctsim command, through the real entry point."""
    from ctsim.cli import main as cli

    def _help(command: str) -> str:
        capsys.readouterr()
        try:
            cli.main([command, "--help"])
        except SystemExit:
            pass
        return capsys.readouterr().out

    return _help
