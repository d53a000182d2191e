"""Price-driven efficiency retrofits of the less efficient coal units (power.coal_retrofit_share).

What the carbon price adds to the retrofits of the heat-rate path: none without a price, more at a
higher one (smoothly), none in the observed years, never more than the less efficient units, and
retrofitted units raise the efficient tier's share in proportion of their saving to the tier gap.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from ctsim.engine import power
from ctsim.inputs.build import build_inputs, simulated_years
from ctsim.pipeline import load
from ctsim.resolve import resolve

ROOT = Path(__file__).resolve().parents[2]
PRICES = np.array([0.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 2500.0])


@pytest.fixture(scope="module")
def setup():
    resolved = resolve(load(ROOT / "scenarios" / "baseline.yaml"))
    years = simulated_years(resolved)
    n = len(PRICES)
    inp = build_inputs(resolved, {"policy.carbon_price": np.repeat(PRICES[:, None], len(years), axis=1)}, n)
    return inp, years, n


def prev_state(n: int, before: float = 0.0, coal_twh: float = 5000.0):
    capacity = np.zeros((n, 7))
    capacity[:, 0] = 1100.0
    return SimpleNamespace(capacity_gw=capacity, coal_backup_gw=np.zeros(n), coal_generation_twh=np.full(n, coal_twh),
                           coal_retrofit_share=np.full(n, before))


def share(inp, years, year: int, prev):
    t = int(np.flatnonzero(years == year)[0])
    costs = power.step_costs(inp.power, inp.policy, inp.factors, inp.shock, year, t)
    return power.coal_retrofit_share(inp.power, inp.factors, prev, costs, year, t), costs


def test_the_carbon_price_adds_retrofits_smoothly_and_none_without_it(setup):
    inp, years, n = setup
    got, _ = share(inp, years, 2030, prev_state(n, before=0.02))
    assert got[0] == 0.02  # no price: the path's retrofits only
    assert np.all(np.diff(got) > 0)  # each higher price retrofits more
    step = np.diff(got) / np.diff(PRICES)
    assert step.max() < 1e-3  # a few hundredths of a percent per CNY/t: no jump


def test_observed_years_and_the_first_year_add_nothing(setup):
    inp, years, n = setup
    got, _ = share(inp, years, 2023, prev_state(n, before=0.0))
    assert np.all(got == 0.0)
    t = 0
    costs = power.step_costs(inp.power, inp.policy, inp.factors, inp.shock, 2020, t)
    assert np.all(power.coal_retrofit_share(inp.power, inp.factors, None, costs, 2020, t) == 0.0)


def test_never_more_than_the_less_efficient_units(setup):
    inp, years, n = setup
    prev = prev_state(n)
    for year in range(2025, 2061):
        got, costs = share(inp, years, year, prev)
        assert np.all(got >= prev.coal_retrofit_share)  # cumulative
        assert np.all(got <= np.maximum(1.0 - costs.efficient_share, prev.coal_retrofit_share) + 1e-12)
        prev.coal_retrofit_share = got


def test_idle_or_busy_units_respond_to_the_price_alone(setup):
    """Running hours set the retrofit's cost per MWh, hence how much the path's retrofits already take;
    what the price adds is positive and rising whatever the hours, and nothing without a price."""
    inp, years, n = setup
    for coal_twh in (500.0, 2000.0, 6000.0):
        got, _ = share(inp, years, 2030, prev_state(n, coal_twh=coal_twh))
        assert got[0] == 0.0 and np.all(np.diff(got) > 0), coal_twh


def test_retrofitted_units_raise_the_efficient_tier_by_their_saving(setup):
    inp, years, n = setup
    t = int(np.flatnonzero(years == 2030)[0])
    costs = power.step_costs(inp.power, inp.policy, inp.factors, inp.shock, 2030, t)
    avail = np.zeros((n, 7))
    avail[:, 0] = 1000.0
    d = SimpleNamespace(oil_twh=np.zeros(n))
    zero = np.zeros(n)
    plain = power.coal_fleet(inp.power, avail, zero, zero, costs, d, np.zeros(n))
    retro = power.coal_fleet(inp.power, avail, zero, zero, costs, d, np.full(n, 0.1))
    ratio = inp.power.retrofit_heat_rate_saving_gce_per_kwh / inp.power.coal_heat_rate_spread_gce_per_kwh
    total = plain.max_eff_twh + plain.max_other_twh
    np.testing.assert_allclose(retro.max_eff_twh - plain.max_eff_twh, 0.1 * ratio * total, rtol=1e-12)
    np.testing.assert_allclose(retro.max_eff_twh + retro.max_other_twh, total, rtol=1e-12)
