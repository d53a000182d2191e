"""Scenario comparison: key-metric differences and policy wedges (Shapley attribution of a CO2 gap).

Policy wedges split the gap in national CO2 between a reference scenario R and a policy scenario P
into one contribution per parameter whose resolved value differs (a path counts as different when its
interpolated values differ in any simulated year). Let N be those parameters and v(S) the CO2
trajectory of R with the parameters in S set to P's values (so v(empty) = R and v(N) = P); when the
two scenarios' shocks differ, each kind of shock that differs is one more member of N ("shocks:
rationing", "shocks: drought", "shocks: coal price"; a stochastic shock counts as the kind it
draws), switching R's shocks of that kind to P's (and, for stochastic ones, R's seed to P's).
Every coalition uses the shock draws of sample 0, as a single run does. Switching
differences on one at a time gives order-dependent answers whenever parameters interact (e.g. a higher
EAF share saves more CO2 when coal power is also cleaner, or less). ctsim therefore uses the
**Shapley value**, the average of the one-at-a-time contributions over every order:

.. math::

    \\phi_i = \\sum_{S \\subseteq N \\setminus \\{i\\}}
        \\frac{|S|!\\,(n - |S| - 1)!}{n!}\\,\\bigl(v(S \\cup \\{i\\}) - v(S)\\bigr)

which is symmetric (no order is privileged) and efficient: the contributions add up exactly to
P - R in every year. With n <= :data:`MAX_EXACT` parameters all 2^n runs are made (in one vectorized
engine call); beyond that the average is taken over :data:`N_PERMUTATIONS` random orders and their
reverses (antithetic sampling, seeded by the reference scenario's seed), which stays exactly
efficient but is an estimate of each share. Wedges are reported as CO2 avoided (R - P, positive when
the policy lowers CO2). The one-at-a-time effects in both directions (the parameter alone on top of R,
and removed last from P) are reported beside the Shapley value, so the order dependence is visible.

History is observed: every coalition is simulated with the history's inputs in the observed years
(ctsim.inputs.build), so both trajectories, and every wedge, are equal there (wedges are zero in
2020 to the last bundled year) unless a scenario is a counterfactual replay of history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import factorial

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..history import last_observed_year
from ..inputs.build import build_inputs, interpolate_path
from ..resolve import ResolvedScenario

MAX_EXACT = 10  # 2^10 = 1024 runs in one engine call
N_PERMUTATIONS = 64  # sampled orders (each also reversed) when more parameters differ
CO2_NAME = "co2_total_mt"


# --- differences ----------------------------------------------------------------------------


def resolved_from_metadata(meta: dict) -> ResolvedScenario:
    """Rebuild the ResolvedScenario of a run folder from its metadata.json (values, provenance)."""
    params = meta.get("parameters")
    if not params or "years" not in meta:
        raise UsageError(f"{meta.get('scenario', 'run')}: metadata.json has no resolved parameters")
    values = {}
    for name, p in params.items():
        value = p["value"]
        values[name] = ({int(y): float(v) for y, v in value.items()} if isinstance(value, dict)
                        else float(value))
    from pydantic import TypeAdapter

    from ..scenario.shocks import Shock

    shocks = TypeAdapter(list[Shock]).validate_python(meta.get("shocks") or [])
    return ResolvedScenario(
        name=str(meta.get("scenario", "scenario")),
        shocks=shocks,
        years=(int(meta["years"][0]), int(meta["years"][1])),
        seed=int(meta.get("seed", 0)),
        values=values,
        provenance={name: p.get("provenance", "default") for name, p in params.items()},
        scenario_hash=str(meta.get("scenario_hash", "")),
        # observed years stay history (a folder from before history_end was recorded: the bundled one)
        history_end=meta.get("history_end", last_observed_year()),
    )


SHOCKS = "shocks"  # prefix of the pseudo-parameters that switch one kind of shock to the policy's
SHOCK_NAMES = {"power_rationing": "rationing", "hydro_drought": "drought",
               "coal_price_spike": "coal price"}


def shock_player(kind: str) -> str:
    """The pseudo-parameter of one shock kind, e.g. ``shocks: rationing``."""
    return f"{SHOCKS}: {SHOCK_NAMES.get(kind, kind)}"


def _shock_kind(shock) -> str:
    return shock.shock if shock.kind == "stochastic" else shock.kind


def shocks_of(resolved: ResolvedScenario, player: str) -> list:
    return [s for s in resolved.shocks if shock_player(_shock_kind(s)) == player]


def is_shock_player(name: str) -> bool:
    return name.startswith(f"{SHOCKS}: ")


def _sim_years(resolved: ResolvedScenario) -> np.ndarray:
    inputs = build_inputs(resolved)
    return inputs.years


def _shock_players(reference: ResolvedScenario, policy: ResolvedScenario) -> list[str]:
    """One player per shock kind whose shocks differ, or whose stochastic draws differ because
    the seeds do."""
    kinds = dict.fromkeys(_shock_kind(s) for s in [*reference.shocks, *policy.shocks])
    out = []
    for kind in kinds:
        player = shock_player(kind)
        ref, pol = shocks_of(reference, player), shocks_of(policy, player)
        stochastic = any(s.kind == "stochastic" for s in [*ref, *pol])
        if [s.model_dump() for s in ref] != [s.model_dump() for s in pol] or \
                (stochastic and reference.seed != policy.seed):
            out.append(player)
    return out


def differing_parameters(reference: ResolvedScenario, policy: ResolvedScenario) -> list[str]:
    """Parameters whose values differ (paths compared year by year), in registry order."""
    if reference.years != policy.years:
        raise ValueError(f"horizons differ ({reference.years} vs {policy.years})")
    years = _sim_years(reference)
    out = []
    for name, value in reference.values.items():
        other = policy.values.get(name, value)
        if not np.array_equal(interpolate_path(value, years), interpolate_path(other, years)):
            out.append(name)
    return out + _shock_players(reference, policy)


# --- Shapley wedges -------------------------------------------------------------------------


@dataclass
class Wedges:
    """CO2 avoided by a policy scenario relative to a reference, split by parameter."""

    reference: str
    policy: str
    years: np.ndarray
    reference_co2: np.ndarray  # [Y] Mt CO2/yr
    policy_co2: np.ndarray  # [Y]
    contributions: dict[str, np.ndarray]  # parameter -> CO2 avoided [Y] (Shapley), sum = R - P
    alone: dict[str, np.ndarray] = field(default_factory=dict)  # switched on alone on top of R
    last: dict[str, np.ndarray] = field(default_factory=dict)  # switched off alone from P
    method: str = "exact Shapley"
    n_runs: int = 0

    @property
    def gap(self) -> np.ndarray:
        return self.reference_co2 - self.policy_co2

    def table(self) -> pd.DataFrame:
        """Cumulative CO2 avoided over the horizon per parameter (Gt CO2), largest first."""
        rows = []
        total = float(self.gap.sum())
        for name, w in self.contributions.items():
            rows.append({
                "parameter": name,
                "shapley_gt": float(w.sum()) / 1000.0,
                "share_of_gap": float(w.sum()) / total if total else np.nan,
                "alone_gt": float(self.alone[name].sum()) / 1000.0 if name in self.alone else np.nan,
                "last_gt": float(self.last[name].sum()) / 1000.0 if name in self.last else np.nan,
            })
        frame = pd.DataFrame(rows, columns=["parameter", "shapley_gt", "share_of_gap", "alone_gt",
                                            "last_gt"])
        return frame.sort_values("shapley_gt", key=np.abs, ascending=False, ignore_index=True)

    def to_frame(self) -> pd.DataFrame:
        """Per-year table: reference, policy and each parameter's wedge (Mt CO2/yr)."""
        data = {"reference_mt": self.reference_co2, "policy_mt": self.policy_co2}
        data.update({f"wedge:{k}": v for k, v in self.contributions.items()})
        return pd.DataFrame(data, index=pd.Index(self.years, name="year"))


