"""The analyst's handle: every method answers with a DataFrame, on the seed contract."""

import pandas as pd
import pytest

import scrutiny
from scrutiny.core.rag import RagWord
from scrutiny.exceptions import (
    MonthFormatError,
    NoDataForPeriodError,
    TermsError,
    UnknownContractError,
    UnknownKpiError,
)
from scrutiny.insight.contract_handle import HISTORY_COLUMNS, WHATIF_COLUMNS


@pytest.fixture(scope="module")
def css():
    return scrutiny.open_contract("lincolnshire-css")


def test_import_scrutiny_stays_cheap_and_names_its_way_in():
    import subprocess
    import sys

    code = ("import sys, scrutiny; assert 'pandas' not in sys.modules; "
            "assert {'open_contract', 'RAG'} <= set(dir(scrutiny)); print('ok')")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True).stdout.strip() == "ok"
    with pytest.raises(AttributeError):
        scrutiny.no_such_thing  # noqa: B018


@pytest.mark.parametrize("label", ["2016-06", "Jun-16", "June 2016", pd.Period("2016-06", "M")])
def test_months_are_accepted_in_every_usual_form(css, label):
    rows = css.scores(label, label)
    assert rows["month"].unique().tolist() == [pd.Period("2016-06", "M")]
    assert len(rows) == 43


def test_bad_months_and_empty_ranges_are_clear_errors(css):
    with pytest.raises(MonthFormatError, match="Jun-16"):
        css.scores("June the sixth")
    with pytest.raises(NoDataForPeriodError, match="2015-07 to 2016-06"):
        css.abatement("2019-01", "2019-03")
    with pytest.raises(NoDataForPeriodError, match="swap"):
        css.scores("2016-06", "2016-01")


def test_rag_compares_with_words_codes_and_constants_alike(css):
    scores = css.scores()
    green = (css.scored["rag"] == "green").sum()
    for wanted in ("Green", "green", " GREEN ", scrutiny.RAG.GREEN):
        assert (scores["rag"] == wanted).sum() == green
    assert len(scores.query("rag == 'Green'")) == green
    assert scores["rag"].isin([scrutiny.RAG.RED, "Amber"]).sum() == css.scored["rag"].isin(
        ["red", "amber"]).sum()
    assert (scores["rag"] != "Green").sum() == len(scores) - green
    with pytest.raises(ValueError, match="not a RAG status"):
        RagWord("Grean")


def test_kpi_history_is_one_table_with_thresholds_rag_runs_and_points(css):
    history = css.kpi_history("CSC_KPI_04")
    assert list(history.columns) == HISTORY_COLUMNS and len(history) == 12
    october = history.set_index(history["month"].astype(str)).loc["2015-10"]
    # 12.40 against MSL 10 (lower is better): Red, the 4th failing month in a row, 35 points x 2.
    assert (october["value"], october["tsl"], october["msl"]) == (12.4, 7, 10)
    assert october["rag"] == "Red"
    assert (october["run_length"], october["multiplier"], october["points"]) == (4, 2.0, 70.0)
    assert history["points"].sum() == pytest.approx(css.abatement(by="kpi").query(
        "kpi_id == 'CSC_KPI_04'")["points"].sum())
    with pytest.raises(UnknownKpiError, match="CSC_KPI_04"):
        css.kpi_history("CSC_KPI_99")


def test_abatement_views_agree_and_a_range_does_not_change_a_months_points(css):
    by_kpi = css.abatement("2015-10", "2016-03", by="kpi")
    by_service = css.abatement("2015-10", "2016-03", by="service")
    by_month = css.abatement("2015-10", "2016-03", by="month")
    assert by_kpi["month"].min() == pd.Period("2015-10", "M") and len(by_month) == 6
    assert by_kpi["points"].sum() == pytest.approx(by_month["points"].sum())
    assert by_service.query("service != 'ALL'")["credit"].sum() == pytest.approx(
        by_month["credit"].sum())
    whole = css.abatement(by="kpi")
    inside = whole[whole["month"].between(pd.Period("2015-10", "M"), pd.Period("2016-03", "M"))]
    assert by_kpi["points"].tolist() == inside["points"].tolist()
    with pytest.raises(ValueError, match="by must be"):
        css.abatement(by="council")


