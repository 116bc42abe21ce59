"""One Excel layout per table, whichever door writes it (issue 21): ``write_workbook`` in
Python, the CLI's ``--format xlsx`` and ``scrutiny report --format xlsx`` give each table the
same sheet name, heading row, column order, values and number formats, cell by cell."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import scrutiny
from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT
from scrutiny.core.spreadsheet import tag_table
from scrutiny.insight.procurement import rating_counts
from scrutiny.report.excel import write_workbook
from scrutiny.report.export import write_sections_xlsx
from scrutiny.report.layouts import LAYOUTS

YEAR = ("2015-07", "2016-06")
JUNE = PROJECT_ROOT / "params" / "lincolnshire-css" / "2016-06.yaml"


@pytest.fixture(scope="module")
def c():
    return scrutiny.open_contract("lincolnshire-css")


def cells(sheet) -> list[list[tuple[object, str, str]]]:
    """Every cell as (value, number format, type), row by row."""
    return [[(cell.value, cell.number_format, cell.data_type) for cell in row]
            for row in sheet.iter_rows()]


def book_of(path) -> dict[str, list]:
    book = load_workbook(path)
    return {sheet.title: cells(sheet) for sheet in book.worksheets}


def cli(tmp_path, name: str, *args: str) -> dict[str, list]:
    out = tmp_path / f"{name}.xlsx"
    result = CliRunner().invoke(main, [*args, "--contract", "lincolnshire-css",
                                       "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return book_of(out)


def api(tmp_path, name: str, tables: list[pd.DataFrame]) -> dict[str, list]:
    return book_of(write_workbook(tmp_path / f"{name}-api.xlsx", tables))


def same(a: dict[str, list], b: dict[str, list]) -> None:
    assert list(a) == list(b)  # sheet names, in order
    for name in a:
        assert a[name][0] == b[name][0], name  # the heading row
        assert len(a[name]) == len(b[name]), name
        for i, (x, y) in enumerate(zip(a[name], b[name], strict=True)):
            assert x == y, (name, i)
        assert not any(t == "f" for row in a[name] for _, _, t in row)  # never a formula


@pytest.mark.parametrize("by", ["kpi", "service", "month"])
def test_abatement_is_one_layout_through_python_and_the_cli(c, tmp_path, by):
    tables = [c.abatement(*YEAR, by=by), c.terms.describe()]
    via_cli = cli(tmp_path, f"abatement-{by}", "abatement", "--by", by, "--from", YEAR[0],
                  "--to", YEAR[1])
    same(api(tmp_path, f"abatement-{by}", tables), via_cli)
    assert list(via_cli) == ["Abatement", "Terms used"]
    layout = LAYOUTS[f"abatement_{by}"]
    assert len(via_cli["Abatement"][0]) == len(layout.columns)
    if by != "kpi":
        money = [row[list(layout.columns).index("credit")] for row in via_cli["Abatement"][1:]]
        assert {fmt for _, fmt, _ in money} == {"#,##0.00"}
    assert [v for v, _, _ in via_cli["Terms used"][0]] == ["Term", "Value used", "Source"]


def test_exceptions_register_is_one_layout_through_every_door(c, tmp_path):
    via_cli = cli(tmp_path, "exceptions", "exceptions", "--period", "2016-06")
    via_api = api(tmp_path, "exceptions", [c.exceptions("2016-06")])
    same(via_api, via_cli)
    report = book_of(write_sections_xlsx(JUNE, tmp_path / "june.xlsx"))
    same(via_api, {"Exceptions June 2016": report["Exceptions June 2016"]})
    sheet = via_cli["Exceptions June 2016"]
    assert [v for v, _, _ in sheet[0]][:5] == ["KPI", "Service", "What it measures", "Month",
                                               "Status"]
    assert len(sheet) == 1 + 13  # 13 KPIs not Green in June 2016
    month = sheet[1][3]
    assert month[1] == "mmm yyyy" and str(month[0]).startswith("2016-06-01")
    # the Python door with a mapping keeps the name given, but the layout's columns
    named = api(tmp_path, "named", {"Mine": c.exceptions("2016-06")})
    assert named["Mine"] == sheet


def test_terms_are_one_layout_in_the_report_and_the_cli(c, tmp_path):
    report = book_of(write_sections_xlsx(JUNE, tmp_path / "june.xlsx"))
    via_api = api(tmp_path, "terms", [c.terms.describe()])
    same(via_api, {"Terms used": report["Terms used"]})
    same(via_api, {"Terms used": report["Terms used (2)"]})  # the provenance appendix's copy


def test_scores_and_ratings_are_one_layout_through_python_and_the_cli(c, tmp_path):
    same(api(tmp_path, "scores", [c.scores("2016-01", "2016-06")]),
         cli(tmp_path, "scores", "scores", "--from", "2016-01", "--to", "2016-06"))
    ratings = c.ratings(*YEAR)
    via_cli = cli(tmp_path, "ratings", "ratings", "--from", YEAR[0], "--to", YEAR[1])
    same(api(tmp_path, "ratings", [ratings, rating_counts(ratings)]), via_cli)
    assert list(via_cli) == ["Ratings", "Counts"]


def test_a_filtered_or_narrowed_table_keeps_its_layout(c, tmp_path):
    register = c.exceptions("2016-06")
    red = register[register["rag"] == "Red"][["rag", "kpi_id", "description"]]
    sheet = api(tmp_path, "red", [red])["Exceptions June 2016"]
    assert [v for v, _, _ in sheet[0]] == ["KPI", "What it measures", "Status"]
    assert len(sheet) == 1 + (register["rag"] == "Red").sum()


def test_user_text_is_never_a_formula_in_a_laid_out_sheet(tmp_path):
    frame = tag_table(pd.DataFrame({"description": ["=HYPERLINK(\"http://x\")", "+1", "@a"],
                                    "kpi_id": ["K_KPI_01", "K_KPI_02", "-K"]}), "exceptions")
    sheet = api(tmp_path, "hostile", [frame])["Exceptions"]
    assert [v for v, _, _ in sheet[0]] == ["KPI", "What it measures"]
    assert [row[1][0] for row in sheet[1:]] == ["=HYPERLINK(\"http://x\")", "+1", "@a"]
    assert all(t == "s" for row in sheet for _, _, t in row)
