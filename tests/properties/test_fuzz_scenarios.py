"""Fuzzing: mutate valid scenario files (delete, rename, retype and perturb keys and values, or the
raw text) and assert that loading and running each either succeeds or raises ScenarioError, never
another exception. Derandomized with a bounded number of examples, so CI sees the same cases."""

from __future__ import annotations

import copy
import math
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from ctsim import ModelInvariantError, ScenarioError, load_scenario, run

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BASES = sorted(p.name for p in SCENARIOS.glob("*.yaml"))
FUZZ = settings(derandomize=True, max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

ODD_VALUES = [None, "", "text", "2030", True, False, [], {}, [1, 2], {"a": 1}, {2030: "x"},
              0, -1, 1, 2.5, -1e9, 1e300, math.nan, math.inf, -math.inf, 10**30, 2019, 2101,
              {2030: 0.5, 2020: 0.1}, {1999: 1.0}, {2200: 1.0}, "2020-01-01", [None], {None: 1},
              # hostile classes (issue 13): huge integers, control characters, lone surrogates,
              # markup, identifiers far past any bound, paths that are not scenario files
              10**400, "\ud800", "a\nb", "\x1b[31m", "a$\\undefinedcommand{x}$b", "x" * 5000,
              "/dev/zero", "a\0b.yaml", "0x10", "1:20", "yes"]

# keys YAML 1.2 reads as non-text or that no message may show whole (issue 13)
ODD_KEYS = [None, True, False, 1, 2.5, "yes", "k" * 5000, "a\nb", "\x1b[31m", "\u2028"]


def _paths(node, prefix=()):
    """Every (path, value) in a nested structure of dicts and lists."""
    yield prefix, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _parent(doc, path):
    for p in path[:-1]:
        doc = doc[p]
    return doc


def _typo(word: str, draw) -> str:
    word = str(word)
    i = draw(st.integers(0, max(len(word) - 1, 0)))
    op = draw(st.sampled_from(["drop", "double", "swap", "case", "new"]))
    if op == "drop" and word:
        return word[:i] + word[i + 1:]
    if op == "double" and word:
        return word[:i] + word[i] + word[i:]
    if op == "swap" and len(word) > 1:
        i = min(i, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "case":
        return word.upper()
    return draw(st.text("abcdefghijklmnopqrstuvwxyz_.0123456789", min_size=1, max_size=12))


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mutate(doc: dict, draw) -> dict:
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "rename", "retype", "perturb", "perturb", "add"]))
        fits = {
            "delete": lambda parent, value: True,
            "retype": lambda parent, value: True,
            "rename": lambda parent, value: isinstance(parent, dict),
            "perturb": lambda parent, value: _is_number(value) or isinstance(value, str),
            "add": lambda parent, value: isinstance(value, dict | list),
        }[op]
        paths = [p for p, v in _paths(doc) if p and fits(_parent(doc, p), v)]
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        parent, key = _parent(doc, path), path[-1]
        value = parent[key]
        if op == "delete":
            del parent[key]
        elif op == "rename":
            new = _typo(key, draw)
            if new not in parent:
                parent[new] = parent.pop(key)
        elif op == "retype":
            parent[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif op == "perturb" and _is_number(value):
            factor = draw(st.sampled_from([-1.0, 0.0, 0.5, 0.9, 1.1, 1.5, 3.0, 10.0, 1e6]))
            new = value * factor
            parent[key] = type(value)(new) if math.isfinite(new) else value
        elif op == "perturb":
            parent[key] = _typo(value, draw)
        elif isinstance(value, dict):  # add a key beside the existing ones
            value[draw(st.sampled_from(["extra", "year", 2030, 2070, "kind", "low", *ODD_KEYS]))] = (
                copy.deepcopy(draw(st.sampled_from(ODD_VALUES))))
        else:
            value.append(copy.deepcopy(draw(st.sampled_from(ODD_VALUES + [{"kind": "peak_by"}]))))
    return doc


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A copy of the scenario library (so `extends:` resolves) and the parsed files."""
    folder = tmp_path_factory.mktemp("fuzz")
    for name in BASES:
        shutil.copy(SCENARIOS / name, folder / name)
    docs = {name: yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8")) for name in BASES}
    return folder, docs


def _load_and_run(path: Path) -> None:
    try:
        loaded = load_scenario(path)
    except ScenarioError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith(f"{path}: ") or str(exc).startswith(str(path.parent))
        event("rejected: " + str(exc).split(": ")[1].split(".")[0])
        return
    event("valid: ran")
    try:
        run(loaded)
    except ModelInvariantError as exc:  # a valid file whose numbers the engine cannot honour
        pytest.fail(f"valid scenario broke a model invariant: {exc}\n{path.read_text()}")


@FUZZ
@given(st.data())
def test_mutated_scenarios_load_and_run_or_raise_scenario_error(library, data):
    folder, docs = library
    base = data.draw(st.sampled_from(BASES), label="base")
    doc = _mutate(docs[base], data.draw)
    assume(doc != docs[base])  # a rename to the same key, say, is not a mutant
    path = folder / "mutant.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _load_and_run(path)


@FUZZ
@given(st.data())
def test_mutated_text_loads_or_raises_scenario_error(library, data):
    """Byte-level edits of the file text: deletions, insertions of YAML punctuation, tabs, bytes."""
    folder, _ = library
    base = data.draw(st.sampled_from(BASES), label="base")
    raw = bytearray((SCENARIOS / base).read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw)))
        op = data.draw(st.sampled_from(["delete", "insert"]))
        if op == "delete" and raw:
            del raw[i:i + data.draw(st.integers(1, 20))]
        else:
            raw[i:i] = data.draw(st.sampled_from(
                [b":", b"-", b"[", b"{", b"}", b"]", b"\t", b"\n", b"  ", b"&a ", b"*a", b"!!",
                 b"'", b'"', b"#", b"\xff", b"\x00", b"2099", b"-1", b".nan", b"? ",
                 # hostile classes (issue 13): YAML 1.1 forms, escapes, separators, huge numbers
                 b"0x1F", b"1:20", b"yes", b"1e-9", b'"\\ud800"', b'"\\e[31m"', b"\xc2\x85",
                 b"\xe2\x80\xa8", b"9" * 500, b"extends: /dev/zero\n", b"$\\frac{"]))
    path = folder / "mutant_text.yaml"
    path.write_bytes(bytes(raw))
    try:
        load_scenario(path)
        event("text mutant: valid")
    except ScenarioError as exc:
        assert str(exc).isprintable(), repr(str(exc))  # one line, no control characters
        event("text mutant: rejected")


SECRET = "SECRET-7f3a"
# files that are not scenarios, as YAML reads them: /etc/shadow-like lines (read as keys), a
# mapping of unknown keys, text, a list, broken YAML; each line carries SECRET
NOT_SCENARIO_LINES = st.lists(st.sampled_from([
    f"root:$6${SECRET}:19000:0:99999:7:::", f"{SECRET}_KEY: value", f"- {SECRET}",
    f"{SECRET} plain text", f"{SECRET}: [1, 2", f'"{SECRET}\\x1b[2J": 1', f"? {SECRET}\n: 1",
    f"{SECRET}=1", f"export {SECRET}=abc"]), min_size=1, max_size=5)


@FUZZ
@given(lines=NOT_SCENARIO_LINES, how=st.sampled_from(["extends", "extends list", "symlink"]))
def test_a_non_scenario_file_is_never_echoed(library, lines, how):
    """A scenario that inherits a file which is not a scenario (whatever YAML makes of it) is
    refused in one line that shows nothing of that file."""
    folder, _ = library
    secret = folder / "not_a_scenario.txt"
    secret.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parent = folder / "parent.yaml"
    if parent.exists() or parent.is_symlink():
        parent.unlink()
    if how == "symlink":
        parent.symlink_to(secret)
    else:
        parent.write_text(secret.read_text(encoding="utf-8"), encoding="utf-8")
    extends = "[baseline.yaml, parent.yaml]" if how == "extends list" else "parent.yaml"
    child = folder / "child.yaml"
    child.write_text(f"name: child\nextends: {extends}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    message = str(exc.value)
    assert SECRET not in message and "\n" not in message, message
    event("refused: " + message.split(": ", 2)[-1][:30])
