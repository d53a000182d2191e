"""The one look of every ctsim figure: fixed colours, rcParams, axis labels and titles.

Colours come from two colour-blind-safe palettes:

- Okabe, M. & Ito, K. (2008) *Color Universal Design*, https://jfly.uni-koeln.de/color/
- Tol, P. (2021) *Colour schemes*, SRON/EPS/TN/09-002, "muted" scheme, https://personal.sron.nl/~pault/

Every technology, steel route and sector has ONE colour, used in every figure, so a reader who learned
"solar is yellow" on one page never has to relearn it on the next. Coal with CCS is also hatched so it
stays distinct from unabated coal in grey-scale print.

This module does not import matplotlib at import time; :func:`style_context` imports it when used.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files

# --- palettes -----------------------------------------------------------------------------------

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

TOL_MUTED = {
    "indigo": "#332288",
    "cyan": "#88CCEE",
    "teal": "#44AA99",
    "green": "#117733",
    "olive": "#999933",
    "sand": "#DDCC77",
    "rose": "#CC6677",
    "wine": "#882255",
    "purple": "#AA4499",
    "pale_grey": "#DDDDDD",
}

COAL_GREY = "#4D4D4D"
COAL_CCS_GREY = "#A6A6A6"
COAL_BACKUP_GREY = "#7A7A7A"  # coal kept as backup (hatched, between coal and coal w/ CCS)

#: Electricity technologies (generation and capacity figures).
TECH_COLORS: dict[str, str] = {
    "Coal": COAL_GREY,
    "Coal w/ CCS": COAL_CCS_GREY,
    "Coal backup": COAL_BACKUP_GREY,
    "Gas": OKABE_ITO["orange"],
    "Oil": TOL_MUTED["olive"],
    "Nuclear": OKABE_ITO["reddish_purple"],
    "Hydro": OKABE_ITO["blue"],
    "Wind": OKABE_ITO["sky_blue"],
    "Solar": OKABE_ITO["yellow"],
    "Biomass": OKABE_ITO["bluish_green"],
}

#: Crude-steel routes.
ROUTE_COLORS: dict[str, str] = {
    "BF-BOF": OKABE_ITO["vermillion"],
    "BF-BOF w/ CCS": TOL_MUTED["sand"],
    "EAF": TOL_MUTED["indigo"],
    "H2-DRI": TOL_MUTED["teal"],
}

#: Sectors (emissions and coal-use figures).
SECTOR_COLORS: dict[str, str] = {
    "Power": COAL_GREY,
    "Steel": OKABE_ITO["vermillion"],
    "Other energy": TOL_MUTED["cyan"],
    "Industrial processes": TOL_MUTED["purple"],
    "Net": TOL_MUTED["green"],
}

#: Hatch patterns, keyed like the colour tables (CCS variants are hatched).
HATCHES: dict[str, str] = {"Coal w/ CCS": "////", "Coal backup": "xx", "BF-BOF w/ CCS": "////"}

TOTAL_COLOR = "#000000"  # totals and demand lines
STORAGE_COLOR = "#8B4513"  # storage power beside the capacity stack (no technology uses it)
OBSERVED_COLOR = "#000000"  # observed history markers
TARGET_COLOR = TOL_MUTED["wine"]  # target lines and markers
UNSERVED_COLOR = OKABE_ITO["vermillion"]
MAIN_COLOR = TOL_MUTED["indigo"]  # a single headline series (intensity, carbon price)
INCREASE_COLOR = OKABE_ITO["vermillion"]  # waterfall steps that raise CO2
DECREASE_COLOR = OKABE_ITO["blue"]  # waterfall steps that lower CO2
LEVEL_BAR_COLOR = "#707070"  # waterfall start and end totals

#: Scenarios overlaid in one figure get these colours in order (reference first, in black).
SCENARIO_COLORS: tuple[str, ...] = (
    "#000000",
    OKABE_ITO["vermillion"],
    OKABE_ITO["blue"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    TOL_MUTED["olive"],
)
SCENARIO_LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":")

#: Colours of wedges (one per parameter) and other categorical series without a fixed meaning.
CATEGORY_COLORS: tuple[str, ...] = (
    TOL_MUTED["indigo"],
    TOL_MUTED["cyan"],
    TOL_MUTED["teal"],
    TOL_MUTED["green"],
    TOL_MUTED["olive"],
    TOL_MUTED["sand"],
    TOL_MUTED["rose"],
    TOL_MUTED["wine"],
    TOL_MUTED["purple"],
    TOL_MUTED["pale_grey"],
)

# --- sizes and rcParams ---------------------------------------------------------------------------

FULL_WIDTH_IN = 6.5  # a full journal text width
COLUMN_WIDTH_IN = 3.35  # one column of a two-column journal
FIG_HEIGHT_IN = 3.4
DPI = 150

RC_PARAMS: dict[str, object] = {
    "figure.figsize": (FULL_WIDTH_IN, FIG_HEIGHT_IN),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "figure.titlesize": 10,
    "legend.fontsize": 8,
    "legend.title_fontsize": 8.5,
    "legend.frameon": False,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#E0E0E0",
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
    "hatch.color": "#FFFFFF",
    "hatch.linewidth": 0.8,
    # user text (scenario descriptions, target ids) is drawn as written: '$' starts no mathtext
    "text.parse_math": False,
}


@contextlib.contextmanager
def style_context() -> Iterator[None]:
    """Apply the ctsim rcParams inside a ``with`` block (and restore the caller's afterwards)."""
    import matplotlib

    with matplotlib.rc_context(RC_PARAMS):
        yield


def apply_style() -> None:
    """Apply the ctsim rcParams globally (for notebooks; library code uses :func:`style_context`)."""
    import matplotlib

    matplotlib.rcParams.update(RC_PARAMS)


# --- units, labels, titles -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def variable_units() -> dict[str, str]:
    """IAMC variable name -> unit, read from the bundled ``data/variables.csv``."""
    path = files("ctsim") / "data" / "variables.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["variable"]: row["unit"] for row in csv.DictReader(fh)}


def unit_label(variable: str) -> str:
    """Unit of an IAMC variable, e.g. ``unit_label("Secondary Energy|Electricity") == "TWh/yr"``.

    A variable not in the catalogue inherits the unit of its nearest catalogued parent
    (``Emissions|CO2|Energy|Supply`` -> ``Mt CO2/yr``). Raises KeyError (with a did-you-mean) otherwise.
    """
    units = variable_units()
    parts = variable.split("|")
    for n in range(len(parts), 0, -1):
        unit = units.get("|".join(parts[:n]))
        if unit is not None:
            return unit
    close = difflib.get_close_matches(variable, list(units), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise KeyError(f"unknown variable {variable!r}{hint}")


def display_scale(variable: str) -> tuple[float, str]:
    """Factor and unit a variable is drawn in: dimensionless ('1') shares become percent."""
    unit = unit_label(variable)
    if unit == "1":
        return 100.0, "%"
    return 1.0, unit


def pretty(text: str) -> str:
    """Typeset chemical formulae for display (CO2 -> CO₂)."""
    return text.replace("CO2", "CO\u2082")


def axis_label(name: str, variable: str | None = None, unit: str | None = None) -> str:
    """Axis label in the form ``"Name (unit)"``; the unit comes from variables.csv when not given."""
    if unit is None:
        if variable is None:
            raise ValueError("axis_label needs a variable or a unit")
        unit = display_scale(variable)[1]
    return pretty(f"{name} ({unit})")


def figure_title(what: str, region: str = "China", prefix: str | None = None) -> str:
    """Title that says what and where: ``"China: CO2 emissions by sector — steel2030"``."""
    title = f"{region}: {what}"
    if prefix:
        title += f" \u2014 {prefix}"
    return pretty(title)


def two_line_title(what: str, region: str = "China", prefix: str | None = None) -> str:
    """Figure title ``"China: what"`` with the run or sweep description on a second line, so a long
    description never pushes the title past the figure edge (``figure_title`` gives one line)."""
    title = f"{region}: {what}"
    if prefix:
        title += f"\n{prefix}"
    return pretty(title)


def one_line(title: str) -> str:
    """A two-line figure title as one line (for captions and alt text)."""
    return " \u2014 ".join(part for part in title.splitlines() if part)


def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters at spaces (long words stay whole)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def parameter_label(label: str, multiline: bool = True) -> str:
    """Display form of a sweep design column (``design.csv`` header), one-to-one with it:

    ``macro.gdp_growth:scale_from_2025`` -> ``macro.gdp_growth`` / ``× factor from 2025``;
    ``x.y:scale`` -> ``x.y`` / ``× factor``; ``steel.eaf_share:2030`` -> ``steel.eaf_share`` /
    ``in 2030``; a plain parameter name is returned unchanged. ``multiline`` puts the qualifier on a
    second line (bar labels); otherwise it follows after a comma (legends).
    """
    name, sep, how = label.partition(":")
    if not sep:
        return label
    if how.startswith("scale"):
        since = how.removeprefix("scale").removeprefix("_from_")
        qualifier = "\u00d7 factor" + (f" from {since}" if since else "")
    else:
        qualifier = f"in {how}"
    return f"{name}\n{qualifier}" if multiline else f"{name}, {qualifier}"
