"""Safe YAML reading: a safe loader that also rejects duplicate keys, bounds aliases and nesting.

Only ``yaml.SafeLoader`` constructors are used, and a composed document is checked before anything is
built from it: tags other than plain YAML values (``!!python/object`` ...) are refused, duplicate keys
are errors, and nesting depth and the size of the document with its aliases expanded are bounded, so a
hostile file (a "billion laughs" alias bomb, thousands of nested brackets) costs milliseconds and
kilobytes. Every problem becomes a one-line :class:`~ctsim.errors.ScenarioError` naming the file, the
key path when there is one, the line, and what was wrong.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import yaml

from ..errors import ScenarioError

MAX_ALIASES = 100  # billion-laughs guard: more aliases than any hand-written scenario needs
MAX_DEPTH = 20  # a scenario is at most ~5 levels deep; 20 leaves room without unbounded recursion
MAX_NODES = 10_000  # values (keys count too) after expanding aliases; real scenarios have < 300
MAX_BYTES = 2_000_000  # a scenario file is a few kB; 2 MB is far beyond any real one
SCENARIO_SUFFIXES = (".yaml", ".yml")
# Unicode line breaks other than \n and \r: YAML 1.1 (PyYAML) breaks lines at them, so a key after
# one is hidden from anyone reading the file in an editor that does not
HIDDEN_BREAKS = {"\x85": "U+0085", "\u2028": "U+2028", "\u2029": "U+2029"}

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    _CORE + t for t in ("null", "bool", "int", "float", "str", "seq", "map", "timestamp")
)
MERGE_TAG = _CORE + "merge"


class FileReadError(ScenarioError):
    """The file could not be read at all (missing, a folder, no permission)."""

    def __init__(self, file, reason: str):
        self.reason = reason
        super().__init__(file, "", reason)


class _Refused(yaml.YAMLError):
    """A document refused by a safety limit (its message is already one line for the user)."""


class _CountingLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars that counts aliases while composing (the
    composer itself is bounded).

    PyYAML implements YAML 1.1, whose implicit types surprise: ``1e-9`` is text (a float needs a
    dot), ``1:20`` is the sexagesimal 80, ``0x10`` is 16, ``0o17``/``017`` octal, and ``yes``, ``no``,
    ``on``, ``off`` are booleans (a ``no:`` key becomes False). The YAML 1.2 core schema, which
    users mean, reads decimal integers and floats (``1e-9`` included), ``true``/``false`` and
    ``null``; everything else is text, so a number written as ``0x10`` or ``1:20`` where a number is
    expected gets a message instead of a silent conversion.
    """

    yaml_implicit_resolvers: dict = {}

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        self._nodes += 1
        if self._nodes > MAX_NODES:  # bounds the time a huge flat file costs before the walk
            raise _Refused(f"line {self.peek_event().start_mark.line + 1}: more than {MAX_NODES} "
                           "values (a scenario file has a few hundred)")
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise _Refused(
                    f"line {event.start_mark.line + 1}: more than {MAX_ALIASES} aliases "
                    "(refusing a possible alias bomb)"
                )
        return super().compose_node(parent, index)


_IMPLICIT = (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
)
for _tag, _pattern, _first in _IMPLICIT:
    _CountingLoader.add_implicit_resolver(_CORE + _tag, re.compile(_pattern), list(_first))


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return loader.construct_scalar(node).lower() == "true"


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """A decimal integer (YAML 1.2 core; no sexagesimal, hex or octal forms)."""
    text = loader.construct_scalar(node)
    digits = text.lstrip("+-")
    if len(digits) > 100:  # far past any float; int() itself refuses past 4,300 digits
        raise _Refused(f"line {node.start_mark.line + 1}: an integer of {len(digits)} digits, "
                       "expected a number of at most 100 digits")
    return int(text)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    if text.lstrip("+-") == ".inf":
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


_CountingLoader.add_constructor(_CORE + "bool", _construct_bool)
_CountingLoader.add_constructor(_CORE + "int", _construct_int)
_CountingLoader.add_constructor(_CORE + "float", _construct_float)


