"""KPI charts: direction, thresholds in force, Blue and no-number months, alt text and table."""

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scrutiny.report import html as report
from scrutiny.report.charts import kpi_chart as chart
from scrutiny.report.period import kpi_charts
from scrutiny.report.registry import open_report

NOTEBOOK = Path(__file__).parents[3] / "notebooks" / "period_report.ipynb"


def _rows(values, rags, tsl, msl, direction):
    months = pd.period_range("2015-07", periods=len(values), freq="M")
    return pd.DataFrame({"month": months, "value": values, "rag": rags, "tsl": tsl, "msl": msl,
                         "direction": direction, "unit": "percent", "unit_label": ""})


LOWER = _rows([12.4, 8.0, np.nan, 6.0], ["red", "amber", "red", "green"],
              [10, 10, 7, 7], [12, 12, 10, 10], "lower")
HIGHER = _rows([99.0, np.nan, 90.0], ["green", "blue", "red"], [95] * 3, [92] * 3, "higher")


def _kpi(direction, description="Calls abandoned"):
    return {"kpi_id": "CSC_KPI_04", "direction": direction, "unit": "percent", "unit_label": "",
            "description": description}


def _svg(fig) -> str:
    page = report.figure(fig, alt="x x x x", caption="c")
    return base64.b64decode(re.search(r"base64,([^\"]+)", page).group(1)).decode()


def test_lower_is_better_chart_says_so_and_steps_with_the_override():
    fig = chart.kpi_chart(LOWER, _kpi("lower"))
    ax = fig.axes[0]
    assert "lower is better" in ax.get_ylabel()
    tsl_line = ax.get_lines()[0]
    assert set(tsl_line.get_ydata()) == {10.0, 7.0}  # the revised TSL is a step
    assert "(lower is better)" in _svg(fig)


def test_higher_is_better_chart_marks_blue_with_a_band_and_a_legend_entry():
    fig = chart.kpi_chart(HIGHER, _kpi("higher"))
    ax = fig.axes[0]
    assert "higher is better" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Blue month (not scored)" in labels and "no number (on the axis)" in labels
    assert "Amber" not in labels  # the legend lists only what is drawn
    assert len(ax.patches) == 1  # one band: the Blue month


def test_no_number_months_sit_on_the_axis_not_at_a_value():
    fig = chart.kpi_chart(LOWER, _kpi("lower"))
    ax = fig.axes[0]
    on_axis = [c for c in ax.collections if c.get_label() == chart.NO_NUMBER]
    assert len(on_axis) == 1 and on_axis[0].get_offset_transform() is ax.get_xaxis_transform()
    assert on_axis[0].get_offsets().tolist() == [[2.0, 0.0]]  # month 3, axes bottom
    for c in ax.collections:
        if c is not on_axis[0]:
            assert 2.0 not in c.get_offsets()[:, 0].tolist()


def test_alt_text_states_every_value_and_the_thresholds():
    text = chart.alt_text(LOWER, _kpi("lower"))
    assert text.startswith("CSC_KPI_04, lower is better, Jul 2015 to Oct 2015: 12.4% in "
                           "Jul 2015 (Red), 8% in Aug 2015 (Amber), no number in Sep 2015 (Red)")
    assert "TSL 10, MSL 12 Jul 2015 to Aug 2015; TSL 7, MSL 10 Sep 2015 to Oct 2015." in text
    assert chart.alt_text(HIGHER, _kpi("higher")).endswith("; TSL 95, MSL 92.")


def test_data_table_gives_words_and_units():
    frame = chart.data_table(LOWER, _kpi("lower"))
    assert frame["Result"].tolist() == ["12.4%", "8%", "no number", "6%"]
    assert frame["Status"].tolist() == ["Red", "Amber", "Red", "Green"]
    assert frame["TSL"].tolist() == ["10%", "10%", "7%", "7%"]


def test_hostile_description_is_literal():
    hostile = _kpi("lower", r"$\frac{1}{$ & <b>x</b>")
    svg = _svg(chart.kpi_chart(LOWER, hostile))
    assert "<b>" not in svg
    rows = LOWER.assign(kpi_id="CSC_KPI_04")
    html = report.figure(chart.kpi_chart(rows, hostile), alt=chart.alt_text(rows, hostile),
                         caption=hostile["description"])
    assert r"$\frac{1}{$ &amp; &lt;b&gt;x&lt;/b&gt;" in html


