"""The KPI explorer's logic, exercised without a browser."""

import pandas as pd
import pytest

from scrutiny.report import explorer
from scrutiny.report.charts import trend


@pytest.fixture(scope="module")
def loaded():
    return explorer.scored("lincolnshire-css")


def test_contracts_and_options_follow_the_data(loaded):
    contract, scores = loaded
    assert "lincolnshire-css" in explorer.kpi_contracts()
    assert [code for _, code in explorer.service_options(contract)] == ["PM", "IMT", "CSC",
                                                                       "ACF", "F"]
    pm = explorer.kpi_options(scores, "PM")
    assert [k for _, k in pm] == [f"PM_KPI_{i:02d}" for i in range(1, 11)]
    assert pm[0][0].startswith("PM_KPI_01 - % of Payroll")
    months = explorer.month_options(scores)
    assert (months[0][0], months[-1][0]) == ("Jul 2015", "Jun 2016")


def test_long_kpi_names_are_cut_with_an_ellipsis_and_written_whole_beside(loaded):
    _, scores = loaded
    acf = dict((k, label) for label, k in explorer.kpi_options(scores, "ACF"))
    assert acf["ACF_KPI_03"].endswith("\u2026") and len(acf["ACF_KPI_03"]) < 90
    assert explorer.kpi_name(scores, "ACF_KPI_03").endswith("referral from the Council")
    app = explorer.Explorer("lincolnshire-css")
    app.service.value = "ACF"
    app.kpi.value = "ACF_KPI_03"
    assert "referral from the Council" in app.kpi_name.value


def test_select_keeps_one_kpi_within_the_range_inclusive(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="CSC_KPI_09", start=pd.Period("2016-04", "M"),
                           end=pd.Period("2016-06", "M"))
    assert rows["month"].astype(str).tolist() == ["2016-04", "2016-05", "2016-06"]
    assert set(rows["kpi_id"]) == {"CSC_KPI_09"}


def test_history_table_labels_rag_and_shows_overrides(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="CSC_KPI_09", start=pd.Period("2016-05", "M"),
                           end=pd.Period("2016-06", "M"))
    markup = explorer.history_table(rows, kpi_id="CSC_KPI_09").markup
    expected_labels = rows["rag"].str.capitalize()
    for label in expected_labels:
        assert f">{label}</td>" in markup
    assert "agreement has been made to lower the TSL and MSL" in markup
    assert ">95</td>" in markup and ">90</td>" in markup


def test_history_table_escapes_text_from_data():
    rows = pd.DataFrame({
        "month": [pd.Period("2016-01", "M")], "value": [float("nan")],
        "status": ["Data not available"], "rag": ["red"], "tsl": [90.0], "msl": [80.0],
        "basis": ["<script>alert(1)</script>"], "override_reason": [None],
    })
    markup = explorer.history_table(rows, kpi_id="X_KPI_01").markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert ">Data not available</td>" in markup


def test_trend_view_has_alt_text_and_an_empty_range_says_so(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="PM_KPI_01", start=pd.Period("2015-07", "M"),
                           end=pd.Period("2016-06", "M"))
    markup = explorer.trend_view(rows, kpi_id="PM_KPI_01").markup
    assert 'alt="PM_KPI_01: % of Payroll' in markup and "12 months" in markup
    empty = explorer.trend_view(rows.iloc[0:0], kpi_id="PM_KPI_01").markup
    assert "no results in the months chosen" in empty


def test_trend_alt_text_counts_every_month(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="IMT_KPI_05", start=pd.Period("2015-07", "M"),
                           end=pd.Period("2016-06", "M"))
    text = trend.alt_text(rows, title="IMT_KPI_05")
    counts = rows["rag"].value_counts()
    for rag, n in counts.items():
        assert f"{n} {rag.capitalize()}" in text


def test_widgets_drive_the_view():
    app = explorer.Explorer("lincolnshire-css")
    assert (app.service.value, app.kpi.value) == ("PM", "PM_KPI_01")
    assert "RAG history of PM_KPI_01" in app.output.value
    app.service.value = "ACF"
    assert app.kpi.value == "ACF_KPI_01"
    assert "RAG history of ACF_KPI_01" in app.output.value
    app.kpi.value = "ACF_KPI_03"
    app.start.value, app.end.value = pd.Period("2016-03", "M"), pd.Period("2016-05", "M")
    table = app.output.value.split("<table")[1]
    assert table.count('<th scope="row">') == 3
    assert "March 2016" in table and "May 2016" in table and "June 2016" not in table
    # The override reason covers all three months: written once, each month points to it.
    assert app.output.value.count("Note 1</td>") == 3 and "Note 2" not in app.output.value
    assert app.output.value.count("agreement") == 1


