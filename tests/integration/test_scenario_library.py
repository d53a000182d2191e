"""Every bundled scenario validates and runs; the library's headline verdicts hold."""

from pathlib import Path

import numpy as np
import pytest

from ctsim import run

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def runs():
    return {p.stem: run(p) for p in SCENARIOS}


def test_library_is_not_empty():
    assert len(SCENARIOS) >= 2


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_runs_with_finite_outputs(path, runs):
    res = runs[path.stem].results
    for name, arr in res.arrays.items():
        assert np.isfinite(arr).all(), name
    net = res["Emissions|CO2|Energy and Industrial Processes"] - res["Carbon Removal"]
    np.testing.assert_allclose(res["Emissions|CO2"], net)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_has_a_header_comment_with_its_question(path):
    head = path.read_text(encoding="utf-8").splitlines()[:12]
    assert head[0].startswith("#")
    assert any("Question" in line for line in head)


def test_steel2030_meets_its_targets(runs):
    verdicts = {v.id: bool(v.met[0]) for v in runs["steel2030"].verdicts}
    assert verdicts and all(verdicts.values()), verdicts