@pytest.fixture(scope="module")
def june():
    return open_report("period_report", contract="lincolnshire-css", period="2016-06")


def test_june_has_one_chart_and_table_per_kpi_not_green(june):
    markup = kpi_charts.charts_section(june).markup
    now = june.scores[june.scores["month"] == june.period]
    expected = now.loc[now["rag"] != "green", "kpi_id"].tolist()
    assert len(expected) == 13 and markup.count("<figure>") == 13
    assert re.findall(r'alt="([A-Z]+_KPI_\d+),', markup) == expected
    assert markup.count("month by month: result, status, TSL and MSL") == 13
    assert 'alt="CSC_KPI_04, lower is better, Jul 2015 to Jun 2016: 12% in Jul 2015 (Red)' \
        in markup


def test_june_appendix_charts_every_kpi_with_its_values(june):
    markup = kpi_charts.charts_appendix(june).markup
    kpis = june.scores["kpi_id"].unique()
    alts = " ".join(re.findall(r'alt="([^"]*)"', markup))
    assert all(f"{k}, " in alts for k in kpis) and len(kpis) == 43
    assert markup.count("<figure>") == len(june.services)
    assert "12% in Jul 2015 (Red)" in alts  # CSC_KPI_04's first month, stated in words
    rows = re.findall(r'<tr><th scope="row">([A-Z]+_KPI_\d+)</th>', markup)
    assert sorted(rows) == sorted([*kpis, *kpis])  # two tables of six months each


def test_small_multiples_draw_one_titled_panel_per_kpi():
    fig = chart.small_multiples([(LOWER, _kpi("lower")), (HIGHER, _kpi("higher"))],
                                months=pd.period_range("2015-07", periods=4, freq="M"))
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["CSC_KPI_04 (lower is better)", "CSC_KPI_04 (higher is better)"]


def _notebook_sections(rep) -> list[str]:
    """Every section of the period report as the notebook shows it, from the library."""
    from scrutiny.report.period import insight, money, whatif
    from scrutiny.report.period import scorecard as pr

    cells = json.loads(NOTEBOOK.read_text())["cells"]
    names = {"rep": rep, "pr": pr, "insight": insight, "money": money, "whatif": whatif,
             "kpi_charts": kpi_charts}
    shown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    shown.append(pr.title(rep).markup)
    for cell in cells[2:]:
        if cell["cell_type"] == "code":
            shown.append(eval("".join(cell["source"]), names).markup)  # one call per cell
    return shown


def test_june_report_with_its_charts_stays_under_400_kb(june):
    sections = _notebook_sections(june)
    # 13 KPIs not Green, one small-multiples figure per service, the trend and abatement charts
    assert sum(s.count("<figure>") for s in sections) == 13 + len(june.services) + 2
    size = sum(len(s.encode()) for s in sections) + len(report.stylesheet().encode())
    # The rendered page adds nbconvert's template (about 10 KB, measured 364 KB in all).
    assert size + 15_000 < 400_000, size


def test_compact_svg_keeps_the_drawing_and_user_text_and_stays_valid_xml():
    import io
    import xml.dom.minidom

    from scrutiny.report.charts.style import chart_style, compact_svg

    words = ('L 1.23456 2 L 1.23456 2 <g> "q" \' font-family: x; d="9.87654" '
             'transform="rotate(0 1)"')
    fig = chart.kpi_chart(LOWER, _kpi("lower", words))
    fig.axes[0].set_title(words)
    buffer = io.BytesIO()
    with chart_style():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    raw, small = buffer.getvalue(), compact_svg(buffer.getvalue())
    assert len(small) < 0.75 * len(raw)
    dom = xml.dom.minidom.parseString(small)  # every group closed, nothing dangling
    texts = ["".join(n.data for n in t.childNodes if n.nodeType == n.TEXT_NODE)
             for t in dom.getElementsByTagName("text")]
    assert words in texts
    assert len(dom.getElementsByTagName("text")) == len(
        xml.dom.minidom.parseString(raw).getElementsByTagName("text"))
