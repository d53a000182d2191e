"""Fixtures for CLI tests: run ``ctsim`` in-process (through cli.main, like the console script) or
as a real subprocess."""

from __future__ import annotations

import signal

import pytest
from clitools import CliResult


@pytest.fixture
def ctsim_main(capsys):
    """Call ``ctsim.cli.main.main(argv)`` (the console entry point) and return its exit code and output.

    main() installs a SIGTERM handler; it is restored afterwards so pytest keeps its own."""
    from ctsim.cli import main as cli

    def _run(*argv: str) -> CliResult:
        saved = signal.getsignal(signal.SIGTERM)
        capsys.readouterr()
        try:
            cli.main([str(a) for a in argv])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            signal.signal(signal.SIGTERM, saved)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return _run
