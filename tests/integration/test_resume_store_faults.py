"""A damaged resume store never yields a result that differs from an undamaged run (issue 13).

Each test builds a complete store of finished chunks, damages it one way (a chunk whose stored
index disagrees with its file name, truncated, garbage, empty, wrong shape, pickled objects, a
chunk of another plan, a flipped value, a broken plan.json, ...), resumes, and asserts that the
result equals an undamaged run bit for bit, that the damaged chunk was recomputed and that a
one-line note named it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from clitools import small_sweep_scenario

from ctsim import UsageError, load_scenario
from ctsim.resolve import resolve
from ctsim.sweeps import core as sw

CHUNK = 10


def _plan(root, tmp_path_factory, samples, seed=3):
    folder = tmp_path_factory.mktemp("scenario")
    path = folder / "small.yaml"
    path.write_text(small_sweep_scenario(root, samples, lifetime=True), encoding="utf-8")
    return sw.plan_sweep(resolve(load_scenario(path)), seed=seed, chunk_size=CHUNK)


@pytest.fixture(scope="module")
def plan(root, tmp_path_factory):
    return _plan(root, tmp_path_factory, 60)


@pytest.fixture(scope="module")
def other_plan(root, tmp_path_factory):
    return _plan(root, tmp_path_factory, 60, seed=4)


@pytest.fixture(scope="module")
def undamaged(plan):
    return sw.run_sweep(plan)


def assert_identical(a: sw.SweepResult, b: sw.SweepResult) -> None:
    assert a.metrics.keys() == b.metrics.keys()
    for k in a.metrics:
        assert np.array_equal(a.metrics[k], b.metrics[k]), k
    for name in ("met", "margin", "series", "quantiles"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.outside_grid == b.outside_grid


class Counting:
    """An executor that runs chunks in this process and records which ones it ran."""

    def __init__(self):
        self.ran: list[int] = []

    def __call__(self, ctx, tasks):
        for index, start, values in tasks:
            self.ran.append(index)
            yield sw.run_chunk(ctx, index, start, values)


def full_store(plan, folder: Path) -> sw.ChunkStore:
    store = sw.ChunkStore(folder, plan)
    sw.run_sweep(plan, store=store)
    assert len(list(folder.glob("chunk-*.npz"))) == len(plan.chunks())
    return store


def resume(plan, folder: Path):
    notes: list[str] = []
    ran = Counting()
    result = sw.run_sweep(plan, ran, store=sw.ChunkStore(folder, plan, notes.append), resume=True)
    for n in notes:
        assert "\n" not in n
    return result, ran.ran, notes


def forge(path: Path, plan, **changes) -> None:
    """Rewrite a chunk file with some arrays changed and a *valid* checksum and plan identity, so
    only the shape and consistency checks can catch it."""
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if k not in ("checksum", "plan")}
    arrays.update(changes)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, plan=np.array(sw.plan_identity(plan.fingerprint())),
             checksum=np.array(sw.arrays_checksum(arrays)), **arrays)


def _swap_index(p: Path, plan):
    shutil.copyfile(p.with_name("chunk-000001.npz"), p)  # a file that stores chunk 1


def _truncate(p: Path, plan):
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _garbage(p: Path, plan):
    p.write_bytes(np.random.default_rng(0).bytes(4000))


def _empty(p: Path, plan):
    p.write_bytes(b"")


def _flip_a_value(p: Path, plan):  # a value changed, the old checksum kept
    with np.load(p) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["metrics"] = arrays["metrics"].copy()
    arrays["metrics"][0, 0] += 1.0
    np.savez(p, **arrays)


def _flip_a_byte(p: Path, plan):
    raw = bytearray(p.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    p.write_bytes(bytes(raw))


def _wrong_shape(p: Path, plan):
    with np.load(p) as data:
        metrics = data["metrics"]
    forge(p, plan, metrics=metrics[:-1])


def _wrong_type(p: Path, plan):
    with np.load(p) as data:
        met = data["met"]
    forge(p, plan, met=met.astype(np.float64))


def _stored_start_moved(p: Path, plan):
    forge(p, plan, start=np.array(0))


def _missing_array(p: Path, plan):
    forge(p, plan, series=None)


def _object_array(p: Path, plan):
    with np.load(p) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["metrics"] = np.array([{"a": 1}, "x"], dtype=object)  # pickled on save
    np.savez(p, **arrays)


def _old_format(p: Path, plan):  # no checksum, no plan identity (a store of an older ctsim)
    with np.load(p) as data:
        arrays = {k: data[k] for k in data.files if k not in ("checksum", "plan")}
    np.savez(p, **arrays)


def _symlink_to_dev_zero(p: Path, plan):
    p.unlink()
    os.symlink("/dev/zero", p)


def _a_folder(p: Path, plan):
    p.unlink()
    p.mkdir()


DAMAGE = {"stored index disagrees with its file name": _swap_index, "truncated": _truncate,
          "garbage": _garbage, "empty": _empty, "a value changed": _flip_a_value,
          "a byte flipped": _flip_a_byte, "wrong shape": _wrong_shape, "wrong type": _wrong_type,
          "stored start moved": _stored_start_moved, "an array missing": _missing_array,
          "object array": _object_array, "no checksum (older format)": _old_format,
          "symlink to /dev/zero": _symlink_to_dev_zero, "a folder": _a_folder}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_chunk_is_recomputed_never_used(damage, plan, undamaged, tmp_path):
    folder = tmp_path / "store"
    full_store(plan, folder)
    victim = folder / "chunk-000002.npz"
    DAMAGE[damage](victim, plan)
    result, ran, notes = resume(plan, folder)
    assert_identical(result, undamaged)
    assert ran == [2]  # only the damaged chunk ran again
    assert len(notes) == 1 and str(victim) in notes[0] and "damaged chunk" in notes[0], notes
    assert victim.is_file() and not victim.is_symlink()  # rewritten, healthy
    assert resume(plan, folder)[1:] == ([], [])  # and now used as is


def test_a_chunk_of_another_plan_is_recomputed(plan, other_plan, undamaged, tmp_path):
    folder, elsewhere = tmp_path / "store", tmp_path / "other"
    full_store(plan, folder)
    full_store(other_plan, elsewhere)  # same shapes, another seed
    for name in ("chunk-000000.npz", "chunk-000004.npz"):
        shutil.copyfile(elsewhere / name, folder / name)
    result, ran, notes = resume(plan, folder)
    assert_identical(result, undamaged)
    assert sorted(ran) == [0, 4]
    assert len(notes) == 2 and all("different sweep plan" in n for n in notes)


def test_stray_files_are_removed_and_missing_chunks_run(plan, undamaged, tmp_path):
    folder = tmp_path / "store"
    full_store(plan, folder)
    (folder / "chunk-000003.npz").unlink()
    shutil.copyfile(folder / "chunk-000001.npz", folder / "chunk-999999.npz")  # beyond the plan
    (folder / "chunk-000005.tmp").write_bytes(b"half a chunk")  # a kill during a write
    result, ran, notes = resume(plan, folder)
    assert_identical(result, undamaged)
    assert ran == [3]
    assert len(notes) == 1 and "chunk-999999.npz" in notes[0]
    assert not (folder / "chunk-999999.npz").exists()


@pytest.mark.parametrize("text", ["{not json", "", "[1, 2]", "\x00\x01", '"a string"'],
                         ids=["syntax", "empty", "a list", "binary", "a string"])
def test_a_broken_plan_json_is_rewritten_and_chunks_checked_one_by_one(text, plan, undamaged,
                                                                       tmp_path):
    folder = tmp_path / "store"
    full_store(plan, folder)
    (folder / "plan.json").write_text(text, encoding="utf-8")
    _garbage(folder / "chunk-000001.npz", plan)
    result, ran, notes = resume(plan, folder)
    assert_identical(result, undamaged)
    assert ran == [1]  # the healthy chunks carry the plan identity themselves: reused
    assert len(notes) == 2 and "damaged plan" in notes[0] and "damaged chunk" in notes[1]
    assert sw.ChunkStore(folder, plan)._read_plan(folder / "plan.json") == plan.fingerprint()


def test_a_missing_plan_json_keeps_the_chunks_of_this_plan(plan, undamaged, tmp_path):
    folder = tmp_path / "store"
    full_store(plan, folder)
    (folder / "plan.json").unlink()
    result, ran, notes = resume(plan, folder)
    assert_identical(result, undamaged)
    assert ran == [] and len(notes) == 1 and "damaged plan" in notes[0]


def test_a_plan_json_of_another_sweep_is_refused_in_one_line(plan, other_plan, tmp_path):
    folder = tmp_path / "store"
    full_store(other_plan, folder)
    with pytest.raises(UsageError, match="different sweep .*seed") as exc:
        resume(plan, folder)
    assert "\n" not in str(exc.value)


def test_a_fresh_store_removes_only_store_files(plan, tmp_path):
    """``store=`` may name any folder: starting afresh deletes chunk files and plan.json only."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.tex").write_text("mine", encoding="utf-8")
    full_store(plan, folder)
    sw.ChunkStore(folder, plan).remove()
    assert [p.name for p in folder.iterdir()] == ["thesis.tex"]


