"""The README's "Working in Python" section gives the answers it states.

The README runs once per session (the ``doc_run`` fixture, test_docs.py); these tests read the
names its blocks left behind and the files they wrote in its working folder.
"""

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

README = Path(__file__).resolve().parents[1] / "README.md"


def python_section_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Working in Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


@pytest.fixture(scope="module")
def answers(doc_run):
    run = doc_run("README.md")
    assert not run.failures, "\n".join(run.failures)
    return run.namespace, run.cwd


def test_the_section_has_the_five_answers():
    assert len(python_section_blocks()) == 8


def test_which_months_change_rag(answers):
    moved = answers[0]["moved"]
    assert moved["kpi_id"].unique().tolist() == ["CSC_KPI_04"]
    assert moved["month"].astype(str).tolist() == ["2015-08", "2015-09", "2015-11", "2016-02",
                                                   "2016-03", "2016-04"]


def test_runs_with_dates(answers):
    runs, measured = answers[0]["runs"], answers[0]["measured"]
    twelve = runs[runs["length"] == 12]
    assert len(twelve) == 7 and (twelve["no_number"] == 12).sum() == 5
    longest = measured.loc[measured["length"].idxmax()]
    assert (longest["kpi_id"], longest["length"], str(longest["start"])) == (
        "F_KPI_01", 5, "2016-02")


def test_top_five_kpis_by_points(answers):
    top5 = answers[0]["top5"]
    assert [kpi for kpi, _ in top5.index] == ["F_KPI_01", "IMT_KPI_09", "ACF_KPI_06", "F_KPI_03",
                                              "IMT_KPI_11"]
    assert top5.tolist() == [600, 360, 300, 270, 240]


def test_credits_with_amber_at_full_points(answers):
    amber = answers[0]["amber"].set_index("service")
    assert amber.loc["ALL", ["credit", "proposed_credit", "difference"]].tolist() == [
        561_675, 675_050, 113_375]
    assert amber.loc["F", "difference"] == 0


def test_one_kpi_month_by_month(answers):
    history = answers[0]["history"]
    october = history[history["month"] == pd.Period("2015-10", "M")].iloc[0]
    assert len(history) == 12 and october["rag"] == "Red"
    assert (october["run_length"], october["points"]) == (4, 70)


def test_green_but_drifting(answers):
    assert answers[0]["drifting"].empty
    assert answers[0]["closest"]["kpi_id"].tolist()[:2] == ["CSC_KPI_09", "IMT_KPI_03"]


def test_register_workbook(answers):
    sheet = load_workbook(answers[1] / "register.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "KPI" and len(rows) - 1 == 13
    assert {r[rows[0].index("Status")] for r in rows[1:]} <= {"Amber", "Red", "Blue"}
