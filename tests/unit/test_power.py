"""Power kernels against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim.engine import capacity, power

VRE = np.array([False, False, True, True])  # hydro, nuclear, wind, solar


def _dispatch(demand, nonfossil, must=0.0, gas_planned=0.0, gas_max=0.0, coal_max=1e9):
    return power.dispatch(np.array([demand]), np.array([nonfossil], dtype=float), VRE,
                          np.array([must]), np.array([gas_planned]), np.array([gas_max]),
                          np.array([coal_max]))


def test_dispatch_fills_with_gas_then_coal_then_extra_gas():
    d = _dispatch(1000, [100, 50, 30, 20], must=10, gas_planned=40, gas_max=90, coal_max=700)
    # residual 1000 - 10 - 200 = 790: gas 40, coal 700, extra gas 50, unserved 0
    assert d["gas"][0] == pytest.approx(90)
    assert d["coal"][0] == pytest.approx(700)
    assert d["unserved"][0] == pytest.approx(0)


def test_dispatch_records_unserved_when_capacity_runs_out():
    d = _dispatch(1000, [100, 50, 30, 20], must=10, gas_planned=40, gas_max=60, coal_max=500)
    # residual 790: gas 40 + coal 500 + extra 20 = 560 -> unserved 230
    assert d["unserved"][0] == pytest.approx(230)
    assert d["gas"][0] == pytest.approx(60)


def test_dispatch_curtails_wind_and_solar_first():
    d = _dispatch(150, [60, 40, 60, 40], must=10)
    # supply 200 + 10 > 150: excess 60, all from wind+solar (100) in proportion: keep 40 %
    np.testing.assert_allclose(d["nonfossil"][0], [60, 40, 24, 16])
    assert d["curtailed"][0] == pytest.approx(60)
    assert d["coal"][0] == 0 and d["gas"][0] == 0 and d["unserved"][0] == 0


def test_dispatch_spills_hydro_when_curtailment_is_not_enough():
    d = _dispatch(50, [60, 40, 10, 10])
    # excess 70: wind+solar give 20, hydro+nuclear spill 50 of 100 in proportion
    np.testing.assert_allclose(d["nonfossil"][0], [30, 20, 0, 0])
    assert d["spilled"][0] == pytest.approx(50)


def test_dispatch_balance_closes_for_many_samples():
    rng = np.random.default_rng(1)
    S = 200
    demand = rng.uniform(100, 1000, S)
    must = rng.uniform(0, 50, S)
    nf = rng.uniform(0, 300, (S, 4))
    d = power.dispatch(demand, nf, VRE, must, rng.uniform(0, 100, S), rng.uniform(100, 200, S),
                       rng.uniform(0, 500, S))
    supplied = must + d["nonfossil"].sum(1) + d["gas"] + d["coal"] + d["unserved"]
    np.testing.assert_allclose(supplied, demand, rtol=1e-12)
    assert (d["unserved"] >= 0).all() and (d["curtailed"] >= 0).all()
    assert (d["nonfossil"] <= nf + 1e-12).all()


def test_potential_generation_units():
    # 100 GW at 50 % for a year = 438 TWh
    assert power.potential_generation(np.array([100.0]), np.array([0.5]))[0] == pytest.approx(438)


def test_available_capacity_is_the_mean_of_start_and_end():
    assert power.available_capacity(np.array([100.0]), np.array([120.0]))[0] == 110


def test_initial_fleet_survival_hand_values():
    m = np.array([42.0])
    # P(age >= 0) = 1, P(age >= 21) = (1 - 0.5)^2 = 0.25, P(age >= 42) = 0
    np.testing.assert_allclose(capacity.initial_fleet_survival(np.array([0.0, 21.0, 42.0]), m),
                               [1.0, 0.25, 0.0])


def test_initial_fleet_retires_completely_over_a_lifetime():
    cap, L, mean = np.array([1000.0]), np.array([40.0]), np.array([14.0])
    total = sum(capacity.initial_fleet_retirement(cap, t, L, mean)[0] for t in range(0, 41))
    # every unit of the 2020 fleet (max age 42) retires exactly once within [2020, 2060]
    assert total == pytest.approx(1000.0)
    # with mean age 14 (max 42), units aged 40+ in 2020 retire in 2020: (2/42)^2 of the fleet
    assert capacity.initial_fleet_retirement(cap, 0, L, mean)[0] == pytest.approx(1000 * (2 / 42) ** 2)
