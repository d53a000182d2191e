"""The explorer's session: one scenario, the page's lever state, and re-runs of the pipeline.

The page sends its state as a query string (the same text as the page's URL fragment, so a link
restores it): ``policy.carbon_price=2&steel.eaf_share=1.2&shock.rationing.year=2027``. A state
becomes a *scenario document*: the scenario's merged data with the levers written out as plain
parameter values and shocks. That one document is what the page shows (it is run through the same
schema and checks as a scenario file), what "download scenario" saves as YAML, and so what
``ctsim run`` of the download reproduces, number for number.

Lever meanings (docs/explorer.md):

- ``scale``: a multiplier on the scenario's path after the observed years (keys from
  :data:`PROJECTION_START` on are multiplied; the path up to the last observed year is kept, and a
  key in that year pins it), clipped to the registry bounds;
- ``value``: the parameter's value itself (a scalar), in registry units;
- ``level``: a constant projection from :data:`PROJECTION_START` (observed years kept);
- ``cap``: a cap from :data:`CAP_FROM` on, only when its switch is on;
- switches: ``no_new_coal`` (coal additions zero from :data:`PROJECTION_START`) and the shocks.
"""

from __future__ import annotations

import copy
import math
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl

import ctsim

# Registry paths carry observed values through 2024 and assumptions from 2025 (parameters.csv
# sources: "2025 on: ASSUMPTION"); levers shape only the projection, as scenario files should.
PROJECTION_START = 2025
CAP_FROM = 2030  # a cap lever applies from this year (resolve: no cap before a cap path's first key)
MAX_FIELDS = 200  # settings in one page state; the page has about 40 controls
SHOW_YEARS = (2030, 2060)  # years whose effective lever values the page prints beside a slider


@dataclass(frozen=True)
class Lever:
    """One control of the page: a registry parameter and what its slider means."""

    param: str
    kind: str  # scale | value | level | cap
    lo: float | None  # slider range; None: the registry's bounds
    hi: float | None
    step: float
    label: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    levers: tuple[Lever, ...]
    note: str = ""


def _s(param, hi=3.0, label="", step=0.05):
    return Lever(param, "scale", 0.0, hi, step, label)


# The page's controls, grouped as the issue and docs/parameters.md group the levers (the registry
# gives each its unit, bounds and description).
LEVER_GROUPS = (
    Group("carbon", "Carbon price and ETS coverage", (
        _s("policy.carbon_price", 5.0, "Carbon price (x path)"),
        # from 2025 (steel joined the national ETS in 2025: earlier is history) to the horizon's end
        Lever("policy.ets_steel_start_year", "value", 2025, 2060, 1, "Steel joins the ETS in"),
    )),
    Group("coal", "Coal retirement and no new coal", (
        Lever("power.coal_lifetime_yr", "value", None, None, 1, "Coal plant lifetime"),
        # 0-150 GW/yr: 150 closes the whole 2024 fleet (~1,190 GW) within a decade; the registry's
        # 500 would leave the useful part of the slider a sliver
        Lever("power.coal_retirement_extra_gw", "level", 0, 150, 1, "Extra coal closures from 2025"),
        _s("power.coal_additions_gw", 2.0, "New coal build (x path)"),
    )),
    Group("clean", "Wind, solar, nuclear, hydro build", (
        _s("power.wind_additions_gw", 4.0, "Wind build (x path)"),
        _s("power.solar_additions_gw", 3.0, "Solar build (x path)"),
        _s("power.nuclear_additions_gw", 4.0, "Nuclear build (x path)"),
        _s("power.hydro_additions_gw", 3.0, "Hydro build (x path)"),
    ), note="Storage is not modelled as its own stock in ctsim yet (curtailment and the flexibility "
            "cost of caps stand in for it), so there is no storage slider or graph."),
    Group("ev", "Electric vehicles", (
        _s("transport.ev_share", 1.5, "EV share of road transport (x path)"),
    )),
    Group("steel", "Steel: EAF and H2-DRI", (
        _s("steel.eaf_share", 2.5, "Scrap-EAF share (x path)"),
        _s("steel.h2dri_share", 4.0, "H2-DRI share (x path)"),
        _s("steel.h2dri_max_share", 2.5, "H2-DRI ceiling (x path)"),
    )),
    # caps: the registry's top value (100000) means "no cap", which the switch stands for; the
    # slider spans levels that bind somewhere between today's emissions and deep cuts
    Group("caps", "CO2 caps (from 2030)", (
        Lever("caps.national_co2_mt", "cap", 4000, 14000, 100, "National CO2 cap"),
        Lever("caps.power_co2_mt", "cap", 1000, 6000, 50, "Power CO2 cap"),
        Lever("caps.steel_co2_mt", "cap", 300, 2500, 25, "Steel CO2 cap"),
    )),
)

