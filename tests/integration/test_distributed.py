"""A Dask LocalCluster with 2 worker processes gives the in-process result, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from ctsim import load_scenario
from ctsim.resolve import resolve
from ctsim.sweeps import core as sw

pytest.importorskip("dask.distributed")


def test_dask_local_cluster_equals_in_process(root):
    from ctsim.sweeps.distributed import dask_executor

    resolved = resolve(load_scenario(root / "scenarios" / "steel2030.yaml"))
    plan = sw.plan_sweep(resolved, samples=2200, method="lhs", chunk_size=400)  # > pilot: histograms
    local = sw.run_sweep(plan)
    remote = sw.run_sweep(plan, executor=dask_executor(workers=2))
    for k in local.metrics:
        assert np.array_equal(local.metrics[k], remote.metrics[k]), k
    assert np.array_equal(local.met, remote.met)
    assert np.array_equal(local.margin, remote.margin)
    assert np.array_equal(local.series, remote.series)
    assert np.array_equal(local.quantiles, remote.quantiles)


def test_workers_and_scheduler_are_exclusive():
    from ctsim import UsageError
    from ctsim.sweeps.distributed import dask_executor

    with pytest.raises(UsageError):
        dask_executor(workers=2, scheduler="tcp://localhost:8786")
    with pytest.raises(UsageError):
        dask_executor(workers=0)
