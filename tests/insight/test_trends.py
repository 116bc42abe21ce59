import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_series import combine, scored_series
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.insight.trends import (
    DETERIORATING,
    IMPROVING,
    NOT_ENOUGH_DATA,
    STABLE,
    flagged,
    kpi_trends,
)
from scrutiny.load.contract import load_contract
from scrutiny.score.scoring import score

JUNE = pd.Period("2016-06", "M")


def trend_of(cells, **kwargs) -> pd.Series:
    params = {k: kwargs.pop(k) for k in ("window", "min_points", "alpha", "horizon")
              if k in kwargs}
    scores = scored_series(cells, **kwargs)
    return kpi_trends(scores, scores["month"].max(), **params).iloc[0]


def test_flat_series_is_stable_and_not_flagged():
    row = trend_of([97.0] * 6)
    assert row["classification"] == STABLE
    assert row["slope"] == 0
    assert math.isnan(row["months_to_tsl"]) and not row["flag"]


def test_steady_fall_meeting_tsl_is_flagged_with_months_to_tsl_and_msl():
    # 94 now, losing 1 a month: 93, 92 (still meets TSL 92), 91 misses -> 3; MSL 90 missed at 89.
    row = trend_of([99, 98, 97, 96, 95, 94], tsl=92, msl=90)
    assert row["classification"] == DETERIORATING
    assert row["slope"] == pytest.approx(-1)
    assert (row["months_to_tsl"], row["months_to_msl"]) == (3, 5)
    assert row["flag"]


def test_flag_respects_the_horizon():
    row = trend_of([99, 98, 97, 96, 95, 94], tsl=92, msl=90, horizon=2)
    assert row["classification"] == DETERIORATING and not row["flag"]


def test_lower_is_better_rising_counts_deteriorate_the_right_way_round():
    row = trend_of([1, 2, 3, 4, 5, 6], direction="lower", tsl=8, msl=10)
    assert row["classification"] == DETERIORATING
    assert (row["months_to_tsl"], row["months_to_msl"]) == (3, 5)


def test_lower_is_better_falling_counts_improve_and_are_not_projected():
    row = trend_of([6, 5, 4, 3, 2, 1], direction="lower", tsl=8, msl=10)
    assert row["classification"] == IMPROVING
    assert math.isnan(row["months_to_tsl"]) and not row["flag"]


def test_amber_kpi_gets_months_to_msl_only():
    row = trend_of([99, 98, 97, 96, 95, 91], tsl=92, msl=90)
    assert row["rag"] == "amber" and row["classification"] == DETERIORATING
    assert math.isnan(row["months_to_tsl"])
    assert row["months_to_msl"] == 2  # 91 now, 90 next month still meets MSL, 89 misses it


def test_too_few_points_says_so_and_counts_what_was_excluded():
    cells = [95, "Mitigation Agreed", "Data not available", 96, "Not Measured", 97]
    row = trend_of(cells)
    assert row["classification"] == NOT_ENOUGH_DATA
    assert (row["n_points"], row["excluded_blue"], row["excluded_no_data"]) == (3, 2, 1)
    assert math.isnan(row["slope"])


def test_window_limits_the_months_fitted():
    # Rising for a year then falling for the last five months; a 5-month window sees the fall.
    cells = [80, 82, 84, 86, 88, 90, 92, 94, 99, 98, 97, 96, 95]
    assert trend_of(cells, window=5, tsl=90, msl=85)["classification"] == DETERIORATING
    assert trend_of(cells, window=13, tsl=90, msl=85)["classification"] == IMPROVING


def test_one_outlier_does_not_turn_a_theil_sen_slope():
    row = trend_of([95, 96, 40, 98, 99, 100], tsl=90, msl=85)
    assert row["slope"] == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [{"window": 1}, {"min_points": 7}, {"alpha": 0},
                                 {"horizon": 0}, {"min_points": 1}])
def test_parameters_out_of_range_are_refused(bad):
    scores = scored_series([90] * 6)
    with pytest.raises(ValueError):
        kpi_trends(scores, scores["month"].max(), **bad)


def test_a_period_without_results_is_an_error():
    scores = scored_series([90] * 6)
    with pytest.raises(NoDataForPeriodError, match="results are held for 2016-01 to 2016-06"):
        kpi_trends(scores, pd.Period("2017-01", "M"))


def test_flagged_orders_soonest_first():
    scores = combine(
        scored_series([99, 98, 97, 96, 95, 94], kpi_id="TST_KPI_01", tsl=92, msl=90),
        scored_series([99, 98, 97, 96, 95, 94], kpi_id="TST_KPI_02", tsl=93, msl=90),
        scored_series([97] * 6, kpi_id="TST_KPI_03"),
    )
    warned = flagged(kpi_trends(scores, pd.Period("2016-06", "M")))
    assert warned["kpi_id"].tolist() == ["TST_KPI_02", "TST_KPI_01"]


