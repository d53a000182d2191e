"""neutral_by verdicts on hand-made series."""

import numpy as np
from numpy.testing import assert_allclose

from ctsim import Results
from ctsim.analysis.targets import evaluate_target
from ctsim.scenario.targets import NeutralBy


def _results(rows):
    return Results("t", np.array([2050, 2055, 2060, 2065]), {"co2_net_mt": np.array(rows, dtype=float)})


def test_neutral_by_needs_every_year_from_the_deadline():
    res = _results([[500, 0, -10, -5], [500, 0, 20, -5], [-1, -1, -1, -1]])
    target = NeutralBy(id="nz", kind="neutral_by", variable="Emissions|CO2", year=2055, value=0.0)
    v = evaluate_target(target, res)
    assert v.met.tolist() == [True, False, True]
    assert_allclose(v.value, [0.0, 20.0, -1.0])  # worst year from 2055 on
    assert_allclose(v.margin, [0.0, -20.0, 1.0])


def test_neutral_by_with_a_residual_allowance():
    target = NeutralBy(id="nz", kind="neutral_by", variable="Emissions|CO2", year=2060, value=100.0)
    v = evaluate_target(target, _results([[900, 900, 90, 100]]))
    assert v.met.tolist() == [True]
    assert_allclose(v.margin, [0.0])
