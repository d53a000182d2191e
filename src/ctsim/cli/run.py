"""``ctsim run SCENARIO``: one run, its tables, summary, metadata and figures (exit 1 if a target
is missed). Registered in ctsim.cli.main; errors reach main(), which maps them to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .console import echo


def _fmt(value: float, unit: str) -> str:
    if unit == "fraction":
        return f"{value:.1%}"
    if unit == "" and float(value).is_integer():
        return f"{int(value)}"
    if 0 < abs(value) < 10:  # small values (warming in K) keep three significant digits
        return f"{value:.3g} {unit}".strip()
    return f"{value:,.1f} {unit}".strip()


def _margin(t: dict) -> str:
    """A verdict's margin: percentage points for fractions, years for deadlines."""
    if t["margin_unit"] == "fraction":
        return f"{100 * t['margin']:+.1f} pp"
    if t["margin_unit"] == "years":
        return f"{t['margin']:+.0f} yr"
    unit = t["margin_unit"]
    return f"{t['margin']:+,.1f}" + ("" if unit in ("", "variable unit") else f" {unit}")


def _print_summary(summary: dict) -> None:
    echo(f"\n{summary['scenario']}  ({summary['years'][0]}-{summary['years'][1]})")
    width = max(len(m["label"]) for m in summary["metrics"].values())
    for m in summary["metrics"].values():
        echo(f"  {m['label']:<{width}}  {_fmt(m['value'], m['unit'])}")
    single = [t for t in summary["targets"] if "region" not in t or t["id"] == t.get("target")]
    groups: dict[str, list[dict]] = {}
    for t in summary["targets"]:
        if t not in single:
            groups.setdefault(t["target"], []).append(t)
    if single:
        echo("\nTargets")
        width = max(len(t["id"]) for t in single)
        for t in single:
            verdict = "met   " if t["met"] else "MISSED"
            where = f" ({t['region']})" if "region" in t else ""
            echo(f"  {verdict}  {t['id']:<{width}}  margin {_margin(t):>17}  {t['description']}{where}")
    for target, verdicts in groups.items():  # a target in each region: how many regions meet it
        met = [t for t in verdicts if t["met"]]
        missed = sorted((t for t in verdicts if not t["met"]), key=lambda t: t["margin"])
        echo(f"\nTarget {target} by region: {len(met)} of {len(verdicts)} meet it")
        if met:
            echo("  met:    " + ", ".join(f"{t['region']} ({_margin(t)})" for t in met))
        if missed:
            echo("  MISSED: " + ", ".join(f"{t['region']} ({_margin(t)})" for t in missed))


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML) or a bundled scenario's name (ctsim scenarios)")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default out/<name>/)")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output folder")] = False,
    figures: Annotated[bool, typer.Option(help="Write figures/*.png")] = True,
) -> None:
    """Run one scenario: trajectories (IAMC), summary, metadata and figures. Exit 1 if a target is missed."""
    import ctsim

    from ..errors import UsageError
    from ..outputs.folders import write_run

    loaded = ctsim.load_scenario(scenario)
    outdir = out or Path("out") / loaded.name
    if outdir.exists() and not outdir.is_dir():  # --force does not change that
        raise UsageError(f"{outdir}: exists and is not a folder; --out names a folder")
    if outdir.exists() and not force:
        raise UsageError(f"{outdir}: output folder exists; use --force to replace it")
    result = ctsim.run(loaded)
    write_run(result, outdir, force=force, figures=figures, command=["ctsim", *sys.argv[1:]])
    s = result.summary
    _print_summary(s)
    written = sorted(p.name + ("/" if p.is_dir() else "") for p in outdir.iterdir())
    echo(f"\nOutputs in {outdir}/ ({', '.join(written)})")
    if not s["all_targets_met"]:
        raise typer.Exit(1)
