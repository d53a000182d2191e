"""LMDI-I is exact for any positive data: the terms add up to the change (hypothesis)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ctsim.analysis.decomposition import kaya_lmdi

GEN = "Secondary Energy|Electricity"
positive = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def two_years(draw):
    cols = {}
    for _year in (0, 1):
        power, steel, rest = draw(positive), draw(positive), draw(positive)
        coal, gas, oil, clean = draw(positive), draw(positive), draw(positive), draw(positive)
        bof, other_steel = draw(positive), draw(positive)
        row = {
            "Emissions|CO2|Energy and Industrial Processes": power + steel + rest,
            "Emissions|CO2|Energy|Supply|Electricity": power,
            "Emissions|CO2|Energy and Industrial Processes|Iron and Steel": steel,
            "GDP|PPP": draw(positive),
            "Primary Energy [Substitution Method]": draw(positive),
            GEN: coal + gas + oil + clean,
            f"{GEN}|Coal": coal,
            f"{GEN}|Gas": gas,
            f"{GEN}|Oil": oil,
            "Production|Iron and Steel|Steel": bof + other_steel,
            "Production|Iron and Steel|Steel|Primary|BF-BOF": bof,
        }
        for k, v in row.items():
            cols.setdefault(k, []).append(v)
    return pd.DataFrame(cols, index=[2020, 2040])


@settings(max_examples=200, deadline=None)
@given(two_years())
def test_terms_add_up_to_the_change(frame):
    dec = kaya_lmdi(frame, 2020, 2040)
    total = frame.loc[2040, "Emissions|CO2|Energy and Industrial Processes"] - frame.loc[2020, "Emissions|CO2|Energy and Industrial Processes"]
    scale = max(frame["Emissions|CO2|Energy and Industrial Processes"].abs().max(), 1e-12)
    assert abs(dec.terms["value"].sum() - total) <= 1e-9 * scale
    assert abs(dec.grouped().sum() - total) <= 1e-9 * scale
