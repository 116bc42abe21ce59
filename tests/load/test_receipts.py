"""``load.receipts``: the store of returns as read, and one KPI's history."""

from __future__ import annotations

import pytest

from scrutiny.exceptions import IngestError
from scrutiny.load.contract import load_contract
from scrutiny.load.evidence import Problem
from scrutiny.load.folder import STORE_DIR
from scrutiny.load.receipts import (
    NOT_VERIFIED,
    VERIFIED,
    kpi_history,
    load_receipts,
    received_values,
)


def test_the_seed_transcription_is_one_receipt_with_every_kpi_month(css):
    receipts = load_receipts(css.folder)
    assert len(receipts) == 1
    values = received_values(css.folder)
    assert len(values) == len(css.returns) == 516 and set(values["receipt"]) == {0}


def test_kpi_history_marks_the_value_in_force(css):
    table = kpi_history(css, "CSC_KPI_04")
    assert list(table.columns) == ["month", "value", "received_at", "file", "stored_as",
                                   "in_force", "receipt", "comment"]
    assert set(table["comment"]) == {""}  # Lincolnshire's returns carry no commentary
    assert len(table) == 12 and set(table["in_force"]) == {"yes"}
    assert set(table["receipt"]) == {VERIFIED}
    assert table["month"].is_monotonic_increasing
    assert table.iloc[0]["value"] == "12.00"


def test_kpi_history_refuses_an_unknown_kpi_naming_the_known_ones(css):
    with pytest.raises(IngestError, match=r"unknown KPI 'NOPE_1'; the contract's KPIs are PM_"):
        kpi_history(css, "NOPE_1")


def test_kpi_history_marks_values_of_a_stored_return_that_does_not_verify(css_copy):
    css = load_contract("lincolnshire-css", css_copy)
    stored = load_receipts(css.folder)["stored_file"].iloc[0]
    path = css.folder / STORE_DIR / stored
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"\n")  # edited after it was received
    table = kpi_history(css, "CSC_KPI_04")
    assert len(table) == 12 and set(table["receipt"]) == {NOT_VERIFIED}


def test_kpi_history_marks_only_what_the_problems_discredit(css):
    stored = load_receipts(css.folder)["stored_file"].iloc[0]
    unrelated = [Problem("returns/20990101T000000000000Z-abcdefabcdef.csv", "unregistered")]
    assert set(kpi_history(css, "CSC_KPI_04", unrelated)["receipt"]) == {VERIFIED}
    damaged = [Problem(f"{STORE_DIR}/{stored}", "stored return changed")]
    assert set(kpi_history(css, "CSC_KPI_04", damaged)["receipt"]) == {NOT_VERIFIED}
