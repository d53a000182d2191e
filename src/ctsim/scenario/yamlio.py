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
from pathlib import Path

import yaml

from ..errors import ScenarioError

MAX_ALIASES = 100  # billion-laughs guard: more aliases than any hand-written scenario needs
MAX_DEPTH = 20  # a scenario is at most ~5 levels deep; 20 leaves room without unbounded recursion
MAX_NODES = 10_000  # values (keys count too) after expanding aliases; real scenarios have < 300
MAX_BYTES = 2_000_000  # a scenario file is a few kB; 2 MB is far beyond any real one

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
    """SafeLoader that counts aliases while composing (the composer itself is bounded)."""

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


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or FileReadError saying why it cannot be read."""
    try:
        if path.is_dir():
            raise FileReadError(path, "is a folder, expected a scenario file (.yaml)")
        return path.read_bytes()
    except FileNotFoundError:
        raise FileReadError(path, "file not found") from None
    except PermissionError:
        raise FileReadError(path, "file is not readable (permission denied)") from None
    except OSError as exc:
        raise FileReadError(path, f"cannot read file ({exc.strerror or exc})") from None


def load_yaml(path: str | Path) -> dict:
    """Read one scenario file into a plain dict, or raise ScenarioError."""
    path = Path(path)
    raw = read_bytes(path)
    if len(raw) > MAX_BYTES:
        raise ScenarioError(path, "", f"file is {len(raw)} bytes, expected a scenario under 2 MB")
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
    deep = _flow_depth_line(text, MAX_DEPTH)
    if deep is not None:
        raise ScenarioError(path, "", f"nesting deeper than {MAX_DEPTH} levels (line {deep})")
    try:
        loader = _CountingLoader(text)
        try:
            node = loader.get_single_node()
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
    if data is None:
        raise ScenarioError(path, "", "file is empty, expected a mapping of scenario keys")
    if not isinstance(data, dict):
        raise ScenarioError(
            path, "", f"top level must be a mapping of scenario keys (got {type(data).__name__})"
        )
    return data
