"""Sweep output folder: design, metrics, quantiles (IAMC long), targets, sensitivity, metadata, figures.

Written once at the end through ``io.atomic_folder``: a sweep folder appears complete or not at all.
Tables are built from whole arrays (one DataFrame per file), never per chunk.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .. import registry
from ..analysis.metrics import BAR_OUTPUTS
from ..analysis.sensitivity import analysis_rows
from ..sweeps.core import PARALLEL_MIN_SAMPLES, QUANTILES, SweepResult
from ..sweeps.streaming import BINS, PILOT
from ..sweeps.tables import design_columns, metrics_columns, targets_table
from .folders import atomic_folder, metadata, write_json

FLOAT = "%.10g"  # tables of results
EXACT = "%.17g"  # the design: enough digits to rerun a sample exactly
FILES = {"design": EXACT, "metrics": FLOAT, "quantiles": FLOAT, "targets": FLOAT,
         "sensitivity": FLOAT}  # table -> float format of <table>.csv


CSV_BLOCK = 5_000  # rows formatted per string operation (bounds the Python objects and text held)
_QUOTED = (",", '"', "\n", "\r")


def _quote(text: str) -> str:
    """A text field as pandas (csv.QUOTE_MINIMAL) writes it."""
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in _QUOTED) else text


def _column(column: pd.Series) -> tuple[str, np.ndarray | list] | None:
    """(kind, values) of a column the fast writer handles: "f" floats, "i" integers, "b"
    booleans, "s" text (quoted as pandas quotes it); None for a type left to pandas."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "O"):
        values = column.tolist()
        return ("s", [_quote(v) for v in values]) if all(isinstance(v, str) for v in values) else None
    if not isinstance(dtype, np.dtype) or dtype.kind not in "fiub":  # nullable integers, ...
        return None
    return ("i" if dtype.kind == "u" else dtype.kind), column.to_numpy()


def _cells(kind: str, values, float_format: str) -> tuple[str, list]:
    """(printf spec, Python values) of one block of a column, as ``to_csv(float_format=...)``
    writes it: floats in ``float_format`` and NaN as an empty field, integers %d, booleans
    True/False, text as it is (already quoted)."""
    if kind == "f":
        if np.isnan(values).any():
            text = [float_format % v for v in values.tolist()]
            for i in np.flatnonzero(np.isnan(values)).tolist():
                text[i] = ""
            return "%s", text
        return float_format, values.tolist()
    if kind == "s":
        return "%s", values
    return ("%d" if kind == "i" else "%s"), values.tolist()


Table = pd.DataFrame | dict  # a DataFrame, or {column name: 1-D array} (written as its DataFrame)


def csv_text(frame: Table, float_format: str) -> str:
    """The text of :func:`csv_parts` (what ``write_csv`` writes)."""
    return "".join(csv_parts(frame, float_format))


def csv_parts(frame: Table, float_format: str) -> Iterator[str]:
    """``frame.to_csv(index=False, float_format=float_format)``, byte for byte (tested), formatted a
    block of rows at a time by one printf call instead of pandas' per-cell writer (3-4x faster for
    a sweep's metrics and design; Python objects exist for one block at a time). Frames of other
    column types (nullable integers, mixed objects) or of one column (where pandas quotes empty
    rows) are written by pandas."""
    rows = csv_rows(frame, float_format)
    if rows is None:
        frame = pd.DataFrame(frame) if isinstance(frame, dict) else frame
        yield frame.to_csv(index=False, float_format=float_format)
        return
    names = list(frame.keys() if isinstance(frame, dict) else frame.columns)
    yield ",".join(_quote(c) for c in names) + os.linesep
    yield from rows


def csv_rows(frame: Table, float_format: str) -> Iterator[str] | None:
    """The rows of :func:`csv_parts` after its header (a block of :data:`CSV_BLOCK` rows per
    part), or None for a frame that it leaves to pandas. A row's text depends on that row alone,
    so the rows of a part of a table (a chunk of a sweep) are the lines of the whole table's text."""
    names = list(frame.keys() if isinstance(frame, dict) else frame.columns)
    columns = [_column(pd.Series(frame[c], copy=False) if isinstance(frame, dict) else frame[c])
               for c in names] if len(names) > 1 else [None]
    if any(c is None for c in columns) or not all(isinstance(c, str) for c in names):
        return None
    return _rows(columns, len(frame[names[0]]), float_format)


