"""Sensitivity indices of sweep outputs (SALib analysers only; samplers live in inputs/design.py).

Analysers are apart from the samplers (SALib's split): they receive the sampling method, the SALib
problem (parameter labels over the unit hypercube), the sampler's unit-hypercube points [S, P], the
Morris grid levels and a seed, never a design object or a random generator.

The analyser follows the design's method:

- ``sobol`` (Saltelli cross-sampling): first-order S1 and total ST Sobol indices with 95 % bootstrap
  confidence half-widths (SALib.analyze.sobol; Saltelli 2002, Saltelli et al. 2010);
- ``morris`` (elementary-effect trajectories): mu, mu* (mean absolute effect, in the output's unit
  per grid step of the input's probability) with its 95 % confidence half-width, and sigma
  (SALib.analyze.morris; Morris 1991, Campolongo et al. 2007);
- ``lhs`` / ``random`` (any sample): first-order S1 by RBD-FAST with bootstrap confidence
  (SALib.analyze.rbd_fast; Tarantola et al. 2006, Plischke 2010).

Every analyser reads the sampler's unit-hypercube points (``Design.unit`` of a sweep): indices are then about the
inputs' probability levels, which is what SALib's samplers produced. Outputs that do not vary over
the sweep have no sensitivity and are left out (SALib would divide by a zero variance).

The analysis reads a prefix of the design, so its cost stays bounded for huge sweeps (the engine
results of all samples still give the probabilities and quantiles): at most :data:`RBD_ROWS` rows
for RBD-FAST (whose bootstrap re-sorts the sample for every resample), and at most
:data:`STRUCTURED_ROWS` rows of whole Saltelli blocks (a power of two of them, keeping the Sobol'
sequence balanced) or whole Morris trajectories.
"""

from __future__ import annotations

import warnings

import numpy as np

COLUMNS = ("output", "year", "parameter", "index", "value", "conf")
RBD_FAST_M = 10  # interference harmonics of RBD-FAST (SALib's default)
RESAMPLES = 100  # bootstrap resamples for the Sobol and Morris confidence intervals
RBD_RESAMPLES = 30  # RBD-FAST's bootstrap costs a sort and an FFT per resample and output
RBD_ROWS = 4096  # rows RBD-FAST reads (S1 standard error ~ sqrt(2 M / N) ~ 0.07 at most)
STRUCTURED_ROWS = 20_000  # rows the Sobol and Morris analysers read at most


def problem(labels: list[str]) -> dict:
    """SALib problem over the unit hypercube: one variable per label, bounds [0, 1]."""
    return {"num_vars": len(labels), "names": list(labels), "bounds": [[0.0, 1.0]] * len(labels)}