def _coalitions(n: int, seed: int) -> tuple[list[int], list[list[int]], str]:
    """Bitmasks of the coalitions to run, the orders used (None = exact) and the method name."""
    if n <= MAX_EXACT:
        return list(range(2 ** n)), [], f"exact Shapley over all {2 ** n} combinations"
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    orders = []
    for _ in range(N_PERMUTATIONS):
        order = [int(i) for i in rng.permutation(n)]
        orders += [order, order[::-1]]
    masks = {0}
    for order in orders:
        mask = 0
        for i in order:
            mask |= 1 << i
            masks.add(mask)
    for i in range(n):  # one-at-a-time runs in both directions
        masks.update({1 << i, (2 ** n - 1) & ~(1 << i)})
    method = (f"Shapley estimated over {len(orders)} random orders ({N_PERMUTATIONS} and their "
              "reverses)")
    return sorted(masks), orders, method


def _override_arrays(reference: ResolvedScenario, policy: ResolvedScenario, names: list[str],
                     masks: list[int], years: np.ndarray) -> dict[str, np.ndarray]:
    from .. import registry

    params = registry.parameters()
    bits = np.array(masks, dtype=np.int64)
    out = {}
    for i, name in enumerate(names):
        if is_shock_player(name):
            continue
        on = ((bits >> i) & 1).astype(bool)
        if params[name].kind == "path":
            a = interpolate_path(reference.values[name], years)
            b = interpolate_path(policy.values[name], years)
            out[name] = np.where(on[:, None], b[None, :], a[None, :])
        else:
            out[name] = np.where(on, float(policy.values[name]), float(reference.values[name]))
    return out


