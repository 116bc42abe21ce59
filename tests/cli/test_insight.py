import csv
import io

import pytest
from click.testing import CliRunner

from scrutiny.cli import main

C = ["--contract", "lincolnshire-css"]


def run(*args):
    return CliRunner().invoke(main, list(args))


def rows(output):
    return list(csv.DictReader(io.StringIO(output)))


def test_exceptions_csv():
    result = run("exceptions", *C, "--period", "2016-06", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = rows(result.output)
    assert list(table[0])[:9] == ["kpi_id", "service", "month", "rag", "value", "tsl", "msl",
                                  "run_length", "reason"]
    assert len(table) == 13
    assert table[-1] == {**table[-1], "kpi_id": "F_KPI_01", "value": "63.05", "tsl": "95",
                         "msl": "80", "run_length": "12"}


def test_trends_csv_columns_and_window():
    result = run("trends", *C, "--period", "2016-06", "--window", "12", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = rows(result.output)
    assert {"kpi_id", "slope", "p_value", "classification", "months_to_tsl", "months_to_msl",
            "flag"} <= set(table[0])
    assert len(table) == 43


def test_narrative_is_one_paragraph():
    result = run("narrative", *C, "--period", "Jun-16")
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1
    assert result.output.startswith("In June 2016, 30 of 43 KPIs met their target (Green)")


def test_ratings_table_and_csv():
    table = run("ratings", *C, "--from", "2015-07", "--to", "2016-06")
    assert table.exit_code == 0, table.output
    assert "Requires improvement   13" in table.output
    listing = rows(run("ratings", *C, "--from", "2015-07", "--to", "2016-06", "--format",
                       "csv").output)
    assert len(listing) == 43 and {"rating", "rule", "green", "red"} <= set(listing[0])


@pytest.mark.parametrize("args", [
    ("exceptions", *C, "--period", "2016-07"),
    ("trends", *C, "--period", "2014-01"),
    ("narrative", *C, "--period", "2019-06"),
    ("ratings", *C, "--from", "2017-01", "--to", "2017-12"),
])
def test_periods_without_results_exit_non_zero_with_one_line(args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.startswith("error: no KPI results for")
    assert result.output.count("\n") == 1


def test_reason_only_month_is_explained():
    result = run("exceptions", *C, "--period", "2019-06")
    assert result.exit_code == 2
    assert "has mitigation reasons (ACF_KPI_03, ACF_KPI_10, IMT_KPI_15" in result.output
