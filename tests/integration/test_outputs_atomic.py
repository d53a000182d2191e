"""Output folders appear complete or not at all: kill `ctsim run` partway (SIGINT, SIGTERM) in a real
subprocess, fail writers in-process for report and compare, never replace without --force, and give
byte-identical files for the same scenario and seed."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from clitools import ctsim_command, snapshot

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
STEEL2030 = BASELINE.with_name("steel2030.yaml")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def _kill_during_figures(tmp_path: Path, sig: int, *extra: str) -> subprocess.CompletedProcess:
    """Start `ctsim run`, wait until it is writing figures into its temporary folder, send ``sig``."""
    out = tmp_path / "out"
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with stdout.open("w") as so, stderr.open("w") as se:
        proc = subprocess.Popen([*ctsim_command(), "run", str(BASELINE), "--out", str(out), *extra],
                                cwd=tmp_path, stdout=so, stderr=se)
        deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
        while time.monotonic() < deadline and proc.poll() is None:
            if any(tmp_path.glob(".out.tmp-*/figures/*.png")):
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the run ended before its figures were written"
        proc.send_signal(sig)
        code = proc.wait(timeout=120)
    return subprocess.CompletedProcess(proc.args, code, stdout.read_text(), stderr.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_killed_run_leaves_no_output_and_no_temporary_folder(tmp_path, sig):
    result = _kill_during_figures(tmp_path, sig)
    assert result.returncode == 130
    assert result.stderr.strip().splitlines() == ["interrupted: no output was written"]
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_killed_forced_run_leaves_the_existing_folder_unchanged(tmp_path, sig):
    existing = tmp_path / "out"
    (existing / "figures").mkdir(parents=True)
    (existing / "trajectories.csv").write_text("results of an earlier run\n")
    (existing / "metadata.json").write_text('{"ctsim_version": "0.1.0"}\n')  # a ctsim folder
    (existing / "figures" / "old.png").write_bytes(b"old figure")
    before = snapshot(existing)
    result = _kill_during_figures(tmp_path, sig, "--force")
    assert result.returncode == 130
    assert "Traceback" not in result.stderr
    assert snapshot(existing) == before
    assert _leftovers(tmp_path) == []


def test_existing_folder_is_never_replaced_without_force(tmp_path, ctsim_main):
    existing = tmp_path / "out"
    existing.mkdir()
    (existing / "keep.txt").write_text("keep")
    before = snapshot(tmp_path)
    result = ctsim_main("run", BASELINE, "--out", existing, "--no-figures")
    assert result.code == 2
    assert result.err_lines == [f"error: {existing}: output folder exists; use --force to replace it"]
    assert snapshot(tmp_path) == before


def test_a_failing_writer_leaves_nothing_and_keeps_the_old_folder(tmp_path, ctsim_main, monkeypatch):
    """An error in the middle of writing (here: the figures) removes the temporary folder; with
    --force the folder being replaced stays as it was."""
    import ctsim.plots
    from ctsim.cli.main import Interrupted

    def broken(*args, **kwargs):
        raise Interrupted(signal.SIGINT)  # what Ctrl-C raises in the middle of a figure

    monkeypatch.setattr(ctsim.plots, "save_run_figures", broken)
    existing = tmp_path / "old"
    existing.mkdir()
    (existing / "keep.txt").write_text("keep")
    (existing / "metadata.json").write_text('{"ctsim_version": "0.1.0"}\n')  # a ctsim folder
    before = snapshot(tmp_path)
    for out, extra in ((tmp_path / "new", []), (existing, ["--force"])):
        result = ctsim_main("run", BASELINE, "--out", out, *extra)
        assert result.code == 130
        assert result.err_lines == ["interrupted: no output was written"]
        assert snapshot(tmp_path) == before


@pytest.mark.slow
@pytest.mark.parametrize("command", ["report", "compare"])
def test_report_and_compare_write_atomically(tmp_path, ctsim_main, monkeypatch, command):
    """`ctsim report` and `ctsim compare` write through io.atomic_folder: a failure while writing
    leaves neither the folder nor a temporary one, and an existing folder needs --force."""
    import ctsim.outputs.folders
    import ctsim.outputs.sweep  # noqa: F401  imported first, so it never binds the failing writer

    monkeypatch.setattr(ctsim.outputs.folders, "write_json", _failing_writer(ctsim.outputs.folders.write_json))
    out = tmp_path / "o"
    result = ctsim_main(command, BASELINE, STEEL2030, "--out", out)
    assert result.code == 2
    assert result.err_lines == [f"error: cannot write {out}: No space left on device "
                                "(no output was written)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    out.mkdir()
    result = ctsim_main(command, BASELINE, "--out", out)
    assert result.code == 2
    assert result.err_lines == [f"error: {out}: output folder exists; use --force to replace it"]


def _failing_writer(real):
    """io.write_json that writes, then fails as a full disk would."""

    def failing(path, data):
        real(path, data)
        raise OSError(28, "No space left on device")

    return failing


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.slow
def test_same_scenario_and_seed_give_byte_identical_outputs(tmp_path, ctsim_main):
    for name in ("a", "b"):
        result = ctsim_main("run", BASELINE, "--out", tmp_path / name)
        assert result.code in (0, 1), result.stderr
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert any(name.endswith(".png") for name in a)
    for name in a:
        if name == "metadata.json":
            continue
        assert a[name] == b[name], f"{name} differs between two runs of the same scenario"
    ma, mb = json.loads(a["metadata.json"]), json.loads(b["metadata.json"])
    for meta in (ma, mb):  # the time of the run and the command line naming the folder may differ
        meta.pop("created")
        meta.pop("command")
    assert ma == mb


def test_output_folders_get_ordinary_permissions(tmp_path, ctsim_main):
    result = ctsim_main("run", BASELINE, "--out", tmp_path / "o", "--no-figures")
    assert result.code in (0, 1)
    mode = (tmp_path / "o").stat().st_mode & 0o777
    assert mode & 0o700 == 0o700
    assert mode != 0o700 or _umask() & 0o077 == 0o077


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_sweep_writes_atomically(tmp_path, ctsim_main, monkeypatch):
    """`ctsim sweep` writes its folder through io.atomic_folder too: a failure while writing leaves
    no folder and no temporary folder (finished chunks may stay in .o.chunks/ for --resume)."""
    import ctsim.outputs.sweep  # binds io.write_json at import: patch its own name

    monkeypatch.setattr(ctsim.outputs.sweep, "write_json", _failing_writer(ctsim.outputs.sweep.write_json))
    result = ctsim_main("sweep", STEEL2030, "--samples", "40", "--out", tmp_path / "o")
    assert result.code == 2
    assert result.err_lines[-1] == (f"error: cannot write {tmp_path / 'o'}: No space left on "
                                    "device (no output was written)")
    assert not (tmp_path / "o").exists()
    assert _leftovers(tmp_path) == []


def test_force_replaces_only_a_folder_ctsim_wrote(tmp_path, ctsim_main, monkeypatch):
    """--force on a folder of someone's own files (no ctsim metadata.json) refuses, keeps them."""
    monkeypatch.chdir(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("three years of work")
    before = snapshot(tmp_path)
    for out in (precious, tmp_path, Path(".")):
        result = ctsim_main("run", BASELINE, "--out", out, "--force", "--no-figures")
        assert result.code == 2, result.stderr
        assert len(result.err_lines) == 1 and "not replaced" in result.err_lines[0] or \
            "refusing to replace" in result.err_lines[0], result.err_lines
        assert snapshot(tmp_path) == before
    result = ctsim_main("run", BASELINE, "--out", precious / "run", "--no-figures")  # beside is fine
    assert result.code in (0, 1) and (precious / "thesis.txt").exists()
    result = ctsim_main("run", BASELINE, "--out", precious / "run", "--force", "--no-figures")
    assert result.code in (0, 1), result.stderr  # a folder ctsim wrote is replaced


def test_a_folder_that_appears_meanwhile_is_not_replaced_without_force(tmp_path, monkeypatch):
    """Two runs to one --out: the one that finishes second fails instead of replacing the first."""
    from ctsim.errors import UsageError
    from ctsim.outputs.folders import atomic_folder

    target = tmp_path / "out"
    with pytest.raises(UsageError, match="appeared while this run worked"):
        with atomic_folder(target) as tmp:
            (tmp / "mine.txt").write_text("second run")
            target.mkdir()  # the other run's rename lands first
            (target / "theirs.txt").write_text("first run")
    assert [p.name for p in target.iterdir()] == ["theirs.txt"]
    assert _leftovers(tmp_path) == []
