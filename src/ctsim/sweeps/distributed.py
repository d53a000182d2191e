"""Dask execution of chunked sweeps (dask.distributed is imported only when this is used).

A chunk is the unit of work: the sweep's :class:`~ctsim.sweeps.core.Context` is scattered once to every
worker, each task runs :func:`ctsim.sweeps.core.run_chunk` on one chunk's design rows and returns its
reduced results (per-sample numbers and integer histogram counts). Results are placed by sample
index on the client, so the outcome is identical to an in-process run whatever the order in which
workers finish.

- ``workers=N``: a LocalCluster of N single-threaded worker processes on this machine;
- ``scheduler="tcp://host:8786"``: an existing cluster (its workers need ctsim installed, the same
  version: the chunk function and context are pickled by reference to the ctsim package).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator

from ..errors import UsageError
from .core import ChunkResult, Context, Executor, Task, run_chunk

NO_DASK = "--workers and --scheduler need dask: pip install 'ctsim[distributed]'"


def dask_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor running chunks on a Dask cluster (a new LocalCluster, or ``scheduler``)."""
    if (workers is None) == (scheduler is None):
        raise UsageError("give either --workers N or --scheduler ADDRESS")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {workers})")
    if importlib.util.find_spec("dask") is None:  # before any work: one line, no partial output
        raise UsageError(NO_DASK)

    def execute(ctx: Context, tasks: list[Task]) -> Iterator[ChunkResult]:
        try:
            from dask.distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise UsageError(NO_DASK) from None
        cluster = None
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        try:
            client = Client(cluster if cluster is not None else scheduler)
        except OSError as exc:
            if cluster is not None:
                cluster.close()
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            shared = client.scatter(ctx, broadcast=True)
            futures = [client.submit(run_chunk, shared, index, start, values, pure=False)
                       for index, start, values in tasks]
            for future in as_completed(futures):
                yield future.result()
                future.release()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return execute
