"""Sweeps: design [S, P] -> overrides -> chunks along the sample axis -> engine -> per-sample metrics,
verdicts and streaming quantiles.

A chunk is the unit of work: :func:`run_chunk` is a pure function of a :class:`Context` (the same for
every chunk) and the chunk's rows of the design, so it runs the same in this process, in another
one, or on a Dask worker (distributed.py). Per-sample results are placed by sample index and
histogram counts are integers, so the result depends neither on the chunk size nor on the order in
which chunks finish. Memory is bounded by the chunk size plus a few numbers per sample (metrics,
verdicts, and national CO2 by year of the samples the time-resolved sensitivity indices read).

A :class:`ChunkStore` keeps each finished chunk in a file (written to a temporary name, then renamed)
so that an interrupted sweep can resume from the finished chunks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__, registry
from ..analysis.metrics import metrics
from ..analysis.sensitivity import analysis_rows, analyze, min_samples
from ..analysis.targets import evaluate, wilson_interval
from ..errors import UsageError, WriteError, printable
from ..inputs.build import simulated_years
from ..inputs.design import MORRIS_LEVELS, Column, Design, make_design, overrides
from ..inputs.randomness import rng
from ..pipeline import run_resolved
from ..resolve import ResolvedScenario
from ..results import Results
from ..scenario.uncertain import (
    MAX_SWEEP_BYTES,
    SWEEP_BYTES_PER_SAMPLE,
    SweepSettings,
    human_bytes,
    sweep_memory,
)
from .streaming import BINS, PILOT, Accumulator, Grid, column_bounds, exact_quantiles
from .tables import (
    TABLES,
    design_columns,
    design_table,
    metrics_columns,
    metrics_table,
    quantiles_table,
    sensitivity_table,
    targets_table,
)

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
DEFAULT_CHUNK_SIZE = 5000  # samples per engine call: near the engine's best throughput per sample
CHUNK_MULTIPLE = 4  # the default chunk count is a multiple of this: balanced on 1, 2 or 4 processes
PARALLEL_MIN_SAMPLES = 10_000  # sweeps this large run on every usable core unless told otherwise
TIME_RESOLVED = "co2_total_mt"  # series kept per sample and year for time-resolved sensitivity


@dataclass(frozen=True)
class Context:
    """Everything a chunk needs besides its design rows (sent once to each worker)."""

    resolved: ResolvedScenario
    columns: tuple[Column, ...]
    years: np.ndarray  # simulated years
    variables: tuple[str, ...]  # internal names whose quantiles are reported, in catalogue order
    metric_names: tuple[str, ...]
    grid: Grid | None  # None when the pilot holds every sample (exact quantiles)
    series_rows: int = 0  # samples (a prefix) whose national CO2 by year is kept: what sensitivity reads
    # called where a chunk ran, with (context, chunk, design rows): what else the caller wants of a
    # finished chunk, carried back as ChunkResult.text (a sweep folder: its lines of the CSVs)
    chunk_text: Callable | None = None

    def series_stop(self, start: int, n: int) -> int:
        """Rows of a chunk of ``n`` samples from ``start`` whose series are kept."""
        return max(0, min(n, self.series_rows - start))


@dataclass
class ChunkResult:
    index: int
    start: int
    metrics: np.ndarray  # [n, M]
    met: np.ndarray  # [n, T] bool
    margin: np.ndarray  # [n, T]
    series: np.ndarray  # [r, Yr] national CO2 by reporting year of its first r samples (the prefix
    # of the sweep the sensitivity analysis reads: Context.series_stop)
    counts: np.ndarray | None = None  # [K, BINS + 2] histogram of every variable and year
    vmin: np.ndarray | None = None  # [K]
    vmax: np.ndarray | None = None  # [K]
    text: dict[str, str] | None = None  # Context.chunk_text of the chunk (not kept in a store)

    FIELDS = ("metrics", "met", "margin", "series", "counts", "vmin", "vmax")

    @property
    def stop(self) -> int:
        return self.start + self.metrics.shape[0]


@dataclass
class Totals:
    """Histogram counts and minima/maxima a worker process added up over the chunks it ran (sent
    once, after its chunks, which then come without counts)."""

    counts: np.ndarray  # [K, BINS + 2]
    vmin: np.ndarray  # [K]
    vmax: np.ndarray  # [K]
    samples: int


def chunk_results(ctx: Context, values: np.ndarray, start: int = 0) -> Results:
    """Engine results of design rows ``values`` [n, P], the first being sample ``start``."""
    ov = overrides(list(ctx.columns), values, ctx.resolved, ctx.years)
    n = values.shape[0]
    return run_resolved(ctx.resolved, ov, n, sample_ids=np.arange(start, start + n),
                        regional_outputs=regional_outputs(ctx.resolved.targets))


def regional_outputs(targets: list) -> tuple[str, ...]:
    """The regional outputs a sweep needs: the variables of its targets in regions (a sweep's
    quantiles and metrics are national)."""
    names = registry.iamc_variables()
    return tuple(dict.fromkeys(names[t.variable].name for t in targets if getattr(t, "region", None)))


def blocks(results: Results, variables: tuple[str, ...]) -> list[np.ndarray]:
    """Arrays [n, Yr] of the reported variables; side by side, series k = v * Yr + y."""
    return [results.arrays[v] for v in variables]


def run_chunk(ctx: Context, index: int, start: int, values: np.ndarray) -> ChunkResult:
    """Run one chunk of design rows and reduce it to per-sample numbers and histogram counts."""
    res = chunk_results(ctx, values, start)
    m = metrics(res)
    verdicts = evaluate(ctx.resolved.targets, res)
    n = values.shape[0]
    out = ChunkResult(
        index, start,
        metrics=np.column_stack([m[k] for k in ctx.metric_names]) if ctx.metric_names
        else np.empty((n, 0)),
        met=np.column_stack([v.met for v in verdicts]) if verdicts else np.empty((n, 0), bool),
        margin=np.column_stack([v.margin for v in verdicts]) if verdicts else np.empty((n, 0)),
        series=res[TIME_RESOLVED][:ctx.series_stop(start, n)].copy(),
    )
    if ctx.grid is not None:
        parts = blocks(res, ctx.variables)
        out.vmin, out.vmax = column_bounds(parts)
        out.counts = ctx.grid.counts(parts, out.vmin, out.vmax)  # constant columns: no pass
    if ctx.chunk_text is not None:
        out.text = ctx.chunk_text(ctx, out, values)
    return out


# ---------------------------------------------------------------------------------------------
# plan


@dataclass
class SweepPlan:
    context: Context
    design: Design
    chunk_size: int
    report_years: np.ndarray
    pilot_quantiles: np.ndarray | None  # [Q, K] exact, when the pilot holds every sample

    @property
    def n_samples(self) -> int:
        return self.design.n_samples

    def chunks(self) -> list[tuple[int, int, int]]:
        """(index, start, stop) of every chunk."""
        starts = range(0, self.n_samples, self.chunk_size)
        return [(i, s, min(s + self.chunk_size, self.n_samples)) for i, s in enumerate(starts)]

    def fingerprint(self) -> dict:
        """What must match for finished chunks to be reused (--resume)."""
        d = self.design
        digest = hashlib.sha256(np.ascontiguousarray(d.values).tobytes()).hexdigest()[:16]
        return {"ctsim_version": __version__, "scenario_hash": self.context.resolved.scenario_hash,
                "method": d.method, "seed": d.seed, "samples": d.n_samples,
                "chunk_size": self.chunk_size, "design_sha256": digest,
                "quantile_grid": self.context.grid is not None}


def physical_memory() -> int | None:
    """Bytes of RAM of this machine, or None where the OS does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_memory(samples: int) -> None:
    """Refuse, before any work, a sweep whose estimated memory exceeds this machine's RAM."""
    need, have = sweep_memory(samples), physical_memory()
    if need > min(MAX_SWEEP_BYTES, have or MAX_SWEEP_BYTES):
        limit = f"this machine's {human_bytes(have)}" if have else f"{human_bytes(MAX_SWEEP_BYTES)}"
        raise UsageError(f"samples: {samples:,} samples need about {human_bytes(need)} of memory "
                         f"({human_bytes(SWEEP_BYTES_PER_SAMPLE)} per sample), more than {limit}; "
                         "use fewer samples (--samples or sweep.samples)")


