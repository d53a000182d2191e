"""Hostile inputs that cannot live in the corpus as plain files: devices, FIFOs, symlink loops,
exponential ``extends`` fan-out and huge identifiers. Each is one line, exit 2, quickly, no output."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ctsim.scenario import load_scenario
from ctsim.scenario.load import MAX_CHAIN_FILES


def _one_error(result, fragment):
    assert result.code == 2, result.stderr
    assert len(result.err_lines) == 1, result.stderr
    assert fragment in result.err_lines[0], result.err_lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_without_reading_it(device, ctsim_main, tmp_path):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist on this system")
    _one_error(ctsim_main("validate", device), "expected a scenario file ending in .yaml")
    link = tmp_path / "zero.yaml"  # the suffix alone does not let a device through
    link.symlink_to(device)
    _one_error(ctsim_main("validate", link), "is not a regular file")


def test_a_fifo_is_refused_without_blocking(ctsim_main, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    child = tmp_path / "child.yaml"
    child.write_text("extends: pipe.yaml\n")
    _one_error(ctsim_main("validate", fifo), "is not a regular file")
    _one_error(ctsim_main("validate", child), "extends: inherited file is not a regular file")


def test_a_symlink_loop_is_one_line(ctsim_main, tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop.yaml")
    _one_error(ctsim_main("validate", loop), str(loop))
    child = tmp_path / "child.yaml"
    child.write_text("extends: loop.yaml\n")
    _one_error(ctsim_main("run", child), "extends: inherited file")
    assert not (tmp_path / "out").exists()


def test_diamond_extends_loads_each_file_once(tmp_path):
    """f0..f21 each extend f{i+1} twice: 2^22 paths to the last file, 22 files to load."""
    levels = 22
    for i in range(levels):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: [f{i + 1}.yaml, f{i + 1}.yaml]\nseed: {i}\n")
    (tmp_path / f"f{levels}.yaml").write_text("steel: {eaf_share: 0.2}\n")
    start = time.monotonic()
    loaded = load_scenario(tmp_path / "f0.yaml")
    assert time.monotonic() - start < 30  # a guard against the exponential blow-up, not a timing
    assert loaded.model.seed == 0
    assert loaded.origin["steel.eaf_share"] == f"inherited:f{levels}.yaml"


def test_an_inheritance_chain_is_bounded(ctsim_main, tmp_path):
    n = MAX_CHAIN_FILES + 1
    for i in range(n):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i + 1}.yaml\n")
    (tmp_path / f"f{n}.yaml").write_text("seed: 1\n")
    _one_error(ctsim_main("validate", tmp_path / "f0.yaml"),
               f"more than {MAX_CHAIN_FILES} files in the inheritance chain")


def test_a_huge_target_id_is_refused_before_any_run(ctsim_main, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("targets:\n  - {id: " + "x" * 100_000 + ", kind: peak_by, "
                    "variable: Emissions|CO2|Energy and Industrial Processes, year: 2030}\n")
    _one_error(ctsim_main("run", path, "--out", tmp_path / "o"),
               "targets.0.id: expected at most 64 characters (got 100,000 characters)")
    assert not (tmp_path / "o").exists()


def test_yaml_12_numbers_are_read_as_users_mean(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("steel: {eaf_share: 2e-1}\npolicy: {carbon_price: {2030: 1.5E+2}}\n"
                    "description: 1:20 and 0x10 and yes are text\n")
    model = load_scenario(path).model
    assert model.steel.eaf_share == 0.2
    assert model.policy.carbon_price == {2030: 150.0}
    assert model.description == "1:20 and 0x10 and yes are text"


def test_a_dollar_in_a_description_is_drawn_as_text(tmp_path, ctsim_main, root):
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {root / 'scenarios' / 'baseline.yaml'}\n"
                    "description: 'costs a$\\undefinedcommand{x}$b'\n")
    result = ctsim_main("run", path, "--out", tmp_path / "o")
    assert result.code in (0, 1), result.stderr
    assert (tmp_path / "o" / "figures").is_dir()


def _dot_entries(folder) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith(".")}


@pytest.mark.parametrize("command", ["run", "sweep", "report", "compare"])
@pytest.mark.parametrize("out", ["/", ".", "..", "./", "sub/..", "link"])
def test_a_root_or_the_working_folder_is_never_replaced(command, out, ctsim_main, root, tmp_path,
                                                        monkeypatch):
    """``--out / --force`` and ``--out . --force`` are refused before anything is created: no
    ``..old-*`` or ``.tmp-*`` folder appears beside them."""
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "link").symlink_to(work)  # a link to the working folder is the working folder
    (work / "mine.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.chdir(work)
    scenario = root / "scenarios" / "steel2030.yaml"
    args = {"run": ["run", scenario, "--no-figures"],
            "sweep": ["sweep", scenario, "--samples", "20", "--no-figures"],
            "report": ["report", scenario], "compare": ["compare", root / "scenarios" / "baseline.yaml",
                                                        scenario]}[command]
    before = {"/": _dot_entries(Path("/")), "tmp": _dot_entries(tmp_path), "work": _dot_entries(work)}
    res = ctsim_main(*args, "--out", out, "--force")
    assert res.code == 2, res.stderr
    errors = [ln for ln in res.err_lines if ln.startswith("error:")]
    assert len(errors) == 1 and "refusing to replace a root or the working folder" in errors[0], \
        res.stderr
    assert "Traceback" not in res.stderr
    assert {"/": _dot_entries(Path("/")), "tmp": _dot_entries(tmp_path),
            "work": _dot_entries(work)} == before
    assert (work / "mine.txt").read_text(encoding="utf-8") == "keep me"


BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def test_no_error_line_is_unbounded(ctsim_main):
    """Values and keys from a file are shown truncated: every corpus message fits a bound."""
    lengths = {}
    for case in sorted(BAD.glob("*.yaml")):
        res = ctsim_main("validate", case)
        assert res.code == 2 and len(res.err_lines) == 1, (case.name, res.stderr)
        lengths[case.name] = len(res.err_lines[0]) - len(str(case))
    worst = max(lengths, key=lengths.get)
    assert lengths[worst] < 400, (worst, lengths[worst])


@pytest.mark.parametrize("parent", [
    "root:$6$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",  # /etc/shadow-like
    "API_KEY: SECRET-abc123\n",  # a mapping of secrets
    "SECRET-LINE one\nSECRET-LINE two\n",  # text
    "- SECRET-ITEM\n",  # a list
    '"SECRET\\x1b[31m": 1\n',
    "SECRET: [1, 2\n",  # not even YAML
])
def test_an_inherited_file_that_is_not_a_scenario_is_never_echoed(parent, ctsim_main, tmp_path):
    (tmp_path / "secrets.yaml").write_text(parent, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "secrets.yaml")
    for name in ("secrets.yaml", "link.yaml"):
        child = tmp_path / f"child-{name}"
        child.write_text(f"name: x\nextends: {name}\n", encoding="utf-8")
        for command in ("validate", "run"):
            res = ctsim_main(command, child, *(["--out", tmp_path / "o"] if command == "run" else []))
            assert res.code == 2 and len(res.err_lines) == 1, res.stderr
            assert "SECRET" not in res.stderr, res.stderr
            assert not (tmp_path / "o").exists()


def test_a_value_of_the_users_own_file_is_echoed_truncated_and_printable(ctsim_main, tmp_path):
    """The documented policy: the user's own scenario values may appear (they help to find the
    mistake), at most 60 characters, control characters escaped."""
    path = tmp_path / "s.yaml"
    path.write_text('seed: "SECRET-TOKEN-abc123\\x1b[2J' + "x" * 5000 + '"\n', encoding="utf-8")
    res = ctsim_main("validate", path)
    assert res.code == 2 and len(res.err_lines) == 1
    line = res.err_lines[0]
    assert "(got 'SECRET-TOKEN-abc123\\x1b[2J" in line and "\x1b" not in line
    assert len(line) < len(str(path)) + 120
