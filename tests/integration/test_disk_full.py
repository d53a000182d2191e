"""A full disk (or any OSError while writing) is one line naming the path, exit 2; a sweep says
where its finished chunks were kept, and --resume continues from them (issue 13)."""

from __future__ import annotations

import errno
import os

import numpy as np
from clitools import small_sweep_scenario

from ctsim.outputs import folders
from ctsim.sweeps import core as sw

ENOSPC = os.strerror(errno.ENOSPC)

def _full_disk_at(real, named: bool):
    def write(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, ENOSPC, *([str(path)] if named else []))
    return write


def test_a_full_disk_names_the_output_file(tmp_path, root, ctsim_main, monkeypatch):
    monkeypatch.setattr(folders, "write_json", _full_disk_at(folders.write_json, named=True))
    out = tmp_path / "o"
    res = ctsim_main("run", root / "scenarios" / "steel2030.yaml", "--out", out, "--no-figures")
    assert res.code == 2
    # the temporary folder's name is shown as the folder it stands for
    assert res.err_lines == [f"error: cannot write {out / 'summary.json'}: {ENOSPC} "
                             "(no output was written)"]
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_without_a_file_name_names_the_output_folder(tmp_path, root, ctsim_main,
                                                                 monkeypatch):
    monkeypatch.setattr(folders, "write_json", _full_disk_at(folders.write_json, named=False))
    out = tmp_path / "o"
    res = ctsim_main("run", root / "scenarios" / "steel2030.yaml", "--out", out, "--no-figures")
    assert res.code == 2
    assert res.err_lines == [f"error: cannot write {out}: {ENOSPC} (no output was written)"]


def test_a_full_disk_in_a_sweep_keeps_the_finished_chunks(tmp_path, root, ctsim_main, monkeypatch):
    path = tmp_path / "small.yaml"
    path.write_text(small_sweep_scenario(root, 60), encoding="utf-8")
    args = ("--chunk-size", "10", "--no-figures")
    assert ctsim_main("sweep", path, "--out", tmp_path / "full", *args).code == 0
    real, saved = np.savez, []

    def savez(fh, **arrays):
        if len(saved) == 3:
            raise OSError(errno.ENOSPC, ENOSPC)  # as a write to an open file: no file name
        saved.append(int(arrays["index"]))
        real(fh, **arrays)

    monkeypatch.setattr(sw.np, "savez", savez)
    out, store = tmp_path / "o", tmp_path / ".o.chunks"
    res = ctsim_main("sweep", path, "--out", out, *args)
    assert res.code == 2, res.stderr
    chunk = store / f"chunk-{3:06d}.npz"
    assert res.err_lines[-2:] == [
        f"finished chunks kept in {store}/; rerun with --resume to continue",
        f"error: cannot write {chunk}: {ENOSPC}"]
    assert sorted(p.name for p in store.iterdir()) == [
        "chunk-000000.npz", "chunk-000001.npz", "chunk-000002.npz", "plan.json"]  # no .tmp left
    assert not out.exists()
    monkeypatch.setattr(sw.np, "savez", real)
    res = ctsim_main("sweep", path, "--out", out, *args, "--resume")
    assert res.code == 0, res.stderr
    for name in ("design.csv", "metrics.csv", "quantiles.csv", "targets.csv"):
        assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_a_store_that_cannot_be_written_is_one_line(tmp_path, root, ctsim_main, monkeypatch):
    path = tmp_path / "small.yaml"
    path.write_text(small_sweep_scenario(root, 60), encoding="utf-8")

    def read_only(target, data):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))

    monkeypatch.setattr(sw, "_write_atomic", read_only)
    res = ctsim_main("sweep", path, "--out", tmp_path / "o", "--no-figures")
    assert res.code == 2
    assert res.err_lines == [f"error: cannot write {tmp_path / '.o.chunks' / 'plan.json'}: "
                             f"{os.strerror(errno.EACCES)}"]
    assert not (tmp_path / "o").exists()
