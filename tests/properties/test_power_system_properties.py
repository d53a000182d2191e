"""Monotone responses and acceptance bounds of the power system over every bundled scenario (issue 11).

Each case runs its S variants of one scenario in one vectorised call, all with the same shock draws
(``sample_ids`` all 0), and compares neighbouring samples year by year. Levers move the projection
only (from 2025); the observed years are the same in every sample.

Where a CO2 cap binds (dual-control), total CO2 is held at the cap and a lever that abates one sector
leaves the cap less to take from the others: their CO2 rises by what the lever abated (the "waterbed"
of overlapping policies under a cap, docs/model.md, "Caps"). The per-sector properties are asserted for
the pairs of samples in which no cap binds in either; where one binds, the cap's own property stands
in: national CO2 never rises with the price (asserted unconditionally below) and stays at or below the
cap (tests/properties/test_cap_properties.py).

Known violations are marked ``xfail(strict=True)`` with what breaks, so they stay visible and a fix
shows up as an unexpected pass.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from ctsim.engine import simulate
from ctsim.inputs.build import build_inputs, interpolate_path, simulated_years
from ctsim.pipeline import load
from ctsim.resolve import resolve

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
FIRST_LEVER_YEAR = 2025
PRICE_ADDS = (0.0, 30.0, 100.0, 300.0, 600.0, 1000.0, 1500.0, 2500.0)  # CNY/t added from 2025
VRE_FACTORS = (1.0, 1.2, 1.5, 2.0, 3.0)  # wind and solar additions scaled from 2025
DROUGHT_FACTORS = (1.0, 0.95, 0.85, 0.7)  # hydro capacity factor in every year from 2025 (a shock)
CURTAILMENT_MAX = 0.17  # highest national wind curtailment observed, 2016 (docs/model.md)
UNSERVED_MAX = 0.001  # share of demand, without shocks (issue 11 acceptance)


@cache
def _resolved(name: str, steel_in_ets: bool = True):
    resolved = resolve(load(ROOT / "scenarios" / f"{name}.yaml"))
    if not steel_in_ets:
        resolved = replace(resolved, values={**resolved.values, "policy.ets_steel_start_year": 2100})
    return resolved


def _run(resolved, overrides: dict, n: int, shock_edit=None) -> dict[str, np.ndarray]:
    inp = build_inputs(resolved, overrides, n, np.zeros(n, dtype=int))
    if shock_edit is not None:
        inp = replace(inp, shock=shock_edit(inp.shock))
    return simulate(inp)


def _price_runs(name: str, steel_in_ets: bool = True) -> dict[str, np.ndarray]:
    resolved = _resolved(name, steel_in_ets)
    years = simulated_years(resolved)
    base = interpolate_path(resolved.values["policy.carbon_price"], years)
    paths = np.stack([np.where(years >= FIRST_LEVER_YEAR, base + a, base) for a in PRICE_ADDS])
    return _run(resolved, {"policy.carbon_price": paths}, len(PRICE_ADDS))


_price_cache: dict = {}


def _price(name: str, steel_in_ets: bool = True) -> dict[str, np.ndarray]:
    key = (name, steel_in_ets)
    if key not in _price_cache:
        _price_cache[key] = _price_runs(name, steel_in_ets)
    return _price_cache[key]


def _never_rises(x: np.ndarray) -> np.ndarray:
    """Where a sample's value exceeds its predecessor's (samples ordered by the lever), [S-1, Y]."""
    return np.diff(x, axis=0) > 1e-6 * np.maximum(np.abs(x[:-1]), 1.0)


def _never_falls(x: np.ndarray) -> np.ndarray:
    return np.diff(x, axis=0) < -1e-6 * np.maximum(np.abs(x[:-1]), 1.0)


def _cap_free(out: dict[str, np.ndarray]) -> np.ndarray:
    """[S-1, Y]: True where no cap binds in a sample or its predecessor (no cap, no binding: all True)."""
    binding = np.zeros(out["co2_total_mt"].shape, dtype=bool)
    for key in ("cap_binding_power", "cap_binding_steel", "cap_binding_national"):
        binding |= out[key] > 0
    return ~(binding[:-1] | binding[1:])


def _first(bad: np.ndarray, levels, what: str) -> str:
    i, j = np.argwhere(bad)[0]
    return f"{what}: {int(bad.sum())} cases, first at lever {levels[i + 1]} in {2020 + j}"


def _known(cases: dict[str, str]):
    """Parametrize over every scenario; the ones in ``cases`` are strict xfails with the reason."""
    return pytest.mark.parametrize("name", [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=cases[n])) if n in cases else n
        for n in SCENARIOS])


@_known({
    "campaign-style": "1 case, in 2028: +0.31 Mt at +30 CNY/t (7e-5): firm builds move from new coal to storage and "
                      "the efficient tier shrinks; price-driven retrofits offset part of it (docs/model.md, "
                      "campaign-style, 3)",
})
def test_higher_carbon_price_never_raises_power_co2_with_steel_outside_the_ets(name):
    # steel outside the ETS: a price on steel moves steel to EAF, whose electricity is power CO2
    out = _price(name, steel_in_ets=False)
    bad = _never_rises(out["co2_power_mt"]) & _cap_free(out)
    assert not bad.any(), _first(bad, PRICE_ADDS, "power CO2 rose")


@pytest.mark.parametrize("name", SCENARIOS)
def test_higher_carbon_price_never_raises_steel_co2(name):
    out = _price(name)
    bad = _never_rises(out["co2_steel_mt"]) & _cap_free(out)
    assert not bad.any(), _first(bad, PRICE_ADDS, "steel CO2 rose")


@_known({
    "campaign-style": "1 case: +0.31 Mt in 2028 at +30 CNY/t (power CO2, above)",
})
def test_higher_carbon_price_never_raises_national_co2_in_any_year(name):
    out = _price(name)
    bad = _never_rises(out["co2_total_mt"])
    assert not bad.any(), _first(bad, PRICE_ADDS, "national CO2 rose")


@pytest.mark.parametrize("name", SCENARIOS)
def test_higher_carbon_price_never_raises_cumulative_national_co2(name):
    cumulative = _price(name)["co2_total_mt"].sum(axis=1)
    assert np.all(np.diff(cumulative) <= 1e-6 * cumulative[:-1]), cumulative


@pytest.mark.parametrize("name", SCENARIOS)
def test_higher_carbon_price_never_lowers_the_eaf_share(name):
    out = _price(name)
    bad = _never_falls(out["steel_eaf_share"]) & _cap_free(out)
    assert not bad.any(), _first(bad, PRICE_ADDS, "EAF share fell")


@pytest.mark.parametrize("name", SCENARIOS)
def test_higher_carbon_price_never_lowers_the_h2dri_share(name):
    out = _price(name)
    share = out["steel_h2dri_mt"] / np.maximum(out["steel_total_mt"], 1e-9)
    bad = _never_falls(share) & _cap_free(out)
    assert not bad.any(), _first(bad, PRICE_ADDS, "H2-DRI share fell")


@pytest.mark.parametrize("name", SCENARIOS)
def test_more_wind_and_solar_never_raise_coal_generation(name):
    resolved = _resolved(name)
    years = simulated_years(resolved)
    over = {}
    for tech in ("wind", "solar"):
        base = interpolate_path(resolved.values[f"power.{tech}_additions_gw"], years)
        over[f"power.{tech}_additions_gw"] = np.stack(
            [np.where(years >= FIRST_LEVER_YEAR, base * f, base) for f in VRE_FACTORS])
    out = _run(resolved, over, len(VRE_FACTORS))
    bad = _never_rises(out["gen_coal_twh"]) & _cap_free(out)
    assert not bad.any(), _first(bad, VRE_FACTORS, "coal generation rose")


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_drought_never_lowers_coal_generation(name):
    # a drought is a shock: the hydro capacity factor falls in the year, planning does not see it
    resolved = _resolved(name)
    years = simulated_years(resolved)
    factors = np.array(DROUGHT_FACTORS)[:, None] * np.where(years >= FIRST_LEVER_YEAR, 1.0, 0.0) + \
        np.where(years >= FIRST_LEVER_YEAR, 0.0, 1.0)
    out = _run(resolved, {}, len(DROUGHT_FACTORS), lambda sh: replace(
        sh, hydro_cf_factor=np.broadcast_to(sh.hydro_cf_factor, (len(DROUGHT_FACTORS), len(years))) * factors))
    bad = _never_falls(out["gen_coal_twh"]) & _cap_free(out)
    assert not bad.any(), _first(bad, DROUGHT_FACTORS, "coal generation fell")


# --- acceptance bounds --------------------------------------------------------------------------
@cache
def _plain(name: str) -> dict[str, np.ndarray]:
    """The scenario without its shocks."""
    resolved = replace(_resolved(name), shocks=())
    return _run(resolved, {}, 1)


@pytest.mark.parametrize("name", SCENARIOS)
def test_without_shocks_unserved_electricity_is_at_most_a_tenth_of_a_percent(name):
    out = _plain(name)
    share = out["unserved_twh"][0] / out["demand_twh"][0]
    assert share.max() <= UNSERVED_MAX, f"{share.max():.3%} in {2020 + int(share.argmax())}"


@pytest.mark.parametrize("name", SCENARIOS)
def test_curtailment_stays_within_the_observed_national_range(name):
    share = _plain(name)["curtailed_share"][0]
    assert share.min() >= 0.0 and share.max() <= CURTAILMENT_MAX, share.max()


def test_the_cap_free_pairs_leave_most_of_dual_control_tested():
    # the waterbed exemption is narrow: dual-control's cap binds in 2025 and in 2031-2040 at low prices
    free = _cap_free(_price("dual-control"))[:, FIRST_LEVER_YEAR - 2020:]
    assert 0.5 < free.mean() < 1.0, free.mean()
    assert _cap_free(_price("baseline")).all()


def test_a_higher_carbon_price_from_2026_leaves_2020_2024_identical():
    resolved = _resolved("baseline")
    years = simulated_years(resolved)
    base = interpolate_path(resolved.values["policy.carbon_price"], years)
    paths = np.stack([base, np.where(years >= 2026, base + 500.0, base)])
    out = _run(resolved, {"policy.carbon_price": paths}, 2)
    observed = years <= 2024
    for name, arr in out.items():
        np.testing.assert_array_equal(arr[0, observed], arr[1, observed], err_msg=name)
    assert not np.array_equal(out["co2_total_mt"][0], out["co2_total_mt"][1])
