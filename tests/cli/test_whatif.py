"""``scrutiny whatif`` on the seed contract."""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from scrutiny.cli import main

RANGE = ["--contract", "lincolnshire-css", "--from", "2015-07", "--to", "2016-06"]


def run(*args):
    return CliRunner().invoke(main, ["whatif", *RANGE, *args])


def test_amber_at_full_points_csv():
    result = run("--set", "amber_fraction=1.0", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output)).set_index("service")
    assert list(table.columns) == ["points", "credit", "proposed_points", "proposed_credit",
                                   "difference"]
    assert table.index.tolist() == ["PM", "IMT", "CSC", "ACF", "F", "ALL"]
    assert table.loc["PM", "difference"] == 5000.0  # hand-worked in tests/abate/test_whatif.py
    assert (table["difference"] == table["proposed_credit"] - table["credit"]).all()


def test_scenario_file_and_set_together(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: Stricter PM\nreason: renegotiation\nset:\n  amber_fraction: 1.0\n",
                        encoding="utf-8")
    result = run("--scenario", str(scenario), "--set", "points.PM_KPI_01=20", "--by", "month")
    assert result.exit_code == 0, result.output
    assert "Stricter PM" in result.output and "2016-06" in result.output
    assert "1010 points" in result.output  # allocation off the total: allowed, but said


def test_by_kpi_csv_has_points_only():
    result = run("--set", "tsl.PM_KPI_09=90", "--by", "kpi", "--format", "csv")
    table = pd.read_csv(io.StringIO(result.output)).set_index("kpi_id")
    assert list(table.columns) == ["service", "points", "proposed_points", "difference"]
    assert table.loc["PM_KPI_09", "difference"] == -54.0


def test_bad_setting_is_one_line_exit_2():
    result = CliRunner().invoke(main, ["whatif", *RANGE, "--set", "amber_fraction=2"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "amber_fraction" in result.output
