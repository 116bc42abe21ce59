"""``render.status``: the ``scrutiny status`` screen as data, and its reasons validated."""

from __future__ import annotations

import pandas as pd
import pytest

from scrutiny.exceptions import InputValidationError
from scrutiny.load.folder import REASONS_FILE, RETURNS_FILE
from scrutiny.render.status import status


def test_status_gathers_the_tables_the_screen_words(css_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(tmp_path / "outputs"))
    screen = status("lincolnshire-css", css_copy)
    assert screen.latest == pd.Period("2016-06", "M")
    assert len(screen.receipts) == 1 and screen.missing.empty
    # Seed 001's four reasons, then the six dashboard Blue decisions (seed 000).
    assert list(screen.reasons["kpi_id"]) == ["ACF_KPI_03", "ACF_KPI_10", "IMT_KPI_15",
                                              "IMT_KPI_15", "PM_KPI_06", "PM_KPI_08",
                                              "CSC_KPI_04", "CSC_KPI_08", "CSC_KPI_08",
                                              "CSC_KPI_08"]
    assert list(screen.reports["month"]) == [str(m) for m in pd.period_range(
        "2015-07", "2016-06", freq="M")]
    assert set(screen.reports["state"]) == {"not rendered"}
    assert screen.evidence == () and not screen.problems
    lines = screen.lines()
    assert lines[lines.index("Evidence (stored returns against receipts.csv and returns.csv):")
                 + 1] == "  verified"
    assert lines[1].startswith("Months held: 2015-07 to 2016-06 (12 months")
    assert " *CSC_KPI_09 2016-05..2016-07: TSL 95 MSL 90: " in "\n".join(lines)
    assert lines[-1] == ("  (render: scrutiny render --contract lincolnshire-css --period "
                         "YYYY-MM, or --latest)")


def test_status_refuses_mitigation_reasons_that_break_their_schema(css_copy):
    path = css_copy / "lincolnshire-css" / REASONS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",2019-04,2019-06,", ",2019-06,2019-04,", 1), encoding="utf-8")
    with pytest.raises(InputValidationError) as err:
        status("lincolnshire-css", css_copy)
    assert (err.value.file, err.value.column) == (REASONS_FILE, "to_month")


def test_status_lists_evidence_problems_and_raises_the_flag(css_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(tmp_path / "outputs"))
    path = css_copy / "lincolnshire-css" / RETURNS_FILE
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(rows[:-1]), encoding="utf-8")  # a KPI-month deleted by hand
    screen = status("lincolnshire-css", css_copy)
    assert screen.problems and len(screen.evidence) == 1
    assert "was received but is not in returns.csv" in screen.evidence[0]
    assert f"  PROBLEM {screen.evidence[0]}" in screen.lines()
    assert screen.problem_message().startswith(
        "lincolnshire-css: the store of returns does not verify (1 problem, listed under Evidence)")
