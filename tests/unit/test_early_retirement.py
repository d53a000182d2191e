"""Economic early retirement of coal as a logit share (issue 11: no on/off switches)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ctsim.engine.axes import COAL, COAL_CCS, POWER_TECHS
from ctsim.engine.power import early_retirement_share

Y = 41


def _share(price=100.0, power_price=370.0, coal_twh=4000.0, bench=None, lead=5.0, scale=30.0):
    price = np.atleast_1d(np.asarray(price, dtype=float))
    # the registry's benchmark path: 2020 0.88, 2025 0.86, 2030 0.82, 2060 0.70 t/MWh
    bench = np.interp(2020 + np.arange(Y), [2020, 2025, 2030, 2060], [0.88, 0.86, 0.82, 0.70])[None] if bench is None else bench
    t = 5  # 2025
    intensity = 0.858  # t/MWh: the less efficient tier in 2025, just below the 2025 benchmark
    pw = SimpleNamespace(retire_benchmark_lookahead_yr=np.array([lead]),
                         coal_power_price_cny_per_mwh=np.full((1, Y), power_price),
                         coal_price_cny_per_tce=np.full((1, Y), 900.0), coal_fixed_om_cny_per_kw_yr=np.array([150.0]),
                         dispatch_cost_scale_cny_per_mwh=np.array([scale]))
    pol = SimpleNamespace(power_benchmark_t_per_mwh=bench)
    costs = SimpleNamespace(carbon_other_cny_per_mwh=price * (intensity - bench[..., t]), carbon_price_cny_per_t=price,
                            ets_power_covered=np.array([1.0]), benchmark_t_per_mwh=bench[..., t],
                            heat_rate_other_gce_per_kwh=np.array([317.0]))
    cap = np.zeros((1, len(POWER_TECHS)))
    cap[0, COAL], cap[0, COAL_CCS] = 1100.0, 0.0
    return early_retirement_share(pw, pol, costs, cap, np.zeros(1), np.array([coal_twh]), t)


def test_the_share_rises_strictly_and_smoothly_with_the_carbon_price():
    prices = np.linspace(0.0, 3000.0, 301)
    share = _share(prices)
    step = np.diff(share)
    assert np.all(step > 0)  # strictly: no flat region where the price does nothing
    assert np.all(np.abs(np.diff(step)) < 0.05 * step.max() + 1e-12)  # no kink or jump between neighbours
    assert 0.0 < share[0] < share[-1] < 1.0


def test_idle_plants_and_low_power_prices_close_more():
    busy, idle = _share(coal_twh=5000.0), _share(coal_twh=2000.0)
    assert idle > busy
    assert _share(power_price=300.0) > _share(power_price=370.0)


def test_the_decision_prices_carbon_at_the_benchmark_ahead():
    # units slightly cleaner than this year's benchmark would earn from a higher price and stay open;
    # priced at the tighter benchmark five years ahead, a higher price closes more of them
    now = _share(np.array([100.0, 200.0]), lead=0.0)
    ahead = _share(np.array([100.0, 200.0]), lead=5.0)
    assert now[1] < now[0]
    assert ahead[1] > ahead[0]


def test_half_close_at_break_even():
    # a flat benchmark and no carbon: margin = P - fuel - FOM / hours; the power price that makes it 0
    fuel = 900.0 * 317.0 * 1e-3
    fom = 150.0 * 1e3 / (1e3 * 4000.0 / 1100.0)
    assert _share(price=0.0, power_price=fuel + fom) == np.float64(0.5)
