"""Workbooks for a colleague: readable headings, RAG words on fills, real months, no formulas."""

import os

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scrutiny.cli import main
from scrutiny.report import excel


def test_register_workbook_from_the_command_line(tmp_path):
    target = tmp_path / "register.xlsx"
    result = CliRunner().invoke(main, ["exceptions", "--contract", "lincolnshire-css", "--period",
                                       "2016-06", "--format", "xlsx", "--output", str(target)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]
    assert headings[:5] == ("KPI", "Service", "What it measures", "Month", "Status")
    assert "Months failing in a row" in headings and "kpi_id" not in headings
    assert len(rows) - 1 == 13
    status = [r[4] for r in rows[1:]]
    assert set(status) <= {"Green", "Amber", "Red", "Blue"} and "Red" in status
    assert sheet.freeze_panes == "A2"
    month = sheet["D2"]
    assert month.value.year == 2016 and month.value.month == 6
    assert month.number_format == excel.MONTH_FORMAT
    assert sheet["E2"].fill.fgColor.rgb.endswith(excel.RAG_FILLS[sheet["E2"].value])
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width


@pytest.mark.parametrize("command", [
    ["scores", "--contract", "lincolnshire-css", "--from", "2016-06"],
    ["abatement", "--contract", "lincolnshire-css", "--by", "kpi", "--from", "2016-01"],
    ["ratings", "--contract", "lincolnshire-css", "--from", "2015-07", "--to", "2016-06"],
])
def test_other_tables_write_workbooks_with_report_words(tmp_path, command):
    target = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, [*command, "--format", "xlsx", "--output", str(target)])
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    first = [c.value for c in book.worksheets[0][1]]
    assert first[0] in {"KPI", "Service"} and not any("_" in str(h) for h in first)


def test_xlsx_without_output_is_a_usage_error():
    result = CliRunner().invoke(main, ["scores", "--contract", "lincolnshire-css", "--format",
                                       "xlsx"])
    assert result.exit_code == 2 and "--output" in result.output


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "=1+1"])
def test_text_that_looks_like_a_formula_stays_text(tmp_path, text):
    frame = pd.DataFrame({"kpi_id": ["X_KPI_01"], "reason": [text], "value": [-3.5]})
    target = excel.write_workbook(tmp_path / "t.xlsx", {"Sheet": frame})
    cell = load_workbook(target).active["B2"]
    assert cell.data_type == "s" and cell.value == text
    assert load_workbook(target).active["C2"].value == -3.5  # numbers stay numbers


def test_a_failed_write_leaves_the_earlier_workbook(tmp_path, monkeypatch):
    target = tmp_path / "t.xlsx"
    excel.write_workbook(target, {"Sheet": pd.DataFrame({"kpi_id": ["A"]})})
    before = target.read_bytes()

    def interrupted(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(OSError):
        excel.write_workbook(target, {"Sheet": pd.DataFrame({"kpi_id": ["B"]})})
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
