"""Action-plan report (seed 002, South & Vale with Capita): section by section and rendered."""

import re

import pytest

from render_helpers import SCRIPT, assert_sections, table_rows
from scrutiny.exceptions import ParameterError
from scrutiny.report import action_plan as apr
from scrutiny.report.registry import open_report
from systems_helpers import copy_dataset, replace_in

SECTIONS = ("In brief", "The contract changes", "The plan by stream and quarter",
            "The plan's status key", "Budgets and pressures", "Due next quarter",
            "Appendix: where the numbers come from")


@pytest.fixture(scope="module")
def q1():
    return open_report("action_plan_report", plan="south-vale-capita", quarter="Q1")



def test_summary_and_money_give_the_published_totals_138_and_37(q1):
    assert ("budget outside the contract totals 138 and its budget pressures 37 (GBP 000s). "
            "Both agree with the totals row the plan publishes.") in repr(apr.summary(q1))
    rows = table_rows(apr.money_section(q1).markup, "Budget and pressure by activity stream")
    assert rows[-1] == ["All streams", "22", "138", "37"]
    projects = table_rows(apr.money_section(q1).markup, "Projects with a budget or a pressure")
    assert sorted((r[0], r[-2], r[-1]) for r in projects) == [
        ("End User Computing (EUC)", "40", ""), ("Legacy datacentre closure", "0", "27"),
        ("Print services", "48", ""), ("Web sites replaced", "50", "10")]


def test_a_transcription_that_misses_the_published_totals_says_so(tmp_path, monkeypatch):
    folder = copy_dataset("south-vale-capita", tmp_path)
    replace_in(folder / "plan.yaml", "budget_2018_19: 138", "budget_2018_19: 140")
    monkeypatch.setenv("SCRUTINY_DATA", str(tmp_path))
    rep = open_report("action_plan_report", plan="south-vale-capita", quarter="Q1")
    text = repr(apr.summary(rep))
    assert "differ from the plan's published totals row: Budget outside contract published 140, "\
           "rows add up to 138." in text


def test_five_contract_changes_with_what_they_do_and_their_stated_cost(q1):
    rows = table_rows(apr.contract_changes_section(q1).markup, "The 5 contract changes")
    assert [r[0] for r in rows] == [
        "a. IT end user computing environment", "b. Fraud service back in-house",
        "c. Finance business partners back in-house", "d. Strategic HR back in-house",
        "e. Finance system upgrade"]
    assert all(r[2] == "Cost neutral, achieved through contract adjustments (paragraph 8)"
               for r in rows[1:4])
    assert rows[0][2].startswith("Expected to be funded within the established contract envelope")
    assert "Unit 4 Business World" in rows[4][1]
    assert rows[0][4] == ("End User Computing (EUC) (funding approach: Contract change plus new "
                          "devices for CILrs; budget 40 (GBP 000s))")


def test_status_key_is_data_and_lost_colours_are_not_invented(q1):
    markup = apr.rag_key_section(q1).markup
    assert table_rows(markup, "The plan&#39;s key to milestone status") == [
        ["Green", "Green", "Under way and on track"], ["Amber", "Amber", "In negotiation"],
        ["Red", "Red", "Off track"], ["Blue", "Blue", "Complete"], ["Grey", "Grey", "End point"]]
    assert "The colours did not survive" in markup
    plan = apr.plan_section(q1).markup
    assert "rag-" not in plan and not re.search(r"\[(Green|Amber|Red|Blue|Grey)\]", plan)


def test_plan_by_stream_and_quarter(q1):
    markup = apr.plan_section(q1).markup
    counts = table_rows(markup, "Milestones per activity stream and quarter")
    assert counts[0] == ["Core IT turnaround", "7", "10", "9", "1", "0"]
    active = table_rows(markup, "Core IT turnaround: milestones by quarter")[0]
    assert active == ["Active Directory", "DW", "directory designed and approved",
                      "New directory built and all staff migrated",
                      "Operational (successor lead LB)", "", ""]
    strategy = table_rows(markup, "Technology strategy: milestones by quarter")
    assert ["Technology Strategy document", "DW",
            "Technology strategy drafted and agreed with Senior Leadership", "", "",
            "Successor lead AP", ""] in strategy


def test_due_next_quarter_and_the_last_quarter(q1, monkeypatch):
    due = apr.next_quarter_section(q1).markup
    assert "20 milestones, across 20 projects, fall due in Q2 (Oct-Dec 2018)." in due
    assert len(table_rows(due, "Due in Q2 (Oct-Dec 2018)")) == 20
    last = open_report("action_plan_report", plan="south-vale-capita", quarter="Q5")
    assert "is the plan&#39;s last quarter" in apr.next_quarter_section(last).markup
    q4 = open_report("action_plan_report", plan="south-vale-capita", quarter="Q4")
    assert "no milestones for Q5" in apr.next_quarter_section(q4).markup


def test_unknown_quarter_names_the_plans_quarters():
    with pytest.raises(ParameterError, match="has no quarter 'Q7'; it has Q1"):
        open_report("action_plan_report", plan="south-vale-capita", quarter="Q7")


def test_an_unseen_plan_without_optional_files_and_with_hostile_text(tmp_path, monkeypatch):
    folder = copy_dataset("south-vale-capita", tmp_path / "data")
    folder = folder.rename(tmp_path / "data" / "another-plan")
    replace_in(folder / "plan.yaml", "plan: south-vale-capita", "plan: another-plan")
    replace_in(folder / "plan.yaml", "title: Technology action plan (Annex B)",
               f"title: 'Plan {SCRIPT}'")
    replace_in(folder / "actions.csv", "Active Directory", f"Directory {SCRIPT}")
    (folder / "contract_changes.csv").unlink()
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    (folder / "plan.yaml").write_text(text.split("# Each milestone's status")[0], encoding="utf-8")
    monkeypatch.setenv("SCRUTINY_DATA", str(tmp_path / "data"))
    rep = open_report("action_plan_report", plan="another-plan", quarter="Q2")
    sections = [apr.title, apr.summary, apr.contract_changes_section, apr.plan_section,
                apr.rag_key_section, apr.money_section, apr.next_quarter_section,
                apr.provenance_section]
    markup = "".join(section(rep).markup for section in sections)
    assert SCRIPT not in markup and "&lt;script&gt;" in markup
    assert "This plan lists no contract changes." in markup
    assert "The plan publishes no status for its milestones, so none is shown." in markup


@pytest.mark.slow
def test_rendered_action_plan_report(rendered):
    _, pages, _ = rendered
    html = pages["action_plan_report"].decode("utf-8")
    assert ("<h1>Technology action plan (Annex B): report for Q1 (July-Sept 2018)</h1>") in html
    assert_sections(html, SECTIONS)
    assert "open_report" not in html