def analysis_rows(method: str, n_samples: int, n_params: int) -> int:
    """Rows of the sample (a prefix) the analyser of ``method`` reads."""
    s, p = n_samples, n_params
    if method == "sobol":
        base = min(s // (p + 2), STRUCTURED_ROWS // (p + 2))
        return (2 ** int(np.log2(base))) * (p + 2)
    if method == "morris":
        return min(s // (p + 1), STRUCTURED_ROWS // (p + 1)) * (p + 1)
    return min(s, RBD_ROWS)


def _varies(y: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(y)) and np.ptp(y) > 1e-12 * max(1.0, float(np.abs(y).max())))


def analyze_one(method: str, salib_problem: dict, unit: np.ndarray, y: np.ndarray, seed: int,
                levels: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{index name: (values [P], confidence half-widths [P])} for one output ``y`` [S] of the
    unit-hypercube points ``unit`` (rows beyond len(y) are ignored)."""
    x = unit[:len(y)]
    if method == "sobol":
        return sobol_indices(y, salib_problem["num_vars"], RESAMPLES, seed)
    if method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(salib_problem, x, y, num_resamples=RESAMPLES, num_levels=levels,
                            seed=seed)
        nan = np.full(len(si["mu"]), np.nan)
        return {"mu_star": (np.asarray(si["mu_star"]), np.asarray(si["mu_star_conf"])),
                "mu": (np.asarray(si["mu"]), nan), "sigma": (np.asarray(si["sigma"]), nan)}
    from SALib.analyze import rbd_fast

    si = rbd_fast.analyze(salib_problem, x, y, M=RBD_FAST_M, num_resamples=RBD_RESAMPLES,
                          seed=seed)
    return {"S1": (np.asarray(si["S1"]), np.asarray(si["S1_conf"]))}


def sobol_indices(y: np.ndarray, d: int, resamples: int,
                  seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """First-order and total Sobol indices with 95 % bootstrap half-widths of output ``y`` of a
    Saltelli design of ``d`` parameters (no second order): ``SALib.analyze.sobol.analyze(problem,
    y, calc_second_order=False, num_resamples=resamples, seed=seed)``, the same numbers bit for bit
    (tested against SALib), in a third of the time: SALib works out the resampled A and B blocks,
    their concatenation, range and variance again for each parameter and index; here once per
    output (the same operations on the same arrays, so the same floats).

    Estimators: Saltelli et al. (2010), normalised by the variance of [A, B]; an estimate whose
    [A, B] has a range below machine epsilon is 0 (SALib's warning case); a half-width is 0 when
    the resampled [A, B] is constant."""
    from scipy.stats import norm

    if not seed:  # SALib then draws from numpy's global generator: leave that to SALib
        from SALib.analyze import sobol

        si = sobol.analyze({"num_vars": d, "names": [str(i) for i in range(d)],
                            "bounds": [[0.0, 1.0]] * d}, y, calc_second_order=False,
                           num_resamples=resamples, seed=seed)
        return {"S1": (si["S1"], si["S1_conf"]), "ST": (si["ST"], si["ST_conf"])}
    step = d + 2
    if y.size % step:
        raise ValueError(f"Sobol analysis: {y.size} outputs are not whole blocks of {step}")
    n = y.size // step
    y = (y - y.mean()) / y.std()
    a, b = y[0:y.size:step], y[step - 1:y.size:step]
    ab = np.zeros((n, d))
    for j in range(d):
        ab[:, j] = y[j + 1:y.size:step]
    r = np.random.default_rng(seed).integers(n, size=(n, resamples))
    z = norm.ppf(0.5 + 0.95 / 2)
    eps = np.finfo(float).eps
    ar, br = a[r], b[r]
    both, both_r = np.r_[a, b], np.r_[ar, br]
    constant, constant_r = np.ptp(both) <= eps, np.ptp(both_r) <= eps
    var, var_r = np.var(both, axis=0), np.var(both_r, axis=0)
    spread = np.ptp(both_r) != 0.0

    def ratio(numerator, v, const):
        if const:
            return np.zeros(np.shape(v), dtype=np.float64)
        return np.divide(numerator, v, out=np.zeros_like(v, dtype=np.float64), where=v > eps)

    out = {k: np.zeros(d) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    for j in range(d):
        abj, abj_r = ab[:, j], ab[r, j]
        out["S1"][j] = ratio(np.mean(b * (abj - a), axis=0), var, constant)
        s1 = ratio(np.mean(br * (abj_r - ar), axis=0), var_r, constant_r)
        out["S1_conf"][j] = z * s1.std(ddof=1) if spread else 0.0
        out["ST"][j] = ratio(0.5 * np.mean((a - abj) ** 2, axis=0), var, constant)
        st = ratio(0.5 * np.mean((ar - abj_r) ** 2, axis=0), var_r, constant_r)
        out["ST_conf"][j] = z * st.std(ddof=1) if spread else 0.0
    return {"S1": (out["S1"], out["S1_conf"]), "ST": (out["ST"], out["ST_conf"])}


def min_samples(method: str) -> int:
    """Fewest samples the analyser of ``method`` can work with. RBD-FAST needs more than 2 M rows,
    and its bootstrap draws half the rows: with fewer than 4 M + 2 samples SALib divides by zero
    (40 or 41 samples, a traceback) or returns meaningless indices."""
    return 4 * RBD_FAST_M + 2 if method in ("lhs", "random") else 1


def analyze(method: str, salib_problem: dict, unit: np.ndarray, outputs: dict[str, np.ndarray],
            by_year: tuple[str, np.ndarray, np.ndarray] | None = None, *, seed: int,
            levels: int) -> list[dict]:
    """Rows (output, year, parameter, index, value, conf) for each output [S] that varies, and for
    ``by_year`` = (name, years [Yr], values [S, Yr]) one set per year (time-resolved indices).

    ``method`` names the sampler that drew ``unit`` [S, P] (sobol, morris, lhs or random),
    ``salib_problem`` its SALib problem (see :func:`problem`), ``levels`` the Morris grid levels;
    ``seed`` seeds the bootstrap resamples."""
    labels = list(salib_problem["names"])
    n_samples = unit.shape[0]
    if not labels or n_samples < min_samples(method):
        return []
    n = analysis_rows(method, n_samples, len(labels))
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
        # (and SALib warns that a subset of evaluations is constant: the same case, reported as NaN)
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Constant values encountered", category=UserWarning)
            indices = analyze_one(method, salib_problem, unit, y, seed, levels)
        for index, (values, conf) in indices.items():
            for label, v, c in zip(labels, values, conf, strict=True):
                rows.append({"output": output, "year": year, "parameter": label, "index": index,
                             "value": float(v), "conf": float(c)})
    return rows
