"""Every chart module draws hostile user text literally and leaves the global rcParams alone.

``$\\frac{1}{$`` is broken mathtext: if any text of a chart (title, label, tick, legend,
annotation) were parsed, saving the figure would raise. The SVG must hold the text as written.
"""

from __future__ import annotations

import base64
import re

import matplotlib
import pandas as pd
import pytest
from matplotlib.text import Text

from scrutiny.report import html
from scrutiny.report.charts import abatement, risk, shared_ict, trend

HOSTILE = r"$\frac{1}{$ & <b>"


def _trend():
    rows = pd.DataFrame({
        "month": pd.period_range("2016-01", periods=3, freq="M"),
        "value": [95.0, None, 97.0], "rag": ["green", "red", "amber"], "tsl": [90.0] * 3,
        "msl": [85.0] * 3, "direction": ["higher"] * 3, "unit": ["percent"] * 3})
    return trend.kpi_trend(rows, title=HOSTILE)


def _abatement():
    rows = pd.DataFrame({"service": ["S1", "S1", "S2"],
                         "month": pd.PeriodIndex(["2016-01", "2016-02", "2016-01"], freq="M"),
                         "points": [1.0, 2.0, 3.0]})
    return abatement.abatement_points_chart(rows, services={"S1": HOSTILE, "S2": "$x$ two"},
                                            title=HOSTILE)


def _risk():
    risks = pd.DataFrame({"risk_id": [HOSTILE], "risk": ["x"], "impact": [2], "likelihood": [3]})
    return risk.risk_heatmap(risks, title=HOSTILE)


def _shared_ict():
    months = pd.period_range("2016-01", periods=2, freq="M")
    performance = pd.DataFrame({"council": [HOSTILE] * 2 + ["Peer"] * 2,
                                "month": list(months) * 2, "metric": ["m1"] * 4,
                                "value": [1.0, 2.0, 3.0, 4.0]})
    metrics = pd.DataFrame({"metric": ["m1"], "label": [HOSTILE], "unit": ["percent"]})
    return shared_ict.council_trend_chart(performance, metrics, ["m1"], council=HOSTILE,
                                          councils=[HOSTILE, "Peer"])


CHARTS = {"trend": _trend, "abatement": _abatement, "risk": _risk, "shared_ict": _shared_ict}


def _svg(fig) -> str:
    page = str(html.figure(fig, alt="alt", caption="caption"))
    return base64.b64decode(re.search(r"base64,([^\"]+)", page).group(1)).decode()


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_hostile_text_is_drawn_as_written(name):
    fig = CHARTS[name]()
    assert all(not t.get_parse_math() for t in fig.findobj(Text))
    assert r"$\frac{1}{$ &amp; &lt;b&gt;" in _svg(fig)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_a_chart_leaves_the_callers_rcparams_as_they_were(name):
    with matplotlib.rc_context({"text.parse_math": True, "font.size": 13.0}):
        before = dict(matplotlib.rcParams)
        _svg(CHARTS[name]())
        assert dict(matplotlib.rcParams) == before
