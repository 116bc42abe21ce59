"""User text in charts is literal: matplotlib mathtext must never parse a KPI description."""

from __future__ import annotations

import base64
import re

import pandas as pd

from scrutiny.report import html
from scrutiny.report.charts.trend import kpi_trend

HOSTILE = r"Calls $\frac{1}{$ answered & <b>not bold</b>"


def test_a_description_holding_broken_mathtext_renders_as_written():
    rows = pd.DataFrame({
        "month": pd.period_range("2016-01", periods=3, freq="M"),
        "value": [95.0, 96.0, 97.0], "rag": ["green"] * 3, "tsl": [90.0] * 3,
        "msl": [85.0] * 3, "direction": ["higher"] * 3, "unit": ["percent"] * 3,
    })
    page = str(html.figure(kpi_trend(rows, title=HOSTILE), alt="alt", caption="caption"))
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", page).group(1)).decode()
    assert r"Calls $\frac{1}{$ answered &amp; &lt;b&gt;not bold&lt;/b&gt;" in svg
