"""Dask execution of chunked sweeps (dask.distributed is imported only when this is used).

A chunk is the unit of work: the sweep's :class:`~ctsim.sweeps.core.Context` is scattered to every
worker, each task runs :func:`ctsim.sweeps.core.run_chunk` on one chunk's design rows and returns its
reduced results (per-sample numbers and integer histogram counts). Results are placed by sample
index on the client, so the outcome is identical to an in-process run whatever the order in which
workers finish.

- ``workers=N``: a LocalCluster of N single-threaded worker processes on this machine (no
  dashboard, no fixed port);
- ``scheduler="tcp://host:8786"``: an existing cluster (its workers need ctsim installed, the same
  version: the chunk function and context are pickled by reference to the ctsim package).

Faults: when a worker dies (and the context scattered to it with it), the context is scattered
again and the unfinished chunks resubmitted, up to :data:`RETRIES` times; a cluster left without
workers for :data:`NO_WORKERS_TIMEOUT` seconds, or a lost scheduler, ends the sweep with one line
(:class:`~ctsim.errors.ClusterError`, exit 2). Chunks finished before are kept by the resume
store, so ``--resume`` continues.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import time
from collections.abc import Iterator

from ..errors import ClusterError, UsageError, printable
from .core import ChunkResult, Context, Executor, Task, run_chunk

NO_DASK = "--workers and --scheduler need dask: pip install 'ctsim[distributed]'"
RETRIES = 3  # times the context is scattered again after workers were lost
NO_WORKERS_TIMEOUT = 60.0  # seconds a cluster may have no worker before the sweep gives up
CONNECT_TIMEOUT = 20.0  # seconds to reach a scheduler
POLL = 0.5  # seconds between checks of the cluster while chunks run
# No dashboard, and the scheduler's HTTP server (always started) on a free port: Dask's default
# 8787 may be busy (a UserWarning, and another port anyway)
LOCAL_CLUSTER = {"dashboard_address": None, "silence_logs": logging.CRITICAL,
                 "scheduler_kwargs": {"dashboard": False, "dashboard_address": "127.0.0.1:0"}}


def check_address(scheduler: str) -> None:
    """Refuse, before any work, a scheduler address Dask cannot use (``garbage://x``)."""
    from distributed.comm import registry
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(scheduler, strict=False)
        if scheme in ("tcp", "tls", "ws", "wss", "ucx"):
            parse_host_port(location)  # a host and a port
    except (ValueError, TypeError):
        scheme, location = "", ""
    if scheme not in registry.backends or not location or printable(location) != location \
            or any(c.isspace() for c in location):
        raise UsageError(f"--scheduler: expected a Dask scheduler address such as "
                         f"tcp://host:8786 (got {printable(scheduler)[:200]!r})")


def dask_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor running chunks on a Dask cluster (a new LocalCluster, or ``scheduler``)."""
    if (workers is None) == (scheduler is None):
        raise UsageError("give either --workers N or --scheduler ADDRESS")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {workers})")
    if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
        raise UsageError(NO_DASK)  # before any work: one line, no partial output
    if scheduler is not None:
        check_address(scheduler)

    def execute(ctx: Context, tasks: list[Task]) -> Iterator[ChunkResult]:
        from dask.distributed import Client, LocalCluster

        where = scheduler or "the local Dask cluster"
        cluster = None
        try:
            if scheduler is None:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       **LOCAL_CLUSTER)
            client = Client(cluster if cluster is not None else scheduler,
                            timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            raise ClusterError(f"cannot reach the Dask scheduler at {where}: "
                               f"{_reason(exc)}") from None
        log = logging.getLogger("distributed.client")  # its reconnect errors: ours is one line
        level = log.level
        log.setLevel(logging.CRITICAL)
        try:
            yield from _run(client, ctx, tasks, where)
        finally:
            log.setLevel(level)
            client.close()
            if cluster is not None:
                cluster.close()

    return execute


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return printable(text)[:300]


def _run(client, ctx: Context, tasks: list[Task], where: str) -> Iterator[ChunkResult]:
    """Run ``tasks``; when workers are lost, scatter the context again and resubmit the rest."""
    from distributed import wait

    pending = {index: (index, start, values) for index, start, values in tasks}
    failures = 0
    while pending:
        futures: dict = {}
        try:
            _wait_for_a_worker(client, where)
            shared = client.scatter(ctx, broadcast=True, hash=False)
            futures = {client.submit(run_chunk, shared, *task, pure=False): index
                       for index, task in pending.items()}
            waiting = set(futures)
            while waiting:
                try:
                    done, waiting = wait(waiting, timeout=POLL, return_when="FIRST_COMPLETED")
                except TimeoutError:  # nothing finished within POLL: chunks are still running
                    done = set()
                for future in done:
                    chunk = future.result()  # a lost worker raises here: resubmit the rest
                    pending.pop(futures[future], None)
                    future.release()
                    yield chunk
                if not done:
                    _wait_for_a_worker(client, where)
        except ClusterError:
            raise
        except Exception as exc:  # KilledWorker, a lost scattered context, a closed connection
            if not _is_cluster_fault(exc):
                raise  # an error of the chunk itself (e.g. a model invariant): as in-process
            failures += 1
            if failures > RETRIES:
                raise ClusterError(f"{where}: workers lost {failures} times "
                                   f"({_reason(exc)}); giving up") from None
            with contextlib.suppress(Exception):
                client.cancel(list(futures), force=True)


def _is_cluster_fault(exc: BaseException) -> bool:
    """A fault of the cluster (a killed worker, lost scattered data, a closed connection), not of
    the chunk itself (whose errors, a model invariant say, are raised as in-process)."""
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    from ..errors import CtsimError

    if isinstance(exc, CtsimError):
        return False
    if isinstance(exc, RuntimeError) and "bound to a different event loop" in str(exc):
        # distributed's client, when the only worker is killed while a future is awaited, can raise
        # this from its own asyncio Event (seen once in a loaded CI run, dask 2026.8): the cluster's
        # fault, not the chunk's, so it is retried and ends in the usual one-line ClusterError
        return True
    return isinstance(exc, KilledWorker | CancelledError | CommClosedError | OSError | TimeoutError)


def _wait_for_a_worker(client, where: str) -> None:
    """Return when the cluster has a worker; raise ClusterError after NO_WORKERS_TIMEOUT without."""
    deadline = time.monotonic() + NO_WORKERS_TIMEOUT
    while True:
        if client.status in ("closing", "closed"):  # it gave up reconnecting to the scheduler
            raise ClusterError(f"lost the Dask scheduler at {where}")
        if client.status != "running":  # reconnecting to a lost scheduler
            if time.monotonic() > deadline:
                raise ClusterError(f"lost the Dask scheduler at {where} (no answer for "
                                   f"{NO_WORKERS_TIMEOUT:g} s)")
            time.sleep(POLL)
            continue
        try:
            if client.scheduler_info(n_workers=-1).get("workers"):
                return
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"lost the Dask scheduler at {where} ({_reason(exc)})") from None
        if time.monotonic() > deadline:
            raise ClusterError(f"{where} has had no worker for {NO_WORKERS_TIMEOUT:g} s")
        time.sleep(POLL)
