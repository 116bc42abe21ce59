"""Period-report sections: exceptions, trends, abatement, cost of mitigation, ratings."""

import re

import pandas as pd
import pytest

from scrutiny.abate.abatement import mitigation_cost
from scrutiny.insight.procurement import procurement_ratings, rating_counts
from scrutiny.report.period import insight, money
from scrutiny.report.registry import open_report


@pytest.fixture(scope="module")
def june():
    return open_report("period_report", contract="lincolnshire-css", period="2016-06")


@pytest.fixture(scope="module")
def september():
    return open_report("period_report", contract="lincolnshire-css", period="2015-09")


def test_exceptions_register_has_a_labelled_row_per_kpi_not_green(june):
    markup = insight.exceptions_section(june).markup
    rows = re.findall(r"<tr><th scope=\"row\">([A-Z]+_KPI_\d+)</th>", markup)
    assert rows == june.register["kpi_id"].tolist() and len(rows) == 13
    assert '<td class="rag rag-blue">Blue</td>' in markup
    # June's Blue months carry the council's decision, recorded from its published dashboard.
    assert "The council&#39;s published dashboard shows these months Blue" in markup


def test_trends_name_the_unassessed_kpis_and_chart_the_significant(june):
    markup = insight.trends_section(june).markup
    unassessed = june.trends.loc[june.trends["classification"] == "not enough data", "kpi_id"]
    assert all(k in markup for k in unassessed) and "8 KPIs had fewer than 5" in markup
    assert "months with no number are left out of the fits" in markup
    assert markup.count("<figure>") == 1 and 'alt="F_KPI_01:' in markup


def test_trends_list_green_drifting_kpis_only_when_there_are_some(june, monkeypatch):
    assert "Green, drifting" not in insight.trends_section(june).markup  # none in the seed
    drifting = open_report("period_report", contract="lincolnshire-css", period="2016-06")
    trends = june.trends.copy()
    pick = trends["kpi_id"].isin(["CSC_KPI_06", "CSC_KPI_07"])
    trends.loc[pick, "drifting"] = True
    # The handle's trends, as if the data showed a drift.
    monkeypatch.setattr(drifting.handle, "trend_table", lambda *args, **kwargs: trends)
    markup = insight.trends_section(drifting).markup
    assert "Green, drifting: CSC_KPI_06 (least headroom over target" in markup
    assert "and CSC_KPI_07" in markup and "would miss it within 3 months" in markup


def test_abatement_section_shows_each_service_and_the_cap(june):
    markup = money.abatement_section(june).markup
    now = june.abatement.service_months
    now = now[now["month"] == june.period].set_index("service")
    assert f"£{now.loc['IMT', 'credit']:,.0f}" in markup and "£60,000" in markup
    assert "ILLUSTRATIVE" in markup and markup.count("<figure>") == 1


def test_history_stops_at_the_period(september):
    markup = money.abatement_section(september).markup
    assert "September 2015" in markup and "October 2015" not in markup


def test_mitigation_cost_for_the_period_and_since_the_start(june):
    period_kpi, since_kpi, by_month = money.mitigation_tables(june)
    assert set(period_kpi["kpi_id"]) == {"PM_KPI_08", "CSC_KPI_04"}
    whole, _ = mitigation_cost(june.contract, june.terms)
    assert since_kpi["points_forgone"].sum() == whole["points_forgone"].sum()  # June is the last
    assert by_month["month"].max() == june.period and len(by_month) == 12
    markup = money.mitigation_section(june).markup
    assert f"since July 2015, £{by_month['credit_forgone'].sum():,.0f}" in markup


def test_mitigation_cost_range_counts_runs_from_the_first_month(june):
    whole, months = mitigation_cost(june.contract, june.terms)
    late, late_months = mitigation_cost(june.contract, june.terms,
                                        start=pd.Period("2016-01", "M"))
    assert late_months["month"].min() == pd.Period("2016-01", "M")
    merged = months.merge(late_months, on=["service", "month"], suffixes=("", "_late"))
    assert (merged["credit_forgone"] == merged["credit_forgone_late"]).all()
    assert late["points_forgone"].sum() < whole["points_forgone"].sum()


def test_procurement_counts_are_the_librarys_and_partial_years_say_so(june, september):
    ratings = procurement_ratings(june.scores, pd.Period("2015-07", "M"), june.period)
    counts = rating_counts(ratings).set_index("rating")["kpis"]
    markup = insight.procurement_section(june).markup
    assert f'<th scope="row">Inadequate</th><td>performance is significantly below the KPI</td>' \
           f'<td class="num">{counts["Inadequate"]}</td>' in markup
    assert "July 2015 to June 2016 (12 months with results)" in markup
    early = insight.procurement_section(september).markup
    assert "July 2015 to September 2015 (3 months with results)" in early
    assert "partial year" in early


def test_each_table_is_computed_once_per_report(monkeypatch):
    """Scores, counts, trends and abatement (as charged, and without relief) once each."""
    from scrutiny.abate import abatement
    from scrutiny.insight import contract_handle
    from scrutiny.report.period import insight, money, scorecard

    calls = {"score": 0, "abatement": 0, "relief": 0, "trends": 0, "counts": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            key = "relief" if kwargs.get("without_mitigation") else name
            calls[key] += 1
            return function(*args, **kwargs)
        return wrapper

    from scrutiny.score import scoring

    # Without the scored-contract cache, so the scores are computed (once) in this process;
    # open_contract computes them through scrutiny.score.cache, which calls scoring.score.
    monkeypatch.setenv("SCRUTINY_CACHE", "off")
    monkeypatch.setattr(scoring, "score", counted("score", scoring.score))
    for module in (contract_handle, abatement):  # also what a section might call through abate
        monkeypatch.setattr(module, "score", counted("score", module.score))
        monkeypatch.setattr(module, "contract_abatement",
                            counted("abatement", module.contract_abatement))
    monkeypatch.setattr(contract_handle, "kpi_trends",
                        counted("trends", contract_handle.kpi_trends))
    monkeypatch.setattr(contract_handle, "summary_counts",
                        counted("counts", contract_handle.summary_counts))
    rep = open_report("period_report", contract="lincolnshire-css", period="2016-06")
    for section in (scorecard.headline, scorecard.summary_by_service, scorecard.kpi_heatmap,
                    insight.exceptions_section, insight.trends_section, money.abatement_section,
                    money.mitigation_section, insight.procurement_section,
                    scorecard.overrides_section, scorecard.reconciliation_section,
                    scorecard.provenance_section):
        section(rep)
    assert calls == {"score": 1, "abatement": 1, "relief": 1, "trends": 1, "counts": 1}


def test_report_relief_tables_equal_mitigation_cost(june):
    """The report's one relief run gives what mitigation_cost gives from scratch."""
    period_kpi, since_kpi, by_month = money.mitigation_tables(june)
    whole_kpi, whole_month = mitigation_cost(june.contract, june.terms, end=june.period)
    now_kpi, _ = mitigation_cost(june.contract, june.terms, start=june.period, end=june.period)
    pd.testing.assert_frame_equal(since_kpi, whole_kpi)
    pd.testing.assert_frame_equal(period_kpi, now_kpi)
    pd.testing.assert_frame_equal(
        by_month.reset_index(drop=True),
        whole_month[whole_month["service"] == "ALL"].reset_index(drop=True))
