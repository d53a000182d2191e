"""CLI commands that live in their own modules (registered in ctsim.cli; heavy imports inside)."""
