"""Every file the toolkit writes or exports is formula-safe (issue 20 part 2).

One walk through every writer with hostile text: a return file named ``=1+2 C04.csv`` and a
correction named ``+cmd C05.csv`` (``receipts.csv``, ``changes.csv``, the stored rows), a KPI
description ``=HYPERLINK(...)`` (``kpis.csv`` from ``new-contract``), an override reason ``=1+2``
and a mitigation reason ``@SUM(1)`` (the decision logs), then every CSV and Excel export. No
text cell of any of them may start a formula (``core.spreadsheet.defuse`` is the one rule).
"""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ingest_support import CORPUS
from scrutiny.cli import main
from scrutiny.core.spreadsheet import FORMULA_STARTS, defuse

OWN = CORPUS / "own-contract"
HOSTILE = CORPUS / "hostile"
EXPORTS = [["scores"], ["summary"], ["reconcile"], ["exceptions", "--period", "2026-04"],
           ["ratings", "--from", "2026-04", "--to", "2026-04"],
           ["history", "--kpi", "WST_KPI_01"]]
SHEETS = [["scores"], ["exceptions", "--period", "2026-04"],
          ["ratings", "--from", "2026-04", "--to", "2026-04"]]


def _run(env, *args):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result.output


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("formula")
    env = {"SCRUTINY_DATA": str(tmp / "data"), "SCRUTINY_OUTPUTS": str(tmp / "outputs")}
    _run(env, "new-contract", "hostile", "--schedule",
         str(HOSTILE / "schedule_formula_description.csv"), "--title", "T", "--council", "C",
         "--supplier", "S", "--start", "2026-04-01")
    first, second = tmp / "=1+2 C04.csv", tmp / "+cmd C05.csv"
    shutil.copy(OWN / "return-2026-04.csv", first)
    second.write_text(first.read_text().replace("99.50", "98.00"))
    _run(env, "ingest", "--contract", "hostile", str(first))
    _run(env, "ingest", "--contract", "hostile", "--replace", str(second))
    _run(env, "override", "--contract", "hostile", "--kpi", "WST_KPI_01", "--from", "2026-04",
         "--to", "2026-04", "--tsl", "98", "--reason", "=1+2")
    _run(env, "mitigate", "--contract", "hostile", "--kpi", "WST_KPI_02", "--from", "2026-04",
         "--reason", "@SUM(1) agreed")
    return tmp, env


def _formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row
            if cell.startswith(FORMULA_STARTS) and defuse(cell) != cell]


def test_every_stored_table_and_log_is_formula_safe(hostile):
    tmp, _ = hostile
    files = sorted((tmp / "data" / "hostile").rglob("*.csv"))
    names = {p.name for p in files}
    assert {"kpis.csv", "receipts.csv", "changes.csv", "overrides.csv",
            "mitigation_reasons.csv", "returns.csv"} <= names
    for path in files:
        if path.parent.name == "returns" and not path.name.endswith(".rows.csv"):
            continue  # the return exactly as received: evidence, never rewritten
        assert _formula_cells(path.read_text(encoding="utf-8")) == [], path.name
    changes = (tmp / "data" / "hostile" / "changes.csv").read_text()
    assert "'+cmd C05.csv" in changes  # the name is kept, shown as text
    assert "'=1+2 C04.csv" in (tmp / "data" / "hostile" / "receipts.csv").read_text()


@pytest.mark.parametrize("args", EXPORTS, ids=lambda a: a[0])
def test_every_csv_export_is_formula_safe(hostile, args):
    _, env = hostile
    out = _run(env, *args, "--contract", "hostile", "--format", "csv")
    assert out and _formula_cells(out) == []


@pytest.mark.parametrize("args", SHEETS, ids=lambda a: a[0])
def test_every_excel_export_holds_text_never_formulas(hostile, args):
    tmp, env = hostile
    book = tmp / f"{args[0]}.xlsx"
    _run(env, *args, "--contract", "hostile", "--format", "xlsx", "--output", str(book))
    for sheet in load_workbook(book).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_the_toolkit_reads_the_words_back_exactly(hostile):
    """Files hold ``'=1+2``; every reader gets ``=1+2`` (``core.spreadsheet.restore``)."""
    from scrutiny.load.contract import load_contract

    tmp, _ = hostile
    contract = load_contract("hostile", tmp / "data")
    assert contract.overrides["reason"].tolist() == ["=1+2"]
    assert contract.kpis.set_index("kpi_id").loc["WST_KPI_01", "description"] == \
        '=HYPERLINK("http://evil","x")'