# --- a sweep with histogram quantiles (more samples than the pilot) ------------------------------


@pytest.fixture(scope="module")
def grid_plan(root, tmp_path_factory):
    plan = _plan(root, tmp_path_factory, 2060)
    plan.chunk_size = 1030  # two chunks
    assert plan.context.grid is not None
    return plan


def _counts_shifted(p: Path, plan):  # a histogram that no longer holds the chunk's samples
    with np.load(p) as data:
        values = data["counts_values"].copy()
    values[0] += 1
    forge(p, plan, counts_values=values)


def _counts_out_of_range(p: Path, plan):
    with np.load(p) as data:
        nonzero = data["counts_nonzero"].copy()
    nonzero[-1] = np.iinfo(nonzero.dtype).max  # far beyond the histogram (positions are int32)
    forge(p, plan, counts_nonzero=nonzero)


def _counts_wrong_shape(p: Path, plan):
    forge(p, plan, counts_shape=np.array([3, 3]))


def _no_histogram(p: Path, plan):
    forge(p, plan, counts_shape=None, counts_nonzero=None, counts_values=None)


GRID_DAMAGE = {"counts shifted": _counts_shifted, "counts out of range": _counts_out_of_range,
               "counts wrong shape": _counts_wrong_shape, "no histogram": _no_histogram,
               "truncated": _truncate}


