"""Dask execution: a LocalCluster gives the in-process result bit for bit; faults (a killed worker,
the only worker gone, a bad address) are one line or recovered, never a traceback; no fixed ports
(this file runs under filterwarnings=error, so a busy dashboard port would fail it)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys

import numpy as np
import pytest

from ctsim import load_scenario
from ctsim.errors import ClusterError
from ctsim.resolve import resolve
from ctsim.sweeps import core as sw

pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def small_plan(root):
    resolved = resolve(load_scenario(root / "scenarios" / "steel2030.yaml"))
    return sw.plan_sweep(resolved, samples=300, method="lhs", chunk_size=20)


@pytest.fixture(scope="module")
def small_local(small_plan):
    return sw.run_sweep(small_plan)


def assert_identical(a, b):
    for k in a.metrics:
        assert np.array_equal(a.metrics[k], b.metrics[k]), k
    for name in ("met", "margin", "series", "quantiles"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@contextlib.contextmanager
def busy_port(port: int):
    """Hold ``port`` on 127.0.0.1 if it is free (if not, someone else holds it: busy either way)."""
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        s.listen()
    except OSError:
        pass
    try:
        yield
    finally:
        s.close()


def test_dask_local_cluster_equals_in_process(root):
    from ctsim.sweeps.distributed import dask_executor

    resolved = resolve(load_scenario(root / "scenarios" / "steel2030.yaml"))
    plan = sw.plan_sweep(resolved, samples=2200, method="lhs", chunk_size=400)  # > pilot: histograms
    local = sw.run_sweep(plan)
    with busy_port(8787):  # Dask's default dashboard port: the local cluster must not want it
        remote = sw.run_sweep(plan, executor=dask_executor(workers=2))
    assert_identical(local, remote)


def test_workers_and_scheduler_are_exclusive():
    from ctsim import UsageError
    from ctsim.sweeps.distributed import dask_executor

    with pytest.raises(UsageError):
        dask_executor(workers=2, scheduler="tcp://localhost:8786")
    with pytest.raises(UsageError):
        dask_executor(workers=0)


@pytest.mark.parametrize("address", ["garbage://x", "tcp://", "", "\x1b[31mred", "tcp://host",
                                     "tcp://a b:1"])
def test_a_bad_scheduler_address_is_one_line_before_any_work(address, ctsim_main, root, tmp_path):
    res = ctsim_main("sweep", root / "scenarios" / "steel2030.yaml", "--samples", "20",
                     "--scheduler", address, "--out", tmp_path / "o")
    assert res.code == 2 and len(res.err_lines) == 1, res.stderr
    assert res.err_lines[0].startswith("error: --scheduler: expected a Dask scheduler address")
    assert "\x1b" not in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_scheduler_is_one_line(ctsim_main, root, tmp_path, monkeypatch):
    from ctsim.sweeps import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 2)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # a free port: nothing listens there
    res = ctsim_main("sweep", root / "scenarios" / "steel2030.yaml", "--samples", "20",
                     "--scheduler", f"tcp://127.0.0.1:{port}", "--out", tmp_path / "o",
                     "--no-figures")
    lines = [ln for ln in res.err_lines if ln.startswith("error:")]  # not progress, not notes
    assert res.code == 2 and len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert lines[0].startswith(f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert not (tmp_path / "o").exists()


def _scheduler(n_workers: int):
    from dask.distributed import LocalCluster

    from ctsim.sweeps.distributed import LOCAL_CLUSTER

    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, **LOCAL_CLUSTER)


def _kill_at(pids, after: int):
    state = {"killed": False}

    def progress(done, total):
        if done >= after and not state["killed"]:
            state["killed"] = True
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
    return progress, state


def test_a_killed_worker_is_replaced_and_the_context_scattered_again(small_plan, small_local):
    """The nanny restarts a killed worker; the context scattered to it is lost with it, so the
    executor scatters it again and resubmits the unfinished chunks: the same result."""
    from dask.distributed import Client

    from ctsim.sweeps.distributed import dask_executor

    with _scheduler(1) as cluster, Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        progress, state = _kill_at(pids, 40)
        result = sw.run_sweep(small_plan, dask_executor(scheduler=cluster.scheduler_address),
                              progress)
    assert state["killed"]
    assert_identical(result, small_local)


def test_the_only_worker_gone_is_one_line_and_resume_works(small_plan, small_local, tmp_path,
                                                           monkeypatch):
    """A worker without a nanny killed mid-sweep: no worker is left, the sweep ends with one
    ClusterError (exit 2) after NO_WORKERS_TIMEOUT, the finished chunks stay in the store and
    a resume (here in-process) gives the undamaged result."""
    from dask.distributed import Client

    from ctsim.sweeps import distributed
    from ctsim.sweeps.distributed import dask_executor

    monkeypatch.setattr(distributed, "NO_WORKERS_TIMEOUT", 2)
    store = sw.ChunkStore(tmp_path / "store", small_plan)
    with _scheduler(0) as cluster, Client(cluster) as client:
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
             "--no-nanny", "--nthreads", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            client.wait_for_workers(1, timeout=60)
            progress, state = _kill_at([worker.pid], 40)
            with pytest.raises(ClusterError, match="has had no worker for 2 s") as exc:
                sw.run_sweep(small_plan, dask_executor(scheduler=cluster.scheduler_address),
                             progress, store=store)
        finally:
            worker.kill()
            worker.wait()
    assert state["killed"] and "\n" not in str(exc.value) and exc.value.exit_code == 2
    kept = sorted(p.name for p in store.folder.glob("chunk-*.npz"))
    assert len(kept) >= 2  # the chunks finished before the kill
    ran = []

    def counting(ctx, tasks):
        for t in tasks:
            ran.append(t[0])
            yield sw.run_chunk(ctx, *t)

    result = sw.run_sweep(small_plan, counting, store=sw.ChunkStore(store.folder, small_plan),
                          resume=True)
    assert len(ran) == len(small_plan.chunks()) - len(kept)
    assert_identical(result, small_local)


def test_a_killed_scheduler_is_one_line(small_plan, tmp_path, monkeypatch):
    """The scheduler itself killed mid-sweep: the client gives up reconnecting and the sweep ends
    with one ClusterError naming the scheduler; the finished chunks stay in the store."""
    from ctsim.sweeps import distributed
    from ctsim.sweeps.distributed import dask_executor

    monkeypatch.setattr(distributed, "NO_WORKERS_TIMEOUT", 3)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                                  "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                               "--nthreads", "1", "--no-dashboard"], **quiet)
    store = sw.ChunkStore(tmp_path / "store", small_plan)
    try:
        progress, state = _kill_at([scheduler.pid], 40)
        with pytest.raises(ClusterError) as exc:
            sw.run_sweep(small_plan, dask_executor(scheduler=address), progress, store=store)
    finally:
        for proc in (worker, scheduler):
            proc.kill()
            proc.wait()
    assert state["killed"] and "\n" not in str(exc.value)
    assert str(exc.value).startswith(f"lost the Dask scheduler at {address}"), str(exc.value)
    assert len(list(store.folder.glob("chunk-*.npz"))) >= 2


def test_the_client_event_loop_race_of_a_lost_worker_is_a_cluster_fault():
    # distributed's client can raise this RuntimeError from its own asyncio Event when the only
    # worker is killed while a future is awaited; any other RuntimeError is the chunk's own error
    from ctsim.sweeps.distributed import _is_cluster_fault

    assert _is_cluster_fault(RuntimeError(
        "<asyncio.locks.Event object at 0x7f3e [unset]> is bound to a different event loop"))
    assert not _is_cluster_fault(RuntimeError("a model invariant broke"))
    assert not _is_cluster_fault(ValueError("bound to a different event loop"))
