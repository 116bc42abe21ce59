"""Broken inputs, tried deliberately: each gives one line on stderr naming the place, a non-zero
exit, no traceback, and leaves the data folder byte-for-byte as it was."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, MINI, contract_copy, folder_bytes
from scrutiny.cli import main

RETURNS = CORPUS / "returns"

#: file in tests/corpus/returns -> fragments the one-line error must contain
BROKEN_RETURNS = {
    "truncated.csv": ["truncated.csv", "row 3", "has 2 cells"],
    "truncated_quote.csv": ["truncated_quote.csv", "row 2", "ends inside a quoted value"],
    "latin1.csv": ["latin1.csv", "row 3", "not UTF-8"],
    "nul_byte.csv": ["nul_byte.csv", "row 2", "NUL byte"],
    "empty.csv": ["empty.csv", "the file is empty"],
    "header_only.csv": ["header_only.csv", "row 2", "no KPI rows"],
    "extra_column.csv": ["extra_column.csv", "row 1", "column 'Remarks'"],
    "comment_formula.csv": ["comment_formula.csv", "row 3", "column 'Comment'", "formula"],
    "comment_hyperlink_inside.csv": ["comment_hyperlink_inside.csv", "row 3",
                                     "column 'Comment'", "formula"],
    "percent_140.csv": ["percent_140.csv", "row 2", "column 'Jul-16'", "140", "0-100"],
    "title_row_percent_140.csv": ["title_row_percent_140.csv", "row 4", "column 'Jul-16'",
                                  "0-100"],
    "percent_sign_count.csv": ["percent_sign_count.csv", "row 3", "column 'Jul-16'",
                               "unit is count"],
    "fractional_count.csv": ["fractional_count.csv", "row 3", "column 'Jul-16'",
                             "not a whole number"],
    "missing_column.csv": ["missing_column.csv", "row 1", "missing column(s) MSL"],
    "duplicate_kpi.csv": ["duplicate_kpi.csv", "row 3", "column 'KPI'", "second row"],
    "unknown_kpi.csv": ["unknown_kpi.csv", "row 3", "column 'KPI'", "'XX_KPI_01'"],
    "bad_month_header.csv": ["bad_month_header.csv", "row 1", "column 'Jly-16'", "month"],
    "duplicate_month.csv": ["duplicate_month.csv", "row 1", "column 'July 16'", "same month"],
    "percent_250.csv": ["percent_250.csv", "row 2", "column 'Jul-16'", "250", "0-100"],
    "negative_count.csv": ["negative_count.csv", "row 3", "column 'Jul-16'", "negative count"],
    "unknown_status.csv": ["unknown_status.csv", "row 4", "column 'Jul-16'", "'Pending'"],
    "tsl_mismatch.csv": ["tsl_mismatch.csv", "row 2", "column 'TSL'", "99.9/99"],
    "msl_mismatch.csv": ["msl_mismatch.csv", "row 2", "column 'MSL'", "7/10 or 8/12"],
    "freq_mismatch.csv": ["freq_mismatch.csv", "row 2", "column 'Freq.'"],
    "conflict.csv": ["conflict.csv", "row 2", "column 'Jun-16'", "--replace"],
    "not_a_workbook.xlsx": ["not_a_workbook.xlsx", "not a readable Excel workbook"],
    "return.txt": ["return.txt", ".txt"],
    "infinite_count.csv": ["infinite_count.csv", "row 3", "column 'Jul-16'", "not a finite number"],
    "infinite_word.csv": ["infinite_word.csv", "row 3", "column 'Jul-16'", "not a finite number"],
    "future_month.csv": ["future_month.csv", "column '2096-07'", "after the current month"],
    "year_zero.csv": ["year_zero.csv", "row 1", "column '0000-01'", "nor a month"],
}

#: broken table of the contract itself: (corpus file, the table it replaces, fragments)
BROKEN_CONTRACTS = {
    "kpis_direction": ("kpis.csv", ["kpis.csv", "row 3", "column 'tsl'", "higher-is-better"]),
    "overrides_overlap": ("overrides.csv", ["overrides.csv", "row 3", "column 'from_month'",
                                            "overlaps"]),
    "returns_truncated": ("returns.csv", ["returns.csv", "row 3", "has 3 cells"]),
}


def run(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(main, args, env=env)


def assert_one_line_error(result, fragments: list[str]) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize("name", sorted(BROKEN_RETURNS))
def test_broken_return_is_refused_and_nothing_written(tmp_path, name):
    root = contract_copy(tmp_path, MINI, "mini")
    before = folder_bytes(root)
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root), str(RETURNS / name)])
    assert_one_line_error(result, BROKEN_RETURNS[name])
    assert folder_bytes(root) == before


@pytest.mark.parametrize("name", ["ok.csv", "bom.csv", "trailing_empty_columns.csv"])
def test_valid_return_with_or_without_byte_order_mark_is_accepted(tmp_path, name):
    root = contract_copy(tmp_path, MINI, "mini")
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root), str(RETURNS / name)])
    assert result.exit_code == 0, result.output
    assert "new KPI-months: 3" in result.output
    assert (root / "mini" / "returns.csv").read_text().endswith(
        "CSC_KPI_04,2016-07,Data not available,\n")


def test_missing_file_is_one_line(tmp_path):
    root = contract_copy(tmp_path, MINI, "mini")
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root),
                  str(tmp_path / "nowhere.csv")])
    assert_one_line_error(result, ["nowhere.csv", "file not found"])


@pytest.mark.parametrize("case", sorted(BROKEN_CONTRACTS))
@pytest.mark.parametrize("command", ["ingest", "summary", "scores"])
def test_broken_contract_tables_are_reported_by_every_command(tmp_path, case, command):
    table, fragments = BROKEN_CONTRACTS[case]
    root = contract_copy(tmp_path / "data", MINI, "mini")
    shutil.copy(CORPUS / "contract" / f"{case}.csv", root / "mini" / table)
    before = folder_bytes(root)
    args = [command, "--contract", "mini"]
    if command == "ingest":
        args.append(str(RETURNS / "ok.csv"))
    result = run(args, env={"SCRUTINY_DATA": str(root)})
    assert_one_line_error(result, fragments)
    assert folder_bytes(root) == before


def test_a_huge_return_is_refused_before_it_is_read(tmp_path):
    root = contract_copy(tmp_path / "data", MINI, "mini")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:  # sparse: 200 MB long, nothing on disk, nothing to read
        out.truncate(200 * 2**20)
    before = folder_bytes(root)
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root), str(huge)])
    assert_one_line_error(result, ["huge.csv", "200 MB is larger than a return can be"])
    assert folder_bytes(root) == before


def test_a_blank_headed_column_holding_a_value_is_still_refused(tmp_path):
    root = contract_copy(tmp_path / "data", MINI, "mini")
    bad = tmp_path / "nameless.csv"
    bad.write_text((RETURNS / "trailing_empty_columns.csv").read_text().replace(
        "99.95,,,", "99.95,,x,", 1))
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root), str(bad)])
    assert_one_line_error(result, ["nameless.csv", "row 1", "column ''", "twice"])


def test_a_comment_of_one_megabyte_is_refused_and_nothing_written(tmp_path):
    root = contract_copy(tmp_path / "data", MINI, "mini")
    before = folder_bytes(root)
    source = tmp_path / "huge_comment.csv"
    source.write_text("KPI,KPI Short Desc,Freq.,TSL,MSL,Jul-16,Comment\n"
                      "PM_KPI_01,Paid on time,M,99.9,99,99.95,\n"
                      f"IMT_KPI_02,P1 incidents,M,1,5,2,{'x' * 2**20}\n", encoding="utf-8")
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root), str(source)])
    assert_one_line_error(result, ["huge_comment.csv", "row 3", "column 'Comment'",
                                   "1,048,576 characters", "2,000"])
    assert folder_bytes(root) == before


def test_a_supplier_layout_is_read_title_rows_percent_signs_and_comments(tmp_path):
    from scrutiny.load.contract import load_contract

    root = contract_copy(tmp_path, MINI, "mini")
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root),
                  str(RETURNS / "supplier_layout.csv")])
    assert result.exit_code == 0, result.output + result.stderr
    held = load_contract("mini", root).returns.set_index(["kpi_id", "month"])
    july = pd.Period("2016-07", freq="M")
    assert held.loc[("PM_KPI_01", july), "value"] == "99.95"
    assert held.loc[("PM_KPI_01", july), "number"] == 99.95
    assert held.loc[("IMT_KPI_02", july), "comment"] == ("Two incidents, both on the 14th; "
                                                         "root cause fixed")
    assert held.loc[("CSC_KPI_04", july), "comment"] == "- telephony outage"
    stored = (root / "mini" / "returns.csv").read_text(encoding="utf-8")
    assert stored.splitlines()[0] == "kpi_id,month,value,footnote,comment"
    history = run(["history", "--contract", "mini", "--kpi", "CSC_KPI_04", "--data-dir",
                   str(root), "--format", "csv"])
    assert history.exit_code == 0, history.stderr
    # Exported formula-safe: the leading "-" is defused with an apostrophe.
    assert "'- telephony outage" in history.output


def test_a_contract_without_comments_keeps_four_columns(tmp_path):
    root = contract_copy(tmp_path, MINI, "mini")
    result = run(["ingest", "--contract", "mini", "--data-dir", str(root),
                  str(RETURNS / "ok.csv")])
    assert result.exit_code == 0, result.stderr
    first = (root / "mini" / "returns.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first == "kpi_id,month,value,footnote"


def test_a_different_comment_is_a_correction_and_a_left_out_one_is_kept(tmp_path):
    from scrutiny.load.contract import load_contract

    root = contract_copy(tmp_path / "data", MINI, "mini")
    first = run(["ingest", "--contract", "mini", "--data-dir", str(root),
                 str(RETURNS / "supplier_layout.csv")])
    assert first.exit_code == 0, first.stderr
    changed = tmp_path / "changed.csv"
    changed.write_text((RETURNS / "supplier_layout.csv").read_text(encoding="utf-8").replace(
        "root cause fixed", "root cause still open"), encoding="utf-8")
    before = folder_bytes(root)
    refused = run(["ingest", "--contract", "mini", "--data-dir", str(root), str(changed)])
    assert_one_line_error(refused, ["changed.csv", "row 5", "IMT_KPI_02 2016-07",
                                    "different comment", "--replace"])
    assert folder_bytes(root) == before
    accepted = run(["ingest", "--contract", "mini", "--data-dir", str(root), "--replace",
                    str(changed)])
    assert accepted.exit_code == 0, accepted.stderr
    # The same values again without the Comment column: nothing changes, comments are kept.
    again = run(["ingest", "--contract", "mini", "--data-dir", str(root), str(RETURNS / "ok.csv")])
    assert again.exit_code == 0, again.stderr
    held = load_contract("mini", root).returns.set_index("kpi_id")
    july = held[held["month"].astype(str) == "2016-07"]
    assert july.loc["IMT_KPI_02", "comment"] == "Two incidents, both on the 14th; root cause " \
                                                "still open"
    assert july.loc["CSC_KPI_04", "comment"] == "- telephony outage"
