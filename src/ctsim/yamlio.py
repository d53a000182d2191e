"""Safe YAML reading: a safe loader that also rejects duplicate keys, bounds aliases and nesting.

Only ``yaml.SafeLoader`` is used, so tags such as ``!!python/object`` are refused. Every problem
becomes a one-line :class:`~ctsim.errors.ScenarioError` naming the file, the line and what was wrong.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ScenarioError

MAX_ALIASES = 100  # billion-laughs guard: more aliases than any hand-written scenario needs
MAX_DEPTH = 20  # a scenario is at most ~5 levels deep; 20 leaves room without unbounded recursion
MAX_BYTES = 2_000_000  # a scenario file is a few kB; 2 MB is far beyond any real one


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and counts aliases."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.YAMLError(
                    f"line {event.start_mark.line + 1}: more than {MAX_ALIASES} aliases "
                    "(refusing a possible alias bomb)"
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.YAMLError(
                    f"line {key_node.start_mark.line + 1}: a mapping key must be a plain value"
                ) from None
            if key in seen:
                raise yaml.YAMLError(
                    f"line {key_node.start_mark.line + 1}: duplicate key '{key}' "
                    f"(first at line {seen[key] + 1})"
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _depth(node: yaml.Node, limit: int) -> int:
    """Nesting depth of a composed node tree, stopping early past ``limit``."""
    stack = [(node, 1)]
    deepest = 0
    seen: set[int] = set()
    while stack:
        current, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit or id(current) in seen:
            if deepest > limit:
                return deepest
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.append((k, d + 1))
                stack.append((v, d + 1))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((v, d + 1) for v in current.value)
    return deepest


def _one_line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return f"invalid YAML: {exc}"


def load_yaml(path: str | Path) -> dict:
    """Read one scenario file into a plain dict, or raise ScenarioError."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ScenarioError(path, "", "is a folder, expected a scenario file (.yaml)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except PermissionError:
        raise ScenarioError(path, "", "file is not readable (permission denied)") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read file ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError(path, "", f"file is {len(raw)} bytes, expected a scenario under 2 MB")
    if b"\x00" in raw:
        raise ScenarioError(path, "", "binary file, expected a UTF-8 YAML text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            path, "", f"not valid UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start})"
        ) from None
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None and _depth(node, MAX_DEPTH) > MAX_DEPTH:
                raise ScenarioError(path, "", f"nesting deeper than {MAX_DEPTH} levels")
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
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
