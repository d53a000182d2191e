"""The bad-input corpus (tests/data/bad): every broken scenario file gets exit code 2, one line on
stderr naming the file and the key path, no traceback, and no output folder created or changed."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from clitools import ctsim_command, run_subprocess, snapshot

from ctsim.scenario import yamlio

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
HEADER = {"# expect-file:": "file", "# expect-key:": "key", "# expect:": "expect"}


@dataclass(frozen=True)
class Case:
    path: Path
    file: Path  # the file the error must name
    key: str
    expect: str

    def __str__(self) -> str:
        return self.path.stem

    def check_line(self, line: str) -> None:
        """The one stderr line: ``error: FILE: KEY: message`` with the expected fragment."""
        prefix = f"error: {self.file}: " + (f"{self.key}: " if self.key else "")
        assert line.startswith(prefix), f"{line!r} does not start with {prefix!r}"
        message = line[len(prefix):]
        assert self.expect in message, f"{self.expect!r} not in {line!r}"
        if not self.key:  # a whole-file problem: the message must not start with a key path
            assert not message.split(" ")[0].endswith(":") or message.startswith("line "), line


def _header(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with path.open("rb") as fh:
        for raw in fh:
            line = raw.decode("ascii", errors="replace").rstrip("\n")
            for tag, field in HEADER.items():
                if line.startswith(tag + " ") or line == tag:
                    found[field] = line[len(tag):].strip()
            if not line.startswith("# expect"):
                break
    return found


def _cases() -> list[Case]:
    with (BAD / "expected.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["case"]: r for r in csv.DictReader(fh)}
    cases = []
    for path in sorted(BAD.glob("*.yaml")):
        spec = _header(path)
        if path.name in rows:
            assert not spec, f"{path.name}: expectation both in its header and in expected.csv"
            spec = rows[path.name]
        assert "expect" in spec, f"{path.name}: no expectation (header comment or expected.csv)"
        named = BAD / spec["file"] if spec.get("file") else path
        cases.append(Case(path, named, spec.get("key", ""), spec["expect"]))
    missing = set(rows) - {c.path.name for c in cases}
    assert not missing, f"expected.csv names files that do not exist: {missing}"
    return cases


CASES = _cases()


def test_corpus_is_large_and_every_file_has_an_expectation():
    assert len(CASES) >= 40
    assert all(c.expect for c in CASES)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working folder with one existing output folder (that must never change)."""
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "out" / "existing"
    existing.mkdir(parents=True)
    (existing / "trajectories.csv").write_text("old results\n")
    (existing / "metadata.json").write_text('{"ctsim_version": "0.1.0"}\n')  # a ctsim folder
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=str)
def test_validate_reports_one_line(case, ctsim_main, workdir):
    before = snapshot(workdir)
    result = ctsim_main("validate", case.path)
    assert result.code == 2
    assert len(result.err_lines) == 1, result.stderr
    case.check_line(result.err_lines[0])
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(workdir) == before


@pytest.mark.parametrize("case", CASES, ids=str)
def test_run_fails_before_any_output(case, ctsim_main, workdir):
    before = snapshot(workdir)
    for extra in ([], ["--out", workdir / "out" / "existing", "--force"],
                  ["--out", workdir / "new"]):
        result = ctsim_main("run", case.path, *extra)
        assert result.code == 2
        assert len(result.err_lines) == 1, result.stderr
        case.check_line(result.err_lines[0])
        assert "Traceback" not in result.stderr + result.stdout
        assert snapshot(workdir) == before, f"ctsim run {extra} changed the working folder"


def _limit_memory():  # pragma: no cover - runs in the child
    gib = 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (4 * gib, 4 * gib))


def test_real_process_validates_the_whole_corpus(tmp_path):
    """One real `ctsim validate` over every case, under a memory cap: one line per file, in order."""
    proc = subprocess.Popen([*ctsim_command(), "validate", *(str(c.path) for c in CASES)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_limit_memory)
    out, err = proc.communicate(timeout=300)  # a guard against a hang, not a timing assertion
    assert proc.returncode == 2
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == len(CASES), err
    for case, line in zip(CASES, lines, strict=True):
        case.check_line(line)
    assert out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["alias_bomb", "deep_nesting_flow", "extends_cycle"])
