"""Shocks in scenario files (a tagged union on ``kind``) and their checks.

inputs/shocks.py turns them into annual arrays for the engine, drawn before the year loop:

- ``shocks.coal_shortfall`` [S, Y]: share of the year's coal generation that cannot run (a shortfall
  of ``shortfall`` during ``duration_months`` counts as shortfall x months / 12);
- ``shocks.hydro_cf_factor`` [S, Y]: multiplier on the hydro capacity factor;
- ``shocks.coal_price_factor`` [S, Y]: multiplier on the coal price.

Stochastic shocks are drawn for all samples at once with counter-based uniforms
(:func:`ctsim.inputs.build.randomness.sample_uniforms`): the draws of a sample depend only on (seed, shock
position, global sample index), so a sweep cut into chunks gives the same numbers as one run, and
row i of a sweep the numbers of a single run with sample id i. Equations: docs/model.md, "Policy
levers, caps and shocks".
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from .types import ID_PATTERN, MAX_ID, STRICT

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
USERS = ("steel", "industry", "other")  # electricity users that rationing can curtail


class _Shock(BaseModel):
    model_config = STRICT
    id: str = Field("", max_length=MAX_ID, pattern=r"^$|" + ID_PATTERN,
                    description="Name used in reports (letters, digits, _ . + -)")
    description: str = ""
    regions: list[str] | None = Field(None, max_length=64, description=(
        "Provinces or grid regions the shock strikes (names or codes, a grid region meaning all its "
        "provinces); none: everywhere. Needs regions: provinces or grid (docs/provinces.md)"))


class PowerRationing(_Shock):
    """A coal supply shortfall (the 2021 kind): rationing, lost steel output and GDP, a rebound."""

    kind: Literal["power_rationing"]
    year: int
    shortfall: Fraction = Field(description="Share of coal generation that cannot run during the shock")
    duration_months: int = Field(3, ge=1, le=12, description="Months the shortfall lasts")
    curtailment_order: list[Literal["steel", "industry", "other"]] = Field(
        default_factory=lambda: list(USERS),
        description="Users losing power first to last (energy-intensive industry, steel first, by default)",
    )


class HydroDrought(_Shock):
    """A dry year (Sichuan 2022 kind): the hydro capacity factor is lowered for that year."""

    kind: Literal["hydro_drought"]
    year: int
    cf_factor: Annotated[float, Field(gt=0.0, le=1.0, description="Multiplier on the hydro capacity factor")]


class CoalPriceSpike(_Shock):
    """Higher coal prices for a period; with ``supply_shortfall`` > 0 also rationing."""

    kind: Literal["coal_price_spike"]
    start: int
    end: int
    price_factor: Annotated[float, Field(ge=1.0, le=10.0, description="Multiplier on the coal price")]
    supply_shortfall: Fraction = Field(0.0, description="Share of coal generation that cannot run")


class Severity(BaseModel):
    model_config = STRICT
    low: float
    high: float


class Stochastic(_Shock):
    """A shock that strikes each year with ``probability``, its severity uniform in [low, high]:
    the rationing shortfall, the fall of the hydro capacity factor, or the coal price factor."""

    kind: Literal["stochastic"]
    shock: Literal["power_rationing", "hydro_drought", "coal_price_spike"]
    probability: Fraction
    severity: Severity
    from_year: int
    to_year: int
    duration_months: int = Field(3, ge=1, le=12, description="Months a rationing shock lasts")


Shock = Annotated[PowerRationing | HydroDrought | CoalPriceSpike | Stochastic, Field(discriminator="kind")]
SHOCK_KINDS = ("power_rationing", "hydro_drought", "coal_price_spike", "stochastic")
SHOCK_MODELS = {"power_rationing": PowerRationing, "hydro_drought": HydroDrought,
                "coal_price_spike": CoalPriceSpike, "stochastic": Stochastic}


def shock_years(shock) -> list[tuple[str, int]]:
    """(key, year) pairs that must lie in the horizon."""
    if shock.kind in ("power_rationing", "hydro_drought"):
        return [("year", shock.year)]
    if shock.kind == "coal_price_spike":
        return [("start", shock.start), ("end", shock.end)]
    return [("from_year", shock.from_year), ("to_year", shock.to_year)]


def shock_provinces(names: list[str]) -> tuple[tuple[str, ...], str | None]:
    """The provinces of a shock's ``regions`` (a grid region expands to its provinces), and the first
    name that is neither a province nor a grid region (None if all are)."""
    from ..regions import GRID_REGIONS, canonical_region, grid_of_provinces, provinces

    out: list[str] = []
    for name in names:
        region = canonical_region(name)
        if region is None or region == "China":
            return (), name
        if region in GRID_REGIONS:
            g = GRID_REGIONS.index(region)
            out += [p for p, i in zip(provinces(), grid_of_provinces(), strict=True) if i == g]
        else:
            out.append(region)
    return tuple(dict.fromkeys(out)), None


def check_shock(shock) -> tuple[str, str] | None:
    """(key, message) of the first semantic problem of a shock, or None."""
    if shock.regions is not None:
        _, bad = shock_provinces(shock.regions)
        if bad is not None:
            return "regions", (f"unknown province or grid region '{bad}' (e.g. Hebei, HE, Inner Mongolia, "
                               "Southwest; docs/provinces.md lists them)")
        if not shock.regions:
            return "regions", "expected at least one province or grid region (or no regions key: everywhere)"
        if shock.kind == "stochastic":
            return "regions", "a stochastic shock strikes everywhere (regions are for the other kinds)"
    if shock.kind == "coal_price_spike" and shock.end < shock.start:
        return "end", f"end before start (got {shock.start}-{shock.end})"
    if shock.kind == "stochastic":
        lo, hi = shock.severity.low, shock.severity.high
        upper = 10.0 if shock.shock == "coal_price_spike" else 1.0
        lower = 1.0 if shock.shock == "coal_price_spike" else 0.0
        if not lower <= lo <= hi <= upper:
            return "severity", f"expected {lower:g} <= low <= high <= {upper:g} (got {lo:g}, {hi:g})"
        if shock.to_year < shock.from_year:
            return "to_year", f"to_year before from_year (got {shock.from_year}-{shock.to_year})"
    return None
