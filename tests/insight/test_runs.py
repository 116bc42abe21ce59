"""Runs as data: ``ContractHandle.runs`` and the ratings' longest Red run share one rule."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scrutiny
from scrutiny.core.runs import status_runs

TWELVE = {"PM_KPI_02": 12, "PM_KPI_03": 9, "PM_KPI_04": 12, "PM_KPI_05": 12, "IMT_KPI_09": 12,
          "IMT_KPI_11": 12, "F_KPI_01": 3}


@pytest.fixture(scope="module")
def c():
    return scrutiny.open_contract("lincolnshire-css")


def test_seven_twelve_month_red_runs_with_their_no_number_counts(c):
    runs = c.runs("Red", "2015-07", "2016-06")
    twelve = runs[runs["length"] == 12]
    assert dict(zip(twelve["kpi_id"], twelve["no_number"], strict=True)) == TWELVE
    assert (twelve["start"].astype(str) == "2015-07").all()
    assert (twelve["end"].astype(str) == "2016-06").all()
    assert runs["length"].max() == 12 and list(runs.columns) == [
        "kpi_id", "start", "end", "length", "no_number"]


def test_measured_only_runs_end_at_a_month_without_a_number(c):
    runs = c.runs("red", "2015-07", "2016-06", measured_only=True)
    assert runs["no_number"].eq(0).all()
    f1 = runs[runs["kpi_id"] == "F_KPI_01"]  # no number in Jul, Aug 2015 and Jan 2016
    assert f1[["start", "end", "length"]].astype(str).values.tolist() == [
        ["2015-09", "2015-12", "4"], ["2016-02", "2016-06", "5"]]


def test_ratings_longest_red_run_is_the_longest_of_runs(c):
    ratings = c.ratings("2015-07", "2016-06").set_index("kpi_id")["longest_red_run"]
    longest = c.runs("Red", "2015-07", "2016-06").groupby("kpi_id")["length"].max()
    assert longest.reindex(ratings.index, fill_value=0).tolist() == ratings.tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["green", "amber", "red", "blue", "none"]), min_size=1,
                max_size=14))
def test_runs_cover_every_red_month_once(months):
    """Property: lengths add up to the Red months; each run spans its length plus Blue months."""
    frame = pd.DataFrame({
        "kpi_id": "K", "month": pd.period_range("2020-01", periods=len(months), freq="M"),
        "rag": ["red" if m == "none" else m for m in months],
        "value": [None if m == "none" else 1.0 for m in months]})
    runs = status_runs(frame, "Red")
    assert runs["length"].sum() == sum(m in ("red", "none") for m in months)
    assert runs["no_number"].sum() == months.count("none")
    for run in runs.itertuples():
        inside = frame[frame["month"].between(run.start, run.end)]
        assert set(inside["rag"]) <= {"red", "blue"}
        assert (inside["rag"] == "red").sum() == run.length


def test_scores_carry_each_months_own_headroom_signed_by_direction(c):
    """Issue 21, part 4: the month's own margin; the trend table keeps the window minimum."""
    rows = c.scores("2015-07", "2016-06").set_index(["kpi_id", "month"])
    october = rows.loc[("CSC_KPI_04", pd.Period("2015-10", "M"))]  # 12.40, lower is better
    assert october["headroom_tsl"] == pytest.approx(7 - 12.40)
    assert october["headroom_msl"] == pytest.approx(10 - 12.40)
    higher = rows[rows["direction"] == "higher"].dropna(subset=["value"])
    assert (higher["headroom_tsl"] == (higher["value"] - higher["tsl"]).round(6)).all()
    assert rows.loc[rows["value"].isna(), ["headroom_tsl", "headroom_msl"]].isna().all().all()
    met = rows["rag"].isin(["green"]) & rows["basis"].eq("met TSL")
    assert (rows.loc[met, "headroom_tsl"] >= 0).all()
    trends = c.trends("2016-06", window=6).set_index("kpi_id")
    window = c.scores("2016-01", "2016-06").groupby("kpi_id")[["headroom_tsl", "headroom_msl"]]
    least = window.min().add_prefix("min_").reindex(trends.index)
    pd.testing.assert_frame_equal(trends[["min_headroom_tsl", "min_headroom_msl"]], least,
                                  check_dtype=False)
