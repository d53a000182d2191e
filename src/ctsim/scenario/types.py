"""The scenario language's value types: numbers, time paths, the horizon, strict models.

Shared by every part of the schema (load.py, targets.py, shocks.py, uncertain.py), so none of them
imports another for a type.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from .schema_errors import AtKey as _AtKey
from .schema_errors import brief as _shown

DEFAULT_START, DEFAULT_END = 2020, 2060
MIN_YEAR, MAX_YEAR = 2020, 2100  # the engine is calibrated from 2020; 2100 bounds the array sizes


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number (got {_shown(value)})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number (got {value})")
    return value


def _path(value: Any) -> float | dict[int, float]:
    """A time path: a bare number (constant) or {year: value} with at least one key, years increasing."""
    if isinstance(value, dict):
        if not value:
            raise ValueError("expected a number or a {year: value} mapping (got an empty mapping)")
        out: dict[int, float] = {}
        for year, v in value.items():
            if isinstance(year, bool) or not isinstance(year, int):
                raise _AtKey(year, f"expected a year (an integer) as key (got {_shown(year)})")
            if out and year <= max(out):
                raise _AtKey(year, f"years must increase (got {year} after {max(out)})")
            try:
                out[year] = _number(v)
            except ValueError as exc:
                raise _AtKey(year, str(exc)) from None
        return out
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number or a {{year: value}} mapping (got {_shown(value)})")
    return _number(value)


Number = Annotated[float, BeforeValidator(_number), WithJsonSchema({"type": "number"})]
TimePath = Annotated[
    Any,
    BeforeValidator(_path),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "object", "patternProperties": {"^[0-9]{4}$": {"type": "number"}}},
            ]
        }
    ),
]

STRICT = ConfigDict(extra="forbid", strict=True)
NAME_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$"  # a safe folder name: no '/', no leading '.'
# Identifiers (target ids) appear in tables, column names, figure labels and messages: plain and
# short, so no id can carry markup, a line break or a 100,000-character label into a figure.
ID_PATTERN = NAME_PATTERN
MAX_ID = 64
MAX_TEXT = 10_000  # characters of a description (the library's longest is ~1,000)



class Years(BaseModel):
    model_config = STRICT
    start: int = Field(DEFAULT_START, ge=MIN_YEAR, le=MAX_YEAR, description="First simulated year")
    end: int = Field(DEFAULT_END, ge=MIN_YEAR, le=MAX_YEAR, description="Last simulated year")
