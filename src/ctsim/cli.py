"""Command-line interface (typer). Thin: parse, call the library, print, map errors to exit codes.

Exit codes: 0 ok, 1 a target or check failed, 2 bad input or usage, 3 a model invariant broke.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import CtsimError, UsageError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="ctsim: carbon-transition scenarios for China (coal, clean power, steel), year by year.",
    pretty_exceptions_enable=False,
)


def _fail(exc: CtsimError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def _fmt(value: float, unit: str) -> str:
    if unit == "fraction":
        return f"{value:.1%}"
    if unit == "" and float(value).is_integer():
        return f"{int(value)}"
    return f"{value:,.1f} {unit}".strip()


def _margin(t: dict) -> str:
    """A verdict's margin: percentage points for fractions, years for deadlines."""
    if t["margin_unit"] == "fraction":
        return f"{100 * t['margin']:+.1f} pp"
    if t["margin_unit"] == "years":
        return f"{t['margin']:+.0f} yr"
    return f"{t['margin']:+,.1f}"


def _print_summary(summary: dict) -> None:
    typer.echo(f"\n{summary['scenario']}  ({summary['years'][0]}-{summary['years'][1]})")
    width = max(len(m["label"]) for m in summary["metrics"].values())
    for m in summary["metrics"].values():
        typer.echo(f"  {m['label']:<{width}}  {_fmt(m['value'], m['unit'])}")
    if summary["targets"]:
        typer.echo("\nTargets")
        width = max(len(t["id"]) for t in summary["targets"])
        for t in summary["targets"]:
            verdict = "met   " if t["met"] else "MISSED"
            typer.echo(f"  {verdict}  {t['id']:<{width}}  margin {_margin(t):>11}  {t['description']}")


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML)")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default out/<name>/)")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output folder")] = False,
    figures: Annotated[bool, typer.Option(help="Write figures/*.png")] = True,
) -> None:
    """Run one scenario: trajectories (IAMC), summary, metadata and figures. Exit 1 if a target is missed."""
    from .api import run as run_scenario
    from .io import summary, write_run
    from .scenario import load_scenario

    try:
        loaded = load_scenario(scenario)
        outdir = out or Path("out") / loaded.name
        if outdir.exists() and not force:
            raise UsageError(f"{outdir}: output folder exists; use --force to replace it")
        result = run_scenario(loaded)
        write_run(result, outdir, force=force, figures=figures, command=["ctsim", *sys.argv[1:]])
    except CtsimError as exc:
        _fail(exc)
    s = summary(result)
    _print_summary(s)
    typer.echo(f"\nOutputs in {outdir}/ (trajectories.csv, summary.json, metadata.json, figures/)")
    if not s["all_targets_met"]:
        raise typer.Exit(1)


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario files")]) -> None:
    """Check scenario files. Exit 0 when all are valid, 2 otherwise."""
    from .scenario import load_scenario

    bad = 0
    for f in files:
        try:
            load_scenario(f)
            typer.echo(f"ok: {f}")
        except CtsimError as exc:
            typer.echo(f"error: {exc}", err=True)
            bad += 1
    if bad:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion and checks)."""
    from .scenario import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def params(
    pattern: Annotated[str | None, typer.Argument(help="Show names containing this text")] = None,
    assumptions: Annotated[bool, typer.Option("--assumptions", help="Only assumptions")] = False,
) -> None:
    """List default parameters with units, bounds and sources."""
    from . import registry

    rows = [p for p in registry.parameters().values()
            if (pattern is None or pattern.lower() in p.name.lower())
            and (not assumptions or p.is_assumption)]
    if not rows:
        typer.echo(f"no parameter matches '{pattern}'", err=True)
        raise typer.Exit(2)
    for p in rows:
        value = p.value if not isinstance(p.value, dict) else "; ".join(
            f"{y}: {v:g}" for y, v in p.value.items())
        typer.echo(f"{p.name} = {value} [{p.unit}]  ({p.kind}, bounds {p.lower:g}..{p.upper:g})")
        typer.echo(f"    {p.description}")
        typer.echo(f"    source: {p.source}")


from .commands.compare import compare as _compare  # noqa: E402  (light: typer only)
from .commands.report import report as _report  # noqa: E402
from .commands.sweep import check as _check  # noqa: E402
from .commands.sweep import sweep as _sweep  # noqa: E402

app.command(name="report")(_report)
app.command(name="compare")(_compare)
app.command(name="sweep")(_sweep)
app.command(name="check")(_check)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"ctsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool | None, typer.Option("--version", callback=version_callback,
                                                  is_eager=True, help="Show the version")] = None,
) -> None:
    """ctsim: carbon-transition scenarios for China."""


class Interrupted(BaseException):
    """Raised from SIGINT/SIGTERM. Not a KeyboardInterrupt, so click does not turn it into its own
    "Aborted!" (exit 1); atomic writes still clean up because they catch BaseException."""


def _interrupt(signum, frame):
    raise Interrupted(signum)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: typer/click handle usage errors (exit 2); Ctrl-C and SIGTERM end with
    one line and exit 130 without leaving partial output."""
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        app(args=argv, prog_name="ctsim")
    except Interrupted:
        typer.echo("interrupted: no output was written", err=True)
        sys.exit(130)
    except OSError as exc:  # disk full, read-only folder, ...: the environment, not a bug
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"error: {where}{exc.strerror or exc} (no output was written)", err=True)
        sys.exit(2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    main()
