"""The scoring rules of design.md, each on the seed's own rows (seed 000, Jul-2015..Jun-2016)."""

import pandas as pd
import pytest

from scrutiny.score.reconcile import reconcile
from scrutiny.score.scoring import score_frame, summary_counts


def kpi_month(scores, kpi_id, month):
    row = scores[(scores["kpi_id"] == kpi_id) & (scores["month"] == pd.Period(month, "M"))]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize(
    "kpi_id, month, expected_rag, expected_basis",
    [
        ("PM_KPI_01", "2016-05", "amber", "met MSL, missed TSL"),  # 99.76 vs TSL 99.9 / MSL 99
        ("PM_KPI_09", "2016-04", "amber", "met MSL, missed TSL"),  # 90.00 vs MSL 90: inclusive
        ("ACF_KPI_03", "2015-07", "green", "met TSL"),  # 75.00 vs TSL 75: inclusive
        ("PM_KPI_09", "2015-09", "red", "missed MSL"),  # 84.57 vs MSL 90
        ("CSC_KPI_04", "2015-12", "green", "met TSL"),  # 5.04 abandoned, lower is better, TSL 7
        ("CSC_KPI_04", "2015-08", "amber", "met MSL, missed TSL"),  # 8.40
        ("CSC_KPI_04", "2015-07", "red", "missed MSL"),  # 12.00 > MSL 10
        ("IMT_KPI_05", "2016-06", "red", "missed MSL"),  # 6 P1 incidents, MSL 5
        ("IMT_KPI_02", "2016-03", "amber", "met MSL, missed TSL"),  # 5.00 vs MSL 5, lower
        ("PM_KPI_06", "2015-11", "green", "met TSL"),  # 0 errors, lower is better
        ("PM_KPI_03", "2016-04", "red", "missed MSL"),  # 96.88 vs 100/100
        ("PM_KPI_02", "2015-07", "red", "data not available"),
        ("IMT_KPI_09", "2016-06", "red", "data not agreed"),
        ("PM_KPI_04", "2016-03", "red", "blank cell: data not available"),
        ("PM_KPI_08", "2015-10", "blue", "mitigation agreed"),
        ("PM_KPI_06", "2015-07", "blue", "not measured"),
    ],
)
def test_each_rule_on_seed_rows(css_scores, kpi_id, month, expected_rag, expected_basis):
    row = kpi_month(css_scores, kpi_id, month)
    assert (row["rag"], row["basis"]) == (expected_rag, expected_basis)


def test_status_word_is_kept_and_value_is_empty_where_there_is_no_number(css_scores):
    row = kpi_month(css_scores, "IMT_KPI_09", "2016-06")
    assert row["status"] == "Data not agreed" and pd.isna(row["value"])
    assert kpi_month(css_scores, "PM_KPI_04", "2016-03")["status"] == ""


def test_a_number_between_mitigated_months_is_scored(css_scores):
    # CSC_KPI_08 reports a number (88.08) in Jan-16 between months of "Mitigation Agreed":
    # the number is scored; the mitigated months are Blue.
    assert kpi_month(css_scores, "CSC_KPI_08", "2016-01")["rag"] == "green"
    assert kpi_month(css_scores, "CSC_KPI_08", "2016-02")["rag"] == "blue"


def test_acf_override_lowers_tsl_to_65_for_march_to_may_2016(css_scores):
    may = kpi_month(css_scores, "ACF_KPI_03", "2016-05")  # 68.39*: Amber at 75, Green at 65
    assert (may["tsl"], may["msl"], may["rag"]) == (65, 60, "green")
    assert "contribution policy" in may["override_reason"]
    feb = kpi_month(css_scores, "ACF_KPI_03", "2016-02")
    assert (feb["tsl"], feb["msl"]) == (75, 60) and pd.isna(feb["override_reason"])
    assert kpi_month(css_scores, "ACF_KPI_03", "2016-06")["tsl"] == 75


def test_csc_09_override_is_95_90_from_may_2016(css_scores):
    may = kpi_month(css_scores, "CSC_KPI_09", "2016-05")  # 99.24*: Red at 100/100
    assert (may["tsl"], may["msl"], may["rag"]) == (95, 90, "green")
    assert kpi_month(css_scores, "CSC_KPI_09", "2015-10")["rag"] == "red"  # 93.90 vs 100/100


def test_unattributed_glide_is_recorded_but_not_scored(css, css_scores):
    assert (css.glides["kpi_id"] == "").all() and len(css.glides) == 1
    assert css_scores["glide_reason"].isna().all()


