"""The numerical core: pure functions of numpy arrays with a leading sample axis.

Imports numpy and ctsim.errors only (never pydantic, yaml, pandas, matplotlib, typer or the CLI); its
inputs are the typed bundles of :mod:`ctsim.engine.inputs`.
"""

from .loop import simulate

__all__ = ["simulate"]
