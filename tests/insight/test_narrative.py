import pandas as pd
import pytest

from kpi_series import combine, scored_series
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.insight.narrative import (
    counts_sentence,
    first_failure_sentence,
    join_words,
    paragraph,
    period_narrative,
    runs_sentence,
    trend_sentences,
)
from scrutiny.insight.register import exceptions_register
from scrutiny.insight.trends import kpi_trends
from scrutiny.load.contract import load_contract
from scrutiny.load.reasons import load_mitigation_reasons
from scrutiny.score.scoring import score, summary_counts

JUNE_2016 = [
    "In June 2016, 30 of 43 KPIs met their target (Green), 2 more than in May 2016; 3 met only "
    "the minimum (Amber), 8 were Red and 2 were Blue (mitigated, in a glide period or not "
    "measured, so not scored).",
    "KPIs missed their target (Amber or Red) in People Management (4 KPIs), Information "
    "Management and Technology (6 KPIs) and Finance (1 KPI); Customer Service Centre and Adult "
    "Care Finance had none.",
    "The longest failing runs are 12 consecutive months for PM_KPI_02, PM_KPI_03, PM_KPI_04, "
    "PM_KPI_05, IMT_KPI_09, IMT_KPI_11 and F_KPI_01 (every month held, since July 2015).",
    # Their reasons: the council's decisions, recorded from its published dashboard.
    "PM_KPI_08 and CSC_KPI_04 were Blue; the reason for each is given in the exceptions "
    "register.",
    "Over the 6 months to June 2016, F_KPI_01 shows a significant improving trend "
    "(Kendall's tau, 5% level).",
    "No KPI is projected to miss its target or minimum within 3 months if trends continue.",
    "8 KPIs had fewer than 5 scored months in the window (Blue or no data) and were not "
    "assessed: PM_KPI_02, PM_KPI_03, PM_KPI_04, PM_KPI_05, PM_KPI_08, IMT_KPI_09, IMT_KPI_11 "
    "and CSC_KPI_08.",
    "No KPI failed for the first time in the data held (since July 2015).",
]


def narrative_of(contract, period: pd.Period, *, tables_for: pd.Period | None = None):
    """The narrative from the tables a report computes (of ``tables_for``, default ``period``)."""
    scores, month = score(contract), tables_for or period
    return period_narrative(
        scores=scores, counts=summary_counts(scores, list(contract.info.services)),
        register=exceptions_register(scores, month, load_mitigation_reasons(contract)),
        trends=kpi_trends(scores, month), services=contract.info.services, period=period,
        window=6, min_points=5, horizon=3)


@pytest.fixture(scope="module")
def contract():
    return load_contract("lincolnshire-css")


def test_june_2016_narrative_is_exact(contract):
    assert narrative_of(contract, pd.Period("2016-06", "M")) == JUNE_2016


def test_paragraph_joins_and_skips_empty_sentences():
    assert paragraph(["One.", "", "Two."]) == "One. Two."


def test_first_month_held_says_there_is_nothing_earlier(contract):
    sentences = narrative_of(contract, pd.Period("2015-07", "M"))
    assert sentences[0].startswith("In July 2015, 21 of 43 KPIs met their target (Green), "
                                   "with no results held for June 2015 to compare with;")
    assert sentences[-1] == ("July 2015 is the first month held, so there are no earlier "
                             "months to compare failures with.")


def test_no_data_for_period(contract):
    with pytest.raises(NoDataForPeriodError):
        narrative_of(contract, pd.Period("2016-07", "M"), tables_for=pd.Period("2016-06", "M"))


def test_counts_sentence_says_fewer_and_same():
    scores = combine(scored_series([99, 80, 80], kpi_id="TST_KPI_01"),
                     scored_series([99, 99, 99], kpi_id="TST_KPI_02"))
    counts = summary_counts(scores, ["TST"])
    assert counts_sentence(counts, pd.Period("2016-02", "M")).startswith(
        "In February 2016, 1 of 2 KPIs met their target (Green), 1 fewer than in January 2016;"
        " 0 met only the minimum (Amber), 1 were Red")
    assert ", the same as in February 2016;" in counts_sentence(counts,
                                                                pd.Period("2016-03", "M"))


