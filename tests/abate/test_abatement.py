"""Abatement points and service credits: seed data, inline frames and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrutiny.abate.abatement import (
    add_totals,
    contract_abatement,
    kpi_points,
    mitigation_cost,
    service_credits,
    unmitigated,
)
from scrutiny.abate.terms import load_terms
from scrutiny.load.contract import load_contract

RULES = {"amber_fraction": 0.5, "multipliers": (1.0, 1.5, 2.0)}


@pytest.fixture(scope="module")
def contract():
    return load_contract("lincolnshire-css")


@pytest.fixture(scope="module")
def terms(contract):
    return load_terms(contract)


@pytest.fixture(scope="module")
def result(contract, terms):
    return contract_abatement(contract, terms)


def kpi_rows(result, kpi_id):
    return result.kpi_months[result.kpi_months["kpi_id"] == kpi_id].reset_index(drop=True)


def history(rags: list[str], allocation: float = 20.0, start: str = "2016-01",
            kpi_id: str = "X_KPI_01") -> pd.DataFrame:
    return pd.DataFrame({"kpi_id": kpi_id, "service": "X",
                         "month": pd.period_range(start, periods=len(rags), freq="M"),
                         "rag": rags, "allocation": allocation})


# --- seed data -----------------------------------------------------------------------------------

def test_data_not_available_every_month_doubles_from_the_third(result):
    rows = kpi_rows(result, "PM_KPI_02")
    assert (rows["basis"] == "data not available").all() and len(rows) == 12
    assert rows["multiplier"].tolist() == [1.0, 1.5] + [2.0] * 10
    assert rows["points"].tolist() == [10.0, 15.0] + [20.0] * 10


def test_green_month_breaks_a_run_on_seed_data(result):
    # IMT_KPI_10: Red Red Amber Amber Amber Green Green Amber Amber Amber Amber Amber
    rows = kpi_rows(result, "IMT_KPI_10")
    assert rows["run_length"].tolist() == [1, 2, 3, 4, 5, 0, 0, 1, 2, 3, 4, 5]
    assert rows.loc[7, "multiplier"] == 1.0
    assert rows.loc[7, "points"] == 15 * 0.5  # Amber: half of 15 points, first of a new run


def test_cap_bites_on_finance(result):
    f = result.service_months.set_index(["service", "month"]).loc[("F", pd.Period("2015-09"))]
    # F_KPI_01 and F_KPI_03 Red for the 3rd month: (50 + 27) x 2.0 = 154 points = GBP 15,400,
    # above the cap of 10% x GBP 120,000.
    assert f["points"] == 154
    assert f["uncapped_credit"] == 15_400
    assert f["cap"] == 12_000 and f["credit"] == 12_000 and f["capped"]


def test_cap_follows_the_service_volume(contract, terms):
    richer = terms.replace(services={**terms.params.model_dump()["services"],
                                     "F": {"monthly_volume_gbp": 1_000_000,
                                           "effective_from": "2015-04"}})
    rows = contract_abatement(contract, richer).service_months
    assert not rows.loc[rows["service"] == "F", "capped"].any()


def test_service_totals_are_the_sum_of_kpi_points(result):
    by_kpi = result.kpi_months.groupby(["service", "month"])["points"].sum()
    rows = result.service_months[result.service_months["service"] != "ALL"]
    assert np.allclose(rows.set_index(["service", "month"])["points"], by_kpi.loc[
        list(rows.set_index(["service", "month"]).index)])
    all_rows = result.service_months[result.service_months["service"] == "ALL"]
    assert np.allclose(all_rows["points"].to_numpy(),
                       rows.groupby("month")["points"].sum().to_numpy())


def test_blue_months_attract_nothing_on_seed_data(result):
    blue = result.kpi_months[result.kpi_months["rag"] == "blue"]
    assert len(blue) > 0 and (blue["points"] == 0).all()


def test_mitigation_cost_explained(contract, terms):
    by_kpi, by_month = mitigation_cost(contract, terms)
    row = by_kpi.set_index("kpi_id").loc["PM_KPI_08"]
    # 9 Mitigation Agreed months, no value recorded: data not available, 10 points each.
    assert row["relieved_months"] == 9
    assert row["points_without_mitigation"] == 10 + 15 + 20 * 7
    pm06 = by_kpi.set_index("kpi_id").loc["PM_KPI_06"]
    # Not Measured Jul-Aug 2015, then data not available Sep-Oct: relief also keeps Sep-Oct
    # at 1.0 and 1.5 instead of 2.0 and 2.0.
    assert (pm06["points"], pm06["points_without_mitigation"]) == (25, 65)
    assert (by_month["credit_forgone"] >= 0).all()


def test_without_mitigation_bands_recorded_values():
    scores = pd.DataFrame({"rag": ["blue", "blue", "red"], "value": [99.0, np.nan, 50.0],
                           "tsl": 95.0, "msl": 90.0, "direction": "higher",
                           "basis": ["glide period", "mitigation agreed", "missed MSL"]})
    out = unmitigated(scores)
    assert out["rag"].tolist() == ["green", "red", "red"]
    assert out["mitigated"].tolist() == [True, True, False]
    assert out["basis"].iloc[1] == "relief removed: no value, data not available"


# --- runs on inline frames -----------------------------------------------------------------------

@pytest.mark.parametrize("blue_breaks_run, expected", [
    (True, [1.0, 0.0, 1.0, 1.5]),
    (False, [1.0, 0.0, 1.5, 2.0]),
])
def test_run_meeting_a_blue_month(blue_breaks_run, expected):
    out = kpi_points(history(["red", "blue", "red", "amber"]), blue_breaks_run=blue_breaks_run,
                     **RULES)
    assert out["multiplier"].tolist() == expected
    assert out.loc[1, "points"] == 0


def test_amber_attracts_its_fraction():
    out = kpi_points(history(["amber", "amber", "green", "red"]), **RULES)
    expected = [10.0, 15.0, 0.0, 20.0]
    assert out["points"].tolist() == expected


def test_kpi_entering_and_leaving_contract():
    leaving = history(["red", "red"], start="2019-01", kpi_id="A_KPI_01")
    entering = history(["red", "red", "red"], start="2019-03", kpi_id="B_KPI_01")
    frame = pd.concat([entering, leaving], ignore_index=True)  # any order
    out = kpi_points(frame, **RULES).sort_values(["kpi_id", "month"])
    assert out["run_length"].tolist() == [1, 2, 1, 2, 3]


def test_missing_month_ends_a_run():
    frame = history(["red", "red", "red"]).drop(index=1)
    assert kpi_points(frame, **RULES)["run_length"].tolist() == [1, 1]


def test_keys_separate_contracts():
    frame = pd.concat([history(["red", "red"]).assign(contract="a"),
                       history(["red"], start="2016-03").assign(contract="b")],
                      ignore_index=True)
    out = kpi_points(frame, keys=("contract", "kpi_id"), **RULES)
    assert out["run_length"].tolist() == [1, 2, 1]


def test_allocation_follows_effective_dates(contract, terms):
    from scrutiny.abate.terms import allocation_for
    from scrutiny.exceptions import TermsError
    frame = pd.DataFrame({"kpi_id": ["PM_KPI_01", "IMT_KPI_01"],
                          "month": pd.PeriodIndex(["2019-02", "2019-03"], freq="M")})
    assert allocation_for(frame, terms).tolist() == [10, 40]
    late = frame.assign(month=pd.PeriodIndex(["2019-03", "2019-03"], freq="M"))
    with pytest.raises(TermsError, match="PM_KPI_01 in 2019-03"):
        allocation_for(late, terms)


# --- properties ----------------------------------------------------------------------------------

RAGS = st.lists(st.sampled_from(["green", "amber", "red", "blue"]), min_size=1, max_size=30)
BETTER = {"red": "amber", "amber": "green"}


@settings(max_examples=200, deadline=None)
@given(RAGS, st.booleans(), st.floats(0, 1))
def test_points_never_negative(rags, blue_breaks_run, amber_fraction):
    out = kpi_points(history(rags), amber_fraction=amber_fraction,
                     blue_breaks_run=blue_breaks_run)
    assert (out["points"] >= 0).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1e5), min_size=1, max_size=20), st.floats(0, 1e4),
       st.floats(0, 1e7), st.floats(0, 1))
def test_credit_never_exceeds_cap(points, point_value, volume, cap_fraction):
    frame = pd.DataFrame({"service": "X", "month": range(len(points)), "points": points,
                          "monthly_volume_gbp": volume})
    out = add_totals(service_credits(frame, point_value_gbp=point_value,
                                     cap_fraction=cap_fraction))
    assert (out["credit"] <= out["cap"]).all()
    assert (out["credit"] <= out["uncapped_credit"]).all()


@settings(max_examples=300, deadline=None)
@given(RAGS, st.booleans(), st.data())
def test_a_better_month_never_raises_points(rags, blue_breaks_run, data):
    failing = [i for i, r in enumerate(rags) if r in BETTER]
    if not failing:
        return
    i = data.draw(st.sampled_from(failing))
    better = [*rags[:i], BETTER[rags[i]], *rags[i + 1:]]
    before = kpi_points(history(rags), blue_breaks_run=blue_breaks_run, **RULES)["points"]
    after = kpi_points(history(better), blue_breaks_run=blue_breaks_run, **RULES)["points"]
    assert (after <= before + 1e-12).all()


@settings(max_examples=300, deadline=None)
@given(RAGS, st.data())
def test_removing_mitigation_never_lowers_points(rags, data):
    relieved = [data.draw(st.sampled_from(["green", "amber", "red"])) if r == "blue" else r
                for r in rags]
    before = kpi_points(history(rags), blue_breaks_run=True, **RULES)["points"]
    after = kpi_points(history(relieved), blue_breaks_run=True, **RULES)["points"]
    assert (after >= before - 1e-12).all()


def test_removing_mitigation_can_lower_points_when_blue_is_skipped():
    # When Blue is transparent, relief can *raise* points: a Green value hidden under
    # mitigation would have ended the run. Documented in data/README.md.
    kwargs = {"blue_breaks_run": False, **RULES}
    mitigated = kpi_points(history(["red", "blue", "red"]), **kwargs)["points"].sum()
    relieved = kpi_points(history(["red", "green", "red"]), **kwargs)["points"].sum()
    assert relieved < mitigated


@pytest.mark.parametrize("as_category", [True, False])
def test_service_month_points_match_groupby(as_category):
    from scrutiny.abate.abatement import service_month_points
    rng = np.random.default_rng(5)
    n = 5_000
    frame = pd.DataFrame({
        "contract": rng.choice(["b", "a", "c"], n), "service": rng.choice(["PM", "F", "X"], n),
        "month": pd.PeriodIndex.from_ordinals(rng.integers(600, 640, n), freq="M"),
        "points": rng.choice([0.0, 7.5, 10.0, 0.3], n)})
    if as_category:
        frame = frame.astype({"contract": pd.CategoricalDtype(["c", "a", "b", "unused"]),
                              "service": "category"})
    keys = ["contract", "service", "month"]
    expected = frame.groupby(keys, observed=True, sort=True)["points"].sum().reset_index()
    got = service_month_points(frame, keys=("contract", "service"))
    pd.testing.assert_frame_equal(got, expected)
    missing = frame.assign(service=frame["service"].where(rng.random(n) > 0.1))
    pd.testing.assert_frame_equal(
        service_month_points(missing, keys=("contract", "service")),
        missing.groupby(keys, observed=True, sort=True)["points"].sum().reset_index())
