"""Sweeps that use the machine (issue 17): the default processes and chunk sizes, worker processes
that write their own resume files and send their histogram totals once, worker faults as one
error, and figures drawn in forked processes beside the file writing: every number and every byte
of the folder the same as one process gives."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from clitools import small_sweep_scenario

import ctsim
from ctsim import api
from ctsim.outputs import sweep as osw
from ctsim.plots import sweep as figs
from ctsim.resolve import resolve
from ctsim.scenario import load_scenario
from ctsim.sweeps import core as sw
from ctsim.sweeps.streaming import PILOT


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, root):
    path = tmp_path_factory.mktemp("s") / "small.yaml"
    path.write_text(small_sweep_scenario(root, 60, lifetime=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def resolved(scenario):
    return resolve(load_scenario(scenario))


def _assert_same(a: sw.SweepResult, b: sw.SweepResult) -> None:
    assert a.metrics.keys() == b.metrics.keys()
    for k in a.metrics:
        assert np.array_equal(a.metrics[k], b.metrics[k], equal_nan=True), k
    for name in ("met", "margin", "series", "quantiles"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert a.outside_grid == b.outside_grid


@pytest.mark.parametrize("samples", [1, 2, 4999, 5000, 5001, 10_000, 114_688, 1_000_000])
def test_default_chunks_are_equal_and_a_multiple_of_four(samples):
    size = sw.default_chunk_size(samples)
    chunks = -(-samples // size)
    assert size <= sw.DEFAULT_CHUNK_SIZE
    assert chunks == 1 or chunks % sw.CHUNK_MULTIPLE == 0, (size, chunks)
    assert chunks * size - samples < chunks  # the last chunk is at most one sample short


def test_default_processes_use_every_usable_core_from_the_threshold(monkeypatch):
    monkeypatch.setattr(sw, "usable_cores", lambda: 3)
    assert sw.default_processes(sw.PARALLEL_MIN_SAMPLES - 1) == 1
    assert sw.default_processes(sw.PARALLEL_MIN_SAMPLES) == 3
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.undo()
        assert sw.usable_cores() == len(os.sched_getaffinity(0))


def test_a_large_sweep_runs_on_processes_unless_told_one(scenario, monkeypatch):
    used = []
    real = sw.ProcessExecutor.__call__

    def spy(self, ctx, tasks, store=None):
        used.append(self.processes)
        return real(self, ctx, tasks, store)

    monkeypatch.setattr(sw.ProcessExecutor, "__call__", spy)
    monkeypatch.setattr(sw, "usable_cores", lambda: 2)
    monkeypatch.setattr(sw, "PARALLEL_MIN_SAMPLES", 60)
    a = ctsim.sweep(scenario, store=False)
    assert used == [2]
    b = ctsim.sweep(scenario, store=False, processes=1)
    assert used == [2, 1]  # --processes 1: the executor runs the chunks in this process
    monkeypatch.setattr(sw, "PARALLEL_MIN_SAMPLES", 61)
    ctsim.sweep(scenario, store=False)
    assert used == [2, 1]  # below the threshold: no executor at all
    _assert_same(a, b)


@pytest.mark.parametrize("processes", [2, 3])
def test_workers_write_the_resume_files_and_send_totals_once(resolved, processes, tmp_path):
    n = PILOT + 700
    one = sw.run_sweep(sw.plan_sweep(resolved, samples=n, chunk_size=n))
    plan = sw.plan_sweep(resolved, samples=n, chunk_size=350)
    store = sw.ChunkStore(tmp_path / "chunks", plan)
    items = []
    executor = sw.process_executor(processes)
    store.start(False)
    tasks = [(i, a, plan.design.values[a:b]) for i, a, b in plan.chunks()]
    for item in executor(plan.context, tasks, store=store):
        items.append(item)
    chunks = [c for c in items if isinstance(c, sw.ChunkResult)]
    totals = [t for t in items if isinstance(t, sw.Totals)]
    assert sorted(c.index for c in chunks) == list(range(len(plan.chunks())))
    assert all(c.counts is None for c in chunks)  # counts come once per worker, in its totals
    assert len(totals) == processes and sum(t.samples for t in totals) == n
    assert len(list(store.folder.glob("chunk-*.npz"))) == len(plan.chunks())
    # the parent's result, and a resume from the workers' files, equal one unchunked process
    _assert_same(one, sw.run_sweep(sw.plan_sweep(resolved, samples=n, chunk_size=350),
                                   sw.process_executor(processes)))
    resumed = sw.run_sweep(plan, None, store=sw.ChunkStore(tmp_path / "chunks", plan), resume=True)
    _assert_same(one, resumed)


def test_half_resumed_half_on_processes_equals_one_process(resolved, tmp_path):
    n = PILOT + 700
    one = sw.run_sweep(sw.plan_sweep(resolved, samples=n, chunk_size=n))
    plan = sw.plan_sweep(resolved, samples=n, chunk_size=300)
    store = sw.ChunkStore(tmp_path / "c", plan)
    store.start(False)
    for i, a, b in plan.chunks()[::2]:  # every other chunk finished before an interruption
        store.save(sw.run_chunk(plan.context, i, a, plan.design.values[a:b]))
    result = sw.run_sweep(plan, sw.process_executor(2), store=sw.ChunkStore(tmp_path / "c", plan),
                          resume=True)
    _assert_same(one, result)


def test_an_error_in_a_worker_is_raised_as_itself(resolved, monkeypatch):
    real = sw.run_chunk

    def failing(ctx, index, start, values):
        if index == 2:
            raise ValueError("chunk 2 failed")
        return real(ctx, index, start, values)

    monkeypatch.setattr(sw, "run_chunk", failing)  # forked workers inherit it
    plan = sw.plan_sweep(resolved, samples=200, chunk_size=40)
    with pytest.raises(ValueError, match="chunk 2 failed"):
        sw.run_sweep(plan, sw.process_executor(2))


def test_a_worker_that_dies_is_one_error_not_a_hang(resolved, monkeypatch):
    real = sw.run_chunk

    def dying(ctx, index, start, values):
        if index == 1:
            os._exit(3)
        return real(ctx, index, start, values)

    monkeypatch.setattr(sw, "run_chunk", dying)
    plan = sw.plan_sweep(resolved, samples=200, chunk_size=40)
    with pytest.raises(RuntimeError, match=r"worker process ended unexpectedly \(exit code 3\)"):
        sw.run_sweep(plan, sw.process_executor(2))


def _files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "metadata.json"}


def test_figures_drawn_in_processes_are_the_same_bytes(scenario, tmp_path):
    result = ctsim.sweep(scenario, store=False, processes=1)
    steps = {True: [], False: []}
    for parallel in (True, False):
        osw.write_sweep(result, tmp_path / str(parallel), parallel=parallel,
                        progress=lambda d, t, p=parallel: steps[p].append((d, t)))
    a, b = _files(tmp_path / "True"), _files(tmp_path / "False")
    assert sorted(a) == sorted(b) and sum(n.endswith(".png") for n in a) == len(osw.FIGURES)
    assert all(a[n] == b[n] for n in a), [n for n in a if a[n] != b[n]]
    total = 1 + len(osw.FILES) + 1 + len(osw.FIGURES)
    assert steps[True] == steps[False] == [(i, total) for i in range(total + 1)]


def test_an_error_drawing_a_figure_in_a_process_leaves_no_folder(scenario, tmp_path, monkeypatch):
    result = ctsim.sweep(scenario, store=False, processes=1)

    def broken(*args, **kwargs):
        raise ValueError("no fan today")

    monkeypatch.setattr(figs, "fan_figure", broken)
    with pytest.raises(ValueError, match="no fan today"):
        osw.write_sweep(result, tmp_path / "o", parallel=True)
    assert not (tmp_path / "o").exists() and not list(tmp_path.iterdir())


def test_the_cli_help_states_the_default(ctsim_help):
    text = " ".join(re.sub(r"[\u2500-\u257f]", " ", ctsim_help("sweep")).split())  # no box lines
    assert "every usable core for 10,000 samples or more" in text
    assert api.default_processes is sw.default_processes


def test_the_sweep_starts_its_figure_process_before_the_chunks(scenario, tmp_path, monkeypatch):
    events = []
    real_init, real_run = osw.FigureProcess.__init__, api.run_sweep

    def spy(self, plan=None):
        events.append(("figures", plan))
        real_init(self, plan)

    def run(*args, **kwargs):
        events.append(("chunks", None))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(osw.FigureProcess, "__init__", spy)
    monkeypatch.setattr(api, "run_sweep", run)
    monkeypatch.setattr(api, "PARALLEL_MIN_SAMPLES", 60)
    monkeypatch.setattr(api, "can_fork", lambda: True)
    result = ctsim.sweep(scenario, out=tmp_path / "a", processes=1)
    # before the plan (so none is sent it), one per figure process
    processes = max(1, min(osw.FIGURE_PROCESSES, sw.usable_cores()))
    assert events == [("figures", None)] * processes + [("chunks", None)]
    osw.write_sweep(result, tmp_path / "b", parallel=False)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(b) and all(a[n] == b[n] for n in a)


@pytest.mark.parametrize("processes", [1, 2])
def test_sensitivity_is_known_before_the_last_chunk_and_is_the_final_one(resolved, processes):
    plan = sw.plan_sweep(resolved, samples=6000, method="lhs", chunk_size=500)  # reads 4,096
    assert 0 < plan.context.series_rows < plan.n_samples
    seen = []

    def early(partial):
        seen.append((len(collected), partial.sensitivity))

    collected = []
    result = sw.run_sweep(plan, sw.process_executor(processes), on_prefix=early,
                          progress=lambda done, total: collected.append(done))
    assert len(seen) == 1
    placed, rows = seen[0]
    assert placed < len(plan.chunks())  # chunks were still to come
    assert result._sensitivity is rows  # not computed again
    later = sw.run_sweep(plan, sw.process_executor(processes))
    assert later._sensitivity is None and later.sensitivity == rows and rows
    _assert_same(result, later)
