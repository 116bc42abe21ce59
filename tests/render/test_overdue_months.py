"""A month whose return is overdue gets its period report (issue 19 part 3).

Once a month's return is past its due date, every KPI expected in it scores Red "no return
received"; that is the month a committee most needs a report for. ``render --all`` plans it,
``render --contract --period`` accepts it, ``status`` lists it as not rendered, and the report
opens with the Red rows. A month not yet due is none of these. The contract is the small own
contract of tests/corpus/own-contract, with July's return left out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest_support import CORPUS
from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load.contract import load_contract
from scrutiny.render.select import select
from scrutiny.render.status import report_states
from scrutiny.report.registry import open_report

OWN = CORPUS / "own-contract"
NEW = ["new-contract", "north-waste", "--schedule", str(OWN / "schedule.csv"),
       "--title", "Waste and street cleansing contract", "--council", "North District Council",
       "--supplier", "CleanCo Ltd", "--start", "2026-04",
       "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]
HELD = ["2026-04", "2026-05", "2026-06", "2026-08", "2026-09"]
#: October's return is due 10 working days after 31 October 2026: Friday 13 November.
BEFORE_DUE, AFTER_DUE = "2026-11-13", "2026-11-16"


@pytest.fixture
def own(tmp_path: Path, monkeypatch) -> Path:
    """north-waste with April-September's returns but July's, and no parameters files."""
    for name, folder in (("DATA", "data"), ("OUTPUTS", "outputs"), ("PARAMS", "params")):
        (tmp_path / folder).mkdir()
        monkeypatch.setenv(f"SCRUTINY_{name}", str(tmp_path / folder))
    monkeypatch.setenv("SCRUTINY_CACHE", "off")
    monkeypatch.setenv("SCRUTINY_TODAY", "2026-10-20")
    runner = CliRunner()
    assert runner.invoke(main, NEW).exit_code == 0
    for month in HELD:
        result = runner.invoke(main, ["ingest", "--contract", "north-waste",
                                      str(OWN / f"return-{month}.csv")])
        assert result.exit_code == 0, result.output
    return tmp_path


def planned(root: Path) -> list[str]:
    return sorted(str(job.stem.parent.name) for job in select(render_all=True)
                  if job.stem.parts[0] == "north-waste")


def test_render_all_plans_overdue_months_and_not_those_still_due(own, monkeypatch):
    monkeypatch.setenv("SCRUTINY_TODAY", BEFORE_DUE)
    # July is long overdue (due 14 August); October is due today, so not yet overdue.
    assert planned(own) == sorted([*HELD, "2026-07"])
    monkeypatch.setenv("SCRUTINY_TODAY", AFTER_DUE)
    assert planned(own) == sorted([*HELD, "2026-07", "2026-10"])
    contract = load_contract("north-waste")
    states = report_states(contract)
    assert dict(zip(states["month"].astype(str), states["state"], strict=True)) == {
        m: "not rendered" for m in sorted([*HELD, "2026-07", "2026-10"])}


def test_status_lists_the_overdue_month_as_not_rendered(own, monkeypatch):
    monkeypatch.setenv("SCRUTINY_TODAY", AFTER_DUE)
    screen = CliRunner().invoke(main, ["status", "--contract", "north-waste"]).output
    reports = screen[screen.index("Period reports"):]
    assert "2026-07: not rendered" in reports and "2026-10: not rendered" in reports


def test_the_overdue_month_opens_with_every_expected_kpi_red(own, monkeypatch):
    monkeypatch.setenv("SCRUTINY_TODAY", BEFORE_DUE)
    with pytest.raises(NoDataForPeriodError, match="2026-10 and its return is not overdue"):
        open_report("period_report", contract="north-waste", period="2026-10")
    with pytest.raises(NoDataForPeriodError, match="not overdue"):
        select(contract="north-waste", period="2026-10")
    monkeypatch.setenv("SCRUTINY_TODAY", AFTER_DUE)
    (job,) = select(contract="north-waste", period="2026-10")
    assert job.stem == Path("north-waste") / "2026-10" / "period_report"
    rep = open_report("period_report", contract="north-waste", period="2026-10")
    register = rep.register
    # Every KPI expected in October (the monthly ones: CLN_KPI_01 is quarterly, due in
    # December) is Red with no return received.
    expected = rep.contract.kpis
    monthly = sorted(expected.loc[expected["frequency"] == "M", "kpi_id"])
    assert sorted(register["kpi_id"]) == monthly
    assert set(register["rag"].str.lower()) == {"red"}
    # The report's months run to October, July included (Red, no return), as scored.
    assert [str(m) for m in rep.summary_months] == ["2026-05", "2026-06", "2026-07",
                                                    "2026-08", "2026-09", "2026-10"]


def test_lincolnshire_plan_is_unchanged():
    """Lincolnshire states no due rule (the default 10 working days applies), but scores only
    2015-07 to 2016-06 (``scored_from``/``scored_to``), all held: no month is overdue."""
    data = PROJECT_ROOT / "data"
    contract = load_contract("lincolnshire-css", data)
    assert contract.info.return_due == "10 working days"
    assert contract.missing_returns.empty
    assert list(contract.scored_months) == list(contract.months)
    assert [str(m) for m in (contract.months.min(), contract.months.max())] == [
        "2015-07", "2016-06"]
