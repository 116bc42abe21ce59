"""Lancashire / BT partnership: narrative statements (seed 004) and quarterly KPI scoring."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.exceptions import InputValidationError
from scrutiny.load.contract import load_contract
from scrutiny.load.partnership import load_partnership
from scrutiny.score.scoring import score
from scrutiny.systems import partnership
from systems_helpers import DATA, copy_dataset, replace_in


@pytest.fixture(scope="module")
def lancashire():
    return load_partnership("lancashire-bt", data_root=DATA)


def test_statements_cover_q3_and_q4_for_both_services(lancashire):
    targets = partnership.statements_for(lancashire)
    targets = targets[targets["topic"] == "contractual targets"]
    assert set(zip(targets["quarter"], targets["service"], strict=True)) == {
        ("2014/15 Q3", "ICT"), ("2014/15 Q4", "ICT"),
        ("2014/15 Q3", "Payroll and Recruitment"), ("2014/15 Q4", "Payroll and Recruitment")}


def test_statements_carry_no_invented_numbers(lancashire):
    assert "value" not in lancashire.statements.columns
    assert lancashire.statements["source_quote"].str.len().gt(0).all()


def test_financial_quarters_map_to_calendar_months():
    labels = pd.Series(["2014/15 Q1", "2014/15 Q3", "2014/15 Q4"])
    months = partnership.quarter_months(labels, year_start_month=4)
    assert list(months["first_month"].astype(str)) == ["2014-04", "2014-10", "2015-01"]
    assert list(months["last_month"].astype(str)) == ["2014-06", "2014-12", "2015-03"]


def test_bad_quarter_label_is_refused(tmp_path):
    folder = copy_dataset("lancashire-bt", tmp_path)
    replace_in(folder / "statements.csv", "2014/15 Q4,ICT", "2014/16 Q4,ICT")
    with pytest.raises(InputValidationError, match="second year must follow") as err:
        load_partnership("lancashire-bt", data_root=tmp_path)
    assert (err.value.column, err.value.row) == ("quarter", 4)


def _write_quarterly_contract(root):
    folder = root / "quarterly-test"
    folder.mkdir()
    (folder / "contract.yaml").write_text(
        "contract: quarterly-test\ntitle: Constructed quarterly contract\ncouncil: Test Council\n"
        "supplier: Test Supplier\nservice_commencement: 2014-04-01\n"
        "scored_from: 2014-12\nscored_to: 2015-03\n"
        "services:\n  ICT: ICT\n", encoding="utf-8")
    (folder / "kpis.csv").write_text(
        "kpi_id,service,description,frequency,tsl,msl,direction,unit,effective_from,effective_to\n"
        "ICT_KPI_01,ICT,% of P1 incidents resolved in time,Q,99,95,higher,percent,2014-04,\n"
        "ICT_KPI_02,ICT,Incidents not resolved in time,Q,2,5,lower,count,2014-04,\n",
        encoding="utf-8")
    (folder / "returns.csv").write_text(
        "kpi_id,month,value,footnote\n"
        "ICT_KPI_01,2014-12,100.00,\nICT_KPI_01,2015-03,97.00,\n"
        "ICT_KPI_02,2014-12,6,\nICT_KPI_02,2015-03,Data not available,\n", encoding="utf-8")
    (folder / "overrides.csv").write_text("kpi_id,from_month,to_month,tsl,msl,reason\n",
                                          encoding="utf-8")
    return folder


def test_a_quarterly_kpi_is_scored_at_its_quarter_end_months(tmp_path):
    _write_quarterly_contract(tmp_path)
    contract = load_contract("quarterly-test", data_root=tmp_path)
    assert set(contract.kpis["frequency"]) == {"Q"}
    scores = score(contract).set_index(["kpi_id", "month"])
    expected = {
        ("ICT_KPI_01", "2014-12"): "green", ("ICT_KPI_01", "2015-03"): "amber",
        ("ICT_KPI_02", "2014-12"): "red", ("ICT_KPI_02", "2015-03"): "red",
    }
    got = {(k, str(m)): rag for (k, m), rag in scores["rag"].items()}
    assert got == expected
    assert list(contract.months.astype(str)) == ["2014-12", "2015-03"]


def test_figures_are_quoted_from_their_sentence(lancashire):
    figures = lancashire.figures.set_index(["quarter", "measure"])
    march = figures.loc[("2014/15 Q4", "Incidents logged in March 2015")]
    fixed = figures.loc[("2014/15 Q4", "Share of March 2015 incidents fixed within eight hours")]
    assert (march["value"], march["unit"]) == (5246, "count")
    assert (fixed["value"], fixed["unit"]) == (76, "percent")
    assert "5,246" in march["source_quote"] and "76%" in fixed["source_quote"]
    assert all(w in q for w, q in zip(lancashire.figures["as_written"],
                                      lancashire.figures["source_quote"], strict=True))


def test_figure_not_in_its_quote_is_refused(tmp_path):
    folder = copy_dataset("lancashire-bt", tmp_path)
    replace_in(folder / "figures.csv", "76% were incidents fixed within eight hours,",
               "77% were incidents fixed within eight hours,")
    with pytest.raises(InputValidationError, match="'77% were .*' is not in its source quote") \
            as err:
        load_partnership("lancashire-bt", data_root=tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == ("figures.csv", 6, "as_written")


def test_targets_met_per_quarter_and_service(lancashire):
    q4 = partnership.targets_by_quarter(lancashire, "2014/15 Q4").set_index("service")
    assert q4["all_met"].tolist() == [True, True]
    assert q4["previous_all_met"].tolist() == [True, True]
    q3 = partnership.targets_by_quarter(lancashire, "2014/15 Q3")
    assert q3["previous_all_met"].isna().all()  # Q2 is not in the seed


def test_quarter_on_quarter_only_where_both_quarters_state_the_measure(lancashire):
    table = partnership.quarter_on_quarter(lancashire.figures, "2014/15 Q4").set_index("measure")
    assert table.loc["Priority categories (of five) at 100%", ["previous_value", "value",
                                                               "change"]].tolist() == [3, 2, -1]
    assert table["change"].notna().sum() == 1
    assert partnership.quarter_on_quarter(lancashire.figures, "2014/15 Q3")["change"].isna().all()


def test_partnership_without_figures_or_targets_loads(tmp_path):
    folder = copy_dataset("lancashire-bt", tmp_path)
    (folder / "figures.csv").unlink()
    (folder / "targets.csv").unlink()
    loaded = load_partnership("lancashire-bt", data_root=tmp_path)
    assert loaded.figures.empty and loaded.targets.empty
    assert partnership.quarter_on_quarter(loaded.figures, "2014/15 Q4").empty
    assert partnership.targets_by_quarter(loaded, "2014/15 Q4")["all_met"].isna().all()


@given(year=st.integers(1990, 2090), quarter=st.integers(1, 4), start=st.integers(1, 12))
def test_previous_quarter_ends_the_month_before_the_quarter_starts(year, quarter, start):
    label = f"{year}/{(year + 1) % 100:02d} Q{quarter}"
    months = partnership.quarter_months(
        pd.Series([label, partnership.previous_quarter(label)]), year_start_month=start)
    assert months["last_month"][1] + 1 == months["first_month"][0]
