"""Invariant messages show values in full and the difference they report (issue 13: ``%.6g`` printed
``22933.5, total 22933.5`` for two sums that differed)."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim import ModelInvariantError, load_scenario
from ctsim.engine import simulate
from ctsim.engine.guards import check_final, check_year, full
from ctsim.inputs.build import build_inputs
from ctsim.resolve import resolve


@pytest.fixture(scope="module")
def clean(root):
    inputs = build_inputs(resolve(load_scenario(root / "scenarios" / "baseline.yaml")), n_samples=2)
    return inputs.years, simulate(inputs)


def _copy(out):
    return {k: np.array(v) for k, v in out.items()}


def test_full_reads_back_exactly():
    for x in (22933.5, 22933.500000001, -2.0, 1e-300, 0.1 + 0.2, np.nan, np.inf, -np.inf):
        text = full(x)
        assert float(text) == x or (np.isnan(x) and text == "nan")
    assert full(-2.0) == "-2" and full(0.1 + 0.2) == "0.30000000000000004"


def test_a_balance_off_past_the_sixth_digit_shows_both_sums_and_the_difference(clean):
    years, out = clean
    out = _copy(out)
    t = 5
    total = out["co2_total_mt"][0, t]
    out["co2_process_mt"][0, t] += total * 1e-5  # above the 1e-6 tolerance, below %.6g's digits
    with pytest.raises(ModelInvariantError) as exc:
        check_year(out, t, int(years[t]))
    message = str(exc.value)
    parts = ("co2_power_mt", "co2_steel_mt", "co2_other_energy_mt", "co2_process_mt")
    summed = sum(out[p][0, t] for p in parts)
    assert f"= {full(summed)}, total {full(total)} (difference {full(summed - total)})" in message
    assert full(summed) != full(total)


def test_served_and_demand_are_shown_in_full(clean):
    years, out = clean
    out = _copy(out)
    t = 3
    out["unserved_twh"][1, t] += out["demand_twh"][1, t] * 1e-5
    with pytest.raises(ModelInvariantError) as exc:
        check_year(out, t, int(years[t]))
    served = out["gen_total_twh"][1, t] + out["unserved_twh"][1, t]
    demand = out["demand_twh"][1, t]
    assert exc.value.sample == 1
    assert (f"= {full(served)}, demand {full(demand)} (difference {full(served - demand)})"
            in str(exc.value))


def test_a_value_is_shown_in_full(clean):
    years, out = clean
    out = _copy(out)
    out["cap_coal_gw"][0, 2] = -1.000000123456789
    with pytest.raises(ModelInvariantError, match=r"negative value \(got -1\.000000123456789\)"):
        check_year(out, 2, int(years[2]))
    out = _copy(clean[1])
    out["co2_intensity_reduction_2005"][0, 4] = np.inf
    with pytest.raises(ModelInvariantError, match=r"not a finite number \(got inf\)"):
        check_final(out, years)
