"""Sources a reader can follow: every key a parameter cites resolves in docs/sources.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctsim import registry

ROOT = Path(__file__).resolve().parents[2]
SOURCES_MD = ROOT / "docs" / "sources.md"
KEY = re.compile(r"\[([A-Za-z][A-Za-z0-9.-]*)\]")
FIELDS = ("Publisher", "Title", "Year", "Address")
# Rows that name a publication whose address the project has not recorded (see docs/sources.md).
NAMED_WITHOUT_ADDRESS = {"transport.ev_share_2020"}
PARAMS = list(registry.parameters().values())
CONVERSIONS = list(registry.unit_conversions().values())


def bibliography(text: str) -> dict[str, dict[str, str]]:
    """Entries of docs/sources.md: a '### `KEY`' heading followed by '- Field: value' lines."""
    entries: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        head = re.fullmatch(r"### `([^`]+)`\s*", line)
        if head:
            current = head.group(1)
            assert current not in entries, f"duplicate bibliography key {current}"
            entries[current] = {}
        elif line.startswith("#"):
            current = None
        elif current is not None:
            field = re.fullmatch(r"- ([A-Za-z ]+): (.+)", line)
            if field:
                entries[current][field.group(1)] = field.group(2).strip()
    return entries


ENTRIES = bibliography(SOURCES_MD.read_text(encoding="utf-8"))


def cited(source: str) -> list[str]:
    return KEY.findall(source)


def test_bibliography_is_not_empty():
    assert len(ENTRIES) > 20


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_entry_has_publisher_title_year_and_address(key):
    entry = ENTRIES[key]
    for field in FIELDS:
        assert entry.get(field), f"{key}: no {field}"
    assert re.search(r"\b(19|20)\d\d\b", entry["Year"]), f"{key}: year has no year: {entry['Year']}"
    assert re.search(r"https?://|\S+/\S+:\S+@[0-9a-f]{40}", entry["Address"]), f"{key}: no URL or GitHub file"


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.name)
def test_cited_keys_resolve(p):
    unknown = [k for k in cited(p.source) if k not in ENTRIES]
    assert not unknown, f"{p.name} cites {unknown}, not in docs/sources.md"


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.name)
def test_sourced_rows_cite_a_key(p):
    if p.is_assumption or "bundled" in p.source or p.name in NAMED_WITHOUT_ADDRESS:
        return
    assert cited(p.source), f"{p.name}: neither an ASSUMPTION, bundled data nor a [KEY] of docs/sources.md"


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.name)
def test_no_source_points_outside_the_package(p):
    assert not re.search(r"china-facts|power-facts|\.\./shared", p.source), p.name


@pytest.mark.parametrize("c", CONVERSIONS, ids=lambda c: c.unit)
def test_unit_conversions_cite_keys_that_resolve(c):
    keys = cited(c.source)
    assert keys, f"units.csv {c.unit}: no [KEY] of docs/sources.md"
    assert all(k in ENTRIES for k in keys), f"units.csv {c.unit} cites {keys}"


SCENARIO_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))] + \
    [(ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")]


def test_every_entry_is_cited():
    used = {k for p in PARAMS for k in cited(p.source)} | {k for c in CONVERSIONS for k in cited(c.source)}
    used |= {k for text in SCENARIO_TEXTS for k in cited(text)}  # the scenario files' comments
    assert not set(ENTRIES) - used, f"bibliography entries nothing cites: {sorted(set(ENTRIES) - used)}"


def test_the_check_can_fail():
    assert KEY.findall("x [NO-SUCH-KEY] y") == ["NO-SUCH-KEY"]
    assert "NO-SUCH-KEY" not in ENTRIES
    broken = bibliography("### `A`\n\n- Publisher: p\n- Title: t\n")
    assert "Year" not in broken["A"]