ASSUMPTION_GROUPS = (
    Group("macro", "Economy and demand", (
        _s("macro.gdp_growth", 2.0, "GDP growth (x path)"),
        _s("macro.electricity_elasticity", 2.0, "Electricity elasticity (x path)"),
    )),
    Group("costs", "Costs and prices", (
        _s("power.coal_price_cny_per_tce", 3.0, "Coal price (x path)"),
        _s("power.gas_price_cny_per_tce", 3.0, "Gas price (x path)"),
        _s("steel.eaf_premium_cny_per_t", 3.0, "EAF cost premium (x path)"),
        _s("steel.h2dri_premium_cny_per_t", 3.0, "H2-DRI cost premium (x path)"),
        Lever("power.ccs_cost_cny_per_t_co2", "value", None, None, 10, "Power CCS cost"),
        Lever("steel.ccus_cost_cny_per_t_co2", "value", None, None, 10, "Steel CCUS cost"),
        _s("steel.scrap_supply_mt", 2.0, "Scrap supply (x path)"),
    )),
)

# Switches that are not one registry value: key -> (label, fields {name: (lo, hi, step, default)})
SHOCKS = {
    "rationing": ("A 2021-style coal shortfall and power rationing", "power_rationing",
                  {"year": (2025, 2060, 1, 2027), "shortfall": (0.01, 0.3, 0.01, 0.10)}),
    "drought": ("A hydro drought (Sichuan 2022 kind)", "hydro_drought",
                {"year": (2025, 2060, 1, 2030), "cf_factor": (0.5, 0.99, 0.01, 0.80)}),
}
NO_NEW_COAL = "no_new_coal"
SWEEP_ONLY = ("uncertain", "sweep", "checks")  # scenario blocks that a single run does not read

# What the graphs show: chart id -> (title, ((internal variable name, legend label), ...)); the
# first series is the one drawn for the scenario as written (dashed) and, where observed, the
# history. Internal names are turned into IAMC names through ctsim.variables() in one place,
# :func:`variable_names`, so renamed IAMC variables need no change here.
CHARTS = (
    ("co2", "CO2 by sector", (("co2_total_mt", "Total"), ("co2_power_mt", "Power"),
                              ("co2_steel_mt", "Steel"), ("co2_other_energy_mt", "Other energy"),
                              ("co2_process_mt", "Processes"))),
    ("generation", "Generation mix", (("gen_coal_twh", "Coal"), ("gen_gas_twh", "Gas"),
                                      ("gen_hydro_twh", "Hydro"), ("gen_nuclear_twh", "Nuclear"),
                                      ("gen_wind_twh", "Wind"), ("gen_solar_twh", "Solar"),
                                      ("gen_bio_twh", "Biomass"))),
    ("capacity", "Capacity", (("cap_coal_gw", "Coal"), ("cap_gas_gw", "Gas"), ("cap_hydro_gw", "Hydro"),
                              ("cap_nuclear_gw", "Nuclear"), ("cap_wind_gw", "Wind"),
                              ("cap_solar_gw", "Solar"))),
    ("steel", "Steel routes", (("steel_bfbof_mt", "BF-BOF"), ("steel_eaf_mt", "EAF"),
                               ("steel_h2dri_mt", "H2-DRI"))),
    ("coal", "Coal use", (("coal_total_mtce", "Total"), ("coal_power_mtce", "Power"),
                          ("coal_steel_mtce", "Steel"), ("coal_other_mtce", "Other"))),
    ("price", "Carbon price", (("carbon_price", "ETS price"),)),
)
# the series drawn for the scenario's baseline (dashed) in each chart: its first variable
HISTORY_CHARTS = ("co2", "generation", "coal")  # charts with observed history on their first series


