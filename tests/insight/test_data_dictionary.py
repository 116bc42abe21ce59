"""The data dictionary covers every column the handle returns, and the doc is generated."""

from __future__ import annotations

from pathlib import Path

import pytest

import scrutiny
from scrutiny.insight.data_dictionary import COLUMNS, markdown

DOC = Path(__file__).parents[2] / "docs" / "data_dictionary.md"


@pytest.fixture(scope="module")
def tables():
    c = scrutiny.open_contract("lincolnshire-css")
    return {
        "scores": c.scores(), "counts": c.counts(), "reconciliation": c.reconciliation(),
        "exceptions": c.exceptions("2016-06"), "trends": c.trends("2016-06"),
        "ratings": c.ratings("2015-07", "2016-06"), "kpi_history": c.kpi_history("CSC_KPI_04"),
        "runs": c.runs("Red"),
        **{f"abatement {by}": c.abatement(by=by) for by in ("service", "kpi", "month")},
        **{f"whatif {by}": c.whatif(by=by, amber_fraction=1.0)
           for by in ("service", "kpi", "month", "kpi-month")},
    }


def test_every_column_the_handle_returns_is_explained(tables):
    missing = {f"{name}.{col}" for name, frame in tables.items() for col in frame.columns
               if col not in COLUMNS}
    assert not missing


def test_every_entry_has_where_and_meaning():
    for name, (where, meaning) in COLUMNS.items():
        assert where.strip() and len(meaning) > 15, name


def test_doc_file_is_the_generated_text():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "regenerate: python -m scrutiny.insight.data_dictionary > docs/data_dictionary.md")


def test_capped_on_all_rows_is_any_service_capped(tables):
    """``capped`` on ALL is True when some service hit its cap, as the dictionary says."""
    rows = tables["abatement service"]
    services = rows[rows["service"] != "ALL"].groupby("month")["capped"].any()
    total = rows[rows["service"] == "ALL"].set_index("month")["capped"]
    assert (total == services.reindex(total.index)).all()
    assert "at least one service" in COLUMNS["capped"][1]
