"""The Inputs contract: registry values, per-sample overrides and shocks land in typed bundle fields."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ctsim import registry
from ctsim.engine import inputs as engine_inputs
from ctsim.engine.inputs import CALIBRATION_YEAR, Inputs, SteelParams
from ctsim.engine.state import State
from ctsim.inputs.build import build_inputs, interpolate_path
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

# a counterfactual of history keeps its path as written (from 2020), which these tests read back
RESOLVED = resolve(scenario_from_dict({"counterfactual": True,
                                       "steel": {"eaf_share": {2020: 0.1, 2030: 0.3}}}, "t"))
S = 3


def test_registry_values_land_in_their_fields_with_scalar_and_path_shapes():
    inp = build_inputs(RESOLVED)
    Y = len(inp.years)
    assert inp.years[0] == CALIBRATION_YEAR and inp.n_samples == 1
    assert isinstance(inp.steel, SteelParams)
    assert inp.steel.scrap_t_per_t_eaf.shape == (1,)
    assert inp.steel.scrap_t_per_t_eaf[0] == registry.parameters()["steel.scrap_t_per_t_eaf"].value
    assert inp.steel.eaf_share.shape == (1, Y)
    np.testing.assert_array_equal(inp.steel.eaf_share[0], interpolate_path({2020: 0.1, 2030: 0.3}, inp.years))
    assert inp.steel.eaf_share[0, inp.years.tolist().index(2025)] == pytest.approx(0.2)
    for name, (section, key) in engine_inputs.registry_fields().items():
        value = getattr(getattr(inp, section), key)
        kind = registry.parameters()[name].kind
        assert value.shape == ((1,) if kind == "scalar" else (1, Y)), name


def test_overrides_land_per_sample():
    years = build_inputs(RESOLVED).years
    scalar = np.array([1.0, 1.2, 1.4])
    path = np.linspace(0.1, 0.5, S)[:, None] * np.ones(len(years))
    inp = build_inputs(RESOLVED, {"steel.scrap_t_per_t_eaf": scalar, "transport.ev_share": path}, n_samples=S)
    np.testing.assert_array_equal(inp.steel.scrap_t_per_t_eaf, scalar)
    np.testing.assert_array_equal(inp.transport.ev_share, path)
    assert inp.steel.bfbof_mwh_per_t.shape == (1,)  # not overridden: shared, broadcast
    chunk = inp.take(slice(1, 3))
    assert chunk.n_samples == 2
    np.testing.assert_array_equal(chunk.steel.scrap_t_per_t_eaf, scalar[1:])
    np.testing.assert_array_equal(chunk.transport.ev_share, path[1:])
    assert chunk.steel.bfbof_mwh_per_t is inp.steel.bfbof_mwh_per_t


@pytest.mark.parametrize("name, shape", [("steel.scrap_t_per_t_eaf", (S, 2)), ("steel.scrap_t_per_t_eaf", (2,)),
                                         ("transport.ev_share", (S,)), ("transport.ev_share", (S, 5))])
def test_an_override_of_the_wrong_shape_raises(name, shape):
    with pytest.raises(ValueError, match=f"override {name}: shape"):
        build_inputs(RESOLVED, {name: np.ones(shape)}, n_samples=S)


def test_a_misspelt_field_fails_when_the_bundle_is_built():
    fields = {f.name: np.zeros(1) for f in dataclasses.fields(SteelParams)}
    fields["eaf_shares"] = fields.pop("eaf_share")
    with pytest.raises(TypeError):
        SteelParams(**fields)
    with pytest.raises(KeyError):
        build_inputs(RESOLVED, {"steel.eaf_shares": np.ones(1)})


def test_shock_arrays_come_from_the_shock_list():
    shocked = resolve(scenario_from_dict({"shocks": [{"kind": "hydro_drought", "year": 2027, "cf_factor": 0.8}]},
                                         "s"))
    inp = build_inputs(shocked)
    assert inp.shock.hydro_cf_factor.shape == (1, len(inp.years))
    assert inp.shock.hydro_cf_factor[0, inp.years.tolist().index(2027)] == pytest.approx(0.8)
    assert set(engine_inputs.shock_fields()) == {"coal_shortfall", "hydro_cf_factor", "coal_price_factor",
                                                 "rank_steel", "rank_industry", "rank_other"}


def test_bundles_and_state_are_frozen():
    inp = build_inputs(RESOLVED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        inp.steel.eaf_share = np.zeros(1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        inp.n_samples = 2  # type: ignore[misc]
    state = State(**{f.name: np.zeros(1) for f in dataclasses.fields(State)})
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.bfbof_mt = np.ones(1)  # type: ignore[misc]
    assert all(isinstance(getattr(inp, s), cls) for s, cls in engine_inputs.BUNDLES.items())
    assert [f.name for f in dataclasses.fields(Inputs)][2:-3] == list(engine_inputs.BUNDLES)
