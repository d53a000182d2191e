"""Hostile inputs that cannot live in the corpus as plain files: devices, FIFOs, symlink loops,
exponential ``extends`` fan-out and huge identifiers. Each is one line, exit 2, quickly, no output."""

from __future__ import annotations

import os
import time

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
