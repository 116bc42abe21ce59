import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kpi_series import combine, scored_series
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.insight.procurement import (
    APPROACHING,
    GOOD,
    INADEQUATE,
    OTHER,
    RATINGS,
    REQUIRES_IMPROVEMENT,
    RatingRules,
    procurement_ratings,
    rating_counts,
)
from scrutiny.load.contract import load_contract
from scrutiny.score.scoring import score

START, END = pd.Period("2016-01", "M"), pd.Period("2016-06", "M")
M, N, D = "Mitigation Agreed", "Not Measured", "Data not available"

CASES = pd.DataFrame([
    ([99, 99, 99, 99, 99, 99], GOOD, "Green in all 6 scored months"),
    ([99, 92, 99, 99, 92, 99], APPROACHING, "Green in 4 of 6 scored months, Amber in 2, no Red"),
    ([99, 92, 92, 92, 92, 99], REQUIRES_IMPROVEMENT,
     "Green in only 2 of 6 scored months (Approaching target needs 50%)"),
    ([99, 80, 99, 99, 99, 99], REQUIRES_IMPROVEMENT,
     "Red in 1 of 6 scored months (Requires improvement at 1 or more)"),
    ([99, 80, 80, 80, 99, 99], INADEQUATE,
     "Red in 3 consecutive months (Inadequate at 3 or more)"),
    ([99, 80, M, 80, 80, 99], INADEQUATE,
     "Red in 3 consecutive months (Inadequate at 3 or more)"),
    ([M, D, M, D, M, M], INADEQUATE, "no number in 2 of 2 scored months (Inadequate at 100% or "
     "more)"),
    ([M, M, M, N, M, M], OTHER, "Blue in 6 of 6 months; 0 scored (Other below 1)"),
    ([M, M, 99, 99, M, M], GOOD, "Green in all 2 scored months"),
], columns=["cells", "expected", "rule"])


def test_each_rule_on_constructed_series():
    scores = combine(*[scored_series(c, kpi_id=f"TST_KPI_{i:02d}")
                       for i, c in enumerate(CASES["cells"])])
    table = procurement_ratings(scores, START, END)
    assert table["rating"].tolist() == CASES["expected"].tolist()
    assert table["rule"].tolist() == CASES["rule"].tolist()


def test_rules_are_parameters():
    scores = scored_series([99, 80, 80, 80, 99, 99])
    strict = procurement_ratings(scores, START, END, RatingRules(inadequate_red_run=4))
    assert strict["rating"].tolist() == [REQUIRES_IMPROVEMENT]
    lenient_other = procurement_ratings(scored_series([M, M, 99, 99, M, M]), START, END,
                                        RatingRules(min_scored_months=3))
    assert lenient_other["rating"].tolist() == [OTHER]


def test_rules_refuse_unknown_keys_and_bad_values():
    with pytest.raises(ValidationError):
        RatingRules(inadequate_red_runs=2)
    with pytest.raises(ValidationError):
        RatingRules(approaching_min_green_share=1.5)


def test_a_period_without_results_is_an_error():
    with pytest.raises(NoDataForPeriodError):
        procurement_ratings(scored_series([99] * 6), pd.Period("2017-01", "M"),
                            pd.Period("2017-12", "M"))
    with pytest.raises(NoDataForPeriodError, match="swap --from and --to"):
        procurement_ratings(scored_series([99] * 6), END, START)


def test_seed_ratings_july_2015_to_june_2016():
    table = procurement_ratings(score(load_contract("lincolnshire-css")),
                                pd.Period("2015-07", "M"), pd.Period("2016-06", "M"))
    assert len(table) == 43 and (table["months"] == 12).all()
    assert rating_counts(table).set_index("rating")["kpis"].to_dict() == {
        GOOD: 16, APPROACHING: 5, REQUIRES_IMPROVEMENT: 13, INADEQUATE: 9, OTHER: 0}
    rated = table.set_index("kpi_id")
    assert rated.loc["PM_KPI_02", ["no_data", "longest_red_run", "rating"]].tolist() == [
        12, 12, INADEQUATE]
    assert rated.loc["PM_KPI_08", ["blue", "scored", "rating"]].tolist() == [9, 3, GOOD]


cells = st.one_of(st.sampled_from([99.0, 92.0, 80.0]), st.sampled_from([M, D]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(cells, min_size=6, max_size=6), min_size=1, max_size=5))
def test_rating_invariants(kpis):
    scores = combine(*[scored_series(c, kpi_id=f"TST_KPI_{i:02d}") for i, c in enumerate(kpis)])
    table = procurement_ratings(scores, START, END)
    counted = table[["green", "amber", "red", "blue"]].sum(axis=1)
    assert (counted == table["months"]).all()
    assert rating_counts(table)["kpis"].sum() == len(kpis)
    assert table["rating"].isin(RATINGS).all()
    all_green = (table["green"] == table["scored"]) & (table["scored"] > 0)
    assert (table.loc[all_green, "rating"] == GOOD).all()
    assert (table.loc[table["red"] > 0, "rating"].isin([REQUIRES_IMPROVEMENT, INADEQUATE])).all()


@pytest.mark.parametrize(("frequency", "step", "words"), [
    ("Q", 3, "Red in 3 consecutive quarterly results (Inadequate at 3 or more)"),
    ("A", 12, "Red in 3 consecutive annual results (Inadequate at 3 or more)"),
    ("M", 1, "Red in 3 consecutive months (Inadequate at 3 or more)"),
])
def test_a_run_of_a_quarterly_or_annual_kpi_is_not_called_months(frequency, step, words):
    """Red in November, February and May is 3 quarterly results in a row, not 3 months."""
    scores = scored_series([80, 80, 80, 99], start="2015-11").assign(frequency=frequency)
    scores["month"] = [pd.Period("2015-11", "M") + i * step for i in range(4)]
    table = procurement_ratings(scores, scores["month"].min(), scores["month"].max())
    assert table[["rating", "longest_red_run", "rule"]].values.tolist() == [
        [INADEQUATE, 3, words]]
    assert list(table.columns) == list(procurement_ratings(
        scored_series([99]), START, START).columns)  # no frequency column added
