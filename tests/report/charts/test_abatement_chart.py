"""The abatement points chart and its description."""

from __future__ import annotations

from matplotlib.figure import Figure

from scrutiny.abate.abatement import contract_abatement
from scrutiny.load.contract import load_contract
from scrutiny.report.charts.abatement import abatement_points_chart, alt_text


def test_chart_and_alt_text():
    c = load_contract("lincolnshire-css")
    rows = contract_abatement(c).service_months
    fig = abatement_points_chart(rows, services=c.info.services)
    assert isinstance(fig, Figure)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == list(c.info.services.values())
    text = alt_text(rows, services=c.info.services)
    assert "July 2015 to June 2016" in text
    assert "Finance 1,516.50 points in total" in text
