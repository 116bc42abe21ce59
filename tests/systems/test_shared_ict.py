"""Shared ICT service: real Brent/Lewisham/Southwark pack (seed 003) and constructed cases."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.exceptions import InputValidationError
from scrutiny.load.shared_service import load_shared_service
from scrutiny.systems import shared_ict
from systems_helpers import DATA, copy_dataset, replace_in

NOV, DEC, JAN = (pd.Period(m, freq="M") for m in ("2017-11", "2017-12", "2018-01"))


@pytest.fixture(scope="module")
def pack():
    return load_shared_service("brent-lewisham-southwark", data_root=DATA)


def value(frame, council, month, metric, column="value"):
    row = frame[(frame["council"] == council) & (frame["month"] == month)
                & (frame["metric"] == metric)]
    assert len(row) == 1
    return row[column].iloc[0]


def test_southwark_nov_2017_overall_sla(pack):
    assert value(pack.performance, "Southwark", NOV, "sla_overall") == 75.42


def test_pack_is_complete(pack):
    assert len(pack.performance) == 3 * 3 * 15
    assert list(pack.months) == [NOV, DEC, JAN]


def test_ranking_lowest_sla_is_last(pack):
    table = shared_ict.council_comparison(pack.performance, pack.metrics)
    assert value(table, "Lewisham", NOV, "sla_overall", "rank") == 1
    assert value(table, "Southwark", NOV, "sla_overall", "rank") == 3
    # fewer P1 incidents is better: Brent (4) beats Lewisham (10) and Southwark (16)
    assert value(table, "Brent", NOV, "p1_incidents", "rank") == 1
    assert pd.isna(value(table, "Brent", NOV, "calls_logged", "rank"))


def test_peer_mean_excludes_the_council_itself(pack):
    table = shared_ict.council_comparison(pack.performance, pack.metrics)
    assert value(table, "Southwark", NOV, "sla_overall", "peer_mean") == pytest.approx(
        (81.52 + 84.11) / 2)
    assert value(table, "Southwark", NOV, "sla_overall", "better_than_peers") is False


def test_council_vs_peers_for_one_month(pack):
    rows = shared_ict.council_vs_peers(pack.performance, pack.metrics, "Brent", JAN)
    assert set(rows["council"]) == {"Brent"} and len(rows) == 15


def test_month_on_month_respects_direction(pack):
    table = shared_ict.month_on_month(pack.performance, pack.metrics)
    assert value(table, "Southwark", DEC, "nps", "change") == pytest.approx(49.84 - 33.62)
    assert value(table, "Southwark", DEC, "nps", "improved") is True
    # P1 incidents fell 16 -> 8: lower is better, so improved
    assert value(table, "Southwark", DEC, "p1_incidents", "improved") is True
    assert pd.isna(value(table, "Southwark", NOV, "nps", "improved"))


def test_trend_is_ordered_by_month(pack):
    series = shared_ict.trend(pack.performance, "Brent", "sla_overall")
    assert list(series) == [81.52, 81.98, 79.72]


def test_total_calls_equal_incidents_plus_requests(pack):
    check = shared_ict.calls_total_check(pack.performance, pack.info.calls_components)
    assert len(check) == 9 and check["consistent"].all()


def test_staff_derivations_agree_within_rounding(pack):
    staff = shared_ict.derived_staff(pack.performance, pack.metrics)
    brent_nov = staff[(staff["council"] == "Brent") & (staff["month"] == NOV)].set_index(
        "ratio_metric")
    assert brent_nov.loc["calls_per_employee", "staff"] == pytest.approx(3902 / 1.30)
    assert brent_nov.loc["open_calls_per_employee", "staff"] == pytest.approx(520 / 0.17)
    consistency = shared_ict.staff_consistency(staff)
    assert consistency["consistent"].all()


def test_inconsistent_ratios_are_flagged():
    metrics = pd.DataFrame({"metric": ["a", "a_per", "b", "b_per"],
                            "direction": ["neutral"] * 4, "decimals": [0, 2, 0, 2],
                            "per_employee_of": ["", "a", "", "b"]})
    performance = pd.DataFrame({"council": "X", "month": NOV,
                                "metric": ["a", "a_per", "b", "b_per"],
                                "value": [1000.0, 1.00, 1000.0, 0.50]})
    staff = shared_ict.derived_staff(performance, metrics)
    result = shared_ict.staff_consistency(staff)
    assert not result["consistent"].iloc[0]  # 1000 staff against 2000 staff


@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=100, max_value=20000))
def test_rounding_range_contains_the_true_headcount(count, staff):
    ratio = round(count / staff, 2)
    if ratio == 0:
        return
    metrics = pd.DataFrame({"metric": ["n", "n_per"], "direction": ["neutral"] * 2,
                            "decimals": [0, 2], "per_employee_of": ["", "n"]})
    performance = pd.DataFrame({"council": "X", "month": NOV, "metric": ["n", "n_per"],
                                "value": [float(count), ratio]})
    row = shared_ict.derived_staff(performance, metrics).iloc[0]
    high = row["staff_high"] if pd.notna(row["staff_high"]) else float("inf")
    assert row["staff_low"] <= staff + 1e-9 and staff <= high + 1e-9


def test_top_risk_is_data_centre_loss_with_score_6(pack):
    top = shared_ict.top_risks(pack.risks)
    assert list(top["risk_id"]) == ["01"]
    assert top["computed_score"].iloc[0] == 6 and top["score"].iloc[0] == 6


def test_every_published_score_is_impact_times_likelihood(pack):
    assert shared_ict.risk_scores(pack.risks)["score_matches"].all()


def test_score_mismatch_is_flagged():
    risks = pd.DataFrame({
        "risk_id": ["A", "B"], "impact": [3, 2], "likelihood": [2, 2], "score": [6, 5],
        "expected": [True, False]})
    result = shared_ict.risk_scores(risks).set_index("risk_id")
    assert result["score_matches"].to_dict() == risks.set_index("risk_id")["expected"].to_dict()


def test_unknown_metric_names_file_row_and_column(tmp_path):
    folder = copy_dataset("brent-lewisham-southwark", tmp_path)
    replace_in(folder / "performance.csv", "Brent,2017-11,sla_overall", "Brent,2017-11,sla_all")
    with pytest.raises(InputValidationError, match="unknown metric 'sla_all'") as err:
        load_shared_service("brent-lewisham-southwark", data_root=tmp_path)
    assert (err.value.file, err.value.column) == ("performance.csv", "metric")
    assert err.value.row is not None


def test_malformed_month_is_refused(tmp_path):
    folder = copy_dataset("brent-lewisham-southwark", tmp_path)
    replace_in(folder / "performance.csv", "Brent,2017-11,p1_incidents",
               "Brent,Nov-17,p1_incidents")
    with pytest.raises(InputValidationError) as err:
        load_shared_service("brent-lewisham-southwark", data_root=tmp_path)
    assert (err.value.column, err.value.row) == ("month", 2)


def test_likelihood_off_the_scale_is_refused(tmp_path):
    folder = copy_dataset("brent-lewisham-southwark", tmp_path)
    replace_in(folder / "risks.csv", "Delivery,3,2,6,", "Delivery,3,4,12,")
    with pytest.raises(InputValidationError, match="outside the scale 1-3") as err:
        load_shared_service("brent-lewisham-southwark", data_root=tmp_path)
    assert (err.value.file, err.value.column, err.value.row) == ("risks.csv", "likelihood", 2)
