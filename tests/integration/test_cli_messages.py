"""CLI help and messages (issue 12): -h, --version, --quiet/--verbose, help without type artefacts,
one-line errors with the error: prefix, margins with units, write-phase progress."""

from __future__ import annotations

import pytest

from ctsim import __version__

COMMANDS = ["run", "validate", "schema", "params", "report", "compare", "sweep", "check"]


@pytest.mark.parametrize("argv", [["-h"], ["--help"], *[[c, "-h"] for c in COMMANDS]])
def test_help_is_clean(ctsim_main, argv):
    result = ctsim_main(*argv)
    assert result.code == 0, result.stderr
    assert "Usage: ctsim" in result.stdout
    for artefact in ("<bool>", "<list[Path]>", "<path>", "<int>", "<str>", "{scenario}", "[default: None]"):
        assert artefact not in result.stdout, (argv, artefact)


def test_version(ctsim_main):
    result = ctsim_main("--version")
    assert result.code == 0 and result.stdout.strip() == f"ctsim {__version__}"


def test_params_without_a_match_is_an_error_line(ctsim_main):
    result = ctsim_main("params", "zzzz")
    assert result.code == 2
    assert result.err_lines == ["error: no parameter matches 'zzzz' (ctsim params lists them all)"]


def test_out_naming_a_file_gives_one_message_with_or_without_force(ctsim_main, root, tmp_path):
    png = tmp_path / "existing.png"
    png.write_bytes(b"\x89PNG")
    plain = ctsim_main("run", root / "scenarios" / "baseline.yaml", "--out", png, "--no-figures")
    forced = ctsim_main("run", root / "scenarios" / "baseline.yaml", "--out", png, "--no-figures", "--force")
    assert plain.code == forced.code == 2
    assert plain.err_lines == forced.err_lines == [f"error: {png}: exists and is not a folder; --out names a folder"]
    assert png.read_bytes() == b"\x89PNG"


def test_quiet_prints_nothing_and_keeps_the_exit_code(ctsim_main, root, tmp_path):
    result = ctsim_main("-q", "run", root / "scenarios" / "baseline.yaml", "--out", tmp_path / "o", "--no-figures")
    assert result.code == 0 and result.stdout == "" and result.stderr == ""
    assert (tmp_path / "o" / "trajectories.csv").exists()


def test_quiet_and_verbose_together_are_a_usage_error(ctsim_main):
    assert ctsim_main("-q", "-v", "params").code == 2


def test_a_cap_or_neutrality_margin_has_its_unit(ctsim_main, root, tmp_path):
    result = ctsim_main("run", root / "scenarios" / "neutrality2060.yaml", "--out", tmp_path / "o", "--no-figures")
    (line,) = [x for x in result.stdout.splitlines() if "net_zero_co2_2060" in x]
    assert "Mt CO2/yr" in line


def test_sweep_shows_progress_while_writing_a_line_per_10_percent_without_a_terminal(ctsim_main, root,
                                                                                    tmp_path):
    result = ctsim_main("sweep", root / "scenarios" / "steel2030.yaml", "--samples", "56", "--method",
                        "sobol", "--out", tmp_path / "s")
    assert result.code == 0, result.stderr
    writes = [x for x in result.err_lines if x.startswith("write [")]
    assert writes[0].endswith("s") and "0%" in writes[0] and "100%" in writes[-1]
    assert 3 <= len(writes) <= 11  # at most one line per 10 % (plus 0 %), not one per step redraw
    assert all("steps" in x for x in writes)
