"""Scenario files: the pydantic schema, ``extends`` inheritance and ``load_scenario``.

The model sections (``macro``, ``power``, ``steel``, ...) are generated from the parameter registry,
so the schema, ``ctsim params`` and the engine always agree. Every key is optional: a scenario names
only what differs from the defaults (or from the scenario it extends).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from .. import registry
from ..errors import ScenarioError
from ..history import has_observed_series, last_observed_year, observed_text
from .schema_errors import first_error as _first_error
from .shocks import Shock, check_shock, shock_years
from .targets import Target
from .types import MAX_TEXT, NAME_PATTERN, STRICT, Number, TimePath, Years
from .uncertain import check_checks, check_sweep, check_uncertain, scenario_fields
from .yamlio import SCENARIO_SUFFIXES, FileReadError, load_yaml, read_bytes


def _section_model(section: str, params: list[registry.Parameter]) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for p in params:
        typ = TimePath if p.kind == "path" else Number
        bounds = f"[{p.lower:g}, {p.upper:g}]"
        desc = f"{p.description} ({p.unit}; bounds {bounds}; default {p.value}). Source: {p.source}"
        fields[p.key] = (typ | None, Field(None, description=desc))
    return create_model(f"{section.capitalize()}Section", __config__=STRICT, **fields)


@lru_cache(maxsize=1)
def scenario_model() -> type[BaseModel]:
    """The top-level pydantic model of a scenario file (built once from the registry)."""
    fields: dict[str, Any] = {
        "name": (str | None, Field(None, min_length=1, max_length=100, pattern=NAME_PATTERN,
                                   description="Scenario name, also the output folder out/<name>/ "
                                               "(default: the file's stem)")),
        "description": (str, Field("", max_length=MAX_TEXT,
                                   description="What the scenario asks and its sources")),
        "extends": (
            str | list[str] | None,
            Field(None, description="Scenario file(s) to inherit, relative to this file"),
        ),
        "years": (Years, Field(default_factory=Years, description="Simulated horizon")),
        "seed": (int, Field(0, ge=0, description="Seed for every random draw")),
        "counterfactual": (bool, Field(False, description=(
            "A counterfactual of history (a replay): path keys and shocks in the observed years "
            "are allowed and those years are simulated from this scenario instead of being history"))),
        "regions": (Literal["national", "grid", "provinces"], Field("national", description=(
            "Spatial resolution: national (one region, the default), grid (the 7 grid regions) or "
            "provinces (31); regional outputs sum to the national ones (docs/provinces.md)"))),
        "allocation": (dict[Literal["coal", "gas", "hydro", "nuclear", "wind", "solar"],
                            dict[str, Annotated[float, Field(ge=0.0, le=1.0)]]],
                       Field(default_factory=dict, description=(
            "Shares of national capacity additions by region, per technology, e.g. {wind: {Xinjiang: 0.2}}; "
            "the regions not named share the rest by the default rule (docs/provinces.md)"))),
        "regional_caps": (dict[Literal["power_co2_mt"], dict[str, TimePath]], Field(default_factory=dict, description=(
            "Binding caps by region: power_co2_mt: {region: Mt CO2/yr or {year: value}}; a region's coal and gas "
            "plants stay within it, the rest is imported or unserved (docs/provinces.md)"))),
        "targets": (list[Target], Field(default_factory=list, description="Targets to evaluate")),
        "shocks": (list[Shock], Field(default_factory=list, description="Shocks (tagged by kind)")),
    }
    fields.update(scenario_fields())
    for section, params in registry.sections().items():
        model = _section_model(section, params)
        fields[section] = (model, Field(default_factory=model, description=f"{section} parameters"))
    return create_model("Scenario", __config__=STRICT, **fields)


# ---------------------------------------------------------------------------------------------
# inheritance


def _merge(base: dict, child: dict) -> dict:
    """Child overrides base: sections merge key by key, targets merge by id, the rest replaces."""
    out = dict(base)
    for key, value in child.items():
        if key in ("extends",):
            continue
        if key == "targets" and isinstance(value, list) and isinstance(base.get(key), list):
            merged = {t.get("id") if isinstance(t, dict) else i: t for i, t in enumerate(base[key])}
            for i, t in enumerate(value):
                merged[t.get("id") if isinstance(t, dict) else f"_{i}"] = t
            out[key] = list(merged.values())
        elif isinstance(value, dict) and isinstance(base.get(key), dict) and key != "years":
            section = dict(base[key])
            section.update(value)  # a path given in the child replaces the parent's path whole
            out[key] = section
        else:
            out[key] = value
    return out


def _validate(data: dict, path: Path) -> BaseModel:
    model = scenario_model()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        key, msg = _first_error(exc, model)
        raise ScenarioError(path, key, msg) from None


MAX_CHAIN_FILES = 50  # distinct files in one inheritance chain; a real library uses 2-3
LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"  # the scenario library shipped in the package


def bundled_scenarios() -> dict[str, Path]:
    """The bundled scenario library, {name: file}: the files of ``ctsim/scenarios`` (the repository's
    ``scenarios/`` folder), by name in order."""
    return {p.stem: p for p in sorted(LIBRARY.glob("*.yaml"))}


def is_library_name(ref: str | Path) -> bool:
    """A bare name (``steel2030``: no folder, no suffix) refers to the bundled library."""
    ref = Path(ref)
    return ref.suffix == "" and len(ref.parts) == 1 and ref.name not in ("", ".", "..")


def library_file(name: str, where: Path, key: str) -> Path:
    """The bundled scenario called ``name``; a ScenarioError at ``where``/``key`` listing the names."""
    found = bundled_scenarios().get(name)
    if found is None:
        raise ScenarioError(where, key, "expected a scenario file ending in .yaml or .yml or the name of a "
                                        f"bundled scenario ({', '.join(bundled_scenarios())}; got {_quoted(name)})")
    return found


def _load_chain(path: Path, stack: tuple[Path, ...] = (), shown: tuple[Path, ...] = (),
                cache: dict | None = None) -> tuple[dict, dict[str, str], dict[str, Path]]:
    """Raw merged data of ``path`` and its ancestors, the provenance of each parameter
    (``scenario:<file>`` or ``inherited:<file>``) and the file that set it.

    ``stack`` holds the resolved files being inherited (to find cycles), ``shown`` the same files as
    the user would write them (relative to the first file's folder), for error messages. ``cache``
    holds every file of the chain loaded so far, so each is read and validated once however often it
    is inherited (a diamond of ``extends`` costs one load per file, not one per path to it).
    """
    cache = {} if cache is None else cache
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        raise ScenarioError(shown[-1] if shown else path, "extends" if shown else "",
                            f"cannot read file (a loop of symbolic links): {path}") from None
    if real in stack:
        cycle = " -> ".join(p.name for p in (*stack, real))
        raise ScenarioError(shown[-1], "extends", f"inheritance cycle ({cycle})")
    if real in cache:
        return cache[real]
    if len(cache.keys() | set(stack)) >= MAX_CHAIN_FILES:
        raise ScenarioError(shown[-1], "extends", f"more than {MAX_CHAIN_FILES} files in the "
                                                  "inheritance chain")
    data = load_yaml(path, lambda keys: _check_is_scenario(keys, path))
    own = _validate(data, path)  # each file must be valid on its own, so errors name the right file
    check_values(own, path)
    parents = data.get("extends") or []
    if isinstance(parents, str):
        parents = [parents]
    merged: dict = {}
    origin: dict[str, str] = {}
    where: dict[str, Path] = {}
    for i, parent in enumerate(parents):
        key = "extends" if isinstance(data["extends"], str) else f"extends.{i}"
        if is_library_name(parent) and not (path.parent / parent).exists():  # ``extends: baseline``: the library's
            ppath = library_file(str(parent), path, key)
        else:
            ppath = Path(parent) if Path(parent).is_absolute() else path.parent / parent
        if ppath.suffix.lower() not in SCENARIO_SUFFIXES:  # never read (or echo) another kind of file
            raise ScenarioError(path, key, "expected a scenario file ending in .yaml or .yml "
                                           f"(got {_quoted(parent)})")
        try:
            read_bytes(ppath)
        except FileReadError as exc:
            reason = exc.reason.removeprefix("file ")
            raise ScenarioError(path, key, f"inherited file {reason}: {_quoted(parent)}") from None
        pdata, porigin, pwhere = _load_chain(ppath, (*stack, real), (*shown, path), cache)
        merged = _merge(merged, pdata)
        origin.update({k: f"inherited:{v.split(':', 1)[-1]}" for k, v in porigin.items()})
        where.update(pwhere)
    merged = _merge(merged, data)
    for section in registry.sections():
        for k in (data.get(section) or {}):
            origin[f"{section}.{k}"] = f"scenario:{path.name}"
            where[f"{section}.{k}"] = path
    cache[real] = merged, origin, where
    return cache[real]


def _check_is_scenario(keys: list[str], path: Path) -> None:
    """Refuse, without showing any of it, a mapping none of whose top-level keys is a scenario key
    or close to one: a file that is not a scenario (``extends: secrets.yaml``, a .yaml link to
    /etc/shadow, whose lines YAML reads as keys) must not have its content echoed as "unknown
    keys". A scenario with a misspelt key still gets the usual message and hint."""
    known = list(scenario_model().model_fields)
    if not keys or any(k in known or registry.did_you_mean(k, known) for k in keys):
        return
    raise ScenarioError(path, "", f"not a scenario file: no top-level key is a scenario key "
                                  f"({', '.join(known[:4])}, ...); its content is not shown")


def _quoted(text: str) -> str:
    """A file name from a scenario, shown in a message: at most 80 characters."""
    return text if len(text) <= 80 else text[:77] + "..."


class LoadedScenario:
    """A validated scenario: the pydantic model, where it came from, and its provenance."""

    def __init__(self, model: BaseModel, path: Path | None, origin: dict[str, str], raw: dict):
        self.model = model
        self.path = path
        self.origin = origin
        self.raw = raw

    @property
    def name(self) -> str:
        return self.model.name or (self.path.stem if self.path else "scenario")

    @property
    def years(self) -> tuple[int, int]:
        return self.model.years.start, self.model.years.end

    @property
    def targets(self) -> list:
        return list(self.model.targets)

    @property
    def hash(self) -> str:
        """SHA-256 of the merged scenario content (stable key order), first 16 hex digits."""
        text = json.dumps(self.model.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _unit_text(unit: str) -> str:
    return "(a fraction)" if unit == "1" else unit


def _parameter_values(model: BaseModel):
    """(parameter, year or None, value, key path) for every parameter value a scenario sets."""
    params = registry.parameters()
    for section in registry.sections():
        for key, value in getattr(model, section).model_dump(exclude_none=True).items():
            items = value.items() if isinstance(value, dict) else [(None, value)]
            for year, v in items:
                where = f"{section}.{key}" + (f".{year}" if year is not None else "")
                yield params[f"{section}.{key}"], year, v, where


def check_values(model: BaseModel, path: Path) -> None:
    """Bounds of every parameter value one file sets (checked per file, so errors name it)."""
    for p, _year, v, where in _parameter_values(model):
        if not p.lower <= v <= p.upper:
            raise ScenarioError(
                path, where,
                f"expected a value in [{p.lower:g}, {p.upper:g}] {_unit_text(p.unit)} (got {v:g})",
            )
    start, end = model.years.start, model.years.end
    if "years" in model.model_fields_set and end <= start:
        raise ScenarioError(path, "years.end", f"horizon must end after it starts (got {start}-{end})")


COUNTERFACTUAL_HINT = "or set 'counterfactual: true' to replay history"


def observed_year_message(year: int, what: str) -> str:
    """The one-line reason a scenario may not change an observed year."""
    return (f"{year} is an observed year ({observed_text()} come from history, whatever a scenario "
            f"says); {what}, {COUNTERFACTUAL_HINT}")


def check_observed(p: registry.Parameter, year: int | None, key: str, path: Path) -> None:
    """A key in an observed year of a parameter with an observed series, or an observed initial
    value (a scalar named for its year), is an error that names the observed years."""
    if not has_observed_series(p):
        return
    last = last_observed_year()
    if p.kind == "scalar":
        raise ScenarioError(path, key, f"{p.name} is an observed value ({observed_text()} come "
                                       "from history, whatever a scenario says); leave it to the "
                                       f"registry, {COUNTERFACTUAL_HINT}")
    if year is not None and year <= last:
        raise ScenarioError(path, key, observed_year_message(
            year, f"a path of {p.name} starts from its observed {last} value, so give keys from "
                  f"{last + 1}"))


def _check_base_year(t, i: int, path: Path, start: int, end: int) -> None:
    """An intensity target reads a 'Reduction vs 2005' variable (base year 2005) or a level variable
    whose fall is measured from ``base_year``, which must then be simulated and before ``year``."""
    where = f"{_target_key(t, i)}.base_year"
    if t.variable.endswith("Reduction vs 2005"):
        if t.base_year != 2005:
            raise ScenarioError(path, where, f"'{t.variable}' is a fall from 2005: expected "
                                             f"base_year 2005 (got {t.base_year})")
        return
    if not start <= t.base_year <= end:
        raise ScenarioError(path, where, f"year outside horizon {start}-{end} (got {t.base_year}); "
                                         "a fall from 2005 is read from a 'Reduction vs 2005' variable")
    if t.base_year >= t.year:
        raise ScenarioError(path, where, f"expected a year before the target year {t.year} "
                                         f"(got {t.base_year})")


def _target_key(target, i: int) -> str:
    """Key path of a target in a merged scenario: its id (inherited targets come first, so a
    position would not be where the user wrote it), or its position when it has no id."""
    return f"targets.{target.id}" if getattr(target, "id", None) else f"targets.{i}"


def check_semantics(model: BaseModel, path: Path, where: dict[str, Path] | None = None) -> None:
    """Checks that need the whole (merged) scenario: horizon, path years, target variables.

    ``where`` maps a parameter name to the file that set it, so an error names that file.
    """
    check_values(model, path)
    start, end = model.years.start, model.years.end
    if end <= start:
        raise ScenarioError(path, "years.end", f"horizon must end after it starts (got {start}-{end})")
    for p, year, _v, key in _parameter_values(model):
        if year is not None and not start <= year <= end:
            raise ScenarioError((where or {}).get(p.name, path), key,
                                f"year outside horizon {start}-{end} (got {year})")
        if not model.counterfactual:
            check_observed(p, year, key, (where or {}).get(p.name, path))
    known = registry.iamc_variables()
    seen: set[str] = set()
    for i, t in enumerate(model.targets):
        if t.id in seen:
            raise ScenarioError(path, f"targets.{i}.id", f"duplicate target id '{t.id}'")
        seen.add(t.id)
        if t.variable in registry.renamed_variables():
            raise ScenarioError(path, f"{_target_key(t, i)}.variable",
                                f"'{t.variable}' was renamed to '{registry.renamed_variables()[t.variable]}' "
                                "(IAMC common-definitions name, see docs/variables.md)")
        if t.variable not in known:
            hint = registry.did_you_mean(t.variable, known)
            raise ScenarioError(path, f"{_target_key(t, i)}.variable", f"unknown variable '{t.variable}'{hint}")
        year = getattr(t, "year", None)
        if year is not None and not start <= year <= end:
            raise ScenarioError(path, f"{_target_key(t, i)}.year", f"year outside horizon {start}-{end} (got {year})")
        if t.kind == "intensity_reduction":
            _check_base_year(t, i, path, start, end)
            if (t.value is None) == (t.value_from is None):
                raise ScenarioError(path, f"{_target_key(t, i)}.value",
                                    "expected a value or value_from: fyp14 (one of the two)")
            if t.value_from is not None and t.region is None:
                raise ScenarioError(path, f"{_target_key(t, i)}.value_from",
                                    "provincial plan values need a region ('each' or a province)")
        _check_target_region(model, t, i, path)
        value = getattr(t, "value", None)
        if value is not None and t.kind in ("intensity_reduction", "share_at_least", "reduction_from_peak") \
                and not 0 <= value <= 1:
            raise ScenarioError(path, f"{_target_key(t, i)}.value", f"expected a fraction in [0, 1] (got {value:g})")
    _check_allocation(model, path)
    _check_regional_caps(model, path, start, end)
    for i, s in enumerate(model.shocks):
        for key, year in shock_years(s):
            if not start <= year <= end:
                raise ScenarioError(path, f"shocks.{i}.{key}", f"year outside horizon {start}-{end} (got {year})")
            if not model.counterfactual and year <= last_observed_year():
                raise ScenarioError(path, f"shocks.{i}.{key}", observed_year_message(
                    year, f"a shock can strike from {last_observed_year() + 1}"))
        problem = check_shock(s)
        if problem:
            raise ScenarioError(path, f"shocks.{i}.{problem[0]}", problem[1])
        if s.regions is not None and model.regions == "national":
            raise ScenarioError(path, f"shocks.{i}.regions",
                                "a shock in named regions needs 'regions: provinces' or 'regions: grid'")
    check_uncertain(model, path)
    check_checks(model, path)
    check_sweep(model, path)


def _check_regional_caps(model, path, start: int, end: int) -> None:
    """regional_caps: regional resolution only, regions of that resolution, years after the observed
    ones (a cap binds in the projection), non-negative values."""
    from ..regions import GRID_REGIONS, canonical_region, provinces

    for kind, caps in model.regional_caps.items():
        if model.regions == "national":
            raise ScenarioError(path, f"regional_caps.{kind}", "regional caps need 'regions: provinces' or 'regions: grid'")
        allowed = provinces() if model.regions == "provinces" else GRID_REGIONS
        for name, value in caps.items():
            key = f"regional_caps.{kind}.{name}"
            if canonical_region(name) not in allowed:
                raise ScenarioError(path, key, f"expected a {'province' if model.regions == 'provinces' else 'grid region'} "
                                    f"of this run, e.g. {', '.join(allowed[:3])} (got '{name}')")
            points = value if isinstance(value, dict) else {}
            for year, v in (points.items() if points else [(None, value)]):
                if v < 0:
                    raise ScenarioError(path, key if year is None else f"{key}.{year}", f"expected a cap >= 0 (got {v:g})")
                if year is not None and not (last_observed_year() < year <= end):
                    raise ScenarioError(path, f"{key}.{year}", f"a cap binds in projected years "
                                        f"{last_observed_year() + 1}-{end} (got {year})")


def _check_allocation(model, path) -> None:
    """allocation: regional resolution only, regions of that resolution, shares adding up to 1 at most."""
    from ..regions import GRID_REGIONS, canonical_region, provinces

    for tech, shares in model.allocation.items():
        if model.regions == "national":
            raise ScenarioError(path, f"allocation.{tech}", "allocation needs 'regions: provinces' or 'regions: grid'")
        allowed = provinces() if model.regions == "provinces" else GRID_REGIONS
        for name in shares:
            if canonical_region(name) not in allowed:
                raise ScenarioError(path, f"allocation.{tech}.{name}",
                                    f"expected a {'province' if model.regions == 'provinces' else 'grid region'} "
                                    f"of this run, e.g. {', '.join(allowed[:3])} (got '{name}')")
        if sum(shares.values()) > 1.0 + 1e-9:
            raise ScenarioError(path, f"allocation.{tech}",
                                f"shares add up to at most 1 (got {sum(shares.values()):g})")


def _check_target_region(model, t, i: int, path) -> None:
    """A target's region: only at regional resolution, a region of that resolution (or each), and a
    variable the engine resolves by region."""
    if t.region is None:
        return
    from ..engine.regions import REGIONAL_OUTPUTS
    from ..regions import GRID_REGIONS, canonical_region, provinces

    key = f"{_target_key(t, i)}.region"
    if model.regions == "national":
        raise ScenarioError(path, key, "a target in a region needs 'regions: provinces' or 'regions: grid'")
    if t.region.strip().lower() != "each":
        region = canonical_region(t.region)
        allowed = provinces() if model.regions == "provinces" else GRID_REGIONS
        if region not in (*allowed, "China"):
            raise ScenarioError(path, key, f"expected 'each', China or a {'province' if model.regions == 'provinces' else 'grid region'} "
                                f"of this run, e.g. {', '.join(allowed[:3])} (got '{t.region}')")
    regional = {registry.variables()[k].variable for k in REGIONAL_OUTPUTS if k in registry.variables()}
    if t.variable not in regional and canonical_region(t.region) != "China":
        raise ScenarioError(path, f"{_target_key(t, i)}.variable",
                            f"'{t.variable}' is not resolved by region (docs/provinces.md lists those that are)")


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load, inherit and validate a scenario file. Raises ScenarioError on any problem."""
    path = Path(path)
    if is_library_name(path) and not path.exists():  # ``ctsim run steel2030``: the bundled library's file
        path = library_file(path.name, path, "")
    if path.suffix.lower() not in SCENARIO_SUFFIXES and not path.is_dir():
        # a scenario is a .yaml file: any other file is not read, so its content is never echoed
        raise ScenarioError(path, "", "expected a scenario file ending in .yaml or .yml")
    raw, origin, where = _load_chain(path)
    model = _validate(raw, path)
    if model.name is None:
        model = model.model_copy(update={"name": path.stem})
    check_semantics(model, path, where)
    return LoadedScenario(model, path, origin, raw)


def scenario_from_dict(data: dict, name: str = "scenario") -> LoadedScenario:
    """Validate an in-memory scenario (no ``extends``); used by tests and the Python API."""
    fake = Path(f"<{name}>")
    model = _validate(data, fake)
    if model.name is None:
        model = model.model_copy(update={"name": name})
    check_semantics(model, fake)
    origin = {f"{s}.{k}": "scenario" for s in registry.sections() for k in (data.get(s) or {})}
    return LoadedScenario(model, None, origin, data)


OVERRIDES = Path("<overrides>")  # the "file" named by errors in parameter overrides


def _plain(value: Any) -> Any:
    """numpy scalars -> Python numbers (the schema is strict); paths key by key."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    item = getattr(value, "item", None)
    return item() if callable(item) and getattr(value, "shape", None) == () else value


def with_overrides(loaded: LoadedScenario, overrides: dict[str, Any]) -> LoadedScenario:
    """``loaded`` with registry parameters set by ``overrides`` ({"policy.carbon_price": 100} or
    {"power.solar_capex": {2030: 2500}}), validated exactly like a scenario file.

    The overrides are one more child layer of the scenario: checked on their own (unknown names with
    a did-you-mean hint, types, bounds), merged into the scenario's raw data as ``extends`` would
    merge a child file (a path given replaces the scenario's path whole), and the merged scenario
    re-validated through the schema and the semantic checks (path years within the horizon, ...).
    Errors name the file ``<overrides>`` and the key path ``section.key[.year]``.
    """
    if not isinstance(overrides, dict):
        raise ScenarioError(OVERRIDES, "", "expected a mapping of parameter names to values "
                            f"(got {type(overrides).__name__})")
    params = registry.parameters()
    child: dict[str, dict] = {}
    for name, value in overrides.items():
        if name not in params:
            hint = registry.did_you_mean(name, list(params))
            raise ScenarioError(OVERRIDES, str(name), f"unknown parameter '{name}'{hint}")
        section, key = name.split(".", 1)
        child.setdefault(section, {})[key] = _plain(value)
    own = _validate(child, OVERRIDES)
    check_values(own, OVERRIDES)
    raw = _merge(loaded.raw, child)
    model = _validate(raw, OVERRIDES)
    if model.name is None:
        model = model.model_copy(update={"name": loaded.name})
    check_semantics(model, loaded.path or OVERRIDES, {name: OVERRIDES for name in overrides})
    origin = {**loaded.origin, **{name: "override" for name in overrides}}
    return LoadedScenario(model, loaded.path, origin, raw)


def json_schema() -> dict:
    return scenario_model().model_json_schema()
