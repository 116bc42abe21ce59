import dataclasses
import shutil

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_series import combine, scored_series
from scrutiny.exceptions import InputValidationError, NoDataForPeriodError
from scrutiny.insight.register import (
    FROM_GLIDE,
    FROM_REASONS_FILE,
    NONE_RECORDED,
    exceptions_register,
    failing_run_lengths,
    reasons_for_period,
    reasons_without_results,
)
from scrutiny.load.contract import load_contract
from scrutiny.load.folder import REASONS_FILE
from scrutiny.load.reasons import load_mitigation_reasons
from scrutiny.score.scoring import score

JUNE = pd.Period("2016-06", "M")


@pytest.fixture(scope="module")
def contract():
    return load_contract("lincolnshire-css")


@pytest.fixture(scope="module")
def scores(contract):
    return score(contract)


def test_june_2016_register_lists_exactly_the_non_green_kpis(contract, scores):
    register = exceptions_register(scores, JUNE, load_mitigation_reasons(contract))
    expected = ["PM_KPI_02", "PM_KPI_03", "PM_KPI_04", "PM_KPI_05", "PM_KPI_08", "IMT_KPI_02",
                "IMT_KPI_05", "IMT_KPI_06", "IMT_KPI_09", "IMT_KPI_10", "IMT_KPI_11",
                "CSC_KPI_04", "F_KPI_01"]
    assert register["kpi_id"].tolist() == expected
    june = scores[scores["month"] == JUNE]
    assert set(register["kpi_id"]) == set(june.loc[june["rag"] != "green", "kpi_id"])
    runs = register.set_index("kpi_id")["run_length"]
    assert runs[["PM_KPI_02", "IMT_KPI_05", "IMT_KPI_06", "IMT_KPI_10", "PM_KPI_08"]].tolist() \
        == [12, 8, 1, 5, 0]
    # June's Blue months (PM_KPI_08, CSC_KPI_04) are the council's decisions, recorded from its
    # published dashboard (seed 000) in mitigation_reasons.csv.
    blue = register[register["rag"] == "blue"]
    assert blue["kpi_id"].tolist() == ["PM_KPI_08", "CSC_KPI_04"]
    assert blue["reason"].str.startswith("The council's published dashboard shows").all()
    assert (blue["reason_source"] == FROM_REASONS_FILE).all()


def test_register_carries_the_override_in_force():
    scores = scored_series([92, 91, 99], tsl=95, msl=90, start="2016-05")
    scores["override_reason"] = ["revised for May-July", "revised for May-July", None]
    register = exceptions_register(scores, pd.Period("2016-06", "M"))
    assert register[["rag", "tsl", "msl", "override_reason", "run_length"]].values.tolist() == [
        ["amber", 95.0, 90.0, "revised for May-July", 2]]


def test_run_lengths_reset_on_green_blue_and_calendar_gaps():
    frame = pd.DataFrame({
        "kpi_id": ["A_KPI_01"] * 8 + ["B_KPI_01"] * 3,
        "month": pd.PeriodIndex(["2016-01", "2016-02", "2016-03", "2016-04", "2016-05",
                                 "2016-06", "2016-07", "2016-09", "2016-01", "2016-02",
                                 "2016-03"], freq="M"),
        "rag": ["amber", "red", "blue", "red", "red", "green", "amber", "red",
                "red", "red", "red"],
        "expected": [1, 2, 0, 1, 2, 0, 1, 1, 1, 2, 3],
    }).sample(frac=1, random_state=3)  # order of rows must not matter
    assert failing_run_lengths(frame).tolist() == frame["expected"].tolist()


def test_blue_reason_comes_from_the_reasons_file_then_the_glide():
    scores = combine(scored_series(["Mitigation Agreed"], kpi_id="TST_KPI_01", start="2019-04"),
                     scored_series(["Not Measured"], kpi_id="TST_KPI_02", start="2019-04"),
                     scored_series(["Mitigation Agreed"], kpi_id="TST_KPI_03", start="2019-04"))
    scores["glide_reason"] = [None, "new system bedding in", None]
    reasons = pd.DataFrame({"kpi_id": ["TST_KPI_01"], "short_description": ["test"],
                            "from_month": [pd.Period("2019-03", "M")],
                            "to_month": [pd.Period("2019-05", "M")], "reason": ["flood"],
                            "kpi_defined": [True]})
    register = exceptions_register(scores, pd.Period("2019-04", "M"), reasons)
    assert register[["reason", "reason_source"]].fillna("").values.tolist() == [
        ["flood", FROM_REASONS_FILE], ["new system bedding in", FROM_GLIDE],
        ["", NONE_RECORDED]]


