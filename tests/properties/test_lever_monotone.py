"""Monotone responses of the policy levers (hypothesis): each case runs its samples in one call."""

from functools import lru_cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.inputs.build import interpolate_path
from ctsim.pipeline import run_resolved
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

YEARS = np.arange(2020, 2061)


@lru_cache(maxsize=4)
def _resolved(steel_covered: bool):
    data = {} if steel_covered else {"policy": {"ets_steel_start_year": 2100}}
    return resolve(scenario_from_dict(data, "props"))


def _paths(resolved, name, factors):
    """The default path scaled by each factor from 2021 on (the 2020 stocks are observed)."""
    base = interpolate_path(resolved.values[name], YEARS)
    return np.stack([np.where(YEARS > 2020, base * f, base) for f in factors])


factors = st.lists(st.floats(0.0, 8.0), min_size=2, max_size=4).map(sorted)


@settings(max_examples=15, deadline=None)
@given(factors)
def test_higher_carbon_price_never_raises_power_co2(fs):
    # steel outside the ETS: a price on steel moves steel to EAF, whose electricity is power CO2
    resolved = _resolved(False)
    res = run_resolved(resolved, {"policy.carbon_price": _paths(resolved, "policy.carbon_price", fs)},
                       n_samples=len(fs))
    power = res["Emissions|CO2|Energy|Supply|Electricity"]
    assert np.all(np.diff(power, axis=0) <= 1e-6 * power[:-1])


@settings(max_examples=15, deadline=None)
@given(factors)
def test_higher_carbon_price_never_raises_cumulative_co2(fs):
    resolved = _resolved(True)
    res = run_resolved(resolved, {"policy.carbon_price": _paths(resolved, "policy.carbon_price", fs)},
                       n_samples=len(fs))
    cumulative = res["Emissions|CO2|Energy and Industrial Processes"].sum(axis=1)
    assert np.all(np.diff(cumulative) <= 1e-6 * cumulative[:-1])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.0, 4.0), min_size=2, max_size=4).map(sorted))
def test_more_wind_and_solar_never_raise_coal_generation(fs):
    resolved = _resolved(True)
    over = {f"power.{t}_additions_gw": _paths(resolved, f"power.{t}_additions_gw", fs)
            for t in ("wind", "solar")}
    res = run_resolved(resolved, over, n_samples=len(fs))
    coal = res["Secondary Energy|Electricity|Coal"]
    assert np.all(np.diff(coal, axis=0) <= 1e-6 * np.maximum(coal[:-1], 1.0))
