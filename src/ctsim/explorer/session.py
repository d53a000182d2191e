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
from ctsim import registry as ctsim_registry
from ctsim.history import has_observed_series

from .levers import (
    ASSUMPTION_GROUPS,
    CAP_FROM,
    CHARTS,
    HISTORY_CHARTS,
    LEVER_GROUPS,
    MAX_FIELDS,
    NO_NEW_COAL,
    PROJECTION_START,
    SHOCKS,
    SHOW_YEARS,
    SWEEP_ONLY,
    Lever,
)


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
        # Observed years are history: a parameter with an observed series takes no key in them
        # (resolve starts its projection from the last observed value); one without may keep the
        # scenario's own keys there, which shape its path into the projection.
        observed = has_observed_series(ctsim_registry.parameters()[lever.param])
        kept = {} if observed else {y: v for y, v in base.items() if y <= last}
        if not observed:
            kept[last] = _interp(base, last)
        if lever.kind == "level":
            return {**kept, PROJECTION_START: x}
        later = {y: v for y, v in base.items() if y > last} or {PROJECTION_START: _interp(base, last)}
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
            # and no adequacy investment in coal either (the power system's ban lever)
            doc["power"]["no_new_coal_from_year"] = PROJECTION_START
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
            clean = {k: _num(x) if isinstance(x, float) else x for k, x in v.items()}  # NaN -> null
            verdicts.append({**clean, "year": getattr(t, "year", None)})
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
                "switches": {NO_NEW_COAL: f"No new coal plants from {PROJECTION_START}"}, "shocks": shocks,
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
