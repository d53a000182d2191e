"""``ctsim explore [SCENARIO]``: the interactive page on 127.0.0.1 (docs/explorer.md). Registered in
ctsim.cli.main; errors reach main(), which maps them to exit codes (Ctrl-C stops the server)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_SCENARIO = Path("steel2030")  # the bundled library's, wherever the command runs


def explore(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML) or a bundled scenario's name")] = DEFAULT_SCENARIO,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)")] = 8765,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open the page in a browser")] = True,
    quiet: Annotated[bool, typer.Option("--quiet/--verbose", help="Log each request to stderr")] = True,
) -> None:
    """Explore a scenario in the browser: sliders re-run the model, offline, on this computer only."""
    from ..explorer.server import make_server

    server = make_server(scenario, port, quiet=quiet)
    typer.echo(f"ctsim explore: {server.session.loaded.name} at {server.url}  (Ctrl-C stops it)")
    if browser:
        import webbrowser

        webbrowser.open(server.url)
    # Ctrl-C (or SIGTERM) is how the user ends an explore session: stop serving and exit 0 (the
    # server writes nothing, so there is no partial output to report).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _stop)
    try:
        server.serve_forever()
    except _Stop:
        pass
    finally:
        server.server_close()
    typer.echo("ctsim explore: stopped", err=True)


class _Stop(BaseException):
    """Raised by the signal handler to leave serve_forever."""


def _stop(signum, frame):
    raise _Stop(signum)
