"""One rule for runs (issue 21, part 3): the register's "months failing in a row", the ratings'
longest Red run, the narrative's longest failing runs and the annual review's worst runs are
all what ``c.runs`` (``scrutiny.core.runs.status_runs``) says, on Lincolnshire and on a small
contract with calendar gaps, Blue months and a quarterly KPI."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import scrutiny
from scrutiny.core.runs import FAILING, status_runs
from scrutiny.insight.narrative import runs_sentence
from scrutiny.insight.procurement import longest_red_runs
from scrutiny.insight.register import failing_run_lengths
from scrutiny.report.annual_review.figures import worst_runs

YEAR = ("2015-07", "2016-06")


@pytest.fixture(scope="module")
def c():
    return scrutiny.open_contract("lincolnshire-css")


def ending_at(runs: pd.DataFrame, month: pd.Period) -> dict[str, int]:
    """KPI -> length of its run that ends in ``month``."""
    last = runs[runs["end"] == month]
    return dict(zip(last["kpi_id"], last["length"], strict=True))


def test_lincolnshire_red_runs_are_the_seven_twelve_month_runs(c):
    runs = c.runs("Red", *YEAR)
    twelve = runs[runs["length"] == 12]
    assert len(twelve) == 7
    assert set(twelve["start"].astype(str)) == {"2015-07"}
    assert set(twelve["end"].astype(str)) == {"2016-06"}


@pytest.mark.parametrize("period", ["2015-09", "2016-01", "2016-06"])
def test_lincolnshire_register_run_length_ends_a_failing_run(c, period):
    register = c.exceptions(period)
    when = pd.Period(period, "M")
    ends = ending_at(c.runs(FAILING, None, period), when)
    got = dict(zip(register["kpi_id"], register["run_length"], strict=True))
    assert got == {k: ends.get(k, 0) for k in got}
    assert any(v > 1 for v in got.values())  # the check is not vacuous
    # every failing run ending this month is a register row
    assert set(ends) <= set(got)


def test_lincolnshire_narrative_names_the_longest_failing_runs(c):
    ends = ending_at(c.runs(FAILING, None, "2016-06"), pd.Period("2016-06", "M"))
    longest = max(ends.values())
    text = " ".join(c.narrative("2016-06"))
    named = re.search(rf"{longest} consecutive months for ([^;.(]+)", text)
    assert named, text
    assert {k for k, n in ends.items() if n == longest} == set(
        re.findall(r"[A-Z]+_KPI_\d+", named.group(1)))


def test_lincolnshire_ratings_and_worst_runs_are_the_red_runs(c):
    runs = c.runs("Red", *YEAR)
    ratings = c.ratings(*YEAR).set_index("kpi_id")["longest_red_run"]
    longest = runs.groupby("kpi_id")["length"].max().reindex(ratings.index, fill_value=0)
    assert longest.tolist() == ratings.tolist()
    year = c.scored[c.scored["month"].between(*map(pd.Period, YEAR, ["M", "M"]))]
    worst = worst_runs(year)
    assert worst["months"].max() == 12
    for row in worst.itertuples():
        match = runs[(runs["kpi_id"] == row.kpi_id) & (runs["start"] == row.first)]
        assert match[["end", "length"]].values.tolist() == [[row.last, row.months]]


# ----------------------------------------------------------------------------------------------
# A small contract: a monthly KPI with a Blue month and a calendar gap, and a quarterly KPI.

def small() -> pd.DataFrame:
    monthly = pd.DataFrame({
        "kpi_id": "A_KPI_01", "frequency": "M",
        "month": pd.PeriodIndex(["2016-01", "2016-02", "2016-03", "2016-04", "2016-06",
                                 "2016-07"], freq="M"),
        "rag": ["red", "red", "blue", "red", "red", "amber"],
        "value": [1.0, None, None, 3.0, 4.0, 5.0]})
    quarterly = pd.DataFrame({
        "kpi_id": "Q_KPI_01", "frequency": "Q",
        "month": pd.PeriodIndex(["2016-01", "2016-04", "2016-07"], freq="M"),
        "rag": ["red", "red", "red"], "value": [1.0, 2.0, 3.0]})
    frame = pd.concat([monthly, quarterly], ignore_index=True)
    return frame.assign(service="SVC", description="a KPI")


def test_small_contract_runs_by_hand():
    rows = small()
    red = status_runs(rows, "Red")
    assert red.astype(str).values.tolist() == [
        ["A_KPI_01", "2016-01", "2016-04", "3", "1"],  # Blue March passed over
        ["A_KPI_01", "2016-06", "2016-06", "1", "0"],  # May not held: a gap ends the run
        ["Q_KPI_01", "2016-01", "2016-07", "3", "0"]]  # three quarters running
    failing = status_runs(rows, FAILING)
    assert failing.astype(str).values.tolist() == [
        ["A_KPI_01", "2016-01", "2016-02", "2", "1"],  # Blue March ends a failing run
        ["A_KPI_01", "2016-04", "2016-04", "1", "0"],
        ["A_KPI_01", "2016-06", "2016-07", "2", "0"],
        ["Q_KPI_01", "2016-01", "2016-07", "3", "0"]]


def test_small_contract_register_ratings_narrative_and_review_agree_with_runs():
    rows = small().sample(frac=1, random_state=7)  # row order must not matter
    lengths = failing_run_lengths(rows)
    for month in rows["month"].unique():
        ends = ending_at(status_runs(rows[rows["month"] <= month], FAILING), month)
        now = rows["month"] == month
        assert dict(zip(rows.loc[now, "kpi_id"], lengths[now], strict=True)) == {
            k: ends.get(k, 0) for k in rows.loc[now, "kpi_id"]}
    red = status_runs(rows, "Red")
    assert longest_red_runs(rows).to_dict() == red.groupby("kpi_id")["length"].max().to_dict()
    assert worst_runs(rows)[["kpi_id", "months"]].values.tolist() == [["A_KPI_01", 3],
                                                                      ["Q_KPI_01", 3]]
    july = rows[rows["month"] == pd.Period("2016-07", "M")].assign(run_length=lengths)
    sentence = runs_sentence(july, pd.Period("2016-01", "M"))
    assert sentence == ("The longest failing runs are 3 consecutive months for Q_KPI_01; "
                        "2 consecutive months for A_KPI_01.")
