"""``load.receipts``: the store of returns as read, and one KPI's history."""

from __future__ import annotations

import pytest

from scrutiny.exceptions import IngestError
from scrutiny.load.receipts import kpi_history, load_receipts, received_values


def test_the_seed_transcription_is_one_receipt_with_every_kpi_month(css):
    receipts = load_receipts(css.folder)
    assert len(receipts) == 1
    values = received_values(css.folder)
    assert len(values) == len(css.returns) == 516 and set(values["receipt"]) == {0}


def test_kpi_history_marks_the_value_in_force(css):
    table = kpi_history(css, "CSC_KPI_04")
    assert list(table.columns) == ["month", "value", "received_at", "file", "stored_as",
                                   "in_force"]
    assert len(table) == 12 and set(table["in_force"]) == {"yes"}
    assert table["month"].is_monotonic_increasing
    assert table.iloc[0]["value"] == "12.00"


def test_kpi_history_refuses_an_unknown_kpi_naming_the_known_ones(css):
    with pytest.raises(IngestError, match=r"unknown KPI 'NOPE_1'; the contract's KPIs are PM_"):
        kpi_history(css, "NOPE_1")
