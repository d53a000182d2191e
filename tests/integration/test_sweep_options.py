"""Sweep options that used to be taken silently or end in a traceback: each is one line, exit 2."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("option, value, message", [
    ("--chunk-size", "0", "samples and chunk size must be positive"),
    ("--seed", "-1", "seed must be 0 or more (got -1)"),
])
def test_a_bad_sweep_option_is_one_line(option, value, message, ctsim_main, root, tmp_path):
    result = ctsim_main("sweep", root / "scenarios" / "steel2030.yaml", "--samples", "50",
                        option, value, "--out", tmp_path / "s", "--no-figures")
    assert result.code == 2, result.stderr
    assert len(result.err_lines) == 1 and message in result.err_lines[0], result.err_lines
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s").exists()


def test_sobol_runs_the_next_valid_size_and_says_so(ctsim_main, root, tmp_path):
    result = ctsim_main("sweep", root / "scenarios" / "steel2030.yaml", "--samples", "50", "--method", "sobol",
                        "--out", tmp_path / "s", "--no-figures")
    assert result.code == 0, result.stderr
    # P = 5 uncertain parameters: N (P + 2) = 7 N with N a power of two; 50 -> N = 8, 56 samples
    notes = [line for line in result.err_lines if line.startswith("note:")]
    assert notes == ["note: running 56 samples, not 50: sobol needs N x (P + 2) samples with N a power "
                     "of two (P = 5 uncertain parameters, N = 8); this is the next valid size up"]
    assert "steel2030: 56 samples (sobol" in result.stdout
    design = (tmp_path / "s" / "design.csv").read_text().splitlines()
    assert len(design) - 1 == 56


def test_a_valid_sobol_size_runs_exactly_without_a_note(ctsim_main, root, tmp_path):
    result = ctsim_main("sweep", root / "scenarios" / "steel2030.yaml", "--samples", "56", "--method", "sobol",
                        "--out", tmp_path / "s", "--no-figures")
    assert result.code == 0, result.stderr
    assert not [line for line in result.err_lines if line.startswith("note:")]


def test_sobol_without_uncertain_parameters_names_the_file(ctsim_main, root, tmp_path):
    dry = root / "scenarios" / "dry-years.yaml"
    result = ctsim_main("sweep", dry, "--samples", "10", "--method", "sobol", "--out", tmp_path / "s")
    assert result.code == 2
    assert len(result.err_lines) == 1, result.err_lines
    assert str(dry) in result.err_lines[0] and "<scenario>" not in result.stderr
    assert "--method: method sobol needs at least one uncertain parameter" in result.err_lines[0]
    assert not (tmp_path / "s").exists()


def test_check_sweeps_stochastic_shocks_alone_as_sweep_does(ctsim_main, root, tmp_path):
    f = tmp_path / "dry-check.yaml"
    f.write_text(f"name: dry-check\nextends: {root / 'scenarios' / 'dry-years.yaml'}\n"
                 "sweep: {samples: 24, method: lhs}\nchecks: {national_peak_before_2030: 0.5}\n",
                 encoding="utf-8")
    result = ctsim_main("check", f)
    assert result.code in (0, 1), result.stderr
    assert "dry-check: checks over 24 samples" in result.stdout
