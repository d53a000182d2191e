"""``ctsim report INPUT... [--out DIR] [--format png|svg|pdf]`` (registered in ctsim.cli.main; errors reach main(), which maps them to exit codes)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .console import echo


def report(
    inputs: Annotated[list[Path], typer.Argument(
        help="Scenario files (run now) or output folders of 'ctsim run' / 'ctsim sweep'")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output folder (default out/report-<names>/)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Figure files: png, svg or pdf")] = "png",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output folder")] = False,
) -> None:
    """Write report.html (self-contained), report.md, figures/ and metadata.json."""
    from ..report.run import write_report

    outdir = write_report(inputs, out, fmt, force, command=["ctsim", *sys.argv[1:]])
    echo(f"Report in {outdir}/ (report.html, report.md, figures/, metadata.json)")
