"""Signals (issue 13): SIGTERM to ``ctsim sweep --processes 2`` ends with one line and exit 130, no
pool-worker tracebacks, finished chunks kept for --resume; a signal that arrives once the output
folder is in place does not turn a complete run into a failure."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest
from clitools import ctsim_command

from ctsim.outputs import folders

SCENARIO = """\
extends: {root}/scenarios/steel2030.yaml
name: s
uncertain:
  macro.gdp_growth: {{kind: uniform, low: 0.9, high: 1.1, scale: true, from_year: 2025}}
sweep: {{samples: 2000, method: lhs, seed: 3}}
"""


@pytest.mark.parametrize("group", [False, True], ids=["parent", "process-group"])
def test_sigterm_to_a_process_pool_sweep_is_one_line_and_keeps_chunks(group, root, tmp_path,
                                                                      ctsim_main):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(root=root), encoding="utf-8")
    out, store = tmp_path / "o", tmp_path / ".o.chunks"
    args = ("sweep", path, "--out", out, "--processes", "2", "--chunk-size", "20", "--no-figures")
    proc = subprocess.Popen([*ctsim_command(), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(store.glob("chunk-*.npz")) and time.monotonic() < deadline:
        time.sleep(0.02)
    if group:  # a CI runner cancelling the job signals every process of the group
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Error" not in err, err
    lines = [ln for ln in err.splitlines() if not ln.startswith("sweep [")]  # the progress bar
    assert lines == [f"finished chunks kept in {store}/; rerun with --resume to continue",
                     "interrupted: no output was written"], err
    assert not out.exists() and list(store.glob("chunk-*.npz"))
    assert not list(tmp_path.glob(".o.tmp-*"))
    res = ctsim_main(*args, "--resume")
    assert res.code == 0, res.stderr
    assert (out / "metrics.csv").exists() and not store.exists()


def _normal_run(ctsim_main, root, out):
    res = ctsim_main("run", root / "scenarios" / "steel2030.yaml", "--out", out, "--no-figures")
    assert res.code in (0, 1), res.stderr
    return res


@pytest.fixture(params=[False, True], ids=["one thread", "another thread"])
def other_thread(request):
    """Optionally an idle second thread: a signal masked in the main thread then reaches it (as
    with Dask's event loop thread), so a signal mask alone would not hold the signal."""
    if not request.param:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


@pytest.mark.parametrize("when", ["at the rename", "after the rename"])
def test_a_signal_after_the_output_is_in_place_lets_the_command_finish(when, root, tmp_path,
                                                                        ctsim_main, monkeypatch,
                                                                        other_thread):
    expected = _normal_run(ctsim_main, root, tmp_path / "normal")
    real_replace = folders.os.replace

    def replace_then_signal(src, dst):  # signals are held here: delivered right after the rename
        real_replace(src, dst)
        if str(dst) == str(tmp_path / "o"):
            os.kill(os.getpid(), signal.SIGTERM)

    if when == "at the rename":
        monkeypatch.setattr(folders.os, "replace", replace_then_signal)
    else:
        from ctsim.cli import run as run_cli

        real_summary = run_cli._print_summary

        def summary_after_signal(s):
            os.kill(os.getpid(), signal.SIGTERM)
            real_summary(s)

        monkeypatch.setattr(run_cli, "_print_summary", summary_after_signal)
    res = ctsim_main("run", root / "scenarios" / "steel2030.yaml", "--out", tmp_path / "o",
                     "--no-figures")
    assert res.code == expected.code, res.stderr
    assert res.stdout.replace(str(tmp_path / "o"), "X") == expected.stdout.replace(
        str(tmp_path / "normal"), "X")  # the whole summary was printed
    assert res.err_lines == [f"note: interrupt ignored: it arrived after the output was complete "
                             f"({tmp_path / 'o'})"]
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(
        p.name for p in (tmp_path / "normal").iterdir())


def test_a_signal_before_the_rename_still_interrupts(root, tmp_path, ctsim_main, monkeypatch):
    """The complement: a signal while the folder is being written leaves nothing (exit 130)."""
    real_write_json = folders.write_json

    def signal_while_writing(path, data):
        os.kill(os.getpid(), signal.SIGTERM)
        real_write_json(path, data)

    monkeypatch.setattr(folders, "write_json", signal_while_writing)
    res = ctsim_main("run", root / "scenarios" / "steel2030.yaml", "--out", tmp_path / "o",
                     "--no-figures")
    assert res.code == 130 and res.err_lines == ["interrupted: no output was written"]
    assert not any(tmp_path.iterdir())


def test_interrupt_state_does_not_leak_between_commands(root, tmp_path, ctsim_main):
    _normal_run(ctsim_main, root, tmp_path / "a")
    from ctsim.cli import main as cli

    assert cli._written == [tmp_path / "a"] and not cli._late
    assert folders.COMPLETED == []  # the hook is removed when main returns
