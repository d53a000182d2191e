"""Regenerate docs that are derived from data (docs/parameters.md). Run by `make docs`."""

from pathlib import Path

from ctsim.registry import parameters_markdown

ROOT = Path(__file__).resolve().parents[1]
(ROOT / "docs").mkdir(exist_ok=True)
(ROOT / "docs" / "parameters.md").write_text(parameters_markdown() + "\n", encoding="utf-8")
print("wrote docs/parameters.md")