def test_damaged_histogram_chunks_are_recomputed(grid_plan, tmp_path):
    undamaged = sw.run_sweep(grid_plan)
    for damage, fn in GRID_DAMAGE.items():
        folder = tmp_path / damage.replace(" ", "_")
        full_store(grid_plan, folder)
        fn(folder / "chunk-000001.npz", grid_plan)
        result, ran, notes = resume(grid_plan, folder)
        assert_identical(result, undamaged)
        assert ran == [1] and len(notes) == 1, (damage, notes)


def test_cli_resume_with_a_damaged_store_notes_it_and_writes_the_undamaged_outputs(
        ctsim_main, root, tmp_path, monkeypatch):
    path = tmp_path / "small.yaml"
    path.write_text(small_sweep_scenario(root, 60, lifetime=True), encoding="utf-8")
    args = ("--chunk-size", "10", "--no-figures")
    assert ctsim_main("sweep", path, "--out", tmp_path / "full", *args).code == 0
    real = sw.run_chunk

    def dies(*a, **kw):
        if a[1] == 4:
            raise KeyboardInterrupt
        return real(*a, **kw)

    monkeypatch.setattr(sw, "run_chunk", dies)
    out = tmp_path / "part"
    assert ctsim_main("sweep", path, "--out", out, *args).code != 0
    monkeypatch.setattr(sw, "run_chunk", real)
    store = tmp_path / ".part.chunks"
    shutil.copyfile(store / "chunk-000000.npz", store / "chunk-000001.npz")  # index 0 named 1
    _truncate(store / "chunk-000002.npz", None)
    res = ctsim_main("sweep", path, "--out", out, *args, "--resume")
    assert res.code == 0, res.stderr
    notes = [line for line in res.err_lines if line.startswith("note:")]
    assert len(notes) == 2 and "chunk-000001.npz" in notes[0] and "chunk-000002.npz" in notes[1]
    assert "Traceback" not in res.stderr
    for name in ("design.csv", "metrics.csv", "quantiles.csv", "targets.csv", "sensitivity.csv"):
        assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
