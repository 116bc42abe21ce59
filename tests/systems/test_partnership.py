"""Lancashire / BT partnership: narrative statements (seed 004) and quarterly KPI scoring."""

from __future__ import annotations

import pandas as pd
import pytest

from scrutiny.exceptions import InputValidationError
from scrutiny.load.contract import load_contract
from scrutiny.score.scoring import score
from scrutiny.systems import partnership
from systems_helpers import DATA, copy_dataset, replace_in


@pytest.fixture(scope="module")
def lancashire():
    return partnership.load_partnership("lancashire-bt", data_root=DATA)


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
        partnership.load_partnership("lancashire-bt", data_root=tmp_path)
    assert (err.value.column, err.value.row) == ("quarter", 4)


def _write_quarterly_contract(root):
    folder = root / "quarterly-test"
    folder.mkdir()
    (folder / "contract.yaml").write_text(
        "contract: quarterly-test\ntitle: Constructed quarterly contract\ncouncil: Test Council\n"
        "supplier: Test Supplier\nservice_commencement: 2014-04-01\n"
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
