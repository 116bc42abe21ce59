"""What-if terms on the seed contract: hand-worked figures, refusals and properties."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrutiny.abate.abatement import ALL_SERVICES, contract_abatement
from scrutiny.abate.terms import load_terms
from scrutiny.abate.whatif import (
    COMPARE_COLUMNS,
    apply_settings,
    compare,
    load_scenario,
    parse_settings,
    rescore,
    whatif_abatement,
)
from scrutiny.exceptions import InputValidationError, TermsError
from scrutiny.load.contract import load_contract
from scrutiny.score.scoring import score

START, END = pd.Period("2015-07", "M"), pd.Period("2016-06", "M")


@pytest.fixture(scope="module")
def seed():
    contract = load_contract("lincolnshire-css")
    terms = load_terms(contract)
    scores = score(contract)
    return contract, terms, scores, contract_abatement(contract, terms, scores=scores)


def run(seed, settings_, by="service", start=START, end=END):
    contract, terms, scores, current = seed
    plan = apply_settings(contract, terms, settings_)
    return compare(current, whatif_abatement(contract, plan, scores), start, end, by=by), plan


def test_amber_at_full_points_hand_worked_on_pm(seed):
    # PM's Amber months, 2015-07..2016-06 (allocation x multiplier at the month's run place):
    # PM_KPI_01 2016-05 10 x 1.0; PM_KPI_09 (9 points) 2015-07 x1, 2015-08 x1.5, 2015-10 x2,
    # 2015-11 x2, 2016-02 x1, 2016-04 x1, 2016-05 x1.5. Amber at 0.5 -> 1.0 adds half of each:
    # 5 + 4.5 * (1 + 1.5 + 2 + 2 + 1 + 1 + 1.5) = 50 points = GBP 5,000 at GBP 100, under the
    # 10% cap of GBP 25,000 a month.
    table, plan = run(seed, {"amber_fraction": 1.0})
    assert list(table.columns) == COMPARE_COLUMNS["service"]
    assert table["service"].tolist() == ["PM", "IMT", "CSC", "ACF", "F", ALL_SERVICES]
    pm = table.set_index("service").loc["PM"]
    assert pm["proposed_points"] - pm["points"] == pytest.approx(50.0)
    assert pm["difference"] == pytest.approx(5000.0)
    assert pm["credit"] == pytest.approx(100300.0)
    total = table.set_index("service").loc[ALL_SERVICES]
    assert total["difference"] == pytest.approx(table["difference"].iloc[:-1].sum())
    assert plan.notes == ()


def test_thresholds_rescore_the_kpi_hand_worked(seed):
    # PM_KPI_09 (higher is better, TSL 95, MSL 90): with TSL 90 its seven Amber months (all
    # 90.00 or more) turn Green, so the Red 2015-09 (84.57) starts a run of its own: 9 points.
    # Today: 4.5 + 6.75 + 18 + 9 + 9 + 4.5 + 4.5 + 6.75 = 63 points.
    table, _ = run(seed, {"tsl.PM_KPI_09": 90}, by="kpi")
    row = table.set_index("kpi_id").loc["PM_KPI_09"]
    assert row["points"] == pytest.approx(63.0)
    assert row["proposed_points"] == pytest.approx(9.0)
    assert row["difference"] == pytest.approx(-54.0)
    assert (table.drop(columns=["kpi_id", "service"]).set_index(table["kpi_id"])
            .drop(index="PM_KPI_09")["difference"] == 0).all()
    scores = seed[2]
    rescored = rescore(scores, {"PM_KPI_09": {"tsl": 90.0}})
    kpi = rescored[(rescored["kpi_id"] == "PM_KPI_09") & rescored["month"].between(START, END)]
    assert kpi["rag"].tolist().count("green") == 11
    assert (kpi["tsl"] == 90).all()


def test_allocation_off_the_total_is_allowed_but_reported(seed):
    table, plan = run(seed, {"points.PM_KPI_01": 20})
    assert "1010 points" in plan.notes[0] and "1000" in plan.notes[0]
    # PM_KPI_01 failed Red in 2015-11 (x1) and Amber in 2016-05 (x1 at 0.5): 10 + 5 more.
    assert table.set_index("service").loc["PM", "difference"] == pytest.approx(1500.0)


def test_volume_lowers_the_cap(seed):
    table, _ = run(seed, {"volume.PM": 0})
    pm = table.set_index("service").loc["PM"]
    assert pm["proposed_credit"] == 0 and pm["proposed_points"] == pm["points"]


@pytest.mark.parametrize(("settings_", "words"), [
    ({"colour": "green"}, "cannot set 'colour'"),
    ({"amber_fraction": "x"}, "amber_fraction: Input should be a valid number"),
    ({"amber_fraction": 2}, "less than or equal to 1"),
    ({"multipliers": [1, 0.5]}, "never fall"),
    ({"volume.XX": 5}, "volume.XX: no such service"),
    ({"volume.PM": -1}, "volume.PM: -1 must be at least 0"),
    ({"points.NOPE": 5}, "points.NOPE: no such KPI"),
    ({"points.PM_KPI_01": 0}, "must be above 0"),
    ({"tsl.PM_KPI_09": "high"}, "is not a number"),
    ({"tsl.PM_KPI_09": 80}, "TSL 80 would be below MSL 90"),
    ({"msl.NOPE": 80}, "msl.NOPE: no such KPI"),
])
def test_bad_settings_get_one_clear_line(seed, settings_, words):
    with pytest.raises(TermsError, match=words) as err:
        apply_settings(seed[0], seed[1], settings_)
    assert "\n" not in str(err.value)


def test_parse_settings_reads_types_and_lists():
    assert parse_settings(["amber_fraction=1.0", "blue_breaks_run=false", "multipliers=1,2,3",
                           "tsl.X=95"]) == {"amber_fraction": 1.0, "blue_breaks_run": False,
                                            "multipliers": [1.0, 2.0, 3.0], "tsl.X": 95}
    assert parse_settings(["multipliers=[1, 1.5]"]) == {"multipliers": [1, 1.5]}
    with pytest.raises(TermsError, match="NAME=VALUE"):
        parse_settings(["amber_fraction"])
    with pytest.raises(TermsError, match="not a number"):
        parse_settings(["multipliers=1,x"])


def test_scenario_file(tmp_path):
    path = tmp_path / "amber.yaml"
    path.write_text("name: Amber at full points\nreason: was mitigation too generous?\n"
                    "set:\n  amber_fraction: 1.0\n  volume.PM: 300000\n", encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.name == "Amber at full points"
    assert scenario.settings == {"amber_fraction": 1.0, "volume.PM": 300000}
    path.write_text("name: x\nreason: y\nsettings: {}\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match="amber.yaml"):
        load_scenario(path)


# -- properties -----------------------------------------------------------------------------

TERMS = st.fixed_dictionaries({}, optional={
    "amber_fraction": st.floats(0, 1),
    "blue_breaks_run": st.booleans(),
    "point_value_gbp": st.floats(0, 10_000),
    "cap_fraction": st.floats(0, 1),
    "multipliers": st.lists(st.floats(1, 5), min_size=1, max_size=4).map(sorted),
    "volume.IMT": st.floats(0, 2_000_000),
    "points.CSC_KPI_01": st.floats(0.5, 200),
    "tsl.PM_KPI_09": st.floats(90, 100),
})
PROPERTY = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_no_settings_is_todays_figures(seed):
    for by in COMPARE_COLUMNS:
        table, _ = run(seed, {}, by=by)
        assert (table["difference"] == 0).all()
        value = "credit" if not by.startswith("kpi") else "points"
        assert (table[value] == table[f"proposed_{value}"]).all()
        if by == "kpi-month":
            assert not table["rag_changed"].any()
            assert (table["run_length"] == table["proposed_run_length"]).all()
    current = seed[3].service_months
    in_range = current[current["month"].between(START, END) & (current["service"] == "ALL")]
    table, _ = run(seed, {})
    assert table.iloc[-1]["credit"] == pytest.approx(in_range["credit"].sum())


@PROPERTY
@given(changes=TERMS, low=st.floats(0, 1), high=st.floats(0, 1))
def test_raising_amber_fraction_never_lowers_points(seed, changes, low, high):
    low, high = sorted((low, high))
    contract, terms, scores, _ = seed
    points = [whatif_abatement(contract, apply_settings(
        contract, terms, {**changes, "amber_fraction": share}), scores).kpi_months["points"]
        for share in (low, high)]
    assert (points[1].to_numpy() >= points[0].to_numpy() - 1e-9).all()


@PROPERTY
@given(changes=TERMS)
def test_credits_never_exceed_the_cap(seed, changes):
    contract, terms, scores, _ = seed
    months = whatif_abatement(contract, apply_settings(contract, terms, changes),
                              scores).service_months
    assert (months["credit"] <= months["cap"] + 1e-6).all()
    assert (months["credit"] >= 0).all()