def _rows(columns: list, n: int, float_format: str) -> Iterator[str]:
    end = os.linesep
    for a in range(0, n, CSV_BLOCK):
        block = [_cells(kind, values[a:a + CSV_BLOCK], float_format) for kind, values in columns]
        rows = min(n - a, CSV_BLOCK)
        cells = np.empty((rows, len(block)), dtype=object)
        for j, (_, values) in enumerate(block):
            cells[:, j] = values
        row = ",".join(spec for spec, _ in block) + end  # NaN in a block: %s for that column
        yield (row * rows) % tuple(cells.ravel().tolist())


STREAMED = ("design", "metrics")  # tables of one row per sample: formatted chunk by chunk


def chunk_tables(ctx, start: int, values: np.ndarray, metrics: np.ndarray, met: np.ndarray,
                 margin: np.ndarray) -> dict[str, Table]:
    """The rows of design.csv and metrics.csv of one chunk (samples from ``start``: design rows
    ``values``, per-sample ``metrics`` [n, M], ``met`` and ``margin`` [n, T]), as the columns of
    the whole tables (``SweepResult.tables``) hold them."""
    sample = np.arange(start, start + values.shape[0])
    design = design_columns([c.label for c in ctx.columns], values)
    table = metrics_columns(dict(zip(ctx.metric_names, metrics.T, strict=True)),
                            list(ctx.resolved.targets), met, margin)
    design["sample"] = table["sample"] = sample
    return {"design": design, "metrics": table}


def chunk_text(ctx, chunk, values: np.ndarray) -> dict[str, str] | None:
    """The lines of design.csv and metrics.csv of a finished chunk (see :func:`csv_rows`), or None
    when a table is written by pandas (not line by line). Run where the chunk ran (a worker
    process: ``Context.chunk_text``), so the formatting is shared by the workers."""
    tables = chunk_tables(ctx, chunk.start, values, chunk.metrics, chunk.met, chunk.margin)
    rows = {name: csv_rows(tables[name], FILES[name]) for name in STREAMED}
    return None if any(r is None for r in rows.values()) else {k: "".join(r) for k, r in rows.items()}


