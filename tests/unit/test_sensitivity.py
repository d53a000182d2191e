"""analysis/sensitivity.py: the Sobol estimator gives SALib's numbers bit for bit (SALib's own
analyze is the reference: the port only stops recomputing what is the same for every parameter),
on random, real-sized, constant, nearly constant and two-valued outputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from SALib.analyze import sobol

from ctsim.analysis.sensitivity import RESAMPLES, sobol_indices


def _outputs():
    rng = np.random.default_rng(11)
    x = rng.random((2048 * 7, 5))
    ishigami = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    return {
        "normal": (rng.normal(size=7 * 512), 5),
        "ishigami-like, real size": (ishigami, 5),
        "three parameters": (rng.lognormal(size=5 * 300), 3),
        "constant": (np.full(7 * 64, 3.0), 5),
        "one value differs": (np.r_[np.zeros(7 * 32 - 1), 1.0], 5),  # resamples can be constant
        "two values (a peak year)": (2030.0 + rng.integers(0, 2, 7 * 128), 5),
    }


@pytest.mark.parametrize("name", list(_outputs()))
def test_sobol_indices_are_salibs_bit_for_bit(name):
    y, d = _outputs()[name]
    problem = {"num_vars": d, "names": [f"p{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        ref = sobol.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES,
                            seed=987)
        ours = sobol_indices(y, d, RESAMPLES, 987)
    for index in ("S1", "ST"):
        assert np.array_equal(ours[index][0], ref[index], equal_nan=True), index
        assert np.array_equal(ours[index][1], ref[f"{index}_conf"], equal_nan=True), index


def test_sobol_indices_refuse_a_partial_block():
    with pytest.raises(ValueError, match="whole blocks of 7"):
        sobol_indices(np.zeros(7 * 10 + 3), 5, RESAMPLES, 1)
