"""Pydantic validation errors -> one line: ``key.path: what was expected (got ...)``.

Walks the scenario model along an error's location to name the key path as the user wrote it (tag
and wrapper segments dropped), to offer did-you-mean hints for unknown keys and kinds, and to pick
the most useful of several errors (an unknown key before a missing one).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .. import registry


class AtKey(ValueError):
    """A value error inside a mapping the user wrote: ``key`` is appended to the key path."""

    def __init__(self, key: Any, message: str):
        self.key = key
        self.message = message
        super().__init__(f"at {key}: {message}")


MAX_KEY_SHOWN = 60  # characters of one key shown in a message


def key_text(key: Any) -> str:
    """A key as the user wrote it in YAML (``true``, ``null``, ``2030``), at most 60 characters:
    never Python's ``True``/``None``."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    text = str(key)
    return text if len(text) <= MAX_KEY_SHOWN else text[:MAX_KEY_SHOWN - 3] + "..."


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through Optional, unions, lists, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _tagged(annotation: Any) -> dict[str, type[BaseModel]]:
    """{kind tag: model} of the tagged union(s) inside an annotation (targets, shocks, ...)."""
    out = {}
    for m in _models_in(annotation):
        field = m.model_fields.get("kind")
        if field is not None and get_origin(field.annotation) is Literal:
            out.update({tag: m for tag in get_args(field.annotation)})
    return out


def _is_mapping_of_user_keys(annotation: Any) -> Any:
    """The value annotation when ``annotation`` is (an optional) dict[str, V], else None."""
    if get_origin(annotation) is dict:
        return get_args(annotation)[1]
    for arg in get_args(annotation):
        if get_origin(arg) is dict:
            return get_args(arg)[1]
    return None


def _describe(annotation: Any) -> str:
    """'text or a list of text' for str | list[str], used when a value fits no union member."""
    names = {str: "text", int: "an integer", float: "a number", bool: "true or false"}
    parts = []
    for arg in get_args(annotation) or (annotation,):
        if arg is type(None):
            continue
        origin = get_origin(arg)
        if origin is list:
            inner = get_args(arg)[0] if get_args(arg) else None
            parts.append(f"a list of {names.get(inner, 'values')}")
        elif origin is dict:
            parts.append("a mapping")
        else:
            parts.append(names.get(arg, getattr(arg, "__name__", str(arg))))
    return " or ".join(parts)


def _walk(model: type[BaseModel], loc: tuple) -> tuple[str, list[str], Any, dict, bool]:
    """Follow a pydantic error location through the schema.

    Returns the key path as the user wrote it (discriminator tags and union-member labels removed),
    the keys allowed where the last item sits, the annotation there, the tagged members there, and
    whether a union-member label was skipped (the value fit none of the members).
    """
    parts: list[str] = []
    current: Any = model
    allowed: list[str] = list(model.model_fields)
    annotation: Any = model
    skipped_union = False
    for i, item in enumerate(loc):
        last = i == len(loc) - 1
        models = _models_in(current)
        if isinstance(item, int):
            parts.append(key_text(item))
            continue
        tagged = _tagged(current)
        if item in tagged:
            current = tagged[item]
            allowed = list(current.model_fields)
            continue
        value_type = _is_mapping_of_user_keys(current)
        direct = [a for a in (get_args(current) or (current,))
                  if isinstance(a, type) and issubclass(a, BaseModel)]
        if value_type is not None and not direct:  # keys the user chose (uncertain: {name: ...})
            parts.append(key_text(item))
            current = annotation = value_type
            continue
        fields = models[0].model_fields if len(models) == 1 else {}
        if item in fields:
            allowed = list(fields)
            parts.append(item)
            current = annotation = fields[item].annotation
            continue
        if last and len(models) == 1:  # an unknown key the user wrote
            allowed = list(fields)
            parts.append(key_text(item))
            continue
        skipped_union = last  # a union-member label ('str', 'list[str]'): the value fit no member
    return ".".join(parts), allowed, annotation, _tagged(current), skipped_union


def brief(given: Any) -> str:
    """A value from the user's scenario file written out (``[0.1, 0.2]``, ``'forty'``, ``true``),
    at most 60 characters."""
    if isinstance(given, bool) or given is None:
        return {True: "true", False: "false", None: "null"}[given]
    text = repr(given)
    return text if len(text) <= 60 else text[:57] + "..."


