"""The numerical core: pure functions of numpy arrays with a leading sample axis.

Never imports matplotlib, typer or the CLI.
"""

from .loop import simulate

__all__ = ["simulate"]