def write_csv(frame: Table, path: Path, float_format: str) -> None:
    """Write ``frame`` as :func:`csv_text`, a block of rows at a time (the folder is made atomic
    by its caller)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for part in csv_parts(frame, float_format):
            fh.write(part)


def sweep_metadata(result: SweepResult, command: list[str] | None, extra: dict | None = None) -> dict:
    plan, d = result.plan, result.plan.design
    grid = plan.context.grid
    info = {
        "method": d.method, "seed": d.seed, "samples_requested": d.requested,
        "samples": d.n_samples, "chunk_size": plan.chunk_size, "chunks": len(plan.chunks()),
        "design_columns": [
            {"column": c.label, "parameter": c.name, "applies_as":
             "scale factor" if c.spec.scale else (f"value in {c.spec.year}" if c.spec.year
                                                  else "value"),
             "distribution": c.spec.model_dump(exclude={"scale", "year"})}
            for c in d.columns],
        "quantiles": list(QUANTILES),
        "quantile_method": "exact (numpy linear)" if grid is None else
        f"fixed-grid histograms ({BINS} bins over 2x the range of the first {PILOT} samples)",
        "values_outside_quantile_grid": result.outside_grid,
        "sensitivity_rows_analysed": analysis_rows(d.method, d.n_samples, len(d.columns))
        if d.columns else 0,
        "checks": dict(plan.context.resolved.checks),
        **(extra or {}),
    }
    return metadata(plan.context.resolved, command, extra={"sweep": info})


def write_sweep(result: SweepResult, outdir: str | Path, force: bool = False, figures: bool = True,
                command: list[str] | None = None, extra: dict | None = None,
                progress: Callable[[int, int], None] | None = None,
                parallel: bool | None = None,
                painter: FigureProcess | list[FigureProcess] | None = None) -> Path:
    """Write design.csv, metrics.csv, quantiles.csv, targets.csv, sensitivity.csv (the tables of
    ``result.tables()``), metadata.json and figures/ into ``outdir`` (atomically). ``progress`` is
    called with (steps done, total steps): the tables (sensitivity indices included), each file
    and each figure.

    With ``parallel`` (default: as the chunks, for sweeps of ``PARALLEL_MIN_SAMPLES`` samples or
    more where processes can be forked and more than one core is usable) the figures are drawn by
    :class:`FigureProcess` es (``painter``: one or a list, when the caller started them before the
    sweep, when this process was small; else :func:`figure_processes`) while this one works out
    the sensitivity indices and writes the files: the figures that need no sensitivity index at
    once, the two sensitivity figures once the indices are known. The PNGs are the same either way (tested). :class:`SweepFolder` does the same in
    two parts, so that a sweep can start the sensitivity figures before its last chunk."""
    with SweepFolder(outdir, force, figures, parallel, painter, result.n_samples) as folder:
        folder.finish(result, command, extra, progress)
    return Path(outdir)


class SweepFolder:
    """A sweep folder being written: opened (atomically, see ``atomic_folder``) before the sweep's
    last chunk, so that the figures that need only the sensitivity indices are drawn while the
    chunks still run (:meth:`sensitivity_known`, called with a result whose first samples, those
    the indices read, are in); :meth:`finish` writes the rest. The files are those of
    :func:`write_sweep`, byte for byte (tested)."""

    def __init__(self, outdir: str | Path, force: bool = False, figures: bool = True,
                 parallel: bool | None = None,
                 painter: FigureProcess | list[FigureProcess] | None = None, samples: int = 0):
        if parallel is None:
            parallel = bool(painter) or (samples >= PARALLEL_MIN_SAMPLES and can_fork())
        self.outdir, self.force, self.figures = Path(outdir), force, figures
        self.parallel = figures and parallel
        self.painters = [] if painter is None else painter if isinstance(painter, list) else [painter]
        self.own = not self.painters and self.parallel
        self.early: list[str] = []  # figures sent to the painter before finish()
        self._streams: dict = {}  # table -> open file of STREAMED tables written chunk by chunk
        self._pending: dict[int, dict[str, str]] = {}  # lines of chunks that came out of order
        self._next = 0  # the chunk whose lines are written next
        self._plan = None
        self._stack = contextlib.ExitStack()
        self.tmp = Path()

    def __enter__(self) -> SweepFolder:
        with contextlib.ExitStack() as stack:
            self.tmp = stack.enter_context(atomic_folder(self.outdir, force=self.force))
            if self.own:
                self.painters = figure_processes()
                for p in self.painters:
                    stack.callback(p.close)  # before the folder is renamed or removed
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc) -> bool | None:
        return self._stack.__exit__(*exc)

    def _draw(self, result: SweepResult, tables: dict, names: list[str]) -> None:
        """Send ``names`` to the figure processes: those of :data:`FIRST_PROCESS` to the first,
        the others to the last (one process draws them all when there is one)."""
        first = [n for n in names if n in FIRST_PROCESS]
        for painter, part in ((self.painters[0], first),
                              (self.painters[-1], [n for n in names if n not in first])):
            if part:
                painter.draw(result, tables, self.tmp / "figures", part)

    def stream(self, plan) -> bool:
        """Start design.csv and metrics.csv (their headers) to be written chunk by chunk by
        :meth:`add`, when their lines can be (:func:`csv_rows`); False when they are written
        whole by :meth:`finish`. A sweep then sets ``Context.chunk_text`` to :func:`chunk_text`."""
        ctx, t = plan.context, len(plan.context.resolved.targets)
        empty = chunk_tables(ctx, 0, plan.design.values[:0], np.zeros((0, len(ctx.metric_names))),
                             np.zeros((0, t), bool), np.zeros((0, t)))
        if any(csv_rows(empty[name], FILES[name]) is None for name in STREAMED):
            return False
        self._plan = plan
        for name in STREAMED:
            fh = open(self.tmp / f"{name}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._stack.callback(fh.close)
            fh.write(",".join(_quote(c) for c in empty[name]) + os.linesep)
            self._streams[name] = fh
        return True

    def add(self, chunk) -> None:
        """Write the lines of a finished chunk (formatted here when it has none: a resumed chunk),
        in the order of the chunks."""
        if not self._streams or chunk.index < self._next or chunk.index in self._pending:
            return
        plan = self._plan
        text = chunk.text or chunk_text(plan.context, chunk,
                                        plan.design.values[chunk.start:chunk.stop])
        self._pending[chunk.index] = text
        while self._next in self._pending:
            for name, part in self._pending.pop(self._next).items():
                self._streams[name].write(part)
            self._next += 1

    def sensitivity_known(self, result: SweepResult) -> None:
        """Send the sensitivity figures to the figure process (when there is one): ``result``'s
        sensitivity indices are final although its last chunks may still run."""
        if self.parallel and not self.early:
            from ..sweeps.tables import sensitivity_table

            self.early = list(SENSITIVITY_FIGURES)
            self._draw(result, {"sensitivity": sensitivity_table(result.sensitivity)}, self.early)

    def finish(self, result: SweepResult, command: list[str] | None = None,
               extra: dict | None = None,
               progress: Callable[[int, int], None] | None = None) -> None:
        """Write the tables, metadata.json and the figures not drawn yet; wait for the figure
        process."""
        tmp, parallel = self.tmp, self.parallel
        total = 1 + len(FILES) + 1 + (len(FIGURES) if self.figures else 0)
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total)

        if progress is not None:
            progress(0, total)
        if parallel:
            self._draw(result, {"targets": targets_table(result.probabilities())},
                       [n for n in FIGURES if n not in SENSITIVITY_FIGURES])
        tables = result.tables(frames=("quantiles", "targets", "sensitivity"))
        step()
        if parallel and not self.early:
            self.early = list(SENSITIVITY_FIGURES)
            self._draw(result, {"sensitivity": tables["sensitivity"]}, self.early)
        if self._streams and self._next != len(result.plan.chunks()):
            raise RuntimeError(f"{len(result.plan.chunks()) - self._next} chunks not written")
        for name, float_format in FILES.items():
            if name in self._streams:
                self._streams[name].close()
            else:
                write_csv(tables[name], tmp / f"{name}.csv", float_format)
            step()
        write_json(tmp / "metadata.json", sweep_metadata(result, command, extra))
        step()
        if parallel:
            for painter in self.painters:
                painter.wait(on_figure=step)
        elif self.figures:
            write_figures(result, tables, tmp / "figures", on_figure=step)


def figures_plan(plan):
    """``plan`` as the figures read it, without the design's values and unit points (zero columns,
    the same number of rows): what a figure process is sent (10^6 samples: 80 MB less to pickle
    and hold in each figure process)."""
    from dataclasses import replace

    d = plan.design
    empty = np.empty((d.n_samples, 0))
    return replace(plan, design=replace(d, unit=empty, values=empty))


def figure_processes() -> list[FigureProcess]:
    """The processes that draw a sweep's figures (:data:`FIGURE_PROCESSES`, at most one per
    usable core)."""
    from ..sweeps.core import usable_cores

    return [FigureProcess() for _ in range(max(1, min(FIGURE_PROCESSES, usable_cores())))]


def can_fork() -> bool:
    """Whether figures can be drawn in a forked process: fork exists and 2+ cores are usable."""
    import multiprocessing

    from ..sweeps.core import usable_cores

    return "fork" in multiprocessing.get_all_start_methods() and usable_cores() > 1


def _prepare() -> None:
    """What every figure needs before the first one is drawn, done while the figure process waits
    for its first job (the sweep runs meanwhile): matplotlib, the figure modules and the observed
    history are imported and read once."""
    from ..history import history
    from ..plots import style as _style  # noqa: F401
    from ..plots import sweep as _figs  # noqa: F401  (imports matplotlib and its Agg backend)

    history()


def _receive(jobs, inbox) -> None:
    """Read every job the parent sends into ``inbox`` as soon as it is sent (a thread of the
    figure process), so that the parent never waits on a full pipe while a figure is drawn."""
    try:
        while True:
            job = jobs.recv()
            inbox.put(job)
            if job is None:
                return
    except (EOFError, OSError):  # the parent has gone: nothing more to draw
        inbox.put(None)


def _paint(plan, jobs, events) -> None:
    """The figure process: draws each job (folder, figure names, what they need) it is sent,
    telling the parent after each figure and each job; an error goes to the parent. ``plan`` is
    None when the process was started before the sweep was planned: the first job brings it."""
    import queue
    import signal
    import threading

    from ..sweeps.core import sendable

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C and SIGTERM are the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tables: dict = {}
    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_receive, args=(jobs, inbox), daemon=True).start()
    try:
        _prepare()
        while (job := inbox.get()) is not None:
            folder, names, data = job
            plan = data.pop("plan", None) or plan
            tables.update(data.pop("tables"))
            result = SweepResult(plan, quantiles=data["quantiles"], metrics=data["metrics"],
                                 met=np.zeros((0, 0), bool), margin=np.zeros((0, 0)),
                                 series=np.zeros((0, 0)))
            write_figures(result, tables, folder, names=names,
                          on_figure=lambda: events.send(("figure", None)))
            events.send(("done", None))
    except BaseException as exc:
        events.send(("error", sendable(exc)))


class FigureProcess:
    """A forked process that draws a sweep's figures. Started before the sweep is planned (or,
    given ``plan``, before the chunk loop), it is small (the results do not exist yet: the sweep's
    arrays are not in its memory) and imports matplotlib while the sweep runs; each :meth:`draw`
    sends it what the figures need (the plan once, quantiles, peak years, the targets and
    sensitivity tables: kilobytes to a few MB), and it draws while the parent goes on (a thread of
    the process reads each job at once: sending never waits for a figure)."""

    def __init__(self, plan=None):
        import multiprocessing

        mp = multiprocessing.get_context("fork")
        jobs, self._jobs = mp.Pipe(duplex=False)
        self._events, events = mp.Pipe(duplex=False)
        self.process = mp.Process(target=_paint, args=(plan, jobs, events), daemon=True)
        self.process.start()
        jobs.close()
        events.close()
        self.pending = 0  # jobs sent and not yet drawn
        self._plan_sent = plan is not None

    def draw(self, result: SweepResult, tables: dict, folder: Path, names: list[str]) -> None:
        """Send a job: ``names`` of :data:`FIGURES` into ``folder``, with ``tables`` ("targets"
        and/or "sensitivity", kept for later jobs)."""
        from ..analysis.metrics import peak_year_shares

        if "peak_years.png" in names:  # the shares, not 8 MB per metric
            tables = {**tables, "peak_years": peak_year_shares(result.metrics)}
        data = {"quantiles": result.quantiles, "tables": tables, "metrics": {}}
        if not self._plan_sent:
            data["plan"] = figures_plan(result.plan)
            self._plan_sent = True
        self.pending += 1
        try:
            self._jobs.send((folder, names, data))
        except OSError:  # the process has ended: raise what ended it (its error, or its exit)
            self.wait()
            raise RuntimeError("the process drawing the sweep's figures ended") from None

    def wait(self, on_figure: Callable[[], None] | None = None) -> None:
        """Until every job sent is drawn (``on_figure`` after each figure); the process's error is
        raised here."""
        while self.pending:
            try:
                kind, value = self._events.recv()
            except EOFError:
                self.process.join()
                raise RuntimeError("the process drawing the sweep's figures ended unexpectedly "
                                   f"(exit code {self.process.exitcode})") from None
            if kind == "error":
                raise value
            if kind == "done":
                self.pending -= 1
            elif on_figure is not None:
                on_figure()

    def close(self) -> None:
        """End the process (at once when jobs are left: the sweep failed or was interrupted)."""
        if self.process.is_alive() and not self.pending:
            try:
                self._jobs.send(None)
            except OSError:
                pass
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self._jobs.close()
        self._events.close()


CO2_TOTAL = "Emissions|CO2|Energy and Industrial Processes"  # the national CO2 of the time-resolved indices
RANKING_INDEX = {"sobol": "ST", "morris": "mu_star"}  # otherwise S1 (RBD-FAST)


FIGURES = ("fan_charts.png", "target_probabilities.png", "peak_years.png", "sensitivity.png",
           "sensitivity_over_time.png")
FIGURE_PROCESSES = 2  # the fan charts take about as long as the four other figures together
FIRST_PROCESS = ("fan_charts.png",)  # drawn by the first figure process, the rest by the second
SENSITIVITY_FIGURES = ("sensitivity.png", "sensitivity_over_time.png")  # need tables["sensitivity"]


def write_figures(result: SweepResult, tables: dict[str, pd.DataFrame], folder: Path,
                  on_figure: Callable[[], None] | None = None,
                  names: list[str] | tuple[str, ...] = FIGURES) -> list[Path]:
    """fan_charts.png, target_probabilities.png, peak_years.png, sensitivity.png and
    sensitivity_over_time.png, or those of them in ``names`` (figures without data are left out);
    ``on_figure`` is called after each, written or left out. ``tables`` needs "targets", and
    "sensitivity" for :data:`SENSITIVITY_FIGURES`; "peak_years" (``peak_year_shares`` of the
    metrics) is used instead of the metrics when given."""
    from ..analysis.metrics import index_units, metric_label, peak_year_shares
    from ..history import history
    from ..plots import sweep as figs
    from ..plots.style import DPI, style_context, unit_label

    plan = result.plan
    sensitivity = tables.get("sensitivity")
    cat = registry.variables()
    years = plan.report_years

    def fans() -> dict:  # only the fan charts read the quantiles (not known before the last chunk)
        return {cat[name].variable: (years, {q: result.quantiles[i, v]
                                             for i, q in enumerate(QUANTILES)})
                for v, name in enumerate(plan.context.variables)}

    targets = [t.model_dump() for t in result.targets if t.region is None]  # national figures
    prefix = f"{plan.context.resolved.name}, {plan.n_samples:,} samples ({plan.design.method})"
    index = RANKING_INDEX.get(plan.design.method, "S1")

    def ranking() -> dict[str, pd.DataFrame]:
        overall = sensitivity[sensitivity["year"].isna() & (sensitivity["index"] == index)]
        return {metric_label(o)[0]: overall[overall["output"] == o]
                .sort_values("value", ascending=False)[["parameter", "value", "conf"]]
                for o in BAR_OUTPUTS if o in set(overall["output"])}

    hist = history()
    hist.attrs["source"] = "OWID/GCB, Ember, worldsteel"
    units = index_units(index, BAR_OUTPUTS)
    over_time_unit = unit_label(CO2_TOTAL) if index == "mu_star" else "dimensionless"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with style_context():  # figures take the style when they are built, not when saved
        builders = {  # built one at a time, so progress moves while they are drawn
            "fan_charts.png": lambda: figs.fan_figure(fans(), targets, hist, prefix),
            "target_probabilities.png": lambda: figs.probability_figure(tables["targets"], prefix)
            if targets else None,
            "peak_years.png": lambda: figs.peak_year_figure(
                tables["peak_years"] if "peak_years" in tables else peak_year_shares(result.metrics),
                targets, prefix),
            "sensitivity.png": lambda: figs.sensitivity_figure(
                ranking(), figs.INDEX_LABEL.get(index, index), prefix, units=units,
                parameters=plan.design.labels),
            "sensitivity_over_time.png": lambda: figs.indices_over_time(
                sensitivity, index, CO2_TOTAL, prefix,
                unit=over_time_unit, parameters=plan.design.labels),
        }
        for name in names:
            fig = builders[name]()
            if fig is not None:
                fig.savefig(folder / name, dpi=DPI, metadata={"Software": None})
                paths.append(folder / name)
            if on_figure is not None:
                on_figure()
    return paths