def test_abatement_detail_follows_the_engine(loaded):
    kpi_months, illustrative = explorer.abated("lincolnshire-css")
    markup = explorer.abatement_table(kpi_months, kpi_id="PM_KPI_02",
                                      start=pd.Period("2015-07", "M"),
                                      end=pd.Period("2015-09", "M"),
                                      illustrative=illustrative).markup
    rows = kpi_months[(kpi_months["kpi_id"] == "PM_KPI_02")
                      & kpi_months["month"].between(pd.Period("2015-07", "M"),
                                                    pd.Period("2015-09", "M"))]
    # Data not available every month: multipliers 1, 1.5, 2 on the KPI's full allocation.
    for multiplier in ("1", "1.5", "2"):
        assert f">{multiplier}</td>" in markup
    assert f"attracted {rows['points'].sum():,.2f} abatement points" in markup
    assert "illustrative terms" in markup


def test_trend_statistics_match_the_reports_trend_test(loaded):
    _, scores = loaded
    markup = explorer.trend_statistics(scores, kpi_id="F_KPI_01", start=pd.Period("2016-01", "M"),
                                       end=pd.Period("2016-06", "M")).markup
    assert ">improving</td>" in markup and ">January 2016 to June 2016</td>" in markup
    empty = explorer.trend_statistics(scores, kpi_id="F_KPI_99", start=pd.Period("2016-01", "M"),
                                      end=pd.Period("2016-06", "M"))
    assert "no result in June 2016" in empty.markup


def test_trend_statistics_cover_the_months_chosen(loaded):
    _, scores = loaded
    july = pd.Period("2015-07", "M")
    alone = explorer.trend_statistics(scores, kpi_id="F_KPI_01", start=july, end=july).markup
    assert "at least two months" in alone and "February 2015" not in alone
    year = explorer.trend_statistics(scores, kpi_id="F_KPI_01", start=july,
                                     end=pd.Period("2016-06", "M")).markup
    assert ">July 2015 to June 2016</td>" in year and "Least headroom over target" in year


def test_chart_draws_months_without_a_number_and_lists_only_what_is_drawn(loaded):
    _, scores = loaded
    rows = explorer.select(scores, kpi_id="PM_KPI_01", start=pd.Period("2015-07", "M"),
                           end=pd.Period("2016-06", "M"))
    # November 2015 is Red, data not available: drawn at the foot, labelled "no data".
    assert rows.loc[rows["month"] == pd.Period("2015-11", "M"), "rag"].item() == "red"
    fig = trend.kpi_trend(rows, title="PM_KPI_01")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("no data") == int(rows["value"].isna().sum()) >= 1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    drawn = {r.capitalize() for r in rows["rag"]}
    assert {"Green", "Amber", "Red", "Blue"} & set(legend) == drawn
    assert "no number (at the foot)" in legend
    assert "without a number" in trend.alt_text(rows, title="PM_KPI_01")


def test_kpi_table_is_a_dataframe_that_follows_the_whatif(loaded):
    start, end = pd.Period("2015-07", "M"), pd.Period("2016-06", "M")
    own = explorer.kpi_table("lincolnshire-css", kpi_id="ACF_KPI_03", start=start, end=end)
    full = explorer.kpi_table("lincolnshire-css", kpi_id="ACF_KPI_03", start=start, end=end,
                              amber_fraction=1.0)
    assert len(own) == 12 and {"month", "value", "rag", "run_length", "points"} <= set(own)
    amber = own["rag"] == "Amber"
    assert amber.any()
    assert (full.loc[amber, "base_points"] == full.loc[amber, "allocation"]).all()
    assert full["points"].sum() > own["points"].sum()


def test_explorer_hands_its_table_over_and_shows_whatif_terms():
    pytest.importorskip("ipywidgets")
    app = explorer.Explorer("lincolnshire-css")
    app.amber.value = 1.0
    assert "what-if: Amber at 1.00" in app.output.value
    assert len(app.table()) == 12
    app._hand_over()  # no IPython shell here: says how to get the table instead
    assert "explorer.table()" in app.message.value


def test_explorer_widget_shows_abatement_and_trend_statistics():
    pytest.importorskip("ipywidgets")
    app = explorer.Explorer("lincolnshire-css")
    app.service.value = "F"
    app.kpi.value = "F_KPI_01"
    assert "Abatement detail of F_KPI_01" in app.output.value
    assert "Trend statistics of F_KPI_01" in app.output.value


def test_widget_styles_are_scoped_to_the_explorer():
    markup = explorer.widget_markup(explorer.report.paragraph("x"))
    css = markup.split("<style>")[1].split("</style>")[0]
    rules = [line for line in css.splitlines() if "{" in line]
    assert rules and all(line.startswith(".scrutiny-explorer") for line in rules)
    assert ".scrutiny-explorer .rag-red" in css


def test_explorer_works_for_a_contract_without_terms(css_copy, monkeypatch):
    pytest.importorskip("ipywidgets")
    (css_copy / "lincolnshire-css" / "terms.yaml").unlink()
    monkeypatch.setenv("SCRUTINY_DATA", str(css_copy))
    explorer.handle.cache_clear()
    try:
        app = explorer.Explorer("lincolnshire-css")
        assert "no abatement terms" in app.output.value and app.amber.disabled
        assert app.table()["points"].isna().all()
    finally:
        explorer.handle.cache_clear()