def test_seed_june_2016_trends():
    trends = kpi_trends(score(load_contract("lincolnshire-css")), JUNE)
    assert len(trends) == 43
    assert not trends["flag"].any()
    by_class = trends.groupby("classification")["kpi_id"].apply(list).to_dict()
    assert by_class[IMPROVING] == ["F_KPI_01"]
    assert DETERIORATING not in by_class
    assert by_class[NOT_ENOUGH_DATA] == ["PM_KPI_02", "PM_KPI_03", "PM_KPI_04", "PM_KPI_05",
                                         "PM_KPI_08", "IMT_KPI_09", "IMT_KPI_11", "CSC_KPI_08"]
    f1 = trends.set_index("kpi_id").loc["F_KPI_01"]
    assert (f1["n_points"], f1["excluded_no_data"]) == (5, 1)
    assert f1["p_value"] == pytest.approx(2 / 120)  # exact two-sided p of a perfect rise, n=5


def test_headroom_is_the_smallest_margin_in_own_units_either_direction():
    up = trend_of([97, 96.5, 99, 98, 97.25, 98], tsl=95, msl=90)
    assert (up["min_headroom_tsl"], up["min_headroom_msl"]) == (pytest.approx(1.5),
                                                                pytest.approx(6.5))
    down = trend_of([3, 4, 2, 6, 5, 4], direction="lower", tsl=5, msl=8)
    assert (down["min_headroom_tsl"], down["min_headroom_msl"]) == (-1, 2)  # missed TSL once, by 1


def test_green_throughout_and_heading_for_target_is_drifting():
    # 99.5 falling 0.5 a month, not significant enough to matter: 97 now, TSL 95 missed at 94.5
    # in month 5 -> drifting within a horizon of 6 but not of 3.
    cells = [99.5, 99, 98.5, 98, 97.5, 97]
    assert trend_of(cells, tsl=95, msl=90, horizon=6)["drifting"]
    assert not trend_of(cells, tsl=95, msl=90, horizon=3)["drifting"]


def test_a_kpi_that_was_not_green_every_month_is_not_drifting():
    row = trend_of([99.5, 99, 94, 98, 97.5, 97], tsl=95, msl=90, horizon=6)
    assert row["rag"] == "green" and not row["drifting"]
    assert not trend_of([97.0] * 6, tsl=95, msl=90, horizon=12)["drifting"]  # flat: no drift


def test_seed_june_2016_headroom_and_no_drift():
    trends = kpi_trends(score(load_contract("lincolnshire-css")), JUNE).set_index("kpi_id")
    assert not trends["drifting"].any()
    # PM_KPI_01 (higher is better, TSL 99.9, MSL 99): lowest month 99.76 in Jan-Jun 2016.
    assert trends.loc["PM_KPI_01", ["min_headroom_tsl", "min_headroom_msl"]].tolist() == [
        pytest.approx(-0.14), pytest.approx(0.76)]
    # CSC_KPI_04 (lower is better, TSL 7, MSL 10): worst month 9.94 in March 2016.
    assert trends.loc["CSC_KPI_04", ["min_headroom_tsl", "min_headroom_msl"]].tolist() == [
        pytest.approx(-2.94), pytest.approx(0.06)]


values = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.one_of(values, st.sampled_from(["Mitigation Agreed",
                                                         "Data not available"])),
                      min_size=2, max_size=12),
       direction=st.sampled_from(["higher", "lower"]),
       thresholds=st.tuples(values, values), window=st.integers(2, 12))
def test_trend_invariants(cells, direction, thresholds, window):
    tsl, msl = sorted(thresholds, reverse=direction == "higher")
    scores = scored_series(cells, direction=direction, tsl=tsl, msl=msl)
    row = kpi_trends(scores, scores["month"].max(), window=window,
                     min_points=min(5, window)).iloc[0]
    assert row["n_points"] + row["excluded_blue"] + row["excluded_no_data"] == min(
        window, len(cells))
    if not np.isnan(row["months_to_tsl"]):
        assert row["classification"] == DETERIORATING and row["rag"] == "green"
        assert 1 <= row["months_to_tsl"] <= row["months_to_msl"]
    if row["flag"]:
        assert row["classification"] == DETERIORATING
    if row["n_points"]:
        assert row["min_headroom_msl"] >= row["min_headroom_tsl"]  # the minimum is the lower bar
    if row["drifting"]:
        tail = scores[scores["month"] > scores["month"].max() - window]
        assert (tail["rag"] == "green").all() and row["min_headroom_tsl"] >= 0
