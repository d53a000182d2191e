"""Scenario files and docs cite the bibliography, not notes a user does not have (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"\[([A-Za-z][A-Za-z0-9.-]*)\]")
HEADING = re.compile(r"^### `([^`]+)`", re.M)
ENTRIES = set(HEADING.findall((ROOT / "docs" / "sources.md").read_text(encoding="utf-8")))
FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + [ROOT / "docs" / "scenarios.md", ROOT / "README.md"] + \
    sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "sources.md")


def _keys(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":  # markdown links [text](url) and [x] checkboxes are not citations
        text = re.sub(r"\[[^\]]*\]\([^)]*\)", "", text)
        text = re.sub(r"`[^`]*`", "", text)
    return [k for k in KEY.findall(text) if re.search(r"[A-Z].*-\d|-[A-Za-z]", k) and "-" in k]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_citation_points_outside_the_package(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"china-facts|power-facts|\.\./shared", text), path.name


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")) + [ROOT / "docs" / "scenarios.md"],
                         ids=lambda p: p.name)
def test_cited_keys_resolve_in_sources_md(path):
    unknown = [k for k in _keys(path) if k not in ENTRIES]
    assert not unknown, f"{path.name} cites {unknown}, not in docs/sources.md"


def test_every_scenario_with_sourced_claims_cites_a_key():
    cited = [p.name for p in (ROOT / "scenarios").glob("*.yaml") if _keys(p)]
    assert len(cited) >= 10, cited