def test_first_failure_names_a_kpi_failing_for_the_first_time():
    scores = combine(scored_series([99, 99, 92], kpi_id="TST_KPI_01"),
                     scored_series([80, 99, 80], kpi_id="TST_KPI_02"))
    assert first_failure_sentence(scores, pd.Period("2016-03", "M")) == (
        "TST_KPI_01 failed for the first time in the data held (since January 2016).")


def test_runs_sentence_groups_ties_and_lengths():
    scores = combine(scored_series([80, 80, 80], kpi_id="TST_KPI_01"),
                     scored_series([99, 80, 80], kpi_id="TST_KPI_02"),
                     scored_series([99, 80, 80], kpi_id="TST_KPI_03"),
                     scored_series([99, 99, 80], kpi_id="TST_KPI_04"))
    register = exceptions_register(scores, pd.Period("2016-03", "M"))
    assert runs_sentence(register, pd.Period("2016-01", "M"), top=3) == (
        "The longest failing runs are 3 consecutive months for TST_KPI_01 (every month held, "
        "since January 2016); 2 consecutive months for TST_KPI_02 and TST_KPI_03.")


def test_trend_sentence_names_the_projection():
    scores = scored_series([99, 98, 97, 96, 95, 94], tsl=92, msl=90)
    trends = kpi_trends(scores, pd.Period("2016-06", "M"))
    sentences = trend_sentences(trends, window=6, min_points=5, alpha=0.05, horizon=3)
    assert sentences[:2] == [
        "Over the 6 months to June 2016, TST_KPI_01 shows a significant deteriorating trend "
        "(Kendall's tau, 5% level).",
        "If trends continue, TST_KPI_01 would miss its target in 3 months and its minimum in "
        "5 months."]


def test_join_words():
    assert [join_words(x) for x in (["a"], ["a", "b"], ["a", "b", "c"])] == [
        "a", "a and b", "a, b and c"]


def test_first_month_says_no_trend_could_be_assessed_instead_of_listing_every_kpi(css):
    sentences = narrative_of(css, pd.Period("2015-07", "M"))
    trend = [s for s in sentences if "trend" in s]
    assert trend == [
        "No trend could be assessed: a KPI needs 5 scored months in the 6 months to July 2015, "
        "and none of the 43 KPIs has that many (Blue months, months without a number and "
        "months before the first return do not count)."]
    assert not any("significant" in s or "projected" in s for s in sentences)


def test_a_long_list_of_unassessed_kpis_points_to_the_table(css):
    sentences = narrative_of(css, pd.Period("2015-11", "M"))
    assert ("16 KPIs had fewer than 5 scored months in the window (Blue or no data) and were "
            "not assessed (listed in the trends section).") in sentences


def test_runs_of_quarterly_and_annual_kpis_are_named_in_their_results():
    """A quarterly KPI Red four quarters running has 4 consecutive quarterly results, not 4
    months (runs count measurements: core.runs)."""
    register = pd.DataFrame({"kpi_id": ["Q_KPI", "M_KPI", "A_KPI", "M_TWO"],
                             "run_length": [4, 2, 1, 1],
                             "month": pd.Period("2026-08", "M")})
    sentence = runs_sentence(register, pd.Period("2025-09", "M"), top=4,
                             frequency={"Q_KPI": "Q", "M_KPI": "M", "A_KPI": "A", "M_TWO": "M"})
    assert sentence == ("The longest failing runs are 4 consecutive quarterly results for Q_KPI; "
                        "2 consecutive months for M_KPI; 1 consecutive month for M_TWO; "
                        "1 consecutive annual result for A_KPI.")
    monthly = runs_sentence(register, pd.Period("2025-09", "M"), top=4)
    assert monthly.startswith("The longest failing runs are 4 consecutive months for Q_KPI;")
