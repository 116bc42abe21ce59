"""CLI for the portfolio, shared service, risks and action plan."""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from scrutiny.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_projects_csv_has_the_required_columns_and_imt_251():
    result = run("projects", "--portfolio", "lincolnshire-imt", "--snapshot", "2019-08",
                 "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)
    for column in ("project_id", "name", "snapshot", "milestone", "baseline", "forecast",
                   "slippage_days", "rag"):
        assert column in table.columns
    assert len(table) == 20
    row = table.set_index("project_id").loc["IMT-251"]
    assert (row["baseline"], row["forecast"], row["slippage_days"]) == (
        "2019-09-02", "2019-10-02", "30")


def test_projects_without_snapshot_lists_every_snapshot():
    result = run("projects", "--portfolio", "lincolnshire-imt", "--format", "csv")
    table = pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)
    assert set(table["snapshot"]) == {"2016-07", "2019-08"}


def test_projects_snapshot_without_rows_is_a_one_line_error():
    result = run("projects", "--portfolio", "lincolnshire-imt", "--snapshot", "2019-03")
    assert result.exit_code != 0
    assert "no project rows for snapshot 2019-03" in result.output


def test_shared_ict_csv_is_tidy():
    result = run("shared-ict", "--service", "brent-lewisham-southwark", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "council,month,metric,value"
    assert "Southwark,2017-11,sla_overall,75.42" in lines
    assert "Brent,2017-11,calls_per_employee,1.30" in lines
    assert len(lines) == 1 + 135


def test_risks_table_puts_the_top_risk_first():
    result = run("risks", "--service", "brent-lewisham-southwark", "--format", "csv")
    table = pd.read_csv(io.StringIO(result.output), dtype=str)
    assert table.iloc[0]["risk_id"] == "01" and table.iloc[0]["computed_score"] == "6"


def test_action_plan_table_shows_totals():
    result = run("action-plan", "--plan", "south-vale-capita")
    assert result.exit_code == 0, result.output
    assert "All streams" in result.output and "138" in result.output and "37" in result.output


def test_unknown_service_is_a_one_line_error():
    result = run("shared-ict", "--service", "nowhere")
    assert result.exit_code == 2
    assert "no data folder 'nowhere'" in result.output
