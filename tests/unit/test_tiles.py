"""Province tile-grid maps (issue 15, item 6): layout, values, figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

from ctsim import regions
from ctsim.plots import tiles
from ctsim.plots.style import style_context


def test_every_province_has_one_tile_and_no_two_share_one():
    layout = tiles.tile_layout()
    assert set(layout) == set(regions.provinces())
    assert len(set(layout.values())) == len(layout)
    assert all(r >= 0 and c >= 0 for r, c in layout.values())


def test_tiles_keep_the_rough_geography():
    layout = tiles.tile_layout()
    row = {p: r for p, (r, _c) in layout.items()}
    col = {p: c for p, (_r, c) in layout.items()}
    assert row["Heilongjiang"] < row["Beijing"] < row["Hubei"] < row["Guangdong"] < row["Hainan"]
    assert col["Xinjiang"] < col["Gansu"] < col["Shaanxi"] < col["Henan"] < col["Jiangsu"]
    assert col["Tibet"] < col["Sichuan"] < col["Hubei"] < col["Shanghai"]


def _long(values: dict[tuple[str, int], float], variable: str = "V") -> pd.DataFrame:
    rows = [{"model": "ctsim", "scenario": "s", "region": r, "variable": variable, "unit": "u",
             "year": y, "value": v} for (r, y), v in values.items()]
    return pd.DataFrame(rows)


def test_change_between_in_percent_and_in_units_by_hand():
    long = _long({("Hebei", 2020): 200.0, ("Hebei", 2030): 150.0, ("Tibet", 2020): 0.0,
                  ("Tibet", 2030): 1.0, ("China", 2020): 5.0, ("China", 2030): 6.0})
    pct = tiles.change_between(long, "V", 2020, 2030)
    assert pct["Hebei"] == pytest.approx(-25.0)
    assert np.isnan(pct["Tibet"])  # from zero: no percent
    assert "China" not in pct
    assert tiles.change_between(long, "V", 2020, 2030, percent=False) == {"Hebei": -50.0,
                                                                           "Tibet": 1.0}
    assert tiles.values_in_year(long, "V", 2030) == {"Hebei": 150.0, "Tibet": 1.0}
    with pytest.raises(KeyError, match="no provincial values of V in 2025"):
        tiles.values_in_year(long, "V", 2025)


def test_values_from_an_array_in_province_order_or_codes():
    arr = np.arange(31, dtype=float)
    vals = tiles.as_province_values(arr)
    assert vals["Beijing"] == 0.0 and vals["Xinjiang"] == 30.0
    assert tiles.as_province_values({"HE": 1, "inner mongolia": 2}) == {"Hebei": 1.0,
                                                                         "Inner Mongolia": 2.0}
    with pytest.raises(ValueError, match="not provinces: Atlantis"):
        tiles.as_province_values({"Atlantis": 1.0})
    with pytest.raises(ValueError, match="expected 31 values"):
        tiles.as_province_values(np.ones(7))


def _texts(fig) -> list[str]:
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def test_tile_map_draws_a_square_code_and_value_per_province_and_a_colour_bar():
    vals = {p: float(i) for i, p in enumerate(regions.provinces())}
    vals["Hebei"] = 225.0
    with style_context():
        fig = tiles.tile_map(vals, "Crude steel 2021", "Mt/yr")
    squares = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert len(squares) == 31
    texts = _texts(fig)
    for code in regions.province_codes():
        assert code in texts
    assert "225" in texts and "Mt/yr" in texts
    assert len(fig.axes) == 2  # the map and its colour bar


def test_diverging_map_is_centred_on_zero_and_missing_provinces_are_grey():
    with style_context():
        fig = tiles.tile_map({"Hebei": -40.0, "Shanxi": 10.0}, "Change", "%", diverging=True)
    bar = fig.axes[1]
    lo, hi = bar.get_ylim()
    assert lo == pytest.approx(-40.0) and hi == pytest.approx(40.0)
    texts = _texts(fig)
    assert texts.count("n/a") == 29
    greys = [p for p in fig.axes[0].patches
             if np.allclose(p.get_facecolor()[:3], np.array([0xDD, 0xDD, 0xDD]) / 255)]
    assert len(greys) == 29


def test_targets_map_counts_met_and_missed():
    met = {"Hebei": False, "Jiangsu": True, "Zhejiang": True}
    with style_context():
        fig = tiles.targets_map(met, "target energy_intensity met")
    texts = _texts(fig)
    assert "met (2)" in texts and "missed (1)" in texts and texts.count("n/a") == 28
    with pytest.raises(ValueError, match="not provinces: Nowhere"):
        tiles.targets_map({"Nowhere": True}, "x")
