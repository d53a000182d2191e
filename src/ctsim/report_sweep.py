"""Report sections of a ``ctsim sweep`` output folder (fan charts, target probabilities, sensitivity)."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

SWEEP_FILES = ("quantiles.csv", "metrics.csv", "design.csv")


def is_sweep_folder(path: Path) -> bool:
    return (path / "quantiles.csv").exists() or (path / "metrics.csv").exists()


def source_from_sweep_folder(path: Path):
    raise UsageError(f"{path}: sweep folders are not supported by this version of ctsim report")


def sweep_sections(doc, src, root, prefix, fmt, level) -> None:
    raise UsageError("sweep folders are not supported by this version of ctsim report")
