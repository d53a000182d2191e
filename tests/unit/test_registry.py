"""The parameter registry: every default has a unit, a source, sane bounds, and is used."""

from __future__ import annotations

import ast
import dataclasses

import numpy as np
import pytest

from ctsim import registry
from ctsim.engine import inputs as engine_inputs
from ctsim.engine import simulate
from ctsim.engine.units import MTCE_PER_TWH
from ctsim.history import history
from ctsim.inputs.build import build_inputs
from ctsim.resolve import resolve
from ctsim.scenario import scenario_from_dict

PARAMS = list(registry.parameters().values())


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.name)
def test_row_has_unit_source_and_description(p):
    assert p.unit.strip(), f"{p.name} has no unit"
    assert len(p.source.strip()) > 10, f"{p.name} has no real source"
    assert p.description.strip()


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.name)
def test_default_within_bounds(p):
    values = p.value.values() if isinstance(p.value, dict) else [p.value]
    assert p.lower <= p.upper
    for v in values:
        assert p.lower <= v <= p.upper, f"{p.name}: {v} outside [{p.lower}, {p.upper}]"


def test_every_registered_parameter_is_one_bundle_field_and_back():
    where = engine_inputs.registry_fields()
    assert set(where) == set(registry.parameters()), (
        f"registry only: {sorted(set(registry.parameters()) - set(where))}; "
        f"bundle only: {sorted(set(where) - set(registry.parameters()))}")
    assert len(set(where.values())) == len(where)  # one field per parameter
    every = {(s, f.name) for s, cls in engine_inputs.BUNDLES.items() for f in dataclasses.fields(cls)}
    assert every - set(where.values()) == {("shock", k) for k in engine_inputs.shock_fields()}


def bundle_reads(source: str) -> set[tuple[str, str]]:
    """(section, field) of every bundle attribute the source reads, found statically: in a function
    whose argument ``x`` is annotated with a bundle class (``x: SteelParams``), ``x.<field>``; with
    an argument annotated ``Inputs``, ``x.<section>.<field>``. Whether caps are on or not, a read
    in the code counts."""
    section_of = {cls.__name__: s for s, cls in engine_inputs.BUNDLES.items()}
    reads = set()
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef):
            continue
        args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        typed = {a.arg: a.annotation.id for a in args if isinstance(a.annotation, ast.Name)}
        for node in ast.walk(fn):
            if not isinstance(node, ast.Attribute) or not isinstance(node.value, (ast.Name, ast.Attribute)):
                continue
            base = node.value
            if isinstance(base, ast.Name) and typed.get(base.id) in section_of:
                reads.add((section_of[typed[base.id]], node.attr))
            elif (isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name)
                  and typed.get(base.value.id) == "Inputs" and base.attr in section_of.values()):
                reads.add((base.attr, node.attr))
    return reads


def test_bundle_reads_finds_typed_attribute_reads_only():
    src = ("def f(sp: SteelParams, inp: Inputs, other):\n"
           "    return sp.eaf_share + inp.power.gas_cf + other.h2dri_share + sp.output_mt[..., 0]\n")
    assert bundle_reads(src) == {("steel", "eaf_share"), ("steel", "output_mt"), ("power", "gas_cf")}


def test_every_bundle_field_is_read_by_the_engine(root):
    engine = root / "src" / "ctsim" / "engine"
    reads = set().union(*(bundle_reads(p.read_text(encoding="utf-8")) for p in sorted(engine.glob("*.py"))))
    every = {(s, f.name) for s, cls in engine_inputs.BUNDLES.items() for f in dataclasses.fields(cls)}
    assert not every - reads, f"bundle fields the engine never reads: {sorted(every - reads)}"
    assert not reads - every, f"engine reads that are no bundle field: {sorted(reads - every)}"


def test_every_engine_output_is_in_the_variable_catalogue():
    inputs = build_inputs(resolve(scenario_from_dict({}, "t")))
    out = simulate(inputs)
    assert set(out) <= set(registry.variables())


def test_variable_names_and_units_are_unique_and_iamc_shaped():
    cat = registry.variables().values()
    names = [v.variable for v in cat]
    assert len(names) == len(set(names))
    for v in cat:
        assert v.unit, v.name
        assert "|" in v.variable or v.variable in ("Primary Energy [Substitution Method]", "Carbon Removal"), \
            v.variable


def test_did_you_mean_suggests_close_keys():
    assert "solar_additions_gw" in registry.did_you_mean("solr_additions_gw", ["solar_additions_gw", "x"])
    assert registry.did_you_mean("zzzz", ["solar_additions_gw"]) == ""


def test_path_text_parsing():
    assert registry.parse_path_text("0.5") == 0.5
    assert registry.parse_path_text("2020:1;2030:2.5") == {2020: 1.0, 2030: 2.5}


# Derived defaults must agree with the bundled history they were derived from.
H = history()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("macro.gdp_2020_bn", H.loc[2020, "GDP|PPP"]),
        ("power.demand_2020_twh", H.loc[2020, "Secondary Energy|Electricity"]),
        ("other.coal_total_2020_mtce", H.loc[2020, "Primary Energy|Coal"]),
        ("other.oil_total_2020_mtce", H.loc[2020, "Primary Energy|Oil"]),
        ("other.gas_total_2020_mtce", H.loc[2020, "Primary Energy|Gas"]),
        ("macro.energy_intensity_2005_kgce_per_usd",
         H.loc[2005, "Primary Energy [Substitution Method]"] / H.loc[2005, "GDP|PPP"]),
    ],
)
def test_derived_defaults_match_bundled_history(name, expected):
    assert registry.parameters()[name].value == pytest.approx(expected, rel=1e-4)


def test_steel_output_history_matches_worldsteel():
    path = registry.parameters()["steel.output_mt"].value
    for year in range(2020, 2025):
        assert path[year] == pytest.approx(H.loc[year, "Production|Iron and Steel|Steel"], rel=1e-9)


def test_mtce_per_twh_is_the_nbs_tce():
    # 1 TWh = 3.6 PJ; 1 tce = 29.3076 GJ -> 0.12284 Mtce per TWh
    assert MTCE_PER_TWH == pytest.approx(3.6e6 / 29.3076 / 1e6)
    assert np.isclose(MTCE_PER_TWH, 0.122835, rtol=1e-5)


def test_docs_parameters_md_is_generated_from_the_registry(root):
    from ctsim.registry import parameters_markdown

    text = (root / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert text == parameters_markdown() + "\n", "docs/parameters.md is stale: run `make docs`"
