"""A value is stored and shown exactly as the supplier sent it; rounding is the comparison's.

The supplier's 98.995 must not become 99.00 in ``returns.csv``, the stored rows, ``history`` or
``scores``; only the comparison rounds to two decimals (docs/assumptions.md), so against a TSL of
99 it is Green, and the basis says so.
"""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from ingest_support import CORPUS
from scrutiny.cli import main

OWN = CORPUS / "own-contract"


def test_a_third_decimal_is_stored_and_shown_as_sent(tmp_path):
    env = {"SCRUTINY_DATA": str(tmp_path / "data")}

    def run(*args):
        result = CliRunner().invoke(main, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    run("new-contract", "nw", "--schedule", str(OWN / "schedule.csv"), "--title", "T",
        "--council", "C", "--supplier", "S", "--start", "2026-04-01")
    sent = tmp_path / "return.csv"
    sent.write_text((OWN / "return-2026-04.csv").read_text().replace("99.50", "98.995"))
    run("ingest", "--contract", "nw", str(sent))
    folder = tmp_path / "data" / "nw"
    stored = pd.read_csv(folder / "returns.csv", dtype=str).set_index("kpi_id")
    assert stored.loc["WST_KPI_01", "value"] == "98.995"
    rows = next((folder / "returns").glob("*.rows.csv")).read_text()
    assert "WST_KPI_01,2026-04,98.995," in rows
    assert "98.995" in run("history", "--contract", "nw", "--kpi", "WST_KPI_01")
    scores = pd.read_csv(io.StringIO(
        run("scores", "--contract", "nw", "--format", "csv")), dtype=str).set_index("kpi_id")
    assert scores.loc["WST_KPI_01", "value"] == "98.995"
    assert scores.loc["WST_KPI_01", "rag"] == "green"  # compared as 99.00, the documented rule
    assert scores.loc["WST_KPI_03", "value"] == "96.00"  # two decimals as ever
