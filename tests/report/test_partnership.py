"""Partnership report (seed 004, Lancashire with BT): section by section and rendered."""

import pytest

from render_helpers import SCRIPT, assert_sections, table_rows
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.report import partnership as ptr
from scrutiny.report.registry import open_report
from systems_helpers import copy_dataset, replace_in

SECTIONS = ("In brief", "Were the targets met?", "What each service reported", "Figures stated",
            "Appendix: where the numbers come from")


@pytest.fixture(scope="module")
def q4():
    return open_report("partnership_report", partnership="lancashire-bt", quarter="2014/15 Q4")


@pytest.fixture(scope="module")
def q3():
    return open_report("partnership_report", partnership="lancashire-bt", quarter="2014/15 Q3")



def test_march_2015_figures_are_quoted_with_their_source(q4):
    rows = {r[0]: r for r in table_rows(ptr.figures_section(q4).markup,
                                        "Figures stated for 2014/15 Q4")}
    quote = "“Of all 5,246 incidents logged in March, 76% were incidents fixed within eight hours.”"
    assert rows["Incidents logged in March 2015"][1:] == [
        "ICT", "5,246", "“5,246 incidents logged in March”", quote]
    assert rows["Share of March 2015 incidents fixed within eight hours"][2] == "76%"
    assert rows["Share of March 2015 incidents fixed within eight hours"][4] == quote


def test_all_targets_met_for_both_services_with_the_quarter_before(q4, q3):
    rows = table_rows(ptr.targets_section(q4).markup,
                      "Targets met in 2014/15 Q4 (January to March 2015)")
    assert [r[:4] for r in rows] == [["ICT", "Yes", "contractual", "Yes"],
                                     ["Payroll and Recruitment", "Yes",
                                      "contractual and non-contractual", "Yes"]]
    assert rows[1][4] == "“Again all contractual and non-contractual targets were met within the " \
                         "quarter.”"
    earlier = table_rows(ptr.targets_section(q3).markup,
                    "Targets met in 2014/15 Q3 (October to December 2014)")
    assert [r[3] for r in earlier] == ["Not stated", "Not stated"]


def test_quarter_on_quarter_change_only_where_both_quarters_state_it(q4, q3):
    markup = ptr.figures_section(q4).markup
    assert table_rows(markup, "2014/15 Q3 to 2014/15 Q4") == [
        ["Priority categories (of five) at 100%", "ICT", "3", "2", "-1"]]
    assert "3 of the 4 figures for 2014/15 Q4 have no figure for 2014/15 Q3" in markup
    assert "None of these measures is stated for 2014/15 Q2 as well" in ptr.figures_section(
        q3).markup


def test_each_services_statements_for_the_quarter(q3):
    markup = ptr.statements_section(q3).markup
    assert [r[0] for r in table_rows(markup, "ICT: statements for 2014/15 Q3")] == [
        "Contractual targets", "Priority categories"]
    payroll = table_rows(markup, "Payroll and Recruitment: statements for 2014/15 Q3")
    assert payroll[1][1].startswith("Conditional offer documentation issued within 48 hours")


def test_says_plainly_that_the_kpi_appendix_was_not_published(q4):
    markup = ptr.summary(q4).markup
    assert "<strong>Not published</strong> Appendix &#39;A&#39;" in markup
    assert "ICT: yes (contractual targets); Payroll and Recruitment: yes" in markup


def test_quarter_without_statements_is_refused():
    with pytest.raises(NoDataForPeriodError, match="no statements for '2015/16 Q1'"):
        open_report("partnership_report", partnership="lancashire-bt", quarter="2015/16 Q1")


def test_an_unseen_partnership_with_statements_only_and_hostile_text(tmp_path, monkeypatch):
    folder = copy_dataset("lancashire-bt", tmp_path / "data")
    (folder / "figures.csv").unlink()
    (folder / "targets.csv").unlink()
    replace_in(folder / "statements.csv", "All contractual performance targets met",
               f"Targets {SCRIPT} met")
    replace_in(folder / "partnership.yaml", "council: Lancashire County Council",
               f"council: 'Council {SCRIPT}'")
    monkeypatch.setenv("SCRUTINY_DATA", str(tmp_path / "data"))
    rep = open_report("partnership_report", partnership="lancashire-bt", quarter="2014/15 Q3")
    sections = [ptr.title, ptr.summary, ptr.targets_section, ptr.statements_section,
                ptr.figures_section, ptr.provenance_section]
    markup = "".join(section(rep).markup for section in sections)
    assert SCRIPT not in markup and "&lt;script&gt;" in markup
    assert "The published report states no figures for this quarter." in markup
    assert "ICT: not stated; Payroll and Recruitment: not stated." in markup


@pytest.mark.slow
def test_rendered_partnership_report(rendered):
    _, pages, _ = rendered
    html = pages["partnership_report"].decode("utf-8")
    assert ("<h1>BT Lancashire Services strategic partnership: performance statements for "
            "2014/15 Q4 (January to March 2015)</h1>") in html
    assert_sections(html, SECTIONS)
    assert "open_report" not in html
