"""``scrutiny abatement`` on the seed contract."""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from scrutiny.cli import main


def run(*args):
    return CliRunner().invoke(main, ["abatement", "--contract", "lincolnshire-css", *args])


def test_by_kpi_csv_columns():
    result = run("--by", "kpi", "--format", "csv")
    assert result.exit_code == 0
    table = pd.read_csv(io.StringIO(result.output))
    for column in ["kpi_id", "service", "month", "rag", "run_length", "multiplier",
                   "base_points", "points"]:
        assert column in table.columns
    assert len(table) == 43 * 12


def test_by_service_csv_has_totals():
    table = pd.read_csv(io.StringIO(run("--format", "csv").output))
    assert list(table.columns[:6]) == ["service", "month", "points", "credit", "cap", "capped"]
    assert set(table["service"]) == {"PM", "IMT", "CSC", "ACF", "F", "ALL"}


def test_without_mitigation_raises_points():
    normal = pd.read_csv(io.StringIO(run("--format", "csv").output))
    relieved = pd.read_csv(io.StringIO(run("--format", "csv", "--without-mitigation").output))
    assert relieved["points"].sum() > normal["points"].sum()


def test_table_states_the_terms():
    result = run()
    assert result.exit_code == 0
    assert "ILLUSTRATIVE terms" in result.output


def test_unknown_contract_is_one_line_error():
    result = CliRunner().invoke(main, ["abatement", "--contract", "nowhere"])
    assert result.exit_code != 0
    assert "no data folder 'nowhere'" in result.output