def test_seed_001_reasons_load_and_are_honest_about_missing_results(contract, scores):
    reasons = load_mitigation_reasons(contract)
    seed_001 = reasons[reasons["source"].str.startswith("seed 001")]
    assert seed_001[["kpi_id", "kpi_defined"]].values.tolist() == [
        ["ACF_KPI_03", True], ["ACF_KPI_10", False], ["IMT_KPI_15", False],
        ["IMT_KPI_15", False]]
    # The rest are the council's Blue months of 2015-16, from its published dashboard.
    dashboard = reasons[reasons["source"].str.startswith("seed 000")]
    assert dashboard["kpi_id"].tolist() == ["PM_KPI_06", "PM_KPI_08", "CSC_KPI_04",
                                            "CSC_KPI_08", "CSC_KPI_08", "CSC_KPI_08"]
    assert len(seed_001) + len(dashboard) == len(reasons)
    assert reasons.iloc[2]["reason"].startswith("April – single instance – change freeze")
    orphans = reasons_without_results(reasons, scores)
    assert orphans[["kpi_id", "month"]].astype(str).values.tolist() == [
        ["ACF_KPI_03", "2019-04"], ["ACF_KPI_03", "2019-05"], ["ACF_KPI_03", "2019-06"],
        ["ACF_KPI_10", "2019-04"], ["ACF_KPI_10", "2019-05"], ["ACF_KPI_10", "2019-06"],
        ["IMT_KPI_15", "2019-04"], ["IMT_KPI_15", "2019-06"]]
    assert reasons_for_period(reasons, pd.Period("2019-05", "M"))["kpi_id"].tolist() == [
        "ACF_KPI_03", "ACF_KPI_10"]


def test_a_month_with_reasons_but_no_results_is_a_clear_error(contract, scores):
    with pytest.raises(NoDataForPeriodError, match="2019-06 has mitigation reasons"):
        exceptions_register(scores, pd.Period("2019-06", "M"),
                            load_mitigation_reasons(contract))
    with pytest.raises(NoDataForPeriodError, match="no KPI results for 2016-07"):
        exceptions_register(scores, pd.Period("2016-07", "M"))


HEADER = "kpi_id,short_description,from_month,to_month,reason,source\n"


@pytest.mark.parametrize(("rows", "where", "message"), [
    ("ACF_KPI_03,d,2019-4,2019-06,r,s\n", "row 2, column 'from_month'", "must match"),
    ("XYZ_KPI_01,d,2019-04,2019-06,r,s\n", "row 2, column 'kpi_id'", "no service 'XYZ'"),
    ("ACF_KPI_03,d,2019-06,2019-04,r,s\n", "row 2, column 'to_month'", "ends before"),
    ("ACF_KPI_03,d,2019-04,2019-06,r,s\nACF_KPI_03,d,2019-06,2019-07,r,s\n",
     "row 3, column 'from_month'", "overlap"),
    ("PM_KPI_01,d,2019-02,2019-04,r,s\n", "row 2, column 'from_month'",
     "not part of the contract"),
    ("ACF_KPI_03,d,2019-04,2019-06,,s\n", "row 2, column 'reason'", "must not be blank"),
])
def test_bad_reasons_file_names_file_row_and_column(contract, tmp_path, rows, where, message):
    folder = tmp_path / "c"
    shutil.copytree(contract.folder, folder)
    (folder / REASONS_FILE).write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(InputValidationError) as err:
        load_mitigation_reasons(dataclasses.replace(contract, folder=folder))
    assert str(err.value).startswith(f"{REASONS_FILE}, {where}")
    assert message in str(err.value)


def test_absent_reasons_file_means_none_recorded(contract, tmp_path):
    assert load_mitigation_reasons(dataclasses.replace(contract, folder=tmp_path)).empty


cells = st.one_of(st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2)),
                  st.sampled_from(["Mitigation Agreed", "Data not available", ""]))


@settings(max_examples=100, deadline=None)
@given(st.lists(cells, min_size=1, max_size=12), st.data())
def test_register_never_holds_green_and_runs_count_failures(series, data):
    scores = scored_series(series, tsl=95, msl=90)
    period = data.draw(st.sampled_from(list(scores["month"])))
    register = exceptions_register(scores, period)
    assert not (register["rag"] == "green").any()
    assert len(register) == int(((scores["month"] == period) & (scores["rag"] != "green")).sum())
    assert ((register["run_length"] > 0) == register["rag"].isin(["amber", "red"])).all()
    assert (register["run_length"] <= scores["month"].searchsorted(period) + 1).all()
