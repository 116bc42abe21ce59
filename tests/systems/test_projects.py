"""Project portfolio: real Lincolnshire IMT data (seeds 000 and 001) and constructed cases."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.exceptions import InputValidationError, NoDataForPeriodError
from scrutiny.load.portfolio import load_portfolio
from scrutiny.score.milestones import milestone_kpi_results
from scrutiny.systems import projects
from systems_helpers import DATA, copy_dataset, replace_in


@pytest.fixture(scope="module")
def imt():
    return load_portfolio("lincolnshire-imt", data_root=DATA)


def test_aug_2019_counts_0_red_7_amber_13_green(imt):
    counts = projects.rag_counts(imt.projects).set_index("snapshot")
    aug = counts.loc[pd.Period("2019-08", freq="M")]
    assert (aug["red"], aug["amber"], aug["green"], aug["total"]) == (0, 7, 13, 20)


def test_computed_aug_2019_counts_match_the_published_table(imt):
    table = projects.rag_counts_by_snapshot(imt).set_index("snapshot")
    assert table.loc[pd.Period("2019-08", freq="M"), "matches_published"]
    nov = table.loc[pd.Period("2018-11", freq="M")]
    assert (nov["basis"], nov["red"], nov["amber"], nov["green"]) == ("published", 2, 8, 10)


def test_imt_251_milestone_slipped_30_days(imt):
    table = projects.project_table(imt, pd.Period("2019-08", freq="M")).set_index("project_id")
    assert table.loc["IMT-251", "slippage_days"] == 30
    assert table.loc["IMT-324", "slippage_days"] == 52  # 9 Aug -> 30 Sep 2019


def test_slippage_is_blank_when_a_date_is_only_a_month_or_a_word(imt):
    table = projects.project_table(imt, pd.Period("2019-08", freq="M")).set_index("project_id")
    row = table.loc["IMT-329"]
    assert (row["baseline_text"], row["forecast_text"]) == ("TBC", "2019-12")
    assert pd.isna(row["slippage_days"])


def test_one_row_per_project_per_snapshot(imt):
    table = projects.project_table(imt)
    assert not table.duplicated(["snapshot", "name"]).any()
    assert table.groupby("snapshot").size().to_dict() == {
        pd.Period("2016-07", freq="M"): 55, pd.Period("2019-08", freq="M"): 20}


def test_next_milestone_is_the_earliest_forecast_of_a_projects_workstreams(imt):
    table = projects.project_table(imt, pd.Period("2016-07", freq="M")).set_index("name")
    row = table.loc["Channel Shift"]
    assert row["milestone"] == "Highways Fault Reporting: System UAT"
    assert row["milestones_listed"] == 5


def test_path_to_green_lists_the_seven_amber_projects(imt):
    table = projects.path_to_green(imt.projects, pd.Period("2019-08", freq="M"))
    assert len(table) == 7 and set(table["rag"]) == {"amber"}
    assert table.set_index("project_id").loc["IMT-251", "path_to_green"] == "Re-baseline the plan."


def test_movers_between_2016_and_2019(imt):
    moved = projects.movers(imt.projects, "2016-07", "2019-08").set_index("project_id")
    assert moved.loc["IMT-117", "movement"] == "improved"  # Red -> Amber
    assert moved.loc["IMT-251", "movement"] == "now rated"  # TBC -> Amber


def test_due_by_next_period_november_2019(imt):
    due = projects.due_by_next_period(imt, pd.Period("2019-08", freq="M"))
    closures = due[due["item"] == "closure"]
    assert set(closures["project_id"]) == {
        "IMT-380-1808", "IMT-165", "IMT-315", "IMT-393-1810", "IMT-277", "IMT-324",
        "IMT-381-1808", "IMT-435-1905", "IMT-407-1812"}
    assert due["due"].max() <= pd.Timestamp("2019-11-30")


def test_due_by_counts_a_month_only_date_at_the_months_end(imt):
    before = projects.due_by(imt.projects, imt.milestones, "2019-12-30", "2019-08")
    after = projects.due_by(imt.projects, imt.milestones, "2019-12-31", "2019-08")
    assert "Commence Business Pilot" not in set(before["what"])
    assert "Commence Business Pilot" in set(after["what"])


def test_due_to_close_before_a_date(imt):
    due = projects.due_to_close(imt.projects, "2019-08-31", pd.Period("2019-08", freq="M"))
    assert list(due["project_id"]) == ["IMT-380-1808", "IMT-315", "IMT-165"]


def test_no_next_period_is_an_error(imt):
    with pytest.raises(NoDataForPeriodError, match="next_period"):
        projects.due_by_next_period(imt, pd.Period("2016-07", freq="M"))


def test_stage_distribution_2016(imt):
    stages = projects.stage_distribution(imt.projects)
    jul = stages[stages["snapshot"] == pd.Period("2016-07", freq="M")].set_index("stage")
    assert jul["projects"].sum() == 55
    assert jul.loc["3 - Define", "projects"] == 13


def test_milestone_kpi_reports_the_previous_month_and_is_green(imt):
    kpi = milestone_kpi_results(imt.milestone_kpi, tsl=imt.info.milestone_kpi.tsl,
                                         msl=imt.info.milestone_kpi.msl)
    assert kpi["lag_ok"].all()
    assert list(kpi["value"]) == [100, 100, 92, 100, 100]
    assert set(kpi["rag"]) == {"green"}


def test_slippage_days_on_a_tiny_frame():
    frame = pd.DataFrame({
        "baseline": pd.to_datetime(["2019-09-02", "2019-08-30", None]),
        "forecast": pd.to_datetime(["2019-10-02", "2019-08-20", "2019-08-01"]),
        "expected": [30.0, -10.0, float("nan")],
    })
    result = projects.slippage_days(frame["baseline"], frame["forecast"])
    pd.testing.assert_series_equal(result, frame["expected"], check_names=False)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
       st.integers(min_value=-400, max_value=400))
def test_slippage_is_the_day_difference(start, days):
    baseline = pd.Series(pd.to_datetime([start]))
    forecast = baseline + pd.Timedelta(days=days)
    assert projects.slippage_days(baseline, forecast).iloc[0] == days


def test_malformed_date_names_file_row_and_column(tmp_path):
    folder = copy_dataset("lincolnshire-imt", tmp_path)
    replace_in(folder / "milestones.csv", "2019-09-02,2019-10-02", "2019-09-02,02/10/2019")
    with pytest.raises(InputValidationError) as err:
        load_portfolio("lincolnshire-imt", data_root=tmp_path)
    assert err.value.file == "milestones.csv" and err.value.column == "forecast"
    assert err.value.row is not None and "02/10/2019" in str(err.value)


def test_impossible_day_is_refused(tmp_path):
    folder = copy_dataset("lincolnshire-imt", tmp_path)
    replace_in(folder / "projects.csv", "2019-12-06", "2019-02-30")
    with pytest.raises(InputValidationError, match="not a real day") as err:
        load_portfolio("lincolnshire-imt", data_root=tmp_path)
    assert err.value.column == "forecast_closure"


def test_unknown_rag_word_names_file_row_and_column(tmp_path):
    folder = copy_dataset("lincolnshire-imt", tmp_path)
    replace_in(folder / "projects.csv", "In Progress,Amber,", "In Progress,Ambre,")
    with pytest.raises(InputValidationError, match="unknown RAG word 'Ambre'") as err:
        load_portfolio("lincolnshire-imt", data_root=tmp_path)
    assert (err.value.file, err.value.column) == ("projects.csv", "rag")
    assert err.value.row == 57  # header is row 1; the first 2019 row follows 55 rows of 2016


def test_milestone_for_an_unknown_project_is_refused(tmp_path):
    folder = copy_dataset("lincolnshire-imt", tmp_path)
    replace_in(folder / "milestones.csv", "2019-08,Commvault,", "2019-08,Commvalt,")
    with pytest.raises(InputValidationError, match="no project 'Commvalt'"):
        load_portfolio("lincolnshire-imt", data_root=tmp_path)
