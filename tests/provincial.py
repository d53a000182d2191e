"""Synthetic provincial Results for the output, figure and report tests (the engine fills the
regional arrays in another change; these tests only need their contract: [S, G, Y], positive,
additive variables summing to the national array, net exports summing to 0)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ctsim.engine.regions import REGIONAL_ADDITIVE, REGIONAL_OUTPUTS
from ctsim.regions import provinces


def provincial_results(results, seed: int = 15):
    """A copy of national ``results`` with every REGIONAL_OUTPUTS variable split over the 31
    provinces (random positive shares per year; ratios random around the national value)."""
    rng = np.random.default_rng(seed)
    names = provinces()
    regional = {}
    for key in REGIONAL_OUTPUTS:
        if key == "net_export_twh":
            raw = rng.normal(0.0, 50.0, (results.n_samples, len(names), len(results.years)))
            regional[key] = raw - raw.mean(axis=1, keepdims=True)  # national sum 0
            continue
        if key not in results.arrays:
            continue
        national = results.arrays[key]
        if key in REGIONAL_ADDITIVE:
            shares = rng.uniform(0.2, 1.0, (results.n_samples, len(names), len(results.years)))
            shares /= shares.sum(axis=1, keepdims=True)
            regional[key] = shares * national[:, None, :]
        else:
            regional[key] = national[:, None, :] * rng.uniform(0.5, 1.5, (1, len(names), 1))
    return dataclasses.replace(results, regional=regional, regions=names, resolution="provinces")


def provincial_run(run, seed: int = 15):
    """The ``run`` with provincial Results (summary recomputed from the same national arrays)."""
    return dataclasses.replace(run, results=provincial_results(run.results, seed))


def with_regional_values(run, key: str, year: int, values: dict[str, float]):
    """The ``run`` with ``key`` set to ``values`` (province -> value) in ``year`` in every sample,
    the national array updated so it stays the sum of the provinces (arrays copied, not mutated)."""
    res = run.results
    y = int(np.searchsorted(res.years, year))
    regional = {**res.regional, key: res.regional[key].copy()}
    for province, value in values.items():
        regional[key][:, res.regions.index(province), y] = value
    arrays = {**res.arrays, key: regional[key].sum(axis=1)}
    return dataclasses.replace(run, results=dataclasses.replace(res, arrays=arrays,
                                                                regional=regional))
