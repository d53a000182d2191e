"""``ctsim validate``, ``ctsim scenarios``, ``ctsim schema`` and ``ctsim params``: the scenario language, the
bundled library and the registry.
Registered in ctsim.cli.main."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import CtsimError


def validate(files: Annotated[list[Path], typer.Argument(
        help="Scenario files, or names of bundled scenarios")]) -> None:
    """Check scenario files. Exit 0 when all are valid, 2 otherwise."""
    from ..scenario import load_scenario

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


def scenarios() -> None:
    """List the bundled scenarios: a name runs anywhere (ctsim run steel2030) and can be extended
    (extends: baseline)."""
    from ..scenario import bundled_scenarios
    from ..scenario.yamlio import load_yaml

    for name, path in bundled_scenarios().items():
        text = " ".join(str(load_yaml(path).get("description") or "").split())
        first = text.split(". ")[0].rstrip(".")
        typer.echo(f"{name:<22} {first[:100] + ('...' if len(first) > 100 else '')}")
    typer.echo(f"(files in {next(iter(bundled_scenarios().values())).parent})")


def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion and checks)."""
    from ..scenario import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def params(
    pattern: Annotated[str | None, typer.Argument(help="Show names containing this text")] = None,
    assumptions: Annotated[bool, typer.Option("--assumptions", help="Only assumptions")] = False,
) -> None:
    """List default parameters with units, bounds and sources."""
    from .. import registry

    rows = [p for p in registry.parameters().values()
            if (pattern is None or pattern.lower() in p.name.lower())
            and (not assumptions or p.is_assumption)]
    if not rows:
        from ..errors import UsageError

        what = "assumption" if assumptions else "parameter"
        raise UsageError(f"no {what} matches '{pattern}' (ctsim params lists them all)")
    for p in rows:
        value = p.value if not isinstance(p.value, dict) else "; ".join(
            f"{y}: {v:g}" for y, v in p.value.items())
        typer.echo(f"{p.name} = {value} [{p.unit}]  ({p.kind}, bounds {p.lower:g}..{p.upper:g})")
        typer.echo(f"    {p.description}")
        typer.echo(f"    source: {p.source}")
