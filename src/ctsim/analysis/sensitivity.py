"""Sensitivity indices of sweep outputs (SALib analysers only; designs come from sampling.py).

The analyser follows the design's method:

- ``sobol`` (Saltelli cross-sampling): first-order S1 and total ST Sobol indices with 95 % bootstrap
  confidence half-widths (SALib.analyze.sobol; Saltelli 2002, Saltelli et al. 2010);
- ``morris`` (elementary-effect trajectories): mu, mu* (mean absolute effect, in the output's unit
  per grid step of the input's probability) with its 95 % confidence half-width, and sigma
  (SALib.analyze.morris; Morris 1991, Campolongo et al. 2007);
- ``lhs`` / ``random`` (any sample): first-order S1 by RBD-FAST with bootstrap confidence
  (SALib.analyze.rbd_fast; Tarantola et al. 2006, Plischke 2010).

Every analyser reads the design's unit-hypercube points (``Design.unit``): indices are then about the
inputs' probability levels, which is what SALib's samplers produced. Outputs that do not vary over
the sweep have no sensitivity and are left out (SALib would divide by a zero variance).

The analysis reads a prefix of the design, so its cost stays bounded for huge sweeps (the engine
results of all samples still give the probabilities and quantiles): at most :data:`RBD_ROWS` rows
for RBD-FAST (whose bootstrap re-sorts the sample for every resample), and at most
:data:`STRUCTURED_ROWS` rows of whole Saltelli blocks (a power of two of them, keeping the Sobol'
sequence balanced) or whole Morris trajectories.
"""

from __future__ import annotations

import numpy as np

from ..inputs.design import MORRIS_LEVELS, Design, rng

COLUMNS = ("output", "year", "parameter", "index", "value", "conf")
RBD_FAST_M = 10  # interference harmonics of RBD-FAST (SALib's default)
RESAMPLES = 100  # bootstrap resamples for the Sobol and Morris confidence intervals
RBD_RESAMPLES = 30  # RBD-FAST's bootstrap costs a sort and an FFT per resample and output
RBD_ROWS = 4096  # rows RBD-FAST reads (S1 standard error ~ sqrt(2 M / N) ~ 0.07 at most)
STRUCTURED_ROWS = 20_000  # rows the Sobol and Morris analysers read at most


def analysis_rows(design: Design) -> int:
    """Rows of the design (a prefix) the analyser reads."""
    s, p = design.n_samples, len(design.columns)
    if design.method == "sobol":
        base = min(s // (p + 2), STRUCTURED_ROWS // (p + 2))
        return (2 ** int(np.log2(base))) * (p + 2)
    if design.method == "morris":
        return min(s // (p + 1), STRUCTURED_ROWS // (p + 1)) * (p + 1)
    return min(s, RBD_ROWS)


def _varies(y: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(y)) and np.ptp(y) > 1e-12 * max(1.0, float(np.abs(y).max())))


def analyze_one(design: Design, y: np.ndarray, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{index name: (values [P], confidence half-widths [P])} for one output ``y`` [S]."""
    problem, x = design.problem(), design.unit[:len(y)]
    if design.method == "sobol":
        from SALib.analyze import sobol

        si = sobol.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES,
                           seed=seed)
        return {"S1": (si["S1"], si["S1_conf"]), "ST": (si["ST"], si["ST_conf"])}
    if design.method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(problem, x, y, num_resamples=RESAMPLES, num_levels=MORRIS_LEVELS,
                            seed=seed)
        nan = np.full(len(si["mu"]), np.nan)
        return {"mu_star": (np.asarray(si["mu_star"]), np.asarray(si["mu_star_conf"])),
                "mu": (np.asarray(si["mu"]), nan), "sigma": (np.asarray(si["sigma"]), nan)}
    from SALib.analyze import rbd_fast

    si = rbd_fast.analyze(problem, x, y, M=RBD_FAST_M, num_resamples=RBD_RESAMPLES, seed=seed)
    return {"S1": (np.asarray(si["S1"]), np.asarray(si["S1_conf"]))}


def min_samples(design: Design) -> int:
    """Fewest samples the analyser of ``design`` can work with."""
    return 2 * RBD_FAST_M + 1 if design.method in ("lhs", "random") else 1


def analyze(design: Design, outputs: dict[str, np.ndarray],
            by_year: tuple[str, np.ndarray, np.ndarray] | None = None) -> list[dict]:
    """Rows (output, year, parameter, index, value, conf) for each output [S] that varies, and for
    ``by_year`` = (name, years [Yr], values [S, Yr]) one set per year (time-resolved indices)."""
    if not design.columns or design.n_samples < min_samples(design):
        return []
    seed = int(rng(design.seed, "sensitivity").integers(1, 2**31))
    n = analysis_rows(design)
    jobs: list[tuple[str, int | None, np.ndarray]] = [(k, None, v[:n]) for k, v in outputs.items()]
    if by_year is not None:
        name, years, values = by_year
        jobs += [(name, int(year), values[:n, t]) for t, year in enumerate(years)]
    rows = []
    for output, year, y in jobs:
        if not _varies(y):
            continue
        # a bootstrap resample of a nearly constant output (a peak year taking two values) can be
        # constant: SALib then divides 0 by 0 and that resample's index is NaN, which is reported
        with np.errstate(divide="ignore", invalid="ignore"):
            indices = analyze_one(design, y, seed)
        for index, (values, conf) in indices.items():
            for label, v, c in zip(design.labels, values, conf, strict=True):
                rows.append({"output": output, "year": year, "parameter": label, "index": index,
                             "value": float(v), "conf": float(c)})
    return rows
