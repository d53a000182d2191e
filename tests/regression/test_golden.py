"""Every bundled scenario and two sweeps give the golden outputs to the last bit (golden.py).

A change that moves a number fails here; if the change is meant to, regenerate with ``make golden``
and say why in the commit.
"""

from __future__ import annotations

import difflib

import golden
import pytest

RUNS = golden.scenario_names()


def _check(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        path = golden.GOLDEN / f"{name}.gz"
        assert path.exists(), f"no golden file {path.name}: run make golden"
        expected = golden.read(name)
        if text != expected:
            diff = "\n".join(list(difflib.unified_diff(expected.splitlines(), text.splitlines(),
                                                       "golden", "now", lineterm="", n=0))[:12])
            pytest.fail(f"{name} differs from its golden file (make golden regenerates):\n{diff}")


def test_every_bundled_scenario_has_a_golden_run():
    stored = {p.name.split(".")[0] for p in golden.GOLDEN.glob("*.trajectories.csv.gz")}
    assert stored == set(RUNS)


@pytest.mark.parametrize("name", RUNS)
def test_run_equals_golden(name):
    _check(golden.run_outputs(name))


@pytest.mark.parametrize("spec", golden.SWEEPS, ids=[s[0] for s in golden.SWEEPS])
def test_sweep_equals_golden(spec):
    _check(golden.sweep_outputs(*spec))