def _tag_text(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _check_tree(root: yaml.Node, loader: yaml.SafeLoader) -> tuple[str, str] | None:
    """Walk the composed document (aliases expanded, bounded): refuse unsafe tags, duplicate keys,
    non-scalar keys, excessive depth and size. Returns (key path, message) of the first problem."""
    stack: list[tuple[yaml.Node, tuple, int]] = [(root, (), 1)]
    visited = 0
    checked: set[int] = set()  # mapping nodes already checked for duplicate keys
    while stack:
        node, path, depth = stack.pop()
        key = ".".join(str(p) for p in path[:6]) + (".(...)" if len(path) > 6 else "")
        line = node.start_mark.line + 1
        visited += 1
        if visited > MAX_NODES:
            return "", (f"more than {MAX_NODES} values once aliases are expanded "
                        "(refusing a possible alias bomb)")
        if depth > MAX_DEPTH:
            return key, f"nesting deeper than {MAX_DEPTH} levels (line {line})"
        if node.tag == MERGE_TAG and isinstance(node, yaml.ScalarNode):
            node.tag = _CORE + "str"  # a bare '<<' as a value is text, not a merge
        if node.tag not in ALLOWED_TAGS:
            return key, (f"invalid YAML at line {line}: tag '{_tag_text(node.tag)}' is not allowed "
                         "(scenario files hold plain numbers, text, lists and mappings)")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, (*path, i), depth + 1)
                         for i, child in reversed(list(enumerate(node.value))))
        elif isinstance(node, yaml.MappingNode):
            first = id(node) not in checked
            checked.add(id(node))
            seen: dict = {}
            children: list[tuple[yaml.Node, tuple, int]] = []
            for key_node, value_node in node.value:
                kline = key_node.start_mark.line + 1
                if key_node.tag == MERGE_TAG:  # '<<: *anchor' merges a mapping
                    children.append((value_node, path, depth))
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    return key, f"line {kline}: a mapping key must be a plain value"
                if key_node.tag not in ALLOWED_TAGS:
                    return key, (f"invalid YAML at line {kline}: tag '{_tag_text(key_node.tag)}' "
                                 "is not allowed")
                name = loader.construct_object(key_node)
                if first and name in seen:
                    return ".".join(str(p) for p in (*path, name)), (
                        f"duplicate key '{name}' at line {kline} (first at line {seen[name]})")
                seen[name] = kline
                children.append((value_node, (*path, name), depth + 1))
            stack.extend(reversed(children))  # popped in document order
    return None


