"""Targets a scenario states (a tagged union on ``kind``); analysis/targets.py evaluates them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from .types import ID_PATTERN, MAX_ID, MAX_TEXT, STRICT, Number


class _Target(BaseModel):
    model_config = STRICT
    id: str = Field(min_length=1, max_length=MAX_ID, pattern=ID_PATTERN,
                    description="Identifier used in reports and checks (letters, digits, _ . + -)")
    variable: str = Field(max_length=200,
                          description="IAMC variable name, e.g. Emissions|CO2|Energy and Industrial Processes|Iron and Steel")
    description: str = Field("", max_length=MAX_TEXT)
    region: str | None = Field(None, max_length=40, description=(
        "Where the target applies (needs regions: provinces or grid): a province or grid region (name "
        "or code), or 'each' for one verdict per region of the run; none: China"))


class PeakBy(_Target):
    """Met when the series' maximum over the horizon falls at or before ``year``."""

    kind: Literal["peak_by"]
    year: int


class IntensityReduction(_Target):
    """Met when the variable (a fall relative to ``base_year``, a fraction) is at least ``value``."""

    kind: Literal["intensity_reduction"]
    base_year: int = 2005
    year: int
    value: Number | None = None
    value_from: Literal["fyp14"] | None = Field(None, description=(
        "fyp14: each province's own 14th Five-Year Plan energy-intensity cut (2025 vs 2020; the national "
        "13.5 % where the province's own is not found), instead of one value"))


class ShareAtLeast(_Target):
    """Met when the variable (a share, a fraction) is at least ``value`` in ``year``."""

    kind: Literal["share_at_least"]
    year: int
    value: Number


class Cap(_Target):
    """Met when the variable is at most ``value`` (in the variable's unit) in ``year``."""

    kind: Literal["cap"]
    year: int
    value: Number


class NeutralBy(_Target):
    """Met when the variable (net CO2) is at most ``value`` in ``year`` and every later year."""

    kind: Literal["neutral_by"]
    year: int
    value: Number = 0.0


class ReductionFromPeak(_Target):
    """Met when the variable in ``year`` is at least ``value`` (a fraction) below its own peak, the
    maximum over the whole series up to ``year``, observed years included (a series still rising in
    ``year`` is 0 % below its peak)."""

    kind: Literal["reduction_from_peak"]
    year: int
    value: Number


class LevelAtLeast(_Target):
    """Met when the variable (a level or stock, e.g. installed GW) is at least ``value`` (in the
    variable's unit) in ``year``."""

    kind: Literal["level_at_least"]
    year: int
    value: Number


Target = Annotated[PeakBy | IntensityReduction | ShareAtLeast | Cap | NeutralBy | ReductionFromPeak
                   | LevelAtLeast, Field(discriminator="kind")]
TARGET_KINDS = ("peak_by", "intensity_reduction", "share_at_least", "cap", "neutral_by",
                "reduction_from_peak", "level_at_least")