def test_glide_scores_blue_even_with_a_value():
    frame = pd.DataFrame({
        "status": [None, None], "number": [10.0, 10.0], "tsl": [90.0, 90.0],
        "msl": [80.0, 80.0], "direction": ["higher", "higher"],
        "glide_reason": ["initial contract months", None],
        "expected": ["blue", "red"],
    })
    assert score_frame(frame)["rag"].tolist() == frame["expected"].tolist()


def test_computed_pm_and_finance_summaries_equal_the_published_ones(css, css_scores):
    computed = summary_counts(css_scores, list(css.info.services))
    findings = reconcile(css.published, computed)
    assert findings[findings["finding"] == "differs"].empty
    checked = css.published[css.published["source"] != "osmb-2019-table-1"]
    assert set(checked["service"]) == {"PM", "F"} and len(checked) == 34


def test_osmb_2019_summary_is_reported_as_unverifiable_not_as_matching(css, css_scores):
    findings = reconcile(css.published, summary_counts(css_scores, list(css.info.services)))
    unverifiable = findings[findings["finding"] == "no KPI-level results"]
    assert unverifiable["month"].astype(str).tolist() == [f"2019-0{m}" for m in range(1, 7)]


def test_reconcile_names_the_cell_that_differs(css, css_scores):
    computed = summary_counts(css_scores, list(css.info.services))
    published = css.published.copy()
    jun_pm = (published["service"] == "PM") & (published["month"] == pd.Period("2016-06", "M"))
    published.loc[jun_pm & (published["source"] == "appendix-a"), ["green", "amber"]] = [4, 1]
    differs = reconcile(published, computed).query("finding == 'differs'")
    assert differs[["source", "service", "category", "published", "computed"]].values.tolist() == [
        ["appendix-a", "PM", "green", 4, 5], ["appendix-a", "PM", "amber", 1, 0]]


def test_withheld_summaries_for_june_2016_come_from_the_same_rules(css, css_scores):
    june = summary_counts(css_scores, list(css.info.services), start=pd.Period("2016-06", "M"))
    table = june.set_index("service")[["green", "amber", "red", "blue", "total"]]
    # IMT by hand: Green 01,03,04,07,08,12; Amber 02 (3 vs 1/5), 06 (4 vs 3/5), 10 (90 vs 100/90);
    # Red 05 (6 > 5), 09 (Data not agreed), 11 (Data not agreed).
    assert table.loc["IMT"].tolist() == [6, 3, 3, 0, 12]
    assert table.loc["CSC"].tolist() == [8, 0, 0, 1, 9]  # CSC_KPI_04 mitigation
    assert table.loc["ACF"].tolist() == [9, 0, 0, 0, 9]
    assert table.loc["ALL"].tolist() == [30, 3, 8, 2, 43]


def test_all_row_is_the_sum_of_the_services(css, css_scores):
    table = summary_counts(css_scores, list(css.info.services))
    services = table[table["service"] != "ALL"].groupby("month")[["green", "amber", "red",
                                                                   "blue", "total"]].sum()
    overall = table[table["service"] == "ALL"].set_index("month")[services.columns]
    pd.testing.assert_frame_equal(services, overall)
    assert (overall["total"] == 43).all()


def test_summary_month_range_is_inclusive(css, css_scores):
    table = summary_counts(css_scores, list(css.info.services),
                           start=pd.Period("2016-02", "M"), end=pd.Period("2016-04", "M"))
    assert sorted(table["month"].astype(str).unique()) == ["2016-02", "2016-03", "2016-04"]


def test_score_frame_gives_categorical_rag_and_basis_that_behave_as_words():
    frame = pd.DataFrame({
        "status": [None, None, "Mitigation Agreed", "Data not agreed", None, None],
        "number": [96.0, 91.0, 99.0, float("nan"), 50.0, float("nan")],
        "tsl": 95.0, "msl": 90.0, "direction": "higher",
        "glide_reason": [None, None, None, None, "initial glide period", None],
    })
    expected_rag = ["green", "amber", "blue", "red", "blue", float("nan")]
    expected_basis = ["met TSL", "met MSL, missed TSL", "mitigation agreed", "data not agreed",
                      "glide period", float("nan")]
    for status in (frame["status"], frame["status"].astype("category")):
        out = score_frame(frame.assign(status=status))
        assert isinstance(out["rag"].dtype, pd.CategoricalDtype)
        assert out["rag"].tolist()[:5] == expected_rag[:5] and pd.isna(out["rag"].iloc[5])
        assert out["basis"].tolist()[:5] == expected_basis[:5] and pd.isna(out["basis"].iloc[5])
        assert out["rag"].eq("green").sum() == 1
        assert out["rag"].isin(["amber", "red"]).tolist() == [False, True, False, True, False,
                                                              False]
        assert out["status"].tolist()[:4] == ["", "", "Mitigation Agreed", "Data not agreed"]