def _lone_surrogate(value, path: tuple) -> tuple | None:
    """Key path of the first text (key or value) holding a lone UTF-16 surrogate, which a ``"\\ud800"``
    escape produces and no UTF-8 file, table or report can hold; None if there is none. The
    document is already bounded in depth and size."""
    if isinstance(value, str):
        return path if any("\ud800" <= c <= "\udfff" for c in value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()
    for key, child in items:
        if isinstance(key, str) and _lone_surrogate(key, ()) is not None:
            return (*path, "(a key)")
        found = _lone_surrogate(child, (*path, key))
        if found is not None:
            return found
    return None


def _flow_depth_line(text: str, limit: int) -> int | None:
    """Line where unquoted flow brackets (``[``, ``{``) first nest deeper than ``limit``, or None.

    PyYAML's scanner does work proportional to the open flow levels for every token, so thousands
    of nested brackets followed by many values take minutes; this linear pre-scan refuses them
    first. Quoted text and comments are skipped (a block scalar's brackets count, harmlessly: a real
    scenario never nests 20 deep)."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth, line, quote, i, n = 0, 1, "", 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"" and (i == 0 or text[i - 1] in " \t\n[{,:-"):
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "[{":
            depth += 1
            if depth > limit:
                return line
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None


def _one_line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        where = f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}"
        if "'\\t'" in problem:
            return f"{where}: a tab character; indent YAML with spaces, not tabs"
        if "another document" in problem:
            return f"{where}: a second document ('---'); a scenario file holds one document"
        if "<block end>" in problem or "mapping values are not allowed" in problem:
            problem += "; check the indentation of this line and the one before"
        context = getattr(exc, "context", None)
        return f"{where}: {problem}" + (f" ({context})" if context else "")
    return f"invalid YAML: {exc}"


def _open(path: Path) -> int:
    """A read-only file descriptor (non-blocking: a FIFO swapped in after the check cannot hang)."""
    return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or FileReadError saying why it cannot be read.

    Only a regular file is read, and at most MAX_BYTES + 1 bytes of it: a device (``/dev/zero``,
    ``/dev/urandom``) or a FIFO would otherwise be read without end or block forever.
    """
    try:
        info = os.stat(path)  # follows symlinks; a symlink loop is an OSError (ELOOP)
        if stat.S_ISDIR(info.st_mode):
            raise FileReadError(path, "is a folder, expected a scenario file (.yaml)")
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(path, "is not a regular file (a device, FIFO or socket), "
                                      "expected a scenario file (.yaml)")
        with os.fdopen(_open(path), "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise FileReadError(path, "file not found") from None
    except PermissionError:
        raise FileReadError(path, "file is not readable (permission denied)") from None
    except ValueError:  # an embedded NUL character in the path
        raise FileReadError(path, "file name contains a NUL character") from None
    except OSError as exc:
        raise FileReadError(path, f"cannot read file ({exc.strerror or exc})") from None


def load_yaml(path: str | Path, check_top_keys: Callable[[list[str]], None] | None = None) -> dict:
    """Read one scenario file into a plain dict, or raise ScenarioError.

    ``check_top_keys`` is called with the top-level keys (as written) before any key is checked
    or shown in a message, so that a file that is not a scenario can be refused without echoing
    its content (a duplicate "key" of an /etc/shadow-like file, say)."""
    path = Path(path)
    raw = read_bytes(path)
    if len(raw) > MAX_BYTES:
        raise ScenarioError(path, "", f"file is more than {MAX_BYTES:,} bytes, expected a scenario "
                                      "under 2 MB")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                       codecs.BOM_UTF32_BE)):
        raise ScenarioError(path, "", "UTF-16/32 text, expected UTF-8; save the file as UTF-8")
    if b"\x00" in raw:
        raise ScenarioError(path, "", "binary file, expected a UTF-8 YAML text file")
    try:
        text = raw.decode("utf-8-sig")  # a UTF-8 byte-order mark is harmless
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            path, "",
            f"not valid UTF-8 (byte {raw[exc.start]:#04x} at line {line}, offset {exc.start}); "
            "save the file as UTF-8",
        ) from None
    for char, name in HIDDEN_BREAKS.items():
        if char in text:
            line = text[: text.index(char)].count("\n") + 1
            raise ScenarioError(path, "", f"a Unicode line separator ({name}) at line {line}; "
                                          "use a plain line break")
    deep = _flow_depth_line(text, MAX_DEPTH)
    if deep is not None:
        raise ScenarioError(path, "", f"nesting deeper than {MAX_DEPTH} levels (line {deep})")
    try:
        loader = _CountingLoader(text)
        try:
            node = loader.get_single_node()
            if check_top_keys is not None and isinstance(node, yaml.MappingNode):
                check_top_keys([k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)
                                and isinstance(k.value, str)])
            problem = _check_tree(node, loader) if node is not None else None
            if problem is not None:
                raise ScenarioError(path, *problem)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _Refused as exc:
        raise ScenarioError(path, "", str(exc)) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "", _one_line(exc)) from None
    except RecursionError:
        raise ScenarioError(path, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # a scalar the constructors refuse (an out-of-range date, ...)
        raise ScenarioError(path, "", f"invalid value: {str(exc)[:80]}") from None
    if data is None:
        raise ScenarioError(path, "", "file is empty, expected a mapping of scenario keys")
    bad = _lone_surrogate(data, ())
    if bad is not None:
        raise ScenarioError(path, ".".join(map(str, bad)), "text with a lone surrogate escape "
                                                         "(\\ud800-\\udfff), which is not a character")
    if not isinstance(data, dict):
        raise ScenarioError(
            path, "", f"top level must be a mapping of scenario keys (got {type(data).__name__})"
        )
    return data
