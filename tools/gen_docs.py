"""Regenerate docs that are derived from data (docs/parameters.md, docs/variables.md). Run by `make docs`."""

from pathlib import Path

from ctsim.registry import parameters_markdown, variables_markdown

ROOT = Path(__file__).resolve().parents[1]
(ROOT / "docs").mkdir(exist_ok=True)
(ROOT / "docs" / "parameters.md").write_text(parameters_markdown() + "\n", encoding="utf-8")
(ROOT / "docs" / "variables.md").write_text(variables_markdown() + "\n", encoding="utf-8")
print("wrote docs/parameters.md, docs/variables.md")
