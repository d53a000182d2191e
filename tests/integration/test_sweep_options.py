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
