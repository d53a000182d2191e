"""The report document model: value formatting, escaping in HTML and Markdown tables."""

from __future__ import annotations

import math

from ctsim.report.document import Document, Table, format_value


def test_format_value():
    assert format_value(0.6678, "fraction") == "66.8%"
    assert format_value(2029.0) == "2029"
    assert format_value(11986.4, "Mt CO2/yr") == "11,986 Mt CO2/yr"
    assert format_value(3.14159, "Gt") == "3.14 Gt"
    assert format_value(math.nan) == "n/a" and format_value(None) == "n/a"
    assert format_value(5.0, "years") == "+5 years"


def test_tables_escape_markup():
    doc = Document("a <b> & c")
    doc.table(Table(["x|y", "v"], [["<script>", "1"]], numeric={1}))
    html = doc.to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<title>a &lt;b&gt; &amp; c</title>" in html
    md = doc.to_markdown()
    assert "| x\\|y | v |" in md and "| --- | ---: |" in md