def sensitivity_prefix(design: Design) -> int:
    """Samples (the first ones) the sensitivity analysis of ``design`` reads: their national CO2 by
    year is kept, not that of every sample (a million samples would hold 330 MB of it)."""
    p, n = len(design.columns), design.n_samples
    if not p or n < min_samples(design.method):
        return 0
    return min(n, analysis_rows(design.method, n, p))


def default_chunk_size(samples: int) -> int:
    """Chunks of about :data:`DEFAULT_CHUNK_SIZE` samples (small enough for the engine's arrays to
    stay in cache), as many as a multiple of :data:`CHUNK_MULTIPLE` and of equal size, so that 1, 2
    or 4 processes each get the same work (not 3 chunks for 2 processes). It depends on the number
    of samples only, so a sweep resumes whatever the processes."""
    n = -(-samples // DEFAULT_CHUNK_SIZE)
    if n > 1:
        n = -(-n // CHUNK_MULTIPLE) * CHUNK_MULTIPLE
    return -(-samples // n)


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity where the OS says, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_processes(samples: int) -> int:
    """Worker processes of a sweep given none: every usable core from :data:`PARALLEL_MIN_SAMPLES`
    samples, else 1 (this process: below that, starting workers costs more than they save)."""
    return usable_cores() if samples >= PARALLEL_MIN_SAMPLES else 1


def plan_sweep(resolved: ResolvedScenario, samples: int | None = None, method: str | None = None,
               seed: int | None = None, chunk_size: int | None = None) -> SweepPlan:
    """Draw the design and run the pilot that fixes the quantile grid (see streaming.py).

    ``samples``, ``method`` and ``seed`` default to the scenario's ``sweep:`` block; the seed then to
    the scenario seed.
    """
    settings = resolved.sweep or SweepSettings()
    samples = settings.samples if samples is None else samples
    method = method or settings.method
    seed = (settings.seed if settings.seed is not None else resolved.seed) if seed is None else seed
    if seed < 0:
        raise UsageError(f"seed must be 0 or more (got {seed})")
    if samples < 1 or (chunk_size is not None and chunk_size < 1):
        raise UsageError(f"samples and chunk size must be positive (got {samples}, {chunk_size})")
    check_memory(samples)
    design = make_design(resolved, samples, method, seed)
    chunk_size = default_chunk_size(design.n_samples) if chunk_size is None else chunk_size
    years = simulated_years(resolved)
    catalogue = registry.variables()
    base = Context(resolved, tuple(design.columns), years, (), (), None)
    n_pilot = min(design.n_samples, PILOT)
    pilot = chunk_results(base, design.values[:n_pilot])
    variables = tuple(k for k in catalogue if k in pilot.arrays)
    parts = blocks(pilot, variables)
    exact = n_pilot == design.n_samples
    # exact quantiles read every pilot value [n_pilot, K] (at most PILOT rows); the grid only
    # each series' minimum and maximum (no copy of the pilot)
    flat = np.concatenate(parts, axis=1) if exact else None
    ctx = Context(resolved, tuple(design.columns), years, variables, tuple(metrics(pilot)),
                  None if exact else Grid.from_bounds(*column_bounds(parts)),
                  sensitivity_prefix(design))
    return SweepPlan(ctx, design, chunk_size, pilot.years,
                     exact_quantiles(flat, QUANTILES) if exact else None)


# ---------------------------------------------------------------------------------------------
# results


@dataclass
class SweepResult:
    """A finished sweep: its plan (design, seed, chunks), per-sample metrics and verdicts, national
    CO2 by year, quantile trajectories, and (computed on first use) sensitivity indices.

    :meth:`tables` gives every table a sweep folder holds; :meth:`probabilities` the target
    probabilities with their Wilson 95 % intervals and check verdicts."""

    plan: SweepPlan
    metrics: dict[str, np.ndarray]  # name -> [S]
    met: np.ndarray  # [S, T]
    margin: np.ndarray  # [S, T]
    series: np.ndarray  # [R, Yr] national CO2 by year of the first R samples (what sensitivity reads)
    quantiles: np.ndarray | None  # [Q, V, Yr] (None in a result of a sweep still running)
    outside_grid: int = 0
    info: dict = field(default_factory=dict)
    _sensitivity: list[dict] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.plan.context.resolved.name

    @property
    def design(self) -> Design:
        """The design [S, P]: sampled values (``values``) and unit-hypercube points (``unit``)."""
        return self.plan.design

    @property
    def n_samples(self) -> int:
        return self.plan.n_samples

    @property
    def targets(self) -> list:
        return list(self.plan.context.resolved.targets)

    def metric_summary(self, levels=(0.05, 0.5, 0.95)) -> dict[str, np.ndarray]:
        """{metric: its quantiles over the samples} for the summary table."""
        return {k: np.quantile(v, levels) for k, v in self.metrics.items()}

    def probabilities(self) -> list[dict]:
        """Per target: samples, samples meeting it, probability, Wilson 95 % interval, check."""
        return probability_rows(self.targets, self.met, self.plan.context.resolved.checks)

    def checks(self) -> list[dict]:
        """The rows of :meth:`probabilities` that have a check (a minimum probability)."""
        return [r for r in self.probabilities() if r["threshold"] is not None]

    @property
    def sensitivity(self) -> list[dict]:
        """Sensitivity index rows (output, year, parameter, index, value, conf), computed once:
        for every metric and for national CO2 in every reporting year."""
        if self._sensitivity is None:
            self._sensitivity = sensitivity_rows(self)
        return self._sensitivity

    def tables(self, frames: tuple[str, ...] = TABLES) -> dict:
        """{design, metrics, quantiles, targets, sensitivity}: the DataFrames of design.csv,
        metrics.csv, quantiles.csv, targets.csv and sensitivity.csv; the tables not in ``frames``
        as {column: array} (the sweep folder writes design and metrics so: no copy of them)."""
        plan, d = self.plan, self.plan.design
        return {
            "design": design_table(d.labels, d.values) if "design" in frames
            else design_columns(d.labels, d.values),
            "metrics": metrics_table(self.metrics, self.targets, self.met, self.margin)
            if "metrics" in frames else metrics_columns(self.metrics, self.targets, self.met,
                                                        self.margin),
            "quantiles": quantiles_table(self.name, plan.context.variables, plan.report_years,
                                         QUANTILES, self.quantiles),
            "targets": targets_table(self.probabilities()),
            "sensitivity": sensitivity_table(self.sensitivity),
        }


def sensitivity_rows(result: SweepResult) -> list[dict]:
    """Sensitivity indices of a sweep's metrics and of national CO2 by year (the analyser follows
    the design's method; its bootstrap seed derives from the design seed)."""
    plan, d = result.plan, result.plan.design
    seed = int(rng(d.seed, "sensitivity").integers(1, 2**31))
    return analyze(d.method, d.problem(), d.unit, result.metrics,
                   ("Emissions|CO2|Energy and Industrial Processes", plan.report_years, result.series), seed=seed,
                   levels=MORRIS_LEVELS)


def probability_rows(targets: list, met: np.ndarray, checks: dict[str, float]) -> list[dict]:
    """Per target (columns of ``met`` [S, T]): probability met with a Wilson 95 % interval, and the
    verdict of its check (pass when the probability reaches the threshold)."""
    n = met.shape[0]
    rows = []
    for j, t in enumerate(targets):
        k = int(met[:, j].sum())
        lo, hi = wilson_interval(k, n)
        threshold = checks.get(t.id)
        rows.append({
            "id": t.id, "kind": t.kind, "variable": t.variable, "description": t.description,
            "n": n, "met": k, "probability": k / n, "low_95": lo, "high_95": hi,
            "threshold": threshold,
            "verdict": "" if threshold is None else ("pass" if k / n >= threshold else "fail"),
        })
    return rows


class Collector:
    """Places chunk results by sample index and adds up histograms (order-independent)."""

    def __init__(self, plan: SweepPlan):
        self.plan = plan
        ctx, s = plan.context, plan.n_samples
        t, yr = len(ctx.resolved.targets), len(plan.report_years)
        # every row is written before result() (it checks that every chunk came): np.empty and
        # np.zeros leave the pages untouched until then, so worker processes forked meanwhile do
        # not carry them
        self.metrics = np.empty((s, len(ctx.metric_names)))
        self.met = np.zeros((s, t), dtype=bool)
        self.margin = np.empty((s, t))
        self.series = np.empty((ctx.series_rows, yr))
        self.acc = Accumulator(ctx.grid) if ctx.grid is not None else None
        self.done: set[int] = set()
        self.samples_done = 0
        # the chunks that hold the samples the sensitivity analysis reads (Context.series_rows)
        self.prefix = {i for i, a, _ in plan.chunks() if a < ctx.series_rows}

        self.counted = 0  # samples in the histograms

    def add(self, chunk: ChunkResult | Totals) -> None:
        """Place a chunk (its counts, when it has them, are added); or add a worker's totals of
        the counts of chunks that came without them."""
        if isinstance(chunk, Totals):
            if self.acc is not None:
                self.acc.add(chunk.counts, chunk.vmin, chunk.vmax)
                self.counted += chunk.samples
            return
        if chunk.index in self.done:
            return
        sl = slice(chunk.start, chunk.stop)
        self.metrics[sl], self.met[sl], self.margin[sl] = chunk.metrics, chunk.met, chunk.margin
        self.series[chunk.start:chunk.start + chunk.series.shape[0]] = chunk.series
        if self.acc is not None and chunk.counts is not None:
            self.acc.add(chunk.counts, chunk.vmin, chunk.vmax)
            self.counted += chunk.stop - chunk.start
        self.done.add(chunk.index)
        self.samples_done += chunk.stop - chunk.start

    @property
    def prefix_done(self) -> bool:
        """Whether every sample the sensitivity analysis reads is in."""
        return self.prefix <= self.done

    def partial(self) -> SweepResult:
        """The result so far, without quantiles: its sensitivity indices are final once
        :attr:`prefix_done` (they read only those samples)."""
        plan = self.plan
        return SweepResult(plan, dict(zip(plan.context.metric_names, self.metrics.T, strict=True)),
                           self.met, self.margin, self.series, quantiles=None)

    def result(self) -> SweepResult:
        plan = self.plan
        missing = len(plan.chunks()) - len(self.done)
        if missing:
            raise RuntimeError(f"{missing} chunks missing")  # run_sweep never gets here
        if self.acc is not None and self.counted != plan.n_samples:
            raise RuntimeError(f"histograms hold {self.counted} of {plan.n_samples} samples")
        n_var, n_yr = len(plan.context.variables), len(plan.report_years)
        flat_q = plan.pilot_quantiles if self.acc is None else self.acc.quantiles(QUANTILES)
        quantiles = flat_q.reshape(len(QUANTILES), n_var, n_yr)
        return SweepResult(plan, dict(zip(plan.context.metric_names, self.metrics.T, strict=True)),
                           self.met, self.margin, self.series, quantiles,
                           0 if self.acc is None else self.acc.outside)


# ---------------------------------------------------------------------------------------------
# finished chunks on disk (--resume)

CHUNK_NAME = re.compile(r"chunk-(\d{6})\.npz")
Note = Callable[[str], None]


class DamagedChunk(Exception):
    """A chunk file that cannot be trusted (the reason is the message); it is recomputed."""


def plan_identity(fingerprint: dict) -> str:
    """The identity of a plan: sha256 of its fingerprint (scenario, design, seed, chunking, ...)."""
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()


def arrays_checksum(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over every array's name, dtype, shape and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


class ChunkStore:
    """A folder of finished chunks (``chunk-000012.npz``) and the plan fingerprint (``plan.json``).

    Every chunk file carries the plan's identity (:func:`plan_identity`) and a checksum of its
    arrays. On resume a chunk is used only when it loads without pickles, its checksum and plan
    identity match, the index it stores is the one in its file name, and every array has the
    shape and type the plan expects; any other chunk file is removed (with a note) and its chunk
    recomputed, so a damaged store costs time, never a wrong result. A damaged ``plan.json`` is
    rewritten (the chunks are checked by their own plan identity); one that belongs to another
    sweep is refused."""

    def __init__(self, folder: str | Path, plan: SweepPlan, note: Note | None = None):
        self.folder = Path(folder)
        self.plan = plan
        self.fingerprint = plan.fingerprint()
        self.identity = plan_identity(self.fingerprint)
        self._note = note

    def note(self, message: str) -> None:
        if self._note is not None:
            self._note(printable(message))  # a path or reason can hold anything: one line

    def _path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:06d}.npz"

    def start(self, resume: bool) -> list[ChunkResult]:
        """Finished chunks to reuse (``resume``), or a fresh, empty store."""
        state = self.folder / "plan.json"
        if resume and self.folder.is_dir():
            saved = self._read_plan(state)
            if saved is not None and saved != self.fingerprint:
                diff = sorted(k for k in self.fingerprint if saved.get(k) != self.fingerprint[k])
                raise UsageError(f"{self.folder}: finished chunks come from a different sweep "
                                 f"({', '.join(diff) or 'plan.json'} differ); run without --resume")
            if saved is None:
                try:
                    _write_atomic(state, json.dumps(self.fingerprint, indent=2).encode())
                except OSError as exc:
                    raise WriteError(state, exc) from None
            return self._load_all()
        self._clear()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(state, json.dumps(self.fingerprint, indent=2).encode())
        except OSError as exc:
            raise WriteError(state, exc) from None
        return []

    def _read_plan(self, state: Path) -> dict | None:
        """The saved fingerprint, or None (with a note) when plan.json is missing or damaged."""
        try:
            if not state.is_file() or state.stat().st_size > 1_000_000:
                raise ValueError("missing or not a small regular file")
            saved = json.loads(state.read_text(encoding="utf-8"))
            if not isinstance(saved, dict):
                raise ValueError("not a JSON mapping")
            return saved
        except (OSError, ValueError) as exc:
            self.note(f"{state}: damaged plan ({printable(str(exc))[:120]}); rewritten, and each "
                      "finished chunk is checked against this sweep's plan")
            return None

    def _load_all(self) -> list[ChunkResult]:
        expected = {i: (a, b) for i, a, b in self.plan.chunks()}
        chunks = []
        for path in sorted(self.folder.glob("chunk-*.npz")):
            try:
                chunks.append(self._load(path, expected))
            except DamagedChunk as exc:
                self.note(f"{path}: damaged chunk ({exc}); removed, it is recomputed")
                _remove_damaged(path)
        return chunks

    def _bound(self, n: int) -> int:
        """Generous bytes bound of a chunk file of ``n`` samples (refuses absurd sizes unread)."""
        ctx = self.plan.context
        per_sample = len(ctx.metric_names) + 2 * len(ctx.resolved.targets) + len(self.plan.report_years)
        k = 0 if ctx.grid is None else ctx.grid.low.shape[0]
        return (1 << 16) + 16 * (n * per_sample + k * (BINS + 6))

    def _load(self, path: Path, expected: dict[int, tuple[int, int]]) -> ChunkResult:
        match = CHUNK_NAME.fullmatch(path.name)
        index = int(match.group(1)) if match else -1
        if index not in expected:
            raise DamagedChunk("not a chunk of this sweep's plan (file name)")
        start, stop = expected[index]
        bound = self._bound(stop - start)
        try:
            if path.is_symlink() or not path.is_file():
                raise DamagedChunk("not a regular file")
            if path.stat().st_size > bound:
                raise DamagedChunk("larger than a chunk of this plan")
            with open(path, "rb") as fh:  # ours to close, whatever np.load makes of it
                data = np.load(fh, allow_pickle=False)
                if not isinstance(data, np.lib.npyio.NpzFile):
                    raise DamagedChunk("not an .npz archive")
                with data:
                    if sum(info.file_size for info in data.zip.infolist()) > bound:
                        raise DamagedChunk("larger than a chunk of this plan")
                    arrays = {k: data[k] for k in data.files}
        except DamagedChunk:
            raise
        except Exception as exc:  # truncated, garbage, pickled objects, ...: never trusted
            raise DamagedChunk(f"unreadable: {type(exc).__name__}") from None
        stored = {k: v for k, v in arrays.items() if k not in ("checksum", "plan")}
        plan = arrays.get("plan")
        if plan is None or plan.shape != () or str(plan) != self.identity:
            raise DamagedChunk("from a different sweep plan")
        if "checksum" not in arrays or str(arrays["checksum"]) != arrays_checksum(stored):
            raise DamagedChunk("checksum mismatch")
        return self._chunk(stored, index, start, stop)

    def _chunk(self, a: dict[str, np.ndarray], index: int, start: int, stop: int) -> ChunkResult:
        """The chunk, once every array has the shape and type the plan expects."""
        ctx, n = self.plan.context, stop - start
        t = len(ctx.resolved.targets)

        def take(name, shape, kind):
            v = a.get(name)
            if v is None or v.shape != shape or v.dtype.kind not in kind:
                got = "missing" if v is None else f"{v.dtype} {v.shape}"
                raise DamagedChunk(f"{name}: expected shape {shape}, got {got}")
            return v

        stored_index, stored_start = take("index", (), "iu"), take("start", (), "iu")
        if int(stored_index) != index or int(stored_start) != start:
            raise DamagedChunk(f"stores chunk {int(stored_index)} (samples from {int(stored_start)}) "
                               f"but its file name says chunk {index} (samples from {start})")
        chunk = ChunkResult(index, start,
                            metrics=take("metrics", (n, len(ctx.metric_names)), "f"),
                            met=take("met", (n, t), "b"), margin=take("margin", (n, t), "f"),
                            series=take("series", (ctx.series_stop(start, n),
                                                   len(self.plan.report_years)), "f"))
        if ctx.grid is not None:
            k = ctx.grid.low.shape[0]
            shape = take("counts_shape", (2,), "iu")
            if tuple(int(s) for s in shape) != (k, BINS + 2):
                raise DamagedChunk(f"counts: expected shape {(k, BINS + 2)}, got {tuple(shape)}")
            nonzero = a.get("counts_nonzero")
            values = a.get("counts_values")
            if (nonzero is None or values is None or nonzero.ndim != 1 or nonzero.shape != values.shape
                    or nonzero.dtype.kind not in "iu" or values.dtype.kind not in "iu"
                    or (nonzero.size and (nonzero.min() < 0 or nonzero.max() >= k * (BINS + 2)
                                          or np.any(np.diff(nonzero) <= 0)))):
                raise DamagedChunk("counts: not a valid sparse histogram")
            counts = np.zeros((k, BINS + 2), dtype=values.dtype)
            counts.ravel()[nonzero] = values
            if np.any(counts.sum(axis=1, dtype=np.int64) != n):
                raise DamagedChunk(f"counts: a histogram does not hold {n} samples")
            chunk.counts = counts
            chunk.vmin, chunk.vmax = take("vmin", (k,), "f"), take("vmax", (k,), "f")
        elif any(name in a for name in ("counts_shape", "counts_nonzero", "vmin", "vmax")):
            raise DamagedChunk("holds histograms, but this plan has exact quantiles")
        return chunk

    def save(self, chunk: ChunkResult) -> None:
        """Write a finished chunk atomically, with the plan's identity and a checksum. The histogram
        counts, mostly zeros, are stored as (positions, values), uncompressed: at the default chunk
        size about half the bytes of the dense counts, and much faster than compressing them (which
        took longer than running the chunk)."""
        arrays = {k: getattr(chunk, k) for k in ChunkResult.FIELDS if getattr(chunk, k) is not None}
        counts = arrays.pop("counts", None)
        if counts is not None:
            # positions found on a boolean mask: numpy's nonzero scans a bool array ~7x faster than
            # the counts themselves (the same positions)
            nonzero = np.flatnonzero(counts.ravel() != 0)
            if counts.size <= np.iinfo(np.int32).max:  # ~10^7 positions: half the bytes
                nonzero = nonzero.astype(np.int32)
            arrays.update(counts_shape=np.array(counts.shape), counts_nonzero=nonzero,
                          counts_values=counts.ravel()[nonzero])
        arrays.update(index=np.array(chunk.index), start=np.array(chunk.start))
        arrays = {k: np.asarray(v) for k, v in arrays.items()}
        tmp = self._path(chunk.index).with_suffix(".tmp")
        try:
            with open(tmp, "wb") as fh:
                np.savez(fh, plan=np.array(self.identity),
                         checksum=np.array(arrays_checksum(arrays)), **arrays)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self._path(chunk.index))
        except OSError as exc:  # a full disk: one line; the chunks finished so far stay
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise WriteError(self._path(chunk.index), exc) from None

    def _clear(self) -> None:
        """Remove the files a store holds (never anything else: ``store=`` may name any folder)."""
        if not self.folder.is_dir():
            return
        for p in self.folder.iterdir():
            if p.name == "plan.json" or p.name.endswith(".tmp") or CHUNK_NAME.fullmatch(p.name):
                with contextlib.suppress(OSError):
                    p.unlink()

    def remove(self) -> None:
        self._clear()
        with contextlib.suppress(OSError):
            self.folder.rmdir()


def _remove_damaged(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        try:
            path.rmdir()  # an empty folder in a chunk's place; anything fuller is not ours to delete
        except OSError:
            raise UsageError(f"{path}: in place of a finished chunk and cannot be removed; remove "
                             "it, or run without --resume") from None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# running

Task = tuple[int, int, np.ndarray]  # (chunk index, first sample, design rows)
Executor = Callable[[Context, list[Task]], Iterable[ChunkResult]]


def local_executor(ctx: Context, tasks: list[Task]) -> Iterator[ChunkResult]:
    """Run chunks one after another in this process."""
    for index, start, values in tasks:
        yield run_chunk(ctx, index, start, values)


def _quiet_signals() -> None:
    """Ctrl-C (sent to the whole process group) is the parent's to handle, and SIGTERM (the
    parent's terminate(), or a kill of the group) ends a worker quietly: a worker must not inherit
    the CLI's handler, which would print a traceback per worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def sendable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling (to reach the parent as itself), else a RuntimeError."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _worker(ctx: Context, tasks, results, store: ChunkStore | None) -> None:
    """A worker process: runs chunks from ``tasks`` until a None, writes each to ``store`` (the
    resume files) and sends it back without its counts, which it adds up itself and sends once at
    the end (a chunk's counts are ~25 MB dense; a worker's totals are sent once)."""
    _quiet_signals()
    counts = vmin = vmax = None
    samples = 0
    try:
        while (task := tasks.get()) is not None:
            chunk = run_chunk(ctx, *task)
            if store is not None:
                store.save(chunk)
            if chunk.counts is not None:
                if counts is None:
                    counts = chunk.counts.astype(np.int32)
                    vmin, vmax = chunk.vmin.copy(), chunk.vmax.copy()
                else:
                    counts += chunk.counts
                    np.minimum(vmin, chunk.vmin, out=vmin)
                    np.maximum(vmax, chunk.vmax, out=vmax)
                samples += chunk.stop - chunk.start
                chunk.counts = chunk.vmin = chunk.vmax = None
            results.put(("chunk", chunk))
        if counts is not None and samples <= np.iinfo(np.uint16).max:
            counts = counts.astype(np.uint16)  # half the bytes to send
        results.put(("totals", None if counts is None else Totals(counts, vmin, vmax, samples)))
    except BaseException as exc:  # to the parent, which raises it
        results.put(("error", sendable(exc)))


class ProcessExecutor:
    """Run chunks on ``processes`` local worker processes (no Dask: starts in milliseconds).

    The context (and the store) go to each worker once, when it starts; workers take chunks from
    one queue (so a slow chunk does not hold the others back), write finished chunks to the store
    themselves, and add up the histogram counts of the chunks they ran, sent once at the end. Chunks
    come back in any order and the collector places them by sample index; counts are integers,
    whose sum does not depend on the order: the result is identical to an in-process run (tested).
    """

    saves_chunks = True  # run_sweep passes the store: the workers write the chunk files

    def __init__(self, processes: int):
        self.processes = processes

    def __call__(self, ctx: Context, tasks: list[Task],
                 store: ChunkStore | None = None) -> Iterator[ChunkResult | Totals]:
        if self.processes <= 1 or len(tasks) <= 1:
            for chunk in local_executor(ctx, tasks):
                if store is not None:
                    store.save(chunk)
                yield chunk
            return
        import multiprocessing
        import queue

        mp = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        n = min(self.processes, len(tasks))
        task_queue, results = mp.Queue(), mp.Queue()
        for task in tasks:
            task_queue.put(task)
        for _ in range(n):
            task_queue.put(None)
        workers = [mp.Process(target=_worker, args=(ctx, task_queue, results, store), daemon=True)
                   for _ in range(n)]
        for w in workers:
            w.start()
        try:
            finished = 0
            while finished < n:
                try:
                    kind, item = results.get(timeout=0.25)
                except queue.Empty:
                    dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
                    if dead:
                        raise RuntimeError(f"a sweep worker process ended unexpectedly (exit code "
                                           f"{dead[0]})") from None
                    continue
                if kind == "error":
                    raise item
                if kind == "totals":
                    finished += 1
                    if item is not None:
                        yield item
                else:
                    yield item
            for w in workers:
                w.join()
        finally:
            for w in workers:
                if w.is_alive():
                    w.terminate()
            for w in workers:
                w.join()
            task_queue.cancel_join_thread()
            results.cancel_join_thread()


def process_executor(processes: int) -> ProcessExecutor:
    """Run chunks on ``processes`` local worker processes (see :class:`ProcessExecutor`)."""
    return ProcessExecutor(processes)


def run_sweep(plan: SweepPlan, executor: Executor | None = None,
              progress: Callable[[int, int], None] | None = None,
              store: ChunkStore | None = None, resume: bool = False,
              on_prefix: Callable[[SweepResult], None] | None = None,
              on_chunk: Callable[[ChunkResult], None] | None = None) -> SweepResult:
    """Run every chunk of ``plan`` (those not already in ``store`` when resuming); ``on_chunk`` is
    called with each chunk (resumed ones too) once it is placed.

    ``on_prefix`` is called once, as soon as the samples that the sensitivity analysis reads are
    in (often long before the last chunk), with the result so far (:meth:`Collector.partial`):
    its sensitivity indices, computed then, are those of the final result."""
    collector = Collector(plan)
    early: SweepResult | None = None

    def placed() -> None:
        nonlocal early
        if on_prefix is not None and early is None and collector.prefix_done:
            early = collector.partial()
            on_prefix(early)

    if store is not None:
        for chunk in store.start(resume):
            collector.add(chunk)
            if on_chunk is not None:
                on_chunk(chunk)
    tasks = [(i, a, plan.design.values[a:b]) for i, a, b in plan.chunks() if i not in collector.done]
    if progress is not None:
        progress(collector.samples_done, plan.n_samples)
    placed()
    run = executor or local_executor
    saves = getattr(run, "saves_chunks", False)  # the executor's workers write the chunk files
    for chunk in (run(plan.context, tasks, store=store) if saves else run(plan.context, tasks)):
        collector.add(chunk)
        if isinstance(chunk, Totals):
            continue
        if store is not None and not saves:
            store.save(chunk)
        if on_chunk is not None:
            on_chunk(chunk)
        if progress is not None:
            progress(collector.samples_done, plan.n_samples)
        placed()
    result = collector.result()
    if early is not None and early._sensitivity is not None:
        result._sensitivity = early._sensitivity
    return result