def test_real_process_run_writes_nothing(name, tmp_path):
    case = next(c for c in CASES if c.path.stem == name)
    result = run_subprocess("run", case.path, cwd=tmp_path)
    assert result.code == 2
    assert len(result.err_lines) == 1, result.stderr
    case.check_line(result.err_lines[0])
    assert list(tmp_path.iterdir()) == []


def test_unreadable_extends_file_is_named_at_the_extends_key(tmp_path, ctsim_main, monkeypatch):
    """A parent that exists but cannot be read (no permission; faked for root, who reads all)."""
    parent = tmp_path / "base.yaml"
    parent.write_text("seed: 1\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n")
    if os.geteuid() == 0:  # root reads anything: deny at the one place scenario files are opened
        real = yamlio._open

        def deny(path):
            if Path(path).name == "base.yaml":
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(yamlio, "_open", deny)
    else:
        parent.chmod(0)
    result = ctsim_main("validate", child)
    assert result.code == 2
    assert result.err_lines == [
        f"error: {child}: extends: inherited file is not readable (permission denied): base.yaml"]


def test_unreadable_scenario_file(tmp_path, ctsim_main, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text("seed: 1\n")
    real = yamlio._open
    monkeypatch.setattr(yamlio, "_open", lambda p: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied")) if Path(p) == path else real(p))
    result = ctsim_main("run", path)
    assert result.code == 2
    assert result.err_lines == [f"error: {path}: file is not readable (permission denied)"]


def test_missing_scenario_file(tmp_path, ctsim_main):
    result = ctsim_main("run", tmp_path / "nope.yaml")
    assert result.code == 2
    assert result.err_lines == [f"error: {tmp_path / 'nope.yaml'}: file not found"]
    assert not (tmp_path / "out").exists()


def test_a_broken_invariant_exits_3_with_one_line_and_no_output(tmp_path, ctsim_main, monkeypatch,
                                                                 root):
    """A (simulated) engine bug: steel electricity turns NaN. The guard stops the run in the first
    year, the CLI prints one line naming variable, year and sample, exits 3 and writes nothing."""
    import ctsim.engine.steel as steel

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(steel, "electricity", lambda production, mwh: production[:, 0] * np.nan)
    result = ctsim_main("run", root / "scenarios" / "baseline.yaml")
    assert result.code == 3
    assert len(result.err_lines) == 1, result.stderr
    assert result.err_lines[0].startswith("error: model invariant broken: ")
    assert " in 2020, sample 0: not a finite number (got nan)" in result.err_lines[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["syntax_unclosed_flow", "unknown_section_key", "alias_bomb",
                                  "extends_parent_invalid", "shock_unknown_kind"])
@pytest.mark.parametrize("command", ["report", "compare"])
def test_report_and_compare_reject_bad_scenarios_the_same_way(name, command, ctsim_main, workdir,
                                                              root):
    case = next(c for c in CASES if c.path.stem == name)
    before = snapshot(workdir)
    inputs = [case.path] if command == "report" else [root / "scenarios" / "baseline.yaml", case.path]
    result = ctsim_main(command, *inputs)
    assert result.code == 2
    assert len(result.err_lines) == 1, result.stderr
    case.check_line(result.err_lines[0])
    assert snapshot(workdir) == before


@pytest.mark.parametrize("samples", ["0", "-5", "1000000000000000"])
def test_sweep_refuses_bad_sample_counts_before_any_work(samples, ctsim_main, workdir, root):
    """Zero, negative and absurd --samples: exit 2, one line (the estimate for an absurd count),
    nothing written, no MemoryError traceback."""
    before = snapshot(workdir)
    result = ctsim_main("sweep", root / "scenarios" / "steel2030.yaml", f"--samples={samples}")
    assert result.code == 2
    assert len(result.err_lines) == 1, result.stderr
    line = result.err_lines[0]
    assert line.startswith("error: ")
    if samples.startswith("1000"):
        assert "1,000,000,000,000,000 samples need about 1.2 EB of memory" in line
    else:
        assert f"must be positive (got {samples}" in line
    assert snapshot(workdir) == before
