"""Command-line interface (typer). Thin: parse, call the library, print, map errors to exit codes.

Exit codes: 0 ok, 1 a target or check failed, 2 bad input or usage, 3 a model invariant broke.
"""

from __future__ import annotations

import atexit
import gc
import signal
import sys
from typing import Annotated

import typer

from .. import __version__
from ..errors import CtsimError
from . import compare, explore, info, report, run, sweep  # light: typer only; heavy imports inside
from .console import NORMAL, QUIET, VERBOSE, set_verbosity

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="ctsim: carbon-transition scenarios for China (coal, clean power, steel), year by year. "
         "--quiet and --verbose may also follow the command.",
    pretty_exceptions_enable=False,
)


for command in (run.run, info.validate, info.scenarios, info.schema, info.params, report.report, compare.compare,
                sweep.sweep, sweep.check, explore.explore):
    app.command()(command)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"ctsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[bool | None, typer.Option("--version", callback=version_callback,
                                                  is_eager=True, help="Show the version")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and verdicts: no "
                                        "progress, notes or summary tables")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print what the library "
                                          "logs (figures left out, targets not drawn, ...)")] = False,
) -> None:
    """ctsim: carbon-transition scenarios for China."""
    if quiet and verbose:
        raise typer.BadParameter("give --quiet or --verbose, not both")
    set_verbosity(ctx, QUIET if quiet else VERBOSE if verbose else NORMAL)


class Interrupted(BaseException):
    """Raised from SIGINT/SIGTERM. Not a KeyboardInterrupt, so click does not turn it into its own
    "Aborted!" (exit 1); atomic writes still clean up because they catch BaseException."""


_late: list[int] = []  # signals that arrived after the command's output folder was in place
_written: list = []  # output folders this command has put in place


def _interrupt(signum, frame):
    from ..outputs import HELD, HOLDING

    if HOLDING:  # output folders are being renamed: act on it once they are done
        HELD.append(signum)
        return
    if _written:  # the output is complete: let the command finish (summary, exit code)
        _late.append(signum)
        return
    raise Interrupted(signum)


GLOBAL_FLAGS = ("-q", "--quiet", "-v", "--verbose")


def hoist_global_flags(argv: list[str]) -> list[str]:
    """``ctsim run x.yaml -q`` as ``ctsim -q run x.yaml``: the verbosity flags are the app's, and click
    only reads them before the command; a user (or a CI line) puts them anywhere. A flag the command
    has an option of its own for (``explore --verbose``) stays the command's; arguments after a
    ``--`` are left alone."""
    cut = argv.index("--") if "--" in argv else len(argv)
    head = argv[:cut]
    name = next((a for a in head if not a.startswith("-")), None)
    command = typer.main.get_command(app).commands.get(name) if name else None  # type: ignore[attr-defined]
    own = {o for p in (command.params if command else ()) for o in (*p.opts, *p.secondary_opts)}
    moved = [a for a in head if a in GLOBAL_FLAGS and a not in own]
    return moved + [a for a in head if a not in moved] + argv[cut:]


_fast_exit: list[bool] = []


def _freeze_at_exit() -> None:
    """At exit the interpreter's collections walk every object a command made (~110,000 after a run
    or a sweep: 0.3-0.5 s of each command's wall time); frozen, they are skipped (0.03-0.09 s). Every
    output is written and closed before main() returns, so nothing waits on those collections."""
    if not _fast_exit:
        _fast_exit.append(True)
        atexit.register(gc.freeze)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: typer/click handle usage errors (exit 2); Ctrl-C and SIGTERM end with
    one line and exit 130 without leaving partial output. A signal that arrives once the output
    folder is in place does not undo it: the command finishes as usual (its summary, its exit
    code) and a note says the interrupt was ignored."""
    from ..outputs import COMPLETED, HELD  # the package only: no numpy

    _freeze_at_exit()

    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    _late.clear()
    _written.clear()
    HELD.clear()
    COMPLETED.append(_written.append)
    try:
        app(args=hoist_global_flags(sys.argv[1:] if argv is None else list(argv)), prog_name="ctsim")
    except CtsimError as exc:  # the one place that maps library errors to exit codes
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Interrupted:
        typer.echo("interrupted: no output was written", err=True)
        sys.exit(130)
    except OSError as exc:  # disk full, read-only folder, ...: the environment, not a bug
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"error: {where}{exc.strerror or exc} (no output was written)", err=True)
        sys.exit(2)
    finally:
        COMPLETED.remove(_written.append)
        if _late:
            typer.echo(f"note: interrupt ignored: it arrived after the output was complete "
                       f"({_written[-1]})", err=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    main()