class ExploreError(ctsim.ScenarioError):
    """A bad page state (a value that is not a number, a multiplier off its slider): one line."""


PAGE = Path("<explorer>")  # the "file" named by errors in a page state


def variable_names() -> dict[str, tuple[str, str]]:
    """Internal output name -> (IAMC variable, unit), from the output catalogue (the one place)."""
    cat = ctsim.variables()
    return {row.name: (row.variable, row.unit) for row in cat.itertuples()}


def _interp(path: dict[int, float], year: int) -> float:
    """A ``{year: value}`` path at ``year``: linear between keys, flat outside (as the engine reads it)."""
    keys = sorted(path)
    if year <= keys[0]:
        return float(path[keys[0]])
    if year >= keys[-1]:
        return float(path[keys[-1]])
    for a, b in zip(keys, keys[1:], strict=False):
        if a <= year <= b:
            return float(path[a] + (path[b] - path[a]) * (year - a) / (b - a))
    raise AssertionError("unreachable")


def _as_path(value) -> dict[int, float]:
    """A parameter value as a path (a bare number is constant)."""
    if isinstance(value, dict):
        return {int(k): float(v) for k, v in value.items()}
    return {PROJECTION_START: float(value)}


@dataclass
class Session:
    """The scenario the page explores and a lock so at most one run is computed at a time."""

    scenario_path: Path
    loaded: object = None
    baseline: object = None
    params: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.loaded = ctsim.load_scenario(self.scenario_path)
        self.baseline = ctsim.run(self.loaded)
        table = ctsim.parameters()
        self.params = {row.name: row for row in table.itertuples()}
        self.names = variable_names()
        self.levers = {lv.param: self._bounded(lv) for g in (*LEVER_GROUPS, *ASSUMPTION_GROUPS)
                       for lv in g.levers}

    def _bounded(self, lever: Lever) -> Lever:
        """``lever`` with the registry's bounds where it gives no range of its own."""
        p = self.params[lever.param]
        return replace(lever, lo=p.lower if lever.lo is None else lever.lo,
                       hi=p.upper if lever.hi is None else lever.hi)

    # --- state -> scenario document -----------------------------------------------------------

    def base_value(self, param: str):
        """The scenario's own (resolved) value of a parameter: a number or a {year: value} path."""
        return self.baseline.resolved.values[param]

    def lever_value(self, lever: Lever, x: float):
        """The parameter value a slider position ``x`` stands for (see the module docstring)."""
        p = self.params[lever.param]
        if lever.kind == "value":
            return int(x) if float(x).is_integer() and p.unit == "yr" else x
        if lever.kind == "cap":
            return {CAP_FROM: x}
        base = _as_path(self.base_value(lever.param))
        last = PROJECTION_START - 1
        kept = {y: v for y, v in base.items() if y <= last}
        kept[last] = _interp(base, last)
        if lever.kind == "level":
            return {**kept, PROJECTION_START: x}
        later = {y: v for y, v in base.items() if y > last} or {PROJECTION_START: kept[last]}
        return {**kept, **{y: min(max(v * x, p.lower), p.upper) for y, v in later.items()}}

    def parse_state(self, query: str) -> dict:
        """The page state from its query string: {"levers": {param: x}, "switches": set, "shocks": {...}}."""
        levers, switches, shocks = {}, set(), {}
        try:
            pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except ValueError:
            raise ExploreError(PAGE, "", f"more than {MAX_FIELDS} settings in the page state") from None
        for key, text in pairs:
            if key == NO_NEW_COAL:
                if text == "1":
                    switches.add(key)
                continue
            if key.startswith("shock."):
                parts = key.split(".")
                if len(parts) != 3 or parts[1] not in SHOCKS or (
                        parts[2] not in SHOCKS[parts[1]][2] and parts[2] != "on"):
                    raise ExploreError(PAGE, key, "unknown shock setting")
                shocks.setdefault(parts[1], {})[parts[2]] = _number(key, text)
                continue
            lever = self.levers.get(key)
            if lever is None:
                raise ExploreError(PAGE, key, "unknown lever (not a slider of this page)")
            x = _number(key, text)
            if lever.kind in ("scale", "level") and not lever.lo <= x <= lever.hi:
                raise ExploreError(PAGE, key,
                                   f"expected a slider value in [{lever.lo:g}, {lever.hi:g}] (got {x:g})")
            levers[key] = x
        return {"levers": levers, "switches": switches, "shocks": shocks}

    def document(self, state: dict) -> dict:
        """The scenario document of a page state: the scenario's data with the levers written in."""
        doc = copy.deepcopy(self.loaded.raw)
        changed = bool(state["levers"] or state["switches"]
                       or any(s.get("on") for s in state["shocks"].values()))
        doc = {"name": self.loaded.name + ("-explored" if changed else ""), **doc}
        if changed:
            doc["description"] = (f"{self.loaded.name} as set in ctsim explore. "
                                  + str(doc.get("description", "")).strip())
        for param, x in state["levers"].items():
            section, key = param.split(".", 1)
            doc.setdefault(section, {})[key] = self.lever_value(self.levers[param], x)
        if NO_NEW_COAL in state["switches"]:
            # the coal-build multiplier at 0 (it overrides that slider)
            doc.setdefault("power", {})["coal_additions_gw"] = self.lever_value(
                self.levers["power.coal_additions_gw"], 0.0)
        for sid, given in state["shocks"].items():
            if not given.get("on"):
                continue
            _label, kind, fields = SHOCKS[sid]
            shock = {"id": f"explore_{sid}", "kind": kind}
            for name, (_lo, _hi, _step, default) in fields.items():
                v = given.get(name, default)
                shock[name] = int(v) if name == "year" and float(v).is_integer() else v  # 2030.5: schema error
            doc["shocks"] = [*doc.get("shocks", []), shock]
        return doc

    # --- runs -----------------------------------------------------------------------------------

    def run_document(self, doc: dict, whole: bool = True):
        """Validate and run a scenario document through the same schema and checks as a file.

        ``whole=False`` (the page's re-runs) leaves out the blocks a single run ignores
        (``uncertain``, ``sweep``, ``checks``: their checks cost more than the rest of the
        validation); downloads validate the whole document, as ``ctsim run`` of the file will.
        """
        from ..scenario.load import scenario_from_dict  # the in-memory twin of load_scenario

        data = copy.deepcopy(doc if whole else {k: v for k, v in doc.items() if k not in SWEEP_ONLY})
        loaded = scenario_from_dict(data, doc["name"])
        with self._lock:
            return ctsim.run(loaded)

    def run_state(self, query: str, whole: bool = True) -> tuple[dict, object]:
        state = self.parse_state(query)
        doc = self.document(state)
        return doc, self.run_document(doc, whole)

    def payload(self, run) -> dict:
        """What the page draws: series by IAMC variable, verdicts, effective lever values."""
        series = {}
        for _cid, _title, lines in CHARTS:
            for name, _label in lines:
                series[self.names[name][0]] = [_num(v) for v in run.results[name][0]]
        verdicts = []
        for t, v in zip(run.resolved.targets, run.summary["targets"], strict=True):
            verdicts.append({**v, "year": getattr(t, "year", None)})
        effective = {}
        for param in self.levers:
            value = run.resolved.values[param]
            effective[param] = ({str(y): _num(_interp(_as_path(value), y)) for y in SHOW_YEARS}
                                if isinstance(value, dict) else _num(value))
        return {"scenario": run.resolved.name, "years": [int(y) for y in run.results.years],
                "series": series, "verdicts": verdicts, "effective": effective}

    def meta(self) -> dict:
        """Everything static the page needs: levers with registry units, charts, history, baseline."""
        def lever_info(lv: Lever) -> dict:
            lv = self.levers[lv.param]
            p = self.params[lv.param]
            base = self.base_value(lv.param)
            default = 1.0 if lv.kind == "scale" else (
                base if not isinstance(base, dict) else
                _interp(_as_path(base), PROJECTION_START if lv.kind == "level" else CAP_FROM))
            if lv.kind == "cap":
                default = min(max(default, lv.lo), lv.hi)
            return {"param": lv.param, "kind": lv.kind, "min": lv.lo, "max": lv.hi, "step": lv.step,
                    "default": _num(default), "label": lv.label or lv.param, "unit": p.unit,
                    "description": p.description, "lower": p.lower, "upper": p.upper,
                    "source": p.source}

        def groups(gs):
            return [{"id": g.id, "title": g.title, "note": g.note,
                     "levers": [lever_info(lv) for lv in g.levers]} for g in gs]

        from ..history import history

        hist = history()
        history_series = {}
        for cid, _title, lines in CHARTS:
            if cid in HISTORY_CHARTS:
                var = self.names[lines[0][0]][0]
                if var in hist:
                    col = hist[var].dropna()
                    history_series[var] = {"years": [int(y) for y in col.index if y >= 2000],
                                           "values": [_num(v) for y, v in col.items() if y >= 2000]}
        charts = [{"id": cid, "title": title, "unit": self.names[lines[0][0]][1],
                   "variables": [self.names[n][0] for n, _label in lines],
                   "labels": [label for _n, label in lines]} for cid, title, lines in CHARTS]
        shocks = {sid: {"label": label, "kind": kind,
                        "fields": {k: {"min": a, "max": b, "step": s, "default": d}
                                   for k, (a, b, s, d) in fields.items()}}
                  for sid, (label, kind, fields) in SHOCKS.items()}
        return {"scenario": self.loaded.name, "description": self.loaded.model.description,
                "version": ctsim.__version__, "regions": ["China"], "provinces": None,
                "levers": groups(LEVER_GROUPS), "assumptions": groups(ASSUMPTION_GROUPS),
                "switches": {NO_NEW_COAL: "No new coal plants from 2025"}, "shocks": shocks,
                "charts": charts, "history": history_series,
                "baseline": self.payload(self.baseline)}


def _number(key: str, text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise ExploreError(PAGE, key, f"expected a number (got '{text[:40]}')") from None
    if not math.isfinite(x):
        raise ExploreError(PAGE, key, f"expected a finite number (got '{text[:40]}')")
    return x


def _num(v) -> float | None:
    """A float for JSON: exact (repr round-trips), None for NaN."""
    v = float(v)
    return v if math.isfinite(v) else None


def scenario_yaml(doc: dict) -> str:
    """The scenario document as YAML text that ``ctsim run`` reads back to the same numbers."""
    import yaml

    head = ("# Saved by ctsim explore: `ctsim run` this file to reproduce the page's numbers.\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def iamc_csv(run) -> str:
    """The run's IAMC table (the columns of trajectories.csv) as CSV text, full precision."""
    return run.results.to_iamc(0).to_csv(index=False)
