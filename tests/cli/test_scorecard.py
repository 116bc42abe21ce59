import io

import pandas as pd
from click.testing import CliRunner

from scrutiny.cli import main


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_summary_csv_has_the_agreed_header_and_a_row_per_service_month():
    result = run("summary", "--contract", "lincolnshire-css", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output), dtype={"month": str})
    assert list(table.columns) == ["service", "month", "green", "amber", "red", "blue", "total"]
    assert len(table) == 6 * 12
    assert table["service"].unique().tolist() == ["PM", "IMT", "CSC", "ACF", "F", "ALL"]
    june = table[(table["service"] == "ALL") & (table["month"] == "2016-06")].iloc[0]
    assert june[["green", "amber", "red", "blue", "total"]].tolist() == [30, 3, 8, 2, 43]


def test_summary_from_to_filters_months():
    result = run("summary", "--contract", "lincolnshire-css", "--from", "2016-05", "--to",
                 "Jun-16", "--format", "csv")
    months = pd.read_csv(io.StringIO(result.output), dtype={"month": str})["month"]
    assert sorted(months.unique()) == ["2016-05", "2016-06"]


def test_summary_table_is_titled_and_aligned():
    result = run("summary", "--contract", "lincolnshire-css", "--from", "2016-06")
    lines = result.output.splitlines()
    assert lines[0].startswith("Corporate Support Services contract")
    assert set(lines[1]) == {"="}
    assert len({len(line) for line in lines[2:]}) == 1


def test_scores_csv_columns_and_empty_value_for_status_words():
    result = run("scores", "--contract", "lincolnshire-css", "--format", "csv")
    table = pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)
    assert list(table.columns[:8]) == ["kpi_id", "service", "month", "value", "status", "rag",
                                       "tsl", "msl"]
    assert len(table) == 43 * 12
    row = table[(table["kpi_id"] == "IMT_KPI_09") & (table["month"] == "2016-06")].iloc[0]
    assert (row["value"], row["status"], row["rag"]) == ("", "Data not agreed", "red")
    csc9 = table[(table["kpi_id"] == "CSC_KPI_09") & (table["month"] == "2016-05")].iloc[0]
    assert (csc9["value"], csc9["tsl"], csc9["msl"], csc9["rag"]) == ("99.24", "95", "90", "green")
    assert set(table["rag"]) == {"green", "amber", "red", "blue"}


def test_reconcile_lists_only_unverifiable_published_summaries():
    result = run("reconcile", "--contract", "lincolnshire-css", "--format", "csv")
    table = pd.read_csv(io.StringIO(result.output))
    assert set(table["finding"]) == {"no KPI-level results"}


def test_unknown_contract_is_one_line_and_exit_2():
    result = run("summary", "--contract", "nope")
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: no data folder 'nope'")
    assert "Traceback" not in result.output


def test_bad_month_option_is_a_clear_error():
    result = run("summary", "--contract", "lincolnshire-css", "--from", "2016-13")
    assert result.exit_code == 2 and "YYYY-MM" in result.output