def shown(given: Any) -> str:
    """A value from the user's scenario file as a message shows it: its kind for containers,
    YAML spelling for true/false, a quoted repr for text, at most 60 characters."""
    if given is None:
        return "an empty value"
    if isinstance(given, bool):
        return "true" if given else "false"
    if isinstance(given, dict):
        return "a mapping"
    if isinstance(given, list):
        return "a list"
    if isinstance(given, datetime.date):
        return f"the date {given.isoformat()}"
    text = repr(given)
    return text if len(text) <= 60 else text[:57] + "..."


_PRIORITY = {"extra_forbidden": 0, "union_tag_invalid": 1, "union_tag_not_found": 1, "missing": 3}


def first_error(exc: ValidationError, model: type[BaseModel]) -> tuple[str, str]:
    """(key path, message) of the most useful error: an unknown key first, a missing key last."""
    errors = exc.errors(include_url=False)
    # most useful first: by kind, then the deepest location (inside a union member beats "fits no
    # member"); min() is stable, so ties keep pydantic's order
    err = min(errors, key=lambda e: (_PRIORITY.get(e["type"], 2), -len(e["loc"])))
    loc, typ, given = tuple(err["loc"]), err["type"], err.get("input")
    if loc and loc[-1] == "[key]":  # pydantic's marker of a bad key in a mapping the user wrote
        loc = loc[:-1]
        if not isinstance(given, str):
            typ = "invalid_key"
    key, allowed, annotation, tagged, skipped_union = _walk(model, loc)
    if typ == "extra_forbidden":
        hint = registry.did_you_mean(key_text(loc[-1]), allowed)
        return key, f"unknown key '{key_text(loc[-1])}'{hint}"
    if typ in ("union_tag_invalid", "union_tag_not_found"):
        kinds = list(tagged) or [t.strip(" '") for t in
                                 err.get("ctx", {}).get("expected_tags", "").split(",")]
        if typ == "union_tag_not_found":
            return key, f"missing 'kind', expected one of {', '.join(kinds)}"
        kind = err.get("ctx", {}).get("tag", given)
        hint = registry.did_you_mean(kind, kinds)
        return key, f"unknown kind '{kind}', expected one of {', '.join(kinds)}{hint}"
    if typ == "missing":
        return key, "required key is missing"
    msg = err["msg"].removeprefix("Value error, ")
    inner = err.get("ctx", {}).get("error")
    if isinstance(inner, AtKey):
        key, msg = f"{key}.{key_text(inner.key)}", inner.message
    if skipped_union and typ != "value_error":
        msg = f"expected {_describe(annotation)}"
    elif typ in ("int_type", "int_from_float", "int_parsing"):
        msg = "expected an integer"
    elif typ in ("string_type",):
        msg = "expected text"
    elif typ in ("list_type",):
        msg = "expected a list"
    elif typ in ("model_type", "model_attributes_type", "dict_type"):
        msg = "expected a mapping of keys"
    elif typ == "greater_than_equal":
        msg = f"expected a value greater than or equal to {err['ctx']['ge']:g}"
    elif typ == "less_than_equal":
        msg = f"expected a value less than or equal to {err['ctx']['le']:g}"
    elif typ == "greater_than":
        msg = f"expected a value greater than {err['ctx']['gt']:g}"
    elif typ == "less_than":
        msg = f"expected a value less than {err['ctx']['lt']:g}"
    elif typ == "literal_error":
        choices = [c.strip(" '") for c in
                   err["ctx"]["expected"].replace(" or ", ", ").split(",")]
        hint = registry.did_you_mean(given, choices) if isinstance(given, str) else ""
        msg = f"expected one of {', '.join(choices)} (got {shown(given)}){hint}"
    elif typ == "string_pattern_mismatch" and key == "name":
        msg = "expected a plain name (letters, digits, '_', '-', '.', '+'; no '/')"
    elif typ == "string_pattern_mismatch" and key.endswith(".id"):
        msg = "expected an identifier (letters, digits, '_', '-', '.', '+'; no spaces)"
    elif typ == "string_too_long":
        msg = (f"expected at most {err['ctx']['max_length']:,} characters "
               f"(got {len(given):,} characters)")
    elif typ == "invalid_key":  # a number (or true/null) where a key name belongs
        head = key.rpartition(".")[0]  # the last segment is the key itself, as Python prints it
        key = f"{head}.{key_text(given)}" if head else key_text(given)  # (None, True or 1)
        what = ("true/false" if isinstance(given, bool) else "null" if given is None else "a number")
        msg = (f"expected a key name (text), not {what}; quote it if it is meant as text "
               f"(got {key_text(given)})")
    elif typ == "string_too_short":
        msg = "expected non-empty text"
    if "(got" not in msg:
        msg = f"{msg} (got {shown(given)})"
    return key, msg