def test_whatif_with_no_change_is_today_and_full_amber_never_costs_less(css):
    same = css.whatif("2015-07", "2016-06")
    assert list(same.columns) == WHATIF_COLUMNS
    assert same["difference"].abs().max() == 0
    assert same["service"].tolist() == ["PM", "IMT", "CSC", "ACF", "F", "ALL"]
    amber = css.whatif("2015-07", "2016-06", amber_fraction=1.0).set_index("service")
    assert (amber["proposed_points"] >= amber["points"]).all()
    assert (amber["difference"] >= 0).all() and amber.loc["ALL", "difference"] > 0
    terms = css.abatement("2015-07", "2016-06", terms={"amber_fraction": 1.0})
    assert terms.query("service == 'ALL'")["credit"].sum() == pytest.approx(
        amber.loc["ALL", "proposed_credit"])
    with pytest.raises(TermsError, match="cannot set 'colour'"):
        css.whatif(colour="green")
    with pytest.raises(TermsError, match="amber_fraction"):
        css.whatif(amber_fraction=2)


def test_exceptions_trends_and_ratings_are_dataframes_for_a_month(css):
    register = css.exceptions("Jun-16")
    assert len(register) == 13 and not (register["rag"] == "Green").any()
    trends = css.trends("2016-06", window=6)
    assert {"min_headroom_msl", "min_headroom_tsl", "drifting"} <= set(trends.columns)
    ratings = css.ratings("2015-07", "2016-06")
    assert len(ratings) == 43


def test_unknown_contract_lists_those_there_are():
    with pytest.raises(UnknownContractError, match="lincolnshire-css"):
        scrutiny.open_contract("nowhere")


def test_a_contract_without_terms_or_reasons_still_answers(css_copy):
    folder = css_copy / "lincolnshire-css"
    for optional in ("terms.yaml", "abatement_points.csv", "mitigation_reasons.csv"):
        (folder / optional).unlink()
    bare = scrutiny.open_contract("lincolnshire-css", data_root=css_copy)
    assert not bare.has_terms
    history = bare.kpi_history("CSC_KPI_04")
    assert len(history) == 12 and history["points"].isna().all()
    assert len(bare.exceptions("2016-06")) == 13
    from scrutiny.exceptions import InputValidationError

    with pytest.raises(InputValidationError, match="terms.yaml"):
        bare.abatement()


def test_handle_computes_each_table_once_and_reports_read_its_cache(monkeypatch):
    """One cache: the handle computes abatement once per set of terms; a period report's
    tables are the handle's own objects, not copies."""
    from scrutiny.abate import whatif
    from scrutiny.insight import contract_handle
    from scrutiny.report.registry import open_report

    calls = []
    real = contract_handle.contract_abatement
    for module in (contract_handle, whatif):
        monkeypatch.setattr(module, "contract_abatement",
                            lambda *a, **k: calls.append(k) or real(*a, **k))
    rep = open_report("period_report", contract="lincolnshire-css", period="2016-06")
    h = rep.handle
    assert rep.abatement is h.charged and rep.relief is h.relief and rep.scores is h.scored
    assert rep.register is h.register("Jun-16") and rep.counts is h.counts(end="2016-06")
    amber = h.abatement(by="kpi", terms={"amber_fraction": 1.0})
    again = h.abatement(by="kpi", terms={"amber_fraction": 1.0})
    pd.testing.assert_frame_equal(amber, again)
    assert h.whatif_abatement({"amber_fraction": 1.0}) is h.whatif_abatement(
        {"amber_fraction": 1.0})
    h.whatif("2015-07", "2016-06", amber_fraction=1.0)
    h.abatement(without_mitigation=True)
    # charged, relief, and amber at full points as changed terms (abatement(terms=...) and
    # whatif share one cache): three runs in all.
    assert len(calls) == 3
