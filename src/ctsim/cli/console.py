"""What the commands print besides their results: progress bars, notes, verbosity (--quiet,
--verbose). The root command stores the verbosity in the click context; commands read it here, so
no command module imports the main app."""

from __future__ import annotations

import logging
import sys
import time

import typer

try:  # typer >= 0.26 runs on its own copy of click: its contexts are not click's
    from typer._click.core import Context
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer on plain click
    from click import Context, get_current_context

QUIET, NORMAL, VERBOSE = -1, 0, 1


def verbosity() -> int:
    ctx = get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj.get("verbosity", NORMAL) if isinstance(obj, dict) else NORMAL


def set_verbosity(ctx: Context, level: int) -> None:
    ctx.ensure_object(dict)["verbosity"] = level
    if level >= VERBOSE:  # library log records (figures skipped, targets not drawn, ...) to stderr
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("info: %(message)s"))
        log = logging.getLogger("ctsim")
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        ctx.call_on_close(lambda: log.removeHandler(handler))


def note(message: str) -> None:
    """A line on stderr that explains what was done (hidden by --quiet)."""
    if verbosity() > QUIET:
        typer.echo(f"note: {message}", err=True)


def echo(message: str = "") -> None:
    """A line of a command's summary on stdout (hidden by --quiet)."""
    if verbosity() > QUIET:
        typer.echo(message)


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise (CI logs).
    Silent with --quiet."""

    def __init__(self, label: str, unit: str = "samples", stream=None):
        self.label, self.unit, self.stream = label, unit, stream or sys.stderr
        self.start, self.last = time.monotonic(), -1
        self.tty = self.stream.isatty()
        self.silent = verbosity() <= QUIET

    def __call__(self, done: int, total: int) -> None:
        if self.silent:
            return
        pct = int(100 * done / max(total, 1))
        if not self.tty and (pct // 10 == self.last // 10 and done < total):
            return
        self.last = pct
        bar = "#" * (pct * 30 // 100)
        line = (f"{self.label} [{bar:<30}] {pct:3d}%  {done:,}/{total:,} {self.unit}  "
                f"{time.monotonic() - self.start:.1f} s")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and done >= total:
            self.stream.write("\n")
        self.stream.flush()