def _with_shocks(reference: ResolvedScenario, policy: ResolvedScenario, switched: list[str],
                 players: list[str]):
    """R with the shocks of the ``switched`` kinds taken from P. None switched is R's list and
    seed; all switched is P's list and seed exactly (stochastic draws are keyed by list position)."""
    from dataclasses import replace

    if not switched:
        return reference
    if set(switched) == set(players):
        return replace(reference, shocks=policy.shocks, seed=policy.seed)
    shocks = [s for s in policy.shocks if shock_player(_shock_kind(s)) in switched]
    shocks += [s for s in reference.shocks if shock_player(_shock_kind(s)) not in switched]
    stochastic = any(s.kind == "stochastic" for name in switched for s in shocks_of(policy, name))
    return replace(reference, shocks=shocks, seed=policy.seed if stochastic else reference.seed)


def _run_coalitions(reference: ResolvedScenario, policy: ResolvedScenario, names: list[str],
                    masks: list[int], years: np.ndarray) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """National CO2 [Yr] of every coalition (bitmask over ``names``), in one engine call per shock
    setting. Every coalition uses the shock draws of sample 0, as a single run does."""

    from ..engine import simulate
    from ..results import Results

    players = [(i, name) for i, name in enumerate(names) if is_shock_player(name)]
    shock_bits = sum(1 << i for i, _ in players)
    groups = []
    for setting in sorted({m & shock_bits for m in masks}):
        switched = [name for i, name in players if setting & (1 << i)]
        groups.append((_with_shocks(reference, policy, switched, [n for _, n in players]),
                       [m for m in masks if m & shock_bits == setting]))
    out: dict[int, np.ndarray] = {}
    report_years = np.array([])
    for resolved, group in groups:
        overrides = _override_arrays(reference, policy, names, group, years)
        inputs = build_inputs(resolved, overrides, len(group),
                              sample_ids=np.zeros(len(group), dtype=np.int64))
        results = Results.from_engine(resolved.name, inputs.years, simulate(inputs),
                                      *resolved.years)
        co2 = results[CO2_NAME]
        out.update({mask: co2[row] for row, mask in enumerate(group)})
        report_years = results.years
    return out, report_years


def policy_wedges(reference: ResolvedScenario, policy: ResolvedScenario) -> Wedges:
    """Split the CO2 gap between ``reference`` and ``policy`` by differing parameter (see module)."""
    names = differing_parameters(reference, policy)
    n = len(names)
    masks, orders, method = _coalitions(n, reference.seed)
    years = _sim_years(reference)
    v, report_years = _run_coalitions(reference, policy, names, masks, years)
    full = 2 ** n - 1
    phi: dict[str, np.ndarray] = {}
    if not orders:
        for i, name in enumerate(names):
            total = np.zeros(len(report_years))
            for mask in masks:
                if mask & (1 << i):
                    continue
                size = bin(mask).count("1")
                weight = factorial(size) * factorial(n - size - 1) / factorial(n)
                total += weight * (v[mask | (1 << i)] - v[mask])
            phi[name] = total
    else:
        sums = np.zeros((n, len(report_years)))
        for order in orders:
            mask = 0
            for i in order:
                sums[i] += v[mask | (1 << i)] - v[mask]
                mask |= 1 << i
        phi = {name: sums[i] / len(orders) for i, name in enumerate(names)}
    return Wedges(
        reference=reference.name,
        policy=policy.name,
        years=report_years,
        reference_co2=v[0],
        policy_co2=v[full],
        contributions={k: 0.0 - w for k, w in phi.items()},  # (0.0 - 0.0 is 0.0, -0.0 would print "-0")
        alone={name: v[0] - v[1 << i] for i, name in enumerate(names)},
        last={name: v[full & ~(1 << i)] - v[full] for i, name in enumerate(names)},
        method=method,
        n_runs=len(masks),
    )


# --- key metrics ------------------------------------------------------------------------------


def metric_differences(metrics: dict[str, dict[str, dict]]) -> pd.DataFrame:
    """{scenario: {metric: {label, value, unit}}} -> one row per metric, the first scenario as the
    reference: columns label, unit, one value column per scenario and ``<name> - <reference>``."""
    names = list(metrics)
    if not names:
        return pd.DataFrame()
    ref = names[0]
    keys = list(dict.fromkeys(k for m in metrics.values() for k in m))
    rows = []
    for key in keys:
        first = next(m[key] for m in metrics.values() if key in m)
        row = {"metric": key, "label": first.get("label", key), "unit": first.get("unit", "")}
        for name in names:
            row[name] = float(metrics[name][key]["value"]) if key in metrics[name] else np.nan
        for name in names[1:]:
            row[f"{name} - {ref}"] = row[name] - row[ref]
        rows.append(row)
    return pd.DataFrame(rows)
