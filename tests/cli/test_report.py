"""``scrutiny report``: a report's sections as JSON or a workbook; refusals in one line."""

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT

JUNE = str(PROJECT_ROOT / "params" / "lincolnshire-css" / "2016-06.yaml")


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_json_lists_every_section_with_its_tables_as_records():
    result = run("report", JUNE, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["report"].endswith("performance report for June 2016")
    headline = document["sections"][0]
    table = next(p for p in headline["parts"] if p["type"] == "table")
    total = next(r for r in table["records"] if r["Status"] == "Total")
    assert (total["May 2016"], total["June 2016"]) == (43, 43)
    assert table["units"]["June 2016"] == "KPIs"


def test_xlsx_writes_one_sheet_per_table(tmp_path):
    out = tmp_path / "june.xlsx"
    result = run("report", JUNE, "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.output
    names = load_workbook(out).sheetnames
    assert len(names) == 48  # 25 tables, 13 beside the KPI charts, 10 in the charts appendix
    assert sum("month by month" in n for n in names) == 13


def test_xlsx_needs_an_output_and_never_writes_into_the_data_folder():
    result = run("report", JUNE, "--format", "xlsx")
    assert result.exit_code == 2 and "--output FILE.xlsx" in result.output
    inside = PROJECT_ROOT / "data" / "lincolnshire-css" / "june.xlsx"
    result = run("report", JUNE, "--format", "xlsx", "--output", str(inside))
    assert result.exit_code != 0 and not inside.exists()


def test_a_kind_not_yet_structured_is_refused_in_one_line():
    card = str(PROJECT_ROOT / "params" / "lincolnshire-css" / "CSC_KPI_04-2016-06.yaml")
    result = run("report", card)
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "cannot be exported as data yet" in result.output and "period_report" in result.output
