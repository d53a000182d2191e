"""Property: whatever happens to a resume store (bytes cut, flipped or inserted, files swapped,
copied from another plan, deleted, replaced by garbage, plan.json damaged), resuming gives the
undamaged result bit for bit (issue 13). Derandomized, bounded examples."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctsim import load_scenario
from ctsim.resolve import resolve
from ctsim.sweeps import core as sw

SCENARIO = """\
extends: {root}/scenarios/steel2030.yaml
name: small
uncertain:
  macro.gdp_growth: {{kind: uniform, low: 0.9, high: 1.1, scale: true, from_year: 2025}}
  steel.eaf_share: {{kind: uniform, low: 0.12, high: 0.24, year: 2030}}
sweep: {{samples: 50, method: lhs, seed: 3}}
"""
PROPERTY = settings(derandomize=True, max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _plan(root, folder, seed):
    path = folder / "s.yaml"
    path.write_text(SCENARIO.format(root=root), encoding="utf-8")
    return sw.plan_sweep(resolve(load_scenario(path)), seed=seed, chunk_size=10)


@pytest.fixture(scope="module")
def setup(root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    plan, other = _plan(root, folder, 3), _plan(root, folder, 4)
    pristine, foreign = folder / "pristine", folder / "foreign"
    sw.run_sweep(plan, store=sw.ChunkStore(pristine, plan))
    sw.run_sweep(other, store=sw.ChunkStore(foreign, other))
    return plan, sw.run_sweep(plan), pristine, foreign


DAMAGE = st.lists(st.tuples(
    st.sampled_from(["cut", "flip", "insert", "swap", "foreign", "delete", "garbage", "plan"]),
    st.integers(0, 4),  # which chunk
    st.integers(0, 2**31 - 1),  # where in the file / what bytes
), min_size=1, max_size=4)


def _damage(folder, foreign, op, which, where):
    path = folder / f"chunk-{which:06d}.npz"
    if op == "plan":
        (folder / "plan.json").write_bytes(np.random.default_rng(where).bytes(where % 64))
        return
    if not path.exists():
        return
    raw = bytearray(path.read_bytes())
    i = where % max(len(raw), 1)
    if op == "cut":
        path.write_bytes(bytes(raw[:i]))
    elif op == "flip":
        raw[i] ^= 1 + where % 255
        path.write_bytes(bytes(raw))
    elif op == "insert":
        path.write_bytes(bytes(raw[:i]) + bytes([where % 256]) + bytes(raw[i:]))
    elif op == "swap":
        other = folder / f"chunk-{(which + 1 + where % 4) % 5:06d}.npz"
        if other.exists():
            tmp = path.with_suffix(".x")
            path.rename(tmp)
            other.rename(path)
            tmp.rename(other)
    elif op == "foreign":
        shutil.copyfile(foreign / path.name, path)
    elif op == "delete":
        path.unlink()
    else:
        path.write_bytes(np.random.default_rng(where).bytes(len(raw)))


@PROPERTY
@given(damage=DAMAGE)
def test_a_damaged_store_never_changes_the_result(setup, damage, tmp_path):
    plan, undamaged, pristine, foreign = setup
    folder = tmp_path / "store"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(pristine, folder)
    for op, which, where in damage:
        _damage(folder, foreign, op, which, where)
    notes = []
    result = sw.run_sweep(plan, store=sw.ChunkStore(folder, plan, notes.append), resume=True)
    for k in undamaged.metrics:
        assert np.array_equal(result.metrics[k], undamaged.metrics[k]), k
    for name in ("met", "margin", "series", "quantiles"):
        assert np.array_equal(getattr(result, name), getattr(undamaged, name)), name
    assert all("\n" not in n for n in notes)
