"""Excel returns read as Excel shows them; ambiguous workbooks refused naming sheet and cell."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scrutiny.exceptions import InputValidationError
from scrutiny.ingest.workbook import MAX_UNPACKED_BYTES, read_workbook

HEADER = ["KPI", "KPI Short Desc", "Freq.", "TSL", "MSL", "Jun-16", "Jul-16"]


def workbook(path: Path, rows: list[list[object]], build=None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Return"
    for row in [HEADER, *rows]:
        sheet.append(row)
    if build:
        build(book, sheet)
    book.save(path)
    return path


def with_saved_result(path: Path, coordinate: str, result: str) -> Path:
    """Give a formula cell the saved result Excel would have written beside it."""
    patched = path.with_name("saved-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(rf'(<c r="{coordinate}"[^>]*>)(<f>.*?</f>)(<v\s*/>|<v></v>)?',
                              rf"\1\2<v>{result}</v>", text)
                data = text.encode()
            dst.writestr(item, data)
    return patched


ROW = ["CSC_KPI_05", "Calls answered", "M", 95, 90, 99.5, 97]


def test_numbers_and_text_are_read_as_shown(tmp_path):
    frame = read_workbook(workbook(tmp_path / "r.xlsx", [ROW, ["PM_KPI_08", "x", "M", 95, 90,
                                                               "Mitigation Agreed", None]]))
    assert list(frame.columns) == HEADER
    assert frame.loc[0, "Jun-16"] == "99.5" and frame.loc[0, "Jul-16"] == "97"
    assert frame.loc[1, "Jun-16"] == "Mitigation Agreed" and frame.loc[1, "Jul-16"] == ""


def test_percent_formatted_cell_is_read_as_the_percentage_excel_shows(tmp_path):
    def percent(book, sheet):
        sheet["F2"] = 0.9995
        sheet["F2"].number_format = "0.00%"
    frame = read_workbook(workbook(tmp_path / "r.xlsx", [ROW], percent))
    assert frame.loc[0, "Jun-16"] == "99.95"


def test_formula_without_a_saved_result_is_refused_naming_the_cell(tmp_path):
    def formula(book, sheet):
        sheet["G2"] = '=HYPERLINK("http://example.org","97")'
    with pytest.raises(InputValidationError,
                       match=r"r.xlsx: sheet 'Return', cell G2 holds a formula .* no saved result"):
        read_workbook(workbook(tmp_path / "r.xlsx", [ROW], formula))


def test_formula_with_a_saved_result_is_read_as_that_result(tmp_path):
    def formula(book, sheet):
        sheet["F2"] = "=AVERAGE(99,100)"
    path = with_saved_result(workbook(tmp_path / "r.xlsx", [ROW], formula), "F2", "99.5")
    assert read_workbook(path).loc[0, "Jun-16"] == "99.5"


def test_merged_cells_are_refused(tmp_path):
    def merge(book, sheet):
        sheet.merge_cells("F2:G2")
    with pytest.raises(InputValidationError, match="cells F2:G2 are merged"):
        read_workbook(workbook(tmp_path / "r.xlsx", [ROW], merge))


def test_a_hidden_draft_sheet_before_the_return_is_ignored(tmp_path):
    def draft(book, sheet):
        hidden = book.create_sheet("Draft", 0)
        hidden.append(HEADER)
        hidden.append(["CSC_KPI_05", "Calls answered", "M", 95, 90, 1, 1])
        hidden.sheet_state = "hidden"
        book.active = 1
    frame = read_workbook(workbook(tmp_path / "r.xlsx", [ROW], draft))
    assert frame.loc[0, "Jun-16"] == "99.5"


def test_a_second_visible_sheet_is_refused_naming_both(tmp_path):
    def second(book, sheet):
        book.create_sheet("Notes").append(["anything"])
    with pytest.raises(InputValidationError, match=r"2 visible sheets \('Return', 'Notes'\)"):
        read_workbook(workbook(tmp_path / "r.xlsx", [ROW], second))


def test_a_repeated_month_header_names_both_columns(tmp_path):
    def repeat(book, sheet):
        sheet["H1"] = "Jun-16"
    with pytest.raises(InputValidationError, match="header 'Jun-16' is in column F and again in "
                                                   "column H"):
        read_workbook(workbook(tmp_path / "r.xlsx", [ROW], repeat))


def test_a_decompression_bomb_is_refused_before_parsing(tmp_path):
    good = workbook(tmp_path / "r.xlsx", [ROW])
    bomb = tmp_path / "bomb.xlsx"
    shutil.copy(good, bomb)
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    assert bomb.stat().st_size < MAX_UNPACKED_BYTES / 100
    with pytest.raises(InputValidationError, match="bomb.xlsx: unpacks to 50 MB"):
        read_workbook(bomb)


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_text("KPI,TSL\n")
    with pytest.raises(InputValidationError, match="not a readable Excel workbook"):
        read_workbook(path)


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_excel_numbers(tmp_path):
    from scrutiny.ingest.returns import is_return_header
    from scrutiny.load.tables import sheet_row

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["North District Council: KPI return"])
    sheet.append([])
    sheet.append([*HEADER, "Comments"])
    sheet.append([*ROW, "Two vehicles off the road"])
    book.save(tmp_path / "titled.xlsx")
    frame = read_workbook(tmp_path / "titled.xlsx", is_return_header)
    assert frame.attrs["header_row"] == 3
    assert list(frame.columns) == [*HEADER, "Comments"]
    assert sheet_row(frame.index[0]) == 4  # the row Excel shows
    assert frame.iloc[0]["Comments"] == "Two vehicles off the road"


def test_an_xlsx_return_carries_a_comment_into_returns_csv(tmp_path):
    from ingest_support import MINI, contract_copy
    from scrutiny.ingest.returns import ingest
    from scrutiny.load.contract import load_contract

    root = contract_copy(tmp_path / "data", MINI, "mini")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mini contract return, July 2016"])
    sheet.append(["KPI", "KPI Short Desc", "Freq.", "TSL", "MSL", "Jul-16", "Comment"])
    sheet.append(["IMT_KPI_02", "P1 incidents", "M", 1, 5, 4, "=HYPERLINK(\"http://x\")"])
    book.save(tmp_path / "live.xlsx")  # a live formula: refused naming its cell
    with pytest.raises(InputValidationError, match=r"live.xlsx: sheet 'Sheet', cell G3"):
        ingest("mini", tmp_path / "live.xlsx", data_root=root)
    sheet["G3"].data_type = "s"  # the same text typed as text: refused as formula-like
    book.save(tmp_path / "formula.xlsx")
    with pytest.raises(InputValidationError, match=r"formula.xlsx, row 3, column 'Comment'"):
        ingest("mini", tmp_path / "formula.xlsx", data_root=root)
    sheet["G3"] = "Server room power cut on the 3rd"
    book.save(tmp_path / "return.xlsx")
    ingest("mini", tmp_path / "return.xlsx", data_root=root)
    held = load_contract("mini", root).returns
    row = held[(held["kpi_id"] == "IMT_KPI_02") & (held["month"].astype(str) == "2016-07")]
    assert row["comment"].tolist() == ["Server room power cut on the 3rd"]
