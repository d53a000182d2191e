"""``ctsim compare A B ... [--out DIR]`` (registered in ctsim.cli.main; errors reach main(), which maps them to exit codes)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .console import echo


def compare(
    inputs: Annotated[list[Path], typer.Argument(
        help="Scenario files or 'ctsim run' folders; the first is the reference")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output folder (default out/compare-<names>/)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Figure files: png, svg or pdf")] = "png",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output folder")] = False,
) -> None:
    """Overlay scenarios, tabulate metric differences and split the CO2 gap into policy wedges."""
    from ..report.compare import write_comparison

    outdir = write_comparison(inputs, out, fmt, force, command=["ctsim", *sys.argv[1:]])
    echo(f"Comparison in {outdir}/ (compare.html, compare.md, figures/, differences.csv, "
               "wedges.csv, metadata.json)")
