"""Numerical guards (engine/guards.py): a bad state stops the run with ModelInvariantError naming the
variable, the year and the sample; the CLI maps it to exit code 3."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ctsim import ModelInvariantError, load_scenario
from ctsim.engine import simulate
from ctsim.engine.guards import BALANCES, check_final, check_year
from ctsim.inputs.build import build_inputs
from ctsim.resolve import resolve

S = 4


@pytest.fixture(scope="module")
def baseline_inputs(root):
    return resolve(load_scenario(root / "scenarios" / "baseline.yaml"))


@pytest.fixture(scope="module")
def clean(baseline_inputs):
    """A consistent engine state: the baseline run with S identical samples."""
    inputs = build_inputs(baseline_inputs, n_samples=S)
    return inputs.years, simulate(inputs)


def _copy(out):
    return {k: np.array(v) for k, v in out.items()}


def test_a_clean_run_passes_every_year_and_every_balance(clean):
    years, out = clean
    for t, year in enumerate(years):
        check_year(out, t, int(year))
    check_final(out, years)
    for total, parts, _ in BALANCES:  # the balances name outputs the engine really has
        assert total in out and all(p in out for p in parts)


@pytest.mark.parametrize(
    "name, change, variable, fragment",
    [
        ("cap_coal_gw", np.nan, "cap_coal_gw", "not a finite number (got nan)"),
        ("gen_wind_twh", np.inf, "gen_wind_twh", "not a finite number (got inf)"),
        ("gdp_bn", -np.inf, "gdp_bn", "not a finite number (got -inf)"),
        ("co2_steel_mt", -2.0, "co2_steel_mt", "negative value (got -2)"),
        ("cap_solar_gw", -1.0, "cap_solar_gw", "negative value (got -1)"),
        ("removal_land_mt", -5.0, "removal_land_mt", "negative value (got -5)"),
        ("carbon_price", -3.0, "carbon_price", "negative value (got -3)"),
        ("steel_eaf_share", 1.2, "steel_eaf_share", "share outside [0, 1] (got 1.2)"),
        ("share_nonfossil_gen", -0.1, "share_nonfossil_gen", "share outside [0, 1] (got -0.1)"),
        ("unserved_twh", "+100", "gen_total_twh", "generation + unserved differs from demand"),
        ("gen_coal_twh", "+50", "gen_total_twh", "generation by source does not add up"),
        ("steel_eaf_mt", "+10", "steel_total_mt", "steel output by route does not add up"),
        ("coal_power_mtce", "+10", "coal_total_mtce", "coal use by sector does not add up"),
        ("oil_total_mtce", "+10", "pe_total_mtce", "primary energy by fuel does not add up"),
        ("co2_process_mt", "+10", "co2_total_mt", "CO2 by sector does not add up"),
        ("removal_beccs_mt", "+1", "removal_total_mt", "CO2 removals by kind does not add up"),
        ("co2_captured_steel_mt", "+1", "co2_captured_mt", "captured CO2 by sector does not add up"),
    ],
)
def test_a_bad_state_names_variable_year_and_sample(clean, name, change, variable, fragment):
    years, out = clean
    out = _copy(out)
    t, sample = 7, 2
    if isinstance(change, str):
        out[name][sample, t] += float(change)
    else:
        out[name][sample, t] = change
    for earlier in range(t):  # the years before are untouched and still pass
        check_year(out, earlier, int(years[earlier]))
    with pytest.raises(ModelInvariantError) as err:
        check_year(out, t, int(years[t]))
    exc = err.value
    assert (exc.variable, exc.year, exc.sample) == (variable, int(years[t]), sample)
    assert exc.exit_code == 3
    msg = str(exc)
    assert "\n" not in msg
    assert msg.startswith(f"model invariant broken: {variable} in {int(years[t])}, sample {sample}: ")
    assert fragment in msg


def test_the_first_bad_sample_is_named(clean):
    years, out = clean
    out = _copy(out)
    out["cap_wind_gw"][[1, 3], 5] = np.nan
    with pytest.raises(ModelInvariantError) as err:
        check_year(out, 5, int(years[5]))
    assert err.value.sample == 1


def test_round_off_is_not_a_violation(clean):
    years, out = clean
    out = _copy(out)
    out["gen_coal_twh"][0, 3] *= 1 + 1e-12
    out["steel_eaf_share"][0, 3] = 1 + 1e-12
    check_year(out, 3, int(years[3]))


def test_outputs_filled_after_the_loop_are_checked(clean):
    years, out = clean
    out = _copy(out)
    out["co2_intensity_reduction_2005"][3, 10] = np.nan
    with pytest.raises(ModelInvariantError) as err:
        check_final(out, years)
    assert (err.value.variable, err.value.year, err.value.sample) == (
        "co2_intensity_reduction_2005", int(years[10]), 3)


def test_bad_sampled_inputs_stop_the_engine_naming_the_sample(baseline_inputs):
    """Per-sample overrides (as a sweep would give): only sample 2 has a 2020 coal total below the
    coal its sectors burn in 2020, so the remainder ('other' coal) turns negative there."""
    coal = np.full(S, 2874.653)
    coal[2] = 100.0
    # a counterfactual of history: observed years are otherwise simulated with the registry's values
    replay = dataclasses.replace(baseline_inputs, history_end=None)
    inputs = build_inputs(replay, {"other.coal_total_2020_mtce": coal}, n_samples=S)
    with pytest.raises(ModelInvariantError) as err:
        simulate(inputs)  # no RuntimeWarning either: pytest turns warnings into errors
    assert (err.value.year, err.value.sample) == (2020, 2)


def test_nan_input_is_reported_once_not_as_numpy_warnings(baseline_inputs):
    ev = np.repeat(build_inputs(baseline_inputs).transport.ev_share, S, axis=0)
    ev[3, :] = np.nan
    inputs = build_inputs(baseline_inputs, {"transport.ev_share": ev}, n_samples=S)
    with pytest.raises(ModelInvariantError) as err:
        simulate(inputs)
    # observed years are simulated with the registry's values: the bad input acts from 2025
    assert (err.value.year, err.value.sample) == (2025, 3)
    assert "not a finite number" in str(err.value)
